"""Two bugs of a module's state, each written with the API older versions had too.

- Early stopping restored batch norm's running statistics only in the top-level layers, so
  a ``BatchNorm1d`` inside a nested ``Sequential`` kept the last epoch's statistics.
- ``persistence.load`` rebuilt every layer in float64, so a saved float32 model came back
  float64 (and its forward pass on float32 input returned float64).
"""

import numpy as np

from utils import nn
from utils.persistence import load, save

RNG = np.random.default_rng


def _nested(rng, dtype=np.float64):
    inner = nn.Sequential(
        nn.Linear(4, 6, rng=rng, dtype=dtype), nn.BatchNorm1d(6, dtype=dtype), nn.ReLU()
    )
    return nn.Sequential(
        nn.Linear(3, 4, rng=rng, dtype=dtype), inner, nn.Linear(6, 2, rng=rng, dtype=dtype)
    )


def test_early_stopping_restores_running_statistics_inside_a_nested_sequential():
    model = _nested(RNG(0))
    norm = model[1][1]
    model.train().forward(RNG(1).standard_normal((40, 3)))
    best_mean, best_var = norm.running_mean.copy(), norm.running_var.copy()
    best_W = model[1][0].params["W"].copy()
    stopper = nn.EarlyStopping(patience=1)
    stopper.update(1, 1.0, model)
    model.forward(RNG(2).standard_normal((40, 3)) + 3.0)  # moves the running statistics
    model[1][0].params["W"] += 1.0
    assert stopper.update(2, 2.0, model)  # worse than epoch 1: stop
    stopper.restore(model)
    assert np.array_equal(model[1][0].params["W"], best_W)
    assert np.array_equal(norm.running_mean, best_mean)
    assert np.array_equal(norm.running_var, best_var)


def test_a_saved_float32_model_loads_as_float32(tmp_path):
    rng, f32 = RNG(0), np.float32
    model = nn.Sequential(
        nn.Linear(3, 4, rng=rng, dtype=f32),
        nn.BatchNorm1d(4, dtype=f32),
        nn.ReLU(),
        nn.Linear(4, 2, rng=rng, dtype=f32),
    )
    model.train().forward(RNG(1).standard_normal((8, 3)).astype(f32))
    loaded = load(save(model, tmp_path / "f32.npz"))
    assert loaded[0].params["W"].dtype == f32
    assert loaded[1].running_mean.dtype == f32
    x = RNG(2).standard_normal((4, 3)).astype(f32)
    out = loaded.eval().forward(x)
    assert out.dtype == f32
    assert np.array_equal(out, model.eval().forward(x))
