"""Mask operations on hand-made arrays with exact expected outputs."""

import torch

from oir_agent.engine import geometry


def m(rows):
    return torch.tensor(rows, dtype=torch.bool)


def test_box_mean_matches_average_pooling_and_is_exact_at_the_borders():
    torch.manual_seed(0)
    x = torch.rand(23, 31)
    for r in (1, 2, 5):
        want = torch.nn.functional.avg_pool2d(x[None, None], 2 * r + 1, stride=1, padding=r,
                                              count_include_pad=False)[0, 0]
        assert torch.allclose(geometry.box_mean(x, r), want, atol=1e-6)
        assert torch.allclose(geometry.box_mean(x, r)[0, 0], x[:r + 1, :r + 1].mean(), atol=1e-6)  # corner
    assert torch.allclose(geometry.box_mean(x, 40), x.mean().expand(23, 31), atol=1e-6)  # window > image
    assert torch.equal(geometry.box_mean(x, 0), x)


def test_dilate_square():
    x = torch.zeros(5, 5, dtype=torch.bool)
    x[2, 2] = True
    d = geometry.dilate(x, 1)
    exp = torch.zeros(5, 5, dtype=torch.bool)
    exp[1:4, 1:4] = True
    assert torch.equal(d, exp)
    assert torch.equal(geometry.dilate(x, 0), x)


def test_overlap_smaller_wins():
    big = torch.zeros(4, 4, dtype=torch.bool)
    big[:, :] = True
    small = torch.zeros(4, 4, dtype=torch.bool)
    small[1:3, 1:3] = True
    out = geometry.resolve_overlaps(torch.stack([big, small]))
    assert torch.equal(out[1], small)
    assert torch.equal(out[0], big & ~small)
    assert not (out[0] & out[1]).any()


def test_latent_pooling_area_threshold_and_no_vanishing():
    x = torch.zeros(16, 16, dtype=torch.bool)
    x[0:8, 0:8] = True  # cell (0, 0) full
    x[8:12, 8:16] = True  # cell (1, 1) half
    lat = geometry.to_latent(x, 2, 2, 0.5)
    assert torch.equal(lat, m([[True, False], [False, True]]))
    tiny = torch.zeros(16, 16, dtype=torch.bool)
    tiny[9, 3] = True
    assert torch.equal(geometry.to_latent(tiny, 2, 2, 0.5), m([[False, False], [True, False]]))


def test_bounding_box_and_clip_square():
    x = torch.zeros(40, 100, dtype=torch.bool)
    x[10:20, 70:90] = True
    box = geometry.bounding_box(x)
    assert box == (70, 10, 90, 20)
    x0, y0, side = geometry.clip_square(box, 40, 100, "crop", 0.15)
    assert side == 26 and x0 >= 0 and x0 + side <= 100 and y0 >= 0 and y0 + side <= 40
    assert x0 <= 70 and x0 + side >= 90  # the box is inside the square
    assert geometry.clip_square(box, 40, 100, "full", 0.15) == (0, -30, 100)  # padded, never cropped
    assert geometry.bounding_box(torch.zeros(3, 3, dtype=torch.bool)) is None


def test_crop_square_pads_with_zeros():
    t = torch.ones(1, 4, 6)
    c = geometry.crop_square(t, 0, -1, 6)
    assert c.shape == (1, 6, 6)
    assert c[0, 0].sum() == 0 and c[0, 5].sum() == 0 and c[0, 1:5].sum() == 24
