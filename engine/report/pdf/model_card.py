"""The model card as a page of the PDF report: the same sections and sentences as the
``model_card.md`` of every export (``engine.use.model_card``), on a page of its own so
that it can be handed on alone."""

from __future__ import annotations

from reportlab.platypus import Flowable, PageBreak

from engine.core.texts import text
from engine.project.project import Project
from engine.report.pdf.style import bullets, heading, plain
from engine.use.model_card import model_card


def model_card_section(project: Project) -> list[Flowable]:
    out: list[Flowable] = [PageBreak(), heading(text("model_card.page_title"))]
    if not project.chosen_run:
        return out + [plain(text("model_card.no_run"))]
    card = model_card(project)
    out.append(plain(text("model_card.page_intro", label=card.label, run=card.run)))
    for _name, title, lines in card.sections:
        out.append(heading(title, 2))
        out.extend(bullets(list(lines)))
    return out
