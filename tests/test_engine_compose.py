"""Keeping the unedited pixels: the weight's geometry, exact original outside, the setting rule, and the engine
path (an edit's pixels beyond the grown, feathered masks are the input's, bit for bit)."""

import pytest
import torch
from conftest import SOURCE, scene, scene_masks

from oir_agent import OIRConfig
from oir_agent import images as imgio
from oir_agent.engine import compose
from oir_agent.engine.oir import EnginePair, run_oir
from oir_agent.engine.runtime import Runtime


def _square(size=32, box=(10, 10, 16, 16)):
    m = torch.zeros(size, size, dtype=torch.bool)
    x0, y0, x1, y1 = box
    m[y0:y1, x0:x1] = True
    return m


def test_margin_and_feather_scale_with_the_shorter_side():
    assert compose.margin_pixels(32, 32, 0.0625) == (2, 1)
    assert compose.margin_pixels(512, 768, 0.0625) == (32, 16)
    assert compose.margin_pixels(64, 64, 0.0) == (0, 0)


def test_weight_is_one_within_the_margin_ramps_over_the_feather_and_is_zero_beyond():
    m = _square()
    w = compose.edit_weight(m[None], margin=2, feather=2)
    assert w[10:16, 10:16].eq(1).all()
    assert w[13, 8] == 1 and w[13, 17] == 1  # 2 px outside: inside the margin
    assert abs(float(w[13, 7]) - 2 / 3) < 1e-6 and abs(float(w[13, 6]) - 1 / 3) < 1e-6  # feather ring 1, 2
    assert w[13, 5] == 0 and w[0, 0] == 0
    assert w[5, 5] == 0  # diagonal distance 5 (square structuring element): beyond margin + feather


def test_the_region_is_the_mask_or_its_bounding_box():
    """A square replacing a triangle fills the triangle's box: with region="box" the box's corners are in the edit
    region, far from the triangle's slanted sides; with the default region (the mask) they keep the original."""
    tri = torch.zeros(32, 32, dtype=torch.bool)
    for y in range(8, 20):  # apex at the top, base at the bottom
        half = (y - 8) // 2
        tri[y, 16 - half:17 + half] = True
    box = compose.edit_weight(tri[None], margin=1, feather=0, region="box")
    silhouette = compose.edit_weight(tri[None], margin=1, feather=0)
    assert box[8, 11] == 1 and silhouette[8, 11] == 0  # the box's top-left corner, 5 px from the apex
    assert box[25, 16] == 0 and silhouette[tri].eq(1).all()
    with pytest.raises(ValueError):
        compose.edit_weight(tri[None], 1, 0, region="circle")


def test_a_setting_sized_mask_is_used_as_it_is():
    background = ~_square(box=(8, 8, 24, 24))  # 75% of the frame: a setting
    obj = _square(box=(2, 2, 5, 5))  # a small object inside the setting also edited
    w = compose.edit_weight(torch.stack([background, obj]), margin=2, feather=1)
    assert w[8:24, 8:24].eq(0).all()  # the object the setting surrounds is not grown into
    assert w[background].eq(1).all()


def test_keep_outside_is_the_original_exactly_where_the_weight_is_zero():
    torch.manual_seed(0)
    original, edited = torch.rand(3, 32, 32), torch.rand(3, 32, 32)
    w = compose.edit_weight(_square()[None], 2, 1)
    out = compose.keep_outside(original, edited, w)
    assert torch.equal(out[:, w == 0], original[:, w == 0])
    assert torch.equal(out[:, w == 1], edited[:, w == 1])
    half = (w > 0) & (w < 1)
    assert torch.allclose(out[:, half], 0.5 * (edited[:, half] + original[:, half]))


def test_an_edit_keeps_the_input_pixels_beyond_its_regions(components):
    img = imgio.to_tensor(scene())
    disc, square = scene_masks()
    pairs = [EnginePair(SOURCE, "red circle", torch.from_numpy(disc)),
             EnginePair(SOURCE, "blue square", torch.from_numpy(square))]
    cfg = OIRConfig(num_inference_steps=6)
    kept = run_oir(Runtime(components), img, SOURCE, "a green circle and a blue square", pairs, cfg).image
    regenerated = run_oir(Runtime(components), img, SOURCE, "a green circle and a blue square", pairs,
                          cfg.replace(keep_outside=False)).image
    margin, feather = compose.margin_pixels(*img.shape[-2:], cfg.keep_margin)
    masks = torch.stack([torch.from_numpy(disc), torch.from_numpy(square)])
    w = compose.edit_weight(masks, margin, feather)
    outside, inside = w == 0, masks.any(0)
    assert outside.sum() > 100
    assert torch.equal(kept[:, outside], img[:, outside])
    assert (regenerated[:, outside] - img[:, outside]).abs().max() > 1e-3  # the random model redraws it
    assert torch.equal(kept[:, inside], regenerated[:, inside])  # inside: the reassembly's own pixels
    ring = (w > 0) & ~inside  # the margin ring: the edit as far as it changed the pixel
    gate = compose.changed(img, regenerated, smooth=feather)
    want = compose.keep_outside(img, regenerated, torch.where(inside, w, w * gate))
    assert torch.equal(kept[:, ring], want[:, ring])
    whole = run_oir(Runtime(components), img, SOURCE, "a green circle and a blue square", pairs,
                    cfg.replace(keep_ring="all")).image
    assert torch.equal(whole[:, w == 1], regenerated[:, w == 1])  # ring="all": the whole ring is the edit's


