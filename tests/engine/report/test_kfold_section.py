"""The report's k-fold section: the table and sentences of ``kfold.json``, or nothing."""

from __future__ import annotations

from engine.core.atomic import write_json
from engine.core.texts import text
from engine.diagnosis.kfold import KFOLD_FILE, kfold_result, kfold_rows, kfold_sentences
from engine.report import build_report
from tests.engine.report.test_learning_curve import _flat, _project
from tests.pdf_text import pdf_text


def test_the_section_shows_the_comparison_only_when_one_was_made(tmp_path):
    project = _project(tmp_path)
    project.root.mkdir(parents=True, exist_ok=True)
    files = build_report(project, pdf_path=tmp_path / "a.pdf", csv_dir=tmp_path / "a")
    assert text("report.section.kfold") not in pdf_text(files.pdf)

    errors = {"majority": [0.49, 0.5, 0.51, 0.5, 0.49], "linear": [0.2, 0.22, 0.18, 0.21, 0.2],
              "mlp": [0.21, 0.25, 0.2, 0.19, 0.22]}
    labels = {"majority": text("model.majority_classification"),
              "linear": text("model.linear_classification"), "mlp": "Keras MLP, 2 x 64"}
    result = kfold_result("accuracy", errors, 5, 300, 0, 20, True, labels)
    write_json(project.root / KFOLD_FILE, result.to_dict())
    files = build_report(project, pdf_path=tmp_path / "b.pdf", csv_dir=tmp_path / "b")
    content = pdf_text(files.pdf)
    assert text("report.section.kfold") in content
    for row in kfold_rows(result):
        assert " ".join(row) in content
    for line in kfold_sentences(result):
        assert _flat(line) in content
    assert all(label in content for label in labels.values())  # plain names, not kinds
    assert "majority " not in content.split(text("report.section.kfold"))[-1][:400]
    assert content.index(text("report.section.kfold")) > content.index(
        text("report.section.learning_curve"))
