"""Basic checks on a table before any splitting or training, each reported as a ``Finding``:
what was found, in plain words, and what Practica will do or the user should do.

A "blocker" means Practica cannot go on with this file and target; a "warning" needs the
user's attention; an "info" says what Practica will do on its own.

Use:
    findings = check_frame(frame, target="label")
    [f.code for f in findings if f.severity == "blocker"]
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from engine.data.column_pass import ColumnStats, column_stats, row_hashes
from engine.data.summary import (
    class_counts,
    distinct_count,
    is_number,
    target_is_categorical,
    target_not_found_text,
)
from engine.core.texts import text
from engine.core.lazy_import import lazy_module

# pandas loads at the first frame read, which keeps it out of the GUI's start-up.
pd = lazy_module("pandas")

SEVERITIES = ("blocker", "warning", "info")
MIN_ROWS_FOR_DEEP_LEARNING = 50
MIN_PER_CLASS = 4  # one example each in train, train-dev, dev and test
IMBALANCE_RATIO = 10.0
MIN_ROWS_FOR_ID_GUESS = 20  # below this, a guess from the values alone is too risky
HEAVY_MISSING_SHARE = 0.5  # above this share of missing values, missing_values is a warning
IGNORED_CODES = frozenset({"empty_column", "constant_column", "id_column", "infinite_column"})
FEW_CANDIDATES = 0.25  # at most this share of rows left: only they are hashed whole
NUMBERS_AS_TEXT_SHARE = 0.8  # this share of a text column's values read as numbers: a typo
_SEPARATOR_GUESSES = " :/#~^*!+=-"
_ID_NAMES = ("id", "uuid", "guid", "key", "index", "row", "rownum", "row_number", "record")


@dataclass(frozen=True)
class Finding:
    """One thing a check found: ``code`` (e.g. "missing_values"), ``severity`` (one of
    ``SEVERITIES``), the ``column`` it is about (None for the whole table), the plain
    ``message`` (what was found) and ``fix`` (what Practica will do or the user should do)."""

    code: str
    severity: str
    column: str | None
    message: str
    fix: str

    @property
    def line(self) -> str:
        """Message and fix as one line, as the CLI prints it."""
        return f"{self.message} {self.fix}"

    def to_dict(self) -> dict:
        return asdict(self)


def check_frame(frame: pd.DataFrame, target: str | None = None,
                stats: dict[str, ColumnStats] | None = None) -> tuple[Finding, ...]:
    """Run every check on ``frame``; blockers come first, then warnings, then infos.

    Args:
        frame: the table as read.
        target: the column to predict, or None when it is not chosen yet.
        stats: ``engine.data.column_pass.column_stats(frame)`` when already worked out
            (the summary reads the same); worked out here otherwise.
    """
    if stats is None:
        stats = column_stats(frame)
    found: list[Finding] = []
    if frame.shape[1] == 1:
        found.append(_single_column_finding(frame))
    if target is not None and target not in frame.columns:
        message, fix = target_not_found_text(frame, target)
        found.append(Finding("target_not_found", "blocker", target, message, fix))
        target = None
    elif target is not None:
        found.extend(_target_findings(frame[target], target))

    rows = len(frame)
    if rows < MIN_ROWS_FOR_DEEP_LEARNING:
        found.append(_finding("too_few_rows", "warning", None, rows=rows))
    duplicates = _duplicate_count(frame, stats)
    if duplicates:
        found.append(_finding("duplicate_rows", "warning", None, count=duplicates))
    for name in frame.columns:
        if name != target:
            found.extend(_column_findings(frame[name], str(name), rows, stats[str(name)]))

    if target is not None and frame[target].notna().any() and not usable_columns(frame, target, found):
        found.append(_finding("no_features", "blocker", None))
    rank = {severity: i for i, severity in enumerate(SEVERITIES)}
    return tuple(sorted(found, key=lambda f: rank[f.severity]))


def usable_columns(frame: pd.DataFrame, target: str | None,
                   findings: tuple[Finding, ...] | list[Finding]) -> list[str]:
    """Feature columns: every column but the target and those found empty, constant or id-like."""
    ignored = {f.column for f in findings if f.code in IGNORED_CODES}
    return [str(c) for c in frame.columns if c != target and str(c) not in ignored]


def make_finding(code: str, severity: str, column: str | None, section: str = "data",
                 fix: str | None = None, **values: object) -> Finding:
    """A ``Finding`` whose message is the text ``<section>.<code>`` and whose fix is
    ``<section>.<fix>`` (default ``<code>_fix``; a dotted ``fix`` is a full text key), both
    filled in with ``values``."""
    if column is not None:  # a name of many kB (a broken header) is cut, not printed whole
        values.setdefault("column", column if len(column) <= 80 else column[:77] + "...")
    fix_key = fix if fix and "." in fix else f"{section}.{fix or code + '_fix'}"
    return Finding(code, severity, column, text(f"{section}.{code}", **values),
                   text(fix_key, **values))


def _finding(code: str, severity: str, column: str | None, **values: object) -> Finding:
    return make_finding(code, severity, column, **values)


def _column_findings(series: pd.Series, name: str, rows: int, stats: ColumnStats
                     ) -> list[Finding]:
    values = stats.kind
    if values == "empty":
        return [_finding("empty_column", "warning", name)]
    if values == "constant":
        return [_finding("constant_column", "info", name, value=short_value(series.iloc[0]))]
    if _is_id_like(series, name, stats.unique):
        return [_finding("id_column", "info", name)]
    out: list[Finding] = []
    infinite = 0
    if is_number(series):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        infinite = int(np.isinf(values).sum())
        if infinite and not np.isfinite(values).any():
            return [make_finding("infinite_column", "warning", name, section="bad_input")]
    else:
        out.extend(_numbers_as_text(series, name))
    missing = stats.missing
    if missing:
        share = missing / rows
        out.append(_finding("missing_values", "warning" if share > HEAVY_MISSING_SHARE else "info",
                            name, count=missing, percent=percent_text(share)))
    if infinite:
        out.append(_finding("infinite_values", "warning", name, count=infinite))
    return out


def _is_id_like(series: pd.Series, name: str, unique: int | None = None) -> bool:
    """Different in every row, nothing missing, and either an id-like name ("id", "*_id", ...)
    or, from ``MIN_ROWS_FOR_ID_GUESS`` rows on, whole numbers counting up one by one in file
    order (row numbers) or short codes without spaces (free text has spaces). ``unique``
    may pass the column's distinct count when it is already known."""
    rows = len(series)
    if rows < 2 or series.isna().any() or pd.api.types.is_bool_dtype(series):
        return False
    named = _id_name(name)
    if is_number(series):
        values = series.to_numpy(dtype=float)
        if not (np.all(np.isfinite(values)) and np.all(values == np.round(values))):
            return False
        counts_up = rows >= MIN_ROWS_FOR_ID_GUESS and bool(np.all(np.diff(values) == 1))
        return (counts_up or named) and _distinct(series, unique) == rows
    if not named and rows < MIN_ROWS_FOR_ID_GUESS:
        return False
    if _distinct(series, unique) != rows:
        return False
    strings = series.astype(str)
    return not strings.str.contains(r"\s").any() and strings.str.len().mean() <= 40


