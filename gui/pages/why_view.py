"""Why the model answered one example as it did: the view the error analysis and the Use
page share.

It shows a result of the engine's ``why_example`` or ``why_new_row`` job
(``engine.diagnosis.why_example.WhyExample`` as a dict): the plain sentences, and by data
kind the picture with the engine's map laid over it, the text with the words that moved the
answer shaded (the darker, the more), or the inputs ranked by how much taking each away
changed the answer. It computes nothing; the shading is the engine's weights.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout

from engine.diagnosis import WhyExample
from gui.pages.base import gui_text
from gui.pages.labels import note
from gui.result_table import ResultTable

PICTURE = 256     # the overlay's side on screen, in pixels
TABLE_ROWS = 10   # inputs listed
MARK = (230, 25, 0)  # the colour of the words that mattered most (as the picture's map)
FAINTEST = 0.08   # weights below this are not shaded


def _key(name: str, **values) -> str:
    return gui_text(f"why.{name}", **values)


class WhyView(QGroupBox):
    """The answer's explanation; hidden until ``show_why`` gets one."""

    def __init__(self, name: str, parent=None) -> None:
        super().__init__(_key("title"), parent)
        self.setObjectName(name)
        self.why: WhyExample | None = None
        layout = QVBoxLayout(self)
        self.heading = note("", "whyHeading")
        layout.addWidget(self.heading)
        row = QHBoxLayout()
        self.picture = QLabel()
        self.picture.setObjectName("whyPicture")
        self.picture.setAlignment(Qt.AlignTop | Qt.AlignLeft)
        self.picture.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Fixed)
        row.addWidget(self.picture, 0, Qt.AlignTop)
        side = QVBoxLayout()
        self.marked = note("", "whyMarkedText")
        self.marked.setTextFormat(Qt.RichText)
        self.sentences = note("", "whySentences")
        self.sentences.setTextFormat(Qt.RichText)
        self.table = ResultTable("whyTable")
        for widget in (self.marked, self.sentences):
            widget.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
            side.addWidget(widget)
        side.addWidget(self.table, 0, Qt.AlignLeft)
        side.addStretch(1)
        row.addLayout(side, 1)
        layout.addLayout(row)
        self.hide()

    def show_why(self, result: dict | None, where: str = "") -> None:
        """Show a job's result (None: hide); ``where`` names the example (e.g. "row 17")."""
        if not result:
            self.why = None
            self.hide()
            return
        why = WhyExample.from_dict(result)
        self.why = why
        self.heading.setText(_key("heading", where=where, label=why.label,
                                  seconds=f"{why.seconds:.1f}"))
        self.sentences.setText("<br>".join(html.escape(line) for line in why.lines))
        self._show_picture(why)
        self._show_text(why)
        self._show_table(why)
        self.show()

    def _show_picture(self, why: WhyExample) -> None:
        pixmap = QPixmap(why.overlay) if why.overlay else QPixmap()
        self.picture.setVisible(not pixmap.isNull())
        if not pixmap.isNull():
            self.picture.setPixmap(pixmap.scaled(PICTURE, PICTURE, Qt.KeepAspectRatio,
                                                 Qt.SmoothTransformation))
            self.picture.setToolTip(_key("picture_tip"))

    def _show_text(self, why: WhyExample) -> None:
        self.marked.setVisible(bool(why.segments))
        if why.segments:
            self.marked.setText(marked_html(why.segments))
            self.marked.setToolTip(_key("marked_tip"))

    def _show_table(self, why: WhyExample) -> None:
        regression = why.task == "regression"
        parts = why.parts[:TABLE_ROWS]
        rows = [[str(n), p.name, _signed(p.effect),
                 p.answer_without if regression else f"{p.answer_without} "
                                                     f"({p.score_without:.2f})"]
                for n, p in enumerate(parts, 1)]
        # text keys: gui.why.col_change_class gui.why.col_change_value
        change = "col_change_value" if regression else "col_change_class"
        headers = [_key("col_rank"), _key("col_input"), _key(change), _key("col_without")]
        self.table.fill(headers, rows, numeric={0, 2})
        self.table.setVisible(bool(rows))


def _signed(value: float) -> str:
    """``+0.123``; a change too small to show is ``0.000`` (never ``-0.000``)."""
    return "0.000" if abs(value) < 5e-4 else f"{value:+.3f}"


def marked_html(segments) -> str:
    """The text as rich text, each word shaded by its weight (0..1) toward ``MARK``."""
    out = []
    for piece, weight in segments:
        words = html.escape(piece)
        if weight >= FAINTEST:
            colour = "#%02x%02x%02x" % tuple(round(255 * (1 - weight * 0.7) + c * weight * 0.7)
                                             for c in MARK)
            bold = "font-weight:bold;" if weight >= 0.5 else ""
            words = f'<span style="background-color:{colour};{bold}">{words}</span>'
        out.append(words)
    return "".join(out)
