#!/usr/bin/env bash
# The full training recipe on a GPU machine (the `device` tool: a copy of the working tree, no ../shared/data, no
# Java; what goes under $OUT comes back). Pack the data here first and carry it:
#
#   (cd models && /usr/bin/python3 -m emotion_models.pack)           # models/build/packed: 56 MiB
#   device run, carry models/build/packed, command: models/device-train.sh [train.py flags]
#
# Trains with train.py's defaults (the committed model's recipe) plus the flags given, on CUDA when there is one,
# and writes $OUT/checkpoint.pt, $OUT/train.log and $OUT/train.out. Export and evaluate back here (they need Java and
# the development videos): python3 -m emotion_models.export compact --checkpoint CHECKPOINT, then models/evaluate.sh.
# Try it on CPU first: OUT=/tmp/smoke models/device-train.sh --limit 256 --epochs 1 --clip-epochs 1
set -euo pipefail
models="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${OUT:?OUT: the folder to write the checkpoint and logs into}"
python="${PYTHON:-$(command -v /usr/bin/python3 || command -v python3)}"
mkdir -p "$out"
cd "$models"
packed=build/packed
[ -f "$packed/stills.npz" ] || { echo "no $packed/stills.npz: run python3 -m emotion_models.pack and carry it" >&2; exit 2; }
"$python" -c 'import torch; print("torch", torch.__version__, "cuda", torch.cuda.is_available())' | tee "$out/train.out"
"$python" -m emotion_models.train --data "$packed/stills.npz" --ferplus-votes "$packed/ferplus-votes.csv" \
  --threads "$(nproc)" --out "$out/checkpoint.pt" "$@" > "$out/train.log" 2>&1 || { tail -20 "$out/train.log"; exit 1; }
tail -3 "$out/train.log" | tee -a "$out/train.out"
