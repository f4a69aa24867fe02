"""Every data kind Practica reads, by name: ``data_kind(name)`` gives the kind's object
(``engine.kinds.kind.DataKind``). A new kind is one module in this room and one line in
``_KINDS`` below.

Looking a kind up imports no heavy library: the kinds' methods import what they need.

Example:
    >>> DATA_KINDS
    ('table', 'images', 'text', 'sequence', 'sound')
    >>> data_kind("sequence").default_family
    'conv1d'
    >>> data_kind("video")
    Traceback (most recent call last):
    engine.kinds.registry.UnknownDataKind: unknown data kind 'video' (known: table, images, text, sequence, sound)
"""

from __future__ import annotations

from engine.kinds.images import IMAGES
from engine.kinds.kind import DataKind
from engine.kinds.sequence import SEQUENCE
from engine.kinds.sound import SOUND
from engine.kinds.table import TABLE
from engine.kinds.text import TEXT

_KINDS: dict[str, DataKind] = {kind.name: kind for kind in (TABLE, IMAGES, TEXT, SEQUENCE, SOUND)}

DATA_KINDS = tuple(_KINDS)


class UnknownDataKind(ValueError):
    """A data kind name that no kind module registers."""


def data_kind(name: str) -> DataKind:
    """The kind called ``name`` (``table``, ``images``, ``text``, ``sequence``, ``sound``).

    Raises:
        UnknownDataKind: no kind has that name.
    """
    try:
        return _KINDS[name]
    except (KeyError, TypeError):
        raise UnknownDataKind(f"unknown data kind {name!r} (known: {', '.join(_KINDS)})"
                              ) from None


def kind_of(project) -> DataKind:
    """The kind of ``project``'s examples (a table when its goal does not say)."""
    goal = project.goal
    return data_kind(str((goal.data_kind if goal is not None else None) or "table"))
