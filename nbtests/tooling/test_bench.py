"""Smoke tests of the benchmark code (``benchmarks/``) on tiny sizes. No timing is asserted."""

import json
import math
import sys
from pathlib import Path

import ipywidgets as ipw
import numpy as np
import pytest

from benchmarks import grading, mlp, notebooks, report, run, widgets
from utils._nbfast import nbformat


def test_flops_count_the_three_products_of_every_layer():
    # forward x @ W, backward dout @ W.T and x.T @ dout: 3 products of 2 * fan_in * fan_out
    assert mlp.flops_per_sample((64, 256, 256, 10)) == 6 * (64 * 256 + 256 * 256 + 256 * 10)
    assert mlp.flops_per_sample((3, 2)) == 36
    assert mlp.epoch_flops(100, (3, 2)) == 3600
    with pytest.raises(ValueError, match="flops_per_sample"):
        mlp.flops_per_sample((5,))


def test_data_is_digits_in_float32_repeated_to_the_size_asked():
    X, y = mlp.make_data(4000)
    assert X.shape == (4000, 64) and X.dtype == np.float32 and y.dtype == np.int64
    assert 0.0 <= X.min() and X.max() <= 1.0
    np.testing.assert_array_equal(X[:1797], X[1797:3594])  # the 1,797 digits, repeated


def test_numpy_mlp_trains_in_float32():
    X, y = mlp.make_data(512)
    net = mlp.NumpyMLP((64, 32, 10), lr=0.1)
    losses = [net.epoch(X, y, batch=64)[1] for _ in range(15)]
    assert all(
        p.dtype == np.float32
        for layer, name in net.model.parameters()
        for p in [layer.params[name]]
    )
    assert net.model.forward(X[:3]).dtype == np.float32
    assert losses[-1] < losses[0]


def _tiny_mlp(**kwargs):
    return mlp.bench_mlp(repeats=1, samples=256, peak_sizes=(64,), log=lambda _: None, **kwargs)


def test_missing_torch_environment_gives_null_torch_keys_with_a_reason(tmp_path):
    result, notes = _tiny_mlp(torch_python=tmp_path / "no-venv" / "bin" / "python")
    assert result["mlp_torch_s"] is None and result["mlp_numpy_over_torch"] is None
    assert any("PyTorch keys are null" in n and "does not exist" in n for n in notes)
    # the NumPy side is still measured, and the rate is the FLOPs over its time
    assert result["mlp_numpy_s"] > 0
    assert math.isclose(
        result["mlp_numpy_gflops"] * 1e9 * result["mlp_numpy_s"], mlp.epoch_flops(256), rel_tol=1e-9
    )
    assert math.isclose(
        result["mlp_fraction_of_peak"], result["mlp_numpy_gflops"] / result["matmul_peak_gflops"]
    )


def test_environment_without_torch_gives_the_import_error_as_reason():
    # the course's own environment has no torch: the worker starts and reports why it cannot
    result, notes = _tiny_mlp(torch_python=Path(sys.executable))
    assert result["mlp_torch_s"] is None
    assert any("PyTorch keys are null" in n and "torch" in n for n in notes)


def test_json_has_exactly_the_keys_with_the_right_types(tmp_path):
    out = tmp_path / "bench.json"
    assert (
        run.main(["--only", "mlp", "--quick", "--samples", "256", "--no-torch", "--out", str(out)])
        == 0
    )
    data = json.loads(out.read_text())
    assert tuple(data) == report.KEYS
    assert isinstance(data["mlp_numpy_s"], float) and data["mlp_torch_s"] is None
    assert data["notebook_s"] == {} and data["widget_redraw_ms"] == {}
    for key in ("course_total_s", "grade_plain_s", "grade_s", "grade_overhead", "setup_s"):
        assert data[key] is None
    table = out.with_suffix(".md").read_text()
    assert "| NumPy time / PyTorch time | null |" in table
    assert "setup_s is null" in table


def test_unknown_section_is_refused():
    with pytest.raises(SystemExit):
        run.parse_args(["--only", "mlp,gpu"])


