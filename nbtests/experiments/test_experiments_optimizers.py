"""The optimizer runs on the chapter's surfaces (utils.experiments.optimizers)."""

import numpy as np
import pytest

from utils import nn
from utils.experiments.optimizers import SURFACES, optimizer_path, race_hyper, race_runs


def test_race_hyper_maps_the_sliders():
    assert race_hyper("adam", 0.1, 0.8, 0.99) == {"lr": 0.1, "beta1": 0.8, "beta2": 0.99}
    assert race_hyper("rmsprop", 0.1, 0.8, 0.99) == {"lr": 0.1, "rho": 0.99}
    assert race_hyper("momentum", 0.1, 0.8, 0.99) == {"lr": 0.1, "beta": 0.8}
    with pytest.raises(ValueError, match="race_hyper"):
        race_hyper("newton", 0.1, 0.9, 0.9)
    runs = race_runs("test", ["sgd"], lr=0.95, beta1=0.9, beta2=0.9, steps=30)
    path, losses, diverged = runs["sgd"]
    assert path.shape == (31, 2) and diverged is None and losses[-1] < losses[0]


def test_optimizer_path_matches_a_hand_written_loop():
    s = SURFACES["test"]
    path, losses, diverged = optimizer_path(
        nn.adam_update, s["grad"], s["start"], 10, loss=lambda w: s["f"](*w), lr=0.3
    )
    w, state = s["start"].copy(), {}
    for _ in range(10):
        w, state = nn.adam_update(w, s["grad"](w), state, lr=0.3)
    assert diverged is None and path.shape == (11, 2) and np.allclose(path[-1], w)
    assert np.isclose(losses[0], s["f"](-7.0, 2.0))


def test_optimizer_path_stops_before_divergence():
    s = SURFACES["test"]
    path, _, diverged = optimizer_path(nn.sgd_update, s["grad"], s["start"], 100, lr=1.5)
    assert diverged is not None and len(path) == diverged
    assert np.all(np.isfinite(path)) and np.abs(path).max() <= 1e3


@pytest.mark.parametrize(
    "args, error",
    [
        (("not a function", SURFACES["test"]["grad"], [0.0, 0.0], 5), TypeError),
        ((nn.sgd_update, SURFACES["test"]["grad"], [0.0, 0.0], -1), ValueError),
        ((nn.sgd_update, SURFACES["test"]["grad"], [[0.0, 0.0]], 5), ValueError),
    ],
)
def test_optimizer_path_rejects_bad_inputs(args, error):
    with pytest.raises(error, match="optimizer_path"):
        optimizer_path(*args)
