"""What every step page shares: the "why this step" text at the top and a refresh hook."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from engine.core import step_help, text
from gui.session import ProjectSession


def gui_text(key: str, **values) -> str:
    """A GUI string ``gui.<key>`` (``resources/help/gui.toml`` and ``gui.<page>.toml``)."""
    return text(f"gui.{key}", **values)


class StepPage(QScrollArea):
    """A scrollable page: the step's help text, then the widgets a subclass adds to
    ``self.body``. ``refresh()`` is called whenever the project changes."""

    step = ""

    def __init__(self, session: ProjectSession, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.NoFrame)
        inner = QWidget()
        self.body = QVBoxLayout(inner)
        self.body.setContentsMargins(24, 16, 24, 16)
        self.body.setSpacing(12)
        # text keys: gui.step.{baseline,data,diagnose,final,report,tune,use}
        title = QLabel(gui_text(f"step.{self.step}"))
        title.setObjectName("pageTitle")
        self.body.addWidget(title)
        why = QLabel(step_help(self.step))
        why.setObjectName("whyText")
        why.setWordWrap(True)
        why.setTextFormat(Qt.MarkdownText)
        self.body.addWidget(why)
        self.setWidget(inner)
        session.project_changed.connect(self.refresh)

    def finish_layout(self) -> None:
        """Call at the end of a subclass' ``__init__``: pushes content to the top."""
        self.body.addStretch(1)
        self.refresh()

    def refresh(self) -> None:  # pragma: no cover - overridden
        """Show the project's current state."""

    @property
    def project(self):
        return self.session.project
