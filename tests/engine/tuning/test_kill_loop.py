"""kill -9 during training and tuning loses nothing: the kill loop (``bench.kill_loop``) with
20 kills, and the journal lock that a killed writer cannot leave held.

``make kill-loop`` runs the same loop with 200 kills.
"""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import threading
import time

from bench.kill_checks import Claims, phase_at_death, resumed_runs
from bench.kill_loop import run_kill_loop
from engine.tuning.journal_lock import JournalFlock

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def test_twenty_kills_during_training_and_tuning_lose_nothing(tmp_path, warm_parent):
    lines = []
    result = run_kill_loop(20, tmp_path, seed=8, report=lines.append, parent=warm_parent)
    print("\n".join(lines))
    assert (result.kills, result.train_kills, result.tune_kills) == (20, 10, 10), lines
    assert not result.problems, "\n".join(result.problems)
    assert not result.runs_lost and not result.trials_lost, lines
    # The checks had something to lose: runs and trials were finished between the kills.
    assert result.runs_finished >= 1 and result.trials_complete >= 1, lines
    assert sum(result.phases.values()) == 20


def test_the_loop_reads_where_a_child_died_and_what_it_had_saved():
    lines = ["B -", "G load", "G train", "S checkpoint-1.npz", "E checkpoint-1.npz",
             "S model.keras", "E model.keras", "S run.json", "E run.json",
             "R r1 finished", "S project.json", "E project.json", "D 7", "B r2", "G train",
             "J", "j", "T 3 complete r2", "T 4 pruned r3", "R r3 cancelled", "S checkpoint.json"]
    assert phase_at_death(lines) == "saving checkpoint.json"
    assert phase_at_death(lines[:6]) == "saving model file"
    assert phase_at_death(lines[:16]) == "writing the tuning journal"
    assert phase_at_death(lines[:3]) == "training"
    assert phase_at_death(lines[:13]) == "between runs"
    claims = Claims()
    claims.add(lines)
    assert (claims.runs, claims.trials, claims.decisions) == ({"r1"}, {3}, 7)
    assert resumed_runs(["B r2", "R r2 finished", "B -", "R r5 finished"]) == 1
    assert phase_at_death(["S run.json", "H run.json"]) == "saving run.json (half written)"


def _try_lock(path) -> bool:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)


def test_a_journal_writer_killed_holding_the_lock_does_not_block_the_next(tmp_path):
    journal = tmp_path / "study.journal"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time\n"
         "from engine.tuning.journal_lock import JournalFlock\n"
         "JournalFlock(sys.argv[1]).acquire()\n"
         "print('held', flush=True)\n"
         "time.sleep(60)\n", str(journal)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert not _try_lock(f"{journal}.flock")  # a real lock: others wait while it lives
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=10)
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
    lock = JournalFlock(journal)
    took = []

    def take_and_give_back():
        took.append(lock.acquire())
        took.append(time.monotonic())
        lock.release()

    worker = threading.Thread(target=take_and_give_back, daemon=True)
    started = time.monotonic()
    worker.start()
    worker.join(timeout=5)
    assert took[:1] == [True] and took[1] - started < 1.0
    assert _try_lock(f"{journal}.flock")
