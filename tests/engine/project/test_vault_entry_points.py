"""Before the vault opens, no public engine entry point hands out test rows, test
predictions or test metrics.

One split project, whose test rows carry a sentinel (``vault_probe``), goes through every
job of the catalogue and every CLI subcommand with its vault closed; the engine functions
they do not reach are called directly. Every public function and method of ``engine`` is
watched while that happens: each one that can reach a project (it takes a project, its
folder, a training spec, a tuning budget or study) must have run here without leaking, be
listed as refusing (it exists to read the test set: it raises ``VaultLockedError``), as
opening the vault on purpose (checked on a copy: the opening is logged), or as reading only
files the caller names. A new entry point that none of this covers fails the test.
"""

from __future__ import annotations

import inspect
from dataclasses import fields
import json

import pytest

from engine.cli.main import COMMANDS, main as cli_main
from engine.core.errors import PracticaError, VaultLockedError
from engine.app.job_catalog import run_request
from engine.baseline.requests import BaselinesRequest, SanityRequest
from engine.core.jobs import job_name
from engine.data.requests import CheckFileRequest
from engine.decision.requests import CalibrateRequest, ThresholdRequest
from engine.diagnosis.requests import (DiagnoseRequest, ErrorAnalysisRequest, ExplainRequest,
                                       KfoldRequest, LearningCurveRequest, WhyExampleRequest)
from engine.final.requests import EnsembleRequest, EnsembleRunRequest, FinalTestRequest
from engine.goal.requests import NewProjectRequest, SuggestGoalRequest
from engine.app.requests import ReportRequest
from engine.split.requests import SplitRequest
from engine.training.requests import ResumableRequest, TrainRequest
from engine.tuning.requests import TuneRequest, TuningOverviewRequest
from engine.use.requests import ExportModelRequest, PredictRequest, WhyNewRowRequest
from engine.core.jobs import NEVER, ignore
from engine.project.project import open_project
from tests.engine.project.test_no_pickle import pickle_files
from tests.engine.project.vault_allowed import (BY_JOBS, CLI_NOT_RUN, FILES_ONLY, GIVEN,
                                                 OPENS, REFUSE, WHOLE_FILE)
from tests.engine.project.vault_world import Context, copy_of, probe_world
from tests.engine.project.vault_probe import (SENTINEL, CallRecorder, folder_leaks,
                                      leaks, reaches_projects)

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

SMALL = {"epochs": 1, "width": 8, "depth": 1, "batch_size": 32}


def _run_jobs(ctx: Context) -> dict:
    root, out = str(ctx.root), ctx.out
    results = {}

    def job(cls, label=None, **args):
        if "project" in {f.name for f in fields(cls)}:
            args.setdefault("project", root)
        result = run_request(cls(**args)).to_dict()
        name = label or job_name(cls(**args))
        ctx.check(f"job {name}", result)
        results[name] = result
        return result

    job(CheckFileRequest, path=str(ctx.data), target="bought")
    job(SuggestGoalRequest, path=str(ctx.data), target="bought")
    job(NewProjectRequest, project=str(out / "another"), data=str(ctx.data), target="bought")
    job(SanityRequest, kind="mlp", params=SMALL)
    job(BaselinesRequest, deep_params=SMALL, sanity=False)
    job(TrainRequest, model="mlp", params={**SMALL, "telemetry": True})
    # The label check on the training rows runs first.
    job(TrainRequest, label="train with hard examples", model="mlp",
        params={**SMALL, "hard_examples": 0.5})
    job(ResumableRequest)
    job(DiagnoseRequest)
    job(LearningCurveRequest, sizes=(0.5, 1.0), seeds=1, max_epochs=1)
    job(KfoldRequest, folds=2, models=("majority", "linear", "mlp"), epochs=1)
    job(ErrorAnalysisRequest)
    job(ExplainRequest, repeats=2)
    job(CalibrateRequest)
    job(ThresholdRequest, rule="metric")
    dev_row = json.loads((ctx.root / "splits.json").read_text())["dev"]["rows"][0]
    job(WhyExampleRequest, row=int(dev_row))
    job(WhyNewRowRequest, path=str(ctx.new), row=0)
    # The project's own data: its rows are those left after the test rows went out.
    job(WhyNewRowRequest, label="why of own data", path=str(ctx.data), row=0)
    job(EnsembleRequest, k=3)
    job(EnsembleRunRequest, size=2)  # reads train, train-dev and dev rows only
    job(ReportRequest, pdf=str(out / "job-report.pdf"), csv=str(out / "job-csv"))
    job(PredictRequest, path=str(ctx.new), out=str(out / "job-predictions.csv"))
    # The project's own data, and a copy with a line added: the test rows are left out
    # (the folder scan below finds any that got through), and the result says so.
    copy = ctx.data.with_name("COPY.csv")  # beside the data: the scan is of the outputs
    copy.write_text(ctx.data.read_text() + "\n")
    for label, path in (("predict own data", ctx.data), ("predict a copy", copy)):
        own = job(PredictRequest, label=label, path=str(path), out=str(out / f"{label}.csv"))
        assert own["rows"] == 160 - len(ctx.test_rows) and "left out" in own["sentence"]
    job(ExportModelRequest, to=str(out / "job-export"))
    # The export carries the guard: predicting the project's data with it leaves them out.
    own = job(PredictRequest, label="predict own data with the export",
              project=str(out / "job-export"), path=str(ctx.data),
              out=str(out / "own-export.csv"))
    assert own["rows"] == 160 - len(ctx.test_rows) and "left out" in own["sentence"]
    job(SplitRequest, label="split again (a copy)", project=str(copy_of(ctx, "resplit")), seed=4)
    return results


