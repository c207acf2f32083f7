"""Real-browser tests: JupyterLab driven by Playwright in Debian's chromium.

Run with ``make browser-test`` (which installs chromium through apt when it is missing and
we are root). Marked ``browser`` and deselected from the default run. For every solution
notebook: open it, run all, wait until every code cell has run and the kernel is idle,
assert there is no error output and no "Error displaying widget", move the first slider
with the keyboard and check that the widget's figure changed, and save a screenshot under
``_build/screenshots/``. For a course notebook: run the first exercise's check and assert
the student sees the friendly "not done yet" line. For a lecture deck (``make slides``):
open it from a ``file://`` URL, press the right arrow, check the slide changed, that MathJax
(the local copy) typeset the math and that nothing was fetched from the network. Every
chapter's deck, lecture and student, is stepped through slide by slide and fragment by
fragment at 1280x720: nothing may leave the slide; a contact sheet of each lecture deck is
saved as ``_build/screenshots/deck_NN.png``. The harness of ``make bench``'s browser latency
(``benchmarks/browser_latency.py``, which also starts the JupyterLab server and chromium used
here) times one widget's slider changes.
"""

import base64
import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest

from benchmarks import browser_latency
from benchmarks.browser_latency import CHROMIUM, code_cells, open_notebook, run_all, wait_idle

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "_build" / "screenshots"
SOLUTIONS = sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on a copy of the solution and course notebooks (nothing saved)."""
    tmp = tmp_path_factory.mktemp("jupyter")
    served = tmp / "course-copy"
    for folder in ("solutions", "course"):
        shutil.copytree(ROOT / folder, served / folder)
    with browser_latency.jupyterlab(served, tmp / "state") as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            "Debian's chromium is missing: run `make browser-test` (it installs it as "
            "root) or `apt-get install chromium`"
        )
    with browser_latency.chromium() as b:
        yield b


@pytest.mark.parametrize("nb", SOLUTIONS, ids=[p.stem for p in SOLUTIONS])
def test_solution_notebook_runs_and_its_widget_responds(browser, lab, nb):
    page = open_notebook(browser, lab, f"solutions/{nb.name}")
    run_all(page, code_cells(nb))
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    assert errors.count() == 0, errors.first.inner_text()[:500]
    broken = page.locator(".jp-OutputArea-output", has_text="Error displaying widget")
    assert broken.count() == 0, "a widget did not render"
    widget = (
        page.locator(".jp-OutputArea-output")
        .filter(has=page.locator(".widget-slider, .widget-dropdown"))
        .first
    )
    widget.scroll_into_view_if_needed(timeout=10_000)
    image = widget.locator(".widget-image").first
    before = image.get_attribute("src")
    if widget.locator(".widget-slider").count():
        readout = widget.locator(".widget-slider .widget-readout").first
        value_before = readout.inner_text()
        widget.locator(".widget-slider .noUi-handle").first.focus()
        for _ in range(3):
            page.keyboard.press("ArrowRight")
        if readout.inner_text() == value_before:  # the slider sat at its maximum: go left
            for _ in range(6):
                page.keyboard.press("ArrowLeft")
        value_after = readout.inner_text()
        assert value_after != value_before, "the slider did not move"
    else:  # a dropdown: choose its next option
        select = widget.locator(".widget-dropdown select").first
        options = select.locator("option").all_text_contents()
        current = select.input_value()
        value_after = next(o for o in options if o != current)
        select.select_option(value_after)
    deadline = time.monotonic() + 15
    while image.get_attribute("src") == before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert image.get_attribute("src") != before, "moving the slider did not redraw the figure"
    # Each key press may redraw once (three presses, three redraws, slower on a loaded
    # machine); the figure must then settle: unchanged for 1.5 s within 30 s.
    settled, since, deadline = image.get_attribute("src"), time.monotonic(), time.monotonic() + 30
    while time.monotonic() - since < 1.5 and time.monotonic() < deadline:
        time.sleep(0.2)
        now = image.get_attribute("src")
        if now != settled:
            settled, since = now, time.monotonic()
    assert time.monotonic() - since >= 1.5, "the figure kept changing after the slider stopped"
    # Settled on the new value: the slider did not bounce back while the kernel redrew.
    if widget.locator(".widget-slider").count():
        assert widget.locator(".widget-slider .widget-readout").first.inner_text() == value_after
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{nb.stem}.png"))
    page.close()


@pytest.mark.parametrize(
    ("name", "first"),
    [("00_start_here", "ex00_batch_iterations"), ("01_perceptron_xor", "ex01_perceptron")],
)
def test_student_sees_the_friendly_not_done_message(browser, lab, name, first):
    """The student's notebook (00 is where `make lab` opens): run all stops at the first
    exercise's check with one friendly line, and the widgets above it work."""
    nb = ROOT / "course" / f"{name}.ipynb"
    page = open_notebook(browser, lab, f"course/{nb.name}")
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    output = page.locator(".jp-OutputArea-output", has_text=f"{first} is not done yet").first
    output.wait_for(timeout=60_000)  # run-all stops at the first exercise's check
    wait_idle(page, 30)
    text = output.inner_text()
    assert "NotImplementedError" in text and f"{first} is not done yet" in text, text
    assert "Traceback" not in text and "File " not in text, "the student should see no stack"
    broken = page.locator(".jp-OutputArea-output", has_text="Error displaying widget")
    assert broken.count() == 0, "a widget did not render in the student's notebook"
    output.scroll_into_view_if_needed()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"course_{name[:2]}_not_done.png"))
    page.close()


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    """Chapter 04's lecture deck, built offline into a temporary folder (utils.site)."""
    from utils import site

    out = tmp_path_factory.mktemp("slides")
    (path,) = site.build_slides(out, audiences=("instructor",), only="04")
    return path


