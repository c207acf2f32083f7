# %% [markdown] slideshow={"slide_type": "slide"}
# # 03 · Loss functions
#
# A network learns by changing its weights so that one number goes down: the *loss*.
# This chapter is about that number: which loss to use for which task, why, and how to compute it without ever taking the log of 0.
#
# **What you will learn**
#
# - what a loss is, and why training minimises its average over the data;
# - the regression losses MSE (with and without a factor 1/2) and MAE, their gradients, and how they react to outliers;
# - why a regression network ends with no activation at all (the identity);
# - logistic regression and the binary cross-entropy, on a 64×64 colour image;
# - several independent labels (one sigmoid per class) versus exactly one label (softmax and categorical cross-entropy);
# - why classification uses cross-entropy rather than MSE, and what "convex" does and does not mean for these losses;
# - the numerical care every loss needs: clipping, log-sum-exp, and the fused softmax + cross-entropy with its gradient $(\hat{Y} - Y)/N$.
#
# **Prerequisites**: chapter 00 (NumPy shapes, broadcasting, `keepdims`) and chapter 02 (sigmoid, softmax, derivatives of activations).
#
# You will write five loss functions, each followed by a check cell that tells you whether it is right and, if not, which known mistake it looks like.

# %% slideshow={"slide_type": "skip"}
import matplotlib.pyplot as plt
import numpy as np

from utils import nn
from utils.checks import check
from utils.plots import (
    plot_class_probabilities,
    plot_curves,
    plot_fits,
    plot_image_vector,
    plot_loss_vs_logit,
    plot_regression_losses,
)
from utils.widgets import probability_loss_explorer, regression_loss_explorer

SEED = 3
rng = np.random.default_rng(SEED)
np.set_printoptions(precision=4, suppress=True)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. What a loss is
#
# A model maps an input $x_n$ to a prediction $\hat{y}_n$; the data say the right answer is $t_n$ (the *target*).
# A **loss** $\ell(\hat{y}_n, t_n) \ge 0$ measures how bad that one prediction is: 0 when it is perfect, larger when it is worse.
# Training looks for the weights that make the **average** loss over the $N$ training samples as small as possible:
#
# $$L = \frac{1}{N} \sum_{n=1}^{N} \ell(\hat{y}_n, t_n).$$
#
# Why the average and not the sum? The minimiser is the same, but the average does not grow with $N$, so the same learning rate works for a batch of 8 and a batch of 8000.
# This is why every loss in `utils.nn` returns the **batch mean** as a Python `float`, and a gradient that is already divided by $N$.
#
# Example: a line $\hat{y} = w x + b$ on 12 points. The squared error of each point is the square of its vertical distance (its *residual*) to the line.

# %%
x_line = rng.uniform(-2, 2, 12)  # (N,) inputs
t_line = 2.0 * x_line + 1.0 + rng.normal(0, 0.6, 12)  # (N,) targets
pred_line = 1.2 * x_line + 0.5  # a poor line: w = 1.2, b = 0.5
per_sample = (pred_line - t_line) ** 2  # (N,) one loss per sample
print("per-sample squared errors:", per_sample)
print(f"average loss L = {per_sample.mean():.4f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Left: the data, the poor line and its residuals. Right: the average loss as a function of the slope $w$ (with $b = 1$ fixed).
# Training means walking down the curve on the right; its lowest point is the best slope.

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 4))
plot_fits(x_line, t_line, {"w = 1.2, b = 0.5": pred_line}, residuals="w = 1.2, b = 0.5",
          ax=axes[0], title="residuals of a poor line")
ws = np.linspace(-1, 5, 121)
avg = [np.mean((w_k * x_line + 1.0 - t_line) ** 2) for w_k in ws]
plot_curves(ws, {"average squared error": avg}, ax=axes[1], xlabel="slope $w$ (b = 1)",
            ylabel="loss $L$", title="the loss as a function of a weight")
axes[1].axvline(ws[np.argmin(avg)], color="k", linestyle=":")
plt.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. Regression losses: MSE and MAE
#
# In regression the target is a real number (or a vector of $K$ real numbers).
# With predictions $\hat{Y}$ and targets $T$ of shape $(N, K)$ (or $(N,)$ when $K = 1$), the **mean squared error** is
#
# $$\text{MSE} = \frac{1}{N} \sum_{n=1}^{N} \sum_{j=1}^{K} (\hat{y}_{nj} - t_{nj})^2, \qquad \frac{\partial\, \text{MSE}}{\partial \hat{y}_{nj}} = \frac{2}{N} (\hat{y}_{nj} - t_{nj}).$$
#
# **Convention.** The mean is over the $N$ samples and the sum is over the $K$ outputs (`np.sum(...) / N`, not `np.mean(...)`, which would also divide by $K$). `utils.nn.mse_loss` documents it.
#
# **The factor 1/2.** Many books write $\frac{1}{2N}\sum (\hat{y} - t)^2$ instead. The 1/2 cancels the 2 that the derivative brings down, so the gradient is simply $(\hat{y} - t)/N$.
# It changes nothing else: the loss is halved everywhere, so the minimum is at the same place; only the effective learning rate differs by a factor 2.
# `nn.mse_loss(pred, target, half=True)` uses that convention.
#
# The **mean absolute error** uses the distance itself:
#
# $$\text{MAE} = \frac{1}{N} \sum_{n} \sum_{j} |\hat{y}_{nj} - t_{nj}|, \qquad \frac{\partial\, \text{MAE}}{\partial \hat{y}_{nj}} = \frac{1}{N} \operatorname{sign}(\hat{y}_{nj} - t_{nj}),$$
#
# with gradient 0 at $\hat{y} = t$ exactly (the kink), as NumPy's `sign` gives.

