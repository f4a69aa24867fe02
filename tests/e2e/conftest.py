"""The e2e wizard test uses the GUI tests' isolation of settings and home folder."""

from tests.gui.conftest import isolated_settings  # noqa: F401 - a fixture, used by pytest
