"""Step 7, the report: PDF and CSV export."""
