"""Checks of the PyTorch side (needs Debian's python3-torch):  cd models && /usr/bin/python3 -m unittest -v"""
import unittest

import torch

import numpy as np

from emotion_models import calibrate
from emotion_models.augmentation import augment_stills, camera, random_windows, synthesize_clips
from emotion_models.nets import (CompactClipNet, Seed3DCNN, SqueezeExcite, TemporalBlock,
                                 keras_style_parameter_count, multiply_accumulates)
from emotion_models.preprocess import ChannelPreprocessor, equalize_levels, luma_from_rgb_uint8, quantize


class ArchitectureTest(unittest.TestCase):
    def test_seed_model_has_the_research_parameter_count(self):
        self.assertEqual(keras_style_parameter_count(Seed3DCNN()), 123_599_317)

    def test_compact_model_is_at_least_10_times_cheaper_and_within_twice_the_two_frame_cost(self):
        seed, compact = Seed3DCNN(), CompactClipNet()
        cost = multiply_accumulates(compact, compact.input_shape)
        self.assertGreaterEqual(multiply_accumulates(seed, seed.input_shape) / cost, 10)
        self.assertLessEqual(cost, 2 * 195.3e6 * 1.001)  # the two-frame model (3.0.0): 195.3 M

    def test_inflated_model_on_a_still_clip_is_the_frame_model_on_its_views(self):
        torch.manual_seed(0)
        model = CompactClipNet().eval()
        still = torch.randn(2, 1, 48, 48, 3)
        with torch.no_grad():
            clip_level = model(still.expand(-1, len(model.frame_indices), -1, -1, -1))  # zero temporal kernels
            model.set_temporal(False)
            views = torch.cat([still.flip(3) if m else still for m in model.mirrored], dim=1)
            model.mirror.fill_(False)  # the network then takes the views as given, frame by frame
            frame_level = model(views)
        torch.testing.assert_close(frame_level, clip_level)

    def test_a_still_clip_and_its_mirror_image_score_the_same(self):
        torch.manual_seed(0)
        model = CompactClipNet().eval()
        self.assertIn(True, model.mirrored)
        still = torch.randn(2, 1, 48, 48, 3).expand(-1, len(model.frame_indices), -1, -1, -1)
        with torch.no_grad():
            torch.testing.assert_close(model(still), model(still.flip(3)))

    def test_the_same_weights_read_more_frames_at_proportional_cost(self):
        two = CompactClipNet(frame_indices=(7, 22))
        four = CompactClipNet(frame_indices=(3, 11, 18, 26))
        four.load_state_dict(two.state_dict())
        self.assertEqual((False, True, False, True), four.mirrored)
        self.assertEqual(4, four.input_shape[0])
        ratio = multiply_accumulates(four, four.input_shape) / multiply_accumulates(two, two.input_shape)
        self.assertAlmostEqual(2.0, ratio, places=3)
        still = torch.randn(1, 1, 48, 48, 3)
        with torch.no_grad():  # a still face: four frames (two of each orientation) say what two do
            self.assertTrue(torch.allclose(two.eval()(still.expand(-1, 2, -1, -1, -1)),
                                           four.eval()(still.expand(-1, 4, -1, -1, -1)), atol=1e-5))
        with self.assertRaises(ValueError):
            CompactClipNet(frame_indices=(22, 7))

    def test_outputs_are_probabilities(self):
        model = CompactClipNet().eval()
        out = model(torch.randn((3,) + model.input_shape))
        self.assertEqual(tuple(out.shape), (3, 5))
        torch.testing.assert_close(out.sum(1), torch.ones(3))

    def test_squeeze_excitation_rescales_each_frame_from_that_frame_alone(self):
        torch.manual_seed(0)
        block = SqueezeExcite(16).eval()
        frames = torch.randn(4, 16, 6, 6)  # frames folded into the batch
        changed = frames.clone()
        changed[1:] = torch.randn(3, 16, 6, 6)
        with torch.no_grad():
            out, out_changed = block(frames), block(changed)
        torch.testing.assert_close(out_changed[0], out[0])
        scale = out[0] / frames[0]  # one factor in (0, 1) per channel
        self.assertTrue(torch.allclose(scale, scale[:, :1, :1].expand_as(scale), atol=1e-5))
        self.assertTrue(bool(((scale > 0) & (scale < 1)).all()))

    def test_temporal_blocks_see_motion_once_trained(self):
        torch.manual_seed(0)
        model = CompactClipNet().eval()
        for block in (m for m in model.modules() if isinstance(m, TemporalBlock)):
            torch.nn.init.normal_(block.weight, std=0.5)
        frames = len(model.frame_indices)
        still = torch.randn(1, 1, 48, 48, 3).expand(-1, frames, -1, -1, -1)
        moving = still.clone()
        moving[:, -1] = torch.roll(moving[:, -1], shifts=3, dims=2)
        with torch.no_grad():
            self.assertFalse(torch.allclose(model(still), model(moving)))
            # frames are not mixed across clips of a batch
            batch = model(torch.cat([still, moving]))
        torch.testing.assert_close(batch[0], model(still)[0])
        torch.testing.assert_close(batch[1], model(moving)[0])


