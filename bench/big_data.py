"""Big data: a 1M-row x 20-column CSV read, checked and split the way the app does it,
next to a plain pandas read of the same file, with the peak memory of each.

The file (14 numbers, 2 whole numbers, 3 categories with a few gaps, a yes/no label) is
written once into a cache folder. Every phase runs in a fresh Python process, so its peak
resident memory (``ru_maxrss``, which sees pyarrow's and numpy's C allocations, unlike
tracemalloc) is its own; the interpreter's baseline (after the imports, before the phase)
is subtracted. Printed:

- plain read: ``pandas.read_csv(path, engine="pyarrow")``, its peak memory and the
  in-memory size of the data (``DataFrame.memory_usage(deep=True).sum()``);
- our load (``engine.data.tabular.read_table``, what the goal and data pages use), with the
  ratios load / plain read (target <= 1.5x) and load peak / in-memory size (target <= 3x);
- our checks (``engine.data.file_check`` + ``engine.goal.step.new_project``, which also
  writes the project's columnar copy of the file, ``engine.data.columnar_copy``) and our
  split (``engine.split.step.split_project``, which reads that copy), each against the
  plain read, and new + split against it (target <= 3x), with their peaks against the
  data in memory (target <= 2x).

Plain read and our load alternate (``--pairs`` of them, 3 by default) and the medians are
compared: this machine's noise is +-15-25%. Each step and phase also prints its processor
time (``time.process_time``: every thread of the process, pyarrow's included), which a
machine busy with other work changes far less than the wall time: compare runs on a busy
machine by it.

Run: ``python -m bench.big_data [--rows N] [--pairs P] [--cache DIR]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROWS = 1_000_000
COLUMNS = 20
LOAD_TARGET = 1.5
MEMORY_TARGET = 3.0
STEPS_TARGET = 3.0  # new project + split, against one plain read
STEPS_MEMORY_TARGET = 2.0  # the peak of each of them, against the data in memory


def write_table(path: Path, rows: int, seed: int = 0) -> None:
    """The benchmark's CSV: written with pyarrow (pandas' writer takes ~35 s for 1M rows)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pcsv

    rng = np.random.default_rng(seed)
    cols = {f"x{i}": np.round(rng.normal(size=rows) * 10.0 ** (i % 4), 4) for i in range(14)}
    cols["x3"][rng.random(rows) < 0.01] = np.nan  # a few gaps in one number column
    cols["count_a"] = rng.integers(0, 1000, size=rows)
    cols["count_b"] = rng.poisson(3, size=rows)
    city = rng.choice(np.array(["north", "south", "east", "west", "centre"]), size=rows)
    plan = rng.choice(np.array(["basic", "plus", "pro"]), size=rows)
    channel = rng.choice(np.array(["web", "shop", "phone", "partner"]), size=rows)
    score = cols["x0"] + 0.01 * cols["x1"] + (plan == "pro") + rng.normal(size=rows)
    label = np.where(score > 0.5, "yes", "no")
    arrays = {**cols, "city": pa.array(city, mask=rng.random(rows) < 0.005), "plan": plan,
              "channel": channel, "label": label}
    table = pa.table(arrays)
    tmp = path.with_suffix(".tmp")
    pcsv.write_csv(table, tmp, write_options=pcsv.WriteOptions(quoting_style="none"))
    os.replace(tmp, path)


def bench_file(rows: int, cache: Path) -> Path:
    """The cached benchmark file, written when missing."""
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"big_{rows}x{COLUMNS}.csv"
    if not path.is_file():
        started = time.perf_counter()
        write_table(path, rows)
        print(f"wrote {path} ({path.stat().st_size / 1e6:.0f} MB) in "
              f"{time.perf_counter() - started:.1f} s")
    return path


