"""The end of the PDF report's appendix: every random seed that shaped the results, and
the computer they were made on (the device that trained, the Keras backend, the system).

With the settings of the chosen model and the library versions just before it, this is
what someone needs to make the same results again.
"""

from __future__ import annotations

import os
import platform
import sys

from reportlab.platypus import Flowable

from engine.project.project import Project
from engine.words.formatting import fmt_number, t
from engine.report.pdf.style import heading, table
from engine.project.project import chosen_run
from engine.report.trial_tables import report_summary


def reproduce_section(project: Project) -> list[Flowable]:
    """Two sub-sections of the appendix: the seeds, then the computer."""
    out: list[Flowable] = []
    rows = seed_rows(project)
    if rows:
        out += [heading(t("reproduce.seeds_heading"), 2),
                table([t("reproduce.col_what"), t("reproduce.col_seed")], rows,
                      widths=[3.5, 2.5], width_share=0.7)]
    out += [heading(t("reproduce.device_heading"), 2),
            table([t("reproduce.col_item"), t("reproduce.col_value")], device_rows(project),
                  widths=[2.5, 4.5], width_share=0.8)]
    return out


def seed_rows(project: Project) -> list[list[str]]:
    """(what, seed) for every seeded step that was done."""
    rows = []
    if project.split is not None:
        rows.append([t("reproduce.seed_split"), str(project.split.seed)])
    run = chosen_run(project)
    if run is not None and run.params.get("seed") is not None:
        rows.append([t("reproduce.seed_run"), fmt_number(run.params["seed"])])
    final = project.final_test
    seeds = final.seeds.seeds if final and final.seeds else ()
    if seeds:
        rows.append([t("reproduce.seed_final"), ", ".join(str(s) for s in seeds)])
    summary = report_summary(project)
    if summary is not None:
        seed = summary.settings.seed if summary.settings else None
        rows.append([t("reproduce.seed_tuning"), str(seed) if seed is not None
                     else t("reproduce.seed_tuning_random")])
    analysis = project.error_analysis
    if analysis is not None and analysis.seed is not None:
        rows.append([t("reproduce.seed_error_analysis"), str(analysis.seed)])
    curve = project.learning_curve
    if curve is not None and curve.seeds:
        rows.append([t("reproduce.seed_curve"), t("reproduce.seed_curve_value",
                                                  n=curve.seeds)])
    return rows


def device_rows(project: Project) -> list[list[str]]:
    """What trained the chosen model and the networks, the backend and the system."""
    run = chosen_run(project)
    devices = sorted({r.device for r in project.runs if r.device})
    rows = []
    if run is not None:
        rows.append([t("reproduce.device_chosen"), run.device or t("reproduce.device_none")])
        if run.device:
            rows.append([t("reproduce.precision"), t("reproduce.precision_mixed")
                         if run.mixed_precision else t("reproduce.precision_full")])
    if devices:
        rows.append([t("reproduce.device_runs"), ", ".join(devices)])
    rows += [[t("reproduce.backend"), keras_backend()],
             [t("reproduce.system"), platform.platform(terse=True)],
             [t("reproduce.processor"), platform.machine() or t("none")],
             [t("reproduce.cores"), str(os.cpu_count() or t("none"))]]
    return rows


def keras_backend() -> str:
    """The Keras backend, without importing Keras when it is not loaded yet."""
    keras = sys.modules.get("keras")
    backend = getattr(getattr(keras, "backend", None), "backend", None)
    return str(backend()) if callable(backend) else os.environ.get("KERAS_BACKEND",
                                                                   "tensorflow")
