"""The text of a PDF the tests wrote, as one line of words (pypdf), to look for sentences."""

from __future__ import annotations

from pypdf import PdfReader


def pdf_text(path) -> str:
    """Every page's text, words joined by single spaces."""
    return " ".join(" ".join((page.extract_text() or "") for page in PdfReader(str(path)).pages)
                    .split())
