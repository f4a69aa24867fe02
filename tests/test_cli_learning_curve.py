"""``practica learning-curve DIR``: a table of mean errors per size and the answer."""

import json

from engine.cli import learning_curve_command as command
from engine.cli.main import main
from engine.diagnosis.step import diagnose_project
from engine.diagnosis.learning_curve import DEFAULT_SEEDS, DEFAULT_SIZES
from engine.diagnosis.learning_curve_view import curve_rows
from engine.project.project import open_project
from engine.core.texts import text
from engine.training.job import TrainingSpec, run_training


def _choose_linear(project):
    run = run_training(TrainingSpec(str(project.root), "linear")).run_id
    diagnose_project(open_project(project.root), run)
    return run


def test_learning_curve_prints_the_table_and_the_answer(split_project, capsys):
    run = _choose_linear(split_project)
    assert main(["learning-curve", str(split_project.root), "--sizes", "50%,1",
                 "--seeds", "2"]) == 0
    out = capsys.readouterr().out
    curve = open_project(split_project.root).learning_curve
    assert curve.run == run and curve.sizes == (0.5, 1.0) and curve.seeds == 2
    label = open_project(split_project.root).run(run).label
    assert text("cli.learning_curve.header", label=label, seeds=2) in out
    lines = out.splitlines()
    for row in curve_rows(curve):  # one line per size, with its mean ± std cells
        assert any(line.split()[:2] == row[:2] and row[3] in line for line in lines)
    assert text("cli.learning_curve.answer", answer=curve.answer) in out

    assert main(["learning-curve", str(split_project.root), "--sizes", "0.5,1",
                 "--seeds", "1", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["answer"] and len(printed["points"]) == 2
    assert printed == open_project(split_project.root).learning_curve.to_dict()


def test_learning_curve_user_errors_are_one_line(split_project, capsys):
    assert main(["learning-curve", str(split_project.root)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == "practica: " + text("learning_curve.no_choice")
    _choose_linear(split_project)
    assert main(["learning-curve", str(split_project.root), "--sizes", "0.5,2"]) == 2
    assert capsys.readouterr().err.strip() == "practica: " + text("learning_curve.bad_sizes")
    assert main(["learning-curve", str(split_project.root), "--sizes", "half"]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_the_commands_defaults_are_the_engines():
    assert command.parse_sizes(command.SIZES) == DEFAULT_SIZES
    assert command.SEEDS == DEFAULT_SEEDS
