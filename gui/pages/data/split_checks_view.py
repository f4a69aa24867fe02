"""What the checks of the split found, on the Data page: each finding with its severity mark
and colour, the message and what to do, and a button for the fixes Practica can apply
(leave the copies out of dev and test; leave a column that gives the answer away out of
the inputs). The buttons only ask; the page runs the ``split`` job. Shown from
``project.split.checks``; nothing here computes on data."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from engine.project.parts import SplitCheck, SplitRecord
from gui.pages.base import gui_text
from gui.pages.labels import heading, note

SEVERITY_MARKS = {"blocker": ("\u2716", "#b00020"), "warning": ("\u26A0", "#8a4b00"),
                  "info": ("\u2139", "#2f5d8a")}


def finding_html(finding: dict, words: str = "data") -> str:
    """One finding as rich text: a severity mark and name (``gui.<words>.severity_*``), the
    column if any, the message, then the fix (after ``gui.<words>.fix_prefix``)."""
    severity = finding.get("severity", "info")
    mark, color = SEVERITY_MARKS.get(severity, SEVERITY_MARKS["info"])
    where = ""
    if finding.get("column"):
        where = " — " + html.escape(gui_text("data.finding_column", column=finding["column"]))
    return (f"<span style='color:{color}; font-weight:600'>{mark} "
            f"{html.escape(gui_text(f'{words}.severity_' + severity))}</span>{where}<br>"
            f"{html.escape(finding.get('message', ''))}<br>"
            f"<span style='color:#555'><i>{html.escape(gui_text(f'{words}.fix_prefix'))}</i> "
            f"{html.escape(finding.get('fix', ''))}</span>")


class SplitChecksView(QWidget):
    """Emits ``drop_copies_requested()`` and ``leave_out_requested(column)``."""

    drop_copies_requested = Signal()
    leave_out_requested = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._shown: tuple | None = None
        self._busy = False
        self.buttons: list[QPushButton] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(6)
        outer.addWidget(heading("checks.heading"))
        self.dropped = note(name="checksDropped")
        outer.addWidget(self.dropped)
        self.items = QWidget()
        self.items.setObjectName("splitChecksBox")
        self.items_layout = QVBoxLayout(self.items)
        self.items_layout.setContentsMargins(0, 0, 0, 0)
        self.items_layout.setSpacing(6)
        outer.addWidget(self.items)
        self.blocked = note(gui_text("checks.blocked"), "checksBlocked", role="warning")
        outer.addWidget(self.blocked)
        self.status = note(name="checksStatus")
        outer.addWidget(self.status)

    def show_checks(self, split: SplitRecord) -> None:
        """Show the checks of the split ``split`` (old splits have none)."""
        checks = list(split.checks or ())
        dropped = split.copies_dropped
        key = (repr(checks), repr(dropped))
        if key == self._shown:
            return
        self._shown = key
        self.status.setText("")
        self.status.hide()
        if dropped:
            # text keys: gui.checks.from_{dev,test}, gui.checks.from_train_dev
            where = ", ".join(f"{n} {gui_text(f'checks.from_{k}')}" for k, n in dropped.items())
            self.dropped.setText(gui_text("checks.dropped", n=sum(dropped.values()),
                                          where=where))
        self.dropped.setVisible(bool(dropped))
        self._clear()
        if not checks:
            label = note(gui_text("checks.none"), "splitChecksNone")
            self.items_layout.addWidget(label)
            label.show()
        for finding in checks:
            self._add(finding)
        self.blocked.setVisible(split.blocked)
        self._update_buttons()

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._update_buttons()

    def set_status(self, message: str) -> None:
        self.status.setText(message)
        self.status.setVisible(bool(message))

    # ----- building
    def _clear(self) -> None:
        self.buttons = []
        while self.items_layout.count():
            widget = self.items_layout.takeAt(0).widget()
            if widget is not None:
                widget.hide()
                widget.deleteLater()

    def _add(self, finding: SplitCheck) -> None:
        severity = finding.severity or "info"
        color = SEVERITY_MARKS.get(severity, SEVERITY_MARKS["info"])[1]
        frame = QFrame()
        frame.setObjectName("splitCheck")
        frame.setProperty("severity", severity)
        frame.setStyleSheet(f"QFrame#splitCheck {{ background: #f7f8fa; border-radius: 4px;"
                            f" border-left: 4px solid {color}; }}")
        row = QHBoxLayout(frame)
        row.setContentsMargins(10, 6, 10, 6)
        label = QLabel(finding_html(finding.finding.to_dict(), "checks"))
        label.setObjectName("splitCheckText")
        label.setTextFormat(Qt.RichText)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        row.addWidget(label, 1)
        button = self._button(finding)
        if button is not None:
            row.addWidget(button, 0, Qt.AlignVCenter)
        self.items_layout.addWidget(frame)
        frame.show()

    def _button(self, finding: SplitCheck) -> QPushButton | None:
        fix = finding.way_out
        column = finding.column or ""
        if fix == "drop_copies":
            button = QPushButton(gui_text("checks.drop_copies"))
            button.setObjectName("dropCopiesButton")
            button.setToolTip(gui_text("checks.drop_copies_tip"))
            button.clicked.connect(self.drop_copies_requested)
        elif fix == "leave_out" and column:
            button = QPushButton(gui_text("checks.leave_out"))
            button.setObjectName("leaveOutButton")
            button.setProperty("column", column)
            button.setToolTip(gui_text("checks.leave_out_tip", column=column))
            button.setAccessibleName(gui_text("checks.leave_out_tip", column=column))
            button.clicked.connect(lambda _=False, c=column: self.leave_out_requested.emit(c))
        else:
            return None
        button.setMinimumWidth(170)
        self.buttons.append(button)
        return button

    def _update_buttons(self) -> None:
        for button in self.buttons:
            button.setEnabled(not self._busy)
