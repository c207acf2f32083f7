# %% [markdown] slideshow={"slide_type": "slide"}
# # 04 · Gradient descent and mini-batches
#
# A network learns by changing its weights, a little at a time, in the direction that lowers the loss.
# This chapter is about that direction (the gradient), the size of the step (the learning rate), what can slow the descent down, and why we compute each step on a small random batch of the data instead of all of it.
#
# **What you will learn**
#
# - why the gradient points uphill, and the update $w \leftarrow w - \eta \, \partial L / \partial w$;
# - how to compute a gradient numerically by central differences, and why that is far too slow to train with (two forward passes per weight);
# - what a learning rate that is too small, good, or too large does on a 1-D and a 2-D bowl;
# - plateaus, local minima and saddle points, and which of them really trouble training;
# - batch, mini-batch and stochastic gradient descent; epochs and iterations; shuffling;
# - how to train logistic regression with mini-batches and watch the training and validation losses.
#
# **Prerequisites**: chapter 00 (NumPy shapes and a matrix product over a batch), chapter 02 (the sigmoid), chapter 03 (binary cross-entropy and its gradient $p - y$).
#
# You will write five functions, each followed by a check cell that says whether it is right and, if not, which known mistake it looks like.

# %% slideshow={"slide_type": "skip"}
import matplotlib.pyplot as plt
import numpy as np

from utils import data, nn
from utils.checks import check
from utils.nn import binary_cross_entropy_with_logits, sigmoid
from utils.plots import (
    plot_curves,
    plot_decision_regions,
    plot_epoch_batches,
    plot_gradient_arrows,
    plot_path_1d,
    plot_path_2d,
    plot_points,
    plot_surface,
)
from utils.widgets import learning_rate_explorer

SEED = 4
rng = np.random.default_rng(SEED)
np.set_printoptions(precision=4, suppress=True)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. The gradient points uphill
#
# A model has weights $w = (w_1, \dots, w_D)$ and a loss $L(w)$ that measures how wrong it is on the data: one number, the smaller the better.
# The partial derivative $\partial L / \partial w_j$ is the slope of the loss along weight $j$: how fast $L$ grows when $w_j$ alone grows a little.
# The *gradient* collects the $D$ slopes in a vector of the same shape as $w$:
#
# $$\nabla L(w) = \left(\frac{\partial L}{\partial w_1}, \dots, \frac{\partial L}{\partial w_D}\right).$$
#
# Among all directions of a small step, the gradient is the one along which $L$ grows fastest: it points **uphill**, across the contour lines.
# So to lower the loss we step the other way, along $-\nabla L(w)$.
#
# Example: $L(w_1, w_2) = w_1^2 + 3 w_2^2$, a bowl with its minimum at $(0, 0)$, has gradient $\nabla L = (2 w_1, 6 w_2)$.

# %%
def bowl(w1, w2):
    """L(w1, w2) = w1^2 + 3 w2^2; works on arrays of any (matching) shape."""
    return w1**2 + 3 * w2**2


def bowl_grad(w1, w2):
    """The gradient (dL/dw1, dL/dw2) = (2 w1, 6 w2)."""
    return 2 * w1, 6 * w2


plot_gradient_arrows(bowl, bowl_grad, xlim=(-2, 2), ylim=(-2, 2),
                     title="Arrows: the gradient of $w_1^2 + 3 w_2^2$ (uphill)")
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Every arrow points away from the minimum and crosses the contour lines at right angles.
# The cell below checks it at one point: a small step along $+\nabla L$ raises the loss, the same step along $-\nabla L$ lowers it.

# %%
w = np.array([1.5, -1.0])  # shape (2,)
g = np.array(bowl_grad(*w))  # shape (2,): (3.0, -6.0)
step = 0.01
print(f"L(w)                = {bowl(*w):.4f}")
print(f"L(w + 0.01 * grad)  = {bowl(*(w + step * g)):.4f}   <- uphill")
print(f"L(w - 0.01 * grad)  = {bowl(*(w - step * g)):.4f}   <- downhill")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. A gradient from two forward passes per weight
#
# When we cannot (or do not yet trust ourselves to) differentiate $L$ by hand, we can *measure* each slope.
# Nudge weight $i$ by a small $h$ in both directions, keeping the others fixed, and take the slope of the chord:
#
# $$\frac{\partial L}{\partial w_i} \approx \frac{L(w + h\,e_i) - L(w - h\,e_i)}{2h},$$
#
# where $e_i$ is the vector with 1 in position $i$ and 0 elsewhere.
# This is the **central difference**.
# The one-sided *forward difference* $\big(L(w + h e_i) - L(w)\big)/h$ looks cheaper, but its error shrinks only like $h$; the central difference's error shrinks like $h^2$ (its first error terms cancel by symmetry).
#
# The figure shows both for $L(w) = \sin w$ at $w = 1$, where the exact slope is $\cos 1$.
# Neither error keeps shrinking as $h$ shrinks: the two values subtracted become nearly equal, and the subtraction loses the digits that floating point kept, a round-off error that grows like $\varepsilon / h$ (with $\varepsilon \approx 2.2 \times 10^{-16}$, the relative precision of float64).
# The best step balances the two errors, so it depends on the formula: near $h \approx 10^{-5}$ for the central difference (where $h^2 \approx \varepsilon / h$) and near $h \approx 10^{-8}$ for the forward difference (where $h \approx \varepsilon / h$).
# Below its best step, each error grows again; the dotted lines mark $10^{-8}$ and $10^{-5}$.

# %%
hs = np.logspace(-12, -1, 45)
exact = np.cos(1.0)
forward = (np.sin(1.0 + hs) - np.sin(1.0)) / hs
central = (np.sin(1.0 + hs) - np.sin(1.0 - hs)) / (2 * hs)
ax = plot_curves(hs, {"forward difference": np.abs(forward - exact) + 1e-17,
                      "central difference": np.abs(central - exact) + 1e-17},
                 logy=True, xlabel="step h", ylabel="|error|",
                 title="Error of the slope of sin at w = 1")
ax.set_xscale("log")
for h_best, color, name in ((1e-8, "C0", "forward"), (1e-5, "C1", "central")):
    ax.axvline(h_best, color=color, linestyle=":", label=f"h = {h_best:.0e}: near the best for {name}")
