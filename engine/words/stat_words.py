"""Words for the statistics of a final test, shared by the Final test page and the report.

Example:
    >>> role_words("baseline")
    'best simple baseline'
"""

from __future__ import annotations

from engine.goal.constraints import format_quantity
from engine.words.formatting import dash, is_number
from engine.core.texts import text


def method_words(method: str | None) -> str:
    """How an interval was made, for people: 'Wilson', 'bootstrap (BCa)', ..."""
    try:
        return text(f"final_stats.method_{method}") if method else dash()
    except KeyError:
        return str(method)


def quantities(measured: dict) -> dict[str, str]:
    """The summed satisfying quantities of an ensemble, with their units."""
    out = {}
    for key, name in (("params", "params"), ("size_mb", "size"), ("latency_ms", "latency")):
        value = measured.get(key)
        out[name] = format_quantity(key, float(value)) if is_number(value) else dash()
    return out


def role_words(role: str) -> str:
    return text(f"gui.final_stats.role_{role}")
