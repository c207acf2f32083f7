"""Red-wine runs of the capstone chapter (11) and of ``make reproduce``.

- :func:`example_split`: the rows a well-known Keras example on the red-wine data trains and
  tests on (``df.sample(frac=0.7, random_state=1234)``), computed without pandas;
- :func:`validation_tail`: the last rows of a training split held out for validation, as
  Keras's ``fit(validation_split=0.1)`` holds them out;
- :func:`example_model`: that example's network in :mod:`utils.nn`, with Keras's defaults;
- :func:`example_optimizer`: that example's ``Adam``, with Keras's placement of epsilon;
- :func:`train_run`: one seeded training run with Adam, mini-batches and early stopping;
- :func:`quality_accuracies`: exact and within-one-point accuracy of predicted quality scores.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from utils import nn
from utils._validate import as_count

__all__ = [
    "EXAMPLE_LR",
    "example_model",
    "example_optimizer",
    "example_split",
    "quality_accuracies",
    "train_run",
    "validation_tail",
]

#: The example's learning rate, ``Adam(lr=0.000056194)``.
EXAMPLE_LR = 0.000056194


def example_split(n: int, frac: float = 0.7, random_state: int = 1234):
    """Row indices of ``df.sample(frac, random_state)`` and of the rows left for test.

    pandas samples ``round(frac * n)`` rows as ``RandomState(random_state).choice(n, size,
    replace=False)``, which for ``p=None`` is the first ``size`` entries of a permutation.

    Parameters
    ----------
    n : int
        The number of rows of the data (1599 for red wine).
    frac : float
        The training share.
    random_state : int
        The seed of NumPy's legacy ``RandomState``, as pandas uses it.

    Returns
    -------
    train : numpy.ndarray of int, shape (round(frac * n),)
        In the sampled order (not sorted): :func:`validation_tail` depends on that order.
    test : numpy.ndarray of int, shape (n - round(frac * n),)
        Ascending, as ``df.drop(train.index)`` leaves them.
    """
    n = as_count(n, "example_split", "n")
    if not 0 < frac < 1:
        raise ValueError(f"example_split: frac must lie in (0, 1), got {frac}")
    size = round(frac * n)
    train = np.random.RandomState(random_state).permutation(n)[:size]
    test = np.setdiff1d(np.arange(n), train)
    return train, test


def validation_tail(train, fraction: float = 0.1):
    """Split training indices as Keras's ``validation_split`` does: the last rows validate.

    Keras keeps the first ``floor(N * (1 - fraction))`` rows for fitting and holds out the rest,
    before any shuffling, so the order of ``train`` decides which rows validate.

    Parameters
    ----------
    train : numpy.ndarray of int, shape (N,)
    fraction : float in (0, 1)

    Returns
    -------
    fit : numpy.ndarray of int, shape (floor(N * (1 - fraction)),)
    val : numpy.ndarray of int, shape (N - len(fit),)
    """
    train = np.asarray(train)
    if train.ndim != 1:
        raise ValueError(f"validation_tail: train must have shape (N,), got {train.shape}")
    if not 0 < fraction < 1:
        raise ValueError(f"validation_tail: fraction must lie in (0, 1), got {fraction}")
    split_at = int(np.floor(len(train) * (1.0 - fraction)))
    return train[:split_at], train[split_at:]


def example_model(
    rng: np.random.Generator, n_features: int = 11, n_classes: int = 9
) -> nn.Sequential:
    """The Keras example's network in :mod:`utils.nn`, with Keras's defaults translated.

    ``Linear -> ReLU -> BatchNorm1d -> Dropout(0.3)`` for 144 and 144 units, ``Linear -> ReLU
    -> BatchNorm1d`` for 16 units (no dropout), then ``Linear(16, n_classes)``. Weights are
    Glorot uniform (``init="xavier_uniform"``), batch norm has ``momentum=0.01`` (Keras's 0.99
    counts the other way) and ``eps=1e-3``. The softmax sits in the loss
    (:func:`utils.nn.softmax_cross_entropy`), so the last layer outputs scores.

    Parameters
    ----------
    rng : numpy.random.Generator
        For the initial weights (in layer order) and the dropout masks.
    n_features : int
        Input width D: the model maps (N, D) to scores (N, n_classes).
    n_classes : int
        9 in the example (``to_categorical`` on labels up to 8); 6 for the qualities 3..8.
    """
    d = as_count(n_features, "example_model", "n_features")
    c = as_count(n_classes, "example_model", "n_classes", minimum=2)

    def bn(width):
        return nn.BatchNorm1d(width, momentum=0.01, eps=1e-3)

    init = "xavier_uniform"
    return nn.Sequential(
        nn.Linear(d, 144, rng=rng, init=init),
        nn.ReLU(),
        bn(144),
        nn.Dropout(0.3, rng=rng),
        nn.Linear(144, 144, rng=rng, init=init),
        nn.ReLU(),
        bn(144),
        nn.Dropout(0.3, rng=rng),
        nn.Linear(144, 16, rng=rng, init=init),
        nn.ReLU(),
        bn(16),
        nn.Linear(16, c, rng=rng, init=init),
    )


def example_optimizer(model: nn.Module, lr: float = EXAMPLE_LR) -> nn.Adam:
    """The Keras example's ``Adam(lr=0.000056194)`` in :mod:`utils.nn`, step for step.

    Keras's ``Adam`` has ``epsilon=1e-7`` and adds it to the uncorrected ``sqrt(v)``, folding
    both bias corrections into the step size (the Adam paper's "epsilon hat"): that is
    ``nn.Adam(model, lr=lr, eps=1e-7, eps_hat=True)``. ``eps=1e-7`` alone, with the course's
    default placement (on the corrected ``sqrt(v_hat)``), takes different steps: at step
    ``t`` Keras's epsilon acts as ``1e-7 / sqrt(1 - 0.999**t)`` there, 32 times larger at the
    first step, so parameters whose gradients are small start more slowly in Keras.

    Parameters
    ----------
    model : nn.Module
        Usually :func:`example_model`'s network.
    lr : float
        The example's learning rate by default.
    """
    return nn.Adam(model, lr=lr, eps=1e-7, eps_hat=True)


def train_run(
    build: Callable[[np.random.Generator], nn.Module],
    X_fit,
    y_fit,
    X_val,
    y_val,
    *,
    seed: int,
    lr: float = 1e-3,
    epochs: int = 500,
    batch_size: int = 128,
    loss=nn.softmax_cross_entropy,
    metric=nn.accuracy,
    patience: int | None = 20,
    min_delta: float = 1e-3,
):
    """Build a model from a seed and train it with Adam, validation and early stopping.

    One generator, ``numpy.random.default_rng(seed)``, draws the initial weights (through
    ``build``), the dropout masks and the order of the mini-batches, so a seed fixes the run.
    The matrix products run on one BLAS thread: for these small layers that is faster, and
    the result does not depend on how many cores the machine has.

    Parameters
    ----------
    build : callable
        ``build(rng) -> nn.Module``, e.g. ``lambda rng: capstone_model(11, 6, rng=rng)``.
    X_fit : numpy.ndarray, shape (N, D)
    y_fit : numpy.ndarray
        Targets as ``loss`` expects them: one-hot (N, C) or labels (N,) for the default
        softmax cross-entropy, (N, 1) floats for :func:`utils.nn.mae_loss`.
    X_val : numpy.ndarray, shape (N_val, D)
    y_val : numpy.ndarray, targets of the validation rows
    seed : int
    lr, epochs, batch_size
        Adam's learning rate, the largest number of epochs, rows per mini-batch.
    loss, metric
        As :func:`utils.nn.fit` takes them; ``metric=None`` records none.
    patience : int or None
        Early stopping on the validation loss (``min_delta`` as in
        :class:`utils.nn.EarlyStopping`), the best epoch's weights restored; None trains for
        all ``epochs``.

    Returns
    -------
    model : nn.Module
        In evaluation mode.
    history : nn.History
        As :func:`utils.nn.fit` returns it (``best_epoch`` with early stopping).
    """
    from threadpoolctl import threadpool_limits  # installed with scikit-learn

    rng = np.random.default_rng(seed)
    model = build(rng)
    stopper = None if patience is None else nn.EarlyStopping(patience=patience, min_delta=min_delta)
    with threadpool_limits(limits=1, user_api="blas"):
        history = nn.fit(
            model,
            X_fit,
            y_fit,
            loss=loss,
            optimizer=nn.Adam(model, lr=lr),
            epochs=epochs,
            batch_size=batch_size,
            rng=rng,
            validation=(X_val, y_val),
            metric=metric,
            early_stopping=stopper,
        )
    model.eval()
    return model, history


def quality_accuracies(predicted, quality) -> tuple[float, float]:
    """Shares of wines whose predicted score is exactly right, and at most one point off.

    Parameters
    ----------
    predicted : array_like of int, shape (N,)
        Predicted quality scores (a classifier's class, or a regressor's output rounded).
    quality : array_like of int, shape (N,)
        The tasters' scores.

    Returns
    -------
    (exact, within_one) : (float, float)
        ``mean(predicted == quality)`` and ``mean(|predicted - quality| <= 1)``.
    """
    predicted, quality = np.asarray(predicted), np.asarray(quality)
    if predicted.ndim != 1 or predicted.shape != quality.shape:
        raise ValueError(
            f"quality_accuracies: predicted and quality must have the same shape "
            f"(N,), got {predicted.shape} and {quality.shape}"
        )
    for name, values in (("predicted", predicted), ("quality", quality)):
        if not np.issubdtype(values.dtype, np.integer):
            raise ValueError(
                f"quality_accuracies: {name} must hold integer scores (round a "
                f"regressor's output first), got dtype {values.dtype}"
            )
    gap = np.abs(predicted - quality)
    return float(np.mean(gap == 0)), float(np.mean(gap <= 1))
