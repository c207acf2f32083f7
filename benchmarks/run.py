"""``python -m benchmarks``: run every measurement, print the table, write the JSON.

Usage::

    python -m benchmarks                 # everything but setup (several minutes)
    python -m benchmarks --quick         # fewer repeats and changes, for development
    python -m benchmarks --setup         # also time `make setup` from an empty .venv
    python -m benchmarks --only mlp,widgets
    python -m benchmarks --only browser  # widgets in JupyterLab in chromium, alone

Writes ``_build/bench.json`` (the keys of :data:`benchmarks.report.KEYS`, nothing else:
values in seconds, milliseconds or ratios as named, null when not measured) and
``_build/bench.md`` (the table with the notes that explain every null and missed target).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from pathlib import Path

from benchmarks.report import KEYS, empty_result, markdown

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = ("mlp", "notebooks", "widgets", "browser", "grade")


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description="Course benchmarks.")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="fewer repeats (MLP 5 epochs on 10,000 samples, notebooks once)",
    )
    parser.add_argument(
        "--setup", action="store_true", help="also time `make setup` from an empty .venv (slow)"
    )
    parser.add_argument(
        "--only",
        default=",".join(SECTIONS),
        help=f"comma-separated sections among {','.join(SECTIONS)}",
    )
    parser.add_argument(
        "--torch-python",
        type=Path,
        default=ROOT / ".venv-bench/bin/python",
        help="the python of the environment with PyTorch",
    )
    parser.add_argument("--no-torch", action="store_true", help="skip the PyTorch side")
    parser.add_argument(
        "--samples",
        type=int,
        default=None,
        help="MLP training samples (default 50,000; 10,000 with --quick)",
    )
    parser.add_argument(
        "--grade-chapter",
        default=None,
        help="chapter number to grade (default: the first with exercises)",
    )
    parser.add_argument(
        "--browser-changes",
        type=int,
        default=10,
        help="slider changes timed per widget in the browser (default 10)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "_build/bench.json")
    args = parser.parse_args(argv)
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = sorted(set(only) - set(SECTIONS))
    if unknown:
        parser.error(f"--only: unknown sections {unknown}; choose among {list(SECTIONS)}")
    args.only = only
    return args


def run(args, log=_log) -> tuple[dict, list[str]]:
    """Run the chosen sections; return the result (every key) and the notes."""
    from benchmarks import grading, notebooks, widgets
    from benchmarks.mlp import SAMPLES, bench_mlp

    result, notes = empty_result(), []
    paths = notebooks.discover()
    if "mlp" in args.only:
        log("MLP: utils.nn vs PyTorch")
        samples = args.samples or (10_000 if args.quick else SAMPLES)
        values, why = bench_mlp(
            torch_python=None if args.no_torch else args.torch_python,
            repeats=5,
            samples=samples,
            peak_sizes=(1024,) if args.quick else (1024, 2048),
            log=log,
        )
        result.update(values)
        notes += why
        if samples != SAMPLES:
            notes.append(f"the MLP ran on {samples:,} samples, not {SAMPLES:,}")
    else:
        notes.append("MLP keys are null: section not run (--only)")
    if "widgets" in args.only:
        log("widgets")
        values, why = widgets.bench_widgets(per_control=2 if args.quick else 5, log=log)
        result.update(values)
        notes += why
    else:
        notes.append("widget_redraw_ms is empty: section not run (--only)")
    if "browser" in args.only:
        from benchmarks.browser_latency import bench_browser

        log("widgets in the browser (JupyterLab in chromium)")
        values, why = bench_browser(
            changes=args.browser_changes, log=log, screenshots=ROOT / "_build/screenshots/latency"
        )
        result.update(values)
        notes += why
    else:
        notes.append("browser_redraw_ms is empty: section not run (--only)")
    if "notebooks" in args.only:
        log(f"notebooks: {len(paths)} found")
        values, why = notebooks.bench_notebooks(paths, repeats=1 if args.quick else 3, log=log)
        result.update(values)
        notes += why
    else:
        notes.append("notebook keys are empty/null: section not run (--only)")
    if "grade" in args.only:
        log("grading")
        values, why = grading.bench_grading(
            paths, repeats=1 if args.quick else 3, chapter=args.grade_chapter, log=log
        )
        result.update(values)
        notes += why
    else:
        notes.append("grading keys are null: section not run (--only)")
    if args.setup:
        from benchmarks.setup_time import bench_setup

        log("setup")
        values, why = bench_setup(log=log)
        result.update(values)
        notes += why
    else:
        notes.append("setup_s is null: pass --setup (make bench BENCH_ARGS=--setup) to time it")
    return result, notes


def _machine() -> str:
    import numpy as np

    try:
        load = "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    except OSError:
        load = "load average unknown"
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"NumPy {np.__version__}; {load}"
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    before = _machine()
    result, notes = run(args)
    if tuple(result) != KEYS:
        raise RuntimeError(f"benchmarks: the result's keys drifted from KEYS: {list(result)}")
    header = [
        "## Benchmarks",
        "",
        f"Machine at start: {before}",
        "",
        f"Machine at end: {_machine()}",
    ]
    table = markdown(result, notes, header)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    tmp.replace(args.out)
    args.out.with_suffix(".md").write_text(table, encoding="utf-8")
    print(table)
    print(f"wrote {args.out} and {args.out.with_suffix('.md')}", file=sys.stderr)
    return 0
