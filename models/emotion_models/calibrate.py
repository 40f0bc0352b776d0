"""Calibration of a trained model's probabilities, and the confidence below which a clip's outcome is "uncertain".

Temperature scaling (Guo et al., 2017): the logits are divided by one temperature T, fitted to minimise the negative
log-likelihood on FER2013 val, so that a probability of 0.7 is right about 70% of the time; the ranking of the
classes, and so the accuracy, is unchanged. The expected calibration error (ECE) is the mean gap between confidence
and accuracy over 15 equal-width confidence bins, weighted by the share of clips in each bin. The Java evaluate
command computes the same figure from ONNX Runtime's output.
"""
import numpy as np
import torch
import torch.nn.functional as F

ECE_BINS = 15


def still_clip_logits(model, pre, images, frames, batch=256):
    """Logits [N, classes] of uint8 gray stills [N, H, W], each held still for the model's frames."""
    model.eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(images), batch):
            gray = torch.from_numpy(images[i:i + batch]).float().div(255.0)
            b, h, w = gray.shape
            x = pre(gray).permute(0, 2, 3, 1).unsqueeze(1).expand(-1, frames, -1, -1, -1)
            out.append(model.logits(x.contiguous()))
    return torch.cat(out)


def fit_temperature(logits, targets):
    """The temperature (> 0) that minimises the mean negative log-likelihood of softmax(logits / T)."""
    targets = torch.as_tensor(targets)
    log_t = torch.zeros((), requires_grad=True)
    optimizer = torch.optim.LBFGS([log_t], lr=0.1, max_iter=200, line_search_fn="strong_wolfe")

    def closure():
        optimizer.zero_grad()
        loss = F.cross_entropy(logits / log_t.exp(), targets)
        loss.backward()
        return loss

    optimizer.step(closure)
    return float(log_t.exp())


def expected_calibration_error(probabilities, targets, bins=ECE_BINS):
    """sum over confidence bins of (clips in bin / clips) * |accuracy in bin - mean confidence in bin|."""
    probabilities = np.asarray(probabilities, dtype=np.float64)
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == np.asarray(targets)
    # bin i holds confidences in (i / bins, (i + 1) / bins]; a confidence of exactly 0 goes to bin 0
    index = np.clip(np.ceil(confidence * bins).astype(int) - 1, 0, bins - 1)
    error = 0.0
    for i in range(bins):
        chosen = index == i
        if chosen.any():
            error += chosen.mean() * abs(correct[chosen].mean() - confidence[chosen].mean())
    return float(error)


def confidence_threshold(probabilities, targets, min_accuracy):
    """The lowest confidence t (a multiple of 0.05) at which the clips with confidence >= t are right at least
    min_accuracy of the time; returns (t, share of clips at or above t, their accuracy)."""
    probabilities = np.asarray(probabilities)
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == np.asarray(targets)
    for t in np.arange(0.0, 1.0001, 0.05):
        t = round(float(t), 2)
        kept = confidence >= t
        if kept.any() and correct[kept].mean() >= min_accuracy:
            return t, float(kept.mean()), float(correct[kept].mean())
    return 1.0, 0.0, float("nan")
