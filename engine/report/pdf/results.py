"""The second half of the PDF report: training curves, diagnosis, final test, decisions, appendix.

Each ``*_section`` function takes the project and returns the flowables of one section.
A section whose step has not been done yet says so in one plain sentence.
"""

from __future__ import annotations

import importlib.metadata
import platform
from pathlib import Path

from reportlab.platypus import Flowable

from engine.project.parts.diagnosis import DiagnosisRecord
from engine.project.project import Project
from engine.report import figures
from engine.report.pdf import final_stats as pdf_final_stats
from engine.report.pdf.costs import final_costs
from engine.words.formatting import (dash, fmt_confidence, fmt_count, fmt_error, fmt_number,
                                      fmt_points, fmt_time, gap_words, is_number, step_name, t,
                                      verdict_words)
from engine.report.pdf.style import (bullets, esc, figure, heading, lead, para, plain,
                                     spacer, table)
from engine.report.pdf.telemetry import curves_run
from engine.project.project import chosen_run, find_run
from engine.report.tables import confusion_table
from engine.report.vault_checks import check_notes
from engine.words.result_tables import error_ladder_table, test_metrics_table
from engine.project.parts.goal import Goal

LIBRARIES = ("keras", "tensorflow", "numpy", "pandas", "scikit-learn", "scipy", "optuna",
             "matplotlib", "reportlab")


def curves_section(project: Project) -> list[Flowable]:
    out: list[Flowable] = [heading(t("section.curves"))]
    run = chosen_run(project)
    if run is None:
        return out + [plain(t("curves.no_choice"))]
    png = figures.training_curves(run)
    if png is not None:
        return out + figure(png, t("curves.caption", label=run.label), width_share=0.95)
    # The chosen model has no epochs: show the best network so the curves still inform.
    other = curves_run(project)
    if other is None:
        return out + [plain(t("curves.no_history", label=run.label))]
    out.append(plain(t("curves.other_run", label=run.label, other=other.label)))
    return out + figure(figures.training_curves(other), t("curves.caption", label=other.label),
                        width_share=0.95)


def diagnosis_section(project: Project) -> list[Flowable]:
    out: list[Flowable] = [heading(t("section.diagnosis"))]
    diagnosis = project.diagnosis
    if diagnosis is None or (not diagnosis.verdict and not diagnosis.ladder):
        return out + [plain(t("diagnosis.not_done"))]
    metric = (project.goal or Goal()).metric
    run = find_run(project, diagnosis.run or project.chosen_run)
    if run is not None:
        out.append(plain(t("diagnosis.run", label=run.label, run=run.id)))
    if diagnosis.verdict:
        verdict = t("diagnosis.verdict", verdict=verdict_words(diagnosis.verdict))
        out.append(para(f"<b>{esc(verdict)}</b>"))
    if diagnosis.explanation:
        out.append(plain(diagnosis.explanation))
    ladder = error_ladder_table(project)
    if not ladder.empty:
        # text keys: report.gap.{mismatch,variance}, report.gap.avoidable_bias
        # text keys: report.gap.dev_overfit
        rows = [[step_name(_rung(diagnosis, r.step)), fmt_error(r.error, metric),
                 gap_words(r.gap_name), fmt_points(r.gap_value, metric) if r.gap_name else ""]
                for r in ladder.itertuples()]
        out.append(table([t("diagnosis.col_step"), t("diagnosis.col_error"),
                          t("diagnosis.col_gap"), t("diagnosis.col_gap_value")], rows,
                         widths=[2.2, 1.3, 2.2, 1.5], right=(1, 3), width_share=0.75))
        out.append(spacer(0.3))
        png = figures.error_ladder_chart(ladder, metric)
        if png is not None:
            out.extend(figure(png, t("diagnosis.caption"), width_share=0.85))
    advice = list(diagnosis.advice)
    out.append(heading(t("diagnosis.next"), 2))
    out.extend(bullets(advice) if advice else [plain(t("diagnosis.no_advice"))])
    return out


def _rung(diagnosis: DiagnosisRecord, name: str) -> dict:
    """The ladder row called ``name`` (it carries the diagnosis' own label)."""
    rung = diagnosis.rung(name)
    return rung.to_dict() if rung is not None else {"name": name}


