"""The ``practica`` console script: with a command it runs the CLI, without one the app.

Qt is imported only when the desktop app starts, so CLI commands never load it.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        from gui.app import main as app_main

        return app_main()
    from engine.cli.main import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    raise SystemExit(main())
