"""The check framework: success line, failure reports, hints, not-done, student errors."""

import numpy as np
import pytest

from utils import checks
from utils.checks import (
    CheckFailed,
    Exercise,
    ExerciseNotDone,
    Mistake,
    Probe,
    compare,
    exercises,
    get_exercise,
    judge,
    run_probe,
)


def _square_exercise(strict=False) -> Exercise:
    mistakes = (
        Mistake("doubled instead of squared", "x**2 is x times x, not 2 times x",
                output=lambda i: 2 * i["x"]),
        Mistake("returned a list", "return a NumPy array", matches=lambda g, i: False),
        Mistake("overflowed", "square in float64", raises=FloatingPointError),
    )
    probes = [Probe(f"random x of shape ({n},)", lambda rng, n=n: {"x": rng.normal(size=n)},
                    lambda f, i: f(i["x"]), lambda i: i["x"] ** 2, mistakes, strict=strict)
              for n in (1, 5, 50)]
    return Exercise("ex98_square", "square", "square", probes=probes, points=3)


@pytest.fixture
def square(monkeypatch):
    ex = _square_exercise()
    monkeypatch.setitem(checks._REGISTRY, ex.id, ex)
    return ex


def test_success_prints_one_fixed_line(square, capsys):
    checks.check("ex98_square", lambda x: x * x)
    assert capsys.readouterr().out == "ex98_square: 3/3 checks passed\n"


def test_failure_names_the_case_expected_got_and_the_mistake(square):
    with pytest.raises(CheckFailed) as info:
        checks.check("ex98_square", lambda x: 2 * x)
    msg = str(info.value)
    assert msg.startswith("ex98_square: 0/3 checks passed")
    assert "Case failed: random x of shape (1,)" in msg
    assert "expected" in msg and "got" in msg
    assert "Hint (doubled instead of squared)" in msg
    assert isinstance(info.value, AssertionError)


def test_partial_failures_are_counted(square):
    with pytest.raises(CheckFailed, match=r"ex98_square: 2/3 checks passed"):
        checks.check("ex98_square", lambda x: x * x if x.size > 1 else x)


def test_not_done_is_a_friendly_not_implemented_error(square):
    def stub(x):
        raise NotImplementedError("ex98_square: not done yet")

    with pytest.raises(NotImplementedError) as info:
        checks.check("ex98_square", stub)
    assert isinstance(info.value, ExerciseNotDone)
    assert "ex98_square is not done yet" in str(info.value)
    assert info.value._render_traceback_()[0].endswith(str(info.value))


def test_an_exception_in_student_code_is_reported_with_its_traceback(square):
    def broken(x):
        return x @ np.ones((3, 3))

    with pytest.raises(CheckFailed) as info:
        checks.check("ex98_square", broken)
    assert "square raised ValueError" in str(info.value)
    tb = info.value.student_traceback
    assert "broken" in tb and "checks/__init__.py" not in tb


def test_wrong_shapes_none_and_non_numbers_are_described():
    assert "shape (3,), got shape (3, 1)" in compare(np.zeros((3, 1)), np.zeros(3))
    assert "did you forget to return?" in compare(None, np.zeros(3))
    assert "expected numbers" in compare("abc", np.zeros(3))
    assert "a tuple of 2 items" in compare(np.zeros(3), (np.zeros(3), 1.0))
    assert "contains nan" in compare(np.array([0.0, np.nan]), np.zeros(2))
    assert compare((np.ones(2), 3), (np.ones(2), 3.0)) is None
    assert compare(np.array([True, False]), np.array([1, 0])) is None
    assert "expected 2, got 3" in compare(3, 2)


def test_strict_probes_turn_overflow_into_a_diagnosed_mistake(monkeypatch):
    ex = _square_exercise(strict=True)
    monkeypatch.setitem(checks._REGISTRY, ex.id, ex)

    def overflowing(x):
        return np.exp(np.log(np.abs(x) + 1e-300) * 2) * 1e308 * 1e10

    with pytest.raises(CheckFailed, match=r"Hint \(overflowed\)"):
        checks.check(ex.id, overflowing)


def test_run_and_judge_are_separate_halves(square):
    probe = square.probes[1]
    inputs = probe.inputs(np.random.default_rng(0))
    outcome = run_probe(probe, lambda x: x * x, inputs)
    assert isinstance(outcome.result, np.ndarray) and outcome.error is None
    assert judge(probe, inputs, outcome).passed
    bad = run_probe(probe, lambda x: 2 * x, inputs)
    verdict = judge(probe, inputs, bad)
    assert not verdict.passed and verdict.mistake == "doubled instead of squared"


def test_student_code_cannot_change_the_inputs_the_reference_sees(square):
    def vandal(x):
        out = x * x
        x[:] = 0
        return out

    checks.check("ex98_square", vandal)


def test_unknown_ids_list_the_known_ones():
    with pytest.raises(KeyError, match="unknown exercise id 'ex00_nope'; known ids: "):
        get_exercise("ex00_nope")


def test_registry_lists_every_exercise_with_chapter_and_points():
    items = exercises()
    assert items, "no exercises registered"
    for ex in items:
        assert ex.id.startswith(f"ex{ex.chapter}_")
        assert ex.points >= 1 and len(ex.probes) >= 3, ex.id
        assert ex.obj_name.isidentifier()
    assert [ex.id for ex in exercises("01")] == [ex.id for ex in items if ex.chapter == "01"]


def test_bad_exercise_ids_are_refused():
    with pytest.raises(ValueError, match="id must look like 'ex01_name'"):
        Exercise("perceptron", "t", "f", probes=())
