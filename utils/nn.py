"""The course's NumPy network library: activations, losses, kernels, gradient checks.

Conventions (stated once, tested in ``nbtests/test_nn.py``):

- A batch is rows: ``x`` has shape ``(N, D)``; a linear layer's ``W`` has shape
  ``(D, M)`` and ``b`` shape ``(M,)``, so ``out = x @ W + b`` has shape ``(N, M)``.
- Functional kernels come in pairs: ``*_forward(x, ...) -> (out, cache)`` and
  ``*_backward(dout, cache) -> dx`` (or a tuple with the parameters' gradients).
  ``dout`` is the gradient of the loss with respect to ``out``, same shape as ``out``.
- Losses return ``(loss, grad)``: ``loss`` is the mean over the batch as a Python
  ``float``, ``grad`` the gradient with respect to the first argument, already divided by N.
- Derivatives at kinks: ReLU and Leaky ReLU use the left derivative at exactly 0
  (``relu'(0) = 0``, ``leaky_relu'(0) = alpha``), as PyTorch does.
- Arrays are float64 unless a function says otherwise; gradient checks refuse other dtypes.
- float32 works end to end: every kernel, loss and optimizer returns the dtype of its
  (floating) inputs, and layers with parameters take ``dtype=np.float32`` (``Linear``,
  ``PReLU``, ``BatchNorm1d``, ``LayerNorm``). A float32 model fed float32 data never
  upcasts, so it runs at float32 speed (about twice float64's on a CPU); mixing float32
  and float64 arrays follows NumPy's rules and gives float64.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from utils._validate import as_scalar

__all__ = [
    "EPS", "INITIALIZERS", "UPDATES", "AdaGrad", "Adam", "AdamW", "GradcheckError", "Momentum",
    "Nesterov", "Optimizer", "RMSProp", "SGD", "adagrad_update", "adam_update", "adamw_update",
    "constant", "he_normal", "he_uniform", "momentum_update", "nesterov_update", "normal",
    "rmsprop_update", "sgd_update", "uniform", "xavier_normal", "xavier_uniform", "zeros",
    "BatchNorm1d", "Dropout", "EarlyStopping", "LayerNorm", "replay_early_stopping", "batchnorm_backward", "batchnorm_forward",
    "dropout_backward", "dropout_forward", "l1_penalty", "l2_penalty", "layernorm_backward",
    "layernorm_forward", "binary_cross_entropy", "binary_cross_entropy_with_logits",
    "cross_entropy", "describe_error", "elu", "elu_backward", "elu_derivative", "elu_forward",
    "gradcheck",
    "leaky_relu", "leaky_relu_backward", "leaky_relu_derivative", "leaky_relu_forward",
    "linear_backward", "linear_forward", "log_softmax", "mae_loss", "mse_loss",
    "numerical_gradient", "prelu_backward", "prelu_forward", "rel_error", "relu",
    "relu_backward", "relu_derivative", "relu_forward", "sigmoid", "sigmoid_backward",
    "sigmoid_derivative", "sigmoid_forward", "softmax", "softmax_cross_entropy", "step",
    "step_derivative", "tanh", "tanh_backward", "tanh_derivative", "tanh_forward",
]


# ----- validation -------------------------------------------------------------------------

def _float_array(x, func: str, name: str = "x", ndim: int | None = None) -> np.ndarray:
    if isinstance(x, list | tuple):
        x = np.asarray(x, dtype=np.float64)
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{func}: {name} must be a NumPy array, got {type(x).__name__}")
    if x.dtype.kind != "f":  # dtype kinds: f float, i/u integer, b bool (cheaper than issubdtype)
        if x.dtype.kind in "iub":
            x = x.astype(np.float64)
        else:
            raise TypeError(f"{func}: {name} must hold real numbers, got dtype {x.dtype}")
    if ndim is not None and x.ndim != ndim:
        shape = {1: "(N,)", 2: "(N, D)"}.get(ndim, f"{ndim} dimensions")
        raise ValueError(f"{func}: {name} must have shape {shape}, got {x.shape}")
    return x


def _same_shape(a: np.ndarray, b: np.ndarray, func: str, names=("pred", "target")) -> None:
    if a.shape != b.shape:
        raise ValueError(f"{func}: {names[0]} and {names[1]} must have the same shape, "
                         f"got {a.shape} and {b.shape}")


def _width(x, d: int, func: str) -> np.ndarray:
    """A layer's input: array-like as the kernels take it, of shape (N, d), or a clear error."""
    x = _float_array(x, func)
    if x.ndim != 2 or x.shape[1] != d:
        raise ValueError(f"{func}: x must have shape (N, {d}), got {x.shape}")
    return x


def _batch(x: np.ndarray, func: str, name: str) -> int:
    if x.ndim < 1 or x.shape[0] == 0:
        raise ValueError(f"{func}: {name} must have a batch dimension N >= 1, got shape {x.shape}")
    return x.shape[0]


def _float_dtype(dtype, func: str) -> np.dtype:
    """``np.float32`` or ``np.float64`` as a dtype; anything else is a TypeError."""
    try:
        dt = np.dtype(dtype)
    except TypeError:
        dt = None
    if dt not in (np.dtype(np.float32), np.dtype(np.float64)):
        raise TypeError(f"{func}: dtype must be np.float32 or np.float64, got {dtype!r}")
    return dt


def _alpha(alpha, func: str, minimum: float = 0.0) -> float:
    alpha = as_scalar(alpha, func, "alpha")
    if alpha < minimum:
        raise ValueError(f"{func}: alpha must be >= {minimum}, got {alpha}")
    return alpha


# ----- activations and their derivatives --------------------------------------------------

def step(x) -> np.ndarray:
    """Heaviside step: 1.0 where ``x > 0``, else 0.0 (same shape and float dtype as ``x``)."""
    x = _float_array(x, "step")
    return (x > 0).astype(x.dtype)


def step_derivative(x) -> np.ndarray:
    """0 everywhere (the step is flat; at 0 it has no derivative): why it cannot be trained."""
    x = _float_array(x, "step_derivative")
    return np.zeros_like(x)


def sigmoid(x) -> np.ndarray:
    """Logistic sigmoid ``1 / (1 + exp(-x))``, computed without overflow for any ``x``.

    For ``x >= 0`` it evaluates ``1 / (1 + exp(-x))``; for ``x < 0`` the equal form
    ``exp(x) / (1 + exp(x))``. Either way ``exp`` only sees non-positive arguments.
    """
    x = _float_array(x, "sigmoid")
    e = np.exp(-np.abs(x))  # in (0, 1]: never overflows
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_derivative(x) -> np.ndarray:
    """``sigmoid(x) * (1 - sigmoid(x))``; at most 0.25, reached at ``x = 0``."""
    s = sigmoid(x)
    return s * (1.0 - s)


def tanh(x) -> np.ndarray:
    """Hyperbolic tangent, in (-1, 1), zero-centred."""
    return np.tanh(_float_array(x, "tanh"))


def tanh_derivative(x) -> np.ndarray:
    """``1 - tanh(x)**2``; at most 1, reached at ``x = 0``."""
    t = tanh(x)
    return 1.0 - t * t


def relu(x) -> np.ndarray:
    """``max(x, 0)`` elementwise."""
    return np.maximum(_float_array(x, "relu"), 0.0)


def relu_derivative(x) -> np.ndarray:
    """1 where ``x > 0``, else 0 (0 at exactly 0)."""
    x = _float_array(x, "relu_derivative")
    return (x > 0).astype(x.dtype)


def leaky_relu(x, alpha: float = 0.01) -> np.ndarray:
    """``x`` where ``x > 0``, else ``alpha * x`` (PyTorch's default slope 0.01)."""
    x = _float_array(x, "leaky_relu")
    alpha = _alpha(alpha, "leaky_relu")
    return np.where(x > 0, x, alpha * x)


def leaky_relu_derivative(x, alpha: float = 0.01) -> np.ndarray:
    """1 where ``x > 0``, else ``alpha`` (``alpha`` at exactly 0)."""
    x = _float_array(x, "leaky_relu_derivative")
    alpha = _alpha(alpha, "leaky_relu_derivative")
    return np.where(x > 0, 1.0, alpha).astype(x.dtype)


def elu(x, alpha: float = 1.0) -> np.ndarray:
    """``x`` where ``x > 0``, else ``alpha * (exp(x) - 1)``: smooth, saturates at ``-alpha``."""
    x = _float_array(x, "elu")
    alpha = _alpha(alpha, "elu")
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))


def elu_derivative(x, alpha: float = 1.0) -> np.ndarray:
    """1 where ``x > 0``, else ``alpha * exp(x)``."""
    x = _float_array(x, "elu_derivative")
    alpha = _alpha(alpha, "elu_derivative")
    return np.where(x > 0, 1.0, alpha * np.exp(np.minimum(x, 0.0)))


def softmax(x) -> np.ndarray:
    """Row-wise softmax of scores ``x`` of shape (N, C): positive rows summing to 1.

    Subtracts each row's maximum first, which changes nothing mathematically
    (``softmax(x) = softmax(x - c)``) but keeps ``exp`` from overflowing.
    """
    x = _float_array(x, "softmax", ndim=2)
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def log_softmax(x) -> np.ndarray:
    """Row-wise ``log(softmax(x))`` for (N, C) scores, by log-sum-exp (finite for any input)."""
    x = _float_array(x, "log_softmax", ndim=2)
    shifted = x - x.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


# ----- functional kernels -----------------------------------------------------------------

def linear_forward(x, W, b):
    """Affine map of a batch: ``out = x @ W + b``.

    Parameters
    ----------
    x : numpy.ndarray, shape (N, D)
    W : numpy.ndarray, shape (D, M)
    b : numpy.ndarray, shape (M,)

    Returns
    -------
    out : numpy.ndarray, shape (N, M)
    cache : tuple
        ``(x, W)``, what the backward pass needs.
    """
    x = _float_array(x, "linear_forward", "x", ndim=2)
    W = _float_array(W, "linear_forward", "W", ndim=2)
    b = _float_array(b, "linear_forward", "b", ndim=1)
    if W.shape[0] != x.shape[1]:
        raise ValueError(f"linear_forward: W must have shape ({x.shape[1]}, M) to match x of "
                         f"shape {x.shape}, got {W.shape}")
    if b.shape != (W.shape[1],):
        raise ValueError(f"linear_forward: b must have shape ({W.shape[1]},) to match W of "
                         f"shape {W.shape}, got {b.shape}")
    out = x @ W
    out += b  # in place: one array fewer per call, the same sums
    return out, (x, W)


