"""Malicious model files, made here, are refused before Keras sees them, and run nothing.

Each payload would create a canary file if its code ran; every test asserts the canary is
still absent after the refusal. The Lambda payloads are proved live: Keras with safe mode
off does run them (the canary appears), so a check that let them through would be caught.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile

import numpy as np
import pytest

from engine.cli.main import main as cli_main
from engine.models.safe_model_check import OWN_OBJECTS, UnsafeModelError, check_model_file
from engine.models.safe_model_load import check_in_child, child_command, load_keras_model

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def _one_line(message: str) -> None:
    assert message and "\n" not in message.strip() and "Traceback" not in message


def _refused(path, canary, *words) -> str:
    """Refused in the throw-away process and in this one, with one line; nothing ran."""
    with pytest.raises(UnsafeModelError) as isolated:
        check_in_child(path)
    with pytest.raises(UnsafeModelError) as here:
        check_model_file(path)
    message = str(isolated.value)
    assert message == str(here.value)
    _one_line(message)
    for word in words:
        assert word in message
    assert not canary.exists()
    return message


def _keras_zip(path, config, members=None) -> None:
    """A ``.keras`` file laid out as Keras writes one, with ``config`` as its config."""
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("metadata.json", json.dumps({"keras_version": "3.15.1"}))
        zf.writestr("config.json", json.dumps(config))
        zf.writestr("model.weights.h5", b"\x89HDF\r\n\x1a\n" + b"\0" * 64)
        for name, data in (members or {}).items():
            zf.writestr(name, data)


def _dense(activation="relu") -> dict:
    return {"module": "keras.layers", "class_name": "Dense", "registered_name": None,
            "config": {"name": "dense", "units": 2, "activation": activation}}


def _sequential(*layers) -> dict:
    return {"module": "keras", "class_name": "Sequential", "registered_name": None,
            "config": {"name": "model", "layers": list(layers)}}


def _lambda_model(canary):
    """A real Keras model whose Lambda layer writes ``canary`` each time it is called."""
    import keras

    # A Python lambda (not a def): Keras stores its marshalled bytecode in the config.
    path = str(canary)
    payload = lambda x: (open(path, "w").write("code ran"), x)[1]  # noqa: E731
    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Dense(2)(keras.layers.Lambda(payload)(inputs)))
    canary.unlink()  # written while the model was built; from here on it must stay away
    return model


def test_a_lambda_layer_with_code_is_refused_and_runs_nothing(tmp_path):
    canary = tmp_path / "canary"
    path = tmp_path / "lambda.keras"
    _lambda_model(canary).save(path)
    assert "__lambda__" in zipfile.ZipFile(path).read("config.json").decode()
    _refused(path, canary, "program code", "Lambda")
    # The payload is live: Keras without safe mode runs it.
    import keras

    keras.saving.load_model(path, safe_mode=False)
    assert canary.read_text() == "code ran"


GADGETS = {
    "os.system layer": _sequential({"module": "os", "class_name": "system",
                                    "registered_name": "system",
                                    "config": {"command": "touch {canary}"}}),
    "subprocess activation": _sequential(_dense({
        "module": "subprocess", "class_name": "function", "registered_name": "function",
        "config": "getoutput"})),
    "builtins exec": _sequential(_dense({"module": "builtins", "class_name": "function",
                                         "registered_name": None, "config": "exec"})),
    "keras-namespace callable": _sequential({
        "module": "keras.utils", "class_name": "get_file", "registered_name": None,
        "config": {"origin": "file:///etc/hostname", "fname": "{canary}"}}),
    "keras top-level function": _sequential({
        "module": "keras", "class_name": "utils", "registered_name": None, "config": {}}),
    "custom registered object": _sequential({
        "module": "evil.payload", "class_name": "Payload", "registered_name": "evil>Payload",
        "config": {"path": "{canary}"}}),
    "registered name only": _sequential({
        "module": None, "class_name": "Dense", "registered_name": "evil>Payload",
        "config": {"path": "{canary}"}}),
    "a practica name that is not ours": _sequential({
        "module": "engine.cli.main", "class_name": "main", "registered_name": "practica>main",
        "config": {}}),
}


@pytest.mark.parametrize("gadget", sorted(GADGETS))
def test_an_import_gadget_in_the_config_is_refused(tmp_path, gadget):
    canary = tmp_path / "canary"
    config = json.loads(json.dumps(GADGETS[gadget]).replace("{canary}", str(canary)))
    path = tmp_path / "gadget.keras"
    _keras_zip(path, config)
    message = _refused(path, canary)
    assert "Keras' own" in message


def test_a_config_that_turns_unsafe_deserialization_on_is_refused(tmp_path):
    canary = tmp_path / "canary"
    code = {"class_name": "__lambda__", "config": {
        "code": "YQ==", "defaults": [str(canary)], "closure": None}}
    switch = {"module": "keras.config", "class_name": "function",
              "registered_name": "enable_unsafe_deserialization",
              "config": "enable_unsafe_deserialization"}
    lam = {"module": "keras.layers", "class_name": "Lambda", "registered_name": None,
           "config": {"name": "lambda", "function": code}}
    path = tmp_path / "switch.keras"
    _keras_zip(path, _sequential(_dense(switch), lam))
    _refused(path, canary, "protection")
    # Also when only a plain name asks for it, e.g. as an activation.
    path2 = tmp_path / "switch2.keras"
    _keras_zip(path2, _sequential(_dense("keras.config.enable_unsafe_deserialization")))
    _refused(path2, canary, "protection")


def test_an_h5_model_with_a_lambda_is_refused(tmp_path):
    canary = tmp_path / "canary"
    model = _lambda_model(canary)
    path = tmp_path / "legacy.h5"
    model.save(path)  # Keras' legacy HDF5 writer
    assert path.read_bytes()[:8] == b"\x89HDF\r\n\x1a\n"
    import h5py

    with h5py.File(path) as h5:
        assert "Lambda" in str(h5.attrs["model_config"])
    message = _refused(path, canary, ".keras")
    # The same file renamed .keras is still an HDF5 file, and still refused.
    disguised = tmp_path / "legacy.keras"
    disguised.write_bytes(path.read_bytes())
    assert _refused(disguised, canary) == message.replace("legacy.h5", "legacy.keras")


def test_a_zip_bomb_is_refused_without_unpacking(tmp_path):
    canary = tmp_path / "canary"
    config = _sequential(_dense())
    path = tmp_path / "bomb.keras"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("config.json", json.dumps(config))
        with zf.open("model.weights.h5", "w", force_zip64=True) as fh:
            block = bytes(1 << 20)
            for _ in range(64):
                fh.write(block)
    assert path.stat().st_size < 1 << 20
    message = _refused(path, canary, "model.weights.h5", "64.0 MB")
    assert "fill the disk" in message
    # A config.json too big to read is a bomb too.
    big = tmp_path / "big_config.keras"
    with zipfile.ZipFile(big, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("config.json", " " * (65 << 20))
    _refused(big, canary, "config.json")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big_config.keras", "bomb.keras"]


def test_member_names_that_leave_the_archive_are_refused(tmp_path):
    canary = tmp_path / "canary"
    for i, member in enumerate(("../../escape.txt", "/etc/cron.d/x", "assets/../../x")):
        path = tmp_path / f"slip{i}.keras"
        _keras_zip(path, _sequential(_dense()), {member: b"x"})
        _refused(path, canary, member)


def test_files_that_are_not_keras_models_are_refused(tmp_path):
    canary = tmp_path / "canary"
    text = tmp_path / "notes.keras"
    text.write_text("hello")
    _refused(text, canary, "not a .keras")
    empty = tmp_path / "empty.keras"
    with zipfile.ZipFile(empty, "w") as zf:
        zf.writestr("metadata.json", "{}")
    _refused(empty, canary, "config.json")
    with pytest.raises(UnsafeModelError, match="not found"):
        check_model_file(tmp_path / "missing.keras")


def _clean_model():
    from engine.models import zoo
    from engine.training.monitor.optimizer import make_optimizer

    model = zoo.build_model("mlp", (4,), "multiclass", 3, {"width": 8, "depth": 1},
                            augment=0.5)
    model.compile(optimizer=make_optimizer("adam", 1e-3), loss="sparse_categorical_crossentropy")
    return model


def test_a_clean_model_round_trips(tmp_path):
    model = _clean_model()
    config = model.get_config()
    assert "RandomScaling" in json.dumps(config) or "GaussianNoise" in json.dumps(config)
    path = tmp_path / "clean.keras"
    model.save(path)
    assert "TelemetryAdam" in zipfile.ZipFile(path).read("config.json").decode()
    check_in_child(path)
    again = load_keras_model(path, outside=True)
    x = np.random.default_rng(0).normal(size=(5, 4)).astype("float32")
    np.testing.assert_allclose(again.predict_on_batch(x), model.predict_on_batch(x),
                               rtol=1e-6)


def test_practica_s_own_registered_objects_are_the_ones_the_check_knows():
    import keras

    import engine.models.augmentation  # noqa: F401
    from engine.training.monitor.optimizer import OPTIMIZERS, telemetry_class

    for base in OPTIMIZERS.values():
        telemetry_class(base)
    ours: dict[str, set[str]] = {}
    for name, obj in keras.saving.get_custom_objects().items():
        if name.startswith("practica>"):
            ours.setdefault(obj.__module__, set()).add(obj.__name__)
    assert ours == {module: set(names) for module, names in OWN_OBJECTS.items()}


def _export_folder(tmp_path, model_path, split_project):
    """An export folder as ``practica export`` writes one, holding ``model_path``."""
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "model.keras").write_bytes(model_path.read_bytes())
    (folder / "preprocess.json").write_text(
        (split_project.root / "preprocess.json").read_text())
    (folder / "manifest.json").write_text(json.dumps({
        "schema": 1, "app": "practica", "run": "r1", "label": "MLP", "model": "mlp",
        "model_file": "model.keras", "data_kind": "table", "task": "binary",
        "target": "bought", "labels": ["no", "yes"], "metric": "accuracy"}))
    return folder


def test_practica_predict_and_transfer_refuse_a_malicious_model(tmp_path, split_project,
                                                               mixed_csv, capsys):
    from engine.models.transfer import transfer_model

    canary = tmp_path / "canary"
    evil = tmp_path / "evil.keras"
    _lambda_model(canary).save(evil)
    folder = _export_folder(tmp_path, evil, split_project)
    out = tmp_path / "predictions.csv"
    assert cli_main(["predict", str(folder), str(mixed_csv), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    _one_line(err)
    assert "program code" in err and not out.exists() and not canary.exists()
    with pytest.raises(UnsafeModelError, match="program code"):
        transfer_model(str(evil), (3,), "binary", 2)
    assert not canary.exists()


def test_the_throw_away_process_cannot_write_files(tmp_path):
    target = tmp_path / "written.txt"
    code = ("import sys; from engine.models.safe_model_load import restrict_child; restrict_child();"
            "fh = open(sys.argv[1], 'w'); fh.write('x' * 10000); fh.close()")
    done = subprocess.run([sys.executable, "-c", code, str(target)], capture_output=True,
                          cwd=str(tmp_path), timeout=60)
    assert done.returncode != 0 and b"File too large" in done.stderr
    assert not target.exists() or target.stat().st_size == 0
    command = child_command(target)
    assert str(tmp_path) not in " ".join(command[:-1])  # only the file's own path is given


def test_the_hidden_cli_checker_answers_in_one_json_line(tmp_path, capsys, monkeypatch):
    """The installed app checks through ``practica inspect-model FILE`` (it has no ``-c``)."""
    import engine.models.safe_model_load as loader

    limited = []
    monkeypatch.setattr(loader, "restrict_child", lambda: limited.append(True))  # not here
    path = tmp_path / "notes.keras"
    path.write_text("hello")
    assert cli_main(["inspect-model", str(path)]) == 3
    answer = json.loads(capsys.readouterr().out.strip())
    assert answer["ok"] is False and "not a .keras" in answer["message"] and limited
