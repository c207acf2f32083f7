"""Checks of chapter 11 (Capstone: an end-to-end project).

Exercises, in notebook order: ``ex11_scale_splits``, ``ex11_encode_labels``,
``ex11_build_model``, ``ex11_select_epoch``, ``ex11_evaluate``, ``ex11_confusion_matrix``.

The references are written here (scaling, label encoding) or come from the library:
:func:`utils.nn.replay_early_stopping` (the one early-stopping rule) and
:mod:`utils.experiments.capstone` (the model, the confusion matrix). Every probe's inputs are plain
data; a model is built inside the probe's ``call`` from a seed in the inputs, so the grader
can rebuild it in the child process. Each mistake the chapter warns about is named:

- scaling statistics from all the data, or from training + validation (leakage), or from
  each split separately;
- integer labels instead of one-hot rows, or one-hot with the wrong number of columns;
- the test (or training) loss used to choose the epoch;
- evaluation without ``model.eval()`` (dropout still active, batch norm on batch statistics);
- a transposed confusion matrix (rows must be the true classes).
"""

from __future__ import annotations

import numpy as np

from utils import nn
from utils.checks import Exercise, Mistake, Probe, register
from utils.experiments.capstone import CAPSTONE_HIDDEN, capstone_model, confusion_matrix

__all__: list[str] = []


# ------------------------------------------------------------------ ex11_scale_splits


def _standardise(stats_from: np.ndarray, *splits, ddof: int = 0):
    mean = stats_from.mean(axis=0)
    std = stats_from.std(axis=0, ddof=ddof)
    std = np.where(std > 0, std, 1.0)
    return tuple((s - mean) / std for s in splits)


def _scale_inputs(n_train, n_val, n_test, d, constant_column=False):
    def make(rng):
        # Validation and test are shifted and stretched, so every wrong choice of statistics
        # gives visibly different numbers.
        X_train = rng.normal(5.0, 2.0, (n_train, d)) * rng.uniform(0.5, 50.0, d)
        X_val = rng.normal(7.0, 3.0, (n_val, d)) * rng.uniform(0.5, 50.0, d)
        X_test = rng.normal(9.0, 4.0, (n_test, d)) * rng.uniform(0.5, 50.0, d)
        if constant_column:
            X_train[:, 1] = 3.0
        return {"X_train": X_train, "X_val": X_val, "X_test": X_test}

    return make


def _call_scale(obj, i):
    out = obj(i["X_train"], i["X_val"], i["X_test"])
    return tuple(np.asarray(a) for a in out) if isinstance(out, list | tuple) else out


def _expected_scale(i):
    return _standardise(i["X_train"], i["X_train"], i["X_val"], i["X_test"])


def _splits(i):
    return i["X_train"], i["X_val"], i["X_test"]


def _min_max(i):
    lo, hi = i["X_train"].min(axis=0), i["X_train"].max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    return tuple((s - lo) / span for s in _splits(i))


def _not_finite(got, i):
    return isinstance(got, tuple) and any(
        np.issubdtype(np.asarray(g).dtype, np.number) and not np.all(np.isfinite(g)) for g in got
    )


