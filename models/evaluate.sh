#!/usr/bin/env bash
# The model card's figures of one model folder, through the Java path (./emotion-stream evaluate): FER2013 val on its
# original labels and judged by the FER+ majority, the CK+ test subjects (4 classes), and the development videos
# (models/dev-videos.csv: per video and per person).
#
#   models/evaluate.sh MODEL_DIR OUT_DIR
#
# Writes OUT_DIR/{fer-val,ferplus-val,ckplus,dev-videos}.{json,txt} and dev-clips.csv. Needs ../shared/data.
set -euo pipefail
models="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$models")"
model="$(realpath "${1:?usage: models/evaluate.sh MODEL_DIR OUT_DIR}")"
out="$(realpath -m "${2:?usage: models/evaluate.sh MODEL_DIR OUT_DIR}")"
mkdir -p "$out"
cd "$root"
data=../shared/data
evaluate() { ./emotion-stream evaluate --model "$model" "$@" 2>>"$out/evaluate.log"; }
evaluate "$data/fer2013/val" --json "$out/fer-val.json" > "$out/fer-val.txt"
evaluate "$data/fer2013/val" --ferplus-votes "$data/fer2013/ferplus-votes.csv" --json "$out/ferplus-val.json" \
  > "$out/ferplus-val.txt"
evaluate "$data/ckplus48" --list models/compact-r2plus1d/ckplus-test.txt --present-classes-only \
  --json "$out/ckplus.json" > "$out/ckplus.txt"
evaluate models/dev-videos.csv --json "$out/dev-videos.json" --clips "$out/dev-clips.csv" > "$out/dev-videos.txt"
echo "figures of $model in $out" >&2
