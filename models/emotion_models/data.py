"""Labels and loading of the still face crops in ../shared/data (FER2013, CK+)."""
import os
import random
import re

import numpy as np
from PIL import Image

# The one class order used everywhere: descriptors, training, Java, events.
LABELS = ["neutral", "happy", "sad", "angry", "surprised"]

CKPLUS_NAME = re.compile(r"^(S\d+)_(\d+)_(\d+)\.png$")


def default_data_dir():
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.normpath(os.path.join(here, "..", "..", "..", "shared", "data"))


def load_class_folder(folder, labels=LABELS):
    """Loads folder/<class>/*.png as uint8 grayscale arrays; returns (images, label indices, relative paths).
    Raises FileNotFoundError when the folder holds no image of these classes."""
    images, targets, paths = [], [], []
    for index, label in enumerate(labels):
        class_dir = os.path.join(folder, label)
        if not os.path.isdir(class_dir):
            continue
        for name in sorted(os.listdir(class_dir)):
            if not name.lower().endswith((".png", ".jpg", ".jpeg")):
                continue
            with Image.open(os.path.join(class_dir, name)) as image:
                images.append(np.asarray(image.convert("L"), dtype=np.uint8))
            targets.append(index)
            paths.append(label + "/" + name)
    if not images:
        raise FileNotFoundError("no images under %s (expected one subfolder per class: %s)" % (folder, ", ".join(labels)))
    return np.stack(images), np.asarray(targets, dtype=np.int64), paths


# The labelled still sets training reads, and their folders under the shared data folder.
STILL_SETS = {"fer_train": ("fer2013", "train"), "fer_val": ("fer2013", "val"), "ckplus": ("ckplus48",)}


def load_packed(npz_path):
    """The still sets of STILL_SETS as pack.py packed them: {name: (images, label indices, relative paths)}."""
    with np.load(npz_path) as packed:
        return {name: (packed[name + "_x"], packed[name + "_y"], [str(p) for p in packed[name + "_paths"]])
                for name in STILL_SETS}


def ckplus_subject(relative_path):
    match = CKPLUS_NAME.match(os.path.basename(relative_path))
    if not match:
        raise ValueError("not a CK+ file name (Sxxx_yyy_zzzzzzzz.png): " + relative_path)
    return match.group(1)


def ckplus_sequence(relative_path):
    match = CKPLUS_NAME.match(os.path.basename(relative_path))
    return match.group(1) + "_" + match.group(2), int(match.group(3))


def split_ckplus_subjects(paths, test_share=0.25, seed=2013):
    """One fixed split by subject (never by image): returns (train subjects, test subjects), sorted."""
    subjects = sorted({ckplus_subject(p) for p in paths})
    shuffled = subjects[:]
    random.Random(seed).shuffle(shuffled)
    test_count = max(1, round(len(subjects) * test_share))
    return sorted(shuffled[test_count:]), sorted(shuffled[:test_count])


# FER+ vote columns (fer2013/ferplus-votes.csv) in the order of LABELS; the other columns (disgust, fear, contempt,
# unknown, NF = not a face) are votes outside the five classes.
FERPLUS_COLUMNS = ["neutral", "happiness", "sadness", "anger", "surprise"]
FERPLUS_ALL = ["neutral", "happiness", "surprise", "sadness", "anger", "disgust", "fear", "contempt", "unknown", "NF"]


def load_ferplus_votes(csv_path, split):
    """The FER+ crowd votes of one split's images: {"<class>/<file>": [10 counts in FERPLUS_ALL order]}."""
    import csv
    votes = {}
    with open(csv_path, newline="") as f:
        for row in csv.DictReader(f):
            if row["split"] == split:
                votes[row["class"] + "/" + row["file"]] = [int(row[c]) for c in FERPLUS_ALL]
    if not votes:
        raise ValueError("%s holds no votes for split %r" % (csv_path, split))
    return votes


def ferplus_targets(paths, votes, min_votes):
    """Soft targets over LABELS from the FER+ votes of the images at these relative paths.

    Returns (distributions [N, 5] float32, majority label [N] int64, kept [N] bool): an image is kept when it has
    votes and at least `min_votes` of its 10 fall on the five classes (the others are mostly fear, contempt,
    unknown or not a face, which none of the five describes); its distribution is its five-class votes normalised.
    The majority is the class with the most votes (the first of LABELS on a tie)."""
    distributions = np.zeros((len(paths), len(LABELS)), dtype=np.float32)
    kept = np.zeros(len(paths), dtype=bool)
    for i, path in enumerate(paths):
        counts = votes.get(path)
        if counts is None:
            continue
        five = np.array([counts[FERPLUS_ALL.index(c)] for c in FERPLUS_COLUMNS], dtype=np.float32)
        if five.sum() >= min_votes:
            distributions[i] = five / five.sum()
            kept[i] = True
    return distributions, distributions.argmax(axis=1).astype(np.int64), kept


def ferplus_majority(paths, votes):
    """The FER+ majority label of each image as an index into LABELS, or -1 where it has no votes or the most-voted
    label is outside the five classes or tied with another (the figures 'judged by the FER+ majority' leave those
    out)."""
    out = np.full(len(paths), -1, dtype=np.int64)
    for i, path in enumerate(paths):
        counts = votes.get(path)
        if counts is None:
            continue
        top = max(counts)
        winners = [c for c, v in zip(FERPLUS_ALL, counts) if v == top]
        if len(winners) == 1 and winners[0] in FERPLUS_COLUMNS:
            out[i] = FERPLUS_COLUMNS.index(winners[0])
    return out