# ----- one phase, in a fresh process
def _peak_mb() -> float:
    """This process' peak resident memory in MB. On Linux from ``VmHWM``: ``ru_maxrss``
    keeps the high-water mark of the process that forked this one across ``exec``, so
    under ``make bench`` (a parent holding TensorFlow) every phase read +0 MB."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0  # kB
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def phase(name: str, path: str, work: str) -> dict:
    """Run phase ``name`` in this (fresh) process; its time and peak memory above baseline."""
    import pandas as pd  # noqa: F401  (imports belong to the baseline)
    import pyarrow.csv  # noqa: F401

    from engine.data.file_check import check_file  # noqa: F401
    from engine.goal.step import GoalChoice, new_project
    from engine.split.step import split_project
    from engine.data.tabular import read_table

    out: dict = {"phase": name}
    if name == "plain":
        base = _peak_mb()
        started, cpu = time.perf_counter(), time.process_time()
        frame = pd.read_csv(path, engine="pyarrow")
        out["seconds"] = time.perf_counter() - started
        out["cpu"] = time.process_time() - cpu
        out["peak_mb"] = _peak_mb() - base
        out["data_mb"] = float(frame.memory_usage(deep=True).sum()) / 2**20
        out["shape"] = list(frame.shape)
    elif name == "load":
        base = _peak_mb()
        started = time.perf_counter()
        frame = read_table(path).frame
        out["seconds"] = time.perf_counter() - started
        out["peak_mb"] = _peak_mb() - base
        out["data_mb"] = float(frame.memory_usage(deep=True).sum()) / 2**20
    elif name == "check":
        phases = _Phases()
        base = _peak_mb()
        started, cpu = time.perf_counter(), time.process_time()
        project = new_project(Path(work) / "project", GoalChoice(data=path, target="label"),
                              phases)
        out["seconds"] = time.perf_counter() - started
        out["cpu"] = time.process_time() - cpu
        out["peak_mb"] = _peak_mb() - base
        out["findings"] = [f"{f['severity']} {f['code']}" for f in project.findings]
        out["phases"] = phases.durations(started, cpu)
    elif name == "split":
        from engine.project.project import open_project

        project = open_project(Path(work) / "project")
        phases = _Phases()
        base = _peak_mb()
        started, cpu = time.perf_counter(), time.process_time()
        summary = split_project(project, progress=phases)
        out["seconds"] = time.perf_counter() - started
        out["cpu"] = time.process_time() - cpu
        out["peak_mb"] = _peak_mb() - base
        out["sizes"] = summary.sizes
        out["phases"] = phases.durations(started, cpu)
    return out


class _Phases:
    """The app's own progress events, timed: seconds (wall and processor) from one phase's
    first event to the next phase's (the text of a ``Progress`` names the phase)."""

    def __init__(self) -> None:
        self.marks: list[tuple[float, float, str]] = []

    def __call__(self, event) -> None:
        words = getattr(event, "text", "")
        if type(event).__name__ == "Progress" and (not self.marks
                                                   or self.marks[-1][2] != words):
            self.marks.append((time.perf_counter(), time.process_time(), words))

    def durations(self, started: float, cpu: float) -> list[tuple[str, float, float]]:
        ends = [(t, c) for t, c, _ in self.marks[1:]] + [(time.perf_counter(),
                                                          time.process_time())]
        out = [("(before the first event)", self.marks[0][0] - started,
                self.marks[0][1] - cpu)] if self.marks else []
        return out + [(words, end - t, end_cpu - c)
                      for (t, c, words), (end, end_cpu) in zip(self.marks, ends)]


