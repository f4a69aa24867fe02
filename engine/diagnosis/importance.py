"""Which inputs matter: permutation importance of a run on the dev rows, for every data kind.

The run (the chosen one unless another finished run is named) predicts the dev rows; then
each input is spoiled in turn and the dev rows are scored again with the project's
optimizing metric. An input's importance is how much worse the score gets (as an error,
so a metric where lower is better counts the right way round): zero or less means the
model does not rely on it. Test rows are never read.

What an input is, and how it is spoiled, depends on the data kind:

* table: each of the user's columns. Its values are shuffled across the dev rows *before*
  the input coding, so a category column coded as several 0/1 inputs counts as one column.
* sequence: each channel (its whole series shuffled across the rows) and each of 8 equal
  time windows (all channels of the window shuffled across the rows together).
* text: words in 20 frequency bands. The vocabulary words found in the dev texts are
  ranked by how often they occur there and cut into bands that hold about the same number
  of occurrences; each word of a band is replaced by a word drawn at random from the same
  band (in proportion to its count), so the text keeps its length and the mix of common
  and rare words, and loses only which words of the band it had.
* images: a 4 x 4 grid of regions. A region is covered (occlusion) with the mean pixel of
  the dev pictures instead of being shuffled.

Intervals: for shuffling, each input is shuffled ``repeats`` times with a fixed seed and
the interval is the mean plus or minus the t-based 95% half-width over the repeats (zero
width with one repeat). Occlusion gives one value per region, so the interval of a region
is the 2.5 and 97.5 percentiles of the same drop on 100 paired bootstrap resamples of the
dev rows.

The result is saved as ``runs/<id>/importance.json`` (written atomically) so the report
and the Diagnose page show it without computing it again.

Use:
    result = explain_run(project)
    [(i.name, round(i.mean, 3)) for i in result.inputs[:3]]
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from typing import Any, Callable, Iterator

import numpy as np
import pandas as pd

from engine.core.atomic import write_json
from engine.core.errors import JobCancelled, ProjectError
from engine.core.jobs import NEVER, CancelFlag, Progress, ProgressFn, StageStarted, ignore
from engine.core.texts import text
from engine.goal.evaluation import to_predictions
from engine.goal.metrics import compute, error_of
from engine.kinds.input_coding import data_kind
from engine.kinds.registry import kind_of
from engine.kinds.preprocess_store import load_preprocessor
from engine.kinds.text_inputs import FIRST_WORD
from engine.project.decisions import now_iso
from engine.project.parts.goal import Goal
from engine.project.project import Project
from engine.split.datasets import split_frame, target_values
from engine.training.predictor import load_predictor

FILE = "importance.json"
DEFAULT_REPEATS = 5
WINDOWS = 8
WORD_BANDS = 20
GRID = 4
BOOTSTRAP = 100
LEAK_SHARE = 0.8



@dataclass(frozen=True)
class InputImportance:
    """One input: its name, what it is (``column``, ``channel``, ``window``, ``words`` or
    ``region``), the mean worsening of the error and its 95% interval, and the worsening
    of each repeat (one value for occlusion)."""

    name: str
    part: str
    mean: float
    low: float
    high: float
    drops: tuple[float, ...]


@dataclass(frozen=True)
class ImportanceResult:
    """The inputs of ``run`` ranked by importance on ``rows`` dev rows, most important first.

    ``base`` is the run's optimizing metric on the unspoiled dev rows; ``leak`` names the
    input that carries almost all the importance (empty when none does)."""

    run: str
    label: str
    metric: str
    data_kind: str
    method: str          # "shuffle" or "occlusion"
    repeats: int
    seed: int
    rows: int
    base: float
    seconds: float
    created: str
    inputs: tuple[InputImportance, ...]
    leak: str = ""

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["inputs"] = [asdict(i) for i in self.inputs]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "ImportanceResult":
        inputs = tuple(InputImportance(str(i["name"]), str(i["part"]), float(i["mean"]),
                                       float(i["low"]), float(i["high"]),
                                       tuple(float(x) for x in i["drops"]))
                       for i in d["inputs"])
        return cls(str(d["run"]), str(d["label"]), str(d["metric"]), str(d["data_kind"]),
                   str(d["method"]), int(d["repeats"]), int(d["seed"]), int(d["rows"]),
                   float(d["base"]), float(d["seconds"]), str(d["created"]), inputs,
                   str(d.get("leak", "")))


# A spoiler takes the coded dev inputs (or, for a table, the raw dev frame) and a random
# generator, and gives coded inputs with one input spoiled.
Spoiler = Callable[[np.random.Generator], np.ndarray]


def explain_run(project: Project, run_id: str | None = None, repeats: int = DEFAULT_REPEATS,
                seed: int = 0, progress: ProgressFn = ignore,
                cancel: CancelFlag = NEVER) -> ImportanceResult:
    """Rank the inputs of a run by permutation importance on the dev rows and save it.

    Args:
        project: a split project with at least one finished run.
        run_id: the run to explain; None: the chosen run.
        repeats: shuffles per input (at least 1).
        seed: for the shuffles and the bootstrap.
        progress: receives ``StageStarted`` then a ``Progress`` per input.
        cancel: checked between inputs.

    Raises:
        ProjectError: no run is chosen or named, or the run has no model to load.
    """
    started = time.perf_counter()
    run_id = run_id or project.chosen_run
    if not run_id:
        raise ProjectError(text("importance.no_run"))
    run = project.run(run_id)
    if not run.model_file or not (project.run_dir(run.id) / run.model_file).is_file():
        raise ProjectError(text("importance.not_finished", label=run.label))
    goal = project.goal or Goal()
    repeats = max(1, int(repeats))
    progress(StageStarted("predict", text("importance.stage", label=run.label)))
    prep = load_preprocessor(project)
    frame = split_frame(project, "dev")
    y_true = target_values(project, frame)
    predictor = load_predictor(project.run_dir(run.id), run, prep)
    coded = prep.transform(frame)

    def scores_of(X: np.ndarray) -> np.ndarray:
        return np.asarray(predictor.scores(X, pad_to=len(coded)), dtype=float)

    base_scores = scores_of(coded)
    kind = data_kind(project)
    unit = kind_of(project).explained_by
    occlusion = unit == "regions"  # one covering per region: the interval comes from rows
    rng = np.random.default_rng(seed)
    pieces = list(_SPOILERS[unit](prep, frame, coded))
    inputs = []
    for done, (name, part, spoil) in enumerate(pieces):
        if cancel.is_set():
            raise JobCancelled()
        if occlusion:
            spoiled = scores_of(spoil(rng))
            mean, low, high = _bootstrap(goal, y_true, base_scores, spoiled, seed)
            drops = (mean,)
        else:
            drops = tuple(_error(goal, y_true, scores_of(spoil(rng)))
                          - _error(goal, y_true, base_scores) for _ in range(repeats))
            mean, low, high = t_interval(drops)
        inputs.append(InputImportance(name, part, mean, low, high, drops))
        progress(Progress(done + 1, len(pieces), text("importance.progress", name=name)))
    ranked = tuple(sorted(inputs, key=lambda i: -i.mean))
    base_value = compute(goal.metric, *_metric_args(goal, y_true, base_scores),
                         costs=goal.costs)
    result = ImportanceResult(
        run.id, run.label, goal.metric, kind, "occlusion" if occlusion else "shuffle",
        1 if occlusion else repeats, seed, int(len(frame)), float(base_value),
        round(time.perf_counter() - started, 3), now_iso(), ranked, leak_of(ranked))
    write_json(project.run_dir(run.id) / FILE, result.to_dict())
    return result


def load_importance(project: Project, run_id: str | None = None) -> ImportanceResult | None:
    """The saved importance of a run (the chosen one by default); None when it was never
    computed, the run is gone, or the file cannot be read."""
    run_id = run_id or project.chosen_run
    if not run_id or run_id not in {r.id for r in project.runs}:
        return None
    path = project.run_dir(run_id) / FILE
    try:
        return ImportanceResult.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


# ----- numbers
def t_interval(values) -> tuple[float, float, float]:
    """Mean and t-based 95% interval of ``values`` (zero width for a single value).

    Example:
        >>> [round(v, 3) for v in t_interval([1.0, 2.0, 3.0])]
        [2.0, -0.484, 4.484]
    """
    # Imported here to keep SciPy out of start-up.
    from scipy import stats

    v = np.asarray(values, dtype=float)
    mean = float(v.mean())
    if len(v) < 2:
        return mean, mean, mean
    half = float(stats.t.ppf(0.975, len(v) - 1) * v.std(ddof=1) / np.sqrt(len(v)))
    return mean, mean - half, mean + half


def leak_of(ranked: tuple[InputImportance, ...]) -> str:
    """The input that may give the answer away: more than 80% of the total positive
    importance, and its interval entirely above every other input's; else ``""``.

    Example:
        >>> a = InputImportance("id", "column", 0.5, 0.45, 0.55, ())
        >>> b = InputImportance("age", "column", 0.02, 0.0, 0.04, ())
        >>> leak_of((a, b)), leak_of((b,))
        ('id', '')
    """
    if len(ranked) < 2:
        return ""
    top, rest = ranked[0], ranked[1:]
    total = sum(max(i.mean, 0.0) for i in ranked)
    if total <= 0 or top.mean / total <= LEAK_SHARE:
        return ""
    return top.name if top.low > max(i.high for i in rest) else ""


def shares(ranked) -> list[float]:
    """Each input's share of the total positive importance (0 for those at or below 0)."""
    total = sum(max(i.mean, 0.0) for i in ranked)
    return [max(i.mean, 0.0) / total if total > 0 else 0.0 for i in ranked]


