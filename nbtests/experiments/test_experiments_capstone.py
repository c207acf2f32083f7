"""The capstone chapter's network, runs and early-stopping replay (utils.experiments.capstone)."""

import numpy as np
import pytest

from utils import data, nn
from utils.experiments import capstone as experiments
from utils.experiments.capstone import early_stopping_epochs


def test_early_stopping_epochs_matches_the_library():
    rng = np.random.default_rng(3)
    val = 1 / np.arange(1, 60) + 0.02 * rng.standard_normal(59) + np.linspace(0, 0.3, 59)
    stopper, model, stopped = nn.EarlyStopping(patience=7), nn.Sequential(), None
    for epoch, loss in enumerate(val, start=1):
        if stopper.update(epoch, loss, model):
            stopped = epoch
            break
    assert early_stopping_epochs(val, 7) == (stopper.best_epoch, stopped)


def test_capstone_model_shape_and_parameter_count():
    rng = np.random.default_rng(0)
    model = experiments.capstone_model(13, 3, rng=rng)
    assert [type(layer).__name__ for layer in model.layers[:4]] == [
        "Linear",
        "BatchNorm1d",
        "ReLU",
        "Dropout",
    ]
    assert len(model.layers) == 13 and model.layers[3].p == 0.3
    assert experiments.count_parameters(model) == 25875
    plain = experiments.capstone_model(11, 6, rng=rng, batchnorm=False)
    assert experiments.count_parameters(plain) == (
        11 * 144 + 144 + 144 * 144 + 144 + 144 * 16 + 16 + 16 * 6 + 6
    )
    assert model.eval().forward(rng.standard_normal((4, 13))).shape == (4, 3)
    with pytest.raises(ValueError, match="capstone_model: n_classes"):
        experiments.capstone_model(13, 1, rng=rng)
    with pytest.raises(TypeError, match="count_parameters"):
        experiments.count_parameters("model")


def test_confusion_matrix_counts_repeats_and_validates():
    M = experiments.confusion_matrix(np.array([0, 0, 0, 1, 2]), np.array([0, 0, 1, 1, 0]), 4)
    assert M.dtype == np.int64 and M.shape == (4, 4) and M.sum() == 5
    assert M[0, 0] == 2 and M[0, 1] == 1 and M[2, 0] == 1 and M[3].sum() == 0
    with pytest.raises(ValueError, match="same shape"):
        experiments.confusion_matrix(np.array([0, 1]), np.array([0]), 2)
    with pytest.raises(ValueError, match=r"labels in \[0, 1\]"):
        experiments.confusion_matrix(np.array([0, 2]), np.array([0, 1]), 2)


def test_early_stopping_epochs_stops_the_replay_where_a_run_ended():
    val = np.array([1.0, 0.8, 0.9, np.nan, np.nan, np.nan, np.nan])
    # The library's rule on the finite part: never stops within 3 epochs of patience 3.
    assert early_stopping_epochs(val, 3) == nn.replay_early_stopping(val[:3], 3) == (2, None)
    assert early_stopping_epochs([np.inf, 1.0], 1) == (0, None)
    assert early_stopping_epochs([1.0, 1.0, 1.0], 2) == (1, 3)  # a tie is no improvement


def test_capstone_runs_are_padded_and_reproducible():
    rng = np.random.default_rng(1)
    X, y = data.gaussians(40, centers=((-2, 0), (2, 0)), std=0.8, rng=rng)
    Y = data.one_hot(y, 2)
    args = (X[:30], Y[:30], X[30:], Y[30:])
    runs = experiments.capstone_runs(
        *args, ps=(0.0,), lrs=(1e-2, 1e3), batchnorm=(False,), epochs=6, batch_size=10
    )
    assert set(runs) == {(0.0, 1e-2, False), (0.0, 1e3, False)}
    for run in runs.values():
        assert set(run) == {"train_loss", "val_loss", "train_acc", "val_acc"}
        assert all(v.shape == (6,) and v.dtype == np.float64 for v in run.values())
    assert np.isfinite(runs[0.0, 1e-2, False]["val_loss"]).all()
    again = experiments.capstone_runs(
        *args, ps=(0.0,), lrs=(1e-2,), batchnorm=(False,), epochs=6, batch_size=10
    )
    np.testing.assert_array_equal(
        again[0.0, 1e-2, False]["val_loss"], runs[0.0, 1e-2, False]["val_loss"]
    )
