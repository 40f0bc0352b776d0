"""Labelled development videos as the job saw them, scored in PyTorch: for choosing recipes, frames and calibration
person by person without going through Java for every try.

The crops come from the Java side, through the job's own face stage and clip assembly:

  ./emotion-stream evaluate models/dev-videos.csv --clips build/dev/clips.csv --crops build/dev/crops.npy

clips.csv has one row per scored clip (video, person, frames, label, ...), crops.npy the clip's 30 gray face crops
(uint8 [clips, 30, 48, 48]) in the same order. The figures here are the Java evaluation's (accuracy, balanced
accuracy, uncertain share, accuracy of the confident clips), computed from probabilities.
"""
import csv

import numpy as np
import torch

from . import data
from .nets import CompactClipNet
from .preprocess import ChannelPreprocessor


def load_clips(clips_csv, crops_npy):
    """The labelled clips: {"crops": uint8 [N, 30, H, W], "labels": int [N], "persons": [N], "videos": [N],
    "first_frames": int [N]}; clips outside every labelled span are left out."""
    with open(clips_csv, newline="") as f:
        rows = list(csv.DictReader(f))
    crops = np.load(crops_npy)
    if len(rows) != len(crops):
        raise ValueError("%s has %d clips but %s %d" % (clips_csv, len(rows), crops_npy, len(crops)))
    if crops.ndim != 4:
        raise ValueError("%s holds crops of shape %s; gray crops [clips, frames, height, width] expected"
                         % (crops_npy, crops.shape))
    keep = [i for i, r in enumerate(rows) if r["label"]]
    return {"crops": crops[keep],
            "labels": np.array([data.LABELS.index(rows[i]["label"]) for i in keep], dtype=np.int64),
            "persons": [rows[i]["person"] for i in keep],
            "videos": [rows[i]["video"] for i in keep],
            "first_frames": np.array([int(rows[i]["first_frame"]) for i in keep], dtype=np.int64)}


def load_checkpoint(path, frame_indices=None):
    """(model, preprocessor) of a checkpoint that train.py wrote, reading the frames it was trained on or
    `frame_indices`; temperature 1."""
    checkpoint = torch.load(path, map_location="cpu")
    summary = checkpoint["summary"]
    # checkpoints made before --frames read frames 7 and 22
    frames = frame_indices or summary["arguments"].get("frames", [7, 22])
    model = CompactClipNet(frame_indices=frames)
    model.load_state_dict(checkpoint["state_dict"])
    model.eval()
    pre = ChannelPreprocessor(summary["channel_mean"], summary["channel_std"], summary.get("equalize", False))
    return model, pre


def clip_logits(model, pre, crops, batch=64):
    """Logits [N, 5] of gray crop clips uint8 [N, 30, H, W], reading the model's frames (as the Java scorer does:
    the gray crop is the luma, so luma / 255 is the gray plane)."""
    out = []
    frames = list(model.frame_indices)
    with torch.no_grad():
        for i in range(0, len(crops), batch):
            gray = torch.from_numpy(crops[i:i + batch][:, frames]).float().div(255.0)
            b, t, h, w = gray.shape
            x = pre(gray.reshape(b * t, h, w)).permute(0, 2, 3, 1).reshape(b, t, h, w, 3)
            out.append(model.logits(x))
    return torch.cat(out)


def figures(probabilities, labels, min_confidence):
    """accuracy, balanced accuracy, per-class recall, uncertain share, accuracy of the confident clips."""
    probabilities = np.asarray(probabilities)
    predicted = probabilities.argmax(axis=1)
    right = predicted == labels
    confident = probabilities.max(axis=1) >= min_confidence
    recalls = {data.LABELS[c]: float(right[labels == c].mean()) for c in np.unique(labels)}
    return {"clips": int(len(labels)), "accuracy": float(right.mean()),
            "balanced_accuracy": float(np.mean(list(recalls.values()))), "recall": recalls,
            "uncertain_share": float(1 - confident.mean()),
            "confident_accuracy": float(right[confident].mean()) if confident.any() else float("nan")}


def per_person(probabilities, clips, min_confidence):
    """figures() for each person and for all clips."""
    persons = np.array(clips["persons"])
    out = {p: figures(probabilities[persons == p], clips["labels"][persons == p], min_confidence)
           for p in sorted(set(clips["persons"]))}
    out["all"] = figures(probabilities, clips["labels"], min_confidence)
    return out
