"""Two experiments on the development videos' clips (models/build/dev, see videos.py), in PyTorch, for the model card:

  cd models && /usr/bin/python3 -m emotion_models.clip_experiments frames CHECKPOINT [--dev build/dev]
  cd models && /usr/bin/python3 -m emotion_models.clip_experiments baseline CHECKPOINT [--dev build/dev]

frames: the same weights reading other frames of each clip (the weights do not depend on how many), with each
person's accuracy and balanced accuracy, and the choice each person's held-out run would make (the frame set with the
best mean balanced accuracy over the other persons), at any cost and within the cost aim (at most 4 frames).

baseline: a per-face adjustment as the smoother could make it: each clip's log-probabilities less `alpha` times the
face's own mean log-probabilities over its last `window` clips (centred), so that a face that looks a little sad at
rest is judged against itself. The MEAD persons' clips are put in session order (neutral first, then the four other
expressions in three different orders), as one long recording of the person; balanced accuracy per person and recall
per class, averaged over the orders, for each alpha and window (alpha 0: no adjustment).
"""
import argparse
import os

import numpy as np
import torch

from . import data, videos

HERE = os.path.dirname(os.path.abspath(__file__))
FRAME_SETS = [(7, 22), (3, 11, 18, 26), (2, 9, 16, 23), (0, 5, 10, 15, 20, 25)]
ORDERS = [[0, 1, 2, 3, 4], [0, 4, 3, 2, 1], [0, 2, 1, 4, 3]]


def frames_experiment(checkpoint, clips):
    results = {}
    for frames in FRAME_SETS:
        model, pre = videos.load_checkpoint(checkpoint, list(frames))
        probabilities = torch.softmax(videos.clip_logits(model, pre, clips["crops"]), 1).numpy()
        results[frames] = videos.per_person(probabilities, clips, 0.0)
        print("frames %-22s %s" % (",".join(map(str, frames)), "  ".join(
            "%s %.3f/%.3f" % (p, f["accuracy"], f["balanced_accuracy"]) for p, f in results[frames].items())))
    persons = sorted(set(clips["persons"]))
    for budget, sets in (("any cost", FRAME_SETS), ("at most 4 frames (2x the cost of 2)",
                                                    [s for s in FRAME_SETS if len(s) <= 4])):
        print("leave one person out, %s:" % budget)
        for held_out in persons:
            others = [p for p in persons if p != held_out]
            chosen = max(sets, key=lambda s: np.mean([results[s][p]["balanced_accuracy"] for p in others]))
            print("  held out %-10s chosen on the others: %-16s its balanced accuracy %.3f"
                  % (held_out, ",".join(map(str, chosen)), results[chosen][held_out]["balanced_accuracy"]))


def baseline_experiment(checkpoint, clips):
    model, pre = videos.load_checkpoint(checkpoint)
    log_probabilities = torch.log_softmax(videos.clip_logits(model, pre, clips["crops"]), 1).numpy()
    labels, persons = clips["labels"], np.array(clips["persons"])
    mead = sorted(p for p in set(clips["persons"]) if len(set(labels[persons == p])) == len(data.LABELS))
    print("persons with all five classes (session order): %s" % ", ".join(mead))
    for alpha in (0.0, 0.25, 0.5, 1.0):
        for window in (12, 36):
            recalls = {p: np.mean([_session_recalls(log_probabilities, clips, p, order, alpha, window)
                                   for order in ORDERS], axis=0) for p in mead}
            per_class = np.mean(list(recalls.values()), axis=0)
            print("alpha %.2f window %2d  %s  recall %s" % (alpha, window, "  ".join(
                "%s %.3f" % (p, r.mean()) for p, r in recalls.items()), " ".join(
                "%s %.3f" % (label, r) for label, r in zip(data.LABELS, per_class))))
            if alpha == 0.0:
                break


def _session_recalls(log_probabilities, clips, person, order, alpha, window):
    labels, persons, first = clips["labels"], np.array(clips["persons"]), clips["first_frames"]
    session = []
    for label in order:
        mine = np.where((persons == person) & (labels == label))[0]
        session.extend(mine[np.argsort(first[mine])])
    right, count, history = np.zeros(len(data.LABELS)), np.zeros(len(data.LABELS)), []
    for i in session:
        adjusted = log_probabilities[i]
        if history and alpha > 0:
            own = np.mean(history[-window:], axis=0)
            adjusted = adjusted - alpha * (own - own.mean())
        right[labels[i]] += adjusted.argmax() == labels[i]
        count[labels[i]] += 1
        history.append(log_probabilities[i])
    return right / count


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("experiment", choices=["frames", "baseline"])
    parser.add_argument("checkpoint", help="a checkpoint that train.py wrote")
    parser.add_argument("--dev", default=os.path.join(HERE, "..", "build", "dev"),
                        help="the development videos' clips.csv and crops.npy (default: %(default)s)")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    clips = videos.load_clips(os.path.join(args.dev, "clips.csv"), os.path.join(args.dev, "crops.npy"))
    (frames_experiment if args.experiment == "frames" else baseline_experiment)(args.checkpoint, clips)


if __name__ == "__main__":
    main()