def final_section(project: Project) -> list[Flowable]:
    out: list[Flowable] = [heading(t("section.final"))]
    final = project.final_test
    metrics = test_metrics_table(project)
    if metrics.empty or final is None:
        return out + [plain(t("final.locked"))]
    goal_metric = final.metric or (project.goal or Goal()).metric
    run = find_run(project, final.run)
    label = final.label or (run.label if run else dash())
    out.append(lead(t("final.run", label=label, run=final.run or dash(),
                      rows=fmt_count(final.rows),
                      time=fmt_time(final.evaluated_at))))
    out.extend(plain(note, "note") for note in check_notes(project))
    out.append(lead(t("final.intro", confidence=fmt_confidence(final.confidence))))
    out.append(pdf_final_stats.metrics_table(project, goal_metric))
    out.append(pdf_final_stats.methods_note())
    dev = run.errors.get("dev") if run else None
    if is_number(final.test_error):
        out.append(spacer(0.2))
        # The retrained model learned from the dev rows: its dev-test gap means nothing.
        key = "final.test_error_retrained" if final.retrained else "final.test_error"
        out.append(plain(t(key, test=fmt_error(final.test_error, goal_metric),
                           dev=fmt_error(dev, goal_metric))))
    out.extend(final_costs(project))
    out.extend(pdf_final_stats.stats_flowables(project))
    out.append(heading(t("final.confusion_heading"), 2))
    png = figures.confusion_chart(confusion_table(project))
    if png is None:
        return out + [plain(t("final.no_confusion"))]
    n = len(final.confusion.labels) if final.confusion else 0
    return out + figure(png, t("final.confusion_caption"),
                        width_share=min(0.85, 0.42 + 0.04 * n))


def decisions_section(project: Project) -> list[Flowable]:
    out: list[Flowable] = [heading(t("section.decisions"))]
    if project.integrity_problems:  # the record was altered outside Practica: say so first
        out.append(lead(t("decisions.altered")))
        out.extend(plain(problem) for problem in project.integrity_problems)
    if not project.decisions:
        return out + [plain(t("decisions.none"))]
    rows = [[fmt_time(d.time), d.kind.replace("_", " "), d.text] for d in project.decisions]
    return out + [lead(t("decisions.intro")),
                  table([t("decisions.col_time"), t("decisions.col_kind"),
                         t("decisions.col_text")], rows, widths=[1.7, 1.8, 6.5])]


def appendix_section(project: Project) -> list[Flowable]:
    out: list[Flowable] = [heading(t("section.appendix")),
                           heading(t("appendix.params_heading"), 2)]
    run = chosen_run(project)
    if run is None:
        out.append(plain(t("appendix.no_choice")))
    elif not run.params:
        out.append(plain(t("appendix.no_params")))
    else:
        rows = [[key, fmt_number(value)] for key, value in run.params.items()]
        out.append(lead(f"{run.label} ({run.id})", "small"))
        out.append(table([t("appendix.col_setting"), t("appendix.col_value")], rows,
                         widths=[2.5, 3.5], width_share=0.6))
        pretrained = pretrained_sentence(run.params)
        if pretrained:
            out.append(plain(pretrained))
    seed = project.split.seed if project.split is not None else None
    out.append(spacer(0.2))
    out.append(plain(t("appendix.seed", seed=seed) if seed is not None
                     else t("appendix.no_seed")))
    out.append(plain(t("appendix.folder", path=project.root), "small"))
    out.append(heading(t("appendix.versions_heading"), 2))
    rows = [["python", platform.python_version()]] + [[name, library_version(name)]
                                                      for name in LIBRARIES]
    out.append(table([t("appendix.col_library"), t("appendix.col_version")], rows,
                     widths=[2.5, 3.5], width_share=0.6))
    return out


BACKBONE_PREFIX = "keras:"


def pretrained_sentence(params: dict) -> str:
    """What the model was pretrained on and how it was reused, in words ("" when it was
    trained from scratch).

    Example:
        >>> pretrained_sentence({"transfer_from": "keras:MobileNetV2", "freeze_layers": -1})[:45]
        'Pretrained: the model starts from MobileNetV2'
        >>> pretrained_sentence({"word_vectors": "wordllama"})[:52]
        'Pretrained: each word of the texts starts from its W'
        >>> pretrained_sentence({"width": 64})
        ''
    """
    if str(params.get("word_vectors") or "none") != "none":
        # text keys: report.appendix.how_word_vectors_{fixed,tuned}
        how = "tuned" if params.get("tune_word_vectors") else "fixed"
        how = t(f"appendix.how_word_vectors_{how}")
        return t("appendix.pretrained_word_vectors", how=how)
    source = str(params.get("transfer_from") or "")
    if not source:
        return ""
    frozen = int(params.get("freeze_layers") or 0)
    if frozen == -1:
        how = t("appendix.how_frozen_all")
    elif frozen > 0:
        how = t("appendix.how_frozen_some", n=frozen)
    else:
        how = t("appendix.how_rates" if params.get("transfer_rates") else "appendix.how_all")
    if source.startswith(BACKBONE_PREFIX):
        return t("appendix.pretrained_backbone", name=source[len(BACKBONE_PREFIX):], how=how)
    return t("appendix.pretrained_file", file=Path(source).name, how=how)


def library_version(name: str) -> str:
    """The installed version of the distribution ``name``, read without importing it."""
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return t("appendix.not_installed")
