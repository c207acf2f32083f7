"""Interactive figures: thin ipywidgets factories over the tested plot functions.

Every factory returns an :class:`InteractiveFigure` (see ``_core``): the controls, the figure
rendered as a PNG image, and a status line. Each chapter topic has its own module,
re-exported here.
"""

from utils.widgets._core import *  # noqa: F403
from utils.widgets._core import __all__ as _core_all
from utils.widgets.activations import *  # noqa: F403
from utils.widgets.activations import __all__ as _activations_all
from utils.widgets.backprop import *  # noqa: F403
from utils.widgets.backprop import __all__ as _backprop_all
from utils.widgets.capstone import *  # noqa: F403
from utils.widgets.capstone import __all__ as _capstone_all
from utils.widgets.descent import *  # noqa: F403
from utils.widgets.descent import __all__ as _descent_all
from utils.widgets.initialization import *  # noqa: F403
from utils.widgets.initialization import __all__ as _initialization_all
from utils.widgets.losses import *  # noqa: F403
from utils.widgets.losses import __all__ as _losses_all
from utils.widgets.normalization import *  # noqa: F403
from utils.widgets.normalization import __all__ as _normalization_all
from utils.widgets.optimizers import *  # noqa: F403
from utils.widgets.optimizers import __all__ as _optimizers_all
from utils.widgets.regularization import *  # noqa: F403
from utils.widgets.regularization import __all__ as _regularization_all
from utils.widgets.transfer import *  # noqa: F403
from utils.widgets.transfer import __all__ as _transfer_all

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
