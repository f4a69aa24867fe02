"""The report's learning-curve section: figure, answer and table, or "not drawn yet"."""

from __future__ import annotations

import io

from PIL import Image

from engine.diagnosis.learning_curve import CurvePoint, curve_record
from engine.diagnosis.learning_curve_view import curve_rows
from engine.project.parts.split import SplitRecord
from engine.project.project import Project
from engine.report import build_report
from engine.report.figure_learning_curve import learning_curve_chart
from engine.project.run_record import RunRecord
from engine.core.texts import text
from engine.project.parts.goal import Goal
from tests.pdf_text import pdf_text

RUN = "20240501-101500-mlp"


def _flat(words: str) -> str:
    return " ".join(words.split())


def _project(tmp_path) -> Project:
    project = Project(root=tmp_path / "churn", name="Churn")
    project.goal = Goal(target="churned", task="binary", metric="accuracy",
                        target_error=0.05, labels=("no", "yes"), positive_label="yes",
                        constraints=())
    project.split = SplitRecord(sizes={"train": 800, "train_dev": 100, "dev": 400, "test": 400})
    for run_id, label in ((RUN, "Keras MLP, 2 x 64"), ("20240501-120000-linear", "Linear")):
        RunRecord(id=run_id, model=run_id.rsplit("-", 1)[1], label=label, status="finished",
                  created="2024-05-01T10:15:00+02:00",
                  errors={"train": 0.05, "dev": 0.15}).save(project.run_dir(run_id))
    project.reload_runs()
    project.chosen_run = RUN
    points = [CurvePoint(f, int(800 * f), s, 0.02 + 0.03 * f + 0.002 * s,
                         0.30 - 0.05 * k + 0.004 * s, 12)
              for k, f in enumerate((0.125, 0.25, 0.5, 1.0)) for s in range(3)]
    project.learning_curve = curve_record(project, RUN, (0.125, 0.25, 0.5, 1.0), points)
    return project


def test_the_section_shows_the_answer_the_table_and_the_figure(tmp_path):
    project = _project(tmp_path)
    curve = project.learning_curve
    assert curve.verdict == "yes"  # 5 points less dev error per doubling
    files = build_report(project, pdf_path=tmp_path / "r.pdf", csv_dir=tmp_path / "csv")
    content = pdf_text(files.pdf)
    assert text("report.section.learning_curve") in content
    assert _flat(text("report.learning_curve.answer", answer=curve.answer)) in content
    assert _flat(curve.explanation) in content
    assert "Keras MLP, 2 x 64 (run 20240501-101500-mlp)" in content
    for row in curve_rows(curve):
        assert " ".join(row) in content
    assert _flat(text("report.learning_curve.caption")) in content
    assert _flat(text("report.learning_curve.stale")) not in content
    # The section comes right after the diagnosis.
    assert content.index(text("report.section.learning_curve")) > content.index(
        text("report.section.diagnosis"))


def test_curves_of_another_model_are_marked_out_of_date(tmp_path):
    project = _project(tmp_path)
    project.chosen_run = "20240501-120000-linear"
    files = build_report(project, pdf_path=tmp_path / "r.pdf", csv_dir=tmp_path / "csv")
    assert _flat(text("report.learning_curve.stale")) in pdf_text(files.pdf)


def test_a_project_without_curves_says_they_are_not_drawn(tmp_path):
    project = Project(root=tmp_path / "fresh", name="Fresh")
    files = build_report(project, pdf_path=tmp_path / "r.pdf", csv_dir=tmp_path / "csv")
    content = pdf_text(files.pdf)
    assert text("report.section.learning_curve") in content
    assert _flat(text("report.learning_curve.not_done")) in content
    assert learning_curve_chart(None) is None


def test_the_figure_is_a_png_that_reads_in_grayscale(tmp_path):
    project = _project(tmp_path)
    png = learning_curve_chart(project.learning_curve, path=tmp_path / "curve.png")
    assert png == (tmp_path / "curve.png").read_bytes()
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.width > 1000
    gray = image.convert("L")
    # Curves, bars and text leave dark pixels on the white page (no colour needed).
    assert sum(gray.histogram()[:100]) > 2000


def test_curves_over_folds_say_so_and_what_the_spread_means(tmp_path):
    from engine.diagnosis.learning_curve_view import curve_note

    project = _project(tmp_path)
    points = [CurvePoint(f, int(260 * f), k, 0.02 + 0.03 * f + 0.002 * k,
                         0.30 - 0.05 * i + 0.004 * k, 12)
              for i, f in enumerate((0.25, 0.5, 1.0)) for k in range(5)]
    project.learning_curve = curve_record(project, RUN, (0.25, 0.5, 1.0), points, folds=5,
                                          held_rows=65)
    curve = project.learning_curve
    assert curve.folds == 5 and all(s.seeds == 5 for s in curve.summary)
    content = pdf_text(build_report(project, pdf_path=tmp_path / "r.pdf",
                                    csv_dir=tmp_path / "csv").pdf)
    assert _flat(text("report.learning_curve.run_kfold", label="Keras MLP, 2 x 64", run=RUN,
                      folds=5, when="x")).split(" on ")[0] in content
    assert _flat(curve_note(curve)) in content
    assert _flat(text("report.learning_curve.caption_kfold")) in content
    for row in curve_rows(curve):  # the spread over the folds beside each mean
        assert " ".join(row) in content and "±" in row[3]
