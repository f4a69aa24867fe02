"""Predict a file and write the predictions as CSV: what the ``predict`` job and
``practica predict`` run.

The CSV is written atomically (all of it or, on a failure or a stop, nothing). The summary
that comes back is small plain data: counts, the threshold, remarks, and the first rows
already written as text for a table on screen, so nothing large crosses to the GUI. For a
sound model asked for ``pictures``, each first row also names its recording and the PNG of
its spectrogram (``engine.data.sound_picture``), for the GUI to show and play.

Use:
    summary = predict_to_csv("~/Practica/customers", "new.csv", "predictions.csv")
    summary.rows, summary.abstained
"""

from __future__ import annotations

import shutil
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from engine.core import atomic
from engine.core.errors import DataError
from engine.core.jobs import NEVER, CancelFlag, ProgressFn, StageStarted, ignore
from engine.data.sound_picture import spectrogram_png
from engine.kinds.sound import SOUND
from engine.use.prediction import (ABSTAIN, CONFIDENCE, PREDICTION, PROBABILITY, Predicted,
                               predict_new)
from engine.project.project import Project
from engine.words.formatting import dash, fmt_number, fmt_share
from engine.core.texts import text
from engine.use.usable_model import load_usable

PREVIEW_ROWS = 20
PREVIEW_INPUTS = 6  # input columns shown after the prediction columns
PREDICTIONS_DIR = "predictions"


@dataclass(frozen=True)
class PredictionSummary:
    """What a prediction wrote: where, how many rows, how many refused, and a preview.

    ``headers`` and ``preview`` are the first rows as text, the prediction columns first;
    ``clips`` (recordings only) holds, for each of those rows, the path of the recording
    and of its spectrogram's PNG ("" when it could not be drawn).
    """

    out: str
    rows: int
    run: str
    label: str
    task: str
    abstained: int = 0
    reject_on: bool = False
    threshold: float | None = None
    notes: tuple[str, ...] = ()
    headers: tuple[str, ...] = ()
    preview: tuple[tuple[str, ...], ...] = ()
    numeric: tuple[int, ...] = field(default=())
    decision_threshold: float | None = None
    calibration: str = ""
    clips: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["preview"] = [list(r) for r in self.preview]
        d["clips"] = [{"sound": sound, "picture": picture} for sound, picture in self.clips]
        for key in ("notes", "headers", "numeric"):
            d[key] = list(d[key])
        d["sentence"] = self.sentence()
        return d

    def sentence(self) -> str:
        """One plain paragraph: what was predicted, what was refused, the remarks."""
        words = text("use.done_one" if self.rows == 1 else "use.done", rows=f"{self.rows:,}",
                     label=self.label, out=self.out)
        if self.reject_on and self.threshold is not None:
            share = self.abstained / self.rows if self.rows else 0.0
            words += " " + text("use.done_abstained", count=f"{self.abstained:,}",
                                share=fmt_share(share), threshold=f"{self.threshold:.3g}")
        if self.decision_threshold is not None:
            words += " " + text("use.done_threshold", value=f"{self.decision_threshold:.3g}")
        if self.calibration:
            words += " " + text("use.done_calibrated", method=self.calibration)
        return " ".join([words, *self.notes])


def predict_to_csv(where: Project | str | Path, path: str | Path, out: str | Path,
                   run_id: str | None = None, progress: ProgressFn = ignore,
                   cancel: CancelFlag = NEVER,
                   pictures: str | Path | None = None) -> PredictionSummary:
    """Predict the rows of ``path`` and write them with their predictions to ``out``.

    For a sound model, ``pictures`` (a folder) receives the spectrograms of the first rows'
    recordings (the summary's ``clips``); None draws nothing.

    Raises:
        DataError: ``out`` is the new data file itself (it would be overwritten), or see
            ``engine.use.prediction.predict_file``.
    """
    if Path(out).expanduser().resolve() == Path(path).expanduser().resolve():
        raise DataError(text("use.out_is_input", name=Path(path).name))
    progress(StageStarted("load", text("use.stage_load")))
    usable = load_usable(where, run_id)
    predicted = predict_new(usable, path, progress, cancel)
    progress(StageStarted("write", text("use.stage_write")))
    write_predictions(predicted.frame, out)
    summary = summarize(predicted, out)
    if pictures is not None and predicted.usable.data_kind == SOUND.name:
        progress(StageStarted("pictures", text("use.stage_pictures")))
        summary = replace(summary, clips=clip_pictures(predicted, path, pictures))
    return summary


