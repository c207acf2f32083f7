# %% [markdown] slideshow={"slide_type": "slide"}
# # 00 · Start here
#
# This chapter gets you ready for the rest of the course.
# It shows how the notebooks and their self-checks work, checks that your environment runs, and gives you the big picture of how a network learns, before any network appears.
#
# **What you will learn**
#
# - how the course is organised: your notebooks, the solutions, exercise cells and the checks that grade them;
# - how to check your environment, and what to do when interactive widgets do not show;
# - the four steps that every training run repeats: draw a mini-batch, compute the gradient, step against it, repeat;
# - what the training, validation and test sets are each for, and the difference between generalising and memorising;
# - the NumPy you need for networks: shapes, one matrix product for a whole batch, broadcasting, `keepdims`, and why loops over samples are slow.
#
# **Prerequisites**: Python (functions, lists, loops), a first course in calculus (derivatives) and in linear algebra (matrix products).
# No NumPy experience is assumed beyond creating an array.
#
# You will write three small functions, each followed by a check cell that tells you whether it is right and, if not, which known mistake it looks like.

# %% slideshow={"slide_type": "skip"}
import sys
import time
from importlib.metadata import PackageNotFoundError, version

import matplotlib.pyplot as plt
import numpy as np
from numpy.polynomial import Polynomial

from utils.checks import CheckFailed, ExerciseNotDone, check
from utils.data import noisy_sine
from utils.experiments.descent import fit_line_sgd
from utils.plots import plot_curves, plot_matrices, plot_regression_step
from utils.widgets import hello_slider, training_steps_explorer

SEED = 12
rng = np.random.default_rng(SEED)
np.set_printoptions(precision=4, suppress=True)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. How this course works
#
# The repository has two folders of notebooks with the same names:
#
# - `course/` holds **your** notebooks, for example `course/00_start_here.ipynb`, the one you are reading.
#   The exercises in them are empty.
# - `solutions/` holds the same notebooks with every exercise solved and every output stored.
#   Open a solution after you have tried, not before.
#
# Run the cells from top to bottom (Shift+Enter runs a cell and moves to the next one).
# The first code cell, just above this section, is the **setup cell**: it imports everything and creates the one random generator `rng` that the notebook uses, so every run gives the same numbers.
# Run it first whenever you (re)start a notebook.
#
# Terms are defined where they first appear.
# The [glossary](../GLOSSARY.md) (`GLOSSARY.md`, at the root of the repository) lists them all with their Korean equivalents (for example *mini-batch*, 미니배치) and the chapter that teaches each one.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What an exercise looks like
#
# An exercise is a code cell holding a function to complete.
# Its docstring gives the shape of every input and of the output; the text above it gives the formula.
# In your notebook the body is a stub:
#
# ```python
# def affine(X, W, b):
#     """X @ W + b for a whole batch. X (N, D), W (D, M), b (M,) -> (N, M)."""
#     # YOUR CODE HERE
#     raise NotImplementedError("ex00_affine: not done yet")
# ```
#
# Replace the two stub lines with your code and run the cell.
# Then run the **check cell** right below it, which holds one line, `check("ex00_affine", affine)`.
# The check calls your function on inputs it generates (several shapes, edge cases, random numbers, so a hard-coded answer fails) and compares the results with the course's reference implementation.
# Compute in float64, NumPy's default and the course's convention: a result in float32 fails its check with the message `your result is float32; compute in float64`, even when its first digits look right, because float32 keeps only about 7 significant digits.
#
# A check reports one of three things.
# If your function is right, one line: `ex00_affine: 7/7 checks passed`.
# The two other reports are shown below, on purpose, with two stand-in functions of our own.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Not done yet.** If the stub is still there, the check says so and tells you what to do.
# (In your notebook this appears in red as an error; here we catch it and print it.)

# %%
def affine_stub(X, W, b):
    # YOUR CODE HERE
    raise NotImplementedError("ex00_affine: not done yet")


try:
    check("ex00_affine", affine_stub)
except ExerciseNotDone as err:
    print("NotImplementedError:", err)

# %% [markdown] slideshow={"slide_type": "subslide"}
# **A failed check.** Here is a version that forgets the bias, a classic slip.
# The report gives the score, then, for up to three failed cases: the case's name, which returned value is wrong and in how many entries, the expected and the obtained values, and a **hint** naming the mistake when it is a known one (written out at the first case it explains; later cases say `as above`).

# %%
def affine_no_bias(X, W, b):
    return X @ W  # the bias b is missing


try:
    check("ex00_affine", affine_no_bias)
except CheckFailed as err:
    print("Check failed:", err)

# %% [markdown] slideshow={"slide_type": "subslide"}
# Reading a failed check is a skill: compare *expected* with *got*, then ask what the difference looks like.
# On a tiny batch of $N = 2$ samples the difference between the right answer and `affine_no_bias` is the same row, $b$, repeated in every row: the bias was never added.

