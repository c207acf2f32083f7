"""The normalization chapter's widget and plot functions, without a browser."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from utils.plots import normalization as plots
from utils.widgets.normalization import (
    BATCHNORM_EXPLORER_STDS,
    batchnorm_explorer,
    describe_norm_run,
)


@pytest.fixture(scope="module")
def explorer():
    return batchnorm_explorer(init_std=0.01, batchnorm=False)


def _set(w, **values):
    for name, value in values.items():
        w.controls[name].value = value


def test_explorer_has_its_controls_and_draws(explorer):
    assert set(explorer.controls) == {"batchnorm", "init_std"}
    assert list(explorer.controls["init_std"].options) == list(BATCHNORM_EXPLORER_STDS)
    assert bytes(explorer.image.value).startswith(b"\x89PNG")
    ax_loss, ax_hist = explorer.figure.axes
    assert len(ax_loss.lines) >= 2  # with and without BN
    assert len(ax_hist.patches) == 4  # one histogram per hidden layer
    texts = " ".join(t.get_text() for t in explorer.figure.texts)
    assert "init std 0.01" in texts and "BN off" in texts


def test_explorer_small_std_without_bn_is_stuck_and_with_bn_learns(explorer):
    _set(explorer, init_std=0.01, batchnorm=False)
    assert explorer.message.startswith("without BN: stuck near ln 10")
    _set(explorer, batchnorm=True)
    assert explorer.message.startswith("with BN: loss ")
    first, last = (float(v) for v in explorer.message.split("|")[0].split("loss ")[1].split(" -> "))
    assert last < first - 0.5


@pytest.mark.parametrize("std", [1.0, 3.0, 10.0])
def test_explorer_large_std_without_bn_reports_divergence_not_nan(explorer, std):
    _set(explorer, init_std=std, batchnorm=False)
    assert "without BN: diverged at step" in explorer.message
    assert "nan" not in explorer.message.lower() and "inf" not in explorer.message.lower()
    ax_loss = explorer.figure.axes[0]
    for line in ax_loss.lines:  # what is drawn is finite where it is drawn at all
        y = np.asarray(line.get_ydata(), dtype=float)
        assert not np.any(np.isinf(y))


def test_explorer_every_setting_draws_a_message(explorer):
    for std in BATCHNORM_EXPLORER_STDS:
        for bn in (False, True):
            _set(explorer, init_std=std, batchnorm=bn)
            assert explorer.message and not explorer.message.startswith("Could not draw")
            assert "nan" not in explorer.message.lower()


def test_explorer_image_changes_and_is_deterministic(explorer):
    _set(explorer, init_std=0.1, batchnorm=True)
    first = bytes(explorer.image.value)
    _set(explorer, batchnorm=False)
    assert bytes(explorer.image.value) != first
    _set(explorer, batchnorm=True)
    assert bytes(explorer.image.value) == first


def _panel_stds(w) -> list[float]:
    return [
        float(t.get_text().split()[1])
        for t in w.figure.axes[1].texts
        if t.get_text().startswith("std")
    ]


def test_explorer_bn_histograms_are_normalised(explorer):
    _set(explorer, init_std=0.1, batchnorm=True)
    stds = _panel_stds(explorer)
    assert len(stds) == 4
    assert all(abs(s - 1.0) < 0.05 for s in stds)
    _set(explorer, init_std=0.001)  # the layers' variance is then as small as eps
    assert all(s < 0.8 for s in _panel_stds(explorer))


def test_explorer_rejects_bad_arguments():
    with pytest.raises(ValueError, match="init_std must be one of"):
        batchnorm_explorer(init_std=0.5)
    with pytest.raises(TypeError, match="batchnorm must be True or False"):
        batchnorm_explorer(batchnorm="yes")


def test_describe_norm_run():
    assert "diverged at step 3" in describe_norm_run(
        {"loss": np.full(5, np.nan), "diverged_at": 3}, batchnorm=False
    )
    stuck = {"loss": np.full(40, np.log(10)), "diverged_at": None}
    assert "stuck" in describe_norm_run(stuck, batchnorm=True)
    falling = {"loss": np.linspace(2.0, 0.5, 40), "diverged_at": None}
    text = describe_norm_run(falling, batchnorm=True)
    first, last = (float(v) for v in text.removeprefix("with BN: loss ").split(" -> "))
    assert 1.7 < first < 2.0 and 0.5 < last < 0.8


def test_plot_functions_draw_and_label():
    rng = np.random.default_rng(4)
    runs = {
        (lr, s, bn): {"loss": rng.uniform(0.1, 2.0, 10), "diverged_at": None}
        for lr in (0.1, 1.0)
        for s in (0.1, 1.0)
        for bn in (False, True)
    }
    runs[1.0, 1.0, False] = {"loss": np.r_[2.0, np.full(9, np.nan)], "diverged_at": 1}
    axes = plots.plot_norm_loss_grid(runs, stds=(0.1, 1.0), lrs=(0.1, 1.0))
    assert axes.shape == (2, 2) and axes[1, 0].get_xlabel() == "SGD step"
    assert axes[0, 1].get_title() == "std 1, lr 0.1"
    labels = [line.get_label() for line in axes[1, 1].lines]
    assert "without BN (diverged at step 1)" in labels
    with pytest.raises(KeyError, match="no run for"):
        plots.plot_norm_loss_grid(runs, stds=(0.5,), lrs=(0.1,))
    ax = plots.plot_batch_stat_noise(
        {"batch_size": np.array([2, 4]), "mean_std": np.ones(2), "var_std": np.ones(2)}
    )
    assert ax.get_xlabel() == "batch size B"
    left, right = plots.plot_norm_axes()
    assert "batch norm" in left.get_title() and "layer norm" in right.get_title()
    ax = plots.plot_norm_histograms([np.full(4, np.inf), np.zeros(3)], title="t")
    assert [t.get_text() for t in ax.texts if t.get_text()[:3] in ("std", "ove")] == [
        "overflow",
        "std 0",
    ]
    plt.close("all")


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: plots.plot_norm_histograms(np.zeros(3)), TypeError, "non-empty list"),
        (
            lambda: plots.plot_norm_histograms([np.zeros(3)], value_range=(1, 0)),
            ValueError,
            "low < high",
        ),
        (lambda: plots.plot_batch_stat_noise({}), KeyError, "use batch_stat_noise"),
    ],
)
def test_plot_functions_reject_bad_input(call, error, words):
    with pytest.raises(error, match=words):
        call()
    plt.close("all")
