"""Copy the wizard screenshots the e2e test saved into resources/guide/ for the README.

Run after ``tests/e2e/test_wizard.py`` (``make guide`` does both). Pictures are scaled to
960 pixels wide, in 256 colours, so the repository stays small.

    python -m tests.e2e.guide_images [SCREENSHOT_FOLDER]
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "resources" / "guide"
STEPS = ("step1_goal_filled", "step2_data_split", "step3_baseline", "step4_diagnose",
         "step4_learning_curves", "step4_error_analysis", "step5_tune", "step5_tune_results",
         "step6_final", "step7_report", "step8_use")
WIDTH = 960


def main(argv: list[str]) -> int:
    source = Path(argv[0] if argv else os.environ.get("PRACTICA_SCREENSHOTS",
                                                      ROOT / "screenshots"))
    missing = [name for name in STEPS if not (source / f"{name}.png").is_file()]
    if missing:
        print(f"Missing in {source}: {', '.join(missing)}. Run tests/e2e/test_wizard.py "
              f"first.", file=sys.stderr)
        return 2
    GUIDE.mkdir(parents=True, exist_ok=True)
    for name in STEPS:
        with Image.open(source / f"{name}.png") as picture:
            height = round(picture.height * WIDTH / picture.width)
            small = picture.convert("RGB").resize((WIDTH, height), Image.LANCZOS)
            # A window has few colours: 256 of them keep it sharp at a third of the size.
            small = small.quantize(colors=256, method=Image.Quantize.MEDIANCUT)
            small.save(GUIDE / f"{name}.png", optimize=True)
    print(f"{len(STEPS)} pictures written to {GUIDE}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