def test_report_targets_and_missed_list():
    result = report.empty_result()
    result.update(
        mlp_numpy_over_torch=0.7,
        mlp_fraction_of_peak=0.65,
        course_total_s=100.0,
        notebook_s={"00_a": 12.0, "01_b": 31.0},
        widget_redraw_ms={
            "w": {"median_ms": 150.0, "p95_ms": 200.0},
            "v": {"median_ms": None, "p95_ms": None, "reason": "x"},
        },
    )
    assert report.meets("mlp_numpy_over_torch", 0.5) is True
    assert report.meets("mlp_fraction_of_peak", 0.59) is False
    assert report.meets("setup_s", 10.0) is None and report.meets("grade_overhead", None) is None
    assert report.missed_targets(result) == [
        "mlp_numpy_over_torch",
        "notebook_s[01_b]",
        "widget_redraw_ms[w]",
    ]
    table = report.markdown(result, ["why"])
    assert "| notebook 01_b (s) | 31 | ≤ 30 | **no** |" in table
    assert "| widget v, median / p95 (ms) | null / null | ≤ 100 |  |" in table
    assert table.rstrip().endswith("- why")


def test_widget_discovery_keeps_only_factories():
    found = widgets.discover()
    assert "hello_slider" in found and "gate_explorer" in found
    assert "InteractiveFigure" not in found  # the class itself
    import utils.widgets as module

    for name in set(module.__all__) - set(found):
        obj = getattr(module, name)
        assert (
            not callable(obj)
            or isinstance(obj, type)
            or not widgets._returns_interactive_figure(obj)
        )
    for name in widgets.ARGUMENTS:  # the argument table names real factories
        assert name in found


@pytest.mark.parametrize(
    ("control", "expected"),
    [
        (ipw.IntSlider(value=3, min=0, max=10), [0, 2, 5, 8, 10]),
        (ipw.FloatSlider(value=0.0, min=-1.0, max=1.0), [-1.0, -0.5, 0.5, 1.0]),
        (ipw.FloatLogSlider(value=1.0, base=10, min=-2, max=2), [0.01, 0.1, 10.0, 100.0]),
        (ipw.Dropdown(options=["a", "b", "c"], value="b"), ["c", "a"]),
        (ipw.Dropdown(options=[("one", 1), ("two", 2)], value=1), [2]),
        (ipw.SelectMultiple(options=["a", "b", "c"], value=("a",)), [("a", "b"), ("a", "b", "c")]),
        (ipw.Checkbox(value=False), [True, False]),
        (ipw.Text(value="x"), []),
    ],
)
def test_control_values_cover_a_controls_range(control, expected):
    got = widgets.control_values(control, per_control=5)
    assert len(got) == len(expected)
    for g, e in zip(got, expected, strict=True):
        assert g == pytest.approx(e) if isinstance(e, float) else g == e


def test_widget_bench_times_every_change_and_nulls_a_factory_that_fails():
    def broken():
        raise ValueError("needs data")

    from utils.widgets import hello_slider

    got, notes = widgets.bench_widgets(
        per_control=3,
        log=lambda _: None,
        factories={"hello_slider": hello_slider, "broken": broken},
    )
    entry = got["widget_redraw_ms"]["hello_slider"]
    assert set(entry) == {"median_ms", "p95_ms"} and 0 < entry["median_ms"] <= entry["p95_ms"]
    assert got["widget_redraw_ms"]["broken"]["median_ms"] is None
    assert "needs data" in got["widget_redraw_ms"]["broken"]["reason"]
    assert any("broken is null" in n for n in notes)
    # each change of the slider redrew: 3 values across 0..10, none equal to the start value 3
    assert len(widgets.time_widget(hello_slider(), per_control=3)) == 3


def _notebook(path: Path, source: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source)]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, str(path))
    return path


def test_notebook_discovery_and_a_failing_notebook_is_null_with_its_reason(tmp_path):
    good = _notebook(tmp_path / "00_good.ipynb", "x = 1 + 1")
    bad = _notebook(tmp_path / "01_bad.ipynb", "raise ValueError('broken on purpose')")
    _notebook(tmp_path / "notes.ipynb", "pass")
    _notebook(tmp_path / "1_short.ipynb", "pass")
    assert notebooks.discover(tmp_path) == [good, bad]
    got, notes = notebooks.bench_notebooks([good, bad], repeats=1, log=lambda _: None)
    assert got["notebook_s"]["00_good"] > 0 and got["notebook_s"]["01_bad"] is None
    assert got["course_total_s"] is None
    assert any("01_bad" in n and "broken on purpose" in n for n in notes)


