"""The notebook contract (utils.notebook): which cell is what, and the stubs that replace answers."""

import subprocess
import sys

from utils import notebook
from utils._nbfast import nbformat


def _code(source="", **metadata):
    return nbformat.v4.new_code_cell(source, metadata=metadata)


def test_exercise_and_check_cells_are_told_by_type_and_tag():
    exercise = _code("def f(x):\n    pass", tags=["exercise"], exercise_id="ex05_f")
    check = _code('check("ex05_f", f)', tags=["check"])
    markdown = nbformat.v4.new_markdown_cell("text", metadata={"tags": ["exercise"]})
    assert notebook.is_exercise(exercise) and not notebook.is_check(exercise)
    assert notebook.is_check(check) and not notebook.is_exercise(check)
    assert not notebook.is_exercise(markdown) and notebook.has_tag(markdown, "exercise")
    assert notebook.exercise_id(exercise) == "ex05_f" and notebook.exercise_id(check) == ""
    assert notebook.check_call(check.source) == "ex05_f"
    assert notebook.check_cell_id("ex05_f") == "ex05_f-check"


def test_malformed_metadata_reads_as_absent():
    # A submission can hold anything; the plain dicts of its JSON are cells too.
    for meta in ({"tags": "exercise"}, {"tags": [1, None]}, "tags", None):
        cell = {"cell_type": "code", "source": "", "metadata": meta}
        assert notebook.cell_tags(cell) == [] and not notebook.is_exercise(cell)
    assert notebook.exercise_id({"cell_type": "code", "metadata": {"exercise_id": 5}}) == ""
    assert not notebook.is_check("not a cell")


def test_exercise_ids_name_their_chapter():
    assert notebook.exercise_chapter("ex05_affine_backward") == "05"
    for bad in ("ex5_affine", "ex05_Affine", "ex05_affine\n", "Double", "", None):
        assert notebook.exercise_chapter(bad) is None


def test_stubs_replace_each_region_at_its_indentation():
    source = (
        "def f(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION\n"
        "\n\ndef g(x):\n        ### BEGIN SOLUTION\n        y = x\n        ### END SOLUTION"
    )
    assert notebook.stub_code(source, "ex05_f") == (
        'def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError("ex05_f: not done yet")\n'
        "\n\ndef g(x):\n        # YOUR CODE HERE\n"
        '        raise NotImplementedError("ex05_f: not done yet")'
    )
    md = "Why?\n<!-- BEGIN SOLUTION -->\nBecause.\n<!-- END SOLUTION -->\nNext."
    assert notebook.stub_markdown(md) == "Why?\n_Write your answer here._\nNext."
    assert notebook.strip_markers(source).count("SOLUTION") == 0
    assert list(notebook.regions(source.splitlines(), notebook.CODE_BEGIN, notebook.CODE_END)) == [
        (1, 3),
        (7, 9),
    ]


def test_the_contract_imports_only_the_standard_library():
    code = (
        "import sys, utils.notebook; "
        "print(sorted(m for m in ('numpy', 'nbformat', 'matplotlib') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
