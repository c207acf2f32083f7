# %% [markdown] slideshow={"slide_type": "slide"}
# # 08 · Overfitting and regularization
#
# A network with thousands of weights can fit 20 noisy points exactly, noise included.
# Its training loss then keeps falling while its error on new data rises: it **overfits**.
# This chapter shows overfitting happen, and the standard ways to hold it back.
#
# **What you will learn**
#
# - to recognise underfitting and overfitting from the training and validation curves;
# - the L2 penalty $\lambda \sum w^2$ (ridge, weight decay) and the L1 penalty $\lambda \sum |w|$ (lasso), their gradients, and how the L2 penalty relates to an optimizer's `weight_decay`;
# - the geometric picture: a circle versus a diamond, and why L1 sets weights **exactly** to zero (and why plain gradient descent on $|w|$ does not);
# - early stopping: keep the weights of the best validation epoch, with a patience;
# - dropout: drop each unit with probability $p$ in training, scale the survivors by $1/(1-p)$, use every unit at test time; dropout as an ensemble of thinned networks; cutout, dropout on the input;
# - data augmentation, in a paragraph.
#
# **Prerequisites**: chapter 03 (mean squared error), chapter 05 (backpropagation, `nn.Sequential`), chapter 06 (`nn.fit`, SGD and Adam).
#
# Notation: a network's weight matrices are $W_1, \dots, W_L$; "the weights" $w$ means all their entries (never the biases, which are not penalised).
# A loss $L(w)$ is the mean over a batch, as `nn.mse_loss` returns it.
#
# You will write five functions, each followed by a check cell.

# %% slideshow={"slide_type": "skip"}
import matplotlib.pyplot as plt
import numpy as np

from utils import data, nn
from utils.checks import check
from utils.experiments.regularization import cutout, lasso_weights, rbf_features, soft_threshold
from utils.plots import (
    plot_constraint_regions,
    plot_overfitting_curves,
    plot_penalty_fit,
    plot_weight_histogram,
)
from utils.widgets import dropout_explorer, penalty_explorer

SEED = 8
rng = np.random.default_rng(SEED)
np.set_printoptions(precision=4, suppress=True)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. Underfitting and overfitting
#
# The data: $t = \sin(2\pi x) + \varepsilon$ with $x$ uniform in $[0, 1]$ and noise $\varepsilon$ of standard deviation 0.25.
# We train on only **20** points and keep **200** other points for validation.
# Even a perfect model has a validation mean squared error of about $0.25^2 = 0.0625$: the noise cannot be predicted.
#
# The model is deliberately too big for 20 points: $1 \to 64 \to 64 \to 1$ with tanh units, 4 353 parameters.
# We train it with Adam (lr 0.01) on the whole training set at every step (batches of 20), for 1200 epochs.

# %%
x_tr, t_tr = data.noisy_sine(20, noise=0.25, rng=rng)     # (20,), (20,)
x_va, t_va = data.noisy_sine(200, noise=0.25, rng=rng)    # (200,), (200,)
X_tr, T_tr = x_tr[:, None], t_tr[:, None]                 # (20, 1): batches are rows
X_va, T_va = x_va[:, None], t_va[:, None]                 # (200, 1)
grid = np.linspace(0, 1, 300)                             # where we draw the fitted functions
EPOCHS = 1200


def big_net(*, rng, p=0.0):
    """1 -> 64 -> 64 -> 1 with tanh units; with p > 0, dropout after each hidden layer."""
    layers = [nn.Linear(1, 64, rng=rng, init="xavier"), nn.Tanh()]
    layers += [nn.Dropout(p, rng=rng)] if p else []
    layers += [nn.Linear(64, 64, rng=rng, init="xavier"), nn.Tanh()]
    layers += [nn.Dropout(p, rng=rng)] if p else []
    return nn.Sequential(*layers, nn.Linear(64, 1, rng=rng, init="xavier"))


def predict(model, x):
    """The model's predictions at the points x (shape (M,)), in evaluation mode."""
    model.eval()
    return model.forward(x[:, None])[:, 0]

# %% slideshow={"slide_type": "subslide"}
run_rng = np.random.default_rng(SEED)  # the same seed for every run of the chapter
overfit = big_net(rng=run_rng)
hist = nn.fit(overfit, X_tr, T_tr, loss=nn.mse_loss, optimizer=nn.Adam(overfit, lr=0.01),
              epochs=EPOCHS, batch_size=20, rng=run_rng, validation=(X_va, T_va))
val = np.array(hist["val_loss"])
best = int(np.argmin(val)) + 1  # epochs count from 1
print(f"best validation epoch: {best:4d}   validation MSE there {val[best - 1]:.4f}")
print(f"after {EPOCHS} epochs:  training MSE {hist['train_loss'][-1]:.4f}, "
      f"validation MSE {val[-1]:.4f}")

# %% slideshow={"slide_type": "subslide"}
linear = nn.Sequential(nn.Linear(1, 1, rng=run_rng))  # too small: a straight line
nn.fit(linear, X_tr, T_tr, loss=nn.mse_loss, optimizer=nn.Adam(linear, lr=0.05), epochs=300,
       batch_size=20, rng=run_rng)
fig, axes = plt.subplots(1, 3, figsize=(16, 4.2))
plot_overfitting_curves(hist, ax=axes[0], title="1 -> 64 -> 64 -> 1 on 20 points")
plot_penalty_fit(x_tr, t_tr, grid, predict(linear, grid), ax=axes[1], x_val=x_va, t_val=t_va,
                 truth=np.sin(2 * np.pi * grid), title="Underfitting: a straight line")
