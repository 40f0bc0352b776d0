"""Random geometric and photometric augmentation of gray face crops, for stills and for synthetic clips.

All work is batched in torch (affine_grid + grid_sample), so augmentation costs little next to training.
A synthetic clip is a still (or a short real sequence) seen by a camera over 30 frames: the head moves and
turns a little, the face drifts in scale and position, lighting drifts, frames are noisy or blurred now and
then, and the stream drops or repeats the odd frame. Only the frames the model samples are rendered.
"""
import io
import math

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from .preprocess import gaussian_kernel_1d


def _uniform(shape, low, high, generator):
    return torch.rand(shape, generator=generator) * (high - low) + low


def warp(gray, angle_deg, scale, shift_x, shift_y, flip):
    """gray [B, H, W]; per-image rotation (degrees), zoom (>1 enlarges the face), shift (fraction of the
    image) and horizontal flip (bool). Borders repeat the edge pixels."""
    angle = angle_deg * math.pi / 180.0
    sign = torch.where(flip, -1.0, 1.0)
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack([
        torch.stack([cos * sign, -sin, shift_x * 2.0], dim=1),
        torch.stack([sin * sign, cos, shift_y * 2.0], dim=1)], dim=1)
    x = gray.unsqueeze(1)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False).squeeze(1)


def _blur(gray):
    g = torch.tensor(gaussian_kernel_1d(5, 1.2))
    kernel = torch.outer(g, g).view(1, 1, 5, 5)
    return F.conv2d(F.pad(gray.unsqueeze(1), (2, 2, 2, 2), mode="replicate"), kernel).squeeze(1)


def photometric(gray, brightness, contrast, noise_std, blur_mix, generator):
    """Brightness offset, contrast around the image mean, optional blur (mix in [0, 1]) and Gaussian noise."""
    mean = gray.mean(dim=(1, 2), keepdim=True)
    x = (gray - mean) * contrast.view(-1, 1, 1) + mean + brightness.view(-1, 1, 1)
    x = x + (_blur(x) - x) * blur_mix.view(-1, 1, 1)
    x = x + torch.randn(x.shape, generator=generator) * noise_std.view(-1, 1, 1)
    return x.clamp(0.0, 1.0)


def erase(gray, probability, generator):
    """Random erasing: a rectangle of 2-12% of the face filled with one random gray, per image with probability."""
    b, h, w = gray.shape
    out = gray.clone()
    chosen = torch.rand(b, generator=generator) < probability
    for i in torch.nonzero(chosen).flatten().tolist():
        area = float(_uniform((), 0.02, 0.12, generator)) * h * w
        aspect = math.exp(float(_uniform((), -0.8, 0.8, generator)))
        eh = max(2, min(h - 1, int(round(math.sqrt(area * aspect)))))
        ew = max(2, min(w - 1, int(round(math.sqrt(area / aspect)))))
        y = int(torch.randint(0, h - eh + 1, (), generator=generator))
        x = int(torch.randint(0, w - ew + 1, (), generator=generator))
        out[i, y:y + eh, x:x + ew] = float(torch.rand((), generator=generator))
    return out


def jpeg(gray, quality):
    """gray [H, W] in [0, 1] through a JPEG encoder at the given quality and back."""
    buffer = io.BytesIO()
    Image.fromarray(np.asarray((gray * 255.0).round().clamp(0, 255).to(torch.uint8))).save(
        buffer, "JPEG", quality=int(quality))
    buffer.seek(0)
    with Image.open(buffer) as image:
        return torch.from_numpy(np.asarray(image, dtype=np.float32) / 255.0)


