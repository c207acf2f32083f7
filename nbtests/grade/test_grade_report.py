"""The class report: a generated class of 30 chapter-01 notebooks with a known mix.

12 correct, 8 with ``>=`` instead of ``>`` in ``perceptron``, 6 without the hidden biases in
``xor_network``, 3 untouched and 1 truncated file. Graded once; the report's counts and
shares must equal the mix, the statuses section names the broken and untouched ones, the page
refers to nothing on the network, ``--anonymise`` leaves no submission name in it, and
``report`` over the gradebook, and over two shards merged, gives the same counts.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from grade_corpus import exercise_sources, load, notebook_path, read_rows, with_cells, write

from utils.grade.cli import main

# The class of 30 notebooks is graded once per module (about 35 s on two cores).
pytestmark = [pytest.mark.grader, pytest.mark.slow]

SOL = exercise_sources("01")
MISTAKE_A = (
    "ex01_perceptron",
    "used >= instead of >",
    SOL["ex01_perceptron"].replace("(z > 0)", "(z >= 0)"),
)
MISTAKE_B = (
    "ex01_xor_network",
    "forgot the hidden biases",
    SOL["ex01_xor_network"].replace("H = step(X @ W1 + b1)", "H = step(X @ W1)"),
)
MIX = {"correct": 12, "a": 8, "b": 6, "untouched": 3, "malformed": 1}
N = sum(MIX.values())
SECRET = "report-test-secret"


def _names() -> dict[str, str]:
    """Submission key -> kind, with distinctive student folder names."""
    out, k = {}, 0
    for kind, count in MIX.items():
        for _ in range(count):
            out[f"stud_{kind}_{k:02d}_lee/01_perceptron_xor.ipynb"] = kind
            k += 1
    return out


NAMES = _names()


def _hrefs(page: str) -> list[str]:
    return re.findall(r'(?:src|href)\s*=\s*"([^"]*)"', page)


def _counts(page: str) -> dict[tuple[str, str], tuple[int, float]]:
    found = re.findall(
        r'<tr class="mistake" data-exercise="([^"]+)" data-mistake="([^"]+)" '
        r'data-count="(\d+)" data-share="([0-9.]+)"',
        page,
    )
    import html

    return {(ex, html.unescape(name)): (int(c), float(s)) for ex, name, c, s in found}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    import subprocess

    tmp = tmp_path_factory.mktemp("report")
    subs = tmp / "subs"
    correct = with_cells("01", SOL)
    for key, kind in NAMES.items():
        path = subs / key
        if kind == "correct":
            write(correct, path)
        elif kind == "a":
            write(with_cells("01", {**SOL, MISTAKE_A[0]: MISTAKE_A[2]}), path)
        elif kind == "b":
            write(with_cells("01", {**SOL, MISTAKE_B[0]: MISTAKE_B[2]}), path)
        elif kind == "untouched":
            write(load("course", "01"), path)
        else:
            text = notebook_path("course", "01").read_text(encoding="utf-8")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text[: len(text) // 2], encoding="utf-8")
    out = tmp / "grades" / "grades.csv"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "utils.grade",
            str(subs),
            "--out",
            str(out),
            "--feedback",
            str(tmp / "grades" / "feedback"),
            "--jobs",
            "2",
            "--secret",
            SECRET,
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert proc.returncode == 0, proc.stderr
    return {
        "tmp": tmp,
        "subs": subs,
        "out": out,
        "stderr": proc.stderr,
        "page": (out.parent / "report.html").read_text(encoding="utf-8"),
    }


def test_the_mistakes_are_diagnosed_by_name_on_their_own():
    from helpers import exercise_namespace, fails_with_hint

    ns = exercise_namespace("01", student=False)
    for ex_id, name, source in (MISTAKE_A, MISTAKE_B):
        exec(source, ns)  # noqa: S102
        obj = ns["perceptron" if ex_id == "ex01_perceptron" else "xor_network"]
        fails_with_hint(ex_id, obj, name)


def test_the_gradebook_and_its_sidecar(graded):
    rows = read_rows(graded["out"])
    assert len(rows) == N
    assert list(next(iter(rows.values())))[:5] == [
        "submission",
        "chapter",
        "status",
        "total",
        "max_total",
    ]
    side = json.loads((graded["out"].parent / "grades.mistakes.json").read_text())
    subs = side["submissions"]
    assert sorted(subs) == sorted(rows)
    for key, rec in subs.items():
        assert rec["status"] == rows[key]["status"]
        for ex in rec["exercises"].values():
            assert key not in ex["excerpt"] and "lee" not in ex["excerpt"]
    a_key = next(k for k, kind in NAMES.items() if kind == "a")
    ex = subs[a_key]["exercises"]["ex01_perceptron"]
    assert MISTAKE_A[1] in ex["mistakes"] and ex["passed"] < ex["cases"]
    assert ex["excerpt"].startswith("Case failed:")


def test_the_counts_and_shares_equal_the_mix(graded):
    counts = _counts(graded["page"])
    assert counts[MISTAKE_A[:2]] == (MIX["a"], round(MIX["a"] / N, 4))
    assert counts[MISTAKE_B[:2]] == (MIX["b"], round(MIX["b"] / N, 4))
    assert sum(c for c, _ in counts.values()) == MIX["a"] + MIX["b"]
    page = graded["page"]
    assert f"{N} submission(s) of chapter 01" in page
    assert "Where to start next lecture" in page
    start = page.split("Where to start next lecture", 1)[1].split("<h2>", 1)[0]
    assert MISTAKE_A[1].replace(">", "&gt;") in start and MISTAKE_B[1] in start
    assert "Exercise 1: a perceptron for a batch" in start  # the section that teaches it


def test_the_statuses_name_the_malformed_and_unchanged(graded):
    page = graded["page"]
    found = re.findall(
        r'<tr class="human" data-status="([^"]+)"><td>[^<]*</td><td>([^<]+?)'
        r"(?: \(<a|</td>)",
        page,
    )
    human = {name: status for status, name in found}
    for key, kind in NAMES.items():
        if kind == "untouched":
            assert human.get(key) == "unchanged"
        elif kind == "malformed":
            assert human.get(key) == "malformed notebook"
        else:  # a correct answer may be flagged as the published solution: status ok
            assert human.get(key, "ok") == "ok"
    fb = [h for h in _hrefs(page) if h.endswith(".md")]
    assert fb and all((graded["out"].parent / h).exists() for h in fb)


def test_the_page_is_self_contained(graded):
    page = graded["page"]
    refs = _hrefs(page)
    assert refs
    for ref in refs:
        assert not re.match(r"(?i)\s*(https?:|//)", ref), ref
        assert "//" not in ref or ref.startswith("data:image/png;base64,"), ref
    assert "<script" not in page.lower()
    imgs = re.findall(r'<img[^>]+src="([^"]+)"', page)
    assert len(imgs) == 2 and all(s.startswith("data:image/png;base64,") for s in imgs)


def test_anonymise_removes_every_name(graded, capsys):
    out = graded["tmp"] / "ta" / "report.html"
    assert (
        main(
            [
                "report",
                str(graded["out"]),
                "--out",
                str(out),
                "--anonymise",
                "--secret",
                SECRET,
                "--feedback",
                str(graded["out"].parent / "feedback"),
            ]
        )
        == 0
    )
    page = out.read_text(encoding="utf-8")
    for key in NAMES:
        assert key not in page and key.split("/")[0] not in page
    assert "stud_" not in page and "_lee" not in page
    assert not [h for h in _hrefs(page) if h.endswith(".md")]
    assert re.search(r"student-[0-9a-f]{6}", page)
    assert _counts(page) == _counts(graded["page"])
    again = graded["tmp"] / "ta2.html"
    assert (
        main(["report", str(graded["out"]), "--out", str(again), "--anonymise", "--secret", SECRET])
        == 0
    )
    names = set(re.findall(r"student-[0-9a-f]{6}", page))
    assert names == set(re.findall(r"student-[0-9a-f]{6}", again.read_text()))


def test_report_afterwards_and_over_merged_shards(graded, tmp_path, capsys):
    import shutil

    page = tmp_path / "again.html"
    assert main(["report", str(graded["out"]), "--out", str(page)]) == 0
    assert _counts(page.read_text()) == _counts(graded["page"])
    rows = read_rows(graded["out"])
    side = json.loads((graded["out"].parent / "grades.mistakes.json").read_text())
    keys = sorted(rows)
    # two shards of the same batch, as two grader runs with --shard would leave them
    header = graded["out"].read_text().splitlines()[0]
    lines = {line.split(",", 1)[0]: line for line in graded["out"].read_text().splitlines()[1:]}
    for k, part in ((1, keys[::2]), (2, keys[1::2])):
        folder = tmp_path / f"s{k}"
        folder.mkdir()
        (folder / "grades.csv").write_text("\n".join([header] + [lines[x] for x in part]) + "\n")
        (folder / "grades.mistakes.json").write_text(
            json.dumps({"submissions": {x: side["submissions"][x] for x in part}})
        )
        (folder / "grades.manifest.json").write_text(
            json.dumps({"batch": keys, "shard": f"{k}/2", "assigned": part})
        )
    merged = tmp_path / "merged" / "grades.csv"
    assert (
        main(
            [
                "merge",
                str(tmp_path / "s1" / "grades.csv"),
                str(tmp_path / "s2" / "grades.csv"),
                "--out",
                str(merged),
            ]
        )
        == 0
    )
    assert (merged.parent / "grades.mistakes.json").exists()
    page2 = tmp_path / "merged.html"
    assert main(["report", str(merged), "--out", str(page2)]) == 0
    assert _counts(page2.read_text()) == _counts(graded["page"])
    shutil.rmtree(tmp_path / "s1")
    capsys.readouterr()


def test_a_gradebook_without_sidecar_says_which_file_and_what_to_do(graded, tmp_path, capsys):
    csv = tmp_path / "old.csv"
    csv.write_text(graded["out"].read_text())
    assert main(["report", str(csv), "--out", str(tmp_path / "r.html")]) == 2
    err = capsys.readouterr().err
    assert "old.mistakes.json is missing" in err and "re-grade with this version" in err


def test_grading_does_not_import_matplotlib():
    import subprocess

    code = (
        "import sys, utils.checks, utils.grade.cli, utils.grade.core, "
        "utils.grade.mistakes, utils.grade.report; "
        "print('matplotlib' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert out.stdout.strip() == "False"


def test_where_to_start_links_the_section_in_the_course_site(graded, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    anchor = "Exercise-1:-a-perceptron-for-a-batch"  # nbconvert's id for this heading
    (site / "01_perceptron_xor.html").write_text(
        f'<h3 id="{anchor}">Exercise 1: a perceptron for a batch<a class="anchor-link" '
        f'href="#{anchor}">\u00b6</a></h3>',
        encoding="utf-8",
    )
    out = tmp_path / "r.html"
    assert main(["report", str(graded["out"]), "--out", str(out), "--site", str(site)]) == 0
    start = out.read_text().split("Where to start next lecture", 1)[1].split("<h2>", 1)[0]
    assert f'href="site/01_perceptron_xor.html#{anchor}"' in start
    empty = tmp_path / "nosite"
    empty.mkdir()
    assert main(["report", str(graded["out"]), "--out", str(out), "--site", str(empty)]) == 0
    start = out.read_text().split("Where to start next lecture", 1)[1].split("<h2>", 1)[0]
    assert "Exercise 1: a perceptron for a batch" in start and "<a " not in start


def test_several_chapters_get_a_page_each_and_an_index(tmp_path, capsys):
    subs = tmp_path / "subs"
    subs.mkdir()
    names = ("ann/00_start_here.ipynb", "bob/00_start_here.ipynb", "cho/01_perceptron_xor.ipynb")
    for name in names:  # empty or broken files: rows without a child process
        (subs / name).parent.mkdir()
        (subs / name).write_text("" if name.startswith("bob") else "{", encoding="utf-8")
    out = tmp_path / "g" / "grades.csv"
    assert (
        main(
            [
                str(subs),
                "--out",
                str(out),
                "--secret",
                SECRET,
                "--quiet",
                "--report",
                str(tmp_path / "pages" / "class.html"),
            ]
        )
        == 0
    )
    rows = read_rows(out.with_name("grades_00.csv"))
    assert sorted(rows) == list(names[:2])
    for ch in ("00", "01"):
        assert out.with_name(f"grades_{ch}.mistakes.json").exists()
        assert (tmp_path / "pages" / f"class_{ch}.html").exists()
    assert not out.with_name("grades.mistakes.json").exists()
    index = (tmp_path / "pages" / "class.html").read_text()
    assert 'href="class_00.html"' in index and 'href="class_01.html"' in index
    page = (tmp_path / "pages" / "class_00.html").read_text()
    assert names[1] in page and "cho/" not in page
    assert not (out.parent / "report.html").exists()
    main(
        [
            str(subs),
            "--out",
            str(tmp_path / "h" / "grades.csv"),
            "--no-report",
            "--secret",
            SECRET,
            "--quiet",
        ]
    )
    assert not list((tmp_path / "h").glob("*.html"))
