"""A Play button for one recording, with a line that says what it is doing.

The clip (a WAV file the engine named) plays through Qt Multimedia: ``QMediaPlayer`` with a
``QAudioOutput``, made on the first press, so a page that never plays loads nothing. A
second press, or Escape while it plays, stops it. When the computer cannot play sound
(Qt's multimedia library cannot load, say without PulseAudio on Linux; no loudspeaker or
headphones; a file that will not play) the line says so plainly and nothing else happens.
The pages put the button beside a table of examples and call ``set_clip`` with the
selected example's recording; Space in those tables presses it.

Use:
    player = ClipPlayer("errorPlayer")
    player.set_clip("/data/hum/hum_003.wav")
    player.play()
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from gui.pages.base import gui_text
from gui.pages.labels import note

PLAY_KEYS = "Space"


def multimedia():
    """Qt's multimedia module, or None when it cannot load on this computer."""
    try:
        # Imported here: Qt Multimedia loads the system's sound libraries, only on a press.
        from PySide6 import QtMultimedia
    except ImportError:
        return None
    return QtMultimedia


def has_output(module) -> bool:
    """Whether the computer has a loudspeaker or headphones Qt can play to."""
    return bool(module.QMediaDevices.audioOutputs())


class ClipPlayer(QWidget):
    """The Play/Stop button and its status line (see the module doc)."""

    def __init__(self, name: str, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.clip: str | None = None
        self.player = None
        self._output = None
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.button = QPushButton(gui_text("sound.play"))
        self.button.setObjectName(f"{name}Button")
        self.button.setAutoDefault(True)  # Enter presses it when it has the focus
        keys = QKeySequence(PLAY_KEYS).toString(QKeySequence.NativeText)
        self.button.setToolTip(gui_text("sound.play_tip", keys=keys))
        self.button.clicked.connect(self.toggle)
        self.status = note("", f"{name}Status", muted=True)
        row.addWidget(self.button)
        row.addWidget(self.status, 1)
        stop = QShortcut(QKeySequence(Qt.Key_Escape), self, self.stop)
        stop.setContext(Qt.WidgetWithChildrenShortcut)
        self.set_clip(None)

    # ----- the clip
    def set_clip(self, path: str | None) -> None:
        """Show the clip a press will play (None: nothing to play); stops a clip playing."""
        if path != self.clip:
            self.stop()
        self.clip = path or None
        self.button.setEnabled(self.clip is not None)
        if self.clip is None:
            self.status.setText(gui_text("sound.pick_first"))
        elif not self.playing:
            self.status.setText(gui_text("sound.ready", name=Path(self.clip).name))

    @property
    def playing(self) -> bool:
        player = self.player
        return player is not None and player.playbackState() == player.PlaybackState.PlayingState

    # ----- pressing
    def toggle(self) -> None:
        self.stop() if self.playing else self.play()

    def play(self) -> None:
        """Play the clip from its start, or say plainly why it cannot be played."""
        if self.clip is None:
            return
        module = multimedia()
        if module is None:
            self.status.setText(gui_text("sound.no_library"))
            return
        if not has_output(module):
            self.status.setText(gui_text("sound.no_device"))
            return
        if self.player is None:
            self.player = module.QMediaPlayer(self)
            self._output = module.QAudioOutput(self)
            self.player.setAudioOutput(self._output)
            self.player.playbackStateChanged.connect(self._state_changed)
            self.player.errorOccurred.connect(self._failed)
        self.player.setSource(QUrl.fromLocalFile(str(self.clip)))
        self.player.setPosition(0)
        self.player.play()

    def stop(self) -> None:
        if self.player is not None:
            self.player.stop()

    def _state_changed(self, _state) -> None:
        playing = self.playing
        self.button.setText(gui_text("sound.stop" if playing else "sound.play"))
        if self.clip is not None:
            key = "sound.playing" if playing else "sound.ready"
            self.status.setText(gui_text(key, name=Path(self.clip).name))

    def _failed(self, _error, reason: str) -> None:
        self.status.setText(gui_text("sound.cannot_play", reason=reason or "?"))
