"""Regularization and normalization layers: ``Dropout``, ``BatchNorm1d``, ``LayerNorm``."""

from __future__ import annotations

import numpy as np

from utils._validate import as_scalar
from utils.nn._checks import _float_dtype, _fraction, _positive, _width
from utils.nn.functional import (
    batchnorm_backward,
    batchnorm_forward,
    dropout_backward,
    dropout_forward,
    layernorm_backward,
    layernorm_forward,
)
from utils.nn.layers import Module


class Dropout(Module):
    """Inverted dropout with drop probability ``p`` (identity in evaluation mode).

    Parameters
    ----------
    p : float in [0, 1)
        Probability of zeroing each unit in training (PyTorch's convention).
    rng : numpy.random.Generator
        Draws the masks (keyword-only).
    """

    RNG = "masks"

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

    def __init__(
        self, num_features: int, *, eps: float = 1e-5, momentum: float = 0.1, dtype=np.float64
    ):
        super().__init__()
        from utils._validate import as_count

        self.num_features = d = as_count(num_features, "BatchNorm1d", "num_features")
        self.eps = _positive(eps, "BatchNorm1d", "eps")
        self.momentum = _fraction(momentum, "BatchNorm1d", "momentum")
        self.dtype = dtype = _float_dtype(dtype, "BatchNorm1d")
        self.params = {"gamma": np.ones(d, dtype=dtype), "beta": np.zeros(d, dtype=dtype)}
        self.grads = {k: np.zeros(d, dtype=dtype) for k in self.params}
        self.running_mean = np.zeros(d, dtype=dtype)
        self.running_var = np.ones(d, dtype=dtype)

    def forward(self, x):
        x = _width(x, self.params["gamma"].shape[0], "BatchNorm1d.forward")
        out, self._cache = batchnorm_forward(
            x,
            self.params["gamma"],
            self.params["beta"],
            eps=self.eps,
            training=self.training,
            running_mean=self.running_mean,
            running_var=self.running_var,
            momentum=self.momentum,
        )
        return out

    def backward(self, dout):
        if not self.training:
            raise RuntimeError(
                "BatchNorm1d.backward: the forward pass ran in eval mode; "
                "call train() before training"
            )
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

        self.num_features = d = as_count(num_features, "LayerNorm", "num_features")
        self.eps = _positive(eps, "LayerNorm", "eps")
        self.dtype = dtype = _float_dtype(dtype, "LayerNorm")
        self.params = {"gamma": np.ones(d, dtype=dtype), "beta": np.zeros(d, dtype=dtype)}
        self.grads = {k: np.zeros(d, dtype=dtype) for k in self.params}

    def forward(self, x):
        x = _width(x, self.params["gamma"].shape[0], "LayerNorm.forward")
        out, self._cache = layernorm_forward(
            x, self.params["gamma"], self.params["beta"], eps=self.eps
        )
        return out

    def backward(self, dout):
        dx, self.grads["gamma"], self.grads["beta"] = layernorm_backward(dout, self._need_cache())
        return dx

    def __repr__(self):
        return f"LayerNorm({self.params['gamma'].shape[0]})"
