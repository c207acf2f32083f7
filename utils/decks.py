"""Lecture decks that fit a 16:9 projector, and the instructor guide as speaker notes.

:func:`fit_deck` takes a chapter notebook as :mod:`utils.site` shows it to one audience and
rearranges its cells so that every slide of the reveal.js deck fits 1280x720 pixels:

- An exercise in the lecture deck shows its signature and the first line of its docstring;
  the solution body follows as a fragment (the next key press), and the rest of the
  docstring (parameters, shapes) goes to the speaker notes.
- The title cell keeps the title and its first paragraph; what follows moves to the next
  slide. A markdown cell taller than a slide is split between paragraphs, and a code cell
  whose code and output do not fit together shows its output on the next slide.
- Cells are measured (an estimate in pixels from lines, wrapping and the size of each PNG)
  and a slide that would overflow continues on a new vertical slide. A fragment moves with
  the cell it answers (the question, the exercise's signature).
- A widget's stored snapshot (the PNG of its first figure) gets a caption saying that it
  is interactive in JupyterLab.

:func:`guide_notes` parses a chapter's section of ``INSTRUCTORS.md`` (its lecture plan, the
widget settings, the discussion questions and misconceptions) and :func:`add_guide_notes`
puts each part in the speaker notes of the slide it belongs to. Only the lecture deck gets
them. The notebooks on disk are never changed: everything here works on a copy.

The CSS in :data:`DECK_CSS` (wrapped code, figures scaled to the slide) is what the
estimates assume; both are checked in chromium by ``nbtests/test_browser.py``.
"""

from __future__ import annotations

import base64
import copy
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path

from utils.notebook import is_exercise

#: The slide size: a 16:9 projector.
WIDTH, HEIGHT = 1280, 720
#: The height a slide's content may take (reveal.js keeps a margin around it).
BUDGET = 620
#: Code is set at a size where 100 columns fit the slide's width; longer lines wrap.
CODE_COLUMNS = 100
CODE_LINE_PX = 24
TEXT_COLUMNS = 118
TEXT_LINE_PX = 31
#: The tallest a figure is drawn; wider ones are scaled to the width first.
FIGURE_MAX_PX = 420
FIGURE_MAX_WIDTH_PX = 1200
#: Outputs longer than this many lines are set smaller (the tag ``dlf-dense``).
DENSE_LINES = 16
DENSE_LINE_PX = 17
DENSE_TAG = "dlf-dense"
SNAPSHOT_CAPTION = "*Default view of the widget above: interactive in JupyterLab.*"

DECK_CSS = f"""
<style>
:root {{
  --jp-code-font-size: 19px;
  --jp-content-font-size1: 21px;
  --jp-ui-font-size1: 19px;
  --jp-cell-prompt-width: 0px;
}}
.reveal .slides section {{ text-align: left; }}
.reveal .jp-InputPrompt, .reveal .jp-OutputPrompt {{ display: none; }}
.reveal pre, .reveal div.highlight > pre, .reveal div.jp-OutputArea-output > pre {{
  white-space: pre-wrap; overflow-wrap: anywhere; width: auto; max-width: 100%;
  overflow: visible;
}}
.reveal .jp-OutputArea-output pre {{ font-size: 17px; line-height: 1.3; }}
.reveal .celltag_{DENSE_TAG} .jp-OutputArea-output pre,
.reveal .celltag_{DENSE_TAG} div.highlight > pre {{ font-size: 13px; line-height: 1.3; }}
.reveal .jp-OutputArea-output img, .reveal .jp-RenderedMarkdown img {{
  max-width: 100%; max-height: {FIGURE_MAX_PX}px; width: auto; height: auto;
  object-fit: contain; display: block; margin: 0 auto;
}}
.reveal .jp-RenderedHTMLCommon {{ padding-right: 4px; }}
.reveal .jp-RenderedHTMLCommon code {{
  white-space: normal; overflow-wrap: anywhere;
  -webkit-box-decoration-break: clone; box-decoration-break: clone;
}}
.reveal .jp-RenderedHTMLCommon h1 {{ font-size: 44px; }}
.reveal .jp-RenderedHTMLCommon h2 {{ font-size: 36px; }}
.reveal .jp-RenderedHTMLCommon h3 {{ font-size: 30px; }}
.reveal .jp-RenderedHTMLCommon table {{ font-size: 18px; }}
.reveal .jp-Cell {{ padding: 2px 0; }}
.reveal .jp-RenderedMarkdown > p:first-child {{ margin-top: 0; }}
</style>
"""


