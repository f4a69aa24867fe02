"""Why this example: which inputs moved a model's answer for one row.

The model answers the row; then it answers copies of the row, each with one input taken
away (``engine.diagnosis.why_inputs``: a table's column made missing, a word deleted, a
channel or time window set to the training mean, a patch of the picture covered). An
input's effect is how much the model's confidence in its own answer falls without it (for
a regression: how much the predicted value moves). The inputs are ranked by it; a picture
also gets a map (``engine.diagnosis.why_picture``) of where covering it mattered, laid over
the picture as a PNG.

Answers are given as the run's decision rule gives them (``engine.goal.decision``): its
calibrated confidences, and for a yes/no task its threshold.

This is occlusion: only forward passes, so it works the same for every Keras backend and for
the simple baselines, which have no gradient; it needs no other rows (what takes an input's
place comes from the training statistics kept in the coding).

Rows: ``explain_example`` reads only the dev rows, and refuses a row number that is not a
dev row (test rows stay in the vault); ``why_of_row`` explains a row it is handed (the Use
page hands it a row of the user's new data, ``engine.use.why_new_row``). The result of a dev
row is kept as ``runs/<id>/why/row-<row>.json`` (and ``.png`` for a picture), so the report
shows it without computing it again.

Use:
    why = explain_example(project, 17)
    why.lines[0]
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from engine.core.atomic import write_json
from engine.core.errors import JobCancelled, ProjectError
from engine.core.jobs import NEVER, CancelFlag, Progress, ProgressFn, StageStarted, ignore
from engine.core.texts import text
from engine.diagnosis.why_inputs import WhyInputs, why_inputs
from engine.diagnosis.why_picture import heat_map, overlay_png, strength_of
from engine.goal.decision import calibrated, rule_for
from engine.kinds.preprocess_store import load_preprocessor
from engine.kinds.registry import kind_of
from engine.project.decisions import now_iso
from engine.project.parts.decision_rule import DecisionRule
from engine.project.parts.goal import Goal
from engine.project.project import Project
from engine.split.datasets import split_frame, target_values
from engine.training.predictor import Predictor, load_predictor

FOLDER = "why"
SHOWN = 5              # inputs named in the sentences
AGAINST = 2            # inputs named that pushed against the answer
CHUNK = 256            # copies scored at once (cancel is checked between chunks)
DIGITS = 4


@dataclass(frozen=True)
class WhyPart:
    """One input taken away: its name, what it is (``column``, ``word``, ``channel``,
    ``window``, ``area``), its effect (the fall of the confidence in the answer; for a
    regression, the answer minus the answer without it), the answer without it and the
    confidence in the first answer (the value, for a regression) without it."""

    name: str
    part: str
    effect: float
    answer_without: str
    score_without: float


@dataclass(frozen=True)
class WhyExample:
    """Why ``run`` gave ``answer`` for one row, the inputs that moved it most first.

    ``row`` is the row number in the data file (-1 for a row that is not a project row);
    ``truth`` the true answer when known; ``score`` the confidence in the answer (the value,
    for a regression). ``heat`` is the picture's map (rows of 0..1 values at the coded
    picture's size), ``image`` the picture and ``overlay`` the PNG with the map laid over
    it; ``segments`` cut a text into pieces, each with its weight (0..1: how much taking
    that word away lowered the answer; 0 between words). ``lines`` are the plain sentences.
    """

    run: str
    label: str
    row: int
    explained_by: str
    task: str
    answer: str
    score: float
    truth: str | None
    parts: tuple[WhyPart, ...]
    lines: tuple[str, ...] = ()
    heat: tuple[tuple[float, ...], ...] = ()
    image: str = ""
    overlay: str = ""
    segments: tuple[tuple[str, float], ...] = ()
    seconds: float = 0.0
    created: str = ""

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["parts"] = [asdict(p) for p in self.parts]
        d["lines"] = list(self.lines)
        d["heat"] = [list(r) for r in self.heat]
        d["segments"] = [list(s) for s in self.segments]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "WhyExample":
        parts = tuple(WhyPart(str(p["name"]), str(p["part"]), float(p["effect"]),
                              str(p["answer_without"]), float(p["score_without"]))
                      for p in d["parts"])
        return cls(str(d["run"]), str(d["label"]), int(d["row"]), str(d["explained_by"]),
                   str(d["task"]), str(d["answer"]), float(d["score"]),
                   None if d.get("truth") is None else str(d["truth"]), parts,
                   tuple(str(x) for x in d.get("lines", ())),
                   tuple(tuple(float(v) for v in r) for r in d.get("heat", ())),
                   str(d.get("image", "")), str(d.get("overlay", "")),
                   tuple((str(s), float(w)) for s, w in d.get("segments", ())),
                   float(d.get("seconds", 0.0)), str(d.get("created", "")))


def explain_example(project: Project, row: int, run_id: str | None = None,
                    progress: ProgressFn = ignore, cancel: CancelFlag = NEVER) -> WhyExample:
    """Explain the answer of ``run_id`` (default: the chosen run) for dev row ``row`` and
    keep the result beside the run.

    Args:
        project: a split project with a finished run.
        row: the row number in the data file, as error analysis shows it.
        run_id: the run; None: the chosen one.
        progress: receives ``StageStarted`` and ``Progress`` events.
        cancel: checked between batches of copies.

    Raises:
        ProjectError: no run is chosen or named, the run has no model, or ``row`` is not a
            dev row (test rows stay locked; training rows are not explained).
    """
    started = time.perf_counter()
    run_id = run_id or project.chosen_run
    if not run_id:
        raise ProjectError(text("why.no_run"))
    run = project.run(run_id)
    if not run.model_file or not (project.run_dir(run.id) / run.model_file).is_file():
        raise ProjectError(text("why.not_finished", label=run.label))
    frame = split_frame(project, "dev")
    if int(row) not in frame.index:
        raise ProjectError(text("why.not_dev", row=row))
    progress(StageStarted("explain", text("why.stage", label=run.label, row=row)))
    prep = load_preprocessor(project)
    predictor = load_predictor(project.run_dir(run.id), run, prep)
    one = frame.loc[[int(row)]]
    truth = target_values(project, one).iloc[0]
    folder = project.run_dir(run.id) / FOLDER
    why = why_of_row(predictor, kind_of(project).explained_by, one, run.id, run.label,
                     row=int(row), truth=None if pd.isna(truth) else str(truth),
                     overlay_to=folder / f"row-{int(row)}.png", progress=progress,
                     cancel=cancel, started=started,
                     rule=rule_for(project.decision_rule, run.id), goal=project.goal)
    write_json(folder / f"row-{int(row)}.json", why.to_dict())
    return why


def load_why(project: Project, row: int, run_id: str | None = None) -> WhyExample | None:
    """The kept explanation of dev row ``row`` for ``run_id`` (the chosen run by default);
    None when there is none or it cannot be read."""
    run_id = run_id or project.chosen_run
    if not run_id or run_id not in {r.id for r in project.runs}:
        return None
    path = project.run_dir(run_id) / FOLDER / f"row-{int(row)}.json"
    try:
        return WhyExample.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def why_of_row(predictor: Predictor, explained_by: str, one: pd.DataFrame, run: str,
               label: str, row: int = -1, truth: str | None = None,
               overlay_to: Path | None = None, progress: ProgressFn = ignore,
               cancel: CancelFlag = NEVER, started: float | None = None,
               rule: DecisionRule | None = None, goal: Goal | None = None) -> WhyExample:
    """Explain ``predictor``'s answer for the one-row frame ``one`` (it reads no other
    rows); ``overlay_to`` is where a picture's overlay is written. With the run's decision
    rule (and the ``goal`` that names the positive class), the confidences are the
    calibrated ones and a yes/no answer follows the rule's threshold, as everywhere else."""
    started = time.perf_counter() if started is None else started
    coding = predictor.preprocessor
    pieces = why_inputs(explained_by, coding, one)
    fit = rule.calibration if rule is not None else None
    base = calibrated(np.asarray(predictor.scores(coding.transform(one)), dtype=float), fit)[0]
    stacked = [pieces.X] + ([pieces.box_X] if pieces.box_X is not None else [])
    scores = calibrated(_scores(predictor, np.concatenate(stacked), progress, cancel), fit)
    named, boxes = scores[:len(pieces.names)], scores[len(pieces.names):]
    task = coding.target.task
    labels = [str(v) for v in coding.target.labels]
    decide = _decider(rule, goal, labels)
    answer, score, effects, parts = _effects(task, labels, base, named, pieces, decide)
    ranked = tuple(sorted(parts, key=lambda p: -abs(p.effect) if task == "regression"
                          else -p.effect))
    heat, image, overlay = (), "", ""
    if pieces.boxes:
        box_effects = _effect_of(task, base, boxes, labels.index(answer) if labels else 0)
        height, width = coding.height, coding.width
        grid = heat_map(pieces.boxes, np.abs(box_effects) if task == "regression"
                        else box_effects, height, width)
        heat = tuple(tuple(round(float(v), DIGITS) for v in r) for r in grid)
        image = str(Path(coding.root) / str(one["file"].iloc[0]))
        if overlay_to is not None:
            try:
                largest = float(np.max(box_effects)) if len(box_effects) else 0.0
                strength = 1.0 if task == "regression" else strength_of(largest)
                overlay = str(overlay_png(image, grid, overlay_to, strength))
            except (OSError, ProjectError):  # the map still shows; the overlay is a bonus
                overlay = ""
    segments = _weighted(pieces, effects, task)
    why = WhyExample(run, label, int(row), explained_by, task, answer, float(score), truth,
                     ranked, (), heat, image, overlay, segments,
                     round(time.perf_counter() - started, 3), now_iso())
    return _with_lines(why)