class AugmentationTest(unittest.TestCase):
    def test_clip_synthesis_moves_the_face_between_frames(self):
        generator = torch.Generator().manual_seed(1)
        sources = torch.rand(4, 3, 48, 48)
        clips = synthesize_clips(sources, (3, 11, 19, 27), 30, generator)
        self.assertEqual(tuple(clips.shape), (4, 4, 48, 48))
        self.assertGreater(float((clips[:, 0] - clips[:, 3]).abs().mean()), 0.01)
        self.assertTrue(bool(((clips >= 0) & (clips <= 1)).all()))

    def test_still_clip_without_augmentation_is_the_still(self):
        sources = torch.rand(2, 1, 48, 48)
        clips = synthesize_clips(sources, (3, 11, 19, 27), 30, torch.Generator(), augment=False)
        torch.testing.assert_close(clips, sources.expand(-1, 4, -1, -1))

    def test_still_augmentation_keeps_shape_and_range(self):
        out = augment_stills(torch.rand(8, 48, 48), torch.Generator().manual_seed(2))
        self.assertEqual(tuple(out.shape), (8, 48, 48))
        self.assertTrue(bool(((out >= 0) & (out <= 1)).all()))

    def test_random_windows_are_unscaled_windows_of_each_image(self):
        images = torch.rand(6, 48, 48, 3)
        windows = random_windows(images, 40, torch.Generator().manual_seed(3))
        self.assertEqual(tuple(windows.shape), (6, 40, 40, 3))
        offsets = set()
        for image, window in zip(images, windows):
            found = [(y, x) for y in range(9) for x in range(9) if torch.equal(image[y:y + 40, x:x + 40], window)]
            self.assertEqual(len(found), 1)
            offsets.add(found[0])
        self.assertGreater(len(offsets), 1)


class CameraEffectsTest(unittest.TestCase):
    def test_camera_effects_change_some_faces_and_keep_shape_and_range(self):
        gray = torch.rand(64, 48, 48)
        out = camera(gray, torch.Generator().manual_seed(4))
        self.assertEqual(tuple(out.shape), (64, 48, 48))
        self.assertTrue(bool(((out >= 0) & (out <= 1)).all()))
        changed = (out - gray).abs().flatten(1).max(dim=1).values > 1e-3
        self.assertGreater(int(changed.sum()), 10)
        self.assertLess(int(changed.sum()), 64)  # each effect is applied to a share of the faces only

    def test_still_augmentation_with_camera_effects_keeps_shape_and_range(self):
        out = augment_stills(torch.rand(8, 48, 48), torch.Generator().manual_seed(5), camera_effects=True)
        self.assertTrue(bool(((out >= 0) & (out <= 1)).all()))


