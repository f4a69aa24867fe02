"""``make bench``: run every benchmark and print its ratios."""

import os

# Never more TensorFlow threads than cores; set before any benchmark loads TensorFlow.
_CORES = str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
             else os.cpu_count() or 1)
os.environ.setdefault("TF_NUM_INTRAOP_THREADS", _CORES)
os.environ.setdefault("TF_NUM_INTEROP_THREADS", _CORES)

from bench import event_loop, fit_overhead, launch_time, telemetry_overhead  # noqa: E402
from bench import big_data, bootstrap_speed, lr_suggestion  # noqa: E402
from bench import tuning_search, tuning_workers  # noqa: E402

if __name__ == "__main__":
    fit_overhead.main()
    telemetry_overhead.main()
    launch_time.main()
    event_loop.main()
    tuning_workers.main([])
    tuning_search.main([])
    big_data.main([])
    lr_suggestion.main([])
    bootstrap_speed.main([])
