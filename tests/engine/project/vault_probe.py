"""Helpers of ``test_vault_entry_points``: find the engine's public entry points, watch which
of them run, and look for test-set data in what they return and write.

The test rows of the probe project carry a sentinel (``SENTINEL`` in their ``code``
column, an identifier column that is no input of the model), so a test row that escapes
is seen in any return value, printed line or written file; test row numbers are looked
for in row columns and row indexes; test metrics in files named for the test set and in
``test`` entries of returned dicts.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import io
import json
import pkgutil
import sys
import zipfile
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np
import pandas as pd

import engine

SENTINEL = "VAULTQ"
ROW_COLUMNS = ("row", "row_id", "file_row", "data_row")
# Parameters through which a function can reach a project's rows; ``y_main`` and
# ``y_target``: the labels of a data file, from which (with the seed) a split is rebuilt.
PROJECT_PARAMS = frozenset({"project", "project_dir", "project_root", "where", "root",
                            "folder", "spec", "budget", "study", "y_main", "y_target"})
# ``test`` entries that are counts or settings, not results.
COUNT_PARENTS = frozenset({"sizes", "fractions", "split_sizes", "counts", "rows_per_split",
                           "balance", "size"})


def entry_points() -> dict[str, Callable]:
    """``module.qualname`` -> function, for every public function and public method of a
    public class defined in ``engine`` (the CLI included)."""
    found: dict[str, Callable] = {}
    for info in pkgutil.walk_packages(engine.__path__, "engine."):
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != info.name:
                continue
            if inspect.isfunction(obj):
                found[f"{info.name}.{name}"] = obj
            elif inspect.isclass(obj):
                for attr, member in vars(obj).items():
                    if attr.startswith("_") and attr != "__init__":
                        continue
                    func = member.__func__ if isinstance(member, (classmethod, staticmethod)) \
                        else member
                    if isinstance(func, property):
                        func = func.fget
                    if inspect.isfunction(func):
                        found[f"{info.name}.{name}.{attr}"] = func
    return found


def reaches_projects(func: Callable) -> bool:
    """Whether ``func`` takes something that leads to a project's rows (a project, its
    folder, a training spec, a tuning budget or study, the labels a split is made of)."""
    try:
        params = inspect.signature(func).parameters
    except (TypeError, ValueError):
        return True
    return bool(PROJECT_PARAMS & set(params))


class CallRecorder:
    """Records which of the given functions run (``sys.monitoring``, only on their code)."""

    def __init__(self, functions: dict[str, Callable]) -> None:
        # Unwrapped: every @contextmanager shares contextlib's one wrapper code object, so
        # two public context managers would otherwise record under one name.
        self.names = {inspect.unwrap(f).__code__: name for name, f in functions.items()}
        self.called: set[str] = set()
        self.tool = -1

    def __enter__(self) -> "CallRecorder":
        mon = sys.monitoring
        # A free tool id (coverage or a profiler may hold some).
        self.tool = next(i for i in range(6) if mon.get_tool(i) is None)
        mon.use_tool_id(self.tool, "practica-vault-test")
        mon.register_callback(self.tool, mon.events.PY_START, self._start)
        for code in self.names:
            mon.set_local_events(self.tool, code, mon.events.PY_START)
        return self

    def _start(self, code, _offset):
        self.called.add(self.names[code])
        return sys.monitoring.DISABLE  # once is enough: no cost afterwards

    def __exit__(self, *_exc) -> None:
        mon = sys.monitoring
        for code in self.names:
            mon.set_local_events(self.tool, code, 0)
        mon.register_callback(self.tool, mon.events.PY_START, None)
        mon.free_tool_id(self.tool)


def plain(value: Any) -> Any:
    """``value`` as JSON-able data (frames, arrays, dataclasses, result objects)."""
    if isinstance(value, pd.DataFrame):
        return {"index": [str(i) for i in value.index], "columns": list(map(str, value.columns)),
                "data": value.astype(str).values.tolist()}
    if isinstance(value, pd.Series):
        return {"index": [str(i) for i in value.index], "data": value.astype(str).tolist()}
    if isinstance(value, np.ndarray):
        return value.tolist() if value.size < 100_000 else repr(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if hasattr(value, "to_dict") and callable(value.to_dict):
        try:
            return plain(value.to_dict())
        except Exception:  # noqa: BLE001 - only for looking at it
            return repr(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return repr(value)


def leaks(value: Any, test_rows: set[int]) -> list[str]:
    """What of the test set ``value`` holds: its rows' values, row numbers, or results."""
    found = []
    data = plain(value)
    if SENTINEL in json.dumps(data, default=str):
        found.append("a test row's values")
    for frame in _frames(value):
        index = frame.index
        if not isinstance(index, pd.RangeIndex) and index.dtype.kind in "iu" \
                and test_rows & set(int(i) for i in index):
            found.append("test row numbers (index)")
        for column in ROW_COLUMNS:
            if column in frame.columns and test_rows & set(_ints(frame[column])):
                found.append(f"test row numbers (column {column})")
    found += [f"a test result at {path}" for path in result_entries(data)]
    if any(_row_list(values, test_rows) for values in _int_lists(data)):
        found.append("a list of test row numbers")
    return found