# The deck's script, in place of nbconvert's: reveal.js lays out every slide (not only the
# three nearest), so that MathJax measures every formula once, when the deck is ready; no
# slide is typeset again when it is shown (which made its formulas vanish for a moment and
# the slide change height), and no slide scrolls. ``data-math-ready`` on the body says that
# the typesetting is done (the browser test waits for it).
DECK_SCRIPT = """{% block footer_js %}
<script>
require(
    {waitSeconds: 15},
    ["{{ resources.reveal.url_prefix }}/dist/reveal.js",
     "{{ resources.reveal.url_prefix }}/plugin/notes/notes.js"],
    function(Reveal, RevealNotes) {
        Reveal.initialize({
            controls: true,
            progress: true,
            history: true,
            transition: "{{ resources.reveal.transition }}",
            slideNumber: "{{ resources.reveal.number }}",
            plugins: [RevealNotes],
            width: {{ resources.reveal.width }},
            height: {{ resources.reveal.height }},
            viewDistance: 1000,
            mobileViewDistance: 1000
        }).then(function() {
            // A formula is never broken across lines: in a table cell that MathJax measured
            // before the table was laid out, that broke every formula after each symbol.
            MathJax.Hub.Queue(function() {
                MathJax.OutputJax.CommonHTML.config.linebreaks.automatic = false;
            });
            MathJax.Hub.Queue(["Rerender", MathJax.Hub], function() {
                Reveal.layout();
                document.body.setAttribute("data-math-ready", "1");
            });
        });
    }
);
</script>
{% endblock footer_js %}
"""


# ------------------------------------------------------------------------ estimates


def _png_size(b64: str) -> tuple[int, int]:
    raw = base64.b64decode(b64[:64])
    return struct.unpack(">II", raw[16:24])


def figure_height(b64: str) -> float:
    """The height in slide pixels of a stored PNG as :data:`DECK_CSS` draws it."""
    w, h = _png_size(b64)
    scale = min(1.0, FIGURE_MAX_WIDTH_PX / w, FIGURE_MAX_PX / h)
    return h * scale


