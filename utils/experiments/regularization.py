"""The small models of the regularization chapter (08).

- :func:`soft_threshold`, the proximal step of the L1 penalty (it sets weights exactly to 0);
- :func:`rbf_features`, :func:`ridge_weights` (closed form) and :func:`lasso_weights`
  (proximal or subgradient descent, many lambdas at once): a linear model on 1-D features,
  fast enough to precompute a whole grid of lambdas for a slider (:func:`penalty_grid`);
- :func:`cutout`, dropout on the input: a random square of each image set to 0.

Penalty convention (as in :func:`utils.nn.l2_penalty` / :func:`utils.nn.l1_penalty`): the
objective is ``mean((pred - t)**2) + lam * sum(w**2)`` (L2) or ``+ lam * sum(|w|)`` (L1); the
bias is never penalised.
"""

from __future__ import annotations

import numpy as np

from utils._validate import as_count, as_float_vector, as_generator, as_scalar

__all__ = [
    "LAMBDA_EXPONENTS",
    "PENALTY_KINDS",
    "cutout",
    "lasso_weights",
    "penalty_grid",
    "rbf_features",
    "ridge_weights",
    "soft_threshold",
]


def soft_threshold(w, threshold: float) -> np.ndarray:
    """The proximal step of ``threshold * |w|``: ``sign(w) * max(|w| - threshold, 0)``.

    Every entry moves ``threshold`` towards 0 and stops there: entries with
    ``|w| <= threshold`` become exactly 0. One step of L1-regularised (proximal) gradient
    descent is ``soft_threshold(w - lr * grad, lr * lam)``, with ``grad`` the gradient of the
    data loss alone.

    Parameters
    ----------
    w : numpy.ndarray of float, any shape
    threshold : float, >= 0

    Returns
    -------
    numpy.ndarray, shape of ``w``
    """
    if not isinstance(w, np.ndarray) or not np.issubdtype(w.dtype, np.number):
        raise TypeError(
            f"soft_threshold: w must be a NumPy array of numbers, got "
            f"{getattr(w, 'dtype', type(w).__name__)}"
        )
    threshold = as_scalar(threshold, "soft_threshold", "threshold")
    if threshold < 0:
        raise ValueError(f"soft_threshold: threshold must be >= 0, got {threshold}")
    return np.sign(w) * np.maximum(np.abs(w) - threshold, 0.0) + 0.0  # + 0.0: no -0.0


def rbf_features(x, *, centers: int = 40, width: float = 0.05) -> np.ndarray:
    """Gaussian bumps ``exp(-(x - c_k)**2 / (2 width**2))`` at ``centers`` points of [0, 1].

    Parameters
    ----------
    x : array_like, shape (N,)
    centers : int
    width : float, > 0

    Returns
    -------
    numpy.ndarray, shape (N, centers)
    """
    x = as_float_vector(x, "rbf_features", "x")
    centers = as_count(centers, "rbf_features", "centers")
    width = as_scalar(width, "rbf_features", "width")
    if width <= 0:
        raise ValueError(f"rbf_features: width must be > 0, got {width}")
    c = np.linspace(0.0, 1.0, centers)
    return np.exp(-((x[:, None] - c[None, :]) ** 2) / (2 * width**2))


def _design(Phi, t, func: str) -> tuple[np.ndarray, np.ndarray]:
    Phi = np.asarray(Phi, dtype=np.float64)
    t = np.asarray(t, dtype=np.float64)
    if Phi.ndim != 2 or t.shape != (Phi.shape[0],):
        raise ValueError(
            f"{func}: Phi must have shape (N, K) and t shape (N,), got {Phi.shape} and {t.shape}"
        )
    return Phi, t


def ridge_weights(Phi, t, lam: float) -> tuple[float, np.ndarray]:
    """Minimise ``mean((Phi @ w + b - t)**2) + lam * sum(w**2)`` exactly (b not penalised).

    Setting the gradient to 0 gives ``(Phi_c.T @ Phi_c / N + lam I) w = Phi_c.T @ t_c / N``
    with ``Phi_c``, ``t_c`` centred, and ``b = mean(t) - mean(Phi, axis=0) @ w``.

    Returns
    -------
    b : float
    w : numpy.ndarray, shape (K,)
    """
    Phi, t = _design(Phi, t, "ridge_weights")
    lam = as_scalar(lam, "ridge_weights", "lam")
    if lam < 0:
        raise ValueError(f"ridge_weights: lam must be >= 0, got {lam}")
    n, k = Phi.shape
    mu, t_mean = Phi.mean(axis=0), t.mean()
    Pc, tc = Phi - mu, t - t_mean
    w = np.linalg.lstsq(Pc.T @ Pc / n + lam * np.eye(k), Pc.T @ tc / n, rcond=None)[0]
    return float(t_mean - mu @ w), w


