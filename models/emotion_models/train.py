"""Trains the compact clip model from scratch.

  cd models && /usr/bin/python3 -m emotion_models.train [--data ../../shared/data] [--epochs 20] [--clip-epochs 2]

Stage 1 trains the spatial layers on augmented stills (FER2013 train plus the CK+ training subjects; mixup), with the
temporal blocks held at zero; stage 2 fine-tunes the whole network, temporal blocks included, on synthetic
30-frame clips. The FER2013 stills learn the distribution of their FER+ crowd votes over the five classes
(--targets ferplus, the default; stills whose votes fall mostly outside the five classes are left out), or their
original FER2013 labels (--targets fer2013). Both see what a room and a camera do to a face (side light, small
faces, JPEG) and, by default, histogram-equalised crops (the descriptor declares it, so serving does the same). With
--distill above 0, part of the loss follows a teacher's probabilities for the FER2013 training stills (knowledge
distillation, --teacher; the default recipe uses none: the ablations did better without).
CPU by default (Debian's python3-torch), CUDA when there is one. Prints progress per epoch and writes the
checkpoint that export.py turns into ONNX.
"""
import argparse
import csv
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

from . import data
from .augmentation import augment_stills, random_windows, synthesize_clips
from .nets import CompactClipNet
from .preprocess import ChannelPreprocessor

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL_DIR = os.path.normpath(os.path.join(HERE, "..", CompactClipNet.name))
DEFAULT_TEACHER = os.path.normpath(os.path.join(HERE, "..", "build", "faceapi", "fer2013-train.csv"))


def log(message):
    print(time.strftime("%H:%M:%S ") + message, flush=True)


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def channel_statistics(images, equalize, count=4000):
    pre = ChannelPreprocessor(equalize=equalize)
    gray = torch.from_numpy(images[:count]).float() / 255.0
    with torch.no_grad():
        raw = pre.raw_channels(gray)
    mean = raw.mean(dim=(0, 2, 3)).tolist()
    std = raw.std(dim=(0, 2, 3)).tolist()
    return [round(v, 4) for v in mean], [round(v, 4) for v in std]


def to_model_input(pre, gray):
    """gray [B, T, H, W] in [0, 1] -> model input [B, T, H, W, 3]."""
    b, t, h, w = gray.shape
    x = pre(gray.reshape(b * t, h, w))
    return x.permute(0, 2, 3, 1).reshape(b, t, h, w, 3)


def still_predictions(model, pre, images, device, frames, batch=256):
    """The predicted label of every still, held still for the whole clip (with the temporal blocks at identity in
    stage 1, one frame gives the same answer as four)."""
    model.eval()
    predictions = []
    with torch.no_grad():
        for i in range(0, len(images), batch):
            gray = torch.from_numpy(images[i:i + batch]).float().div(255.0)
            clips = gray.unsqueeze(1).expand(-1, frames, -1, -1)
            predictions.append(model.logits(to_model_input(pre, clips).to(device)).argmax(1).cpu())
    return torch.cat(predictions).numpy()


def labelled_figures(predicted, targets):
    """(accuracy, balanced accuracy) of predictions over the items whose target is a label (targets < 0: none)."""
    known = targets >= 0
    predicted, targets = predicted[known], targets[known]
    recalls = [float((predicted[targets == c] == c).mean()) for c in np.unique(targets)]
    return float((predicted == targets).mean()), float(np.mean(recalls))


def class_weights(targets, device):
    counts = np.bincount(targets, minlength=len(data.LABELS)).astype(np.float64)
    weights = (counts / counts.mean()) ** -0.5
    return torch.tensor(weights / weights.mean(), dtype=torch.float32, device=device)


class Schedule:
    """Linear warm-up to the peak learning rate over `warmup` steps, then cosine decay to 0 at step `total`; counts
    the steps taken across epochs."""

    def __init__(self, total, peak, warmup):
        self.total, self.peak, self.warmup, self.step = total, peak, warmup, 0

    def next_rate(self):
        step, self.step = self.step, self.step + 1
        if step < self.warmup:
            return self.peak * (step + 1) / self.warmup
        return 0.5 * self.peak * (1 + math.cos(math.pi * (step - self.warmup) / max(1, self.total - self.warmup)))