def clip_pictures(predicted: Predicted, path: str | Path, folder: str | Path,
                  n: int = PREVIEW_ROWS) -> tuple[tuple[str, str], ...]:
    """The recordings of the first ``n`` predicted rows of the folder (or file) ``path``
    and their spectrograms drawn into ``folder``: (recording, PNG or "") per row."""
    path = Path(path).expanduser()
    root = path if path.is_dir() else path.parent
    out = []
    for name in predicted.frame["file"].head(n):
        clip = root / str(name)
        picture = spectrogram_png(clip, folder)
        out.append((str(clip), str(picture) if picture is not None else ""))
    return tuple(out)


def write_predictions(frame: pd.DataFrame, out: str | Path) -> Path:
    """Write ``frame`` as CSV (UTF-8, no index) to ``out`` atomically."""
    out = Path(out).expanduser()
    with atomic.atomic_path(out, suffix=".csv") as tmp:
        frame.to_csv(tmp, index=False)
    return out


def copy_predictions(source: str | Path, target: str | Path) -> Path:
    """Save a copy of a predictions file somewhere else (atomically)."""
    target = Path(target).expanduser()
    if Path(source).resolve() == target.resolve():
        return target
    with atomic.atomic_path(target, suffix=".csv") as tmp:
        shutil.copyfile(source, tmp)
    return target


def default_output(project_root: str | Path, new_data: str | Path) -> Path:
    """Where the GUI writes the predictions of ``new_data``: the project's
    ``predictions/<name>-predictions.csv``."""
    stem = Path(new_data).stem or "new-data"
    return Path(project_root) / PREDICTIONS_DIR / f"{stem}-predictions.csv"


def summarize(predicted: Predicted, out: str | Path) -> PredictionSummary:
    """The summary of ``predicted`` written to ``out``, with its first rows as text."""
    usable = predicted.usable
    headers, rows, numeric = preview_table(predicted)
    return PredictionSummary(
        out=str(out), rows=predicted.rows, run=usable.run, label=usable.label,
        task=usable.task, abstained=predicted.abstained, reject_on=usable.reject_on,
        threshold=usable.threshold, notes=predicted.notes, headers=headers, preview=rows,
        numeric=numeric, **_rule_facts(usable))


def _rule_facts(usable) -> dict[str, Any]:
    """The decision threshold and the calibration the answers were made with."""
    rule = usable.decision
    if rule is None:
        return {}
    return {"decision_threshold": (rule.threshold.value if rule.threshold is not None
                                   and usable.task == "binary" else None),
            "calibration": rule.calibration.method if rule.calibration is not None else ""}


def preview_table(predicted: Predicted, n: int = PREVIEW_ROWS
                  ) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...], tuple[int, ...]]:
    """The first ``n`` rows as text: the prediction columns first, then a few input columns.

    Returns:
        (headers, rows, numeric column positions).
    """
    frame = predicted.frame.head(n)
    added = list(predicted.added)
    inputs = [c for c in frame.columns if c not in added][:PREVIEW_INPUTS]
    headers = tuple(str(c) for c in added + inputs)
    roles = {name: _role(name, predicted) for name in added}
    rows = tuple(tuple(_cell(frame[c].iloc[r], roles.get(c, "")) for c in added + inputs)
                 for r in range(len(frame)))
    numeric = tuple(i for i, c in enumerate(added + inputs)
                    if roles.get(c) in ("share", "value")
                    or (c in inputs and pd.api.types.is_numeric_dtype(frame[c])
                        and not pd.api.types.is_bool_dtype(frame[c])))
    return headers, rows, numeric


def _role(name: str, predicted: Predicted) -> str:
    """How a prediction column is shown: a share (confidence, probabilities), a yes/no
    (abstain), a value (a regression's prediction) or as it is (a class)."""
    base = name.split(" (Practica)")[0]
    if base == ABSTAIN:
        return "flag"
    if base == PREDICTION:
        return "value" if predicted.usable.task == "regression" else ""
    if base == CONFIDENCE or base.startswith(PROBABILITY.format(label="")):
        return "share"
    return ""


def _cell(value, role: str) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return dash()
    if role == "share":
        return f"{100 * float(value):.1f}%"
    if role == "flag":
        return text("use.refuses") if bool(value) else ""
    if role == "value":
        return f"{float(value):.4g}"
    if hasattr(value, "item"):
        value = value.item()
    return fmt_number(value)
