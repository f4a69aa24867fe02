"""The error ladder: which problem to work on next (bias, variance, mismatch, dev overfit).

Errors are fractions in [0, 1] (the CLI converts percentages). The ladder reads

    target (human-level / Bayes)  ->  train  ->  train-dev  ->  dev  ->  test

and each step down is a gap:

* avoidable bias = train - target (the model does not even fit its training data well);
* variance = train-dev - train, or dev - train without a train-dev set (it does not
  generalise to unseen examples like the training ones);
* mismatch = dev - train-dev (the data we care about differs from the training data);
* dev overfit = test - dev (repeated choices on the dev set tuned the model to it).
  Not read when the tested model was trained again on the training and dev rows
  (``retrained``): its test error belongs to another model than the rungs above, one that
  learned from the dev rows, so a lower test error is expected and a gap says nothing of
  the dev set's over-use.

How a verdict is reached (orthogonalization: one problem at a time, bottom-up):

1. A gap *matters* when it exceeds ``threshold = max(ABSOLUTE_FLOOR, RELATIVE_SHARE *
   target)``. ``ABSOLUTE_FLOOR`` is 1 percentage point: on a dev set of a few thousand
   examples an error rate moves by about half a point from the sample alone, so smaller
   differences are not worth a change of direction (the seeds' examples treat 0.5-1 point
   gaps as small). ``RELATIVE_SHARE`` is 10% of the target error: when even the best
   possible error is high (say 30%), the rates are noisier and a 1-point gap is small.
2. No gap matters: verdict ``"none"``; the model meets its target.
3. Otherwise, walk the ladder in order (bias, variance, mismatch, dev overfit) and pick the
   first gap that matters and is at least ``COMPARABLE`` (half) the size of the largest gap
   that matters. Bias is fixed first because it is the cheapest to act on and changes every
   later rung; it only yields when another gap clearly dwarfs it (e.g. train 1% / dev 11%
   is variance, not bias).

Example:
    >>> diagnose(train=0.01, dev=0.11).verdict
    'variance'
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from engine.core.errors import GoalError
from engine.core.texts import text
from engine.project.parts.diagnosis import DiagnosisRecord, LadderRow

ABSOLUTE_FLOOR = 0.01
RELATIVE_SHARE = 0.10
COMPARABLE = 0.5
VERDICTS = ("bias", "variance", "mismatch", "dev_overfit", "none")
GAP_OF_VERDICT = {"bias": "avoidable_bias", "variance": "variance", "mismatch": "mismatch",
                  "dev_overfit": "dev_overfit"}
_EPS = 1e-9  # so that a gap of exactly the threshold (0.11 - 0.10) never "matters" by rounding


@dataclass(frozen=True)
class Diagnosis:
    """The ladder, its gaps and the recommended next move.

    Gaps are ``None`` where the rungs to compute them were not given.
    """

    ladder: tuple[LadderRow, ...]
    target: float
    target_given: bool
    avoidable_bias: float
    variance: float
    mismatch: float | None
    dev_overfit: float | None
    verdict: str
    threshold: float
    thresholds: dict[str, float]
    advice: tuple[str, ...]
    explanation: str

    @property
    def gaps(self) -> dict[str, float | None]:
        return {"avoidable_bias": self.avoidable_bias, "variance": self.variance,
                "mismatch": self.mismatch, "dev_overfit": self.dev_overfit}

    def matters(self, gap_name: str) -> bool:
        """Whether the gap ``gap_name`` is larger than its threshold."""
        return _matters(self.gaps[gap_name], self.thresholds[gap_name])

    def record(self, run: str, judged_by: str) -> DiagnosisRecord:
        """The project's record of this diagnosis, for run ``run`` read with ``judged_by``."""
        return DiagnosisRecord(run=run, judged_by=judged_by, verdict=self.verdict,
                               verdict_label=verdict_label(self.verdict), gaps=self.gaps,
                               advice=tuple(self.advice), ladder=self.ladder,
                               explanation=self.explanation, threshold=self.threshold,
                               thresholds=dict(self.thresholds), target=self.target,
                               target_given=self.target_given)

    def to_dict(self) -> dict:
        """JSON-able form: verdict, gaps, advice, ladder, explanation (+ threshold, target)."""
        return {
            "verdict": self.verdict,
            "verdict_label": verdict_label(self.verdict),
            "gaps": self.gaps,
            "advice": list(self.advice),
            "ladder": [{"name": r.name, "label": r.label, "error": r.error}
                       for r in self.ladder],
            "explanation": self.explanation,
            "threshold": self.threshold,
            "thresholds": dict(self.thresholds),
            "target": self.target,
            "target_given": self.target_given,
        }


def diagnose(train: float, dev: float, target: float | None = None,
             train_dev: float | None = None, test: float | None = None,
             threshold: float | None = None,
             noise: dict[str, float] | None = None,
             scale: float | None = None, retrained: bool = False) -> Diagnosis:
    """Read the error ladder and recommend what to work on next (see module doc).

    Args:
        train: error on the training set.
        dev: error on the dev (validation) set.
        target: human-level or best achievable error; 0 when not given.
        train_dev: error on held-out rows from the training distribution, if any.
        test: error on the test set, once the vault is open.
        threshold: override the size above which a gap matters.
        noise: per gap, how large it can be from chance alone given the set sizes (see
            ``engine.diagnosis.gap_noise``); a gap must also exceed its band to matter.
        scale: for an unbounded error (RMSE, MAE, log loss) the typical size of an error,
            e.g. the spread of the values to predict; errors may then be any number >= 0
            and the 1-point floor becomes 1% of ``scale``. None means errors are rates.
        retrained: ``test`` is the error of the same settings trained again on the training
            and dev rows; the dev-overfit gap is then not computed (None) and the
            explanation says why.

    Raises:
        GoalError: an error is not a number between 0 and 1.
    """
    values = {"target": target, "train": train, "train_dev": train_dev, "dev": dev,
              "test": test}
    for name, value in values.items():
        _check_error(name, value, rates=scale is None)
    target_given = target is not None
    target_value = float(target) if target_given else 0.0
    if threshold is None:
        floor = ABSOLUTE_FLOOR if scale is None else ABSOLUTE_FLOOR * scale
        threshold = max(floor, RELATIVE_SHARE * target_value)

    gaps = {
        "avoidable_bias": train - target_value,
        "variance": (train_dev if train_dev is not None else dev) - train,
        "mismatch": dev - train_dev if train_dev is not None else None,
        "dev_overfit": test - dev if test is not None and not retrained else None,
    }
    thresholds = {g: max(threshold, (noise or {}).get(g, 0.0)) for g in gaps}
    verdict = _verdict(gaps, thresholds)

    ladder = tuple(
        LadderRow(name, text("diagnosis.rung.test_retrained" if retrained and name == "test"
                             else f"diagnosis.rung.{name}"),
                  target_value if name == "target" else float(value))
        for name, value in values.items() if name == "target" or value is not None
    )
    return Diagnosis(
        ladder=ladder,
        target=target_value,
        target_given=target_given,
        avoidable_bias=gaps["avoidable_bias"],
        variance=gaps["variance"],
        mismatch=gaps["mismatch"],
        dev_overfit=gaps["dev_overfit"],
        verdict=verdict,
        threshold=threshold,
        thresholds=thresholds,
        advice=advice_for(("tested_retrained" if retrained else "tested")
                          if verdict == "none" and test is not None else verdict),
        explanation=_explain(verdict, gaps, threshold, values, target_value, target_given,
                             thresholds, scale is None)
        + (" " + text("diagnosis.note.retrained_test", test=_pct(test, scale is None),
                      dev=_pct(dev, scale is None))
           if retrained and test is not None else ""),
    )


TREE_VERDICTS = ("bias", "variance")
"""The verdicts whose advice differs for boosted trees (no layers, dropout or weight decay)."""


