"""Training: :func:`fit` with its :class:`History`, :func:`accuracy`, early stopping, mini-batches."""

from __future__ import annotations

import numpy as np

from utils._validate import as_count, as_generator
from utils.nn._checks import _float_array, _nonnegative
from utils.nn.losses import softmax_cross_entropy
from utils.nn.module import Module
from utils.nn.optim import SGD


class History(dict):
    """Per-epoch records of :func:`fit`: ``history["train_loss"]``, ``["val_loss"]``, ..."""

    @property
    def epochs(self) -> int:
        return len(self.get("train_loss", []))


def accuracy(scores: np.ndarray, y: np.ndarray) -> float:
    """Fraction of rows whose highest score is the label (``y`` integer labels or one-hot).

    ``scores`` has shape (N, C) with C >= 2 (scores or probabilities: the argmax is the same).
    """
    scores = _float_array(scores, "accuracy", "scores", ndim=2)
    y = np.asarray(y)
    labels = y.argmax(axis=1) if y.ndim == 2 else y
    if labels.shape != (scores.shape[0],):
        raise ValueError(
            f"accuracy: y must have shape ({scores.shape[0]},) or "
            f"({scores.shape[0]}, C), got {y.shape}"
        )
    return float(np.mean(scores.argmax(axis=1) == labels))


class EarlyStopping:
    """Stop training when the validation loss has not improved for ``patience`` epochs.

    An epoch improves on the best so far when its validation loss is lower by more than
    ``min_delta``. With ``restore_best`` the model's parameters are put back, at the end of
    :func:`fit`, to those of the best epoch (``history["best_epoch"]``), and so are batch
    norm's running mean and variance: the restored network predicts in eval mode exactly as
    it did at the best epoch (like Keras' ``restore_best_weights`` and PyTorch's
    ``state_dict``, which hold those buffers too). The snapshot is the model's
    :meth:`~utils.nn.Module.state_dict`, restored with ``load_state_dict``; any other object
    with ``parameters()`` (``(layer, name)`` pairs) has its parameters copied instead.

    ``best_state`` holds the best epoch's snapshot (None before the first ``update`` with a
    model) and ``best_params`` its parameters, in the order of ``model.parameters()``.
    """

    def __init__(self, patience: int = 5, min_delta: float = 0.0, restore_best: bool = True):
        self.patience = as_count(patience, "EarlyStopping", "patience")
        self.min_delta = _nonnegative(min_delta, "EarlyStopping")
        self.restore_best = bool(restore_best)
        self.best_loss, self.best_epoch = np.inf, 0
        self.best_state: dict[str, np.ndarray] | None = None
        self._param_keys: list[str] = []

    @property
    def best_params(self) -> list[np.ndarray] | None:
        """The best epoch's parameter arrays, in the order of ``model.parameters()``."""
        if self.best_state is None:
            return None
        return [self.best_state[key] for key in self._param_keys]

    def update(self, epoch: int, val_loss: float, model: Module | None = None) -> bool:
        """Record an epoch's validation loss; return True when training should stop.

        This is the course's one early-stopping rule. Without ``model`` nothing is
        snapshotted: replaying a finished run's validation losses gives its best epoch and
        the epoch where training would have stopped.
        """
        if val_loss < self.best_loss - self.min_delta:
            self.best_loss, self.best_epoch = val_loss, epoch
            if model is None:
                return epoch - self.best_epoch >= self.patience
            if isinstance(model, Module):
                self.best_state = model.state_dict()
                self._param_keys = [name for name, _ in model.named_parameters()]
            else:
                self.best_state = {
                    str(k): layer.params[name].copy()
                    for k, (layer, name) in enumerate(model.parameters())
                }
                self._param_keys = list(self.best_state)
        return epoch - self.best_epoch >= self.patience

    def restore(self, model: Module) -> None:
        """Copy the best epoch's parameters and running statistics back (in place)."""
        if self.best_state is None:
            return
        if isinstance(model, Module):
            model.load_state_dict(self.best_state)
            return
        for (layer, name), best in zip(model.parameters(), self.best_params, strict=True):
            layer.params[name][...] = best


def replay_early_stopping(
    val_loss, patience: int, min_delta: float = 0.0
) -> tuple[int, int | None]:
    """``(best_epoch, stopped_at)`` that :class:`EarlyStopping` gives on these losses.

    ``val_loss`` holds one validation loss per epoch (epoch 1 first). ``stopped_at`` is the
    epoch at which training would stop, or None when the run ends first. The same rule as
    :func:`fit` with ``early_stopping``, applied to a finished run.
    """
    stopper = EarlyStopping(patience=patience, min_delta=min_delta, restore_best=False)
    for epoch, loss in enumerate(np.asarray(val_loss, dtype=np.float64).ravel(), start=1):
        if stopper.update(epoch, float(loss)):
            return stopper.best_epoch, epoch
    return stopper.best_epoch, None


