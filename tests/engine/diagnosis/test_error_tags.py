"""Tags of dev mistakes: normalisation, the tag table's arithmetic, persistence, reports."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest
from pypdf import PdfReader

from engine.diagnosis.error_analysis import analyse_errors
from engine.diagnosis.error_tags import (ceiling_words, clear_tags, parse_tags, project_suggestions,
                               set_tags, suggested_tags, tag_table, tags_frame, toggle_tag)
from engine.core.errors import ProjectError
from engine.project.project import Project, open_project
from engine.core.texts import text
from tests.engine.diagnosis.test_error_analysis import noisy_classes, trained


@pytest.fixture
def analysed(tmp_path):
    project = trained(tmp_path, noisy_classes(300), "kind")
    analyse_errors(project)
    return project


def test_free_tags_are_trimmed_and_case_duplicates_merged():
    assert parse_tags(" rare  case, Rare Case,,blurry ;  ") == ["rare case", "blurry"]
    assert parse_tags(["  A ", "a", "b"]) == ["A", "b"]
    assert parse_tags("") == [] and parse_tags(" , ;") == []
    assert parse_tags("x" * 100) == ["x" * 60]


def test_set_tags_takes_the_spelling_in_use_and_an_empty_text_clears(tmp_path):
    project = Project(root=tmp_path, name="p")
    assert set_tags(project, 4, "Mislabeled, Dark Corner") == ["mislabeled", "Dark Corner"]
    assert set_tags(project, "7", ["dark corner", "new one"]) == ["Dark Corner", "new one"]
    assert project.error_tags == {"4": ["mislabeled", "Dark Corner"],
                                  "7": ["Dark Corner", "new one"]}
    assert set_tags(project, 4, "DARK CORNER") == ["Dark Corner"]  # the other row's spelling
    assert toggle_tag(project, 4, "ambiguous") == ["Dark Corner", "ambiguous"]
    assert toggle_tag(project, 4, "Ambiguous") == ["Dark Corner"]
    assert set_tags(project, 7, " , ") == [] and "7" not in project.error_tags
    clear_tags(project, 4)
    assert project.error_tags == {}
    for bad in ("seven", -1, None):
        with pytest.raises(ProjectError):
            set_tags(project, bad, "x")


def test_suggestions_depend_on_the_data_kind_and_include_tags_in_use(tmp_path):
    assert text("error_analysis.tag.blurry") in suggested_tags("images")
    assert text("error_analysis.tag.typo") in suggested_tags("text")
    assert text("error_analysis.tag.missing_value") in suggested_tags("table")
    assert text("error_analysis.tag.mislabeled") in suggested_tags("sequence")
    project = Project(root=tmp_path, name="p")
    set_tags(project, 1, "glare")
    assert project_suggestions(project)[-1] == "glare"


def test_tag_table_arithmetic_by_hand(analysed):
    project = analysed
    rows = project.error_analysis.mistake_rows[:5]
    project.error_analysis = replace(project.error_analysis, mistake_rows=rows, mistakes=5,
                                     mistakes_error=0.2)
    set_tags(project, rows[0], "mislabeled, blurry")
    set_tags(project, rows[1], "Mislabeled")
    set_tags(project, rows[2], "mislabeled")
    set_tags(project, rows[3], "rare case")
    set_tags(project, 999_999, "mislabeled")  # not a mistake of this analysis: left out
    table = tag_table(project)
    # 4 reviewed mistakes: mislabeled 3/4 = 75% -> ceiling 0.75 x 0.2 = 0.15;
    # blurry and rare case 1/4 = 25% -> 0.05 each.
    assert table.reviewed == 4 and table.mistakes == 5
    expected = {"mislabeled": (3, 0.75, 0.15), "blurry": (1, 0.25, 0.05),
                "rare case": (1, 0.25, 0.05)}
    assert {r.tag for r in table.rows} == set(expected)
    for r in table.rows:
        assert (r.count, r.share, r.ceiling) == pytest.approx(expected[r.tag])
    assert table.rows[0].tag == "mislabeled"
    assert ceiling_words(0.15, "binary") == "-15.00 pt"
    assert ceiling_words(0.15, "regression") == "-0.15"


def test_tags_survive_save_reopen_and_a_new_analysis(analysed):
    project = analysed
    first, second = (e.row for e in project.error_analysis.examples[:2])
    set_tags(project, first, "mislabeled, odd font")
    set_tags(project, second, "ambiguous")
    before = tag_table(project)
    project.save()
    again = open_project(project.root)
    assert again.error_tags == {str(first): ["mislabeled", "odd font"],
                                str(second): ["ambiguous"]}
    assert tag_table(again) == before
    analyse_errors(again)  # the same data analysed again: the rows keep their tags
    reopened = open_project(project.root)
    assert reopened.error_tags[str(first)] == ["mislabeled", "odd font"]
    assert tag_table(reopened).reviewed == 2


def test_tags_go_into_the_csv_and_the_pdf(analysed, tmp_path):
    from engine.report import build_report

    project = analysed
    example = project.error_analysis.examples[0]
    set_tags(project, example.row, "mislabeled, smudge")
    set_tags(project, 123_456, "old tag")
    files = build_report(project, pdf_path=tmp_path / "r.pdf", csv_dir=tmp_path / "csv")
    frame = pd.read_csv(tmp_path / "csv" / "error_tags.csv", keep_default_na=False)
    assert list(frame.columns) == ["row", "split", "true", "predicted", "confidence", "tags"]
    first = frame.iloc[0]
    assert (first["row"], first["split"], first["true"], first["predicted"], first["tags"]) \
        == (example.row, "dev", example.true, example.predicted, "mislabeled; smudge")
    assert float(first["confidence"]) == example.confidence  # every digit kept
    assert frame.iloc[1]["row"] == 123_456 and frame.iloc[1]["true"] == ""
    assert "error_tags.csv" in (tmp_path / "csv" / "README.txt").read_text(encoding="utf-8")
    words = " ".join(" ".join(p.extract_text() for p in PdfReader(str(files.pdf)).pages)
                     .split())
    assert text("report.error_analysis.tags_heading") in words
    assert "smudge" in words and "-" in words
    assert text("report.error_analysis.confusion_heading") in words
    assert tags_frame(project).shape[0] == 2


def test_report_says_not_done_without_an_analysis(tmp_path):
    from engine.report.pdf.error_analysis import error_analysis_section

    project = Project(root=tmp_path, name="p")
    parts = error_analysis_section(project)
    assert text("report.error_analysis.not_done") in parts[-1].getPlainText()
