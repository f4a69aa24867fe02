"""Training a run: the training job, Keras fit, checkpoints and resuming, schedules, class
imbalance, hard examples, the trained model as a predictor and what it costs to use.
"""

from engine.core.front_door import public_names

# Which module holds each public name; a module is imported when one of its names is used.
_EXPORTS = {
    "requests": ("ResumableRequest", "RunsResult", "TrainRequest"),
    "batch_scoring": ("score_in_batches",),
    "checkpoint": (
        "Checkpointer", "load_checkpoint", "random_state_variables", "remove_checkpoint",
        "restore"),
    "checkpoint_store": (
        "Checkpoint", "JSON_FILE", "load_checkpoint", "remove_checkpoint", "write_checkpoint"),
    "device_setup": ("activation_numbers", "auto_batch_size", "mixed_precision_used", "on_device"),
    "epoch_metric": ("EpochMetric", "ScoredRows", "goal_metric", "subsample"),
    "footprint": ("BATCH_ROWS", "describe_measured", "measure_footprint", "scoring_function"),
    "hard_examples": ("HardExampleBatches", "HardExampleMining", "hard_weights", "per_row_loss"),
    "imbalance": ("class_weights", "explain"),
    "job": (
        "SPEC_FILE", "STOPPED_RUN_ROWS", "TrainingResult", "TrainingSpec", "new_run_id",
        "resumable_runs", "run_training"),
    "keras_fit": ("build_compiled", "fit_keras", "training_feed"),
    "predictor": ("Predictor", "load_predictor", "model_path"),
    "ensemble_model": ("ENSEMBLE", "EnsembleModel", "MEMBERS_DIR", "MEMBERS_FILE", "member_entry",
                       "member_files", "read_members"),
    "resampled_batches": ("ResampledBatches",),
    "resumable_stopping": ("ResumableEarlyStopping",),
    "schedules": ("learning_rate_plan", "rate_at"),
}
__getattr__, __dir__, __all__ = public_names(__name__, _EXPORTS)
