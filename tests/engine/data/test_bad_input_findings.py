"""The checks added for malformed tables (engine/data/findings.py), on their edges; the corpus
itself goes through the CLI and the GUI in tests/test_cli_malformed.py and
tests/gui/test_malformed_inputs.py."""

import numpy as np
import pandas as pd

from engine.data.findings import check_frame


def by_code(findings):
    return {f.code: f for f in findings}


def test_one_column_of_numbers_is_refused_without_guessing_a_separator():
    found = check_frame(pd.DataFrame({"weight": np.arange(30) * 0.5}))
    assert found[0].code == "single_column" and found[0].severity == "blocker"
    assert "look separated by" not in found[0].fix
    assert "at least one to learn from" in found[0].fix


def test_the_separator_is_named_only_when_header_and_values_split_alike():
    rows = [f"{i}/{i * 2}/a" for i in range(30)]
    found = by_code(check_frame(pd.DataFrame({"x/y/label": rows})))
    assert "look separated by '/'" in found["single_column"].fix
    words = [f"note {i}" for i in range(30)]  # one space in values, none in the header
    found = by_code(check_frame(pd.DataFrame({"comment": words})))
    assert "look separated by" not in found["single_column"].fix


def test_a_very_long_column_name_is_cut_in_the_message():
    name = "a" * 10_000
    found = check_frame(pd.DataFrame({name: [1.0] * 30}))
    assert all(len(f.line) < 600 for f in found)
    assert found[0].column == name  # the finding still names the real column


def test_numbers_typed_as_text_are_flagged_only_when_nearly_all_are_numbers():
    mostly = ["?" if i % 10 == 0 else str(i) for i in range(60)]
    found = by_code(check_frame(pd.DataFrame({"x": mostly, "y": [1.5, 2.5] * 30})))
    assert found["numbers_as_text"].message.startswith(
        "Column 'x' holds numbers, but 6 of its values are not numbers (like '?').")
    half = ["n/k" if i % 3 == 0 else str(i) for i in range(60)]  # a third words: categories
    assert "numbers_as_text" not in by_code(check_frame(pd.DataFrame({"x": half,
                                                                       "y": [1.5] * 60})))
    flags = pd.Series([True, False] * 30)
    assert "numbers_as_text" not in by_code(check_frame(pd.DataFrame({"x": flags,
                                                                       "y": range(60)})))


def test_a_column_of_infinities_is_ignored_and_an_infinite_target_refused():
    frame = pd.DataFrame({"x": np.linspace(0, 1, 60), "big": [np.inf, -np.inf] * 30,
                          "y": np.linspace(2, 9, 60)})
    found = by_code(check_frame(frame, "y"))
    assert found["infinite_column"].column == "big" and "infinite_values" not in found
    frame.loc[3, "y"] = -np.inf
    found = check_frame(frame, "y")
    assert found[0].code == "target_infinite" and found[0].severity == "blocker"
    assert "has 1 infinite values" in found[0].message
