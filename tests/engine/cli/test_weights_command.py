"""``practica weights``: the list, ``get`` from a local server, ``add`` with a wrong file."""

import hashlib

import pytest

from engine.cli.main import main
from engine.models.pretrained import catalogue
from tests.engine.models.weights_server import WeightsServer

BODY = b"weights " * 40_000
FILE = "weights_mobilenet_v3_large_224_1.0_float_no_top_v2.h5"


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    for name in ("http_proxy", "HTTP_PROXY", "no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setitem(catalogue.SOURCES, "MobileNetV3Large",
                        ("mobilenet_v3", "sha256", hashlib.sha256(BODY).hexdigest()))
    return tmp_path / "keras" / "models"


def test_list_get_and_add(home, tmp_path, monkeypatch, capsys):
    assert main(["weights"]) == 0
    listed = capsys.readouterr().out
    assert "MobileNetV3Large  not here" in listed and "MD5" in listed
    with WeightsServer(BODY) as server:
        monkeypatch.setenv("PRACTICA_WEIGHTS_URL", server.url)
        assert main(["weights", "get", "MobileNetV3Large"]) == 0
    said = capsys.readouterr().out
    assert f"{FILE} (0.3 MB)" in said and "Downloading the weights" in said
    assert (home / FILE).read_bytes() == BODY
    assert main(["weights"]) == 0
    assert "MobileNetV3Large  here (0.3 MB)" in capsys.readouterr().out
    wrong = tmp_path / "copied.h5"
    wrong.write_bytes(b"something else")
    assert main(["weights", "add", "MobileNetV3Large", str(wrong)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and hashlib.sha256(BODY).hexdigest() in err
    assert main(["weights", "add", "MobileNetV3Large"]) == 2
