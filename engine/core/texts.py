"""Plain-language texts for users, kept in ``resources/help/`` rather than in code.

``messages.toml`` holds short messages keyed by a dotted name; ``text()`` fills in
placeholders with ``str.format``. Long per-step help lives in ``resources/help/<step>.md``.
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
HELP_DIR = RESOURCES / "help"


@functools.cache
def _catalogue() -> dict[str, str]:
    flat: dict[str, str] = {}
    for path in sorted(HELP_DIR.glob("*.toml")):
        with open(path, "rb") as fh:
            _flatten(tomllib.load(fh), "", flat)
    return flat


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
        'The test set is locked in the vault ...'
    """
    try:
        template = _catalogue()[key]
    except KeyError:
        raise KeyError(f"no help text named {key!r} in {HELP_DIR}") from None
    return template.format(**values) if values else template


def step_help(step: str) -> str:
    """The "why this step" text of a wizard step (``resources/help/<step>.md``)."""
    return (HELP_DIR / f"{step}.md").read_text(encoding="utf-8")
