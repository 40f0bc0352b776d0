"""Packs what training reads from ../shared/data into one folder small enough to carry to a GPU machine (the device
takes at most 64 MiB of ignored files): the FER2013 train and val stills and the CK+ stills as uint8 arrays with their
labels and file names (stills.npz), and the FER+ votes (ferplus-votes.csv).

  cd models && /usr/bin/python3 -m emotion_models.pack [--data ../../shared/data] [--out build/packed]

train.py reads the pack with --data build/packed/stills.npz --ferplus-votes build/packed/ferplus-votes.csv;
device-train.sh runs that on the GPU machine.
"""
import argparse
import os
import shutil

import numpy as np

from . import data

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=data.default_data_dir(), help="shared data folder (default: %(default)s)")
    parser.add_argument("--out", default=os.path.join(HERE, "..", "build", "packed"),
                        help="folder to write stills.npz and ferplus-votes.csv into (default: %(default)s)")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    arrays = {}
    for name, parts in data.STILL_SETS.items():
        images, labels, paths = data.load_class_folder(os.path.join(args.data, *parts))
        arrays.update({name + "_x": images, name + "_y": labels, name + "_paths": np.array(paths)})
        print("%-10s %6d stills %s" % (name, len(images), images.shape[1:]))
    stills = os.path.join(args.out, "stills.npz")
    np.savez_compressed(stills, **arrays)
    shutil.copyfile(os.path.join(args.data, "fer2013", "ferplus-votes.csv"), os.path.join(args.out, "ferplus-votes.csv"))
    size = sum(os.path.getsize(os.path.join(args.out, f)) for f in os.listdir(args.out))
    print("wrote %s and ferplus-votes.csv: %.1f MiB" % (stills, size / 2 ** 20))


if __name__ == "__main__":
    main()
