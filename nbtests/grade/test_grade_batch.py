"""The grader's batch behaviour: malformed files, chapters, CLI errors, resume, shards.

Malformed submissions never reach a child process: each becomes a row with 0 points and a
short reason, and the batch goes on. The gradebook is written atomically after every
submission, so a grader killed mid-batch resumes where it stopped; shards of a batch merge
into one gradebook, refusing duplicates and missing submissions.
"""

from __future__ import annotations

import copy
import os
import signal
import subprocess
import sys
import time

import pytest
from grade_corpus import (
    ROOT,
    exercise_sources,
    load,
    nb3_text,
    notebook_path,
    read_rows,
    run_grader,
    with_cells,
    write,
)

from utils._nbfast import nbformat
from utils.grade.cli import main
from utils.notebook import exercise_id

# Each test grades notebooks in child kernels (a batch per module): seconds to minutes.
pytestmark = [pytest.mark.grader, pytest.mark.slow]

SOL = exercise_sources("00")


@pytest.fixture(scope="module")
def malformed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("malformed")
    subs = tmp / "subs"
    subs.mkdir()
    text = notebook_path("solution", "00").read_text()
    (subs / "truncated.ipynb").write_text(text[: len(text) // 2])
    (subs / "binary_junk.ipynb").write_bytes(os.urandom(5000))
    (subs / "empty.ipynb").write_bytes(b"")
    (subs / "nbformat3.ipynb").write_text(nb3_text())
    (subs / "json_list.ipynb").write_text("[1, 2, 3]")
    (subs / "other_chapter.ipynb").write_bytes(notebook_path("solution", "01").read_bytes())
    nb = load("solution", "00")
    nb.cells = [c for c in nb.cells if exercise_id(c) != "ex00_affine"]
    write(nb, subs / "missing_cell.ipynb")
    nb = load("solution", "00")
    for cell in nb.cells:
        cell.metadata.pop("exercise_id", None)  # matched by cell id instead
    write(nb, subs / "ids_only.ipynb")
    write(
        with_cells(
            "00", {"ex00_affine": SOL["ex00_affine"].replace("X @ W + b", "X @ W")}, "solution"
        ),
        subs / "no_bias.ipynb",
    )
    (subs / ".ipynb_checkpoints").mkdir()
    (subs / ".ipynb_checkpoints" / "ignored.ipynb").write_bytes(b"")
    out = tmp / "grades.csv"
    proc = run_grader(subs, "--chapter", "0", "--out", out, "--feedback", tmp / "fb")
    return {"proc": proc, "rows": read_rows(out), "fb": tmp / "fb"}


@pytest.mark.parametrize(
    ("name", "status", "total"),
    [
        ("truncated", "malformed notebook", "0"),
        ("binary_junk", "malformed notebook", "0"),
        ("empty", "empty file", "0"),
        ("nbformat3", "nbformat 3", "0"),
        ("json_list", "malformed notebook", "0"),
        ("other_chapter", "wrong chapter", "0"),
        ("missing_cell", "missing exercise cells", "2"),
        ("ids_only", "ok", "4"),
    ],
)
def test_each_submission_gets_a_row_and_a_reason(malformed, name, status, total):
    row = malformed["rows"][f"{name}.ipynb"]
    assert (row["status"], row["total"], row["max_total"]) == (status, total, "4")


def test_the_batch_of_broken_files_finishes(malformed):
    assert malformed["proc"].returncode == 0, malformed["proc"].stderr
    assert len(malformed["rows"]) == 9  # the checkpoint folder is skipped


def test_feedback_gives_expected_got_and_the_hint(malformed):
    text = (malformed["fb"] / "no_bias.md").read_text()
    assert "## ex00_affine" in text and "expected" in text and "got" in text
    assert "Hint (" in text
    assert "not valid JSON" in (malformed["fb"] / "truncated.md").read_text()
    assert "chapter 01" in (malformed["fb"] / "other_chapter.md").read_text()


def test_chapter_from_file_name_then_cells_else_unknown(tmp_path):
    nb = load("solution", "00")
    del nb.metadata["dlf"]
    write(nb, tmp_path / "subs" / "00_mine.ipynb")
    write(nb, tmp_path / "subs" / "mine.ipynb")  # the exercise ids in the cells' metadata
    bare = copy.deepcopy(nb)
    for cell in bare.cells:
        cell.metadata = {}
    write(bare, tmp_path / "subs" / "renamed.ipynb")  # only the functions it defines
    unrelated = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    write(unrelated, tmp_path / "subs" / "other.ipynb")
    proc = run_grader(tmp_path / "subs", "--out", tmp_path / "g.csv")
    assert proc.returncode == 0, proc.stderr
    rows = read_rows(tmp_path / "g.csv")
    for name in ("00_mine.ipynb", "mine.ipynb", "renamed.ipynb"):
        assert (rows[name]["status"], rows[name]["total"]) == ("ok", "4"), name
    assert rows["other.ipynb"]["status"] == "unknown chapter"


@pytest.mark.parametrize(
    "args",
    [
        ["--jobs", "0"],
        ["--chapter", "99"],
        ["--timeout", "-1"],
        ["--shard", "3/2"],
        ["--shard", "x"],
        ["--out", "/proc/no/such/place/grades.csv"],
    ],
)
def test_bad_arguments_exit_nonzero(tmp_path, args, capsys):
    (tmp_path / "a.ipynb").write_bytes(b"")
    argv = [str(tmp_path / "a.ipynb"), *args]
    if "--out" not in args:
        argv += ["--out", str(tmp_path / "g.csv")]
    assert main(argv) == 2
    assert "error:" in capsys.readouterr().err


def test_a_missing_path_or_a_foreign_csv_exit_nonzero(tmp_path, capsys):
    assert main([str(tmp_path / "nope"), "--out", str(tmp_path / "g.csv")]) == 2
    (tmp_path / "a.ipynb").write_bytes(b"")
    (tmp_path / "g.csv").write_text("name,score\nx,1\n")
    assert main([str(tmp_path / "a.ipynb"), "--out", str(tmp_path / "g.csv")]) == 2
    assert (tmp_path / "g.csv").read_text() == "name,score\nx,1\n"  # not overwritten


def _wait_rows(path, n, proc, limit=120.0):
    end = time.monotonic() + limit
    while time.monotonic() < end and proc.poll() is None:
        if path.exists() and len(read_rows(path)) >= n:
            return
        time.sleep(0.1)


def test_the_gradebook_survives_a_killed_grader(tmp_path):
    subs = tmp_path / "subs"
    blank = notebook_path("course", "00").read_bytes()
    names = [f"student{i}.ipynb" for i in range(5)]
    for name in names:
        (subs / name).parent.mkdir(exist_ok=True)
        (subs / name).write_bytes(blank)
    out = tmp_path / "grades.csv"
    cmd = [sys.executable, "-m", "utils.grade", str(subs), "--out", str(out), "--jobs", "1"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _wait_rows(out, 2, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    first = read_rows(out)
    assert 2 <= len(first) < len(names)
    again = run_grader(subs, "--out", out, "--jobs", "2")
    assert again.returncode == 0, again.stderr
    assert f"{len(first)} already in" in again.stdout
    rows = read_rows(out)  # read_rows refuses duplicate rows
    assert sorted(rows) == names
    assert all(r["total"] == "0" and r["status"] == "unchanged" for r in rows.values())
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_shards_merge_into_one_gradebook(tmp_path, capsys):
    subs = tmp_path / "subs"
    subs.mkdir()
    for i in range(8):
        (subs / f"s{i}.ipynb").write_bytes(b"")  # empty files: graded without a child
    for k in (1, 2, 3):
        assert (
            main([str(subs), "--shard", f"{k}/3", "--out", str(tmp_path / f"p{k}.csv"), "--quiet"])
            == 0
        )
    parts = [read_rows(tmp_path / f"p{k}.csv") for k in (1, 2, 3)]
    assert sum(len(p) for p in parts) == 8
    assert not set(parts[0]) & set(parts[1])
    merged = tmp_path / "all.csv"
    args = ["merge", *(str(tmp_path / f"p{k}.csv") for k in (1, 2, 3)), "--out", str(merged)]
    assert main(args) == 0
    assert sorted(read_rows(merged)) == [f"s{i}.ipynb" for i in range(8)]
    capsys.readouterr()
    assert (
        main(
            [
                "merge",
                str(tmp_path / "p1.csv"),
                str(tmp_path / "p2.csv"),
                "--out",
                str(tmp_path / "bad.csv"),
            ]
        )
        == 2
    )
    assert "3/3" in capsys.readouterr().err
    assert (
        main(
            [
                "merge",
                str(tmp_path / "p1.csv"),
                str(tmp_path / "all.csv"),
                "--out",
                str(tmp_path / "bad.csv"),
            ]
        )
        == 2
    )
    assert "duplicate submission" in capsys.readouterr().err
    assert not (tmp_path / "bad.csv").exists()


def test_regrading_is_skipped_unless_forced(tmp_path, capsys):
    (tmp_path / "a.ipynb").write_bytes(b"")
    out = str(tmp_path / "g.csv")
    assert main([str(tmp_path / "a.ipynb"), "--out", out]) == 0
    assert main([str(tmp_path / "a.ipynb"), "--out", out]) == 0
    assert "grading 0 submission(s), 1 already in" in capsys.readouterr().out
    assert main([str(tmp_path / "a.ipynb"), "--out", out, "--force"]) == 0
    assert "grading 1 submission(s)" in capsys.readouterr().out


@pytest.mark.skipif(os.geteuid() != 0, reason="the private root (and its binds) needs root")
def test_a_broken_sandbox_stops_the_batch_before_any_row(tmp_path, monkeypatch, capsys):
    """A child that cannot import the course (here: utils/ left out of the private root) must
    not give every student 0 and "kernel died": the self-test fails, nothing is written."""
    import utils.grade.runner as runner

    subs = tmp_path / "subs"
    subs.mkdir()
    write(load("solution", "00"), subs / "a.ipynb")
    binds = runner._binds
    monkeypatch.setattr(runner, "_binds", lambda: [p for p in binds() if not p.endswith("/utils")])
    out = tmp_path / "grades.csv"
    assert main([str(subs), "--out", str(out), "--quiet"]) == 3
    err = capsys.readouterr().err
    assert "self-test failed" in err and "chapter 00 scored 0/4" in err
    assert not out.exists()
