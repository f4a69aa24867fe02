"""The final test's comparisons as a table for ``comparisons.csv``: one row per other
finalist, with the one test it got, why that test fits, and both p-values.

The rows are what the final test stored (``project.final_test.comparisons``); nothing is
computed again. No rows while the vault is locked.

Use:
    comparisons_table(project).set_index("finalist").loc["baseline", "test"]
"""

from __future__ import annotations

import math

import pandas as pd

from engine.final.comparisons import describe_reason, describe_test
from engine.project.project import Project
from engine.words.formatting import is_number

COMPARISON_COLUMNS = ("finalist", "label", "run", "test", "test_name", "why", "p_value",
                      "p_corrected", "correction", "significant", "direction", "sentence")


def comparisons_table(project: Project) -> pd.DataFrame:
    """One row per comparison of the final test, in the order the test stored them."""
    final = project.final_test
    if final is None or not project.vault_open or not final.comparisons:
        return pd.DataFrame(columns=list(COMPARISON_COLUMNS))
    # text keys: final_stats.test_{mcnemar,permutation,seeds_ttest}
    rows = [{"finalist": c.finalist, "label": c.label, "run": c.run or "", "test": c.test,
             "test_name": describe_test(c.test), "why": describe_reason(c.test, c.reason),
             "p_value": _num(c.p_value), "p_corrected": _num(c.p_corrected),
             "correction": final.correction, "significant": bool(c.significant),
             "direction": int(c.direction), "sentence": c.sentence}
            for c in final.comparisons]
    return pd.DataFrame(rows, columns=list(COMPARISON_COLUMNS))


def _num(value) -> float:
    return float(value) if is_number(value) else math.nan
