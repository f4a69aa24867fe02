"""Model files are checked and loaded as one private, unpacked copy, within limits.

The attacks of issue 15 (points 12, 13 and 16), each made here and shown to fail: a zip bomb
added to a real export unpacks nothing (small on disk, it would unpack to 2 GB); a file
swapped between the check and the load changes nothing (the checked copy is what Keras
loads); a lookup layer whose vocabulary is a file outside the model and a layer claiming one
of Keras' private modules are refused by Practica's own check. A model Keras cannot load
ends in one plain line too.
"""

from __future__ import annotations

import importlib
import inspect
import json
import shutil
import zipfile
import zlib
from unittest import mock

import numpy as np
import pytest

import engine.models.model_unpack as unpack
from engine.cli.main import main as cli_main
from engine.models.model_config_check import KERAS_SRC_OPS, NOT_OPS
from engine.models.model_unpack import private_model, unpack_model
from engine.models.safe_model_check import (MAX_MEMBERS, UNPACK_FLOOR_BYTES, UnsafeModelError,
                                            check_model_file, unpack_limit)
from engine.models.safe_model_load import ModelUnreadableError, load_keras_model
from tests.conftest import make_mixed_frame

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")
ZEROS = bytes(1 << 20)


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    """A trained table project's model in an export folder (as ``practica export`` writes
    one, without the slow SavedModel), and new rows."""
    from engine.split.datasets import split_frame
    from tests.engine.models.test_malicious_models import _export_folder
    from tests.engine.use.test_prediction import _project

    root = tmp_path_factory.mktemp("unpack")
    project, ids = _project(root, make_mixed_frame(n=120), models=("mlp",))
    folder = _export_folder(root, project.run_dir(ids[0]) / "model.keras", project)
    new = root / "new.csv"
    split_frame(project, "dev").drop(columns=["bought"]).to_csv(new, index=False)
    return folder, new


@pytest.fixture
def written(monkeypatch):
    """Every byte the private copy and the unpacking write, counted as they are written."""
    counts = {"bytes": 0, "files": 0}
    real = unpack._new_file

    def counting(path):
        counts["files"] += 1
        fh = real(path)
        write = fh.write

        def counted(data):
            counts["bytes"] += len(data)
            return write(data)

        fh.write = counted
        return fh

    monkeypatch.setattr(unpack, "_new_file", counting)
    return counts


def _one_line_exit_2(argv, capsys, *words) -> str:
    code = cli_main(argv)
    out, err = capsys.readouterr()
    assert code == 2, out + err
    assert len(err.strip().splitlines()) == 1 and err.startswith("practica: "), err
    for word in words:
        assert word in err, err
    return err


class _PackedZeros:
    """A compressor that hands back 1 MiB of zeros already deflated: the bomb is built in
    seconds, as a real, valid zip (zipfile still writes each member's CRC and sizes)."""

    packed = None

    def __init__(self):
        if _PackedZeros.packed is None:
            deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
            _PackedZeros.packed = deflate.compress(ZEROS) + deflate.flush()

    def compress(self, data):
        assert data == ZEROS
        return self.packed

    def flush(self):
        return b""


def _bomb(model: bytes, path, members: int = 2000) -> None:
    """``model`` (a real .keras file) with ``members`` more members of 1 MiB of zeros."""
    path.write_bytes(model)
    with mock.patch.object(zipfile, "_get_compressor", lambda *_a, **_k: _PackedZeros()), \
            zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as zf:
        for i in range(members):
            zf.writestr(f"assets/pad{i}.bin", ZEROS)
    with zipfile.ZipFile(path) as zf:  # a valid zip: the last member reads back
        assert zf.read(f"assets/pad{members - 1}.bin") == ZEROS


