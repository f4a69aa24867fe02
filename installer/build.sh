#!/usr/bin/env bash
# Build the one-folder app into dist/practica with PyInstaller, from the repository root.
# Usage: installer/build.sh [--install-desktop]   (the flag adds a Linux menu entry + icon)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
"$PY" -m pip install --quiet "pyinstaller>=6.10"
QT_QPA_PLATFORM=offscreen "$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
    --distpath dist --workpath build/pyinstaller installer/practica.spec
echo "Built dist/practica/ ($(du -sh dist/practica | cut -f1))."
if [[ "${1:-}" == "--install-desktop" ]]; then
    apps="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
    icons="${XDG_DATA_HOME:-$HOME/.local/share}/icons/hicolor/256x256/apps"
    mkdir -p "$apps" "$icons"
    cp resources/icons/practica.png "$icons/practica.png"
    sed "s|^Exec=practica|Exec=$PWD/dist/practica/practica|" installer/practica.desktop \
        > "$apps/practica.desktop"
    echo "Menu entry written to $apps/practica.desktop."
fi