ax.legend()
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 1: the numerical gradient
#
# Write `numerical_gradient(f, x, h=1e-5)` that returns the central-difference gradient of `f` at `x`.
#
# - In: `f`, a function mapping an array shaped like `x` to a float; `x`, a float64 array of **any shape** (a vector of shape $(D,)$, a weight matrix of shape $(D, M)$, ...); `h`, the step.
# - Out: `grad`, an array of the same shape as `x`, with `grad[i] = (f(x + h e_i) - f(x - h e_i)) / (2 h)` for every index `i`.
# - Change `x` in place (`x[i] = old + h`, call `f`, `x[i] = old - h`, call `f`) and **put `x[i]` back** before moving on: when you return, `x` must hold its original values.
# - Call `f` exactly twice per entry.
#
# `for i in np.ndindex(x.shape):` visits every index of an array of any shape (`i` is a tuple, so `x[i]` is one entry).

# %% tags=["exercise"] exercise_id="ex04_numerical_gradient" slideshow={"slide_type": "fragment"}
def numerical_gradient(f, x, h=1e-5):
    """Gradient of a scalar function by central differences.

    Parameters
    ----------
    f : callable
        f(x) -> float, for x of the shape below.
    x : numpy.ndarray of float64, any shape
        The point. Changed during the computation, restored before returning.
    h : float
        The step.

    Returns
    -------
    numpy.ndarray of float64, shape of x
        grad[i] = (f(x + h e_i) - f(x - h e_i)) / (2 h).
    """
    ### BEGIN SOLUTION
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h
        f_minus = f(x)
        x[i] = old  # restore: the next entries must be measured at the original point
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad
    ### END SOLUTION


# %% tags=["check"]
check("ex04_numerical_gradient", numerical_gradient)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What it costs
#
# Each entry of the gradient costs two evaluations of the loss, and evaluating the loss means running the model on the data: a **forward pass**.
# The cell below counts them for logistic regression on 2 features (3 parameters in all, $w_1, w_2, b$), using the library's `nn.numerical_gradient`.

# %%
X_demo = rng.standard_normal((50, 2))  # (N, D) = (50, 2)
y_demo = (X_demo[:, 0] + X_demo[:, 1] > 0).astype(float)  # (N,)
passes = []


def loss_of_params(theta):
    """Mean BCE of logistic regression; theta = (w1, w2, b), shape (3,)."""
    passes.append(1)  # one forward pass over the 50 rows
    return binary_cross_entropy_with_logits(X_demo @ theta[:2] + theta[2], y_demo)[0]


grad_theta = nn.numerical_gradient(loss_of_params, np.zeros(3))
print(f"gradient at theta = 0: {grad_theta}")
print(f"forward passes: {len(passes)} for {grad_theta.size} parameters")

# %% [markdown] slideshow={"slide_type": "fragment"}
# Two passes per parameter are nothing for 3 parameters, but a small image classifier has a million.
# Backpropagation (chapter 05) gets the whole gradient for about the cost of one forward and one backward pass, whatever the number of weights.
# Numerical gradients stay useful for one job: **checking** an analytic gradient on a tiny model (`nn.gradcheck` does exactly that).

# %%
n_params = np.logspace(1, 7, 25)
ax = plot_curves(n_params, {"central differences: 2 per weight": 2 * n_params,
                            "backpropagation: about 3, any size": np.full_like(n_params, 3.0)},
                 logy=True, xlabel="number of weights", ylabel="forward passes per gradient",
                 title="Cost of one gradient")
ax.set_xscale("log")
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. The update: one step downhill
#
# Gradient descent repeats one move: compute the gradient at the current weights, and step against it,
#
# $$w \leftarrow w - \eta \, \nabla L(w), \qquad \text{in code: } \texttt{w = w - lr * grad}.$$
#
# The *learning rate* $\eta$ (`lr`) is a small positive number that sets how far each step goes; the step is long where the slope is steep and short where the ground is flat.
# The update is the same for a weight vector of shape $(D,)$ or a weight matrix of shape $(D, M)$: the gradient always has the shape of what it is the gradient of.
#
# ### Exercise 2: one gradient-descent step
#
# Write `gd_step(w, grad, lr)`.
#
# - In: `w`, an array of any shape; `grad`, an array of the same shape (the gradient of the loss at `w`); `lr`, a positive float.
# - Out: the new weights $w - \eta \nabla L$, same shape as `w`. Return a new array (do not modify `w`).

# %% tags=["exercise"] exercise_id="ex04_gd_step" slideshow={"slide_type": "fragment"}
def gd_step(w, grad, lr):
    """One step of gradient descent.

    Parameters
    ----------
    w : numpy.ndarray of float, any shape
        The current weights.
    grad : numpy.ndarray of float, shape of w
        dL/dw at w.
    lr : float
        The learning rate, > 0.

    Returns
    -------
    numpy.ndarray of float, shape of w
        w - lr * grad.
    """
    ### BEGIN SOLUTION
    return w - lr * grad
    ### END SOLUTION


# %% tags=["check"]
check("ex04_gd_step", gd_step)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### A first descent
#
# The helper below repeats the update and keeps every point it visits (the *path*).
# It takes the gradient as a function, so the same helper serves every example in this chapter.
# Here it walks down the bowl of section 1 from $(-1.8, 1.5)$ with $\eta = 0.1$.

# %%
def descend(grad, w0, lr, steps):
    """Gradient descent from w0; returns the path, shape (steps + 1, D)."""
    w = np.array(w0, dtype=np.float64)
    path = [w.copy()]
    for _ in range(steps):
        w = w - lr * grad(w)  # the update of Exercise 2
        path.append(w.copy())
    return np.array(path)


