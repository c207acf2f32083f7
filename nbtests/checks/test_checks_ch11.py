"""Chapter 11's checks name each known mistake (solution and stub: test_exercises.py)."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import fails_with_hint as _fails
from helpers import passes

from utils import data, nn
from utils.experiments.capstone import capstone_model, confusion_matrix

# ------------------------------------------------------------------ ex11_scale_splits


def _scaled(mean, std, splits):
    std = np.where(std > 0, std, 1.0)
    return tuple((s - mean) / std for s in splits)


def scale_all(X_train, X_val, X_test):
    everything = np.vstack([X_train, X_val, X_test])
    return _scaled(everything.mean(axis=0), everything.std(axis=0), (X_train, X_val, X_test))


def scale_train_val(X_train, X_val, X_test):
    both = np.vstack([X_train, X_val])
    return _scaled(both.mean(axis=0), both.std(axis=0), (X_train, X_val, X_test))


def scale_each(X_train, X_val, X_test):
    return tuple(_scaled(s.mean(axis=0), s.std(axis=0), (s,))[0] for s in (X_train, X_val, X_test))


def scale_min_max(X_train, X_val, X_test):
    scaler = data.MinMaxScaler().fit(X_train)
    return tuple(scaler.transform(s) for s in (X_train, X_val, X_test))


def scale_ddof1(X_train, X_val, X_test):
    return _scaled(X_train.mean(axis=0), X_train.std(axis=0, ddof=1), (X_train, X_val, X_test))


def scale_rows(X_train, X_val, X_test):
    return tuple(
        (s - s.mean(axis=1, keepdims=True)) / s.std(axis=1, keepdims=True)
        for s in (X_train, X_val, X_test)
    )


def scale_zero_std(X_train, X_val, X_test):
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return tuple((s - mean) / std for s in (X_train, X_val, X_test))


def scale_library(X_train, X_val, X_test):
    scaler = data.StandardScaler().fit(X_train)
    return [scaler.transform(s) for s in (X_train, X_val, X_test)]  # a list is fine too


WRONG_SCALE_SPLITS = [
    (scale_all, "scaler fitted on all the data (leakage)"),
    (scale_train_val, "scaler fitted on training + validation"),
    (scale_each, "each split scaled with its own statistics"),
    (scale_min_max, "min-max scaling instead of standardisation"),
    (scale_ddof1, "used the sample std (ddof=1)"),
    (scale_rows, "statistics over the wrong axis"),
    (scale_zero_std, "divided by a zero standard deviation"),
]


@pytest.mark.parametrize(("wrong", "name"), WRONG_SCALE_SPLITS)
def test_scale_splits_mistakes(wrong, name):
    _fails("ex11_scale_splits", wrong, name)


def test_scale_splits_library_scaler_passes(capsys):
    passes("ex11_scale_splits", scale_library, capsys)


# ------------------------------------------------------------------ ex11_encode_labels


def encode_not_one_hot(y, classes):
    return np.searchsorted(classes, y)


def encode_transposed(y, classes):
    return (np.asarray(y)[:, None] == np.asarray(classes)[None, :]).astype(float).T


def encode_by_value(y, classes):
    return data.one_hot(y)


def encode_present(y, classes):
    return data.one_hot(np.searchsorted(np.unique(y), y))


def encode_with_searchsorted(y, classes):
    return data.one_hot(np.searchsorted(classes, y), len(classes))


def encode_with_eye(y, classes):
    index = {int(c): k for k, c in enumerate(classes)}
    return np.eye(len(classes))[[index[int(v)] for v in y]]


WRONG_ENCODE_LABELS = [
    (encode_not_one_hot, "labels not one-hot"),
    (encode_transposed, "transposed: one row per class"),
    (encode_by_value, "one-hot with max(y) + 1 columns"),
    (encode_present, "one-hot with only the classes present in y"),
]


@pytest.mark.parametrize(("wrong", "name"), WRONG_ENCODE_LABELS)
def test_encode_labels_mistakes(wrong, name):
    _fails("ex11_encode_labels", wrong, name)


@pytest.mark.parametrize("right", [encode_with_searchsorted, encode_with_eye])
def test_encode_labels_alternatives_pass(right, capsys):
    passes("ex11_encode_labels", right, capsys)


# ------------------------------------------------------------------ ex11_build_model


def _blocks(n_features, n_classes, rng, block, sizes=(144, 144, 16)):
    layers, width = [], n_features
    for units in sizes:
        layers += block(width, units, rng)
        width = units
    return layers + [nn.Linear(width, n_classes, rng=rng)]


def model_no_bn(n_features, n_classes, *, rng):
    return nn.Sequential(
        *_blocks(
            n_features,
            n_classes,
            rng,
            lambda a, b, r: [nn.Linear(a, b, rng=r), nn.ReLU(), nn.Dropout(0.3, rng=r)],
        )
    )


def model_no_dropout(n_features, n_classes, *, rng):
    return nn.Sequential(
        *_blocks(
            n_features,
            n_classes,
            rng,
            lambda a, b, r: [nn.Linear(a, b, rng=r), nn.BatchNorm1d(b), nn.ReLU()],
        )
    )


def model_keep_prob(n_features, n_classes, *, rng):
    return nn.Sequential(
        *_blocks(
            n_features,
            n_classes,
            rng,
            lambda a, b, r: [
                nn.Linear(a, b, rng=r),
                nn.BatchNorm1d(b),
                nn.ReLU(),
                nn.Dropout(0.7, rng=r),
            ],
        )
    )


def model_bn_after_relu(n_features, n_classes, *, rng):
    return nn.Sequential(
        *_blocks(
            n_features,
            n_classes,
            rng,
            lambda a, b, r: [
                nn.Linear(a, b, rng=r),
                nn.ReLU(),
                nn.BatchNorm1d(b),
                nn.Dropout(0.3, rng=r),
            ],
        )
    )


def model_relu_on_scores(n_features, n_classes, *, rng):
    return nn.Sequential(*capstone_model(n_features, n_classes, rng=rng).layers, nn.ReLU())


def model_hard_coded(n_features, n_classes, *, rng):
    return capstone_model(13, 3, rng=rng)


def model_wrong_sizes(n_features, n_classes, *, rng):
    return capstone_model(n_features, n_classes, rng=rng, hidden=(128, 128, 16))


def model_two_hidden(n_features, n_classes, *, rng):
    return capstone_model(n_features, n_classes, rng=rng, hidden=(144, 144))


WRONG_BUILD_MODEL = [
    (model_no_bn, "no BatchNorm1d"),
    (model_no_dropout, "no Dropout"),
    (model_keep_prob, "Dropout(0.7): the keep probability"),
    (model_bn_after_relu, "BatchNorm1d after the ReLU"),
    (model_relu_on_scores, "layers after the output layer"),
    (model_hard_coded, "input or output size hard-coded"),
    (model_wrong_sizes, "hidden sizes other than 144, 144, 16"),
    (model_two_hidden, "hidden sizes other than 144, 144, 16"),
]


@pytest.mark.parametrize(("wrong", "name"), WRONG_BUILD_MODEL)
def test_build_model_mistakes(wrong, name):
    _fails("ex11_build_model", wrong, name)


def model_explicit_he(n_features, n_classes, *, rng):
    return nn.Sequential(
        *_blocks(
            n_features,
            n_classes,
            rng,
            lambda a, b, r: [
                nn.Linear(a, b, rng=r, init="he"),
                nn.BatchNorm1d(b),
                nn.ReLU(),
                nn.Dropout(0.3, rng=r),
            ],
        )
    )


@pytest.mark.parametrize("right", [model_explicit_he, capstone_model])
def test_build_model_alternatives_pass(right, capsys):
    passes("ex11_build_model", right, capsys)


def model_xavier(n_features, n_classes, *, rng):
    return nn.Sequential(
        *_blocks(
            n_features,
            n_classes,
            rng,
            lambda a, b, r: [
                nn.Linear(a, b, rng=r, init="xavier"),
                nn.BatchNorm1d(b),
                nn.ReLU(),
                nn.Dropout(0.3, rng=r),
            ],
        )
    )


def test_build_model_other_init_fails_only_on_the_weights():
    from utils.checks import CheckFailed, check

    with pytest.raises(CheckFailed, match=r"3/4 checks passed[\s\S]*scores in eval mode"):
        check("ex11_build_model", model_xavier)


# ------------------------------------------------------------------ ex11_select_epoch


def _replay(losses, patience, strict=True, start=1, late=0):
    best_loss, best = float("inf"), 0
    for epoch, loss in enumerate(losses, start=1):
        if loss < best_loss or (not strict and loss == best_loss):
            best_loss, best = loss, epoch
        if epoch - best >= patience + late:
            return best - 1 + start, epoch - 1 + start
    return best - 1 + start, len(losses) - 1 + start


def select_test(history, patience):
    return _replay(history["test_loss"], patience)


def select_train(history, patience):
    return _replay(history["train_loss"], patience)


def select_accuracy(history, patience):
    return _replay([-a for a in history["val_metric"]], patience)


def select_zero_based(history, patience):
    return _replay(history["val_loss"], patience, start=0)


def select_late(history, patience):
    return _replay(history["val_loss"], patience, late=1)


def select_last(history, patience):
    stop = _replay(history["val_loss"], patience)[1]
    return stop, stop


def select_ties(history, patience):
    return _replay(history["val_loss"], patience, strict=False)


def select_never_stops(history, patience):
    return _replay(history["val_loss"], patience)[0], len(history["val_loss"])


WRONG_SELECT_EPOCH = [
    (select_test, "used the test loss"),
    (select_train, "used the training loss"),
    (select_accuracy, "chose by validation accuracy"),
    (select_zero_based, "epochs counted from 0"),
    (select_late, "stopped one epoch late"),
    (select_last, "kept the last epoch instead of the best"),
    (select_ties, "a tie counted as an improvement"),
    (select_never_stops, "never stopped early"),
]


@pytest.mark.parametrize(("wrong", "name"), WRONG_SELECT_EPOCH)
def test_select_epoch_mistakes(wrong, name):
    _fails("ex11_select_epoch", wrong, name)


def select_with_early_stopping(history, patience):
    """The library's EarlyStopping object, driven by hand, is a correct answer."""
    stopper, model = nn.EarlyStopping(patience=patience, restore_best=False), nn.Sequential()
    epoch = 0
    for epoch, loss in enumerate(history["val_loss"], start=1):
        if stopper.update(epoch, loss, model):
            break
    return stopper.best_epoch, epoch


