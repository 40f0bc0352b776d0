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


def fit_temperature(logits, targets, weights=None):
    """The temperature (> 0) that minimises the mean negative log-likelihood of softmax(logits / T), each item
    weighted by `weights` when given (so that sets of different sizes can count equally)."""
    targets = torch.as_tensor(targets)
    weights = torch.ones(len(targets)) if weights is None else torch.as_tensor(weights, dtype=torch.float32)
    log_t = torch.zeros((), requires_grad=True)
    optimizer = torch.optim.LBFGS([log_t], lr=0.1, max_iter=200, line_search_fn="strong_wolfe")

    def closure():
        optimizer.zero_grad()
        nll = F.cross_entropy(logits / log_t.exp(), targets, reduction="none")
        loss = (nll * weights).sum() / weights.sum()
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


def confidence_threshold(probabilities, targets, min_accuracy, weights=None, min_coverage=0.5):
    """The lowest confidence t (a multiple of 0.05) that leaves at least `min_coverage` of the clips confident and at
    which those clips are right at least min_accuracy of the time (each clip weighted by `weights` when given); where
    none does, the t with the most accurate confident clips among those that leave `min_coverage` confident. Returns
    (t, share of clips at or above t, their accuracy). A threshold that calls most clips uncertain helps nobody, so
    `min_coverage` bounds the uncertain share."""
    probabilities = np.asarray(probabilities)
    weights = np.ones(len(probabilities)) if weights is None else np.asarray(weights, dtype=np.float64)
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == np.asarray(targets)
    best = None
    for t in np.arange(0.0, 1.0001, 0.05):
        t = round(float(t), 2)
        kept = confidence >= t
        if not kept.any():
            continue
        share = float(weights[kept].sum() / weights.sum())
        accuracy = float(weights[kept & correct].sum() / weights[kept].sum())
        if share < min_coverage:
            break  # higher thresholds keep fewer clips still
        if accuracy >= min_accuracy:
            return t, share, accuracy
        if best is None or accuracy > best[2]:
            best = (t, share, accuracy)
    return best if best is not None else (1.0, 0.0, float("nan"))


def fit_on_sets(sets, min_accuracy, threshold_set):
    """Temperature and confidence threshold fitted on several labelled sets at once.

    sets: {name: (logits [N, C] tensor, targets [N], weights [N])}; the items' weights say how much each counts (e.g.
    each set, or each person, the same in all). The temperature minimises the weighted negative log-likelihood over all
    sets; the threshold is chosen on `threshold_set` ({@link confidence_threshold}). Returns (temperature,
    threshold)."""
    logits = torch.cat([s[0] for s in sets.values()])
    targets = torch.cat([torch.as_tensor(s[1]) for s in sets.values()])
    weights = torch.cat([torch.as_tensor(s[2], dtype=torch.float32) for s in sets.values()])
    temperature = fit_temperature(logits, targets, weights)
    chosen_logits, chosen_targets, chosen_weights = sets[threshold_set]
    probabilities = torch.softmax(chosen_logits / temperature, dim=1).numpy()
    threshold, _, _ = confidence_threshold(probabilities, np.asarray(chosen_targets), min_accuracy,
                                           np.asarray(chosen_weights))
    return temperature, threshold


def equal_weights(groups):
    """Weights that give each group (e.g. each person) the same total, 1 / number of groups, over all items."""
    groups = np.asarray(groups)
    names = sorted(set(groups.tolist()))
    weights = np.zeros(len(groups))
    for name in names:
        mine = groups == name
        weights[mine] = 1.0 / (mine.sum() * len(names))
    return weights


def confident_figures(logits, targets, temperature, threshold):
    """share of uncertain items, accuracy of the confident ones, accuracy, ECE, at this temperature and threshold."""
    probabilities = torch.softmax(logits / temperature, dim=1).numpy()
    targets = np.asarray(targets)
    confident = probabilities.max(axis=1) >= threshold
    right = probabilities.argmax(axis=1) == targets
    return {"items": int(len(targets)), "accuracy": round(float(right.mean()), 4),
            "uncertain_share": round(float(1 - confident.mean()), 4),
            "confident_accuracy": round(float(right[confident].mean()), 4) if confident.any() else None,
            "expected_calibration_error": round(expected_calibration_error(probabilities, targets), 4)}