SCALE_MISTAKES = (
    Mistake(
        "scaler fitted on all the data (leakage)",
        "You computed the mean and std over training, validation and test together. The "
        "test set then shapes the preprocessing, so its score is no longer an honest "
        "estimate (leakage). Compute mean and std on X_train only, then apply those same "
        "numbers to all three splits.",
        output=lambda i: _standardise(np.vstack(_splits(i)), *_splits(i)),
    ),
    Mistake(
        "scaler fitted on training + validation",
        "You computed the statistics over training and validation together. The validation "
        "set must stay unseen data for choosing the epoch and the settings: compute mean "
        "and std on X_train only.",
        output=lambda i: _standardise(np.vstack(_splits(i)[:2]), *_splits(i)),
    ),
    Mistake(
        "each split scaled with its own statistics",
        "Every split must be transformed with the training split's mean and std. Scaling "
        "validation and test by their own statistics hides real differences between the "
        "splits and is impossible for a single new sample.",
        output=lambda i: tuple(_standardise(s, s)[0] for s in _splits(i)),
    ),
    Mistake(
        "min-max scaling instead of standardisation",
        "This exercise asks for standardisation, (x - mean) / std, not min-max scaling "
        "(x - min) / (max - min). Both are fine in practice; the check compares with the "
        "standardised values.",
        output=_min_max,
    ),
    Mistake(
        "used the sample std (ddof=1)",
        "Use the population standard deviation, X_train.std(axis=0) (ddof=0), as "
        "StandardScaler and batch norm do; ddof=1 divides by N - 1.",
        output=lambda i: _standardise(i["X_train"], *_splits(i), ddof=1),
    ),
    Mistake(
        "statistics over the wrong axis",
        "Each feature (column) gets its own mean and std: reduce over the rows with "
        "axis=0, giving arrays of shape (D,).",
        output=lambda i: tuple(
            (s - s.mean(axis=1, keepdims=True)) / s.std(axis=1, keepdims=True) for s in _splits(i)
        ),
    ),
    Mistake(
        "divided by a zero standard deviation",
        "A feature that is constant in the training split has std 0: dividing by it "
        "gives inf or NaN. Divide by 1 where the std is 0 (np.where(std > 0, std, 1.0)).",
        matches=_not_finite,
    ),
)

register(
    Exercise(
        id="ex11_scale_splits",
        title="Scale three splits with the training statistics",
        obj_name="scale_splits",
        points=2,
        outputs=("the scaled X_train", "the scaled X_val", "the scaled X_test"),
        probes=(
            Probe(
                "train (60, 4), val (20, 4), test (20, 4)",
                _scale_inputs(60, 20, 20, 4),
                _call_scale,
                _expected_scale,
                SCALE_MISTAKES,
            ),
            Probe(
                "train (1007, 11), val (112, 11), test (480, 11): the red-wine split sizes",
                _scale_inputs(1007, 112, 480, 11),
                _call_scale,
                _expected_scale,
                SCALE_MISTAKES,
            ),
            Probe(
                "a feature constant in the training split",
                _scale_inputs(30, 10, 10, 3, True),
                _call_scale,
                _expected_scale,
                SCALE_MISTAKES,
            ),
            Probe(
                "one validation and one test sample",
                _scale_inputs(20, 1, 1, 5),
                _call_scale,
                _expected_scale,
                SCALE_MISTAKES[:2] + SCALE_MISTAKES[3:],
            ),
        ),
    )
)


# ------------------------------------------------------------------ ex11_encode_labels


def _encode(y, classes):
    y, classes = np.asarray(y), np.asarray(classes)
    return (y[:, None] == classes[None, :]).astype(np.float64)


def _label_inputs(n, classes, drop=None):
    def make(rng):
        values = np.array([c for c in classes if c != drop])
        y = rng.choice(values, size=n)
        y[: len(values)] = values  # every allowed value appears at least once
        return {"y": rng.permutation(y).astype(np.int64), "classes": np.array(classes)}

    return make


def _call_encode(obj, i):
    return obj(i["y"], i["classes"])


def _one_hot_by_value(i):
    y = i["y"]
    out = np.zeros((y.size, int(y.max()) + 1))
    out[np.arange(y.size), y] = 1.0
    return out


