"""The offline slides and course site (utils.site): no network assets, nothing missing.

Builds the decks and site pages of two chapters into a temporary folder (installing the pinned
npm packages through ``utils.site.ensure_npm_packages`` when they are not there yet), then
reads the HTML: every script and stylesheet is local and exists, the indexes link every
chapter present, the instructor deck shows solutions as fragments and the student deck
shows none. The browser half (a deck opened in chromium, math typeset) is in
``nbtests/browser/test_browser.py``.
"""

import html
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from utils import decks, site
from utils._nbfast import nbformat
from utils.build import strip_solutions
from utils.notebook import CODE_BEGIN, CODE_END, MD_BEGIN, MD_END, exercise_id, is_exercise

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = ("04", "07")
NETWORK = re.compile(r"^\s*(https?:|//|ftp:)", re.I)


class Assets(HTMLParser):
    """Collects what a page loads (script src, link href, img/iframe/source src) and its links."""

    def __init__(self):
        super().__init__()
        self.loads: list[str] = []
        self.links: list[str] = []
        self.inline: list[str] = []
        self._in = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "img", "iframe", "source", "audio", "video", "embed") and a.get("src"):
            self.loads.append(a["src"])
        if tag == "link" and a.get("href"):
            self.loads.append(a["href"])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        self._in = tag if tag in ("script", "style") else None

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in:
            self.inline.append(data)


def _parse(page: Path) -> Assets:
    parser = Assets()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def _local_file(page: Path, url: str) -> Path:
    return (page.parent / unquote(urlsplit(url).path)).resolve()


def _chapter_stems():
    return [c.name for n in CHAPTERS for c in site.find_chapters(n)]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("site")
    slides, pages = tmp / "slides", tmp / "html"
    for number in CHAPTERS:
        site.build_slides(slides, only=number)
        site.build_html(pages, only=number)
    return {"slides": slides, "html": pages}


def _pages(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.html"))


@pytest.mark.slow  # the decks and pages built once for the module
@pytest.mark.parametrize("kind", ["slides", "html"])
def test_no_script_or_stylesheet_comes_from_the_network(built, kind):
    pages = _pages(built[kind])
    assert len(pages) >= 2 * len(CHAPTERS) + 1
    for page in pages:
        parsed = _parse(page)
        remote = [u for u in parsed.loads if NETWORK.match(u)]
        assert not remote, f"{page.name} loads {remote}"
        for code in parsed.inline:
            # An inline module import, a dynamic script URL or a CSS @import/url() fetch too.
            fetches = re.findall(
                r"""(?:import\s*\(?\s*|from\s+|url\(\s*|@import\s+|src\s*=\s*)"""
                r"""['"]?(?:https?:)?//""",
                code,
            )
            assert not fetches, f"{page.name}: an inline script or style fetches {fetches}"


@pytest.mark.slow  # the decks and pages built once for the module
@pytest.mark.parametrize("kind", ["slides", "html"])
def test_every_relative_asset_exists_also_after_copying_the_folder(built, kind, tmp_path):
    moved = tmp_path / "elsewhere" / kind
    shutil.copytree(built[kind], moved)  # a lecture-room USB stick: relative URLs must hold
    css_seen = set()
    for page in _pages(moved):
        for url in _parse(page).loads:
            if url.startswith("data:"):
                continue
            target = _local_file(page, url)
            assert target.is_file(), f"{page.name} refers to {url}, which is not there"
            assert moved in target.parents, f"{page.name}: {url} lies outside the output folder"
            if target.suffix == ".css":
                css_seen.add(target)
    assert css_seen or kind == "html"
    while css_seen:  # stylesheets and the stylesheets and fonts they import
        css = css_seen.pop()
        for ref in re.findall(r"""url\(\s*['"]?([^'")]+)""", css.read_text(encoding="utf-8")):
            if ref.startswith("data:"):
                continue
            assert not NETWORK.match(ref), f"{css.name} fetches {ref}"
            target = _local_file(css, ref)
            assert target.is_file(), f"{css.name} refers to {ref}, which is not there"
            if target.suffix == ".css":
                css_seen.add(target)
    mathjax = moved / "vendor" / "mathjax"
    assert (mathjax / "MathJax.js").is_file() and (mathjax / "config" / "Safe.js").is_file()


@pytest.mark.slow  # the decks and pages built once for the module
@pytest.mark.parametrize("kind", ["slides", "html"])
def test_the_index_links_every_chapter_present(built, kind):
    folder = built[kind]
    index = folder / "index.html"
    links = {unquote(u) for u in _parse(index).links}
    chapter_pages = {p.name for p in folder.glob("[0-9][0-9]_*.html")}
    assert chapter_pages, "no chapter page was written"
    assert chapter_pages <= links, f"not linked from the index: {chapter_pages - links}"
    for stem in _chapter_stems():
        assert any(name.startswith(stem) for name in chapter_pages), f"{stem} was not built"
    for link in links:
        if not NETWORK.match(link):
            assert (folder / link).is_file(), f"the index links {link}, which is not there"


def _text(page: Path) -> str:
    """The page's text, tags removed (pygments splits code into spans)."""
    return html.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))


