"""What differs by data kind (table, images, text, sequence, sound): one object per kind
(``engine.kinds.registry``) with its traits, the fitted coding from examples to model
inputs, the target coding, row keys for duplicates, the inputs of the drift check, the
source check and how an example is shown.
"""

from engine.core.front_door import public_names

# Which module holds each public name; a module is imported when one of its names is used.
# ``registry.data_kind`` (a kind by name) is not here: ``data_kind`` is the project's kind's
# name (``input_coding``); ``kind_of`` gives a project's kind object.
_EXPORTS = {
    "by_kind": ("example_keys", "paired_inputs"),
    "drift_inputs": ("DriftInputs",),
    "image_inputs": ("ImageInputs", "decode_images", "fit_image_inputs", "fitted_size"),
    "input_coding": ("coding_from_dict", "data_kind", "fit_inputs"),
    "kind": ("AUGMENTATIONS", "DataKind"),
    "preprocess": ("Preprocessor", "TargetCoding", "fit_preprocessor"),
    "preprocess_store": ("load_preprocessor", "save_preprocessor"),
    "registry": ("DATA_KINDS", "UnknownDataKind", "kind_of"),
    "row_keys": ("ExampleKeys", "few_distinct_inputs", "round_significant"),
    "sequence_inputs": ("SequenceInputs", "columns_by_channel", "fit_sequence_inputs"),
    "sound_inputs": ("SoundInputs", "fit_sound_inputs", "fit_to"),
    "sound_keys": ("SoundPrints", "sound_keys", "sound_prints", "sound_sides"),
    "showing": ("image_shower", "row_shower", "series_shower", "sound_shower"),
    "sources": ("check_source", "guess_data_kind"),
    "text_inputs": ("TextInputs", "fit_text_inputs"),
}
__getattr__, __dir__, __all__ = public_names(__name__, _EXPORTS)
