"""Import nbformat without paying for the IRI grammar.

``jsonschema`` registers an "iri" format checker when ``rfc3987_syntax`` is installed (it
comes in through jupyter-events), and building that checker's grammar costs about a second
on every ``import nbformat``. The notebook schema never uses the "iri" format, so the course
tools (build, grade, tests) mark the module unavailable before jsonschema is first imported.
JupyterLab itself is unaffected: this runs only in the course's own processes.
"""

import sys

if "jsonschema" not in sys.modules:
    sys.modules.setdefault("rfc3987_syntax", None)

import nbformat  # noqa: E402

__all__ = ["nbformat"]
