"""The search metric: a hard CLIP patch mask, background MSE, guarded min-max, ties to the smallest step."""

import pytest
import torch

from oir_agent.engine import geometry, metric
from oir_agent.engine.runtime import Runtime


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
    score = metric.paper_metric(s_e, s_ne)
    assert torch.allclose(score, 0.5 * torch.tensor([1.0, 2 / 3, 1.0, 0.0]))
    assert metric.best_index(score) == 0
    both_const = metric.paper_metric(torch.ones(5), torch.zeros(5))
    assert torch.equal(both_const, torch.zeros(5)) and metric.best_index(both_const) == 0


def test_normalise_min_max():
    assert torch.allclose(metric.normalise(torch.tensor([2.0, 4.0, 3.0])), torch.tensor([0.0, 1.0, 0.5]))


def test_paper_metric_is_eq_1_to_3_on_hand_made_curves():
    s_e = torch.tensor([0.20, 0.25, 0.30, 0.28])
    s_ne = torch.tensor([-0.01, -0.02, -0.05, -0.09])
    # Eq. 3 by hand: norm(S_e) = [0, .5, 1, .8]; norm(S_ne) = [1, .875, .5, 0]
    expected = 0.5 * torch.tensor([0 + 1, 0.5 + 0.875, 1 + 0.5, 0.8 + 0])
    score = metric.search_score("paper", s_e, s_ne)
    assert torch.allclose(score, expected, atol=1e-6)
    assert metric.best_index(score) == 2


def test_normalise_treats_batch_position_noise_as_constant():
    # the same image scored at two positions of a CLIP batch differs by ~2e-8: that is not a signal
    values = torch.tensor([0.3012, 0.3012 + 2e-8, 0.3012 - 1e-8], dtype=torch.float64)
    assert torch.equal(metric.normalise(values), torch.zeros(3, dtype=torch.float64))
    assert torch.allclose(metric.normalise(torch.tensor([0.0, 1e-4, 2e-4], dtype=torch.float64)),
                          torch.tensor([0.0, 0.5, 1.0], dtype=torch.float64))


def test_edit_first_picks_the_edit_where_the_paper_picks_a_flat_noisy_background():
    # S_e rises to a plateau from step 5; the outside barely changes (0.3 dB over all candidates, noise) and is,
    # by accident, best at step 1 and worst at the highest S_e. The paper stretches that noise to the full
    # range: step 1 (no edit) ties the best edit at 0.5 and wins the tie.
    s_e = torch.tensor([0.10, 0.15, 0.20, 0.25, 0.296, 0.296, 0.30])
    psnr = torch.tensor([40.30, 40.00, 40.01, 40.00, 39.99, 39.99, 39.99])
    s_ne = -(10 ** (-psnr / 10))
    assert metric.best_index(metric.search_score("paper", s_e, s_ne)) == 0
    best = metric.best_index(metric.search_score("edit-first", s_e, s_ne))
    assert best == 4  # the best-preserving candidate among those that reach the edit (steps 5..7)
    # a real preservation difference inside the plateau decides it
    psnr2 = torch.tensor([40.0, 39.0, 38.0, 30.0, 20.0, 22.0, 25.0])
    assert metric.best_index(metric.search_score("edit-first", s_e, -(10 ** (-psnr2 / 10)))) == 6  # 25 dB > 22, 20


def test_edit_first_orders_off_plateau_candidates_below_plateau_ones():
    s_e = torch.tensor([0.0, 0.5, 1.0, 0.97, 0.9])
    s_ne = torch.tensor([-1e-6, -1e-5, -0.5, -0.4, -0.01])  # the edited ones preserve far worse
    score = metric.search_score("edit-first", s_e, s_ne)
    assert score[2] > score[1] and score[3] > score[1] and score[1] > score[0] and score[2] > score[4]
    assert metric.best_index(score) == 3  # on the plateau (0.97 >= 1 - 0.05), better preserved than step 3;
    # step 5 preserves best of all but its edit (0.9) is off the plateau


def test_edit_first_measures_the_edit_against_the_source_phrase():
    # The view itself favours the target text a little at every step (e.g. the source silhouette); only the
    # difference to the source text shows where the region stops reading as the source.
    s_e = torch.tensor([0.80, 0.81, 0.80, 0.79])
    s_src = torch.tensor([0.90, 0.85, 0.60, 0.58])
    s_ne = torch.tensor([-1e-4, -2e-4, -3e-4, -4e-4])
    assert metric.best_index(metric.search_score("edit-first", s_e, s_ne)) == 1
    assert metric.best_index(metric.search_score("edit-first", s_e, s_ne, s_src)) == 2


@pytest.mark.parametrize("name", ["paper", "edit-first"])
def test_non_finite_candidates_are_excluded_not_zeroed(name):
    s_e = torch.tensor([0.1, float("nan"), 0.3, 0.2])
    s_ne = torch.tensor([-0.01, -0.02, -0.03, float("inf")])
    score = metric.search_score(name, s_e, s_ne)
    assert torch.isinf(score[1]) and score[1] < 0 and torch.isinf(score[3]) and score[3] < 0
    assert torch.isfinite(score[[0, 2]]).all()
    assert metric.best_index(score) in (0, 2)
