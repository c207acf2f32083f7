"""Benchmarks of the course: ``make bench`` or ``python -m benchmarks``.

Measured side by side in one run: an MLP epoch in ``utils.nn`` (float32) against PyTorch on
the CPU (:mod:`benchmarks.mlp`), the float32 matmul peak and the fraction of it the MLP
reaches, every solution notebook's execution time (:mod:`benchmarks.notebooks`), every
widget's redraw time (:mod:`benchmarks.widgets`), the same widgets' slider changes felt in
JupyterLab in chromium, key press to new figure on screen (:mod:`benchmarks.browser_latency`),
grading against plain execution
(:mod:`benchmarks.grading`) and, on request, ``make setup`` (:mod:`benchmarks.setup_time`).
Results go to ``_build/bench.json`` (keys in :data:`benchmarks.report.KEYS`) and a Markdown
table to stdout and ``_build/bench.md``. Nothing here asserts a speed: the targets are
reported as met or missed.

Apart from those, ``make reproduce`` runs :mod:`benchmarks.red_wine`: the Keras red-wine example
in Keras 3 (:mod:`benchmarks.keras_worker`, in ``.venv-bench``) against the same network in
``utils.nn``, over several seeds.
"""
