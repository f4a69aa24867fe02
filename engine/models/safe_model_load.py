"""Load a Keras model file only after ``engine.models.safe_model_check`` passed it.

Every load works on a private copy (``engine.models.model_unpack``): the file is copied into
a new folder only this user can open, the copy is checked, unpacked there within limits on
its members and its total size, and Keras loads exactly that unpacked copy, with
``safe_mode=True``; the original path is never read again, so swapping the file after the
check changes nothing. A model file from outside the project (an export folder given to
``practica predict``, a transfer-learning source, any file the user picks) is checked in a
throw-away process: a fresh interpreter started in an empty temporary folder, told only the
copy's path, that may not write a single byte (``RLIMIT_FSIZE`` 0) nor use much memory or
time, and that reads the file as plain data without loading it (about 0.1 s). A project's own
model files (written by Practica) are checked in this process, which costs a few milliseconds.
A file Keras itself cannot load is refused in one plain line too (``ModelUnreadableError``).

Use:
    model = load_keras_model("export/model.keras", outside=True)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from engine.core.errors import ProjectError
from engine.models.model_unpack import private_model
from engine.models.safe_model_check import UnsafeModelError, check_model_file
from engine.core.texts import text
from engine.core.backend import import_keras

CHECK_TIMEOUT_S = 60.0
CHILD_MEMORY_BYTES = 1 << 30  # on top of what the interpreter has mapped at the start
CHILD_CPU_S = 60
REFUSED = 3  # the child's exit code when the file was refused


class ModelUnreadableError(ProjectError):
    """A model file passed the check but Keras could not build or fill the model from it."""


def load_keras_model(path: str | Path, *, outside: bool) -> Any:
    """The model at ``path``, loaded with Keras' safe mode from a checked private copy.

    Args:
        path: a ``.keras`` file.
        outside: True for a file that did not come from this project's own runs; it is
            checked in a throw-away process first.

    Raises:
        UnsafeModelError: the file was refused (one plain line says why).
        ModelUnreadableError: Keras could not load the checked copy (one plain line).
    """
    path = Path(path)
    with private_model(path, check=check_in_child if outside else check_model_file) as copy:
        return _load(copy, path.name)


def _load(folder: Path, name: str) -> Any:
    keras = import_keras()
    import engine.models.augmentation  # noqa: F401  (registers Practica's own layers)

    try:
        return keras.saving.load_model(folder, compile=False, safe_mode=True)
    except MemoryError:
        raise
    except Exception as exc:  # noqa: BLE001 - damaged weights, unknown layers, wrong shapes
        raise ModelUnreadableError(text("model_check.unloadable", name=name,
                                        problem=_first_line(exc))) from exc


def _first_line(exc: BaseException) -> str:
    words = " ".join(str(exc).split())
    return (words[:300] + "...") if len(words) > 300 else (words or type(exc).__name__)


def child_command(path: Path) -> list[str]:
    """The throw-away checker's command line (the installed app calls itself)."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "inspect-model", str(path)]
    root = str(Path(__file__).resolve().parents[2])
    code = (f"import sys; sys.path.insert(0, {root!r}); "
            "from engine.models.safe_model_load import child_main; "
            "sys.exit(child_main(sys.argv[1:]))")
    return [sys.executable, "-I", "-S", "-c", code, str(path)]


def check_in_child(path: str | Path, timeout: float = CHECK_TIMEOUT_S) -> None:
    """Run ``check_model_file`` on ``path`` in a throw-away process.

    Raises:
        UnsafeModelError: the file was refused, or the check crashed or took too long.
    """
    path = Path(path).expanduser().resolve()
    name = path.name
    with tempfile.TemporaryDirectory(prefix="practica-check-") as empty:
        env = dict(os.environ) if getattr(sys, "frozen", False) else \
            {"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8"}
        try:
            done = subprocess.run(child_command(path), cwd=empty, env=env,
                                  stdin=subprocess.DEVNULL, capture_output=True,
                                  timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise UnsafeModelError(text("model_check.child_failed", name=name,
                                        problem=text("model_check.too_slow"))) from None
        except OSError as exc:
            raise UnsafeModelError(text("model_check.child_failed", name=name,
                                        problem=exc.strerror or exc)) from exc
    answer = _answer(done.stdout)
    if done.returncode == 0 and answer.get("ok") is True:
        return
    if done.returncode == REFUSED and answer.get("message"):
        raise UnsafeModelError(str(answer["message"]))
    problem = text("model_check.child_exit", code=done.returncode)
    raise UnsafeModelError(text("model_check.child_failed", name=name, problem=problem))


def _answer(stdout: bytes) -> dict:
    lines = stdout.decode("utf-8", "replace").strip().splitlines()
    try:
        answer = json.loads(lines[-1]) if lines else {}
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


def restrict_child() -> None:
    """Forbid this process to write files and cap its memory and CPU time (where the
    system allows it; Windows has no such limits and relies on the empty folder)."""
    try:
        import resource
        import signal
    except ImportError:  # pragma: no cover - Windows
        return
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write fails instead of killing
    limits = [(resource.RLIMIT_FSIZE, 0), (resource.RLIMIT_CPU, CHILD_CPU_S),
              (resource.RLIMIT_CORE, 0)]
    used = _address_space()
    if used is not None:  # room for the check on top of what is already mapped
        limits.append((resource.RLIMIT_AS, used + CHILD_MEMORY_BYTES))
    for limit, value in limits:
        try:
            resource.setrlimit(limit, (value, value))
        except (ValueError, OSError):  # e.g. a hard limit already lower
            pass


def _address_space() -> int | None:
    """This process's mapped memory in bytes (Linux), None where it cannot be read."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            pages = int(fh.read().split()[0])
        return pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def child_main(argv: list[str]) -> int:
    """The throw-away process: check one file, print one JSON line, exit 0 or ``REFUSED``."""
    restrict_child()
    if len(argv) != 1:
        print(json.dumps({"ok": False, "message": "usage: inspect-model FILE"}))
        return 2
    try:
        check_model_file(argv[0])
    except UnsafeModelError as exc:
        print(json.dumps({"ok": False, "message": " ".join(str(exc).split())}))
        return REFUSED
    print(json.dumps({"ok": True}))
    return 0