def select_with_numpy(history, patience):
    val = np.asarray(history["val_loss"])
    running_best = np.minimum.accumulate(val)
    improved = np.r_[True, val[1:] < running_best[:-1]]
    best_so_far = np.maximum.accumulate(np.where(improved, np.arange(1, val.size + 1), 0))
    late = np.flatnonzero(np.arange(1, val.size + 1) - best_so_far >= patience)
    stop = int(late[0]) + 1 if late.size else val.size
    return int(best_so_far[stop - 1]), stop


@pytest.mark.parametrize("right", [select_with_early_stopping, select_with_numpy])
def test_select_epoch_alternatives_pass(right, capsys):
    passes("ex11_select_epoch", right, capsys)


# ------------------------------------------------------------------ ex11_evaluate


def evaluate_no_eval(model, X, y):
    return nn.accuracy(model.forward(X), y)


def evaluate_no_restore(model, X, y):
    model.eval()
    return nn.accuracy(model.forward(X), y)


def evaluate_always_train(model, X, y):
    model.eval()
    acc = nn.accuracy(model.forward(X), y)
    model.train()
    return acc


def evaluate_percent(model, X, y):
    was = model.training
    acc = nn.accuracy(model.eval().forward(X), y)
    model.train(was)
    return 100 * acc