def _distinct(series: pd.Series, unique: int | None) -> int:
    return distinct_count(series) if unique is None else unique


def _id_name(name: str) -> bool:
    stripped = name.strip()
    lowered = stripped.lower().replace(" ", "_").replace("-", "_")
    return (lowered in _ID_NAMES or lowered.endswith("_id") or lowered.startswith("id_")
            or (len(stripped) > 2 and stripped.endswith(("Id", "ID"))))


def _target_findings(series: pd.Series, target: str) -> list[Finding]:
    rows = len(series)
    missing = int(series.isna().sum())
    if missing == rows:
        return [_finding("target_empty", "blocker", target, target=target)]
    out: list[Finding] = []
    if is_number(series):
        infinite = int(np.isinf(series.to_numpy(dtype=float, na_value=np.nan)).sum())
        if infinite:
            return [make_finding("target_infinite", "blocker", target, section="bad_input",
                                 target=target, count=infinite)]
    if missing:
        out.append(_finding("target_missing", "warning", target, target=target, count=missing,
                            rows=rows))
    if not target_is_categorical(series):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        finite = np.unique(values[np.isfinite(values)])
        if finite.size == 1:
            out.append(_finding("target_constant", "blocker", target, target=target,
                                value=short_value(finite[0])))
        return out
    counts = class_counts(series)
    if len(counts) == 1:
        out.append(_finding("one_class", "blocker", target, target=target,
                            value=short_value(counts[0][0])))
        return out
    out.extend(_label_spelling_findings([label for label, _ in counts], series, target))
    rare = [(label, n) for label, n in counts if n < MIN_PER_CLASS]
    if rare:
        shown = ", ".join(f"'{short_value(label)}': {n}" for label, n in rare[:5])
        out.append(_finding("rare_class", "warning", target, target=target, count=len(rare),
                            minimum=MIN_PER_CLASS, classes=shown + (", ..." if len(rare) > 5 else "")))
    (major, major_count), (minor, minor_count) = counts[0], counts[-1]
    ratio = major_count / minor_count
    if ratio > IMBALANCE_RATIO:
        # The fix names the metric and the training strategy (engine.goal.suggestion,
        # engine.training.imbalance) in resources/help/checks.toml.
        out.append(make_finding("imbalance", "warning", target, fix="checks.imbalance_fix",
                                target=target, major=short_value(major), major_count=major_count,
                                minor=short_value(minor), minor_count=minor_count,
                                ratio=f"{ratio:.0f}",
                                metric=text("checks.metric_binary" if len(counts) == 2
                                            else "checks.metric_multiclass")))
    return out


