"""Step 2, data and split: train / train-dev / dev / test, the checks of the split (overlap,
leakage, drift) and the rows of each split as frames and arrays.
"""

from engine.core.front_door import public_names

# Which module holds each public name; a module is imported when one of its names is used.
_EXPORTS = {
    "requests": ("SplitRequest",),
    "checks": ("CheckData", "STAGES", "run_split_checks", "way_out"),
    "datasets": (
        "DEV_SPLITS", "label_text", "source_frame", "split_frame", "split_rows", "target_values"),
    "drift": ("DOMAIN_DRIFT", "FEATURE_DRIFT", "domain_drift", "feature_drift", "label_drift"),
    "row_overlap": ("BLOCK_SHARE", "repeats_expected", "split_groups"),
    "shares": ("MIN_ROWS_PER_SPLIT", "parse_shares", "planned_sizes", "size_problem",
               "take_count"),
    "splits": ("Fractions", "SPLITS", "class_balance", "default_fractions", "make_split"),
    "step": ("split_project",),
    "target_leakage": ("POWER_WARN", "column_powers", "leakage_findings"),
}
__getattr__, __dir__, __all__ = public_names(__name__, _EXPORTS)
