"""Exports a model to ONNX with its descriptor (model.json) and fixtures.

  cd models && /usr/bin/python3 -m emotion_models.export compact   # from build/compact-r2plus1d.pt (train.py)
  cd models && /usr/bin/python3 -m emotion_models.export seed      # the research model, untrained (471 MB)

The fixtures hold clips of raw RGB face crops (public-domain photographs in ../shared/data/stills), their
preprocessed input tensor and PyTorch's output; the Java tests check ONNX Runtime and the Java preprocessing
against them.
"""
import argparse
import datetime
import hashlib
import json
import os
import sys

import numpy as np
import onnx
import torch
from PIL import Image

from . import calibrate, data, videos
from .nets import CompactClipNet, Seed3DCNN, keras_style_parameter_count, multiply_accumulates
from .preprocess import ChannelPreprocessor, descriptor_steps, gray_from_rgb_uint8, luma_from_rgb_uint8

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.normpath(os.path.join(HERE, ".."))
OPSET = 13

# Crop geometry measured on the mean FER2013 training face (48x48): eyes level at row 17.5, columns 15 and 33.
# A live face cropped this way from dlib's eye landmarks looks like a training crop.
CROP = {"eye_center_x": 0.5, "eye_center_y": 0.365, "eye_distance": 0.375, "level_eyes": True,
        "eyes_from_landmarks": "dlib 68-point model: eye centres are the means of points 36-41 and 42-47",
        "interpolation": "bilinear", "border": "replicate",
        "provenance": "mean of 1,000 FER2013 training crops: eye midpoint (24, 17.5), eye distance 18 px"}

# Public-domain photographs, with an eye-level face box (x, y, size) found by eye in the original.
FIXTURE_SOURCES = [("astronaut.png", (161, 51, 123)), ("grace_hopper.jpg", (166, 116, 180))]
TOLERANCE = {"input": 1e-4, "probabilities": 1e-4}


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def export_onnx(model, path):
    model.eval()
    dummy = torch.zeros((1,) + tuple(model.input_shape))
    torch.onnx.export(model, dummy, path, input_names=["clips"], output_names=["probabilities"],
                      dynamic_axes={"clips": {0: "batch"}, "probabilities": {0: "batch"}}, opset_version=OPSET,
                      do_constant_folding=True)
    onnx.checker.check_model(onnx.load(path))


