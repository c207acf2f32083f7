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
        Mistake(
            "doubled instead of squared",
            "x**2 is x times x, not 2 times x",
            output=lambda i: 2 * i["x"],
        ),
        Mistake("returned a list", "return a NumPy array", matches=lambda g, i: False),
        Mistake("overflowed", "square in float64", raises=FloatingPointError),
    )
    probes = [
        Probe(
            f"random x of shape ({n},)",
            lambda rng, n=n: {"x": rng.normal(size=n)},
            lambda f, i: f(i["x"]),
            lambda i: i["x"] ** 2,
            mistakes,
            strict=strict,
        )
        for n in (1, 5, 50)
    ]
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


# ------------------------------------------------------------------ float64 only

FLOAT32_LINE = "your result is float32; compute in float64 (the course's convention)"


def test_a_float32_result_fails_with_the_float64_rule_and_no_other_hint(square):
    with pytest.raises(CheckFailed) as info:
        checks.check("ex98_square", lambda x: (x * x).astype(np.float32))
    msg = str(info.value)
    assert msg.startswith("ex98_square: 0/3 checks passed")
    assert FLOAT32_LINE in msg and "Hint (computed in float32)" in msg
    # Doubled in float32 is still reported as float32 first, never as another mistake.
    with pytest.raises(CheckFailed) as info:
        checks.check("ex98_square", lambda x: (2 * x).astype(np.float32))
    assert FLOAT32_LINE in str(info.value) and "doubled" not in str(info.value)


def test_float32_is_refused_even_where_it_would_pass_the_tolerance():
    probe = Probe(
        "p",
        lambda rng: {"x": np.array([0.1, 0.2])},
        lambda f, i: f(i["x"]),
        lambda i: i["x"] * 3,
        rtol=1e-3,
    )
    inputs = probe.inputs(None)
    verdict = judge(probe, inputs, run_probe(probe, lambda x: (3 * x).astype(np.float32), inputs))
    assert not verdict.passed and verdict.mistake == "computed in float32"
    assert verdict.message.splitlines()[0] == FLOAT32_LINE


def test_float32_scalars_keep_their_dtype_through_the_grader_encoding():
    from utils.grade.plain import decode, encode

    plain = checks.to_plain((np.float32(0.25), np.float64(0.5), np.int64(3)))
    back = decode(*encode(plain))
    assert back[0].dtype == np.float32 and back[0].shape == () and back[1] == 0.5 and back[2] == 3
    assert decode(*encode(np.array(0.5))).shape == ()  # a 0-d array stays one number
    probe = Probe(
        "p",
        lambda rng: {},
        lambda f, i: f(),
        lambda i: (0.25, 0.5, 3),
        outputs=("loss", "acc", "n"),
    )
    verdict = judge(probe, {}, checks.Outcome(result=back))
    assert verdict.message.splitlines()[0] == (
        "your result is float32 (loss); compute in float64 (the course's convention)"
    )


def test_a_python_float_holding_a_float32_value_is_named_too():
    x = np.random.default_rng(1).standard_normal(5)
    probe = Probe(
        "p",
        lambda rng: {"x": x},
        lambda f, i: f(i["x"]),
        lambda i: (float(np.mean(i["x"] ** 2)), 2 * i["x"]),
        outputs=("loss", "grad"),
    )

    def student(x):
        x32 = x.astype(np.float32)
        return float(np.mean(x32**2)), 2 * x  # the loss went through float32

    verdict = judge(probe, {"x": x}, run_probe(probe, student, {"x": x}))
    assert verdict.mistake == "computed in float32"
    assert verdict.message.startswith("your result was computed in float32 (loss)")


def test_float32_is_not_flagged_where_the_reference_gives_integers():
    probe = Probe("p", lambda rng: {}, lambda f, i: f(), lambda i: np.array([0, 1, 1]))
    assert judge(probe, {}, run_probe(probe, lambda: np.array([0, 1, 1], np.float32), {})).passed


@pytest.mark.parametrize(
    "ex_id, make",
    [
        ("ex00_affine", lambda: lambda X, W, b: (X @ W + b).astype(np.float32)),
        ("ex03_mse", lambda: _mse_float32),
        ("ex09_batchnorm_backward", lambda: _batchnorm_backward_float32),
    ],
)
def test_right_answers_computed_in_float32_get_the_float64_rule(ex_id, make):
    with pytest.raises(CheckFailed) as info:
        checks.check(ex_id, make())
    msg = str(info.value)
    assert "is float32" in msg and "compute in float64 (the course's convention)" in msg
    hints = [line for line in msg.splitlines() if "Hint (" in line]
    assert hints and all("Hint (computed in float32)" in line for line in hints), hints
    assert msg.count("float32 keeps about 7 significant digits") == 1