def _scores(predictor: Predictor, X: np.ndarray, progress: ProgressFn,
            cancel: CancelFlag) -> np.ndarray:
    out = []
    for start in range(0, len(X), CHUNK):
        if cancel.is_set():
            raise JobCancelled()
        chunk = X[start:start + CHUNK]
        out.append(np.asarray(predictor.scores(chunk, pad_to=min(CHUNK, len(X))), dtype=float))
        progress(Progress(min(start + CHUNK, len(X)), len(X), text("why.progress")))
    if cancel.is_set():
        raise JobCancelled()
    if not out:
        return np.zeros((0,))
    return np.concatenate(out, axis=0)


def _effect_of(task: str, base: np.ndarray, scores: np.ndarray, k: int) -> np.ndarray:
    if len(scores) == 0:
        return np.zeros(0)
    if task == "regression":
        return float(np.ravel(base)[0]) - np.asarray(scores, dtype=float).reshape(-1)
    return float(base[k]) - np.asarray(scores, dtype=float)[:, k]


def _decider(rule: DecisionRule | None, goal: Goal | None, labels: list[str]):
    """The class index a row of probabilities is answered with: the most likely class, or
    for a yes/no task with a threshold, "yes" exactly where P(yes) >= the threshold."""
    threshold = rule.threshold if rule is not None else None
    pos = goal.positive_index if goal is not None else None
    if threshold is None or pos is None or len(labels) != 2:
        return lambda p: int(np.argmax(np.nan_to_num(p, nan=-1.0)))
    return lambda p: pos if float(p[pos]) >= float(threshold.value) else 1 - pos