def linear_backward(dout, cache):
    """Gradients of an affine map.

    Parameters
    ----------
    dout : numpy.ndarray, shape (N, M)
    cache : tuple from :func:`linear_forward`

    Returns
    -------
    dx : numpy.ndarray, shape (N, D)
        ``dout @ W.T``
    dW : numpy.ndarray, shape (D, M)
        ``x.T @ dout`` (a sum over the batch)
    db : numpy.ndarray, shape (M,)
        ``dout.sum(axis=0)``
    """
    x, W = cache
    dout = _float_array(dout, "linear_backward", "dout", ndim=2)
    if dout.shape != (x.shape[0], W.shape[1]):
        raise ValueError(f"linear_backward: dout must have shape {(x.shape[0], W.shape[1])}, "
                         f"got {dout.shape}")
    return dout @ W.T, x.T @ dout, dout.sum(axis=0)


def _check_dout(dout, like: np.ndarray, func: str) -> np.ndarray:
    dout = _float_array(dout, func, "dout")
    if dout.shape != like.shape:
        raise ValueError(f"{func}: dout must have shape {like.shape}, got {dout.shape}")
    return dout


def relu_forward(x):
    """``relu(x)`` and the cache ``x`` (any shape)."""
    x = _float_array(x, "relu_forward")
    return np.maximum(x, 0.0), x


def relu_backward(dout, cache):
    """``dout * (x > 0)``."""
    x = cache
    return _check_dout(dout, x, "relu_backward") * (x > 0)


def sigmoid_forward(x):
    """``sigmoid(x)``; the cache is the output ``s`` (the derivative is ``s (1 - s)``)."""
    s = sigmoid(_float_array(x, "sigmoid_forward"))
    return s, s


def sigmoid_backward(dout, cache):
    """``dout * s * (1 - s)``."""
    s = cache
    return _check_dout(dout, s, "sigmoid_backward") * s * (1.0 - s)


def tanh_forward(x):
    """``tanh(x)``; the cache is the output ``t`` (the derivative is ``1 - t**2``)."""
    t = np.tanh(_float_array(x, "tanh_forward"))
    return t, t


def tanh_backward(dout, cache):
    """``dout * (1 - t**2)``."""
    t = cache
    return _check_dout(dout, t, "tanh_backward") * (1.0 - t * t)


def leaky_relu_forward(x, alpha: float = 0.01):
    """``leaky_relu(x, alpha)``; the cache is ``(x, alpha)``."""
    x = _float_array(x, "leaky_relu_forward")
    alpha = _alpha(alpha, "leaky_relu_forward")
    return np.where(x > 0, x, alpha * x), (x, alpha)


def leaky_relu_backward(dout, cache):
    """``dout`` where ``x > 0``, else ``alpha * dout``."""
    x, alpha = cache
    dout = _check_dout(dout, x, "leaky_relu_backward")
    return np.where(x > 0, dout, alpha * dout)


def prelu_forward(x, alpha):
    """PReLU: ``x`` where ``x > 0``, else ``alpha * x``, with a learnable slope per feature.

    Parameters
    ----------
    x : numpy.ndarray, shape (N, D)
    alpha : numpy.ndarray, shape (D,)
        One slope per feature (column).

    Returns
    -------
    out : numpy.ndarray, shape (N, D)
    cache : tuple ``(x, alpha)``
    """
    x = _float_array(x, "prelu_forward", ndim=2)
    alpha = _float_array(alpha, "prelu_forward", "alpha", ndim=1)
    if alpha.shape != (x.shape[1],):
        raise ValueError(f"prelu_forward: alpha must have shape ({x.shape[1]},) to match x of "
                         f"shape {x.shape}, got {alpha.shape}")
    return np.where(x > 0, x, alpha * x), (x, alpha)


def prelu_backward(dout, cache):
    """Gradients of PReLU.

    Returns
    -------
    dx : numpy.ndarray, shape (N, D)
        ``dout`` where ``x > 0``, else ``alpha * dout``.
    dalpha : numpy.ndarray, shape (D,)
        ``sum over the batch of dout * x`` where ``x <= 0``.
    """
    x, alpha = cache
    dout = _check_dout(dout, x, "prelu_backward")
    negative = x <= 0
    return np.where(negative, alpha * dout, dout), (dout * x * negative).sum(axis=0)


def elu_forward(x, alpha: float = 1.0):
    """``elu(x, alpha)``; the cache is ``(x, out, alpha)``."""
    x = _float_array(x, "elu_forward")
    alpha = _alpha(alpha, "elu_forward")
    out = np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))
    return out, (x, out, alpha)


def elu_backward(dout, cache):
    """``dout`` where ``x > 0``, else ``dout * alpha * exp(x)``.

    ``alpha * exp(x)`` also equals ``out + alpha``, but that sum cancels in float64: at
    ``x = -20`` it keeps about 8 correct digits, at -30 about 4, and from about -37 on
    ``out`` rounds to ``-alpha`` and the sum is 0. The exponential keeps every digit.

    Parameters
    ----------
    dout : numpy.ndarray, shape of ``x``
    cache : tuple ``(x, out, alpha)`` from :func:`elu_forward`

    Returns
    -------
    dx : numpy.ndarray, shape and dtype of ``x``
    """
    x, _, alpha = cache
    dout = _check_dout(dout, x, "elu_backward")
    return np.where(x > 0, dout, dout * (alpha * np.exp(np.minimum(x, 0.0))))


# ----- losses -----------------------------------------------------------------------------

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
        raise ValueError("binary_cross_entropy: prob and target must lie in [0, 1] "
                         "(pass scores to binary_cross_entropy_with_logits)")
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
            raise ValueError(f"{func}: integer labels must have shape ({n},) and an integer "
                             f"dtype, got shape {t.shape} and dtype {t.dtype}")
        if t.min() < 0 or t.max() >= c:
            raise ValueError(f"{func}: labels must lie in [0, {c - 1}], got values from "
                             f"{t.min()} to {t.max()}")
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
        raise ValueError("cross_entropy: prob must hold probabilities in [0, 1] (e.g. a softmax "
                         f"output), got values from {p.min():.4g} to {p.max():.4g}; for raw "
                         "scores use softmax_cross_entropy(scores, target)")
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


# ----- gradient checking ------------------------------------------------------------------

class GradcheckError(AssertionError):
    """An analytic gradient disagrees with central differences; the message names the entry."""


def rel_error(a, b, eps: float = 1e-12) -> np.ndarray:
    """Elementwise relative error ``|a - b| / max(|a|, |b|, eps)``."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), eps)


def describe_error(err, *, below: float = 1e-7) -> str:
    """Print-ready text for an error that may be pure rounding: ``"below 1e-7"`` or ``"3.2e-01"``.

    A relative error of a correct gradient (or the difference between two equal computations)
    is made of rounding: its digits change with the CPU and the BLAS library, which may add
    the same numbers in another order. Printing them would show digits that another machine
    does not reproduce. Below ``below`` this returns only the bound; above it, the value with
    two significant digits, which is then a real difference.

    >>> describe_error(1.1e-9), describe_error(0.53), describe_error(0.0, below=1e-12)
    ('below 1e-7', '5.3e-01', 'below 1e-12')
    """
    value = float(np.max(err))
    bound = float(below)
    if not (np.isfinite(bound) and bound > 0):
        raise ValueError(f"describe_error: below must be a positive number, got {below!r}")
    if value < bound:
        return f"below {bound:.0e}".replace("e-0", "e-").replace("e+0", "e")
    return f"{value:.1e}"


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray,
                       h: float = 1e-5) -> np.ndarray:
    """Central differences: ``(f(x + h e_i) - f(x - h e_i)) / (2 h)`` for every entry i.

    Costs two evaluations of ``f`` per entry of ``x``. ``x`` is changed in place during the
    computation and restored after each entry; it must be float64.
    """
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError("numerical_gradient: x must be a float64 NumPy array (float32 rounding "
                        f"swamps central differences), got "
                        f"{getattr(x, 'dtype', type(x).__name__)}")
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        f_plus = float(f(x))
        x[i] = old - h
        f_minus = float(f(x))
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2.0 * h)
    return grad


def gradcheck(f: Callable[[np.ndarray], float], x: np.ndarray, analytic: np.ndarray, *,
              tol: float = 1e-7, h: float = 1e-5, floor: float = 1e-3,
              atol: float | None = None) -> float:
    """Compare an analytic gradient with central differences of ``f`` at ``x``.

    An entry passes when its relative error is at most ``tol`` or when the two values differ
    by at most ``atol`` (an absolute floor, for gradients that are truly 0).

    Parameters
    ----------
    f : callable
        Maps ``x`` to a scalar (e.g. a loss).
    x : numpy.ndarray of float64
    analytic : numpy.ndarray of float64, shape of ``x``
        The gradient your backward pass computed.
    tol : float
        Largest relative error ``|a - b| / max(|a|, |b|, eps)`` accepted. Around 1e-7 or
        less in float64 means correct; 1e-2 or more means a bug.
    h : float
        The central-difference step.
    floor : float
        ``eps = floor * (largest entry of either gradient)``. Central differences carry an
        absolute rounding error of about ``1e-16 |f| / h``, so an entry a thousand times
        smaller than the largest cannot be judged relative to itself; it is judged on this
        common scale instead.
    atol : float or None
        Differences ``|a - b| <= atol`` pass whatever their relative error. A gradient that
        is exactly 0 (the bias of a layer followed by batch normalization) is measured as
        rounding noise of about ``1e-16 |f| / h``, whose relative error to 0 is 1: this
        floor is what lets it pass. ``None`` (the default) takes
        ``atol = 1e-14 * F / h``, a hundred times that noise, with ``F`` the largest ``|f|``
        met during the check (``1e-9 F`` for ``h = 1e-5``). When ``f`` is a sum of terms
        that cancel, so that ``|f|`` is much smaller than its terms, the noise follows the
        terms: pass ``atol`` computed from them (:func:`gradcheck_layer` does).

    Returns
    -------
    float
        The largest relative error over the entries that differ by more than ``atol``
        (0.0 when all are within it).

    Raises
    ------
    GradcheckError
        Naming the worst entry, both values and the error. A NaN or infinite gradient fails.
    """
    if not isinstance(analytic, np.ndarray) or analytic.dtype != np.float64:
        raise TypeError("gradcheck: the analytic gradient must be a float64 array, got "
                        f"{getattr(analytic, 'dtype', type(analytic).__name__)}")
    if analytic.shape != np.shape(x):
        raise ValueError(f"gradcheck: the analytic gradient has shape {analytic.shape}, "
                         f"x has shape {np.shape(x)}")
    if atol is not None:
        atol = as_scalar(atol, "gradcheck", "atol")
        if not atol >= 0:
            raise ValueError(f"gradcheck: atol must be >= 0 or None, got {atol}")
    largest_f = 0.0

    def tracked(v):
        nonlocal largest_f
        value = float(f(v))
        if np.isfinite(value):  # an infinite f must not make the floor infinite
            largest_f = max(largest_f, abs(value))
        return value

    numeric = numerical_gradient(tracked, x, h=h)
    if atol is None:
        atol = 1e-14 * largest_f / h
    scale = max(float(np.max(np.abs(analytic), initial=0.0)),
                float(np.max(np.abs(numeric), initial=0.0)))
    err = rel_error(analytic, numeric, eps=max(floor * scale, 1e-300))
    # NaN compares False both ways: a NaN entry keeps a NaN error, made inf so it fails.
    err = np.where(np.abs(analytic - numeric) <= atol, 0.0, err)
    err = np.where(np.isnan(err), np.inf, err)
    worst = np.unravel_index(int(np.argmax(err)), err.shape) if err.size else ()
    max_err = float(err[worst]) if err.size else 0.0
    if max_err > tol:
        raise GradcheckError(
            f"gradcheck: relative error {max_err:.3e} > {tol:.0e} at index {tuple(map(int, worst))}:"
            f" analytic {analytic[worst]:.10g}, numerical {numeric[worst]:.10g}")
    return max_err


# ----- initializers -----------------------------------------------------------------------
# Every initializer is init(fan_in, fan_out, *, rng, ...) -> W of shape (fan_in, fan_out).

def _fans(fan_in, fan_out, func: str) -> tuple[int, int]:
    from utils._validate import as_count

    return as_count(fan_in, func, "fan_in"), as_count(fan_out, func, "fan_out")


def _rng_for(rng, func: str) -> np.random.Generator:
    from utils._validate import as_generator

    return as_generator(rng, func)


def zeros(fan_in: int, fan_out: int, *, rng: np.random.Generator | None = None) -> np.ndarray:
    """All weights 0. The units of the layer start identical and stay identical as long as
    their outgoing weights are equal too (with every layer at 0, only the last biases learn)."""
    return np.zeros(_fans(fan_in, fan_out, "zeros"))


def constant(fan_in: int, fan_out: int, *, rng: np.random.Generator | None = None,
             value: float = 0.0) -> np.ndarray:
    """All weights ``value`` (symmetric like zeros: the units stay identical while the next
    layer's weights are equal too)."""
    return np.full(_fans(fan_in, fan_out, "constant"), as_scalar(value, "constant", "value"))


def normal(fan_in: int, fan_out: int, *, rng: np.random.Generator,
           std: float = 0.01) -> np.ndarray:
    """Gaussian weights with mean 0 and a fixed ``std``, whatever the layer's size."""
    shape = _fans(fan_in, fan_out, "normal")
    std = as_scalar(std, "normal", "std")
    if std < 0:
        raise ValueError(f"normal: std must be >= 0, got {std}")
    return std * _rng_for(rng, "normal").standard_normal(shape)


def uniform(fan_in: int, fan_out: int, *, rng: np.random.Generator,
            limit: float = 0.05) -> np.ndarray:
    """Weights uniform in ``[-limit, limit]`` (variance ``limit**2 / 3``)."""
    shape = _fans(fan_in, fan_out, "uniform")
    limit = as_scalar(limit, "uniform", "limit")
    if limit < 0:
        raise ValueError(f"uniform: limit must be >= 0, got {limit}")
    return _rng_for(rng, "uniform").uniform(-limit, limit, size=shape)


def xavier_normal(fan_in: int, fan_out: int, *, rng: np.random.Generator) -> np.ndarray:
    """Glorot/Xavier normal: std ``sqrt(2 / (fan_in + fan_out))``; derived for tanh.

    (Some libraries use ``sqrt(1 / fan_in)``; ``2 / sqrt(fan_in + fan_out)`` is not Glorot's.)
    """
    n, m = _fans(fan_in, fan_out, "xavier_normal")
    return np.sqrt(2.0 / (n + m)) * _rng_for(rng, "xavier_normal").standard_normal((n, m))


def xavier_uniform(fan_in: int, fan_out: int, *, rng: np.random.Generator) -> np.ndarray:
    """Glorot/Xavier uniform: limit ``sqrt(6 / (fan_in + fan_out))`` (the same variance)."""
    n, m = _fans(fan_in, fan_out, "xavier_uniform")
    limit = np.sqrt(6.0 / (n + m))
    return _rng_for(rng, "xavier_uniform").uniform(-limit, limit, size=(n, m))


def he_normal(fan_in: int, fan_out: int, *, rng: np.random.Generator) -> np.ndarray:
    """He/Kaiming normal: std ``sqrt(2 / fan_in)``; the 2 makes up for ReLU zeroing half."""
    n, m = _fans(fan_in, fan_out, "he_normal")
    return np.sqrt(2.0 / n) * _rng_for(rng, "he_normal").standard_normal((n, m))


def he_uniform(fan_in: int, fan_out: int, *, rng: np.random.Generator) -> np.ndarray:
    """He/Kaiming uniform: limit ``sqrt(6 / fan_in)`` (the same variance ``2 / fan_in``)."""
    n, m = _fans(fan_in, fan_out, "he_uniform")
    limit = np.sqrt(6.0 / n)
    return _rng_for(rng, "he_uniform").uniform(-limit, limit, size=(n, m))


#: Initializers by name, as ``Linear(init=...)`` accepts them ("he" and "xavier" mean the
#: normal versions, "small" is normal with std 0.01).
INITIALIZERS = {
    "zeros": zeros, "constant": constant, "normal": normal, "uniform": uniform,
    "xavier_normal": xavier_normal, "xavier_uniform": xavier_uniform,
    "he_normal": he_normal, "he_uniform": he_uniform,
    "he": he_normal, "xavier": xavier_normal, "small": normal,
}


def _init_weights(init, fan_in: int, fan_out: int, rng: np.random.Generator,
                  dtype=np.float64) -> np.ndarray:
    """Weights of shape (fan_in, fan_out) from an initializer name or callable.

    The initializer draws in float64; a float32 layer gets those values rounded, so the
    same seed gives the same network up to rounding in either precision.
    """
    if isinstance(init, str):
        if init not in INITIALIZERS:
            raise ValueError(f"Linear: init must be one of {sorted(INITIALIZERS)} or a callable "
                             f"init(fan_in, fan_out, rng=rng), got {init!r}")
        init = INITIALIZERS[init]
    if not callable(init):
        raise TypeError(f"Linear: init must be a name or a callable, got {type(init).__name__}")
    W = np.asarray(init(fan_in, fan_out, rng=rng), dtype=np.float64)
    if W.shape != (fan_in, fan_out):
        raise ValueError(f"Linear: init returned shape {W.shape}, expected {(fan_in, fan_out)}")
    return W if W.dtype == dtype else W.astype(dtype)


# ----- layers -----------------------------------------------------------------------------

class Module:
    """Base of every layer: ``forward``, ``backward``, ``params``/``grads`` and a mode.

    ``params`` and ``grads`` are dicts with the same keys; ``backward`` fills ``grads``
    (overwriting, not accumulating). Optimizers update ``params`` in place, so the arrays a
    layer holds are the ones that change. ``training`` is set by :meth:`train` / :meth:`eval`.
    ``BUFFERS`` names the state arrays that are not parameters (batch norm's running
    statistics): saving a model and restoring the best epoch keep them with the parameters.
    """

    BUFFERS: tuple[str, ...] = ()

    def __init__(self):
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.training = True
        self.frozen = False
        self._cache = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def backward(self, dout: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.forward(x)

    def train(self, mode: bool = True) -> Module:
        """Training mode (``mode=True``) or evaluation mode; returns ``self``."""
        self.training = bool(mode)
        return self

    def eval(self) -> Module:
        """Evaluation mode; returns ``self``."""
        return self.train(False)

    def freeze(self) -> Module:
        """Keep this layer's parameters fixed: optimizers skip it. Returns ``self``."""
        self.frozen = True
        return self

    def unfreeze(self) -> Module:
        """Let optimizers update this layer again. Returns ``self``."""
        self.frozen = False
        return self

    def parameters(self):
        """Yield ``(layer, name)`` for every parameter (read ``layer.params[name]`` each time)."""
        for name in self.params:
            yield self, name

    def _need_cache(self):
        if self._cache is None:
            raise RuntimeError(f"{type(self).__name__}.backward: call forward first")
        return self._cache

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Linear(Module):
    """Fully connected layer ``x @ W + b`` with ``W`` of shape (in_features, out_features).

    Parameters
    ----------
    in_features, out_features : int
    rng : numpy.random.Generator
        For the initial weights (keyword-only).
    init : str or callable
        A name from :data:`INITIALIZERS` (``"he"``: std ``sqrt(2 / in_features)``, for
        ReLU; ``"xavier"``: std ``sqrt(2 / (in + out))``, for tanh; ``"small"``: std
        0.01; ``"zeros"``, ``"xavier_uniform"``, ...) or a callable
        ``init(fan_in, fan_out, rng=rng) -> W``. Biases start at 0.

        PyTorch's ``nn.Linear`` differs in both: its weight has shape
        (out_features, in_features) and is drawn uniform in ``[-1/sqrt(in), 1/sqrt(in)]``
        (``kaiming_uniform_`` with ``a=sqrt(5)``: variance ``1 / (3 in)``, a sixth of
        He's ``2 / in``), and its bias is drawn from the same range instead of 0.
    dtype : np.float64 (default) or np.float32
        The parameters' dtype. With float32 parameters and float32 inputs, the forward
        and backward passes stay in float32 (half the memory traffic, about twice the
        matmul speed); the weights are the float64 draws rounded to float32.
    """

    def __init__(self, in_features: int, out_features: int, *, rng: np.random.Generator,
                 init="he", dtype=np.float64):
        super().__init__()
        from utils._validate import as_count, as_generator

        self.in_features = as_count(in_features, "Linear", "in_features")
        self.out_features = as_count(out_features, "Linear", "out_features")
        rng = as_generator(rng, "Linear")
        dtype = _float_dtype(dtype, "Linear")
        self.params = {"W": _init_weights(init, self.in_features, self.out_features, rng, dtype),
                       "b": np.zeros(self.out_features, dtype=dtype)}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}

    def forward(self, x):
        """``x @ W + b`` for ``x`` of shape (N, in_features): an array, or a nested list or
        tuple (read as float64), as :func:`linear_forward` accepts; integers become float64."""
        x = _width(x, self.in_features, "Linear.forward")
        out, self._cache = linear_forward(x, self.params["W"], self.params["b"])
        return out

    def backward(self, dout):
        dx, self.grads["W"], self.grads["b"] = linear_backward(dout, self._need_cache())
        return dx

    def __repr__(self):
        return f"Linear({self.in_features}, {self.out_features})"


class _Activation(Module):
    """An activation layer over a kernel pair; subclasses set the kernels."""

    _forward = staticmethod(relu_forward)
    _backward = staticmethod(relu_backward)

    def forward(self, x):
        out, self._cache = type(self)._forward(x)
        return out

    def backward(self, dout):
        return type(self)._backward(dout, self._need_cache())


class ReLU(_Activation):
    """``max(x, 0)``; gradient 1 where ``x > 0``, else 0."""

    _forward, _backward = staticmethod(relu_forward), staticmethod(relu_backward)


class Sigmoid(_Activation):
    """Logistic sigmoid (overflow-safe)."""

    _forward, _backward = staticmethod(sigmoid_forward), staticmethod(sigmoid_backward)


class Tanh(_Activation):
    """Hyperbolic tangent."""

    _forward, _backward = staticmethod(tanh_forward), staticmethod(tanh_backward)


class LeakyReLU(Module):
    """``x`` for ``x > 0``, else ``alpha * x`` (fixed slope, default 0.01)."""

    def __init__(self, alpha: float = 0.01):
        super().__init__()
        self.alpha = _alpha(alpha, "LeakyReLU")

    def forward(self, x):
        out, self._cache = leaky_relu_forward(x, self.alpha)
        return out

    def backward(self, dout):
        return leaky_relu_backward(dout, self._need_cache())

    def __repr__(self):
        return f"LeakyReLU(alpha={self.alpha})"


class ELU(Module):
    """``x`` for ``x > 0``, else ``alpha * (exp(x) - 1)``."""

    def __init__(self, alpha: float = 1.0):
        super().__init__()
        self.alpha = _alpha(alpha, "ELU")

    def forward(self, x):
        out, self._cache = elu_forward(x, self.alpha)
        return out

    def backward(self, dout):
        return elu_backward(dout, self._need_cache())

    def __repr__(self):
        return f"ELU(alpha={self.alpha})"


class PReLU(Module):
    """Leaky ReLU whose slope is learned: one ``alpha`` per feature, starting at ``init``.

    ``dtype=np.float32`` makes the slopes float32 (for a float32 model).
    """

    def __init__(self, num_features: int, init: float = 0.25, *, dtype=np.float64):
        super().__init__()
        from utils._validate import as_count

        n = as_count(num_features, "PReLU", "num_features")
        dtype = _float_dtype(dtype, "PReLU")
        self.params = {"alpha": np.full(n, _alpha(init, "PReLU"), dtype=dtype)}
        self.grads = {"alpha": np.zeros(n, dtype=dtype)}

    def forward(self, x):
        out, self._cache = prelu_forward(x, self.params["alpha"])
        return out

    def backward(self, dout):
        dx, self.grads["alpha"] = prelu_backward(dout, self._need_cache())
        return dx

    def __repr__(self):
        return f"PReLU({self.params['alpha'].shape[0]})"


class Sequential(Module):
    """Layers applied in order; ``backward`` walks them in reverse.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> model = Sequential(Linear(2, 8, rng=rng), ReLU(), Linear(8, 3, rng=rng))
    """

    def __init__(self, *layers: Module):
        super().__init__()
        for i, layer in enumerate(layers):
            if not isinstance(layer, Module):
                raise TypeError(f"Sequential: layer {i} must be a layer (Linear, ReLU, ...), "
                                f"got {type(layer).__name__}")
        self.layers = list(layers)

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, dout):
        """Backward through the layers in reverse; returns the gradient for the input.

        When the bottom layers are frozen (transfer learning), backward stops above them:
        nothing below needs a gradient, so none is computed and ``None`` is returned.
        """
        stop = self._first_trainable()
        for layer in reversed(self.layers[stop:]):
            dout = layer.backward(dout)
        return dout if stop == 0 else None

    def _first_trainable(self) -> int:
        """Index of the lowest layer that has parameters and is not frozen (0 if none frozen)."""
        if not any(layer.frozen for layer in self.layers):
            return 0
        for i, layer in enumerate(self.layers):
            if layer.params and not layer.frozen:
                return i
        return len(self.layers)

    def freeze(self) -> Sequential:
        self.frozen = True
        for layer in self.layers:
            layer.freeze()
        return self

    def unfreeze(self) -> Sequential:
        self.frozen = False
        for layer in self.layers:
            layer.unfreeze()
        return self

    def train(self, mode: bool = True) -> Sequential:
        self.training = bool(mode)
        for layer in self.layers:
            layer.train(mode)
        return self

    def parameters(self):
        for layer in self.layers:
            yield from layer.parameters()

    def __getitem__(self, i):
        return self.layers[i]

    def __setitem__(self, i, layer: Module) -> None:
        """Replace a layer, e.g. a new head: ``model[-1] = Linear(64, 5, rng=rng)``."""
        if not isinstance(layer, Module):
            raise TypeError(f"Sequential: a layer must be a Module, got {type(layer).__name__}")
        self.layers[i] = layer

    def __len__(self):
        return len(self.layers)

    def __repr__(self):
        inner = "\n".join(f"  ({i}) {layer!r}" for i, layer in enumerate(self.layers))
        return f"Sequential(\n{inner}\n)"


class SoftmaxCrossEntropy:
    """The fused output layer and loss: ``forward(scores, target) -> loss``, ``backward() -> dscores``.

    ``target`` is integer labels (N,) or one-hot (N, C); the loss is the batch mean and
    ``backward`` returns ``(softmax(scores) - y) / N``.
    """

    def __init__(self):
        self._grad = None

    def forward(self, scores, target) -> float:
        loss, self._grad = softmax_cross_entropy(scores, target)
        return loss

    __call__ = forward

    def backward(self) -> np.ndarray:
        if self._grad is None:
            raise RuntimeError("SoftmaxCrossEntropy.backward: call forward first")
        return self._grad


def gradcheck_layer(layer: Module, x: np.ndarray, *, rng: np.random.Generator | None = None,
                    tol: float = 1e-7, h: float = 1e-5) -> dict[str, float]:
    """Gradient-check a layer (or model) for its input and every parameter.

    Uses the scalar ``f = sum(layer.forward(x) * dout)`` for a random ``dout``, whose
    gradient with respect to anything is what ``backward(dout)`` computes.

    The terms of that sum have random signs and cancel, so ``|f|`` says little about the
    rounding of ``f``; the absolute floor of :func:`gradcheck` is taken from the terms
    instead, ``atol = 1e-14 * sum(|layer.forward(x) * dout|) / h``. A gradient that is
    exactly 0 (the bias of a ``Linear`` followed by ``BatchNorm1d``) then passes, and a
    wrong one still fails.

    Parameters
    ----------
    layer : Module
    x : numpy.ndarray of float64, shape (N, D)
    rng : numpy.random.Generator, optional
        Draws ``dout`` (default ``np.random.default_rng(0)``).
    tol, h : float
        As in :func:`gradcheck`.

    Returns
    -------
    dict
        The largest relative error for ``"x"`` and for each parameter (``"0.W"`` ... for a
        Sequential). Raises :class:`GradcheckError` naming the worst entry on failure.
    """
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError("gradcheck_layer: x must be a float64 array, got "
                        f"{getattr(x, 'dtype', type(x).__name__)}")
    rng = rng or np.random.default_rng(0)
    out = layer.forward(x)
    dout = rng.standard_normal(out.shape)
    atol = 1e-14 * float(np.sum(np.abs(out * dout))) / h
    dx = layer.backward(dout)
    analytic = {(None, "x"): dx.copy()}
    for owner, name in layer.parameters():
        analytic[(owner, name)] = owner.grads[name].copy()
    errors = {}
    names = _param_names(layer)
    for (owner, name), grad in analytic.items():
        target = x if owner is None else owner.params[name]
        label = "x" if owner is None else names[(id(owner), name)]
        try:
            errors[label] = gradcheck(lambda _: float(np.sum(layer.forward(x) * dout)),
                                      target, grad, tol=tol, h=h, atol=atol)
        except GradcheckError as exc:
            raise GradcheckError(f"{label}: {exc}") from None
    return errors


def _param_names(layer: Module) -> dict:
    if isinstance(layer, Sequential):
        return {(id(owner), name): f"{i}.{name}" for i, sub in enumerate(layer.layers)
                for owner, name in sub.parameters()}
    return {(id(owner), name): name for owner, name in layer.parameters()}


# ----- optimizer and trainer --------------------------------------------------------------

# Functional optimizers: update(w, dw, state, **hyper) -> (w_new, state). They work on any
# array (a network's weight or a 2-D point), never modify w in place, and keep what they
# remember between steps in the dict ``state`` (pass {} at the first step).

def _update_args(w, dw, state, func: str):
    w = _float_array(w, func, "w")
    dw = _float_array(dw, func, "dw")
    if w.shape != dw.shape:
        raise ValueError(f"{func}: w and dw must have the same shape, got {w.shape} and {dw.shape}")
    if not isinstance(state, dict):
        raise TypeError(f"{func}: state must be a dict ({{}} at the first step), "
                        f"got {type(state).__name__}")
    return w, dw


