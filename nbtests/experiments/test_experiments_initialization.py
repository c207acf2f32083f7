"""The weight-initialization experiment (utils.experiments.initialization)."""

import numpy as np
import pytest

from utils import nn
from utils.checks import check
from utils.experiments import initialization as experiments


def test_layer_activations_shapes_and_validation():
    rng = np.random.default_rng(0)
    acts = experiments.layer_activations(
        rng.standard_normal((10, 6)),
        experiments.EXPERIMENT_INITS["He"],
        np.tanh,
        n_layers=3,
        width=4,
        rng=rng,
    )
    assert [a.shape for a in acts] == [(10, 4)] * 3
    with pytest.raises(ValueError, match="layer_activations: X must have shape"):
        experiments.layer_activations(np.zeros(5), np.zeros, np.tanh, rng=rng)


def test_misquoted_glorot_is_sqrt2_times_glorot():
    rng = np.random.default_rng(1)
    W = experiments.misquoted_glorot(2000, 2000, rng=rng)
    assert W.shape == (2000, 2000)
    assert abs(W.std() / np.sqrt(2 / 4000) - np.sqrt(2)) < 0.01


def test_layer_activations_is_the_reference_of_its_exercise(capsys):
    check("ex07_activation_histograms", experiments.layer_activations)
    assert "checks passed" in capsys.readouterr().out


def test_layer_activations_draws_weights_in_layer_order():
    X = np.random.default_rng(0).standard_normal((4, 3))
    acts = experiments.layer_activations(
        X, nn.xavier_normal, np.tanh, n_layers=2, width=5, rng=np.random.default_rng(7)
    )
    rng = np.random.default_rng(7)
    W1, W2 = nn.xavier_normal(3, 5, rng=rng), nn.xavier_normal(5, 5, rng=rng)
    np.testing.assert_array_equal(acts[1], np.tanh(np.tanh(X @ W1) @ W2))
    assert set(experiments.HISTOGRAM_ACTIVATIONS) == {"sigmoid", "tanh", "relu"}
