"""Step 5, tune: the search space, the search and its results."""