def _metric_args(goal: Goal, y_true: pd.Series, scores: np.ndarray) -> tuple:
    p = to_predictions(goal, y_true, scores)
    return p.y_true, p.y_pred, p.y_score, goal.labels or None, goal.positive_label


def _error(goal: Goal, y_true: pd.Series, scores: np.ndarray) -> float:
    value = compute(goal.metric, *_metric_args(goal, y_true, scores), costs=goal.costs)
    return float(error_of(goal.metric, value))


def _bootstrap(goal: Goal, y_true: pd.Series, base: np.ndarray, spoiled: np.ndarray,
               seed: int) -> tuple[float, float, float]:
    mean = _error(goal, y_true, spoiled) - _error(goal, y_true, base)
    rng = np.random.default_rng(seed)
    n, drops = len(base), []
    for _ in range(BOOTSTRAP):
        take = rng.integers(0, n, n)
        y = y_true.iloc[take]
        value = _error(goal, y, spoiled[take]) - _error(goal, y, base[take])
        if np.isfinite(value):
            drops.append(value)
    if not drops:
        return mean, mean, mean
    return mean, float(np.percentile(drops, 2.5)), float(np.percentile(drops, 97.5))


# ----- the inputs of each data kind
def _table(prep, frame: pd.DataFrame) -> Iterator[tuple[str, str, Spoiler]]:
    names = [c.name for c in prep.numeric] + [c.name for c in prep.categorical]
    for name in names:
        def spoil(rng, name=name):
            shuffled = frame.copy()
            shuffled[name] = frame[name].to_numpy()[rng.permutation(len(frame))]
            return prep.transform(shuffled)
        yield name, "column", spoil


