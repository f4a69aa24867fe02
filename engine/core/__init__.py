"""The ground floor: atomic writes, the errors a user can cause, the text catalogue, the
job protocol (progress events and cancel tokens), the Keras backend and out-of-memory advice.
It imports no other room.
"""

from engine.core.front_door import public_names

# Which module holds each public name; a module is imported when one of its names is used.
_EXPORTS = {
    "defaults": (
        "ALPHA", "BOOTSTRAP_RESAMPLES", "CORRECTION", "CORRECTIONS", "DEEP_EPOCHS",
        "ENSEMBLE_MEMBERS", "FINAL_SEEDS", "HEADLESS_LEARNING_CURVE_SEEDS", "LEARNING_CURVE_SEEDS",
        "MAX_FINAL_SEEDS", "MAX_LEARNING_CURVE_SEEDS", "TUNING_EPOCHS"),
    "atomic": ("atomic_path", "is_write_fault", "write_json", "write_problem", "write_text"),
    "backend": ("backend_name", "import_keras", "training_device"),
    "device": (
        "DeviceFacts", "Gpu", "device_facts", "mixed_precision_choice", "mixed_precision_refusal",
        "suggested_batch_size", "uses_mirrored_strategy"),
    "error_details": ("log_folder", "save_error_details"),
    "file_hash": ("file_digest",),
    "lazy_import": ("LazyModule", "lazy_module"),
    "errors": (
        "DataError", "GoalError", "JobCancelled", "MALFORMED", "MalformedFileError",
        "PracticaError", "ProjectChangedError", "ProjectError", "ProjectLockedError",
        "VaultLockedError"),
    "jobs": (
        "AlertRaised", "BatchEnded", "CancelFlag", "CancelToken", "EpochEnded", "Event",
        "FiltersSampled", "JobRequest", "NEVER", "Progress", "ProgressFn", "REQUEST_TYPES",
        "RunFinished", "StageStarted", "StepResult", "TelemetrySampled", "TrialEnded",
        "decode_request", "encode_request", "event_from_dict", "ignore", "job_name"),
    "out_of_memory": ("OUT_OF_MEMORY", "is_out_of_memory", "out_of_memory_advice"),
    "texts": ("RESOURCES", "step_help", "text"),
}
__getattr__, __dir__, __all__ = public_names(__name__, _EXPORTS)
