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
