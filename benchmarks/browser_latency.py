"""What a student feels: a slider moved in JupyterLab in chromium, to the new figure on screen.

``widget_redraw_ms`` (:mod:`benchmarks.widgets`) times the Python side of a redraw. This
module times the whole round trip in a real browser: for every widget factory
(:func:`benchmarks.widgets.discover`) it writes a small notebook that builds the widget with
the data of :data:`benchmarks.widgets.ARGUMENTS`, opens it in JupyterLab in Debian's
chromium, runs it, then presses an arrow key on the widget's first slider several times.
Each change is timed in the page, from the key press to the new figure painted: a
``MutationObserver`` sees the ``src`` of the widget's ``<img>`` change, then the image is
decoded (``img.decode()``) and one ``requestAnimationFrame`` passes, the frame that shows it.

The JupyterLab server and the chromium launch here are shared with ``nbtests/test_browser.py``
(:func:`jupyterlab`, :func:`chromium`, :func:`open_notebook`, :func:`run_all`).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def jupyterlab(notebook_dir: Path, state_dir: Path, *, env: dict | None = None) -> Iterator[str]:
    """A JupyterLab server on a free loopback port, empty token, throwaway config.

    Parameters
    ----------
    notebook_dir : Path
        The folder it serves (give it a copy: nothing is saved, but kernels write there).
    state_dir : Path
        An empty folder for its configuration, runtime files, settings and workspaces.
    env : dict, optional
        Extra environment variables for the server and the kernels it starts.

    Yields
    ------
    str
        The base URL, ``http://127.0.0.1:PORT``.
    """
    port = _free_port()
    full_env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(state_dir / "config"),
        JUPYTER_RUNTIME_DIR=str(state_dir / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(state_dir / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(state_dir / "workspaces"),
        JUPYTER_CONFIG_PATH=str(ROOT / "etc" / "jupyter"),
        **(env or {}),
    )
    # Render every cell (JupyterLab 4 otherwise keeps only the visible ones in the page), and
    # never save: the server works on a copy of the notebooks anyway, so the repo is untouched.
    settings = state_dir / "settings" / "@jupyterlab"
    (settings / "notebook-extension").mkdir(parents=True, exist_ok=True)
    (settings / "notebook-extension" / "tracker.jupyterlab-settings").write_text(
        '{"windowingMode": "none"}'
    )
    (settings / "docmanager-extension").mkdir(parents=True, exist_ok=True)
    (settings / "docmanager-extension" / "plugin.jupyterlab-settings").write_text(
        '{"autosave": false}'
    )
    jupyter = Path(sys.executable).parent / "jupyter"
    args = [
        str(jupyter),
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.token=",
        "--ServerApp.password=",
        f"--notebook-dir={notebook_dir}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if os.geteuid() == 0:
        args.append("--allow-root")
    proc = subprocess.Popen(
        args,
        env=full_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status", timeout=5)  # noqa: S310 (loopback)
                break
            except OSError as exc:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("JupyterLab did not start within 60 s") from exc
                time.sleep(0.5)
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


@contextmanager
def chromium():
    """Debian's chromium, launched by Playwright; yields the Playwright ``Browser``."""
    if not CHROMIUM.exists():
        raise FileNotFoundError(
            "Debian's chromium is missing: run `make browser-test` (it installs it as root) "
            "or `apt-get install chromium`"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def idle(page) -> bool:
    """The status bar (visible text, not the hidden aria labels) says the kernel is idle."""
    bar = page.locator(".jp-StatusBar-Widget")
    return bar.count() > 0 and "Idle" in bar.first.inner_text()


def wait_idle(page, timeout_s: float = 60) -> None:
    """Wait until the kernel is idle; ``TimeoutError`` after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while not idle(page):
        if time.monotonic() > deadline:
            raise TimeoutError(f"the kernel was not idle within {timeout_s} s")
        time.sleep(0.3)


def open_notebook(browser, base: str, path: str, *, viewport=(1400, 1000)):
    """Open ``path`` (relative to the served folder) in a new page; wait for its kernel."""
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    page.goto(f"{base}/lab/tree/{path}?reset")  # a clean workspace: no tabs from earlier pages
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    wait_idle(page)  # the kernel has attached
    return page


def run_all(page, n_code_cells: int, timeout_s: float = 120) -> None:
    """Run all cells and wait until every code cell has an execution count and all is idle."""
    for _attempt in range(3):
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
        deadline = time.monotonic() + timeout_s
        started = False
        while time.monotonic() < deadline:
            prompts = page.locator(".jp-CodeCell .jp-InputPrompt").all_text_contents()
            done = [p for p in prompts if p.strip() not in ("[ ]:", "[*]:", "")]
            busy = any("[*]" in p for p in prompts)
            started = started or busy or len(done) > 0
            if started and not busy and len(done) >= n_code_cells and idle(page):
                return
            time.sleep(0.5)
        if started:
            break
    raise TimeoutError(f"run-all did not finish within {timeout_s} s")


def code_cells(path: Path) -> int:
    """The number of code cells of a notebook file."""
    return sum(c["cell_type"] == "code" for c in json.loads(path.read_text())["cells"])


def widget_notebook(name: str, folder: Path) -> Path:
    """Write ``folder/NAME.ipynb``: one cell that builds and shows the widget ``name``.

    The widget gets the arguments of :data:`benchmarks.widgets.ARGUMENTS` (the data its
    chapter passes), like ``widget_redraw_ms``; the kernel must be able to import
    ``benchmarks`` (the server is started with the repository on ``PYTHONPATH``).
    """
    from utils._nbfast import nbformat

    source = (
        "from benchmarks.widgets import ARGUMENTS\n"
        f"from utils.widgets import {name}\n\n"
        f"args, kwargs = ARGUMENTS[{name!r}]() if {name!r} in ARGUMENTS else ((), {{}})\n"
        f"{name}(*args, **kwargs)"
    )
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source)]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, str(path))
    return path


# Installed once per widget: times each change of a control, from the key press on a slider's
# handle (or the choice of a dropdown's option) to the frame after the new image has been
# decoded. The first new `src` after a change ends its timing; later ones are ignored.
INSTALL_JS = """(output) => {
    const img = output.querySelector('.widget-image');
    if (!img) return false;
    const state = {start: null, times: [], srcChanges: 0};
    window.__latency = state;
    output.addEventListener('keydown', (event) => {
        if (event.target.closest('.noUi-handle')) state.start = performance.now();
    }, true);
    output.addEventListener('input', (event) => {
        if (event.target.tagName === 'SELECT') state.start = performance.now();
    }, true);
    new MutationObserver(async () => {
        state.srcChanges += 1;
        const start = state.start;
        if (start === null) return;
        state.start = null;
        try { await img.decode(); } catch (e) { /* a broken image still counts as shown */ }
        await new Promise(resolve => requestAnimationFrame(() => resolve()));
        state.times.push(performance.now() - start);
    }).observe(img, {attributes: true, attributeFilter: ['src']});
    return true;
}"""


def _handle_position(handle) -> tuple[float, float, float]:
    now, lo, hi = (
        float(handle.get_attribute(a)) for a in ("aria-valuenow", "aria-valuemin", "aria-valuemax")
    )
    return now, lo, hi


def _quiet(page, quiet_s: float = 0.3, timeout_s: float = 30) -> None:
    """Wait until the kernel is idle and the image has not changed for ``quiet_s``."""
    deadline = time.monotonic() + timeout_s
    count, since = page.evaluate("window.__latency.srcChanges"), time.monotonic()
    while time.monotonic() < deadline:
        time.sleep(0.05)
        now = page.evaluate("window.__latency.srcChanges")
        if now != count:
            count, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet_s and idle(page):
            return
    raise TimeoutError(f"the figure did not settle within {timeout_s} s")


class _Stepper:
    """Presses an arrow key on one slider handle, one step at a time, turning at either end."""

    def __init__(self, page, handle):
        self.page, self.handle, self.direction = page, handle, 1

    def press(self) -> None:
        now, lo, hi = _handle_position(self.handle)
        if (self.direction > 0 and now >= hi) or (self.direction < 0 and now <= lo):
            self.direction = -self.direction
        self.handle.focus()
        self.page.keyboard.press("ArrowRight" if self.direction > 0 else "ArrowLeft")


class _Chooser:
    """Chooses a dropdown's next option (the first after the last), as a click would."""

    def __init__(self, select):
        self.select = select

    def press(self) -> None:
        options = self.select.locator("option").evaluate_all("els => els.map(e => e.value)")
        current = self.select.input_value()
        self.select.select_option(options[(options.index(current) + 1) % len(options)])


def _timed(page, stepper, timeout_s: float) -> bool:
    """One change: press, wait for its duration to be recorded, then for the figure to settle.

    False when no new figure came within ``timeout_s``.
    """
    before = page.evaluate("window.__latency.times.length")
    stepper.press()
    try:
        page.wait_for_function(
            f"window.__latency.times.length > {before}", timeout=timeout_s * 1000
        )
    except Exception:  # Playwright's TimeoutError
        return False
    finally:
        _quiet(page)
    return True


def measure_slider(page, changes: int = 10, *, warmup: int = 1, timeout_s: float = 30):
    """Milliseconds from each arrow-key press on a slider to the new figure painted.

    In the first output holding a widget image and a slider (or a dropdown, for a widget
    without a slider), the first slider whose change redraws the figure (a slider may do
    nothing for the widget's start settings, such as alpha for ReLU) is moved one step at a
    time (right, turning back at either end); a dropdown goes through its options in turn.
    ``warmup`` changes run first and are not kept. Between changes the page waits until the
    kernel is idle and the figure has settled, so that each change is timed alone.

    Returns
    -------
    list of float
        ``changes`` durations in milliseconds.
    """
    output = (
        page.locator(".jp-OutputArea-output")
        .filter(has=page.locator(".widget-image"))
        .filter(has=page.locator(".widget-slider, .widget-dropdown"))
        .first
    )
    output.wait_for(timeout=60_000)
    output.scroll_into_view_if_needed(timeout=10_000)
    if not output.evaluate(INSTALL_JS):
        raise RuntimeError("no figure image in the widget")
    handles = output.locator(".widget-slider .noUi-handle")
    steppers = [_Stepper(page, handles.nth(k)) for k in range(handles.count())]
    if not steppers:
        steppers = [_Chooser(output.locator(".widget-dropdown select").first)]
    for stepper in steppers:
        if all(_timed(page, stepper, timeout_s=10) for _ in range(max(warmup, 1))):
            break
        page.evaluate("window.__latency.start = null")
    else:
        raise RuntimeError("no slider or dropdown of the widget redraws its figure")
    page.evaluate("window.__latency.times = []")
    for _ in range(changes):
        if not _timed(page, stepper, timeout_s):
            raise TimeoutError(f"a slider change showed no new figure within {timeout_s} s")
    return [float(t) for t in page.evaluate("window.__latency.times")]


def summary(times_ms) -> dict:
    """``{"median_ms", "p95_ms"}`` of a list of durations in milliseconds."""
    ms = np.asarray(times_ms, dtype=float)
    return {"median_ms": float(np.median(ms)), "p95_ms": float(np.percentile(ms, 95))}


# The server wants the page's XSRF token to stop a kernel; the page has it in a cookie.
SHUTDOWN_JS = """async () => {
    const token = (document.cookie.match(/(?:^|; )_xsrf=([^;]*)/) || [])[1];
    const headers = token ? {'X-XSRFToken': decodeURIComponent(token)} : {};
    const kernels = await (await fetch('/api/kernels')).json();
    for (const k of kernels) await fetch('/api/kernels/' + k.id, {method: 'DELETE', headers});
    return kernels.length;
}"""


def measure_widget(
    browser, base: str, folder: Path, name: str, changes: int = 10, *, screenshot=None
) -> list:
    """Write the widget's notebook into the served ``folder``, open it, run it, time it.

    ``screenshot``: a path for a picture of the page after the last change.
    """
    path = widget_notebook(name, folder)
    page = open_notebook(browser, base, path.name)
    try:
        run_all(page, 1, timeout_s=180)
        errors = page.locator(
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
        )
        if errors.count():
            raise RuntimeError(errors.first.inner_text()[:300])
        times = measure_slider(page, changes)
        if screenshot is not None:
            Path(screenshot).parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot))
        return times
    finally:
        # Stop the kernel: one widget's kernel must not load the machine for the next one.
        page.evaluate(SHUTDOWN_JS)
        page.close()