def test_slide_deck_advances_and_typesets_math_offline(browser, deck):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(deck.as_uri())
    page.wait_for_selector(".reveal.ready", timeout=30_000)  # reveal.js loaded through RequireJS

    def position():
        return page.evaluate("""() => {
            const top = Array.from(document.querySelectorAll('.reveal .slides > section'));
            const h = top.findIndex(s => s.classList.contains('present'));
            return [h, top.length, location.hash];
        }""")

    h0, n_slides, _ = position()
    assert h0 == 0 and n_slides > 5, (h0, n_slides)
    page.locator(".reveal").click()  # focus the deck, as a lecturer would
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "() => document.querySelector('.reveal .slides > section.present') !== "
        "document.querySelector('.reveal .slides > section')",
        timeout=10_000,
    )
    h1, _, hash1 = position()
    assert h1 == 1 and hash1 == "#/1", (h1, hash1)
    # MathJax 2 (the local copy) typesets every formula; its queue empties when done.
    page.wait_for_function(
        "() => window.MathJax && MathJax.Hub && MathJax.Hub.queue"
        " && MathJax.Hub.queue.pending === 0 && !MathJax.Hub.queue.running",
        timeout=60_000,
    )
    typeset = page.locator(".reveal section.present .MathJax_CHTML")
    assert typeset.count() > 0, "no typeset math on the second slide"
    raw = page.evaluate("""() => Array.from(document.querySelectorAll('.jp-MarkdownOutput'))
        .map(e => e.innerText).filter(t => t.includes('$$') || /\\$[^$\\s][^$]*\\$/.test(t))""")
    assert raw == [], f"untypeset math left: {raw[:2]}"
    remote = [u for u in fetched if not u.startswith(("file:", "data:"))]
    assert remote == [], f"the deck fetched from the network: {remote}"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_function(  # the fade transition has finished: the first slide is gone
        "() => getComputedStyle(document.querySelector('.reveal .slides > section')).opacity"
        " === '0'",
        timeout=10_000,
    )
    page.screenshot(path=str(SHOTS / "slides_04_second_slide.png"))
    page.close()


