"""Using the model: predictions on new data and exports."""
