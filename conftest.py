"""Collect every solution notebook as a test: run it, compare its outputs with the stored ones.

``pytest solutions`` executes each ``solutions/NN_topic.ipynb`` top to bottom in a fresh kernel
of this environment, exactly as ``make build`` does, and compares the fresh outputs with the
committed ones by :mod:`utils.nbcompare`: identical words and integers, decimals within one
unit of their last printed digit, images present (not compared by pixels), cells tagged
``nbval-ignore-output`` not compared. One test per notebook; a failure lists every cell that
differs and how. Each is marked ``slow`` (``make test-fast`` leaves them out).
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

SOLUTIONS = Path(__file__).resolve().parent / "solutions"


def pytest_collect_file(parent, file_path: Path):
    if file_path.suffix == ".ipynb" and file_path.parent == SOLUTIONS:
        return SolutionNotebook.from_parent(parent, path=file_path)
    return None


class SolutionNotebook(pytest.File):
    def collect(self):
        item = StoredOutputs.from_parent(self, name="stored_outputs")
        item.add_marker(pytest.mark.slow)  # a kernel runs the whole notebook
        yield item


class NotebookOutputsDiffer(Exception):
    """A fresh run of a notebook does not reproduce its stored outputs."""


class StoredOutputs(pytest.Item):
    def runtest(self) -> None:
        from utils import build
        from utils._nbfast import nbformat
        from utils.nbcompare import compare_notebooks

        stored = nbformat.read(self.path, as_version=4)
        fresh = build.execute(copy.deepcopy(stored), self.path.parent, self.path.stem)
        diffs, _ = compare_notebooks(stored, fresh, outputs=True, images="presence")
        if diffs:
            raise NotebookOutputsDiffer("\n".join(str(d) for d in diffs))

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, NotebookOutputsDiffer):
            return (
                f"{self.path.name}: a fresh run does not reproduce the stored outputs\n"
                f"{excinfo.value}"
            )
        if excinfo.errisinstance(Exception) and type(excinfo.value).__name__ == "BuildError":
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, f"{self.path.name}: stored outputs"
