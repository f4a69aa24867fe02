"""FrameModel: cells read on demand, formatted for people, fast on large frames."""

import time

import numpy as np
import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView

from gui.frame_model import FrameModel, fit_columns, format_cell


def test_cells_headers_and_formatting(qtbot):
    frame = pd.DataFrame({"size": [1.5, np.nan, 123456789.0, 1 / 3],
                          "kind": ["a", None, "c", "d"],
                          "count": [1, 2, 3, 4],
                          "flag": [True, False, True, False],
                       "score": pd.array([1, None, 3, 4], dtype="Int64"),
                       "name": pd.array(["x", None, "z", "w"], dtype="string")})
    model = FrameModel(frame)
    assert (model.rowCount(), model.columnCount()) == (4, 6)
    cell = lambda r, c: model.data(model.index(r, c))  # noqa: E731
    assert cell(0, 0) == "1.5"
    assert cell(1, 0) == ""          # NaN shows as an empty cell
    assert cell(2, 0) == "1.23457e+08"
    assert cell(3, 0) == "0.333333"
    assert cell(1, 1) == ""          # None too
    assert cell(2, 1) == "c"
    assert cell(3, 2) == "4"
    assert cell(0, 3) == "yes" and cell(1, 3) == "no"
    assert cell(0, 4) == "1" and cell(1, 4) == ""   # a missing whole number
    assert cell(2, 5) == "z" and cell(1, 5) == ""   # a missing text
    assert model.headerData(1, Qt.Horizontal) == "kind"
    assert model.headerData(0, Qt.Vertical) == "1"
    assert model.data(model.index(0, 0), Qt.TextAlignmentRole) & Qt.AlignRight
    assert model.data(model.index(0, 1), Qt.TextAlignmentRole) & Qt.AlignLeft
    assert model.data(model.index(0, 3), Qt.TextAlignmentRole) & Qt.AlignLeft
    assert model.data(model.index(0, 0), Qt.BackgroundRole) is None
    assert model.data(model.index(9, 0)) is None  # outside the frame: nothing, no crash


def test_the_frame_is_not_copied_or_changed(qtbot):
    frame = pd.DataFrame({"x": [1.0, 2.0]})
    model = FrameModel(frame)
    assert model.frame is frame
    model.data(model.index(0, 0))
    assert frame["x"].tolist() == [1.0, 2.0]


def test_format_cell():
    assert format_cell(float("nan")) == ""
    assert format_cell(pd.NA) == ""
    assert format_cell(None) == ""
    assert format_cell(np.float32(2.5)) == "2.5"
    assert format_cell(0.1 + 0.2) == "0.3"
    assert format_cell("text") == "text"


def test_a_large_frame_opens_fast(qtbot):
    rng = np.random.default_rng(0)
    n = 100_000
    frame = pd.DataFrame({f"x{i}": rng.normal(size=n) for i in range(20)})
    frame["label"] = np.where(rng.random(n) > 0.5, "yes", "no")
    frame.loc[::7, "x3"] = np.nan
    start = time.perf_counter()
    model = FrameModel(frame)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(900, 500)
    view.show()
    qtbot.waitExposed(view)
    view.scrollToBottom()
    fit_columns(view)
    view.grab()
    elapsed = time.perf_counter() - start
    assert model.rowCount() == n
    assert elapsed < 0.5, f"building a 100,000-row preview took {elapsed:.2f} s"
    last = model.index(n - 1, 0)
    assert model.data(last) == f"{frame.iat[n - 1, 0]:.6g}"


def test_columns_fit_their_names(qtbot):
    frame = pd.DataFrame({"a rather long column name": [1.0], "x": ["short"]})
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(FrameModel(frame))
    fit_columns(view)
    name_width = view.horizontalHeader().fontMetrics().horizontalAdvance(
        "a rather long column name")
    assert view.columnWidth(0) > name_width
    assert 60 <= view.columnWidth(1) < view.columnWidth(0)