@contextmanager
def widget_lab() -> Iterator[tuple[str, Path]]:
    """A JupyterLab server on an empty temporary folder, for :func:`measure_widget`.

    Its kernels import ``benchmarks`` (the repository is on their ``PYTHONPATH``) and use one
    BLAS thread, like the rest of ``make bench``. Yields ``(base_url, served_folder)``.
    """
    with tempfile.TemporaryDirectory(prefix="browser-latency-") as tmp:
        served, state = Path(tmp) / "notebooks", Path(tmp) / "state"
        served.mkdir()
        path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
        env = {"PYTHONPATH": path, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
        with jupyterlab(served, state, env=env) as base:
            yield base, served


def bench_browser(
    *,
    changes: int = 10,
    names: list[str] | None = None,
    log: Callable[[str], None] = print,
    screenshots: Path | None = None,
) -> tuple[dict, list[str]]:
    """``browser_redraw_ms``: widget -> {"median_ms", "p95_ms"} (null with a reason).

    ``names`` defaults to every factory of :func:`benchmarks.widgets.discover`;
    ``screenshots``, a folder for a picture of each widget after its last change.
    """
    from benchmarks.widgets import discover

    names = list(discover()) if names is None else list(names)
    out: dict[str, dict] = {}
    notes: list[str] = []
    try:
        with chromium() as browser, widget_lab() as (base, served):
            for name in names:
                shot = screenshots / f"{name}.png" if screenshots else None
                try:
                    times = measure_widget(browser, base, served, name, changes, screenshot=shot)
                except Exception as exc:  # one widget that cannot be timed is a null
                    reason = f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
                    out[name] = {"median_ms": None, "p95_ms": None, "reason": reason}
                    notes.append(f"browser {name} is null: {reason}")
                    log(f"  browser {name}: {reason}")
                    continue
                out[name] = summary(times)
                log(
                    f"  browser {name}: median {out[name]['median_ms']:.0f} ms, "
                    f"p95 {out[name]['p95_ms']:.0f} ms over {len(times)} changes"
                )
    except Exception as exc:  # no chromium, no JupyterLab: every widget null, one reason
        reason = f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
        notes.append(f"browser_redraw_ms is empty: {reason}")
        return {"browser_redraw_ms": {}}, notes
    notes.append(
        f"browser: {len(names)} widgets in JupyterLab in chromium, {changes} changes each "
        "of the first slider that redraws (arrow key; a dropdown's next option for a widget "
        "without a slider), from the change to the new figure painted"
    )
    return {"browser_redraw_ms": out}, notes
