"""Step 3, the baseline: simple models first, then the deep model and its sanity checks."""