def evaluate_count(model, X, y):
    was = model.training
    correct = int(np.sum(model.eval().forward(X).argmax(axis=1) == y))
    model.train(was)
    return correct


WRONG_EVALUATE = [
    (evaluate_no_eval, "forgot model.eval()"),
    (evaluate_no_restore, "did not restore the training mode"),
    (evaluate_always_train, "always switched back to train()"),
    (evaluate_percent, "accuracy in percent"),
    (evaluate_count, "returned the number of correct predictions"),
]


@pytest.mark.parametrize(("wrong", "name"), WRONG_EVALUATE)
def test_evaluate_mistakes(wrong, name):
    _fails("ex11_evaluate", wrong, name)


def evaluate_try_finally(model, X, y):
    was_training = model.training
    try:
        model.eval()
        return float(np.mean(model.forward(X).argmax(axis=1) == y))
    finally:
        model.train(was_training)


def test_evaluate_alternative_passes(capsys):
    passes("ex11_evaluate", evaluate_try_finally, capsys)


def test_forgetting_eval_on_one_sample_is_named_from_the_error():
    """A single sample in train mode makes batch norm raise: the hint still names eval()."""
    from utils.checks import get_exercise, judge, run_probe

    probe = next(p for p in get_exercise("ex11_evaluate").probes if p.name == "a single sample")
    inputs = probe.inputs(np.random.default_rng(0))
    verdict = judge(probe, inputs, run_probe(probe, evaluate_no_eval, inputs))
    assert verdict.mistake == "forgot model.eval()" and "raised ValueError" in verdict.message


