"""The grader against hostile submissions of chapter 00 (one batch, each row checked).

Chapter 00 has three exercises: ex00_batch_iterations (1 point), ex00_affine (2 points) and
ex00_center_columns (1 point). Every submission below is built from the course notebook (blank
stubs) or the solution notebook, with one attack added; the whole corpus is graded in one
batch with ``--jobs 2``, and each test checks one row and that the batch wrote every row.
"""

from __future__ import annotations

import os
import secrets
import socket
import textwrap

import pytest
from grade_corpus import ROOT, exercise_sources, load, read_rows, run_grader, with_cells, write

from utils._nbfast import nbformat
from utils.grade.runner import isolation_mode
from utils.notebook import CHECK_ID_SUFFIX, is_check

# Each test grades notebooks in child kernels (a batch per module): seconds to minutes.
pytestmark = [pytest.mark.grader, pytest.mark.slow]

ROOT_ONLY = pytest.mark.skipif(
    isolation_mode() != "root", reason="namespaces and per-job uids need root"
)
SOL = exercise_sources("00")
STUB = exercise_sources("00", "course")
TOKEN = secrets.token_hex(6)
UIDS = (64000, 64099)  # this batch's own job uids, apart from other graders running now
PWNED = [ROOT / f"PWNED_{TOKEN}", f"/tmp/dlf_pwned_{TOKEN}", f"/var/tmp/dlf_pwned_{TOKEN}"]


def _fake_checks(nb):
    """Check cells replaced by prints of success lines, outputs faked, a 'passed' cell added."""
    for cell in nb.cells:
        if is_check(cell):
            ex_id = cell.id.removesuffix(CHECK_ID_SUFFIX)
            cell.source = f'print("{ex_id}: 7/7 checks passed")'
            cell.outputs = [
                nbformat.v4.new_output(
                    "stream", name="stdout", text=f"{ex_id}: 7/7 checks passed\n"
                )
            ]
            cell.execution_count = 1
    nb.cells.append(nbformat.v4.new_code_cell("print('ALL PASSED')", id="fake-passed"))
    return nb


def _no_checks(nb):
    nb.cells = [c for c in nb.cells if not is_check(c)]
    return nb


BUILTIN_PATCHES = textwrap.dedent("""
    import builtins
    builtins.isinstance = lambda *a: True
    builtins.print = lambda *a, **k: None
    builtins.len = lambda x: 7
""")
PATCHES = textwrap.dedent("""
    import numpy
    import numpy.testing
    import utils.checks as uc
    from utils.checks import Outcome
    numpy.allclose = lambda *a, **k: True
    numpy.isclose = lambda a, b, *r, **k: numpy.ones(numpy.shape(a), dtype=bool)
    numpy.testing.assert_allclose = lambda *a, **k: None
    uc.compare = lambda *a, **k: None
    uc.judge = lambda probe, inputs, outcome, obj_name="": uc.Verdict(probe.name, True)
    uc.run_probe = lambda probe, obj, inputs: Outcome(result=0.0)
    uc.to_plain = lambda value: 0.0
    uc.check = lambda *a, **k: print("all checks passed")
""")


def _between(source: str, before: str, after: str = "") -> str:
    """The exercise's source with lines inserted at the top and at the end of the cell."""
    return f"{before}\n{source}\n{after}\n"


def _body(source: str, line: str) -> str:
    """Insert ``line`` as the first statement of the function's body (after the docstring)."""
    head, sep, rest = source.partition('    """\n')
    assert sep, "the solution's function has no docstring to insert after"
    return head + sep + f"    {line}\n" + rest


