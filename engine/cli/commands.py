"""What each ``practica`` command does; each returns the process exit code."""

from __future__ import annotations

import shutil
from pathlib import Path

from engine.baseline.tree_verdict import trees_sentence
from engine.core.defaults import TUNING_EPOCHS
from engine.core.errors import GoalError, ProjectError
from engine.goal.step import GoalChoice, new_project
from engine.goal.labellers_text import confusion_table, labellers_lines
from engine.cli.printer import EventPrinter
from engine.project.project import PROJECT_FILE, find_run, open_project
from engine.data.samples import DEMO_SAMPLE, SAMPLES
from engine.core.texts import text
from engine.tuning.requests import TuneRequest
from engine.app.workflow import run_until
from engine.cli.check_command import cmd_check_project, cmd_check_source, is_project_folder
from engine.cli.costs_command import print_costs
from engine.cli.final_printer import print_final_stats
from engine.final.gate import vault_gate
from engine.cli.monitor_printer import print_monitor_summary
from engine.cli.move_printer import print_move
from engine.cli.tune_command import ranges_asked
from engine.split.shares import parse_shares
from engine.kinds.input_coding import data_kind
from engine.models import zoo
from engine.report.step import export_report
from engine.training.ensemble_model import ENSEMBLE
from engine.training.job import TrainingSpec, resumable_runs, run_training
from engine.words.cost_words import final_cost_sentence

"""Most epochs per tuning trial when ``run`` is not told (searches are many short runs)."""
DEMO_TUNE = TuneRequest(trials=6, epochs=10)
"""The demo's search: enough trials to show the step, short enough to keep the demo quick."""


def cmd_demo(args) -> int:
    out = Path(args.out).resolve()
    folder = out / "breast-cancer-demo"
    if (folder / PROJECT_FILE).exists():
        shutil.rmtree(folder)  # the demo's own earlier output
    sample = SAMPLES[DEMO_SAMPLE]
    print(text("cli.demo_start", sample=sample.description))
    project = new_project(folder, GoalChoice(data=str(sample.path), target=sample.target,
                                             constraints=("latency_ms < 50",)))
    _print_goal(project)
    run_until(project, "report", EventPrinter(), deep_params={"epochs": args.epochs},
              pdf=out / "report.pdf", csv_dir=out / "csv", tune=DEMO_TUNE)
    _print_outcome(project)
    print(text("cli.report_written", pdf=out / "report.pdf", csv=out / "csv"))
    return 0


def cmd_new(args) -> int:
    choice = GoalChoice(data=args.data, target=args.target, target_data=args.target_data,
                        task=args.task, metric=args.metric, constraints=tuple(args.constraint),
                        target_error=_share(args.target_error, "setup.bad_target_error"),
                        data_kind=_data_kind(args), text_column=args.text_column,
                        sequence=_sequence(args),
                        abstain_accuracy=_share(args.abstain_accuracy, "abstain.bad_value"),
                        costs=tuple(args.cost), cost_unit=args.cost_unit or "",
                        label_columns=_names(args.label_columns))
    project = new_project(args.dir, choice)
    print(text("cli.project_made", path=project.root))
    _print_goal(project)
    for f in project.findings:
        print(f"  [{f['severity']}] {f['message']} {f['fix']}")
    return 0


def cmd_run(args) -> int:
    project = open_project(args.dir)
    _read_study(project, args)
    params = {"epochs": args.epochs, **parse_settings(args.set)}
    fractions = (parse_shares(args.shares, second_file=project.source("target") is not None)
                 if args.shares else None)
    printer = EventPrinter()
    done = run_until(project, args.until, printer, deep_params=params,
                     deep_kind=args.model, seeds=args.seeds, ensemble=args.ensemble,
                     correction=args.correction, tune=_tune_request(args, project),
                     fractions=fractions, split_seed=args.seed, choose=args.run or "",
                     override=args.override, new_experiment=args.new_experiment,
                     retrain_on_dev=args.retrain_on_dev)
    print(text("cli.steps_done", steps=", ".join(done) or text("cli.nothing_to_do")))
    _print_sanity(project)
    print_monitor_summary(project, printer.runs)
    trees = trees_sentence(open_project(args.dir))
    if trees:
        print(trees)
    _print_outcome(project)
    return 0


def _tune_request(args, project) -> TuneRequest:
    if args.workers < 1:
        raise GoalError(text("tuning.cli_bad_workers"))
    asked = args.ranges or args.range or args.fix or args.zoom or args.round is not None
    if (asked or args.kfold) and args.trials is None and args.seconds is None:
        raise GoalError(text("tuning.cli_no_budget"))
    space, round_number = ranges_asked(args, project) if asked else (None, 1)
    epochs = args.tune_epochs or min(args.epochs, TUNING_EPOCHS)
    return TuneRequest(trials=args.trials, seconds=args.seconds, workers=args.workers,
                       sampler=args.sampler, pruner=args.pruner or "", epochs=epochs,
                       space=space, round=round_number, kfold=args.kfold or 0,
                       storage=args.storage or "", artifacts=args.artifacts or "")


