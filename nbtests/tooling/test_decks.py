"""utils.decks: decks laid out for 1280x720 slides, and the instructor guide as speaker notes.

These tests work on the notebooks (no browser, no export); ``nbtests/test_browser.py`` opens
every deck in chromium and measures that nothing leaves a slide, and ``nbtests/test_site.py``
checks the built pages.
"""

import re
from pathlib import Path

import pytest

from utils import decks, site
from utils._nbfast import nbformat
from utils.build import WIDGET_PLACEHOLDER
from utils.notebook import exercise_id, is_exercise

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))
STEMS = [p.stem for p in NOTEBOOKS]


def _read(stem: str):
    return nbformat.read(str(ROOT / "solutions" / f"{stem}.ipynb"), as_version=4)


def _slides(cells) -> list[list]:
    """The cells of each (sub)slide, notes and skipped cells included."""
    slides: list[list] = []
    for cell in cells:
        if decks._slide_type(cell) in ("slide", "subslide") or not slides:
            slides.append([])
        slides[-1].append(cell)
    return slides


@pytest.fixture(scope="module")
def guide():
    return decks.parse_guide((ROOT / "INSTRUCTORS.md").read_text(encoding="utf-8"))


def test_an_exercise_shows_its_signature_and_purpose_and_reveals_its_body():
    nb = _read("05_backpropagation")
    fitted = decks.fit_deck(site.view(nb, "instructor"), "instructor")
    by_id = {c.id: c for c in fitted.cells}
    for cell in nb.cells:
        if not is_exercise(cell):
            continue
        ex = exercise_id(cell)
        task, body, notes = by_id[f"{ex}-task"], by_id[ex], by_id[f"{ex}-notes"]
        first_doc_line = cell.source.split('"""')[1].strip().splitlines()[0]
        assert task.source.splitlines()[0].startswith("def ")
        assert first_doc_line in task.source and len(task.source.splitlines()) <= 4
        assert decks._slide_type(body) == "fragment" and '"""' not in body.source
        assert "return" in body.source and "BEGIN SOLUTION" not in body.source
        assert decks._slide_type(notes) == "notes" and "Parameters" in notes.source
        # Task, notes and solution share a slide: the solution is the next key press.
        (slide,) = [s for s in _slides(fitted.cells) if task in s]
        assert notes in slide and body in slide


def test_a_student_deck_keeps_the_whole_docstring_and_the_stub():
    nb = _read("05_backpropagation")
    fitted = decks.fit_deck(site.view(nb, "student"), "student")
    stubs = [c for c in fitted.cells if is_exercise(c)]
    assert stubs and all("Parameters" in c.source and "not done yet" in c.source for c in stubs)
    assert not any(decks._slide_type(c) == "notes" for c in fitted.cells)


@pytest.mark.parametrize("audience", ["instructor", "student"])
@pytest.mark.parametrize("stem", STEMS)
def test_every_slide_is_estimated_to_fit(stem, audience):
    """The estimate that places the slide breaks; chromium checks the real layout. A slide
    over the budget is one cell that cannot be cut (a figure, a quoted paragraph), and never
    by more than a fifth."""
    fitted = decks.fit_deck(site.view(_read(stem), audience), audience)
    for slide in _slides(fitted.cells):
        height = sum(decks.cell_height(c) for c in slide)
        assert height <= decks.BUDGET * 1.2, (stem, [c.id for c in slide], height)


def test_the_title_slide_holds_the_title_and_one_paragraph():
    fitted = decks.fit_deck(site.view(_read("04_gradient_descent"), "instructor"), "instructor")
    title, more = fitted.cells[0], fitted.cells[1]
    assert title.source.startswith("# 04") and len(title.source.split("\n\n")) == 2
    assert decks._slide_type(more) == "subslide" and "What you will learn" in more.source


def test_a_long_markdown_cell_is_cut_between_paragraphs_and_fences():
    text = "### Title\n\n" + "\n\n".join(f"Paragraph {k} " + "word " * 120 for k in range(8))
    text += "\n\n```python\n" + "\n".join(f"x{k} = {k}" for k in range(60)) + "\n```\n"
    pieces = decks.split_markdown(text, decks.BUDGET)
    assert len(pieces) > 3
    assert all(decks.markdown_height(p) <= decks.BUDGET for p in pieces)
    assert all(p.count("```") % 2 == 0 for p in pieces), "a code fence was cut open"
    words = lambda s: re.sub(r"```python|```", "", s).split()  # noqa: E731
    assert sum((words(p) for p in pieces), []) == words(text)


