"""The report with several labellers: the goal section gives the human-level error and the
labeller confusion matrix; the error analysis puts the model's mix-ups beside the people's."""

from __future__ import annotations

from pypdf import PdfReader

from engine.goal.labellers_text import comparison_sentence, people_and_model
from engine.goal.step import GoalChoice, new_project
from engine.project.parts.labellers import Labellers
from engine.report import build_report
from tests.engine.goal.labelled_data import PEOPLE, planted


def test_the_goal_section_gives_the_estimate_and_the_matrix(tmp_path):
    frame, _ = planted(rows=500)
    data = tmp_path / "labelled.csv"
    frame.to_csv(data, index=False)
    project = new_project(tmp_path / "p", GoalChoice(data=str(data), target=None,
                                                     label_columns=PEOPLE))
    pdf = build_report(project, pdf_path=tmp_path / "r.pdf").pdf
    content = " ".join(page.extract_text() for page in PdfReader(str(pdf)).pages)
    content = " ".join(content.split())
    h = project.goal.labellers
    assert "Several labellers" in content
    assert f"{h.estimate:.1%}" in content and "human-level error" in content
    assert "others' vote" in content and str(h.confusion[0][0]) in content


def test_the_model_s_mixups_are_put_beside_the_people_s():
    people = Labellers(("a", "b", "c"), estimate=0.05, classes=("cat", "dog"),
                       confusion=((95, 5), (10, 90)))
    rows = people_and_model(people, ("cat", "dog"), ((70, 30), (9, 91)))
    assert rows[0][:2] == ("cat", "dog")
    assert abs(rows[0][2] - 0.05) < 1e-9 and abs(rows[0][3] - 0.30) < 1e-9
    sentence = comparison_sentence(rows)
    assert "cat as dog" in sentence and "30.0%" in sentence and "5.0%" in sentence
    alike = people_and_model(people, ("cat", "dog"), ((96, 4), (10, 90)))
    assert "about as often as people" in comparison_sentence(alike)
