"""The development videos in PyTorch: the crops and rows that `evaluate --clips --crops` writes, and their figures."""
import os
import tempfile
import unittest

import numpy as np
import torch

from emotion_models import videos
from emotion_models.nets import CompactClipNet
from emotion_models.preprocess import ChannelPreprocessor

HEADER = ("video,person,first_frame,last_frame,start_s,end_s,label,predicted,confidence,confident,steady,"
          "frames_with_face,p_neutral,p_happy,p_sad,p_angry,p_surprised\n")


class DevelopmentVideosTest(unittest.TestCase):
    def test_labelled_clips_are_read_with_their_crops_in_row_order(self):
        folder = tempfile.mkdtemp()
        rows = ["a_sad.mp4,a,0,29,0,1.2,sad,sad,0.7,true,,30,0.1,0.1,0.7,0.05,0.05\n",
                "a_sad.mp4,a,30,59,1.2,2.4,,sad,0.7,true,,30,0.1,0.1,0.7,0.05,0.05\n",
                "b_happy.mp4,b,0,29,0,1.2,happy,happy,0.9,true,,30,0.025,0.9,0.025,0.025,0.025\n"]
        with open(os.path.join(folder, "clips.csv"), "w") as f:
            f.write(HEADER + "".join(rows))
        crops = np.stack([np.full((30, 48, 48), v, dtype=np.uint8) for v in (10, 20, 30)])
        np.save(os.path.join(folder, "crops.npy"), crops)
        clips = videos.load_clips(os.path.join(folder, "clips.csv"), os.path.join(folder, "crops.npy"))
        self.assertEqual([2, 1], clips["labels"].tolist(), "the unlabelled clip is left out")
        self.assertEqual(["a", "b"], clips["persons"])
        self.assertEqual([10, 30], clips["crops"][:, 0, 0, 0].tolist())

        model, pre = CompactClipNet().eval(), ChannelPreprocessor(equalize=True)
        logits = videos.clip_logits(model, pre, clips["crops"])
        self.assertEqual((2, 5), tuple(logits.shape))

    def test_figures_count_uncertain_and_confident_clips(self):
        probabilities = np.array([[0.9, 0.1, 0, 0, 0], [0.5, 0.5, 0, 0, 0], [0.2, 0.7, 0.1, 0, 0]])
        figures = videos.figures(probabilities, np.array([0, 1, 1]), min_confidence=0.65)
        self.assertAlmostEqual(2 / 3, figures["accuracy"])
        self.assertAlmostEqual(0.75, figures["balanced_accuracy"])
        self.assertAlmostEqual(1 / 3, figures["uncertain_share"])
        self.assertEqual(1.0, figures["confident_accuracy"])
        by_person = videos.per_person(probabilities, {"persons": ["a", "a", "b"], "labels": np.array([0, 1, 1])},
                                      0.65)
        self.assertEqual(["a", "all", "b"], sorted(by_person))


if __name__ == "__main__":
    unittest.main()
