"""The data room's job request: check a data source before a project exists."""

from __future__ import annotations

from dataclasses import dataclass

from engine.core.jobs import JobRequest


@dataclass(frozen=True)
class CheckFileRequest(JobRequest):
    """Read and check ``path`` (a table, a folder of images, text or sequences).

    Result: the ``FileReport`` / ``SourceReport`` of ``engine.data`` (as its ``to_dict``).
    """

    path: str
    target: str | None = None
    data_kind: str | None = None
    text_column: str | None = None
    sequence: dict | None = None
