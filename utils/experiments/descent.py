"""Gradient-descent runs of chapters 00 and 04.

- :func:`fit_line_sgd`: a line fitted by mini-batch gradient descent, every step recorded;
- :data:`QUADRATICS` and :func:`descent_path`: gradient descent on a 1-D or 2-D quadratic
  bowl, stopping at divergence (the learning-rate explorer's data).
"""

from __future__ import annotations

import numpy as np

from utils._validate import as_count, as_float_vector, as_generator, as_scalar

__all__ = ["BLOWUP", "DIVERGED_FACTOR", "QUADRATICS", "descent_path", "fit_line_sgd"]


#: A run has diverged once its loss exceeds this multiple of the starting loss.
DIVERGED_FACTOR = 1e4


def fit_line_sgd(
    x, t, *, lr: float = 0.1, batch_size: int = 8, steps: int = 60, rng: np.random.Generator
) -> dict:
    """Fit ``t ≈ w x + b`` by mini-batch gradient descent on the mean squared error.

    Each step: draw a mini-batch of ``batch_size`` indices without replacement; compute the
    gradient of the batch loss ``mean((w x + b - t)^2)``; move ``w`` and ``b`` against it.
    Starts from ``w = b = 0``.

    Parameters
    ----------
    x, t : array_like, shape (N,)
    lr : float, > 0
    batch_size : int, 1 <= batch_size <= N
    steps : int, >= 1
    rng : numpy.random.Generator

    Returns
    -------
    dict
        ``"w"``, ``"b"``, ``"loss"``: arrays of shape (steps + 1,), the parameters and the
        loss on all the data before each update and after the last; ``"batches"``: a list of
        the index arrays (shape (batch_size,)) used by each update. A run whose loss grows
        past ``DIVERGED_FACTOR`` times its initial value (or overflows) stops there:
        ``"diverged_at"`` is that step and later entries are NaN; otherwise it is None.
    """
    x = as_float_vector(x, "fit_line_sgd", "x")
    t = as_float_vector(t, "fit_line_sgd", "t", length=x.shape[0])
    lr = as_scalar(lr, "fit_line_sgd", "lr")
    if lr <= 0:
        raise ValueError(f"fit_line_sgd: lr must be > 0, got {lr}")
    batch_size = as_count(batch_size, "fit_line_sgd", "batch_size")
    if batch_size > x.shape[0]:
        raise ValueError(f"fit_line_sgd: batch_size must be <= N = {x.shape[0]}, got {batch_size}")
    steps = as_count(steps, "fit_line_sgd", "steps")
    rng = as_generator(rng, "fit_line_sgd")
    w = np.zeros(steps + 1)
    b = np.zeros(steps + 1)
    loss = np.full(steps + 1, np.nan)
    batches, diverged_at = [], None
    with np.errstate(over="ignore", invalid="ignore"):
        loss[0] = np.mean((w[0] * x + b[0] - t) ** 2)
        for k in range(steps):
            idx = rng.choice(x.shape[0], size=batch_size, replace=False)
            err = w[k] * x[idx] + b[k] - t[idx]  # (B,)
            grad_w, grad_b = 2 * np.mean(err * x[idx]), 2 * np.mean(err)
            w[k + 1], b[k + 1] = w[k] - lr * grad_w, b[k] - lr * grad_b
            loss[k + 1] = np.mean((w[k + 1] * x + b[k + 1] - t) ** 2)
            batches.append(idx)
            if not loss[k + 1] <= DIVERGED_FACTOR * max(loss[0], 1e-12):
                diverged_at = k + 1  # the rest of the run stays NaN
                break
    return {"w": w, "b": b, "loss": loss, "batches": batches, "diverged_at": diverged_at}


#: The two bowls of the explorer: loss, gradient, start, window, the largest stable lr.
#: 1-D: L(w) = w^2 (curvature 2, stable for lr < 1).
#: 2-D: L(w) = (w1^2 + 10 w2^2) / 2 (curvatures 1 and 10, stable for lr < 0.2).
QUADRATICS = {
    "1-D": {
        "label": "1-D: L(w) = w²",
        "loss": lambda w: w[..., 0] ** 2,
        "grad": lambda w: 2.0 * w,
        "curve": lambda w: w**2,
        "start": np.array([2.5]),
        "lr_max": 1.0,
        "window": ((-3.2, 3.2),),
    },
    "2-D": {
        "label": "2-D: L(w) = (w1² + 10 w2²)/2",
        "loss": lambda w: 0.5 * (w[..., 0] ** 2 + 10.0 * w[..., 1] ** 2),
        "grad": lambda w: w * np.array([1.0, 10.0]),
        "surface": lambda a, b: 0.5 * (a**2 + 10.0 * b**2),
        "start": np.array([-2.8, 1.2]),
        "lr_max": 0.2,
        "window": ((-3.2, 3.2), (-2.0, 2.0)),
    },
}


#: A run has diverged once its loss exceeds this multiple of the starting loss.
BLOWUP = 100.0


def descent_path(grad, loss, w0, lr: float, steps: int, *, blowup: float = BLOWUP):
    """Run ``steps`` steps of gradient descent ``w <- w - lr * grad(w)``, stopping at divergence.

    Parameters
    ----------
    grad, loss : callable
        ``grad(w) -> array like w``; ``loss(w) -> float``.
    w0 : array_like, shape (D,)
    lr : float
    steps : int
    blowup : float
        The run counts as diverged at the first step whose loss is not finite or exceeds
        ``blowup`` times the starting loss; the path stops there (that point is not kept).

    Returns
    -------
    path : numpy.ndarray, shape (K + 1, D)
        The weights at steps 0..K, all finite (K = steps unless it diverged).
    losses : numpy.ndarray, shape (K + 1,)
    diverged_at : int or None
        The step at which it diverged.
    """
    w = np.array(w0, dtype=np.float64)
    path, losses = [w.copy()], [float(loss(w))]
    limit = blowup * max(losses[0], 1e-12)
    with np.errstate(all="ignore"):
        for k in range(1, int(steps) + 1):
            w = w - lr * grad(w)
            value = float(loss(w))
            if not np.isfinite(value) or not np.all(np.isfinite(w)) or value > limit:
                return np.array(path), np.array(losses), k
            path.append(w.copy())
            losses.append(value)
    return np.array(path), np.array(losses), None