# %%
X_demo = np.array([[1.0, 2.0, 0.0], [0.0, 1.0, 3.0]])  # (N, D) = (2, 3)
W_demo = np.array([[1.0, 0.0], [0.5, 1.0], [0.0, -1.0]])  # (D, M) = (3, 2)
b_demo = np.array([1.0, -2.0])  # (M,) = (2,)
expected_demo = X_demo @ W_demo + b_demo
got_demo = affine_no_bias(X_demo, W_demo, b_demo)
axes = plot_matrices([(expected_demo, "expected: X @ W + b"), (got_demo, "got: X @ W"),
                      (expected_demo - got_demo, "expected − got")])
plt.suptitle("A failed check: the difference is b in every row", y=1.08)
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Starting over
#
# - **Restart the notebook**: in JupyterLab choose *Kernel → Restart Kernel and Clear Outputs of All Cells…*.
#   This forgets every variable and clears the outputs but keeps your code.
#   Then run the cells again from the top, setup cell first.
# - **Run everything up to here**: *Run → Run All Above Selected Cell*.
#   Useful when a cell complains that a name is not defined: a cell above it has not been run since the restart.
# - **Get a pristine copy back** (this erases your answers in that notebook): in a terminal at the repository root, `git checkout course/00_start_here.ipynb`, or download the notebook again.
#
# The checks never modify your notebook; running a check cell twice is always safe.
#
# **If your course grades the notebooks**: what counts is what your notebook computes when it is run from the top, as *Restart Kernel and Run All Cells* would, with the check cells as the course wrote them and inputs you have not seen; your own cells (helpers, imports, retyped exercises) run in their place, and the function checked is the one defined above its check cell.
# The outputs you saved, the lines a check printed and any edit to a check cell are not graded, so before you hand in, restart and run all, and make sure every exercise's check passes.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. Check your environment
#
# The course is tested with the pinned versions in `constraints.txt` (Python 3.11 and NumPy 2).
# The cell below checks that each package is at least the minimum version the course needs (the ranges in `pyproject.toml`).
# Every line should end in `yes`.

# %%
def major_minor(package):
    """The (major, minor) version of an installed package, or None if it is missing."""
    try:
        return tuple(int(part) for part in version(package).split(".")[:2])
    except PackageNotFoundError:
        return None


found = {"Python": sys.version_info[:2], "numpy": major_minor("numpy"),
         "matplotlib": major_minor("matplotlib"), "ipywidgets": major_minor("ipywidgets"),
         "jupyterlab_widgets": major_minor("jupyterlab_widgets")}
minimum = {"Python": (3, 11), "numpy": (2, 0), "matplotlib": (3, 8), "ipywidgets": (8, 1),
           "jupyterlab_widgets": (3, 0)}
