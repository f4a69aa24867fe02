"""The kinds of examples Practica reads.

A table, a folder of images sorted into class folders, a column of free text, and
sequences (one series of numbers per example). Each kind has its own input coding
(``engine.kinds.preprocess``, ``engine.kinds.image_inputs``, ``engine.kinds.text_inputs``,
``engine.kinds.sequence_inputs``); all code the target the same way (``engine.kinds.target_coding``).
"""

DATA_KINDS = ("table", "images", "text", "sequence")
