"""PySide6 6.12.0 on Python 3.11 leaks a reference to None (the app then aborts with
``none_dealloc`` after seconds of live plotting). Python >= 3.12 makes None immortal, which
hides the leak. This reproduces the measurement so a bad pair fails CI."""

import sys

import pytest

QtCore = pytest.importorskip("PySide6.QtCore")


def test_qrectf_set_height_does_not_leak_none():
    rect = QtCore.QRectF(0, 0, 1, 1)
    before = sys.getrefcount(None)
    for i in range(1000):
        rect.setHeight(float(i))
    after = sys.getrefcount(None)
    assert before - after < 100, (
        f"PySide6 {QtCore.qVersion()} on Python {sys.version.split()[0]} lost "
        f"{before - after} references to None: use Python >= 3.12 or another PySide6")


def test_known_bad_pair_is_not_installed():
    import PySide6

    assert not (sys.version_info < (3, 12) and PySide6.__version__ == "6.12.0"), (
        "PySide6 6.12.0 on Python 3.11 aborts during live plotting; see DESIGN.md")
