"""``practica inspect-model FILE``: the safe loader's throw-away process (it opens a model
file nobody vouched for, away from the caller's memory and files)."""

from __future__ import annotations

from engine.models.safe_model_load import child_main


def cmd_inspect_model(args) -> int:
    return child_main([args.file])