def _wrapped(line: str, columns: int) -> int:
    return max(1, -(-len(line) // columns))


def _shown_text(text: str) -> str:
    """Markdown as wide as it is shown: link targets and emphasis marks take no room, and
    inline math is about half as wide as its TeX."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\$([^$]+)\$", lambda m: "x" * max(1, len(m.group(1)) // 2), text)
    return re.sub(r"\*\*|`", "", text)


def markdown_height(source: str) -> float:
    """An estimate of a rendered markdown cell's height in slide pixels.

    Consecutive lines of a paragraph or of a list item flow together (the sources hold one
    sentence per line); headings, display math, fences and table rows take their own lines.
    """
    height, in_fence, in_math = 8.0, False, False
    flowing: list[str] = []  # the paragraph or list item being read

    def flush() -> None:
        nonlocal height
        if flowing:
            text = _shown_text(" ".join(flowing))
            columns = TEXT_COLUMNS - (6 if flowing[0][:2] in ("- ", "* ") else 0)
            height += TEXT_LINE_PX * _wrapped(text, columns) + 14
            height += 4 * min(text.count("$") // 2, 3)  # math typesets taller than text
            flowing.clear()

    for line in source.splitlines():
        text = line.strip()
        if text.startswith("```"):
            flush()
            in_fence = not in_fence
            height += 12
            continue
        if in_fence:
            height += CODE_LINE_PX
            continue
        if text.startswith("$$") or (text.endswith("$$") and in_math):
            flush()
            if text.count("$$") >= 2 and len(text) > 4:
                height += 64
            else:
                in_math = not in_math
                height += 0 if in_math else 32
            continue
        if in_math:
            height += 30
            continue
        if not text or text.startswith("<!--"):
            flush()
            continue
        if text.startswith("#"):
            flush()
            level = len(text) - len(text.lstrip("#"))
            height += {1: 84, 2: 70, 3: 60}.get(level, 44) * _wrapped(text, 60)
        elif text.startswith("|"):
            flush()
            if not set(text) <= set("|-: "):
                height += 36 * _wrapped(_shown_text(text), int(TEXT_COLUMNS * 1.1))
        elif re.match(r"(\d+\.|[-*>])\s", text):
            flush()
            flowing.append(text)
        else:
            flowing.append(text)
    flush()
    return height


def _text_of(output) -> str:
    if output.get("output_type") == "stream":
        text = output.get("text", "")
    else:
        text = output.get("data", {}).get("text/plain", "")
    return "".join(text) if isinstance(text, list) else text


def output_height(output, dense: bool = False) -> float:
    data = output.get("data", {})
    if "image/png" in data:
        return figure_height(data["image/png"]) + 8
    if "text/html" in data:
        return 36 * max(1, data["text/html"].count("<tr")) + 10
    if "text/latex" in data or "text/markdown" in data:
        return 60
    lines = _text_of(output).splitlines() or [""]
    line_px = DENSE_LINE_PX if dense else 23
    columns = 150 if dense else 110
    return 14 + line_px * sum(_wrapped(line, columns) for line in lines)


def code_height(cell) -> float:
    """An estimate of a code cell's height in slide pixels: its code, then its outputs."""
    dense = DENSE_TAG in cell.metadata.get("tags", [])
    height = 0.0
    if not cell.metadata.get("transient", {}).get("remove_source"):
        line_px, columns = (17, 140) if dense else (CODE_LINE_PX, CODE_COLUMNS)
        lines = cell.source.splitlines() or [""]
        height += 22 + line_px * sum(_wrapped(line, columns) for line in lines)
    return height + sum(output_height(o, dense) for o in cell.get("outputs", []))


def cell_height(cell) -> float:
    if _slide_type(cell) in ("skip", "notes"):
        return 0.0
    if cell.cell_type == "markdown":
        return markdown_height(cell.source)
    if cell.cell_type == "code":
        return code_height(cell)
    return 0.0


# ----------------------------------------------------------------------- cell helpers


def _slide_type(cell) -> str:
    return cell.metadata.get("slideshow", {}).get("slide_type", "-") or "-"


def _set_type(cell, slide_type: str) -> None:
    cell.metadata.setdefault("slideshow", {})["slide_type"] = slide_type


def _derived(cell, suffix: str, source: str, slide_type: str, cell_type: str | None = None):
    new = copy.deepcopy(cell)
    new.id = f"{cell.id}-{suffix}"[:64]
    new.source = source
    new.cell_type = cell_type or cell.cell_type
    new.metadata = {"slideshow": {"slide_type": slide_type}}
    if new.cell_type == "markdown":
        for key in ("outputs", "execution_count"):
            new.pop(key, None)
    else:
        new.outputs = []
    return new


def _notes(cell_id: str, text: str):
    from utils._nbfast import nbformat

    note = nbformat.v4.new_markdown_cell(text)
    note.id = cell_id[:64]
    note.metadata["slideshow"] = {"slide_type": "notes"}
    return note


def split_exercise(cell):
    """``(task, body, notes)`` of an exercise cell (markers already stripped), or None.

    ``task`` is the code up to the signature with the docstring's first line; ``body`` the
    code after the docstring; ``notes`` the rest of the docstring (may be empty).
    """
    lines = cell.source.splitlines()
    start = next((i for i, ln in enumerate(lines) if ln.lstrip().startswith("def ")), None)
    if start is None:
        return None
    end = start
    while end < len(lines) and not lines[end].rstrip().endswith(":"):
        end += 1
    doc = end + 1
    if doc >= len(lines):
        return None
    opening = lines[doc].strip()
    quote = next((q for q in ('"""', "'''") if opening.lstrip("rRbBuU").startswith(q)), None)
    if quote is None:
        return None
    indent = lines[doc][: len(lines[doc]) - len(lines[doc].lstrip())]
    first = opening.lstrip("rRbBuU")[3:]
    if quote in first:  # a one-line docstring: nothing for the notes
        close, purpose, rest = doc, first.split(quote)[0], []
    else:
        close = next((i for i in range(doc + 1, len(lines)) if quote in lines[i]), None)
        if close is None:
            return None
        purpose = first
        rest = [
            ln[len(indent) :] if ln.startswith(indent) else ln.strip()
            for ln in lines[doc + 1 : close]
        ]
        last = lines[close].strip().split(quote)[0]
        if last:
            rest.append(last)
    notes = "\n".join(rest).strip("\n")
    more = " ..." if notes else ""  # the rest of the docstring is in the notes
    task = "\n".join([*lines[: end + 1], f'{indent}"""{purpose.strip()}{more}"""'])
    body = "\n".join(lines[close + 1 :]).strip("\n")
    return task, body, notes


def split_markdown(source: str, budget: float) -> list[str]:
    """``source`` cut between paragraphs (never inside a code fence, a display formula or a
    table) into pieces that each fit ``budget``; a heading starts a piece when it can."""
    blocks, current, fence, math = [], [], False, False
    for line in source.splitlines():
        text = line.strip()
        if text.startswith("```"):
            fence = not fence
        elif text.startswith("$$") and not (text.count("$$") >= 2 and len(text) > 4):
            math = not math
        starts_list_item = bool(re.match(r"(\d+\.|[-*])\s", text)) and not line.startswith(" ")
        boundary = not fence and not math and (not text or (starts_list_item and current))
        if boundary and current and (not text or starts_list_item):
            blocks.append("\n".join(current))
            current = [] if not text else [line]
            continue
        current.append(line)
    if current:
        blocks.append("\n".join(current))
    blocks = [b for b in blocks if b.strip()]
    blocks = [
        piece
        for b in blocks
        for piece in (
            _split_fence(b, budget)
            if b.lstrip().startswith("```") and markdown_height(b) > budget
            else [b]
        )
    ]
    pieces: list[list[str]] = [[]]
    for block in blocks:
        trial = "\n\n".join([*pieces[-1], block])
        if pieces[-1] and markdown_height(trial) > budget:
            pieces.append([block])
        else:
            pieces[-1].append(block)
    # Do not leave a heading alone at the bottom of a piece.
    for k in range(len(pieces) - 1):
        if len(pieces[k]) > 1 and pieces[k][-1].lstrip().startswith("#"):
            pieces[k + 1].insert(0, pieces[k].pop())
    return ["\n\n".join(p) for p in pieces if p]


# ------------------------------------------------------------------- transformations


def _split_exercises(cells: list) -> list:
    out = []
    for cell in cells:
        parts = split_exercise(cell) if is_exercise(cell) else None
        if parts is None or not parts[1]:
            out.append(cell)
            continue
        task, body, notes = parts
        own = _slide_type(cell)
        out.append(_derived(cell, "task", task, "-" if own == "fragment" else own))
        if notes:
            fenced = f"Docstring of the exercise:\n\n```\n{notes}\n```"
            out.append(_notes(f"{cell.id}-notes", fenced))
        solution = copy.deepcopy(cell)
        solution.source = body
        _set_type(solution, "fragment")
        out.append(solution)
    return out


def _split_title(cells: list) -> list:
    """The first cell (``# NN · Title``): the title and one paragraph stay on the title slide."""
    first = next((i for i, c in enumerate(cells) if _slide_type(c) not in ("skip", "notes")), None)
    if first is None or cells[first].cell_type != "markdown":
        return cells
    cell = cells[first]
    paragraphs = [p for p in re.split(r"\n\s*\n", cell.source.strip()) if p.strip()]
    if len(paragraphs) <= 2 or not paragraphs[0].startswith("# "):
        return cells
    head = copy.deepcopy(cell)
    head.source = "\n\n".join(paragraphs[:2])
    _set_type(head, "slide")
    rest = _derived(cell, "more", "\n\n".join(paragraphs[2:]), "subslide")
    return [*cells[:first], head, rest, *cells[first + 1 :]]


def _caption_snapshots(cells: list) -> list:
    out = []
    for cell in cells:
        out.append(cell)
        if cell.cell_type == "code" and any(
            "image/png" in o.get("data", {}) and _is_widget_placeholder(o)
            for o in cell.get("outputs", [])
        ):
            caption = _derived(cell, "snapshot", SNAPSHOT_CAPTION, "-", "markdown")
            out.append(caption)
    return out


def _is_widget_placeholder(output) -> bool:
    from utils.build import WIDGET_PLACEHOLDER

    return _text_of(output).strip() == WIDGET_PLACEHOLDER


def widget_call(cell) -> str | None:
    """The factory a widget cell calls (``learning_rate_explorer``), or None for other cells.

    A widget cell is a code cell whose stored output is the widget's placeholder text."""
    if cell.cell_type != "code" or not any(
        _is_widget_placeholder(o) for o in cell.get("outputs", [])
    ):
        return None
    call = re.match(r"\s*([A-Za-z_]\w*)\(", cell.source)
    return call.group(1) if call else None


def caption_widget_snapshots(nb):
    """A copy of ``nb`` where each widget's stored snapshot is captioned (site and decks)."""
    nb = copy.copy(nb)
    nb.cells = _caption_snapshots(list(nb.cells))
    return nb


def _output_only(cell, outputs: list, suffix: str):
    """A copy of a code cell that shows only ``outputs``, on a new vertical slide."""
    shown = copy.deepcopy(cell)
    shown.id = f"{cell.id}-{suffix}"[:64]
    shown.outputs = copy.deepcopy(outputs)
    shown.metadata["transient"] = {"remove_source": True}
    shown.metadata["slideshow"] = {"slide_type": "subslide"}
    return shown


def _split_fence(block: str, budget: float) -> list[str]:
    """A fenced code block too tall for a slide, cut into fenced pieces that fit."""
    lines = block.splitlines()
    opener, body = lines[0], lines[1:-1] if lines[-1].strip().startswith("```") else lines[1:]
    per_piece = max(4, int((budget - 40) // CODE_LINE_PX))
    return [
        "\n".join([opener, *body[k : k + per_piece], "```"]) for k in range(0, len(body), per_piece)
    ]


def _fit_cells(cells: list) -> list:
    """Split what is taller than a slide; mark dense outputs."""
    out = []
    for cell in cells:
        kind = _slide_type(cell)
        if kind in ("skip", "notes"):
            out.append(cell)
            continue
        if cell.cell_type == "markdown" and markdown_height(cell.source) > BUDGET:
            pieces = split_markdown(cell.source, BUDGET)
            for k, piece in enumerate(pieces):
                if k == 0:
                    first = copy.deepcopy(cell)
                    first.source = piece
                    out.append(first)
                else:
                    out.append(_derived(cell, f"part{k + 1}", piece, "subslide"))
            continue
        if cell.cell_type == "code":
            texts = [o for o in cell.get("outputs", []) if "image/png" not in o.get("data", {})]
            long_text = any(len(_text_of(o).splitlines()) > DENSE_LINES for o in texts)
            if long_text or code_height(cell) > BUDGET * 1.6:
                cell = copy.deepcopy(cell)
                cell.metadata.setdefault("tags", []).append(DENSE_TAG)
            if code_height(cell) > BUDGET and cell.get("outputs"):
                code = copy.deepcopy(cell)
                code.outputs = []
                out.append(code)
                # The outputs on the next slide; each on its own when together they overflow.
                groups = [cell.outputs]
                if code_height(_output_only(cell, cell.outputs, "")) > BUDGET:
                    groups = [[o] for o in cell.outputs]
                for k, group in enumerate(groups):
                    suffix = "output" if len(groups) == 1 else f"output{k + 1}"
                    out.append(_output_only(cell, group, suffix))
                continue
        out.append(cell)
    return out


def _paginate(cells: list) -> list:
    """Start a new vertical slide wherever the content so far would overflow."""
    out: list = []
    used = 0.0
    slide_start = 0  # index in ``out`` of the current slide's first cell
    for cell in cells:
        kind = _slide_type(cell)
        height = cell_height(cell)
        if kind in ("slide", "subslide") or not out:
            used, slide_start = height, len(out)
            out.append(cell)
            continue
        if height == 0 or used + height <= BUDGET:
            used += height
            out.append(cell)
            continue
        # Overflow. A fragment takes its anchor (the cell before it) along when both fit.
        anchor = len(out) - 1
        while anchor > slide_start and cell_height(out[anchor]) == 0:
            anchor -= 1
        if kind == "fragment" and anchor > slide_start:
            moved = sum(cell_height(c) for c in out[anchor:])
            if moved + height <= BUDGET:
                out[anchor] = copy.deepcopy(out[anchor])
                _set_type(out[anchor], "subslide")
                used, slide_start = moved + height, anchor
                out.append(cell)
                continue
        if kind == "fragment":
            # It stays a fragment: a new slide headed by what it continues, then the reveal.
            head = _continued(out[slide_start:], cell)
            used, slide_start = cell_height(head) + height, len(out)
            out.extend([head, cell])
            continue
        cell = copy.deepcopy(cell)
        _set_type(cell, "subslide")
        used, slide_start = height, len(out)
        out.append(cell)
    return out


def _continued(slide: list, cell):
    """A one-line markdown cell opening a new slide: the heading of ``slide``, continued."""
    heading = next(
        (
            m.group(1)
            for c in slide
            if c.cell_type == "markdown"
            for m in [
                re.match(
                    r"^#+\s*(.+)$", c.source.strip().splitlines()[0] if c.source.strip() else ""
                )
            ]
            if m
        ),
        "",
    )
    text = f"*{heading} (continued)*" if heading else "*(continued)*"
    return _derived(cell, "continued", text, "subslide", "markdown")


def fit_deck(nb, audience: str, notes: dict | None = None):
    """A copy of ``nb`` (a :func:`utils.site.view` of a chapter) laid out for 1280x720 slides.

    ``notes`` (from :func:`guide_notes`) are added to the speaker notes; pass them for the
    lecture deck only.
    """
    nb = copy.deepcopy(nb)
    cells = list(nb.cells)
    cells = _split_title(cells)
    if audience == "instructor":
        cells = _split_exercises(cells)
    cells = _caption_snapshots(cells)
    cells = _fit_cells(cells)
    cells = _paginate(cells)
    if notes:
        cells = add_guide_notes(cells, notes)
    nb.cells = cells
    return nb


# ---------------------------------------------------------------- the instructor guide


@dataclass
class GuideNotes:
    """One chapter's section of the instructor guide, by part (markdown text)."""

    number: str
    title: str
    plan: str = ""
    widgets: str = ""
    discussion: str = ""
    misconceptions: str = ""
    other: dict[str, str] = field(default_factory=dict)


_PARTS = (
    ("plan", "plan"),
    ("discussion", "discussion"),
    ("misconception", "misconceptions"),
    ("widget", "widgets"),
)
_BOLD_HEAD = re.compile(r"^\*\*([^*]+?)\.?\*\*\.?\s*(.*)$")


def _part_name(heading: str) -> str | None:
    low = heading.lower()
    return next((name for key, name in _PARTS if key in low), None)


def parse_guide(text: str) -> dict[str, GuideNotes]:
    """Chapter number -> its notes, from the text of ``INSTRUCTORS.md``.

    A chapter's section starts at ``## NN Title``. Its parts start at a ``### Heading`` or
    at a line opening with a bold ``**Heading.**``; the heading names the part (a plan,
    discussion questions, misconceptions, a widget to drive live).
    """
    chapters: dict[str, GuideNotes] = {}
    current: GuideNotes | None = None
    part: str | None = None
    lines: dict[tuple[str, str | None], list[str]] = {}
    for line in text.splitlines():
        head = re.match(r"^## (\d\d) (.+)$", line)
        if head:
            current = GuideNotes(number=head.group(1), title=head.group(2).strip())
            chapters[current.number] = current
            part = None
            continue
        if line.startswith("## "):
            current = None
            continue
        if current is None:
            continue
        sub = re.match(r"^### (.+)$", line)
        bold = _BOLD_HEAD.match(line)
        if sub or bold:
            heading = (sub or bold).group(1)
            part = _part_name(heading) or f"other:{heading.strip().rstrip('.')}"
            rest = "" if sub else bold.group(2)
            lines.setdefault((current.number, part), [])
            if rest:
                lines[(current.number, part)].append(rest)
            continue
        if part is not None:
            lines.setdefault((current.number, part), []).append(line)
    for (number, name), body in lines.items():
        text_ = "\n".join(body).strip()
        notes = chapters[number]
        if name.startswith("other:"):
            notes.other[name[6:]] = text_
        else:
            setattr(notes, name, text_)
    return chapters


def _items(text: str) -> list[str]:
    """The top-level bullets (or table rows) of a markdown list, each as one string."""
    items: list[str] = []
    for line in text.splitlines():
        if re.match(r"^(-|\*|\d+\.)\s|^\|", line):
            items.append(line)
        elif items and line.strip():
            items[-1] += "\n" + line
    return items


def guide_notes(number: str, path=None) -> GuideNotes | None:
    """The notes of chapter ``number`` (``"04"``) from ``INSTRUCTORS.md``, or None."""
    path = Path(path) if path else Path(__file__).resolve().parent.parent / "INSTRUCTORS.md"
    if not path.exists():
        return None
    return parse_guide(path.read_text(encoding="utf-8")).get(number)


def _sections_named(item: str) -> list[int]:
    """The section numbers a plan item names: "sections 1–2", "section 5", "sections 11–12"."""
    found: list[int] = []
    for m in re.finditer(r"sections?\s+(\d+)(?:\s*[–-]\s*(\d+))?((?:\s*(?:,|and)\s*\d+)*)", item):
        lo, hi = int(m.group(1)), int(m.group(2) or m.group(1))
        found.extend(range(lo, hi + 1))
        found.extend(int(x) for x in re.findall(r"\d+", m.group(3) or ""))
    return found


def add_guide_notes(cells: list, notes: GuideNotes) -> list:
    """Speaker notes from the guide, each after the cell of the slide it belongs to."""
    after: dict[int, list[str]] = {}

    def attach(index: int, text: str) -> None:
        if text.strip():
            after.setdefault(index, []).append(text.strip())

    visible = [i for i, c in enumerate(cells) if _slide_type(c) not in ("skip", "notes")]
    if not visible:
        return cells
    title = visible[0]
    attach(title, f"**Lecture plan.**\n\n{notes.plan}" if notes.plan else "")
    for label in ("Goal", "Honest headline", "Headline numbers"):
        for key, text in notes.other.items():
            if key.lower().startswith(label.lower()):
                attach(title, f"**{key}.** {text}")
    # Plan items that name sections: on the slide of the first section they name.
    sections = {}
    for i in visible:
        cell = cells[i]
        m = re.match(r"^##\s+(\d+)\.", cell.source) if cell.cell_type == "markdown" else None
        if m:
            sections.setdefault(int(m.group(1)), i)
    for item in _items(notes.plan):
        named = [n for n in _sections_named(item) if n in sections]
        if named:
            attach(sections[named[0]], f"**From the lecture plan.**\n\n{item}")
    # Widget settings: on the slide of each widget, from the parts of the guide that name it
    # (or, when the chapter has one widget, that speak of "the widget").
    calls = {}
    for i in visible:
        name = widget_call(cells[i])
        if name:
            calls.setdefault(name, i)
    advice = _items(notes.widgets) or ([notes.widgets] if notes.widgets else [])
    for name, i in calls.items():
        items = [it for it in advice if name in it]
        items += [it for it in _items(notes.plan) if name in it and it not in items]
        if not items and len(calls) == 1:
            items = [it for it in [*advice, *_items(notes.plan)] if "widget" in it.lower()]
        if items:
            attach(i, "**Driving the widget live.**\n\n" + "\n".join(items))

    # Discussion questions and misconceptions: on the "check your understanding" slide.
    def slide_titled(pattern: str):
        return next(
            (
                i
                for i in visible
                if cells[i].cell_type == "markdown"
                and re.match(rf"^#+\s*{pattern}", cells[i].source, re.I)
            ),
            None,
        )

    target = slide_titled("check your understanding")
    target = slide_titled("summary") if target is None else target
    target = visible[-1] if target is None else target
    if notes.discussion:
        attach(target, f"**Discussion questions (with answers).**\n\n{notes.discussion}")
    if notes.misconceptions:
        attach(target, f"**Misconceptions students bring.**\n\n{notes.misconceptions}")
    out = []
    for i, cell in enumerate(cells):
        out.append(cell)
        for k, text in enumerate(after.get(i, [])):
            out.append(_notes(f"{cell.id}-guide{k + 1}", text))
    return out
