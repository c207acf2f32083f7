# %% [markdown] slideshow={"slide_type": "slide"}
# # 06 · Optimizers
#
# Chapter 04 trained with plain gradient descent: step against the gradient, with one learning rate for every weight.
# That works, but it can be slow: where the loss is steep in one direction and flat in another, the steps zig-zag across the valley and crawl along it.
# This chapter is about the update rules that fix this, and that real training uses.
#
# **What you will learn**
#
# - why plain SGD zig-zags on the surface $f(x, y) = x^2/20 + y^2$, our test surface for the whole chapter;
# - momentum (a velocity that remembers past steps) and, as an aside, Nesterov momentum;
# - AdaGrad and RMSProp: one learning rate per parameter, scaled by the size of its past gradients;
# - Adam: momentum and RMSProp together, with a bias correction for the first steps;
# - how they behave on a saddle and on a surface with a local minimum;
# - first-order versus second-order methods (Newton's method), in one paragraph and one step;
# - how the optimizers compare when training the same network, and why Adam with a tuned learning rate is the usual default.
#
# **Prerequisites**: chapter 04 (gradient descent, the learning rate, saddles and local minima, mini-batches) and chapter 05 (a network's gradients from backpropagation; `nn.Sequential` and `nn.fit`).
#
# You will write five update functions, each followed by a check cell that runs it for several steps and compares every step with the reference.

# %% slideshow={"slide_type": "skip"}
import matplotlib.pyplot as plt
import numpy as np

from utils import data, nn
from utils.checks import check
from utils.experiments.optimizers import SURFACES, optimizer_path
from utils.plots import (
    OPTIMIZER_COLORS,
    plot_curves,
    plot_loss_per_step,
    plot_trajectories,
)
from utils.widgets import optimizer_race

SEED = 6
rng = np.random.default_rng(SEED)
np.set_printoptions(precision=4, suppress=True)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. The test surface, and why plain SGD zig-zags
#
# Throughout the chapter the "loss" is a function of a 2-D point $w = (x, y)$, so that we can draw every step:
#
# $$f(x, y) = \frac{x^2}{20} + y^2, \qquad \nabla f(x, y) = \left(\frac{x}{10},\ 2y\right).$$
#
# Its minimum is at $(0, 0)$, and we always start from $(-7, 2)$.
# The surface is 20 times steeper along $y$ than along $x$: its contour lines are long flat ellipses.
# A network's loss has the same trouble in millions of directions at once; two are enough to see it.
#
# Plain gradient descent (SGD, as in chapter 04) steps $w \leftarrow w - \eta \nabla f(w)$.
# Coordinate by coordinate that is $x \leftarrow (1 - 0.1\eta)\,x$ and $y \leftarrow (1 - 2\eta)\,y$.
# The steep direction $y$ diverges as soon as $\eta > 1$; at $\eta = 0.95$ the factor $1 - 2\eta = -0.9$ flips the sign of $y$ at every step (a zig-zag), while $x$ only shrinks by the factor $0.905$ per step.

# %%
test = SURFACES["test"]  # f, grad, start (-7, 2), window and contour levels


def f_test(w):
    """The test surface at a point w of shape (2,)."""
    return w[0] ** 2 / 20 + w[1] ** 2


def grad_test(w):
    """Its gradient, shape (2,)."""
    return np.array([w[0] / 10, 2 * w[1]])


w = np.array([-7.0, 2.0])
path_sgd = [w]
for _ in range(30):
    w = w - 0.95 * grad_test(w)  # plain SGD, lr = 0.95
    path_sgd.append(w)
path_sgd = np.array(path_sgd)  # shape (31, 2)
for k in (0, 1, 2, 3, 10, 30):
    print(f"step {k:2d}: (x, y) = ({path_sgd[k, 0]:+.3f}, {path_sgd[k, 1]:+.3f}), f = {f_test(path_sgd[k]):.4f}")

# %%
fig, axes = plt.subplots(1, 2, figsize=(15, 4.2), gridspec_kw={"width_ratios": (1.6, 1)})
plot_trajectories(test["f"], {"sgd": path_sgd}, ax=axes[0], xlim=test["xlim"], ylim=test["ylim"],
                  levels=test["levels"], title="Plain SGD, lr = 0.95: across the valley, slowly along it")
plot_loss_per_step({"sgd": [f_test(p) for p in path_sgd]}, ax=axes[1], title="Loss per step")
plt.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Along $y$ the path jumps from one wall of the valley to the other; along $x$ it creeps, because the one learning rate is capped by the steep direction.
# A smaller rate removes the zig-zag but makes the crawl along $x$ even slower.
# Every optimizer in this chapter attacks one of these two problems, or both.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### One interface for every optimizer
#
# Some optimizers remember things between steps (a velocity, a running sum).
# All of ours, in `utils.nn` and in your exercises, have the same **functional** form:
#
# ```python
# w_new, state = update(w, dw, state, *, lr, ...)
# ```
#
# - `w`: the current point or weight array, any shape; `dw`: the gradient there, same shape;
# - `state`: a dict holding what the optimizer remembers; pass `{}` at the first step and, at every later step, the dict the previous call returned;
# - the function returns a **new** array `w_new` and never changes `w` in place (the caller may still need the old point, e.g. to draw a path).
#
# The loop that drives any of them on a surface is four lines:

# %%
def run(update, grad, w0, steps, **hyper):
    """Run `steps` steps of `update` from w0 (shape (2,)); return the path, shape (steps + 1, 2)."""
    w, state, path = np.array(w0, dtype=np.float64), {}, [np.array(w0, dtype=np.float64)]
    for _ in range(steps):
        w, state = update(w, grad(w), state, **hyper)
        path.append(w)
    return np.array(path)


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 1: plain SGD as a functional update
#
# Write `sgd_update(w, dw, state, *, lr=0.01)`.
#
# - In: `w` and `dw`, float arrays of the same (any) shape; `state`, a dict (SGD remembers nothing, so just give it back); `lr`, the learning rate.
# - Out: the pair `(w_new, state)` with $w_\text{new} = w - \eta\, \mathrm{d}w$.
# - Return a new array: do not write `w -= ...`.

# %% tags=["exercise"] exercise_id="ex06_sgd_update" slideshow={"slide_type": "fragment"}
def sgd_update(w, dw, state, *, lr=0.01):
    """One step of plain gradient descent.

    Parameters
    ----------
    w : numpy.ndarray of float, any shape
        The current point (or weights). Not modified.
    dw : numpy.ndarray of float, shape of w
        The gradient at w.
    state : dict
        Unused by SGD; returned as it is.
    lr : float
        The learning rate.

    Returns
    -------
    w_new : numpy.ndarray of float, shape of w
        w - lr * dw.
    state : dict
    """
    ### BEGIN SOLUTION
    return w - lr * dw, state
    ### END SOLUTION


