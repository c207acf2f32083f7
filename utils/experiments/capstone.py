"""The capstone chapter's network, its training runs and what they are measured with.

- :func:`capstone_model`: the chapter's network, three hidden blocks of 144, 144 and 16 units,
  each ``Linear -> BatchNorm1d -> ReLU -> Dropout``, then a ``Linear`` layer of class scores;
- :func:`count_parameters`, :func:`confusion_matrix` (rows are true classes);
- :func:`capstone_runs`: train that network for several dropout rates, learning rates, with
  and without batch normalization, and keep every run's curves (the widget's data);
- :func:`early_stopping_epochs`: where :class:`utils.nn.EarlyStopping` keeps and stops on a
  run's curve that may end early.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from utils import nn
from utils._validate import as_count, as_float_matrix

__all__ = [
    "CAPSTONE_HIDDEN",
    "capstone_model",
    "capstone_runs",
    "confusion_matrix",
    "count_parameters",
    "early_stopping_epochs",
]


#: The hidden layer sizes of the Keras Red Wine example's model.
CAPSTONE_HIDDEN = (144, 144, 16)


def capstone_model(
    n_features: int,
    n_classes: int,
    *,
    rng: np.random.Generator,
    p: float = 0.3,
    batchnorm: bool = True,
    hidden: Sequence[int] = CAPSTONE_HIDDEN,
) -> nn.Sequential:
    """The chapter's MLP: per hidden size ``Linear -> BatchNorm1d -> ReLU -> Dropout(p)``.

    The last layer is ``Linear(hidden[-1], n_classes)`` and returns raw class scores (the
    softmax is inside the loss). Linear layers use the library's default He initialization,
    drawn from ``rng`` in layer order; the Dropout layers draw their masks from ``rng`` too.

    Parameters
    ----------
    n_features, n_classes : int
    rng : numpy.random.Generator
    p : float in [0, 1)
        Dropout's drop probability.
    batchnorm : bool
        Without it each block is ``Linear -> ReLU -> Dropout``.
    hidden : sequence of int
    """
    d = as_count(n_features, "capstone_model", "n_features")
    c = as_count(n_classes, "capstone_model", "n_classes", minimum=2)
    layers: list[nn.Module] = []
    for h in hidden:
        h = as_count(h, "capstone_model", "hidden size")
        layers.append(nn.Linear(d, h, rng=rng))
        if batchnorm:
            layers.append(nn.BatchNorm1d(h))
        layers += [nn.ReLU(), nn.Dropout(p, rng=rng)]
        d = h
    return nn.Sequential(*layers, nn.Linear(d, c, rng=rng))


def count_parameters(model: nn.Module) -> int:
    """The number of learned numbers (every entry of every ``params`` array) of a model."""
    if not isinstance(model, nn.Module):
        raise TypeError(
            f"count_parameters: model must be a layer or Sequential, got {type(model).__name__}"
        )
    return int(sum(layer.params[name].size for layer, name in model.parameters()))


def confusion_matrix(y_true, y_pred, n_classes: int) -> np.ndarray:
    """Counts ``C[i, j]`` of samples of true class ``i`` predicted as class ``j``.

    Parameters
    ----------
    y_true, y_pred : array_like of int, shape (N,)
        Labels in ``0 .. n_classes - 1``.
    n_classes : int

    Returns
    -------
    numpy.ndarray of int64, shape (n_classes, n_classes)
        Rows are true classes, columns predicted classes; ``C.sum() == N`` and the diagonal
        holds the correct predictions.
    """
    c = as_count(n_classes, "confusion_matrix", "n_classes")
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.ndim != 1 or y_true.shape != y_pred.shape:
        raise ValueError(
            f"confusion_matrix: y_true and y_pred must be label vectors of the same "
            f"shape (N,), got {y_true.shape} and {y_pred.shape}"
        )
    for name, y in (("y_true", y_true), ("y_pred", y_pred)):
        if y.size and (not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() >= c):
            raise ValueError(
                f"confusion_matrix: {name} must hold integer labels in "
                f"[0, {c - 1}], got dtype {y.dtype}, values {y.min()} to {y.max()}"
            )
    counts = np.zeros((c, c), dtype=np.int64)
    np.add.at(counts, (y_true, y_pred), 1)  # add.at counts repeated (i, j) pairs; += would not
    return counts


def capstone_runs(
    X_train,
    Y_train,
    X_val,
    Y_val,
    *,
    ps=(0.0, 0.3, 0.6, 0.9),
    lrs=(1e-4, 1e-3, 1e-1),
    batchnorm=(True, False),
    epochs: int = 120,
    batch_size: int = 128,
    seed: int = 0,
) -> dict:
    """Train :func:`capstone_model` once per (dropout p, learning rate, batch norm) with Adam.

    Every run starts from the same seed and records, per epoch, the loss and accuracy on the
    training and validation data (measured in evaluation mode). A run whose loss stops being
    finite ends there; its arrays are padded with NaN to ``epochs`` entries.

    Returns
    -------
    dict
        ``runs[(p, lr, bn)] = {"train_loss", "val_loss", "train_acc", "val_acc"}``, each a
        float64 array of shape (epochs,).
    """
    X_train = as_float_matrix(X_train, "capstone_runs", "X_train")
    X_val = as_float_matrix(X_val, "capstone_runs", "X_val", columns=X_train.shape[1])
    Y_train, Y_val = np.asarray(Y_train), np.asarray(Y_val)
    epochs = as_count(epochs, "capstone_runs", "epochs")
    n_classes = Y_train.shape[1] if Y_train.ndim == 2 else int(Y_train.max()) + 1
    from threadpoolctl import threadpool_limits  # installed with scikit-learn

    runs = {}
    # Many small matrix products: one BLAS thread is faster, and much faster on a busy machine.
    with threadpool_limits(limits=1, user_api="blas"):
        runs.update(
            _runs(
                X_train,
                Y_train,
                X_val,
                Y_val,
                ps,
                lrs,
                batchnorm,
                epochs,
                batch_size,
                seed,
                n_classes,
            )
        )
    return runs


def _runs(
    X_train, Y_train, X_val, Y_val, ps, lrs, batchnorm, epochs, batch_size, seed, n_classes
) -> dict:
    runs = {}
    for bn in batchnorm:
        for p in ps:
            for lr in lrs:
                rng = np.random.default_rng(seed)
                model = capstone_model(
                    X_train.shape[1], n_classes, rng=rng, p=float(p), batchnorm=bool(bn)
                )
                with np.errstate(all="ignore"):
                    hist = nn.fit(
                        model,
                        X_train,
                        Y_train,
                        epochs=epochs,
                        batch_size=batch_size,
                        rng=rng,
                        optimizer=nn.Adam(model, lr=float(lr)),
                        validation=(X_val, Y_val),
                        metric=nn.accuracy,
                    )
                run = {}
                for key, name in (
                    ("train_loss", "train_loss"),
                    ("val_loss", "val_loss"),
                    ("train_metric", "train_acc"),
                    ("val_metric", "val_acc"),
                ):
                    values = np.full(epochs, np.nan)
                    values[: len(hist[key])] = hist[key]
                    run[name] = np.where(np.isfinite(values), values, np.nan)
                runs[float(p), float(lr), bool(bn)] = run
    return runs


def early_stopping_epochs(val_loss, patience: int) -> tuple[int, int | None]:
    """:func:`utils.nn.replay_early_stopping` on a run's curve that may end early.

    Parameters
    ----------
    val_loss : array_like of float, shape (epochs,)
        One validation loss per epoch (epoch 1 first); NaN or infinite entries mark a run
        that ended there (as :func:`capstone_runs` pads it), and the replay stops at the first.
    patience : int

    Returns
    -------
    (int, int or None)
        ``(best_epoch, stopped_at)``: the epoch (from 1) of the lowest validation loss seen
        before stopping, and the epoch at which ``patience`` epochs without a strict
        improvement had passed (None if the curve, or its finite part, ends first).
    """
    val_loss = np.asarray(val_loss, dtype=np.float64).ravel()
    ended = np.flatnonzero(~np.isfinite(val_loss))
    finite_part = val_loss[: ended[0]] if ended.size else val_loss
    return nn.replay_early_stopping(finite_part, patience)
