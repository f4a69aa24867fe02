"""Using a trained model: predictions on new data, written as CSV, why the model answered
one of those rows as it did, and model exports (which carry the guard of their project's
test rows, ONNX and LiteRT files checked in their runtimes, and a model card).
"""

from engine.core.front_door import public_names

# Which module holds each public name; a module is imported when one of its names is used.
_EXPORTS = {
    "requests": ("ExportModelRequest", "PredictRequest", "WhyNewRowRequest"),
    "model_export": ("export_model",),
    "export_formats": ("FORMATS", "chosen_formats", "format_name", "unavailable"),
    "model_card": ("CARD_FILE", "card_markdown", "model_card"),
    "runtime_exports": ("write_runtime_format",),
    "versions": ("versions",),
    "export_guard": ("GUARD_FILE", "export_guard", "project_identity", "why_locked",
                     "write_guard"),
    "prediction": ("predict_file", "predict_new"),
    "prediction_job": ("copy_predictions", "default_output", "predict_to_csv"),
    "usable_model": ("load_usable", "project_threshold"),
    "why_new_row": ("explain_new_row",),
}
__getattr__, __dir__, __all__ = public_names(__name__, _EXPORTS)
