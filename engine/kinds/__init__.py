"""What differs by data kind (table, images, text, sequence): the fitted coding from examples
to model inputs, the target coding, row keys for duplicates and the inputs of the drift check.
"""

from engine.core.front_door import public_names

# Which module holds each public name; a module is imported when one of its names is used.
_EXPORTS = {
    "drift_inputs": ("DriftInputs", "paired_inputs"),
    "image_inputs": ("ImageInputs", "decode_images", "fit_image_inputs", "fitted_size"),
    "input_coding": ("coding_from_dict", "data_kind", "fit_inputs"),
    "kind_names": ("DATA_KINDS",),
    "preprocess": ("Preprocessor", "TargetCoding", "fit_preprocessor"),
    "preprocess_store": ("load_preprocessor", "save_preprocessor"),
    "row_keys": ("ExampleKeys", "example_keys", "few_distinct_inputs", "round_significant"),
    "sequence_inputs": ("SequenceInputs", "columns_by_channel", "fit_sequence_inputs"),
    "text_inputs": ("TextInputs", "fit_text_inputs"),
}
__getattr__, __dir__, __all__ = public_names(__name__, _EXPORTS)
