"""The course's automated grader: ``python -m utils.grade SUBMISSION_OR_DIR...``.

Each submission is parsed and validated (:mod:`utils.grade.submission`), rebuilt from the
course notebook of its chapter (only the exercise cells come from the student), and run in a
sandboxed child process (:mod:`utils.grade.runner`, :mod:`utils.grade._child`,
:mod:`utils.grade._sandbox`) that calls the student's objects on inputs the grader drew from
a secret seed and returns raw results as plain data (:mod:`utils.grade.plain`). The grader
judges them with the probes of :mod:`utils.checks` (:mod:`utils.grade.core`) and writes the
gradebook and the feedback (:mod:`utils.grade.gradebook`, :mod:`utils.grade.cli`).

This module imports nothing heavy: the child imports it before isolating itself.
"""


def main(argv=None) -> int:
    """Run the command line (see ``python -m utils.grade --help``)."""
    from utils.grade.cli import main as cli_main

    return cli_main(argv)