def test_a_zip_bomb_in_an_export_unpacks_nothing(export, tmp_path, capsys, written):
    folder, new = export
    bombed = tmp_path / "export"
    shutil.copytree(folder, bombed)
    out = tmp_path / "p.csv"
    assert cli_main(["predict", str(bombed), str(new), "--out", str(out)]) == 0  # it works
    capsys.readouterr()
    clean = (bombed / "model.keras").read_bytes()
    _bomb(clean, bombed / "model.keras")
    size = (bombed / "model.keras").stat().st_size
    with zipfile.ZipFile(bombed / "model.keras") as zf:
        declared = sum(i.file_size for i in zf.infolist())
    assert size < 3 << 20 and declared > 2000 << 20  # 2.3 MB on disk, 2 GB unpacked
    written.update(bytes=0, files=0)
    out.unlink()
    _one_line_exit_2(["predict", str(bombed), str(new), "--out", str(out)], capsys,
                     "model.keras holds 2003 files")
    assert not out.exists()
    # Only the private copy was written (refused in the throw-away process before unpacking).
    assert written == {"bytes": size, "files": 1}
    # Fewer members under the member limit, still far past the size limit.
    _bomb(clean, bombed / "model.keras", members=400)
    size = (bombed / "model.keras").stat().st_size
    written.update(bytes=0, files=0)
    _one_line_exit_2(["predict", str(bombed), str(new), "--out", str(out)], capsys,
                     "would unpack to 400.", "at most 256.0 MB", "fill the disk")
    assert written == {"bytes": size, "files": 1}
    # Unpacked without the throw-away check, the unpacking refuses it before its first byte.
    written.update(bytes=0, files=0)
    with pytest.raises(UnsafeModelError, match="would unpack to"):
        with private_model(bombed / "model.keras", check=lambda _path: None):
            pass
    assert written == {"bytes": size, "files": 1}
    into = tmp_path / "into"
    with pytest.raises(UnsafeModelError, match="would unpack to"):
        unpack_model(bombed / "model.keras", into)
    assert list(into.iterdir()) == []


def test_the_unpacking_counts_the_bytes_it_writes(export, tmp_path, monkeypatch, written):
    """Declared sizes within the limit, bytes past it: the unpacking stops at the limit."""
    model = export[0] / "model.keras"
    limit = 4096
    monkeypatch.setattr(unpack, "unpack_limit", lambda _size: limit)
    with pytest.raises(UnsafeModelError, match="more bytes than it says"):
        unpack_model(model, tmp_path / "into")
    assert 0 < written["bytes"] <= limit
    assert sum(p.stat().st_size for p in (tmp_path / "into").rglob("*") if p.is_file()) <= limit


def test_the_limits_on_members(tmp_path, export):
    clean = (export[0] / "model.keras").read_bytes()
    assert unpack_limit(len(clean)) == UNPACK_FLOOR_BYTES
    many = tmp_path / "many.keras"
    many.write_bytes(clean)
    with zipfile.ZipFile(many, "a") as zf:
        for i in range(MAX_MEMBERS):
            zf.writestr(f"assets/{i}.txt", b"x")
    with pytest.raises(UnsafeModelError, match=f"holds {MAX_MEMBERS + 3} files"):
        check_model_file(many)
    twice = tmp_path / "twice.keras"
    twice.write_bytes(clean)
    with zipfile.ZipFile(twice, "a") as zf:
        zf.writestr("Config.json", b"{}")
    with pytest.raises(UnsafeModelError, match="twice"):
        check_model_file(twice)


def _swap_after_check(monkeypatch, original, replacement):
    """The throw-away check passes (or refuses) the private copy; then ``original`` is
    overwritten with ``replacement``, as an attacker racing the load would."""
    import engine.models.safe_model_load as loader

    real = loader.check_in_child

    def check_then_swap(path, *args, **kwargs):
        try:
            real(path, *args, **kwargs)
        finally:
            shutil.copyfile(replacement, original)

    monkeypatch.setattr(loader, "check_in_child", check_then_swap)


def test_transfer_loads_the_checked_copy_not_a_file_swapped_in(tmp_path, monkeypatch):
    from engine.models import zoo
    from engine.models.transfer import transfer_model
    from tests.engine.models.test_malicious_models import _lambda_model

    canary = tmp_path / "canary"
    evil = tmp_path / "evil.keras"
    _lambda_model(canary).save(evil)
    clean = zoo.build_model("mlp", (3,), "binary", 2, {"width": 4, "depth": 1})
    source = tmp_path / "source.keras"
    clean.save(source)
    kept = tmp_path / "kept.keras"
    shutil.copyfile(source, kept)
    _swap_after_check(monkeypatch, source, evil)
    moved = transfer_model(str(source), (3,), "multiclass", 3)
    assert source.read_bytes() == evil.read_bytes()  # the swap happened, after the check
    assert not canary.exists()
    assert "lambda" not in {layer.name for layer in moved.model.layers}
    np.testing.assert_array_equal(moved.model.get_layer("dense_1").get_weights()[0],
                                  clean.get_layer("dense_1").get_weights()[0])
    # The other way round: a refused file stays refused though a clean one is swapped in.
    shutil.copyfile(evil, source)
    _swap_after_check(monkeypatch, source, kept)
    with pytest.raises(UnsafeModelError, match="program code"):
        transfer_model(str(source), (3,), "multiclass", 3)
    assert not canary.exists()