def _run_tune_jobs(ctx: Context) -> dict:
    """The search jobs, after ``practica run --until tune`` made the study."""
    from engine.tuning.space import default_space
    from engine.tuning.study import TuningSettings

    root = str(ctx.root)
    settings = TuningSettings(space=default_space(ctx.project(), "mlp").to_dict(), epochs=1,
                              seed=0)
    results = {}
    # The study was made with k-fold (run --until tune --kfold 2): each trial is scored on
    # folds of the non-test rows too.
    for name, request in (("tune", TuneRequest(project=root, space=settings.space, epochs=1,
                                               seed=0, trials=1, kfold=2)),
                          ("tuning_overview", TuningOverviewRequest(project=root))):
        results[name] = run_request(request).to_dict()
        ctx.check(f"job {name}", results[name])
    return results


def _run_cli(ctx: Context, capsys, monkeypatch) -> dict[str, int]:
    import engine.models.safe_model_load as loader

    monkeypatch.setattr(loader, "restrict_child", lambda: None)  # in-process here
    root, out = str(ctx.root), ctx.out
    model = next(ctx.root.glob("runs/*/model.keras"))
    dev_row = json.loads((ctx.root / "splits.json").read_text())["dev"]["rows"][0]
    (out / "tags.csv").write_text(f"row,tags\n{dev_row},probe\n")
    commands = {
        "new": ["new", str(out / "cli-new"), "--data", str(ctx.new.parent / "first.csv"),
                "--target", "bought"],
        "run": ["run", root, "--until", "tune", "--epochs", "1", "--trials", "1",
                "--tune-epochs", "1", "--kfold", "2"],
        "train": ["train", root, "--model", "majority"],
        "check": ["check", root],
        "check --drop-copies": ["check", str(ctx.out / "resplit"), "--drop-copies"],
        "diagnose": ["diagnose", root, "--json"],
        "tune": ["tune", root, "--trials", "0", "--epochs", "1", "--json", "--fix", "width=8",
                 "--kfold", "2"],
        "worker": ["worker", root, "--trials", "0", "--json"],
        "report": ["report", root, "--pdf", str(out / "cli.pdf"), "--csv", str(out / "cli")],
        "learning-curve": ["learning-curve", root, "--sizes", "0.5,1", "--seeds", "1",
                           "--max-epochs", "1", "--json"],
        "explain": ["explain", root, "--repeats", "2"],
        "kfold": ["kfold", root, "--folds", "2", "--models", "majority,linear", "--json"],
        "ensemble": ["ensemble", root, "--size", "2", "--json"],
        "calibrate": ["calibrate", root, "--json"],
        "threshold": ["threshold", root, "--json"],
        "explain --example": ["explain", root, "--example", str(dev_row)],
        "predict": ["predict", root, str(ctx.new), "--out", str(out / "cli-pred.csv")],
        "export": ["export", root, "--to", str(out / "cli-export")],
        "inspect-model": ["inspect-model", str(model)],
        "use": ["use", root, "--json"],
        "use-trial": ["use-trial", root, "1"],  # no trial: refused in one line
        "tags": ["tags", root, str(out / "tags.csv")],
        "costs": ["costs", root, "--false-alarm", "1", "--miss", "3", "--unit", "euros"],
    }
    assert {c.split()[0] for c in commands} | set(CLI_NOT_RUN) == set(COMMANDS), \
        "a new command: run it here, or say in CLI_NOT_RUN why not"
    codes = {}
    for name, argv in commands.items():
        codes[name] = cli_main(argv)
        printed = capsys.readouterr()
        ctx.check(f"practica {name}", printed.out + printed.err)
    for name, where in (("predict own data", root),
                        ("predict own data with the export", str(out / "cli-export"))):
        codes[name] = cli_main(["predict", where, str(ctx.data), "--out",
                                str(out / f"cli-{name}.csv")])
        printed = capsys.readouterr()
        assert "test rows" in printed.out and "left out" in printed.out
        ctx.check(f"practica {name}", printed.out + printed.err)
    return codes


