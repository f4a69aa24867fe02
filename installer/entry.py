"""The bundled app's entry point: the same as the ``practica`` console script."""

import multiprocessing
import os
import sys

from gui.launcher import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # the engine process is spawned from this executable
    if os.environ.get("PRACTICA_LAUNCH_PROBE"):  # installer/smoke.sh times the launch
        from launch_probe import probe  # beside this file

        sys.exit(probe())
    sys.exit(main())