def _synthetic_class_05(folder: Path) -> Path:
    """A gradebook of 40 chapter-05 submissions and its mistakes file, made up from the
    registry (chapter 05's exercises and their named mistakes), without grading anything."""
    import csv
    import json

    import numpy as np

    from utils.checks import exercises

    rng = np.random.default_rng(5)
    exs = exercises("05")
    records, rows = {}, []
    for k in range(40):
        key = f"section{1 + k % 2}/student_{k:02d}/05_backpropagation.ipynb"
        status = (
            "timeout"
            if k == 7
            else "unchanged"
            if k in (11, 23)
            else "malformed notebook"
            if k == 31
            else "ok"
        )
        record = {"chapter": "05", "status": status, "flag": "", "exercises": {}}
        for ex in exs:
            named = {m.name: m.hint for p in ex.probes for m in p.mistakes}
            cases = len(ex.probes)
            done = status == "ok" or (status == "timeout" and ex is not exs[-1])
            wrong = {}
            if done and named and rng.random() < 0.45:
                # a skewed pick: the first mistakes of an exercise are the common ones
                names = [
                    n for n in named if "wrong number" not in n and "wrong structure" not in n
                ] or list(named)
                pick = names[min(int(rng.exponential(1.2)), len(names) - 1)]
                wrong[pick] = {"hint": named[pick], "count": int(rng.integers(1, cases + 1))}
            passed = cases - sum(m["count"] for m in wrong.values()) if done else 0
            name = next(iter(wrong), "")
            record["exercises"][ex.id] = {
                "points": round(ex.points * passed / cases, 2),
                "max_points": float(ex.points),
                "passed": passed,
                "cases": cases,
                "not_done": not done,
                "mistakes": wrong,
                "excerpt": (
                    f"Case failed: {ex.probes[0].name}\n  expected ... got ...\n"
                    f"  Hint ({name}): {wrong[name]['hint']}"
                    if wrong
                    else ""
                ),
            }
        record["total"] = round(sum(e["points"] for e in record["exercises"].values()), 2)
        record["max_total"] = float(sum(ex.points for ex in exs))
        if k == 3:
            record["flag"] = f"{exs[0].id}:copy:solution"
        records[key] = record
        rows.append(
            {
                "submission": key,
                "chapter": "05",
                "status": status,
                "total": record["total"],
                "max_total": record["max_total"],
                **{e: v["points"] for e, v in record["exercises"].items()},
                "flag": record["flag"],
            }
        )
    out = folder / "grades.csv"
    with open(out, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    (folder / "grades.mistakes.json").write_text(json.dumps({"submissions": records}))
    return out


def test_class_report_of_chapter_05_shows_its_figures_offline(browser, tmp_path):
    from utils.grade.cli import main

    gradebook = _synthetic_class_05(tmp_path)
    page_path = tmp_path / "report.html"
    assert (
        main(
            [
                "report",
                str(gradebook),
                "--out",
                str(page_path),
                "--feedback",
                str(tmp_path / "feedback"),
            ]
        )
        == 0
    )
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(page_path.as_uri())
    page.wait_for_load_state("load")
    widths = page.eval_on_selector_all("img", "els => els.map(e => e.naturalWidth)")
    assert len(widths) == 2 and all(w > 0 for w in widths), widths
    assert page.locator("text=Where to start next lecture").count() == 1
    remote = [u for u in fetched if not u.startswith(("file:", "data:"))]
    assert not remote, remote
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "report_05.png"), full_page=True)
    page.close()


@pytest.fixture(scope="module")
def korean_pages(tmp_path_factory):
    """The glossary and chapter 00 (both hold Korean), site page and deck, built offline."""
    from utils import site

    out = tmp_path_factory.mktemp("korean")
    site.build_html(out / "html", audiences=("student",), only="00")
    site.build_slides(out / "slides", audiences=("instructor",), only="00")
    return [
        out / "html" / "glossary.html",
        out / "html" / "00_start_here.html",
        out / "slides" / "00_start_here.slides.html",
    ]


# For every element whose own text holds Hangul: the first font it lists, its weight, and
# whether a loaded face of Noto Sans KR at that weight covers each of its Hangul characters.
KOREAN_STATE_JS = """async () => {
    await document.fonts.ready;
    const isHangul = /[\\uac00-\\ud7a3]/;
    const owners = [...document.querySelectorAll('body *')].filter(e =>
        [...e.childNodes].some(n => n.nodeType === 3 && isHangul.test(n.data)));
    // Scroll each into view so that the browser lays it out and fetches its font subsets.
    for (const e of owners) e.scrollIntoView();
    await document.fonts.ready;
    const faces = [...document.fonts].filter(f => f.family.includes('Noto Sans KR'));
    const notFirst = [], missing = [];
    let hangul = 0;
    for (const e of owners) {
        const style = getComputedStyle(e);
        const first = style.fontFamily.split(',')[0].replace(/["']/g, '').trim();
        if (first !== 'Noto Sans KR') notFirst.push(first);
        const weight = Number(style.fontWeight) >= 600 ? 'bold' : 'normal';
        const own = [...e.childNodes].filter(n => n.nodeType === 3).map(n => n.data).join('');
        for (const ch of new Set(own.match(/[\\uac00-\\ud7a3]/g) || [])) {
            hangul += 1;
            if (!document.fonts.check(`${weight} 16px 'Noto Sans KR'`, ch))
                missing.push(weight + ' ' + ch);
        }
    }
    return {hangul, notFirst, missing,
            loaded: faces.filter(f => f.status === 'loaded').length,
            errors: faces.filter(f => f.status === 'error').length};
}"""


