"""The report's curves: a grayscale figure for each task, and the PDF section after the
final test with the figure, the sentences and the per-class table."""

from dataclasses import replace
import io
from types import SimpleNamespace

import numpy as np
from PIL import Image
from pypdf import PdfReader

from engine.diagnosis.step import diagnose_project
from engine.goal.evaluation import Predictions
from engine.final.step import run_final_test
from engine.project.parts.final_test import FinalTestRecord
from engine.project.project import open_project
from engine.words import curve_words
from engine.report.figure_test_curves import final_curves_chart
from engine.report.pdf.document import write_pdf
from engine.report.pdf.test_curves import final_curves_section
from engine.final.test_curves import curve_bundle
from engine.training.job import TrainingSpec, run_training
from engine.project.parts.goal import Goal
from tests.engine.final.test_test_curves import binary_case, multiclass_case


def assert_gray_png(png: bytes) -> None:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    rgb = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)
    spread = rgb.max(axis=2) - rgb.min(axis=2)
    assert spread.max() <= 2, "the figure must not rely on colour"
    assert (rgb < 80).any() and (rgb > 200).any()  # something is drawn on white


def test_figures_are_grayscale_for_every_task(tmp_path):
    goal, preds = binary_case()
    assert_gray_png(final_curves_chart(curve_bundle(replace(goal, abstain_accuracy=0.8), preds)))
    goal, preds = multiclass_case(classes=10)
    bundle = curve_bundle(goal, preds)
    assert len(curve_words.classes_to_draw(bundle)) == 8  # the eight most common of ten
    png = final_curves_chart(bundle, path=tmp_path / "curves.png")
    assert_gray_png(png)
    assert (tmp_path / "curves.png").read_bytes() == png
    rng = np.random.default_rng(0)
    y = rng.normal(size=80)
    reg = curve_bundle(Goal(task="regression", metric="rmse"),
                       Predictions(y, y + rng.normal(0, 0.3, 80), None, None))
    assert_gray_png(final_curves_chart(reg))
    assert final_curves_chart(None) is None


def test_section_before_and_after_the_final_test():
    goal, preds = multiclass_case(classes=7)
    bundle = curve_bundle(replace(goal, abstain_accuracy=0.8), preds)
    locked = final_curves_section(SimpleNamespace(goal=goal, final_test=None))
    assert "vault" in locked[-1].getPlainText()
    old = final_curves_section(SimpleNamespace(goal=goal, final_test=FinalTestRecord()))
    assert "test again" in old[-1].getPlainText()
    parts = final_curves_section(SimpleNamespace(goal=goal, final_test=FinalTestRecord(curves=bundle)))
    texts = " ".join(p.getPlainText() for p in parts if hasattr(p, "getPlainText"))
    assert curve_words.reject_sentence(bundle) in texts
    assert curve_words.top_k_sentence(bundle) in texts
    table = parts[-1]
    assert len(table._cellvalues) == 1 + 7  # header and one row per class


def test_the_pdf_shows_the_curves_after_the_final_test(split_project, tmp_path):
    root = split_project.root
    run_training(TrainingSpec(str(root), "linear"))
    project = open_project(root)
    diagnose_project(project)
    run_final_test(project, n_resamples=100, seeds=1)
    project = open_project(root)
    bundle = project.final_test.curves
    pdf = write_pdf(project, tmp_path / "report.pdf")
    words = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages)
    assert "Beyond one number" in words
    auc = bundle.roc.curves[0].auc
    assert f"ROC area {auc:.3f}" in words
    assert words.index("Beyond one number") > words.index("Final test")