def _call_each(ctx: Context) -> None:
    """Call each project-reaching function (but those in ``BY_JOBS``) on a copy of the
    locked project (some change it), and look at what it returns."""
    from engine.final.ensemble import load_ensemble
    from engine.training.predictor import load_predictor
    from engine.final.seed_repeats import train_repeats
    from engine.final.retrain import Retrained, retrain_on_dev
    from engine.tuning.objective import TuningBudget
    from engine.tuning.space import default_space
    from engine.tuning.study import open_study, study_settings
    from engine.tuning.summary import read_summary
    from engine.use.usable_model import load_usable

    ctx = Context(copy_of(ctx, "direct"), ctx.out, ctx.test_rows, ctx.data, ctx.new,
                  ctx.functions, ctx.found)
    project = ctx.project()
    run = project.run(project.chosen_run)
    dev = ctx.call("split_frame", project, "dev")
    summary = read_summary(ctx.root)
    fill = {
        "project": ctx.project, "run": lambda: run, "run_id": lambda: run.id,
        "project_dir": lambda: str(ctx.root), "project_root": lambda: str(ctx.root),
        "where": lambda: str(ctx.root), "root": lambda: str(ctx.root),
        "frame": lambda: dev, "prep": ctx.prep, "k": lambda: 3, "kind": lambda: "mlp",
        "split": lambda: "dev", "name": lambda: "dev", "seed": lambda: 0,
        "progress": lambda: ignore, "cancel": lambda: NEVER, "row": lambda: int(dev.index[0]),
        "tags": lambda: ["probe"], "tag": lambda: "probe", "summary": lambda: summary,
        "study": lambda: open_study(ctx.root), "members": ctx.members,
        "record": lambda: load_ensemble(ctx.project(), 3)
        or {"members": [r.id for r in ctx.members()]}, "role": lambda: "chosen",
        "label": lambda: "probe", "test": lambda: None, "exclude": lambda: None,
        "what": lambda: "the test rows",
        "value": lambda: 0.05, "expressions": lambda: ["latency_ms < 50"],
        "goal_metric": lambda: "accuracy", "path": lambda: str(ctx.new),
        "new_data": lambda: str(ctx.new), "first_trial": lambda: 0,
        "stop_file": lambda: ctx.out / "stop", "predictor": lambda: load_predictor(
            ctx.root / "runs" / run.id, run, ctx.prep()),
        "budget": lambda: TuningBudget(str(ctx.root), None, 1),
        "train": lambda: ctx.call("split_frame", ctx.project(), "train"),
        "y_train": lambda: ctx.call("target_values", ctx.project(),
                                    ctx.call("split_frame", ctx.project(), "train")),
        "usable": lambda: load_usable(ctx.project()), "model_file": lambda: run.model_file,
        "saved_model": lambda: False, "space": lambda: default_space(ctx.project(), "mlp"),
        "settings": lambda: study_settings(open_study(ctx.root)),
        "table": lambda: None,  # no cost table: set_costs removes the costs
        "storage": lambda: None,  # the project's own journal
    }
    y_main, fractions, seed = _split_inputs(project)
    fill.update({"y_main": lambda: y_main, "fractions": lambda: fractions})
    deep = next(r for r in project.runs if r.model == "mlp" and r.status == "finished")
    special = {
        # the attack: rebuild the split from the data and the project's own seed
        "engine.split.splits.make_split": lambda: ctx.call("make_split", y_main, fractions,
                                                           seed=seed),
        # ``practica worker`` joins through engine.tuning.step.search; the library call
        "engine.tuning.objective.run_worker": lambda: ctx.call("run_worker", str(ctx.root),
                                                               "", 0),
        "engine.tuning.trial_runs.mark_trial_run": lambda: ctx.call(
            "mark_trial_run", str(ctx.root), deep.id, 0, False),
        "engine.tuning.study.is_feasible": lambda: ctx.call(
            "is_feasible", open_study(ctx.root).trials[0], ctx.project()),
        # the chosen network trained again on train + dev rows, as the final test may
        "engine.final.retrain.retrain_on_dev": lambda: ctx.call(
            "retrain_on_dev", ctx.project(), deep),
        "engine.final.retrain.retrained_predictor": lambda: ctx.call(
            "retrained_predictor", ctx.project(), deep,
            retrain_on_dev(ctx.project(), deep), ctx.prep()),
        # the retrained model used after its final test (checked against its SHA-256)
        "engine.final.retrain.tested_retrained_predictor": lambda: ctx.call(
            "tested_retrained_predictor", ctx.project(), deep,
            retrain_on_dev(ctx.project(), deep), ctx.prep()),
        "engine.final.retrain.retrained_path": lambda: ctx.call(
            "retrained_path", ctx.project(), Retrained("retrained", "model.keras", 1, 1)),
        # a seed copy of a network, as the final test trains them
        "engine.final.seed_repeats.repeat_predictor": lambda: ctx.call(
            "repeat_predictor", ctx.project(), deep,
            train_repeats(ctx.project(), deep, 2)[0], ctx.prep()),
    }
    for name, func in sorted(ctx.functions.items()):
        if name in special:
            ctx.check(f"{name}()", special[name]())
            continue
        if name in BY_JOBS or name in REFUSE or name in OPENS or name in FILES_ONLY \
                or name in GIVEN or name in WHOLE_FILE or not reaches_projects(func) \
                or name.endswith(".__init__"):
            continue
        params = [p for p in inspect.signature(func).parameters.values()
                  if p.default is inspect.Parameter.empty and p.name != "self"
                  and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
        if not all(p.name in fill for p in params):
            ctx.found.append(f"{name}: no way to call it here ({[p.name for p in params]})")
            continue
        try:
            value = func(**{p.name: fill[p.name]() for p in params})
        except VaultLockedError:
            value = None
        except PracticaError:
            value = None  # a refusal with a message is fine: nothing was handed out
        except Exception as exc:  # noqa: BLE001 - say which call the probe got wrong
            ctx.found.append(f"{name}: the probe's call failed: {exc!r}")
            continue
        ctx.check(f"{name}()", value)


def _split_inputs(project):
    """What ``make_split`` needs to rebuild the project's split: the labels of the rows
    that have one, the shares and the seed."""
    from engine.split.datasets import source_frame, target_values

    frame = source_frame(project)
    labels = target_values(project, frame[frame[project.goal.target].notna()])
    return labels, project.split.fractions, project.split.seed


def test_make_split_cannot_rebuild_the_vaulted_rows(probe):
    """The probe would see it: the split step's own plan (private), made from the same
    labels, shares and seed, holds the test rows; the public ``make_split`` does not."""
    from engine.split.splits import _plan_split, make_split

    y_main, fractions, seed = _split_inputs(probe.project())
    whole = _plan_split(y_main, fractions, seed)
    assert set(whole.rows["test"].tolist()) == probe.test_rows
    assert leaks(whole, probe.test_rows) == ["a list of test row numbers"]
    public = make_split(y_main, fractions, seed)
    assert leaks(public, probe.test_rows) == [] and public.test_size == len(probe.test_rows)


@pytest.fixture(scope="module")
def probe(tmp_path_factory):
    """Everything run on the locked probe project, with what was called and found."""
    folder = tmp_path_factory.mktemp("vault")
    data, new, test_rows, root = probe_world(folder)
    out = folder / "out"
    out.mkdir()
    return Context(root, out, test_rows, data, new)


def test_no_entry_point_hands_out_test_data_before_the_vault_opens(probe, capsys,
                                                                   monkeypatch):
    ctx = probe
    with CallRecorder(ctx.functions) as recorder:
        jobs = _run_jobs(ctx)
        codes = _run_cli(ctx, capsys, monkeypatch)
        jobs.update(_run_tune_jobs(ctx))
        _call_each(ctx)
        for name, call in REFUSE.items():
            with pytest.raises(VaultLockedError):
                call(ctx)
    project = ctx.project()
    assert not project.vault_open and project.final_test is None
    assert not any("test" in r.metrics or "test" in r.errors for r in project.runs)
    assert codes == {n: 0 for n in codes}
    assert len(project.runs) >= 6 and jobs["tune"]["trials"] >= 1
    for folder in (ctx.root, ctx.out):
        ctx.found += folder_leaks(folder, ctx.test_rows)
    assert ctx.found == [], "\n".join(ctx.found)
    assert pickle_files(ctx.root) == [] and pickle_files(ctx.out) == []
    # Every entry point that can reach a project was covered, or is listed.
    listed = set(BY_JOBS) | set(REFUSE) | OPENS | set(FILES_ONLY) | set(GIVEN) \
        | set(WHOLE_FILE)
    assert listed <= set(ctx.functions), sorted(listed - set(ctx.functions))
    uncovered = sorted(n for n, f in ctx.functions.items()
                       if reaches_projects(f) and n not in recorder.called
                       and n not in listed - set(BY_JOBS) and "__init__" not in n)
    assert uncovered == []  # BY_JOBS included: those must really have run


def test_opening_the_vault_is_logged_and_later_runs_are_marked(probe, monkeypatch):
    import functools

    import engine.final.step

    ctx = probe
    # Fewer bootstrap resamples than the default 1000: the intervals are not under test.
    monkeypatch.setattr(engine.final.step, "run_final_test", functools.partial(
        engine.final.step.run_final_test, n_resamples=50))
    copy = copy_of(ctx, "opened")
    result = run_request(FinalTestRequest(project=str(copy), seeds=1)).to_dict()
    project = open_project(copy)
    assert project.vault_open and result["run"] == project.final_test.run
    opened = [d for d in project.decisions if d.kind == "vault_opened"]
    assert len(opened) == 1 and opened[0].time == project.vault.opened_at
    assert project.vault.evaluations
    assert not any(r.after_vault for r in project.runs)
    run_request(TrainRequest(project=str(copy), model="linear"))
    project = open_project(copy)
    late = [r for r in project.runs if r.after_vault]
    assert len(late) == 1 and late[0].model == "linear"
    # The report says so: the runs table (PDF and CSV) and the vault's record.
    from engine.report.pdf.sections import runs_section
    from engine.report.pdf.vault import vault_part
    from engine.report.tables import runs_table
    from engine.core.texts import text

    frame = runs_table(project)
    assert frame.set_index("id")["after_vault"].to_dict() == {
        r.id: r.after_vault for r in project.runs}
    words = _words(runs_section(project))
    assert text("report.runs.after_note") in words and text("report.runs.col_after") in words
    assert text("report.vault.late_runs", n=1) in _words(vault_part(project))


def _words(flowables) -> str:
    """The text of report flowables (paragraphs and table cells)."""
    out = []
    for item in flowables:
        if hasattr(item, "getPlainText"):
            out.append(item.getPlainText())
        for row in getattr(item, "_cellvalues", ()):
            for cell in row:
                out.append(_words(cell if isinstance(cell, list) else [cell])
                           if not isinstance(cell, str) else cell)
    return " ".join(out)


def test_the_probe_sees_test_data(tmp_path):
    """The checks above can fail: each kind of leak is seen."""
    import pandas as pd

    rows = {3, 7, 11, 19, 23, 29}
    frame = pd.DataFrame({"x": [1.0, 2.0]}, index=[3, 7])
    assert leaks(frame, rows) == ["test row numbers (index)"]
    assert leaks({"test": {"accuracy": 0.8}}, rows) == ["a test result at .test"]
    assert leaks({"sizes": {"test": 32}, "test_rows": 6}, rows) == []
    assert leaks({"test": {"source": "main", "rows": sorted(rows)}}, rows) \
        == ["a list of test row numbers"]
    assert leaks([f"{SENTINEL}003"], rows) == ["a test row's values"]
    assert leaks(pd.DataFrame({"row": [3, 4]}), rows) == ["test row numbers (column row)"]
    pd.DataFrame({"row": [1, 2], "p": [0.1, 0.2]}).to_csv(tmp_path / "predictions_dev.csv")
    assert folder_leaks(tmp_path, rows) == []
    pd.DataFrame({"row": [3], "p": [0.1]}).to_csv(tmp_path / "predictions_test.csv")
    (tmp_path / "r.json").write_text(json.dumps({"metrics": {"test": {"f1": 0.5}}}))
    assert folder_leaks(tmp_path, rows) == [
        "predictions_test.csv: 1 rows about the test set",
        "predictions_test.csv: test row numbers", "r.json: a test result at .metrics.test"]