def fixture_clips(stills_dir, clip_length, width, height):
    """Clips of raw RGB crops: each photograph's face seen by a camera that drifts a little (the crop box slides
    and zooms, light brightens), and one held still. uint8 [N, clip_length, height, width, 3]."""
    clips, names = [], []
    for name, (x, y, side) in FIXTURE_SOURCES:
        image = Image.open(os.path.join(stills_dir, name)).convert("RGB")
        frames = []
        for t in range(clip_length):
            dx, dy, grow = t // 3, (t // 5) % 3, t // 4
            box = (x + dx - grow, y + dy - grow, x + dx + side + grow, y + dy + side * height // width + grow)
            crop = np.asarray(image.crop(box).resize((width, height), Image.BILINEAR), dtype=np.float32)
            frames.append(np.clip(crop * (0.85 + 0.01 * t), 0, 255).astype(np.uint8))
        clips.append(np.stack(frames))
        names.append(name + ": drifting crop, brightening")
    name, (x, y, side) = FIXTURE_SOURCES[0]
    still = np.asarray(Image.open(os.path.join(stills_dir, name)).convert("RGB")
                       .crop((x, y, x + side, y + side * height // width)).resize((width, height), Image.BILINEAR),
                       dtype=np.uint8)
    clips.append(np.repeat(still[None], clip_length, axis=0))
    names.append(name + ": held still")
    return np.stack(clips), names


def write_fixtures(model, pre, out_dir, stills_dir):
    size_h, size_w = model.input_shape[1], model.input_shape[2]
    raw, names = fixture_clips(stills_dir, model.clip_length, size_w, size_h)
    sampled = torch.from_numpy(raw[:, list(model.frame_indices)])  # [N, T, H, W, 3]
    n, t = sampled.shape[:2]
    with torch.no_grad():
        if pre.equalize:  # integer luma, as Java computes it; luma / 255 passes the quantisation unchanged
            gray = (luma_from_rgb_uint8(sampled).float() / 255.0).reshape(n * t, size_h, size_w)
        else:
            gray = gray_from_rgb_uint8(sampled).reshape(n * t, size_h, size_w)
        values = pre(gray).permute(0, 2, 3, 1).reshape((n,) + tuple(model.input_shape)).contiguous()
        probabilities = model.eval()(values)
    os.makedirs(out_dir, exist_ok=True)
    raw.tofile(os.path.join(out_dir, "clips.u8"))
    values.numpy().astype("<f4").tofile(os.path.join(out_dir, "input.f32"))
    Image.fromarray(np.concatenate([np.concatenate(list(c[::6]), axis=1) for c in raw], axis=0)).save(
        os.path.join(out_dir, "clips-preview.png"))
    fixture = {
        "clips": "clips.u8", "clips_type": "uint8", "clips_shape": list(raw.shape),
        "clips_layout": "clip, frame, height, width, RGB",
        "input": "input.f32", "input_type": "float32 little-endian", "input_shape": [n] + list(model.input_shape),
        "sources": names,
        "probabilities": [[round(float(v), 7) for v in row] for row in probabilities],
        "tolerance": TOLERANCE,
        "produced_by": "PyTorch %s, emotion_models/export.py" % torch.__version__,
    }
    with open(os.path.join(out_dir, "fixture.json"), "w") as f:
        json.dump(fixture, f, indent=2)
        f.write("\n")
    return fixture


def descriptor(model, version, description, pre, onnx_path, provenance, crop_note=None):
    macs = multiply_accumulates(model, model.input_shape)
    t, h, w, c = model.input_shape
    crop = dict({"width": w, "height": h}, **CROP)
    if crop_note:
        crop["note"] = crop_note
    return {
        "name": model.name,
        "version": version,
        "description": description,
        "onnx": os.path.basename(onnx_path),
        "onnx_sha256": sha256(onnx_path),
        "opset": OPSET,
        "input": {"name": "clips", "shape": [-1, t, h, w, c], "layout": "NTHWC", "type": "float32",
                  "dimensions": ["clips (any batch)", "frames", "height", "width", "channels"]},
        "output": {"name": "probabilities", "shape": [-1, len(data.LABELS)], "type": "float32",
                   "meaning": "softmax probabilities, one per label in labels order"},
        "labels": data.LABELS,
        "clip": {"length": model.clip_length, "frame_indices": list(model.frame_indices),
                 "note": "the pipeline assembles clips of 'length' frames; the model takes the frames at "
                         "'frame_indices' (0-based), in order"},
        "preprocessing": descriptor_steps([round(v, 6) for v in pre.mean.flatten().tolist()],
                                          [round(v, 6) for v in pre.std.flatten().tolist()], pre.equalize),
        "crop": crop,
        "cost": {"parameters": sum(p.numel() for p in model.parameters()),
                 "parameters_keras_style": keras_style_parameter_count(model),
                 "multiply_accumulates_per_clip": macs, "flops_per_clip": 2 * macs},
        "fixtures": "fixtures/fixture.json",
        "provenance": provenance,
    }


def export_model(model, pre, out_dir, version, description, provenance, stills, extra=None, crop_note=None):
    """Writes model.onnx, model.json (with `extra` entries added) and fixtures/ into out_dir."""
    os.makedirs(out_dir, exist_ok=True)
    onnx_path = os.path.join(out_dir, "model.onnx")
    print("exporting %s (%d parameters counted as Keras does)..." % (model.name, keras_style_parameter_count(model)),
          flush=True)
    export_onnx(model, onnx_path)
    spec = descriptor(model, version, description, pre, onnx_path, provenance, crop_note)
    spec.update(extra or {})
    write_json(os.path.join(out_dir, "model.json"), spec)
    fixture = write_fixtures(model, pre, os.path.join(out_dir, "fixtures"), stills)
    print("exported %s (%.2f MB), %d parameters, %.1f M multiply-accumulates per clip"
          % (onnx_path, os.path.getsize(onnx_path) / 1e6, spec["cost"]["parameters"],
             spec["cost"]["multiply_accumulates_per_clip"] / 1e6))
    print("fixture probabilities:", fixture["probabilities"])


def write_json(path, value):
    with open(path, "w") as f:
        json.dump(value, f, indent=2)
        f.write("\n")


def export_compact(args):
    checkpoint = torch.load(args.checkpoint, map_location="cpu")
    summary = checkpoint["summary"]
    frames = summary["arguments"].get("frames", [7, 22])  # checkpoints made before --frames read 7 and 22
    if args.frames:
        frames = [int(v) for v in args.frames.split(",")]
    model = CompactClipNet(frame_indices=frames)
    model.load_state_dict(checkpoint["state_dict"])
    model.eval()
    equalize = summary.get("equalize", False)
    pre = ChannelPreprocessor(summary["channel_mean"], summary["channel_std"], equalize)
    calibration, decision = calibrate_model(model, pre, args)
    model.temperature.fill_(calibration["temperature"])
    last = summary["history"][-1]
    provenance = {
        "exported": datetime.date.today().isoformat(),
        "training": "emotion_models/train.py: stage 1 on augmented stills (mixup), stage 2 on synthetic clips",
        "data": "FER2013 train (21,151 stills) and CK+ training subjects (see ckplus-split.json); evaluated on "
                "FER2013 val and CK+ test subjects",
        "arguments": summary["arguments"], "torch": summary["torch"], "device": summary["device"],
        "training_minutes": summary["minutes"],
        "fer2013_val_during_training": {"accuracy": last["fer_val_accuracy"],
                                        "balanced_accuracy": last["fer_val_balanced_accuracy"]},
    }
    description = ("Compact (2+1)D 3D-CNN: 3x3 spatial convolutions per frame (widths %s), squeeze-and-excitation "
                   "and residual channel-separated 3-tap temporal convolutions in the two deepest stages; %d frames "
                   "of a %d-frame clip at %dx%d, frames %s seen mirrored left-right inside the network."
                   % ("/".join(map(str, model.widths)), len(model.frame_indices), model.clip_length, model.size,
                      model.size, [i for i, m in zip(model.frame_indices, model.mirrored) if m]))
    out_dir = args.out or os.path.join(MODELS, model.name)
    export_model(model, pre, out_dir, args.version, description, provenance, args.stills,
                 {"calibration": calibration, "decision": decision})
    write_json(os.path.join(out_dir, "training-history.json"), summary["history"])
    split = summary["ckplus_split"]
    write_json(os.path.join(out_dir, "ckplus-split.json"),
               {"seed": 2013, "test_share": 0.25, "train_subjects": split["train_subjects"],
                "test_subjects": split["test_subjects"]})
    with open(os.path.join(out_dir, "ckplus-test.txt"), "w") as f:
        f.write("# CK+ images of the held-out test subjects (relative to ckplus48/); file names only\n")
        f.write("\n".join(split["test_files"]) + "\n")


def calibrate_model(model, pre, args):
    """Fits the softmax temperature on FER2013 val (judged by the FER+ majority) and the development videos together
    (each set weighs the same), and the confidence below which a clip is "uncertain" on the videos (the lowest
    multiple of 0.05 with --confident-accuracy of the clips above it right). Reports the figures of each set at these
    values, and the honest ones: each development person's at values fitted without that person, and FER2013 val's at
    values fitted with the other half of val."""
    images, _, paths = data.load_class_folder(os.path.join(args.data, "fer2013", "val"))
    votes = data.load_ferplus_votes(os.path.join(args.data, "fer2013", "ferplus-votes.csv"), "val")
    majority = data.ferplus_majority(paths, votes)
    keep = majority >= 0
    val = (calibrate.still_clip_logits(model, pre, images[keep], len(model.frame_indices)), majority[keep])
    clips = videos.load_clips(os.path.join(args.dev_videos, "clips.csv"), os.path.join(args.dev_videos, "crops.npy"))
    dev = (videos.clip_logits(model, pre, clips["crops"]), clips["labels"])
    persons = np.array(clips["persons"])

    def fit(val_part, dev_part):
        """Temperature and threshold: val and the videos weigh the same, and within the videos each person."""
        (vl, vt), (dl, dt, dp) = val_part, dev_part
        return calibrate.fit_on_sets({"val": (vl, vt, np.full(len(vt), 1.0 / len(vt))),
                                      "dev": (dl, dt, calibrate.equal_weights(dp))}, args.confident_accuracy, "dev")

    temperature, threshold = fit(val, (*dev, persons))
    held_out = {}
    for person in sorted(set(clips["persons"])):
        mine = persons == person
        t, thr = fit(val, (dev[0][~mine], dev[1][~mine], persons[~mine]))
        held_out[person] = dict(calibrate.confident_figures(dev[0][mine], dev[1][mine], t, thr),
                                temperature=round(t, 4), min_confidence=thr)
    halves = np.arange(len(val[1])) % 2 == 0
    val_halves = []
    for fitted, report in ((halves, ~halves), (~halves, halves)):
        t, thr = fit((val[0][fitted], val[1][fitted]), (*dev, persons))
        val_halves.append(calibrate.confident_figures(val[0][report], val[1][report], t, thr))
    print("temperature %.3f, confident from %.2f; development videos, each person with values fitted without it: %s"
          % (temperature, threshold, held_out))
    calibration = {
        "method": "temperature scaling: probabilities = softmax(logits / temperature), inside the ONNX graph",
        "temperature": round(temperature, 4),
        "fitted_on": "FER2013 val stills judged by the FER+ majority (%d, each held still for a clip) and the "
                     "development videos' clips (%d, every 5 frames: models/dev-videos.csv), each set weighing the "
                     "same and within the videos each person; minimum negative log-likelihood"
                     % (len(val[1]), len(dev[1])),
        "fitted_figures": {"fer2013_val_ferplus": calibrate.confident_figures(*val, temperature, threshold),
                           "development_videos": calibrate.confident_figures(*dev, temperature, threshold)},
        "held_out_figures": {
            "note": "not fitted on what they report: each development person at the temperature and threshold fitted "
                    "on val and the other people; each half of FER2013 val at those fitted on the other half and the "
                    "videos",
            "development_persons": held_out, "fer2013_val_ferplus_halves": val_halves},
    }
    decision = {
        "min_confidence": threshold,
        "note": "a clip whose highest probability is below min_confidence is 'uncertain'; chosen as the lowest multiple "
                "of 0.05 that leaves at least half of the development videos' clips confident and at which at least "
                "%.0f%% of the confident ones are right (each person weighing the same), or where none is, the one "
                "with the most accurate confident clips that leaves half of them confident"
                % (100 * args.confident_accuracy),
    }
    return calibration, decision


def export_seed(args):
    torch.manual_seed(args.seed)
    model = Seed3DCNN()
    if args.checkpoint:
        model.load_state_dict(torch.load(args.checkpoint, map_location="cpu")["state_dict"])
    model.eval()
    mean, std = [0.487, 0.487, 0.0853], [0.2534, 0.2403, 0.0791]
    provenance = {"exported": datetime.date.today().isoformat(),
                  "weights": args.checkpoint or "untrained (PyTorch default initialisation, seed %d)" % args.seed,
                  "source": "the research Keras model, layer for layer (emotion_models/nets.py Seed3DCNN)"}
    export_model(model, ChannelPreprocessor(mean, std), args.out or os.path.join(MODELS, model.name), "research-1",
                 "The research 3D-CNN: 30x120x160x3 clips, Conv3D 8/32/1024, dense 256/64/5.", provenance,
                 args.stills, crop_note="the research model saw 120x160 frames; the crop geometry is the compact "
                                        "model's")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", choices=["compact", "seed"])
    parser.add_argument("--checkpoint", help="trained weights (compact: default build/compact-r2plus1d.pt)")
    parser.add_argument("--out", help="model folder to write (default models/<model name>)")
    parser.add_argument("--version", default="4.0.0", help="model version written to the descriptor")
    parser.add_argument("--stills", default=os.path.join(data.default_data_dir(), "stills"),
                        help="public-domain photographs for the fixtures")
    parser.add_argument("--seed", type=int, default=7, help="initialisation seed of an untrained seed model")
    parser.add_argument("--frames", help="compact: the clip frames the exported model reads (comma-separated; "
                                         "default: those it was trained on)")
    parser.add_argument("--data", default=data.default_data_dir(), help="shared data folder (fer2013/val calibrates)")
    parser.add_argument("--confident-accuracy", type=float, default=0.95,
                        help="the confidence threshold is the lowest at which the development videos' clips above it "
                             "are right this often (default: %(default)s)")
    parser.add_argument("--dev-videos", default=os.path.join(MODELS, "build", "dev"),
                        help="the development videos' clips.csv and crops.npy, which `./emotion-stream evaluate "
                             "models/dev-videos.csv --stride 5 --clips DIR/clips.csv --crops DIR/crops.npy` writes "
                             "(default: %(default)s)")
    args = parser.parse_args(argv)
    torch.set_num_threads(2)
    if args.model == "compact":
        args.checkpoint = args.checkpoint or os.path.join(MODELS, "build", CompactClipNet.name + ".pt")
        export_compact(args)
    else:
        export_seed(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
