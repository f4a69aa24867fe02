"""Every engine module is imported by a test: it imports cleanly and says what it is for
(a module docstring). Modules exercised only through other modules (the CLI's commands, the
PDF's sections, the model builders) are at least loaded here."""

import importlib
import pkgutil

import pytest

import engine


def _modules() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages(engine.__path__, "engine."))


MODULES = _modules()


def test_the_walk_finds_the_rooms():
    rooms = {m.split(".")[1] for m in MODULES}
    assert {"core", "data", "project", "kinds", "split", "goal", "words", "models", "training",
            "baseline", "diagnosis", "decision", "tuning", "final", "use", "report", "app", "cli"} <= rooms
    assert len(MODULES) > 150


@pytest.mark.parametrize("name", MODULES)
def test_module_imports_and_has_a_docstring(name):
    module = importlib.import_module(name)
    assert (module.__doc__ or "").strip(), f"{name} has no module docstring"
