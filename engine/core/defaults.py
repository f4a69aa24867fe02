"""Every default that more than one face of Practica offers, in one place.

The GUI's fields, the CLI's options, ``run --until`` and the job catalogue start from these
values, so "five seeds" or "Holm" is written once and cannot drift between them.

Example:
    >>> FINAL_SEEDS, CORRECTION, CORRECTIONS
    (5, 'holm', ('holm', 'bonferroni'))
"""

FINAL_SEEDS = 5
"""Copies of the chosen model trained with other seeds in the final test."""

MAX_FINAL_SEEDS = 20

CORRECTION = "holm"
"""How the p-values of several comparisons in the final test are corrected."""

CORRECTIONS = ("holm", "bonferroni")

ALPHA = 0.05
"""The significance level of the final test's comparisons."""

BOOTSTRAP_RESAMPLES = 1000
"""Resamples behind each bootstrap interval of the final test."""

ENSEMBLE_MEMBERS = 3
"""Runs averaged by the ensemble finalist."""

LEARNING_CURVE_SEEDS = 3
"""Fits per training-set size of a learning curve (the GUI and ``practica learning-curve``)."""

MAX_LEARNING_CURVE_SEEDS = 10

HEADLESS_LEARNING_CURVE_SEEDS = 2
"""``run --until`` draws fewer fits per size, to keep a headless run short."""

DEEP_EPOCHS = 100
"""Most epochs of a deep model trained from the CLI (early stopping usually ends it sooner)."""

TUNING_EPOCHS = 20
"""Most epochs per trial of a tuning search."""
