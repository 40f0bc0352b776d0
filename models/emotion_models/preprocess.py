"""The preprocessing that a model declares in its descriptor, as used in training.

The Java scoring library implements the same steps from the descriptor; the fixtures written at export prove
that both produce the same tensor. Input: gray frames in [0, 1] (from RGB: 0.299 R + 0.587 G + 0.114 B, / 255).
Output channels, in order: gray, Gaussian-blurred gray, Sobel gradient magnitude of the blurred gray; each then
standardised with the descriptor's mean and std.

With equalisation (models from 3.0.0), the gray plane is first made independent of the camera's exposure and
contrast: the crop's 8-bit luma (0.299 R + 0.587 G + 0.114 B, rounded; integer arithmetic, so Java computes
exactly the same levels) is histogram-equalised over the whole crop, so that its levels spread evenly over
[0, 1] whatever the lighting.
"""
import math

import torch
import torch.nn.functional as F

GRAY_WEIGHTS = (0.299, 0.587, 0.114)
BLUR_SIZE = 5
BLUR_SIGMA = 1.0
SOBEL_SCALE = 0.25


def gaussian_kernel_1d(size=BLUR_SIZE, sigma=BLUR_SIGMA):
    half = size // 2
    values = [math.exp(-((i - half) ** 2) / (2.0 * sigma * sigma)) for i in range(size)]
    total = sum(values)
    return [v / total for v in values]


def gray_from_rgb_uint8(rgb):
    """rgb: uint8 tensor [..., 3] -> float gray in [0, 1] with shape [...]."""
    rgb = rgb.to(torch.float32)
    return (rgb[..., 0] * GRAY_WEIGHTS[0] + rgb[..., 1] * GRAY_WEIGHTS[1] + rgb[..., 2] * GRAY_WEIGHTS[2]) / 255.0


def luma_from_rgb_uint8(rgb):
    """rgb: uint8 tensor [..., 3] -> 8-bit luma levels (int64) [...]: round(0.299 R + 0.587 G + 0.114 B), computed
    exactly as (299 R + 587 G + 114 B + 500) div 1000."""
    rgb = rgb.to(torch.int64)
    return (rgb[..., 0] * 299 + rgb[..., 1] * 587 + rgb[..., 2] * 114 + 500) // 1000


def equalize_levels(levels):
    """Global histogram equalisation of each image. levels: integers 0..255 [B, H, W] -> float [B, H, W] in [0, 1]:
    (cdf(level) - cdf_min) / (pixels - cdf_min), where cdf counts the pixels at or below a level and cdf_min is the
    count at the image's lowest level; an image of a single level keeps level / 255."""
    b, h, w = levels.shape
    flat = levels.reshape(b, h * w).to(torch.int64)
    histogram = torch.zeros(b, 256, dtype=torch.int64).scatter_add_(1, flat, torch.ones_like(flat))
    cdf = histogram.cumsum(1)
    cdf_min = cdf.gather(1, flat.min(dim=1, keepdim=True).values)
    spread = (h * w - cdf_min).to(torch.float32)
    equalized = (cdf.gather(1, flat) - cdf_min).to(torch.float32) / spread.clamp(min=1.0)
    equalized = torch.where(spread > 0, equalized, flat.to(torch.float32) / 255.0)
    return equalized.view(b, h, w)


def quantize(gray):
    """gray in [0, 1] -> 8-bit levels (int64), as a camera's pixels are."""
    return torch.round(gray * 255.0).clamp(0, 255).to(torch.int64)


class ChannelPreprocessor(torch.nn.Module):
    """gray [B, H, W] in [0, 1] -> [B, 3, H, W] standardised channels (gray, blurred, Sobel magnitude). With
    equalize, the gray plane is quantised to 8 bits and histogram-equalised first (gray from integer luma / 255
    passes the quantisation unchanged)."""

    def __init__(self, mean=(0.0, 0.0, 0.0), std=(1.0, 1.0, 1.0), equalize=False):
        super().__init__()
        self.equalize = equalize
        g = torch.tensor(gaussian_kernel_1d(), dtype=torch.float32)
        self.register_buffer("blur", torch.outer(g, g).view(1, 1, BLUR_SIZE, BLUR_SIZE))
        sx = torch.tensor([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])
        self.register_buffer("sobel", torch.stack([sx, sx.t()]).view(2, 1, 3, 3))
        self.register_buffer("mean", torch.tensor(mean, dtype=torch.float32).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(std, dtype=torch.float32).view(1, 3, 1, 1))

    def raw_channels(self, gray):
        if self.equalize:
            gray = equalize_levels(quantize(gray))
        x = gray.unsqueeze(1)
        half = BLUR_SIZE // 2
        blurred = F.conv2d(F.pad(x, (half, half, half, half), mode="replicate"), self.blur)
        gradients = F.conv2d(F.pad(blurred, (1, 1, 1, 1), mode="replicate"), self.sobel)
        magnitude = torch.sqrt(gradients[:, 0:1] ** 2 + gradients[:, 1:2] ** 2) * SOBEL_SCALE
        return torch.cat([x, blurred, magnitude], dim=1)

    def forward(self, gray):
        return (self.raw_channels(gray) - self.mean) / self.std


def descriptor_steps(mean, std, equalize=False):
    """The preprocessing section of a model descriptor (what Java implements)."""
    if equalize:
        gray = {"name": "gray", "op": "equalized_grayscale", "weights_rgb_per_mille": [299, 587, 114],
                "note": "luma = (299 R + 587 G + 114 B + 500) div 1000 (integers 0..255); global histogram "
                        "equalisation over the crop: gray = (cdf(luma) - cdf_min) / (pixels - cdf_min), cdf(l) "
                        "counting the pixels with luma <= l, cdf_min that count at the crop's lowest luma, in "
                        "float32; a crop of one luma gives luma / 255"}
    else:
        gray = {"name": "gray", "op": "grayscale", "weights_rgb": list(GRAY_WEIGHTS), "scale": 1.0 / 255.0,
                "note": "gray = (0.299 R + 0.587 G + 0.114 B) / 255, in [0, 1]"}
    return {
        "input_pixels": "RGB uint8 face crop at the model's height x width (see crop)",
        "steps": [
            gray,
            {"name": "blurred_gray", "op": "gaussian_blur", "of": "gray", "kernel_size": BLUR_SIZE, "sigma": BLUR_SIGMA,
             "border": "replicate", "note": "separable normalised kernel exp(-d^2 / (2 sigma^2))"},
            {"name": "sobel_magnitude", "op": "sobel_magnitude", "of": "blurred_gray", "kernel_size": 3, "scale": SOBEL_SCALE,
             "border": "replicate", "note": "sqrt(gx^2 + gy^2) * scale, gx = [-1 0 1; -2 0 2; -1 0 1]"},
        ],
        "channels": [
            {"index": 0, "name": "gray", "from": "gray", "mean": mean[0], "std": std[0]},
            {"index": 1, "name": "blurred_gray", "from": "blurred_gray", "mean": mean[1], "std": std[1]},
            {"index": 2, "name": "sobel_magnitude", "from": "sobel_magnitude", "mean": mean[2], "std": std[2]},
        ],
        "standardise": "value = (channel - mean) / std",
    }
