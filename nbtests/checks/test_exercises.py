"""Every exercise of every chapter: the check passes on the solution and reports the stub.

The known-wrong answers and their hints are tested per chapter, in test_checks_chNN.py.
"""

import pytest
from helpers import exercise_ids, exercise_namespace

from utils.build import find_chapters
from utils.checks import ExerciseNotDone, check, exercises

CHAPTERS = [c.number for c in find_chapters()]
EXERCISES = [ex for ex in exercises() if ex.chapter in CHAPTERS]


@pytest.fixture(scope="module")
def namespaces():
    cache = {}

    def get(chapter: str, student: bool) -> dict:
        if (chapter, student) not in cache:
            cache[chapter, student] = exercise_namespace(chapter, student=student)
        return cache[chapter, student]

    return get


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_registry_lists_the_notebooks_exercises_in_order(chapter):
    assert [ex.id for ex in exercises(chapter)] == exercise_ids(chapter)


@pytest.mark.parametrize("ex", EXERCISES, ids=[ex.id for ex in EXERCISES])
def test_check_passes_on_the_solution(ex, namespaces, capsys):
    obj = namespaces(ex.chapter, False)[ex.obj_name]
    check(ex.id, obj)
    n = len(ex.probes)
    assert capsys.readouterr().out == f"{ex.id}: {n}/{n} checks passed\n"


@pytest.mark.parametrize("ex", EXERCISES, ids=[ex.id for ex in EXERCISES])
def test_check_reports_the_student_stub_as_not_done(ex, namespaces):
    obj = namespaces(ex.chapter, True)[ex.obj_name]
    with pytest.raises(ExerciseNotDone, match=rf"^{ex.id} is not done yet"):
        check(ex.id, obj)


# The grader draws each probe's inputs from a secret seed: a check must not fail a correct
# answer by chance (a statistical tolerance too tight, an edge case the seed rarely hits).
GRADER_SEEDS = (1, 2**31 - 1, 987_654_321, 20_261_123, 5)


@pytest.mark.slow  # every exercise under four more seeds
@pytest.mark.parametrize("ex", EXERCISES, ids=[ex.id for ex in EXERCISES])
def test_the_solution_passes_under_other_seeds(ex, namespaces):
    from utils.checks import run_exercise

    obj = namespaces(ex.chapter, False)[ex.obj_name]
    for seed in GRADER_SEEDS:
        verdicts, not_done = run_exercise(ex, obj, seed)
        failed = [f"{v.probe}: {v.message}" for v in verdicts if not v.passed]
        assert not not_done and not failed, f"seed {seed}: {failed[:2]}"
