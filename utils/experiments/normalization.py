"""The experiments of the normalization chapter (09).

- :func:`norm_mlp` builds the chapter's network (hidden layers ``Linear [-> BatchNorm1d] ->
  ReLU`` with weights of a chosen std), :func:`norm_train_run` trains it for a number of
  SGD steps and records the loss of every mini-batch, stopping when it diverges;
- :func:`norm_preactivations`: the input of every ReLU for a batch (what batch norm
  normalises), without touching the running statistics;
- :func:`norm_init_sweep`: both of the above for several init stds, with and without batch
  norm (the explorer's data);
- :func:`batch_stat_noise`: how much the mean and variance of a batch scatter around the
  data's, for several batch sizes.
"""

from __future__ import annotations

import functools

import numpy as np

from utils import nn
from utils._validate import as_count, as_generator, as_scalar

__all__ = [
    "NORM_DIVERGED_LOSS",
    "batch_stat_noise",
    "norm_init_sweep",
    "norm_mlp",
    "norm_preactivations",
    "norm_train_run",
]


#: A mini-batch loss above this (about 400 times ln 10, the loss of a uniform guess over 10
#: classes) means the scores have blown up: the run is reported as diverged and stopped.
NORM_DIVERGED_LOSS = 1000.0


def norm_mlp(
    init_std: float,
    *,
    batchnorm: bool,
    rng: np.random.Generator,
    n_in: int = 64,
    width: int = 64,
    depth: int = 4,
    n_out: int = 10,
) -> nn.Sequential:
    """``depth`` hidden layers ``Linear -> [BatchNorm1d ->] ReLU`` and a ``Linear`` output.

    The hidden weights are normal with mean 0 and std ``init_std`` (the scale under study);
    the output layer, which no normalization follows, always uses Xavier's std.

    Parameters
    ----------
    init_std : float > 0
    batchnorm : bool
        Put a ``BatchNorm1d(width)`` between each hidden ``Linear`` and its ReLU.
    rng : numpy.random.Generator
    n_in, width, depth, n_out : int
    """
    std = as_scalar(init_std, "norm_mlp", "init_std")
    if not std > 0:
        raise ValueError(f"norm_mlp: init_std must be > 0, got {std}")
    init = functools.partial(nn.normal, std=std)
    layers, fan_in = [], as_count(n_in, "norm_mlp", "n_in")
    for _ in range(as_count(depth, "norm_mlp", "depth")):
        layers.append(nn.Linear(fan_in, width, rng=rng, init=init))
        if batchnorm:
            layers.append(nn.BatchNorm1d(width))
        layers.append(nn.ReLU())
        fan_in = width
    layers.append(nn.Linear(fan_in, n_out, rng=rng, init="xavier"))
    return nn.Sequential(*layers)


