"""Practica's desktop app (PySide6 + pyqtgraph). It shows state and starts engine jobs."""