path = descend(lambda w: np.array(bowl_grad(*w)), [-1.8, 1.5], lr=0.1, steps=20)
print(f"start {path[0]}, loss {bowl(*path[0]):.3f};  after 20 steps {path[-1]}, loss {bowl(*path[-1]):.5f}")
plot_path_2d(bowl, path, xlim=(-2, 2), ylim=(-2, 2), title="20 steps of gradient descent, lr = 0.1")
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. The learning rate: too small, good, too large
#
# Take the simplest bowl, $L(w) = w^2$, with gradient $2w$. One step gives
#
# $$w \leftarrow w - \eta \cdot 2w = (1 - 2\eta)\, w .$$
#
# Every step multiplies $w$ by the same factor $1 - 2\eta$, so everything depends on it:
#
# - $0 < \eta < 0.5$: the factor is between 0 and 1; $w$ shrinks towards 0 from one side, slowly if $\eta$ is tiny;
# - $\eta = 0.5$: the factor is 0; one step lands exactly on the minimum;
# - $0.5 < \eta < 1$: the factor is between $-1$ and 0; $w$ **overshoots**, changing sign at every step (it oscillates), but still shrinks;
# - $\eta > 1$: the factor is below $-1$; every overshoot is larger than the last and the run **diverges**.

# %%
lrs_1d = {"too small (lr = 0.05)": 0.05, "good (lr = 0.4)": 0.4,
          "overshoots (lr = 0.9)": 0.9, "diverges (lr = 1.05)": 1.05}
fig, axes = plt.subplots(1, 4, figsize=(16, 3.8), sharey=True)
for ax, (name, lr) in zip(axes, lrs_1d.items(), strict=True):
    path_1d = descend(lambda w: 2 * w, [2.5], lr, steps=12)[:, 0]  # shape (13,)
    plot_path_1d(lambda w: w**2, path_1d, ax=ax, xlim=(-4, 4), title=name)
    ax.set_ylim(-0.5, 14)
    print(f"{name:22s}: w after 12 steps = {path_1d[-1]:+.4f}")
plt.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### In two dimensions: a narrow valley
#
# Real losses are steep along some directions and flat along others.
# Take $L(w) = \tfrac12 (w_1^2 + 10\, w_2^2)$: the gradient is $(w_1, 10 w_2)$, so the two coordinates follow $w_1 \leftarrow (1 - \eta) w_1$ and $w_2 \leftarrow (1 - 10\eta) w_2$.
# The steep direction $w_2$ diverges as soon as $\eta > 0.2$, while the flat direction $w_1$ would happily take $\eta$ up to 2.
# **One learning rate serves all directions**, so the steepest one caps it, and progress along the flat one is slow: the path zig-zags across the valley while creeping along it.

# %%
def valley(w1, w2):
    """L(w) = (w1^2 + 10 w2^2) / 2, a long narrow valley along w1."""
    return 0.5 * (w1**2 + 10 * w2**2)


lrs_2d = {"too small (lr = 0.02)": 0.02, "good (lr = 0.15)": 0.15,
          "zig-zag (lr = 0.195)": 0.195, "diverges (lr = 0.21)": 0.21}
fig, axes = plt.subplots(1, 4, figsize=(16, 3.6), sharey=True)
for ax, (name, lr) in zip(axes, lrs_2d.items(), strict=True):
    path_2d = descend(lambda w: w * np.array([1.0, 10.0]), [-2.8, 1.2], lr, steps=25)
    plot_path_2d(valley, path_2d, ax=ax, xlim=(-3.2, 3.2), ylim=(-2, 2), title=name,
                 levels=[0.1, 0.5, 1, 2, 4, 8, 14])
    print(f"{name:22s}: loss after 25 steps = {valley(*path_2d[-1]):.4f}")
plt.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Try it: the learning-rate explorer
#
# Move the `lr` slider (a log scale from 0.001 to 2.5) and switch between the 1-D bowl $w^2$ and the 2-D valley.
# The left panel shows the path, the right one the loss at every step (as $\log_{10}$, so a straight downward line means the loss shrinks by the same factor each step).
# The line under the figure says what the run did; when it diverges it says at which step, and the path stops there.
#
# Things to try:
#
# - in 1-D, find the learning rate that reaches the minimum in one step;
# - find where overshooting starts, and where the run diverges; compare with the analysis above;
# - in 2-D, find the largest rate that does not diverge, then look at how far $w_1$ still is from 0.

# %% tags=["nbval-ignore-output"]
learning_rate_explorer("1-D", lr=0.1)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. Plateaus, local minima and saddle points
#
# A bowl is the friendly case. Three other shapes slow or stop a descent, and the figures below show one of each.
#
# **A plateau** is a region where the loss is nearly flat: the gradient is tiny, so the steps are tiny, and the loss barely moves for many steps before it finally drops.
# Here $L(w) = 1 - e^{-w^2}$ from $w = 2.5$, where the slope is about 0.01.

# %%
def plateau(w):
    return 1 - np.exp(-(w**2))


path_p = descend(lambda w: 2 * w * np.exp(-(w**2)), [2.5], lr=0.5, steps=60)[:, 0]  # (61,)
fig, axes = plt.subplots(1, 2, figsize=(12, 4))
plot_path_1d(plateau, path_p, ax=axes[0], xlim=(-1, 3.2), title="A plateau: tiny gradient, tiny steps")
plot_curves(np.arange(61), {"loss": plateau(path_p)}, ax=axes[1], xlabel="step", ylabel="loss",
            title="Loss per step: flat for 50 steps, then a drop")
plt.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# **A local minimum** is a point lower than everything around it but not the lowest point overall.
# The gradient there is zero, so gradient descent stops.
# $L(w) = w^4 - 2w^2 + 0.5w + 1.5$ has a local minimum near $w = 0.93$ and the global one near $w = -1.06$; which one a run ends in depends on where it starts.

# %%
def double_well(w):
    return w**4 - 2 * w**2 + 0.5 * w + 1.5


def double_well_grad(w):
    return 4 * w**3 - 4 * w + 0.5


ax = None
for w0, color in ((2.0, "C3"), (-2.0, "C2")):
    path_w = descend(double_well_grad, [w0], lr=0.01, steps=300)[:, 0]
    ax = plot_path_1d(double_well, path_w[::10], ax=ax, xlim=(-2.1, 2.1), color=color,
                      label=f"start {w0:+.0f}: ends at {path_w[-1]:+.3f}", curve=ax is None)
