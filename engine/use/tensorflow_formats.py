"""An export's TensorFlow formats (SavedModel, ONNX, LiteRT) on every Keras backend.

Their converters take TensorFlow graphs only. On the TensorFlow backend the network is
written in this process (``engine.use.runtime_exports``). On JAX or PyTorch a child Python
process with ``KERAS_BACKEND=tensorflow`` loads the exported ``.keras`` file (the same
network: a Keras file holds no backend), writes the formats and checks each in its runtime
on the dev rows, exactly as in this process. TensorFlow is one of Practica's own
dependencies, so it is always there. The child names each stage on its standard output (a
line of JSON) and leaves its result in a JSON file; a stop asked for ends it at once.

Use:
    done = write_tensorflow_formats(model, folder / "model.keras", saved_target,
                                    {"onnx": folder / "model.onnx"}, rows, progress, cancel)
    done.saved, done.checks, done.failed
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from engine.core.backend import backend_name
from engine.core.errors import JobCancelled, ProjectError
from engine.core.jobs import CancelFlag, ProgressFn, StageStarted
from engine.core.texts import text
from engine.use.export_formats import SAVED_MODEL

POLL_S = 0.1  # how often a stop asked for is looked at while the child works


@dataclass(frozen=True)
class TensorFlowFormats:
    """What was written: the SavedModel or not (with a note why), the runtime formats'
    checks (``RuntimeCheck.to_dict`` with its ``format``) and those that failed, each with
    the plain reason."""

    saved: bool = False
    notes: tuple[str, ...] = ()
    checks: tuple[dict[str, Any], ...] = ()
    failed: dict[str, str] = field(default_factory=dict)


def write_tensorflow_formats(model, model_file: Path, saved_target: Path | None,
                             runtime: dict[str, Path], rows: Callable[[], np.ndarray],
                             progress: ProgressFn, cancel: CancelFlag) -> TensorFlowFormats:
    """Write the SavedModel into ``saved_target`` (None: not asked for) and each runtime
    format of ``runtime`` (format -> file), checked on ``rows()`` (the coded dev rows).

    ``model`` is the network in this process (used on the TensorFlow backend);
    ``model_file`` the same network's ``.keras`` file (read by the child elsewhere).

    Raises:
        JobCancelled: a stop was asked for.
        ProjectError: a file could not be written.
    """
    if saved_target is None and not runtime:
        return TensorFlowFormats()
    X = rows() if runtime else None

    def stage(fmt: str) -> None:
        if cancel.is_set():
            raise JobCancelled("export cancelled")
        # text keys: export_formats.stage_{onnx,litert}
        key = "use.stage_saved_model" if fmt == SAVED_MODEL else f"export_formats.stage_{fmt}"
        progress(StageStarted("saved_model" if fmt == SAVED_MODEL else fmt, text(key)))

    if backend_name() == "tensorflow":
        return _result(write_all(model, saved_target, runtime, X, stage))
    return _result(_in_child(model_file, saved_target, runtime, X, stage, cancel))


def write_all(model, saved_target: Path | None, runtime: dict[str, Path],
              X: np.ndarray | None, stage: Callable[[str], None]) -> dict[str, Any]:
    """Write and check every format asked for with ``model`` (TensorFlow backend); the
    answer is ``TensorFlowFormats``' fields as JSON."""
    # Imported here to keep TensorFlow and the runtimes out of start-up.
    from engine.use.runtime_exports import write_runtime_format, write_saved_model

    # A network TensorFlow or a converter cannot take loses that format only: a plain
    # note, and the rest of the export is kept. A folder that cannot be written stops all.
    saved, notes = False, []
    if saved_target is not None:
        stage(SAVED_MODEL)
        try:
            write_saved_model(model, saved_target)
            saved = True
        except ProjectError:
            raise
        except Exception as exc:  # noqa: BLE001
            notes.append(text("use.saved_model_failed", reason=_first_line(exc)))
    checks, failed = [], {}
    for fmt, path in runtime.items():
        stage(fmt)
        try:
            check = write_runtime_format(model, fmt, path, X)
        except ProjectError:
            raise
        except Exception as exc:  # noqa: BLE001
            path.unlink(missing_ok=True)
            failed[fmt] = text("export_formats.failed", reason=_first_line(exc))
            continue
        checks.append({"format": fmt, **check.to_dict()})
    return {"saved": saved, "notes": notes, "checks": checks, "failed": failed}


