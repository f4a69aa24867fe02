"""The kinds of examples Practica reads.

A table, a folder of images sorted into class folders, a column of free text, and
sequences (one series of numbers per example). Each kind has its own input coding
(``engine.preprocess``, ``engine.image_inputs``, ``engine.text_inputs``,
``engine.sequence_inputs``); all code the target the same way (``engine.target_coding``).
"""

DATA_KINDS = ("table", "images", "text", "sequence")
