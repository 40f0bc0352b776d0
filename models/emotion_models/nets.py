"""The two clip classifiers: the research seed model and the compact real-time model.

Both take channels-last clips [N, T, H, W, C] (frames, height, width, channels) and return class probabilities
[N, 5] in data.LABELS order.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from .data import LABELS


class Seed3DCNN(nn.Module):
    """The research Keras model, layer for layer: input 30x120x160x3, Conv3D 8/32/1024 (3x3x3, no padding, ReLU)
    each followed by batch norm, 2x2x2 max-pool and dropout 0.5; flatten; dense 256 and 64 (ReLU, batch norm,
    dropout 0.5); dense 5 with softmax. 123,599,317 parameters counted as Keras does (batch-norm moving mean
    and variance included)."""

    name = "seed-3dcnn"
    input_shape = (30, 120, 160, 3)
    clip_length = 30
    frame_indices = tuple(range(30))  # every frame of the clip

    def __init__(self, classes=len(LABELS)):
        super().__init__()
        blocks = []
        channels = 3
        for filters in (8, 32, 1024):
            blocks += [nn.Conv3d(channels, filters, 3), nn.ReLU(inplace=True), nn.BatchNorm3d(filters, eps=1e-3),
                       nn.MaxPool3d(2), nn.Dropout(0.5)]
            channels = filters
        self.features = nn.Sequential(*blocks)
        self.classifier = nn.Sequential(
            nn.Linear(2 * 13 * 18 * 1024, 256), nn.ReLU(inplace=True), nn.BatchNorm1d(256, eps=1e-3), nn.Dropout(0.5),
            nn.Linear(256, 64), nn.ReLU(inplace=True), nn.BatchNorm1d(64, eps=1e-3), nn.Dropout(0.5),
            nn.Linear(64, classes))

    def forward(self, clips):
        x = self.features(clips.permute(0, 4, 1, 2, 3))
        x = torch.flatten(x.permute(0, 2, 3, 4, 1), 1)  # Keras flattens channels-last
        return torch.softmax(self.classifier(x), dim=1)


class TemporalBlock(nn.Module):
    """Residual channel-separated temporal convolution: each channel is filtered over time with its own 3-tap
    kernel (a depthwise 3x1x1 convolution, edge frames repeated at the clip's ends), then ReLU.

    Works on frames folded into the batch, [N * T, C, H, W]; the features of frames that the network sees mirrored
    are mirrored back before they are mixed over time, so that a position means the same place in every frame.
    Zero-initialised, so a network whose spatial layers were trained on stills starts as exactly that network
    applied frame by frame; fine-tuning on clips then learns motion."""

    def __init__(self, channels, mirrored):
        super().__init__()
        self.frames = len(mirrored)
        self.register_buffer("mirrored", mirrored_mask(mirrored), persistent=False)
        self.weight = nn.Parameter(torch.zeros(3, channels, 1, 1))  # taps for frames t-1, t, t+1
        self.bias = nn.Parameter(torch.zeros(1, channels, 1, 1))
        self.enabled = True  # stage-1 training on stills switches the (zero, frozen) block off to save time

    def forward(self, x):
        if not self.enabled:
            return x
        nt, c, h, w = x.shape
        clips = x.reshape(-1, self.frames, c, h, w)
        clips = torch.where(self.mirrored, clips.flip(-1), clips)  # mirrored frames' features back into line
        padded = torch.cat([clips[:, :1], clips, clips[:, -1:]], dim=1)
        motion = padded[:, :-2] * self.weight[0] + padded[:, 1:-1] * self.weight[1] + padded[:, 2:] * self.weight[2]
        motion = torch.where(self.mirrored, motion.flip(-1), motion)
        return F.relu(x + motion.reshape(nt, c, h, w) + self.bias)


class SqueezeExcite(nn.Module):
    """Channel attention (Hu et al., squeeze-and-excitation): each frame's feature map is averaged over space, passed
    through a small bottleneck and a sigmoid, and the channels are rescaled by the result. Costs ~2*C*C/r
    multiply-accumulates per frame, nothing next to the convolutions."""

    def __init__(self, channels, reduction=8):
        super().__init__()
        self.reduce = nn.Linear(channels, channels // reduction)
        self.expand = nn.Linear(channels // reduction, channels)

    def forward(self, x):
        scale = torch.sigmoid(self.expand(F.relu(self.reduce(x.mean(dim=(2, 3))))))
        return x * scale[:, :, None, None]


def mirrored_mask(mirrored):
    """[T, 1, 1, 1] bool (broadcasts over [N, T, ...] clips): which frames the network sees mirrored left-right."""
    return torch.tensor(mirrored, dtype=torch.bool).view(-1, 1, 1, 1)


def spatial(in_channels, out_channels):
    return [nn.Conv2d(in_channels, out_channels, 3, padding=1, bias=False),
            nn.BatchNorm2d(out_channels), nn.ReLU(inplace=True)]


class CompactClipNet(nn.Module):
    """A factorised (2+1)D 3D-CNN for real time: 3x3 spatial convolutions on every frame (frames folded into the
    batch), squeeze-and-excitation and residual channel-separated temporal convolutions in the two deepest stages,
    global average pooling over time and space.

    Input [N, T, 48, 48, 3]: T frames sampled from a 30-frame clip (frame_indices; by default 4), channels gray /
    blurred gray / Sobel magnitude (see preprocess.py). Fewer, wider frames: a face's expression changes slowly
    next to 30 frames, and the width buys accuracy per frame. The network mirrors the frames flagged in
    `mirrored` (every second one) left-right before its first layer, so that every clip, a face held still
    included, is seen in both orientations: the average over time is then also an average over the two mirror
    images. The weights do not depend on T: a network trained on 2 frames can read 4 (at twice the cost)."""

    name = "compact-r2plus1d"
    clip_length = 30
    default_frame_indices = (3, 11, 18, 26)
    size = 48
    widths = (32, 64, 128, 256)

    def __init__(self, classes=len(LABELS), dropout=0.4, frame_indices=default_frame_indices):
        super().__init__()
        if len(frame_indices) < 1 or sorted(set(frame_indices)) != list(frame_indices) \
                or not 0 <= frame_indices[0] <= frame_indices[-1] < self.clip_length:
            raise ValueError("frame_indices must rise within a clip of %d frames: %s"
                             % (self.clip_length, frame_indices))
        self.frame_indices = tuple(frame_indices)
        self.mirrored = tuple(i % 2 == 1 for i in range(len(frame_indices)))
        w1, w2, w3, w4 = self.widths
        self.register_buffer("mirror", mirrored_mask(self.mirrored), persistent=False)
        # softmax temperature fitted after training (calibrate.py); not part of the trained weights
        self.register_buffer("temperature", torch.ones(()), persistent=False)
        self.stage1 = nn.Sequential(*spatial(3, w1), nn.MaxPool2d(2))
        self.stage2 = nn.Sequential(*spatial(w1, w2), *spatial(w2, w2), nn.MaxPool2d(2))
        self.stage3 = nn.Sequential(*spatial(w2, w3), *spatial(w3, w3), SqueezeExcite(w3),
                                    TemporalBlock(w3, self.mirrored), nn.MaxPool2d(2))
        self.stage4 = nn.Sequential(*spatial(w3, w4), *spatial(w4, w4), SqueezeExcite(w4),
                                    TemporalBlock(w4, self.mirrored))
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(w4, classes)

    @property
    def input_shape(self):
        return (len(self.frame_indices), self.size, self.size, 3)

    def set_temporal(self, trainable):
        """Stage 1 (stills) holds the temporal blocks at identity; stage 2 (clips) trains them."""
        for m in self.modules():
            if isinstance(m, TemporalBlock):
                m.enabled = trainable
                for p in m.parameters():
                    p.requires_grad_(trainable)

    def logits(self, clips):
        n, t, h, w, c = clips.shape
        clips = torch.where(self.mirror[:t], clips.flip(3), clips)  # stills in stage 1: t = 1, not mirrored
        x = clips.reshape(n * t, h, w, c).permute(0, 3, 1, 2)
        if self.training:
            x = x.contiguous(memory_format=torch.channels_last)  # faster convolutions on CPU
        x = self.stage4(self.stage3(self.stage2(self.stage1(x))))
        features = x.mean(dim=(2, 3)).reshape(n, t, -1).mean(dim=1)
        return self.fc(self.dropout(features))

    def forward(self, clips):
        return torch.softmax(self.logits(clips) / self.temperature, dim=1)


def keras_style_parameter_count(model):
    """Trainable parameters plus batch-norm moving statistics, as Keras's model.summary() counts them."""
    count = sum(p.numel() for p in model.parameters())
    for m in model.modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm):
            count += m.running_mean.numel() + m.running_var.numel()
    return count


def multiply_accumulates(model, input_shape):
    """Multiply-accumulate operations of one forward pass on one clip (convolutions and dense layers)."""
    total = [0]

    def conv_hook(module, inputs, output):
        kernel = module.weight[0].numel()  # in_channels/groups * kernel volume
        total[0] += output.numel() * kernel

    def linear_hook(module, inputs, output):
        total[0] += output.numel() * module.in_features

    def temporal_hook(module, inputs, output):
        if module.enabled:
            total[0] += output.numel() * module.weight.shape[0]

    hooks = []
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Conv3d)):
            hooks.append(m.register_forward_hook(conv_hook))
        elif isinstance(m, nn.Linear):
            hooks.append(m.register_forward_hook(linear_hook))
        elif isinstance(m, TemporalBlock):
            hooks.append(m.register_forward_hook(temporal_hook))
    was_training = model.training
    model.eval()
    with torch.no_grad():
        model(torch.zeros((1,) + tuple(input_shape)))
    model.train(was_training)
    for h in hooks:
        h.remove()
    return total[0]