ax.set_ylim(-0.5, 6)
ax.set_title("Two starts, two minima (lr = 0.01, every 10th step)")
ax.legend()
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# **A saddle point** has a zero gradient too, but it is a minimum along one direction and a maximum along another, like a mountain pass.
# $L(w) = w_1^2 - w_2^2$ has one at the origin: along $w_1$ it curves up, along $w_2$ it curves down.
# A run that starts almost on the $w_1$ axis slides into the pass, slows down to a crawl there (the gradient is nearly zero), and only slowly drifts off along $w_2$.

# %%
def saddle(w1, w2):
    return w1**2 - w2**2


path_s = descend(lambda w: np.array([2 * w[0], -2 * w[1]]), [1.8, 0.01], lr=0.1, steps=28)
fig = plt.figure(figsize=(16, 4.3))
plot_surface(saddle, ax=fig.add_subplot(1, 3, 1, projection="3d"), path=path_s,
             title="$w_1^2 - w_2^2$: a saddle")
plot_path_2d(saddle, path_s, ax=fig.add_subplot(1, 3, 2), xlim=(-2, 2), ylim=(-2, 2),
             levels=np.linspace(-3, 3, 13), title="The path slows down at the pass")
plot_curves(np.arange(29), {"loss": saddle(*path_s.T)}, ax=fig.add_subplot(1, 3, 3),
            xlabel="step", ylabel="loss", title="Loss per step: a stall near 0")
plt.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# > **Common misconception.** "A small learning rate is what traps a run in a local minimum; a larger one would get it out."
# >
# > While the steps are short, the start decides which minimum a run falls into, not the rate.
# > As long as no step is long enough to jump over the hill between two minima, gradient descent slides into the minimum of the basin where it started, whatever the rate, and a smaller rate only gets there later.
# > A larger rate can leave that basin, because one long step can land beyond the hill, even at a rate that converges calmly near either minimum.
# > But such a jump is blind: from another start the same rate jumps from the better basin into the worse one, and a still larger rate diverges.
# > The noise of mini-batch gradients (section 7) is a second way out: every step gets a random kick, and the kicks can carry a run over a low hill.
# > The kicks shrink with the rate, so with noise a small rate does make such escapes rarer: that much of the saying is true.
# > A saddle point only delays a run that is the slightest bit off the one line leading straight into it (for $w_1^2 - w_2^2$, the axis $w_2 = 0$), and a small rate only makes the delay longer.
# > And in networks with many weights, most points with zero gradient are saddles, not minima, so the slow parts of training are mostly saddles and plateaus.
#
# The four cells below show each part of this with code.
# First: the double well.
# Where its slope $4w^3 - 4w + 0.5$ is zero we find its two minima and the top of the hill between them.
# Near a minimum the loss is close to a bowl whose curvature is $L''(w) = 12 w^2 - 4$, and section 4's analysis of $w^2$ (curvature 2, converges for $\eta < 1$) says that steps there converge when $\eta < 2 / L''$.

# %%
w_min, w_top, w_loc = np.sort(np.roots([4.0, 0.0, -4.0, 0.5]).real)  # zeros of the slope


def side(w):
    return "global" if w < w_top else "local"