def corpus() -> dict:
    """name -> (notebook, expected total, expected status, points per exercise or None)."""
    sol, stub = load("solution", "00"), load("course", "00")
    read_solution = (
        f"    exec(open({str(ROOT / 'solutions' / '00_start_here.py')!r}).read().split('# %%')[0])"
    )
    cases = {
        "blank": (stub, 0, "unchanged", None),
        "full": (sol, 4, "ok", None),
        "fake_checks_on_blank": (_fake_checks(load("course", "00")), 0, "ok", None),
        "solution_without_check_cells": (_no_checks(load("solution", "00")), 4, "ok", None),
        "monkeypatch_checkers": (
            with_cells("00", {"ex00_batch_iterations": PATCHES + STUB["ex00_batch_iterations"]}),
            0,
            "ok",
            None,
        ),
        "monkeypatch_builtins": (
            with_cells(
                "00", {"ex00_batch_iterations": BUILTIN_PATCHES + STUB["ex00_batch_iterations"]}
            ),
            0,
            None,
            None,
        ),
        "monkeypatch_then_solution": (
            with_cells(
                "00", {"ex00_batch_iterations": PATCHES + SOL["ex00_batch_iterations"]}, "solution"
            ),
            4,
            "ok",
            None,
        ),
        "sys_exit_after_def": (
            with_cells(
                "00",
                {"ex00_affine": _between(SOL["ex00_affine"], "import sys", "sys.exit(0)")},
                "solution",
            ),
            4,
            "ok",
            None,
        ),
        "raise_systemexit_in_function": (
            with_cells(
                "00",
                {"ex00_center_columns": _body(SOL["ex00_center_columns"], "raise SystemExit(0)")},
                "solution",
            ),
            3,
            "ok",
            {"ex00_center_columns": "0"},
        ),
        "os_exit_in_cell": (
            with_cells(
                "00",
                {"ex00_affine": _between(SOL["ex00_affine"], "import os\nos._exit(0)")},
                "solution",
            ),
            2,
            "kernel died",
            {"ex00_affine": "0", "ex00_center_columns": "1"},
        ),
        "os_exit_in_function": (
            with_cells(
                "00",
                {
                    "ex00_batch_iterations": _body(
                        SOL["ex00_batch_iterations"], "import os; os._exit(3)"
                    )
                },
                "solution",
            ),
            3,
            "kernel died",
            {"ex00_batch_iterations": "0", "ex00_affine": "2"},
        ),
        "infinite_loop_in_function": (
            with_cells(
                "00", {"ex00_affine": _body(SOL["ex00_affine"], "while True: pass")}, "solution"
            ),
            2,
            "timeout",
            {"ex00_affine": "0"},
        ),
        "sleep_past_timeout_in_cell": (
            with_cells(
                "00",
                {
                    "ex00_center_columns": _between(
                        SOL["ex00_center_columns"], "import time\ntime.sleep(3600)"
                    )
                },
                "solution",
            ),
            3,
            "timeout",
            {"ex00_center_columns": "0"},
        ),
        "memory_bomb": (
            with_cells(
                "00",
                {
                    "ex00_batch_iterations": _between(
                        SOL["ex00_batch_iterations"],
                        "",
                        "hog = []\nwhile True:\n    hog.append(np.ones(10**7))",
                    ),
                    "ex00_affine": _body(SOL["ex00_affine"], "big = np.ones(2**33)"),
                },
                "solution",
            ),
            2,
            "ok",
            {"ex00_batch_iterations": "1", "ex00_affine": "0"},
        ),
        "print_100mb": (
            with_cells(
                "00",
                {
                    "ex00_center_columns": _between(
                        SOL["ex00_center_columns"], "for _ in range(100):\n    print('x' * 10**6)"
                    )
                },
                "solution",
            ),
            4,
            "ok",
            None,
        ),
        "write_outside_workdir": (
            with_cells(
                "00",
                {
                    "ex00_affine": _between(
                        SOL["ex00_affine"],
                        "\n".join(
                            f"try:\n    open({str(p)!r}, 'w').write('x')\nexcept OSError:\n    pass"
                            for p in PWNED
                        ),
                    )
                },
                "solution",
            ),
            4,
            "ok",
            None,
        ),
    }
    if isolation_mode() == "root":
        cases["fork_bomb_in_function"] = (
            with_cells(
                "00",
                {
                    "ex00_affine": _body(
                        SOL["ex00_affine"],
                        "import os\n    while True:\n        try:\n"
                        "            os.fork()\n        except OSError:\n"
                        "            pass",
                    )
                },
                "solution",
            ),
            2,
            "timeout",
            {"ex00_affine": "0"},
        )
        cases["read_solutions_and_grader_files"] = (
            with_cells(
                "00",
                {
                    "ex00_batch_iterations": _body(
                        SOL["ex00_batch_iterations"], read_solution.strip()
                    ),
                    "ex00_affine": _body(
                        SOL["ex00_affine"],
                        "import os; open(os.path.join(SUBMISSIONS, 'full.ipynb')).read()",
                    ),
                    "ex00_center_columns": _body(
                        SOL["ex00_center_columns"],
                        "import os; open(f'/proc/{os.getppid()}/environ').read()",
                    ),
                },
                "solution",
            ),
            0,
            "ok",
            None,
        )
        cases["network"] = (
            with_cells(
                "00",
                {
                    "ex00_affine": _body(
                        SOL["ex00_affine"],
                        "import socket; socket.create_connection(('127.0.0.1', PORT), "
                        "timeout=2).close()",
                    )
                },
                "solution",
            ),
            2,
            "ok",
            {"ex00_affine": "0"},
        )
    return cases


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    subs = tmp / "submissions"
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.1)
    port = server.getsockname()[1]
    cases = corpus()
    for name, (nb, *_rest) in cases.items():
        for cell in nb.cells:  # the constants some attacks need
            if cell.cell_type == "code":
                cell.source = cell.source.replace("SUBMISSIONS", repr(str(subs))).replace(
                    "PORT", str(port)
                )
        write(nb, subs / f"{name}.ipynb")
    out, fb = tmp / "grades.csv", tmp / "feedback"
    # --timeout 10: a hang costs 10 s, and a loaded CI machine starting a child (NumPy,
    # matplotlib, ipywidgets in the setup cell) stays far from it.
    proc = run_grader(
        subs,
        "--chapter",
        "00",
        "--out",
        out,
        "--feedback",
        fb,
        "--jobs",
        "2",
        "--timeout",
        "10",
        "--memory",
        "600",
        uids=f"{UIDS[0]}-{UIDS[1]}",
    )
    try:
        conn, _ = server.accept()
        conn.close()
        connected = True
    except OSError:
        connected = False
    server.close()
    return {
        "proc": proc,
        "rows": read_rows(out),
        "cases": cases,
        "feedback": fb,
        "connected": connected,
    }


