"""The typed result parts (diagnosis, learning curve, error analysis, final test): they read
the release before's project.json into frozen records, give the same JSON back, and read
older or partial forms with defaults."""

import dataclasses
import json
from pathlib import Path

import pytest

from engine.project.parts.diagnosis import DiagnosisRecord, LadderRow
from engine.project.parts.error_analysis import (ConfusionCells, ErrorAnalysisRecord, Suspect,
                                                 SuspectCheck)
from engine.project.parts.final_test import (Comparison, Confusion, FinalistRecord,
                                             FinalTestRecord, MetricResult, SeedSpread)
from engine.project.parts.test_curves import CurveBundle
from engine.project.parts.learning_curve import CurvePoint, LearningCurveRecord, SizeSummary
from engine.project.schema import PARTS

OLD = Path(__file__).resolve().parents[2] / "data" / "projects" / "demo-0.1" / "project.json"
TYPES = {"diagnosis": DiagnosisRecord, "learning_curve": LearningCurveRecord,
         "error_analysis": ErrorAnalysisRecord, "final_test": FinalTestRecord}


@pytest.fixture(scope="module")
def raw():
    return json.loads(OLD.read_text())


@pytest.mark.parametrize("name", sorted(TYPES))
def test_the_old_release_reads_into_a_frozen_record_and_back(raw, name):
    record = PARTS[name].load(raw[name])
    assert isinstance(record, TYPES[name])
    assert PARTS[name].dump(record) == raw[name]
    assert TYPES[name].from_dict(record.to_dict()) == record
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.run = "other"
    assert PARTS[name].load(None) is None and PARTS[name].dump(None) is None


def test_nested_parts_are_typed(raw):
    diagnosis = DiagnosisRecord.from_dict(raw["diagnosis"])
    assert all(isinstance(r, LadderRow) for r in diagnosis.ladder)
    assert diagnosis.rung("train").error == raw["diagnosis"]["ladder"][1]["error"]
    final = FinalTestRecord.from_dict(raw["final_test"])
    assert isinstance(final.headline, MetricResult)
    assert final.headline.value == raw["final_test"]["metrics"]["accuracy"]["value"]
    assert isinstance(final.confusion, Confusion) and isinstance(final.seeds, SeedSpread)
    assert all(isinstance(f, FinalistRecord) for f in final.finalists)
    assert all(isinstance(c, Comparison) for c in final.comparisons)
    assert isinstance(final.curves, CurveBundle)  # the plotting bundle is typed too
    assert final.curves.to_dict() == raw["final_test"]["curves"]
    curve = LearningCurveRecord.from_dict(raw["learning_curve"])
    assert all(isinstance(p, CurvePoint) for p in curve.points)
    assert all(isinstance(s, SizeSummary) for s in curve.summary)
    analysis = ErrorAnalysisRecord.from_dict(raw["error_analysis"])
    assert all(isinstance(s, Suspect) for s in analysis.suspects)
    assert isinstance(analysis.suspect_check, SuspectCheck)
    assert isinstance(analysis.confusion, ConfusionCells)
    assert analysis.suspect_check.flagged_total == raw["error_analysis"]["suspect_check"][
        "flagged_total"]


def test_older_and_partial_forms_take_defaults():
    diagnosis = DiagnosisRecord.from_dict({"verdict": "bias"})
    assert (diagnosis.run, diagnosis.judged_by, diagnosis.ladder, diagnosis.advice) == \
        ("", "", (), ())
    final = FinalTestRecord.from_dict({"run": "r", "metric": "rmse",
                                       "metrics": {"rmse": 3.5, "mae": {"value": 2.0}}})
    assert final.metrics["rmse"] == MetricResult(3.5, None, None, "")
    assert final.metrics["mae"].low is None
    assert final.confusion is None and final.seeds is None and final.finalists == ()
    assert "confusion" not in final.to_dict() and "seeds" not in final.to_dict()
    assert SeedSpread.from_dict({"k": 2, "seeds": [0, 1]}).asked == 2
    curve = LearningCurveRecord.from_dict({"run": "r", "points": [
        {"fraction": 1, "rows": 10, "seed": 0, "train_error": 0.1, "dev_error": 0.2}]})
    assert curve.points[0].epochs == 0 and curve.summary == ()
    analysis = ErrorAnalysisRecord.from_dict({"run": "r", "suspect_check": {
        "checked": {"dev": 3, "train": 4}, "flagged": {"train": 1}}})
    assert analysis.suspect_check.checked_total == 7
    assert analysis.suspect_check.flagged_total == 1
    assert analysis.confusion is None and analysis.examples == ()