def _read_study(project, args) -> None:
    """With --storage, the trials other workers ran are read from the study first; a trial
    named with --run that another worker trained is fetched from the shared store."""
    if not (args.storage or args.artifacts):
        return
    # Imported here to keep Optuna, pandas out of start-up.
    from engine.cli.use_command import refresh_trials
    from engine.tuning.choice import named_run

    refresh_trials(project, args.storage)
    if args.run:
        named_run(project, args.run, args.artifacts or "")


def cmd_train(args) -> int:
    project = open_project(args.dir)
    resume = ""
    if args.resume:
        waiting = resumable_runs(project)
        if not waiting:
            raise ProjectError(text("cli.nothing_to_resume"))
        resume = waiting[-1] if args.resume == "latest" else args.resume
        if resume not in waiting:
            raise ProjectError(text("cli.not_resumable", run=resume,
                                    runs=", ".join(waiting)))
    kind = args.model or zoo.default_kind(data_kind(project))
    settings, printer = parse_settings(args.set), EventPrinter()
    if not resume:
        # Imported here to keep scikit-learn out of start-up.
        from engine.diagnosis.hard_examples_check import check_before_hard_examples

        check_before_hard_examples(project, settings, printer)
    result = run_training(TrainingSpec(str(project.root), kind, settings, resume), printer)
    print(text("cli.run_done", run=result.run_id, status=result.status,
               dev=f"{result.errors.get('dev', float('nan')):.4f}"))
    if result.message:
        print(f"  {result.message}")
    project.reload_runs()
    print_monitor_summary(project, [result.run_id])
    return 0


def parse_settings(pairs: list[str]) -> dict:
    """``["width=128", "optimizer=sgd"]`` as ``{"width": 128, "optimizer": "sgd"}``."""
    out = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        if not sep or not name.strip():
            raise ProjectError(text("cli.bad_setting", pair=pair))
        out[name.strip()] = _value(raw.strip())
    return out


def _value(raw: str):
    if raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    for cast in (int, float):
        try:
            return cast(raw)
        except ValueError:
            pass
    return raw


def _data_kind(args) -> str | None:
    if args.text_column:
        return "text"
    if args.sequence:
        return "sequence"
    return None


def _sequence(args) -> dict | None:
    if not args.sequence:
        return None
    if args.sequence == "wide":
        return {"format": "wide"}
    return {"format": "long", "id": args.id_column, "time": args.time_column,
            "values": list(args.value_column)}


def cmd_check(args) -> int:
    if is_project_folder(args.file):
        return cmd_check_project(args)
    return cmd_check_source(args, _data_kind(args), _sequence(args))


def cmd_report(args) -> int:
    project = open_project(args.dir)
    files = export_report(project, pdf=Path(args.pdf) if args.pdf else None,
                          csv_dir=Path(args.csv) if args.csv else None)
    print(text("cli.report_written", pdf=files.pdf, csv=files.csv_files[0].parent
               if files.csv_files else ""))
    return 0


def _names(raw: str | None) -> tuple[str, ...]:
    """``A,B,C`` as a tuple of names (spaces around the names dropped)."""
    return tuple(n.strip() for n in (raw or "").split(",") if n.strip())


def _share(raw: str | None, bad_value: str) -> float | None:
    """A share typed as 0.05 or 5%; a typo raises ``GoalError`` with the ``bad_value`` text."""
    if raw is None:
        return None
    s = raw.strip()
    try:
        return float(s[:-1]) / 100 if s.endswith("%") else float(s)
    except ValueError:
        raise GoalError(text(bad_value)) from None


def _print_goal(project) -> None:
    g = project.goal
    print(text("cli.goal", target=g.target, task=g.task, metric=g.metric))
    print(f"  {g.metric_reason}")
    print_costs(g)
    if g.labellers is not None:
        for line in labellers_lines(g.labellers, g.target_error):
            print(f"  {line}")
        if g.labellers.confusion:
            for row in confusion_table(g.labellers):
                print("    " + "  ".join(f"{cell:>10}" for cell in row))


def _print_sanity(project) -> None:
    report = project.sanity
    if not report:
        return
    word = text("cli.sanity_passed" if report.passed else "cli.sanity_failed")
    print(text("cli.sanity", model=report.model, verdict=word))
    for name in ("overfit", "initial_loss", "lr_range"):
        if report.check(name) is not None:
            print(f"  - {report.check(name).text}")


def _print_outcome(project) -> None:
    if project.diagnosis:
        d = project.diagnosis
        print(text("cli.verdict", verdict=d.verdict))
        for move in d.advice:
            print(f"  - {move}")
        if not project.final_test:
            print_move(project)
    if project.final_test:
        ft = project.final_test
        m = ft.metrics[ft.metric]
        low = "?" if m.low is None else f"{m.low:.4f}"
        high = "?" if m.high is None else f"{m.high:.4f}"
        print(text("cli.test_result", metric=ft.metric, value=f"{m.value:.4f}",
                   low=low, high=high))
        cost = final_cost_sentence(ft, project.goal)
        if cost:
            print(f"  {cost}")

        tested = find_run(project, ft.run)
        print_final_stats(ft, ensemble=tested is not None and tested.model == ENSEMBLE)
        if ft.decision is None:  # a threshold set for another model did not apply
            for line in vault_gate(project).notes:
                print(line)
