"""``make bench``: run every benchmark and print its ratios."""

from bench import fit_overhead

if __name__ == "__main__":
    fit_overhead.main()