def _solution_lines(nb) -> dict[str, list[str]]:
    """Exercise id -> the lines between its solution markers that appear nowhere else."""
    elsewhere = "\n".join(c.source for c in strip_solutions(nb).cells)
    out = {}
    for cell in nb.cells:
        if not is_exercise(cell):
            continue
        body = cell.source.split(CODE_BEGIN, 1)[1].split(CODE_END, 1)[0]
        lines = [
            ln.strip()
            for ln in body.splitlines()
            if len(ln.strip()) > 12
            and not ln.strip().startswith(("#", '"'))
            and ln.strip() not in elsewhere
        ]
        out[exercise_id(cell)] = lines
    return out


@pytest.mark.slow  # the decks and pages built once for the module
@pytest.mark.parametrize("stem", _chapter_stems())
def test_instructor_deck_reveals_solutions_as_fragments(built, stem):
    nb = nbformat.read(str(ROOT / "solutions" / f"{stem}.ipynb"), as_version=4)
    deck = built["slides"] / f"{stem}.slides.html"
    raw, text = deck.read_text(encoding="utf-8"), _text(deck)
    assert CODE_BEGIN not in text and 'not done yet")' not in text
    for cell in nb.cells:
        if not is_exercise(cell):
            continue
        ex_id = exercise_id(cell)
        own = cell.metadata.get("slideshow", {}).get("slide_type", "-")
        fragment = re.search(
            r'<div class="fragment">\s*<div class="jp-Cell[^"]*" '
            rf'id="cell-id={ex_id}"',
            raw,
        )
        if own in ("-", "fragment"):
            assert fragment, f"{ex_id}: its solution is not a fragment of the slide"
        else:  # the exercise starts its own (sub)slide: the solution comes with the next key
            assert f'id="cell-id={ex_id}"' in raw
    for ex_id, lines in _solution_lines(nb).items():
        assert lines, f"{ex_id}: no distinctive solution line to look for"
        assert all(line in text for line in lines)
    answers = [c for c in nb.cells if c.cell_type == "markdown" and MD_BEGIN in c.source]
    for cell in answers:
        answer = cell.source.split(MD_BEGIN, 1)[1].split(MD_END, 1)[0].strip()
        assert answer, "an empty written answer"
        assert re.search(
            r'<div class="fragment">\s*<div class="jp-Cell[^"]*" '
            rf'id="cell-id={re.escape(cell.id)}-answer"',
            raw,
        ), f"the answers of cell {cell.id} are not a fragment"


