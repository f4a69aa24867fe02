"""The typed ``report``, ``sanity``, ``summary`` and ``split`` parts: each reads its JSON
form back unchanged, and an older, shorter form still reads."""

import math

from engine.project.parts import report, sanity
from engine.project.parts.report import ReportRecord
from engine.project.parts.sanity import CheckResult, LrRangeResult, SanityRecord


def test_report_round_trip_and_an_older_form():
    raw = {"time": "2026-12-06T12:59:01+00:00", "decisions": 16, "pdf": "/r/report.pdf",
           "csv": "/r/csv"}
    record = report.load(raw)
    assert record == ReportRecord("2026-12-06T12:59:01+00:00", 16, "/r/report.pdf", "/r/csv")
    assert report.dump(record) == raw
    assert report.load({"pdf": "/r/a.pdf"}) == ReportRecord(pdf="/r/a.pdf")
    assert report.load(None) is None and report.dump(None) is None


def test_sanity_round_trip_and_an_older_form():
    initial = CheckResult("initial_loss", True, "ok", "Fine.", 0.69, 0.693)
    overfit = CheckResult("overfit", False, "no_progress", "Stuck.", math.nan, 0.05, 80,
                          {"first_loss": 0.7}, (0.7, math.nan))
    lr = LrRangeResult(True, "found", "Try 0.003.", 0.003, 0.002, 0.01, (1e-4, 1e-3),
                       (0.7, 0.6), (0.7, 0.6), 2)
    record = SanityRecord(False, "A check failed.", initial, overfit, lr, model="mlp")
    raw = sanity.dump(record)
    assert raw["suggested_learning_rate"] == 0.003 and raw["overfit"]["loss"] is None
    assert raw["model"] == "mlp" and set(raw) == {"passed", "text", "suggested_learning_rate",
                                                  "initial_loss", "overfit", "lr_range",
                                                  "model"}
    again = sanity.load(raw)
    assert sanity.dump(again) == raw
    assert again.check("overfit").code == "no_progress" and again.suggested_learning_rate == 0.003
    older = sanity.load({"passed": True, "text": "Fine.", "lr_range": lr.to_dict()})
    assert older.overfit is None and older.model == "" and older.suggested_learning_rate == 0.003


def test_summary_round_trip_and_an_older_form():
    from engine.data.summary import ColumnInfo, DataSummary, TargetInfo
    from engine.project.parts import summary

    raw = {"rows": 4, "columns": 2,
           "column_info": [{"name": "x", "kind": "number", "dtype": "float64", "missing": 1,
                            "unique": 3},
                           {"name": "y", "kind": "category", "dtype": "object", "missing": 0,
                            "unique": 2}],
           "target": {"name": "y", "task": "classes", "missing": 0,
                      "class_counts": {"b": 3, "a": 1}, "minimum": None, "mean": None,
                      "maximum": None, "std": None}}
    typed = summary.load(raw)
    assert typed.column("x") == ColumnInfo("x", "number", "float64", 1, 3)
    assert typed.target.class_counts == (("b", 3), ("a", 1))  # most common first, kept
    assert summary.dump(typed) == raw
    older = summary.load({"rows": 5, "columns": ["a", "b", "c"]})
    assert older == DataSummary(5, 3, (), None)
    numeric = TargetInfo.from_dict({"name": "t", "task": "numeric", "std": 2.5})
    assert numeric.std == 2.5 and numeric.class_counts == () and numeric.missing == 0


def _old_release_split() -> dict:
    import json
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "data" / "projects" / "demo-0.1"
    return json.loads((folder / "project.json").read_text())["split"]


def test_split_round_trip_of_the_old_release():
    from engine.project.parts import split

    raw = _old_release_split()
    typed = split.load(raw)
    assert typed.fractions.train == 0.5 and typed.sizes["test"] == 114 and typed.seed == 0
    assert typed.class_balance["dev"] == {"benign": 71, "malignant": 43}
    assert typed.checks == () and not typed.blocked and typed.made_for == raw["made_for"]
    assert split.dump(typed) == raw


def test_split_older_forms_and_checks():
    from engine.project.parts import split
    from engine.project.parts.split import SplitCheck, SplitRecord

    older = {"fractions": {"train": 0.6, "train_dev": 0.1, "dev": 0.15, "test": 0.15},
             "seed": 2, "stratified": False, "sizes": {"train": 6}, "sources": {},
             "dropped_missing_target": 0, "notes": ["a note"], "made_for": None}
    typed = split.load(older)
    assert typed.checks is None and typed.class_balance is None and not typed.drop_copies
    again = split.dump(typed)
    assert "checks" not in again and "class_balance" not in again
    assert {k: again[k] for k in older} == older
    assert SplitRecord.from_dict({}) == SplitRecord()
    check = {"code": "copies_across_splits", "severity": "blocker", "column": None,
             "message": "12 dev rows copy training rows.", "fix": "Leave them out.",
             "way_out": "drop_copies"}
    typed = split.load({**older, "checks": [check], "copies_dropped": {"dev": 3}})
    assert typed.blocked and typed.checks[0] == SplitCheck.from_dict(check)
    assert typed.checks[0].way_out == "drop_copies" and typed.checks[0].column is None
    assert split.dump(typed)["checks"] == [check] and typed.copies_dropped == {"dev": 3}
    plain = {**check, "severity": "info"}
    plain.pop("way_out")
    assert SplitCheck.from_dict(plain).to_dict() == plain


def test_the_split_fingerprint_is_the_one_of_the_json_form(tmp_path):
    from engine.project.fingerprints import _key, split_key
    from engine.project.parts import split
    from engine.project.project import Project

    raw = _old_release_split()
    project = Project(root=tmp_path, name="p", split=split.load(raw))
    assert split_key(project) == _key({"goal": raw["made_for"], "seed": raw["seed"],
                                       "fractions": raw["fractions"], "sizes": raw["sizes"]})
    project.split = None
    assert split_key(project) == _key({"goal": None, "seed": None, "fractions": None,
                                       "sizes": None})