def test_a_widget_snapshot_is_captioned_in_decks_and_pages():
    nb = _read("04_gradient_descent")
    (widget,) = [
        c
        for c in nb.cells
        if c.cell_type == "code"
        and any(o.get("data", {}).get("text/plain") == WIDGET_PLACEHOLDER for o in c.outputs)
    ]
    assert "image/png" in widget.outputs[0].data, "no snapshot stored beside the widget"
    for shown in (
        decks.caption_widget_snapshots(site.view(nb, "student")),
        decks.fit_deck(site.view(nb, "instructor"), "instructor"),
    ):
        ids = [c.id for c in shown.cells]
        caption = shown.cells[ids.index(widget.id) + 1]
        assert caption.id == f"{widget.id}-snapshot"
        assert "interactive in JupyterLab" in caption.source


def test_the_guide_is_parsed_for_every_chapter(guide):
    assert sorted(guide) == [p.stem[:2] for p in NOTEBOOKS]
    for number, notes in guide.items():
        assert notes.plan and notes.discussion and notes.misconceptions, number
        assert "min" in notes.plan or "|" in notes.plan, number
        assert notes.discussion.lstrip().startswith("1."), number
    assert "training_curves_explorer" in guide["11"].widgets


def test_a_guide_in_the_bold_heading_layout_parses_like_the_heading_layout():
    text = (
        "## 07 Something\n\n**Goal.** Learn.\n\n**50-minute plan.**\n- 0–10 min: section 2.\n\n"
        "**Discussion questions (with answers).**\n1. *Why?* Because.\n\n"
        '**Misconceptions students bring.**\n- "X" is Y.\n\n## 08 Next\n\n### 50-minute plan\n'
        "- 0–5 min: section 1, **`a_explorer`** at 0.5.\n"
    )
    guide = decks.parse_guide(text)
    assert guide["07"].plan == "- 0–10 min: section 2."
    assert guide["07"].discussion == "1. *Why?* Because."
    assert guide["07"].other["Goal"] == "Learn."
    assert "a_explorer" in guide["08"].plan and guide["08"].discussion == ""


@pytest.mark.parametrize("stem", STEMS)
def test_the_guide_lands_in_the_notes_of_its_slides(stem, guide):
    notes = guide[stem[:2]]
    fitted = decks.fit_deck(site.view(_read(stem), "instructor"), "instructor", notes)
    slides = _slides(fitted.cells)

    def slide_with(text: str) -> list:
        found = [s for s in slides for c in s if "-guide" in c.id and text in c.source]
        assert found, f"{stem}: no notes with {text!r}"
        return found[0]

    plan = slide_with("**Lecture plan.**")
    assert plan is slides[0], "the plan is not on the title slide"
    discussion = slide_with("**Discussion questions")
    assert any(
        c.cell_type == "markdown"
        and re.match(r"^#+\s*(check your understanding|summary)", c.source, re.I)
        for c in discussion
    ), f"{stem}: the discussion questions are not on the summary or questions slide"
    first_answer = notes.discussion.splitlines()[0][:40]
    assert first_answer in "".join(c.source for c in discussion)
    seen = set()
    for cell in fitted.cells:  # the first cell of each widget the guide names
        name = decks.widget_call(cell)
        if name and name in notes.plan + notes.widgets and name not in seen:
            seen.add(name)
            (slide,) = [s for s in slides if any(c.id == cell.id for c in s)]
            assert any("Driving the widget live" in c.source for c in slide), name
    for cell in fitted.cells:
        if "-guide" in cell.id:
            assert decks._slide_type(cell) == "notes"


@pytest.mark.parametrize("stem", STEMS)
def test_a_student_deck_gets_no_notes_from_the_guide(stem):
    fitted = decks.fit_deck(site.view(_read(stem), "student"), "student")
    assert not [c.id for c in fitted.cells if decks._slide_type(c) == "notes"]


def test_the_notebook_given_is_not_changed():
    nb = _read("04_gradient_descent")
    before = nbformat.writes(nb)
    decks.fit_deck(site.view(nb, "instructor"), "instructor", decks.guide_notes("04"))
    decks.caption_widget_snapshots(nb)
    assert nbformat.writes(nb) == before
