"""installer/lean.py: what the bundle's spec leaves out and the symbols it strips.

The bundle itself is checked by ``make installer-check`` (installer/smoke.sh runs the built
app); these tests check the rules on their own, fast.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

INSTALLER = Path(__file__).resolve().parents[2] / "installer"


def _lean():
    spec = importlib.util.spec_from_file_location("lean", INSTALLER / "lean.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


lean = _lean()


def test_other_backends_and_test_modules_are_left_out():
    assert lean.keep_module("keras.src.ops.core")
    assert lean.keep_module("optuna.samplers._tpe.sampler")
    assert not lean.keep_module("keras.src.backend.torch.core")
    assert not lean.keep_module("keras.src.backend.jax.trainer")
    assert not lean.keep_module("keras.src.ops.core_test")
    assert not lean.keep_module("optuna.testing.storages")


def test_headers_sources_tests_and_translations_are_left_out_of_the_data():
    toc = [("pyarrow/include/arrow/api.h", "a", "DATA"), ("pyarrow/_csv.pyx", "b", "DATA"),
           ("pyarrow/tests/data/x.parquet", "c", "DATA"),
           ("PySide6/Qt/translations/qt_de.qm", "d", "DATA"),
           ("resources/help/cli.toml", "e", "DATA"), ("matplotlib/mpl-data/matplotlibrc", "f",
                                                     "DATA")]
    kept = [dest for dest, _, _ in lean.datas(toc)]
    assert kept == ["resources/help/cli.toml", "matplotlib/mpl-data/matplotlibrc"]


def test_binaries_never_loaded_are_left_out_and_the_others_kept(tmp_path):
    toc = [("pyarrow/libarrow_flight.so.2600", "/nowhere/a", "BINARY"),
           ("PySide6/Qt/lib/libQt6VirtualKeyboard.so.6", "/nowhere/b", "BINARY"),
           ("pyarrow/libarrow.so.2600", "/nowhere/c", "BINARY")]
    kept = lean.binaries(toc, tmp_path)
    assert [dest for dest, _, _ in kept] == ["pyarrow/libarrow.so.2600"]
    assert kept[0][1] == "/nowhere/c"  # a file that cannot be read is passed on as it is


@pytest.mark.skipif(not sys.platform.startswith("linux") or shutil.which("strip") is None,
                    reason="symbols are stripped on Linux only, with binutils' strip")
def test_a_stripped_extension_module_is_smaller_and_still_imports(tmp_path):
    import markupsafe._speedups as original

    src = Path(original.__file__)
    if not lean._has_symbols(src):
        pytest.skip("this markupsafe was installed already stripped")
    out = Path(lean._stripped("markupsafe/" + src.name, str(src), tmp_path / "stripped"))
    assert out != src and out.stat().st_size < src.stat().st_size
    assert not lean._has_symbols(out)
    assert lean._stripped("markupsafe/" + src.name, str(src), tmp_path / "stripped") == str(out)
    spec = importlib.util.spec_from_file_location("markupsafe._speedups", out)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module._escape_inner("<a>") == "&lt;a&gt;"


def test_a_library_auditwheel_bundled_is_not_stripped(tmp_path):
    libs = tmp_path / "numpy.libs"
    libs.mkdir()
    lib = libs / "libfake.so"
    lib.write_bytes(b"\x7fELF" + b"\0" * 60)
    assert lean._stripped("numpy.libs/libfake.so", str(lib), tmp_path / "s") == str(lib)


def test_word_vectors_are_the_two_files_the_engine_reads():
    from engine.models.pretrained import word_vectors as wv

    assert set(lean.WORD_VECTORS) == {wv.WEIGHTS, wv.TOKENIZER}
    found = lean.word_vectors()
    if wv.package_folder() is None:
        assert found == []
        return
    dests = {(Path(src).name, dest) for src, dest in found}
    assert ("l2_supercat_256.safetensors", str(Path("wordllama") / "weights")) in dests
    assert any(name.startswith("LICENSE") for name, _ in dests)
    assert all(Path(src).is_file() for src, _ in found)


def test_the_versions_named_cover_the_reports_and_the_model_cards():
    from engine.report.pdf.results import LIBRARIES
    from engine.use.versions import RUNTIMES, versions

    named = set(lean.VERSIONS_NAMED)
    assert set(LIBRARIES) | set(RUNTIMES) <= named
    assert {"keras", "tensorflow", "scikit-learn", "lightgbm"} <= named
    assert {"keras", "backend_version", "scikit-learn", "lightgbm"} <= set(versions())