def advice_for(verdict: str, trees: bool = False) -> tuple[str, ...]:
    """The next moves for ``verdict``, in plain words, most useful first; ``trees``: the
    diagnosed model is boosted trees, whose capacity is set by leaves, not layers.

    ``"tested"`` is the advice when nothing is wrong and the final test is done;
    ``"tested_retrained"`` the same when the final test scored the settings trained again on
    the training and dev rows.
    """
    if verdict not in VERDICTS + ("tested", "tested_retrained"):
        raise ValueError(f"unknown verdict {verdict!r}")
    if trees and verdict in TREE_VERDICTS:
        verdict = f"trees_{verdict}"
    moves = []
    while True:
        try:
            # text keys: diagnosis.advice.bias.{1,2,3}, diagnosis.advice.dev_overfit.{1,2}
            # text keys: diagnosis.advice.mismatch.{1,2,3}, diagnosis.advice.none.{1,2}
            # text keys: diagnosis.advice.tested.{1,2}, diagnosis.advice.variance.{1,2,3,4}
            # text keys: diagnosis.advice.trees_bias.{1,2,3}
            # text keys: diagnosis.advice.trees_variance.{1,2,3,4}
            # text keys: diagnosis.advice.tested_retrained.{1,2}
            moves.append(text(f"diagnosis.advice.{verdict}.{len(moves) + 1}"))
        except KeyError:
            return tuple(moves)


def verdict_label(verdict: str) -> str:
    """The user-facing name of a verdict."""
    return text(f"diagnosis.verdict.{verdict}")


def gap_label(gap_name: str) -> str:
    """The user-facing name of a gap (``avoidable_bias``, ``variance`` ...)."""
    return text(f"diagnosis.gap.{gap_name}")


def _matters(gap: float | None, threshold: float) -> bool:
    return gap is not None and gap > threshold + _EPS


def _verdict(gaps: dict[str, float | None], thresholds: dict[str, float]) -> str:
    mattering = {v: gaps[g] for v, g in GAP_OF_VERDICT.items()
                 if _matters(gaps[g], thresholds[g])}
    if not mattering:
        return "none"
    largest = max(mattering.values())
    return next(v for v, gap in mattering.items() if gap >= COMPARABLE * largest)


def _check_error(name: str, value: float | None, rates: bool = True) -> None:
    if value is None and name in ("target", "train_dev", "test"):
        return
    label = text(f"diagnosis.rung.{name}")
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
        raise GoalError(text("diagnosis.not_a_number", rung=label, value=value))
    if rates and not 0.0 <= value <= 1.0:
        raise GoalError(text("diagnosis.out_of_range", rung=label, value=value))
    if value < 0:
        raise GoalError(text("diagnosis.negative", rung=label, value=value))


def _pct(value: float | None, rates: bool = True) -> str:
    if value is None:
        return "-"
    return f"{100 * value:.1f}%" if rates else _number(value)


def _points(value: float, rates: bool = True) -> str:
    return text("diagnosis.points", n=f"{100 * value:.1f}") if rates else _number(value)


def _number(value: float) -> str:
    """An unbounded error for reading: ``26,122`` or ``0.4321``."""
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


def _explain(verdict, gaps, threshold, values, target, target_given, thresholds,
             rates) -> str:
    filled = {name: _pct(value, rates) for name, value in values.items()}
    filled["target"] = _pct(target, rates)
    filled.update({name: _points(gap, rates) for name, gap in gaps.items() if gap is not None})
    filled["threshold"] = _points(threshold, rates)
    parts = [text(f"diagnosis.explain.{verdict}", **filled)]
    if verdict == "variance" and values["train_dev"] is None:
        parts.append(text("diagnosis.note.variance_without_train_dev"))
    parts.append(text("diagnosis.note.threshold", threshold=_points(threshold, rates)))
    chance = [text("diagnosis.note.chance_item", gap=gap_label(gap),
                   size=_points(value, rates), band=_points(thresholds[gap], rates))
              for gap, value in gaps.items()
              if value is not None and threshold + _EPS < value <= thresholds[gap] + _EPS]
    if chance:
        parts.append(text("diagnosis.note.within_chance", items="; ".join(chance)))
    if not target_given:
        parts.append(text("diagnosis.note.no_target"))
    elif gaps["avoidable_bias"] < -threshold:
        parts.append(text("diagnosis.note.below_target", **filled))
    return " ".join(parts)