def norm_train_run(
    model: nn.Module, X, y, *, lr: float, steps: int, batch_size: int, rng: np.random.Generator
) -> dict:
    """SGD on mini-batches drawn at random; the training-mode loss of every step.

    Parameters
    ----------
    model : Module
    X : numpy.ndarray, shape (N, D)
    y : numpy.ndarray of int, shape (N,)
    lr : float
    steps, batch_size : int
    rng : numpy.random.Generator
        Draws each batch (``batch_size`` distinct rows).

    Returns
    -------
    dict
        ``loss`` (array of shape (steps,), NaN after a divergence) and ``diverged_at`` (the
        step whose loss was not finite or above :data:`NORM_DIVERGED_LOSS`, or None).
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    if X.ndim != 2 or y.shape != (X.shape[0],):
        raise ValueError(
            f"norm_train_run: X must have shape (N, D) and y shape (N,), got "
            f"{X.shape} and {y.shape}"
        )
    steps = as_count(steps, "norm_train_run", "steps")
    batch_size = as_count(batch_size, "norm_train_run", "batch_size")
    rng = as_generator(rng, "norm_train_run")
    optimizer = nn.SGD(model, lr=as_scalar(lr, "norm_train_run", "lr"))
    losses, diverged_at = np.full(steps, np.nan), None
    model.train()
    with np.errstate(all="ignore"):  # a diverging run overflows; it is reported, not warned
        for step in range(steps):
            idx = rng.choice(X.shape[0], size=batch_size, replace=False)
            loss, dscores = nn.softmax_cross_entropy(model.forward(X[idx]), y[idx])
            if not np.isfinite(loss) or loss > NORM_DIVERGED_LOSS:
                diverged_at = step
                break
            losses[step] = loss
            model.backward(dscores)
            optimizer.step()
    return {"loss": losses, "diverged_at": diverged_at}


def norm_preactivations(model: nn.Sequential, X) -> list[np.ndarray]:
    """The input of every ReLU of ``model`` for the batch ``X`` (after batch norm if any).

    Batch-norm layers use the batch's statistics (training mode), as during training; their
    running statistics are left as they were.
    """
    h = np.asarray(X, dtype=np.float64)
    saved = [
        (layer, layer.running_mean.copy(), layer.running_var.copy())
        for layer in model.layers
        if isinstance(layer, nn.BatchNorm1d)
    ]
    out = []
    with np.errstate(all="ignore"):
        for layer in model.layers:
            if isinstance(layer, nn.ReLU):
                out.append(h)
            h = layer.forward(h)
    for layer, mean, var in saved:
        layer.running_mean[...] = mean
        layer.running_var[...] = var
    return out


def batch_stat_noise(values, batch_sizes, *, draws: int = 2000, rng: np.random.Generator) -> dict:
    """How far a batch's mean and (biased) variance fall from the whole data's.

    For each batch size ``B``, ``draws`` batches of ``B`` distinct values are cut from
    shuffled copies of ``values`` (as an epoch of training does); their means and variances are compared with the mean and variance of all
    the values.

    Returns
    -------
    dict of numpy.ndarray, each of shape (len(batch_sizes),)
        ``batch_size``; ``mean_std``: std of the batch means, in units of the data's std;
        ``var_std``: std of the batch variances divided by the data's variance;
        ``var_ratio``: mean batch variance divided by the data's variance (about (B-1)/B).
    """
    v = np.asarray(values, dtype=np.float64).ravel()
    sizes = np.array([as_count(b, "batch_stat_noise", "batch size") for b in batch_sizes])
    if v.size < 2 or sizes.max() > v.size:
        raise ValueError(
            f"batch_stat_noise: need more values ({v.size}) than the largest batch ({sizes.max()})"
        )
    rng = as_generator(rng, "batch_stat_noise")
    var = v.var()
    mean_std, var_std, var_ratio = [], [], []
    for b in sizes:
        per_pass = v.size // b  # as in training: shuffle, then cut into batches of b
        batches = np.concatenate(
            [
                rng.permutation(v)[: per_pass * b].reshape(per_pass, b)
                for _ in range(-(-draws // per_pass))
            ]
        )[:draws]
        mean_std.append(batches.mean(axis=1).std() / np.sqrt(var))
        var_std.append(batches.var(axis=1).std() / var)
        var_ratio.append(batches.var(axis=1).mean() / var)
    return {
        "batch_size": sizes,
        "mean_std": np.array(mean_std),
        "var_std": np.array(var_std),
        "var_ratio": np.array(var_ratio),
    }


def norm_init_sweep(
    X,
    y,
    stds,
    *,
    probe,
    lr: float,
    steps: int,
    batch_size: int,
    seed: int,
    width: int = 32,
    depth: int = 4,
) -> tuple[dict, dict]:
    """:func:`norm_mlp` for each init std, with and without batch norm: histograms and runs.

    Each network is built from ``default_rng(seed)``; its pre-activations on ``probe`` are
    taken at initialization (:func:`norm_preactivations`), then the same generator drives
    :func:`norm_train_run`.

    Parameters
    ----------
    X : numpy.ndarray, shape (N, D)
    y : numpy.ndarray of int, shape (N,)
    stds : sequence of float
        The init stds (each > 0).
    probe : numpy.ndarray, shape (M, D)
        The batch whose pre-activations are recorded.
    lr : float
    steps, batch_size, seed, width, depth : int

    Returns
    -------
    runs : dict
        ``runs[std, batchnorm]``: the dict of :func:`norm_train_run`.
    acts : dict
        ``acts[std, batchnorm]``: ``depth`` arrays of shape (M, width).
    """
    runs, acts = {}, {}
    for std in stds:
        for bn in (False, True):
            rng = np.random.default_rng(seed)
            model = norm_mlp(
                std, batchnorm=bn, rng=rng, n_in=np.shape(X)[1], width=width, depth=depth
            )
            acts[std, bn] = norm_preactivations(model, probe)
            runs[std, bn] = norm_train_run(
                model, X, y, lr=lr, steps=steps, batch_size=batch_size, rng=rng
            )
    return runs, acts