def _effects(task: str, labels: list[str], base: np.ndarray, scores: np.ndarray,
             pieces: WhyInputs, decide):
    if task == "regression":
        value = float(np.ravel(base)[0])
        values = np.asarray(scores, dtype=float).reshape(-1)
        effects = _effect_of(task, base, scores, 0)
        parts = [WhyPart(n, p, float(e), _number(v), float(v))
                 for n, p, e, v in zip(pieces.names, pieces.parts, effects, values)]
        return _number(value), value, effects, parts
    k = decide(base)
    effects = _effect_of(task, base, scores, k)
    parts = [WhyPart(n, p, float(e), labels[decide(s)], float(s[k]))
             for n, p, e, s in zip(pieces.names, pieces.parts, effects, scores)]
    return labels[k], float(base[k]), effects, parts


def _weighted(pieces: WhyInputs, effects: np.ndarray,
              task: str) -> tuple[tuple[str, float], ...]:
    """The text's pieces with the effect of their word, scaled so the largest is 1."""
    if not pieces.segments:
        return ()
    by_word = dict(zip(pieces.names, np.abs(effects) if task == "regression" else effects))
    top = max([v for v in by_word.values() if np.isfinite(v)] + [0.0])
    return tuple((s, round(max(float(by_word.get(w, 0.0)), 0.0) / top, DIGITS)
                  if w and top > 0 else 0.0) for s, w in pieces.segments)


def _number(value: float) -> str:
    return f"{value:.4g}"


# ----- plain sentences
def _with_lines(why: WhyExample) -> WhyExample:
    return WhyExample(**{**why.__dict__, "lines": tuple(why_lines(why))})


def first_reason(why: WhyExample) -> str:
    """The one sentence about the input that moved the answer most (or that none did)."""
    lines = why_lines(why, top=1)
    return lines[2 if why.truth is not None and why.truth != why.answer else 1]


def why_lines(why: WhyExample, top: int = SHOWN) -> list[str]:
    """Plain sentences: the answer, then the inputs that moved it most, one each."""
    regression = why.task == "regression"
    if regression:
        lines = [text("why.intro_value", label=why.label, answer=why.answer)]
    else:
        lines = [text("why.intro_class", label=why.label, answer=why.answer,
                      score=why.score)]
    if why.truth is not None and why.truth != why.answer:
        lines.append(text("why.truth_value" if regression else "why.truth",
                          truth=_number(float(why.truth)) if regression else why.truth))
    moving = [p for p in why.parts if (abs(p.effect) if regression else p.effect) > 1e-3]
    against = [] if regression else [p for p in why.parts[::-1] if p.effect < -1e-3]
    if not moving and not against:
        lines.append(text("why.none"))
        return lines
    for p in moving[:top]:
        # text keys: why.name_column why.name_word why.name_channel why.name_window
        # text keys: why.name_area
        name = text(f"why.name_{p.part}", name=p.name)
        if regression:
            lines.append(text("why.line_value", name=name, before=why.answer,
                              after=p.answer_without))
        elif p.answer_without != why.answer:
            lines.append(text("why.line_flips", name=name, other=p.answer_without,
                              answer=why.answer, before=why.score, after=p.score_without))
        else:
            lines.append(text("why.line_same", name=name, answer=why.answer,
                              before=why.score, after=p.score_without))
    if against:
        names = [text(f"why.name_{p.part}", name=p.name) for p in against[:AGAINST]]
        joiner = " " + text("why.or") + " "
        lines.append(text("why.line_against", names=joiner.join(names),
                          answer=why.answer, before=why.score,
                          after=against[0].score_without))
    if why.heat:
        lines.append(text("why.map"))
    return lines
