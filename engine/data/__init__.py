"""Reading data sources: delimited text, Excel and Parquet tables, image folders, sequences
kept in tables; the checks made on a source before a project exists; the bundled samples;
the columnar copy that spares parsing a big table twice.
"""

from engine.core.front_door import public_names

# Which module holds each public name; a module is imported when one of its names is used.
_EXPORTS = {
    "requests": ("CheckFileRequest",),
    "columnar_copy": ("keep_copy", "read_kept"),
    "csv_dialect": ("clean_header_names", "sniff_delimiter"),
    "csv_reader": ("decode_text", "read_csv_file"),
    "file_check": ("check_file",),
    "findings": (
        "Finding", "SEVERITIES", "check_frame", "make_finding", "percent_text", "short_value",
        "usable_columns"),
    "image_folder": (
        "check_image", "folder_fingerprint", "image_facts", "is_image_folder", "map_files",
        "read_image_folder"),
    "samples": ("DEMO_SAMPLE", "SAMPLES", "sample_frame"),
    "sequence_table": ("long_to_wide", "wide_series_columns"),
    "source_check": ("SourceCheck", "check_image_folder", "check_sequence_source",
                     "check_sound_folder", "check_table_source", "check_text_source"),
    "sound_folder": ("SoundFacts", "SoundFolderRead", "check_sound", "chosen_rate",
                     "chosen_samples", "is_sound_file", "is_sound_folder", "read_sound_folder",
                     "read_wave"),
    "sound_picture": ("SPECTROGRAMS_DIR", "log_mel", "mel_centres", "spectrogram_picture",
                      "spectrogram_png"),
    "source_reading": ("FOLDER_KINDS", "IMAGE_KIND", "LONG_SEQUENCE_KIND", "SOUND_KIND",
                       "read_source", "source_stamp"),
    "summary": ("column_kind", "summarize", "target_is_categorical"),
    "tabular": ("file_fingerprint", "read_table"),
}
__getattr__, __dir__, __all__ = public_names(__name__, _EXPORTS)
