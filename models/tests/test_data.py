"""The data splits: CK+ is split by subject, so no person is on both sides."""
import json
import os
import unittest

from emotion_models import data

MODEL_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "compact-r2plus1d")
DATA = data.default_data_dir()


class CkplusSplitTest(unittest.TestCase):
    def test_split_is_by_subject_and_covers_everyone(self):
        paths = ["%s/S%03d_%03d_%08d.png" % (label, subject, sequence, frame)
                 for subject in range(10, 90) for sequence, label in ((1, "happy"), (2, "sad"))
                 for frame in (12, 13, 14)]
        train, test = data.split_ckplus_subjects(paths)
        self.assertFalse(set(train) & set(test))
        self.assertEqual({data.ckplus_subject(p) for p in paths}, set(train) | set(test))
        self.assertEqual(20, len(test))
        self.assertEqual((train, test), data.split_ckplus_subjects(list(reversed(paths))), "fixed, order-free")

    def test_committed_split_keeps_every_test_image_with_a_test_subject(self):
        with open(os.path.join(MODEL_DIR, "ckplus-split.json")) as f:
            split = json.load(f)
        train, test = set(split["train_subjects"]), set(split["test_subjects"])
        self.assertFalse(train & test, "a subject on both sides")
        with open(os.path.join(MODEL_DIR, "ckplus-test.txt")) as f:
            files = [line.strip() for line in f if line.strip() and not line.startswith("#")]
        self.assertTrue(files)
        self.assertEqual(test, {data.ckplus_subject(p) for p in files})

    def test_a_folder_without_images_is_an_error_not_an_exit(self):
        with self.assertRaises(FileNotFoundError):
            data.load_class_folder(os.path.dirname(os.path.abspath(__file__)))


class FerPlusVotesTest(unittest.TestCase):
    HEADER = "split,class,file,fer_row,neutral,happiness,surprise,sadness,anger,disgust,fear,contempt,unknown,NF\n"

    def votes(self, rows):
        import tempfile
        with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as f:
            f.write(self.HEADER + "".join(rows))
        self.addCleanup(os.remove, f.name)
        return data.load_ferplus_votes(f.name, "val")

    def test_targets_are_the_five_class_votes_and_faces_voted_mostly_elsewhere_are_left_out(self):
        votes = self.votes(["val,sad,1.png,1,6,0,0,4,0,0,0,0,0,0\n",     # the crowd: mostly neutral
                            "val,angry,2.png,2,2,0,0,0,1,0,6,0,1,0\n",    # mostly fear: 3 votes on the five
                            "train,sad,1.png,3,0,0,0,10,0,0,0,0,0,0\n"])  # another split
        distributions, majority, kept = data.ferplus_targets(["sad/1.png", "angry/2.png", "happy/9.png"], votes, 5)
        self.assertEqual([True, False, False], kept.tolist(), "no votes for happy/9.png")
        self.assertEqual([0.6, 0.0, 0.4, 0.0, 0.0], [round(float(v), 6) for v in distributions[0]])
        self.assertEqual(0, majority[0])

    def test_majority_leaves_out_ties_and_other_expressions(self):
        votes = self.votes(["val,sad,1.png,1,6,0,0,4,0,0,0,0,0,0\n", "val,sad,2.png,2,4,0,0,4,0,0,2,0,0,0\n",
                            "val,angry,3.png,3,2,0,0,0,1,0,6,0,1,0\n", "val,surprised,4.png,4,0,1,9,0,0,0,0,0,0,0\n"])
        self.assertEqual([0, -1, -1, 4, -1], data.ferplus_majority(
            ["sad/1.png", "sad/2.png", "angry/3.png", "surprised/4.png", "happy/none.png"], votes).tolist())


@unittest.skipUnless(os.path.isdir(os.path.join(DATA, "fer2013", "val")),
                     "needs ../shared/data: FER2013 val not found at " + DATA)
class SharedFerPlusVotesTest(unittest.TestCase):
    def test_the_votes_relabel_the_val_stills_as_the_data_readme_counts(self):
        votes = data.load_ferplus_votes(os.path.join(DATA, "fer2013", "ferplus-votes.csv"), "val")
        _, folder_labels, paths = data.load_class_folder(os.path.join(DATA, "fer2013", "val"))
        majority = data.ferplus_majority(paths, votes)
        self.assertEqual(4486, sum(p in votes for p in paths), "val images with votes")
        sad, neutral = data.LABELS.index("sad"), data.LABELS.index("neutral")
        self.assertEqual(451, int(((folder_labels == sad) & (majority == neutral)).sum()),
                         "FER2013 'sad' faces that most annotators called neutral")


if __name__ == "__main__":
    unittest.main()


class PackTest(unittest.TestCase):
    def test_a_pack_holds_what_the_folders_hold(self):
        import subprocess
        import sys
        import tempfile

        import numpy as np
        from PIL import Image
        with tempfile.TemporaryDirectory() as root:
            shared = os.path.join(root, "data")
            rng = np.random.default_rng(0)
            for parts in data.STILL_SETS.values():
                for label in ("neutral", "sad"):
                    folder = os.path.join(shared, *parts, label)
                    os.makedirs(folder)
                    for i in range(3):
                        name = "S01%d_001_0000000%d.png" % (i, i) if parts == ("ckplus48",) else "%d.png" % i
                        Image.fromarray(rng.integers(0, 256, (48, 48), dtype=np.uint8)).save(
                            os.path.join(folder, name))
            with open(os.path.join(shared, "fer2013", "ferplus-votes.csv"), "w") as f:
                f.write("split,class,file\n")
            out = os.path.join(root, "packed")
            subprocess.run([sys.executable, "-m", "emotion_models.pack", "--data", shared, "--out", out],
                           check=True, capture_output=True, cwd=os.path.dirname(os.path.dirname(__file__)))
            packed = data.load_packed(os.path.join(out, "stills.npz"))
            for name, parts in data.STILL_SETS.items():
                images, labels, paths = data.load_class_folder(os.path.join(shared, *parts))
                np.testing.assert_array_equal(images, packed[name][0])
                np.testing.assert_array_equal(labels, packed[name][1])
                self.assertEqual(paths, packed[name][2])
            self.assertTrue(os.path.isfile(os.path.join(out, "ferplus-votes.csv")))
