"""``make bench``: run every benchmark and print its ratios."""

from bench import event_loop, fit_overhead, launch_time

if __name__ == "__main__":
    fit_overhead.main()
    launch_time.main()
    event_loop.main()