def _lookup_model(path, vocabulary):
    """A real model with a StringLookup, its config's vocabulary then set to ``vocabulary``."""
    import keras

    inputs = keras.Input((1,), dtype="string")
    keras.Model(inputs, keras.layers.StringLookup(vocabulary=["a", "b"], name="lookup")(
        inputs)).save(path)
    with zipfile.ZipFile(path) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    config = json.loads(members["config.json"])
    config["config"]["layers"][1]["config"]["vocabulary"] = vocabulary
    members["config.json"] = json.dumps(config).encode()
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def test_a_lookup_vocabulary_read_from_a_file_outside_is_refused(tmp_path):
    import keras

    secret = tmp_path / "secret.txt"
    secret.write_text("alpha\nbravo\n")
    path = tmp_path / "lookup.keras"
    _lookup_model(path, str(secret))
    # The trick is live: Keras without its safe mode reads the file named in the config.
    read = keras.saving.load_model(path, safe_mode=False)
    assert "alpha" in read.get_layer("lookup").get_vocabulary()
    for check in (check_model_file, lambda p: load_keras_model(p, outside=True)):
        with pytest.raises(UnsafeModelError, match="StringLookup layer whose vocabulary"):
            check(path)
    ok = tmp_path / "ok.keras"
    _lookup_model(ok, ["a", "b", "c"])
    assert load_keras_model(ok, outside=True).get_layer("lookup").get_vocabulary()[1:] == \
        ["a", "b", "c"]


def test_a_layer_claiming_a_private_keras_module_is_refused(tmp_path):
    from tests.engine.models.test_malicious_models import _dense, _keras_zip, _sequential

    for module, name in (("keras.src.layers.core.lambda_layer", "Lambda2"),
                         ("keras.src.layers.core.lambda_layer", "python_utils"),
                         ("keras.src.ops.numpy", "backend"),
                         ("keras.src.utils.file_utils", "File"),
                         ("keras.src.models.functional", "serialization_lib")):
        path = tmp_path / "private.keras"
        _keras_zip(path, _sequential(_dense(), {"module": module, "class_name": name,
                                                "registered_name": None, "config": {}}))
        with pytest.raises(UnsafeModelError, match="Keras' own"):
            check_model_file(path)


def test_every_model_family_passes_and_the_op_names_are_operations(tmp_path):
    """What Keras itself writes under ``keras.src`` (a Functional model, a mask's NotEqual)
    passes; a capitalised name in an ops module is always an operation class."""
    from keras.src.ops.operation import Operation

    from engine.models import zoo

    for family, shape, extra in (("mlp", (4,), {}), ("cnn", (8, 8, 1), {}),
                                 ("conv1d", (6, 2), {}), ("gru", (6, 2), {}),
                                 ("text_pool", (6,), {"vocab_size": 20}),
                                 ("text_conv", (6,), {"vocab_size": 20})):
        model = zoo.build_model(family, shape, "multiclass", 3, {}, augment=0.3, **extra)
        path = tmp_path / f"{family}.keras"
        model.save(path)
        load_keras_model(path, outside=False)
    for name in KERAS_SRC_OPS:
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if attr[:1].isupper() and attr not in NOT_OPS:
                assert inspect.isclass(value) and issubclass(value, Operation), (name, attr)


def test_a_model_keras_cannot_load_ends_in_one_line(export, tmp_path, capsys):
    """Passes the check (Keras' own layers only) but its weights are not a model's."""
    from tests.engine.models.test_malicious_models import _dense, _keras_zip, _sequential

    folder, new = export
    broken = tmp_path / "export"
    shutil.copytree(folder, broken)
    _keras_zip(broken / "model.keras", _sequential(_dense()))
    check_model_file(broken / "model.keras")
    with pytest.raises(ModelUnreadableError):
        load_keras_model(broken / "model.keras", outside=True)
    _one_line_exit_2(["predict", str(broken), str(new), "--out", str(tmp_path / "p.csv")],
                     capsys, "Keras cannot load it")
