"""The ``>>>`` examples in the engine's docstrings run, and say what the code really does.

Only modules whose source holds a ``>>>`` line are imported, so modules that pull in
Keras at import time (and hold no examples) are not loaded here. A second test checks
that every ``>>>`` line in the engine is an example that doctest collects and runs:
none hidden in a plain string, none skipped.
"""

from __future__ import annotations

import doctest
import importlib
import re
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parents[2] / "engine"
PROMPT = re.compile(r"^\s*>>>", re.MULTILINE)
FLAGS = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ENGINE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules_with_prompts() -> dict[str, Path]:
    found = {}
    for path in sorted(ENGINE.rglob("*.py")):
        if PROMPT.search(path.read_text(encoding="utf-8")):
            found[_module_name(path)] = path
    return found


MODULES = _modules_with_prompts()


def _tests(name: str) -> list[doctest.DocTest]:
    module = importlib.import_module(name)
    return [t for t in doctest.DocTestFinder().find(module) if t.examples]


@pytest.mark.parametrize("name", sorted(MODULES))
def test_examples_run(name):
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    failed = attempted = 0
    for test in _tests(name):
        result = runner.run(test)
        failed += result.failed
        attempted += result.attempted
    assert attempted > 0
    assert failed == 0, f"{name}: {failed} of {attempted} examples failed"


def test_every_prompt_is_a_collected_example():
    assert len(MODULES) > 0
    for name, path in MODULES.items():
        lines = path.read_text(encoding="utf-8").splitlines()
        prompts = {i for i, line in enumerate(lines) if line.lstrip().startswith(">>>")}
        collected = set()
        for test in _tests(name):
            for example in test.examples:
                assert not example.options.get(doctest.SKIP), (
                    f"{path}:{test.lineno + example.lineno + 1} is skipped")
                collected.add(test.lineno + example.lineno)
        missed = sorted(i + 1 for i in prompts - collected)
        assert not missed, f"{path}: >>> lines not collected by doctest: {missed}"
