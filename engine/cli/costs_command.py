"""``practica costs DIR``: say what each kind of mistake costs on an existing project, or
show or remove the costs.

For a yes/no task ``--false-alarm X --miss Y``; for any task ``--cost TRUTH:ANSWER=X``
(repeatable; the pairs not given keep their cost, or cost 1 in a new table); ``--unit
WORD`` names the unit; ``--clear`` removes the costs. With none of these it prints the
table. The change goes through ``engine.goal.edit.set_costs`` (checked, logged, saved).
"""

from __future__ import annotations

from engine.core.texts import text


def add_parser(sub) -> None:
    """The ``costs`` subcommand and its options."""
    p = sub.add_parser("costs", help="say what each kind of mistake costs (then the expected "
                                     "cost can be the metric or a constraint), or show them")
    p.add_argument("dir", help="the project folder")
    p.add_argument("--false-alarm", metavar="X",
                   help="yes/no task: what answering yes costs when the truth is no")
    p.add_argument("--miss", metavar="Y",
                   help="yes/no task: what answering no costs when the truth is yes")
    add_cost_options(p, unit_flag="--unit")
    p.add_argument("--clear", action="store_true",
                   help="remove the costs: every mistake counts the same again")


def add_cost_options(p, unit_flag: str) -> None:
    """``--cost TRUTH:ANSWER=X`` (repeatable) and the unit, shared with ``practica new``."""
    p.add_argument("--cost", action="append", default=[], metavar="TRUTH:ANSWER=X",
                   help="what answering ANSWER costs when the truth is TRUTH, e.g. "
                        "yes:no=10 (repeat for each mistake; mistakes not given cost 1, "
                        "right answers 0)")
    p.add_argument(unit_flag, dest="cost_unit", metavar="WORD",
                   help="the unit of the costs, e.g. euros or hours (default: points)")


def cmd_costs(args) -> int:
    # Imported here to keep pandas, scikit-learn out of start-up.
    from engine.core.errors import GoalError
    from engine.goal.cost_table import table_from_pairs, yes_no_table
    from engine.goal.edit import set_costs
    from engine.project.project import open_project

    project = open_project(args.dir)
    goal = project.goal
    if goal is None:
        raise GoalError(text("project.no_goal"))
    yes_no = args.false_alarm is not None or args.miss is not None
    if args.clear and (yes_no or args.cost or args.cost_unit):
        raise GoalError(text("cli.costs.clear_alone"))
    if args.clear:
        set_costs(project, None)
    elif yes_no or args.cost or args.cost_unit is not None:
        unit = args.cost_unit if args.cost_unit is not None else \
            (goal.costs.unit if goal.costs else "")
        table = goal.costs
        if yes_no:
            if args.false_alarm is None or args.miss is None:
                raise GoalError(text("cli.costs.both"))
            table = yes_no_table(goal.labels, goal.positive_label, args.false_alarm,
                                 args.miss, unit)
        table = table_from_pairs(goal.labels, args.cost, unit, start=table)
        for warning in set_costs(project, table):
            print(text("cli.costs.warning", warning=warning))
    project.save()
    print_costs(project.goal, say_none=True)
    return 0


def print_costs(goal, stream=None, say_none: bool = False) -> None:
    """The goal's cost table in sentences, for a terminal; with ``say_none``, a line saying
    there is none when there is none."""
    # Imported here to keep pandas, scikit-learn out of start-up.
    from engine.goal.cost_table import describe_costs

    if goal is None or not goal.is_classification:
        return
    if goal.costs is None:
        if say_none:
            print(text("cli.costs.none"), file=stream)
        return
    print(text("cli.costs.heading", unit=goal.costs.unit or text("costs.no_unit")), file=stream)
    for line in describe_costs(goal.costs, goal.positive_label):
        print(f"  {line}", file=stream)
