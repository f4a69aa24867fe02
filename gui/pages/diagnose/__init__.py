"""Step 4, diagnose: the error ladder, learning curves, error analysis."""