def fit(
    model: Module,
    X: np.ndarray,
    y: np.ndarray,
    *,
    loss=softmax_cross_entropy,
    optimizer=None,
    epochs: int = 10,
    batch_size: int = 32,
    rng: np.random.Generator,
    validation: tuple[np.ndarray, np.ndarray] | None = None,
    callback=None,
    metric=None,
    early_stopping: EarlyStopping | None = None,
) -> History:
    """Train ``model`` with mini-batches shuffled every epoch; return the history.

    Each epoch: shuffle the rows with ``rng``; for each mini-batch, forward, loss and its
    gradient, backward, optimizer step. After the epoch, the loss on all the training data
    and (if given) on the validation data are recorded in evaluation mode.

    When ``N % batch_size == 1`` the one row left over would make a batch of one, which
    batch normalization cannot train on (the variance of one sample is 0). That row is
    merged into the batch before it, which then holds ``batch_size + 1`` rows: every row
    is still used once per epoch. Any other ``N`` is cut into batches exactly as
    :func:`minibatch_indices` cuts it.

    Parameters
    ----------
    model : Module
    X : numpy.ndarray, shape (N, D)
    y : numpy.ndarray
        Targets in the form ``loss`` expects (integer labels for the default loss).
    loss : callable
        ``loss(pred, target) -> (float, dpred)``, e.g. :func:`softmax_cross_entropy`,
        :func:`mse_loss`, :func:`binary_cross_entropy_with_logits`.
    optimizer : object with ``step()``, optional
        Default ``SGD(model, lr=0.1)``.
    epochs, batch_size : int
        A last batch of a single row is merged into the one before (see above).
    rng : numpy.random.Generator
        Shuffles the rows each epoch.
    validation : (X_val, y_val), optional
    callback : callable, optional
        ``callback(epoch, history, model)`` after each epoch (epochs count from 1); return
        ``True`` to stop training. ``callback=plots.LossPlot()`` redraws the loss curves
        after every epoch (in a notebook).
    metric : callable, optional
        ``metric(pred, target) -> float`` recorded as ``train_metric`` / ``val_metric``
        (e.g. :func:`accuracy`).
    early_stopping : EarlyStopping, optional
        Needs ``validation``; stops after ``patience`` epochs without improvement and
        (by default) restores the best epoch's parameters; ``history["best_epoch"]``.

    Returns
    -------
    History
        ``train_loss`` and, with validation data, ``val_loss`` (lists, one entry per epoch);
        ``train_metric`` / ``val_metric`` with a metric; ``stopped_at`` (an epoch or None).
    """
    X = _float_array(X, "fit", "X", ndim=2)
    if len(y) != X.shape[0]:
        raise ValueError(f"fit: X has {X.shape[0]} rows but y has {len(y)}")
    epochs = as_count(epochs, "fit", "epochs")
    batch_size = as_count(batch_size, "fit", "batch_size")
    rng = as_generator(rng, "fit")
    if early_stopping is not None and validation is None:
        raise ValueError(
            "fit: early_stopping needs validation=(X_val, y_val): stopping on the "
            "training (or test) loss would defeat its purpose"
        )
    optimizer = optimizer if optimizer is not None else SGD(model, lr=0.1)
    history = History(train_loss=[], stopped_at=None)
    if validation is not None:
        history["val_loss"] = []
    if metric is not None:
        history["train_metric"] = []
        if validation is not None:
            history["val_metric"] = []
    y_all = np.asarray(y)
    for epoch in range(1, epochs + 1):
        model.train()
        for idx in _epoch_batches(X.shape[0], batch_size, rng):
            xb, yb = X[idx], y_all[idx]
            pred = model.forward(xb)
            _, dpred = loss(pred, yb)
            model.backward(dpred)
            optimizer.step()
        model.eval()
        _record(history, "train", model, X, y, loss, metric)
        if validation is not None:
            _record(history, "val", model, *validation, loss, metric)
        model.train()
        if not np.isfinite(history["train_loss"][-1]):
            history["stopped_at"] = epoch  # diverged: more epochs would only print NaN
            break
        if callback is not None and callback(epoch, history, model):
            history["stopped_at"] = epoch
            break
        if early_stopping is not None and early_stopping.update(
            epoch, history["val_loss"][-1], model
        ):
            history["stopped_at"] = epoch
            break
    if early_stopping is not None:
        history["best_epoch"] = early_stopping.best_epoch
        if early_stopping.restore_best:
            early_stopping.restore(model)
    return history


def _epoch_batches(n: int, batch_size: int, rng: np.random.Generator) -> list[np.ndarray]:
    """One epoch's shuffled index batches, a last batch of one row merged into the previous."""
    batches = list(minibatch_indices(n, batch_size, rng=rng))
    if len(batches) > 1 and batches[-1].size == 1:
        last = batches.pop()
        batches[-1] = np.concatenate([batches[-1], last])
    return batches


def _record(history, split, model, X, y, loss, metric) -> None:
    with np.errstate(over="ignore", invalid="ignore"):
        pred = model.forward(X)
        history[f"{split}_loss"].append(loss(pred, y)[0])
        if metric is not None:
            history[f"{split}_metric"].append(metric(pred, y))


def minibatch_indices(
    n: int, batch_size: int, *, rng: np.random.Generator | None, shuffle: bool = True
):
    """Yield index arrays covering ``range(n)`` once, in batches of ``batch_size``.

    With ``shuffle`` the order is a fresh permutation drawn from ``rng`` (call once per
    epoch). The last batch holds the ``n % batch_size`` leftover indices when ``n`` is not a
    multiple of ``batch_size``: no sample is dropped or repeated.

    Yields
    ------
    numpy.ndarray of int64, shape (batch_size,) (the last one possibly shorter)
    """
    n = as_count(n, "minibatch_indices", "n")
    batch_size = as_count(batch_size, "minibatch_indices", "batch_size")
    if shuffle:
        order = as_generator(rng, "minibatch_indices").permutation(n)
    else:
        order = np.arange(n)
    for start in range(0, n, batch_size):
        yield order[start : start + batch_size]