def test_the_ring_takes_the_edit_only_where_it_visibly_changed():
    """Regeneration drift in the margin ring (under CHANGE_LOW) goes back to the original exactly; a new outline
    (a large change) keeps the edit; the region itself always takes the edit; ring="all" is the plain geometry."""
    torch.manual_seed(0)
    original = torch.rand(3, 32, 32) * 0.5
    mask = _square()  # rows/cols 10..15
    edited = original + 0.03  # drift everywhere
    edited[:, mask] = 1.0 - original[:, mask]  # the edit inside its region
    edited[:, 10:16, 16:18] = original[:, 10:16, 16:18] + 0.45  # the new outline: 2 px past the right side
    w = compose.final_weight(original, edited, mask[None], 0.0625)  # 32 px: margin 2, feather 1, smoothing 1
    assert w[mask].eq(1).all()
    assert w[11:15, 8].eq(0).all() and w[8, 11:15].eq(0).all()  # left / top ring: drift only
    assert (w[11:15, 9] <= 1 / 3 + 1e-6).all()  # next to the region: a third of its 3x3 window changed
    assert (w[11:15, 16] >= 2 / 3 - 1e-6).all()  # the outline, smoothed over 3x3
    out = compose.keep_outside(original, edited, w)
    assert torch.equal(out[:, 11:15, 8], original[:, 11:15, 8])
    assert torch.equal(out[:, mask], edited[:, mask])
    assert (out[:, 11:15, 16] - original[:, 11:15, 16]).abs().min() > 0.25  # the outline is visible
    plain = torch.zeros(32, 32)  # ring="all", by hand: margin 2 and feather 1 around rows/cols 10..15 (square
    plain[7:19, 7:19] = 0.5  # element): 1 within 2 px, 1/2 at 3 px, 0 beyond
    plain[8:18, 8:18] = 1.0
    assert torch.equal(compose.final_weight(original, edited, mask[None], 0.0625, ring="all"), plain)
    with pytest.raises(ValueError, match="ring"):
        compose.final_weight(original, edited, mask[None], 0.0625, ring="some")


def test_the_ring_rule_at_full_size_draws_geometry_at_the_working_size():
    """Masks at the working size (32 px), images at full size (64 px): the region (scaled) takes the edit, pixels
    beyond the scaled margin and feather keep the original, drift in the ring goes back to the original."""
    torch.manual_seed(1)
    original = torch.rand(3, 64, 64) * 0.5
    mask = _square()
    big = torch.nn.functional.interpolate(mask[None, None].float(), size=(64, 64))[0, 0].bool()
    edited = original + 0.02
    edited[:, big] = 1.0 - original[:, big]
    w = compose.final_weight(original, edited, mask[None], 0.0625)
    assert w.shape == (64, 64)
    assert w[22:30, 22:30].eq(1).all()  # inside the scaled region
    assert w[:, :12].eq(0).all() and w[:, 40:].eq(0).all()  # beyond margin + feather (scaled x2)
    assert w[24:30, 14:17].eq(0).all()  # the ring, drift only


def test_the_paper_config_regenerates_the_whole_image():
    assert OIRConfig.paper().keep_outside is False and OIRConfig().keep_outside is True


def test_a_resized_edit_keeps_the_full_size_input_outside_and_refines_to_the_same_bytes(editor):
    """A picture larger than max_side is edited at the working size; outside the pairs' regions the result is the
    input's own full-size pixels (not a resized-twice copy), and a refine with the same steps gives the same bytes."""
    import numpy as np

    img = scene(192, 128, seed=1)
    disc, square = scene_masks(192, 128)
    result = editor.edit(img, source_prompt=SOURCE, pairs=[("red circle", "green triangle")], masks=[disc],
                         config=OIRConfig(num_inference_steps=6, max_side=96))
    assert result.image.size == (192, 128) and result.working_size == (96, 64)
    got, want = np.asarray(result.image), np.asarray(img)
    far = ~compose.dilate(torch.from_numpy(disc), 32).numpy()  # beyond the margin and feather at full size
    assert far.sum() > 5000 and (got[far] == want[far]).all()
    assert (got[torch.from_numpy(disc).numpy()] != want[torch.from_numpy(disc).numpy()]).any()  # edited inside
    again = editor.refine(result.edit_id, {"red circle": result.pairs[0].optimal_step})
    assert np.array_equal(np.asarray(again.image), got)
