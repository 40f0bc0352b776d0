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
    """Residual temporal convolution (3x1x1 kernel, edge frames repeated at the clip's ends).

    Zero-initialised, so a network whose spatial layers were trained on stills starts as exactly that network
    applied frame by frame; fine-tuning on clips then learns motion."""

    def __init__(self, channels):
        super().__init__()
        self.conv = nn.Conv3d(channels, channels, (3, 1, 1))
        nn.init.zeros_(self.conv.weight)
        nn.init.zeros_(self.conv.bias)
        self.enabled = True  # stage-1 training on stills switches the (zero, frozen) block off to save time

    def forward(self, x):
        if not self.enabled:
            return x
        padded = torch.cat([x[:, :, :1], x, x[:, :, -1:]], dim=2)
        return F.relu(x + self.conv(padded))


def spatial(in_channels, out_channels):
    return [nn.Conv3d(in_channels, out_channels, (1, 3, 3), padding=(0, 1, 1), bias=False),
            nn.BatchNorm3d(out_channels), nn.ReLU(inplace=True)]


class CompactClipNet(nn.Module):
    """A factorised (2+1)D 3D-CNN for real time: spatial 1x3x3 convolutions per frame, residual 3x1x1 temporal
    convolutions in the two deepest stages, global average pooling over time and space.

    Input [N, 4, 48, 48, 3]: four frames sampled from a 30-frame clip (see FRAME_INDICES), channels gray /
    blurred gray / Sobel magnitude (see preprocess.py)."""

    name = "compact-r2plus1d"
    clip_length = 30
    frame_indices = (3, 11, 19, 27)
    size = 48
    widths = (20, 40, 80, 160)

    def __init__(self, classes=len(LABELS), dropout=0.4):
        super().__init__()
        w1, w2, w3, w4 = self.widths
        pool = lambda: nn.MaxPool3d((1, 2, 2))  # noqa: E731
        self.stage1 = nn.Sequential(*spatial(3, w1), pool())
        self.stage2 = nn.Sequential(*spatial(w1, w2), *spatial(w2, w2), pool())
        self.stage3 = nn.Sequential(*spatial(w2, w3), *spatial(w3, w3), TemporalBlock(w3), pool())
        self.stage4 = nn.Sequential(*spatial(w3, w4), *spatial(w4, w4), TemporalBlock(w4))
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
        x = clips.permute(0, 4, 1, 2, 3)
        x = self.stage4(self.stage3(self.stage2(self.stage1(x))))
        return self.fc(self.dropout(x.mean(dim=(2, 3, 4))))

    def forward(self, clips):
        return torch.softmax(self.logits(clips), dim=1)


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

    hooks = []
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Conv3d)):
            hooks.append(m.register_forward_hook(conv_hook))
        elif isinstance(m, nn.Linear):
            hooks.append(m.register_forward_hook(linear_hook))
    was_training = model.training
    model.eval()
    with torch.no_grad():
        model(torch.zeros((1,) + tuple(input_shape)))
    model.train(was_training)
    for h in hooks:
        h.remove()
    return total[0]