def _sequence(prep, X: np.ndarray) -> Iterator[tuple[str, str, Spoiler]]:
    # One channel (a recording, a single series) is the whole example: shuffling it says
    # nothing of which input matters and would always look like a leak; its windows do.
    channels = prep.channels if len(prep.channels) > 1 else ()
    for c, channel in enumerate(channels):
        def spoil(rng, c=c):
            out = X.copy()
            out[:, :, c] = X[rng.permutation(len(X)), :, c]
            return out
        yield channel, "channel", spoil
    for steps in np.array_split(np.arange(X.shape[1]), min(WINDOWS, X.shape[1])):
        a, b = int(steps[0]), int(steps[-1]) + 1
        def spoil(rng, a=a, b=b):
            out = X.copy()
            out[:, a:b, :] = X[rng.permutation(len(X)), a:b, :]
            return out
        yield text("importance.window", first=a + 1, last=b), "window", spoil


def word_bands(X: np.ndarray, bands: int = WORD_BANDS) -> list[np.ndarray]:
    """The vocabulary word numbers seen in ``X``, most frequent first, cut into up to
    ``bands`` groups holding about the same number of occurrences.

    Example:
        >>> X = np.array([[2, 2, 2, 3, 4, 0]])
        >>> [b.tolist() for b in word_bands(X, 2)]
        [[2], [3, 4]]
    """
    ids = X[X >= FIRST_WORD].astype(np.int64)
    if ids.size == 0:
        return []
    counts = np.bincount(ids)
    seen = np.flatnonzero(counts)
    seen = seen[np.argsort(-counts[seen], kind="stable")]
    before = (np.cumsum(counts[seen]) - counts[seen]) / counts[seen].sum()
    which = np.minimum((before * bands).astype(int), bands - 1)
    return [seen[which == b] for b in range(bands) if np.any(which == b)]


