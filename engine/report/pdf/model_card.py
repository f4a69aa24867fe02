"""The model card as a page of the PDF report: the same sections and sentences as the
``model_card.md`` of every export (``engine.use.model_card``), on a page of its own (set a
little tighter than the other sections) so that it can be handed on alone."""

from __future__ import annotations

import functools

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, PageBreak, Paragraph

from engine.core.texts import text
from engine.project.project import Project
from engine.report.pdf.style import esc, heading, plain, styles
from engine.use.model_card import model_card


@functools.cache
def _styles() -> tuple[ParagraphStyle, ParagraphStyle]:
    """(section title, line) of the card: smaller than the report's own."""
    base = styles()
    title = ParagraphStyle("PCardTitle", parent=base.h2, fontSize=10.5, leading=13,
                           spaceBefore=6, spaceAfter=2)
    line = ParagraphStyle("PCardLine", parent=base.bullet, fontSize=8.5, leading=10.8,
                          spaceAfter=1.5)
    return title, line


def model_card_section(project: Project) -> list[Flowable]:
    out: list[Flowable] = [PageBreak(), heading(text("model_card.page_title"))]
    if not project.chosen_run:
        return out + [plain(text("model_card.no_run"))]
    card = model_card(project)
    title_style, line_style = _styles()
    out.append(plain(text("model_card.page_intro"), "small"))
    for _name, title, lines in card.sections:
        out.append(Paragraph(esc(title), title_style))
        out.extend(Paragraph(esc(line), line_style, bulletText="•") for line in lines)
    return out + [PageBreak()]