# %% tags=["check"]
check("ex06_sgd_update", sgd_update)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. Momentum: a velocity with inertia
#
# Picture a heavy ball rolling down the valley instead of a walker who forgets each step.
# Momentum keeps a **velocity** $v$ (same shape as $w$, starting at 0) that adds up the recent steps, each older one shrunk by a factor $\beta$ (the *momentum*, typically 0.9):
#
# $$v \leftarrow \beta\, v - \eta\, \nabla f(w), \qquad w \leftarrow w + v .$$
#
# In code: `v = beta * v - lr * dw` then `w_new = w + v`; `v` lives in `state["v"]` between calls.
#
# - Where successive gradients agree (along the valley floor, $x$), the velocity builds up: the ball accelerates.
# - Where they alternate in sign (across the valley, $y$), successive contributions cancel: the zig-zag is damped.
#
# How fast can it go? With a constant gradient $g$ the velocity tends to $-\eta g / (1 - \beta)$: for $\beta = 0.9$, ten times a plain SGD step.

# %%
lr_demo, beta_demo, g = 0.1, 0.9, 1.0
v = 0.0
for t in range(1, 41):
    v = beta_demo * v - lr_demo * g
    if t in (1, 2, 3, 5, 10, 20, 40):
        print(f"step {t:2d}: v = {v:+.4f}  ({-v / lr_demo:.2f} plain SGD steps)")
