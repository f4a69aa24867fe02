"""The bundled app's entry point: the same as the ``practica`` console script."""

import multiprocessing
import sys

from gui.launcher import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # the engine process is spawned from this executable
    sys.exit(main())