@pytest.mark.slow  # the decks and pages built once for the module
@pytest.mark.parametrize("stem", _chapter_stems())
@pytest.mark.parametrize("kind", ["slides", "html"])
def test_student_pages_show_stubs_and_figures_but_no_solution(built, stem, kind):
    nb = nbformat.read(str(ROOT / "solutions" / f"{stem}.ipynb"), as_version=4)
    name = f"{stem}.student.slides.html" if kind == "slides" else f"{stem}.html"
    page = built[kind] / name
    text = _text(page)
    for ex_id, lines in _solution_lines(nb).items():
        assert f'NotImplementedError("{ex_id}: not done yet")' in text
        assert f"{ex_id}: " not in text.replace(f'"{ex_id}: not done yet"', ""), (
            f"{ex_id}: a check result is shown to students"
        )
        shown = [line for line in lines if line in text]
        assert not shown, f"{ex_id}: solution lines in the student page: {shown}"
    full = built[kind] / (f"{stem}.slides.html" if kind == "slides" else f"{stem}.solutions.html")
    for cell in nb.cells:
        if cell.cell_type == "markdown" and MD_BEGIN in cell.source:
            answer = cell.source.split(MD_BEGIN, 1)[1].split(MD_END, 1)[0]
            first = _norm(
                re.sub(
                    r"^\s*(\d+\.|[-*])\s+",
                    "",
                    next(ln for ln in answer.splitlines() if len(ln.strip()) > 20),
                )
            )[:40]
            assert first in _norm(_text(full)), f"{first!r} is not in the instructor page"
            assert first not in _norm(text), f"a written answer is shown to students: {first!r}"
    figures = sum(
        1
        for c in nb.cells
        if c.cell_type == "code"
        and any("image/png" in o.get("data", {}) for o in c.get("outputs", []))
    )
    assert page.read_text(encoding="utf-8").count("data:image/png;base64") >= figures > 0


@pytest.mark.slow  # the decks and pages built once for the module
@pytest.mark.parametrize("stem", _chapter_stems())
def test_the_lecture_deck_has_the_guide_in_its_speaker_notes(built, stem):
    """The chapter's lecture plan, widget settings and discussion answers from INSTRUCTORS.md
    are in the lecture deck's speaker notes, and nowhere else in any page."""
    notes = decks.guide_notes(stem[:2])
    lecture = (built["slides"] / f"{stem}.slides.html").read_text(encoding="utf-8")
    asides = re.findall(r'<aside class="notes">(.*?)</aside>', lecture, re.S)
    spoken = _norm(html.unescape(re.sub(r"<[^>]+>", "", " ".join(asides))))
    for part in (notes.plan, notes.discussion, notes.misconceptions):
        first = re.sub(r"^\s*(\d+\.|[-*|])\s*", "", part.strip().splitlines()[0])
        needle = _norm(re.sub(r"`|\$", "", first))[:40]
        assert needle in spoken.replace("`", ""), f"{stem}: {needle!r} is not in the notes"
    answer = _norm(notes.discussion.split("*", 3)[-1])[:50]
    for page in (
        built["slides"] / f"{stem}.student.slides.html",
        built["html"] / f"{stem}.html",
        built["html"] / f"{stem}.solutions.html",
    ):
        assert answer not in _norm(_text(page)), f"{page.name} holds the guide's answer"


def _norm(text: str) -> str:
    """Markdown or page text without emphasis marks and with single spaces."""
    return re.sub(r"\s+", " ", re.sub(r"[*_`]", "", text)).strip()


def test_the_npm_lock_pins_exact_versions():
    declared = json.loads((ROOT / "package.json").read_text())["dependencies"]
    assert set(declared) == {
        "reveal.js",
        "requirejs",
        "jquery",
        "mathjax",
        "@fontsource/noto-sans-kr",
    }
    for name, spec in declared.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", spec), f"package.json: {name} {spec!r} is a range"
    lock = json.loads((ROOT / "package-lock.json").read_text())
    assert lock["packages"][""]["dependencies"] == declared, "the lock is out of date"
    assert site.locked_versions() == declared
    for name in declared:
        entry = lock["packages"][f"node_modules/{name}"]
        assert entry["integrity"].startswith("sha512-"), f"{name} has no integrity hash"


def test_installed_npm_packages_are_the_locked_ones():
    modules = site.ensure_npm_packages()
    for name, version in site.locked_versions().items():
        assert json.loads((modules / name / "package.json").read_text())["version"] == version


