#!/usr/bin/env bash
# One training recipe on a short schedule, measured the way the model card reports models: it is trained
# (emotion_models.train, 10 + 1 epochs unless the flags say otherwise), exported (ONNX, descriptor, temperature
# fitted on FER2013 val) and evaluated through the Java path on FER2013 val (folder labels and FER+ majority),
# the CK+ test subjects and the development videos (models/dev-videos.csv: per video and per person).
#
#   models/ablate.sh NAME [train.py flags...]      e.g.  models/ablate.sh no-teacher --distill 0
#
# Writes models/build/ablations/NAME/: train.log, model/ (ONNX, model.json), and the figures of models/evaluate.sh
# (fer-val.json, ferplus-val.json, ckplus.json, dev-videos.json, dev-clips.csv). `python3 -m emotion_models.ablations`
# tabulates them. The export calibrates on the development videos' crops in models/build/dev (see models/README.md).
set -euo pipefail
models="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
name="${1:?usage: models/ablate.sh NAME [train.py flags...]}"; shift
out="$models/build/ablations/$name"
mkdir -p "$out"
cd "$models"
echo "ablation $name: training (log: $out/train.log)" >&2
/usr/bin/python3 -m emotion_models.train --epochs 10 --clip-epochs 1 "$@" --out "$out/checkpoint.pt" > "$out/train.log" 2>&1
/usr/bin/python3 -m emotion_models.export compact --checkpoint "$out/checkpoint.pt" --out "$out/model" \
  --version "ablation-$name" >> "$out/train.log" 2>&1
echo "ablation $name: evaluating" >&2
"$models/evaluate.sh" "$out/model" "$out"
echo "ablation $name: done ($out)" >&2
