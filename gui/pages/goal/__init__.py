"""Step 1, the goal: data source, what to predict, how to judge it."""
