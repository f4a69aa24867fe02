"""Pretrained weights of the image backbones: where each file comes from and its published
checksum, fetching it into the Keras cache (resumable, checked, cancellable) and adding a
file the user already has, checked the same way; and WordLlama's pretrained word vectors for text models, read from the
files of its Python package."""

from engine.core.front_door import public_names

_EXPORTS = {
    "catalogue": ("BASE_URL_VARIABLE", "WeightsEntry", "base_url", "weights_entry",
                  "weights_entries"),
    "download": ("fetch_weights",),
    "install": ("add_weights_file", "file_digest", "weights_status"),
    "proposal": ("FEW_PICTURES", "pretrained_proposal"),
    "word_vectors": ("WordVectorsStatus", "require_word_vectors", "word_vector_table",
                     "word_vectors_status"),
}
__getattr__, __dir__, __all__ = public_names(__name__, _EXPORTS)
