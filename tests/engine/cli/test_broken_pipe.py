"""``practica ... | head``: the reader closing the pipe early is not a crash."""

from __future__ import annotations

import subprocess
import sys


def test_a_closed_pipe_ends_the_command_quietly():
    proc = subprocess.Popen(
        [sys.executable, "-c", "from engine.cli.main import main; raise SystemExit(main())",
         "diagnose", "--train", "8", "--dev", "10", "--target-error", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # the reader is gone before the command writes a line
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert b"went wrong" not in err and b"Traceback" not in err
