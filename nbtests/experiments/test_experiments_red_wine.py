"""utils.experiments.red_wine: the Keras example's split and network, seeded runs, scores."""

import numpy as np
import pytest

from utils import data, nn
from utils.experiments.capstone import capstone_model, count_parameters
from utils.experiments.red_wine import (
    EXAMPLE_LR,
    example_model,
    example_optimizer,
    example_split,
    quality_accuracies,
    train_run,
    validation_tail,
)


def test_example_split_matches_pandas_sample_and_keeps_the_sampled_order():
    train, test = example_split(1599)
    assert train.shape == (1119,) and test.shape == (480,)
    # df.sample(frac=0.7, random_state=1234).index starts so (checked with pandas 3.1).
    assert train[:8].tolist() == [688, 961, 726, 537, 1544, 1251, 1096, 1547]
    assert np.array_equal(np.sort(np.concatenate([train, test])), np.arange(1599))
    assert np.all(np.diff(test) > 0)
    with pytest.raises(ValueError, match=r"example_split: frac must lie in \(0, 1\)"):
        example_split(10, frac=1.0)


def test_validation_tail_holds_out_the_last_rows_like_keras():
    train, _ = example_split(1599)
    fit, val = validation_tail(train, 0.1)
    assert fit.shape == (1007,) and val.shape == (112,)
    assert np.array_equal(np.concatenate([fit, val]), train)  # order kept, nothing lost
    fit, val = validation_tail(np.arange(10), 0.25)  # floor(10 * 0.75) = 7 rows fit
    assert fit.tolist() == list(range(7)) and val.tolist() == [7, 8, 9]
    with pytest.raises(ValueError, match=r"validation_tail: train must have shape \(N,\)"):
        validation_tail(np.zeros((3, 2), dtype=int))
    with pytest.raises(ValueError, match="validation_tail: fraction"):
        validation_tail(np.arange(5), 0.0)


def test_the_chapter_split_counts_per_quality():
    _, quality = data.load_red_wine()
    train, test = example_split(len(quality))
    fit, val = validation_tail(train)
    assert np.bincount(quality[val] - 3, minlength=6).tolist() == [0, 4, 53, 41, 13, 1]
    assert np.bincount(quality[test] - 3, minlength=6).tolist() == [5, 16, 208, 189, 58, 4]
    assert np.sum(quality[test] == 5) == 208  # the majority baseline: 208 / 480 = 43.3%


def test_example_model_is_keras_order_without_the_last_dropout():
    model = example_model(np.random.default_rng(0), 11, 6)
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["Linear", "ReLU", "BatchNorm1d", "Dropout"] * 2 + [
        "Linear",
        "ReLU",
        "BatchNorm1d",
        "Linear",
    ]
    assert model.layers[-1].out_features == 6
    bn = model.layers[2]
    assert bn.momentum == 0.01 and bn.eps == 1e-3
    # Glorot uniform: |W| <= sqrt(6 / (fan_in + fan_out)).
    assert np.abs(model.layers[0].params["W"]).max() <= np.sqrt(6 / (11 + 144))
    assert count_parameters(example_model(np.random.default_rng(0))) == 25638 - 102 + 153
    scores = model.eval().forward(np.zeros((4, 11)))
    assert scores.shape == (4, 6)


def test_example_optimizer_takes_keras_adam_steps():
    # Keras's Adam: alpha = lr * sqrt(1 - beta2**t) / (1 - beta1**t),
    # w -= alpha * m / (sqrt(v) + 1e-7), with m and v not bias-corrected.
    model = example_model(np.random.default_rng(0), 11, 9)
    W0 = model.layers[0].params["W"].copy()
    grads = [np.random.default_rng(t).standard_normal(W0.shape) * 1e-6 for t in range(3)]
    optimizer = example_optimizer(model)
    m = v = np.zeros_like(W0)
    expected = W0.copy()
    for t, grad in enumerate(grads, start=1):
        for layer, name in model.parameters():
            layer.grads[name][...] = 0.0
        model.layers[0].grads["W"][...] = grad
        optimizer.step()
        m, v = 0.9 * m + 0.1 * grad, 0.999 * v + 0.001 * grad**2
        alpha = EXAMPLE_LR * np.sqrt(1 - 0.999**t) / (1 - 0.9**t)
        expected = expected - alpha * m / (np.sqrt(v) + 1e-7)
        np.testing.assert_allclose(model.layers[0].params["W"], expected, rtol=1e-12)


def test_chapter_network_has_25638_parameters_for_11_features_and_6_classes():
    assert count_parameters(capstone_model(11, 6, rng=np.random.default_rng(0))) == 25638


def _toy(rng, n=200):
    X = rng.standard_normal((n, 3))
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(np.int64)
    return X, data.one_hot(y, 2)


def test_train_run_is_seeded_stops_early_and_returns_eval_mode():
    X, Y = _toy(np.random.default_rng(1))

    def build(r):
        return nn.Sequential(
            nn.Linear(3, 8, rng=r), nn.ReLU(), nn.Dropout(0.3, rng=r), nn.Linear(8, 2, rng=r)
        )

    model, hist = train_run(
        build,
        X[:150],
        Y[:150],
        X[150:],
        Y[150:],
        seed=3,
        lr=1e-2,
        epochs=300,
        batch_size=32,
        patience=5,
    )
    again, hist2 = train_run(
        build,
        X[:150],
        Y[:150],
        X[150:],
        Y[150:],
        seed=3,
        lr=1e-2,
        epochs=300,
        batch_size=32,
        patience=5,
    )
    assert not model.training
    assert hist["val_loss"] == hist2["val_loss"]
    assert hist["stopped_at"] is not None and hist["stopped_at"] < 300
    assert hist["stopped_at"] - hist["best_epoch"] == 5
    assert nn.accuracy(model.forward(X[150:]), Y[150:]) > 0.85


def test_train_run_without_patience_trains_every_epoch_and_takes_a_regression_loss():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((64, 2))
    t = (X @ np.array([[1.0], [-2.0]])) + 5.0  # (64, 1) targets
    model, hist = train_run(
        lambda r: nn.Sequential(nn.Linear(2, 1, rng=r)),
        X[:48],
        t[:48],
        X[48:],
        t[48:],
        seed=0,
        lr=0.05,
        epochs=40,
        batch_size=16,
        loss=nn.mae_loss,
        metric=None,
        patience=None,
    )
    assert len(hist["val_loss"]) == 40 and "best_epoch" not in hist
    assert "train_metric" not in hist
    assert hist["val_loss"][-1] < hist["val_loss"][0]


def test_quality_accuracies_counts_exact_and_within_one():
    exact, within = quality_accuracies(np.array([5, 6, 3, 8]), np.array([5, 7, 5, 8]))
    assert (exact, within) == (0.5, 0.75)
    with pytest.raises(ValueError, match="quality_accuracies: predicted must hold integer"):
        quality_accuracies(np.array([5.4]), np.array([5]))
    with pytest.raises(ValueError, match=r"same shape \(N,\)"):
        quality_accuracies(np.array([5, 6]), np.array([5]))