print(f"limit -lr * g / (1 - beta) = {-lr_demo * g / (1 - beta_demo):+.4f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 2: momentum
#
# Write `momentum_update(w, dw, state, *, lr=0.01, beta=0.9)`.
#
# - In: `w`, `dw` of the same shape; `state` a dict, empty at the first step; `lr` and `beta` floats.
# - Read the velocity with `v = state.get("v", np.zeros_like(w))` (zero at the first step).
# - Compute $v_\text{new} = \beta v - \eta\, \mathrm{d}w$ and $w_\text{new} = w + v_\text{new}$.
# - Out: `(w_new, new_state)` where `new_state` holds the new velocity under `"v"` (e.g. `{**state, "v": v_new}`). Without it, the next call would start again from $v = 0$.
# - Do not modify `w` in place.

# %% tags=["exercise"] exercise_id="ex06_momentum_update" slideshow={"slide_type": "fragment"}
def momentum_update(w, dw, state, *, lr=0.01, beta=0.9):
    """One step of gradient descent with momentum.

    Parameters
    ----------
    w : numpy.ndarray of float, any shape
        The current point. Not modified.
    dw : numpy.ndarray of float, shape of w
        The gradient at w.
    state : dict
        {} at the first step; then what the previous call returned ("v": the velocity).
    lr : float
        The learning rate.
    beta : float in [0, 1)
        How much of the velocity survives each step.

    Returns
    -------
    w_new : numpy.ndarray of float, shape of w
        w + v_new, with v_new = beta * v - lr * dw.
    state : dict
        With "v" = v_new.
    """
    ### BEGIN SOLUTION
    v = beta * state.get("v", np.zeros_like(w)) - lr * dw
    return w + v, {**state, "v": v}
    ### END SOLUTION


# %% tags=["check"]
check("ex06_momentum_update", momentum_update)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Momentum on the test surface, and Nesterov's look-ahead
#
# From here on the notebook uses the library's updates (`nn.momentum_update` and so on), so it runs even if an exercise is unfinished.
#
# **Aside: Nesterov momentum.** Momentum computes the gradient where the ball *is*, then adds the velocity.
# Nesterov computes it where the velocity is about to carry the ball, the look-ahead point $w + \beta v$:
#
# $$v \leftarrow \beta\, v - \eta\, \nabla f(w + \beta v), \qquad w \leftarrow w + v .$$
#
# If the ball is about to overshoot, the gradient at the look-ahead point already points back, so Nesterov brakes earlier.
# Libraries rewrite it so the gradient is taken at the stored point (substitute $\tilde w = w + \beta v$); `nn.nesterov_update` then reads `v_new = beta * v - lr * dw` and `w_new = w - beta * v + (1 + beta) * v_new`.

# %%
paths = {"sgd": run(nn.sgd_update, grad_test, test["start"], 40, lr=0.1),
         "momentum": run(nn.momentum_update, grad_test, test["start"], 40, lr=0.1, beta=0.9),
         "nesterov": run(nn.nesterov_update, grad_test, test["start"], 40, lr=0.1, beta=0.9)}
for name, p in paths.items():
    print(f"{name:9s} lr = 0.1: f after 40 steps = {f_test(p[-1]):.5f}")
plot_trajectories(test["f"], paths, xlim=test["xlim"], ylim=test["ylim"], levels=test["levels"],
                  title="40 steps, lr = 0.1: momentum rolls, Nesterov brakes earlier")
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# With the same learning rate, SGD has barely started along $x$; momentum races along the valley but overshoots the minimum and swings back (inertia); Nesterov gets there with smaller swings.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. AdaGrad: a learning rate per parameter
#
# The other fix: give each parameter **its own** step size, small where gradients have been large and large where they have been small.
# AdaGrad keeps, per parameter, the running sum of the squared gradients $h$ (same shape as $w$, starting at 0), and divides each step by its square root ($\odot$ is elementwise):
#
# $$h \leftarrow h + \nabla f(w) \odot \nabla f(w), \qquad w \leftarrow w - \eta\, \frac{\nabla f(w)}{\sqrt{h} + \varepsilon}.$$
#
# In code: `h = h + dw**2`, then `w_new = w - lr * dw / (np.sqrt(h) + eps)`, everything elementwise.
# Parameter $i$ moves with its own *effective learning rate* $\eta / (\sqrt{h_i} + \varepsilon)$.
# On the test surface, $y$'s large gradients make its rate small, and $x$'s small gradients leave its rate large: the two directions get comparable steps.
#
# Because $h$ is a **sum** of squares, it can only grow: AdaGrad's rates only ever shrink.
# That suits problems where a few parameters get rare, informative gradients; in long training it can stall, as the figure below shows.

# %%
path_ada, state, rates = [test["start"]], {}, []
w = test["start"].copy()
for _ in range(60):
    w, state = nn.adagrad_update(w, grad_test(w), state, lr=1.0)
    path_ada.append(w)
    rates.append(1.0 / (np.sqrt(state["h"]) + 1e-8))  # lr / (sqrt(h) + eps), shape (2,)
rates = np.array(rates)  # (60, 2)
print(f"effective rates after 1 step: x {rates[0, 0]:.3f}, y {rates[0, 1]:.3f}; "
      f"after 60: x {rates[-1, 0]:.3f}, y {rates[-1, 1]:.3f}")

# %%
fig, axes = plt.subplots(1, 2, figsize=(15, 4.2), gridspec_kw={"width_ratios": (1.6, 1)})
plot_trajectories(test["f"], {"adagrad": np.array(path_ada)}, ax=axes[0], xlim=test["xlim"],
                  ylim=test["ylim"], levels=test["levels"], title="AdaGrad, lr = 1.0: no zig-zag")
plot_curves(np.arange(1, 61), {"x": rates[:, 0], "y": rates[:, 1]}, ax=axes[1], logy=True,
            xlabel="step", ylabel="lr / (sqrt(h) + eps)", title="Effective rates only shrink")
plt.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Where does $\varepsilon$ go? Two conventions
#
# $\varepsilon$ (`eps`, e.g. $10^{-8}$) only keeps the division safe where $h$ is 0 (a parameter whose gradients have all been 0).
# Texts write it in two places:
#
# $$\text{outside: } \frac{\mathrm{d}w}{\sqrt{h} + \varepsilon} \qquad\qquad \text{inside: } \frac{\mathrm{d}w}{\sqrt{h + \varepsilon}}$$
#
# **This course puts $\varepsilon$ outside the root**, as PyTorch and the Adam paper do; `utils.nn` and the checks use that.
# Both give practically the same step once $h \gg \varepsilon$; they differ while $h$ is tiny, because $\sqrt{\varepsilon} = 10^{-4}$ is much larger than $\varepsilon = 10^{-8}$:

# %%
eps = 1e-8
for h in (0.0, 1e-12, 1e-8, 1e-4, 1.0):
    dw = np.sqrt(h)  # a gradient whose square is h (the first step)
    outside = dw / (np.sqrt(h) + eps)
    inside = dw / np.sqrt(h + eps)
    print(f"h = {h:7.0e}:  dw / (sqrt(h) + eps) = {outside:.4f}   dw / sqrt(h + eps) = {inside:.4f}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# With $\varepsilon$ outside, a first gradient of any size (down to about $10^{-8}$) gives a step of almost exactly $\eta$; with it inside, gradients much smaller than $10^{-4}$ give steps much smaller than $\eta$.
# Neither is wrong; what matters is to pick one and keep it everywhere, so the check of Exercise 3 insists on the course's choice.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 3: AdaGrad
#
# Write `adagrad_update(w, dw, state, *, lr=0.01, eps=1e-8)`.
#
# - Read the sum with `h = state.get("h", np.zeros_like(w))`, add the squared gradient: $h_\text{new} = h + \mathrm{d}w \odot \mathrm{d}w$.
# - $w_\text{new} = w - \eta\, \mathrm{d}w / (\sqrt{h_\text{new}} + \varepsilon)$, elementwise, with $\varepsilon$ **outside** the square root.
# - Out: `(w_new, new_state)` with `new_state["h"]` the new sum. Do not modify `w` in place.

# %% tags=["exercise"] exercise_id="ex06_adagrad_update" slideshow={"slide_type": "fragment"}
def adagrad_update(w, dw, state, *, lr=0.01, eps=1e-8):
    """One AdaGrad step.

    Parameters
    ----------
    w : numpy.ndarray of float, any shape
        The current point. Not modified.
    dw : numpy.ndarray of float, shape of w
        The gradient at w.
    state : dict
        {} at the first step; then what the previous call returned ("h": the sum of the
        squared gradients so far, shape of w).
    lr : float
    eps : float
        Keeps the division safe; added outside the square root.

    Returns
    -------
    w_new : numpy.ndarray of float, shape of w
        w - lr * dw / (sqrt(h_new) + eps), with h_new = h + dw**2.
    state : dict
        With "h" = h_new.
    """
    ### BEGIN SOLUTION
    h = state.get("h", np.zeros_like(w)) + dw * dw
    return w - lr * dw / (np.sqrt(h) + eps), {**state, "h": h}
    ### END SOLUTION


# %% tags=["check"]
check("ex06_adagrad_update", adagrad_update)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. RMSProp: forget old gradients
#
# RMSProp keeps AdaGrad's idea but replaces the sum by an **exponential moving average** of the squared gradients, with a decay $\rho$ (typically 0.9 or 0.99):
#
# $$h \leftarrow \rho\, h + (1 - \rho)\, \nabla f(w) \odot \nabla f(w), \qquad w \leftarrow w - \eta\, \frac{\nabla f(w)}{\sqrt{h} + \varepsilon}.$$
#
# In code: `h = rho * h + (1 - rho) * dw**2`, then the same step as AdaGrad.
# A squared gradient from $k$ steps ago now weighs $\rho^k$ (for $\rho = 0.95$, $0.95^{20} \approx 0.36$ and $0.95^{100} \approx 0.006$): old gradients fade away, the faster the smaller $\rho$.
# So $\sqrt{h}$ tracks the *recent* size of the gradients, and the effective rate can go back up when the gradients get smaller.
#
# The cell below feeds both methods the same made-up gradient sequence: size 1 for 100 steps, then size 0.01 (as when training reaches a flatter region).

# %%
grads = np.concatenate([np.ones(100), np.full(200, 0.01)])  # (300,) one parameter
eff = {"adagrad": [], "rmsprop": []}
s_ada, s_rms = {}, {}
for g_t in grads:
    dw = np.array([g_t])
    _, s_ada = nn.adagrad_update(np.zeros(1), dw, s_ada, lr=0.01)
    _, s_rms = nn.rmsprop_update(np.zeros(1), dw, s_rms, lr=0.01, rho=0.95)
    eff["adagrad"].append(0.01 / (np.sqrt(s_ada["h"][0]) + 1e-8))
    eff["rmsprop"].append(0.01 / (np.sqrt(s_rms["h"][0]) + 1e-8))
for k in (100, 110, 140, 200, 300):  # the gradients shrink after step 100
    print(f"step {k}: effective rate AdaGrad {eff['adagrad'][k - 1]:.5f}, RMSProp "
          f"{eff['rmsprop'][k - 1]:.5f} ({eff['rmsprop'][k - 1] / eff['rmsprop'][99]:4.1f} times "
          f"its rate at step 100)")
plot_curves(np.arange(1, 301), {k: np.array(v) for k, v in eff.items()}, logy=True, xlabel="step",
            ylabel="lr / (sqrt(h) + eps)", title="Gradients shrink 100 times at step 100")
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# AdaGrad's rate never recovers: the 100 large gradients stay in its sum forever, so its rate stays at $\eta / \sqrt{100} = 0.001$ and each step on a gradient of 0.01 is $10^{-5}$, a thousandth of $\eta$.
# RMSProp's rate starts rising at once, but slowly: 1.3 times its old value 10 steps after the change, 2.8 times after 40, 13 times after 100, 86 times after 200.
# The old squares ($1$) fade by the factor $\rho = 0.95$ per step, and they keep dominating $h$ until they have shrunk to the size of the new ones ($10^{-4}$), which takes $\ln(10^4) / \ln(1/0.95) \approx 180$ steps.
# By step 300 RMSProp is nearly back to steps of length $\eta$ (0.86 $\eta$); the factor it approaches is 100, the ratio of the old gradients to the new.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 4: RMSProp
#
# Write `rmsprop_update(w, dw, state, *, lr=0.01, rho=0.99, eps=1e-8)`.
#
# - Read the average with `h = state.get("h", np.zeros_like(w))` and update it: $h_\text{new} = \rho h + (1 - \rho)\, \mathrm{d}w \odot \mathrm{d}w$.
# - $w_\text{new} = w - \eta\, \mathrm{d}w / (\sqrt{h_\text{new}} + \varepsilon)$, with $\varepsilon$ outside the root.
# - Out: `(w_new, new_state)` with `new_state["h"]` the new average. Do not modify `w` in place.

# %% tags=["exercise"] exercise_id="ex06_rmsprop_update" slideshow={"slide_type": "fragment"}
def rmsprop_update(w, dw, state, *, lr=0.01, rho=0.99, eps=1e-8):
    """One RMSProp step.

    Parameters
    ----------
    w : numpy.ndarray of float, any shape
        The current point. Not modified.
    dw : numpy.ndarray of float, shape of w
        The gradient at w.
    state : dict
        {} at the first step; then what the previous call returned ("h": the moving
        average of the squared gradients, shape of w).
    lr : float
    rho : float in [0, 1)
        The decay of the moving average.
    eps : float
        Added outside the square root.

    Returns
    -------
    w_new : numpy.ndarray of float, shape of w
        w - lr * dw / (sqrt(h_new) + eps), with h_new = rho * h + (1 - rho) * dw**2.
    state : dict
        With "h" = h_new.
    """
    ### BEGIN SOLUTION
    h = rho * state.get("h", np.zeros_like(w)) + (1 - rho) * dw * dw
    return w - lr * dw / (np.sqrt(h) + eps), {**state, "h": h}
    ### END SOLUTION


# %% tags=["check"]
check("ex06_rmsprop_update", rmsprop_update)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. Adam: momentum plus RMSProp, with bias correction
#
# Adam keeps two moving averages per parameter: $m$ of the gradients (momentum's direction, decay $\beta_1 \approx 0.9$) and $v$ of the squared gradients (RMSProp's scale, decay $\beta_2 \approx 0.999$), and a step counter $t$.
# Both averages start at 0. One step, with $g = \nabla f(w)$:
#
# $$t \leftarrow t + 1, \qquad m \leftarrow \beta_1 m + (1 - \beta_1)\, g, \qquad v \leftarrow \beta_2 v + (1 - \beta_2)\, g \odot g,$$
#
# $$\hat m = \frac{m}{1 - \beta_1^{\,t}}, \qquad \hat v = \frac{v}{1 - \beta_2^{\,t}}, \qquad w \leftarrow w - \eta\, \frac{\hat m}{\sqrt{\hat v} + \varepsilon}.$$
#
# In code: `t = t + 1`, `m = beta1 * m + (1 - beta1) * dw`, `v = beta2 * v + (1 - beta2) * dw**2`, `m_hat = m / (1 - beta1**t)`, `v_hat = v / (1 - beta2**t)`, `w_new = w - lr * m_hat / (np.sqrt(v_hat) + eps)`.
#
# **What the bias correction fixes.** Because $m$ and $v$ start at 0, early on they are too small: with a constant gradient $g$, after $t$ steps $m = (1 - \beta_1^t)\, g$ and $v = (1 - \beta_2^t)\, g^2$.
# At $t = 1$ that is $m = 0.1\,g$ and $v = 0.001\,g^2$.
# $v$ is the more biased of the two, so the uncorrected step $\eta\, m / \sqrt{v}$ is several times **too large**, for hundreds of steps.
# Dividing by $1 - \beta^t$ undoes exactly this shrinkage: with a constant gradient the corrected step is exactly $\eta$ from the very first step.

# %%
t = np.arange(1, 301)
b1, b2 = 0.9, 0.999
m_frac, v_frac = 1 - b1**t, 1 - b2**t  # m / g and v / g^2 without correction
raw_step = m_frac / np.sqrt(v_frac)  # the uncorrected step, in units of lr
for k in (1, 2, 3, 5, 10, 100, 300):
    print(f"t = {k:3d}: m/g = {m_frac[k - 1]:.3f}, v/g^2 = {v_frac[k - 1]:.4f}, "
          f"step without correction = {raw_step[k - 1]:.2f} lr, with correction = 1.00 lr")

# %%
fig, axes = plt.subplots(1, 2, figsize=(14, 4.2))
plot_curves(t, {"m / g (beta1 = 0.9)": m_frac, "v / g² (beta2 = 0.999)": v_frac}, ax=axes[0],
            xlabel="step t", ylabel="fraction of the true value",
            title="Averages started at 0 are too small")
plot_curves(t, {"without correction": raw_step, "with correction": np.ones_like(raw_step)},
            ax=axes[1], xlabel="step t", ylabel="step size / lr",
            title="Constant gradient: the size of each step")
plt.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 5: Adam
#
# Write `adam_update(w, dw, state, *, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8)`.
#
# - Read `t = state.get("t", 0)`, `m = state.get("m", np.zeros_like(w))`, `v = state.get("v", np.zeros_like(w))`.
# - **First** increment the counter, $t \leftarrow t + 1$, so the first step uses $t = 1$ (with $t = 0$ the correction divides by $1 - \beta^0 = 0$).
# - Update $m$ with `beta1` and $v$ with `beta2` as above; correct them into $\hat m$, $\hat v$; step with $\varepsilon$ outside the root.
# - Out: `(w_new, new_state)` with `new_state` holding the new `"t"`, `"m"` and `"v"` (the raw averages, not the corrected ones). Do not modify `w` in place.

# %% tags=["exercise"] exercise_id="ex06_adam_update" slideshow={"slide_type": "fragment"}
def adam_update(w, dw, state, *, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam step.

    Parameters
    ----------
    w : numpy.ndarray of float, any shape
        The current point. Not modified.
    dw : numpy.ndarray of float, shape of w
        The gradient at w.
    state : dict
        {} at the first step; then what the previous call returned: "t" (int, steps done),
        "m" and "v" (moving averages of dw and dw**2, shape of w).
    lr : float
    beta1, beta2 : float in [0, 1)
        Decays of the averages of the gradient (m) and of its square (v).
    eps : float
        Added outside the square root.

    Returns
    -------
    w_new : numpy.ndarray of float, shape of w
        w - lr * m_hat / (sqrt(v_hat) + eps).
    state : dict
        With the new "t", "m", "v".
    """
    ### BEGIN SOLUTION
    t = state.get("t", 0) + 1
    m = beta1 * state.get("m", np.zeros_like(w)) + (1 - beta1) * dw
    v = beta2 * state.get("v", np.zeros_like(w)) + (1 - beta2) * dw * dw
    m_hat = m / (1 - beta1**t)  # undo the pull towards the starting value 0
    v_hat = v / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), {**state, "t": t, "m": m, "v": v}
    ### END SOLUTION


# %% tags=["check"]
check("ex06_adam_update", adam_update)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6. The race: every optimizer on the test surface
#
# Now all six on the test surface, 50 steps each from $(-7, 2)$, each with a learning rate that suits it (a rate good for one is often bad for another: Adam's and RMSProp's steps are about $\eta$ long whatever the gradient, SGD's are $\eta$ times the gradient).

# %%
settings = {"sgd": {"lr": 0.95}, "momentum": {"lr": 0.1, "beta": 0.9},
            "nesterov": {"lr": 0.1, "beta": 0.9}, "adagrad": {"lr": 1.0},
            "rmsprop": {"lr": 0.25, "rho": 0.9}, "adam": {"lr": 0.3, "beta1": 0.9, "beta2": 0.999}}
race = {name: run(nn.UPDATES[name], grad_test, test["start"], 50, **hyper)
        for name, hyper in settings.items()}
print(f"{'optimizer':10s} {'settings':36s} {'f after 10':>11s} {'f after 50':>11s}")
for name, p in race.items():
    hyper = ", ".join(f"{k}={v:g}" for k, v in settings[name].items())
    print(f"{name:10s} {hyper:36s} {f_test(p[10]):11.2e} {f_test(p[50]):11.2e}")

# %%
fig, ax = plt.subplots(figsize=(12, 5))
plot_trajectories(test["f"], race, ax=ax, xlim=test["xlim"], ylim=test["ylim"], levels=test["levels"],
                  markersize=2.5, title="Six optimizers on x²/20 + y², 50 steps from (-7, 2)")
for line in ax.get_lines():  # AdaGrad's path runs under RMSProp's: draw it dashed, on top
    if line.get_label() == "adagrad":
        line.set(linestyle="--", linewidth=2.5, zorder=5)
ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=11)
plt.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# - **SGD** (red) flips across the valley at every step. It ends close here, but only because its rate, 0.95, sits just below the limit of 1.0 set by the steep direction: at 1.0 it never converges, and at 0.1 (the previous figure) it crawls.
# - **Momentum** (blue) and **Nesterov** (cyan) swing in wide arcs, overshoot and come back; Nesterov's swings are smaller, and both are still settling at step 50.
# - **AdaGrad** (green, dashed) and **RMSProp** (purple) scale each direction separately, so they take the diagonal straight away, with no zig-zag. RMSProp ends far ahead; AdaGrad slows down as its rates shrink.
#   Their paths nearly coincide, which is why AdaGrad's is drawn dashed: dividing each gradient entry by its own size leaves little more than its sign, so both first steps are equally long along $x$ and $y$ (slope $-1$), and both then settle onto the valley floor $y = 0$ and run along it. They differ in how far along it they get.
# - **Adam** (orange) starts down the diagonal too, then its momentum carries it past the valley floor and the minimum, and it swings back.
#
# The ranking depends on the learning rates chosen: the widget below lets you change them.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Try it: the optimizer race
#
# Pick optimizers (ctrl-click or shift-click for several), choose a surface, and slide the learning rate and the betas.
# `beta1` is momentum's and Nesterov's $\beta$ and Adam's $\beta_1$; `beta2` is RMSProp's $\rho$ and Adam's $\beta_2$.
# Left: the paths; right: the loss per step; the line underneath says how each run ended, and at which step it diverged if it did.
#
# Things to try:
#
# - find the largest learning rate at which SGD still converges on the test surface (the analysis of section 1 says 1.0), then the same for momentum with $\beta = 0.9$;
# - set `beta1` to 0: momentum becomes SGD; raise it to 0.99 and watch the swings grow;
# - compare RMSProp with `beta2` = 0.5 and 0.999, and Adam with `lr` = 0.01, 0.1 and 1;
# - switch to the saddle and to the local-minimum surface (section 7).

# %% tags=["nbval-ignore-output"]
optimizer_race("test", optimizers=("sgd", "momentum", "adam"), lr=0.1)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7. Saddle points and local minima
#
# Chapter 04 showed that plain gradient descent crawls near a saddle point, where the gradient is nearly zero.
# Take the saddle $f(x, y) = x^2 - y^2$ and start at $(-1.5, 0.001)$, almost on the ridge line $y = 0$.
# All optimizers get the same learning rate 0.05; we count the steps until the run has left the pass ($|y| > 2$).

# %%
saddle = SURFACES["saddle"]
saddle_runs = {}
for name in nn.UPDATES:
    path, _, left_at = optimizer_path(nn.UPDATES[name], saddle["grad"], saddle["start"], 80,
                                      bound=2.0, lr=0.05)
    saddle_runs[name] = path
    y20 = f"{abs(path[20, 1]):.3f}" if len(path) > 20 else "(gone)"
    outcome = f"left the saddle at step {left_at}" if left_at else f"still near it after 80 steps (y = {path[-1, 1]:+.3f})"
    print(f"{name:9s}: |y| after 20 steps {y20:>6s}; {outcome}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# The tiny gradient along $y$ ($2 \times 0.001$) is the whole problem.
# SGD multiplies $y$ by only $1 + 2\eta = 1.1$ per step: 80 steps.
# Momentum accumulates that small push into speed.
# RMSProp and Adam divide the gradient by its own recent size, so even a tiny gradient gives a step of about $\eta$; RMSProp, with no bias correction, even takes a first step about ten times larger (its $h$ starts at 0, the problem Adam's correction fixes).
# AdaGrad normalises too, so it leaves the ridge line at once (its first step along $y$ is $\eta$, like Adam's): after 20 steps only RMSProp and Adam are further from it.
# But its rate only shrinks, so its steps get shorter and shorter; SGD, whose $|y|$ grows by 10% per step, overtakes it near the end.
# After 80 steps AdaGrad is the only run still on the pass: on this saddle it escapes *slower* than plain SGD, not faster.

# %% [markdown] slideshow={"slide_type": "subslide"}
# The second surface has two valleys: $f(x, y) = x^4/4 - x^2 + 0.3x + y^2/2$ has a local minimum near $(1.33, 0)$ (value $-0.59$) and the global one near $(-1.48, 0)$ (value $-1.44$).
# Starting at $(2.6, 1.5)$, the nearer valley is the local one.
# Every optimizer gets 150 steps with learning rate 0.05 (AdaGrad 0.25, since its rate shrinks).

# %%
local = SURFACES["local minimum"]
local_runs = {}
for name in nn.UPDATES:
    lr = 0.25 if name == "adagrad" else 0.05
    path, losses, _ = optimizer_path(nn.UPDATES[name], local["grad"], local["start"], 150,
                                     loss=lambda w: local["f"](*w), lr=lr)
    local_runs[name] = path
    basin = "global" if path[-1, 0] < 0 else "local"
    print(f"{name:9s}: ends at ({path[-1, 0]:+.3f}, {path[-1, 1]:+.3f}), f = {losses[-1]:+.3f}: the {basin} minimum")

# %%
fig, axes = plt.subplots(1, 2, figsize=(16, 5))
plot_trajectories(saddle["f"], saddle_runs, ax=axes[0], xlim=saddle["xlim"], ylim=saddle["ylim"],
                  levels=saddle["levels"], markersize=2, legend=False,
                  title="Saddle x² - y², lr = 0.05 (80 steps at most)")
plot_trajectories(local["f"], local_runs, ax=axes[1], xlim=local["xlim"], ylim=local["ylim"],
                  levels=local["levels"], markersize=2,
                  title="Two minima, lr = 0.05, 150 steps")
plt.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Only momentum and Nesterov get through to the global minimum: their velocity carries them over the low ridge between the valleys.
# SGD, AdaGrad, RMSProp and Adam all settle in the local minimum.

# %% [markdown] slideshow={"slide_type": "subslide"}
# > **Common misconception.** "Momentum gets you out of local minima."
# >
# > Only sometimes. Momentum can carry a run over a ridge *if* it arrives with enough speed in the right direction, and that depends on the learning rate, $\beta$ and the start.
# > Change the learning rate and the same optimizer ends in the other valley (or diverges), as the cell below shows. Momentum does not search for the lowest minimum; it is a ball rolling with inertia.
# > In high-dimensional networks, local minima are rarely the obstacle anyway (chapter 04): what momentum and adaptive rates reliably help with are narrow valleys, plateaus and saddles.

# %%
for lr in (0.02, 0.05, 0.1, 0.15, 0.2):
    ends = []
    for name in ("momentum", "nesterov"):
        path, _, div = optimizer_path(nn.UPDATES[name], local["grad"], local["start"], 150, lr=lr)
        ends.append(f"{name} " + ("diverges" if div else ("global" if path[-1, 0] < 0 else "local")))
    print(f"lr = {lr:4.2f}: " + ", ".join(ends))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 8. First-order and second-order methods
#
# Every optimizer so far is **first-order**: it uses only the gradient, the slope.
# A **second-order** method also uses the curvature, the Hessian matrix $H$ of second derivatives ($H_{ij} = \partial^2 f / \partial w_i \partial w_j$, shape $(D, D)$).
# Newton's method fits a quadratic bowl to $f$ at the current point and jumps to the bottom of that bowl: $w \leftarrow w - H^{-1} \nabla f(w)$.
# On a quadratic surface the fit is exact, so **one** Newton step lands on the minimum: the test surface has $H = \mathrm{diag}(1/10,\ 2)$, and the curvature tells the step to be 20 times longer along $x$ than along $y$, exactly what the adaptive methods approximate per parameter.
# The price: for $D$ weights the Hessian has $D^2$ entries and solving with it costs about $D^3$ operations; for a network with $D = 10^6$ weights that is $10^{12}$ numbers (8 terabytes) and $10^{18}$ operations per step, against about $D$ for a gradient step.
# Newton also jumps to any point of zero gradient, a saddle as happily as a minimum (see below).
# So deep learning uses first-order methods (sometimes with cheap curvature approximations, such as quasi-Newton methods like L-BFGS): many cheap steps beat a few extremely expensive ones.

# %%
H_test = np.array([[1 / 10, 0.0], [0.0, 2.0]])  # the Hessian of x^2/20 + y^2 (constant)
w0 = test["start"]
w1 = w0 - np.linalg.solve(H_test, grad_test(w0))  # one Newton step
print(f"Newton, 1 step from {w0}: {w1}, f = {f_test(w1):.4f}")
print(f"SGD (lr = 0.95) after 1 step: f = {f_test(path_sgd[1]):.4f}; after 30: f = {f_test(path_sgd[30]):.4f}")
H_saddle = np.array([[2.0, 0.0], [0.0, -2.0]])
w_s = saddle["start"] - np.linalg.solve(H_saddle, saddle["grad"](saddle["start"]))
print(f"Newton, 1 step on the saddle from {saddle['start']}: {w_s}  (straight onto the saddle point)")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 9. In practice: training a network with each optimizer
#
# The surfaces above have two parameters; a network has thousands.
# We train the same network (2 inputs, two hidden layers of 32 ReLU units, 3 output scores) on the same data (three interleaved spirals, 300 points) with mini-batches of 32 for 50 epochs (`nn.fit`), and change only the optimizer class.
# Each class wraps the functional update you wrote: `nn.Adam(model, lr=...)` calls `nn.adam_update` on every parameter at each `step()`, with a separate state per parameter.
#
# A fair comparison needs care in two ways.
#
# - **Each optimizer gets its own learning rate.** A rate that suits one optimizer is far too small or too large for another (section 6), so a race at one shared rate, or at rates picked by habit, compares the rates as much as the optimizers. Each optimizer tries three rates a factor of about 3 apart, around values usual for it, and keeps its best; had the best been at either end of its three, the range would have needed extending.
# - **Several runs.** One run depends on its initial weights and on the order of its mini-batches, so every setting is trained with 3 seeds (each seed draws both), and only what holds for all three counts as a finding.
#
# A run's score is its training loss averaged over the last 10 epochs: at good rates the loss still jumps up and down from one epoch to the next, and a single epoch's value would mostly measure that noise.

# %%
X_sp, y_sp = data.spirals(300, classes=3, noise=0.1, rng=rng)


def make_network(init_rng):
    """2 -> 32 -> 32 -> 3 with ReLU units; the initial weights are drawn from init_rng."""
    return nn.Sequential(nn.Linear(2, 32, rng=init_rng), nn.ReLU(), nn.Linear(32, 32, rng=init_rng),
                         nn.ReLU(), nn.Linear(32, 3, rng=init_rng))


grid = {"SGD": (nn.SGD, {}, (0.1, 0.3, 1.0)),  # class, other settings, learning rates
        "Momentum": (nn.Momentum, {"beta": 0.9}, (0.03, 0.1, 0.3)),
        "Nesterov": (nn.Nesterov, {"beta": 0.9}, (0.03, 0.1, 0.3)),
        "AdaGrad": (nn.AdaGrad, {}, (0.03, 0.1, 0.3)),
        "RMSProp": (nn.RMSProp, {"rho": 0.99}, (0.003, 0.01, 0.03)),
        "Adam": (nn.Adam, {}, (0.003, 0.01, 0.03))}
SEEDS, EPOCHS = (1, 2, 3), 50

# %%
curves = {}  # (optimizer, lr, seed) -> training loss after each epoch, shape (EPOCHS,)
for name, (cls, hyper, lrs) in grid.items():
    for lr in lrs:
        for seed in SEEDS:
            run_rng = np.random.default_rng(seed)  # draws the initial weights, then shuffles
            model = make_network(run_rng)
            h = nn.fit(model, X_sp, y_sp, optimizer=cls(model, lr=lr, **hyper), epochs=EPOCHS,
                       batch_size=32, rng=run_rng)
            curves[name, lr, seed] = np.array(h["train_loss"])
score = {key: c[-10:].mean() for key, c in curves.items()}  # mean loss of the last 10 epochs
mean_score = {(name, lr): np.mean([score[name, lr, s] for s in SEEDS])
              for name, (_, _, lrs) in grid.items() for lr in lrs}
best = {name: min(grid[name][2], key=lambda lr, n=name: mean_score[n, lr]) for name in grid}

# %%
at_best = np.array([[score[name, best[name], s] for s in SEEDS] for name in grid])  # (6, 3)
ranks = at_best.argsort(axis=0).argsort(axis=0) + 1  # rank per seed, 1 = lowest loss
print("score: training loss averaged over the last 10 epochs; mean (min-max) of seeds 1, 2, 3")
print(f"{'optimizer':9s} {'rates tried':>17s} {'best':>5s} {'score at the best':>19s}  rank per seed")
for k, name in enumerate(grid):
    s = at_best[k]
    print(f"{name:9s} {', '.join(f'{lr:g}' for lr in grid[name][2]):>17s} {best[name]:5g} "
          f"{s.mean():.3f} ({s.min():.3f}–{s.max():.3f})  {' '.join(map(str, ranks[k]))}")
others = at_best[1:]  # every optimizer except SGD
print(f"plain SGD last on every seed: {bool(np.all(ranks[0] == len(grid)))}; the other five: means "
      f"{others.mean(axis=1).min():.3f} to {others.mean(axis=1).max():.3f}, worst single run "
      f"{others.max():.3f}, against {at_best[0].min():.3f} for SGD's best run")

# %%
fig, axes = plt.subplots(1, 2, figsize=(16, 4.8))
for name, (_, _, lrs) in grid.items():
    s = np.array([[score[name, lr, seed] for seed in SEEDS] for lr in lrs])  # (3 rates, 3 seeds)
    mid = s.mean(axis=1)
    axes[0].errorbar(lrs, mid, yerr=(mid - s.min(axis=1), s.max(axis=1) - mid), fmt="-o",
                     capsize=3, color=OPTIMIZER_COLORS[name.lower()], label=name)
axes[0].set(xscale="log", yscale="log", xlabel="learning rate", ylabel="training loss, last 10 epochs",
            title="Score against the learning rate (bars: 3 seeds)")
axes[0].legend(fontsize=11)
plot_curves(np.arange(1, EPOCHS + 1),
            {name: np.mean([curves[name, best[name], s] for s in SEEDS], axis=0) for name in grid},
            ax=axes[1], logy=True, xlabel="epoch", ylabel="training loss (mean of 3 seeds)",
            title="Each optimizer at its best learning rate")
for line in axes[1].get_lines():  # the same colour per optimizer as on the surfaces
    line.set_color(OPTIMIZER_COLORS[line.get_label().lower()])
axes[1].legend(fontsize=11)
plt.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# What the three seeds agree on:
#
# - **Plain SGD is last**, even at its best rate: last on every seed, and its best run is worse than the worst run of any of the other five. On this network, momentum or a per-parameter rate helps, as on the test surface.
# - **The other five are close.** Their mean scores lie within a factor of 2 of one another, and their order changes from seed to seed (Adam is first on two seeds, AdaGrad on the third). These runs do not single out a best among them; another network or data set may order them differently.
# - **The best rates differ a lot**: 0.3 for SGD, 0.1 for momentum, Nesterov and AdaGrad, 0.01 for RMSProp and Adam. For every optimizer the best was the middle of its three rates: about 3 times smaller or larger did worse (left panel). Had all six run at one shared rate, the race would have measured how well that rate suits each of them more than the optimizers themselves.
#
# Three seeds, 50 epochs and one small problem are a small experiment: the findings above are the ones that held on every seed, and they are about this network and these data.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Adam as the default; the learning rate first
#
# In practice, start with **Adam** at its usual settings ($\beta_1 = 0.9$, $\beta_2 = 0.999$, $\varepsilon = 10^{-8}$): it works reasonably on most problems without tuning the betas.
# Then tune **the learning rate first**: it matters far more than the choice among good optimizers.
# Try values a factor of about 3 to 10 apart on a log scale (0.0001, 0.001, 0.01, 0.1) and watch the first epochs' loss curves.
# (Well-tuned SGD with momentum is still preferred in some fields because it can generalise slightly better; that is a refinement for later.)

# %%
lr_runs = {}
for lr in (1e-4, 1e-3, 1e-2, 1e-1):
    model = make_network(np.random.default_rng(SEED))
    h = nn.fit(model, X_sp, y_sp, optimizer=nn.Adam(model, lr=lr), epochs=100, batch_size=32,
               rng=np.random.default_rng(SEED))
    lr_runs[lr] = np.array(h["train_loss"])
for lr, curve in lr_runs.items():
    # lr = 0.1 is chaotic by epoch 100 (see below): print only what every machine reproduces.
    end = f"{curve[-1]:.4f}" if lr < 0.1 else (
        ("above" if curve[-1] > lr_runs[0.01][-1] else "below") + " that of lr = 0.01")
    print(f"Adam, lr = {lr:<6g}: loss after 10 epochs {curve[9]:.4f}, after 100 {end}")
fig, ax = plt.subplots(figsize=(10, 4.5))
plot_curves(np.arange(1, 101), {f"lr = {lr:g}": c for lr, c in lr_runs.items()}, ax=ax, logy=True,
            xlabel="epoch", ylabel="training loss", title="Adam with four learning rates")
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Too small (0.0001): after 100 epochs the network has hardly started.
# Too large (0.1): fastest at first, then the loss jumps up and down and ends above that of 0.01.
# Where it ends exactly is *chaotic*: every jump magnifies tiny differences, down to the last bit of a matrix product, which another computer (another BLAS library) rounds differently; two machines end this run at losses several times apart, so its final value is not printed.
# In between, 0.01 is best here and 0.001 is slower but steady.
# On this problem the learning rate changes Adam's loss after 100 epochs by a factor of about 80 (0.9318 against 0.0116), far more than the choice among the five good optimizers at their best rates did above (their mean scores were within a factor of 2).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - On a surface steep in one direction and flat in another, plain SGD zig-zags across and crawls along: one learning rate, capped by the steepest direction.
# - Every optimizer here has the form `w_new, state = update(w, dw, state, **hyper)`; the state carries what it remembers, and `w` is never changed in place.
# - **Momentum**: $v \leftarrow \beta v - \eta g$, $w \leftarrow w + v$: speed builds where gradients agree, zig-zags cancel. **Nesterov** takes the gradient at the look-ahead point and brakes earlier.
# - **AdaGrad**: $h \leftarrow h + g \odot g$, step $\eta g / (\sqrt h + \varepsilon)$: a rate per parameter, which only shrinks. **RMSProp**: $h \leftarrow \rho h + (1-\rho)\, g \odot g$ forgets old gradients.
# - **Adam**: a moving average of $g$ (with $\beta_1$) and of $g \odot g$ (with $\beta_2$), both divided by $1 - \beta^t$ because they start at 0; without that, the first hundreds of steps are several times too long.
# - $\varepsilon$ goes outside the square root in this course (PyTorch, the Adam paper); inside is the other convention, different only while $h$ is tiny.
# - On the saddle, momentum, Nesterov, RMSProp and Adam left the pass much sooner than SGD; AdaGrad moved off the ridge line quickly but, its rate only shrinking, was the one run still on the pass after 80 steps. Whether a run crosses into another valley depends on its speed, not on a guarantee.
# - Newton's method uses the curvature: one step on a quadratic, but $D^2$ memory and about $D^3$ work per step, and it is attracted by saddles; deep learning uses first-order methods.
# - Comparing optimizers fairly: each at its own best learning rate, over several seeds. On the spirals network plain SGD was last on every seed; the other five were too close to rank.
# - Practice: Adam by default, and tune the learning rate first, on a log scale.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Check your understanding
#
# 1. With momentum $\beta = 0.9$ and learning rate $\eta$, the gradient stays equal to $g$ for a long time. How long does each step become, compared with plain SGD? What about $\beta = 0.99$?
#
# <!-- BEGIN SOLUTION -->
# The velocity tends to $-\eta g / (1 - \beta)$: ten times a plain SGD step for $\beta = 0.9$, a hundred times for $\beta = 0.99$. That is why a large $\beta$ often needs a smaller learning rate.
# <!-- END SOLUTION -->
#
# 2. A parameter of an AdaGrad run received gradients 3, 4 and then 0 at its first three steps ($\eta = 0.1$, ignore $\varepsilon$). What are its three steps?
#
# <!-- BEGIN SOLUTION -->
# $h$ is 9, 25, 25. The steps are $-0.1 \cdot 3/3 = -0.1$, $-0.1 \cdot 4/5 = -0.08$, and $0$ (a zero gradient gives no step, even though $h$ is not zero).
# <!-- END SOLUTION -->
#
# 3. Why does AdaGrad's effective learning rate never grow, and how does RMSProp change that?
#
# <!-- BEGIN SOLUTION -->
# $h$ is a sum of squares, so it never decreases and $\eta/(\sqrt{h} + \varepsilon)$ never increases. RMSProp uses a moving average: old squared gradients fade by $\rho$ per step, so if the gradients become small, $h$ becomes small and the rate grows back.
# <!-- END SOLUTION -->
#
# 4. In Adam, at the first step ($t = 1$), what are $\hat m$ and $\hat v$, and how long is the step (ignore $\varepsilon$)? What would it be without the bias correction, with $\beta_1 = 0.9$, $\beta_2 = 0.999$?
#
# <!-- BEGIN SOLUTION -->
# $m = (1-\beta_1) g$ and $v = (1-\beta_2) g^2$, so $\hat m = g$ and $\hat v = g^2$: the step is $\eta\, g/|g| = \pm\eta$ for every parameter. Without correction it is $\eta \cdot 0.1 g / (\sqrt{0.001}\,|g|) \approx \pm 3.16\,\eta$.
# <!-- END SOLUTION -->
#
# 5. A classmate's Adam uses `t = state.get("t", 0)` and stores `t + 1` at the end. What goes wrong?
#
# <!-- BEGIN SOLUTION -->
# At the first step $t = 0$, so $1 - \beta_1^0 = 0$ and the bias correction divides by zero (inf or nan). The counter must be incremented before it is used, so the first step has $t = 1$.
# <!-- END SOLUTION -->
#
# 6. Why is Newton's method rarely used to train neural networks, although on a quadratic it needs one step?
#
# <!-- BEGIN SOLUTION -->
# It needs the $D \times D$ Hessian: $D^2$ numbers and about $D^3$ operations to solve with it, impossible for millions of weights; the Hessian of a mini-batch is noisy; and Newton's step goes to any zero-gradient point, saddles included, which are everywhere in high dimensions.
# <!-- END SOLUTION -->

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Further reading
#
# - I. Goodfellow, Y. Bengio and A. Courville, *Deep Learning*, MIT Press, 2016, chapter 8 "Optimization for Training Deep Models" (sections 8.3 to 8.6).
# - D. P. Kingma and J. Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015.
# - J. Duchi, E. Hazan and Y. Singer, "Adaptive Subgradient Methods for Online Learning and Stochastic Optimization", JMLR 2011 (AdaGrad).
# - I. Sutskever, J. Martens, G. Dahl and G. Hinton, "On the importance of initialization and momentum in deep learning", ICML 2013.
# - G. Hinton, lecture 6 of "Neural Networks for Machine Learning", 2012 (RMSProp).
# - S. Ruder, "An overview of gradient descent optimization algorithms", 2016.