LABEL_MISTAKES = (
    Mistake(
        "labels not one-hot",
        "Return one row per sample and one column per class, with a single 1 in the "
        "column of the sample's class: shape (N, len(classes)), not the labels (N,).",
        matches=lambda got, i: np.ndim(got) == 1,
    ),
    Mistake(
        "transposed: one row per class",
        "Return shape (N, C): one row per sample (batches are rows), one column per class.",
        matches=lambda got, i: (
            np.shape(got) == (len(i["classes"]), len(i["y"])) and len(i["classes"]) != len(i["y"])
        ),
    ),
    Mistake(
        "one-hot with max(y) + 1 columns",
        "You used the label values as column numbers, so labels 3..8 give 9 columns. "
        "Column k belongs to classes[k]: compare y with each entry of classes.",
        output=_one_hot_by_value,
    ),
    Mistake(
        "one-hot with only the classes present in y",
        "The number of columns must be len(classes), even when some class is absent from "
        "this y (a small split may lack a rare class, and the model still has an output "
        "for it). Use the classes argument, not np.unique(y).",
        output=lambda i: _encode(i["y"], np.unique(i["y"])),
    ),
)

register(
    Exercise(
        id="ex11_encode_labels",
        title="One-hot rows for the classes",
        obj_name="encode_labels",
        points=1,
        probes=(
            Probe(
                "wine: labels 0, 1, 2",
                _label_inputs(30, (0, 1, 2)),
                _call_encode,
                lambda i: _encode(i["y"], i["classes"]),
                LABEL_MISTAKES,
            ),
            Probe(
                "red wine: quality 3..8",
                _label_inputs(40, (3, 4, 5, 6, 7, 8)),
                _call_encode,
                lambda i: _encode(i["y"], i["classes"]),
                LABEL_MISTAKES,
            ),
            Probe(
                "quality 3..8 without any 8 in y",
                _label_inputs(25, (3, 4, 5, 6, 7, 8), drop=8),
                _call_encode,
                lambda i: _encode(i["y"], i["classes"]),
                LABEL_MISTAKES,
            ),
            Probe(
                "classes 2, 5, 7 (not consecutive)",
                _label_inputs(12, (2, 5, 7)),
                _call_encode,
                lambda i: _encode(i["y"], i["classes"]),
                LABEL_MISTAKES,
            ),
        ),
    )
)


# ------------------------------------------------------------------ ex11_build_model

_KINDS = {"Linear": 1, "BatchNorm1d": 2, "ReLU": 3, "Dropout": 4}


def _architecture(model) -> np.ndarray:
    """One row per layer: (kind, a, b): Linear (1, in, out), BatchNorm1d (2, D, D), ReLU
    (3, 0, 0), Dropout (4, 1000 p, 0), anything else (9, 0, 0)."""
    rows = []
    for layer in getattr(model, "layers", ()):
        kind = _KINDS.get(type(layer).__name__, 9)
        if kind == 1:
            rows.append((1, layer.in_features, layer.out_features))
        elif kind == 2:
            d = layer.params["gamma"].shape[0]
            rows.append((2, d, d))
        elif kind == 4:
            rows.append((4, round(1000 * layer.p), 0))
        else:
            rows.append((kind, 0, 0))
    return np.array(rows, dtype=np.int64).reshape(-1, 3)


def _model_inputs(d, c, n=16):
    def make(rng):
        return {
            "n_features": d,
            "n_classes": c,
            "seed": int(rng.integers(0, 2**31)),
            "X": rng.standard_normal((n, d)),
        }

    return make


def _build(obj, i):
    return obj(i["n_features"], i["n_classes"], rng=np.random.default_rng(i["seed"]))


def _reference(i):
    return capstone_model(i["n_features"], i["n_classes"], rng=np.random.default_rng(i["seed"]))


def _call_arch(obj, i):
    return _architecture(_build(obj, i))


def _call_params(obj, i):
    model = _build(obj, i)
    return int(sum(layer.params[name].size for layer, name in model.parameters()))


def _call_eval_scores(obj, i):
    return _build(obj, i).eval().forward(i["X"])


def _kinds(got) -> list:
    return [int(r[0]) for r in np.asarray(got).reshape(-1, 3)]