def test_korean_text_is_drawn_with_the_vendored_font_offline(browser, korean_pages):
    """This machine has no Korean system font: every Hangul syllable on the page must come from
    the course's own copy of Noto Sans KR, at the weight it is shown in (else it is drawn as an
    empty box or a synthesised bold)."""
    for path in korean_pages:
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        fetched = []
        page.on("request", lambda request, fetched=fetched: fetched.append(request.url))
        page.goto(path.as_uri(), wait_until="load")
        state = page.evaluate(KOREAN_STATE_JS)
        # The glossary gives every term in Korean; chapter 00 names a few.
        assert state["hangul"] > (20 if path.name == "glossary.html" else 0), (path.name, state)
        assert state["loaded"] > 0 and state["errors"] == 0, (path.name, state)
        assert state["notFirst"] == [] and state["missing"] == [], (path.name, state)
        fonts = [u for u in fetched if "noto-sans-kr" in u]
        remote = [u for u in fetched if not u.startswith(("file:", "data:"))]
        assert fonts and not remote, (fonts[:3], remote)
        if path.name == "glossary.html":
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=str(SHOTS / "glossary_korean.png"))
        page.close()


# ------------------------------------------------------------------ every deck fits 1280x720

DECK_AUDIENCES = ("instructor", "student")


@pytest.fixture(scope="module")
def all_decks(tmp_path_factory):
    """Every chapter's deck for both audiences, built once for the module (utils.site)."""
    from utils import site

    out = tmp_path_factory.mktemp("all-decks")
    return site.build_slides(out, audiences=DECK_AUDIENCES)


# Step through the deck from its first slide with Reveal.next() until the last slide has no
# fragment left; at every step, list every element shown (hidden fragments are not) whose box
# leaves the slide's box, and every code or output area whose content is wider or taller than
# itself (a scroll bar or clipped text). Elements inside the speaker notes are not shown.
WALK_JS = """async () => {
    const box = () => document.querySelector('.reveal .slides').getBoundingClientRect();
    const tol = 1;
    const name = e => {
        const cell = e.closest('[id^="cell-id="]');
        const where = cell ? cell.id.slice(8) : '';
        const cls = (typeof e.className === 'string' ? e.className : '')
            .split(' ').filter(Boolean).slice(0, 2).join('.');
        return `${where} ${e.tagName.toLowerCase()}${cls ? '.' + cls : ''}`;
    };
    const measure = () => {
        const b = box(), slide = Reveal.getCurrentSlide(), out = [];
        for (const e of slide.querySelectorAll('*')) {
            // Speaker notes, and MathJax's copy of each formula for screen readers (drawn
            // nowhere: clipped to a pixel), are not on the slide.
            if (e.closest('aside.notes, .MJX_Assistive_MathML') || e.tagName === 'SCRIPT')
                continue;
            const style = getComputedStyle(e);
            if (style.display === 'none' || style.visibility === 'hidden') continue;
            const r = e.getBoundingClientRect();
            if (r.width === 0 || r.height === 0) continue;
            const worst = Math.max(b.left - r.left, r.right - b.right, b.top - r.top,
                                   r.bottom - b.bottom);
            if (worst > tol) out.push(`${name(e)} leaves the slide by ${Math.round(worst)} px`);
        }
        for (const e of slide.querySelectorAll(
                'pre, .jp-OutputArea-output, .jp-InputArea-editor')) {
            if (e.closest('aside.notes') || getComputedStyle(e).visibility === 'hidden') continue;
            if (e.scrollWidth > e.clientWidth + tol || e.scrollHeight > e.clientHeight + tol)
                out.push(`${name(e)} is clipped: content ${e.scrollWidth}x${e.scrollHeight}`
                         + ` in ${e.clientWidth}x${e.clientHeight}`);
        }
        const i = Reveal.getIndices();
        return {h: i.h, v: i.v, f: i.f === undefined ? -1 : i.f, problems: out.slice(0, 4),
                last: !Reveal.availableFragments().next};
    };
    Reveal.slide(0, 0, -1);
    const states = [];
    for (let k = 0; k < 3000; k++) {
        states.push(measure());
        if (Reveal.isLastSlide() && !Reveal.availableFragments().next) return states;
        Reveal.next();
    }
    states.push({h: -1, v: -1, f: -1, problems: ['never reached the last slide'], last: true});
    return states;
}"""