class PreprocessingTest(unittest.TestCase):
    def test_luma_is_rounded_integer_arithmetic(self):
        rgb = torch.tensor([[[255, 255, 255], [0, 0, 0], [10, 20, 30], [1, 2, 3]]], dtype=torch.uint8)
        expected = [255, 0, round(0.299 * 10 + 0.587 * 20 + 0.114 * 30), round(0.299 + 0.587 * 2 + 0.114 * 3)]
        self.assertEqual(luma_from_rgb_uint8(rgb)[0].tolist(), expected)

    def test_equalisation_spreads_levels_and_ignores_exposure_and_contrast(self):
        torch.manual_seed(0)
        face = torch.rand(1, 48, 48) * 0.3 + 0.1  # a dim, flat crop
        equalized = equalize_levels(quantize(face))
        self.assertAlmostEqual(float(equalized.min()), 0.0)
        self.assertAlmostEqual(float(equalized.max()), 1.0)
        self.assertAlmostEqual(float(equalized.mean()), 0.5, delta=0.02)
        brighter = equalize_levels(quantize(face * 2.0 + 0.05))  # exposure and contrast change the levels only
        torch.testing.assert_close(brighter, equalized, atol=0.02, rtol=0)

    def test_equalisation_follows_the_cumulative_histogram(self):
        levels = torch.tensor([[[10, 10], [20, 30]]])
        # cdf: 10 -> 2, 20 -> 3, 30 -> 4; cdf_min 2; (cdf - 2) / (4 - 2)
        torch.testing.assert_close(equalize_levels(levels), torch.tensor([[[0.0, 0.0], [0.5, 1.0]]]))
        torch.testing.assert_close(equalize_levels(torch.full((1, 2, 2), 51)), torch.full((1, 2, 2), 0.2))

    def test_equalizing_preprocessor_takes_integer_luma_unchanged(self):
        levels = torch.randint(0, 256, (2, 48, 48))
        pre = ChannelPreprocessor(equalize=True)
        torch.testing.assert_close(pre.raw_channels(levels.float() / 255.0)[:, 0], equalize_levels(levels))


    def test_uniform_gray_has_no_edges(self):
        raw = ChannelPreprocessor().raw_channels(torch.full((1, 48, 48), 0.4))
        torch.testing.assert_close(raw[0, 0], torch.full((48, 48), 0.4))
        torch.testing.assert_close(raw[0, 1], torch.full((48, 48), 0.4))
        torch.testing.assert_close(raw[0, 2], torch.zeros(48, 48))


