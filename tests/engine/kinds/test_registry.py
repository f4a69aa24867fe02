"""The data kinds' registry: every kind is registered with its traits, an unknown name is
refused clearly, and no room above the kinds compares data-kind names."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from engine.kinds.kind import AUGMENTATIONS, DataKind
from engine.kinds.registry import DATA_KINDS, UnknownDataKind, data_kind

ROOT = Path(__file__).resolve().parents[3]


def test_every_kind_is_registered_under_its_own_name():
    assert DATA_KINDS == ("table", "images", "text", "sequence", "sound")
    for name in DATA_KINDS:
        kind = data_kind(name)
        assert isinstance(kind, DataKind)
        assert kind.name == name
        assert kind.augmentation in AUGMENTATIONS


def test_the_traits_say_what_differs_by_kind():
    table, images, text, sequence, sound = (data_kind(n) for n in DATA_KINDS)
    assert [k.augmentation for k in (table, images, text, sequence, sound)] == [
        "noise", "image", "none", "series", "sound"]
    assert [k.default_family for k in (table, images, text, sequence, sound)] == [
        "mlp", "cnn", "text_pool", "conv1d", "sound_cnn"]
    assert [k.name for k in (table, images, text, sequence, sound) if k.folder] == [
        "images", "sound"]
    assert sound.key_columns(["file"], None) == ["file"] and not sound.image_inputs
    assert sound.explained_by == "channels_and_windows"
    assert [k.name for k in (table, images, text, sequence) if k.near_by_text] == ["text"]
    assert [k.name for k in (table, images, text, sequence) if k.word_inputs] == ["text"]
    assert [k.name for k in (table, images, text, sequence) if k.needs_text_column] == ["text"]
    assert [k.name for k in (table, images, text, sequence) if k.image_inputs] == ["images"]
    assert [k.name for k in (table, images, text, sequence) if k.repeats_by_chance] == [
        "table", "sequence"]
    assert sequence.layouts == ("wide", "long") and not table.layouts
    assert images.key_columns(["file"], None) == ["file"]
    assert text.key_columns(["a", "b"], "words") == ["words"]
    assert table.key_columns(["a", "b"], None) == ["a", "b"]


def test_the_default_families_are_families_of_the_zoo():
    from engine.models import zoo

    for name in DATA_KINDS:
        assert zoo.FAMILIES[data_kind(name).default_family].data_kind == name
        assert zoo.default_kind(name) == data_kind(name).default_family


def test_an_unknown_kind_is_refused_with_the_known_ones():
    with pytest.raises(UnknownDataKind, match="unknown data kind 'video'.*table, images.*sound"):
        data_kind("video")
    with pytest.raises(ValueError):
        data_kind(None)


def test_looking_a_kind_up_imports_no_heavy_library():
    code = ("import sys, engine.kinds.registry as r; [r.data_kind(n) for n in r.DATA_KINDS]; "
            "print([m for m in ('sklearn', 'keras', 'tensorflow', 'PIL') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"


def test_examples_are_shown_as_their_kind_shows_them(tmp_path):
    import pandas as pd

    row = pd.Series({"file": "cat/1.png", "words": "Hello there", "x": 1.5})
    assert data_kind("images").example_shower([], None, tmp_path)(row)["image"] == str(
        tmp_path / "cat/1.png")
    shown = data_kind("text").example_shower(["words", "x"], "words", tmp_path)(row)
    assert shown["text"] == "Hello there" and shown["values"] == {"x": "1.5"}
    shown = data_kind("table").example_shower(["x"], None, tmp_path)(row)
    assert shown == {"values": {"x": "1.5"}, "text": None, "image": None}


DATA_KIND_SWITCH = re.compile(r"""kind\s*[!=]=\s*["'](table|images|text|sequence|sound)["']""")


def test_no_room_above_the_kinds_compares_data_kind_names():
    """Higher rooms and the GUI ask the kind object (``engine.kinds.registry``) for a trait;
    a new kind is then one module and one registration line."""
    found = []
    for folder in ("engine", "gui"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path.is_relative_to(ROOT / "engine" / "kinds"):
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if DATA_KIND_SWITCH.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []
