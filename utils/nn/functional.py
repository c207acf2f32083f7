"""Functional kernels: activations and their derivatives, and ``*_forward`` / ``*_backward`` pairs.

A forward kernel returns ``(out, cache)``; its backward takes ``(dout, cache)`` and returns
``dx`` (or a tuple with the parameters' gradients). Linear, activations, dropout, batch norm
and layer norm each have a pair; the layer classes of :mod:`utils.nn.layers` and
:mod:`utils.nn.norm` are thin wrappers over them.
"""

from __future__ import annotations

import numpy as np

from utils._validate import as_scalar
from utils.nn._checks import (
    _alpha,
    _check_dout,
    _float_array,
    _fraction,
    _positive,
    _vector_of,
)


def step(x) -> np.ndarray:
    """Heaviside step: 1.0 where ``x > 0``, else 0.0 (same shape and float dtype as ``x``).

    The course's one step rule; :func:`utils.perceptron.step` applies it and returns the
    0/1 outputs of a perceptron as int64 labels.
    """
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
        raise ValueError(
            f"linear_forward: W must have shape ({x.shape[1]}, M) to match x of "
            f"shape {x.shape}, got {W.shape}"
        )
    if b.shape != (W.shape[1],):
        raise ValueError(
            f"linear_forward: b must have shape ({W.shape[1]},) to match W of "
            f"shape {W.shape}, got {b.shape}"
        )
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
        raise ValueError(
            f"linear_backward: dout must have shape {(x.shape[0], W.shape[1])}, got {dout.shape}"
        )
    return dout @ W.T, x.T @ dout, dout.sum(axis=0)


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
        raise ValueError(
            f"prelu_forward: alpha must have shape ({x.shape[1]},) to match x of "
            f"shape {x.shape}, got {alpha.shape}"
        )
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


def dropout_forward(
    x,
    p: float,
    *,
    training: bool,
    rng: np.random.Generator | None = None,
    mask: np.ndarray | None = None,
):
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


def batchnorm_forward(
    x,
    gamma,
    beta,
    *,
    eps: float = 1e-5,
    training: bool = True,
    running_mean=None,
    running_var=None,
    momentum: float = 0.1,
):
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
            raise ValueError(
                "batchnorm_forward: evaluation mode needs running_mean and running_var"
            )
        x_hat = (x - running_mean) / np.sqrt(running_var + eps)
        return gamma * x_hat + beta, None
    if x.shape[0] < 2:
        raise ValueError(
            "batchnorm_forward: training needs a batch of N >= 2 (the variance of "
            f"one sample is 0), got N = {x.shape[0]}; use eval() for single samples"
        )
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
    dx = (
        inv_std
        / d
        * (
            d * dx_hat
            - dx_hat.sum(axis=1, keepdims=True)
            - x_hat * (dx_hat * x_hat).sum(axis=1, keepdims=True)
        )
    )
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