def _text(prep, X: np.ndarray) -> Iterator[tuple[str, str, Spoiler]]:
    counts = np.bincount(X[X >= FIRST_WORD].astype(np.int64)) if X.size else np.zeros(0)
    first = 1
    for band in word_bands(X):
        weights = counts[band] / counts[band].sum()
        def spoil(rng, band=band, weights=weights):
            out = X.copy()
            where = np.isin(out, band)
            out[where] = rng.choice(band, size=int(where.sum()), p=weights)
            return out
        words = ", ".join(prep.vocabulary[i - FIRST_WORD] for i in band[:3])
        yield (text("importance.band", first=first, last=first + len(band) - 1, words=words),
               "words", spoil)
        first += len(band)


def _images(X: np.ndarray) -> Iterator[tuple[str, str, Spoiler]]:
    fill = X.mean(axis=(0, 1, 2)) if len(X) else 0.0
    rows = np.array_split(np.arange(X.shape[1]), GRID)
    cols = np.array_split(np.arange(X.shape[2]), GRID)
    for r, rs in enumerate(rows):
        for c, cs in enumerate(cols):
            if not len(rs) or not len(cs):
                continue
            def spoil(rng, rs=rs, cs=cs):
                out = X.copy()
                out[:, rs[0]:rs[-1] + 1, cs[0]:cs[-1] + 1] = fill
                return out
            yield text("importance.region", row=r + 1, col=c + 1), "region", spoil


# What an input is for each kind's ``explained_by`` (``engine.kinds.kind.EXPLAINED_BY``).
_SPOILERS: dict[str, Callable[..., Iterator[tuple[str, str, Spoiler]]]] = {
    "columns": lambda prep, frame, coded: _table(prep, frame),
    "channels_and_windows": lambda prep, frame, coded: _sequence(prep, coded),
    "word_bands": lambda prep, frame, coded: _text(prep, coded),
    "regions": lambda prep, frame, coded: _images(coded),
}


# ----- plain sentences
def importance_lines(result: ImportanceResult, top: int = 10) -> list[str]:
    """Plain sentences: what was measured, the most important inputs with their intervals,
    and the leakage warning when one input carries almost all the importance."""
    lines = [text("importance.intro", label=result.label, metric=result.metric,
                  rows=result.rows, method=text(f"importance.method_{result.method}",
                                       repeats=result.repeats),
                  repeats=result.repeats)]
    useful = [i for i in result.inputs if i.low > 0]
    if not useful:
        lines.append(text("importance.none_clear"))
    for i in result.inputs[:top]:
        if i.low > 0:
            lines.append(text("importance.line", name=i.name, mean=i.mean, low=i.low,
                              high=i.high))
    if result.leak:
        share = shares(result.inputs)[0]
        lines.append(text("importance.leak", name=result.leak, share=share))
    return lines