def _int_lists(data: Any) -> Iterator[list]:
    if isinstance(data, list):
        if data and all(isinstance(v, int) and not isinstance(v, bool) for v in data):
            yield data
        for v in data:
            yield from _int_lists(v)
    elif isinstance(data, dict):
        for v in data.values():
            yield from _int_lists(v)


def _row_list(values: list, test_rows: set[int]) -> bool:
    """Whether ``values`` looks like test row numbers (five or more, mostly test rows)."""
    return len(values) >= 5 and sum(v in test_rows for v in values) >= 0.8 * len(values)


def _frames(value: Any) -> Iterator[pd.DataFrame]:
    if isinstance(value, pd.DataFrame):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _frames(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _frames(v)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _frames(getattr(value, f.name))


def _ints(values) -> list[int]:
    out = []
    for v in values:
        try:
            out.append(int(v))
        except (TypeError, ValueError):
            continue
    return out


def result_entries(data: Any, path: str = "") -> list[str]:
    """Paths of ``test`` entries that hold measured numbers (not counts or settings)."""
    found = []
    if isinstance(data, dict):
        for key, value in data.items():
            here = f"{path}.{key}"
            parent = path.rsplit(".", 1)[-1]
            if str(key).startswith("test") and parent not in COUNT_PARENTS \
                    and _has_floats(value):
                found.append(here)
            else:
                found += result_entries(value, here)
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += result_entries(value, f"{path}[{i}]")
    return found


def _has_floats(value: Any) -> bool:
    if isinstance(value, float):
        return value == value  # NaN means "not measured"
    if isinstance(value, dict):
        return any(_has_floats(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_floats(v) for v in value)
    return False


def folder_leaks(folder: Path, test_rows: set[int]) -> list[str]:
    """Files under ``folder`` that hold test rows, test row numbers or test results."""
    found = []
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
        name = path.relative_to(folder)
        data = path.read_bytes()
        words = _words(path, data)
        if SENTINEL in words:
            found.append(f"{name}: a test row's values")
        if path.suffix == ".csv":
            try:
                frame = pd.read_csv(io.BytesIO(data))
            except (ValueError, pd.errors.ParserError):
                continue
            if "test" in path.stem and len(frame):
                found.append(f"{name}: {len(frame)} rows about the test set")
            for column in ROW_COLUMNS:
                if column in frame.columns and test_rows & set(_ints(frame[column])):
                    found.append(f"{name}: test row numbers")
        if path.suffix == ".json" and path.name != "splits.json":  # splits.json: the vault's
            try:
                content = json.loads(data)
            except ValueError:
                continue
            found += [f"{name}: a test result at {p}" for p in result_entries(content)]
            if any(_row_list(values, test_rows) for values in _int_lists(content)):
                found.append(f"{name}: a list of test row numbers")
    return found


def _words(path: Path, data: bytes) -> str:
    if path.suffix == ".pdf":
        from pypdf import PdfReader

        return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    if zipfile.is_zipfile(io.BytesIO(data)):
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return " ".join(zf.read(i).decode("latin-1") for i in zf.infolist()
                            if i.file_size < 50 << 20)
    return data.decode("latin-1")
