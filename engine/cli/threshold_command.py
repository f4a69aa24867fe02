"""``practica threshold DIR``: choose the decision threshold of a yes/no model on the dev
rows (``engine.decision.threshold``) and print it with what it gives there."""

from __future__ import annotations

import argparse
import json

from engine.core.errors import ProjectError
from engine.core.texts import text

# text keys: calibration.method_temperature, calibration.method_platt,
# calibration.method_isotonic

RULES = {"best": "metric", "cost": "cost", "manual": "manual"}


def add_parser(sub) -> None:
    """The ``threshold`` subcommand and its options."""
    p = sub.add_parser("threshold", help="choose from which probability a yes/no model "
                                         "answers yes, on the dev rows")
    p.add_argument("dir", help="the project folder")
    p.add_argument("--rule", choices=sorted(RULES), default=None,
                   help="best: the best optimizing metric (the default); cost: the lowest "
                        "expected cost (needs a cost table; with several classes each example "
                        "gets the class of lowest expected cost); manual: the --value given")
    p.add_argument("--meet", metavar="LIMIT", default="",
                   help="a limit to meet at the best optimizing value, e.g. \"recall>=0.9\"")
    p.add_argument("--value", type=float, metavar="X", default=None,
                   help="the threshold itself, between 0 and 1 (rule manual)")
    p.add_argument("--run", metavar="RUN", default="",
                   help="the run (its id; default: the model chosen in step 4)")
    p.add_argument("--new-experiment", metavar="REASON", default="",
                   help="set it although the test set was already seen, and say why (marked "
                        "in the log and the report)")
    p.add_argument("--json", action="store_true", help="print the result as a JSON object")


def rule_of(args: argparse.Namespace) -> str:
    """The engine rule the options ask for (``--meet`` and ``--value`` imply theirs)."""
    if args.meet and args.rule not in (None, "best"):
        raise ProjectError(text("cli.threshold_meet_rule"))
    if args.meet:
        return "constraint"
    if args.value is not None and args.rule in (None, "manual"):
        return "manual"
    return RULES[args.rule or "best"]


def cmd_threshold(args: argparse.Namespace) -> int:
    # Imported here to keep pandas, scikit-learn out of start-up.
    from engine.decision.threshold import describe_choice, set_threshold
    from engine.project.project import open_project

    project = open_project(args.dir)
    if rule_of(args) == "cost" and project.goal is not None \
            and project.goal.task == "multiclass":
        return _cost_answers(project, args)
    result = set_threshold(project, rule_of(args), meet=args.meet, value=args.value,
                           run_id=args.run, new_experiment=args.new_experiment)
    line = describe_choice(result.choice, result.curve.label, result.rule.after_test_seen,
                           args.new_experiment.strip())
    if args.json:
        print(json.dumps({**result.to_dict(), "line": line}, indent=2))
        return 0
    print(line)
    print(text("cli.threshold_dev", rows=result.curve.rows))
    for name, value in result.choice.dev.items():
        print(f"  {name:<18} {value:.4f}")
    if result.rule.calibration is not None:
        print(text("cli.threshold_calibrated",
                   method=text(f"calibration.method_{result.rule.calibration.method}")))
    return 0


def _cost_answers(project, args: argparse.Namespace) -> int:
    """Several classes: answer the class of lowest expected cost (no single threshold)."""
    # Imported here to keep pandas, scikit-learn out of start-up.
    from engine.decision.cost_answers import describe_cost_answers, set_cost_answers

    result = set_cost_answers(project, run_id=args.run, new_experiment=args.new_experiment)
    line = describe_cost_answers(result.answers, result.label, project.goal.costs.unit,
                                 result.rule.after_test_seen, args.new_experiment.strip())
    if args.json:
        print(json.dumps({**result.to_dict(), "line": line}, indent=2))
        return 0
    print(line)
    print(text("cli.cost_answers_dev", rows=result.rows))
    for name in result.answers.after:
        print(f"  {name:<18} {result.answers.before[name]:.4f} -> "
              f"{result.answers.after[name]:.4f}")
    if result.rule.calibration is not None:
        print(text("cli.threshold_calibrated",
                   method=text(f"calibration.method_{result.rule.calibration.method}")))
    return 0
