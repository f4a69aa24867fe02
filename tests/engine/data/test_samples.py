"""The bundled samples are what their builders make, and each reads as its data kind."""

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from engine.data.samples import SAMPLES, sample_frame


@pytest.mark.parametrize("name", [n for n, s in SAMPLES.items() if not s.path.is_dir()])
def test_bundled_tables_match_their_builders(name):
    bundled = pd.read_csv(SAMPLES[name].path)
    rebuilt = sample_frame(name)
    assert list(bundled.columns) == list(rebuilt.columns)
    assert len(bundled) == len(rebuilt)
    for column in rebuilt.columns:
        if pd.api.types.is_numeric_dtype(rebuilt[column]):
            np.testing.assert_allclose(bundled[column], rebuilt[column], rtol=1e-5, atol=1e-6)
        else:
            assert bundled[column].astype(str).tolist() == rebuilt[column].astype(str).tolist()


def test_bundled_digits_are_scikit_learns_scans():
    from sklearn.datasets import load_digits

    raw = load_digits()
    folder = SAMPLES["digits"].path
    counts = {int(p.name.split("_")[1]): len(list(p.glob("*.png"))) for p in folder.iterdir()}
    assert counts == {d: int((raw.target == d).sum()) for d in range(10)}
    pixels = np.asarray(Image.open(folder / f"digit_{raw.target[5]}" / "0005.png"))
    np.testing.assert_array_equal(pixels, (raw.images[5] * (255 / 16)).round())


def test_bundled_machine_sounds_are_what_the_builder_makes(tmp_path):
    from engine.data.samples import write_sample

    bundled = SAMPLES["machine_sounds"].path
    rebuilt = write_sample("machine_sounds", tmp_path)
    names = sorted(p.relative_to(bundled).as_posix() for p in bundled.rglob("*.wav"))
    assert len(names) == 180
    assert names == sorted(p.relative_to(rebuilt).as_posix() for p in rebuilt.rglob("*.wav"))
    for name in names:
        assert (bundled / name).read_bytes() == (rebuilt / name).read_bytes(), name
