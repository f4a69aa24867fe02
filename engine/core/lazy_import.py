"""A module that is imported the first time one of its names is used.

For a heavy library a module uses in many places (scikit-learn's metric functions): the
module that holds a registry (names, labels, directions) stays cheap to import, so the GUI
process can read the registry without loading the library; the first computation loads it.

Example:
    >>> decimal = lazy_module("decimal")
    >>> decimal
    <lazy module 'decimal'>
    >>> str(decimal.Decimal("1.5") + 1)
    '2.5'
"""

from __future__ import annotations

import importlib
from types import ModuleType


class LazyModule:
    """Stands for the module ``name`` until an attribute is read, then imports it."""

    __slots__ = ("_name", "_module")

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attr: str) -> object:
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attr)

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}>"


def lazy_module(name: str) -> LazyModule:
    """The module ``name``, imported when one of its names is first used."""
    return LazyModule(name)