def _label_spelling_findings(labels: list[str], series: pd.Series, target: str) -> list[Finding]:
    """Warn when text labels mix numbers and words, or differ only in case or spaces."""
    if is_number(series) or pd.api.types.is_bool_dtype(series):
        return []
    out: list[Finding] = []
    numbers = [label for label in labels if _looks_numeric(label)]
    words = [label for label in labels if not _looks_numeric(label)]
    if numbers and words:
        out.append(_finding("mixed_labels", "warning", target, target=target,
                            number=short_value(numbers[0]), word=short_value(words[0])))
    seen: dict[str, str] = {}
    for label in labels:
        key = " ".join(label.split()).casefold()
        if key in seen:
            out.append(_finding("label_variants", "warning", target, target=target,
                                first=short_value(seen[key], keep_spaces=True),
                            second=short_value(label, keep_spaces=True)))
            break
        seen[key] = label
    return out


def _single_column_finding(frame: pd.DataFrame) -> Finding:
    """One column only: most often a file whose separator Practica does not split at."""
    name = str(frame.columns[0])
    separator = _likely_separator(name, frame.iloc[:20, 0])
    fix = "bad_input.single_column_fix"
    values: dict[str, object] = {}
    if separator is not None:
        fix = "bad_input.single_column_separator_fix"
        values["separator"] = (text("bad_input.separator_space") if separator == " "
                               else text("bad_input.separator_char", char=separator))
    return make_finding("single_column", "blocker", name, section="bad_input", fix=fix,
                        **values)


def _likely_separator(header: str, head: pd.Series) -> str | None:
    """A character that splits the header and the first values into the same number (> 1)
    of pieces, as a separator would; None when there is none."""
    values = [str(v) for v in head.dropna()]
    if is_number(head) or not values:
        return None
    for char in _SEPARATOR_GUESSES:
        count = header.count(char)
        if count and sum(v.count(char) == count for v in values) >= 0.8 * len(values):
            return char
    return None


