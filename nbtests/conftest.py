"""Test configuration: figures render off-screen in this process (kernels are unaffected)."""

import matplotlib

matplotlib.use("Agg")
