# %% [markdown] slideshow={"slide_type": "slide"}
# # 10 · Transfer learning
#
# A network trained on one task (the **source**) has learned features; transfer learning reuses them for another task (the **target**), where labels may be scarce.
# This chapter loads a network pre-trained on the handwritten digits 0–4 and adapts it to the digits 5–9, images it has never seen, then measures honestly when that helps.
#
# **What you will learn**
#
# - why early layers tend to learn generic features and later layers task-specific ones, and how to see it (first-layer weights as images, a linear head on each layer's features);
# - the two ways to reuse a pre-trained network: a **frozen feature extractor** with a new head, or **fine-tuning** some or all layers with a small learning rate (a learning rate per group of layers);
# - how many layers to retrain, given how much target data you have and how similar the tasks are;
# - the experiment: from scratch, frozen features and full fine-tuning with 10, 50 and 130 labels per class, over 3 seeds;
# - that pre-training does not always raise the final accuracy: it mainly saves labels (and, for large networks, training time), and only when the source features suit the target.
#
# **Prerequisites**: chapter 05 (`nn.Sequential`, forward and backward), chapter 06 (SGD, Adam, `nn.fit`), chapter 07 (He initialization), chapter 08 (dropout, train and evaluation modes).
#
# Notation: an image $x$ is a row of 64 pixels, and a batch $X$ stacks $N$ of them, shape $(N, 64)$.
# The network maps $X$ through the hidden layers $H_1 = \mathrm{relu}(X W_1 + b_1)$ of shape $(N, 64)$ and $H_2 = \mathrm{relu}(H_1 W_2 + b_2)$ of shape $(N, 32)$ to the scores $S = H_2 W_3 + b_3$ of shape $(N, 5)$, one per class.
# The weights have shapes $W_1$ $(64, 64)$, $W_2$ $(64, 32)$, $W_3$ $(32, 5)$, and the biases $b_1$ $(64,)$, $b_2$ $(32,)$, $b_3$ $(5,)$.
# We call $W_3, b_3$ the **head** and the layers below it the **body**.
#
# You will write five functions, each followed by a check cell.

# %% slideshow={"slide_type": "skip"}
import matplotlib.pyplot as plt
import numpy as np

from utils import data, nn, pretrain
from utils.checks import check
from utils.experiments.transfer import (
    linear_probe_accuracy,
    steps_to_reach,
    transfer_experiment,
    transfer_subset,
    transfer_target_data,
)
from utils.persistence import load
from utils.plots import (
    plot_digit_rows,
    plot_first_layer_filters,
    plot_probe_accuracy,
    plot_transfer_accuracy,
    plot_transfer_curves,
)
from utils.widgets import transfer_explorer

SEED = 10
rng = np.random.default_rng(SEED)
np.set_printoptions(precision=4, suppress=True)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. The source network and the target task
#
# `python -m utils.pretrain` trained a 64 → 64 → 32 → 5 ReLU network with Adam for 40 epochs on the digits 0–4 of scikit-learn's 8×8 digits (pixels divided by 16, a stratified 70/15/15 split with seed 0), and saved it to a weights file the course ships.
# We never pre-train in this notebook: we load the file (`utils.persistence.load`, plain arrays and a JSON description, no pickle).

# %%
source = load(pretrain.WEIGHTS)
(Xs_tr, ys_tr), (Xs_va, ys_va), (Xs_te, ys_te) = pretrain.source_data()
print(source)
print(f"source task (digits 0-4), test accuracy: {nn.accuracy(source.eval().forward(Xs_te), ys_te):.3f}"
      f" on {len(ys_te)} images")

# %% [markdown] slideshow={"slide_type": "subslide"}
# The target task: the digits 5–9, relabelled 0–4 (label $c$ means digit $c + 5$).
# The source network never saw a single 5, 6, 7, 8 or 9: it was trained on the digits 0–4 only.
# We hold out 40 images per digit as a fixed test set; the labelled training sets are drawn from the rest (the pool).
#
# The classic version of this experiment uses 10, 50 and 200 labelled images per class, but scikit-learn's digits have only 174 to 182 images of each digit, so after the test set at most 134 remain for the rarest one (the 8).
# Our largest setting is therefore **130** images per class.

