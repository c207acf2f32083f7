"""The regularization chapter's small models (utils.experiments.regularization)."""

import numpy as np
import pytest

from utils import data
from utils.experiments import regularization as experiments
from utils.experiments.regularization import LAMBDA_EXPONENTS, PENALTY_KINDS, penalty_grid


@pytest.fixture(scope="module")
def sine():
    rng = np.random.default_rng(8)
    return (*data.noisy_sine(20, noise=0.25, rng=rng), *data.noisy_sine(200, noise=0.25, rng=rng))


def test_penalty_grid_matches_closed_form_and_shrinks(sine):
    x, t = sine[0], sine[1]
    fits = penalty_grid(x, t, lams=[1e-4, 1e-1], iterations=500)
    b, W = fits["L2 (ridge)"]
    b1, w1 = experiments.ridge_weights(experiments.rbf_features(x), t, 1e-1)
    np.testing.assert_allclose(W[1], w1)
    assert np.abs(W[1]).sum() < np.abs(W[0]).sum()
    assert fits["L1 (lasso)"][1].shape == (2, 40)
    assert len(penalty_grid(x, t, iterations=10)["lams"]) == len(LAMBDA_EXPONENTS)


def test_ridge_gradient_is_zero_at_its_solution(sine):
    x, t = sine[0], sine[1]
    Phi = experiments.rbf_features(x)
    b, w = experiments.ridge_weights(Phi, t, 0.01)
    r = Phi @ w + b - t
    np.testing.assert_allclose(2 * Phi.T @ r / len(t) + 2 * 0.01 * w, 0, atol=1e-9)
    assert abs(r.mean()) < 1e-12  # the unpenalised bias


def test_lasso_proximal_gives_exact_zeros_subgradient_does_not(sine):
    Phi = experiments.rbf_features(sine[0])
    _, prox = experiments.lasso_weights(Phi, sine[1], [1e-2], iterations=2000)
    _, sub = experiments.lasso_weights(Phi, sine[1], [1e-2], iterations=2000, method="subgradient")
    assert np.sum(prox == 0) > 10
    assert np.sum(sub == 0) == 0


def test_soft_threshold():
    z = np.array([-1.5, -0.05, 0.0, 0.08, 0.3])
    np.testing.assert_allclose(experiments.soft_threshold(z, 0.1), [-1.4, 0, 0, 0, 0.2])
    assert not np.any(np.signbit(experiments.soft_threshold(z, 0.1)[1:4]))  # no -0.0
    with pytest.raises(ValueError, match="soft_threshold: threshold must be >= 0"):
        experiments.soft_threshold(z, -1)
    with pytest.raises(TypeError, match="soft_threshold: w must be a NumPy array"):
        experiments.soft_threshold([1.0], 0.1)


def test_cutout_zeroes_one_square_and_keeps_the_input():
    rng = np.random.default_rng(0)
    images = np.ones((50, 8, 8))
    out = experiments.cutout(images, 3, rng=rng)
    assert np.all(images == 1)
    zeros = (out == 0).sum(axis=(1, 2))
    assert zeros.min() >= 1 and zeros.max() == 9  # cut by the border, or a full 3x3 square
    with pytest.raises(ValueError, match="cutout: images must have shape"):
        experiments.cutout(np.ones((8, 8)), 3, rng=rng)


def test_penalty_grid_gives_one_fit_per_kind_and_lambda(sine):
    fits = penalty_grid(sine[0], sine[1], lams=[1e-3, 1e-2, 1e-1], centers=10, iterations=50)
    assert set(fits) == {"lams", *PENALTY_KINDS}
    for kind in PENALTY_KINDS:
        b, W = fits[kind]
        assert b.shape == (3,) and W.shape == (3, 10)