def _positive(value, func: str, name: str) -> float:
    value = as_scalar(value, func, name)
    if value <= 0:
        raise ValueError(f"{func}: {name} must be > 0, got {value}")
    return value


def _fraction(value, func: str, name: str) -> float:
    value = as_scalar(value, func, name)
    if not 0 <= value < 1:
        raise ValueError(f"{func}: {name} must be in [0, 1), got {value}")
    return value


def sgd_update(w, dw, state, *, lr: float = 0.01):
    """Plain gradient descent: ``w - lr * dw`` (no state)."""
    w, dw = _update_args(w, dw, state, "sgd_update")
    return w - _positive(lr, "sgd_update", "lr") * dw, state


def momentum_update(w, dw, state, *, lr: float = 0.01, beta: float = 0.9):
    """Momentum: a velocity that remembers past steps, decaying by ``beta`` each step.

    ``v = beta * v - lr * dw`` (``v`` starts at 0), then ``w + v``.

    The velocity holds the learning rate. PyTorch's ``SGD(momentum=beta)`` keeps
    ``b = beta * b + dw`` without it and steps ``w - lr * b``: the same iterates while
    ``lr`` is constant (``v = -lr * b``), but when ``lr`` changes during a run PyTorch's
    new rate multiplies the whole remembered velocity at once, while here the steps
    already taken keep their old rate and the new one enters gradually.
    """
    w, dw = _update_args(w, dw, state, "momentum_update")
    lr, beta = _positive(lr, "momentum_update", "lr"), _fraction(beta, "momentum_update", "beta")
    v = beta * state.get("v", np.zeros_like(w)) - lr * dw
    return w + v, {**state, "v": v}


def nesterov_update(w, dw, state, *, lr: float = 0.01, beta: float = 0.9):
    """Nesterov momentum, written so that ``dw`` is the gradient at ``w`` itself.

    ``v_prev = v; v = beta * v - lr * dw``, then ``w - beta * v_prev + (1 + beta) * v``:
    the same iterates as evaluating the gradient at the look-ahead point ``w + beta * v``.
    """
    w, dw = _update_args(w, dw, state, "nesterov_update")
    lr, beta = _positive(lr, "nesterov_update", "lr"), _fraction(beta, "nesterov_update", "beta")
    v_prev = state.get("v", np.zeros_like(w))
    v = beta * v_prev - lr * dw
    return w - beta * v_prev + (1.0 + beta) * v, {**state, "v": v}


def adagrad_update(w, dw, state, *, lr: float = 0.01, eps: float = 1e-8):
    """AdaGrad: per-parameter steps shrinking with the sum of all squared gradients so far.

    ``h = h + dw**2``, then ``w - lr * dw / (sqrt(h) + eps)``. The course puts ``eps``
    outside the square root, as PyTorch and the Adam paper do; some texts write
    ``sqrt(h + eps)``, which differs only while ``h`` is tiny.
    """
    w, dw = _update_args(w, dw, state, "adagrad_update")
    lr, eps = _positive(lr, "adagrad_update", "lr"), _positive(eps, "adagrad_update", "eps")
    h = state.get("h", np.zeros_like(w)) + dw * dw
    return w - lr * dw / (np.sqrt(h) + eps), {**state, "h": h}


def rmsprop_update(w, dw, state, *, lr: float = 0.01, rho: float = 0.99, eps: float = 1e-8):
    """RMSProp: AdaGrad with an exponential moving average instead of the sum.

    ``h = rho * h + (1 - rho) * dw**2``, then ``w - lr * dw / (sqrt(h) + eps)``.
    """
    w, dw = _update_args(w, dw, state, "rmsprop_update")
    lr, eps = _positive(lr, "rmsprop_update", "lr"), _positive(eps, "rmsprop_update", "eps")
    rho = _fraction(rho, "rmsprop_update", "rho")
    h = rho * state.get("h", np.zeros_like(w)) + (1.0 - rho) * dw * dw
    return w - lr * dw / (np.sqrt(h) + eps), {**state, "h": h}


def _adam_step(w, dw, state, func: str, lr, beta1, beta2, eps):
    """Adam's step ``lr * m_hat / (sqrt(v_hat) + eps)`` and the new state (shared by Adam and AdamW)."""
    lr, eps = _positive(lr, func, "lr"), _positive(eps, func, "eps")
    beta1 = _fraction(beta1, func, "beta1")
    beta2 = _fraction(beta2, func, "beta2")
    t = state.get("t", 0) + 1
    m = beta1 * state.get("m", np.zeros_like(w)) + (1.0 - beta1) * dw
    v = beta2 * state.get("v", np.zeros_like(w)) + (1.0 - beta2) * dw * dw
    m_hat, v_hat = m / (1.0 - beta1**t), v / (1.0 - beta2**t)
    return lr * m_hat / (np.sqrt(v_hat) + eps), {**state, "t": t, "m": m, "v": v}


def adam_update(w, dw, state, *, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                eps: float = 1e-8):
    """Adam: momentum on the gradient, RMSProp on its square, both bias-corrected.

    ``t = t + 1`` (the first step has ``t = 1``); ``m = beta1 m + (1 - beta1) dw``;
    ``v = beta2 v + (1 - beta2) dw**2``; ``m_hat = m / (1 - beta1**t)``;
    ``v_hat = v / (1 - beta2**t)``; then ``w - lr * m_hat / (sqrt(v_hat) + eps)``.
    Without the correction, ``m`` and ``v`` start near 0 and the first steps are wrong in size.
    """
    w, dw = _update_args(w, dw, state, "adam_update")
    step, state = _adam_step(w, dw, state, "adam_update", lr, beta1, beta2, eps)
    return w - step, state


def adamw_update(w, dw, state, *, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8, weight_decay: float = 0.01):
    """AdamW: Adam with decoupled weight decay.

    The step of :func:`adam_update` from the gradient alone, and separately a shrinking of
    the weights themselves: ``w - lr * weight_decay * w - lr * m_hat / (sqrt(v_hat) + eps)``,
    computed as ``w * (1 - lr * weight_decay) - lr * m_hat / (sqrt(v_hat) + eps)``. This is
    the decoupled weight decay of Loshchilov and Hutter in the form PyTorch's
    ``torch.optim.AdamW`` uses (the decay multiplied by ``lr``), with its defaults.
    ``weight_decay=0`` gives exactly :func:`adam_update`.

    Adding ``weight_decay * w`` to the gradient instead (an L2 penalty, what
    ``Adam(weight_decay=...)`` does) sends the decay through Adam's division by
    ``sqrt(v_hat)``: weights with large gradients are then barely decayed. Here every
    weight shrinks by the same fraction ``lr * weight_decay`` per step.

    Parameters
    ----------
    w, dw : numpy.ndarray, same shape, float
    state : dict
        ``{}`` at the first step; then ``t``, ``m`` and ``v`` as in :func:`adam_update`.
    lr, beta1, beta2, eps : float
    weight_decay : float, >= 0

    Returns
    -------
    w_new : numpy.ndarray, shape of ``w``
    state : dict
    """
    w, dw = _update_args(w, dw, state, "adamw_update")
    weight_decay = as_scalar(weight_decay, "adamw_update", "weight_decay")
    if weight_decay < 0:
        raise ValueError(f"adamw_update: weight_decay must be >= 0, got {weight_decay}")
    step, state = _adam_step(w, dw, state, "adamw_update", lr, beta1, beta2, eps)
    return w * (1.0 - _positive(lr, "adamw_update", "lr") * weight_decay) - step, state


#: The functional updates by name: the six optimizers raced on the 2-D test surfaces, whose
#: figures and widget draw one path per entry. :func:`adamw_update` stays outside, with
#: :class:`AdamW`, so those comparisons keep the six.
UPDATES = {"sgd": sgd_update, "momentum": momentum_update, "nesterov": nesterov_update,
           "adagrad": adagrad_update, "rmsprop": rmsprop_update, "adam": adam_update}


#: Keyword names other libraries give this library's hyperparameters, for the hint of an
#: optimizer's error: ``name -> (our name, whose name it is)``.
_OTHER_NAMES = {
    "momentum": ("beta", "PyTorch's"), "alpha": ("rho", "PyTorch's RMSprop"),
    "learning_rate": ("lr", "Keras's"), "beta_1": ("beta1", "Keras's"),
    "beta_2": ("beta2", "Keras's"), "epsilon": ("eps", "Keras's"),
}


def _keyword_error(where: str, key: str, valid: list[str]) -> TypeError:
    """An unknown optimizer keyword: name it, suggest the keyword meant, list the valid ones."""
    hint = ""
    if key == "betas" and {"beta1", "beta2"} <= set(valid):
        hint = ("; did you mean beta1=..., beta2=...? (PyTorch's betas=(b1, b2) is two "
                "keywords here)")
    elif key == "nesterov":
        hint = "; Nesterov momentum is its own class here: Nesterov(model, lr=..., beta=0.9)"
    elif key == "momentum" and "beta" not in valid:
        hint = ("; this optimizer has no momentum term. SGD with momentum is "
                "Momentum(model, lr=..., beta=0.9) (PyTorch's SGD(momentum=0.9))")
    elif key == "weight_decay":
        hint = "; weight_decay is set once for every group, as a keyword of the optimizer"
    elif key in _OTHER_NAMES and _OTHER_NAMES[key][0] in valid:
        ours, whose = _OTHER_NAMES[key]
        hint = f"; did you mean {ours}=? ({key}= is {whose} name for it)"
    return TypeError(f"{where}: unexpected keyword argument {key!r}{hint}. "
                     f"Valid keywords: {', '.join(valid)}")


def _update_keywords(update) -> list[str]:
    """The hyperparameters of a functional update: its keyword-only parameters."""
    import inspect

    return [p.name for p in inspect.signature(update).parameters.values()
            if p.kind is inspect.Parameter.KEYWORD_ONLY]