def _mse_float32(pred, target, half=False):
    from utils import nn

    return nn.mse_loss(pred.astype(np.float32), target.astype(np.float32), half=half)


def _batchnorm_backward_float32(dout, cache):
    from utils import nn

    return nn.batchnorm_backward(
        dout.astype(np.float32), tuple(np.asarray(c, np.float32) for c in cache)
    )


def test_numbers_that_print_alike_get_more_digits():
    msg = compare(-0.13091512, -0.13091498)
    assert msg == "expected -0.1309150, got -0.1309151"
    assert compare(1.0 + 1e-9, 1.0, 0.0, 0.0) == "expected 1.000000000, got 1.000000001"


# ------------------------------------------------------------------ names in messages


def test_messages_use_the_declared_names_of_the_outputs():
    e = (np.zeros((2, 3)), np.ones((3, 4)), np.zeros(4))
    g = (np.zeros((2, 3)), np.ones((3, 4)) * 2, np.zeros(4))
    msg = compare(g, e, outputs=("dx", "dW", "db"))
    assert msg.startswith(
        "dW differs in 12 of 12 entries; first at index (0, 0): expected 1.0, got 2.0"
    )
    assert "[0]" not in msg.splitlines()[0] and "[1]" not in msg.splitlines()[0]
    assert compare(g[:2], e, outputs=("dx", "dW", "db")) == (
        "expected a tuple of 3 items (dx, dW, db), got a tuple of 2 items"
    )
    assert compare(g[0], e, outputs=("dx", "dW", "db")).startswith("expected a tuple of 3 items")


def test_dict_entries_and_nested_parts_are_named():
    e = (1.0, {"W1": np.zeros((2, 2)), "b1": np.zeros(2)})
    g = (1.0, {"W1": np.zeros((2, 2)), "b1": np.ones(2)})
    assert compare(g, e, outputs=("loss", "grads")).startswith("grads['b1'] differs in 2 of 2")
    assert compare((1.0, {"W1": np.zeros((2, 2))}), e, outputs=("loss", "grads")) == (
        "grads: expected a dict with keys ['W1', 'b1'], got keys ['W1']"
    )
    assert (
        compare((1.0, {"W1": np.zeros((3, 2)), "b1": np.zeros(2)}), e, outputs=("loss", "grads"))
        == "grads['W1']: expected shape (2, 2), got shape (3, 2)"
    )
    runs = ((np.ones(2), 0.5, np.array([1, 0])),) * 2
    spec = (("first call", ("w", "b", "errors")), ("second call", ("w", "b", "errors")))
    wrong = (runs[0], (np.ones(2), 1.5, np.array([1, 0])))
    assert compare(wrong, runs, outputs=spec) == "b (second call): expected 0.5, got 1.5"
    # A probe's own dict of named checks: the keys are the names.
    assert compare({"number of batches": 4}, {"number of batches": 5}) == (
        "number of batches: expected 5, got 4"
    )
    assert compare(2.0, 1.0, outputs="the largest relative error") == (
        "the largest relative error: expected 1.0, got 2.0"
    )


def test_a_probe_names_override_the_exercise_names():
    probes = [
        Probe("a", lambda rng: {}, lambda f, i: f(), lambda i: (1.0, 2.0)),
        Probe(
            "b",
            lambda rng: {},
            lambda f, i: f(),
            lambda i: (1.0, 2.0, 3.0),
            outputs=("loss", "dx", "numeric"),
        ),
    ]
    ex = Exercise("ex98_names", "t", "f", probes=probes, outputs=("loss", "dx"))
    assert [p.outputs for p in ex.probes] == [("loss", "dx"), ("loss", "dx", "numeric")]
    v = judge(ex.probes[1], {}, checks.Outcome(result=(1.0, 2.0, 4.0)))
    assert v.message == "numeric: expected 3.0, got 4.0"


def test_the_first_differing_entry_is_shown_even_in_a_large_array():
    e = np.arange(200.0).reshape(20, 10)
    g = e.copy()
    g[13, 7] = -1.0
    msg = compare(g, e, outputs="out")
    first, exp_line, got_line = msg.splitlines()
    assert first == (
        "out differs in 1 of 200 entries; first at index (13, 7): expected 137.0, got -1.0"
    )
    assert exp_line.startswith("  expected[13, 2:10]: ") and "137." in exp_line
    assert got_line.startswith("  got[13, 2:10]:      ") and "-1." in got_line
    assert "..." not in msg
    big = np.zeros(1000)
    msg = compare(np.where(np.arange(1000) == 500, 3.0, 0.0), big)
    assert "first at index (500,)" in msg and "expected[497:505]" in msg and "3." in msg


