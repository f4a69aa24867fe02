"""Sanity check 2: before any training, the loss should be near the value theory predicts.

An untrained model has learned nothing, so its outputs should not favour any answer:

* classification with ``C`` classes: a well-initialised softmax gives each class about
  ``1/C``, and the cross-entropy is ``ln C`` (0.693 for two classes, 2.303 for ten). This
  holds whatever the class shares are. With unbalanced classes, guessing from the shares
  alone would score the lower *prior entropy* ``-sum p_k ln p_k``: training should soon get
  below that, and the result mentions it;
* regression on a standardized target (mean 0, variance 1): the mean squared error is
  ``mean(y**2) + mean(f**2)`` where ``f`` are the untrained outputs (they do not depend on
  ``y`` yet), so the expected value is ``mean(y**2)``, about 1, plus the outputs' spread.

The check measures the model's own compiled loss (``test_on_batch``, so a weight penalty
counts too) on up to ``SAMPLE_ROWS`` rows and compares it with the expected value ``E``:

* below ``0.5 E``: ``low``, fails. An untrained model cannot do that well by chance: the
  inputs may leak the answer, or the loss is not what you think;
* up to ``1.6 E``: ``ok``, passes. Random initial weights give random outputs with some
  spread, which costs a little on top of ``E``;
* up to ``max(1.6 E, E + 2)`` for classification (2 nats above ``ln C``: on average the
  untrained predictions are that far, in KL divergence, from the uniform ones), or up to
  ``10 E`` for a regression (outputs spread up to 3 standard deviations of the target):
  ``slightly_high``, still passes. Keras' default (Glorot) last layer on an He-initialised
  ReLU network lands here often: over 30 seeds of a 2 x 64 MLP on standardized inputs
  the excess reached 1.4 nats, and the regression loss 7.3 E (median 2.4 E). Training
  fixes this in a few steps;
* above: ``high``, fails: outputs very confident from the start (a bad initialisation,
  e.g. a huge last-layer bias, or inputs that were not standardized);
* a loss that is not a number: ``not_finite``, fails.

Use:
    initial_loss_check(model, X, y, "multiclass", 3).expected
"""

from __future__ import annotations

import math

import keras
import numpy as np

from engine.baseline.sanity_data import (as_arrays, is_classification, loss_of, outputs,
                                         prior_loss, sample_rows, uniform_loss)
from engine.baseline.sanity_result import CheckResult, plain_number
from engine.core.texts import text

SAMPLE_ROWS = 512
"""The loss is measured on at most this many rows, drawn at random."""
LOW = 0.5
"""Below this share of the expected loss, the loss is too low to be true."""
OK_HIGH = 1.6
"""Up to this multiple of the expected loss, the start is as it should be."""
CLASS_EXCESS = 2.0
"""Classification: up to this many nats above ``ln C`` the start is only slightly high."""
REGRESSION_HIGH = 10.0
"""Regression: up to this multiple of the expected loss the start is only slightly high."""
PRIOR_NOTE = 0.95
"""Classes count as unbalanced when the prior entropy is below this share of ``ln C``."""
STANDARDIZED = (0.25, 4.0)
"""A regression target looks standardized when its mean square lies in this range."""


def initial_loss_check(model: keras.Model, X, y, task: str, n_classes: int) -> CheckResult:
    """Compare an untrained model's loss with its expected value.

    Args:
        model: a freshly built, compiled, untrained model.
        X: inputs, one row per example (any shape), e.g. the training rows.
        y: class indices (classification) or standardized values (regression).
        task: ``binary``, ``multiclass`` or ``regression``.
        n_classes: number of classes (ignored for regression).

    Returns:
        A ``CheckResult`` with ``check="initial_loss"``, ``loss`` the measured mean loss and
        ``expected`` the theoretical one; ``details`` holds ``ratio`` (loss / expected),
        ``prior_loss`` (the loss of guessing from the targets alone), ``rows`` and, for a
        regression, ``output_mean_square`` (the spread of the untrained outputs).

    Use:
        initial_loss_check(model, X, y, "binary", 2).code
    """
    X, y = as_arrays(X, y, task)
    idx = sample_rows(len(X), SAMPLE_ROWS)
    Xs, ys = X[idx], y[idx]
    classify = is_classification(task)
    loss = loss_of(float(model.test_on_batch(Xs, ys, return_dict=True)["loss"]), Xs)
    expected = uniform_loss(ys, task, n_classes)
    prior = prior_loss(ys, task)
    details: dict[str, float | None] = {"rows": float(len(ys)), "prior_loss": prior,
                                        "ratio": loss / expected if expected > 0 else None}
    if not classify:
        details["output_mean_square"] = float(np.mean(np.square(outputs(model, Xs))))
    code = _verdict(loss, expected, classify)
    c = max(int(n_classes), 2)
    why = (text("sanity.expected_class", c=c) if classify
           else text("sanity.expected_regression"))
    words = [text(f"sanity.initial_{code}", loss=plain_number(loss),
                  expected=plain_number(expected), why=why)]
    if classify and prior < PRIOR_NOTE * expected:
        words.append(text("sanity.initial_prior_note", prior=plain_number(prior), c=c,
                          expected=plain_number(expected)))
    if not classify and not STANDARDIZED[0] <= expected <= STANDARDIZED[1]:
        words.append(text("sanity.initial_scale_note", mean=plain_number(float(np.mean(ys))),
                          sd=plain_number(float(np.std(ys)))))
    return CheckResult("initial_loss", code in ("ok", "slightly_high"), code, " ".join(words),
                       loss=loss, expected=expected, details=details)


def _verdict(loss: float, expected: float, classify: bool) -> str:
    """The outcome code for ``loss`` against ``expected`` (see the module docstring)."""
    if not math.isfinite(loss):
        return "not_finite"
    if loss < LOW * expected:
        return "low"
    if loss <= OK_HIGH * expected:
        return "ok"
    limit = (max(OK_HIGH * expected, expected + CLASS_EXCESS) if classify
             else REGRESSION_HIGH * expected)
    return "slightly_high" if loss <= limit else "high"