def _blocks(got) -> list[tuple]:
    """The kinds between consecutive Linear layers, e.g. [(2, 3, 4), (2, 3, 4), ...]."""
    kinds, out, cur = _kinds(got), [], None
    for k in kinds:
        if k == 1:
            if cur is not None:
                out.append(tuple(cur))
            cur = []
        elif cur is not None:
            cur.append(k)
    if cur is not None:
        out.append(tuple(cur))
    return out


def _arch(got) -> bool:
    return isinstance(got, np.ndarray) and got.ndim == 2 and got.shape[1] == 3


def _linear_sizes(got) -> list[tuple]:
    return [(int(r[1]), int(r[2])) for r in np.asarray(got) if r[0] == 1]


ARCH_MISTAKES = (
    Mistake(
        "no BatchNorm1d",
        "Each hidden block is Linear -> BatchNorm1d -> ReLU -> Dropout: add "
        "nn.BatchNorm1d(size) after each hidden Linear layer.",
        matches=lambda got, i: _arch(got) and 2 not in _kinds(got),
    ),
    Mistake(
        "no Dropout",
        "Each hidden block ends with nn.Dropout(0.3, rng=rng).",
        matches=lambda got, i: _arch(got) and 4 not in _kinds(got),
    ),
    Mistake(
        "Dropout(0.7): the keep probability",
        "nn.Dropout(p) takes the probability of DROPPING a unit (PyTorch's and Keras's "
        "convention), so the planned model uses nn.Dropout(0.3), which keeps 70%.",
        matches=lambda got, i: _arch(got) and any(r[0] == 4 and r[1] == 700 for r in got),
    ),
    Mistake(
        "BatchNorm1d after the ReLU",
        "Put batch norm between the Linear layer and its activation: Linear -> "
        "BatchNorm1d -> ReLU -> Dropout (the order of the batch-norm paper; the other "
        "order also trains, but the check expects this one).",
        matches=lambda got, i: _arch(got) and any(b[:2] == (3, 2) for b in _blocks(got)),
    ),
    Mistake(
        "layers after the output layer",
        "The last layer is Linear(16, n_classes) and returns raw scores: no ReLU, batch "
        "norm or dropout after it (the softmax lives inside the loss).",
        matches=lambda got, i: _arch(got) and len(_kinds(got)) > 0 and _kinds(got)[-1] != 1,
    ),
    Mistake(
        "input or output size hard-coded",
        "Use the arguments: the first Linear layer takes n_features inputs and the last "
        "one has n_classes outputs (red wine has 11 features and 6 classes, not 13 and 3).",
        matches=lambda got, i: (
            _arch(got)
            and len(_linear_sizes(got)) > 0
            and (
                _linear_sizes(got)[0][0] != i["n_features"]
                or _linear_sizes(got)[-1][1] != i["n_classes"]
            )
        ),
    ),
    Mistake(
        "hidden sizes other than 144, 144, 16",
        "The planned network has three hidden layers of 144, 144 and 16 units: "
        "Linear(n_features, 144), Linear(144, 144), Linear(144, 16), then "
        "Linear(16, n_classes).",
        matches=lambda got, i: (
            _arch(got) and [o for _, o in _linear_sizes(got)][:-1] != list(CAPSTONE_HIDDEN)
        ),
    ),
)


def _n_params(d, c, batchnorm=True):
    sizes = [d, *CAPSTONE_HIDDEN, c]
    total = sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
    return total + (2 * sum(CAPSTONE_HIDDEN) if batchnorm else 0)


PARAM_MISTAKES = (
    Mistake(
        "no BatchNorm1d",
        f"The count lacks batch norm's gamma and beta ({2 * sum(CAPSTONE_HIDDEN)} numbers): "
        "add nn.BatchNorm1d after each hidden Linear layer.",
        output=lambda i: _n_params(i["n_features"], i["n_classes"], batchnorm=False),
    ),
)

