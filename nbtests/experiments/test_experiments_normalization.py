"""The normalization chapter's network and runs (utils.experiments.normalization)."""

import numpy as np
import pytest

from utils import nn
from utils.experiments import normalization as experiments


def test_norm_mlp_layers_and_init_scale():
    rng = np.random.default_rng(0)
    model = experiments.norm_mlp(0.5, batchnorm=True, rng=rng, n_in=6, width=200, depth=2, n_out=3)
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["Linear", "BatchNorm1d", "ReLU", "Linear", "BatchNorm1d", "ReLU", "Linear"]
    assert abs(model.layers[3].params["W"].std() - 0.5) < 0.02
    assert abs(model.layers[6].params["W"].std() - np.sqrt(2 / 203)) < 0.02  # Xavier output
    plain = experiments.norm_mlp(0.5, batchnorm=False, rng=rng, n_in=6, width=8, depth=3)
    assert [type(x).__name__ for x in plain.layers].count("BatchNorm1d") == 0
    with pytest.raises(ValueError, match="init_std must be > 0"):
        experiments.norm_mlp(0.0, batchnorm=False, rng=rng)


def test_norm_train_run_learns_and_detects_divergence():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((200, 4))
    y = (X[:, 0] > 0).astype(int)
    model = experiments.norm_mlp(0.5, batchnorm=True, rng=rng, n_in=4, width=16, depth=2, n_out=2)
    run = experiments.norm_train_run(model, X, y, lr=0.5, steps=80, batch_size=20, rng=rng)
    assert run["diverged_at"] is None and run["loss"].shape == (80,)
    assert run["loss"][-10:].mean() < run["loss"][:5].mean() - 0.3
    big = experiments.norm_mlp(30.0, batchnorm=False, rng=rng, n_in=4, width=64, depth=4, n_out=2)
    run = experiments.norm_train_run(big, 10 * X, y, lr=1.0, steps=20, batch_size=20, rng=rng)
    assert run["diverged_at"] is not None
    assert np.all(np.isnan(run["loss"][run["diverged_at"] :]))
    with pytest.raises(ValueError, match="norm_train_run: X must have shape"):
        experiments.norm_train_run(model, X[:, 0], y, lr=0.1, steps=1, batch_size=2, rng=rng)


def test_norm_preactivations_leaves_running_stats_alone():
    rng = np.random.default_rng(2)
    model = experiments.norm_mlp(1.0, batchnorm=True, rng=rng, n_in=5, width=7, depth=3)
    acts = experiments.norm_preactivations(model, rng.standard_normal((50, 5)) + 3.0)
    assert [a.shape for a in acts] == [(50, 7)] * 3
    for a in acts:  # BN with gamma 1, beta 0: each column normalised
        assert np.allclose(a.mean(axis=0), 0, atol=1e-10)
        assert np.allclose(a.std(axis=0), 1, atol=1e-3)
    bn = model.layers[1]
    assert isinstance(bn, nn.BatchNorm1d)
    assert np.all(bn.running_mean == 0) and np.all(bn.running_var == 1)


def test_batch_stat_noise_scales_like_one_over_sqrt_b():
    rng = np.random.default_rng(3)
    noise = experiments.batch_stat_noise(rng.standard_normal(4096), [4, 64], draws=3000, rng=rng)
    assert noise["batch_size"].tolist() == [4, 64]
    ratio = noise["mean_std"][0] / noise["mean_std"][1]
    assert 3.4 < ratio < 4.6  # sqrt(64 / 4) = 4
    assert abs(noise["var_ratio"][0] - 0.75) < 0.05  # (B - 1) / B for the biased variance
    with pytest.raises(ValueError, match="need more values"):
        experiments.batch_stat_noise(np.zeros(3), [4], rng=rng)


def test_norm_init_sweep_builds_each_network_from_the_seed():
    rng = np.random.default_rng(2)
    X, y = rng.standard_normal((60, 5)), rng.integers(0, 3, 60)
    runs, acts = experiments.norm_init_sweep(
        X, y, (0.1, 1.0), probe=X[:16], lr=0.1, steps=5, batch_size=8, seed=4, width=6, depth=2
    )
    assert set(runs) == set(acts) == {(s, bn) for s in (0.1, 1.0) for bn in (False, True)}
    assert all(len(a) == 2 and a[0].shape == (16, 6) for a in acts.values())
    assert all(run["loss"].shape == (5,) for run in runs.values())
    model = experiments.norm_mlp(
        1.0, batchnorm=True, rng=np.random.default_rng(4), n_in=5, width=6, depth=2
    )
    for got, want in zip(
        acts[1.0, True], experiments.norm_preactivations(model, X[:16]), strict=True
    ):
        np.testing.assert_array_equal(got, want)
