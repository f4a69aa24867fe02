"""The telemetry bench on the GPU: the app's fit against a bare ``model.fit`` on the same GPU.

Without a GPU it prints what trains and ``no GPU: skipped`` (exit 0). With one it prints
the device facts Practica sees (``engine.core.device``), then, on the GPU:

* **overhead** (``bench.telemetry_overhead``'s method: four variants interleaved in rounds,
  the first epoch of each fit left out, median of the paired throughput ratios app/bare),
  on workloads sized for a GPU (batches of 256, wider layers, more rows), in 32-bit and
  under mixed precision; target full telemetry >= 0.95x bare;
* **mixed precision**: bare rows per second under ``mixed_float16`` against 32-bit;
* **batch suggestion**: what ``batch_size=auto`` picks from the free memory for each
  workload's model (``engine.training.device_setup.auto_batch_size``).

``bash bench/gpu_check.sh`` runs it with the tests of the device code (about 3 minutes on
one H100; ``BENCH_ROUNDS`` overrides the rounds). ``--cpu-dry-run`` runs the GPU path on
the processor, on a fiftieth of the rows, one round, mixed precision included, and
the processor's free memory for the batch suggestion: it shows that the code runs, its
figures mean nothing.
"""

from __future__ import annotations

import os
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def _gpu_workloads(telemetry_overhead, scale: float = 1.0):
    import keras
    import numpy as np

    def table(seed=0):
        rng = np.random.default_rng(seed)
        X = rng.normal(size=(int(60_000 * scale), 64)).astype("float32")
        return X, (X[:, :3].sum(axis=1) > 0).astype("int64")

    def images(seed=0):
        rng = np.random.default_rng(seed)
        X = rng.random(size=(int(12_000 * scale), 32, 32, 3), dtype=np.float32)
        return X, rng.integers(0, 10, size=len(X))

    def mlp():
        return keras.Sequential([
            keras.Input((64,)),
            keras.layers.Dense(1024, activation="relu"),
            keras.layers.Dense(1024, activation="relu"),
            keras.layers.Dense(2, activation="softmax", dtype="float32"),
        ], name="mlp")

    def cnn():
        return keras.Sequential([
            keras.Input((32, 32, 3)),
            keras.layers.Conv2D(64, 3, activation="relu", padding="same"),
            keras.layers.Conv2D(64, 3, activation="relu", padding="same"),
            keras.layers.MaxPooling2D(),
            keras.layers.Conv2D(128, 3, activation="relu", padding="same"),
            keras.layers.MaxPooling2D(),
            keras.layers.Flatten(),
            keras.layers.Dense(256, activation="relu"),
            keras.layers.Dense(10, activation="softmax", dtype="float32"),
        ], name="cnn")

    # name: (data, model builder, timed epochs, rounds)
    return {"mlp table (GPU)": (table, mlp, 3, 4), "cnn images (GPU)": (images, cnn, 2, 4)}


def _mixed_speedup(telemetry_overhead, data, build, policy_scope) -> tuple[float, float]:
    """Bare rows per second in 32-bit and under mixed precision (best of three fits)."""
    rates = []
    for mixed in (False, True):
        with policy_scope(mixed):
            model = telemetry_overhead._model("bare", build)
        X, y = data()
        best = 0.0
        for _ in range(3):
            best = max(best, telemetry_overhead._fit("bare", model, X, y, 2)[0])
        rates.append(best)
    return rates[0], rates[1]


def main(argv: list[str] | None = None) -> int:
    dry = "--cpu-dry-run" in (sys.argv[1:] if argv is None else argv)
    from engine.core.backend import import_keras
    from engine.core.device import device_facts

    keras = import_keras()
    facts = device_facts()
    print(f"gpu_check: {keras.backend.backend()} backend; {facts.sentence()}")
    if not facts.on_gpu and not dry:
        print("no GPU: skipped")
        return 0
    if dry:
        print("--cpu-dry-run: the GPU path on the processor, small; figures mean nothing")
    for i, gpu in enumerate(facts.gpus):
        cc = ".".join(map(str, gpu.compute_capability or ())) or "?"
        print(f"  GPU {i}: {gpu.name}, compute capability {cc}, "
              f"{gpu.total_bytes / 2 ** 30:.1f} GB, {gpu.free_bytes / 2 ** 30:.1f} GB free")

    from bench import telemetry_overhead
    from engine.core.device import DeviceFacts
    from engine.training.device_setup import activation_numbers, on_device
    from engine.core.device import suggested_batch_size

    telemetry_overhead.BATCH = 256
    telemetry_overhead.WORKLOADS = _gpu_workloads(telemetry_overhead, 0.02 if dry else 1.0)
    if dry:
        telemetry_overhead.ROUNDS = "1"
    one = DeviceFacts(facts.backend, facts.gpus[:1])  # the bench measures one GPU
    mixed_pays = dry or all(g.gains_from_mixed_precision for g in facts.gpus)

    def policy_scope(mixed):
        return on_device({}, facts=one, mixed=mixed)

    failed = False
    for name, (data, build, _epochs, _rounds) in telemetry_overhead.WORKLOADS.items():
        for mixed in (False, True):
            if mixed and not mixed_pays:
                continue
            start = time.perf_counter()
            label = f"{name}, {'mixed precision' if mixed else '32-bit'}"
            # Models are built inside the measure: under the policy for this pass.
            with policy_scope(mixed):
                found = telemetry_overhead.measure(name)
            med = {k: statistics.median(v) for k, v in found.items()}
            ok = med["full"] >= 0.95
            failed |= not ok
            print(f"{label}: loss-only {med['loss-only']:.2f}x, full telemetry "
                  f"{med['full']:.2f}x bare (target >= 0.95x: {'met' if ok else 'NOT met'}; "
                  f"bare vs bare {med['bare again']:.2f}x); bare "
                  f"{med['bare_rows_per_s']:.0f} rows/s; per round "
                  f"{', '.join(f'{r:.2f}' for r in found['full'])}; "
                  f"{time.perf_counter() - start:.0f} s")
        if mixed_pays:
            full, half = _mixed_speedup(telemetry_overhead, data, build, policy_scope)
            print(f"{name}: mixed precision {half / full:.2f}x the rows per second of "
                  f"32-bit ({half:.0f} vs {full:.0f} rows/s, bare fit)")
        model = build()
        free = (os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") if dry
                else device_facts(fresh=True).gpus[0].free_bytes)
        for dtype_bytes, what in ((4, "32-bit"), (2, "mixed precision")):
            batch = suggested_batch_size(free, model.count_params(),
                                         2 * activation_numbers(model) * dtype_bytes,
                                         rows=len(data()[0]))
            print(f"{name}: batch_size=auto would pick {batch} ({what}, "
                  f"{free / 2 ** 30:.1f} GB free)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