register(
    Exercise(
        id="ex11_build_model",
        title="The 144-144-16 network with batch norm and dropout",
        obj_name="build_model",
        points=2,
        probes=(
            Probe(
                "architecture for wine (13 features, 3 classes)",
                _model_inputs(13, 3),
                _call_arch,
                lambda i: _architecture(_reference(i)),
                ARCH_MISTAKES,
            ),
            Probe(
                "architecture for red wine (11 features, 6 classes)",
                _model_inputs(11, 6),
                _call_arch,
                lambda i: _architecture(_reference(i)),
                ARCH_MISTAKES,
            ),
            Probe(
                "parameter count for red wine (11 features, 6 classes)",
                _model_inputs(11, 6),
                _call_params,
                lambda i: _n_params(i["n_features"], i["n_classes"]),
                PARAM_MISTAKES,
            ),
            Probe(
                "scores in eval mode: same weights as nn.Linear's default init, in layer order",
                _model_inputs(13, 3),
                _call_eval_scores,
                lambda i: _reference(i).eval().forward(i["X"]),
                (),
            ),
        ),
    )
)


# ------------------------------------------------------------------ ex11_select_epoch


def _replay(val_loss, patience):
    """``nn.replay_early_stopping``, with the last epoch as the stop when it never stops."""
    best, stopped = nn.replay_early_stopping(val_loss, patience)
    return best, len(val_loss) if stopped is None else stopped


def _curve(rng, epochs, low_at, noise):
    t = np.arange(1, epochs + 1)
    base = 0.3 + 0.8 * np.exp(-t / (0.4 * low_at)) + 0.25 * ((t - low_at) / epochs) ** 2
    return base + noise * rng.standard_normal(epochs)