def test_grading_keys_are_null_with_a_reason_without_a_notebook():
    got, notes = grading.bench_grading([], repeats=1, chapter="05")
    assert got == {"grade_plain_s": None, "grade_s": None, "grade_overhead": None}
    assert notes == ["grading keys are null: no solution notebook with exercises for chapter 05"]


def test_grading_picks_the_chapter_asked_or_the_one_with_most_exercises(tmp_path):
    paths = []
    for name, exercises in (
        ("00_intro", []),
        ("01_one", ["ex01_a"]),
        ("02_two", ["ex02_a", "ex02_b"]),
        ("03_two", ["ex03_a", "ex03_b"]),
    ):
        path = _notebook(tmp_path / f"{name}.ipynb", "pass")
        nb = nbformat.read(str(path), as_version=4)
        nb.metadata["dlf"] = {"exercises": exercises}
        nbformat.write(nb, str(path))
        paths.append(path)
    assert grading.pick_notebook(paths) == paths[2]  # most exercises, the first of a tie
    assert grading.pick_notebook(paths[:2]) == paths[1]
    assert grading.pick_notebook(paths[:1]) is None
    assert grading.pick_notebook(paths, chapter="0") == paths[0]
    assert grading.pick_notebook(paths, chapter="07") is None


def test_browser_latency_reaches_the_json_and_the_table(tmp_path, monkeypatch):
    from benchmarks import browser_latency

    def fake(*, changes, log, screenshots):
        assert changes == 12 and screenshots.name == "latency"
        return {
            "browser_redraw_ms": {
                "fast": browser_latency.summary([100.0, 120.0, 110.0]),
                "slow": browser_latency.summary([300.0] * 9 + [900.0]),
                "broken": {"median_ms": None, "p95_ms": None, "reason": "no slider"},
            }
        }, ["browser: 3 widgets"]

    monkeypatch.setattr(browser_latency, "bench_browser", fake)
    out = tmp_path / "bench.json"
    assert run.main(["--only", "browser", "--browser-changes", "12", "--out", str(out)]) == 0
    data = json.loads(out.read_text())
    assert tuple(data) == report.KEYS and data["widget_redraw_ms"] == {}
    assert data["browser_redraw_ms"]["fast"] == {"median_ms": 110.0, "p95_ms": 119.0}
    assert data["browser_redraw_ms"]["slow"]["median_ms"] == 300.0
    assert data["browser_redraw_ms"]["slow"]["p95_ms"] == pytest.approx(630.0)
    assert report.missed_targets(data) == ["browser_redraw_ms[slow]"]
    table = out.with_suffix(".md").read_text()
    assert "| widget fast in the browser, median / p95 (ms) | 110 / 119 | ≤ 250 | yes |" in table
    assert "| widget slow in the browser, median / p95 (ms) | 300 / 630 | ≤ 250 | **no** |" in table
    assert "| widget broken in the browser, median / p95 (ms) | null / null | ≤ 250 |  |" in table
    assert "Targets missed: browser_redraw_ms[slow]" in table
    assert "widget_redraw_ms is empty: section not run (--only)" in table


def test_browser_latency_without_chromium_is_empty_with_the_reason(tmp_path, monkeypatch):
    from benchmarks import browser_latency

    monkeypatch.setattr(browser_latency, "CHROMIUM", tmp_path / "no-chromium")
    got, notes = browser_latency.bench_browser(names=["hello_slider"], log=lambda _: None)
    assert got == {"browser_redraw_ms": {}}
    assert len(notes) == 1 and "browser_redraw_ms is empty" in notes[0] and "chromium" in notes[0]
    result = report.empty_result()
    assert result["browser_redraw_ms"] == {} and report.missed_targets(result) == []


def test_widget_notebook_builds_the_widget_with_its_chapter_data(tmp_path):
    from benchmarks import browser_latency

    path = browser_latency.widget_notebook("penalty_explorer", tmp_path)
    nb = nbformat.read(str(path), as_version=4)
    (cell,) = nb.cells
    assert "from utils.widgets import penalty_explorer" in cell.source
    assert cell.source.splitlines()[-1] == "penalty_explorer(*args, **kwargs)"
    assert browser_latency.code_cells(path) == 1
    # the cell's code builds the widget in this process too
    namespace = {}
    exec(
        compile(cell.source.replace("\npenalty_explorer(", "\nw = penalty_explorer("), "c", "exec"),
        namespace,
    )
    assert namespace["w"].image.value[:4] == b"\x89PNG"