plot_penalty_fit(x_tr, t_tr, grid, predict(overfit, grid), ax=axes[2], x_val=x_va, t_val=t_va,
                 truth=np.sin(2 * np.pi * grid), title=f"Overfitting: the big net, epoch {EPOCHS}")
fig.subplots_adjust(wspace=0.28, bottom=0.15)
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Read the left panel from left to right.
#
# - At first both losses fall: the network learns the sine, which the training and the validation points share.
# - After the best validation epoch the training loss keeps falling but the validation loss **rises**: the network now learns the noise of its 20 points, which new points do not share. That is **overfitting** (right panel: the curve bends to reach individual points).
# - A model too small for the task **underfits** (middle panel): both losses stay high, and more epochs do not help.
#
# The gap between the training and the validation loss measures overfitting; the training loss alone never shows it.
# The rest of the chapter holds the big network back: penalise large weights (sections 2–6), stop at the right epoch (section 7), drop units at random (section 8).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. Penalties on the weights: L2 and L1
#
# Add to the data loss a term that grows with the size of the weights:
#
# $$J(w) = L(w) + \lambda\, \Omega(w), \qquad \Omega_{L2}(w) = \sum_i w_i^2, \qquad \Omega_{L1}(w) = \sum_i |w_i|,$$
#
# where $\lambda \geq 0$ sets the strength.
# Training then trades fitting the data against keeping the weights small; a smooth function needs smaller weights than one that bends through every noisy point.
# L2 is also called **ridge** (in linear regression) or **weight decay**; L1 is the **lasso**.
#
# **The convention of this course** (that of `nn.l2_penalty` and `nn.l1_penalty`): the penalty is $\lambda \sum w^2$, so its gradient is
#
# $$\frac{\partial}{\partial w_i}\, \lambda \sum_j w_j^2 = 2 \lambda w_i .$$
#
# Some books write $\frac{\lambda}{2} \sum w^2$ so that the gradient is $\lambda w$: same idea, a $\lambda$ twice as large.
# When you read a $\lambda$, check which convention it belongs to.
#
# ### Exercise 1: the L2 penalty and its gradient
#
# Write `l2_penalty_and_grad(weights, lam)`.
#
# - In: `weights`, a list of arrays (e.g. the weight matrices $W_1$ of shape $(1, 64)$, $W_2$ of shape $(64, 64)$, ...); `lam`, a float $\geq 0$.
# - Out: `(penalty, grads)`: `penalty = lam * (sum of w**2 over every entry of every array)` as a Python float, and `grads`, a list with one array per weight array, `2 * lam * W`, of the same shape.

# %% tags=["exercise"] exercise_id="ex08_l2_penalty" slideshow={"slide_type": "subslide"}
def l2_penalty_and_grad(weights, lam):
    """L2 penalty lam * sum(w**2) over a list of arrays, and its gradients.

    Parameters
    ----------
    weights : list of numpy.ndarray
        Any shapes.
    lam : float, >= 0

    Returns
    -------
    penalty : float
    grads : list of numpy.ndarray
        2 * lam * W for each W, same shapes.
    """
    ### BEGIN SOLUTION
    penalty = lam * sum(float(np.sum(W * W)) for W in weights)
    grads = [2.0 * lam * W for W in weights]
    return penalty, grads
    ### END SOLUTION


# %% tags=["check"]
check("ex08_l2_penalty", l2_penalty_and_grad)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The penalty and the optimizer's `weight_decay`
#
# With the penalty, one SGD step with learning rate $\eta$ is
#
# $$w \leftarrow w - \eta\,(\nabla L + 2\lambda w) = (1 - 2\eta\lambda)\, w - \eta \nabla L :$$
#
# every step first shrinks ("decays") the weights by the factor $1 - 2\eta\lambda$.
# The optimizers of `utils.nn` take `weight_decay=wd`, which adds $\mathrm{wd} \cdot w$ to the gradient of **every** parameter (biases included): for SGD that is exactly our penalty with $\lambda = \mathrm{wd}/2$ (on the weights it applies to).
# One step, both ways:

