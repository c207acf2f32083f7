"""Test configuration.

Figures render off-screen in this process (kernels are unaffected). Kernels started by the notebook tests
and by the build inherit one BLAS thread each: the course's matrices are small, and two xdist
workers with multi-threaded BLAS on two cores are about ten times slower than with one thread.
"""

import os

import matplotlib

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

matplotlib.use("Agg")
