"""Tabulates the recipes that models/ablate.sh measured, and chooses among them person by person.

  cd models && /usr/bin/python3 -m emotion_models.ablations [--dir build/ablations] [--markdown]

For each recipe: FER2013 val (folder labels; FER+ majority, with neutral recall), CK+ test subjects, and the
development videos (all clips, and balanced accuracy per person). Then leave one person out: for each person of the
development videos, the recipe with the best mean balanced accuracy over the *other* people's clips is chosen, and
its figure on the held-out person is the honest one (nothing about that person went into the choice).
"""
import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DIR = os.path.normpath(os.path.join(HERE, "..", "build", "ablations"))


def load(folder):
    def read(name):
        path = os.path.join(folder, name)
        if not os.path.isfile(path):
            return None
        with open(path) as f:
            return json.load(f)
    return {"fer": read("fer-val.json"), "ferplus": read("ferplus-val.json"), "ckplus": read("ckplus.json"),
            "dev": read("dev-videos.json")}


def person_scores(dev):
    return {person: figures["balanced_accuracy"] for person, figures in dev["persons"].items()}


def choose_leaving_out(recipes, person):
    """The recipe with the best mean balanced accuracy over the development people other than `person`."""
    def score(name):
        others = [v for p, v in person_scores(recipes[name]["dev"]).items() if p != person]
        return sum(others) / len(others)
    return max(sorted(recipes), key=score)


def percent(v):
    return "-" if v is None else "%.1f" % (100 * v)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", default=DEFAULT_DIR, help="folder of ablation results (default: %(default)s)")
    args = parser.parse_args(argv)
    recipes = {}
    for name in sorted(os.listdir(args.dir)) if os.path.isdir(args.dir) else []:
        figures = load(os.path.join(args.dir, name))
        if all(figures.values()):
            recipes[name] = figures
    if not recipes:
        parser.exit(1, "no complete ablation results under %s (run models/ablate.sh)\n" % args.dir)
    persons = sorted(next(iter(recipes.values()))["dev"]["persons"])
    print("| recipe | FER val acc / bal. | FER+ majority acc / bal. | FER+ neutral recall | CK+ test | dev clips acc / "
          "bal. | dev uncertain | %s |" % " | ".join(persons))
    print("|" + " --- |" * (7 + len(persons)))
    for name, r in recipes.items():
        neutral = r["ferplus"]["per_class"]["neutral"]["recall"]
        scores = person_scores(r["dev"])
        print("| %s | %s / %s | %s / %s | %s | %s | %s / %s | %s | %s |" % (
            name, percent(r["fer"]["accuracy"]), percent(r["fer"]["balanced_accuracy"]),
            percent(r["ferplus"]["accuracy"]), percent(r["ferplus"]["balanced_accuracy"]), percent(neutral),
            percent(r["ckplus"]["accuracy"]), percent(r["dev"]["accuracy"]), percent(r["dev"]["balanced_accuracy"]),
            percent(r["dev"]["uncertain_share"]), " | ".join(percent(scores.get(p)) for p in persons)))
    print("\nleave one person out (balanced accuracy of the held-out person's clips):")
    for person in persons:
        chosen = choose_leaving_out(recipes, person)
        print("  %-10s chosen on the others: %-24s %s%%" % (person, chosen,
                                                          percent(person_scores(recipes[chosen]["dev"])[person])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