for name, w_c in (("global minimum", w_min), ("top of the hill", w_top), ("local minimum", w_loc)):
    curv = 12 * w_c**2 - 4  # L''(w)
    limit = f", steps converge near it for lr < {2 / curv:.3f}" if curv > 0 else ""
    print(f"{name:15s}: w = {w_c:+.3f}, L = {double_well(w_c):+.3f}, L'' = {curv:+.2f}{limit}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# Now runs from $+2$ (on the local minimum's side of the hill) and from $-2$ (on the global one's side) with five rates, each for $20 / \eta$ steps.
# For each run: where the first step lands, how many times the run crosses the hill, and where it ends.

# %%
print("start   lr      first step lands at       crossings   end")
for w0 in (2.0, -2.0):
    for lr in (0.001, 0.01, 0.05, 0.1, 0.2):
        with np.errstate(over="ignore", invalid="ignore"):
            path_lr = descend(double_well_grad, [w0], lr, steps=int(20 / lr))[:, 0]
        if np.isfinite(path_lr[-1]):
            crossings = f"{np.count_nonzero(np.diff(path_lr < w_top)):5d}"
            end = f"w = {path_lr[-1]:+.3f}, the {side(path_lr[-1])} minimum"
        else:
            crossings, end = "    -", "diverges"
        first = f"{path_lr[1]:+.3f} ({side(path_lr[1])} side)"
        print(f" {w0:+.0f}    {lr:5.3f}   {first:24s}  {crossings}       {end}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# Rates from 0.001 to 0.05 never cross the hill, and end in the minimum on the start's side: the local one from $+2$, the global one from $-2$.
# At 0.1 the first step is long enough to cross the hill, and the run ends in the other minimum: a lucky jump from $+2$, an unlucky one from $-2$.
# Yet 0.1 is below both limits above (0.212 and 0.313): near either minimum this rate converges calmly, and only far from them, where the slope is steep, is a step long enough to jump.
# At 0.2, still below both limits, the first step overshoots to $-2.9$ or $+2.7$, farther out than the start, where the slope is steeper still, and the run diverges.
# A limit $2 / L''$ speaks only of the neighbourhood of a minimum.
#
# Second: noise lets a run out, and the rate sets how often.
# A mini-batch gradient is the exact gradient plus a random error (section 7 measures it).
# As a stand-in, each step below adds to the exact slope a random number with standard deviation 4; 1000 runs start at the local minimum, for three rates.
# Each run takes $30 / \eta$ steps, so that every rate covers the same "time" $\eta \times \text{steps} = 30$, and a noiseless run would not move at all.

# %%
rng_noise = np.random.default_rng(SEED + 1)  # its own generator: the data drawn later stay the same
for lr in (0.003, 0.01, 0.03):
    w = np.full(1000, w_loc)  # 1000 runs side by side, all at the local minimum
    for _ in range(round(30 / lr)):
        w = w - lr * (double_well_grad(w) + 4.0 * rng_noise.standard_normal(1000))
    print(f"lr = {lr:5.3f}, {round(30 / lr):5d} noisy steps: "
          f"{np.count_nonzero(w < w_top):4d} of 1000 runs end on the global minimum's side")

# %% [markdown] slideshow={"slide_type": "fragment"}
# With the largest rate most runs have crossed the hill; with a rate three times smaller a few have; with the smallest, none has in the same time.
# Each step's kick is the rate times the noise, so a smaller rate makes the kicks smaller, and the chance that they add up to a climb over the hill falls steeply.
# (From the first table: the hill is 0.55 above the local minimum and 1.55 above the global one.)
#
# Third: a saddle slows a small rate down but does not hold it.
# Starting at $(1, 0.001)$ on $w_1^2 - w_2^2$, we count the steps until $|w_2| > 1$, i.e. until the run has left the pass.

# %%
def saddle_grad(w):
    return np.array([2 * w[0], -2 * w[1]])


for lr in (0.001, 0.01, 0.1):
    w, steps = np.array([1.0, 0.001]), 0
    while abs(w[1]) <= 1.0:
        w = w - lr * saddle_grad(w)
        steps += 1
    print(f"lr = {lr:5.3f}: left the saddle after {steps:5d} steps")

# %% [markdown] slideshow={"slide_type": "fragment"}
# Ten times smaller rate, ten times more steps, but every run escapes.
#
# Fourth: why saddles dominate in high dimensions.
# At a point with zero gradient, the curvatures along the $D$ principal directions are the eigenvalues of the Hessian (the matrix of second derivatives).
# It is a minimum only if **all** $D$ are positive.
# As a rough model, draw random symmetric $D \times D$ matrices and count how often all eigenvalues come out positive.

# %%
dims = np.arange(1, 9)
fractions = []
for d in dims:
    A = rng.standard_normal((20_000, d, d))
    hessians = (A + A.transpose(0, 2, 1)) / 2  # 20 000 random symmetric matrices
    all_positive = np.all(np.linalg.eigvalsh(hessians) > 0, axis=1)
    fractions.append(all_positive.mean())
    print(f"D = {d}: {all_positive.sum():5d} of 20000 are minima")
plot_curves(dims, {"minima": np.where(np.array(fractions) > 0, fractions, np.nan)},
            logy=True, marker="o", xlabel="dimension D",
            ylabel="fraction that are minima", title="Zero-gradient points: minima are rare")
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# In one dimension half of the critical points are minima; by $D = 6$ not one in 20 000 is.
# Real losses are not random matrices, but the lesson carries over and matches what is observed in practice: in high dimensions a zero gradient almost always leaves a way further down, and what costs time is crawling across saddles and plateaus.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6. A model to train: logistic regression
#
# For the rest of the chapter we train a real model on data.
# Logistic regression turns a row $x$ of $D$ features into a probability that its class is 1:
#
# $$z = Xw + b \ \text{(shape } (N,)\text{)}, \qquad p = \sigma(z) = \frac{1}{1 + e^{-z}}, \qquad L = -\frac{1}{N}\sum_{i=1}^{N} \big[y_i \log p_i + (1 - y_i) \log(1 - p_i)\big],$$
#
# with $X$ of shape $(N, D)$, $w$ of shape $(D,)$, a scalar $b$, targets $y_i \in \{0, 1\}$, and $L$ the mean binary cross-entropy (BCE) of chapter 03.
#
# **Its gradient.** Chapter 03 showed that for one row $\partial \ell_i / \partial z_i = p_i - y_i$ (the sigmoid's slope cancels the log's).
# With the mean, $\partial L / \partial z_i = (p_i - y_i)/N$.
# Since $z_i = x_i \cdot w + b$, $\partial z_i / \partial w_j = X_{ij}$ and $\partial z_i / \partial b = 1$; summing over the rows,
#
# $$\frac{\partial L}{\partial w} = \frac{1}{N} X^\top (p - y) \quad \text{shape } (D, N) \times (N,) \to (D,), \qquad \frac{\partial L}{\partial b} = \frac{1}{N} \sum_{i=1}^{N} (p_i - y_i).$$
#
# Our data: two overlapping Gaussian clouds in the plane ($D = 2$), 400 points.

# %%
X_all, y_all = data.gaussians(400, centers=((-1.0, -0.5), (1.0, 0.5)), std=0.9, rng=rng)
print(f"X_all: {X_all.shape}, y_all: {y_all.shape}, class counts {np.bincount(y_all)}")
plot_points(X_all, y_all, title="Two overlapping classes")
plt.legend()
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 3: the gradient of logistic regression
#
# Write `logistic_gradient(X, y, w, b)` that returns the gradient of the mean BCE above.
#
# - In: `X` of shape $(N, D)$, `y` of shape $(N,)$ with entries 0 or 1, `w` of shape $(D,)$, `b` a float.
# - Out: the pair `(dw, db)`: `dw` of shape $(D,)$ equal to $X^\top (p - y) / N$, and `db` a float equal to $\sum_i (p_i - y_i) / N$, where $p = \sigma(Xw + b)$.
# - Use `sigmoid` from the setup cell: it does not overflow for scores like $-1000$, and the check tries those.

# %% tags=["exercise"] exercise_id="ex04_logistic_gradient" slideshow={"slide_type": "fragment"}
def logistic_gradient(X, y, w, b):
    """Gradient of the mean binary cross-entropy of logistic regression.

    Parameters
    ----------
    X : numpy.ndarray of float, shape (N, D)
    y : numpy.ndarray of 0/1, shape (N,)
    w : numpy.ndarray of float, shape (D,)
    b : float

    Returns
    -------
    dw : numpy.ndarray of float, shape (D,)
        X.T @ (p - y) / N with p = sigmoid(X @ w + b).
    db : float
        sum(p - y) / N.
    """
    ### BEGIN SOLUTION
    n = X.shape[0]
    p = sigmoid(X @ w + b)  # (N,)
    error = p - y  # (N,): dL/dz times N
    return X.T @ error / n, float(np.sum(error) / n)
    ### END SOLUTION


# %% tags=["check"]
check("ex04_logistic_gradient", logistic_gradient)

# %% [markdown] slideshow={"slide_type": "subslide"}
# From here on the notebook uses a reference gradient built from the library, so it runs even if an exercise is unfinished.
# `binary_cross_entropy_with_logits(z, y)` returns the mean loss and $\partial L / \partial z = (p - y)/N$; one matrix product turns that into $\partial L / \partial w$.
# The library's `gradcheck` then compares it with central differences, exactly your Exercise 1.

# %%
def bce_loss(X, y, w, b):
    return binary_cross_entropy_with_logits(X @ w + b, y.astype(float))[0]


def bce_gradient(X, y, w, b):
    _, dz = binary_cross_entropy_with_logits(X @ w + b, y.astype(float))  # dz: (N,), already / N
    return X.T @ dz, float(np.sum(dz))  # (D,), float


w_test, b_test = rng.standard_normal(2), 0.3
dw_test, _ = bce_gradient(X_all, y_all, w_test, b_test)
err = nn.gradcheck(lambda v: bce_loss(X_all, y_all, v, b_test), w_test.copy(), dw_test)
print(f"dw = {dw_test}; largest relative error against central differences: {nn.describe_error(err)}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7. Batch, mini-batch and stochastic gradient descent
#
# The loss is a mean over all $N$ training rows, and so is its gradient.
# How many rows should each update look at?
#
# | | rows per update | updates per epoch | memory per update | gradient |
# |:--|:-:|:-:|:--|:--|
# | **batch** GD | all $N$ | 1 | all $N$ rows at once | exact |
# | **mini-batch** GD | $B$ (e.g. 32) | $\lceil N / B \rceil$ | $B$ rows | an estimate from $B$ rows |
# | **stochastic** GD | 1 | $N$ | one row | a noisy estimate from 1 row |
#
# The work of one update is proportional to the rows it looks at, so a mini-batch update costs $B/N$ of a full one.
# Its gradient is the mean over $B$ random rows: right on average, but noisy, and the noise shrinks like $1/\sqrt{B}$.
# The cell below measures that noise at one fixed $w$: the typical distance between a mini-batch gradient and the full gradient, over 300 random batches per size.

# %%
w_fix, b_fix = np.array([0.3, -0.2]), 0.1
full_dw, _ = bce_gradient(X_all, y_all, w_fix, b_fix)
sizes = np.array([1, 2, 4, 8, 16, 32, 64, 128, 256])
noise = []
for B in sizes:
    dists = [np.linalg.norm(bce_gradient(X_all[idx], y_all[idx], w_fix, b_fix)[0] - full_dw)
             for idx in (rng.choice(400, size=B, replace=False) for _ in range(300))]
    noise.append(np.sqrt(np.mean(np.square(dists))))
    print(f"B = {B:3d}: {int(np.ceil(400 / B)):3d} updates per epoch, {B:3d} rows each, "
          f"gradient noise {noise[-1]:.4f}")

# %%
ax = plot_curves(sizes, {"measured": np.array(noise), "c / sqrt(B)": noise[0] / np.sqrt(sizes)},
                 logy=True, marker="o", xlabel="batch size B", ylabel="gradient noise",
                 title="Bigger batches, less noise (but costlier updates)")
ax.set_xscale("log", base=2)
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# (Sampling without replacement from a finite set of 400 makes the noise drop a little faster than $1/\sqrt{B}$ near $B = N$; at $B = N$ it is exactly 0.)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Epochs and iterations
#
# An **iteration** is one update, on one mini-batch.
# An **epoch** is one pass over the whole training set: every sample used once.
# With $N$ samples and batch size $B$ an epoch has $\lceil N / B \rceil$ iterations; when $B$ does not divide $N$ the last batch is smaller.
# So 1000 samples with batch size 100 give 10 iterations per epoch:

# %%
for n, batch_size in ((1000, 100), (1000, 64), (1000, 1), (1000, 1000)):
    batches = list(data.minibatch_indices(n, batch_size, rng=rng))
    sizes_seen = sorted({len(idx) for idx in batches}, reverse=True)
    print(f"N = {n}, B = {batch_size:4d}: {len(batches):4d} iterations per epoch, batch sizes {sizes_seen}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Shuffling every epoch
#
# The batches are cut from a **fresh random order in every epoch**.
# If the rows came in a fixed order (sorted by class, by date, by source), consecutive batches would be alike and the updates would pull the weights one way, then another, epoch after epoch in the same pattern.
# Reshuffling makes each batch a fair random sample and changes the company every sample keeps.
#
# The figure shows three epochs of 20 samples in batches of 6 (from `data.minibatch_indices`): each row is an epoch; each cell a sample, numbered by the iteration that used it.
# Every sample appears exactly once per row; the last batch of each epoch has only 2 samples; the grouping changes from row to row.

# %%
epochs_demo = [list(data.minibatch_indices(20, 6, rng=rng)) for _ in range(3)]
plot_epoch_batches(epochs_demo, 20)
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 4: a mini-batch iterator
#
# Write `minibatch_indices(n, batch_size, rng)` that returns the index batches of one epoch.
#
# - In: `n`, the number of samples; `batch_size`, a positive int; `rng`, a `numpy.random.Generator`.
# - Draw the order with `order = rng.permutation(n)` (one call per epoch: each call to your function is one epoch, so two calls with the same `rng` give two different orders).
# - Out: a list of 1-D integer arrays, consecutive slices of `order` of length `batch_size`; the last one holds the remaining `n % batch_size` indices when `n` is not a multiple. Every index `0..n-1` appears exactly once.

# %% tags=["exercise"] exercise_id="ex04_minibatch_indices" slideshow={"slide_type": "fragment"}
def minibatch_indices(n, batch_size, rng):
    """Shuffled index batches covering range(n) once (one epoch).

    Parameters
    ----------
    n : int
        Number of samples.
    batch_size : int
        Rows per batch (the last batch may be smaller).
    rng : numpy.random.Generator
        Draws the order: rng.permutation(n).

    Returns
    -------
    list of numpy.ndarray of int, each of shape (batch_size,) except maybe the last
    """
    ### BEGIN SOLUTION
    order = rng.permutation(n)
    return [order[start:start + batch_size] for start in range(0, n, batch_size)]
    ### END SOLUTION


# %% tags=["check"]
check("ex04_minibatch_indices", minibatch_indices)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 5: the training loop
#
# Write `train_logistic(X, y, lr=0.1, epochs=10, batch_size=32, *, rng)`: mini-batch gradient descent for logistic regression.
#
# - Start from `w = np.zeros(D)` and `b = 0.0`.
# - For each epoch: get a fresh shuffled order with `rng.permutation(N)` (your `minibatch_indices(N, batch_size, rng)` does exactly this); for each mini-batch `idx`, compute the gradient **on that batch only**, `logistic_gradient(X[idx], y[idx], w, b)`, and update `w` and `b` (one update per batch).
# - After each epoch, append the mean BCE on the **whole** training set to a list `losses` (use `binary_cross_entropy_with_logits(X @ w + b, y)[0]`).
# - Out: `(w, b, losses)`: `w` of shape $(D,)$, `b` a float, `losses` an array of shape `(epochs,)`.
#
# The check runs your loop and the reference loop with generators made from the same seed, and compares the final weights and the loss curve.

# %% tags=["exercise"] exercise_id="ex04_train_logistic" slideshow={"slide_type": "fragment"}
def train_logistic(X, y, lr=0.1, epochs=10, batch_size=32, *, rng):
    """Logistic regression trained by mini-batch gradient descent.

    Parameters
    ----------
    X : numpy.ndarray of float, shape (N, D)
    y : numpy.ndarray of 0/1, shape (N,)
    lr : float
    epochs : int
    batch_size : int
    rng : numpy.random.Generator
        Shuffles the rows at every epoch (rng.permutation(N)).

    Returns
    -------
    w : numpy.ndarray of float, shape (D,)
    b : float
    losses : numpy.ndarray of float, shape (epochs,)
        Mean BCE on all of (X, y) after each epoch.
    """
    ### BEGIN SOLUTION
    w, b = np.zeros(X.shape[1]), 0.0
    losses = []
    for _ in range(epochs):
        for idx in minibatch_indices(X.shape[0], batch_size, rng):
            dw, db = logistic_gradient(X[idx], y[idx], w, b)
            w, b = w - lr * dw, b - lr * db
        losses.append(binary_cross_entropy_with_logits(X @ w + b, y.astype(float))[0])
    return w, b, np.array(losses)
    ### END SOLUTION


# %% tags=["check"]
check("ex04_train_logistic", train_logistic)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Batch sizes 1, 32 and full, side by side
#
# The helper below is the same loop built from the library pieces (`data.minibatch_indices` and `bce_gradient`), except that it records the loss on the whole training set after **every update**, so we can watch each update's effect.
# We train with batch sizes 1 (stochastic), 32 (mini-batch) and 400 (the full batch), with the same learning rate 0.2, for 4 epochs.

# %%
def loss_after_each_update(X, y, batch_size, lr, epochs, rng):
    """Mini-batch GD from zero weights; the full training loss after every update."""
    w, b = np.zeros(X.shape[1]), 0.0
    losses = [bce_loss(X, y, w, b)]
    for _ in range(epochs):
        for idx in data.minibatch_indices(X.shape[0], batch_size, rng=rng):
            dw, db = bce_gradient(X[idx], y[idx], w, b)
            w, b = w - lr * dw, b - lr * db
            losses.append(bce_loss(X, y, w, b))
    return np.array(losses)


runs = {B: loss_after_each_update(X_all, y_all, B, lr=0.2, epochs=4, rng=rng) for B in (1, 32, 400)}
for B, losses in runs.items():
    print(f"B = {B:3d}: {len(losses) - 1:5d} updates, final loss {losses[-1]:.4f}")

# %%
fig, axes = plt.subplots(1, 2, figsize=(14, 4.3))
for B, losses in runs.items():
    epochs_seen = np.arange(len(losses)) / np.ceil(400 / B)  # passes over the data so far
    axes[0].plot(epochs_seen, losses, label=f"B = {B}", lw=1 if B == 1 else 2)
    axes[1].plot(np.arange(min(len(losses), 41)), losses[:41], label=f"B = {B}", marker=".")
axes[0].set(xlabel="epochs (passes over the data)", ylabel="training loss", title="Per epoch: small batches learn faster")
axes[1].set(xlabel="update (iteration)", ylabel="training loss", title="Per update, first 40: B = 1 zig-zags")
for ax in axes:
    ax.legend()
    ax.grid(alpha=0.3)
plt.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Left, per epoch (equal work): batch size 1 makes 400 updates per epoch and gets furthest, but its curve is jagged; batch size 32 makes 13 updates per epoch, smoother; the full batch makes only 1 update per epoch and has barely started.
# Right, per update: the full batch goes down smoothly at every step, batch size 32 nearly so, and batch size 1 zig-zags, since one sample represents the data poorly and some updates make the total loss worse.
# Mini-batches of a few dozen rows are the usual compromise: cheap updates, moderate noise, and (on real hardware) rows processed in parallel.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 8. Training with a validation set
#
# The training loss says how well the model fits the rows it learns from; it cannot say how well it does on new data.
# So we hold out part of the data, the **validation set**, never train on it, and record its loss after every epoch too.
# `data.train_val_test_split` shuffles the rows and splits them; here 70% for training and 30% for validation (no test set in this chapter).

# %%
(X_train, y_train), (X_val, y_val), _ = data.train_val_test_split(X_all, y_all, val=0.3, test=0.0, rng=rng)
print(f"training: {X_train.shape}, validation: {X_val.shape}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The library's `nn.fit` runs the loop you wrote in Exercise 5 for any model: shuffle each epoch, one update per mini-batch, then record the training and validation losses.
# Logistic regression is a `Linear(2, 1)` layer (weights start at 0) followed by the BCE on its score; the targets become a column of shape $(N, 1)$ to match the output.

# %%
model = nn.Linear(2, 1, rng=rng, init=lambda fan_in, fan_out, rng: np.zeros((fan_in, fan_out)))
history = nn.fit(model, X_train, y_train[:, None].astype(float), loss=binary_cross_entropy_with_logits,
                 optimizer=nn.SGD(model, lr=0.2), epochs=30, batch_size=32, rng=rng,
                 validation=(X_val, y_val[:, None].astype(float)))
print(f"w = {model.params['W'][:, 0]}, b = {model.params['b'][0]:.4f}")
print(f"after 30 epochs: training loss {history['train_loss'][-1]:.4f}, "
      f"validation loss {history['val_loss'][-1]:.4f}")

# %%
def predict(P):
    return (model.forward(P)[:, 0] > 0).astype(int)  # score > 0  <=>  p > 0.5


fig, axes = plt.subplots(1, 2, figsize=(13, 4.5))
plot_curves(np.arange(1, 31), {"training": history["train_loss"], "validation": history["val_loss"]},
            ax=axes[0], marker="o", xlabel="epoch", ylabel="mean BCE", title="Loss curves")
plot_decision_regions(predict, X_val, y_val, ax=axes[1], title="Validation points and the learned boundary")
plt.tight_layout()
plt.show()
for name, (Xs, ys) in {"training": (X_train, y_train), "validation": (X_val, y_val)}.items():
    print(f"{name:10s} accuracy: {np.mean(predict(Xs) == ys):.3f}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# Both curves fall quickly and then flatten at nearly the same level: with three parameters, logistic regression cannot memorise the training rows, so what it learns carries over to new points.
# The classes overlap, so no line gets every point right and the loss cannot reach 0.
# With bigger models the two curves part ways, the validation loss eventually rising while the training loss keeps falling (overfitting); later chapters deal with that.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - The gradient $\nabla L(w)$ points uphill; gradient descent steps against it: $w \leftarrow w - \eta \nabla L(w)$ (`w = w - lr * grad`).
# - Central differences $\big(L(w + h e_i) - L(w - h e_i)\big)/(2h)$ measure one entry of the gradient with two forward passes: fine for checking, far too slow for training.
# - The learning rate: too small crawls, a good one converges in few steps, a larger one overshoots and oscillates, and beyond a limit set by the steepest direction ($\eta > 1$ for $w^2$) the run diverges.
# - Plateaus (tiny gradient, tiny steps), local minima (zero gradient: full-batch descent stops there) and saddle points (minimum one way, maximum another) slow descent down; in high dimensions saddles and plateaus are the commoner obstacle.
# - While the steps are short, the start, not the learning rate, decides which minimum a run reaches; a long step can jump into another basin, but blindly, and mini-batch noise can carry a run over a low hill, less often the smaller the rate.
# - Batch GD uses all rows per update, stochastic GD one, mini-batch GD $B$: smaller batches mean cheaper but noisier updates (noise $\propto 1/\sqrt{B}$).
# - An epoch is one pass over the data, $\lceil N / B \rceil$ iterations; shuffle at every epoch and keep the last partial batch.
# - Logistic regression: $\partial L / \partial w = X^\top (p - y)/N$, $\partial L / \partial b = \sum (p - y)/N$; trained with mini-batches while watching the training and validation losses.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Check your understanding
#
# 1. At some $w$ the gradient is $(0.5, -2)$. With $\eta = 0.1$, where does one step of gradient descent go, and which weight moves more?
#
# <!-- BEGIN SOLUTION -->
# $w \leftarrow w - 0.1 \cdot (0.5, -2) = w + (-0.05, 0.2)$: $w_1$ decreases by 0.05 and $w_2$ increases by 0.2. The second weight moves four times more because the loss is four times steeper along it.
# <!-- END SOLUTION -->
#
# 2. A model has 10 000 parameters and one forward pass over the training set takes 0.1 s. How long does one numerical gradient take?
#
# <!-- BEGIN SOLUTION -->
# Two forward passes per parameter: 20 000 passes, so 2000 s, more than half an hour, for one gradient. Backpropagation gives the same gradient for the cost of about one forward and one backward pass.
# <!-- END SOLUTION -->
#
# 3. On $L(w) = 3w^2$, for which learning rates does gradient descent converge, and which one reaches the minimum in one step?
#
# <!-- BEGIN SOLUTION -->
# The gradient is $6w$, so a step gives $w \leftarrow (1 - 6\eta) w$. It converges when $|1 - 6\eta| < 1$, i.e. $0 < \eta < 1/3$; $\eta = 1/6$ lands on 0 in one step; between $1/6$ and $1/3$ it overshoots and oscillates while converging.
# <!-- END SOLUTION -->
#
# 4. A training run stalls: the loss stays flat for many epochs, then drops. A colleague says "it was stuck in a local minimum; raise the learning rate". What else could it be, and what is wrong with the advice?
#
# <!-- BEGIN SOLUTION -->
# Most likely a plateau or a saddle, where the gradient is tiny: the run crawled across it and then sped up by itself, which a run settled in a local minimum does not do under full-batch gradient descent (its gradient there is 0). A larger rate could shorten the stall, but it risks overshooting and divergence, and a step long enough to leave a basin lands wherever it lands, in a better basin or a worse one.
# <!-- END SOLUTION -->
#
# 5. You have 2500 training samples and use batch size 64. How many iterations per epoch, and how big is the last batch? How many updates in 10 epochs?
#
# <!-- BEGIN SOLUTION -->
# $\lceil 2500 / 64 \rceil = 40$ iterations per epoch: 39 full batches (2496 samples) and a last batch of $2500 - 2496 = 4$. In 10 epochs: 400 updates.
# <!-- END SOLUTION -->
#
# 6. Why must a mini-batch gradient be divided by the batch size $B$ rather than by the number of training samples $N$?
#
# <!-- BEGIN SOLUTION -->
# The mini-batch gradient estimates the gradient of the mean loss over all $N$ samples; the mean over the $B$ rows of the batch is an unbiased estimate of it. Dividing by $N$ would shrink every step by $B/N$, as if the learning rate were $B/N$ times smaller.
# <!-- END SOLUTION -->

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Further reading
#
# - I. Goodfellow, Y. Bengio and A. Courville, *Deep Learning*, MIT Press, 2016, sections 4.3 "Gradient-Based Optimization" and 8.1 to 8.3 (mini-batch algorithms, challenges, SGD).
# - Y. Dauphin et al., "Identifying and attacking the saddle point problem in high-dimensional non-convex optimization", NeurIPS 2014.
# - L. Bottou, "Stochastic gradient descent tricks", in *Neural Networks: Tricks of the Trade*, Springer, 2012.
# - S. Ruder, "An overview of gradient descent optimization algorithms", 2016.
