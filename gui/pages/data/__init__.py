"""Step 2, data and split: the checks, the split sizes, the vault."""
