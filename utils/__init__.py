"""Deep Learning Foundations: the library every course notebook imports.

Importing ``utils`` is cheap: it loads neither matplotlib nor ipywidgets. Those load in the
modules that need them (``utils.plots``, ``utils.widgets``).
"""

__version__ = "0.1.0"