class Optimizer:
    """Applies a functional update to every parameter of a model, in place.

    Parameters are re-read from the model at every :meth:`step`, and written back with
    ``p[...] = new``, so the arrays the layers hold are the ones that change. Each parameter
    keeps its own state. Frozen layers (``layer.freeze()``) are skipped. Instead of a model,
    a list of groups gives different hyperparameters to different layers, e.g.
    ``Adam([{"params": [model[0], model[2]], "lr": 1e-4}, {"params": model[4]}], lr=1e-2)``.
    ``weight_decay`` (one value for every group) adds ``weight_decay * p`` to the gradient
    (an L2 penalty of ``weight_decay / 2 * sum(p**2)`` folded into the update), as
    PyTorch's ``weight_decay`` of SGD and Adam does; :class:`AdamW` decouples it instead.

    A keyword the optimizer does not know is a ``TypeError`` naming the class, with the
    keyword meant when it is another library's name (``momentum=`` -> ``beta=``,
    ``betas=(b1, b2)`` -> ``beta1=b1, beta2=b2``).
    """

    update = staticmethod(sgd_update)
    #: True when ``update`` applies ``weight_decay`` itself (AdamW), rather than through
    #: the gradient.
    _DECOUPLED_DECAY = False

    def __new__(cls, *args, **kwargs):
        # Python's own error for an unknown keyword names Momentum.__init__() and cannot
        # say which keyword was meant; checking here lets the error do both.
        valid = cls._constructor_keywords()
        for key in kwargs:
            if key not in valid:
                raise _keyword_error(f"{cls.__name__}(...)", key, valid)
        return super().__new__(cls)

    @classmethod
    def _constructor_keywords(cls) -> list[str]:
        import inspect

        params = list(inspect.signature(cls.__init__).parameters.values())
        named = [p.name for p in params[1:] if p.name != "model" and p.kind in
                 (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)]
        if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params):
            named += [k for k in cls._group_keywords() if k not in named]
        return named

    @classmethod
    def _group_keywords(cls) -> list[str]:
        """What a parameter group may override: the update's hyperparameters."""
        return [k for k in _update_keywords(cls.update) if k != "weight_decay"]

    def __init__(self, model, *, weight_decay: float = 0.0, **hyper):
        name = type(self).__name__
        self.groups = self._groups(model, name)
        self.model = model
        self.weight_decay = as_scalar(weight_decay, name, "weight_decay")
        if self.weight_decay < 0:
            raise ValueError(f"{name}: weight_decay must be >= 0, got {self.weight_decay}")
        self.hyper = hyper
        allowed = self._group_keywords()
        for k, (_, overrides) in enumerate(self.groups):
            for key in overrides:
                if key not in allowed:
                    raise _keyword_error(f"{name}(...): group {k}", key, allowed)
        # Validate the hyperparameters now, with an error naming this class.
        update = type(self).update
        try:
            for _, overrides in self.groups:
                update(np.zeros(1), np.zeros(1), {}, **{**hyper, **overrides})
        except (TypeError, ValueError) as exc:
            raise type(exc)(str(exc).replace(f"{update.__name__}:", f"{name}:")) from None
        self.state: dict[tuple[int, str], dict] = {}

    @property
    def lr(self) -> float:
        return self.hyper["lr"]

    @lr.setter
    def lr(self, value: float) -> None:
        self.hyper["lr"] = value

    @staticmethod
    def _groups(model, name: str) -> list[tuple[list, dict]]:
        """``[(modules, overrides)]`` from a model or from a list of parameter groups."""
        if hasattr(model, "parameters"):
            return [([model], {})]
        if isinstance(model, list | tuple) and model and all(isinstance(g, dict) for g in model):
            groups = []
            for k, group in enumerate(model):
                modules = group.get("params")
                modules = [modules] if hasattr(modules, "parameters") else modules
                if not isinstance(modules, list | tuple) or not all(
                        hasattr(m, "parameters") for m in modules):
                    raise TypeError(f"{name}: group {k} needs 'params': a layer or a list of layers")
                groups.append((list(modules), {k2: v for k2, v in group.items() if k2 != "params"}))
            return groups
        raise TypeError(f"{name}: model must be a layer or Sequential, or a list of groups "
                        f"{{'params': layers, 'lr': ...}}; got {type(model).__name__}")

    def _parameters(self):
        for modules, overrides in self.groups:
            for module in modules:
                for layer, pname in module.parameters():
                    yield layer, pname, overrides

    def step(self) -> None:
        """Update every parameter of a layer that is not frozen, from its current gradient."""
        for modules, overrides in self.groups:
            hyper = {**self.hyper, **overrides}
            for module in modules:
                for layer, name in module.parameters():
                    if layer.frozen:
                        continue
                    p, g = layer.params[name], layer.grads[name]
                    if self.weight_decay and not self._DECOUPLED_DECAY:
                        g = g + self.weight_decay * p
                    key = (id(layer), name)
                    self.state[key] = self._apply(p, g, self.state.get(key, {}), hyper)

    def _apply(self, p: np.ndarray, g: np.ndarray, state: dict, hyper: dict) -> dict:
        """Write the functional update's new value into ``p``; return the new state."""
        new, state = type(self).update(p, g, state, **hyper)
        p[...] = new
        return state

    def zero_grad(self) -> None:
        """Set every gradient to 0 (``backward`` overwrites them anyway; for custom loops)."""
        for layer, name, _ in self._parameters():
            layer.grads[name][...] = 0.0


class SGD(Optimizer):
    """Plain stochastic gradient descent, ``p <- p - lr * grad``. Default ``lr=0.01``.

    PyTorch's ``SGD`` defaults to ``lr=1e-3`` in recent releases (older ones had no
    default). Its ``momentum=`` and ``nesterov=`` are the classes :class:`Momentum` and
    :class:`Nesterov` here.
    """

    update = staticmethod(sgd_update)

    def __init__(self, model, lr: float = 0.01, *, weight_decay: float = 0.0):
        super().__init__(model, lr=lr, weight_decay=weight_decay)

    def _apply(self, p, g, state, hyper):
        """``p -= lr * g`` in place: :func:`sgd_update`'s arithmetic without a new array."""
        if g.shape != p.shape:
            raise ValueError(f"SGD: a gradient has shape {g.shape}, its parameter {p.shape}")
        p -= _positive(hyper["lr"], "SGD", "lr") * g
        return state


class Momentum(Optimizer):
    """SGD with momentum (:func:`momentum_update`). Defaults ``lr=0.01, beta=0.9``.

    PyTorch's ``SGD(momentum=0.9)``; ``beta`` is its ``momentum``. The velocity holds the
    learning rate, which differs from PyTorch when ``lr`` changes during a run (see
    :func:`momentum_update`).
    """

    update = staticmethod(momentum_update)

    def __init__(self, model, lr: float = 0.01, beta: float = 0.9, *, weight_decay: float = 0.0):
        super().__init__(model, lr=lr, beta=beta, weight_decay=weight_decay)


class Nesterov(Optimizer):
    """Nesterov momentum (:func:`nesterov_update`). Defaults ``lr=0.01, beta=0.9``.

    PyTorch's ``SGD(momentum=0.9, nesterov=True)``. As in :class:`Momentum`, the velocity
    holds the learning rate: the same iterates as PyTorch's while ``lr`` is constant.
    """

    update = staticmethod(nesterov_update)

    def __init__(self, model, lr: float = 0.01, beta: float = 0.9, *, weight_decay: float = 0.0):
        super().__init__(model, lr=lr, beta=beta, weight_decay=weight_decay)


class AdaGrad(Optimizer):
    """AdaGrad (:func:`adagrad_update`). Defaults ``lr=0.01, eps=1e-8``.

    PyTorch's ``Adagrad`` has the same ``lr=0.01`` but ``eps=1e-10``.
    """

    update = staticmethod(adagrad_update)

    def __init__(self, model, lr: float = 0.01, eps: float = 1e-8, *, weight_decay: float = 0.0):
        super().__init__(model, lr=lr, eps=eps, weight_decay=weight_decay)


class RMSProp(Optimizer):
    """RMSProp (:func:`rmsprop_update`). Defaults ``lr=0.01, rho=0.99, eps=1e-8``.

    ``rho`` is PyTorch's ``RMSprop(alpha=0.99)``.
    """

    update = staticmethod(rmsprop_update)

    def __init__(self, model, lr: float = 0.01, rho: float = 0.99, eps: float = 1e-8, *,
                 weight_decay: float = 0.0):
        super().__init__(model, lr=lr, rho=rho, eps=eps, weight_decay=weight_decay)


class Adam(Optimizer):
    """Adam (:func:`adam_update`). Defaults ``lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8``.

    PyTorch's ``betas=(0.9, 0.999)`` is ``beta1=0.9, beta2=0.999`` here. ``weight_decay``
    is added to the gradient (L2), as in PyTorch's ``Adam``; for decoupled weight decay
    use :class:`AdamW`.
    """

    update = staticmethod(adam_update)

    def __init__(self, model, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8, *, weight_decay: float = 0.0):
        super().__init__(model, lr=lr, beta1=beta1, beta2=beta2, eps=eps,
                         weight_decay=weight_decay)


class AdamW(Optimizer):
    """Adam with decoupled weight decay (:func:`adamw_update`), as PyTorch's ``AdamW``.

    Defaults ``lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.01`` (PyTorch's).
    Each step shrinks every parameter, biases included, by the fraction
    ``lr * weight_decay`` and then takes Adam's step from the gradient alone.
    ``weight_decay=0`` is :class:`Adam`.
    """

    update = staticmethod(adamw_update)
    _DECOUPLED_DECAY = True

    def __init__(self, model, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8, *, weight_decay: float = 0.01):
        super().__init__(model, lr=lr, beta1=beta1, beta2=beta2, eps=eps,
                         weight_decay=weight_decay)

    def _apply(self, p, g, state, hyper):
        new, state = adamw_update(p, g, state, weight_decay=self.weight_decay, **hyper)
        p[...] = new
        return state


class History(dict):
    """Per-epoch records of :func:`fit`: ``history["train_loss"]``, ``["val_loss"]``, ..."""

    @property
    def epochs(self) -> int:
        return len(self.get("train_loss", []))


def accuracy(scores: np.ndarray, y: np.ndarray) -> float:
    """Fraction of rows whose highest score is the label (``y`` integer labels or one-hot).

    ``scores`` has shape (N, C) with C >= 2 (scores or probabilities: the argmax is the same).
    """
    scores = _float_array(scores, "accuracy", "scores", ndim=2)
    y = np.asarray(y)
    labels = y.argmax(axis=1) if y.ndim == 2 else y
    if labels.shape != (scores.shape[0],):
        raise ValueError(f"accuracy: y must have shape ({scores.shape[0]},) or "
                         f"({scores.shape[0]}, C), got {y.shape}")
    return float(np.mean(scores.argmax(axis=1) == labels))