MATHJAX_IDLE = (
    "() => window.MathJax && MathJax.Hub && MathJax.Hub.queue"
    " && MathJax.Hub.queue.pending === 0 && !MathJax.Hub.queue.running"
)
# Go to a slide and resolve once the page has been painted.
SHOW_SLIDE_JS = """async ([h, v, f]) => {
    Reveal.slide(h, v, f);
    await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
}"""
# A quarter-size JPEG of the 1280x720 viewport, straight from chromium.
SHOT_OPTIONS = {
    "format": "jpeg",
    "quality": 75,
    "clip": {"x": 0, "y": 0, "width": 1280, "height": 720, "scale": 0.25},
}


def walk_deck(page, deck: Path, shots: list | None = None) -> tuple[list[dict], list[str]]:
    """Open ``deck``, step through every slide and fragment; return the states measured and the
    overflows found, each naming the deck, the slide (h/v), the fragment and the element.
    With ``shots``, append a JPEG of each slide with all its fragments shown."""
    page.goto(deck.as_uri())
    page.wait_for_selector(".reveal.ready", timeout=30_000)
    # The deck loads reveal.js through RequireJS: ask RequireJS for the same module.
    page.evaluate(
        "new Promise(done => require(['vendor/reveal.js/dist/reveal.js'],"
        " R => { window.Reveal = R; done(); }))"
    )
    page.evaluate("Reveal.configure({transition: 'none', backgroundTransition: 'none'})")
    # The deck typesets every formula once, when reveal.js has laid the slides out.
    page.wait_for_selector("body[data-math-ready]", state="attached", timeout=60_000)
    page.wait_for_function(MATHJAX_IDLE, timeout=60_000)
    page.evaluate("document.fonts.ready.then(() => true)")
    states = page.evaluate(WALK_JS)
    problems = [
        f"{deck.name} slide {s['h']}/{s['v']} fragment {s['f']}: {p}"
        for s in states
        for p in s["problems"]
    ]
    if shots is not None:
        # Fragments shown at once, without their fade.
        page.add_style_tag(content=".reveal .fragment { transition: none !important; }")
        cdp = page.context.new_cdp_session(page)  # faster than page.screenshot, no waiting
        for s in states:
            if s["last"]:
                page.evaluate(SHOW_SLIDE_JS, [s["h"], s["v"], s["f"]])
                shot = cdp.send("Page.captureScreenshot", SHOT_OPTIONS)
                shots.append(base64.b64decode(shot["data"]))
        cdp.detach()
    return states, problems


