"""The Markdown table of a benchmark run, with its targets and notes."""

from __future__ import annotations

#: The keys of ``_build/bench.json``, in the order of the table.
KEYS = (
    "mlp_numpy_s",
    "mlp_torch_s",
    "mlp_numpy_over_torch",
    "matmul_peak_gflops",
    "mlp_numpy_gflops",
    "mlp_fraction_of_peak",
    "notebook_s",
    "course_total_s",
    "widget_redraw_ms",
    "browser_redraw_ms",
    "grade_plain_s",
    "grade_s",
    "grade_overhead",
    "setup_s",
)

#: The keys whose value is a map (name -> value); empty when not measured.
MAPS = ("notebook_s", "widget_redraw_ms", "browser_redraw_ms")

#: Targets: key -> (comparison, bound). For the maps, every entry must meet the bound.
TARGETS = {
    "mlp_numpy_over_torch": ("<=", 0.5),
    "mlp_fraction_of_peak": (">=", 0.6),
    "notebook_s": ("<=", 30.0),
    "course_total_s": ("<=", 180.0),
    "widget_redraw_ms": ("<=", 100.0),  # the median of each widget
    "browser_redraw_ms": ("<=", 250.0),  # the median of each widget, key press to painted
    "grade_overhead": ("<=", 1.5),
}


def empty_result() -> dict:
    """Every key, null (maps empty): what a run that measured nothing writes."""
    return {k: ({} if k in MAPS else None) for k in KEYS}


def meets(key: str, value) -> bool | None:
    """Whether a measured value meets its target (None: no target, or not measured)."""
    if key not in TARGETS or value is None:
        return None
    op, bound = TARGETS[key]
    return value <= bound if op == "<=" else value >= bound


def _fmt(value, digits: int = 3) -> str:
    if value is None:
        return "null"
    return f"{value:.{digits}g}" if abs(value) < 1000 else f"{value:.0f}"


def _row(label: str, value: str, key: str | None, measured) -> str:
    target = ""
    verdict = ""
    if key in TARGETS:
        op, bound = TARGETS[key]
        target = f"{'≤' if op == '<=' else '≥'} {bound:g}"
        ok = meets(key, measured)
        verdict = "" if ok is None else ("yes" if ok else "**no**")
    return f"| {label} | {value} | {target} | {verdict} |"


def missed_targets(result: dict) -> list[str]:
    """Labels of every measured value that misses its target."""
    missed = []
    for key in ("mlp_numpy_over_torch", "mlp_fraction_of_peak", "course_total_s", "grade_overhead"):
        if meets(key, result.get(key)) is False:
            missed.append(key)
    for name, seconds in (result.get("notebook_s") or {}).items():
        if meets("notebook_s", seconds) is False:
            missed.append(f"notebook_s[{name}]")
    for key in ("widget_redraw_ms", "browser_redraw_ms"):
        for name, entry in (result.get(key) or {}).items():
            if meets(key, entry.get("median_ms")) is False:
                missed.append(f"{key}[{name}]")
    return missed


def markdown(result: dict, notes: list[str], header: list[str] | None = None) -> str:
    """The table, then the notes (why a value is null, what limits a missed target)."""
    r = result
    lines = [
        *(header or []),
        "",
        "| measurement | value | target | met |",
        "| --- | --- | --- | --- |",
        _row("MLP epoch, utils.nn float32 (s)", _fmt(r["mlp_numpy_s"]), None, None),
        _row("MLP epoch, PyTorch CPU (s)", _fmt(r["mlp_torch_s"]), None, None),
        _row(
            "NumPy time / PyTorch time",
            _fmt(r["mlp_numpy_over_torch"]),
            "mlp_numpy_over_torch",
            r["mlp_numpy_over_torch"],
        ),
        _row("float32 matmul peak (GFLOP/s)", _fmt(r["matmul_peak_gflops"]), None, None),
        _row("MLP achieved, utils.nn (GFLOP/s)", _fmt(r["mlp_numpy_gflops"]), None, None),
        _row(
            "MLP fraction of peak",
            _fmt(r["mlp_fraction_of_peak"], 2),
            "mlp_fraction_of_peak",
            r["mlp_fraction_of_peak"],
        ),
    ]
    for name, seconds in (r["notebook_s"] or {}).items():
        lines.append(_row(f"notebook {name} (s)", _fmt(seconds), "notebook_s", seconds))
    lines.append(
        _row("course total (s)", _fmt(r["course_total_s"]), "course_total_s", r["course_total_s"])
    )
    for key, label in (
        ("widget_redraw_ms", "widget {}, median / p95 (ms)"),
        ("browser_redraw_ms", "widget {} in the browser, median / p95 (ms)"),
    ):
        for name, entry in (r[key] or {}).items():
            value = f"{_fmt(entry.get('median_ms'))} / {_fmt(entry.get('p95_ms'))}"
            lines.append(_row(label.format(name), value, key, entry.get("median_ms")))
    lines += [
        _row("chapter executed plainly (s)", _fmt(r["grade_plain_s"]), None, None),
        _row("chapter graded (s)", _fmt(r["grade_s"]), None, None),
        _row(
            "grading overhead (graded / plain)",
            _fmt(r["grade_overhead"]),
            "grade_overhead",
            r["grade_overhead"],
        ),
        _row("make setup from an empty .venv (s)", _fmt(r["setup_s"]), None, None),
    ]
    missed = missed_targets(r)
    lines += ["", "Targets missed: " + (", ".join(missed) if missed else "none"), ""]
    lines += [f"- {note}" for note in notes]
    return "\n".join(lines) + "\n"