def _run_phase(name: str, path: Path, work: Path) -> dict:
    code = ("import json, sys; from bench.big_data import phase; "
            "print('RESULT ' + json.dumps(phase(sys.argv[1], sys.argv[2], sys.argv[3])))")
    root = Path(__file__).resolve().parent.parent
    done = subprocess.run([sys.executable, "-c", code, name, str(path), str(work)],
                          cwd=root, capture_output=True, text=True, check=False)
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    raise RuntimeError(f"phase {name} failed:\n{done.stdout}\n{done.stderr}")


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(prog="python -m bench.big_data")
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--cache", default=os.path.join(tempfile.gettempdir(),
                                                        "practica-bench"))
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    path = bench_file(args.rows, Path(args.cache))
    print(f"big data: {path.name}, {path.stat().st_size / 1e6:.0f} MB")
    plain, load = [], []
    for _ in range(max(1, args.pairs)):
        plain.append(_run_phase("plain", path, path.parent))
        load.append(_run_phase("load", path, path.parent))
    with tempfile.TemporaryDirectory(prefix="practica-bench-") as work:
        check = _run_phase("check", path, Path(work))
        split = _run_phase("split", path, Path(work))

    t_plain = statistics.median(r["seconds"] for r in plain)
    t_load = statistics.median(r["seconds"] for r in load)
    data_mb = plain[0]["data_mb"]
    m_plain = statistics.median(r["peak_mb"] for r in plain)
    m_load = statistics.median(r["peak_mb"] for r in load)
    rows, cols = plain[0]["shape"]
    result = {"rows": rows, "columns": cols, "file_mb": path.stat().st_size / 1e6,
              "data_mb": data_mb, "plain_s": t_plain, "load_s": t_load,
              "load_ratio": t_load / t_plain, "plain_peak_mb": m_plain,
              "load_peak_mb": m_load, "load_memory_ratio": m_load / data_mb,
              "check_s": check["seconds"], "check_peak_mb": check["peak_mb"],
              "split_s": split["seconds"], "split_peak_mb": split["peak_mb"],
              "plain_cpu_s": statistics.median(r["cpu"] for r in plain),
              "check_cpu_s": check["cpu"], "split_cpu_s": split["cpu"]}
    print(f"  {rows:,} rows x {cols} columns; in memory {data_mb:.0f} MB "
          f"(memory_usage(deep=True))")
    print(f"  plain pandas read (pyarrow) {t_plain:5.2f} s  "
          f"[{', '.join(f'{r['seconds']:.2f}' for r in plain)}]  peak +{m_plain:.0f} MB  "
          f"(CPU {statistics.median(r['cpu'] for r in plain):.2f} s, its threads included)")
    print(f"  our load (read_table)       {t_load:5.2f} s  "
          f"[{', '.join(f'{r['seconds']:.2f}' for r in load)}]  peak +{m_load:.0f} MB")
    print(f"  load / plain read: {result['load_ratio']:.2f}x (target <= {LOAD_TARGET}x); "
          f"load peak / data: {result['load_memory_ratio']:.2f}x (target <= {MEMORY_TARGET}x)")
    steps = check["seconds"] + split["seconds"]
    peak = max(check["peak_mb"], split["peak_mb"])
    result.update({"steps_ratio": steps / t_plain, "steps_memory_ratio": peak / data_mb})
    print(f"  new project (read + checks + copy + save) {check['seconds']:5.2f} s "
          f"= {check['seconds'] / t_plain:.2f}x the read  peak +{check['peak_mb']:.0f} MB "
          f"({check['peak_mb'] / data_mb:.2f}x data)  (CPU {check['cpu']:.2f} s)")
    print(f"  split (copy, keys, split, checks, preprocessing, save) {split['seconds']:5.2f} s "
          f"= {split['seconds'] / t_plain:.2f}x the read  peak +{split['peak_mb']:.0f} MB "
          f"({split['peak_mb'] / data_mb:.2f}x data)  (CPU {split['cpu']:.2f} s)")
    fast = "met" if result["steps_ratio"] <= STEPS_TARGET else "NOT met"
    small = "met" if result["steps_memory_ratio"] <= STEPS_MEMORY_TARGET else "NOT met"
    print(f"  new + split: {steps:.2f} s = {result['steps_ratio']:.2f}x one plain read "
          f"(target <= {STEPS_TARGET}x: {fast}); peak {result['steps_memory_ratio']:.2f}x "
          f"the data (target <= {STEPS_MEMORY_TARGET}x: {small}); "
          f"CPU {check['cpu'] + split['cpu']:.2f} s")
    for label, part in (("new project", check), ("split", split)):
        shown = ", ".join(f"{words} {seconds:.2f} s (CPU {cpu:.2f})"
                          for words, seconds, cpu in part["phases"] if seconds >= 0.05)
        print(f"    {label} phases: {shown}")
    print(f"  findings: {', '.join(check['findings']) or 'none'}; sizes {split['sizes']}")
    return result


if __name__ == "__main__":
    main()