# %%
layer = nn.Linear(3, 2, rng=rng)
layer.grads["W"][...] = rng.standard_normal((3, 2))  # pretend a backward pass left this
W0, lam, lr = layer.params["W"].copy(), 0.05, 0.1
_, (dW_pen,) = nn.l2_penalty([W0], lam)
by_hand = W0 - lr * (layer.grads["W"] + dW_pen)        # gradient of L + lam * sum(w**2)
nn.SGD(layer, lr=lr, weight_decay=2 * lam).step()      # weight_decay = 2 * lam
print(f"largest difference: {np.abs(layer.params['W'] - by_hand).max():.1e}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Where the coupling matters.**
# This `weight_decay` is *coupled*: it is added to the gradient, so it goes through whatever the optimizer does to the gradient.
# For SGD nothing happens to it, and L2 penalty and weight decay are the same thing.
# Adam divides each gradient entry by $\sqrt{\hat v}$, the running size of that entry's past gradients, so with coupled decay a weight whose gradients have been large is decayed *less*, and one with small gradients more: the L2 penalty is no longer a uniform shrinkage.
# **Decoupled weight decay** (AdamW, Loshchilov and Hutter) takes the decay out of the adaptive step: $w \leftarrow w - \eta\,\big(\hat m / (\sqrt{\hat v} + \epsilon) + \mathrm{wd} \cdot w\big)$, which shrinks every weight by the same factor $1 - \eta\,\mathrm{wd}$; it is the usual choice with Adam.
# The library has it as `nn.AdamW(model, lr=1e-3, weight_decay=0.01)` (PyTorch's defaults); `nn.Adam(model, weight_decay=...)` is the coupled version, the L2 penalty added to the gradient.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 2: the L1 penalty and its subgradient
#
# The L1 penalty $\lambda \sum |w_i|$ has derivative $\lambda\, \mathrm{sign}(w_i)$: $+\lambda$ for a positive weight, $-\lambda$ for a negative one, *whatever its size*.
# At $w_i = 0$ the function $|w|$ has a kink and no derivative; every value in $[-\lambda, \lambda]$ is a **subgradient** there, and the convention (NumPy's `np.sign`, PyTorch) is 0.
#
# Write `l1_penalty_and_grad(weights, lam)`, like Exercise 1 but returning `lam * sum(|w|)` and the list of `lam * sign(W)`, with 0 where a weight is exactly 0.

# %% tags=["exercise"] exercise_id="ex08_l1_penalty"
def l1_penalty_and_grad(weights, lam):
    """L1 penalty lam * sum(|w|) over a list of arrays, and its subgradients.

    Parameters
    ----------
    weights : list of numpy.ndarray
    lam : float, >= 0

    Returns
    -------
    penalty : float
    grads : list of numpy.ndarray
        lam * sign(W) for each W (0 where W == 0), same shapes.
    """
    ### BEGIN SOLUTION
    penalty = lam * sum(float(np.sum(np.abs(W))) for W in weights)
    grads = [lam * np.sign(W) for W in weights]
    return penalty, grads
    ### END SOLUTION


# %% tags=["check"]
check("ex08_l1_penalty", l1_penalty_and_grad)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. The picture: a circle and a diamond
#
# For a convex loss $L$, minimising $L(w) + \lambda \Omega(w)$ is equivalent to minimising $L(w)$ **subject to** $\Omega(w) \le c$, for a budget $c$ that shrinks as $\lambda$ grows (a Lagrange multiplier argument: $\lambda$ is the multiplier of the constraint).
# With two weights we can draw it:
#
# - the grey ellipses are contours of a quadratic loss $L$, whose unconstrained minimum (the star) lies outside the allowed region;
# - L2 allows the **disk** $w_1^2 + w_2^2 \le r^2$ (budget $c = r^2$), L1 the **diamond** $|w_1| + |w_2| \le r$ (budget $c = r$); the figure uses $r = 1$;
# - the constrained minimum is the point of the region on the lowest contour: where the region first touches a contour as the contours grow from the star.

# %%
plot_constraint_regions()
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# The disk is round: the contour touches it at a generic point, where both weights are non-zero (L2 makes weights small, not zero).
# The diamond has **corners on the axes**: for most positions of the ellipses the first contact is a corner, where one weight is exactly $0$.
# In many dimensions the L1 ball has even more corners, edges and faces on which many weights are 0: L1 gives **sparse** solutions.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. Exact zeros need a proximal step
#
# Gradient descent on $L + \lambda \sum |w|$ with the subgradient of Exercise 2 does **not** produce exact zeros.
# The penalty's part of every step, $-\eta\lambda\,\mathrm{sign}(w)$, moves a weight by $\eta\lambda$ towards 0 whatever its size; a weight closer to 0 than $\eta\lambda$ overshoots: it jumps from one side to the other and *hovers* around 0, up to $\eta\lambda$ away, without landing on it.
#
# The **proximal** step does the two parts separately: first a gradient step on the data loss alone, $z = w - \eta \nabla L(w)$; then the point $v$ that minimises $\frac{1}{2}\lVert v - z \rVert^2 + \eta\lambda \sum_i |v_i|$ (stay close to $z$, but pay $\eta\lambda$ per unit of $|v_i|$).
# That minimisation separates into one per entry, and its answer is **soft thresholding**:
#
# $$w \leftarrow S_{\eta\lambda}\big(w - \eta \nabla L(w)\big), \qquad S_\tau(z) = \mathrm{sign}(z)\, \max(|z| - \tau,\ 0),$$
#
# applied entry by entry.
# (For one entry with $z > \tau$: the derivative of $\frac{1}{2}(v - z)^2 + \tau |v|$ at $v > 0$ is $v - z + \tau$, zero at $v = z - \tau$; for $|z| \le \tau$ the subgradient $v - z + \tau [-1, 1]$ contains 0 at $v = 0$.)
#
# $S_\tau$ moves each entry $\tau$ towards 0 and **stops at 0**: every entry with $|z| \le \tau$ becomes exactly 0.
# It is `soft_threshold` in `utils.experiments.regularization`:

# %%
z = np.array([-1.5, -0.2, -0.05, 0.0, 0.08, 0.3, 2.0])
print("z               :", z)
print("S_0.1(z)        :", soft_threshold(z, 0.1))

# %% [markdown] slideshow={"slide_type": "subslide"}
# To see the difference we need a model we can train to convergence in a blink: a **linear model on features**.
# Each input $x$ becomes 40 Gaussian bumps $\phi_k(x) = \exp\!\big(-(x - c_k)^2 / (2 \cdot 0.05^2)\big)$ centred at $c_k$ evenly spaced in $[0, 1]$, so $\Phi$ has shape $(20, 40)$ on the training set, and the prediction is $\Phi w + b$ with $w$ of shape $(40,)$.
# 40 weights for 20 points: it overfits just like the big network.
# `lasso_weights` minimises $\mathrm{mean}((\Phi w + b - t)^2) + \lambda \sum |w|$ by gradient descent from $w = 0$, with either step.

# %%
Phi_tr = rbf_features(x_tr)                 # (20, 40)
lam_demo = np.array([1e-2])
_, W_prox = lasso_weights(Phi_tr, t_tr, lam_demo, iterations=3000, method="proximal")
_, W_sub = lasso_weights(Phi_tr, t_tr, lam_demo, iterations=3000, method="subgradient")
for name, w in (("proximal", W_prox[0]), ("subgradient", W_sub[0])):
    print(f"{name:>11}: {np.sum(w == 0):2d} of 40 weights exactly 0, "
          f"{np.sum(np.abs(w) < 1e-3):2d} with |w| < 1e-3, smallest |w| {np.abs(w).min():.1e}")

# %% slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(1, 2, figsize=(12, 4))
plot_weight_histogram(W_sub[0], ax=axes[0], limit=1.0, title="L1 by subgradient descent")
plot_weight_histogram(W_prox[0], ax=axes[1], limit=1.0, title="L1 by proximal steps")
fig.subplots_adjust(wspace=0.25, bottom=0.15)
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# > **Common misconception.** "Train with the L1 gradient and the weights become exactly zero."
# > With (sub)gradient steps they do not: they get *small* and oscillate around 0, as the left histogram shows (no red bar).
# > The exact zeros of the lasso come from the minimiser itself (the diamond's corners), and an algorithm reaches them only if it can land on 0: soft thresholding (proximal gradient, ISTA), coordinate descent, or rounding tiny weights to 0 afterwards.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. Try it: the lambda slider
#
# Choose L2 or L1 and slide $\log_{10} \lambda$ from $-6$ to $0$.
# Left: the fit (the dashed curve is the true sine, grey dots are validation points); right: the histogram of the 40 weights, exact zeros in red.
# Every lambda was fitted once when the widget was built (L2 in closed form, L1 with proximal steps), so moving the slider only redraws.
#
# Try: L2 at $10^{-6}$ (wild curve, huge weights), $10^{-2}$ (smooth), $10^{0}$ (too flat: underfitting). Then L1: the red bar grows with $\lambda$ until every weight is 0.

# %% tags=["nbval-ignore-output"]
penalty_explorer(x_tr, t_tr, x_va, t_va, kind="L1 (lasso)", exponent=-3.0)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6. Penalties on the big network
#
# Back to the network of section 1, same seed, same data.
# The library's `nn.fit` takes any object with a `step()` method as its optimizer, so a small wrapper adds the penalty's gradient to each weight matrix before the optimizer's step (L2, or L1 by subgradient), or applies soft thresholding after the step (L1, proximal).
# Only the weight matrices $W$ are penalised, not the biases.
#
# To compare penalties, everything else must stay the same: the four runs below (no penalty, L2, L1 by subgradient, L1 by proximal steps) all use plain SGD with learning rate 0.1 on the whole training set for 3000 epochs, and $\lambda = 10^{-3}$.
# Plain SGD, not Adam, because the proximal step of section 4 is made for a plain gradient step: Adam rescales every weight's step by its own factor, and a threshold of $\eta\lambda$ would no longer match the step it follows.

# %%
class Penalized:
    """Wraps an optimizer: L2 or L1 (subgradient) penalty gradients, L1 proximal steps, or none."""

    def __init__(self, optimizer, model, lam, kind):
        self.optimizer, self.lam, self.kind = optimizer, lam, kind  # kind None: no penalty
        self.layers = [layer for layer in model.layers if isinstance(layer, nn.Linear)]

    def step(self):
        weights = [layer.params["W"] for layer in self.layers]
        if self.kind in ("l2", "l1 subgradient"):
            penalty = nn.l2_penalty if self.kind == "l2" else nn.l1_penalty
            for layer, g in zip(self.layers, penalty(weights, self.lam)[1], strict=True):
                layer.grads["W"] += g   # the gradient of L + lam * Omega
        self.optimizer.step()
        if self.kind == "l1 proximal":  # threshold lr * lam, after the step on L alone
            for W in weights:
                W[...] = soft_threshold(W, self.optimizer.lr * self.lam)

# %% slideshow={"slide_type": "subslide"}
runs = {}
for name, kind in (("no penalty", None), ("L2", "l2"), ("L1 subgradient", "l1 subgradient"),
                   ("L1 proximal", "l1 proximal")):
    run_rng = np.random.default_rng(SEED)
    model = big_net(rng=run_rng)
    h = nn.fit(model, X_tr, T_tr, loss=nn.mse_loss, epochs=3000, batch_size=20, rng=run_rng,
               optimizer=Penalized(nn.SGD(model, lr=0.1), model, 1e-3, kind),
               validation=(X_va, T_va))
    runs[name] = (h, model)
print(f"{'SGD, lr 0.1, 3000 epochs':>24s}  training MSE  validation MSE  best validation (epoch)  "
      f"weights exactly 0")
for name, (h, model) in runs.items():
    w = np.concatenate([layer.params["W"].ravel() for layer in model.layers
                        if isinstance(layer, nn.Linear)])
    val = np.array(h["val_loss"])
    print(f"{name:>24s}  {h['train_loss'][-1]:12.4f}  {val[-1]:14.4f}  {val.min():15.4f} ({val.argmin() + 1:4d})"
          f"  {np.sum(w == 0):9d} of {w.size}")

# %% slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(2, 4, figsize=(18, 7.5))
for k, (name, (_, model)) in enumerate(runs.items()):
    plot_penalty_fit(x_tr, t_tr, grid, predict(model, grid), ax=axes[0, k], x_val=x_va,
                     t_val=t_va, truth=np.sin(2 * np.pi * grid), title=f"{name} (SGD)")
    plot_weight_histogram(model.layers[2].params["W"], ax=axes[1, k], limit=0.6,
                          title="$W_2$ (64 x 64)")
fig.subplots_adjust(wspace=0.3, hspace=0.45)
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# - **No penalty**: SGD overfits too, more slowly than Adam in section 1. The validation error is lowest at epoch 933 (0.0783), then rises to 0.0973 by epoch 3000 while the training error keeps falling.
# - **L2** holds that rise back: the validation error ends at 0.0844 (it rose only from 0.0811), and the training error is higher (0.0697). The weights stay smaller (histogram) and the function smoother.
# - **L1**, by either method, ends at practically the same errors (validation 0.0876), also well below the unpenalised run's 0.0973; at this $\lambda$, L2 ends a little lower. Only the proximal run has exact zeros: 3962 of the 4224 weights, most of $W_2$, a sparse network. The subgradient run's weights hover near 0 without reaching it.
# - At its best epoch the unpenalised run is as good as any of them (0.0783): what the penalties buy here is that training for longer does far less harm. Stopping at the right epoch is the other remedy (section 7).
# - Section 1's Adam run ended at 0.1616 after 1200 epochs, much worse than this unpenalised SGD run. That gap comes from the optimizer and the training budget, not from a penalty: this is why every run of a comparison of penalties uses the same optimizer.
# - $\lambda$ is a hyperparameter: chosen on the validation set, never on the training set (the training loss always prefers $\lambda = 0$).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7. Early stopping
#
# The simplest regulariser is in the curves of section 1: the validation loss was lowest at one epoch and rose after it.
# **Early stopping** watches the validation loss after every epoch, remembers the best epoch and a copy of its weights, and stops when there has been no improvement for `patience` epochs; at the end it puts back the best weights.
#
# - An epoch *improves* when its validation loss is below the best so far by more than `min_delta` (a tie is no improvement).
# - With the best at epoch $b$, training stops at the first epoch $e$ with $e - b \ge$ `patience`: epochs $b + 1, \dots, b + \text{patience}$ may all be worse, and then it stops.
# - The patience absorbs the noise of the validation curve: a single bad epoch does not end training.
#
# ### Exercise 3: early stopping on a recorded run
#
# Write `early_stopping(history, snapshots, patience, min_delta=0.0)` that replays a run epoch by epoch, as training would see it.
#
# - In: `history`, a dict with lists `history["train_loss"]` and `history["val_loss"]` (one entry per epoch; epoch $k$ is index $k - 1$); `snapshots`, a list with the weights after each epoch (arrays); `patience`, an int $\geq 1$; `min_delta`, a float $\geq 0$.
# - Out: `(best_epoch, stopped_at, best_weights)`: the best epoch (counted from 1), the epoch at which training stops (the last epoch if it never stops), and `snapshots[best_epoch - 1]`.

# %% tags=["exercise"] exercise_id="ex08_early_stopping" slideshow={"slide_type": "subslide"}
def early_stopping(history, snapshots, patience, min_delta=0.0):
    """Replay a run with early stopping on the validation loss.

    Parameters
    ----------
    history : dict
        "train_loss" and "val_loss": lists of floats, one per epoch.
    snapshots : list of numpy.ndarray
        The weights after each epoch.
    patience : int, >= 1
    min_delta : float, >= 0

    Returns
    -------
    best_epoch : int
        Counted from 1.
    stopped_at : int
        The epoch where training stops (the last epoch if patience never runs out).
    best_weights : numpy.ndarray
        snapshots[best_epoch - 1].
    """
    ### BEGIN SOLUTION
    val_loss = history["val_loss"]
    best_loss, best_epoch, stopped_at = np.inf, 0, len(val_loss)
    for epoch, loss in enumerate(val_loss, start=1):
        if loss < best_loss - min_delta:
            best_loss, best_epoch = loss, epoch
        if epoch - best_epoch >= patience:
            stopped_at = epoch
            break
    return best_epoch, stopped_at, snapshots[best_epoch - 1]
    ### END SOLUTION


# %% tags=["check"]
check("ex08_early_stopping", early_stopping)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Early stopping on the overfitting run
#
# The same network, seed and data as section 1, now with `nn.fit(..., early_stopping=nn.EarlyStopping(patience=100, restore_best=True))`.
# Because the seed is the same, the run is identical to section 1's until it stops.

# %%
run_rng = np.random.default_rng(SEED)
stopped_net = big_net(rng=run_rng)
stopper = nn.EarlyStopping(patience=100, min_delta=0.0, restore_best=True)
hist_es = nn.fit(stopped_net, X_tr, T_tr, loss=nn.mse_loss,
                 optimizer=nn.Adam(stopped_net, lr=0.01), epochs=EPOCHS, batch_size=20,
                 rng=run_rng, validation=(X_va, T_va), early_stopping=stopper)
restored = float(np.mean((predict(stopped_net, x_va) - t_va) ** 2))
print(f"best epoch {hist_es['best_epoch']}, stopped at epoch {hist_es['stopped_at']}"
      f" (patience 100), same best epoch as section 1: {hist_es['best_epoch'] == best}")
print(f"validation MSE of the restored weights {restored:.4f}"
      f" (at the last epoch run: {hist_es['val_loss'][-1]:.4f})")
replay = early_stopping(hist, [np.zeros(1)] * EPOCHS, patience=100)[:2]
print(f"your early_stopping on section 1's history: best epoch {replay[0]}, stops at {replay[1]}")

# %% slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(1, 2, figsize=(13, 4.2))
plot_overfitting_curves(hist_es, ax=axes[0], best_epoch=hist_es["best_epoch"],
                        stopped_at=hist_es["stopped_at"], title="Early stopping, patience 100")
plot_penalty_fit(x_tr, t_tr, grid, predict(stopped_net, grid), ax=axes[1], x_val=x_va,
                 t_val=t_va, truth=np.sin(2 * np.pi * grid),
                 title=f"Restored weights of epoch {hist_es['best_epoch']}")
fig.subplots_adjust(wspace=0.25, bottom=0.15)
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Early stopping costs nothing but a validation set and a copy of the weights, and here it ran about a fifth of the 1200 epochs.
# Its answer depends on the validation set, which is now part of training: report the final error on a separate **test** set.
# It acts like an L2 penalty: starting from small weights, fewer steps leave less time for the weights to grow.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 8. Dropout
#
# **Dropout** (Srivastava et al., 2014) changes the network at every training step: each unit of a layer's output $H$ (shape $(N, M)$) is set to 0 with probability $p$, independently, and the surviving units are multiplied by $1/(1-p)$:
#
# $$\tilde H = \frac{H \odot K}{1 - p}, \qquad K_{ij} = 1 \text{ with probability } 1 - p,\ 0 \text{ with probability } p,$$
#
# with $\odot$ the entrywise product and $K$ the **mask**, drawn anew for every batch.
# The scaling makes the expected output equal to the input: $\mathbb{E}[\tilde H_{ij}] = \frac{(1-p) H_{ij}}{1 - p} = H_{ij}$.
# This is **inverted dropout**; at test time nothing is dropped and nothing is scaled: the layer is the identity, and the network uses every unit.
# (The original paper scaled at test time instead, multiplying by $1 - p$; inverted dropout moves the scaling into training so that the test-time network is the plain one.)
#
# No unit can rely on a particular other unit being present, so the units learn features that are useful on their own, and the network cannot memorise the training set through fragile co-adaptations.
#
# ### Exercise 4: dropout forward, with a training flag
#
# Write `dropout_forward(x, p, *, training, rng)`.
#
# - In: `x` of any shape; `p`, the **drop** probability in $[0, 1)$ (PyTorch's convention); `training`, a bool; `rng`, a `numpy.random.Generator`.
# - Training: draw the keep-mask with exactly `keep = rng.random(x.shape) >= p` (True where the unit survives), return `(x * keep / (1 - p), keep)`.
# - Evaluation: return `(x, None)`: the identity, and no mask.

# %% tags=["exercise"] exercise_id="ex08_dropout_forward" slideshow={"slide_type": "subslide"}
def dropout_forward(x, p, *, training, rng):
    """Inverted dropout.

    Parameters
    ----------
    x : numpy.ndarray, any shape
    p : float in [0, 1)
        Probability of dropping each entry.
    training : bool
    rng : numpy.random.Generator

    Returns
    -------
    out : numpy.ndarray, shape of x
        x * keep / (1 - p) in training, x in evaluation.
    keep : numpy.ndarray of bool, shape of x, or None
        The keep-mask in training (True = kept); None in evaluation.
    """
    ### BEGIN SOLUTION
    if not training:
        return x, None
    keep = rng.random(x.shape) >= p
    return x * keep / (1.0 - p), keep
    ### END SOLUTION


# %% tags=["check"]
check("ex08_dropout_forward", dropout_forward)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 5: dropout backward
#
# In training, $\tilde H = H \odot K / (1 - p)$ is linear in $H$ with the mask fixed, so the gradient flows back through the **same** mask:
#
# $$\frac{\partial L}{\partial H} = \frac{\partial L}{\partial \tilde H} \odot \frac{K}{1 - p}.$$
#
# A dropped unit contributed nothing to the output, so it gets no gradient.
# Write `dropout_backward(dout, keep, p)`: `dout` and `keep` of the same shape (the mask that **your forward pass returned**), returns `dx` of that shape.

# %% tags=["exercise"] exercise_id="ex08_dropout_backward"
def dropout_backward(dout, keep, p):
    """Gradient of inverted dropout (training mode) with respect to its input.

    Parameters
    ----------
    dout : numpy.ndarray
        dL/d(out), any shape.
    keep : numpy.ndarray of bool, shape of dout
        The keep-mask of the forward pass.
    p : float in [0, 1)

    Returns
    -------
    dx : numpy.ndarray, shape of dout
    """
    ### BEGIN SOLUTION
    return dout * keep / (1.0 - p)
    ### END SOLUTION


# %% tags=["check"]
check("ex08_dropout_backward", dropout_backward)

# %% [markdown] slideshow={"slide_type": "subslide"}
# The expected activation is preserved: push a batch of ones (shape $(1000, 100)$) through your forward pass with $p = 0.5$, and compare with the version that forgets the scaling.

# %%
ones = np.ones((1000, 100))
out, keep = dropout_forward(ones, 0.5, training=True, rng=rng)
print(f"share of units kept        : {keep.mean():.4f}   (1 - p = 0.5)")
print(f"mean output, inverted      : {out.mean():.4f}   (the input's mean is 1)")
print(f"mean output, not inverted  : {(ones * keep).mean():.4f}   (shrinks to 1 - p)")
print(f"evaluation is the identity : {np.array_equal(dropout_forward(ones, 0.5, training=False, rng=rng)[0], ones)}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Try it: the drop probability
#
# One layer of 24 activations (grey).
# In training, one mask drops some units (red crosses) and scales the others; the black dashes are the average over 2000 masks.
# Switch to "not inverted": the average falls to $(1 - p)$ times the input, and the evaluation output must then be scaled by $1 - p$.
# In evaluation, inverted dropout shows the input unchanged.

# %% tags=["nbval-ignore-output"]
dropout_explorer(p=0.5, mode="training")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Dropout on the big network
#
# The network of section 1 with `nn.Dropout(0.2)` after each hidden layer (the library's layer does what your two functions do; `model.train()` / `model.eval()` switch its mode, and `nn.fit` evaluates the losses in evaluation mode).

# %%
run_rng = np.random.default_rng(SEED)
dropped = big_net(rng=run_rng, p=0.2)
hist_do = nn.fit(dropped, X_tr, T_tr, loss=nn.mse_loss, optimizer=nn.Adam(dropped, lr=0.01),
                 epochs=EPOCHS, batch_size=20, rng=run_rng, validation=(X_va, T_va))
for name, h in (("without dropout", hist), ("with dropout 0.2", hist_do)):
    print(f"{name:>16}: after {EPOCHS} epochs training MSE {h['train_loss'][-1]:.4f}, "
          f"validation MSE {h['val_loss'][-1]:.4f}; best validation {min(h['val_loss']):.4f}")

# %% slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(1, 2, figsize=(13, 4.2))
plot_overfitting_curves(hist_do, ax=axes[0], title="Dropout 0.2 after each hidden layer")
plot_penalty_fit(x_tr, t_tr, grid, predict(dropped, grid), ax=axes[1], x_val=x_va, t_val=t_va,
                 truth=np.sin(2 * np.pi * grid), title=f"With dropout, epoch {EPOCHS}")
fig.subplots_adjust(wspace=0.25, bottom=0.15)
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# The validation loss still rises after its best epoch, but far less than in section 1, and it ends lower: dropout holds the overfitting back, at the price of a higher training loss (the training loss is measured with every unit on, but learned under noise).
# It also underfits (the curve is too flat at both ends, and its best validation loss is above section 1's best): like $\lambda$, $p$ is a hyperparameter to tune on the validation set, and early stopping can be combined with it.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### An ensemble of thinned networks
#
# Each mask selects a **thinned** sub-network; a network with $n$ droppable units has $2^n$ of them, all sharing the same weights, and each training step trains one.
# At test time we would like to average the predictions of all of them.
# Using every unit with the inverted scaling is a cheap approximation of that average (exact for a linear layer, close for the whole network).
# Compare with an explicit average over 500 thinned networks.
# A thinned network keeps one mask for every input: `thinned_net` draws one keep-mask of shape $(1, 64)$ per dropout layer and applies it to all 300 points of the grid (a forward pass in training mode would draw a new mask for every row, that is for every $x$).

# %%
def thinned_net(model, x, *, rng):
    """The predictions at x (shape (M,)) of one thinned network: one mask per dropout layer."""
    h = x[:, None]  # (M, 1)
    for layer in model.layers:
        if isinstance(layer, nn.Dropout):
            keep = rng.random((1, h.shape[1])) >= layer.p  # (1, 64): the same for every row
            h = h * keep / (1.0 - layer.p)
        else:
            h = layer.forward(h)
    return h[:, 0]


mask_rng = np.random.default_rng(SEED)
thinned = np.array([thinned_net(dropped, grid, rng=mask_rng) for _ in range(500)])  # (500, 300)
full = predict(dropped, grid)  # evaluation mode: every unit, no mask
print(f"largest gap between the average of 500 thinned networks and the full network: "
      f"{np.abs(thinned.mean(axis=0) - full).max():.3f}  (the function ranges over "
      f"{np.ptp(full):.2f})")
fig, ax = plt.subplots(figsize=(9, 4.2))
ax.plot(grid, thinned[:20].T, color="0.75", lw=0.8)
ax.plot([], [], color="0.75", lw=0.8, label="20 thinned networks")
ax.plot(grid, thinned.mean(axis=0), color="C1", lw=3, label="average of 500 thinned networks")
ax.plot(grid, full, "k--", lw=1.5, label="full network (evaluation mode)")
ax.plot(x_tr, t_tr, "o", color="C0", markeredgecolor="k", label="training points")
ax.set(xlabel="$x$", ylabel="$t$", title="Dropout as an ensemble: thinned networks and their average")
ax.legend(loc="upper right", fontsize=10)
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# Each thinned network is a noisy version of the function; their average lies on the full network's curve, up to the small gap printed above.
# Evaluation mode gets that average in one forward pass instead of 500.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Cutout: dropout on the input
#
# Dropout can be applied to the input itself.
# For images, dropping single pixels is too easy to see through (neighbouring pixels carry the same information); **cutout** (DeVries and Taylor, 2017) sets a whole random square to 0 in every training image, so the network must recognise a digit from its other parts.
# It is most useful when the training set is small.
# Below, 8×8 digits with a random 3×3 square cut out (`cutout(images, 3, rng=rng)`; the square's centre is uniform over the image, so near a border the square is cut by it); a new square is drawn every time an image is used.

# %%
X_dig, y_dig = data.load_digits()
images = X_dig[:6].reshape(6, 8, 8) / 16.0   # (6, 8, 8), pixels in [0, 1]
cut = cutout(images, 3, rng=rng)
fig, axes = plt.subplots(2, 6, figsize=(12, 4.4))
for k in range(6):
    for row, (img, label) in enumerate(((images[k], "original"), (cut[k], "cutout 3x3"))):
        axes[row, k].imshow(img, cmap="gray_r", vmin=0, vmax=1)
        axes[row, k].set(xticks=[], yticks=[], title=f"{label}, digit {y_dig[k]}")
fig.suptitle("Cutout: a random square of each input set to 0")
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Data augmentation
#
# The best cure for overfitting is more data; when more data cannot be collected, **data augmentation** makes more from what there is.
# Every training example is transformed, at random and anew at each epoch, in ways that do not change its label: for images small shifts, rotations, rescalings, flips (a horizontal flip keeps a cat a cat, but turns some digits and letters into others, so the transformations must fit the task), changes of brightness and contrast, added noise, and cutout; for sound, time shifts and added noise; for text, replacing words by synonyms.
# The network then sees many variants of each example and learns that the label does not depend on them: augmentation writes our knowledge of the task's invariances into the training set.
# Augmentation is applied to the training set only; the validation and test sets stay as they are, so that they measure performance on real data.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - Overfitting: the training loss keeps falling while the validation loss rises; the model learns the noise of its training set. Underfitting: both stay high. Always watch a validation curve.
# - L2 penalty $\lambda \sum w^2$, gradient $2\lambda w$: shrinks every weight at every step (weight decay). SGD's coupled `weight_decay=wd` is $\lambda = \mathrm{wd}/2$; with Adam, coupled decay is distorted by the adaptive scaling, and decoupled decay (AdamW) is preferred.
# - L1 penalty $\lambda \sum |w|$, subgradient $\lambda\,\mathrm{sign}(w)$ (0 at 0): its minimiser is sparse (the diamond's corners), but only a proximal step (soft thresholding) or a similar method lands weights exactly on 0.
# - Early stopping: keep the weights of the epoch with the best *validation* loss; stop after `patience` epochs without an improvement larger than `min_delta`.
# - Inverted dropout: in training zero each unit with probability $p$ and scale the survivors by $1/(1-p)$; in evaluation use every unit unchanged; the backward pass reuses the forward mask. It trains an ensemble of thinned networks that share their weights. Cutout is dropout of input squares; data augmentation multiplies the training set with label-preserving transformations.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Check your understanding
#
# 1. A colleague's training loss is 0.001 and falling; the validation loss was 0.30 at epoch 40 and is 0.45 at epoch 200. What is happening, and what are three things to try?
# 2. One author uses the penalty $\frac{\lambda'}{2}\sum w^2$ with $\lambda' = 10^{-4}$. What $\lambda$ gives the same training in this course's convention $\lambda \sum w^2$, and what `weight_decay` of `nn.SGD`?
# 3. Why does plain gradient descent with the L1 subgradient not give weights exactly 0, and what does soft thresholding with threshold $\tau$ do to a weight of value $0.03$ when $\tau = 0.05$?
# 4. Early stopping with patience 5: the best validation loss is at epoch 12. At which epoch does training stop if no later epoch improves, and which weights does the model end with (with `restore_best=True`)?
# 5. With $p = 0.25$, by what factor are the surviving activations multiplied in training? What happens to a network trained with inverted dropout if you forget `model.eval()` at test time?
#
# <!-- BEGIN SOLUTION -->
#
# **Answers.**
# 1. Overfitting: the network learns the noise of the training set. Stop early (keep the weights of epoch 40), add an L2 penalty or dropout, get or augment more data (or use a smaller network).
# 2. The penalties are equal when $\lambda = \frac{\lambda'}{2}$, so $\lambda = 5 \times 10^{-5}$; `weight_decay` adds $\mathrm{wd} \cdot w$ to the gradient, the gradient of $\frac{\mathrm{wd}}{2} \sum w^2$, so `weight_decay=1e-4` (the other author's $\lambda'$, or $2\lambda$).
# 3. Each step moves a weight by $\eta\lambda$ towards 0 and overshoots when the weight is closer than that, so it oscillates around 0 without landing on it. Soft thresholding maps $0.03$ to $\mathrm{sign}(0.03)\max(0.03 - 0.05, 0) = 0$ exactly.
# 4. At epoch 17 ($17 - 12 = 5$ epochs without improvement); the model ends with the weights of epoch 12.
# 5. By $1/(1 - 0.25) = 4/3$. Forgetting `eval()` keeps dropping units at test time: predictions become random (each call draws a new mask) and noisier, though roughly right on average (exactly right only for a linear network).
#
# <!-- END SOLUTION -->

# %% [markdown] slideshow={"slide_type": "skip"}
# ## Further reading
#
# - Goodfellow, Bengio and Courville, *Deep Learning* (2016), chapter 7, "Regularization for Deep Learning".
# - Srivastava, Hinton, Krizhevsky, Sutskever and Salakhutdinov, *Dropout: A Simple Way to Prevent Neural Networks from Overfitting* (2014).
# - Tibshirani, *Regression Shrinkage and Selection via the Lasso* (1996).
# - Hastie, Tibshirani and Friedman, *The Elements of Statistical Learning*, chapter 3 (ridge, lasso and the constraint-region picture).
# - Loshchilov and Hutter, *Decoupled Weight Decay Regularization* (2019).
# - Prechelt, *Early Stopping — But When?* (1998).
# - DeVries and Taylor, *Improved Regularization of Convolutional Neural Networks with Cutout* (2017).
# - Parikh and Boyd, *Proximal Algorithms* (2014), for soft thresholding and the proximal gradient method.