class CalibrationTest(unittest.TestCase):
    def test_temperature_scaling_removes_overconfidence(self):
        generator = torch.Generator().manual_seed(6)
        targets = torch.randint(0, 5, (4000,), generator=generator)
        # true probabilities softmax(z); an overconfident model reports softmax(3 z)
        z = torch.randn(4000, 5, generator=generator)
        z[torch.arange(4000), targets] += 1.0
        labels = torch.multinomial(torch.softmax(z, 1), 1, generator=generator).squeeze(1)
        overconfident = 3.0 * z
        self.assertAlmostEqual(calibrate.fit_temperature(overconfident, labels), 3.0, delta=0.3)
        before = calibrate.expected_calibration_error(torch.softmax(overconfident, 1).numpy(), labels.numpy())
        after = calibrate.expected_calibration_error(torch.softmax(z, 1).numpy(), labels.numpy())
        self.assertGreater(before, 0.1)
        self.assertLess(after, 0.03)

    def test_confidence_threshold_is_the_lowest_that_reaches_the_accuracy(self):
        probabilities = np.array([[0.9, 0.1], [0.8, 0.2], [0.6, 0.4], [0.55, 0.45]])
        targets = np.array([0, 0, 1, 0])  # the 0.6 clip is wrong
        threshold, share, accuracy = calibrate.confidence_threshold(probabilities, targets, 0.9)
        self.assertEqual(threshold, 0.65)
        self.assertEqual(share, 0.5)
        self.assertEqual(accuracy, 1.0)

    def test_where_no_threshold_reaches_the_accuracy_the_most_accurate_with_half_the_clips_is_taken(self):
        probabilities = np.array([[0.9, 0.1], [0.8, 0.2], [0.7, 0.3], [0.6, 0.4]])
        targets = np.array([1, 0, 0, 1])  # the most confident clip is wrong
        threshold, share, accuracy = calibrate.confidence_threshold(probabilities, targets, 0.95)
        self.assertEqual((0.65, 0.75), (threshold, share), "the lowest that keeps the 3 clips from 0.7, 2 of them right")
        self.assertAlmostEqual(2 / 3, accuracy)

    def test_a_threshold_never_leaves_most_clips_uncertain(self):
        # one clip at 0.97, right; nine at 0.6, six of them right: 0.95 is reached only by calling 9 of 10 uncertain
        probabilities = np.array([[0.97, 0.03]] + [[0.6, 0.4]] * 9)
        targets = np.array([0, 0, 0, 0, 0, 0, 0, 1, 1, 1])
        threshold, share, accuracy = calibrate.confidence_threshold(probabilities, targets, 0.95)
        self.assertEqual(1.0, share, "not 0.65 and above, which would keep one clip in ten")
        self.assertLessEqual(threshold, 0.6)
        self.assertAlmostEqual(0.7, accuracy)

    def test_each_group_weighs_the_same(self):
        weights = calibrate.equal_weights(["a", "a", "a", "b"])
        self.assertAlmostEqual(0.5, weights[:3].sum())
        self.assertAlmostEqual(0.5, weights[3])

    def test_sets_are_weighed_in_the_temperature(self):
        generator = torch.Generator().manual_seed(3)
        z = torch.randn(2000, 5, generator=generator)
        labels = torch.multinomial(torch.softmax(z, 1), 1, generator=generator).squeeze(1)
        # a large set that wants temperature 3 and a small one that wants 1: with equal weights both count alike
        sets = {"large": (3.0 * z, labels, np.full(2000, 1 / 2000)),
                "small": (z[:200], labels[:200], np.full(200, 1 / 200))}
        temperature, _ = calibrate.fit_on_sets(sets, 0.9, "small")
        self.assertTrue(1.2 < temperature < 2.6, temperature)
        alone = calibrate.fit_temperature(torch.cat([3.0 * z, z[:200]]), torch.cat([labels, labels[:200]]))
        self.assertGreater(alone, temperature, "unweighted, the large set decides")


if __name__ == "__main__":
    unittest.main()


class TrainingLoopTest(unittest.TestCase):
    def test_schedule_warms_up_then_decays_to_zero(self):
        from emotion_models.train import Schedule
        schedule = Schedule(total=10, peak=1.0, warmup=2)
        rates = [schedule.next_rate() for _ in range(10)]
        self.assertEqual([0.5, 1.0], rates[:2])
        self.assertTrue(all(a >= b for a, b in zip(rates[1:], rates[2:])), rates)
        self.assertLess(rates[-1], 0.05)

    def test_an_epoch_takes_whole_batches_and_learns(self):
        from emotion_models.train import Schedule, train_epoch
        torch.manual_seed(0)
        generator = torch.Generator().manual_seed(0)
        model = CompactClipNet()
        model.set_temporal(False)
        inputs = torch.randn(10, 2, 48, 48, 3)
        labels = np.arange(10) % 5
        soft = np.eye(5, dtype=np.float32)[labels]
        optimizer = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.05, momentum=0.9)
        schedule = Schedule(total=6, peak=0.05, warmup=1)
        criterion = lambda logits, target, _soft: torch.nn.functional.cross_entropy(logits, target)
        make_batch = lambda index: (inputs[index], labels[index], soft[index])
        first = train_epoch(model, optimizer, schedule, criterion, make_batch, 10, 4, generator, "cpu", mixup=0.2)
        self.assertEqual(8, first[1], "two whole batches of 4, the last 2 items skipped")
        self.assertEqual(2, schedule.step)
        for _ in range(2):
            last = train_epoch(model, optimizer, schedule, criterion, make_batch, 10, 4, generator, "cpu")
        self.assertEqual(6, schedule.step)
        self.assertLess(last[0], first[0], "the loss falls on a fixed set")
