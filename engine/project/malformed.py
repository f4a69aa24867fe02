"""Reading a project's own files: whatever a hand edit put there ends in one plain line.

``reading(path, entry)`` wraps the code that turns a parsed file (or one entry of it) into
Practica's types: a missing key, a text where a number belongs, a list where a record
belongs, ``1e400``, a list nested 100,000 deep all become one ``MalformedFileError`` that
names the file and the entry, instead of an internal error.

Example:
    >>> try:
    ...     with reading("p/project.json", "decisions"):
    ...         {"text": "x"}["kind"]
    ... except MalformedFileError as exc:
    ...     print(str(exc).split(", so")[0])
    p/project.json holds something Practica never writes (in 'decisions': 'kind' is missing)
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from engine.core.errors import MALFORMED, MalformedFileError
from engine.core.texts import text

MAX_PROBLEM_CHARS = 160


@contextlib.contextmanager
def reading(path: str | Path, entry: str | None = None) -> Iterator[None]:
    """Turn the errors of reading ``path`` (its ``entry``, if given) into one plain line."""
    try:
        yield
    except MALFORMED as exc:
        raise malformed(path, problem(exc), entry) from None


def malformed(path: str | Path, words: str, entry: str | None = None) -> MalformedFileError:
    """The error for ``path`` holding something Practica never writes."""
    if entry:
        words = text("project.malformed_in", entry=entry, problem=words)
    return MalformedFileError(text("project.malformed", path=path, problem=words))


def problem(exc: BaseException) -> str:
    """What went wrong, in a few words: a missing name, a wrong form, nesting too deep, or
    the first line of a bad value's message (it names the value)."""
    if isinstance(exc, RecursionError):
        return text("project.too_deep")
    if isinstance(exc, KeyError) and exc.args:
        return text("project.missing_key", name=exc.args[0])
    if isinstance(exc, (TypeError, AttributeError, IndexError)):  # Python's words, not ours
        return text("project.wrong_form")
    words = " ".join(str(exc).split()) or type(exc).__name__
    return words[:MAX_PROBLEM_CHARS]


def read_json(path: str | Path) -> Any:
    """The parsed JSON file at ``path``; a file that is not JSON (or is nested too deep) is
    a ``MalformedFileError``."""
    path = Path(path)
    with reading(path):
        return json.loads(path.read_text(encoding="utf-8"))
