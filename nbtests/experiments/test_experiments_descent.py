"""Gradient-descent runs of chapters 00 and 04 (utils.experiments.descent)."""

import numpy as np

from utils.experiments.descent import QUADRATICS, descent_path


def test_descent_path_matches_the_closed_form_and_stops_at_divergence():
    q = QUADRATICS["1-D"]
    path, losses, diverged = descent_path(q["grad"], q["loss"], [2.0], 0.3, 10)
    assert diverged is None and path.shape == (11, 1)
    assert np.allclose(path[:, 0], 2.0 * 0.4 ** np.arange(11))
    path, losses, diverged = descent_path(q["grad"], q["loss"], [2.0], 3.0, 50)
    assert diverged == 2 and np.all(np.isfinite(path)) and len(losses) == 2


def test_descent_path_2d_follows_each_curvature():
    q = QUADRATICS["2-D"]
    path, losses, diverged = descent_path(q["grad"], q["loss"], q["start"], 0.1, 5)
    assert diverged is None and path.shape == (6, 2) and losses.shape == (6,)
    np.testing.assert_allclose(path[-1], q["start"] * np.array([0.9, 0.0]) ** 5)


def test_fit_line_sgd_finds_the_line():
    from utils.experiments.descent import fit_line_sgd

    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, 50)
    h = fit_line_sgd(x, 2 * x - 1, lr=0.3, batch_size=10, steps=300, rng=rng)
    assert h["diverged_at"] is None and abs(h["w"][-1] - 2) < 1e-3 and abs(h["b"][-1] + 1) < 1e-3