def train_epoch(model, optimizer, schedule, criterion, make_batch, count, batch, generator, device, mixup=0.0):
    """One epoch over `count` items in a random order, `batch` at a time (a trailing partial batch is skipped).
    make_batch(indices) gives (model input, label indices, soft targets) for those items; with mixup > 0 each batch
    is blended with a shuffled copy of itself (weight ~ Beta(mixup, mixup)) and the loss with both label sets.
    Returns (mean loss, items seen, items whose top class is their label)."""
    model.train()
    loss_sum, seen, correct = 0.0, 0, 0
    order = torch.randperm(count, generator=generator).numpy()
    for b in range(count // batch):
        index = order[b * batch:(b + 1) * batch]
        inputs, target, soft = make_batch(index)
        inputs = inputs.to(device)
        target, soft = torch.from_numpy(target).to(device), torch.from_numpy(soft).to(device)
        if mixup > 0:  # training accuracy then scores blends against one of their labels: it reads low
            share = float(np.random.beta(mixup, mixup))
            partner = torch.randperm(len(index), generator=generator).to(device)
            logits = model.logits(share * inputs + (1 - share) * inputs[partner])
            loss = share * criterion(logits, target, soft) + (1 - share) * criterion(logits, target[partner],
                                                                                     soft[partner])
        else:
            logits = model.logits(inputs)
            loss = criterion(logits, target, soft)
        for group in optimizer.param_groups:
            group["lr"] = schedule.next_rate()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        loss_sum += float(loss) * len(index)
        seen += len(index)
        correct += int((logits.argmax(1) == target).sum())
    return loss_sum / seen, seen, correct


def load_teacher(path, relative_paths):
    """A teacher's probabilities over data.LABELS for each image, from a CSV with a path column (<class>/<file>)
    and one column per label (models/faceapi/score-stills.mjs writes one). [N, 5] float32, rows renormalised."""
    found = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            found[row["path"]] = [float(row[label]) for label in data.LABELS]
    missing = [p for p in relative_paths if p not in found]
    if missing:
        raise ValueError("%s has no probabilities for %d training images, e.g. %s" % (path, len(missing), missing[:3]))
    probabilities = np.asarray([found[p] for p in relative_paths], dtype=np.float32)
    return probabilities / probabilities.sum(axis=1, keepdims=True)


def fer_training_targets(args, labels, paths):
    """What the FER2013 training stills learn under --targets: (kept [N] bool, label [N], distribution [N, 5]).
    fer2013: every still, its folder's label; ferplus: the stills with at least --min-votes of their ten FER+ votes on
    the five classes, the distribution of those votes (the label: their majority)."""
    if args.targets == "fer2013":
        return np.ones(len(labels), dtype=bool), labels, np.eye(len(data.LABELS), dtype=np.float32)[labels]
    votes = data.load_ferplus_votes(args.ferplus_votes, "train")
    distributions, majority, kept = data.ferplus_targets(paths, votes, args.min_votes)
    return kept, majority, distributions


def load_training_data(data_dir):
    """The training and validation stills: from the shared data folder, or from the file pack.py packed them into."""
    stills = data.load_packed(data_dir) if data_dir.endswith(".npz") else {
        name: data.load_class_folder(os.path.join(data_dir, *parts)) for name, parts in data.STILL_SETS.items()}
    fer_train, fer_train_y, fer_train_paths = stills["fer_train"]
    fer_val, fer_val_y, fer_val_paths = stills["fer_val"]
    ck, ck_y, ck_paths = stills["ckplus"]
    train_subjects, test_subjects = data.split_ckplus_subjects(ck_paths)
    ck_is_test = np.array([data.ckplus_subject(p) in test_subjects for p in ck_paths])
    # CK+ sequences in frame order, each three frames (the last three of a labelled sequence)
    sequences = {}
    for index, path in enumerate(ck_paths):
        if not ck_is_test[index]:
            key, frame = data.ckplus_sequence(path)
            sequences.setdefault(key, []).append((frame, index))
    ck_sequences = []
    for key in sorted(sequences):
        frames = [index for _, index in sorted(sequences[key])]
        frames = (frames + [frames[-1]] * 3)[:3]
        ck_sequences.append((ck[frames], int(ck_y[frames[0]])))
    return {
        "fer_train": (fer_train, fer_train_y),
        "fer_train_paths": fer_train_paths,
        "fer_val": (fer_val, fer_val_y),
        "fer_val_paths": fer_val_paths,
        "ck_train": (ck[~ck_is_test], ck_y[~ck_is_test]),
        "ck_test": (ck[ck_is_test], ck_y[ck_is_test]),
        "ck_sequences": ck_sequences,
        "ck_split": {"train_subjects": train_subjects, "test_subjects": test_subjects,
                     "test_files": [p for p, t in zip(ck_paths, ck_is_test) if t]},
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=data.default_data_dir(),
                        help="shared data folder (fer2013/, ckplus48/), or the .npz file pack.py made of it")
    parser.add_argument("--out", default=os.path.join(HERE, "..", "build", CompactClipNet.name + ".pt"),
                        help="checkpoint to write")
    parser.add_argument("--epochs", type=int, default=20, help="stage 1 epochs on stills")
    parser.add_argument("--clip-epochs", type=int, default=2, help="stage 2 epochs on synthetic clips")
    parser.add_argument("--batch", type=int, default=128,
                        help="stills per batch (stage 2: clips = batch / frames per clip)")
    parser.add_argument("--lr", type=float, default=0.05, help="peak learning rate of stage 1")
    parser.add_argument("--clip-lr", type=float, default=0.003, help="peak learning rate of stage 2")
    parser.add_argument("--crop", type=int, default=48,
                        help="stage 1 trains on a random CROP x CROP window of each 48x48 still (same pixel scale: "
                             "the full still is only more context; 40 makes epochs ~30%% cheaper); 48: whole stills")
    parser.add_argument("--mixup", type=float, default=0.2,
                        help="stage 1 mixup: each batch is blended with a shuffled copy of itself, weight ~ "
                             "Beta(a, a); 0 turns it off")
    parser.add_argument("--ckplus-repeat", type=int, default=3, help="times each CK+ training item is seen per epoch")
    parser.add_argument("--equalize", action=argparse.BooleanOptionalAction, default=True,
                        help="histogram-equalise each crop's gray plane (declared in the descriptor; default on)")
    parser.add_argument("--camera-effects", action=argparse.BooleanOptionalAction, default=True,
                        help="augment with side light, small faces and JPEG artefacts (default on)")
    parser.add_argument("--targets", choices=["ferplus", "fer2013"], default="ferplus",
                        help="what the FER2013 stills learn: the distribution of their FER+ crowd votes over the five "
                             "classes (default), or the original FER2013 labels")
    parser.add_argument("--ferplus-votes", metavar="CSV", help="FER+ votes (default: DATA/fer2013/ferplus-votes.csv)")
    parser.add_argument("--min-votes", type=int, default=5,
                        help="ferplus: leave out stills with fewer of their ten votes on the five classes (default 5: "
                             "most annotators saw another expression, or no face)")
    parser.add_argument("--teacher", metavar="CSV", default=DEFAULT_TEACHER,
                        help="a teacher's probabilities for the FER2013 training stills (path,neutral,happy,...); "
                             "default: face-api.js's, made by models/faceapi (see its README)")
    parser.add_argument("--distill", type=float, default=0.0,
                        help="weight of the distillation loss against the teacher (0..1; 0: no teacher)")
    parser.add_argument("--distill-temperature", type=float, default=2.0,
                        help="temperature that softens teacher and student in the distillation loss")
    parser.add_argument("--frames", default=",".join(map(str, CompactClipNet.default_frame_indices)),
                        help="the clip frames the model reads (0-based, rising, comma-separated; every second one "
                             "seen mirrored; default %(default)s)")
    parser.add_argument("--threads", type=int, default=2, help="CPU threads")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--limit", type=int, default=0, help="use only this many FER training images (smoke runs)")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--from-stage1", metavar="CHECKPOINT",
                        help="skip stage 1: start stage 2 from a stage-1 checkpoint that an earlier run wrote")
    args = parser.parse_args(argv)
    try:
        args.frames = [int(v) for v in args.frames.split(",")]
        CompactClipNet(frame_indices=args.frames)
    except ValueError as e:
        parser.error("--frames: %s" % e)
    if not 16 <= args.crop <= CompactClipNet.size:
        parser.error("--crop must be between 16 and %d" % CompactClipNet.size)
    if not 0 <= args.distill <= 1:
        parser.error("--distill takes a weight in 0..1")
    if args.distill == 0:
        args.teacher = None
    elif not os.path.isfile(args.teacher):
        parser.error("no teacher probabilities at %s: make them with models/faceapi (see its README), or train "
                     "without distillation (--distill 0)" % args.teacher)

    args.ferplus_votes = args.ferplus_votes or os.path.join(args.data, "fer2013", "ferplus-votes.csv")
    torch.set_num_threads(args.threads)
    seed_everything(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    device = torch.device(args.device)
    started = time.time()

    log("loading stills from %s" % args.data)
    try:
        sets = load_training_data(args.data)
    except (OSError, ValueError) as e:
        parser.exit(1, "train: %s\n" % e)
    fer_x, fer_y = sets["fer_train"]
    fer_paths = sets["fer_train_paths"]
    if args.limit:
        fer_x, fer_y, fer_paths = fer_x[:args.limit], fer_y[:args.limit], fer_paths[:args.limit]
    try:
        kept, fer_y, fer_targets = fer_training_targets(args, fer_y, fer_paths)
        val_votes = data.load_ferplus_votes(args.ferplus_votes, "val")
    except (OSError, ValueError) as e:
        parser.exit(1, "train: %s\n" % e)
    fer_val_majority = data.ferplus_majority(sets["fer_val_paths"], val_votes)
    if args.targets == "ferplus":
        log("FER+ targets: %d of %d FER2013 training stills kept (%d with too few votes on the five classes or none)"
            % (kept.sum(), len(kept), (~kept).sum()))
    fer_x, fer_y, fer_targets = fer_x[kept], fer_y[kept], fer_targets[kept]
    fer_paths = [p for p, k in zip(fer_paths, kept) if k]
    ck_x, ck_y = sets["ck_train"]
    train_x = np.concatenate([fer_x] + [ck_x] * args.ckplus_repeat)
    train_y = np.concatenate([fer_y] + [ck_y] * args.ckplus_repeat)
    # soft[:, 0]: what each still learns (FER+ votes or its label); soft[:, 1]: the teacher's probabilities for
    # FER2013 stills (the same as soft[:, 0] without a teacher, and for CK+, which has no teacher)
    one_hot = np.eye(len(data.LABELS), dtype=np.float32)
    try:
        fer_teacher = load_teacher(args.teacher, fer_paths) if args.teacher else fer_targets
    except (OSError, ValueError) as e:
        parser.exit(1, "train: %s\n" % e)
    fer_soft = np.stack([fer_targets, fer_teacher], axis=1)
    ck_soft = np.stack([one_hot[ck_y], one_hot[ck_y]], axis=1)
    train_soft = np.concatenate([fer_soft] + [ck_soft] * args.ckplus_repeat)
    if args.teacher:
        log("teacher %s agrees with the training labels on %.1f%% of the FER2013 stills"
            % (args.teacher, 100.0 * float((fer_teacher.argmax(1) == fer_y).mean())))
    log("training stills: %d (FER2013 %d, CK+ %d x %d from %d subjects); CK+ test subjects: %d"
        % (len(train_x), len(fer_x), len(ck_x), args.ckplus_repeat, len(sets["ck_split"]["train_subjects"]),
           len(sets["ck_split"]["test_subjects"])))

    mean, std = channel_statistics(train_x, args.equalize)
    log("channel mean %s std %s" % (mean, std))
    pre = ChannelPreprocessor(mean, std, args.equalize)
    model = CompactClipNet(frame_indices=args.frames).to(device, memory_format=torch.channels_last)
    weights = class_weights(train_y, device)
    history = []

    def criterion(logits, target, soft):
        """Cross-entropy with the targets (soft[:, 0]: FER+ vote distributions or labels; class-weighted, smoothed)
        and, with --distill, with the teacher's probabilities (soft[:, 1]) softened by the temperature (scaled by its
        square, as usual, to keep gradients comparable)."""
        loss = F.cross_entropy(logits, soft[:, 0], weight=weights, label_smoothing=0.1)
        if args.distill == 0:
            return loss
        t = args.distill_temperature
        teacher = soft[:, 1].pow(1.0 / t)
        teacher = teacher / teacher.sum(dim=1, keepdim=True)
        distill = -(teacher * F.log_softmax(logits / t, dim=1)).sum(dim=1).mean() * t * t
        return (1 - args.distill) * loss + args.distill * distill

    def report(stage, epoch, loss, seen, correct, epoch_started):
        frames = len(model.frame_indices) if stage == "clips" else 1
        val_x, val_y = sets["fer_val"]
        predicted = still_predictions(model, pre, val_x, device, frames)
        val_acc, val_bal = labelled_figures(predicted, val_y)
        plus_acc, plus_bal = labelled_figures(predicted, fer_val_majority)
        neutral = fer_val_majority == 0
        entry = {"stage": stage, "epoch": epoch, "loss": round(loss, 4), "train_accuracy": round(correct / seen, 4),
                 "fer_val_accuracy": round(val_acc, 4), "fer_val_balanced_accuracy": round(val_bal, 4),
                 "ferplus_val_accuracy": round(plus_acc, 4), "ferplus_val_balanced_accuracy": round(plus_bal, 4),
                 "ferplus_val_neutral_recall": round(float((predicted[neutral] == 0).mean()), 4),
                 "seconds": round(time.time() - epoch_started, 1)}
        history.append(entry)
        log("%s epoch %d: loss %.4f train acc %.3f | FER val acc %.4f balanced %.4f | by FER+ majority %.4f "
            "balanced %.4f neutral recall %.3f | %.0f s"
            % (stage, epoch, loss, correct / seen, val_acc, val_bal, plus_acc, plus_bal,
               entry["ferplus_val_neutral_recall"], entry["seconds"]))

    stage1_path = os.path.splitext(os.path.abspath(args.out))[0] + "-stage1.pt"
    if args.from_stage1:
        stage1 = torch.load(args.from_stage1, map_location="cpu")
        model.load_state_dict(stage1["state_dict"])
        history.extend(stage1["history"])
        mean, std = stage1["channel_mean"], stage1["channel_std"]
        args.equalize = stage1.get("equalize", False)
        pre = ChannelPreprocessor(mean, std, args.equalize)
        args.epochs = sum(1 for entry in stage1["history"] if entry["stage"] == "stills")
        # its training time counts towards this run's (older checkpoints hold only per-epoch seconds)
        stage1_minutes = stage1.get("minutes", sum(entry["seconds"] for entry in stage1["history"]) / 60.0)
        started -= stage1_minutes * 60.0
        log("stage 1 (%d epochs, %.1f min) taken from %s" % (args.epochs, stage1_minutes, args.from_stage1))

    # Stage 1: frame-level training on stills, temporal blocks frozen at zero (identity)
    model.set_temporal(False)
    stills_epochs = 0 if args.from_stage1 else args.epochs
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.SGD(trainable, lr=args.lr, momentum=0.9, nesterov=True, weight_decay=5e-4)

    def stills_batch(index):
        gray = augment_stills(torch.from_numpy(train_x[index]).float().div(255.0), generator, args.camera_effects)
        inputs = to_model_input(pre, gray.unsqueeze(1))  # channels made on the whole still, as at test
        if args.crop < inputs.shape[2]:
            inputs = random_windows(inputs[:, 0], args.crop, generator).unsqueeze(1)
        return inputs, train_y[index], train_soft[index]

    schedule = Schedule(stills_epochs * (len(train_x) // args.batch), args.lr, len(train_x) // args.batch)
    for epoch in range(1, stills_epochs + 1):
        epoch_started = time.time()
        figures = train_epoch(model, optimizer, schedule, criterion, stills_batch, len(train_x), args.batch,
                              generator, device, args.mixup)
        report("stills", epoch, *figures, epoch_started)
    if stills_epochs:
        os.makedirs(os.path.dirname(stage1_path), exist_ok=True)
        torch.save({"state_dict": model.state_dict(), "history": history, "channel_mean": mean, "channel_std": std,
                    "equalize": args.equalize, "minutes": (time.time() - started) / 60.0}, stage1_path)
        log("wrote %s" % stage1_path)

    # Stage 2: fine-tune everything on synthetic clips
    model.set_temporal(True)
    fer_sources = [(np.repeat(x[None], 3, axis=0), int(y)) for x, y in zip(fer_x, fer_y)]
    items = fer_sources + sets["ck_sequences"] * args.ckplus_repeat
    clip_x = np.stack([s for s, _ in items])
    clip_y = np.array([y for _, y in items])
    ck_clip_labels = one_hot[[y for _, y in sets["ck_sequences"]]]
    clip_soft = np.concatenate([fer_soft] + [np.stack([ck_clip_labels, ck_clip_labels], axis=1)] * args.ckplus_repeat)
    clip_batch = max(1, args.batch // len(model.frame_indices))
    optimizer = torch.optim.SGD(model.parameters(), lr=args.clip_lr, momentum=0.9, nesterov=True, weight_decay=5e-4)

    def clips_batch(index):
        sources = torch.from_numpy(clip_x[index]).float().div(255.0)
        gray = synthesize_clips(sources, model.frame_indices, model.clip_length, generator,
                                camera_effects=args.camera_effects)
        return to_model_input(pre, gray), clip_y[index], clip_soft[index]

    steps_per_epoch = len(clip_x) // clip_batch
    schedule = Schedule(steps_per_epoch * args.clip_epochs, args.clip_lr, steps_per_epoch // 4)
    for epoch in range(1, args.clip_epochs + 1):
        epoch_started = time.time()
        figures = train_epoch(model, optimizer, schedule, criterion, clips_batch, len(clip_x), clip_batch,
                              generator, device)
        report("clips", epoch, *figures, epoch_started)

    ck_test_x, ck_test_y = sets["ck_test"]
    ck_acc, ck_bal = labelled_figures(still_predictions(model, pre, ck_test_x, device, len(model.frame_indices)),
                                      ck_test_y)
    minutes = (time.time() - started) / 60.0
    log("CK+ test subjects: acc %.4f balanced %.4f; trained in %.1f min" % (ck_acc, ck_bal, minutes))
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    summary = {"arguments": {k: (os.path.basename(v) if k in ("teacher", "ferplus_votes") and v else v)
                             for k, v in vars(args).items() if k not in ("data", "out", "from_stage1")},
               "fer2013_training_stills": int(len(fer_x)),
               "equalize": args.equalize,
               "torch": torch.__version__, "device": str(device), "minutes": round(minutes, 1),
               "channel_mean": mean, "channel_std": std, "history": history,
               "ckplus_test_subjects_accuracy_in_training": round(ck_acc, 4),
               "ckplus_split": sets["ck_split"]}
    torch.save({"state_dict": model.cpu().state_dict(), "summary": summary}, args.out)
    log("wrote %s" % os.path.abspath(args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