class EarlyStopping:
    """Stop training when the validation loss has not improved for ``patience`` epochs.

    An epoch improves on the best so far when its validation loss is lower by more than
    ``min_delta``. With ``restore_best`` the model's parameters are put back, at the end of
    :func:`fit`, to those of the best epoch (``history["best_epoch"]``), and so are batch
    norm's running mean and variance: the restored network predicts in eval mode exactly as
    it did at the best epoch (like Keras' ``restore_best_weights`` and PyTorch's
    ``state_dict``, which hold those buffers too).
    """

    def __init__(self, patience: int = 5, min_delta: float = 0.0, restore_best: bool = True):
        from utils._validate import as_count

        self.patience = as_count(patience, "EarlyStopping", "patience")
        self.min_delta = _nonnegative(min_delta, "EarlyStopping")
        self.restore_best = bool(restore_best)
        self.best_loss, self.best_epoch, self.best_params = np.inf, 0, None
        self.best_buffers: list[np.ndarray] = []

    def update(self, epoch: int, val_loss: float, model: Module | None = None) -> bool:
        """Record an epoch's validation loss; return True when training should stop.

        This is the course's one early-stopping rule. Without ``model`` nothing is
        snapshotted: replaying a finished run's validation losses gives its best epoch and
        the epoch where training would have stopped.
        """
        if val_loss < self.best_loss - self.min_delta:
            self.best_loss, self.best_epoch = val_loss, epoch
            if model is None:
                return epoch - self.best_epoch >= self.patience
            self.best_params = [layer.params[name].copy() for layer, name in model.parameters()]
            self.best_buffers = [getattr(layer, name).copy() for layer, name in _buffers(model)]
        return epoch - self.best_epoch >= self.patience

    def restore(self, model: Module) -> None:
        """Copy the best epoch's parameters and running statistics back (in place)."""
        if self.best_params is None:
            return
        for (layer, name), best in zip(model.parameters(), self.best_params, strict=True):
            layer.params[name][...] = best
        for (layer, name), best in zip(_buffers(model), self.best_buffers, strict=True):
            getattr(layer, name)[...] = best


def replay_early_stopping(val_loss, patience: int, min_delta: float = 0.0
                          ) -> tuple[int, int | None]:
    """``(best_epoch, stopped_at)`` that :class:`EarlyStopping` gives on these losses.

    ``val_loss`` holds one validation loss per epoch (epoch 1 first). ``stopped_at`` is the
    epoch at which training would stop, or None when the run ends first. The same rule as
    :func:`fit` with ``early_stopping``, applied to a finished run.
    """
    stopper = EarlyStopping(patience=patience, min_delta=min_delta, restore_best=False)
    for epoch, loss in enumerate(np.asarray(val_loss, dtype=np.float64).ravel(), start=1):
        if stopper.update(epoch, float(loss)):
            return stopper.best_epoch, epoch
    return stopper.best_epoch, None


def _buffers(model: Module):
    """Yield ``(layer, name)`` for every state array that is not a parameter (``BUFFERS``)."""
    for layer in getattr(model, "layers", [model]):
        for name in getattr(layer, "BUFFERS", ()):  # any object with parameters() will do
            yield layer, name


def fit(model: Module, X: np.ndarray, y: np.ndarray, *, loss=softmax_cross_entropy,
        optimizer=None, epochs: int = 10, batch_size: int = 32, rng: np.random.Generator,
        validation: tuple[np.ndarray, np.ndarray] | None = None, callback=None,
        live_plot: bool = False, metric=None,
        early_stopping: EarlyStopping | None = None) -> History:
    """Train ``model`` with mini-batches shuffled every epoch; return the history.

    Each epoch: shuffle the rows with ``rng``; for each mini-batch, forward, loss and its
    gradient, backward, optimizer step. After the epoch, the loss on all the training data
    and (if given) on the validation data are recorded in evaluation mode.

    When ``N % batch_size == 1`` the one row left over would make a batch of one, which
    batch normalization cannot train on (the variance of one sample is 0). That row is
    merged into the batch before it, which then holds ``batch_size + 1`` rows: every row
    is still used once per epoch. Any other ``N`` is cut into batches exactly as
    :func:`utils.data.minibatch_indices` cuts it.

    Parameters
    ----------
    model : Module
    X : numpy.ndarray, shape (N, D)
    y : numpy.ndarray
        Targets in the form ``loss`` expects (integer labels for the default loss).
    loss : callable
        ``loss(pred, target) -> (float, dpred)``, e.g. :func:`softmax_cross_entropy`,
        :func:`mse_loss`, :func:`binary_cross_entropy_with_logits`.
    optimizer : object with ``step()``, optional
        Default ``SGD(model, lr=0.1)``.
    epochs, batch_size : int
        A last batch of a single row is merged into the one before (see above).
    rng : numpy.random.Generator
        Shuffles the rows each epoch.
    validation : (X_val, y_val), optional
    callback : callable, optional
        ``callback(epoch, history, model)`` after each epoch (epochs count from 1); return
        ``True`` to stop training.
    live_plot : bool
        Redraw the loss curves after every epoch (in a notebook).
    metric : callable, optional
        ``metric(pred, target) -> float`` recorded as ``train_metric`` / ``val_metric``
        (e.g. :func:`accuracy`).
    early_stopping : EarlyStopping, optional
        Needs ``validation``; stops after ``patience`` epochs without improvement and
        (by default) restores the best epoch's parameters; ``history["best_epoch"]``.

    Returns
    -------
    History
        ``train_loss`` and, with validation data, ``val_loss`` (lists, one entry per epoch);
        ``train_metric`` / ``val_metric`` with a metric; ``stopped_at`` (an epoch or None).
    """
    from utils._validate import as_count, as_generator

    X = _float_array(X, "fit", "X", ndim=2)
    if len(y) != X.shape[0]:
        raise ValueError(f"fit: X has {X.shape[0]} rows but y has {len(y)}")
    epochs = as_count(epochs, "fit", "epochs")
    batch_size = as_count(batch_size, "fit", "batch_size")
    rng = as_generator(rng, "fit")
    if early_stopping is not None and validation is None:
        raise ValueError("fit: early_stopping needs validation=(X_val, y_val): stopping on the "
                         "training (or test) loss would defeat its purpose")
    optimizer = optimizer if optimizer is not None else SGD(model, lr=0.1)
    history = History(train_loss=[], stopped_at=None)
    if validation is not None:
        history["val_loss"] = []
    if metric is not None:
        history["train_metric"] = []
        if validation is not None:
            history["val_metric"] = []
    plot = None
    if live_plot:
        from utils.plots import LossPlot

        plot = LossPlot()
    y_all = np.asarray(y)
    for epoch in range(1, epochs + 1):
        model.train()
        for idx in _epoch_batches(X.shape[0], batch_size, rng):
            xb, yb = X[idx], y_all[idx]
            pred = model.forward(xb)
            _, dpred = loss(pred, yb)
            model.backward(dpred)
            optimizer.step()
        model.eval()
        _record(history, "train", model, X, y, loss, metric)
        if validation is not None:
            _record(history, "val", model, *validation, loss, metric)
        model.train()
        if not np.isfinite(history["train_loss"][-1]):
            history["stopped_at"] = epoch  # diverged: more epochs would only print NaN
            break
        if plot is not None:
            plot.update(history)
        if callback is not None and callback(epoch, history, model):
            history["stopped_at"] = epoch
            break
        if early_stopping is not None and early_stopping.update(epoch, history["val_loss"][-1],
                                                                model):
            history["stopped_at"] = epoch
            break
    if early_stopping is not None:
        history["best_epoch"] = early_stopping.best_epoch
        if early_stopping.restore_best:
            early_stopping.restore(model)
    if plot is not None:
        plot.close()
    return history


def _epoch_batches(n: int, batch_size: int, rng: np.random.Generator) -> list[np.ndarray]:
    """One epoch's shuffled index batches, a last batch of one row merged into the previous."""
    from utils.data import minibatch_indices

    batches = list(minibatch_indices(n, batch_size, rng=rng))
    if len(batches) > 1 and batches[-1].size == 1:
        last = batches.pop()
        batches[-1] = np.concatenate([batches[-1], last])
    return batches


def _record(history, split, model, X, y, loss, metric) -> None:
    with np.errstate(over="ignore", invalid="ignore"):
        pred = model.forward(X)
        history[f"{split}_loss"].append(loss(pred, y)[0])
        if metric is not None:
            history[f"{split}_metric"].append(metric(pred, y))


# ----- regularization and normalization ---------------------------------------------------

def dropout_forward(x, p: float, *, training: bool, rng: np.random.Generator | None = None,
                    mask: np.ndarray | None = None):
    """Inverted dropout: in training, zero each entry with probability ``p`` and scale the
    survivors by ``1 / (1 - p)``, so the expected output equals ``x``; in evaluation, identity.

    Parameters
    ----------
    x : numpy.ndarray, any shape
    p : float in [0, 1)
        The probability of dropping an entry (PyTorch's convention).
    training : bool
    rng : numpy.random.Generator
        Draws the mask in training (unless ``mask`` is given).
    mask : numpy.ndarray of bool, shape of ``x``, optional
        A fixed keep-mask (True = kept), e.g. for a gradient check.

    Returns
    -------
    out : numpy.ndarray, shape of ``x``
    cache : numpy.ndarray
        The scaled mask ``keep / (1 - p)`` (ones in evaluation), reused by the backward pass.
    """
    x = _float_array(x, "dropout_forward")
    p = as_scalar(p, "dropout_forward", "p")
    if not 0 <= p < 1:
        raise ValueError(f"dropout_forward: p must be in [0, 1) (the drop probability), got {p}")
    if not training or p == 0:
        return x, np.ones_like(x)
    if mask is None:
        from utils._validate import as_generator

        mask = as_generator(rng, "dropout_forward").random(x.shape) >= p
    elif np.shape(mask) != x.shape:
        raise ValueError(f"dropout_forward: mask must have shape {x.shape}, got {np.shape(mask)}")
    scaled = np.asarray(mask, dtype=x.dtype) / (1.0 - p)
    return x * scaled, scaled


