"""Before the window opens on Linux: a missing X11 library gives one line naming the
package to install and exit code 2, instead of Qt's plugin error."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gui.platform_check import (missing_libraries, packages_for, uses_xcb, xcb_plugin_files,
                                xcb_problem)

LDD_SAMPLE = """\
\tlinux-vdso.so.1 (0x00007ffd)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007f)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibxcb-cursor.so.0 => not found
\tlibxcb-icccm.so.4 => not found
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f)
"""


def test_missing_libraries_are_read_from_ldd_and_named_by_package():
    found = missing_libraries(LDD_SAMPLE)
    assert found == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxcb-cursor.so.0"]
    assert packages_for(found) == ["libxcb-icccm4", "libxcb-keysyms1", "libxcb-cursor0"]
    assert packages_for(["libunknown.so.3"]) == ["libunknown.so.3"]


def test_only_linux_with_xcb_is_checked():
    assert uses_xcb({"DISPLAY": ":0"}, "linux")
    assert uses_xcb({"QT_QPA_PLATFORM": "xcb"}, "linux")
    assert not uses_xcb({"QT_QPA_PLATFORM": "offscreen:configfile=x.json"}, "linux")
    assert not uses_xcb({"WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert not uses_xcb({}, "darwin") and not uses_xcb({}, "win32")
    assert xcb_problem({"QT_QPA_PLATFORM": "offscreen"}) is None


def test_the_real_plugin_is_found_and_read():
    """On this machine: the line lists exactly what ldd cannot find for Qt's plugin."""
    files = xcb_plugin_files()
    assert files and files[0].name == "libqxcb.so"
    missing = []
    for path in files:
        out = subprocess.run(["ldd", str(path)], capture_output=True, text=True).stdout
        missing += missing_libraries(out)
    problem = xcb_problem({"QT_QPA_PLATFORM": "xcb"})
    if missing:
        assert problem is not None and all(name in problem for name in missing)
    else:
        assert problem is None


@pytest.fixture
def plugin_missing_a_library(tmp_path):
    """A real shared library built against another one that is then deleted."""
    cc = shutil.which("gcc") or shutil.which("cc")
    assert cc, "a C compiler is part of this project's build machine"
    (tmp_path / "gone.c").write_text("int practica_gone(void) { return 1; }\n")
    (tmp_path / "plugin.c").write_text(
        "int practica_gone(void);\nint plugin(void) { return practica_gone(); }\n")
    subprocess.run([cc, "-shared", "-fPIC", "-o", str(tmp_path / "libpracticagone.so.1"),
                    "-Wl,-soname,libpracticagone.so.1", str(tmp_path / "gone.c")], check=True)
    subprocess.run([cc, "-shared", "-fPIC", "-o", str(tmp_path / "libqxcb.so"),
                    str(tmp_path / "plugin.c"), f"-L{tmp_path}", "-l:libpracticagone.so.1"],
                   check=True)
    (tmp_path / "libpracticagone.so.1").unlink()
    return tmp_path / "libqxcb.so"


def test_the_app_stops_with_one_line_when_the_plugin_cannot_load(plugin_missing_a_library):
    code = ("import sys; import gui.platform_check as c; "
            f"c.xcb_plugin_files = lambda: [c.Path({str(plugin_missing_a_library)!r})]; "
            "from gui.app import main; sys.exit(main())")
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "DISPLAY": ":99"}
    env.pop("WAYLAND_DISPLAY", None)
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=120, cwd=Path(__file__).parents[2])
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("practica: ")
    assert "libpracticagone.so.1" in lines[0] and "sudo apt install" in lines[0]
    assert "Could not load the Qt platform plugin" not in done.stderr
