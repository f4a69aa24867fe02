"""``practica check FILE|FOLDER|PROJECT``: what the checks of a data source or a project found.

Given a data file or an image folder, ``practica check`` prints its size, the notes on how
it was read, the files left out, and the findings (severity, message, fix); it exits 0 when
the source can be used and 2 with the first blocker on one line when not (a source that
cannot be read at all is the one-line message of its ``DataError``, exit 2 too).

Given a project folder (instead of a data file), ``practica check`` prints what the checks
of the data file found and what the checks of the split found (severity, message, fix),
with the command that applies the fix where Practica can apply it. ``--drop-copies`` and
``--leave-out COLUMN`` split again with the same shares and seed and that fix.
The exit code is 2 while the split has a blocker, as for an unusable file.
"""

from __future__ import annotations

import sys
from pathlib import Path

from engine.cli.printer import EventPrinter
from engine.core.errors import ProjectError
from engine.project.project import PROJECT_FILE, Project, open_project
from engine.split.shares import parse_shares, planned_sizes, size_problem
from engine.split.splits import Fractions, default_fractions
from engine.split.step import split_project
from engine.project.parts.split import SplitRecord
from engine.app.steps import STALE, step_states
from engine.core.texts import text
from engine.kinds.registry import data_kind as kind_named
from engine.kinds.sources import check_source


def is_project_folder(path: str) -> bool:
    """Whether ``path`` is a Practica project folder (it holds ``project.json``)."""
    return (Path(path) / PROJECT_FILE).is_file()


def cmd_check_source(args, data_kind: str | None, sequence: dict | None) -> int:
    """Check the data file or image folder ``args.file`` and print what was found."""

    refuse_fix_for_file(args)
    shares = parse_shares(args.shares) if getattr(args, "shares", None) else None
    result = check_source(args.file, args.target, data_kind, args.text_column, sequence)
    images = kind_named(result.data_kind).folder
    if images:
        print(text("bad_input.cli_folder_summary", path=args.file, rows=result.summary.rows,
                   classes=len((result.summary.target.class_counts
                                if result.summary.target else ()))))
    else:
        print(text("cli.check_summary", path=args.file, rows=result.summary.rows,
                   columns=result.summary.columns))
    for note in result.notes:
        print(f"  note: {note}")
    for name, reason in result.skipped:
        print("  " + text("cli.skipped_file", file=name, reason=reason))
    for f in result.findings:
        print(f"  [{f.severity}] {f.message} {f.fix}")
    if not result.usable:
        print(f"practica: {result.problem}", file=sys.stderr)
        return 2
    problem = split_problem(result, shares)
    if problem:
        print(f"practica: {text('cli.check_cannot_split', problem=problem)}", file=sys.stderr)
        return 2
    print(text("bad_input.cli_folder_usable" if images else "cli.check_usable"))
    return 0


def split_problem(result, fractions: Fractions | None = None) -> str:
    """Why the split a project of this source would make (with ``fractions``, or the
    recommended shares) cannot be made: too few rows for one of the sets, by the rule
    ``make_split`` applies; ``""`` when it can."""
    frame, target = result.frame, result.target
    rows = int(frame[target].notna().sum()) if target and target in frame.columns \
        else len(frame)
    fractions = fractions or default_fractions(rows)
    return size_problem(planned_sizes(rows, fractions))


def cmd_check_project(args) -> int:
    """Print the file and split findings of the project ``args.file``; apply a fix first
    when ``--drop-copies`` or ``--leave-out`` is given."""
    project = open_project(args.file)
    leave_out = list(getattr(args, "leave_out", None) or [])
    shares, seed = getattr(args, "shares", None), getattr(args, "seed", None)
    if getattr(args, "drop_copies", False) or leave_out or shares or seed is not None:
        resplit(project, drop_copies=bool(getattr(args, "drop_copies", False)),
                leave_out=leave_out, shares=shares, seed=seed)
    main = project.source("main")
    print(text("checks.cli_project", name=project.name, rows=f"{main.rows:,}" if main else 0,
               path=main.path if main else "-"))
    print(text("checks.cli_file_heading"))
    _print_findings(project.findings, project)
    split = project.split
    if split is None:
        print(text("checks.cli_no_split", path=project.root))
        return 0
    state = step_states(project)["data"]
    if state.state == STALE:
        print(f"  {state.reason}")
    print(text("checks.cli_split_heading"))
    if split.copies_dropped:
        counts = split.copies_dropped
        # text keys: checks.from_{dev,test}, checks.from_train_dev
        print("  " + text("report.checks.dropped", n=sum(counts.values()),
                          where=", ".join(f"{n} {text(f'checks.from_{k}')}"
                                          for k, n in counts.items())))
    _print_findings([c.to_dict() for c in split.checks or ()], project)
    if split.blocked:
        print(f"practica: {text('checks.cli_blocked')}", file=sys.stderr)
        return 2
    print(text("checks.cli_ok"))
    return 0


def resplit(project: Project, drop_copies: bool = False, leave_out: list[str] | None = None,
            shares: str | None = None, seed: int | None = None) -> SplitRecord:
    """Split ``project`` again with its current shares and seed (or the ``shares`` and
    ``seed`` typed), and the fix asked for."""
    split = project.split or SplitRecord()
    fractions = (parse_shares(shares, second_file=project.source("target") is not None)
                 if shares else split.fractions)
    seed = split.seed if seed is None else seed
    if shares or seed != split.seed:
        shown = fractions.to_dict() if fractions is not None else {}
        print(text("cli.resplit_shares", seed=seed,
                   shares=", ".join(f"{k.replace('_', '-')} {v:.0%}" for k, v in shown.items())
                   or text("cli.recommended_shares")))
    else:
        print(text("checks.cli_resplit"))
    return split_project(project, fractions, seed=seed,
                         drop_copies=True if drop_copies else None,
                         leave_out=tuple(leave_out or ()), progress=EventPrinter())


def refuse_fix_for_file(args) -> None:
    """``--drop-copies``/``--leave-out`` only make sense for a project folder."""
    if getattr(args, "drop_copies", False) or getattr(args, "leave_out", None):
        raise ProjectError(text("checks.cli_fix_needs_project"))
    if getattr(args, "seed", None) is not None:
        raise ProjectError(text("cli.seed_needs_project"))


def _print_findings(findings: list[dict], project: Project) -> None:
    if not findings:
        print("  " + text("checks.cli_nothing"))
        return
    for f in findings:
        print(f"  [{f.get('severity')}] {f.get('message')} {f.get('fix')}")
        fix = f.get("way_out")
        if fix == "drop_copies":
            print("    " + text("checks.cli_way_out_copies", path=project.root))
        elif fix == "leave_out" and f.get("column"):
            print("    " + text("checks.cli_way_out_column", path=project.root,
                                 column=f["column"]))