def lasso_weights(
    Phi, t, lams, *, iterations: int = 3000, method: str = "proximal"
) -> tuple[np.ndarray, np.ndarray]:
    """Minimise ``mean((Phi @ w + b - t)**2) + lam * sum(|w|)`` for every ``lam`` at once.

    Gradient descent with step ``1 / L`` (``L`` the largest curvature of the data term),
    from ``w = 0``:

    - ``method="proximal"`` (ISTA): ``w <- soft_threshold(w - g / L, lam / L)`` with ``g``
      the data term's gradient: weights land exactly on 0;
    - ``method="subgradient"``: ``w <- w - (g + lam * sign(w)) / L``: weights near 0 jump
      from one side to the other and hover around 0 without landing on it.

    Parameters
    ----------
    Phi : array_like, shape (N, K)
    t : array_like, shape (N,)
    lams : array_like, shape (M,)
    iterations : int
    method : {"proximal", "subgradient"}

    Returns
    -------
    b : numpy.ndarray, shape (M,)
    W : numpy.ndarray, shape (M, K), one row of weights per lambda
    """
    Phi, t = _design(Phi, t, "lasso_weights")
    lams = as_float_vector(lams, "lasso_weights", "lams")
    if np.any(lams < 0):
        raise ValueError("lasso_weights: every lam must be >= 0")
    if method not in ("proximal", "subgradient"):
        raise ValueError(
            f"lasso_weights: method must be 'proximal' or 'subgradient', got {method!r}"
        )
    iterations = as_count(iterations, "lasso_weights", "iterations")
    n, k = Phi.shape
    mu, t_mean = Phi.mean(axis=0), t.mean()
    Pc, tc = Phi - mu, t - t_mean  # centring removes the (unpenalised) bias from the problem
    G, h = 2.0 * Pc.T @ Pc / n, 2.0 * Pc.T @ tc / n  # gradient of the data term: W @ G - h
    step = 1.0 / max(float(np.linalg.eigvalsh(G)[-1]), 1e-12)
    W = np.zeros((lams.shape[0], k))
    for _ in range(iterations):
        grad = W @ G - h
        if method == "proximal":
            Z = W - step * grad
            W = np.sign(Z) * np.maximum(np.abs(Z) - step * lams[:, None], 0.0)
        else:
            W = W - step * (grad + lams[:, None] * np.sign(W))
    return t_mean - W @ mu, W


def cutout(images, size: int, *, rng: np.random.Generator) -> np.ndarray:
    """Dropout on the input: a ``size`` x ``size`` square of each image set to 0.

    The square's centre is drawn uniformly over the image; near a border the square is cut
    by the border (DeVries and Taylor's version). The input is not modified.

    Parameters
    ----------
    images : numpy.ndarray, shape (N, H, W)
    size : int
    rng : numpy.random.Generator

    Returns
    -------
    numpy.ndarray, shape (N, H, W)
    """
    images = np.asarray(images, dtype=np.float64)
    if images.ndim != 3:
        raise ValueError(f"cutout: images must have shape (N, H, W), got {images.shape}")
    size = as_count(size, "cutout", "size")
    rng = as_generator(rng, "cutout")
    n, height, width = images.shape
    out = images.copy()
    rows = rng.integers(0, height, size=n)
    cols = rng.integers(0, width, size=n)
    for k in range(n):
        r0, c0 = max(rows[k] - size // 2, 0), max(cols[k] - size // 2, 0)
        out[k, r0 : rows[k] - size // 2 + size, c0 : cols[k] - size // 2 + size] = 0.0
    return out


#: The slider's lambdas are 10**e for these exponents (step 0.25 from -6 to 0).
LAMBDA_EXPONENTS = np.round(np.arange(-6.0, 0.0001, 0.25), 2)


#: The two penalties :func:`penalty_grid` fits, by the name the explorer shows.
PENALTY_KINDS = ("L2 (ridge)", "L1 (lasso)")


def penalty_grid(
    x, t, *, lams=None, centers: int = 40, width: float = 0.05, iterations: int = 3000
) -> dict:
    """Fit the feature model for every lambda of a grid, with L2 and with L1.

    Parameters
    ----------
    x, t : array_like, shape (N,)
        Training inputs in [0, 1] and targets.
    lams : array_like, shape (M,), optional
        Default ``10 ** LAMBDA_EXPONENTS``.

    Returns
    -------
    dict
        ``"lams"`` (M,), and for each kind in ``("L2 (ridge)", "L1 (lasso)")`` a pair
        ``(b, W)`` with ``b`` of shape (M,) and ``W`` of shape (M, centers).
    """
    x = as_float_vector(x, "penalty_grid", "x")
    t = as_float_vector(t, "penalty_grid", "t", length=x.shape[0])
    lams = 10.0**LAMBDA_EXPONENTS if lams is None else as_float_vector(lams, "penalty_grid", "lams")
    Phi = rbf_features(x, centers=centers, width=width)
    ridge = [ridge_weights(Phi, t, lam) for lam in lams]
    return {
        "lams": lams,
        PENALTY_KINDS[0]: (np.array([b for b, _ in ridge]), np.array([w for _, w in ridge])),
        PENALTY_KINDS[1]: lasso_weights(Phi, t, lams, iterations=iterations),
    }
