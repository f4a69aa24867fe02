"""The command line as a user runs it: one plain line and exit 2 for every user error."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from engine.cli.main import main

ROOT = Path(__file__).resolve().parent.parent


def practica(*args, cwd=None):
    exe = Path(sys.executable).with_name("practica")
    return subprocess.run([str(exe), *map(str, args)], capture_output=True, text=True,
                          cwd=cwd or ROOT, timeout=600)


@pytest.mark.parametrize("errors, verdict", [
    (dict(train=1, dev=11), "variance"),
    (dict(train=15, dev=16), "bias"),
    (dict(target_error=1, train=8, dev=10), "bias"),
    (dict(target_error=7.5, train=8, dev=10), "variance"),
    (dict(train=1, train_dev=9, dev=10), "variance"),
    (dict(train=1, train_dev=1.5, dev=10), "mismatch"),
    (dict(train=10, train_dev=11, dev=12), "bias"),
])
def test_diagnose_json_gives_the_seeds_verdicts(capsys, errors, verdict):
    args = ["diagnose", "--json"]
    for k, v in errors.items():
        args += [f"--{k.replace('_', '-')}", str(v)]
    assert main(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["verdict"] == verdict
    assert out["advice"]


def test_version_and_help():
    out = practica("--version")
    assert out.returncode == 0 and out.stdout.startswith("practica ")
    out = practica("--help")  # with no command at all, practica opens the desktop app
    assert out.returncode == 0 and "demo" in out.stdout and "diagnose" in out.stdout


def test_help_and_usage_errors_load_no_heavy_library():
    """A command's module is imported when it runs: --help or a mistyped command answers
    without scikit-learn, SciPy, pandas or Keras."""
    probe = ("import sys\nfrom gui.launcher import main\n"
             "for argv in (['--help'], ['frobnicate']):\n"
             "    try:\n        main(argv)\n    except SystemExit:\n        pass\n"
             "heavy = ('sklearn', 'scipy', 'pandas', 'keras', 'tensorflow', 'optuna')\n"
             "print('HEAVY', [m for m in heavy if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         cwd=ROOT, timeout=120)
    assert "HEAVY []" in out.stdout, out.stdout + out.stderr


@pytest.mark.parametrize("args", [
    ["check", "no/such/file.csv"],
    ["run", "no/such/project", "--until", "split"],
    ["diagnose", "--train", "abc", "--dev", "3"],
    ["new", "x", "--data", "no/such.csv", "--target", "y"],
    ["frobnicate"],
])
def test_user_errors_are_one_plain_line(args, tmp_path):
    out = practica(*args, cwd=tmp_path)
    assert out.returncode == 2, out
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert "Traceback" not in out.stderr and out.stdout.strip() == ""


def test_check_refuses_a_one_class_target(tmp_path, capsys):
    path = tmp_path / "one.csv"
    path.write_text("a,b,y\n" + "".join(f"{i},{i * 2},same\n" for i in range(30)))
    code = main(["check", str(path), "--target", "y"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1


def test_new_then_run_until_report_on_an_unseen_messy_csv(tmp_path, mixed_csv):
    """Missing values and text categories, a file the other tests never built this way."""
    import pandas as pd

    frame = pd.read_csv(mixed_csv)
    frame["segment"] = frame["city"].map({"Lyon": "retail", "Graz": "pro"})  # more gaps
    messy = tmp_path / "messy;data.csv"
    frame.to_csv(messy, index=False, sep=";", decimal=",")
    proj = tmp_path / "proj"
    out = practica("new", proj, "--data", messy, "--target", "bought",
                   "--constraint", "latency_ms < 100", "--target-error", "5%")
    assert out.returncode == 0, out.stderr
    out = practica("run", proj, "--until", "report", "--epochs", "3")
    assert out.returncode == 0, out.stderr
    assert "Final test" in out.stdout
    data = json.loads((proj / "project.json").read_text())
    assert data["vault"]["opened_at"]
    assert data["goal"]["target_error"] == 0.05
    assert (proj / "reports" / "report.pdf").stat().st_size > 1000
    kinds = [d["kind"] for d in data["decisions"]]
    for kind in ("goal_set", "metric_chosen", "split_made", "model_accepted", "vault_opened"):
        assert kind in kinds
    # The learning-rate test's outcome is printed in plain words: a rate, or 0.001 kept.
    lr = data["sanity"]["lr_range"]
    assert lr["text"] in out.stdout
    if lr["code"] == "found":
        assert lr["suggested"] and "Suggested learning rate" in lr["text"]
    elif lr["code"] == "keep_default":
        assert lr["suggested"] is None and "keep" in lr["text"] and "0.001" in lr["text"]


MALFORMED = sorted((ROOT / "tests" / "data" / "malformed").glob("*.*"))


@pytest.mark.parametrize("path", [p for p in MALFORMED if p.suffix != ".py"],
                         ids=lambda p: p.name)
def test_check_answers_every_malformed_file_plainly(path, capsys):
    code = main(["check", str(path)])
    out = capsys.readouterr()
    assert code in (0, 2), out.err
    assert "Traceback" not in out.err + out.out
    if code == 2:
        assert len(out.err.strip().splitlines()) == 1, out.err
        assert out.err.startswith("practica: ") or out.out


def test_check_names_the_ragged_line(capsys):
    code = main(["check", str(ROOT / "tests" / "data" / "malformed" / "ragged_short.csv")])
    err = capsys.readouterr().err
    assert code == 2 and "7" in err


def test_a_refused_goal_leaves_no_half_made_project(tmp_path, mixed_csv, capsys):
    code = main(["new", str(tmp_path / "p"), "--data", str(mixed_csv), "--target", "bought",
                 "--metric", "rmse"])
    assert code == 2
    assert "rmse" in capsys.readouterr().err
    assert not (tmp_path / "p").exists()