def contact_sheet(shots: list[bytes], path: Path, columns: int = 6, width: int = 320) -> None:
    """The slides as numbered thumbnails on a grid, for a person to look at (Pillow, which
    matplotlib depends on)."""
    import io

    from PIL import Image, ImageDraw

    height = width * 9 // 16
    rows = max(1, -(-len(shots) // columns))
    sheet = Image.new("RGB", (columns * (width + 4) + 4, rows * (height + 4) + 4), "#888")
    draw = ImageDraw.Draw(sheet)
    for k, shot in enumerate(shots):
        thumb = Image.open(io.BytesIO(shot)).convert("RGB").resize((width, height))
        x, y = 4 + (k % columns) * (width + 4), 4 + (k // columns) * (height + 4)
        sheet.paste(thumb, (x, y))
        draw.text((x + 4, y + 2), str(k), fill="#c00000")
    path.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(path)


def test_every_deck_fits_a_1280x720_projector(browser, all_decks):
    """Each chapter's lecture and student deck, every slide and fragment, at 1280x720: no
    element leaves the slide and no code or output is clipped. A contact sheet of each
    lecture deck is saved as _build/screenshots/deck_NN.png (``make browser-test``; ``make
    test`` sets DLF_CONTACT_SHEETS=0 and measures without taking the pictures)."""
    sheets = os.environ.get("DLF_CONTACT_SHEETS", "1") != "0"
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    fetched = []
    page.on("request", lambda request: fetched.append(request.url))
    problems, slides = [], 0
    for deck in all_decks:
        lecture = deck.name.endswith(".slides.html") and ".student." not in deck.name
        shots = [] if lecture and sheets else None
        states, found = walk_deck(page, deck, shots)
        slides += len({(s["h"], s["v"]) for s in states})
        problems.extend(found)
        assert len(states) > 5, f"{deck.name}: only {len(states)} steps"
        if shots is not None:
            contact_sheet(shots, SHOTS / f"deck_{deck.name[:2]}.png")
    page.close()
    remote = [u for u in fetched if not u.startswith(("file:", "data:"))]
    assert not remote, f"a deck fetched from the network: {remote[:3]}"
    assert not problems, f"{len(problems)} overflows in {slides} slides:\n" + "\n".join(
        problems[:40]
    )


def _norm_text(text: str) -> str:
    for mark in "`*_$\\":
        text = text.replace(mark, "")
    return " ".join(text.split())


def test_a_student_browser_receives_no_answer(browser, all_decks, korean_pages):
    """What a student's browser gets from the student decks and the student site (chapter 00's
    page and the glossary): the whole document, hidden fragments and notes included, holds no
    solution body, no written answer and no speaker note, and no link to an instructors'
    page."""
    from utils import dist

    # From each answer, its longest stretch of words without math (MathJax redraws formulas),
    # unless the student notebooks show the same words elsewhere (a demo repeating a line).
    shown = _norm_text(
        " ".join(
            "".join(cell.get("source", ""))
            for nb in sorted((ROOT / "course").glob("[0-9][0-9]_*.ipynb"))
            for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]
        )
    )
    needles = []
    for where, body in dist.solution_bodies():
        stretches = re.split(r"\$[^$]*\$|`[^`]*`", " ".join(body))
        needle = max((_norm_text(t) for t in stretches), key=len)[:40]
        if len(needle) >= 25 and needle not in shown:
            needles.append((where, needle))
    assert len(needles) > 50, "too few answers to look for"
    # The same search finds them in the lecture decks: it can fail.
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    lecture_text = ""
    for deck in all_decks:
        if ".student." not in deck.name:
            page.goto(deck.as_uri(), wait_until="load")
            lecture_text += _norm_text(page.evaluate("document.documentElement.textContent"))
    seen = [where for where, needle in needles if needle in lecture_text]
    assert len(seen) >= 0.8 * len(needles), f"found {len(seen)} of {len(needles)}"
    page.close()
    student = [d for d in all_decks if ".student." in d.name]
    student += [p for p in korean_pages if p.parent.name == "html"]
    assert len(student) >= 13
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    for path in student:
        page.goto(path.as_uri(), wait_until="load")
        got = page.evaluate(
            """() => ({text: document.documentElement.textContent,
                       notes: document.querySelectorAll('aside.notes').length,
                       links: [...document.querySelectorAll('a[href]')].map(a => a.href)})"""
        )
        text = _norm_text(got["text"])
        found = [where for where, needle in needles if needle in text]
        assert not found, f"{path.name} holds answers of {found[:5]}"
        assert got["notes"] == 0, f"{path.name} has speaker notes"
        bad = [u for u in got["links"] if "instructors" in u or ".solutions." in u]
        assert not bad, f"{path.name} links {bad}"
    page.close()


def test_widget_round_trip_is_timed_from_key_press_to_painted_figure(browser):
    """The harness of `make bench`'s browser_redraw_ms on one widget: every arrow-key change of
    its slider yields one positive duration (no timing is asserted: the machine varies)."""
    with browser_latency.widget_lab() as (base, served):
        times = browser_latency.measure_widget(
            browser, base, served, "hello_slider", changes=10, screenshot=SHOTS / "latency.png"
        )
    assert len(times) == 10 and all(t > 0 for t in times), times
    entry = browser_latency.summary(times)
    assert 0 < entry["median_ms"] <= entry["p95_ms"], entry