# %%
pred_demo = np.array([[1.0, 2.0], [0.5, -1.0], [3.0, 0.0]])  # (N, K) = (3, 2)
target_demo = np.array([[1.5, 2.0], [0.0, -2.0], [2.0, 1.0]])
for name, (loss, grad) in {"MSE": nn.mse_loss(pred_demo, target_demo),
                           "MSE, half=True": nn.mse_loss(pred_demo, target_demo, half=True),
                           "MAE": nn.mae_loss(pred_demo, target_demo)}.items():
    print(f"{name:15s} loss = {loss:.4f}   gradient row 0 = {grad[0]}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# One sample, target $t = 0$: each loss and its gradient as the prediction moves.
# The squared error's gradient grows with the error (big errors are pushed hard, small ones gently); the absolute error's gradient has the same size, $\pm 1$, for every error.

# %%
plot_regression_losses(1.5, 0.0)
plt.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Try it: the regression loss explorer
#
# Slide the prediction $\hat{y}$ and the target $t$; the dots follow each loss and each gradient.
# Things to try: make the residual 0.5 and then 3; which loss grows faster? Where is the MAE gradient 0?

# %% tags=["nbval-ignore-output"]
regression_loss_explorer(pred=1.5, target=0.0)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 1: mean squared error and its gradient
#
# Write `mse(pred, target, half=False)` that returns the pair `(loss, dpred)`.
#
# - In: `pred` and `target` of the same shape, $(N,)$ or $(N, K)$; `half` a bool.
# - Out: `loss`, a Python float, $\frac{1}{N}\sum_{n,j} (\hat{y}_{nj} - t_{nj})^2$ (half of it if `half` is true); and `dpred`, shape of `pred`, equal to $\frac{2}{N}(\hat{Y} - T)$ (or $\frac{1}{N}(\hat{Y} - T)$ if `half`).
#
# $N$ is `pred.shape[0]`. The check also compares your gradient with central differences of your own loss.

# %% tags=["exercise"] exercise_id="ex03_mse" slideshow={"slide_type": "fragment"}
def mse(pred, target, half=False):
    """Mean squared error over the batch (summed over outputs) and its gradient.

    Parameters
    ----------
    pred, target : numpy.ndarray of float, shape (N,) or (N, K)
    half : bool
        If True, the loss has a factor 1/2 (and the gradient loses its factor 2).

    Returns
    -------
    loss : float
        (1/N) * sum of (pred - target)**2, halved if half.
    dpred : numpy.ndarray of float, shape of pred
        2 * (pred - target) / N, or (pred - target) / N if half.
    """
    ### BEGIN SOLUTION
    n = pred.shape[0]
    diff = pred - target
    scale = 0.5 if half else 1.0
    loss = scale * np.sum(diff**2) / n
    dpred = 2.0 * scale * diff / n
    return float(loss), dpred
    ### END SOLUTION


# %% tags=["check"]
check("ex03_mse", mse)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 2: mean absolute error and its gradient
#
# Write `mae(pred, target)` that returns `(loss, dpred)`.
#
# - In: `pred` and `target` of the same shape, $(N,)$ or $(N, K)$.
# - Out: `loss` $= \frac{1}{N}\sum_{n,j} |\hat{y}_{nj} - t_{nj}|$ as a float, and `dpred` $= \frac{1}{N}\operatorname{sign}(\hat{Y} - T)$, shape of `pred`, with 0 where $\hat{y} = t$ exactly.

# %% tags=["exercise"] exercise_id="ex03_mae" slideshow={"slide_type": "fragment"}
def mae(pred, target):
    """Mean absolute error over the batch (summed over outputs) and its gradient.

    Parameters
    ----------
    pred, target : numpy.ndarray of float, shape (N,) or (N, K)

    Returns
    -------
    loss : float
        (1/N) * sum of |pred - target|.
    dpred : numpy.ndarray of float, shape of pred
        sign(pred - target) / N (0 where pred == target).
    """
    ### BEGIN SOLUTION
    n = pred.shape[0]
    diff = pred - target
    return float(np.sum(np.abs(diff)) / n), np.sign(diff) / n
    ### END SOLUTION


# %% tags=["check"]
check("ex03_mae", mae)

# %% [markdown] slideshow={"slide_type": "slide"}
# ### The output of a regression network: the identity
#
# A regression network ends with a linear layer and **no activation** (the identity), so its output can be any real number.
# A bounded activation at the output caps what the network can say: a sigmoid only outputs values in $(0, 1)$, tanh in $(-1, 1)$, a softmax row sums to 1.
# No choice of weights gets past the cap, so a target of 5 can never be reached.
#
# Below, the same data (targets from about $-6$ to $6$) are fitted twice by gradient descent on half-MSE: with $\hat{y} = wx + b$ and with $\hat{y} = \sigma(wx + b)$.
# For the sigmoid model the chain rule adds the factor $\sigma'(z) = \hat{y}(1 - \hat{y})$.

# %%
x_reg = np.linspace(-2, 2, 40)
t_reg = 3.0 * x_reg + rng.normal(0, 0.4, 40)  # unbounded target, roughly -6 to 6
fits = {}
for name, act, act_grad in (("identity output", lambda z: z, lambda y: np.ones_like(y)),
                            ("sigmoid output", nn.sigmoid, lambda y: y * (1 - y))):
    w, b = 0.0, 0.0
    for _ in range(2000):
        y_hat = act(w * x_reg + b)
        loss, dy = nn.mse_loss(y_hat, t_reg, half=True)
        dz = dy * act_grad(y_hat)  # chain rule through the output activation
        w, b = w - 0.5 * dz @ x_reg, b - 0.5 * dz.sum()
    fits[name] = y_hat
    print(f"{name:16s}: loss {loss:7.4f}, predictions from {y_hat.min():+.3f} to {y_hat.max():+.3f}")

# %%
plot_fits(x_reg, t_reg, fits, title="a sigmoid output cannot leave (0, 1)")
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# The sigmoid model does the best it can: near 0 where the targets are negative, near 1 where they are large, and a loss that cannot go lower.
# Sigmoid and softmax outputs are for probabilities (sections 3 and 4). If a target is bounded, for example a fraction in $[0, 1]$, a sigmoid output can be a good choice; for an unbounded target, use the identity.

# %% [markdown] slideshow={"slide_type": "slide"}
# ### MSE vs MAE under outliers
#
# Squaring makes a large error count a lot: an error of 10 costs 100 under MSE but 10 under MAE.
# So one wild target (an *outlier*, say a typo in the data) pulls an MSE fit strongly towards it.
#
# The simplest model is a constant $\hat{y} = c$ for every sample.
# Setting the derivative to 0 shows that MSE is minimised by the **mean** of the targets, and MAE by the **median** (half the targets above, half below: the signs balance).
# The mean moves with the outlier; the median barely does.

# %%
t_const = rng.normal(1.0, 0.3, 15)
t_const[7] = 9.0  # one outlier
cs = np.linspace(-1, 5, 601)
mse_c = [nn.mse_loss(np.full(15, c), t_const)[0] for c in cs]
mae_c = [nn.mae_loss(np.full(15, c), t_const)[0] for c in cs]
print(f"argmin of MSE over c: {cs[np.argmin(mse_c)]:.2f}  (mean of the targets   {t_const.mean():.2f})")
print(f"argmin of MAE over c: {cs[np.argmin(mae_c)]:.2f}  (median of the targets {np.median(t_const):.2f})")

# %% [markdown] slideshow={"slide_type": "subslide"}
# Now a line fitted by gradient descent with each loss, to 20 points of which one is an outlier.
# The same loop serves both losses: it only needs the loss's gradient with respect to the predictions, `dpred`; the chain rule gives $\partial L/\partial w = \sum_n \text{dpred}_n x_n$ and $\partial L/\partial b = \sum_n \text{dpred}_n$.
# (MAE's gradient never shrinks, so the step size decays over time to let it settle.)

# %%
x_out = np.linspace(0, 4, 20)
t_out = 1.0 * x_out + 0.5 + rng.normal(0, 0.25, 20)
t_out[16] = -4.0  # the outlier


def fit_line(x, t, loss_fn, lr=0.05, steps=3000):
    w, b = 0.0, 0.0
    for k in range(steps):
        _, dpred = loss_fn(w * x + b, t)  # dpred: (N,), already divided by N
        step = lr / (1 + k / 300)
        w, b = w - step * dpred @ x, b - step * dpred.sum()
    return w, b


lines = {name: fit_line(x_out, t_out, f) for name, f in (("MSE", nn.mse_loss), ("MAE", nn.mae_loss))}
for name, (w_fit, b_fit) in lines.items():
    print(f"{name}: w = {w_fit:.3f}, b = {b_fit:.3f}   (the clean data follow w = 1, b = 0.5)")

# %%
fig, axes = plt.subplots(1, 2, figsize=(11.5, 4))
x_c = np.arange(15.0)
plot_fits(x_c, t_const, {"MSE: the mean": np.full(15, t_const.mean()),
                         "MAE: the median": np.full(15, np.median(t_const))},
          outliers=[7], ax=axes[0], title="fitting a constant")
axes[0].set_xlabel("sample index $n$")
plot_fits(x_out, t_out, {name: w_fit * x_out + b_fit for name, (w_fit, b_fit) in lines.items()},
          outliers=[16], ax=axes[1], title="fitting a line")
plt.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# **Which one to use?** MSE when large errors really are much worse and the noise is roughly Gaussian (MSE is then the maximum-likelihood choice); MAE when the data may hold outliers you cannot remove.
# MSE's gradient also shrinks as the fit improves, which helps gradient descent settle; MAE's stays the same size.
# The Huber loss (quadratic near 0, linear far away) combines the two.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. Binary classification: logistic regression and cross-entropy
#
# **The task.** Is there a soccer ball in this photo? The answer is a label $t \in \{0, 1\}$, and we want the model to output a probability $\hat{y} = P(t = 1 \mid x)$.
#
# A colour image of $64 \times 64$ pixels has 3 numbers per pixel (red, green, blue), so $64 \cdot 64 \cdot 3 = 12\,288$ numbers.
# Flattening it gives the input vector $x$ with 12 288 entries.
# **Logistic regression** is one linear unit followed by a sigmoid:
#
# $$z = x \cdot w + b, \qquad \hat{y} = \sigma(z) = \frac{1}{1 + e^{-z}},$$
#
# with one weight per input number, so $w$ has shape $(12\,288,)$, and one bias $b$.
# For a batch of $N$ images stacked as rows, $X$ has shape $(N, 12\,288)$ and $z = Xw + b$ has shape $(N,)$.

# %%
yy, xx = np.mgrid[0:64, 0:64]
image = np.zeros((64, 64, 3))
image[...] = (0.2, 0.6, 0.25)  # green grass
ball = (yy - 38) ** 2 + (xx - 26) ** 2 < 12**2  # a disc of radius 12 pixels
image[ball] = (0.95, 0.95, 0.95)  # a white ball
image[ball & ((yy // 5 + xx // 5) % 3 == 0)] = (0.1, 0.1, 0.1)  # with dark patches
x_img = image.reshape(-1)  # (12288,): row by row, pixel by pixel, R G B
print("image shape:", image.shape, "-> x shape:", x_img.shape)

# %%
plot_image_vector(image, title="a soccer ball")
plt.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Rows here, columns in some books.** Some courses store each example as a *column*: $X$ of shape $(12\,288, N)$, $w$ as a $(12\,288, 1)$ column, and write $z = w^\top X + b$, whose $w^\top$ has shape $(1, 12\,288)$.
# This course stores examples as *rows* (as NumPy, PyTorch and this library do): $X$ is $(N, 12\,288)$, $w$ is $(12\,288,)$, $z = Xw + b$.
# The numbers are identical; only the transposes move.

# %%
X_imgs = rng.uniform(0, 1, size=(5, 64, 64, 3)).reshape(5, -1)  # (N, 12288): 5 random "images"
w_img = rng.normal(0, 0.01, size=12288)  # (12288,)
b_img = 0.1
z_rows = X_imgs @ w_img + b_img  # (5, 12288) @ (12288,) -> (5,)
z_cols = w_img.reshape(1, -1) @ X_imgs.T + b_img  # (1, 12288) @ (12288, 5) -> (1, 5)
print("rows:   ", z_rows.shape, "columns:", z_cols.shape, "same numbers:", np.allclose(z_rows, z_cols[0]))
print("probabilities:", nn.sigmoid(z_rows))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Binary cross-entropy
#
# The model says "ball" with probability $\hat{y}$. The probability it gave to what really happened is $\hat{y}$ if $t = 1$ and $1 - \hat{y}$ if $t = 0$.
# A good model gives the truth a high probability, so we minimise minus its log, averaged over the batch: the **binary cross-entropy** (BCE)
#
# $$\text{BCE} = -\frac{1}{N} \sum_{n=1}^{N} \big[\, t_n \log \hat{y}_n + (1 - t_n) \log(1 - \hat{y}_n) \,\big].$$
#
# For each sample only one of the two terms is active. The loss is 0 for a certain and right prediction and grows without bound as the probability of the truth goes to 0: a confident mistake is punished very hard.
# (Minimising it is maximising the likelihood of the labels, which is where the formula comes from.)

# %%
ps = np.linspace(0.001, 0.999, 500)
ax = plot_curves(ps, {"t = 1: $-\\log \\hat{y}$": -np.log(ps), "t = 0: $-\\log(1 - \\hat{y})$": -np.log(1 - ps)},
                 xlabel="predicted probability $\\hat{y}$", ylabel="loss of one sample",
                 title="binary cross-entropy")
ax.set_ylim(0, 6)
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 3: binary cross-entropy
#
# Write `binary_cross_entropy(prob, target)` that returns the loss as a float.
#
# - In: `prob` of shape $(N,)$ or $(N, K)$ (probabilities in $[0, 1]$; $K$ independent labels per sample, see section 4); `target` of the same shape, entries in $[0, 1]$ (usually 0 or 1).
# - Out: $-\frac{1}{N}\sum [t \log p + (1 - t)\log(1 - p)]$, summed over everything and divided by $N$ = `prob.shape[0]`.
# - **Clip first**: $p$ may be exactly 0 or 1, and $\log 0 = -\infty$. Use `p = np.clip(prob, 1e-12, 1 - 1e-12)` (the library's `nn.EPS`).
#
# (The library's `nn.binary_cross_entropy` also returns the gradient; here only the loss.)

# %% tags=["exercise"] exercise_id="ex03_binary_cross_entropy" slideshow={"slide_type": "fragment"}
def binary_cross_entropy(prob, target):
    """Binary cross-entropy, averaged over the batch, from clipped probabilities.

    Parameters
    ----------
    prob : numpy.ndarray of float, shape (N,) or (N, K)
        Predicted probabilities of label 1, in [0, 1] (0 and 1 included).
    target : numpy.ndarray of float, same shape, entries in [0, 1]

    Returns
    -------
    float
        -(1/N) * sum of t log p + (1 - t) log(1 - p), with p clipped to [1e-12, 1 - 1e-12].
    """
    ### BEGIN SOLUTION
    p = np.clip(prob, 1e-12, 1 - 1e-12)
    n = prob.shape[0]
    return float(-np.sum(target * np.log(p) + (1 - target) * np.log(1 - p)) / n)
    ### END SOLUTION


# %% tags=["check"]
check("ex03_binary_cross_entropy", binary_cross_entropy)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Try it: the probability loss explorer
#
# Slide the predicted probability $p$ and choose the target.
# The left panel shows three losses of that one prediction; the right panel shows the gradient each sends back to the logit $z$ (with $p = \sigma(z)$), which is what training actually receives.
# Things to try: target 1 and $p$ near 0 (a confident mistake). Which loss still pushes? What happens at $p = 0$ exactly?

# %% tags=["nbval-ignore-output"]
probability_loss_explorer(p=0.2, target=1)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. Several classes: independent labels or exactly one
#
# Now the photo may show a soccer ball, a basketball, a baseball. Two different questions can be asked.
#
# **Several independent labels** ("which balls are in the photo?", any number of them from 0 to 3): one output per class, each with its own sigmoid, $\hat{y}_{nk} = \sigma(z_{nk})$, and the loss is the **sum over the classes** of the binary cross-entropies, averaged over the batch.
# The probabilities do not need to sum to 1: a photo can have all three balls.
#
# **Exactly one label** ("which ball is this?"): a softmax over the $C$ scores turns them into one probability distribution, $\hat{y}_{nk} = e^{z_{nk}} / \sum_j e^{z_{nj}}$, and the loss is the **categorical cross-entropy**
#
# $$\text{CE} = -\frac{1}{N} \sum_{n=1}^{N} \sum_{k=1}^{C} y_{nk} \log \hat{y}_{nk}.$$
#
# With a one-hot target (a 1 at the right class $c_n$, 0 elsewhere) only one term survives: $\text{CE} = -\frac{1}{N}\sum_n \log \hat{y}_{n, c_n}$, minus the log of the probability given to the right class.

# %%
classes = ["soccer", "basketball", "baseball"]
scores = np.array([[2.0, 1.5, -1.0]])  # (N, C) = (1, 3): one photo, three scores
p_sigmoid = nn.sigmoid(scores)  # (1, 3), each in (0, 1), independent
p_softmax = nn.softmax(scores)  # (1, 3), a distribution: the row sums to 1
print("sigmoid per class:", p_sigmoid[0], " sum", f"{p_sigmoid.sum():.3f}")
print("softmax          :", p_softmax[0], " sum", f"{p_softmax.sum():.3f}")
plot_class_probabilities({"one sigmoid per class": p_sigmoid[0], "softmax": p_softmax[0]},
                         classes, title="the same scores, two output rules")
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# The two losses on the same photo. With independent labels the target says soccer **and** basketball are present; with one label it says the photo is of a soccer ball.
# `nn.binary_cross_entropy` sums over the $K$ labels and divides by $N$, which is exactly the sum of the three per-class BCEs here.

# %%
t_multi = np.array([[1.0, 1.0, 0.0]])  # soccer and basketball present, no baseball
bce_total, _ = nn.binary_cross_entropy(p_sigmoid, t_multi)
bce_each = [nn.binary_cross_entropy(p_sigmoid[:, [k]], t_multi[:, [k]])[0] for k in range(3)]
print("per-class BCEs:", np.round(bce_each, 4), f" sum {sum(bce_each):.4f} = library {bce_total:.4f}")
y_one = np.array([0])  # integer label: class 0, soccer
ce, _ = nn.cross_entropy(p_softmax, y_one)
print(f"categorical CE {ce:.4f} = -log p[soccer] = {-np.log(p_softmax[0, 0]):.4f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 4: categorical cross-entropy
#
# Write `cross_entropy(prob, target)` that returns the loss as a float.
#
# - In: `prob` of shape $(N, C)$, each row a probability distribution (for example a softmax output; entries may be exactly 0).
#   `target` is **either** integer labels of shape $(N,)$ (the right class of each row) **or** one-hot rows of shape $(N, C)$.
# - Out: $-\frac{1}{N}\sum_{n}\sum_{k} y_{nk}\log p_{nk}$: minus the mean over the batch of the log probability of the right class.
# - Clip first: `np.clip(prob, 1e-12, 1.0)`, so that neither $\log 0$ nor $0 \cdot \log 0$ appears.
#
# Hint: `target.ndim` tells the two formats apart; `prob[np.arange(N), labels]` picks one entry per row.

# %% tags=["exercise"] exercise_id="ex03_cross_entropy" slideshow={"slide_type": "fragment"}
def cross_entropy(prob, target):
    """Categorical cross-entropy, averaged over the batch.

    Parameters
    ----------
    prob : numpy.ndarray of float, shape (N, C)
        Rows of class probabilities (entries may be exactly 0).
    target : numpy.ndarray, shape (N,) of int labels in [0, C) or (N, C) one-hot

    Returns
    -------
    float
        -(1/N) * sum over n, k of y[n, k] * log(p[n, k]), with p clipped to [1e-12, 1].
    """
    ### BEGIN SOLUTION
    n, c = prob.shape
    y = np.eye(c)[target] if target.ndim == 1 else target  # (N, C) one-hot either way
    log_p = np.log(np.clip(prob, 1e-12, 1.0))
    return float(-np.sum(y * log_p) / n)
    ### END SOLUTION


# %% tags=["check"]
check("ex03_cross_entropy", cross_entropy)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. Why cross-entropy rather than MSE for classification
#
# Nothing stops us from training a sigmoid output with MSE, $(\sigma(z) - t)^2$. It works badly, and the reason is the gradient that reaches the logit $z$.
# By the chain rule, with $\hat{y} = \sigma(z)$ and $\sigma'(z) = \hat{y}(1 - \hat{y})$:
#
# $$\frac{\partial}{\partial z} (\hat{y} - t)^2 = 2(\hat{y} - t)\,\hat{y}(1 - \hat{y}), \qquad \frac{\partial}{\partial z} \big[-t\log\hat{y} - (1-t)\log(1 - \hat{y})\big] = \hat{y} - t.$$
#
# For a **confident, wrong** prediction (say $t = 1$ and $z = -8$, so $\hat{y} \approx 0.0003$) the factor $\hat{y}(1 - \hat{y})$ is almost 0: the sigmoid *saturates* and MSE's gradient vanishes, exactly when the model most needs correcting.
# With cross-entropy the $\sigma'$ cancels, and the gradient is $\hat{y} - t \approx -1$: the largest possible push.

# %%
plot_loss_vs_logit(target=1.0)
plt.tight_layout()
plt.show()

# %%
for z0 in (-8.0, -4.0, 0.0, 4.0):
    y0 = nn.sigmoid(np.array([z0]))[0]
    print(f"z = {z0:+.0f}: y_hat = {y0:.4f}   dL/dz  MSE {2 * (y0 - 1) * y0 * (1 - y0):+.5f}   "
          f"cross-entropy {y0 - 1:+.5f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The effect on training: a one-input logistic regression whose weights start confidently wrong ($w = -6$, so every sample is predicted on the wrong side, most with a probability below 0.001 for the truth), trained by gradient descent with each loss, the same learning rate and the same number of steps.

# %%
x_cls = np.concatenate([rng.normal(-1.5, 0.7, 30), rng.normal(1.5, 0.7, 30)])  # (60,)
t_cls = np.repeat([0.0, 1.0], 30)  # (60,)
acc = {"MSE": [], "cross-entropy": []}
for name in acc:
    w, b = -6.0, 0.0  # confidently wrong start
    for _ in range(150):
        y_hat = nn.sigmoid(w * x_cls + b)
        acc[name].append(np.mean((y_hat > 0.5) == t_cls))
        if name == "MSE":
            dz = nn.mse_loss(y_hat, t_cls)[1] * y_hat * (1 - y_hat)  # chain rule through sigmoid
        else:
            dz = nn.binary_cross_entropy_with_logits(w * x_cls + b, t_cls)[1]  # (y_hat - t) / N
        w, b = w - 1.0 * dz @ x_cls, b - 1.0 * dz.sum()
    reached = np.flatnonzero(np.array(acc[name]) >= 0.9)
    when = f"reaches 90% accuracy at step {reached[0]}" if reached.size else "never reaches 90%"
    print(f"{name:14s}: {when}; accuracy after 150 steps {acc[name][-1]:.2f}")

# %%
plot_curves(np.arange(150), acc, xlabel="gradient step", ylabel="training accuracy",
            title="from a confidently wrong start")
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# With cross-entropy the model recovers within a few steps. With MSE it is stuck: every sample sits on the flat tail of the sigmoid, where the gradient is about a thousand times too small.
# (Started less badly, at $w = -4$, MSE does recover, but some twenty times more slowly.)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6. Convexity: what it does and does not mean
#
# > **Common misconception.** "We use MSE because it is convex, so gradient descent finds the global minimum."
# >
# > MSE is convex **in the prediction** $\hat{y}$: $(\hat{y} - t)^2$ is a parabola.
# > MAE, $|\hat{y} - t|$, is convex in $\hat{y}$ as well.
# > Binary cross-entropy is convex in $\hat{y}$ on $(0, 1)$, and also in the logit $z$: with $\hat{y} = \sigma(z)$ it equals $\log(1 + e^{-z})$ for $t = 1$ and $\log(1 + e^{z})$ for $t = 0$, and both curve upwards everywhere.
# >
# > But training moves the **weights**.
# > A convex function of something *affine* in the weights (a linear function of the weights plus a constant, such as $Xw + b$) is convex in the weights: along any straight line in weight space, $Xw + b$ also moves along a straight line (or stays put), and a convex function is convex along every line.
# > Two cases fit this rule: linear regression, whose MSE is convex in $\hat{y} = Xw + b$, and logistic regression, whose cross-entropy is convex in the logit $z = Xw + b$, although $\hat{y} = \sigma(z)$ itself is not linear in the weights.
# > An MSE after a sigmoid does not fit: as a function of the bias $b$ alone it stays between 0 and 1 without being constant, and a convex function on the whole line that is bounded is constant, so that loss is not convex in the weights.
# > As soon as there is a hidden layer, the output is not affine in the weights, and the loss over the weights is **not convex, for any of these losses**.
# > Convexity is not why we pick a loss; its gradients are.
#
# The demonstration below takes 1-D slices of the loss: $L(\theta + \alpha d)$ for a direction $d$ in weight space.
# A convex function is convex along every line, so a single slice that dips, rises, and dips again proves non-convexity.
#
# For the network we use a neat trick: a network with 2 hidden units computes the same function when the two units are swapped, so the "teacher" weights $\theta$ and the swapped weights $\theta'$ both have the lowest possible loss, while the weights halfway between (the two units averaged) do not.

# %%
X_cv = rng.normal(0, 1, size=(50, 2))  # (N, D) = (50, 2)
W1, b1 = np.array([[2.0, -1.0], [1.0, 2.0]]), np.array([0.5, -0.5])  # teacher: 2 tanh units
w2, b2 = np.array([1.5, -2.0]), 0.3


def tiny_net(X, W1, b1, w2, b2):
    return np.tanh(X @ W1 + b1) @ w2 + b2  # (N, D) -> (N, 2) -> (N,)


theta = (W1, b1, w2, b2)
theta_swap = (W1[:, ::-1], b1[::-1], w2[::-1], b2)  # hidden units 1 and 2 swapped
t_net = tiny_net(X_cv, *theta)  # regression targets: the teacher's outputs
p_net = nn.sigmoid(t_net)  # classification targets: the teacher's probabilities
print("same outputs after the swap:", np.allclose(tiny_net(X_cv, *theta_swap), t_net))

# %%
alphas = np.linspace(-0.5, 1.5, 81)
net_mse, net_bce = [], []
for a in alphas:
    params = [(1 - a) * p0 + a * p1 for p0, p1 in zip(theta, theta_swap, strict=True)]
    out = tiny_net(X_cv, *params)
    net_mse.append(nn.mse_loss(out, t_net)[0])
    net_bce.append(nn.binary_cross_entropy_with_logits(out, p_net)[0])
print(f"MSE at alpha = 0, 0.5, 1: {net_mse[20]:.4f}, {net_mse[40]:.4f}, {net_mse[60]:.4f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# For comparison, slices of the two convex cases along a random direction $d$ in weight space: linear regression with MSE, logistic regression with cross-entropy, both on the same inputs.
# A numerical test of convexity along a slice: the second differences $L(\alpha_{i+1}) - 2L(\alpha_i) + L(\alpha_{i-1})$ are never negative.
# One more slice fails the test without any hidden layer: the same logistic model, the same direction, but the MSE of its probability $\sigma(Xw + b)$.
# The figure shows the two convex slices next to the network's two; each curve is rescaled to $[0, 1]$ so that all four share an axis, and shifting and scaling a curve changes neither its convexity nor where its minima are.

# %%
w_lin, d_w, d_b = rng.normal(size=2), rng.normal(size=2), rng.normal()
t_lin = X_cv @ np.array([1.0, -2.0]) + 0.5
t_bin = (t_lin > 0).astype(float)
z_line = [X_cv @ (w_lin + 2 * a * d_w) + 2 * a * d_b for a in alphas]  # Xw + b along the slice
lin_mse = [nn.mse_loss(z, t_lin)[0] for z in z_line]  # linear regression: the prediction is z
log_bce = [nn.binary_cross_entropy_with_logits(z, t_bin)[0] for z in z_line]
sig_mse = [nn.mse_loss(nn.sigmoid(z), t_bin)[0] for z in z_line]
for name, curve in {"linear regression, MSE": lin_mse, "logistic regression, BCE": log_bce,
                    "sigmoid output, MSE": sig_mse, "tiny network, MSE": net_mse,
                    "tiny network, BCE": net_bce}.items():
    print(f"{name:26s}: smallest second difference {np.min(np.diff(curve, 2)):+.2e}")

# %%
def rescaled(curve):  # to [0, 1]: shifting and scaling keep a curve convex or not convex
    curve = np.asarray(curve)
    return (curve - curve.min()) / (curve.max() - curve.min())


fig, axes = plt.subplots(1, 2, figsize=(11, 4))
plot_curves(alphas, {"linear regression, MSE": rescaled(lin_mse),
                     "logistic regression, BCE": rescaled(log_bce)},
            ax=axes[0], xlabel="$\\alpha$ along a random direction",
            ylabel="loss, rescaled to [0, 1]", title="convex in the weights")
plot_curves(alphas, {"tiny network, MSE": rescaled(net_mse), "tiny network, BCE": rescaled(net_bce)},
            ax=axes[1], xlabel="$\\alpha$ ($\\theta$ at 0, swapped $\\theta'$ at 1)",
            ylabel="loss, rescaled to [0, 1]", title="a network: not convex in the weights")
plt.tight_layout()
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# The network's slices have two equally good valleys with a hill between them: not convex, whatever the loss.
# Every network with a hidden layer has such symmetries, and many more bumps besides.
# In practice gradient descent still finds good weights, which is a topic of chapter 04; but it is not because the loss is convex.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7. Numerical care: no log(0), no overflow
#
# The formulas are simple; computing them in floating point needs care in two places.
#
# **1. log(0).** A predicted probability can come out as exactly 0 or 1 in float64.
# Near 1 it happens early: the largest float64 below 1 is $1 - 2^{-53} \approx 1 - 1.1 \times 10^{-16}$, so $\sigma(40) = 1 - 4.2 \times 10^{-18}$ is stored as exactly 1, and $1 - \hat{y}$ is 0.
# Near 0 there is far more room: $\sigma(-40) \approx 4.2 \times 10^{-18}$ is stored as it is, and the sigmoid gives exactly 0 only below about $z = -745$.
# Then $\log 0 = -\infty$, and $0 \cdot \log 0$ is `nan`, which poisons every sum and gradient.
# The fix when you hold probabilities: clip them to $[\varepsilon, 1 - \varepsilon]$ with $\varepsilon = 10^{-12}$ before the log.

# %%
for z_edge in (-746.0, -40.0, 40.0):
    s_edge = nn.sigmoid(np.array([z_edge]))[0]
    print(f"sigmoid({z_edge:+4.0f}) = {s_edge:.2g}   exactly 0: {s_edge == 0.0}   exactly 1: {s_edge == 1.0}")

# %%
p_edge = np.array([0.0, 1e-20, 0.5, 1.0])
with np.errstate(divide="ignore", invalid="ignore"):  # we overflow on purpose, quietly
    raw = np.log(p_edge)
    zero_times = 0.0 * raw
print("log(p)           :", raw)
print("0 * log(p)       :", zero_times)
print("log(clip(p))     :", np.log(np.clip(p_edge, nn.EPS, 1 - nn.EPS)))

# %% [markdown] slideshow={"slide_type": "subslide"}
# **2. Overflow in the softmax.** $e^{1000}$ does not fit in a float64 (the limit is about $e^{709}$), so a naive softmax of scores around 1000 gives `inf / inf = nan`.
# Subtracting each row's maximum $m$ changes nothing mathematically, $\frac{e^{z_k}}{\sum_j e^{z_j}} = \frac{e^{z_k - m}}{\sum_j e^{z_j - m}}$, and then every exponent is $\le 0$.
# Better still, never form the probability and take its log: the **log-sum-exp** form
#
# $$\log \operatorname{softmax}(z)_k = (z_k - m) - \log \sum_j e^{z_j - m}$$
#
# is finite for any scores: no overflow, no $\log 0$. The same idea gives BCE from logits, $\max(z, 0) - zt + \log(1 + e^{-|z|})$ (`nn.binary_cross_entropy_with_logits`).

# %%
z_big = np.array([[1000.0, 998.0, 990.0]])
with np.errstate(over="ignore", invalid="ignore"):
    naive = np.exp(z_big) / np.exp(z_big).sum(axis=1, keepdims=True)
print("naive softmax      :", naive)
print("shifted softmax    :", nn.softmax(z_big))
print("log-sum-exp log p  :", nn.log_softmax(z_big))

# %% [markdown] slideshow={"slide_type": "subslide"}
# The cross-entropy of the right class, for two scores $(s, 0)$ with the right class second, as $s$ grows: the naive route (softmax, then log) breaks down; the log-sum-exp route is exact all the way (it is simply $\approx s$ for large $s$).

# %%
s_grid = np.linspace(-100, 800, 451)
S = np.column_stack([s_grid, np.zeros_like(s_grid)])  # (M, 2) scores, right class = 1
with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
    p_naive = np.exp(S) / np.exp(S).sum(axis=1, keepdims=True)
    ce_naive = -np.log(p_naive[:, 1])
ce_stable = -nn.log_softmax(S)[:, 1]
print(f"first s where the naive CE is not finite: {s_grid[~np.isfinite(ce_naive)][0]:.0f}")
ax = plot_curves(s_grid, {"naive: -log(softmax)": np.where(np.isfinite(ce_naive), ce_naive, np.nan),
                          "log-sum-exp": ce_stable}, xlabel="score $s$ of the wrong class",
                 ylabel="cross-entropy", title="the naive route fails past s = 710")
ax.lines[0].set(linewidth=7, alpha=0.4)  # the naive curve, drawn wide under the other
ax.lines[1].set(linestyle="--")
ax.axvline(709.8, color="crimson", linestyle=":", label="exp(s) overflows")
ax.legend()
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The fused softmax + cross-entropy and its gradient
#
# Because of both problems, libraries fuse the softmax and the cross-entropy into one function that takes the **scores** $S$ (shape $(N, C)$, before any softmax) and labels $y$.
# Its gradient is remarkably simple. For one sample with right class $c$,
#
# $$L = -\log \operatorname{softmax}(s)_c = -s_c + \log \sum_j e^{s_j}, \qquad \frac{\partial L}{\partial s_k} = -[k = c] + \frac{e^{s_k}}{\sum_j e^{s_j}} = \hat{y}_k - y_k,$$
#
# where $y$ is the one-hot target. For the batch mean, each row is divided by $N$:
#
# $$\frac{\partial L}{\partial S} = \frac{1}{N}(\hat{Y} - Y), \qquad \hat{Y} = \operatorname{softmax}(S) \text{ row by row}.$$
#
# Predicted minus target, exactly like the sigmoid with BCE. The library's `nn.softmax_cross_entropy` returns both, and a gradient check agrees:

# %%
S_demo = rng.normal(0, 2, size=(4, 3))  # (N, C)
y_demo = np.array([0, 2, 1, 2])  # (N,) labels
loss_demo, dS = nn.softmax_cross_entropy(S_demo, y_demo)
print(f"loss {loss_demo:.4f}")
print("dS = (softmax(S) - Y) / N:\n", dS)
err = nn.gradcheck(lambda S: nn.softmax_cross_entropy(S, y_demo)[0], S_demo.copy(), dS)
print(f"gradient check: largest relative error {nn.describe_error(err)}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 5: the fused, stable softmax + cross-entropy
#
# Write `softmax_cross_entropy(scores, y)` that returns `(loss, dscores)`.
#
# - In: `scores` of shape $(N, C)$, any real numbers (also around $\pm 1000$); `y` integer labels of shape $(N,)$.
# - Out: `loss` $= -\frac{1}{N}\sum_n \log\operatorname{softmax}(s_n)_{y_n}$ as a float, computed with log-sum-exp (subtract each row's max); `dscores` $= \frac{1}{N}(\operatorname{softmax}(S) - Y)$ of shape $(N, C)$, where $Y$ is one-hot.
#
# The check runs scores around $\pm 1000$ with floating-point warnings turned into errors, and compares your gradient with central differences of your own loss.

# %% tags=["exercise"] exercise_id="ex03_softmax_cross_entropy" slideshow={"slide_type": "fragment"}
def softmax_cross_entropy(scores, y):
    """Softmax and cross-entropy in one stable step, with the gradient.

    Parameters
    ----------
    scores : numpy.ndarray of float, shape (N, C)
        Raw scores (logits), any size.
    y : numpy.ndarray of int, shape (N,)
        The right class of each row, in [0, C).

    Returns
    -------
    loss : float
        -(1/N) * sum over n of log softmax(scores)[n, y[n]].
    dscores : numpy.ndarray of float, shape (N, C)
        (softmax(scores) - one_hot(y)) / N.
    """
    ### BEGIN SOLUTION
    n = scores.shape[0]
    shifted = scores - scores.max(axis=1, keepdims=True)  # every entry <= 0
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))  # (N, C)
    loss = -np.sum(log_p[np.arange(n), y]) / n
    dscores = np.exp(log_p)  # softmax
    dscores[np.arange(n), y] -= 1.0
    return float(loss), dscores / n
    ### END SOLUTION


# %% tags=["check"]
check("ex03_softmax_cross_entropy", softmax_cross_entropy)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - A loss measures how bad one prediction is; training minimises its **mean** over the data, and its gradient is divided by $N$ too.
# - Regression: MSE $= \frac{1}{N}\sum_{n,j}(\hat{y} - t)^2$ with gradient $\frac{2}{N}(\hat{Y} - T)$; the 1/2 convention halves both and gives the cleaner $\frac{1}{N}(\hat{Y} - T)$, with the same minimum. MAE $= \frac{1}{N}\sum|\hat{y} - t|$ with gradient $\frac{1}{N}\operatorname{sign}(\hat{Y} - T)$.
# - MSE follows the mean and is pulled by outliers; MAE follows the median and resists them.
# - A regression network's output has no activation: a sigmoid, tanh or softmax output cannot reach an unbounded target.
# - Binary classification: $\hat{y} = \sigma(x \cdot w + b)$ and BCE $= -\frac{1}{N}\sum[t\log\hat{y} + (1-t)\log(1-\hat{y})]$. A $64\times64\times3$ image is an $x$ of 12 288 entries and $w$ of shape $(12\,288,)$.
# - Independent labels: one sigmoid per class and a sum of BCEs. Exactly one label: softmax and CE $= -\frac{1}{N}\sum_n \log\hat{y}_{n,c_n}$.
# - Cross-entropy's gradient at the logit is $\hat{y} - t$; MSE's through a sigmoid carries $\sigma'(z)$ and vanishes on confident mistakes.
# - MSE, MAE and cross-entropy are convex in the prediction (cross-entropy also in the logit); in the weights, a loss is convex when it is a convex function of $Xw + b$ (linear regression with MSE, logistic regression with cross-entropy), and a network's loss is not convex for any of them.
# - Never take $\log 0$: clip probabilities, or better work from scores with log-sum-exp. The fused softmax + cross-entropy has gradient $\frac{1}{N}(\hat{Y} - Y)$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Check your understanding
#
# 1. You switch from `mse_loss(..., half=False)` to `half=True` and keep the learning rate. What changes in training?
#
# <!-- BEGIN SOLUTION -->
# The gradient is halved, so every step is half as long: it is the same as halving the learning rate. The minimum, and so the weights training converges to (with a small enough step), do not change.
# <!-- END SOLUTION -->
#
# 2. Targets are 1, 2, 3, 4 and 100. Which constant prediction minimises the MSE, and which the MAE?
#
# <!-- BEGIN SOLUTION -->
# MSE: the mean, 22. MAE: the median, 3. The outlier 100 drags the mean far from the other four targets; the median ignores how far away it is.
# <!-- END SOLUTION -->
#
# 3. A photo may show a cat, a dog, both, or neither. Which output layer and loss? And if every photo shows exactly one of cat, dog or bird?
#
# <!-- BEGIN SOLUTION -->
# Independent labels: two outputs, one sigmoid each, and the sum of two binary cross-entropies (averaged over the batch). Exactly one of three: three scores, a softmax, and the categorical cross-entropy (in practice the fused softmax + cross-entropy on the scores).
# <!-- END SOLUTION -->
#
# 4. A sigmoid output predicts $\hat{y} = 0.001$ for a sample whose label is 1. Compare the gradients that MSE and cross-entropy send to the logit.
#
# <!-- BEGIN SOLUTION -->
# Cross-entropy: $\hat{y} - t = -0.999$. MSE: $2(\hat{y} - t)\hat{y}(1 - \hat{y}) \approx 2 \cdot (-0.999) \cdot 0.001 \approx -0.002$, about 500 times smaller: the saturated sigmoid almost blocks the MSE signal.
# <!-- END SOLUTION -->
#
# 5. Is the MSE of a network with one hidden layer convex in its weights? Give a one-line argument.
#
# <!-- BEGIN SOLUTION -->
# No. Swapping two hidden units gives different weights with the same loss; if the loss is at its minimum there, convexity would force the whole segment between them to be a minimum too, but the averaged weights (two identical units) compute a different function with a higher loss.
# <!-- END SOLUTION -->
#
# 6. Why is `-np.log(nn.softmax(S))[np.arange(N), y]` worse than `-nn.log_softmax(S)[np.arange(N), y]`?
#
# <!-- BEGIN SOLUTION -->
# The softmax can round a tiny probability to exactly 0 (for a score gap beyond about 745), and then the log is $-\infty$. log-sum-exp computes the log probability directly as $(s_k - m) - \log\sum_j e^{s_j - m}$, which stays finite and exact.
# <!-- END SOLUTION -->

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Further reading
#
# - I. Goodfellow, Y. Bengio and A. Courville, *Deep Learning*, MIT Press, 2016, section 6.2 "Gradient-based learning" (cost functions and output units).
# - C. M. Bishop, *Pattern Recognition and Machine Learning*, Springer, 2006, sections 4.3.2 and 4.3.4 (logistic regression and the softmax).
# - M. Nielsen, *Neural Networks and Deep Learning*, chapter 3 "Improving the way neural networks learn" (the cross-entropy cost).
# - P. J. Huber, "Robust estimation of a location parameter", *Annals of Mathematical Statistics*, 1964.
