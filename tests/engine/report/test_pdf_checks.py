"""The split checks in the PDF report's splits section."""

import numpy as np

from engine.report import build_report
from engine.split.step import split_project
from tests.engine.split.split_check_data import project_from, table
from tests.pdf_text import pdf_text


def test_the_report_lists_the_split_checks_and_the_copies_left_out(tmp_path):
    main = table(300)
    care = table(150, seed=1)
    care.iloc[:30] = main.iloc[np.arange(30)].to_numpy()
    care.loc[30:, "x1"] = care.loc[30:, "x1"] + 1.5  # and the rest differ
    project = project_from(tmp_path, main, second=care)
    split_project(project, seed=0)
    content = pdf_text(build_report(project).pdf)
    assert "Checks of the split" in content and "Test labels were not looked at" in content
    assert "Blocker: fix first" in content and "exact copies of rows of the training" in content
    assert "Note" in content and "data-mismatch" in content

    split_project(project, seed=0, drop_copies=True)
    content = pdf_text(build_report(project).pdf)
    assert "Blocker: fix first" not in content
    assert "rows that copied a training row were left out" in content


def test_a_clean_split_says_the_checks_found_nothing(tmp_path):
    project = project_from(tmp_path, table(200))
    split_project(project)
    content = pdf_text(build_report(project).pdf)
    assert "The checks found nothing to report." in content
