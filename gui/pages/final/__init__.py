"""Step 6, the final test: options, the vault opening, statistics and curves."""
