#!/usr/bin/env bash
# Run a built bundle as a user would and time it; installer/check.sh runs it after the build.
# Usage: installer/smoke.sh [APP]   (default dist/practica/practica; a copy of the folder works)
# Checks, each from the bundle in a bare environment (no Python, no repository on the path):
#   --version; the window offscreen until the Goal page is usable (installer/launch_probe.py),
#   then every page and Qt Multimedia's sound outputs; the demo (report written); the demo's
#   network exported to ONNX and LiteRT (each checked in its runtime: onnxruntime,
#   ai-edge-litert; the model card names the versions); the machine-sounds sample made into a
#   project and trained to its baseline (soundfile's libsndfile), its sound network exported
#   to LiteRT; a PostgreSQL study address reaches the driver (psycopg through SQLAlchemy: the
#   answer is "no server", not "no driver"); with WordLlama bundled, a text model trained on
#   its pretrained vectors. Times are printed as "time NAME: S s"; every failure is listed.
set -euo pipefail
app=$(realpath "${1:-dist/practica/practica}")
samples=$(dirname "$app")/_internal/resources/samples
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
log=$out/log.txt
failed=0  # each failure is reported; the script goes on and fails at its end

practica() {  # the bundle with nothing of this shell's environment but a home and a path
    ( cd "$out" && env -i HOME="$out" PATH=/usr/bin:/bin QT_QPA_PLATFORM=offscreen \
        ${PROBE:+PRACTICA_LAUNCH_PROBE=1} "$app" "$@" )
}

timed() {  # timed NAME COMMAND...: run it (output to the log), print its wall time
    local name=$1 start end
    shift
    start=$(date +%s.%N)
    if ! "$@" >>"$log" 2>&1; then
        echo "FAILED: $name ($*); the end of its output:" >&2
        tail -40 "$log" >&2
        tail -30 "$out"/.local/state/practica/logs/*.txt 2>/dev/null >&2 || true
        failed=1
        return 0
    fi
    end=$(date +%s.%N)
    awk -v n="$name" -v s="$start" -v e="$end" 'BEGIN { printf "time %s: %.2f s\n", n, e - s }'
}

expect() {  # expect FILE TEXT: the file holds the text
    grep -q -- "$2" "$1" || { echo "FAILED: '$2' not in the output:" >&2; tail -40 "$1" >&2; failed=1; }
}

exists() {  # exists FILE...: each was written and is not empty
    local f
    for f in "$@"; do [[ -s $f ]] || { echo "FAILED: $f not written" >&2; failed=1; }; done
}

echo "size: $(du -sh "$(dirname "$app")" | cut -f1) ($(dirname "$app"))"
for i in 1 2 3; do timed "version $i" practica --version; done
expect "$log" "practica "
for i in 1 2 3; do
    start=$(date +%s.%N)
    moments=$(PROBE=1 practica 2>>"$log") || { echo "FAILED: launch probe" >&2; tail -20 "$log" >&2; exit 1; }
    awk -v s="$start" -v m="$moments" 'BEGIN { split(m, t, " ");
        printf "time window shown %d: %.2f s\ntime goal page usable %d: %.2f s\n",
               '"$i"', t[1] - s, '"$i"', t[2] - s }'
done

timed demo practica demo --out "$out/demo"
exists "$out/demo/report.pdf"
demo=$out/demo/breast-cancer-demo
: >"$log"
timed "choose a network" practica use "$demo" 1
timed "export onnx+litert" practica export "$demo" --to "$out/demo-model" --formats onnx,litert
exists "$out/demo-model/model.onnx" "$out/demo-model/model.tflite"
expect "$log" "in onnxruntime"
expect "$log" "in ai-edge-litert"
expect "$out/demo-model/model_card.md" "keras [0-9]"  # versions read from the metadata

timed "new sounds" practica new "$out/sounds" --data "$samples/machine_sounds"
timed "sounds to baseline" practica run "$out/sounds" --until baseline --epochs 3
: >"$log"
practica use "$out/sounds" >"$log" 2>&1
run=$(grep -o '[0-9]\{8\}-[0-9]\{6\}-sound_cnn[-0-9]*' "$log" | head -1)
test -n "$run" || { echo "FAILED: no sound network run" >&2; cat "$log" >&2; failed=1; }
timed "choose the sound network" practica use "$out/sounds" "$run"
timed "export sound litert" practica export "$out/sounds" --to "$out/sound-model" --formats litert
exists "$out/sound-model/model.tflite"

: >"$log"
if practica use "$out/sounds" --storage postgresql://practica@127.0.0.1:9/none >>"$log" 2>&1
then echo "FAILED: a study on a closed port was read" >&2; failed=1; fi
expect "$log" "No database server answers"

if [[ -d $(dirname "$app")/_internal/wordllama ]]; then
    timed "new texts" practica new "$out/texts" --data "$samples/support_messages.csv" \
        --target topic --text-column message
    timed "texts to split" practica run "$out/texts" --until split
    timed "text model on WordLlama vectors" practica train "$out/texts" --model text_pool \
        --set word_vectors=wordllama --set epochs=2
fi
if (( failed )); then echo "Bundle smoke test FAILED: $app" >&2; exit 1; fi
echo "Bundle smoke test passed: $app"
