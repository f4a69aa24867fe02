"""The project's record: an append-only journal that ``project.json`` is rebuilt from.

``journal.jsonl`` holds one JSON line per entry, written once and never rewritten:

* ``set``: a part of the project (``goal``, ``split``, ``vault``, ``final_test``,
  ``chosen_run`` ...) took a new value; the last one wins, except that an opened vault never
  closes again and a final test is never taken back (``fold``);
* ``decision``: one entry of the decisions log.

Each line carries its number, its time, the hash of the line before it and its own hash
(SHA-256 over the rest), so a line that was edited, removed or put in another order breaks
the chain and ``read_journal`` reports it in plain words. ``project.json`` keeps the number
of entries and the last hash it was written from (``marker``): cutting lines off the end is
caught there. The journal guards against mistakes and casual edits; someone who rewrites the
whole chain and ``project.json`` together is not stopped, only a signature could do that.

A save appends only what changed since the journal's head that the saving program read
(``commit``); if the head moved in the meantime (another program saved), the save is
refused with ``ProjectChangedError`` instead of overwriting newer work.

Example:
    >>> first = make_entry(1, "set", "chosen_run", "r1", GENESIS, time="2026-01-01T00:00:00+00:00")
    >>> second = make_entry(2, "set", "chosen_run", None, first.hash, time="2026-01-01T00:00:00+00:00")
    >>> fold([first, second])["chosen_run"] is None
    True
"""

from __future__ import annotations

import contextlib
from collections import Counter
import hashlib
import json
import os
import time as _time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence

from engine.core.atomic import json_safe, write_problem
from engine.core.errors import ProjectChangedError, ProjectError
from engine.core.texts import text
from engine.project.decisions import now_iso
from engine.project.lock import lock_fd, unlock_fd

JOURNAL_FILE = "journal.jsonl"
GENESIS = "0" * 64
_KINDS = ("set", "decision")


@dataclass(frozen=True)
class Entry:
    """One line of the journal."""

    seq: int
    time: str
    kind: str
    key: str | None
    value: Any
    prev: str
    hash: str

    def body(self) -> dict[str, Any]:
        return {"seq": self.seq, "time": self.time, "kind": self.kind, "key": self.key,
                "value": self.value, "prev": self.prev}

    def line(self) -> str:
        return json.dumps({**self.body(), "hash": self.hash}, sort_keys=True,
                          ensure_ascii=False, separators=(",", ":")) + "\n"


def _digest(body: dict[str, Any]) -> str:
    raw = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def make_entry(seq: int, kind: str, key: str | None, value: Any, prev: str,
               time: str | None = None) -> Entry:
    """A new entry chained to ``prev`` (the hash of the entry before it)."""
    body = {"seq": seq, "time": time or now_iso(), "kind": kind, "key": key,
            "value": json_safe(value), "prev": prev}
    return Entry(hash=_digest(body), **body)


@dataclass(frozen=True)
class JournalRead:
    """What ``read_journal`` found: the entries it could read, in order, and any problem."""

    entries: tuple[Entry, ...] = ()
    problems: tuple[str, ...] = ()
    exists: bool = False
    torn_tail: bool = field(default=False, repr=False)

    @property
    def head(self) -> str | None:
        return self.entries[-1].hash if self.entries else None


def journal_path(root: Path) -> Path:
    return Path(root) / JOURNAL_FILE


def read_journal(root: str | os.PathLike) -> JournalRead:
    """Read and check the journal of the project in ``root`` (an absent one is empty).

    A last line cut short by a crash in the middle of a save was never part of the record
    and is left out silently; every other break is a problem.
    """
    path = journal_path(Path(root))
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return JournalRead()
    except OSError as exc:
        raise ProjectError(text("journal.unreadable", path=path, problem=exc)) from exc
    return _parse(raw)


def _parse(raw: bytes) -> JournalRead:
    lines = raw.split(b"\n")
    torn = False
    if lines and lines[-1] == b"":
        lines.pop()
    elif lines:
        torn = _entry(lines[-1]) is None
        if torn:
            lines.pop()
    entries: list[Entry] = []
    problems: list[str] = []
    prev = GENESIS
    for number, line in enumerate(lines, start=1):
        entry = _entry(line)
        after = entries[-1].time if entries else None
        if entry is None:
            problems.append(_altered(after, text("journal.line_unreadable", n=number)))
            continue
        if entry.hash != _digest(entry.body()):
            problems.append(_altered(after, text("journal.line_edited", n=number)))
        elif entry.prev != prev or entry.seq != len(entries) + 1:
            problems.append(_altered(after, text("journal.line_missing", n=number)))
        prev = entry.hash
        entries.append(entry)
    return JournalRead(tuple(entries), tuple(problems), exists=True, torn_tail=torn)


def _entry(line: bytes) -> Entry | None:
    try:
        d = json.loads(line.decode("utf-8"))
        entry = Entry(seq=int(d["seq"]), time=str(d["time"]), kind=str(d["kind"]),
                      key=d["key"] if d["key"] is None else str(d["key"]), value=d["value"],
                      prev=str(d["prev"]), hash=str(d["hash"]))
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, RecursionError):
        return None
    return entry if entry.kind in _KINDS else None


def _altered(after: str | None, what: str) -> str:
    if after is None:
        return text("journal.altered_start", what=what)
    return text("journal.altered", after=after, what=what)


