"""Whether to propose a pretrained network for a picture project, and why, in words.

With few training pictures a network learns little about shapes and textures from them
alone; one trained on ImageNet already has, and only its last part needs to learn the
user's classes. Practica proposes it below ``FEW_PICTURES`` training pictures: freeze the
reused layers first, then, once the new part has learned, train again letting the reused
layers change slowly (smaller rates).

Example:
    >>> bool(pretrained_proposal(300)) and not pretrained_proposal(5000)
    True
"""

from __future__ import annotations

from engine.core.texts import text

FEW_PICTURES = 2000
"""Training pictures below which a pretrained network is proposed."""


def pretrained_proposal(train_rows: int | None) -> str:
    """The proposal for a picture project with ``train_rows`` training pictures ("" when
    there are enough, or the data is not split yet)."""
    if not train_rows or train_rows >= FEW_PICTURES:
        return ""
    return text("weights.propose", rows=f"{int(train_rows):,}", few=f"{FEW_PICTURES:,}")