def _numbers_as_text(series: pd.Series, name: str) -> list[Finding]:
    """A text column whose values are nearly all numbers: a few words ('?', 'unknown')
    turned a number column into categories."""
    if pd.api.types.is_bool_dtype(series):
        return []
    present = series.dropna()
    sample = present.iloc[:200]
    if sample.empty or pd.to_numeric(sample.astype(str), errors="coerce").notna().mean() \
            < NUMBERS_AS_TEXT_SHARE:
        return []
    try:  # each distinct value is parsed once
        distinct = pd.Series(present.unique()).astype(str)
    except TypeError:  # unhashable cells (lists from Parquet): not numbers typed as text
        return []
    wordy = distinct[pd.to_numeric(distinct, errors="coerce").isna()]
    if wordy.empty:
        return []
    count = int(present.astype(str).isin(set(wordy)).sum())
    if count > (1 - NUMBERS_AS_TEXT_SHARE) * len(present):
        return []
    return [make_finding("numbers_as_text", "warning", name, section="bad_input",
                         count=count, example=short_value(wordy.iloc[0]))]


def _looks_numeric(label: str) -> bool:
    try:
        float(label)
    except ValueError:
        return False
    return True


def _duplicate_count(frame: pd.DataFrame, stats: dict[str, ColumnStats] | None = None
                     ) -> int:
    """How many rows copy an earlier row exactly. Every row is hashed once (64 bits, in
    vectorised code); only the rows whose hash is shared are then compared value by value,
    so a hash collision never counts as a copy (1M rows: 0.5 s instead of 2 s).

    With the columns' ``stats``, and columns of plain types only (numbers, booleans, text:
    no mixed cells, nothing unhashable), the rows are first narrowed to those whose value
    in the column of most distinct values is shared: a copy holds the same value in every
    column, so no copy is left out, and when few rows share it only they are hashed whole
    (1M rows x 20 columns: one column hashed instead of twenty)."""
    if frame.shape[1] == 0:
        return 0
    try:
        return _copies(_candidates(frame, stats))
    except TypeError:  # unhashable cells (lists from Parquet): compare their text
        return int(frame.astype(str).duplicated().sum())


def _candidates(frame: pd.DataFrame, stats: dict[str, ColumnStats] | None) -> pd.DataFrame:
    """The rows that may be copies: all, or (see ``_duplicate_count``) those whose value in
    the column of most distinct values is shared, when they are few."""
    if not stats or len(frame) < 2 or not all(_plain_type(t) for t in frame.dtypes):
        return frame
    widest = max(range(frame.shape[1]),
                 key=lambda i: stats[str(frame.columns[i])].unique)
    hashed = pd.Series(row_hashes([frame.iloc[:, widest]], len(frame), as_text=False))
    maybe = hashed.duplicated(keep=False).to_numpy()
    if maybe.sum() > FEW_CANDIDATES * len(frame):
        return frame
    return frame[maybe]


def _plain_type(dtype) -> bool:
    return isinstance(dtype, pd.StringDtype) or (
        not isinstance(dtype, pd.api.extensions.ExtensionDtype) and dtype.kind in "fiub")


def _copies(frame: pd.DataFrame) -> int:
    # The columns hashed one at a time: the same hashes as the frame's.
    hashes = pd.Series(row_hashes([frame.iloc[:, i] for i in range(frame.shape[1])],
                                  len(frame), as_text=False))
    shared = hashes.duplicated(keep=False).to_numpy()
    if not shared.any():
        return 0
    try:
        return int(frame[shared].duplicated().sum())
    except TypeError:
        return int(frame[shared].astype(str).duplicated().sum())


def percent_text(share: float) -> str:
    """A share in [0, 1] as a short percentage without the sign: '<0.1', '0.4', '12'."""
    percent = 100 * share
    if percent < 0.1:
        return "<0.1"
    return f"{percent:.0f}" if percent >= 1 else f"{percent:.1f}"


def short_value(value: object, limit: int = 40, keep_spaces: bool = False) -> str:
    """A value as short text for a message (whole floats without '.0', long text cut)."""
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        value = int(value)
    shown = str(value) if keep_spaces else " ".join(str(value).split())
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."