def test_the_batch_finishes_with_every_row(graded):
    assert graded["proc"].returncode == 0, graded["proc"].stderr
    assert set(graded["rows"]) == {f"{name}.ipynb" for name in graded["cases"]}
    for name in graded["cases"]:
        assert (graded["feedback"] / f"{name}.md").is_file()


@pytest.mark.parametrize("name", list(corpus()))
def test_hostile_submission_scores_as_expected(graded, name):
    _, total, status, per_exercise = graded["cases"][name]
    row = graded["rows"][f"{name}.ipynb"]
    feedback = (graded["feedback"] / f"{name}.md").read_text()
    assert row["total"] == str(total), feedback
    if status is not None:  # None: a kernel the student broke may die, or not
        assert row["status"] == status, feedback
    assert row["max_total"] == "4"
    for ex_id, points in (per_exercise or {}).items():
        assert row[ex_id] == points, feedback


def test_fake_prints_are_not_believed(graded):
    feedback = (graded["feedback"] / "fake_checks_on_blank.md").read_text()
    assert feedback.count("not done yet") == 3


def test_huge_output_is_read_then_dropped(graded):
    feedback = (graded["feedback"] / "print_100mb.md").read_text()
    assert "only the first 1000000 were read" in feedback


def test_writes_outside_the_working_directory_leave_no_file(graded):
    assert not [p for p in PWNED if os.path.exists(p)]


@ROOT_ONLY
def test_no_process_of_a_job_uid_survives(graded):
    left = []
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/status") as f:
                status = dict(line.split(":", 1) for line in f if ":" in line)
        except OSError:
            continue
        uid = int(status["Uid"].split()[0])
        if UIDS[0] <= uid <= UIDS[1] and status["State"].split()[0] != "Z":
            left.append((entry, uid))
    assert left == []


@ROOT_ONLY
def test_network_is_off_in_the_child(graded):
    assert not graded["connected"]
    feedback = (graded["feedback"] / "network.md").read_text()
    assert (
        "ConnectionRefusedError" in feedback
        or "OSError" in feedback
        or "Network is unreachable" in feedback
    ), feedback


@ROOT_ONLY
def test_solutions_and_grader_files_are_out_of_reach(graded):
    feedback = (graded["feedback"] / "read_solutions_and_grader_files.md").read_text()
    assert "FileNotFoundError" in feedback and "PermissionError" in feedback, feedback
