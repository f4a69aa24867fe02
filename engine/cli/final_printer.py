"""Printing the final test's spread over seeds and its comparison sentences on the terminal."""

from __future__ import annotations

import sys

from engine.words.formatting import fmt_value, is_number
from engine.core.texts import text


def print_final_stats(final: dict, stream=None) -> None:
    """The mean ± std of the optimizing metric over the seeds, then one line per
    comparison (its plain sentence)."""
    stream = stream or sys.stdout
    seeds = final.get("seeds") or {}
    metric = final.get("metric")
    if seeds.get("k", 1) >= 2:
        mean = (seeds.get("mean") or {}).get(metric)
        std = (seeds.get("std") or {}).get(metric)
        print(text("cli.final_stats.seeds", k=seeds["k"],
                   seeds=", ".join(str(s) for s in seeds.get("seeds") or []), metric=metric,
                   mean=fmt_value(mean), std=fmt_value(std) if is_number(std) else "?"),
              file=stream)
    elif seeds:
        print(text("cli.final_stats.seeds_one", label=final.get("label", "")), file=stream)
    for row in final.get("comparisons") or []:
        print(f"  - {row['sentence']}", file=stream)