# %%
(X_pool, y_pool), (X_test, y_test) = transfer_target_data()
print(f"pool: {len(y_pool)} images, per class {np.bincount(y_pool)}")
print(f"test: {len(y_test)} images, per class {np.bincount(y_test)}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. What the layers learned: generic first, specific last
#
# Each unit $j$ of the first layer computes $\mathrm{relu}(x \cdot W_1[:, j] + b_{1,j})$: it responds to images that look like its column of weights.
# A column has 64 numbers, one per pixel, so we can draw it as an 8×8 image (red: a bright pixel there raises the unit's input, blue: lowers it).
# Left, the weights before pre-training (the same He draw `utils.pretrain` started from); middle, after; right, the change (after minus before), each image scaled to its own largest weight.

# %%
initial = pretrain.build_model(np.random.default_rng(pretrain.SEED + 1))  # pretrain's first draw
W_before, W_after = initial[0].params["W"], source[0].params["W"]  # (64, 64): pixel x unit
fig, axes = plt.subplots(1, 3, figsize=(15, 5.4))
plot_first_layer_filters(W_before, ax=axes[0], title="$W_1$ before pre-training")
plot_first_layer_filters(W_after, ax=axes[1], title="$W_1$ after pre-training on 0-4")
plot_first_layer_filters(W_after - W_before, ax=axes[2], title="the change: after - before")
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# The trained weights still look noisy: with 631 training images and 40 epochs, training added to the random draw rather than replacing it.
# The change shows what was learned: smooth blobs and strokes of ink, a few of them shaped like whole digits, which respond to "ink here, no ink there" and mean something for any handwritten digit.
# One unit (the blank square in the right panel) did not change at all: its ReLU never fired on the training images, so it never received a gradient (a dead unit).
# How far each layer's weights moved (relative change $\lVert W - W_0 \rVert / \lVert W_0 \rVert$):

# %%
for k in (0, 2, 4):
    W0, W = initial[k].params["W"], source[k].params["W"]
    print(f"layer {k // 2 + 1} {str(W.shape):>9}: relative change {np.linalg.norm(W - W0) / np.linalg.norm(W0):.3f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### A linear head on each layer's features
#
# A better test of "generic or specific" is to ask how useful each layer's output is for a task.
# Freeze the network, cut it after $d$ layers, and train only a new linear head (a logistic regression) on the features there: $d = 0$ is the raw pixels, $d = 1$ is $H_1$ (64 features), $d = 2$ is $H_2$ (32 features).
# We do it for the source task (digits 0–4, its own training images) and for the target task (digits 5–9, 50 labels per class).

# %%
X50, y50 = transfer_subset(X_pool, y_pool, 50, rng=rng)  # X50 (250, 64)
probe = {"source: digits 0-4": {}, "target: digits 5-9": {}}
for d, label in enumerate(("pixels", "after layer 1", "after layer 2")):
    probe["source: digits 0-4"][label] = linear_probe_accuracy(
        load(pretrain.WEIGHTS), d, Xs_tr, ys_tr, Xs_te, ys_te, rng=rng)
    probe["target: digits 5-9"][label] = linear_probe_accuracy(
        load(pretrain.WEIGHTS), d, X50, y50, X_test, y_test, rng=rng)
for task, accs in probe.items():
    print(f"{task}: " + ", ".join(f"{k} {v:.3f}" for k, v in accs.items()))
plot_probe_accuracy(probe)
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# - For the source task every layer helps: the features after layer 2 separate the digits 0–4 best, because that is what they were trained for.
# - For the target task the features after layer 1 lose a little against the raw pixels, and those after layer 2 lose much more: layer 2 has specialised in telling 0–4 apart and threw away much of what distinguishes a 5 from an 8.
#
# This is the pattern Yosinski et al. (2014) measured in large image networks: the first layers are **generic** (they transfer), the last ones **specific** to the source task.
# Here, with a small source task and only two hidden layers, specialisation starts already at layer 2.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. Two ways to reuse a pre-trained network
#
# Both start the same way: keep the body, throw away the source head (it scores the source classes), and put a new, randomly initialised head for the target classes on top.
#
# 1. **Feature extractor.** Freeze the body; train only the new head. Cheap (only the head's gradient is needed, so backpropagation stops at the head), and safe with very few labels, but the features cannot adapt.
# 2. **Fine-tuning.** Train the body too, usually with a **smaller learning rate** than the head (the body starts from good values and should move little; the head starts from random values). Often the first layers stay frozen and only the upper ones are fine-tuned.
#
# How much to freeze depends on how much target data you have and how similar the tasks are:
#
# | | target similar to source | target different from source |
# |---|---|---|
# | **few labels** | frozen features + new head | freeze only the first layers (or use features from an earlier layer); fine-tune the rest gently |
# | **many labels** | fine-tune everything with a small learning rate | fine-tune everything, or train from scratch: pre-training may bring little |
#
# "Similar" means the features the source needed are those the target needs: photos → other photos, not photos → X-rays.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 1: freeze the first k layers
#
# Write `freeze_up_to(model, k)` for an `nn.Sequential` of `Linear` and `ReLU` layers.
#
# - The first `k` **Linear** layers (counted from the input; ReLUs have no parameters and do not count) are frozen with `layer.freeze()`; every later Linear layer is unfrozen with `layer.unfreeze()` (an earlier call may have frozen it).
# - `k` must be an integer in $[0, L]$ where $L$ is the number of Linear layers; otherwise raise `ValueError` with a message starting `"freeze_up_to:"`. $k = 0$ is full fine-tuning, $k = L$ freezes the head too.
# - Return the model.
#
# The optimizers of `utils.nn` skip every layer whose attribute `frozen` is `True`, which `freeze()` sets.

# %% tags=["exercise"] exercise_id="ex10_freeze_up_to" slideshow={"slide_type": "fragment"}
def freeze_up_to(model, k):
    """Freeze the first k Linear layers of model, unfreeze the others.

    Parameters
    ----------
    model : nn.Sequential
        Linear and activation layers.
    k : int
        In [0, number of Linear layers].

    Returns
    -------
    nn.Sequential
        The same model.
    """
    ### BEGIN SOLUTION
    linears = [layer for layer in model.layers if isinstance(layer, nn.Linear)]
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or not 0 <= k <= len(linears):
        raise ValueError(f"freeze_up_to: k must be an int in [0, {len(linears)}], got {k!r}")
    for j, layer in enumerate(linears):
        if j < k:
            layer.freeze()
        else:
            layer.unfreeze()
    return model
    ### END SOLUTION


# %% tags=["check"]
check("ex10_freeze_up_to", freeze_up_to)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 2: a new head
#
# Write `replace_head(model, n_classes, *, rng)`: replace the last layer of `model` (a `Linear` with `in_features` inputs) by a new `nn.Linear(in_features, n_classes, rng=rng)`, and return the model.
#
# - Use exactly that call (default He initialization, drawn from `rng`): the check compares your head's weights with it.
# - Replace, do not append: `model[-1] = ...` (`nn.Sequential` supports item assignment).
# - Build a new layer even when `n_classes` equals the old number of classes: the old head's weights score the source classes and mean nothing for the new ones.

# %% tags=["exercise"] exercise_id="ex10_replace_head" slideshow={"slide_type": "fragment"}
def replace_head(model, n_classes, *, rng):
    """Replace the last Linear layer by a fresh one with n_classes outputs.

    Parameters
    ----------
    model : nn.Sequential
        Its last layer is a Linear of shape (in_features, old number of classes).
    n_classes : int
    rng : numpy.random.Generator

    Returns
    -------
    nn.Sequential
        The same model; its last layer maps in_features -> n_classes.
    """
    ### BEGIN SOLUTION
    in_features = model[-1].in_features
    model[-1] = nn.Linear(in_features, n_classes, rng=rng)
    return model
    ### END SOLUTION


# %% tags=["check"]
check("ex10_replace_head", replace_head)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 3: a learning rate per group of layers
#
# Fine-tuning gives the body a small learning rate and the head a larger one.
# The optimizers of `utils.nn` accept **parameter groups**, `nn.Adam([{"params": [model[0], model[2]], "lr": 1e-3}, {"params": [model[4]], "lr": 1e-2}])`; write the SGD version of that step yourself.
#
# `grouped_sgd_step(groups)`: `groups` is a list of dicts, each with `"params"` (a list of layers) and `"lr"` (a float).
# For every group, every layer of the group that is **not frozen**, and every parameter name of the layer (`"W"` and `"b"`):
#
# $$p \leftarrow p - \eta_{\text{group}} \, \frac{\partial L}{\partial p},$$
#
# in place: `layer.params[name] -= lr * layer.grads[name]`.
# Skip frozen layers entirely: their `grads` may hold stale gradients from an earlier backward pass.

# %% tags=["exercise"] exercise_id="ex10_grouped_sgd_step" slideshow={"slide_type": "fragment"}
def grouped_sgd_step(groups):
    """One SGD step with a learning rate per group; frozen layers are skipped.

    Parameters
    ----------
    groups : list of dict
        Each {"params": list of layers, "lr": float}.

    Returns
    -------
    None
        The layers' params are updated in place.
    """
    ### BEGIN SOLUTION
    for group in groups:
        lr = group["lr"]
        for layer in group["params"]:
            if layer.frozen:
                continue
            for name in layer.params:
                layer.params[name] -= lr * layer.grads[name]
    ### END SOLUTION


# %% tags=["check"]
check("ex10_grouped_sgd_step", grouped_sgd_step)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. The fine-tuning loop
#
# The training loop is that of `nn.fit`, with one thing to watch: networks that use dropout (or batch normalization) behave differently in training and in evaluation.
# Measuring accuracy in training mode measures a random thinned network, and forgetting to switch back trains the next epoch without dropout.
#
# ### Exercise 4: evaluate
#
# Write `evaluate(model, X, y)`: put the model in evaluation mode (`model.eval()`), compute the scores $S$ of shape $(N, C)$ for `X` of shape $(N, D)$, and return the accuracy, the fraction of rows whose largest score is the label `y[i]` (a float in $[0, 1]$; `nn.accuracy(scores, y)` computes it).
# Leave the model in evaluation mode; the training loop of exercise 5 switches it back with `model.train()` at the start of every epoch.
# (Chapter 11's `evaluate` will instead restore whatever mode it found, which is safer in loops that do not switch back themselves; here the check expects evaluation mode.)

# %% tags=["exercise"] exercise_id="ex10_evaluate" slideshow={"slide_type": "fragment"}
def evaluate(model, X, y):
    """Accuracy of model on (X, y), in evaluation mode.

    Parameters
    ----------
    model : nn.Module
    X : numpy.ndarray, shape (N, D)
    y : numpy.ndarray of int, shape (N,)

    Returns
    -------
    float
        Fraction of correct predictions; the model is left in evaluation mode.
    """
    ### BEGIN SOLUTION
    model.eval()
    return nn.accuracy(model.forward(X), y)
    ### END SOLUTION


# %% tags=["check"]
check("ex10_evaluate", evaluate)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Exercise 5: fine_tune
#
# Write `fine_tune(model, X, y, optimizer, *, X_val, y_val, epochs, batch_size, rng)`, returning the list of validation accuracies, one per epoch.
# For each of the `epochs` epochs, in this order:
#
# 1. `model.train()`;
# 2. for each mini-batch `xb, yb` of `data.minibatches(X, y, batch_size, rng=rng)` (a fresh shuffle every epoch): `scores = model.forward(xb)`, then `loss, dscores = nn.softmax_cross_entropy(scores, yb)`, then `model.backward(dscores)`, then `optimizer.step()`;
# 3. append `evaluate(model, X_val, y_val)` (your function from exercise 4).
#
# `backward` overwrites the gradients, so nothing needs zeroing here; what matters is the order: backward, then step, once per batch.
# The optimizer already knows which layers are frozen and which learning rate each group gets.

# %% tags=["exercise"] exercise_id="ex10_fine_tune" slideshow={"slide_type": "fragment"}
def fine_tune(model, X, y, optimizer, *, X_val, y_val, epochs, batch_size, rng):
    """Train model on (X, y) with optimizer; validation accuracy after each epoch.

    Parameters
    ----------
    model : nn.Sequential
    X : numpy.ndarray, shape (N, D)
    y : numpy.ndarray of int, shape (N,)
    optimizer : object with step()
    X_val, y_val : validation data
    epochs, batch_size : int
    rng : numpy.random.Generator
        Shuffles the rows each epoch.

    Returns
    -------
    list of float
        One validation accuracy per epoch.
    """
    ### BEGIN SOLUTION
    history = []
    for _ in range(epochs):
        model.train()
        for xb, yb in data.minibatches(X, y, batch_size, rng=rng):
            scores = model.forward(xb)
            _, dscores = nn.softmax_cross_entropy(scores, yb)
            model.backward(dscores)
            optimizer.step()
        history.append(evaluate(model, X_val, y_val))
    return history
    ### END SOLUTION


# %% tags=["check"]
check("ex10_fine_tune", fine_tune)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Your functions together
#
# Fine-tune the pre-trained network on the digits 5–9 with 10 labels per class: a new head, the first layer frozen, the second layer with learning rate 0.003 and the head with 0.01 (Adam with two groups).
# The validation set here is the test set of the target task.

# %%
X10, y10 = transfer_subset(X_pool, y_pool, 10, rng=rng)  # X10 (50, 64), y10 (50,)
model = freeze_up_to(replace_head(load(pretrain.WEIGHTS), 5, rng=rng), 1)
opt = nn.Adam([{"params": [model[2]], "lr": 0.003}, {"params": [model[4]], "lr": 0.01}])
accs = fine_tune(model, X10, y10, opt, X_val=X_test, y_val=y_test, epochs=30, batch_size=16,
                 rng=rng)
print("frozen:", [layer.frozen for layer in model.layers if isinstance(layer, nn.Linear)])
print("test accuracy every 5 epochs:", " ".join(f"{a:.3f}" for a in accs[4::5]))

# %% [markdown] slideshow={"slide_type": "fragment"}
# The accuracy climbs, but stays well below the 0.935 that a network trained from scratch reaches on 50 images (10 per class) in section 5: section 5 explains why.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. The experiment: from scratch, frozen features, fine-tuning
#
# Target task: digits 5–9 with $n = 10$, 50 and 130 labelled images per class.
# Three methods, each trained with Adam for 150 steps of mini-batches of 32 (the same images and the same number of steps for every method):
#
# - **from scratch**: a fresh 64-64-32-5 network (He initialization), learning rate 0.01;
# - **frozen features**: the pre-trained body frozen (both hidden layers), a new head with learning rate 0.01;
# - **fine-tune all**: a new head with learning rate 0.01, and the whole pre-trained body trained with the smaller learning rate 0.003.
#
# Seeds 0, 1 and 2 draw the labelled images and the initial weights; the test accuracy is recorded every 10 steps.
# The experiment also runs two settings we use later: freezing only layer 1, and freezing everything (the head too).

# %%
results = transfer_experiment(label_counts=(10, 50, 130), seeds=(0, 1, 2))
MAIN = ("from scratch", "frozen features", "fine-tune all")
print(f"{'method':>16} | " + " | ".join(f"{n:>3} labels/class" for n in results["label_counts"]))
for m in MAIN:
    final = results["curves"][m][:, :, -1]  # (label counts, seeds)
    print(f"{m:>16} | " + " | ".join(f"{a:.3f} ± {s:.3f}   " for a, s in
                                       zip(final.mean(axis=1), final.std(axis=1), strict=True)))

# %% slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(1, 2, figsize=(13, 4.4))
plot_transfer_accuracy(results, MAIN, ax=axes[0],
                       title="Digits 5-9: test accuracy after 150 steps (mean ± std, 3 seeds)")
plot_transfer_curves(results, 10, MAIN, ax=axes[1], title="During training, 10 labels per class")
fig.subplots_adjust(wspace=0.25, bottom=0.15)
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# The result is not the textbook picture, and it is worth reading carefully.
#
# - **From scratch wins or ties at every label count.** The 8×8 digits are easy: 50 labelled images already train a small network to over 90%.
# - **Frozen features are the worst**, and more labels barely help: the 32 features after layer 2 are specific to the digits 0–4 (section 2), and a linear head cannot recover what they lost.
# - **Fine-tuning everything** recovers most of the gap as labels grow and matches scratch at 130 per class, but it is slower: its curve starts lower, because the specialised body first has to move.
#
# Pre-training did not raise the final accuracy here, and did not even save labels: the source task (631 images of five digits) is small and too different from the target for its upper layer to help.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6. When pre-training pays: a closely related target
#
# Section 5's target asked a new question (which of 5–9?) about digits the network had never seen.
# A closer relative keeps the question and changes the images, as when a classifier of clean scans has to work on the images of a new scanner.
# We build two such targets, both on images pre-training never trained on (the source's validation split, 27 per class, supplies the labelled images; its test split, 135 images, is the test set), each transformed in a way the source never saw:
#
# - **left columns erased**: the three leftmost pixel columns set to 0, as if the scanner missed the left edge of the page;
# - **mirrored**: each image flipped left to right.
#
# The labels stay the digits 0–4, so both targets stay close to the source task: only the images change.
# (A new grouping of the digits 0–4, say even against odd, would add nothing: the source network's own scores already answer it.)

# %%
def erase_left(X):  # (N, 64) -> (N, 64): pixel columns 0, 1 and 2 of each 8x8 image set to 0
    images = X.reshape(-1, 8, 8).copy()
    images[:, :, :3] = 0.0
    return images.reshape(-1, 64)


def mirror(X):  # (N, 64) -> (N, 64): each 8x8 image flipped left to right
    return X.reshape(-1, 8, 8)[:, :, ::-1].reshape(-1, 64)


related = {"left columns erased": erase_left, "mirrored": mirror}
first = [np.flatnonzero(ys_te == c)[0] for c in range(5)]  # one test image of each digit 0-4
plot_digit_rows({"original": Xs_te[first]} | {name: f(Xs_te[first]) for name, f in related.items()},
                title="Test images of the digits 0-4: untransformed, and the two targets")
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# The source network as it is, with its old head and no new labels, on the transformed test images (0.985 on the untransformed ones, section 1):

# %%
for name, f in related.items():
    print(f"{name:>19}: test accuracy {nn.accuracy(source.eval().forward(f(Xs_te)), ys_te):.3f}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# Both transformations hurt, mirroring much more.
# Now the experiment of section 5 on each target: the same three methods, Adam for 150 steps of mini-batches of 32, with 2, 5 and 20 labelled images per class, seeds 0, 1 and 2.

# %%
similar = {name: transfer_experiment((2, 5, 20), MAIN, data=((f(Xs_va), ys_va), (f(Xs_te), ys_te)))
           for name, f in related.items()}
for name, res in similar.items():
    print(f"{name:>19} | " + " | ".join(f"{n:>2} labels/class" for n in res["label_counts"]))
    for m in MAIN:
        final = res["curves"][m][:, :, -1]  # (label counts, seeds)
        print(f"{m:>19} | " + " | ".join(f"{a:.3f} ± {s:.3f}  " for a, s in
                                          zip(final.mean(axis=1), final.std(axis=1), strict=True)))

# %% slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(1, 2, figsize=(13, 4.4), sharey=True)
for ax, (name, res) in zip(axes, similar.items(), strict=True):
    plot_transfer_accuracy(res, MAIN, ax=ax, title=f"{name}: mean ± std, 3 seeds")
fig.subplots_adjust(wspace=0.1, bottom=0.15)
plt.show()

# %% [markdown] slideshow={"slide_type": "fragment"}
# To a person both targets still look like the digits 0–4, yet the results are opposite.
#
# - **Left columns erased: pre-training saves labels.** With 2 labels per class the frozen features beat training from scratch by 13 points (0.953 against 0.820), with 5 by 7 points; with 20 the three methods end within a point of each other.
#   Frozen features with 2 labels per class do about as well as training from scratch with 20.
#   A new head also beats keeping the old one (0.867): even when the classes are the same, the head is worth retraining on images of the new kind.
# - **Mirrored: pre-training does not help.** Frozen features are the worst at every label count, 11 to 14 points behind training from scratch, and fine-tuning does not beat training from scratch either.
#
# The reason is in section 2: each first-layer unit responds to ink at fixed pixel positions.
# With the left columns erased, the remaining strokes sit where they always did, so the units still respond to them as before; mirrored, every stroke lands on other pixels and the learned templates no longer match.
# "Similar" means similar for the features the network learned, not for our eyes.
#
# Does pre-training also save training time here?
# The number of steps until the mean test accuracy over the 3 seeds reaches 90%:

# %%
res = similar["left columns erased"]
for m in MAIN:
    reach = [steps_to_reach(res["curves"][m][a].mean(axis=0), res["steps"], 0.90) for a in (0, 2)]
    print(f"{m:>16}: steps to 90% with 2 / 20 labels per class: "
          + " / ".join("never" if np.isnan(r) else f"{r:.0f}" for r in reach))

# %% [markdown] slideshow={"slide_type": "fragment"}
# With 2 labels per class only the pre-trained networks get there at all: that is the labels saved again.
# With 20 labels per class, training from scratch is as fast as fine-tuning and faster than the frozen features, where only the new head, starting from random weights, can learn.
# So this small network does not show the time saved: it trains from scratch in a few dozen steps.
# The saving matters for large networks that take days to train: He et al. (2019), training large object detectors, found that pre-training speeds up convergence and that training from scratch catches up given enough time.
#
# In section 5, at 130 labels per class, fine-tuning and training from scratch also end level (0.977 and 0.970) while frozen features stay far behind (0.802).
# **Pre-training mainly saves labels (and, for large networks, time); it does not promise a better final accuracy**, and when the source features do not suit the target (digits 5–9, mirrored digits) it may not help at all.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7. Try it: how many layers to freeze?
#
# The slider chooses the labels per class, the dropdown how many pre-trained layers are frozen (0: fine-tune everything; 2: frozen features; 3: the head too).
# Left, the test accuracy during training; right, the final accuracy against the number of labels; both next to training from scratch.
# The results were computed above; nothing is trained when you move a control.
# Try freezing 0, 1, 2 layers at 10 labels per class, then at 130; then freeze all 3.

# %% tags=["nbval-ignore-output"]
transfer_explorer(results, n_labels=10, frozen="1 (freeze layer 1)")

# %% [markdown] slideshow={"slide_type": "fragment"}
# The more pre-trained layers stay frozen, the worse the result on this target task: the deeper a frozen layer, the more specific to the digits 0–4 its features.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - Early layers learn generic features (strokes, blobs: useful for any digit), later layers features specific to the source task. A linear head on each layer's features measures it.
# - To reuse a pre-trained network, replace its head by a new, randomly initialised one with one output per target class; then either freeze the body (feature extractor) or fine-tune some or all layers with a smaller learning rate for the body than for the head (parameter groups).
# - Freeze more when labels are few and the tasks similar; fine-tune more (or train from scratch) when labels are many or the tasks different.
# - Frozen layers must not move: the optimizer skips them, and backpropagation can stop above them.
# - Evaluate in evaluation mode (`model.eval()`), and switch back with `model.train()` before training again.
# - Pre-training mainly saves labels (and, for large networks, training time) when the source features suit the target (digits 0–4 with the left columns erased); it does not guarantee a better final accuracy, and a small or dissimilar source task may not help at all (digits 0–4 → 5–9, or mirrored digits, here).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Check your understanding
#
# 1. You have 20 labelled X-ray images per class and a network pre-trained on millions of photos. Which layers do you freeze, and why?
# 2. Why does fine-tuning usually use a smaller learning rate for the pre-trained layers than for the new head?
# 3. A classmate freezes the body with `layer.trainable = False` and reports that fine-tuning and feature extraction give identical results. What happened?
# 4. Your fine-tuned model with dropout reports a validation accuracy that changes every time you evaluate it, without training in between. What is wrong?
# 5. In section 5, fine-tuning matches training from scratch at 130 labels per class. Was pre-training useless there?
#
# <!-- BEGIN SOLUTION -->
#
# **Answers.**
# 1. Few labels and a different domain: freeze the first layers (generic edges and textures transfer), replace the head, and fine-tune the upper layers gently, or train a head on the features of an intermediate layer; the last layers of a photo network are specific to photo classes.
# 2. The body starts from useful values and a large step would destroy them (before the random new head has learned anything, its gradients are noisy); the head starts from random values and must move far.
# 3. Nothing reads `trainable`: the optimizer skips only layers whose `frozen` attribute is True, so the "frozen" body was trained too and both runs were the same full fine-tuning. Use `layer.freeze()`.
# 4. The model is evaluated in training mode: dropout drops random units at every forward pass. Call `model.eval()` before evaluating (and `model.train()` before training again).
# 5. For the final accuracy, yes: it brought nothing there. On a target whose images the features still fit it saves labels (section 6: 2 labels per class with frozen features do about as well as 20 from scratch), and it cost nothing but a file to load. Whether pre-training helps is an empirical question for each pair of tasks.
#
# <!-- END SOLUTION -->

# %% [markdown] slideshow={"slide_type": "skip"}
# ## Further reading
#
# - Yosinski, Clune, Bengio and Lipson, *How transferable are features in deep neural networks?* (2014).
# - Razavian, Azizpour, Sullivan and Carlsson, *CNN Features off-the-shelf: an Astounding Baseline for Recognition* (2014).
# - He, Girshick and Dollár, *Rethinking ImageNet Pre-training* (2019): pre-training speeds up convergence but, with enough target data and time, training from scratch catches up.
# - Howard and Ruder, *Universal Language Model Fine-tuning for Text Classification* (2018): discriminative learning rates per layer and gradual unfreezing.
# - Goodfellow, Bengio and Courville, *Deep Learning* (2016), section 15.2, "Transfer learning and domain adaptation".
