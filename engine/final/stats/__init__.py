"""The statistics of a final test: bootstrap and Wilson intervals, paired significance
tests and corrections for several tests.
"""

from engine.core.front_door import public_names

# Which module holds each public name; a module is imported when one of its names is used.
_EXPORTS = {
    "bootstrap": ("Interval", "bootstrap_interval", "metric_intervals"),
    "cost_interval": ("cost_interval", "mean_interval"),
    "multiple_testing": ("METHODS", "adjust", "bonferroni", "holm"),
    "proportion_interval": ("proportion_intervals", "wilson_interval"),
    "sign_flip": ("EXACT_MAX_ROWS", "SignFlipResult", "sign_flip_test"),
    "significance": (
        "PairedTest", "mcnemar_exact", "paired_permutation", "per_example_loss", "seeds_ttest"),
}
__getattr__, __dir__, __all__ = public_names(__name__, _EXPORTS)