def test_integer_and_boolean_outputs_print_as_integers():
    msg = compare(np.array([1, 0, 1]), np.array([1, 1, 1]))
    assert "expected 1, got 0" in msg and "[1, 1, 1]" in msg and "1." not in msg
    msg = compare(np.array([True, False, True]), np.array([1, 1, 1]))
    assert "expected 1, got 0" in msg and "[1, 0, 1]" in msg and "True" not in msg
    assert compare(np.array([True, False]), np.array([True, True])).count("True") >= 2
    assert compare(3, 2) == "expected 2, got 3"


# ------------------------------------------------------------------ each hint once


def test_each_hint_appears_once_in_a_report(square):
    with pytest.raises(CheckFailed) as info:
        checks.check("ex98_square", lambda x: 2 * x)
    msg = str(info.value)
    assert msg.count("x**2 is x times x") == 1
    assert msg.count("Hint (doubled instead of squared): as above.") == 2
    assert msg.index("x**2 is x times x") < msg.index("as above")


def test_different_mistakes_each_keep_their_hint(monkeypatch):
    a = Mistake("a", "hint A", matches=lambda g, i: i["k"] == 0)
    b = Mistake("b", "hint B", matches=lambda g, i: i["k"] == 1)
    probes = [
        Probe(f"case {k}", lambda rng, k=k: {"k": k}, lambda f, i: f(), lambda i: 1.0, (a, b))
        for k in (0, 1, 0)
    ]
    ex = Exercise("ex98_hints", "t", "f", probes=probes)
    monkeypatch.setitem(checks._REGISTRY, ex.id, ex)
    with pytest.raises(CheckFailed) as info:
        checks.check(ex.id, lambda: 0.0)
    msg = str(info.value)
    assert msg.count("hint A") == 1 and msg.count("hint B") == 1
    assert "Hint (a): as above." in msg


# ------------------------------------------------------------------ ints where ints are promised


def _count_probe(**kw):
    wrong = Mistake("N / B", "round up", output=lambda i: i["N"] / i["B"])
    return Probe(
        "count",
        lambda rng: {"N": 8, "B": 2},
        lambda f, i: f(i["N"], i["B"]),
        lambda i: -(-i["N"] // i["B"]),
        (wrong,),
        rtol=0.0,
        atol=0.0,
        **kw,
    )


def test_require_int_refuses_a_float_that_holds_the_right_whole_number():
    probe = _count_probe(require_int="np.ceil returns a float")
    inputs = probe.inputs(None)
    verdict = judge(probe, inputs, run_probe(probe, lambda N, B: np.ceil(N / B), inputs))
    assert not verdict.passed and verdict.mistake is None  # the value is right: no diagnosis
    assert verdict.message == (
        "expected an int, got float 4.0 (np.ceil returns a float: wrap it in int(...))"
    )
    generic = _count_probe(require_int=True)
    assert judge(generic, inputs, run_probe(generic, lambda N, B: 4.0, inputs)).message == (
        "expected an int, got float 4.0 (wrap it in int(...))"
    )
    for right in (lambda N, B: int(np.ceil(N / B)), lambda N, B: np.int64(4)):
        assert judge(probe, inputs, run_probe(probe, right, inputs)).passed
    assert "got bool" in judge(probe, inputs, run_probe(probe, lambda N, B: True, inputs)).message
    # Without the flag a float 4.0 still passes.
    plain = _count_probe()
    assert judge(plain, inputs, run_probe(plain, lambda N, B: np.ceil(N / B), inputs)).passed


def test_require_int_keeps_diagnosing_wrong_values():
    probe = _count_probe(require_int=True)
    inputs = {"N": 9, "B": 2}
    verdict = judge(probe, inputs, run_probe(probe, lambda N, B: N / B, inputs))
    assert verdict.message.startswith("expected 5, got 4.5") and verdict.mistake == "N / B"
    assert compare((4.0, np.zeros(2)), (4, np.ones(2)), require_int=True).startswith(
        "your result[1] differs"
    )  # a wrong value is reported before a wrong type


def test_exercise_flags_reach_every_probe():
    ex = Exercise(
        "ex98_ints",
        "t",
        "f",
        probes=[_count_probe(), _count_probe(require_int=False)],
        require_int=True,
    )
    assert [p.require_int for p in ex.probes] == [True, False]


def test_ex00_batch_iterations_asks_for_an_int(capsys):
    with pytest.raises(CheckFailed) as info:
        checks.check("ex00_batch_iterations", lambda N, B: np.ceil(N / B))
    assert "expected an int, got float" in str(info.value)
    assert "(np.ceil returns a float: wrap it in int(...))" in str(info.value)
    assert "Hint (" not in str(info.value)
    checks.check("ex00_batch_iterations", lambda N, B: int(np.ceil(N / B)))
    assert "checks passed" in capsys.readouterr().out