def dropout_backward(dout, cache):
    """``dout`` times the same scaled mask as the forward pass."""
    return _check_dout(dout, cache, "dropout_backward") * cache


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


def _nonnegative(lam, func: str) -> float:
    lam = as_scalar(lam, func, "lam")
    if lam < 0:
        raise ValueError(f"{func}: lam must be >= 0, got {lam}")
    return lam


def _weight_list(weights, func: str) -> list[np.ndarray]:
    if isinstance(weights, np.ndarray):
        weights = [weights]
    if not isinstance(weights, list | tuple):
        raise TypeError(f"{func}: weights must be a list of arrays, got {type(weights).__name__}")
    return [_float_array(w, func, f"weights[{i}]") for i, w in enumerate(weights)]


def batchnorm_forward(x, gamma, beta, *, eps: float = 1e-5, training: bool = True,
                      running_mean=None, running_var=None, momentum: float = 0.1):
    """Batch normalization over the batch axis, for x of shape (N, D).

    Training: ``mu = mean(x, axis=0)``, ``var = mean((x - mu)**2, axis=0)`` (the biased
    variance, as in the paper), ``x_hat = (x - mu) / sqrt(var + eps)``,
    ``out = gamma * x_hat + beta``; the running statistics are updated in place as
    ``running = (1 - momentum) * running + momentum * batch_statistic`` (PyTorch's
    convention; PyTorch stores the unbiased batch variance in ``running_var``, we store the
    biased one, which differs by ``N / (N - 1)``). Evaluation: the running statistics
    replace the batch's, so one sample on its own is normalised the same way.

    Returns
    -------
    out : numpy.ndarray, shape (N, D)
    cache : tuple (x_hat, gamma, inv_std) in training, None in evaluation
    """
    x = _float_array(x, "batchnorm_forward", ndim=2)
    gamma = _vector_of(gamma, x, "batchnorm_forward", "gamma")
    beta = _vector_of(beta, x, "batchnorm_forward", "beta")
    eps = _positive(eps, "batchnorm_forward", "eps")
    if not training:
        if running_mean is None or running_var is None:
            raise ValueError("batchnorm_forward: evaluation mode needs running_mean and running_var")
        x_hat = (x - running_mean) / np.sqrt(running_var + eps)
        return gamma * x_hat + beta, None
    if x.shape[0] < 2:
        raise ValueError("batchnorm_forward: training needs a batch of N >= 2 (the variance of "
                         f"one sample is 0), got N = {x.shape[0]}; use eval() for single samples")
    mu = x.mean(axis=0)
    var = x.var(axis=0)
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mu) * inv_std
    if running_mean is not None and running_var is not None:
        momentum = _fraction(momentum, "batchnorm_forward", "momentum")
        running_mean *= 1.0 - momentum
        running_mean += momentum * mu
        running_var *= 1.0 - momentum
        running_var += momentum * var
    return gamma * x_hat + beta, (x_hat, gamma, inv_std)


def batchnorm_backward(dout, cache):
    """Gradients of batch normalization in training mode.

    With ``x_hat`` the normalised input and ``s = 1 / sqrt(var + eps)``:
    ``dgamma = sum(dout * x_hat, axis=0)``, ``dbeta = sum(dout, axis=0)``, and
    ``dx = s / N * (N * dx_hat - sum(dx_hat, axis=0) - x_hat * sum(dx_hat * x_hat, axis=0))``
    with ``dx_hat = dout * gamma``: the two sums are the paths through the mean and the
    variance, which depend on every sample of the batch.

    Returns
    -------
    dx : (N, D), dgamma : (D,), dbeta : (D,)
    """
    if cache is None:
        raise ValueError("batchnorm_backward: no cache (the forward pass ran in evaluation mode)")
    x_hat, gamma, inv_std = cache
    dout = _check_dout(dout, x_hat, "batchnorm_backward")
    n = dout.shape[0]
    dx_hat = dout * gamma
    dx = inv_std / n * (n * dx_hat - dx_hat.sum(axis=0) - x_hat * (dx_hat * x_hat).sum(axis=0))
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)


def layernorm_forward(x, gamma, beta, *, eps: float = 1e-5):
    """Layer normalization: each sample (row) normalised over its own D features.

    ``mu = mean(x, axis=1)``, ``var = var(x, axis=1)`` per row, then
    ``out = gamma * (x - mu) / sqrt(var + eps) + beta``. Nothing depends on the other
    samples, so training and evaluation are the same and a batch of one works.

    Returns
    -------
    out : (N, D), cache : (x_hat, gamma, inv_std)
    """
    x = _float_array(x, "layernorm_forward", ndim=2)
    gamma = _vector_of(gamma, x, "layernorm_forward", "gamma")
    beta = _vector_of(beta, x, "layernorm_forward", "beta")
    eps = _positive(eps, "layernorm_forward", "eps")
    mu = x.mean(axis=1, keepdims=True)
    inv_std = 1.0 / np.sqrt(x.var(axis=1, keepdims=True) + eps)
    x_hat = (x - mu) * inv_std
    return gamma * x_hat + beta, (x_hat, gamma, inv_std)


def layernorm_backward(dout, cache):
    """Gradients of layer normalization: batch norm's formula with the roles of axes swapped."""
    x_hat, gamma, inv_std = cache
    dout = _check_dout(dout, x_hat, "layernorm_backward")
    d = dout.shape[1]
    dx_hat = dout * gamma
    dx = inv_std / d * (d * dx_hat - dx_hat.sum(axis=1, keepdims=True)
                        - x_hat * (dx_hat * x_hat).sum(axis=1, keepdims=True))
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)


def _vector_of(v, x: np.ndarray, func: str, name: str) -> np.ndarray:
    """``v`` as one entry per feature (column) of ``x``, or an error naming both shapes."""
    v = _float_array(v, func, name, ndim=1)
    d = x.shape[1]
    if v.shape != (d,):
        raise ValueError(f"{func}: {name} must have shape ({d},), got {v.shape} (one entry per "
                         f"feature of x, whose shape is {x.shape})")
    return v


class Dropout(Module):
    """Inverted dropout with drop probability ``p`` (identity in evaluation mode).

    Parameters
    ----------
    p : float in [0, 1)
        Probability of zeroing each unit in training (PyTorch's convention).
    rng : numpy.random.Generator
        Draws the masks (keyword-only).
    """

    def __init__(self, p: float = 0.5, *, rng: np.random.Generator):
        super().__init__()
        from utils._validate import as_generator

        self.p = as_scalar(p, "Dropout", "p")
        if not 0 <= self.p < 1:
            raise ValueError(f"Dropout: p must be in [0, 1) (the drop probability), got {self.p}")
        self.rng = as_generator(rng, "Dropout")

    def forward(self, x):
        out, self._cache = dropout_forward(x, self.p, training=self.training, rng=self.rng)
        return out

    def backward(self, dout):
        return dropout_backward(dout, self._need_cache())

    def __repr__(self):
        return f"Dropout(p={self.p})"


class BatchNorm1d(Module):
    """Batch normalization for (N, D) inputs, with learned ``gamma`` (scale) and ``beta`` (shift).

    Running statistics: ``running = (1 - momentum) * running + momentum * batch`` after each
    training batch (``momentum=0.1`` as in PyTorch); evaluation mode uses them.
    ``running_var`` averages the biased batch variance (divided by N), where PyTorch's
    averages the unbiased one (divided by N - 1); see :func:`batchnorm_forward`.
    ``dtype=np.float32`` makes the parameters and running statistics float32.
    """

    BUFFERS = ("running_mean", "running_var")

    def __init__(self, num_features: int, *, eps: float = 1e-5, momentum: float = 0.1,
                 dtype=np.float64):
        super().__init__()
        from utils._validate import as_count

        d = as_count(num_features, "BatchNorm1d", "num_features")
        self.eps = _positive(eps, "BatchNorm1d", "eps")
        self.momentum = _fraction(momentum, "BatchNorm1d", "momentum")
        dtype = _float_dtype(dtype, "BatchNorm1d")
        self.params = {"gamma": np.ones(d, dtype=dtype), "beta": np.zeros(d, dtype=dtype)}
        self.grads = {k: np.zeros(d, dtype=dtype) for k in self.params}
        self.running_mean = np.zeros(d, dtype=dtype)
        self.running_var = np.ones(d, dtype=dtype)

    def forward(self, x):
        x = _width(x, self.params["gamma"].shape[0], "BatchNorm1d.forward")
        out, self._cache = batchnorm_forward(
            x, self.params["gamma"], self.params["beta"], eps=self.eps, training=self.training,
            running_mean=self.running_mean, running_var=self.running_var, momentum=self.momentum)
        return out

    def backward(self, dout):
        if not self.training:
            raise RuntimeError("BatchNorm1d.backward: the forward pass ran in eval mode; "
                               "call train() before training")
        dx, self.grads["gamma"], self.grads["beta"] = batchnorm_backward(dout, self._need_cache())
        return dx

    def __repr__(self):
        return f"BatchNorm1d({self.params['gamma'].shape[0]})"


class LayerNorm(Module):
    """Layer normalization over the D features of each sample, with ``gamma`` and ``beta``.

    ``dtype=np.float32`` makes the parameters float32.
    """

    def __init__(self, num_features: int, *, eps: float = 1e-5, dtype=np.float64):
        super().__init__()
        from utils._validate import as_count

        d = as_count(num_features, "LayerNorm", "num_features")
        self.eps = _positive(eps, "LayerNorm", "eps")
        dtype = _float_dtype(dtype, "LayerNorm")
        self.params = {"gamma": np.ones(d, dtype=dtype), "beta": np.zeros(d, dtype=dtype)}
        self.grads = {k: np.zeros(d, dtype=dtype) for k in self.params}

    def forward(self, x):
        x = _width(x, self.params["gamma"].shape[0], "LayerNorm.forward")
        out, self._cache = layernorm_forward(x, self.params["gamma"], self.params["beta"],
                                             eps=self.eps)
        return out

    def backward(self, dout):
        dx, self.grads["gamma"], self.grads["beta"] = layernorm_backward(dout, self._need_cache())
        return dx

    def __repr__(self):
        return f"LayerNorm({self.params['gamma'].shape[0]})"