def test_missing_npm_is_a_clear_message(monkeypatch):
    monkeypatch.setattr(site.shutil, "which", lambda _name: None)
    monkeypatch.setattr(site.os, "geteuid", lambda: 1000)  # not root: no apt-get attempt
    with pytest.raises(site.SiteError, match="apt-get install npm"):
        site._npm()


def test_unknown_audience_is_refused():
    nb = nbformat.read(str(ROOT / "solutions" / f"{_chapter_stems()[0]}.ipynb"), as_version=4)
    with pytest.raises(ValueError, match="audience must be one of"):
        site.view(nb, "teacher")


def test_a_student_build_holds_no_answers_and_no_instructor_page(tmp_path):
    """``--audience student``: no instructors' guide, no solutions pages or decks, no answers,
    also when the folder holds an earlier instructor build."""
    from utils import dist

    html_out, slides_out = tmp_path / "html", tmp_path / "slides"
    for out in (html_out, slides_out):
        out.mkdir()
        (out / "instructors.html").write_text("left over")
    (html_out / "01_perceptron_xor.solutions.html").write_text("left over")
    (slides_out / "01_perceptron_xor.slides.html").write_text("left over")
    site.build_html(html_out, audiences=("student",), only="01")
    site.build_slides(slides_out, audiences=("student",), only="01")
    assert sorted(p.name for p in html_out.glob("*.html")) == [
        "01_perceptron_xor.html",
        "glossary.html",
        "index.html",
    ]
    assert sorted(p.name for p in slides_out.glob("*.html")) == [
        "01_perceptron_xor.student.slides.html",
        "glossary.html",
        "index.html",
    ]
    index = (html_out / "index.html").read_text(encoding="utf-8")
    assert "instructors.html" not in index and "solutions" not in index
    texts = {p: _norm(_text(p)) for out in (html_out, slides_out) for p in out.glob("*.html")}
    # Every written answer of every chapter, and every solution body, is absent.
    answers = []
    for where, body in dist.solution_bodies():
        answers.append((where, _norm(" ".join(body))[:60]))
    guide = (ROOT / "INSTRUCTORS.md").read_text(encoding="utf-8")
    answers.append(("INSTRUCTORS.md", _norm(guide.splitlines()[2])[:60]))
    # The guide's answers to its discussion questions, which the lecture deck's notes hold.
    for number, notes in decks.parse_guide(guide).items():
        for item in re.split(r"\n(?=\d+\. )", notes.discussion):
            answer = item.split("*", 2)[-1]  # what follows the question in *italics*
            answers.append((f"INSTRUCTORS.md {number}", _norm(answer)[:60]))
    for page, text in texts.items():
        found = [where for where, needle in answers if len(needle) >= 30 and needle in text]
        assert not found, f"{page.name} holds answers from {found}"
        assert '<aside class="notes">' not in page.read_text(encoding="utf-8"), page.name


def test_the_korean_font_is_vendored_for_hangul_only(built):
    """Every face of the vendored Noto Sans KR exists as a WOFF2 file next to the stylesheet,
    and none of them covers a code point below U+0370 (Latin text keeps the page's font)."""
    for kind in ("slides", "html"):
        vendor = built[kind] / site.VENDOR
        css = (vendor / site.KOREAN_CSS).read_text(encoding="utf-8")
        urls = re.findall(r"url\(([^)]+)\)", css)
        assert len(urls) == css.count("@font-face") > 200
        assert all(u.endswith(".woff2") and (vendor / u).is_file() for u in urls)
        for ranges in re.findall(r"unicode-range:\s*([^;]+);", css):
            starts = [int(part.strip()[2:].split("-")[0], 16) for part in ranges.split(",")]
            assert min(starts) >= 0x370, ranges[:80]
        assert "OFL" in (vendor / "@fontsource/noto-sans-kr/LICENSE").read_text()
        for page in built[kind].glob("*.html"):
            if page.name != "index.html":
                assert f'href="{site.VENDOR}/{site.KOREAN_CSS}"' in page.read_text(), page.name
