"""The data splits: CK+ is split by subject, so no person is on both sides."""
import json
import os
import unittest

from emotion_models import data

MODEL_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "compact-r2plus1d")


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


if __name__ == "__main__":
    unittest.main()
