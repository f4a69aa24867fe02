"""Fetching and adding pretrained weights, against a local HTTP server on 127.0.0.1: the real
download, resume, checksum and cache code; only the catalogue entry points at the local
server and holds the small test file's SHA-256."""

import hashlib
import urllib.request

import pytest

from engine.core.errors import JobCancelled, WeightsError
from engine.core.jobs import CancelToken, Progress
from engine.models.pretrained import catalogue
from engine.models.pretrained.download import fetch_weights
from engine.models.pretrained.install import add_weights_file, weights_status
from tests.engine.models.weights_server import WeightsServer

NAME = "MobileNetV3Small"
BODY = bytes(range(256)) * 2000  # 512 000 bytes: several chunks
FILE = "weights_mobilenet_v3_small_224_1.0_float_no_top_v2.h5"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A fresh Keras home, no proxy from this machine, and the entry with BODY's SHA-256."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "no_proxy",
                 "NO_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setitem(catalogue.SOURCES, NAME,
                        ("mobilenet_v3", "sha256", hashlib.sha256(BODY).hexdigest()))
    return tmp_path / "keras" / "models"


@pytest.fixture
def server(monkeypatch):
    with WeightsServer(BODY) as running:
        monkeypatch.setenv("PRACTICA_WEIGHTS_URL", running.url)
        yield running


def test_the_catalogue_holds_keras_addresses_and_published_digests():
    entry = catalogue.weights_entry("ResNet50V2")
    assert entry.url == ("https://storage.googleapis.com/tensorflow/keras-applications/resnet/"
                         "resnet50v2_weights_tf_dim_ordering_tf_kernels_notop.h5")
    assert (entry.algorithm, entry.digest) == ("md5", "fac2f116257151a9d068a22e544a4917")
    assert catalogue.weights_entry("MobileNetV2").algorithm == ""  # Keras publishes none


def test_a_fetch_lands_in_the_keras_cache_with_progress(cache, server):
    events = []
    result = fetch_weights(NAME, progress=events.append)
    assert (cache / FILE).read_bytes() == BODY
    assert result["bytes"] == len(BODY) and result["resumed"] == 0
    assert not list(cache.glob("*.part"))
    sizes = [e for e in events if isinstance(e, Progress) and e.total == len(BODY)]
    assert sizes and sizes[-1].done == len(BODY) and "MB" in sizes[-1].text
    assert server.seen == [(f"/mobilenet_v3/{FILE}", "")]
    assert weights_status()[2]["path"] == str(cache / FILE)


def test_a_wrong_checksum_is_refused_and_nothing_is_kept(cache, server, monkeypatch):
    monkeypatch.setitem(catalogue.SOURCES, NAME, ("mobilenet_v3", "sha256", "ab" * 32))
    with pytest.raises(WeightsError) as refused:
        fetch_weights(NAME)
    assert "ab" * 32 in str(refused.value) and "\n" not in str(refused.value)
    assert list(cache.iterdir()) == []


def test_a_dropped_connection_resumes_with_range(cache, server):
    server.drop_after = len(BODY) // 2
    result = fetch_weights(NAME)
    assert (cache / FILE).read_bytes() == BODY
    assert [r for _, r in server.seen] == ["", f"bytes={len(BODY) // 2}-"]
    assert result["resumed"] == 1


def test_a_server_that_ignores_range_is_read_again_from_the_start(cache, server):
    server.drop_after = len(BODY) // 3
    server.ignore_range = True
    fetch_weights(NAME)
    assert (cache / FILE).read_bytes() == BODY  # not a doubled start
    assert server.seen[1][1] == f"bytes={len(BODY) // 3}-"


def test_cancel_leaves_no_file_and_no_part(cache, server):
    token = CancelToken()

    def progress(event):
        if isinstance(event, Progress) and event.done:
            token.cancel()

    with pytest.raises(JobCancelled):
        fetch_weights(NAME, progress=progress, cancel=token)
    assert list(cache.iterdir()) == []


def test_a_system_proxy_is_used(cache, server, monkeypatch):
    """The address's host does not exist: only the proxy (this server) can answer."""
    monkeypatch.setenv("PRACTICA_WEIGHTS_URL", "http://weights.example.invalid/mirror")
    monkeypatch.setenv("http_proxy", server.url)
    assert urllib.request.getproxies()["http"] == server.url
    fetch_weights(NAME)
    assert (cache / FILE).read_bytes() == BODY
    assert server.seen[0][0] == f"http://weights.example.invalid/mirror/mobilenet_v3/{FILE}"


