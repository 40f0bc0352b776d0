#!/usr/bin/env bash
# One training recipe on a short schedule, measured the way the model card reports models: it is trained
# (emotion_models.train, 10 + 1 epochs unless the flags say otherwise), exported (ONNX, descriptor, temperature
# fitted on FER2013 val) and evaluated through the Java path on FER2013 val (folder labels and FER+ majority),
# the CK+ test subjects and the development videos (models/dev-videos.csv: per video and per person).
#
#   models/ablate.sh NAME [train.py flags...]      e.g.  models/ablate.sh no-teacher --distill 0
#
# Writes models/build/ablations/NAME/: train.log, model/ (ONNX, model.json), fer-val.json, ferplus-val.json,
# ckplus.json, dev-videos.json, dev-clips.csv, dev-crops.npy. `python3 -m emotion_models.ablations` tabulates them.
set -euo pipefail
models="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$models")"
name="${1:?usage: models/ablate.sh NAME [train.py flags...]}"; shift
out="$models/build/ablations/$name"
data="${DATA:-$root/../shared/data}"
mkdir -p "$out"
cd "$models"
echo "ablation $name: training (log: $out/train.log)" >&2
/usr/bin/python3 -m emotion_models.train --epochs 10 --clip-epochs 1 "$@" --out "$out/checkpoint.pt" > "$out/train.log" 2>&1
/usr/bin/python3 -m emotion_models.export compact --checkpoint "$out/checkpoint.pt" --out "$out/model" \
  --version "ablation-$name" >> "$out/train.log" 2>&1
cd "$root"
evaluate() { ./emotion-stream evaluate --model "$out/model" "$@" 2>>"$out/evaluate.log"; }
echo "ablation $name: evaluating" >&2
evaluate "$data/fer2013/val" --json "$out/fer-val.json" > "$out/fer-val.txt"
evaluate "$data/fer2013/val" --ferplus-votes "$data/fer2013/ferplus-votes.csv" --json "$out/ferplus-val.json" \
  > "$out/ferplus-val.txt"
evaluate "$data/ckplus48" --list models/compact-r2plus1d/ckplus-test.txt --present-classes-only \
  --json "$out/ckplus.json" > "$out/ckplus.txt"
evaluate models/dev-videos.csv --json "$out/dev-videos.json" --clips "$out/dev-clips.csv" \
  --crops "$out/dev-crops.npy" > "$out/dev-videos.txt"
echo "ablation $name: done ($out)" >&2
