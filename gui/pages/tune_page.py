"""Step 5 — Tune. The search itself arrives with the tuning issue; until then the page says
plainly what it will do and offers no control that does nothing."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from gui.pages.base import StepPage, gui_text


class TunePage(StepPage):
    step = "tune"

    def __init__(self, session, parent=None) -> None:
        super().__init__(session, parent)
        self.coming = QLabel(gui_text("tune.coming"))
        self.coming.setWordWrap(True)
        self.body.addWidget(self.coming)
        self.finish_layout()

    def refresh(self) -> None:
        pass