def _history_inputs(epochs, patience, ties=False):
    def make(rng):
        val_low = int(rng.integers(epochs // 4, epochs // 2))
        val = _curve(rng, epochs, val_low, 0.004)
        test = _curve(rng, epochs, val_low // 2, 0.004) + 0.05
        train = 1.2 * np.exp(-np.arange(1, epochs + 1) / (0.3 * epochs)) + 0.01
        acc = np.clip(1.05 - val + 0.02 * rng.standard_normal(epochs), 0, 1)
        if ties:  # an exact repeat of the best value, later: only a strict improvement counts
            k = int(np.argmin(val))
            val[k + 2] = val[k]
        return {
            "train_loss": train,
            "val_loss": val,
            "test_loss": test,
            "val_metric": acc,
            "patience": patience,
        }

    return make


def _call_select(obj, i):
    history = {
        k: [float(v) for v in i[k]] for k in ("train_loss", "val_loss", "test_loss", "val_metric")
    }
    out = obj(history, i["patience"])
    return tuple(out) if isinstance(out, list | tuple) else out  # the epochs must be ints


def _expected_select(i):
    return _replay(i["val_loss"], i["patience"])


def _nonstrict(val_loss, patience):
    best_loss, best = np.inf, 0
    for epoch, loss in enumerate(val_loss, start=1):
        if loss <= best_loss:
            best_loss, best = loss, epoch
        if epoch - best >= patience:
            return best, epoch
    return best, len(val_loss)


SELECT_MISTAKES = (
    Mistake(
        "used the test loss",
        "The test set may not choose anything, not even the epoch: once it has picked the "
        "best of many epochs, its score is optimistic, and nothing unseen is left to "
        "report. Use history['val_loss'] only.",
        output=lambda i: _replay(i["test_loss"], i["patience"]),
    ),
    Mistake(
        "used the training loss",
        "The training loss keeps falling while the model overfits; early stopping watches "
        "the validation loss, history['val_loss'].",
        output=lambda i: _replay(i["train_loss"], i["patience"]),
    ),
    Mistake(
        "chose by validation accuracy",
        "This exercise follows nn.EarlyStopping and Keras's default: it watches the "
        "validation LOSS (lower is better), which changes smoothly; accuracy moves in "
        "steps of 1/N and often ties.",
        output=lambda i: _replay(-np.asarray(i["val_metric"]), i["patience"]),
    ),
    Mistake(
        "epochs counted from 0",
        "Epochs count from 1, as in nn.fit's history: the first entry of the list is "
        "epoch 1 (add 1 to a Python index).",
        output=lambda i: tuple(v - 1 for v in _replay(i["val_loss"], i["patience"])),
    ),
    Mistake(
        "stopped one epoch late",
        "Stop as soon as `patience` epochs have passed without improvement: the test is "
        "epoch - best_epoch >= patience, not >.",
        output=lambda i: _replay(i["val_loss"], i["patience"] + 1),
    ),
    Mistake(
        "kept the last epoch instead of the best",
        "Early stopping restores the weights of the BEST epoch: return the epoch with the "
        "lowest validation loss seen so far, not the epoch where training stopped.",
        matches=lambda got, i: (
            isinstance(got, tuple)
            and len(got) == 2
            and got[0] == got[1] == _replay(i["val_loss"], i["patience"])[1]
        ),
    ),
    Mistake(
        "a tie counted as an improvement",
        "Only a strictly lower validation loss is an improvement (loss < best_loss); an "
        "equal value later is not.",
        output=lambda i: _nonstrict(i["val_loss"], i["patience"]),
    ),
    Mistake(
        "never stopped early",
        "Stop at the first epoch where `patience` epochs have passed since the best one; "
        "return that epoch as the second number.",
        output=lambda i: (_replay(i["val_loss"], i["patience"])[0], len(i["val_loss"])),
    ),
)

register(
    Exercise(
        id="ex11_select_epoch",
        title="Early stopping on the validation loss",
        obj_name="select_epoch",
        points=2,
        outputs=("best_epoch", "stop_epoch"),
        require_int=True,
        probes=(
            Probe(
                "60 epochs, patience 10",
                _history_inputs(60, 10),
                _call_select,
                _expected_select,
                SELECT_MISTAKES,
            ),
            Probe(
                "200 epochs, patience 20",
                _history_inputs(200, 20),
                _call_select,
                _expected_select,
                SELECT_MISTAKES,
            ),
            Probe(
                "40 epochs, patience 3",
                _history_inputs(40, 3),
                _call_select,
                _expected_select,
                SELECT_MISTAKES,
            ),
            Probe(
                "30 epochs, patience 50: never stops",
                _history_inputs(30, 50),
                _call_select,
                _expected_select,
                SELECT_MISTAKES,
            ),
            # The tie is what this case is about: its hint first, should another slip give the
            # same numbers on this draw.
            Probe(
                "the best value repeated two epochs later",
                _history_inputs(50, 8, ties=True),
                _call_select,
                _expected_select,
                sorted(SELECT_MISTAKES, key=lambda m: m.name != "a tie counted as an improvement"),
            ),
        ),
    )
)


# ------------------------------------------------------------------ ex11_evaluate


def _eval_inputs(n_train, n_eval, d, c, p, mode):
    def make(rng):
        centres = 2.0 * rng.standard_normal((c, d))
        y = rng.integers(0, c, n_train + n_eval)
        y[:c] = np.arange(c)
        X = centres[y] + 1.2 * rng.standard_normal((n_train + n_eval, d))
        return {
            "X_train": X[:n_train],
            "y_train": y[:n_train],
            "X": X[n_train:],
            "y": y[n_train:],
            "p": p,
            "mode": mode,
            "n_classes": c,
            "seed": int(rng.integers(0, 2**31)),
        }

    return make


def _trained_model(i):
    """The planned network, trained 15 full-batch Adam epochs, in the mode the probe asks."""
    from threadpoolctl import threadpool_limits  # installed with scikit-learn

    rng = np.random.default_rng(i["seed"])
    model = capstone_model(i["X"].shape[1], i["n_classes"], rng=rng, p=i["p"])
    with threadpool_limits(limits=1, user_api="blas"):  # small products: one thread is faster
        nn.fit(
            model,
            i["X_train"],
            i["y_train"],
            epochs=15,
            batch_size=128,
            rng=rng,
            optimizer=nn.Adam(model, lr=0.01),
        )
    return model.train(i["mode"] == "train")


def _call_evaluate(obj, i):
    model = _trained_model(i)
    first = obj(model, i["X"], i["y"])
    second = obj(model, i["X"], i["y"])
    return first, second, bool(model.training)


def _expected_evaluate(i):
    model = _trained_model(i).eval()
    acc = float(np.mean(model.forward(i["X"]).argmax(axis=1) == i["y"]))
    return acc, acc, i["mode"] == "train"


def _train_mode_accuracy(i):
    model = _trained_model(i).train()
    accs = [float(np.mean(model.forward(i["X"]).argmax(axis=1) == i["y"])) for _ in range(2)]
    return accs[0], accs[1]


def _accs_right(got, i) -> bool:
    exp = _expected_evaluate(i)
    return isinstance(got, tuple) and len(got) == 3 and np.allclose(got[:2], exp[:2])


EVAL_MISTAKES = (
    Mistake(
        "forgot model.eval()",
        "Your accuracy is the one of the model in TRAINING mode: dropout still zeroes "
        "random units (two calls disagree) and batch norm normalises with the statistics "
        "of this batch instead of its running averages (a batch of one sample even fails). "
        "Call model.eval() before the forward pass.",
        raises=ValueError,
        matches=lambda got, i: (
            isinstance(got, tuple)
            and len(got) == 3
            and np.allclose(got[:2], _train_mode_accuracy(i))
            and not np.allclose(got[:2], _expected_evaluate(i)[:2])
        ),
    ),
    Mistake(
        "did not restore the training mode",
        "The model was in training mode and your function left it in eval mode, so "
        "training that continues after evaluate would run without dropout. Remember "
        "was_training = model.training first and call model.train(was_training) at the end.",
        matches=lambda got, i: _accs_right(got, i) and i["mode"] == "train" and got[2] is False,
    ),
    Mistake(
        "always switched back to train()",
        "The model was in eval mode before the call and must stay so: restore the mode it "
        "had (model.train(was_training)), not always model.train().",
        matches=lambda got, i: _accs_right(got, i) and i["mode"] == "eval" and got[2] is True,
    ),
    Mistake(
        "accuracy in percent",
        "Return a fraction between 0 and 1 (the mean of the correct predictions), not a "
        "percentage.",
        matches=lambda got, i: (
            isinstance(got, tuple)
            and len(got) == 3
            and np.isclose(got[0], 100 * _expected_evaluate(i)[0])
            and _expected_evaluate(i)[0] > 0
        ),
    ),
    Mistake(
        "returned the number of correct predictions",
        "Return the fraction of correct predictions: divide the count by the number of "
        "samples (np.mean(pred == y)).",
        matches=lambda got, i: (
            isinstance(got, tuple)
            and len(got) == 3
            and np.isclose(got[0], len(i["y"]) * _expected_evaluate(i)[0])
            and len(i["y"]) > 1
            and _expected_evaluate(i)[0] > 0
        ),
    ),
)

register(
    Exercise(
        id="ex11_evaluate",
        title="Accuracy in evaluation mode",
        obj_name="evaluate",
        points=2,
        outputs=("the accuracy", "the accuracy at a second call", "model.training after the calls"),
        probes=(
            Probe(
                "model in training mode, dropout 0.3, 40 samples",
                _eval_inputs(80, 40, 5, 3, 0.3, "train"),
                _call_evaluate,
                _expected_evaluate,
                EVAL_MISTAKES,
            ),
            Probe(
                "no dropout (p = 0): only batch norm differs between the modes",
                _eval_inputs(60, 12, 4, 3, 0.0, "train"),
                _call_evaluate,
                _expected_evaluate,
                EVAL_MISTAKES,
            ),
            Probe(
                "model already in eval mode",
                _eval_inputs(60, 30, 6, 4, 0.3, "eval"),
                _call_evaluate,
                _expected_evaluate,
                EVAL_MISTAKES,
            ),
            Probe(
                "a single sample",
                _eval_inputs(60, 1, 5, 3, 0.3, "train"),
                _call_evaluate,
                _expected_evaluate,
                EVAL_MISTAKES,
            ),
        ),
    )
)


# ------------------------------------------------------------------ ex11_confusion_matrix


def _cm_inputs(n, c, absent=None, accuracy=0.6):
    def make(rng):
        labels = np.array([k for k in range(c) if k != absent])
        y_true = rng.choice(labels, size=n)
        wrong = rng.random(n) > accuracy
        # Mistakes go mostly to the next class: the matrix is far from symmetric.
        y_pred = np.where(wrong, (y_true + 1) % c, y_true)
        if absent is not None:
            y_pred = np.where(y_pred == absent, (absent + 1) % c, y_pred)
        return {
            "y_true": y_true.astype(np.int64),
            "y_pred": y_pred.astype(np.int64),
            "n_classes": c,
        }

    return make


def _call_cm(obj, i):
    return obj(i["y_true"], i["y_pred"], i["n_classes"])


def _expected_cm(i):
    return confusion_matrix(i["y_true"], i["y_pred"], i["n_classes"])


def _fancy_increment(i):
    out = np.zeros((i["n_classes"], i["n_classes"]))
    out[i["y_true"], i["y_pred"]] += 1
    return out


def _cm_of_present(i):
    k = int(max(i["y_true"].max(), i["y_pred"].max())) + 1
    return confusion_matrix(i["y_true"], i["y_pred"], k)


CM_MISTAKES = (
    Mistake(
        "transposed: rows are the predictions",
        "Rows must be the TRUE classes and columns the predicted ones: C[true, pred] += 1. "
        "Your matrix is the transpose (C[pred, true]).",
        output=lambda i: _expected_cm(i).T,
    ),
    Mistake(
        "C[y_true, y_pred] += 1 counts repeats once",
        "With NumPy's fancy indexing, C[y_true, y_pred] += 1 adds 1 only once per distinct "
        "(true, pred) pair, however often it occurs. Loop over the samples, or use "
        "np.add.at(C, (y_true, y_pred), 1).",
        output=_fancy_increment,
    ),
    Mistake(
        "normalised the rows",
        "Return the counts (integers that sum to N); normalising is a separate step for "
        "the figure.",
        output=lambda i: (
            _expected_cm(i) / np.maximum(_expected_cm(i).sum(axis=1, keepdims=True), 1)
        ),
    ),
    Mistake(
        "size from the labels instead of n_classes",
        "The matrix is (n_classes, n_classes) even when a class never occurs in these "
        "labels: use the n_classes argument for its shape.",
        output=_cm_of_present,
    ),
)

register(
    Exercise(
        id="ex11_confusion_matrix",
        title="The confusion matrix",
        obj_name="confusion_matrix",
        points=1,
        probes=(
            Probe("3 classes, 50 samples", _cm_inputs(50, 3), _call_cm, _expected_cm, CM_MISTAKES),
            Probe(
                "6 classes, 200 samples", _cm_inputs(200, 6), _call_cm, _expected_cm, CM_MISTAKES
            ),
            Probe(
                "4 classes, the last one never occurs",
                _cm_inputs(40, 4, absent=3),
                _call_cm,
                _expected_cm,
                CM_MISTAKES,
            ),
            Probe(
                "one sample",
                _cm_inputs(1, 3, accuracy=0.0),
                _call_cm,
                _expected_cm,
                CM_MISTAKES[2:],
            ),
        ),
    )
)
