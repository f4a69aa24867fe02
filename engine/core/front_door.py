"""Front doors: a room's ``__init__`` names its public parts without importing them all.

A room lists, module by module, the names other rooms and the GUI may use. A module is
imported the first time one of its names is asked for (PEP 562), so opening the front door
of ``engine.models`` for a registry lookup does not load Keras, and the GUI process stays
light. Inside a room, modules import each other directly.

Example:
    >>> import types
    >>> room = types.ModuleType("room")
    >>> room.__getattr__, room.__dir__, room.__all__ = public_names(
    ...     "engine.core", {"errors": ("DataError",)})
    >>> room.DataError.__name__
    'DataError'
    >>> room.Missing
    Traceback (most recent call last):
    AttributeError: module 'engine.core' has no public name 'Missing'
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping


def public_names(package: str, exports: Mapping[str, tuple[str, ...]]
                 ) -> tuple[Callable[[str], object], Callable[[], list[str]], list[str]]:
    """``__getattr__``, ``__dir__`` and ``__all__`` for the front door of ``package``.

    Args:
        package: the room's dotted name (its ``__name__``).
        exports: module name inside the room -> the public names it holds.
    """
    where = {name: f"{package}.{module}" for module, names in exports.items() for name in names}

    def __getattr__(name: str) -> object:
        try:
            module = where[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no public name {name!r}") from None
        return getattr(importlib.import_module(module), name)

    def __dir__() -> list[str]:
        return sorted(where)

    return __getattr__, __dir__, sorted(where)