for name, need in minimum.items():
    ok = found[name] is not None and found[name] >= need
    print(f"{name} >= {need[0]}.{need[1]}: {'yes' if ok else 'NO, found ' + str(found[name])}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Do widgets render?
#
# Many figures in this course are interactive: sliders redraw them as you move.
# Run the next cell: you should see a slider `n`, two bars and a line of text.
# Drag the slider; the bars and the text must follow.

# %% tags=["nbval-ignore-output"]
hello_slider()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Under the slider, the widget's figure should look like this picture (drawn at $n = 3$, not interactive), followed by the line "Widgets work: n = 3, n² = 9":

# %%
hello_slider().figure

# %% [markdown] slideshow={"slide_type": "subslide"}
# **If the slider does not show or does not move**, find your symptom:
#
# - **"Error displaying widget"** (or "model not found"): the kernel side works but JupyterLab lacks the widget *frontend extension*.
#   In the environment that runs JupyterLab, install it with `pip install jupyterlab_widgets` (or `make setup`, or `conda install -c conda-forge ipywidgets` for conda), then **stop and restart JupyterLab itself** (not only the kernel) and **reload the browser page**.
#   `jupyter labextension list` should then list `@jupyter-widgets/jupyterlab-manager` as enabled.
# - **Plain text such as `InteractiveFigure(children=...)`**: the program showing the notebook cannot display widgets at all.
#   Open the notebook in JupyterLab (`make lab` opens this very notebook).
# - **A slider that moves but nothing changes**: the kernel is busy or has died.
#   Use *Kernel → Restart Kernel…*, run the setup cell, then this cell again.
# - **A `no` in the version check above**: the environment is not the course's.
#   Run `make setup` (or create the conda environment from `environment.yml`) and select that kernel.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. The big picture: training is four steps, repeated
#
# A network is a function with adjustable numbers, its **weights**.
# A **loss function** measures, with one number, how wrong its predictions are on some data.
# **Training** means finding weights that make the loss small, and every method in this course does it with the same loop:
#
# 1. **draw a mini-batch**: a small random subset of the training data;
# 2. **compute the gradient** of the loss on that batch with respect to every weight;
# 3. **move every weight a small step against its gradient** (the gradient points uphill, so minus the gradient points downhill);
# 4. **repeat**.
#
# The size of the step is the **learning rate** $\eta$ (`lr` in the code).
# Chapters 02 to 09 refine each step; the loop itself never changes.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The smallest example: fitting a line
#
# The smallest "network" has one input $x$, one output and two weights: $y = w x + b$.
# We fit it to $N = 40$ points $(x_i, t_i)$ scattered around a line; $t_i$ is the **target**, the value the model should predict for $x_i$.
# On a mini-batch $\mathcal{B}$ of $B$ indices the loss is the mean squared error
#
# $$L_\mathcal{B}(w, b) = \frac{1}{B} \sum_{i \in \mathcal{B}} \left(w x_i + b - t_i\right)^2 ,$$
#
# and first-year calculus (the chain rule on each square) gives its gradient, one derivative per weight:
#
# $$\frac{\partial L_\mathcal{B}}{\partial w} = \frac{2}{B} \sum_{i \in \mathcal{B}} \left(w x_i + b - t_i\right) x_i, \qquad \frac{\partial L_\mathcal{B}}{\partial b} = \frac{2}{B} \sum_{i \in \mathcal{B}} \left(w x_i + b - t_i\right).$$

# %%
N_line = 40
x_line = rng.uniform(-1.0, 1.0, size=N_line)  # inputs, shape (40,)
t_line = 1.5 * x_line + 0.5 + 0.3 * rng.standard_normal(N_line)  # targets: a line plus noise
print("x_line:", x_line.shape, " t_line:", t_line.shape)
print("first three inputs x: ", x_line[:3])
print("first three targets t:", t_line[:3])

# %% [markdown] slideshow={"slide_type": "subslide"}
# Here is the whole training loop in plain NumPy.
# Read it against the four steps: they are numbered in the comments.

# %%
w, b = 0.0, 0.0  # the two weights, starting at 0
lr, B = 0.1, 8  # learning rate and mini-batch size
for step in range(60):
    idx = rng.choice(N_line, size=B, replace=False)  # 1. a mini-batch of B indices
    x_b, t_b = x_line[idx], t_line[idx]  # its inputs and targets, shape (B,)
    err = w * x_b + b - t_b  # prediction minus target, shape (B,)
    grad_w = 2 * np.mean(err * x_b)  # 2. the gradient of the batch loss
    grad_b = 2 * np.mean(err)
    w = w - lr * grad_w  # 3. a small step against the gradient
    b = b - lr * grad_b
    if step % 15 == 0 or step == 59:  # 4. repeat (the for loop); report now and then
        full_loss = np.mean((w * x_line + b - t_line) ** 2)
        print(f"after step {step + 1:2d}: w = {w:.3f}, b = {b:.3f}, loss on all data = {full_loss:.4f}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# For a line, the best weights can also be computed directly (least squares, `np.polyfit` with degree 1).
# Sixty small steps have brought us close to them, and the data were made with $w = 1.5$, $b = 0.5$ plus noise.

# %%
w_best, b_best = np.polyfit(x_line, t_line, deg=1)  # slope, intercept
print(f"least squares: w = {w_best:.3f}, b = {b_best:.3f}")
print(f"our loop:      w = {w:.3f}, b = {b:.3f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Watching the loop
#
# `utils.experiments.descent.fit_line_sgd` runs the same loop and records the weights, the batches and the loss after every step.
# On the left, the data, the line of the current step and (orange) the mini-batch the next update uses; on the right, the loss on all the data, step by step.

# %%
history = fit_line_sgd(x_line, t_line, lr=0.1, batch_size=8, steps=60, rng=rng)
fig, axes = plt.subplots(3, 2, figsize=(11, 11))
for row, shown_step in zip(axes, (0, 5, 60), strict=True):
    plot_regression_step(x_line, t_line, history, shown_step, axes=row)
plt.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# > **Common misconception.** "Every step lowers the loss."
# > Each step lowers the loss *of its own mini-batch* (if the learning rate is small enough), not necessarily the loss on all the data.
# > A batch of 8 points is a noisy sample of the 40, so now and then a step makes the full loss go up; on average the steps go downhill.

# %%
increases = int(np.sum(np.diff(history["loss"]) > 0))
print(f"steps that increased the loss on all data: {increases} of 60")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Try it: step through training
#
# Drag `step` to replay the run one update at a time.
# Change `lr` to see a learning rate that is too small (the line crawls) and one that is too large (the status line reports that the run diverges).

# %% tags=["nbval-ignore-output"]
training_steps_explorer(x_line, t_line, lr=0.1, batch_size=8, steps=60, seed=SEED)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Epochs and iterations
#
# The loop above drew each batch at random, independently of the others.
# Most trainers instead shuffle the data once per **epoch**, one pass over all $N$ training samples, and cut the shuffled order into consecutive batches of $B$.
# Each batch gives one update, called an **iteration**.
# When $B$ does not divide $N$, the last batch is smaller: here $N = 10$ and $B = 4$ give batches of 4, 4 and 2 samples.

# %%
order = rng.permutation(10)  # the sample indices 0..9, shuffled for this epoch
B_demo = 4
for k, start in enumerate(range(0, 10, B_demo)):
    print(f"iteration {k}: samples {order[start:start + B_demo]}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 1: iterations per epoch
#
# Write `iterations_per_epoch(N, B)` that returns how many updates one epoch makes, counting the last, smaller batch.
#
# - In: `N` (number of training samples) and `B` (mini-batch size), positive Python ints.
#   `B` may be larger than `N`.
# - Out: an int, $\lceil N / B \rceil$ (the smallest integer $\ge N / B$).
#
# Python's `N // B` rounds *down*, which is not what you want here.
# Integer arithmetic stays exact even for huge `N`: can you round up using only `//`, `+` and `-`? (`np.ceil(N / B)` works too for the sizes of this course, but returns a float: convert it with `int`.)

# %% tags=["exercise"] exercise_id="ex00_batch_iterations" slideshow={"slide_type": "fragment"}
def iterations_per_epoch(N, B):
    """Number of mini-batches (updates) in one epoch of N samples with batch size B.

    Parameters
    ----------
    N : int
        Number of training samples, N >= 1.
    B : int
        Mini-batch size, B >= 1; the last batch of the epoch may be smaller.

    Returns
    -------
    int
        ceil(N / B).
    """
    ### BEGIN SOLUTION
    return (N + B - 1) // B
    ### END SOLUTION


# %% tags=["check"]
check("ex00_batch_iterations", iterations_per_epoch)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. Training, validation and test data
#
# Training makes the loss small *on the training data*.
# What we want is a model that does well on data it has never seen: that is **generalisation**.
# A model can also drive the training loss down by **memorising** the training points, noise included, and then fail on new points.
# To tell the two apart, a data set is split three ways before anything is trained:
#
# | split | used for | how often |
# |:--|:--|:--|
# | **training** | fitting the weights (the loop of section 3) | every step |
# | **validation** | choosing hyperparameters and detecting overfitting | after each candidate model |
# | **test** | reporting how well the final model does | **once**, at the very end |
#
# A **hyperparameter** is a setting chosen by you, not by the training loop: the learning rate, the batch size, the number of steps, the size of the model.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### An example: how flexible should the model be?
#
# We take $N = 60$ points $t = \sin(2\pi x) + \text{noise}$ from `utils.data.noisy_sine` and split them 20 / 20 / 20 with a random permutation.
# The model is a polynomial of degree $d$ in $x$, and the degree $d$ is the hyperparameter.
# For a polynomial the best weights (coefficients) on the training data can be computed directly, with `Polynomial.fit` (least squares), so no training loop is needed here.

# %%
x_all, t_all = noisy_sine(60, noise=0.25, rng=rng)  # shapes (60,) and (60,)
train, val, test = np.split(rng.permutation(60), [20, 40])  # three index arrays of 20
x_tr, t_tr = x_all[train], t_all[train]
x_va, t_va = x_all[val], t_all[val]
x_te, t_te = x_all[test], t_all[test]  # put aside: not used until the very end
print("training:", x_tr.shape, " validation:", x_va.shape, " test:", x_te.shape)


def mse(model, x, t):
    """Mean squared error of a fitted polynomial on the points (x, t)."""
    return float(np.mean((model(x) - t) ** 2))

# %% [markdown] slideshow={"slide_type": "subslide"}
# For each degree from 0 to 15 we fit on the training set only, then measure the error on the training set and on the validation set.

# %%
degrees = np.arange(16)
fits = [Polynomial.fit(x_tr, t_tr, deg=int(d)) for d in degrees]
train_err = np.array([mse(p, x_tr, t_tr) for p in fits])
val_err = np.array([mse(p, x_va, t_va) for p in fits])
best_degree = int(degrees[np.argmin(val_err)])
print("degree | training error | validation error")
for d in (0, 1, 3, 5, 10, 15):
    print(f"{d:6d} | {train_err[d]:14.4f} | {val_err[d]:16.4f}")
print("degree with the lowest validation error:", best_degree)

# %%
ax = plot_curves(degrees, {"training error": train_err, "validation error": val_err},
                 logy=True, marker="o", xlabel="polynomial degree d (a hyperparameter)",
                 ylabel="mean squared error", title="Training error always falls; validation error does not")
ax.axvline(best_degree, color="0.4", linestyle="--", label=f"chosen: d = {best_degree}")
ax.legend()
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# The training error falls with every extra degree: more coefficients can always fit the training points at least as well.
# The validation error falls, then rises: past some degree the polynomial starts to fit the noise of the 20 training points, which says nothing about new points.
# That rise is **overfitting**, and only held-out data can reveal it.
# The curves below show three fits against the true curve $\sin(2\pi x)$.

# %%
x_grid = np.linspace(0, 1, 300)
fig, axes = plt.subplots(1, 3, figsize=(14, 4.2), sharey=True)
for ax, d in zip(axes, (1, best_degree, 15), strict=True):
    ax.plot(x_grid, np.sin(2 * np.pi * x_grid), "k--", label="true curve")
    ax.plot(x_grid, fits[d](x_grid), linewidth=2.5, label=f"degree {d} fit")
    ax.scatter(x_tr, t_tr, s=30, label="training", zorder=3)
    ax.scatter(x_va, t_va, s=30, marker="s", label="validation", zorder=3)
    ax.set(ylim=(-2, 2), xlabel="$x$", title=f"d = {d}: train {train_err[d]:.3f}, val {val_err[d]:.3f}")
axes[0].set_ylabel("$t$")
axes[0].legend(loc="lower left", fontsize=10)
plt.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Memorisation, taken to the end
#
# With 20 training points, a polynomial of degree 19 has 20 coefficients: exactly enough to pass through every training point.
# Its training error is zero, yet between the points it swings wildly.
# It has memorised the training set, a lookup table and not a model of $\sin(2\pi x)$.

# %%
memoriser = Polynomial.fit(x_tr, t_tr, deg=19)
print("degree 19, training error below 1e-6:", mse(memoriser, x_tr, t_tr) < 1e-6)
print("degree 19, validation error above 100:", mse(memoriser, x_va, t_va) > 100)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Folding the validation data back in, then testing once
#
# Once the validation set has done its job (choosing $d$), its 20 points are just more data.
# Refitting the chosen model on training + validation usually gives a slightly better model, because more data pins the coefficients down better.
# What you give up: you can no longer use the validation set to detect overfitting of this final fit, so keep the hyperparameters exactly as chosen.
# Then, and only then, the test set is used, once, to report the error.

# %%
train_val = np.concatenate([train, val])
final = Polynomial.fit(x_all[train_val], t_all[train_val], deg=best_degree)
print(f"degree {best_degree}, refit on training + validation; test error (reported once): "
      f"{mse(final, x_te, t_te):.4f}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# Does refitting really help?
# One data set proves little, so the cell below repeats the whole procedure (split, choose $d$ on validation, test) on 200 fresh data sets and compares the test errors of the two final fits.
# The noise alone gives an error of $0.25^2 = 0.0625$, so no model can do better than that on average.

# %%
test_train_only, test_refit = [], []
for _ in range(200):
    x_r, t_r = noisy_sine(60, noise=0.25, rng=rng)
    tr, va, te = np.split(rng.permutation(60), [20, 40])
    val_errors = [mse(Polynomial.fit(x_r[tr], t_r[tr], deg=d), x_r[va], t_r[va]) for d in range(10)]
    d_best = int(np.argmin(val_errors))
    tr_va = np.concatenate([tr, va])
    test_train_only.append(mse(Polynomial.fit(x_r[tr], t_r[tr], deg=d_best), x_r[te], t_r[te]))
    test_refit.append(mse(Polynomial.fit(x_r[tr_va], t_r[tr_va], deg=d_best), x_r[te], t_r[te]))
print(f"mean test error, fitted on training only:         {np.mean(test_train_only):.4f}")
print(f"mean test error, refit on training + validation:  {np.mean(test_refit):.4f}")
print(f"refitting helped on {np.mean(np.array(test_refit) < np.array(test_train_only)):.0%} of the data sets")

# %% [markdown] slideshow={"slide_type": "subslide"}
# > **Common misconception.** "The best validation error is an honest estimate of how the final model will do."
# > It is optimistic: you picked the degree *because* its validation error was the lowest of sixteen, and part of that low value is luck on these particular 20 points.
# > The test set played no part in any choice, so its error is an honest estimate, but only the first time you look at it.
# > If you go back and change the model after seeing the test error, the test set has become a second validation set.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. NumPy for networks
#
# ### Shapes, and one matrix product for a whole batch
#
# In this course a batch of $N$ samples with $D$ features each is a matrix $X$ of shape $(N, D)$: **samples are rows**.
# A layer with $M$ outputs has a weight matrix $W$ of shape $(D, M)$ and a bias $b$ of shape $(M,)$.
# Its outputs for the whole batch come from one matrix product:
#
# $$H = XW + b, \qquad (N, D) \cdot (D, M) \to (N, M), \qquad H_{nm} = \sum_{d=1}^{D} X_{nd} W_{dm} + b_m .$$
#
# The inner sizes ($D$ and $D$) must agree; the outer ones ($N$ and $M$) give the shape of the result.
# Row $n$ of $H$ is exactly what sample $n$ alone would give, $x_n W + b$.

# %%
N, D, M = 4, 3, 2
X = rng.integers(-3, 4, size=(N, D)).astype(np.float64)  # a batch: N samples (rows), D features
W = rng.integers(-2, 3, size=(D, M)).astype(np.float64)  # weights: D inputs -> M outputs
b = np.array([0.5, -1.0])  # one bias per output, shape (M,)
H = X @ W + b  # all N samples at once
print("X", X.shape, "@ W", W.shape, "+ b", b.shape, "->", H.shape)
print("row 0 of H:          ", H[0])
print("sample 0 on its own: ", X[0] @ W + b)

# %%
axes = plot_matrices([(X, "X"), (W, "W"), (b, "b"), (H, "H = X @ W + b")])
plt.suptitle("One matrix product computes every sample of the batch", y=1.1)
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 2: an affine layer for a batch
#
# Write `affine(X, W, b)`, the computation of every fully connected layer in this course.
#
# - In: `X` of shape $(N, D)$, `W` of shape $(D, M)$, `b` of shape $(M,)$, all float arrays.
# - Out: $H = XW + b$, of shape $(N, M)$.
#
# One line is enough.
# Use the matrix product `@` (not `*`, which multiplies entry by entry) and let NumPy add `b` to every row.
# The check tries shapes where common slips run without an error but give wrong numbers (a square `W`, or $N = M$), so do not rely on an error to warn you.

# %% tags=["exercise"] exercise_id="ex00_affine" slideshow={"slide_type": "fragment"}
def affine(X, W, b):
    """Affine (fully connected) layer for a whole batch: X @ W + b.

    Parameters
    ----------
    X : numpy.ndarray of float, shape (N, D)
        One sample per row.
    W : numpy.ndarray of float, shape (D, M)
        Weights from D inputs to M outputs.
    b : numpy.ndarray of float, shape (M,)
        One bias per output.

    Returns
    -------
    numpy.ndarray of float, shape (N, M)
        Row n is X[n] @ W + b.
    """
    ### BEGIN SOLUTION
    return X @ W + b  # (N, D) @ (D, M) -> (N, M); b (M,) is broadcast to every row
    ### END SOLUTION


# %% tags=["check"]
check("ex00_affine", affine)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Broadcasting: adding a vector to every row
#
# In `X @ W + b` a matrix of shape $(N, M)$ meets a vector of shape $(M,)$, and NumPy adds the vector to every row.
# This is **broadcasting**.
# The rule: line the shapes up from the right; two sizes fit when they are equal or one of them is 1; a missing size counts as 1, and a size 1 is stretched to match.
#
# So a vector $c$ of shape $(D,)$ against $X$ of shape $(N, D)$ behaves as if $c$ had been copied into $N$ rows.
# `np.tile(c, (N, 1))` makes that copy explicitly; the two results are identical.

# %%
c = np.array([10.0, 20.0, 30.0])  # shape (D,) = (3,)
c_tiled = np.tile(c, (N, 1))  # shape (N, D) = (4, 3): c copied into every row
explicit = X + c_tiled  # (N, D) + (N, D): entry by entry
broadcast = X + c  # (N, D) + (D,): NumPy stretches c over the rows
print("c", c.shape, "-> tiled", c_tiled.shape)
print("identical results:", np.array_equal(explicit, broadcast))

# %%
axes = plot_matrices([(X, "X"), (c, "c"), (c_tiled, "np.tile(c, (N, 1))"), (broadcast, "X + c")],
                     fmt="{:.0f}")
plt.suptitle("Broadcasting adds c to every row, as if it had been tiled", y=1.1)
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# Broadcasting makes no copy.
# `np.broadcast_to` shows the stretched array NumPy works with: its *stride* along the rows (the bytes to skip to reach the next row) is 0, so every row reads the same 3 numbers.
# The tiled version really stores $N$ copies.
#
# When the trailing sizes do not fit, NumPy refuses with an error that names both shapes.
# A vector with one number per *sample*, shape $(N,)$, does not line up with the columns of $(N, D)$:

# %%
view = np.broadcast_to(c, (N, D))
print("broadcast view: shape", view.shape, "strides (bytes)", view.strides)
print("tiled copy:     shape", c_tiled.shape, "strides (bytes)", c_tiled.strides)
per_sample = np.arange(N, dtype=np.float64)  # shape (N,) = (4,)
try:
    X + per_sample
except ValueError as err:
    print("ValueError:", err)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### `keepdims`: reductions that still broadcast
#
# A reduction such as `X.mean(axis=1)` (the mean of each row) removes the axis it reduces: $(N, D) \to (N,)$.
# To subtract each row's mean from its row, the means must form a column, $(N, 1)$, which broadcasts across the $D$ columns.
# `keepdims=True` keeps the reduced axis with size 1 and gives exactly that shape.

# %%
row_means = X.mean(axis=1)  # shape (N,): the axis is gone
row_means_kd = X.mean(axis=1, keepdims=True)  # shape (N, 1): a column
print("row means:", row_means.shape, " with keepdims:", row_means_kd.shape)
print("each row minus its mean; new row means all 0:", np.allclose((X - row_means_kd).mean(axis=1), 0))
try:
    X - row_means  # (4, 3) - (4,): the trailing sizes 3 and 4 do not fit
except ValueError as err:
    print("without keepdims -> ValueError:", err)

# %% [markdown] slideshow={"slide_type": "subslide"}
# Worse than an error is **no error**.
# When the matrix is square ($N = D$), the $(N,)$ vector of row means fits the *columns*, so `S - S.mean(axis=1)` runs and subtracts the mean of row $j$ from column $j$.
# The numbers look plausible and are wrong.

# %%
S = np.array([[1.0, 2.0, 3.0], [4.0, 6.0, 8.0], [0.0, 0.0, 9.0]])  # square: N = D = 3
right = S - S.mean(axis=1, keepdims=True)
wrong = S - S.mean(axis=1)  # runs without complaint
print("rows of the right answer have mean 0:", np.allclose(right.mean(axis=1), 0))
print("rows of the wrong answer have mean 0:", np.allclose(wrong.mean(axis=1), 0))
axes = plot_matrices([(S, "S"), (S.mean(axis=1, keepdims=True), "row means (keepdims)"),
                      (right, "S − means: right"), (wrong, "no keepdims: wrong")], fmt="{:.0f}")
plt.suptitle("Square matrices hide a missing keepdims", y=1.1)
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 3: centre the columns
#
# Networks train better when each input feature (column) has mean 0; subtracting the column means is called **centring**.
# Write `center_columns(X)`:
#
# - In: `X` of shape $(N, D)$, one sample per row.
#   It may hold integers.
# - Out: a **new** float array of shape $(N, D)$, $X - \bar{x}$, where $\bar{x}_d = \frac{1}{N} \sum_{n=1}^{N} X_{nd}$ is the mean of column $d$ (shape $(D,)$).
#
# Think about which axis the mean runs over, and whether you need `keepdims`.
# Do not modify `X` itself (no `X -= ...`): the caller still needs the original data.

# %% tags=["exercise"] exercise_id="ex00_center_columns" slideshow={"slide_type": "fragment"}
def center_columns(X):
    """Subtract each column's mean, so every column of the result has mean 0.

    Parameters
    ----------
    X : numpy.ndarray, shape (N, D)
        One sample per row, one feature per column (float or int). Not modified.

    Returns
    -------
    numpy.ndarray of float, shape (N, D)
        X minus its column means.
    """
    ### BEGIN SOLUTION
    return X - X.mean(axis=0)  # (N, D) - (D,): the column means broadcast over the rows
    ### END SOLUTION


# %% tags=["check"]
check("ex00_center_columns", center_columns)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Why not loop over the samples?
#
# `X @ W + b` could also be computed one sample at a time, in a Python loop over the rows.
# The result is the same, but each pass through a Python loop costs about a microsecond of interpreter work before any arithmetic happens, and the loop pays it $N$ times.
# The matrix product pays it once and hands all $N \times D \times M$ multiplications to compiled, vectorised code.
# We time both on a batch of $N = 2000$ samples into a small layer, $D = 10$ and $M = 5$, keeping the best of several runs (the one least disturbed by other programs).
# With bigger layers each row carries more arithmetic and the gap narrows, but the loop never wins.

# %%
def affine_loop(X, W, b):
    """The same X @ W + b, one sample (row) at a time."""
    out = np.empty((X.shape[0], W.shape[1]))
    for n in range(X.shape[0]):
        out[n] = X[n] @ W + b
    return out


def best_time(f, repeats=7):
    """The shortest of several wall-clock timings of f(), in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return min(times)

# %%
X_big, W_big, b_big = rng.standard_normal((2000, 10)), rng.standard_normal((10, 5)), rng.standard_normal(5)
print("same result:", np.allclose(affine_loop(X_big, W_big, b_big), X_big @ W_big + b_big))
t_loop = best_time(lambda: affine_loop(X_big, W_big, b_big), repeats=3)
t_matrix = best_time(lambda: X_big @ W_big + b_big)
ratio = t_loop / t_matrix
print("loop over samples slower than one matrix product by more than 10x:", ratio > 10)
# print(f"{ratio:.0f} times slower")  # try it: the exact number depends on your machine

# %% [markdown] slideshow={"slide_type": "fragment"}
# Writing the formula $H_{nm} = \sum_d X_{nd} W_{dm} + b_m$ with three nested Python loops is slower still, by orders of magnitude, even on a batch 20 times smaller.
# In this course every layer works on whole batches; a loop over samples is a sign that something can be vectorised.

# %%
def affine_triple_loop(X, W, b):
    """X @ W + b with one Python loop per index: the formula written literally."""
    out = np.empty((X.shape[0], W.shape[1]))
    for n in range(X.shape[0]):
        for m in range(W.shape[1]):
            out[n, m] = b[m] + sum(X[n, d] * W[d, m] for d in range(X.shape[1]))
    return out


X_small = X_big[:100]
print("same result:", np.allclose(affine_triple_loop(X_small, W_big, b_big), X_small @ W_big + b_big))
ratio_triple = best_time(lambda: affine_triple_loop(X_small, W_big, b_big), repeats=2) / best_time(
    lambda: X_small @ W_big + b_big)
print("triple loop slower than the matrix product by more than 100x:", ratio_triple > 100)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - Work in `course/`; each exercise is a stub (`# YOUR CODE HERE`, `raise NotImplementedError`) followed by a check cell that prints `... checks passed`, or the failed case with expected vs got and a hint, or "not done yet".
#   *Kernel → Restart Kernel and Clear Outputs* starts over; `git checkout course/NN_topic.ipynb` restores the original.
#   Terms, with their Korean equivalents, are in the [glossary](../GLOSSARY.md).
# - If a widget shows "Error displaying widget", install `jupyterlab_widgets` where JupyterLab runs, restart JupyterLab and reload the page.
# - Training repeats four steps: draw a mini-batch, compute the gradient of its loss for every weight, step every weight against its gradient ($w \leftarrow w - \eta \, \partial L / \partial w$), repeat.
#   One epoch of $N$ samples in batches of $B$ is $\lceil N / B \rceil$ iterations.
# - Training data fit the weights; validation data choose hyperparameters and reveal overfitting; test data are used once, at the end.
#   After choosing, the validation data may be folded back into training.
# - A falling training error alone proves nothing: a model can memorise (degree 19 through 20 points) instead of generalising.
# - Batches are rows: $H = XW + b$ maps $(N, D)$ to $(N, M)$ in one product.
#   Broadcasting stretches a $(D,)$ vector over $(N, D)$ exactly like `np.tile`, without copying.
#   `keepdims=True` keeps reduced axes so the result broadcasts back; square matrices hide its absence.
#   Loops over samples are much slower than one matrix product.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Check your understanding
#
# 1. `X` has shape $(32, 784)$, `W` shape $(784, 100)$ and `b` shape $(100,)$. What is the shape of `X @ W + b`? What happens with `W @ X`?
#
# <!-- BEGIN SOLUTION -->
# `X @ W + b` has shape $(32, 100)$: one row of 100 outputs per sample.
# `W @ X` pairs the inner sizes 100 and 32, which differ, so NumPy raises a `ValueError`.
# <!-- END SOLUTION -->
#
# 2. An epoch has $N = 1000$ samples and the batch size is $B = 64$. How many iterations does it make, and how many samples are in the last batch?
#
# <!-- BEGIN SOLUTION -->
# $\lceil 1000 / 64 \rceil = 16$ iterations: 15 full batches hold $960$ samples, and the last batch holds the remaining $40$.
# <!-- END SOLUTION -->
#
# 3. Why not pick the polynomial degree with the lowest *test* error?
#
# <!-- BEGIN SOLUTION -->
# Then the test set would take part in a choice, and its error would be optimistic in the same way as the best validation error: part of the lowest value is luck on those particular points.
# Nothing would be left to give an honest estimate of the final model.
# Choices are made on validation data; the test set is looked at once.
# <!-- END SOLUTION -->
#
# 4. The training loss keeps falling as the model grows. Why is that no evidence that the model keeps improving?
#
# <!-- BEGIN SOLUTION -->
# A more flexible model can always fit the training points at least as well, noise included, up to memorising them (degree 19 through 20 points has zero training error).
# Only data the model was not fitted on, the validation set, show whether it generalises; its error rises once the model starts fitting the noise.
# <!-- END SOLUTION -->
#
# 5. `A` has shape $(5, 3)$. Does `A - A.mean(axis=1)` run? And `A - A.mean(axis=0)`? What does each compute?
#
# <!-- BEGIN SOLUTION -->
# `A.mean(axis=1)` has shape $(5,)$, which does not line up with the trailing size 3: `ValueError`.
# Use `A - A.mean(axis=1, keepdims=True)`, shape $(5, 1)$, to subtract each row's mean.
# `A.mean(axis=0)` has shape $(3,)$, which broadcasts over the 5 rows: `A - A.mean(axis=0)` runs and subtracts each column's mean (it centres the columns).
# <!-- END SOLUTION -->
#
# 6. In section 3 some steps made the loss on all the data go up. Was the learning rate too large?
#
# <!-- BEGIN SOLUTION -->
# Not necessarily.
# Each step follows the gradient of its own mini-batch, a noisy estimate of the gradient on all the data, so a single step can raise the full loss even with a small learning rate.
# A learning rate that is too large shows differently: the loss grows step after step and the run diverges (try it in the explorer).
# <!-- END SOLUTION -->
#
# 7. After choosing hyperparameters on the validation set you retrain on training + validation. Why is that allowed, and what can you no longer do?
#
# <!-- BEGIN SOLUTION -->
# The validation set was only needed to make choices; once they are made, its points are ordinary labelled data, and more data usually gives a better fit.
# You can no longer use the validation set to detect overfitting of the final run or to change the hyperparameters, so they must be kept exactly as chosen.
# The test set stays untouched until the single final report.
# <!-- END SOLUTION -->

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Further reading
#
# - I. Goodfellow, Y. Bengio and A. Courville, *Deep Learning*, MIT Press, 2016, sections 5.2 "Capacity, overfitting and underfitting" and 5.3 "Hyperparameters and validation sets".
# - C. M. Bishop, *Pattern Recognition and Machine Learning*, Springer, 2006, section 1.1 "Example: polynomial curve fitting".
# - C. R. Harris et al., "Array programming with NumPy", *Nature* 585, 2020.
# - The NumPy user guide, "Broadcasting".
# - M. Nielsen, *Neural Networks and Deep Learning*, chapter 1, section "Learning with gradient descent".
