"""Notebook pass implies grader pass: the public probes cover every case the grader's cover.

The check cell in a notebook draws each probe's inputs from ``default_seed(ex_id)``; the
grader draws them from a course secret (``utils.grade.core.secret_inputs``). Where the kind
of case depends on the draw (N / B with a fraction below or above one half, scores large
enough to overflow), a wrong answer could pass the notebook's draw and fail the grader's,
and the student would lose points after seeing "all checks passed". So for every known-wrong
answer of ``test_checks_chNN.py`` (their ``WRONG_ANSWERS``, plus the draw-dependent slips
below) this test asserts:

- if the grader's inputs catch it under some secret, the notebook's inputs catch it too;
- the grader's inputs catch it under every secret tried (no secret gives it full marks);

and that no correct answer (the solution notebook's, and a few alternatives) fails under
20 secrets.
"""

from __future__ import annotations

import functools
import importlib
import math

import numpy as np
import pytest
from helpers import exercise_namespace

from utils import nn
from utils.checks import default_seed, exercises, get_exercise, judge, run_exercise, run_probe
from utils.grade.core import secret_inputs

# Every exercise's wrong answers under the notebook's and the grader's inputs: minutes.
pytestmark = [pytest.mark.grader, pytest.mark.slow]

CHAPTERS = [f"{k:02d}" for k in range(12)]
MODULES = {ch: importlib.import_module(f"test_checks_ch{ch}") for ch in CHAPTERS}
WRONG = {
    ex_id: list(answers) for mod in MODULES.values() for ex_id, answers in mod.WRONG_ANSWERS.items()
}

# Slips that agree with the right answer on part of the input space, so only some draws
# would show them; the probes must show them on the notebook's draw as well.
_ch00, _ch03, _ch05, _ch08 = (MODULES[c] for c in ("00", "03", "05", "08"))
WRONG["ex00_batch_iterations"] += [
    (lambda N, B: int(round(N / B)), "rounded instead of ceiling"),
    (lambda N, B: math.floor(N / B + 0.5), "rounded instead of ceiling"),
    (lambda N, B: N // B + (N % B > B // 2), "rounded instead of ceiling"),
]
WRONG["ex03_softmax_cross_entropy"] += [
    (lambda s, y: _ch03._sce(s, y, shift=None), "unstable softmax"),
]
WRONG["ex05_two_layer_loss_and_grads"] += [
    (_ch05._variant(shift=False), "unstable softmax"),
    (_ch05._variant(shift=False, axis=0), "unstable softmax over the columns"),
]
WRONG["ex08_dropout_forward"] += [(_ch08.forward_complement, "the complementary draw")]

SECRETS = [b"course secret", b"2026 autumn", b"\x00" * 32, b"resit"]
RIGHT_SECRETS = [f"secret {k}".encode() for k in range(20)]

# Correct answers written differently from the solution notebook's.
ALTERNATIVES = {
    "ex00_batch_iterations": [
        lambda N, B: math.ceil(N / B),
        lambda N, B: -(-N // B),
        lambda N, B: int(np.ceil(N / B)),
        lambda N, B: N // B + (N % B > 0),
    ],
    "ex02_softmax": [lambda s: np.exp(nn.log_softmax(s))],
    "ex03_softmax_cross_entropy": [nn.softmax_cross_entropy],
    "ex05_two_layer_loss_and_grads": [_ch05._variant()],
    "ex08_dropout_forward": [_ch08.forward_float_mask, _ch08.forward_library],
    "ex09_batchnorm_backward": [nn.batchnorm_backward],
    "ex09_layernorm_backward": [nn.layernorm_backward],
    "ex11_confusion_matrix": [MODULES["11"].cm_bincount, MODULES["11"].cm_one_hot],
    "ex11_select_epoch": [MODULES["11"].select_with_numpy],
}


@functools.cache
def _solutions(chapter: str) -> dict:
    return exercise_namespace(chapter, student=False)


def _grader_verdicts(ex, obj, inputs):
    """What the grader decides on these inputs (run here instead of in a child process)."""
    return [
        judge(probe, i, run_probe(probe, obj, i), obj_name=ex.obj_name)
        for probe, i in zip(ex.probes, inputs, strict=True)
    ]


def _failed(verdicts) -> list[str]:
    return [v.probe for v in verdicts if not v.passed]


def test_every_exercise_has_known_wrong_answers():
    assert sorted(WRONG) == sorted(ex.id for ex in exercises())
    assert sum(len(v) for v in WRONG.values()) > 400


@pytest.mark.parametrize(
    "ex_id, k", [(ex_id, k) for ex_id in sorted(WRONG) for k in range(len(WRONG[ex_id]))]
)
def test_a_wrong_answer_the_grader_catches_fails_the_notebook_check(ex_id, k):
    ex = get_exercise(ex_id)
    obj, name = WRONG[ex_id][k]
    in_notebook = _failed(run_exercise(ex, obj, default_seed(ex_id))[0])
    problems = []
    for secret in SECRETS:
        by_grader = _failed(_grader_verdicts(ex, obj, secret_inputs([ex_id], secret)[ex_id]))
        if by_grader and not in_notebook:
            problems.append(
                f"{name!r} passes the notebook check, but the grader (secret "
                f"{secret!r}) fails it on: {by_grader}"
            )
        if not by_grader:
            problems.append(f"{name!r} gets full marks from the grader (secret {secret!r})")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("ex_id", [ex.id for ex in exercises()])
def test_no_correct_answer_fails_under_20_secrets(ex_id):
    ex = get_exercise(ex_id)
    solution = _solutions(ex.chapter)[ex.obj_name]
    problems = []
    for k, obj in enumerate([solution, *ALTERNATIVES.get(ex_id, [])]):
        for secret in RIGHT_SECRETS:
            verdicts = _grader_verdicts(ex, obj, secret_inputs([ex_id], secret)[ex_id])
            problems += [
                f"answer #{k}, secret {secret!r}, {v.probe}: {v.message}"
                for v in verdicts
                if not v.passed
            ]
    assert not problems, "\n".join(problems[:5])
