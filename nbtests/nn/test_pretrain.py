"""The pre-trained weights shipped with the course: checksum, size, accuracy, reproducibility."""

from utils import nn, pretrain
from utils.persistence import load


def test_shipped_weights_match_their_recorded_checksum_and_are_small():
    recorded = pretrain.CHECKSUM.read_text().strip()
    assert pretrain.sha256(pretrain.WEIGHTS) == recorded
    assert pretrain.WEIGHTS.stat().st_size < 1_000_000


def test_shipped_weights_classify_digits_0_to_4():
    model = load(pretrain.WEIGHTS).eval()
    (_, _), (_, _), (X_te, y_te) = pretrain.source_data()
    assert nn.accuracy(model.forward(X_te), y_te) >= 0.97


def test_rerunning_the_script_reproduces_the_accuracy():
    _, scores = pretrain.pretrain()
    model = load(pretrain.WEIGHTS).eval()
    (_, _), (_, _), (X_te, y_te) = pretrain.source_data()
    assert abs(scores["test"] - nn.accuracy(model.forward(X_te), y_te)) <= 0.02
