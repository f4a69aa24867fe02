"""Timing the bundled app's launch, as bench/launch_time.py times it from the sources.

``installer/entry.py`` runs ``probe()`` instead of the app when the environment variable
``PRACTICA_LAUNCH_PROBE`` is set (installer/smoke.sh sets it): the window is shown and
painted, then the pages are opened and the Goal page's sample list is checked, and the two
moments are printed as Unix times on one line. Then every other page is shown once (they
load pyqtgraph) and Qt Multimedia, which plays a recording, lists the sound outputs (this
loads its FFmpeg plugin); the probe fails if either cannot load. Nothing else changes:
without the variable the bundle starts the app as usual.
"""

from __future__ import annotations

import sys
import time


def probe() -> int:
    """Show the window offscreen, make the Goal page usable, print the two moments, then
    show every page and load Qt Multimedia."""
    from gui.app import make_app

    app = make_app(sys.argv[:1])
    from gui.main_window import MainWindow

    window = MainWindow(build_pages=False)
    window.show()
    app.processEvents()
    window.grab()
    shown = time.time()
    window.open_pages()
    app.processEvents()
    window.grab()
    from engine.data import SAMPLES

    listed = window.pages["goal"].form.choice.sample_list.count()
    if listed != len(SAMPLES) or not listed:
        print(f"launch probe: {listed} samples listed of {len(SAMPLES)}", file=sys.stderr)
        return 1
    print(shown, time.time(), flush=True)
    from engine.app import STEPS

    for step in STEPS:
        window.show_step(step)
        app.processEvents()
    window.grab()
    from gui.pages.sound_player import has_output, multimedia

    module = multimedia()
    if module is None:
        print("launch probe: Qt Multimedia cannot load", file=sys.stderr)
        return 1
    has_output(module)
    return 0
