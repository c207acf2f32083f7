"""Data sets the course generates: logic-gate tables and noisy 2-D classification sets.

Every random set takes a keyword-only ``rng: numpy.random.Generator``; nothing touches
NumPy's global random state. Inputs are rows: ``X`` has shape ``(n, 2)`` and float64 dtype,
labels ``y`` shape ``(n,)`` and int64 dtype.
"""

from __future__ import annotations

import numpy as np

from utils._validate import as_count, as_generator, as_scalar

__all__ = [
    "GATES", "circles", "gate_truth_table", "gaussians", "moons", "noisy_sine", "spirals", "xor",
]

#: The two-input gates and their outputs on the inputs (0,0), (0,1), (1,0), (1,1).
GATES: dict[str, tuple[int, int, int, int]] = {
    "AND": (0, 0, 0, 1),
    "OR": (0, 1, 1, 1),
    "NAND": (1, 1, 1, 0),
    "NOR": (1, 0, 0, 0),
    "XOR": (0, 1, 1, 0),
    "XNOR": (1, 0, 0, 1),
}
_CORNERS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


def gate_truth_table(name: str) -> tuple[np.ndarray, np.ndarray]:
    """The truth table of a two-input gate.

    Parameters
    ----------
    name : {"AND", "OR", "NAND", "NOR", "XOR", "XNOR"}

    Returns
    -------
    X : numpy.ndarray of float64, shape (4, 2)
        The inputs (0,0), (0,1), (1,0), (1,1).
    y : numpy.ndarray of int64, shape (4,)
    """
    if not isinstance(name, str) or name.upper() not in GATES:
        raise ValueError(f"gate_truth_table: name must be one of {list(GATES)}, got {name!r}")
    return _CORNERS.copy(), np.array(GATES[name.upper()], dtype=np.int64)


def _noise(noise, func: str) -> float:
    noise = as_scalar(noise, func, "noise")
    if noise < 0:
        raise ValueError(f"{func}: noise must be >= 0, got {noise}")
    return noise


def xor(n: int = 200, *, noise: float = 0.15, rng: np.random.Generator):
    """Points scattered around the four corners of the unit square, labelled by XOR.

    Returns
    -------
    X : numpy.ndarray of float64, shape (n, 2)
    y : numpy.ndarray of int64, shape (n,)
    """
    n = as_count(n, "xor", "n")
    noise = _noise(noise, "xor")
    rng = as_generator(rng, "xor")
    corner = rng.integers(0, 4, size=n)
    X = _CORNERS[corner] + noise * rng.standard_normal((n, 2))
    y = np.array(GATES["XOR"], dtype=np.int64)[corner]
    return X, y


def circles(n: int = 200, *, noise: float = 0.1, factor: float = 0.5,
            rng: np.random.Generator):
    """Two concentric rings: class 0 outside (radius 1), class 1 inside (radius ``factor``)."""
    n = as_count(n, "circles", "n", minimum=2)
    noise = _noise(noise, "circles")
    factor = as_scalar(factor, "circles", "factor")
    if not 0 < factor < 1:
        raise ValueError(f"circles: factor must be in (0, 1), got {factor}")
    rng = as_generator(rng, "circles")
    y = np.arange(n) % 2
    angle = rng.uniform(0, 2 * np.pi, size=n)
    radius = np.where(y == 1, factor, 1.0)
    X = radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    X += noise * rng.standard_normal((n, 2))
    return X, y.astype(np.int64)


def moons(n: int = 200, *, noise: float = 0.1, rng: np.random.Generator):
    """Two interleaved half circles (class 0 upper, class 1 lower and shifted)."""
    n = as_count(n, "moons", "n", minimum=2)
    noise = _noise(noise, "moons")
    rng = as_generator(rng, "moons")
    y = np.arange(n) % 2
    t = rng.uniform(0, np.pi, size=n)
    upper = np.column_stack([np.cos(t), np.sin(t)])
    lower = np.column_stack([1 - np.cos(t), 0.5 - np.sin(t)])
    X = np.where(y[:, None] == 0, upper, lower) + noise * rng.standard_normal((n, 2))
    return X, y.astype(np.int64)


def spirals(n: int = 300, *, classes: int = 2, turns: float = 1.0, noise: float = 0.1,
            rng: np.random.Generator):
    """``classes`` interleaved spiral arms (``n`` points in all, labels 0..classes-1)."""
    n = as_count(n, "spirals", "n", minimum=2)
    classes = as_count(classes, "spirals", "classes", minimum=2)
    turns = as_scalar(turns, "spirals", "turns")
    if turns <= 0:
        raise ValueError(f"spirals: turns must be > 0, got {turns}")
    noise = _noise(noise, "spirals")
    rng = as_generator(rng, "spirals")
    y = np.arange(n) % classes
    r = rng.uniform(0.05, 1.0, size=n)
    theta = 2 * np.pi * (turns * r + y / classes)
    X = r[:, None] * np.column_stack([np.cos(theta), np.sin(theta)])
    X += noise * r[:, None] * rng.standard_normal((n, 2))
    return X, y.astype(np.int64)


def gaussians(n: int = 200, *, centers=((-1.0, -1.0), (1.0, 1.0)), std: float = 0.5,
              rng: np.random.Generator):
    """Round Gaussian blobs, one class per centre (``centers`` has shape (C, 2))."""
    n = as_count(n, "gaussians", "n")
    centers = np.asarray(centers, dtype=np.float64)
    if centers.ndim != 2 or centers.shape[1] != 2 or centers.shape[0] < 1:
        raise ValueError(f"gaussians: centers must have shape (C, 2), got {centers.shape}")
    std = _noise(std, "gaussians")
    rng = as_generator(rng, "gaussians")
    y = np.arange(n) % centers.shape[0]
    X = centers[y] + std * rng.standard_normal((n, 2))
    return X, y.astype(np.int64)


def noisy_sine(n: int = 30, *, noise: float = 0.2, rng: np.random.Generator):
    """A 1-D regression set: ``x`` uniform in [0, 1], ``t = sin(2 pi x) + noise``.

    Returns
    -------
    x : numpy.ndarray of float64, shape (n,)
    t : numpy.ndarray of float64, shape (n,)
    """
    n = as_count(n, "noisy_sine", "n")
    noise = _noise(noise, "noisy_sine")
    rng = as_generator(rng, "noisy_sine")
    x = rng.uniform(0, 1, size=n)
    return x, np.sin(2 * np.pi * x) + noise * rng.standard_normal(n)
