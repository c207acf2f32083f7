"""Losses ``loss(pred, target) -> (float, dpred)`` and weight penalties.

Each loss returns the batch mean as a Python ``float`` and its gradient with respect to
the first argument, already divided by N.
"""

from __future__ import annotations

import numpy as np

from utils.nn._checks import _batch, _float_array, _nonnegative, _same_shape, _weight_list
from utils.nn.functional import log_softmax, sigmoid


def mse_loss(pred, target, *, half: bool = False):
    """Mean squared error over the batch, summed over outputs.

    ``L = (1/N) sum_n sum_j (pred[n, j] - target[n, j])**2``, or half of that with
    ``half=True`` (the 1/2 cancels the 2 of the derivative: a cleaner gradient, the same
    minimum). For 1-D ``pred`` of shape (N,), the inner sum has one term.

    With K outputs per sample the K squared errors are summed, then averaged over the N
    samples. PyTorch's ``MSELoss()`` averages over all N * K entries, so for K > 1 it
    is this loss divided by K.

    Returns
    -------
    loss : float
    dpred : numpy.ndarray, shape of ``pred``
        ``2 (pred - target) / N`` (``(pred - target) / N`` with ``half=True``).
    """
    pred = _float_array(pred, "mse_loss", "pred")
    target = _float_array(target, "mse_loss", "target")
    _same_shape(pred, target, "mse_loss")
    n = _batch(pred, "mse_loss", "pred")
    diff = pred - target
    scale = 0.5 if half else 1.0
    return float(scale * np.sum(diff * diff) / n), (2.0 * scale / n) * diff


def mae_loss(pred, target):
    """Mean absolute error: ``L = (1/N) sum |pred - target|``; gradient ``sign(pred - target) / N``.

    At ``pred == target`` the gradient is 0 (the subgradient NumPy's ``sign`` gives). As
    in :func:`mse_loss`, the K outputs of a sample are summed and the mean is over the N
    samples; PyTorch's ``L1Loss()`` averages over all N * K entries (this loss over K).
    """
    pred = _float_array(pred, "mae_loss", "pred")
    target = _float_array(target, "mae_loss", "target")
    _same_shape(pred, target, "mae_loss")
    n = _batch(pred, "mae_loss", "pred")
    diff = pred - target
    return float(np.sum(np.abs(diff)) / n), np.sign(diff) / n


#: Probabilities are clipped to [EPS, 1 - EPS] before a log so log(0) never happens.
EPS = 1e-12


def binary_cross_entropy(prob, target):
    """Binary cross-entropy from probabilities, averaged over the batch.

    ``L = -(1/N) sum [t log p + (1 - t) log(1 - p)]``, with ``p`` clipped to
    ``[EPS, 1 - EPS]``. Prefer :func:`binary_cross_entropy_with_logits` when you have the
    scores: it is exact where clipping is not.

    Two differences from PyTorch's ``BCELoss()``: with K labels per sample the sum runs
    over all N * K terms but is divided by N (PyTorch divides by N * K); and a probability
    of exactly 0 or 1 is handled by clipping ``p`` (so a term is at most
    ``-log(EPS)``, about 27.6), where PyTorch clamps each log at -100 (a term is at most 100).

    Parameters
    ----------
    prob : numpy.ndarray, shape (N,) or (N, K)
        Predicted probabilities of the label being 1 (K independent labels).
    target : numpy.ndarray, same shape, entries in [0, 1]

    Returns
    -------
    loss : float
    dprob : numpy.ndarray, shape of ``prob``
        ``(p - t) / (p (1 - p)) / N`` at the clipped ``p``.
    """
    p = _float_array(prob, "binary_cross_entropy", "prob")
    t = _float_array(target, "binary_cross_entropy", "target")
    _same_shape(p, t, "binary_cross_entropy", ("prob", "target"))
    n = _batch(p, "binary_cross_entropy", "prob")
    if np.any((p < 0) | (p > 1)) or np.any((t < 0) | (t > 1)):
        raise ValueError(
            "binary_cross_entropy: prob and target must lie in [0, 1] "
            "(pass scores to binary_cross_entropy_with_logits)"
        )
    p = np.clip(p, EPS, 1.0 - EPS)
    loss = -np.sum(t * np.log(p) + (1.0 - t) * np.log1p(-p)) / n
    return float(loss), (p - t) / (p * (1.0 - p)) / n


def binary_cross_entropy_with_logits(logits, target):
    """Binary cross-entropy from scores ``z`` (before the sigmoid), stable for any ``z``.

    ``L = (1/N) sum [max(z, 0) - z t + log(1 + exp(-|z|))]``, which equals the
    cross-entropy of ``sigmoid(z)`` exactly, with no overflow and no log(0). With K labels
    per sample the sum runs over all N * K terms and is divided by N, where PyTorch's
    ``BCEWithLogitsLoss()`` divides by N * K.

    Returns
    -------
    loss : float
    dlogits : numpy.ndarray, shape of ``logits``
        ``(sigmoid(z) - t) / N``.
    """
    z = _float_array(logits, "binary_cross_entropy_with_logits", "logits")
    t = _float_array(target, "binary_cross_entropy_with_logits", "target")
    _same_shape(z, t, "binary_cross_entropy_with_logits", ("logits", "target"))
    n = _batch(z, "binary_cross_entropy_with_logits", "logits")
    loss = np.sum(np.maximum(z, 0.0) - z * t + np.log1p(np.exp(-np.abs(z)))) / n
    return float(loss), (sigmoid(z) - t) / n


