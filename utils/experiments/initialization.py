"""The weight-initialization experiment of chapter 07.

- :data:`EXPERIMENT_INITS`: the initializers it compares, by label, including the often-seen
  wrong formula :func:`misquoted_glorot`; :data:`HISTOGRAM_ACTIVATIONS`: its activations;
- :func:`layer_activations`: the experiment itself, the activations of every layer of a deep
  stack without biases (the reference of ``ex07_activation_histograms``).
"""

from __future__ import annotations

import functools

import numpy as np

from utils import nn

__all__ = ["EXPERIMENT_INITS", "HISTOGRAM_ACTIVATIONS", "layer_activations", "misquoted_glorot"]


def misquoted_glorot(fan_in: int, fan_out: int, *, rng: np.random.Generator) -> np.ndarray:
    """A formula often seen in study notes and blog posts, std ``2 / sqrt(fan_in + fan_out)``: NOT Glorot's.

    Kept only to show how far it is from ``sqrt(2 / (fan_in + fan_out))``.
    """
    return (2.0 / np.sqrt(fan_in + fan_out)) * rng.standard_normal((fan_in, fan_out))


#: The initializers of the histogram experiment, by label.
EXPERIMENT_INITS = {
    "std 1": functools.partial(nn.normal, std=1.0),
    "std 0.01": functools.partial(nn.normal, std=0.01),
    "Xavier": nn.xavier_normal,
    "He": nn.he_normal,
    "2/sqrt(n+m), misquoted": misquoted_glorot,
}


#: The activations of the experiment, by name.
HISTOGRAM_ACTIVATIONS = {"sigmoid": nn.sigmoid, "tanh": nn.tanh, "relu": nn.relu}


def layer_activations(
    X, init, activation, *, n_layers: int = 5, width: int = 100, rng: np.random.Generator
) -> list[np.ndarray]:
    """The activations of each layer of a deep stack without biases.

    Layer k computes ``H_k = activation(H_{k-1} @ W_k)`` with ``H_0 = X`` and
    ``W_k = init(H_{k-1}.shape[1], width, rng=rng)``, drawn in layer order.

    Parameters
    ----------
    X : numpy.ndarray, shape (N, D)
    init : callable
        ``init(fan_in, fan_out, rng=rng) -> W`` of shape (fan_in, fan_out).
    activation : callable
        Elementwise, e.g. ``nn.sigmoid``.
    n_layers, width : int
    rng : numpy.random.Generator

    Returns
    -------
    list of numpy.ndarray
        ``n_layers`` arrays of shape (N, width).
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2:
        raise ValueError(f"layer_activations: X must have shape (N, D), got {X.shape}")
    if not callable(init) or not callable(activation):
        raise TypeError("layer_activations: init and activation must be callables")
    H, out = X, []
    for _ in range(n_layers):
        W = init(H.shape[1], width, rng=rng)
        H = activation(H @ W)
        out.append(H)
    return out
