"""Models Practica trains: simple scikit-learn baselines and Keras networks, their settings,
pretrained backbones and the safe loading of model files.
"""

from engine.core.front_door import public_names

# Which module holds each public name; a module is imported when one of its names is used.
_EXPORTS = {
    "augmentation": ("RandomScaling", "RandomTimeShift", "augmentation_names"),
    "sound_augmentation": ("RandomExcerpt", "RandomPitch", "RandomStretch", "SoundNoise"),
    "cnn": ("pooled_blocks",),
    "mlp": ("build_mlp",),
    "mlp_params": ("MlpParams",),
    "model_unpack": ("private_model",),
    "safe_model_check": ("OWN_OBJECTS", "UnsafeModelError", "check_model_file", "unpack_limit"),
    "safe_model_load": ("ModelUnreadableError", "check_in_child", "child_command", "child_main",
                        "load_keras_model"),
    "sequence_params": ("SequenceParams",),
    "text_params": ("TextParams",),
    "train_params": (
        "IMBALANCE", "LABEL_KEEPING", "LIMITS", "MIXED_PRECISION", "OPTIMIZERS", "SCHEDULES",
        "SOUND_CHANGES", "SOUND_SWITCHES", "TrainParams", "label_keeping", "params_problem", "setting_problem",
        "sound_changes"),
    "transfer": ("transfer_model",),
}
__getattr__, __dir__, __all__ = public_names(__name__, _EXPORTS)
