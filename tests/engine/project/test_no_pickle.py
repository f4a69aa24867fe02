"""No pickle and no code from data anywhere: in Practica's own source, and in what it writes.

The source check greps ``engine/``, ``gui/``, ``bench/`` and ``installer/`` for every way
Python runs code hidden in data (pickle and its relatives, ``np.load`` without
``allow_pickle=False``, ``torch.load`` without ``weights_only=True``, ``yaml.load``,
``marshal``, ``eval``/``exec``). ``pickle_files`` looks at every file of a folder for
pickle's signature, zips and ``.npy`` arrays included; ``test_vault_entry_points`` runs it
on the project it takes through every job and command (runs with their Keras models,
checkpoints and telemetry, the tuning journal, the final test's seed copies, reports,
predictions and an exported model), so what a project writes is checked there.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[3]
SOURCE_DIRS = ("engine", "gui", "bench", "installer")
FORBIDDEN = {
    "pickle": re.compile(r"\b(c?pickle|_pickle|dill|cloudpickle|joblib|shelve)\b"),
    "pandas pickle": re.compile(r"\b(read_pickle|to_pickle)\b"),
    "allow_pickle=True": re.compile(r"allow_pickle\s*=\s*True"),
    "marshal": re.compile(r"\bmarshal\s*\.\s*loads?\b"),
    "yaml.load": re.compile(r"\byaml\s*\.\s*(unsafe_)?load\s*\("),
    "eval/exec": re.compile(r"(?<![\w.])(eval|exec|execfile|compile)\("),
    "__import__": re.compile(r"\b__import__\s*\("),
}
CALLS_NEEDING = {  # call -> the keyword that makes it safe
    re.compile(r"\b(np|numpy)\s*\.\s*load\s*\("): re.compile(r"allow_pickle\s*=\s*False"),
    re.compile(r"\btorch\s*\.\s*load\s*\("): re.compile(r"weights_only\s*=\s*True"),
}
# Words a docstring may use to say the opposite ("never pickled", "Nothing is pickled").
HARMLESS = re.compile(r"(never|not|no|nothing is|without)\s+(be\s+)?pickl", re.I)
PICKLE_MAGIC = tuple(bytes([0x80, protocol]) for protocol in (2, 3, 4, 5))


def _source_files() -> list[Path]:
    files = [p for d in SOURCE_DIRS for p in (ROOT / d).rglob("*.py")
             if "__pycache__" not in p.parts]
    assert len(files) > 200
    return files


def _calls(source: str, start: int) -> str:
    """The text of the call that opens at ``start`` (up to its closing bracket)."""
    depth, i = 0, source.index("(", start)
    for j in range(i, len(source)):
        depth += {"(": 1, ")": -1}.get(source[j], 0)
        if depth == 0:
            return source[start:j + 1]
    return source[start:]


def forbidden_uses(path: Path) -> list[str]:
    """``path:line: what`` for each way ``path`` could run code from data."""
    found = []
    name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    source = path.read_text(encoding="utf-8")
    for number, line in enumerate(source.splitlines(), start=1):
        code = line.split("#", 1)[0]
        if HARMLESS.search(line):
            continue
        for what, pattern in FORBIDDEN.items():
            if pattern.search(code):
                found.append(f"{name}:{number}: {what}")
    for call, safe in CALLS_NEEDING.items():
        for match in call.finditer(source):
            if not safe.search(_calls(source, match.start())):
                number = source.count("\n", 0, match.start()) + 1
                found.append(f"{name}:{number}: {match.group(0)} unsafe")
    return found


def test_the_source_has_no_pickle_and_runs_no_code_from_data():
    found = [hit for path in _source_files() for hit in forbidden_uses(path)]
    assert found == []


def test_the_grep_finds_what_it_looks_for(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import pickle\nimport joblib\nx = np.load(p)\ny = np.load(p, "
                   "allow_pickle=True)\nz = torch.load(f)\neval(s)\nexec(code)\n"
                   "yaml.load(s)\ndf.to_pickle(p)\nmarshal.loads(b)\n"
                   "ok = np.load(p,\n   allow_pickle=False)\napp.exec()\nmodel.eval()\n")
    hits = forbidden_uses(bad)
    lines = sorted({int(h.split(":")[-2]) for h in hits})
    assert lines == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]


def pickle_files(folder: Path) -> list[str]:
    """Files (and members of zips) under ``folder`` that are pickles or hold pickled arrays."""
    found = []
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
        data = path.read_bytes()
        if data.startswith(PICKLE_MAGIC):
            found.append(str(path))
        if zipfile.is_zipfile(io.BytesIO(data)):
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                for info in zf.infolist():
                    member = zf.read(info)
                    if member.startswith(PICKLE_MAGIC) or _object_npy(member):
                        found.append(f"{path}:{info.filename}")
        elif path.suffix == ".npy" and _object_npy(data):
            found.append(str(path))
    return found


def _object_npy(data: bytes) -> bool:
    """Whether ``data`` is a ``.npy`` array of Python objects (numpy pickles those)."""
    if not data.startswith(b"\x93NUMPY"):
        return False
    header = data[:512].decode("latin-1")
    return "'descr': '|O'" in header or "'descr': 'O'" in header


def test_the_folder_scan_finds_pickles(tmp_path):
    import pickle as stdlib_pickle  # noqa: F401 - only to make the files the scan must find

    (tmp_path / "a.json").write_bytes(stdlib_pickle.dumps({"x": 1}, protocol=4))
    np.save(tmp_path / "b.npy", np.array([{"x": 1}], dtype=object), allow_pickle=True)
    with zipfile.ZipFile(tmp_path / "c.keras", "w") as zf:
        zf.writestr("model.weights.h5", stdlib_pickle.dumps([1], protocol=5))
    np.savez(tmp_path / "d.npz", w=np.zeros(3), o=np.array([None], dtype=object))
    np.savez(tmp_path / "e.npz", w=np.zeros(3))
    (tmp_path / "f.json").write_text(json.dumps({"clean": True}))
    found = pickle_files(tmp_path)
    assert [Path(f.split(":")[0]).name for f in found] == ["a.json", "b.npy", "c.keras",
                                                            "d.npz"]