def _result(answer: dict[str, Any]) -> TensorFlowFormats:
    return TensorFlowFormats(bool(answer.get("saved")), tuple(answer.get("notes", ())),
                             tuple(answer.get("checks", ())), dict(answer.get("failed", {})))


def _first_line(exc: BaseException) -> str:
    words = str(exc).strip()
    return (words.splitlines()[0] if words else type(exc).__name__)[:200]


def _in_child(model_file: Path, saved_target: Path | None, runtime: dict[str, Path],
              X: np.ndarray | None, stage: Callable[[str], None],
              cancel: CancelFlag) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="practica-tf-export-") as work:
        work = Path(work)
        request = {"model": str(model_file),
                   "saved_model": None if saved_target is None else str(saved_target),
                   "runtime": {fmt: str(path) for fmt, path in runtime.items()},
                   "rows": None, "answer": str(work / "answer.json")}
        if X is not None:
            np.save(work / "rows.npy", X)
            request["rows"] = str(work / "rows.npy")
        (work / "request.json").write_text(json.dumps(request), encoding="utf-8")
        env = {**os.environ, "KERAS_BACKEND": "tensorflow"}
        with open(work / "stderr.txt", "wb") as errors:
            child = subprocess.Popen(child_command(work / "request.json"), env=env,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=errors, text=True, bufsize=1)
            try:
                _follow(child, stage, cancel)
            finally:
                if child.poll() is None:
                    child.kill()
                child.wait()
        answer_path = work / "answer.json"
        answer = json.loads(answer_path.read_text(encoding="utf-8")) \
            if answer_path.is_file() else None
        if answer is not None and answer.get("error"):
            raise ProjectError(str(answer["error"]))
        if child.returncode == 0 and answer is not None:
            return answer
        tail = (work / "stderr.txt").read_text(encoding="utf-8", errors="replace")
        reason = text("export_formats.child_failed", code=child.returncode,
                      last=(tail.strip().splitlines() or [""])[-1][:200])
    for path in runtime.values():
        path.unlink(missing_ok=True)
    return {"saved": False, "notes": [reason] if saved_target is not None else [],
            "checks": [], "failed": {fmt: reason for fmt in runtime}}


def _follow(child: subprocess.Popen, stage: Callable[[str], None], cancel: CancelFlag) -> None:
    """Pass the child's stages on until it ends; a stop kills it (``stage`` raises)."""
    with selectors.DefaultSelector() as watch:
        watch.register(child.stdout, selectors.EVENT_READ)
        while True:
            if cancel.is_set():
                raise JobCancelled("export cancelled")
            if not watch.select(POLL_S):
                continue
            line = child.stdout.readline()
            if not line:
                return
            try:
                said = json.loads(line)
            except ValueError:
                continue  # a library's own print
            if isinstance(said, dict) and "stage" in said:
                stage(str(said["stage"]))


def child_command(request: Path) -> list[str]:
    """The child's command line: this interpreter, Practica's own sources first."""
    root = str(Path(__file__).resolve().parents[2])
    code = (f"import sys; sys.path.insert(0, {root!r}); "
            "from engine.use.tensorflow_formats import child_main; "
            "sys.exit(child_main(sys.argv[1:]))")
    return [sys.executable, "-c", code, str(request)]


def child_main(argv: list[str]) -> int:
    """The child: load the model file on TensorFlow, write what ``argv[0]`` (the request)
    asks for, leave the answer in the request's ``answer`` file."""
    request = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    answer_path = Path(request["answer"])

    def stage(fmt: str) -> None:
        print(json.dumps({"stage": fmt}), flush=True)

    try:
        from engine.models.safe_model_load import load_keras_model

        model = load_keras_model(request["model"], outside=False)
        X = np.load(request["rows"], allow_pickle=False) if request.get("rows") else None
        saved = request.get("saved_model")
        answer = write_all(model, None if saved is None else Path(saved),
                           {fmt: Path(p) for fmt, p in request["runtime"].items()}, X, stage)
    except ProjectError as exc:
        answer = {"error": str(exc)}
    answer_path.write_text(json.dumps(answer), encoding="utf-8")
    return 0
