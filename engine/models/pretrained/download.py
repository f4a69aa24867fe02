"""Fetching a backbone's weights file into the Keras cache: streamed, resumable, checked.

The file is read in chunks with ``urllib``, whose opener (built afresh for each fetch) takes
the proxy from the system's ``http_proxy`` / ``https_proxy`` / ``no_proxy`` environment
variables. Bytes go to ``<file>.part`` in the cache folder. When the connection drops, the
fetch asks again with an HTTP ``Range`` request from the bytes it has; a server that ignores
``Range`` (answers 200 with the whole file) is read again from the start. A cancel is checked
between chunks. The ``.part`` file is kept across the retries of one fetch (to resume); a
cancel, a wrong checksum or a fetch that gives up removes it, so they leave nothing behind
(a next fetch starts from the beginning). Only a file with the published checksum is renamed, in one
step, to its cache name; a wrong one is removed and refused in one line.
"""

from __future__ import annotations

import http.client
import socket
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from engine.core.errors import JobCancelled, WeightsError
from engine.core.jobs import NEVER, CancelFlag, Progress, ProgressFn, ignore
from engine.core.texts import text
from engine.models.backbones import first_line
from engine.models.pretrained.catalogue import WeightsEntry, weights_entry
from engine.models.pretrained.install import cache_folder, check_weights, place

CHUNK = 64 * 1024
TRIES = 5
TIMEOUT_S = 30
EVERY_S = 0.1  # at most ten progress events a second
DROPPED = (http.client.HTTPException, ConnectionError, socket.timeout, TimeoutError,
           urllib.error.URLError, OSError)


def fetch_weights(name: str, side: tuple[int, int] | None = None,
                  progress: ProgressFn = ignore, cancel: CancelFlag = NEVER) -> dict[str, Any]:
    """Download backbone ``name``'s weights (for pictures ``side``) into the Keras cache.

    Returns:
        ``{"name", "file", "path", "bytes", "resumed"}``; ``resumed`` counts the Range
        requests that continued a dropped download.

    Raises:
        WeightsError: the server cannot be reached after several tries, or the file's
            checksum is not the published one (the file is removed).
        JobCancelled: ``cancel`` was set (the ``.part`` file is removed).
    """
    entry = weights_entry(name, side)
    folder = cache_folder()
    part = folder / (entry.file + ".part")
    part.unlink(missing_ok=True)  # an old part may be from another address: start clean
    opener = urllib.request.build_opener()  # proxies read from the environment now
    resumed, tries, reason = 0, 0, ""
    try:
        while True:
            have = part.stat().st_size if part.exists() else 0
            try:
                total = _read(opener, entry, part, have, progress, cancel)
            except DROPPED as exc:
                if isinstance(exc, urllib.error.HTTPError) and exc.code == 416:
                    part.unlink(missing_ok=True)  # the part is longer than the file
                reason = _reason(exc)
                tries += 1
                if tries >= TRIES or _final(exc):
                    raise WeightsError(text("weights.unreachable", name=name, url=entry.url,
                                            reason=reason)) from exc
                time.sleep(min(0.2 * tries, 1.0))
                resumed += part.exists() and part.stat().st_size > 0
                continue
            if total is None or part.stat().st_size >= total:
                break
            tries += 1  # the server closed early without an error: ask for the rest
            if tries >= TRIES:
                raise WeightsError(text("weights.unreachable", name=name, url=entry.url,
                                        reason=text("weights.closed_early")))
            resumed += 1
        progress(Progress(1, 1, text("weights.checking", name=name)))
        check_weights(entry, part, side)
        target = place(entry, part, folder)
    except (JobCancelled, WeightsError):
        part.unlink(missing_ok=True)
        raise
    return {"name": name, "file": entry.file, "path": str(target),
            "bytes": target.stat().st_size, "resumed": int(resumed)}


def _read(opener, entry: WeightsEntry, part: Path, have: int, progress: ProgressFn,
          cancel: CancelFlag) -> int | None:
    """One request: append to ``part`` from byte ``have`` (or start again when the server
    sends the whole file). Returns the file's full size (None when the server does not
    say it)."""
    headers = {"User-Agent": "Practica", "Accept-Encoding": "identity"}
    if have:
        headers["Range"] = f"bytes={have}-"
    request = urllib.request.Request(entry.url, headers=headers)
    with opener.open(request, timeout=TIMEOUT_S) as response:
        length = response.headers.get("Content-Length")
        if have and response.status == 206:
            mode, done = "ab", have
        else:  # a first request, or a server that ignores Range: from the start
            mode, done = "wb", 0
        total = done + int(length) if length and length.isdigit() else None
        last = 0.0
        with open(part, mode) as out:
            while True:
                if cancel.is_set():
                    raise JobCancelled()
                chunk = response.read(CHUNK)
                if not chunk:
                    break
                out.write(chunk)
                done += len(chunk)
                now = time.monotonic()
                if now - last >= EVERY_S or (total and done >= total):
                    last = now
                    progress(Progress(done, total or 0, _words(entry.name, done, total)))
    return total


def _words(name: str, done: int, total: int | None) -> str:
    if total:
        return text("weights.progress", name=name, done=f"{done / 1e6:.1f}",
                    total=f"{total / 1e6:.1f}")
    return text("weights.progress_unknown", name=name, done=f"{done / 1e6:.1f}")


def _final(exc: BaseException) -> bool:
    """An answer no retry changes: the server has no such file or refuses it."""
    return (isinstance(exc, urllib.error.HTTPError) and exc.code != 416
            and 400 <= exc.code < 500)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        return first_line(exc.reason) if isinstance(exc.reason, BaseException) \
            else str(exc.reason)
    return first_line(exc)