# ------------------------------------------------------------------ ex11_confusion_matrix


def cm_transposed(y_true, y_pred, n_classes):
    return confusion_matrix(y_true, y_pred, n_classes).T


def cm_fancy(y_true, y_pred, n_classes):
    M = np.zeros((n_classes, n_classes), dtype=int)
    M[y_true, y_pred] += 1
    return M


def cm_normalised(y_true, y_pred, n_classes):
    M = confusion_matrix(y_true, y_pred, n_classes).astype(float)
    return M / np.maximum(M.sum(axis=1, keepdims=True), 1)


def cm_from_labels(y_true, y_pred, n_classes):
    k = int(max(y_true.max(), y_pred.max())) + 1
    return confusion_matrix(y_true, y_pred, k)


WRONG_CONFUSION_MATRIX = [
    (cm_transposed, "transposed: rows are the predictions"),
    (cm_fancy, "C[y_true, y_pred] += 1 counts repeats once"),
    (cm_normalised, "normalised the rows"),
    (cm_from_labels, "size from the labels instead of n_classes"),
]


@pytest.mark.parametrize(("wrong", "name"), WRONG_CONFUSION_MATRIX)
def test_confusion_matrix_mistakes(wrong, name):
    _fails("ex11_confusion_matrix", wrong, name)


def cm_bincount(y_true, y_pred, n_classes):
    flat = np.bincount(y_true * n_classes + y_pred, minlength=n_classes * n_classes)
    return flat.reshape(n_classes, n_classes)


def cm_one_hot(y_true, y_pred, n_classes):
    return data.one_hot(y_true, n_classes).T @ data.one_hot(y_pred, n_classes)


@pytest.mark.parametrize("right", [cm_bincount, cm_one_hot, confusion_matrix])
def test_confusion_matrix_alternatives_pass(right, capsys):
    passes("ex11_confusion_matrix", right, capsys)


# The known-wrong answers of each exercise, (answer, hint name) pairs: also run by
# test_probe_coverage.py under the grader's inputs.
WRONG_ANSWERS = {
    "ex11_scale_splits": WRONG_SCALE_SPLITS,
    "ex11_encode_labels": WRONG_ENCODE_LABELS,
    "ex11_build_model": WRONG_BUILD_MODEL,
    "ex11_select_epoch": WRONG_SELECT_EPOCH,
    "ex11_evaluate": WRONG_EVALUATE,
    "ex11_confusion_matrix": WRONG_CONFUSION_MATRIX,
}
