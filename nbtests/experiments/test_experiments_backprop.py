"""The boundary explorer's training run (utils.experiments.backprop)."""

import numpy as np
import pytest

from utils import data
from utils.experiments.backprop import two_layer_predict, two_layer_snapshots


def test_two_layer_snapshots_records_every_epoch_and_learns():
    X, y = data.moons(120, noise=0.1, rng=np.random.default_rng(0))
    snaps = two_layer_snapshots(X, y, 16, epochs=30, every=10, lr=0.3, batch_size=32, seed=0)
    np.testing.assert_array_equal(snaps["epochs"], [0, 10, 20, 30])
    assert snaps["loss"].shape == snaps["accuracy"].shape == (31,)
    assert snaps["stopped_at"] is None and snaps["loss"][-1] < snaps["loss"][0]
    W1, b1, W2, b2 = snaps["params"][-1]
    assert W1.shape == (2, 16) and W2.shape == (16, 2)
    pred = two_layer_predict(snaps["params"][-1])(X)
    assert pred.shape == (120,) and np.mean(pred == y) == pytest.approx(snaps["accuracy"][-1])


def test_two_layer_snapshots_is_reproducible():
    X, y = data.moons(40, noise=0.1, rng=np.random.default_rng(1))
    a = two_layer_snapshots(X, y, 4, epochs=3, every=1, lr=0.1, batch_size=8, seed=5)
    b = two_layer_snapshots(X, y, 4, epochs=3, every=1, lr=0.1, batch_size=8, seed=5)
    np.testing.assert_array_equal(a["loss"], b["loss"])