def camera(gray, generator, light_share=0.4, jpeg_share=0.3, rescale_share=0.3):
    """What a room and a video camera do to a face on its way to a crop: light from one side (brightness falls off
    linearly across the face in a random direction, by up to 60%), small faces (scaled down, with antialiasing, to
    40-85% and back up: soft, few pixels), a coarse JPEG encoder (quality 20-85: blocks and ringing).
    gray [B, H, W] in [0, 1]; each effect on each image with its own probability."""
    b, h, w = gray.shape
    out = gray.clone()
    lit = torch.nonzero(torch.rand(b, generator=generator) < light_share).flatten()
    if len(lit):
        n = len(lit)
        direction = _uniform(n, 0, 2 * math.pi, generator)
        fall = _uniform(n, 0.0, 0.6, generator)
        ys = torch.linspace(-0.5, 0.5, h).view(1, h, 1)
        xs = torch.linspace(-0.5, 0.5, w).view(1, 1, w)
        ramp = xs * torch.cos(direction).view(n, 1, 1) + ys * torch.sin(direction).view(n, 1, 1)  # -0.7..0.7
        gain = 1.0 - fall.view(n, 1, 1) * (ramp + 0.71) / 1.42
        out[lit] = (out[lit] * gain).clamp(0, 1)
    small = torch.nonzero(torch.rand(b, generator=generator) < rescale_share).flatten()
    if len(small):
        side = int(round(float(_uniform((), 0.4, 0.85, generator)) * h))
        x = F.interpolate(out[small].unsqueeze(1), size=(side, side * w // h), mode="bilinear", align_corners=False,
                          antialias=True)
        out[small] = F.interpolate(x, size=(h, w), mode="bilinear", align_corners=False).squeeze(1).clamp(0, 1)
    for i in torch.nonzero(torch.rand(b, generator=generator) < jpeg_share).flatten().tolist():
        out[i] = jpeg(out[i], _uniform((), 20, 85, generator))
    return out


def augment_stills(gray, generator, camera_effects=False):
    """Stronger single-image augmentation for frame-level pretraining. gray [B, H, W] in [0, 1]."""
    b = gray.shape[0]
    x = warp(gray, _uniform(b, -15, 15, generator), _uniform(b, 0.88, 1.15, generator),
             _uniform(b, -0.08, 0.08, generator), _uniform(b, -0.08, 0.08, generator),
             torch.rand(b, generator=generator) < 0.5)
    x = photometric(x, _uniform(b, -0.15, 0.15, generator), _uniform(b, 0.7, 1.3, generator),
                    _uniform(b, 0.0, 0.03, generator),
                    (torch.rand(b, generator=generator) < 0.15).float() * _uniform(b, 0.3, 1.0, generator),
                    generator)
    if camera_effects:
        x = camera(x, generator)
    return erase(x, 0.5, generator)


def random_windows(images, size, generator):
    """A random size x size window of each image, pixel scale kept (no resizing). images [B, H, W, ...]."""
    b, h, w = images.shape[:3]
    top = torch.randint(0, h - size + 1, (b, 1, 1), generator=generator)
    left = torch.randint(0, w - size + 1, (b, 1, 1), generator=generator)
    steps = torch.arange(size)
    return images[torch.arange(b).view(b, 1, 1), top + steps.view(1, size, 1), left + steps.view(1, 1, size)]


def synthesize_clips(sources, frame_indices, clip_length, generator, augment=True, camera_effects=False):
    """sources: [B, S, H, W] gray frames per clip in time order (S=1 for a still, S>1 for a real sequence that
    is spread evenly over the clip). Returns [B, len(frame_indices), H, W]: the frames the model samples.

    With augment=False the clip is the sources held still (how a still face reaches the model)."""
    b, s, h, w = sources.shape
    t_count = len(frame_indices)
    times = torch.tensor(frame_indices, dtype=torch.float32).repeat(b, 1)
    if augment:
        # a dropped frame shows the next one, a repeated frame the previous one
        jitter = torch.multinomial(torch.tensor([0.08, 0.84, 0.08]), b * t_count, replacement=True,
                                   generator=generator).view(b, t_count) - 1
        times = (times + jitter).clamp(0, clip_length - 1)
    source_index = (times * s / clip_length).long().clamp(max=s - 1)
    frames = sources[torch.arange(b).unsqueeze(1), source_index]  # [B, T, H, W]
    if not augment:
        return frames

    phase = times / (clip_length - 1) - 0.5  # -0.5 .. 0.5 over the clip

    def trajectory(base_low, base_high, drift, wobble):
        base = _uniform((b, 1), base_low, base_high, generator)
        slope = _uniform((b, 1), -drift, drift, generator)
        amplitude = _uniform((b, 1), 0.0, wobble, generator)
        frequency = _uniform((b, 1), 0.3, 1.5, generator)
        offset = _uniform((b, 1), 0.0, 2 * math.pi, generator)
        return base + slope * phase + amplitude * torch.sin(2 * math.pi * frequency * phase + offset)

    angle = trajectory(-10, 10, 6, 2.5)
    scale = trajectory(0.9, 1.12, 0.08, 0.02)
    shift_x = trajectory(-0.06, 0.06, 0.06, 0.02)
    shift_y = trajectory(-0.06, 0.06, 0.05, 0.02)
    brightness = trajectory(-0.12, 0.12, 0.12, 0.03)
    contrast = trajectory(0.75, 1.25, 0.15, 0.03)
    flip = (torch.rand((b, 1), generator=generator) < 0.5).expand(b, t_count)
    noise = _uniform((b, 1), 0.0, 0.03, generator).expand(b, t_count)
    blur = (torch.rand((b, t_count), generator=generator) < 0.12).float() * _uniform((b, t_count), 0.3, 1.0, generator)

    flat = lambda v: v.reshape(b * t_count)  # noqa: E731
    x = warp(frames.reshape(b * t_count, h, w), flat(angle), flat(scale), flat(shift_x), flat(shift_y), flat(flip))
    x = photometric(x, flat(brightness), flat(contrast), flat(noise), flat(blur), generator)
    if camera_effects:
        x = camera(x, generator)
    return x.view(b, t_count, h, w)
