"""Where each backbone's ImageNet weights (without the top) come from, and their checksum.

The addresses are the ones ``keras.applications`` downloads from. The checksums are the ones
Keras publishes in its own code (``keras/src/applications/*.py``): they are **MD5** digests,
not SHA-256, for MobileNetV3, ResNet50V2, DenseNet121, Xception and InceptionV3, and Keras
publishes **none** for MobileNet and MobileNetV2 (it downloads those unchecked). Practica
checks what is published: the MD5 where there is one; for a file without a published
digest it checks instead that the file loads into the backbone (``engine.models.pretrained
.install``), which proves the file fits, not where it came from. A SHA-256 can be given per
entry (``algorithm="sha256"``) and is then checked the same way.

The base address can be changed with the environment variable ``PRACTICA_WEIGHTS_URL``
(a mirror inside an organisation, or a local server in tests); the sub-folder and file name
are appended to it.

Example:
    >>> weights_entry("MobileNetV3Small").algorithm
    'md5'
    >>> weights_entry("MobileNetV2", (96, 96)).url.endswith("_1.0_96_no_top.h5")
    True
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from engine.models.backbones import BACKBONES, weights_file

BASE_URL = "https://storage.googleapis.com/tensorflow/keras-applications/"
BASE_URL_VARIABLE = "PRACTICA_WEIGHTS_URL"
DEFAULT_SIDE = (224, 224)

# backbone -> (sub-folder of the base address, published digest algorithm, digest or "")
SOURCES: dict[str, tuple[str, str, str]] = {
    "MobileNetV2": ("mobilenet_v2", "", ""),
    "MobileNet": ("mobilenet", "", ""),
    "MobileNetV3Small": ("mobilenet_v3", "md5", "d3e8ec802a04aa4fc771ee12a9a9b836"),
    "MobileNetV3Large": ("mobilenet_v3", "md5", "07fb09a5933dd0c8eaafa16978110389"),
    "ResNet50V2": ("resnet", "md5", "fac2f116257151a9d068a22e544a4917"),
    "DenseNet121": ("densenet", "md5", "30ee3e1110167f948a6b9946edeeb738"),
    "Xception": ("xception", "md5", "b0042744bf5b25fce3cb969f33bebb97"),
    "InceptionV3": ("inception_v3", "md5", "bcbd6486424b2319ff4ef7d526e38f63"),
}


@dataclass(frozen=True)
class WeightsEntry:
    """One weights file: the backbone, the file name in the Keras cache, its address and
    its published digest (``algorithm`` ``md5`` or ``sha256``; both "" when none is
    published)."""

    name: str
    file: str
    url: str
    algorithm: str = ""
    digest: str = ""


def base_url() -> str:
    """The base address, read now: ``$PRACTICA_WEIGHTS_URL`` or Keras' own.

    Example:
        >>> base_url().startswith("http")
        True
    """
    url = os.environ.get(BASE_URL_VARIABLE, "").strip() or BASE_URL
    return url if url.endswith("/") else url + "/"


def weights_entry(name: str, side: tuple[int, int] | None = None) -> WeightsEntry:
    """The weights file of backbone ``name`` for pictures ``side`` (None: 224 x 224).

    Raises:
        ProjectError: ``name`` is not an offered backbone.
    """
    file = weights_file(name, side or DEFAULT_SIDE)
    folder, algorithm, digest = SOURCES[name]
    return WeightsEntry(name, file, f"{base_url()}{folder}/{file}", algorithm, digest)


def weights_entries(side: tuple[int, int] | None = None) -> list[WeightsEntry]:
    """Every offered backbone's weights file, in the order Practica offers them.

    Example:
        >>> len(weights_entries()) == len(BACKBONES)
        True
    """
    return [weights_entry(name, side) for name in BACKBONES]
