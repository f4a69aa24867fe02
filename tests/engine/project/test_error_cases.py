"""The typed examples and confusion cells of an error analysis
(``engine.project.parts.error_analysis``): the same JSON back, defaults for older or partial
forms, and what ``analyse_errors``'s readers ask of them."""

import dataclasses
import json
from pathlib import Path

import pytest

from engine.diagnosis.error_analysis import case_details, case_line, cell_count, cell_examples
from engine.project.parts.error_analysis import ConfusionCells, ErrorAnalysisRecord, ErrorCase

OLD = Path(__file__).resolve().parents[2] / "data" / "projects" / "demo-0.1" / "project.json"

CASE = {"row": 12, "true": "cat", "predicted": "dog", "confidence": 0.8, "p_true": 0.15,
        "error": None, "values": {"x": "1.5", "z": "red"}, "text": None, "image": None}
NUMBER = {"row": 3, "true": 2.5, "predicted": 4.0, "confidence": None, "p_true": None,
          "error": 1.5, "values": {"x": "0.25"}, "text": None, "image": None}


def test_the_old_release_confusion_reads_typed_and_back():
    raw = json.loads(OLD.read_text())["error_analysis"]
    analysis = ErrorAnalysisRecord.from_dict(raw)
    confusion = analysis.confusion
    assert isinstance(confusion, ConfusionCells)
    assert confusion.to_dict() == raw["confusion"]
    assert confusion.labels == tuple(raw["confusion"]["labels"])
    assert confusion.count(1, 1) == raw["confusion"]["matrix"][1][1]
    assert confusion.rows_of(1, 1) == tuple(raw["confusion"]["cells"]["1,1"])
    assert confusion.count(5, 0) == 0 and confusion.rows_of(0, 1) == ()
    assert analysis.to_dict() == raw


def test_cases_round_trip_and_read_older_forms():
    record = ErrorAnalysisRecord.from_dict({"run": "r", "task": "multiclass",
                                            "examples": [CASE, "junk"], "confident": [NUMBER],
                                            "cell_examples": [{"row": 5}]})
    case = record.examples[0]
    assert isinstance(case, ErrorCase) and (case.row, case.true, case.p_true) == (12, "cat", 0.15)
    assert case.to_dict() == CASE and record.confident[0].to_dict() == NUMBER
    assert len(record.examples) == 1
    assert record.cell_examples[0] == ErrorCase(row=5)
    assert ErrorAnalysisRecord.from_dict(record.to_dict()) == record
    with pytest.raises(dataclasses.FrozenInstanceError):
        case.row = 1
    older = ConfusionCells.from_dict({"labels": ["a", "b"], "matrix": [[1, 0], [2, 3]]})
    assert older.shares == () and older.cells == {} and older.count(1, 0) == 2


def test_the_readers_use_the_types():
    confusion = ConfusionCells.from_dict({"labels": ["cat", "dog"], "matrix": [[4, 2], [0, 3]],
                                          "shares": [[0.67, 0.33], [0.0, 1.0]],
                                          "cells": {"0,1": [12, 40]}})
    other = {**CASE, "row": 40, "values": {}, "text": "a  long\nline"}
    record = ErrorAnalysisRecord(task="multiclass", examples=(ErrorCase.from_dict(CASE),),
                                 cell_examples=(ErrorCase.from_dict(other),),
                                 confusion=confusion)
    assert [c.row for c in cell_examples(record, 0, 1)] == [12, 40]
    assert cell_examples(record, 1, 0) == [] and cell_count(record, 0, 1) == 2
    assert cell_count(None, 0, 1) == 0 and cell_examples(None, 0, 1) == []
    assert case_line(record.examples[0]) == "x=1.5, z=red"
    assert case_line(record.cell_examples[0]) == "a long line"
    assert case_details(record.examples[0]) == "x: 1.5\nz: red"
    image = ErrorCase(row=1, values={"file": "cats/1.png"}, image="/data/cats/1.png")
    assert case_line(image) == "cats/1.png"
