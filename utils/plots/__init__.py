"""Figures of the course. Each function takes ``ax=None``, returns the Axes, never shows.

Importing this package sets font sizes readable from the back of a lecture room. The shared
figures live in ``_core``; each chapter topic has its own module, re-exported here.
"""

from utils.plots._core import *  # noqa: F403
from utils.plots._core import __all__ as _core_all
from utils.plots.activations import *  # noqa: F403
from utils.plots.activations import __all__ as _activations_all
from utils.plots.backprop import *  # noqa: F403
from utils.plots.backprop import __all__ as _backprop_all
from utils.plots.capstone import *  # noqa: F403
from utils.plots.capstone import __all__ as _capstone_all
from utils.plots.descent import *  # noqa: F403
from utils.plots.descent import __all__ as _descent_all
from utils.plots.initialization import *  # noqa: F403
from utils.plots.initialization import __all__ as _initialization_all
from utils.plots.losses import *  # noqa: F403
from utils.plots.losses import __all__ as _losses_all
from utils.plots.normalization import *  # noqa: F403
from utils.plots.normalization import __all__ as _normalization_all
from utils.plots.optimizers import *  # noqa: F403
from utils.plots.optimizers import __all__ as _optimizers_all
from utils.plots.regularization import *  # noqa: F403
from utils.plots.regularization import __all__ as _regularization_all
from utils.plots.transfer import *  # noqa: F403
from utils.plots.transfer import __all__ as _transfer_all

__all__ = [
    *_core_all,
    *_activations_all,
    *_losses_all,
    *_descent_all,
    *_backprop_all,
    *_optimizers_all,
    *_initialization_all,
    *_regularization_all,
    *_normalization_all,
    *_transfer_all,
    *_capstone_all,
]