def _class_targets(target, n: int, c: int, func: str, dtype=np.float64) -> np.ndarray:
    """Integer labels (N,) or one-hot (N, C) -> a one-hot array (N, C) of ``dtype``.

    ``dtype`` is the scores' dtype, so float32 scores get float32 targets (no upcast).
    """
    t = np.asarray(target)
    if t.ndim == 1:
        if t.shape != (n,) or not (np.issubdtype(t.dtype, np.integer)):
            raise ValueError(
                f"{func}: integer labels must have shape ({n},) and an integer "
                f"dtype, got shape {t.shape} and dtype {t.dtype}"
            )
        if t.min() < 0 or t.max() >= c:
            raise ValueError(
                f"{func}: labels must lie in [0, {c - 1}], got values from {t.min()} to {t.max()}"
            )
        one_hot = np.zeros((n, c), dtype=dtype)
        one_hot[np.arange(n), t] = 1.0
        return one_hot
    if t.shape != (n, c):
        raise ValueError(f"{func}: one-hot targets must have shape ({n}, {c}), got {t.shape}")
    return t.astype(dtype, copy=False)


def cross_entropy(prob, target):
    """Categorical cross-entropy from probabilities: ``L = -(1/N) sum_n sum_k y_nk log p_nk``.

    Parameters
    ----------
    prob : numpy.ndarray, shape (N, C)
        Rows of class probabilities in [0, 1] (e.g. a softmax output); clipped to
        ``[EPS, 1]``. Raw scores are refused: use :func:`softmax_cross_entropy` for them.
    target : numpy.ndarray, shape (N,) of int labels or (N, C) one-hot

    Returns
    -------
    loss : float
        With one-hot targets, minus the mean log probability of the right class.
    dprob : numpy.ndarray, shape (N, C)
        ``-y / p / N``.
    """
    p = _float_array(prob, "cross_entropy", "prob", ndim=2)
    n, c = p.shape
    _batch(p, "cross_entropy", "prob")
    if np.any((p < 0) | (p > 1)):
        raise ValueError(
            "cross_entropy: prob must hold probabilities in [0, 1] (e.g. a softmax "
            f"output), got values from {p.min():.4g} to {p.max():.4g}; for raw "
            "scores use softmax_cross_entropy(scores, target)"
        )
    y = _class_targets(target, n, c, "cross_entropy", p.dtype)
    p = np.clip(p, EPS, 1.0)
    return float(-np.sum(y * np.log(p)) / n), -y / p / n


def softmax_cross_entropy(scores, target):
    """Softmax followed by cross-entropy, fused: stable for any scores, simple gradient.

    ``L = -(1/N) sum_n sum_k y_nk log softmax(s)_nk`` computed with :func:`log_softmax`.
    This is what PyTorch's ``CrossEntropyLoss()`` computes (raw scores in, mean over N);
    :func:`cross_entropy` takes probabilities instead.

    Parameters
    ----------
    scores : numpy.ndarray, shape (N, C)
    target : numpy.ndarray, shape (N,) of int labels or (N, C) one-hot

    Returns
    -------
    loss : float
    dscores : numpy.ndarray, shape (N, C), the dtype of ``scores``
        ``(softmax(s) - y) / N``.
    """
    s = _float_array(scores, "softmax_cross_entropy", "scores", ndim=2)
    n, c = s.shape
    _batch(s, "softmax_cross_entropy", "scores")
    y = _class_targets(target, n, c, "softmax_cross_entropy", s.dtype)
    logp = log_softmax(s)
    return float(-np.sum(y * logp) / n), (np.exp(logp) - y) / n


def l2_penalty(weights, lam: float):
    """``lam * sum(w**2)`` over the given arrays and its gradients ``2 * lam * w``.

    Parameters
    ----------
    weights : list of numpy.ndarray
        Usually the weight matrices only (biases are not penalised).
    lam : float, >= 0

    Returns
    -------
    penalty : float
    grads : list of numpy.ndarray, one per weight array

    Notes
    -----
    Optimizer ``weight_decay=wd`` adds ``wd * w`` to the gradient, which is this penalty
    with ``lam = wd / 2``. With Adam the two differ from decoupled weight decay (AdamW).
    """
    lam = _nonnegative(lam, "l2_penalty")
    weights = _weight_list(weights, "l2_penalty")
    return float(lam * sum(np.sum(w * w) for w in weights)), [2.0 * lam * w for w in weights]


def l1_penalty(weights, lam: float):
    """``lam * sum(|w|)`` and its (sub)gradients ``lam * sign(w)`` (0 at exactly 0)."""
    lam = _nonnegative(lam, "l1_penalty")
    weights = _weight_list(weights, "l1_penalty")
    return float(lam * sum(np.sum(np.abs(w)) for w in weights)), [lam * np.sign(w) for w in weights]
