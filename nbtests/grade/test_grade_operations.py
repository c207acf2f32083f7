"""Running the grader as a TA does: stopping a batch, file permissions, keys, limits, secrets."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time

import numpy as np
import pytest
from grade_corpus import ROOT, exercise_sources, notebook_path, read_rows, with_cells, write

from utils.checks import exercise_seed
from utils.grade.cli import discover
from utils.grade.core import secret_inputs
from utils.grade.submission import MAX_CODE_CHARS, Rejected, Submission, parse

pytestmark = pytest.mark.grader

SOL = exercise_sources("00")


def _children(tmpdir) -> list[int]:
    """Live processes of the grader's children whose job folder is under ``tmpdir`` (the
    grader was given TMPDIR=tmpdir, so other graders running now do not count)."""
    pids = []
    marker = f"HOME={tmpdir}".encode()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as f:
                env = f.read().split(b"\0")
            with open(f"/proc/{entry}/status") as f:
                state = next(line for line in f if line.startswith("State:")).split()[1]
        except (OSError, StopIteration):
            continue
        if any(v.startswith(marker) for v in env) and state not in ("Z", "X"):
            pids.append(int(entry))
    return pids


@pytest.mark.slow  # runs the grader's command line
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_stops_the_batch_within_seconds(tmp_path, sig):
    subs = tmp_path / "subs"
    solution = notebook_path("solution", "00").read_bytes()
    for name in ("a1", "a2"):
        (subs / f"{name}.ipynb").parent.mkdir(exist_ok=True)
        (subs / f"{name}.ipynb").write_bytes(solution)
    slow = with_cells(
        "00", {"ex00_affine": "import time\ntime.sleep(120)\n" + SOL["ex00_affine"]}, "solution"
    )
    for name in ("b1", "b2", "b3", "b4"):
        write(slow, subs / f"{name}.ipynb")
    out = tmp_path / "grades.csv"
    jobs = tmp_path / "jobs"
    jobs.mkdir()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "utils.grade",
            str(subs),
            "--out",
            str(out),
            "--jobs",
            "2",
            "--timeout",
            "300",
            "--secret",
            "stop-test",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(jobs)},
    )
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        if out.exists() and len(read_rows(out)) >= 2:
            break
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.2)
    time.sleep(3)  # the slow submissions are now running their 120-second cell
    assert _children(jobs), "the slow submissions should be running"
    sent = time.monotonic()
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    took = time.monotonic() - sent
    assert proc.returncode == 130, err
    assert took < 15, f"the batch took {took:.1f} s to stop"
    assert "run the same command again" in err and "(4 left)" in err, err
    assert sorted(read_rows(out)) == ["a1.ipynb", "a2.ipynb"]  # finished rows only
    time.sleep(0.5)
    assert _children(jobs) == [], "a child outlived the grader"


@pytest.mark.slow  # runs the grader's command line
def test_outputs_follow_the_umask_and_the_key_is_private(tmp_path):
    subs = tmp_path / "subs"
    write(
        with_cells(
            "00",
            {
                "ex00_affine": (
                    "def affine(X, W, b):\n"
                    "    print('shapes', X.shape, W.shape)\n"
                    "    return add_bias(X @ W, b)\n"
                )
            },
            "solution",
        ),
        subs / "00_start_here.ipynb",
    )
    out, fb = tmp_path / "g" / "grades.csv", tmp_path / "fb"
    env = {k: v for k, v in os.environ.items() if k != "DLF_GRADE_SECRET"}
    proc = subprocess.run(
        [sys.executable, "-m", "utils.grade", str(subs), "--out", str(out), "--feedback", str(fb)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        preexec_fn=lambda: os.umask(0o027),
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    mode = {p.name: stat.S_IMODE(p.stat().st_mode) for p in [*out.parent.iterdir(), *fb.iterdir()]}
    assert mode == {
        "grades.csv": 0o640,
        "grades.manifest.json": 0o640,
        "grades.key": 0o600,
        "grades.mistakes.json": 0o640,
        "report.html": 0o640,
        "00_start_here.md": 0o640,
    }
    text = (fb / "00_start_here.md").read_text()
    # The undefined helper is named, with where it should come from; the prints are shown.
    assert "`add_bias` is not defined when your function runs: define it" in text
    assert "What your code printed while it was checked" in text and "shapes (" in text
    # The key file made on the first run is reused: the same scores again.
    first = read_rows(out)
    proc = subprocess.run(
        [sys.executable, "-m", "utils.grade", str(subs), "--out", str(out), "--force"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr
    assert read_rows(out) == first


def test_keys_are_unique_by_path_for_any_files_and_folders(tmp_path):
    for folder in ("sec1", "sec2", "sec2/late"):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
        (tmp_path / folder / "05_backpropagation.ipynb").write_text("{}")
    (tmp_path / "sec1" / ".ipynb_checkpoints").mkdir()
    (tmp_path / "sec1" / ".ipynb_checkpoints" / "x.ipynb").write_text("{}")
    both = discover([str(tmp_path / "sec1"), str(tmp_path / "sec2")])
    assert sorted(both) == [
        "sec1/05_backpropagation.ipynb",
        "sec2/05_backpropagation.ipynb",
        "sec2/late/05_backpropagation.ipynb",
    ]
    globbed = discover([str(p) for p in sorted(tmp_path.glob("sec*/05_*.ipynb"))])
    assert sorted(globbed) == ["sec1/05_backpropagation.ipynb", "sec2/05_backpropagation.ipynb"]
    one = discover([str(tmp_path / "sec2")])
    assert sorted(one) == ["05_backpropagation.ipynb", "late/05_backpropagation.ipynb"]
    single = discover([str(tmp_path / "sec1" / "05_backpropagation.ipynb")])
    assert list(single) == ["05_backpropagation.ipynb"]


def test_outputs_do_not_count_against_the_size_limit_but_the_file_and_code_do():
    nb = json.loads(notebook_path("solution", "00").read_text())
    code = next(c for c in nb["cells"] if c["cell_type"] == "code")
    code["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "x" * 5_000_000}]
    raw = json.dumps(nb).encode()
    sub = parse(raw, "00_start_here.ipynb", None)
    assert isinstance(sub, Submission) and sub.chapter == "00"
    too_big = parse(raw, "00_start_here.ipynb", None, max_bytes=1_000_000)
    assert isinstance(too_big, Rejected) and too_big.reason == "file too large"
    assert "--max-size" in too_big.detail
    code["outputs"] = []
    code["source"] = "x = 1\n" * (MAX_CODE_CHARS // 6 + 10)
    huge = parse(json.dumps(nb).encode(), "00_start_here.ipynb", None)
    assert isinstance(huge, Rejected) and huge.reason == "code too large"


def test_the_secret_inputs_depend_on_the_secret_only():
    ids = ["ex00_affine", "ex00_batch_iterations"]
    one, again = secret_inputs(ids, b"course-a"), secret_inputs(ids, b"course-a")
    other = secret_inputs(ids, b"course-b")
    flat = [
        v for ex in ids for probe in one[ex] for v in probe.values() if isinstance(v, np.ndarray)
    ]
    flat_again = [
        v for ex in ids for probe in again[ex] for v in probe.values() if isinstance(v, np.ndarray)
    ]
    flat_other = [
        v for ex in ids for probe in other[ex] for v in probe.values() if isinstance(v, np.ndarray)
    ]
    assert flat and all(np.array_equal(a, b) for a, b in zip(flat, flat_again, strict=True))
    assert not all(np.array_equal(a, b) for a, b in zip(flat, flat_other, strict=True))
    assert exercise_seed("ex00_affine", b"s") != exercise_seed("ex00_center_columns", b"s")


def test_the_seeds_are_pinned():
    # A changed derivation would change every notebook's probe inputs and every re-grade.
    assert exercise_seed("ex00_affine") == 2613875095
    assert exercise_seed("ex00_affine", b"s") == 17898416904381317353


@pytest.mark.slow  # runs the grader's command line
def test_an_unreadable_key_file_is_a_usage_error(tmp_path):
    (tmp_path / "grades.key").write_text("short\n")
    write(with_cells("00", {}, "solution"), tmp_path / "subs" / "00_start_here.ipynb")
    env = {k: v for k, v in os.environ.items() if k != "DLF_GRADE_SECRET"}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "utils.grade",
            str(tmp_path / "subs"),
            "--out",
            str(tmp_path / "grades.csv"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 2 and "grades.key" in proc.stderr, proc.stderr