def test_an_unreachable_server_is_one_line(cache, monkeypatch):
    monkeypatch.setenv("PRACTICA_WEIGHTS_URL", "http://127.0.0.1:9/")  # nothing listens
    monkeypatch.setattr("engine.models.pretrained.download.TRIES", 2)
    with pytest.raises(WeightsError, match="could not be downloaded") as failed:
        fetch_weights(NAME)
    assert "\n" not in str(failed.value)
    assert list(cache.iterdir()) == []


def test_a_file_i_have_is_checked_then_copied(cache, tmp_path):
    good, bad = tmp_path / "good.h5", tmp_path / "bad.h5"
    good.write_bytes(BODY)
    bad.write_bytes(BODY[:-1])
    with pytest.raises(WeightsError) as refused:
        add_weights_file(NAME, bad)
    assert hashlib.sha256(BODY).hexdigest() in str(refused.value)  # what was expected
    assert not cache.exists() or list(cache.iterdir()) == []
    placed = add_weights_file(NAME, good)
    assert (cache / FILE).read_bytes() == BODY and placed["bytes"] == len(BODY)
    assert sorted(p.name for p in cache.iterdir()) == [FILE]


def test_the_published_md5_is_what_a_file_is_checked_against(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    fake = tmp_path / "fake.h5"
    fake.write_bytes(b"not the weights")
    with pytest.raises(WeightsError, match="MD5 .* d3e8ec802a04aa4fc771ee12a9a9b836"):
        add_weights_file(NAME, fake)


def test_a_file_without_published_digest_must_fit_the_network(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    fake = tmp_path / "fake.h5"
    fake.write_bytes(b"not the weights")
    with pytest.raises(WeightsError, match="does not fit the network MobileNetV2"):
        add_weights_file("MobileNetV2", fake, (96, 96))
    assert not (tmp_path / "keras" / "models").exists()


def test_a_model_on_fetched_weights_loads_in_the_safe_loader(cache, tmp_path, monkeypatch):
    """Untrained MobileNetV2 weights stand in for ImageNet's (no outside network here): they
    are served, fetched and checked, a transfer model is built on them, saved, and loaded
    again through the throw-away checking process of the safe loader."""
    import h5py
    import keras
    import numpy as np
    from keras.src.legacy.saving import legacy_h5_format  # writes Keras' .h5 weight files

    from engine.models.safe_model_load import load_keras_model
    from engine.models.transfer import transfer_model

    reference = keras.applications.MobileNetV2(include_top=False, weights=None,
                                               input_shape=(32, 32, 3), alpha=0.35)
    made = tmp_path / "made.h5"
    with h5py.File(made, "w") as fh:
        legacy_h5_format.save_weights_to_hdf5_group(fh, reference)
    body = made.read_bytes()
    monkeypatch.setitem(catalogue.SOURCES, "MobileNetV2",
                        ("mobilenet_v2", "sha256", hashlib.sha256(body).hexdigest()))
    monkeypatch.setitem(catalogue.BACKBONES, "MobileNetV2",
                        (catalogue.BACKBONES["MobileNetV2"][0], {"alpha": 0.35}))
    with WeightsServer(body) as server:
        monkeypatch.setenv("PRACTICA_WEIGHTS_URL", server.url)
        fetched = fetch_weights("MobileNetV2", (32, 32))
    built = transfer_model("keras:MobileNetV2", (32, 32, 3), "binary", 2, freeze_layers=-1)
    saved = tmp_path / "on_backbone.keras"
    built.model.save(saved)
    loaded = load_keras_model(saved, outside=True)  # checked in a child process first
    x = np.random.default_rng(0).normal(size=(2, 32, 32, 3)).astype("float32")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), built.model.predict(x, verbose=0),
                               rtol=1e-5)
    np.testing.assert_array_equal(
        loaded.get_layer("base").get_layer("Conv1").get_weights()[0],
        reference.get_layer("Conv1").get_weights()[0])
    assert fetched["path"].endswith("_1.0_224_no_top.h5")
