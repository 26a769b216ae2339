"""The search metric: a hard CLIP patch mask, background MSE, guarded min-max, ties to the smallest step."""

import pytest
import torch

from oir_agent.engine import metric
from oir_agent.engine.runtime import Runtime
from oir_agent.engine import geometry


def _view(mask, components, region="crop"):
    size, patch = metric.clip_geometry(components.clip)
    return metric.MaskedClipView.for_mask(mask, size, patch, region, 0.15, 0.5)


@pytest.mark.parametrize("region", ["crop", "full"])
def test_clip_mask_is_hard(components, region):
    rt = Runtime(components)
    text = rt.clip_text_features(["a red circle"])[0]
    torch.manual_seed(0)
    img = torch.rand(1, 3, 64, 96)
    mask = torch.zeros(64, 96, dtype=torch.bool)
    mask[8:40, 8:40] = True
    view = _view(mask, components, region)
    base = metric.edit_scores(rt, img, view, text, 8)
    outside = img.clone()
    outside[:, :, :, 56:] = torch.rand(1, 3, 64, 40)  # far right: outside the mask's patches
    outside[:, :, 52:, :] = 0.0
    same = metric.edit_scores(rt, outside, view, text, 8)
    assert torch.equal(base, same)  # bit-identical
    inside = img.clone()
    inside[:, :, 12:36, 12:36] = torch.rand(1, 3, 24, 24)
    changed = metric.edit_scores(rt, inside, view, text, 8)
    assert not torch.equal(base, changed)


def test_soft_mask_would_leak(components):
    """Control: without the mask, the outside change moves the feature (so the test above can fail)."""
    rt = Runtime(components)
    text = rt.clip_text_features(["a red circle"])[0]
    torch.manual_seed(0)
    img = torch.rand(1, 3, 64, 96)
    full = torch.ones(64, 96, dtype=torch.bool)
    view = _view(full, components, "full")
    other = img.clone()
    other[:, :, :, 56:] = torch.rand(1, 3, 64, 40)
    assert not torch.equal(metric.edit_scores(rt, img, view, text, 8), metric.edit_scores(rt, other, view, text, 8))


def test_tiny_mask_keeps_its_best_patch(components):
    size, patch = metric.clip_geometry(components.clip)
    mask = torch.zeros(64, 96, dtype=torch.bool)
    mask[30, 70] = True
    view = metric.MaskedClipView.for_mask(mask, size, patch, "full", 0.15, 0.5)
    assert view.keep.sum() == 1


def test_patch_coverage_mapping_exact():
    mask = torch.zeros(32, 32, dtype=torch.bool)
    mask[0:8, 0:8] = True  # patch (0, 0) fully
    mask[8:12, 8:16] = True  # patch (1, 1) half covered
    mask[16:17, 24:32] = True  # patch (2, 3) one eighth covered
    keep = geometry.patch_keep(mask, (0, 0, 32), grid=4, coverage=0.5).view(4, 4)
    expected = torch.zeros(4, 4, dtype=torch.bool)
    expected[0, 0] = expected[1, 1] = True
    assert torch.equal(keep, expected)


def test_background_score_ignores_the_edit_region():
    orig = torch.rand(3, 16, 16)
    mask = torch.zeros(16, 16, dtype=torch.bool)
    mask[4:8, 4:8] = True
    a = orig.clone()
    a[:, 4:8, 4:8] = 1 - a[:, 4:8, 4:8]  # only inside changes
    b = orig.clone()
    b[:, 0, 0] += 0.5  # one pixel outside changes
    s = metric.background_scores(torch.stack([orig, a, b]), orig, mask)
    assert s[0] == 0 and s[1] == 0 and s[2] < 0
    assert torch.isclose(s[2], torch.tensor(-3 * 0.5 ** 2 / (3 * (256 - 16))), atol=1e-7)  # 3 channels


def test_constant_term_contributes_zero_and_ties_go_to_smallest_step():
    s_e = torch.tensor([0.3, 0.3, 0.3, 0.3])
    s_ne = torch.tensor([-0.1, -0.2, -0.1, -0.4])
    score = metric.search_metric(s_e, s_ne)
    assert torch.allclose(score, 0.5 * torch.tensor([1.0, 2 / 3, 1.0, 0.0]))
    assert metric.best_index(score) == 0
    both_const = metric.search_metric(torch.ones(5), torch.zeros(5))
    assert torch.equal(both_const, torch.zeros(5)) and metric.best_index(both_const) == 0


def test_normalise_min_max():
    assert torch.allclose(metric.normalise(torch.tensor([2.0, 4.0, 3.0])), torch.tensor([0.0, 1.0, 0.5]))
