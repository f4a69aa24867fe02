"""Before the app starts on Linux: can Qt's X11 (XCB) platform plugin load?

Qt 6 needs a few X11 libraries that many desktops lack by default (Ubuntu 22.04 has no
``libxcb-cursor0``). Without them Qt stops with "Could not load the Qt platform plugin
xcb" and a list of plugin names that does not say what to install. So before the
application object exists, the plugin's own libraries are listed with ``ldd``; those it
cannot find are named with the Debian/Ubuntu packages that hold them, in one line.

Only checked where Qt would use XCB: on Linux, when ``QT_QPA_PLATFORM`` is unset or
``xcb`` and no Wayland session is running (Qt prefers Wayland there).

Example:
    >>> missing_libraries("\\tlibxcb-cursor.so.0 => not found\\n\\tlibc.so.6 => /lib/libc.so.6")
    ['libxcb-cursor.so.0']
    >>> packages_for(["libxcb-cursor.so.0", "libxcb-icccm.so.4"])
    ['libxcb-cursor0', 'libxcb-icccm4']
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from engine.core.texts import text

PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xinput.so.0": "libxcb-xinput0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb.so.1": "libxcb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libOpenGL.so.0": "libopengl0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
}
"""The Debian/Ubuntu package of each library Qt's XCB plugin may need."""

NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found", re.MULTILINE)
LDD_SECONDS = 10


def missing_libraries(ldd_output: str) -> list[str]:
    """The libraries ``ldd`` could not find, in order, each once."""
    return list(dict.fromkeys(NOT_FOUND.findall(ldd_output)))


def packages_for(libraries: list[str]) -> list[str]:
    """The packages to install for ``libraries`` (a library not in ``PACKAGES`` is named
    as it is: the user's package manager can search for it)."""
    return list(dict.fromkeys(PACKAGES.get(name, name) for name in libraries))


def uses_xcb(environ: dict[str, str] | None = None, platform: str | None = None) -> bool:
    """Whether Qt will try its XCB plugin here."""
    env = os.environ if environ is None else environ
    if (platform or sys.platform) != "linux":
        return False
    chosen = env.get("QT_QPA_PLATFORM", "").split(":")[0].split(";")[0].strip().lower()
    if chosen:
        return chosen == "xcb"
    return not env.get("WAYLAND_DISPLAY")


def xcb_plugin_files() -> list[Path]:
    """Qt's XCB plugin and the library it is built on, where PySide6 keeps them."""
    import PySide6

    qt = Path(PySide6.__file__).parent / "Qt"
    files = [qt / "plugins" / "platforms" / "libqxcb.so"]
    files += sorted((qt / "lib").glob("libQt6XcbQpa.so*"))[:1]
    return [f for f in files if f.is_file()]


def xcb_problem(environ: dict[str, str] | None = None) -> str | None:
    """One plain line naming the missing system packages, or None when the XCB plugin can
    load (or is not used, or cannot be checked here)."""
    if not uses_xcb(environ):
        return None
    ldd = shutil.which("ldd")
    files = xcb_plugin_files()
    if ldd is None or not files:
        return None
    missing: list[str] = []
    for path in files:
        try:
            done = subprocess.run([ldd, str(path)], capture_output=True, text=True,
                                  timeout=LDD_SECONDS, check=False)
        except (OSError, subprocess.SubprocessError):
            return None
        missing += missing_libraries(done.stdout)
    if not missing:
        return None
    libraries = list(dict.fromkeys(missing))
    packages = " ".join(packages_for(libraries))
    return text("gui.start.xcb_missing", libraries=", ".join(libraries), packages=packages)
