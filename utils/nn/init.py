"""Weight initializers: ``init(fan_in, fan_out, *, rng, ...) -> W`` of shape (fan_in, fan_out)."""

from __future__ import annotations

import numpy as np

from utils._validate import as_scalar


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


def constant(
    fan_in: int, fan_out: int, *, rng: np.random.Generator | None = None, value: float = 0.0
) -> np.ndarray:
    """All weights ``value`` (symmetric like zeros: the units stay identical while the next
    layer's weights are equal too)."""
    return np.full(_fans(fan_in, fan_out, "constant"), as_scalar(value, "constant", "value"))


def normal(fan_in: int, fan_out: int, *, rng: np.random.Generator, std: float = 0.01) -> np.ndarray:
    """Gaussian weights with mean 0 and a fixed ``std``, whatever the layer's size."""
    shape = _fans(fan_in, fan_out, "normal")
    std = as_scalar(std, "normal", "std")
    if std < 0:
        raise ValueError(f"normal: std must be >= 0, got {std}")
    return std * _rng_for(rng, "normal").standard_normal(shape)


def uniform(
    fan_in: int, fan_out: int, *, rng: np.random.Generator, limit: float = 0.05
) -> np.ndarray:
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
    "zeros": zeros,
    "constant": constant,
    "normal": normal,
    "uniform": uniform,
    "xavier_normal": xavier_normal,
    "xavier_uniform": xavier_uniform,
    "he_normal": he_normal,
    "he_uniform": he_uniform,
    "he": he_normal,
    "xavier": xavier_normal,
    "small": normal,
}


def _init_weights(
    init, fan_in: int, fan_out: int, rng: np.random.Generator, dtype=np.float64
) -> np.ndarray:
    """Weights of shape (fan_in, fan_out) from an initializer name or callable.

    The initializer draws in float64; a float32 layer gets those values rounded, so the
    same seed gives the same network up to rounding in either precision.
    """
    if isinstance(init, str):
        if init not in INITIALIZERS:
            raise ValueError(
                f"Linear: init must be one of {sorted(INITIALIZERS)} or a callable "
                f"init(fan_in, fan_out, rng=rng), got {init!r}"
            )
        init = INITIALIZERS[init]
    if not callable(init):
        raise TypeError(f"Linear: init must be a name or a callable, got {type(init).__name__}")
    W = np.asarray(init(fan_in, fan_out, rng=rng), dtype=np.float64)
    if W.shape != (fan_in, fan_out):
        raise ValueError(f"Linear: init returned shape {W.shape}, expected {(fan_in, fan_out)}")
    return W if W.dtype == dtype else W.astype(dtype)
