"""The checksum of a file, read in chunks (a model file, a checkpoint, a weights file).

Example:
    >>> import tempfile; f = tempfile.NamedTemporaryFile(delete=False); f.close()
    >>> file_digest(f.name)[:8]
    'e3b0c442'
"""

from __future__ import annotations

import hashlib
from pathlib import Path

CHUNK = 1 << 20


def file_digest(path: str | Path, algorithm: str = "sha256") -> str:
    """The hex digest of the file at ``path`` (any ``hashlib`` name: ``sha256``, ``md5``)."""
    hasher = hashlib.new(algorithm)
    with open(path, "rb") as stream:
        while chunk := stream.read(CHUNK):
            hasher.update(chunk)
    return hasher.hexdigest()
