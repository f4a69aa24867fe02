"""Saving and loading the project's fitted preprocessing (``preprocess.json``)."""

from __future__ import annotations

import json

from engine import atomic
from engine.errors import ProjectError
from engine.preprocess import Preprocessor
from engine.project import PREPROCESS_FILE, Project
from engine.texts import text


def save_preprocessor(project: Project, prep: Preprocessor) -> None:
    atomic.write_json(project.root / PREPROCESS_FILE, prep.to_dict())


def load_preprocessor(project: Project) -> Preprocessor:
    path = project.root / PREPROCESS_FILE
    if not path.is_file():
        raise ProjectError(text("project.no_split"))
    return Preprocessor.from_dict(json.loads(path.read_text(encoding="utf-8")))