def check_marker(read: JournalRead, marker: Any) -> list[str]:
    """Problems found by comparing the journal with the marker ``project.json`` keeps
    (``{"entries": n, "head": hash}`` of the journal it was written from)."""
    if not isinstance(marker, dict):
        return []
    try:
        count, head = int(marker.get("entries") or 0), str(marker.get("head") or "")
    except (TypeError, ValueError):
        return [text("journal.marker_damaged")]
    if count == 0:
        return []
    if not read.exists:
        return [text("journal.deleted", n=count)]
    if count > len(read.entries) or read.entries[count - 1].hash != head:
        last = read.entries[-1].time if read.entries else "-"
        return [text("journal.cut", n=count, found=len(read.entries), after=last)]
    return []


def fold(entries: Sequence[Entry]) -> dict[str, Any]:
    """The project's state that the entries describe: ``{part: value}`` plus
    ``"decisions"`` (a list). An opened vault stays open (its tests are kept) and a final
    test is never replaced by nothing, whatever a later entry says."""
    state: dict[str, Any] = {"decisions": []}
    for entry in entries:
        if entry.kind == "decision":
            state["decisions"].append(entry.value)
        elif entry.key == "vault":
            state["vault"] = merge_vault(state.get("vault"), entry.value)
        elif entry.key == "final_test" and entry.value is None and state.get("final_test"):
            continue
        elif entry.key is not None:
            state[entry.key] = entry.value
    return state


def merge_vault(old: Any, new: Any) -> Any:
    """A vault record that forgets nothing of ``old``: once opened it stays opened, and
    the test evaluations of both are kept (in order, each once)."""
    if not isinstance(old, dict) or not old.get("opened_at"):
        return new
    new = new if isinstance(new, dict) else {}
    # Each entry holds the whole list: what ``new`` adds is what it holds beyond ``old``,
    # counted (two identical evaluations made in the same second are two uses).
    unmatched = Counter(json.dumps(e, sort_keys=True) for e in old.get("evaluations") or [])
    extra = []
    for e in new.get("evaluations") or []:
        key = json.dumps(e, sort_keys=True)
        if unmatched[key]:
            unmatched[key] -= 1
        else:
            extra.append(e)
    return {**new, "opened_at": old["opened_at"], "reason": old.get("reason", ""),
            "evaluations": list(old.get("evaluations") or []) + extra}


def changes(known: dict[str, Any], state: dict[str, Any]) -> list[tuple[str, str | None, Any]]:
    """The entries (kind, key, value) that bring the folded ``known`` up to ``state`` (a
    ``project.json``-shaped dict): parts whose JSON differs, and decisions not yet kept."""
    out: list[tuple[str, str | None, Any]] = []
    state = json_safe(state)
    for key, value in state.items():
        if key == "decisions":
            continue
        if key not in known or not same_json(known[key], value):
            out.append(("set", key, value))
    kept = known.get("decisions", [])
    for decision in state.get("decisions", [])[len(kept):]:
        out.append(("decision", None, decision))
    return out


def same_json(a: Any, b: Any) -> bool:
    """Whether ``a`` and ``b`` are the same once written as JSON (key order aside)."""
    return (json.dumps(json_safe(a), sort_keys=True)
            == json.dumps(json_safe(b), sort_keys=True))


def commit(root: str | os.PathLike, expected_head: str | None,
           state: dict[str, Any]) -> tuple[JournalRead, dict[str, Any]]:
    """Append to the journal what ``state`` changes, if the journal's head is still
    ``expected_head`` (what the saving program read); else ``ProjectChangedError``.

    Returns the journal as it is now and the state it folds to. The lines are flushed and
    synced before this returns; nothing already in the journal is rewritten.
    """
    path = journal_path(Path(root))
    try:
        with open(path, "a+b") as fh, _locked(fh.fileno()):
            fh.seek(0)
            raw = fh.read()
            read = _parse(raw)
            if read.head != expected_head:
                raise ProjectChangedError(text("journal.changed_on_disk"))
            if read.torn_tail:  # a line cut short by a crash was never part of the record
                raw = raw[:raw.rfind(b"\n") + 1]
                fh.truncate(len(raw))
            entries = list(read.entries)
            prev = read.head or GENESIS
            for kind, key, value in changes(fold(read.entries), state):
                entries.append(make_entry(len(entries) + 1, kind, key, value, prev))
                prev = entries[-1].hash
            new = entries[len(read.entries):]
            if new:
                data = "".join(e.line() for e in new).encode("utf-8")
                if raw[-1:] not in (b"", b"\n"):
                    data = b"\n" + data  # a complete last line saved without its newline
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
    except OSError as exc:
        raise ProjectError(write_problem(path, exc)) from exc
    now = JournalRead(tuple(entries), read.problems, exists=True)
    return now, fold(entries)


@contextlib.contextmanager
def _locked(fd: int) -> Iterator[None]:
    """Hold the journal for one save; other savers wait (a save takes milliseconds)."""
    deadline = _time.monotonic() + 30.0
    while not lock_fd(fd):
        if _time.monotonic() > deadline:
            raise ProjectChangedError(text("journal.busy"))
        _time.sleep(0.01)
    try:
        yield
    finally:
        unlock_fd(fd)
