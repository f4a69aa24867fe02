"""The sound CNN learns the bundled machine sounds well above chance in a few epochs, and
its saved file (spectrogram inside) passes the safe model check and predicts the same."""

import time

import keras
import numpy as np
from sklearn.model_selection import train_test_split

from engine.data.samples import SAMPLES
from engine.data.sound_folder import read_sound_folder
from engine.kinds.sound_inputs import fit_sound_inputs
from engine.models.safe_model_check import check_model_file
from engine.models.zoo import build_model, default_kind


def test_the_machine_sounds_train_well_above_chance(tmp_path):
    sample = SAMPLES["machine_sounds"]
    read = read_sound_folder(sample.path)
    train, dev = train_test_split(read.frame, test_size=0.3, random_state=0,
                                  stratify=read.frame["class"])
    labels = sorted(read.classes)
    coding = fit_sound_inputs(train, sample.path, "multiclass", labels, None)
    X_train, X_dev = coding.transform(train), coding.transform(dev)
    y_train, y_dev = coding.encode_target(train["class"]), coding.encode_target(dev["class"])
    assert default_kind("sound") == "sound_cnn"
    assert 3600 <= coding.samples <= 4400  # the median of clips of 0.45 to 0.55 s

    keras.utils.set_random_seed(0)
    model = build_model("sound_cnn", coding.input_shape, "multiclass", 3, {"seed": 0})
    assert model.get_layer("spectrogram").output.shape[1] == 40
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    started = time.perf_counter()
    model.fit(X_train, y_train, epochs=6, batch_size=16, verbose=0)
    seconds = time.perf_counter() - started
    dev_accuracy = float(np.mean(model.predict(X_dev, verbose=0).argmax(1) == y_dev))
    print(f"sound CNN, 6 epochs on {len(train)} clips: {seconds:.1f} s, "
          f"dev accuracy {dev_accuracy:.3f}")
    assert dev_accuracy > 0.7  # chance is 1/3

    path = tmp_path / "sound.keras"
    model.save(path)
    check_model_file(path)  # the spectrogram layer is a plain Keras layer: accepted
    again = keras.saving.load_model(path)
    np.testing.assert_allclose(again.predict(X_dev[:4], verbose=0),
                               model.predict(X_dev[:4], verbose=0), atol=1e-5)
