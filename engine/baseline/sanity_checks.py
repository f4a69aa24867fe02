"""The three sanity checks in one job: run them before training a model for real.

The seeds' advice before the first real training run: check the implementation, not the
model's quality. ``run_all`` runs, in order,

1. ``initial_loss_check`` (``engine.baseline.sanity_initial_loss``): the untrained model's loss is
   near its theoretical value (``ln C`` for ``C`` classes, about 1 for a standardized
   regression target);
2. ``overfit_tiny_subset`` (``engine.baseline.sanity_overfit``): the model without regularization
   learns 16 rows by heart;
3. ``lr_range_test`` (``engine.baseline.lr_range_test``): a learning rate suited to the model,
   from a short run with a growing learning rate;

and sends ``engine.core.jobs.Progress`` events (``done`` of ``total`` = 3 checks, fractions in
between). The result, a ``SanityReport``, turns into a strict-JSON-able dict. The functions
are pure: they take model builders and arrays, and never touch a project's files.

Use:
    report = run_all(build, build_plain, X, y, "binary", 2, batch_size=32)
    report.passed, report.lr_range.suggested
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import keras

from engine.core.errors import JobCancelled
from engine.core.jobs import NEVER, CancelFlag, Progress, ProgressFn, ignore
from engine.baseline.lr_curve import DEFAULT_RATE
from engine.baseline.lr_range_test import lr_range_test
from engine.baseline.sanity_initial_loss import initial_loss_check
from engine.baseline.sanity_overfit import overfit_tiny_subset
from engine.baseline.sanity_result import CheckResult, LrRangeResult, plain_number
from engine.core.texts import text
from engine.project.parts.sanity import SanityRecord

__all__ = ["CheckResult", "LrRangeResult", "SanityReport", "initial_loss_check",
           "lr_range_test", "overfit_tiny_subset", "run_all"]

CHECKS = 3
"""``Progress.total`` of ``run_all``: one unit per check."""
EVERY = 10
"""``run_all`` sends a progress event every this many training steps."""
OVERFIT_ROWS = 16
"""Rows of the tiny subset in ``run_all``."""
OVERFIT_STEPS = 300
"""Most training steps of the tiny-subset check in ``run_all``."""
LR_STEPS = 100
"""Batches of the learning-rate range test in ``run_all``."""


@dataclass(frozen=True)
class SanityReport:
    """The results of the three checks.

    Args:
        initial_loss: the loss-before-training check.
        overfit: the tiny-subset check.
        lr_range: the learning-rate range test.
    """

    initial_loss: CheckResult
    overfit: CheckResult
    lr_range: LrRangeResult

    @property
    def passed(self) -> bool:
        """True when all three checks passed."""
        return self.initial_loss.passed and self.overfit.passed and self.lr_range.passed

    @property
    def text(self) -> str:
        """One plain sentence on the three checks together."""
        if self.passed and self.lr_range.suggested is None:  # the guard kept the default
            return text("sanity.all_passed_default", lr=plain_number(DEFAULT_RATE))
        if self.passed:
            return text("sanity.all_passed", lr=plain_number(self.lr_range.suggested))
        failed = [text(f"sanity.name_{name}") for name, check in
                  (("initial_loss", self.initial_loss), ("overfit", self.overfit),
                   ("lr_range", self.lr_range)) if not check.passed]
        return text("sanity.some_failed", names="; ".join(failed))

    def to_dict(self) -> dict[str, Any]:
        """Strict-JSON-able dict of the three results, the verdict and the sentence."""
        return {"passed": self.passed, "text": self.text,
                "suggested_learning_rate": self.lr_range.to_dict()["suggested"],
                "initial_loss": self.initial_loss.to_dict(),
                "overfit": self.overfit.to_dict(), "lr_range": self.lr_range.to_dict()}

    def record(self, model: str) -> SanityRecord:
        """The project's ``sanity`` part: these results, checked on zoo family ``model``."""
        return SanityRecord(self.passed, self.text, self.initial_loss, self.overfit,
                            self.lr_range, model=model)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "SanityReport":
        """Rebuild a report written by ``to_dict``."""
        return cls(CheckResult.from_dict(d["initial_loss"]), CheckResult.from_dict(d["overfit"]),
                   LrRangeResult.from_dict(d["lr_range"]))


def run_all(build: Callable[[], keras.Model], build_unregularized: Callable[[], keras.Model],
            X, y, task: str, n_classes: int, batch_size: int, progress: ProgressFn = ignore,
            cancel: CancelFlag = NEVER, seed: int = 0) -> SanityReport:
    """Run the three sanity checks on fresh models and report them.

    Args:
        build: returns a fresh, compiled model as it will be trained (for the initial
            loss and the learning-rate test).
        build_unregularized: the same model with dropout and weight penalties off (for the
            tiny-subset check).
        X: inputs of the training rows, prepared as for training (any shape).
        y: class indices (classification) or standardized values (regression).
        task: ``binary``, ``multiclass`` or ``regression``.
        n_classes: number of classes (ignored for regression).
        batch_size: rows per batch in real training (used by the learning-rate test).
        progress: receives ``Progress`` events.
        cancel: checked before every training step; setting it raises ``JobCancelled``.
        seed: seeds every check.

    Returns:
        A ``SanityReport``.

    Use:
        run_all(build, build_plain, X, y, "regression", 0, 32).passed
    """
    if cancel.is_set():
        raise JobCancelled("sanity checks cancelled")
    progress(Progress(0, CHECKS, text("sanity.progress_initial")))
    keras.utils.set_random_seed(seed)
    initial = initial_loss_check(build(), X, y, task, n_classes)

    rows = min(OVERFIT_ROWS, len(X))
    progress(Progress(1, CHECKS, text("sanity.progress_overfit", n=rows, step=0,
                                      steps=OVERFIT_STEPS)))
    overfit = overfit_tiny_subset(
        build_unregularized, X, y, task, n_classes, n=OVERFIT_ROWS, steps=OVERFIT_STEPS,
        seed=seed, cancel=cancel,
        on_step=_reporter(progress, 1, lambda done, steps: text(
            "sanity.progress_overfit", n=rows, step=done, steps=steps)))

    progress(Progress(2, CHECKS, text("sanity.progress_lr", step=0, steps=LR_STEPS)))
    lr_range = lr_range_test(
        build, X, y, batch_size=batch_size, steps=LR_STEPS, seed=seed, cancel=cancel,
        on_step=_reporter(progress, 2, lambda done, steps: text(
            "sanity.progress_lr", step=done, steps=steps)))
    progress(Progress(CHECKS, CHECKS, text("sanity.progress_done")))
    return SanityReport(initial, overfit, lr_range)


def _reporter(progress: ProgressFn, base: int,
              words: Callable[[int, int], str]) -> Callable[[int, int], None]:
    """An ``on_step`` callback sending ``Progress`` every ``EVERY`` steps of check ``base``."""
    def on_step(done: int, steps: int) -> None:
        if done % EVERY == 0:
            progress(Progress(base + done / steps, CHECKS, words(done, steps)))
    return on_step
