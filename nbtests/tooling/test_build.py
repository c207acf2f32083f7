"""The build: stripping, marker validation, stable ids, metadata, and a clean --check."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from utils import build
from utils.build import BuildError, Chapter, read_source, strip_solutions
from utils.notebook import MD_STUB

ROOT = Path(__file__).resolve().parents[2]

GOOD = '''# %% [markdown]
# # 99 · A test chapter
#
# Question?
#
# <!-- BEGIN SOLUTION -->
# The answer.
# <!-- END SOLUTION -->

# %%
import numpy as np
from utils.checks import Exercise, Probe, check, register

register(Exercise("ex99_double", "double", "double", probes=[
    Probe(f"x = {k}", lambda rng, k=k: {"x": float(k)}, lambda f, i: f(i["x"]),
          lambda i: 2 * i["x"]) for k in range(3)]))

# %% tags=["exercise"] exercise_id="ex99_double"
def double(x):
    """Return 2 x."""
    ### BEGIN SOLUTION
    return 2 * x
    ### END SOLUTION


# %% tags=["check"]
check("ex99_double", double)
'''


def _chapter(tmp_path: Path, text: str, name: str = "99_test") -> Chapter:
    path = tmp_path / f"{name}.py"
    path.write_text(text)
    return Chapter(path)


def test_student_version_replaces_solutions_and_keeps_the_rest(tmp_path):
    nb = read_source(_chapter(tmp_path, GOOD))
    student = strip_solutions(nb)
    code = student.cells[2].source
    assert "return 2 * x" not in code
    assert (
        '    # YOUR CODE HERE\n    raise NotImplementedError("ex99_double: not done yet")' in code
    )
    assert '"""Return 2 x."""' in code
    md = student.cells[0].source
    assert "The answer." not in md and "Question?" in md and MD_STUB in md
    assert student.cells[3].metadata["editable"] is False
    assert student.metadata["dlf"] == {
        "chapter": "99",
        "notebook": "99_test",
        "kind": "student",
        "exercises": ["ex99_double"],
    }
    assert nb.metadata["dlf"]["kind"] == "solution"
    assert "return 2 * x" in nb.cells[2].source  # the solution notebook keeps it


def test_cell_ids_are_stable_and_named_after_exercises(tmp_path):
    first = read_source(_chapter(tmp_path, GOOD))
    again = read_source(_chapter(tmp_path, GOOD))
    ids = [c.id for c in first.cells]
    assert ids == [c.id for c in again.cells]
    assert ids == ["c99-000", "c99-001", "ex99_double", "ex99_double-check"]


@pytest.mark.parametrize(
    ("mutation", "message"),
    [
        (("    ### END SOLUTION\n", ""), r"99_test.py:21: '### BEGIN SOLUTION' is never closed"),
        (
            ("    ### BEGIN SOLUTION\n", ""),
            r"99_test.py:\d+: '### END SOLUTION' without a matching",
        ),
        (("    return 2 * x\n", "    ### BEGIN SOLUTION\n"), r"99_test.py:22: nested"),
        (("    ### BEGIN SOLUTION\n", "    ### BEGIN SOLUTION here\n"), r"alone on its line"),
        (("    ### BEGIN SOLUTION\n", "### BEGIN SOLUTION\n"), r"inside a function body"),
        (
            ("import numpy as np\n", "import numpy as np\n### BEGIN SOLUTION\n### END SOLUTION\n"),
            r"99_test.py:12: solution marker in a cell not tagged 'exercise'",
        ),
        (
            ("# <!-- END SOLUTION -->\n", ""),
            r"99_test.py:6: '<!-- BEGIN SOLUTION -->' is never closed",
        ),
        (('exercise_id="ex99_double"', 'exercise_id="ex98_double"'), r"must start with ex99_"),
        (('exercise_id="ex99_double"', 'exercise_id="Double"'), r"needs exercise_id"),
        (('# %% tags=["check"]', "# %%"), r"must be followed by a code cell tagged 'check'"),
    ],
)
def test_malformed_sources_are_refused_with_file_and_line(tmp_path, mutation, message):
    old, new = mutation
    assert old in GOOD
    with pytest.raises(BuildError, match=message):
        read_source(_chapter(tmp_path, GOOD.replace(old, new, 1)))


def test_text_before_the_first_cell_header_is_refused(tmp_path):
    with pytest.raises(BuildError, match=r"every cell must start with a '# %%' header"):
        read_source(_chapter(tmp_path, "import os\n\n" + GOOD))


def test_badly_named_sources_are_refused(tmp_path):
    (tmp_path / "intro.py").write_text(GOOD)
    with pytest.raises(BuildError, match="NN_snake_case"):
        build.find_chapters(solutions=tmp_path)


def test_only_selects_one_chapter_and_names_a_missing_one():
    (ch,) = build.find_chapters("1")
    assert ch.number == "01"
    with pytest.raises(BuildError, match="--only 42: no solutions/42_"):
        build.find_chapters("42")


@pytest.mark.slow  # executes a chapter in a kernel
def test_build_executes_and_writes_both_notebooks(tmp_path):
    chapter = _chapter(tmp_path, GOOD)
    sol, course = build.build_chapter(chapter, tmp_path / "solutions", tmp_path / "course")
    executed = json.loads(sol.read_text())
    check_cell = executed["cells"][3]
    assert "".join(check_cell["outputs"][0]["text"]) == "ex99_double: 3/3 checks passed\n"
    assert all(c.get("outputs", []) == [] for c in json.loads(course.read_text())["cells"])
    assert sol.read_text().endswith("\n")


@pytest.mark.slow  # executes a chapter in a kernel
def test_outputs_with_machine_paths_are_refused(tmp_path):
    text = GOOD + "\n# %%\nimport utils\nprint(utils.__file__)\n"
    with pytest.raises(BuildError, match="depends on this machine"):
        build.build_chapter(_chapter(tmp_path, text), tmp_path / "s", tmp_path / "c")


def test_every_chapter_source_parses_and_names_its_exercises():
    from utils.checks import exercises

    for chapter in build.find_chapters():
        nb = read_source(chapter)
        ids = nb.metadata["dlf"]["exercises"]
        assert [ex.id for ex in exercises(chapter.number)] == ids, chapter.name
        assert all(re.fullmatch(rf"ex{chapter.number}_[a-z0-9_]+", i) for i in ids)


def test_committed_notebooks_are_current():
    """Sources, cells and metadata of every committed notebook match a fresh build.

    The outputs are compared by the notebook tests (``pytest solutions``), which execute each
    committed solution notebook; together the two are ``python -m utils.build --check`` (a full
    rebuild) without running every notebook twice.
    """
    result = subprocess.run(
        [sys.executable, "-m", "utils.build", "--check", "--no-execute"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "up to date (sources and cells)" in result.stdout


@pytest.mark.slow  # executes a chapter in a kernel
def test_the_check_names_the_cell_and_the_change(tmp_path, monkeypatch):
    """A changed source is reported with its cell id and the line that changed."""
    chapter = _chapter(tmp_path, GOOD)
    sol, course = tmp_path / "solutions", tmp_path / "course"
    build.build_chapter(chapter, sol, course)
    monkeypatch.setattr(build, "ROOT", tmp_path)
    monkeypatch.setattr(build, "SOLUTIONS", sol)
    monkeypatch.setattr(build, "COURSE", course)
    monkeypatch.setattr(build, "find_chapters", lambda *a, **k: [chapter])
    assert build.check([chapter], execute_notebooks=False) == []
    chapter.source.write_text(GOOD.replace("return 2 * x", "return x + x"))
    stale = build.check([chapter], execute_notebooks=False)
    assert stale == [
        "solutions/99_test.ipynb: cell ex99_double: source changed: line 4 "
        "'    return 2 * x' -> '    return x + x'"
    ]
    chapter.source.write_text(GOOD.replace("Question?", "A question?"))
    stale = build.check([chapter], execute_notebooks=False)
    assert {s.split(":")[0] for s in stale} == {"solutions/99_test.ipynb", "course/99_test.ipynb"}
    assert all("cell c99-000: source changed" in s for s in stale)
