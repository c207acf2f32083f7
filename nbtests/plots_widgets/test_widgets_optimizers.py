"""The optimizers chapter's widget and plot functions, without a browser."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from utils import nn
from utils.experiments.optimizers import SURFACES
from utils.plots.optimizers import OPTIMIZER_COLORS, plot_loss_per_step, plot_trajectories
from utils.widgets.optimizers import optimizer_race


def _set(w, **values):
    for name, value in values.items():
        w.controls[name].value = value


@pytest.fixture(scope="module")
def race():
    return optimizer_race("test", optimizers=("sgd", "momentum", "adam"), lr=0.1)


def test_race_has_its_controls_and_draws_paths_and_losses(race):
    _set(
        race,
        surface="test",
        optimizers=("sgd", "momentum", "adam"),
        lr=0.1,
        steps=50,
        beta1=0.9,
        beta2=0.99,
    )
    assert set(race.controls) == {"optimizers", "surface", "steps", "lr", "beta1", "beta2"}
    assert bytes(race.image.value).startswith(b"\x89PNG")
    ax_path, ax_loss = race.figure.axes
    assert ax_path.get_xlabel() == "x" and ax_loss.get_xlabel() == "step"
    assert [line.get_label() for line in ax_loss.get_lines()] == ["sgd", "momentum", "adam"]
    assert len(ax_loss.get_lines()[0].get_xdata()) == 51
    assert race.message.startswith("sgd: loss ") and "adam: loss" in race.message


def test_changing_each_control_changes_the_image(race):
    _set(
        race,
        surface="test",
        optimizers=("sgd", "momentum", "adam"),
        lr=0.1,
        steps=50,
        beta1=0.9,
        beta2=0.99,
    )
    for name, value in (
        ("lr", 0.3),
        ("beta1", 0.5),
        ("beta2", 0.9),
        ("steps", 80),
        ("optimizers", ("rmsprop", "adagrad")),
        ("surface", "saddle"),
    ):
        before = bytes(race.image.value)
        _set(race, **{name: value})
        assert bytes(race.image.value) != before, name


def test_divergence_is_reported_in_words_and_the_path_stops(race):
    _set(race, surface="test", optimizers=("sgd", "adam"), lr=2.0, steps=50)
    assert "sgd: diverged at step" in race.message
    assert "nan" not in race.message.lower() and "inf" not in race.message.lower()
    sgd_line = race.figure.axes[0].get_lines()[0]
    assert np.all(np.isfinite(sgd_line.get_xdata())) and len(sgd_line.get_xdata()) < 51


def test_saddle_and_local_minimum_messages(race):
    _set(
        race,
        surface="saddle",
        optimizers=("sgd", "rmsprop"),
        lr=0.05,
        steps=40,
        beta1=0.9,
        beta2=0.99,
    )
    assert "sgd: still at the saddle" in race.message
    assert "rmsprop: escaped the saddle" in race.message
    _set(
        race, surface="local minimum", optimizers=("sgd", "momentum"), lr=0.05, steps=150, beta1=0.9
    )
    assert "sgd: in the local minimum" in race.message
    assert "momentum: in the global minimum" in race.message


def test_no_optimizer_selected_gives_a_message(race):
    _set(race, optimizers=())
    assert race.message.startswith("Select at least one optimizer")
    _set(race, optimizers=("adam",))
    assert race.message.startswith("adam:")


def test_extreme_settings_give_a_message_not_an_error(race):
    _set(race, optimizers=tuple(nn.UPDATES))
    for surface in SURFACES:
        for lr, steps in ((0.001, 5), (3.0, 200)):
            _set(race, surface=surface, lr=lr, steps=steps, beta1=0.99, beta2=0.5)
            assert race.message and not race.message.startswith("Could not draw"), race.message


@pytest.mark.parametrize(
    "kwargs",
    [
        {"surface": "bowl"},
        {"optimizers": ("sgd", "lbfgs")},
        {"optimizers": ()},
        {"lr": 0.0},
        {"lr": 10.0},
        {"beta1": 1.0},
        {"beta2": 0.1},
        {"steps": 2},
        {"steps": 5.0},
    ],
)
def test_race_rejects_bad_arguments(kwargs):
    with pytest.raises(ValueError, match="optimizer_race"):
        optimizer_race(**kwargs)


# ------------------------------------------------------------ optimizer_path and plots


def test_plot_trajectories_draws_each_path_in_its_colour():
    s = SURFACES["test"]
    paths = {
        "sgd": np.array([[-7.0, 2.0], [-6.0, -1.0], [np.nan, 0.0]]),
        "adam": np.array([[-7.0, 2.0], [-6.5, 1.5]]),
    }
    ax = plot_trajectories(
        s["f"], paths, xlim=s["xlim"], ylim=s["ylim"], levels=s["levels"], title="t"
    )
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert len(lines["sgd"].get_xdata()) == 2  # cut before the NaN row
    assert lines["adam"].get_color() == OPTIMIZER_COLORS["adam"]
    assert ax.get_title() == "t" and ax.get_xlabel() == "$x$" and ax.get_legend() is not None
    plt.close(ax.figure)


@pytest.mark.parametrize(
    "paths, error",
    [
        ({}, TypeError),
        ([[0, 0]], TypeError),
        ({"sgd": np.zeros((3, 3))}, ValueError),
        ({"sgd": np.zeros((0, 2))}, ValueError),
    ],
)
def test_plot_trajectories_rejects_bad_paths(paths, error):
    with pytest.raises(error, match="plot_trajectories"):
        plot_trajectories(SURFACES["test"]["f"], paths)


def test_plot_trajectories_rejects_bad_window():
    with pytest.raises(ValueError, match="plot_trajectories"):
        plot_trajectories(SURFACES["test"]["f"], {"sgd": np.zeros((2, 2))}, xlim=(1, -1))
    with pytest.raises(TypeError, match="plot_trajectories"):
        plot_trajectories("f", {"sgd": np.zeros((2, 2))})


def test_plot_loss_per_step():
    ax = plot_loss_per_step({"sgd": [4.0, 2.0, 1.0], "adam": [4.0, 3.0, np.inf]}, title="L")
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert len(lines["adam"].get_xdata()) == 2 and ax.get_yscale() == "log"
    assert ax.get_xlabel() == "step" and ax.get_title() == "L"
    plt.close(ax.figure)
    with pytest.raises(TypeError, match="plot_loss_per_step"):
        plot_loss_per_step({})
    with pytest.raises(ValueError, match="plot_loss_per_step"):
        plot_loss_per_step({"sgd": np.zeros((2, 2))})
