"""The perceptron of chapter 01: reference implementations.

Conventions: a batch is rows, ``X`` has shape ``(N, D)``, weights ``w`` shape ``(D,)``, the
bias ``b`` is a float. The step function outputs 1 where its input is strictly positive and
0 elsewhere, so a point exactly on the decision boundary ``X @ w + b = 0`` gets 0.
"""

from __future__ import annotations

import numpy as np

from utils import nn
from utils._validate import as_float_matrix, as_float_vector, as_scalar

__all__ = [
    "GATE_WEIGHTS",
    "XOR_HIDDEN_B",
    "XOR_HIDDEN_W",
    "XOR_OUT_B",
    "XOR_OUT_W",
    "perceptron",
    "step",
    "train_perceptron",
    "xor_network",
]

#: Hand-chosen weights ``(w, b)`` for the gates a single perceptron can compute.
GATE_WEIGHTS: dict[str, tuple[np.ndarray, float]] = {
    "AND": (np.array([1.0, 1.0]), -1.5),
    "OR": (np.array([1.0, 1.0]), -0.5),
    "NAND": (np.array([-1.0, -1.0]), 1.5),
}

#: Two-layer XOR network. Hidden layer: column 0 is h1 (an AND), column 1 is h2 (an OR).
XOR_HIDDEN_W = np.array([[1.0, 1.0], [1.0, 1.0]])  # shape (D=2, M=2)
XOR_HIDDEN_B = np.array([-1.5, -0.5])  # shape (M=2,)
#: Output unit on (h1, h2): y = step(-h1 + h2 - 0.5), "OR but not AND".
XOR_OUT_W = np.array([-1.0, 1.0])  # shape (2,)
XOR_OUT_B = -0.5


def step(z) -> np.ndarray:
    """The Heaviside step as 0/1 labels: :func:`utils.nn.step` (1 where ``z > 0``, else 0),
    returned as integers.

    The rule is ``nn.step``'s; only the dtype differs. A perceptron outputs a class, so this
    returns int64, while ``nn.step`` is an activation and keeps the float dtype of its input.

    Parameters
    ----------
    z : array_like of float, any shape

    Returns
    -------
    numpy.ndarray of int64, same shape as ``z``
    """
    z = np.asarray(z)
    if not (np.issubdtype(z.dtype, np.number) or z.dtype == bool):
        raise TypeError(f"step: z must be numeric, got dtype {z.dtype}")
    return nn.step(z).astype(np.int64)


def perceptron(X, w, b) -> np.ndarray:
    """Perceptron outputs for a batch: ``step(X @ w + b)``.

    Parameters
    ----------
    X : array_like, shape (N, D)
        One input per row.
    w : array_like, shape (D,)
        Weights.
    b : float
        Bias (a moved threshold: the unit fires when ``X @ w > -b``).

    Returns
    -------
    numpy.ndarray of int64, shape (N,)
        0 or 1 per row.
    """
    X = as_float_matrix(X, "perceptron", "X")
    w = as_float_vector(w, "perceptron", "w", length=X.shape[1])
    b = as_scalar(b, "perceptron", "b")
    return step(X @ w + b)


def xor_network(X) -> tuple[np.ndarray, np.ndarray]:
    """The hand-wired two-layer XOR network.

    Parameters
    ----------
    X : array_like, shape (N, 2)

    Returns
    -------
    H : numpy.ndarray of int64, shape (N, 2)
        Hidden outputs; column 0 is h1 = AND(x1, x2), column 1 is h2 = OR(x1, x2).
    y : numpy.ndarray of int64, shape (N,)
        ``step(H @ XOR_OUT_W + XOR_OUT_B)``, which is XOR on the four corners.
    """
    X = as_float_matrix(X, "xor_network", "X", columns=2)
    H = step(X @ XOR_HIDDEN_W + XOR_HIDDEN_B)
    y = step(H @ XOR_OUT_W + XOR_OUT_B)
    return H, y


def train_perceptron(X, y, *, lr: float = 1.0, epochs: int = 10):
    """Rosenblatt's learning rule, one sample at a time, in the given order.

    Starting from ``w = 0, b = 0``, for each epoch and each row ``x_i`` in order::

        y_hat = step(x_i @ w + b)
        w += lr * (y_i - y_hat) * x_i
        b += lr * (y_i - y_hat)

    Parameters
    ----------
    X : array_like, shape (N, D)
    y : array_like of 0/1, shape (N,)
    lr : float, > 0
    epochs : int, >= 1

    Returns
    -------
    w : numpy.ndarray of float64, shape (D,)
    b : float
    errors : numpy.ndarray of int64, shape (epochs,)
        How many samples were misclassified (and so caused an update) in each epoch.
    """
    X = as_float_matrix(X, "train_perceptron", "X")
    y = as_float_vector(y, "train_perceptron", "y", length=X.shape[0])
    if not np.isin(y, (0.0, 1.0)).all():
        raise ValueError(
            f"train_perceptron: y must contain only 0 and 1, got values {np.unique(y)[:5].tolist()}"
        )
    lr = as_scalar(lr, "train_perceptron", "lr")
    if lr <= 0:
        raise ValueError(f"train_perceptron: lr must be > 0, got {lr}")
    if not isinstance(epochs, int | np.integer) or epochs < 1:
        raise ValueError(f"train_perceptron: epochs must be an int >= 1, got {epochs!r}")
    w, b = np.zeros(X.shape[1]), 0.0
    errors = np.zeros(epochs, dtype=np.int64)
    for epoch in range(epochs):
        for x_i, y_i in zip(X, y, strict=True):
            y_hat = float(x_i @ w + b > 0)
            if y_hat != y_i:
                errors[epoch] += 1
                w += lr * (y_i - y_hat) * x_i
                b += lr * (y_i - y_hat)
    return w, float(b), errors
