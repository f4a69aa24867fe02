"""Plain-language texts for users, kept in ``resources/help/`` rather than in code.

Short messages live in ``resources/help/*.toml`` and are looked up by a dotted key such as
``vault.locked``; ``text()`` fills in placeholders with ``str.format``. Long per-step help
lives in ``resources/help/<step>.md`` (``step_help()``).

The file a key lives in follows from the key: every key in ``<name>.toml`` starts with
``<name>.``, and a key lives in the file with the longest such name. So ``vault.locked`` is
in ``vault.toml``, ``gui.tune.editor.title`` in ``gui.tune.toml`` and ``gui.menu.file`` in
``gui.toml`` (no ``gui.menu.toml`` exists). Loading the texts raises ``TextFileError`` for
a key in the wrong file. ``tests/engine/core/test_text_catalogue.py`` checks that every key
the code asks for exists and that every key is used.
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
HELP_DIR = RESOURCES / "help"


class TextFileError(ValueError):
    """A text file of ``resources/help/`` holds a key that belongs in another file."""


@functools.cache
def _catalogue() -> dict[str, str]:
    paths = sorted(HELP_DIR.glob("*.toml"))
    stems = {path.stem for path in paths}
    flat: dict[str, str] = {}
    for path in paths:
        with open(path, "rb") as fh:
            texts: dict[str, str] = {}
            _flatten(tomllib.load(fh), "", texts)
        for key in texts:
            home = _home(key, stems)
            if home != path.stem:
                raise TextFileError(
                    f"the text {key!r} is in {path.name} but belongs in {home}.toml: every key "
                    f"in <name>.toml starts with '<name>.', and a key lives in the file with "
                    f"the longest such name")
        flat.update(texts)
    return flat


def _home(key: str, stems: set[str]) -> str:
    """The name of the file ``key`` belongs in (the longest file name that prefixes it)."""
    parts = key.split(".")
    for n in range(len(parts) - 1, 0, -1):
        if ".".join(parts[:n]) in stems:
            return ".".join(parts[:n])
    return parts[0]


def _flatten(tree: dict, prefix: str, out: dict[str, str]) -> None:
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            _flatten(value, name + ".", out)
        else:
            out[name] = str(value).strip()


def text(key: str, **values: object) -> str:
    """Return the message ``key`` with ``values`` filled in.

    Example:
        >>> text("vault.locked")
        'The test set is locked in the vault, so {what} cannot be read yet. ...'
    """
    try:
        template = _catalogue()[key]
    except KeyError:
        raise KeyError(f"no help text named {key!r} in {HELP_DIR}") from None
    return template.format(**values) if values else template


def step_help(step: str) -> str:
    """The "why this step" text of a wizard step (``resources/help/<step>.md``)."""
    return (HELP_DIR / f"{step}.md").read_text(encoding="utf-8")
