"""OIREditor end to end on the tiny preset: diagnostics, exact cost, determinism, sizes, progress, cancel."""

import io
import re
import threading

import numpy as np
import pytest
import torch
from conftest import SOURCE, scene, scene_masks
from PIL import Image

from oir_agent import Cancelled, OIRConfig
from oir_agent.engine import metric

PAIRS = [("red circle", "green triangle"), ("blue square", "yellow circle")]
FAST = OIRConfig(num_inference_steps=10, search="exhaustive", search_metric="paper", shallow_rule="invert-candidate",
                 verify_edits=False)  # the method's closed form; the check's own cost: test_engine_verify.py


FIRST_ROUND = list(range(1, 11)) + list(range(15, 51, 5))  # the default first round at N = 50: the block, the grid


def grid_best(pair) -> int:
    """A pair's best step among the first round alone, by its own metric (what the refinement centres on)."""
    s = pair.search
    terms = [torch.as_tensor([float(t[s.steps.index(g)]) for g in FIRST_ROUND])
             for t in (s.s_edit, s.s_background, s.s_source)]
    return FIRST_ROUND[metric.best_index(metric.search_score(s.metric, *terms))]


def closed_form_cost(n, steps, r, re, evaluated=None, shallow_rule="invert-candidate", regions=None):
    """docs/METHOD.md Sec. 7 with the free descent: N + every candidate (2i each; exhaustive: K N(N+1))
    + re + 2(r + re) + r per pair with i_k <= r when shallow pairs invert their candidate, + one sample per own-prompt
    region per final step (default final_prompts="per-pair-shallow": each object pair with i_k <= r; every pair in
    these scenes is an object). Written out here, independently of oir_agent.engine.costs."""
    evaluated = evaluated if evaluated is not None else [range(1, n + 1)] * len(steps)
    search = sum(2 * i for e in evaluated for i in e)
    shallow = sum(r for i in steps if i <= r) if shallow_rule == "invert-candidate" else 0
    regions = sum(i <= r for i in steps) if regions is None else regions
    return n + search + re + (2 + regions) * (r + re) + shallow


@pytest.fixture(scope="module")
def result(editor):
    return editor.edit(scene(), source_prompt=SOURCE, pairs=PAIRS, masks=list(scene_masks()), config=FAST)


@pytest.fixture(scope="module")
def default_result(editor):
    """The default search (budgeted, edit-first metric) at N = 50."""
    return editor.edit(scene(), source_prompt=SOURCE, pairs=PAIRS, masks=list(scene_masks()),
                       config=OIRConfig(num_inference_steps=50, verify_edits=False))


def test_diagnostics_json_fields(result):
    d = result.to_dict()
    assert set(d) == {"source_prompt", "target_prompt", "model", "seed", "num_inference_steps", "guidance_scale",
                      "reassembly_step", "reinversion_steps", "image_size", "working_size", "pairs", "cost",
                      "timings_s", "warnings", "config", "version", "files", "edit_id", "replay"}
    import oir_agent

    assert d["version"] == oir_agent.__version__ and d["files"] is None  # files: set by whoever writes them
    assert d["target_prompt"] == "a green triangle on the left and a yellow circle on the right"
    assert d["num_inference_steps"] == 10 and d["reassembly_step"] == 2
    assert d["reinversion_steps"] == 2  # 20% of N, as the paper
    assert d["image_size"] == [96, 64] and d["working_size"] == [96, 64]
    p = d["pairs"][0]
    assert p["source"] == "red circle" and p["target"] == "green triangle"
    assert p["guided_prompt"] == "a green triangle on the left and a blue square on the right"
    assert set(p["mask"]) == {"provider", "area_fraction", "box", "score"} and p["mask"]["provider"] == "given"
    assert p["search"]["steps"] == list(range(1, 11))
    assert all(len(p["search"][k]) == 10 for k in ("s_edit", "s_background", "s_source", "score"))
    assert p["search"]["strategy"] == "exhaustive" and p["search"]["metric"] == "paper"
    assert p["optimal_step"] == p["search"]["steps"][int(np.argmax(p["search"]["score"]))]
    assert set(d["timings_s"]) >= {"load", "align", "masks", "inversion", "search", "reassembly", "total"}
    assert {"unet_calls", "unet_sample_evals", "vae_decodes", "clip_images"} <= set(d["cost"])


def test_cost_equals_closed_form(result):
    steps = [p.optimal_step for p in result.pairs]
    assert result.cost.unet_sample_evals == closed_form_cost(10, steps, 2, result.reinversion_steps)
    assert result.cost.search_unet_calls == 10  # all candidates of both pairs: N calls
    assert result.cost.vae_decodes == 2 * 10 + 1 and result.cost.clip_images == 2 * 10


def test_budgeted_search_cost_is_closed_form_and_within_budget(default_result):
    r, n = default_result, 50
    evaluated = [p.search.steps for p in r.pairs]
    steps = [p.optimal_step for p in r.pairs]
    assert all(p.search.strategy == "budgeted" and p.search.metric == "edit-first" for p in r.pairs)
    assert r.cost.unet_sample_evals == closed_form_cost(n, steps, 10, 10, evaluated, "source-latent")
    for e in evaluated:
        assert sum(2 * i for i in e) <= 0.4 * n * (n + 1)  # never over budget, per pair
        assert 50 in e and len(e) >= 10 and e == sorted(set(e))  # the grid includes the deepest candidate
    assert r.cost.vae_decodes == sum(len(e) for e in evaluated) + 1
    for p in r.pairs:  # the chosen step is the argmax of the reported score
        assert p.optimal_step == p.search.steps[int(np.argmax(p.search.score))]


def test_budgeted_search_refines_around_the_best_grid_step(default_result):
    for p in default_result.pairs:
        shallow = [s for s in p.search.steps if s <= 10]
        assert shallow == list(range(1, 11))  # every step <= r: one option under the default shallow rule
        grid = [s for s in p.search.steps if s > 10 and (50 - s) % 5 == 0]
        assert grid == list(range(15, 51, 5))
        extra = sorted(set(p.search.steps) - set(FIRST_ROUND))
        best_grid = grid_best(p)
        # one refinement round: the three steps below the grid's best and the one above (two below at N)
        near = [best_grid - 1, best_grid - 2] if best_grid == 50 else [best_grid + d for d in (-1, 1, -2, -3)]
        assert extra == sorted(i for i in near if i >= 1 and i not in FIRST_ROUND)
        assert best_grid - 3 <= p.optimal_step <= best_grid + 1
    refined = [max(set(p.search.steps) - set(FIRST_ROUND), default=0) for p in default_result.pairs]
    assert any(refined), "this fixture must exercise the refinement round"
    assert default_result.cost.search_unet_calls == 50 + max(refined)  # the grid's chain (N), then one round's


def test_halving_refinement_replays_the_first_release_rounds(editor, default_result):
    """search_refinement="halving" (what older diagnostics replay with): the same first round, then +-2 and +-1
    around the best so far, one chain of UNet calls per round."""
    r = editor.edit(scene(), source_prompt=SOURCE, pairs=PAIRS, masks=list(scene_masks()),
                    config=OIRConfig(num_inference_steps=50, verify_edits=False, search_refinement="halving"))
    refined = False
    for p, q in zip(r.pairs, default_result.pairs):
        assert [float(p.search.s_edit[p.search.steps.index(i)]) for i in FIRST_ROUND] == \
            [float(q.search.s_edit[q.search.steps.index(i)]) for i in FIRST_ROUND]  # the same first round
        extra = set(p.search.steps) - set(FIRST_ROUND)
        best = grid_best(p)
        assert all(abs(s - best) <= 3 for s in extra)
        if 10 < best < 50:
            assert {best - 2, best + 2} <= set(p.search.steps)  # the +-2 round ran around the grid's best
        refined |= bool(extra)
    assert refined, "this fixture must exercise the refinement rounds"
    assert r.cost.search_unet_calls > default_result.cost.search_unet_calls  # two chains where the default runs one


def test_step_override_skips_the_search_for_that_pair(editor):
    cfg = OIRConfig(num_inference_steps=10, search="exhaustive")
    r = editor.edit(scene(), source_prompt=SOURCE, pairs=PAIRS, masks=list(scene_masks()), config=cfg,
                    steps={"blue square": 7})
    fixed, searched = r.pairs[1], r.pairs[0]
    assert fixed.optimal_step == 7 and fixed.search.steps == [7] and fixed.search.strategy == "override"
    assert searched.search.steps == list(range(1, 11))
    assert r.cost.unet_sample_evals == closed_form_cost(10, [searched.optimal_step, 7], 2, r.reinversion_steps,
                                                        [range(1, 11), [7]], "source-latent")
    both = editor.edit(scene(), source_prompt=SOURCE, pairs=PAIRS, masks=list(scene_masks()),
                       config=cfg.replace(final_prompts="target"), steps={"red circle": 3, "blue square": 7})
    assert [p.optimal_step for p in both.pairs] == [3, 7]
    assert both.reinversion_steps == 2  # 20% of N, as the paper
    assert both.cost.unet_sample_evals == closed_form_cost(10, [3, 7], 2, 2, [[3], [7]], "source-latent", regions=0)
    per_pair = editor.edit(scene(), source_prompt=SOURCE, pairs=PAIRS, masks=list(scene_masks()),
                           config=cfg.replace(final_prompts="per-pair"), steps={"red circle": 3, "blue square": 7})
    assert per_pair.cost.unet_sample_evals == closed_form_cost(10, [3, 7], 2, 2, [[3], [7]], "source-latent",
                                                               regions=2)  # one more sample per pair per step
    assert not np.array_equal(np.asarray(per_pair.image), np.asarray(both.image))
    # per-pair-shallow: own prompts only where the final denoise makes the edit (step <= r = 2): one region here
    pinned = {"red circle": 2, "blue square": 7}
    shallow = editor.edit(scene(), source_prompt=SOURCE, pairs=PAIRS, masks=list(scene_masks()), config=cfg,
                          steps=pinned)  # the default final_prompts
    assert shallow.cost.unet_sample_evals == closed_form_cost(10, [2, 7], 2, 2, [[2], [7]], "source-latent",
                                                              regions=1)
    deep = editor.edit(scene(), source_prompt=SOURCE, pairs=PAIRS, masks=list(scene_masks()), config=cfg,
                       steps={"red circle": 3, "blue square": 7})
    assert np.array_equal(np.asarray(deep.image), np.asarray(both.image))  # no shallow pair: the target prompt's


@pytest.mark.parametrize("steps, needle", [({"cat": 3}, "not an editing pair"), ({"red circle": 0}, "[1, 10]"),
                                           ({"red circle": 11}, "[1, 10]"), ({"red circle": 2.5}, "integer"),
                                           (["red circle"], "must map")])
def test_step_override_errors(editor, steps, needle):
    from oir_agent import InvalidInputError

    with pytest.raises(InvalidInputError, match=re.escape(needle)):
        editor.edit(scene(), source_prompt=SOURCE, pairs=PAIRS, masks=list(scene_masks()),
                    config=OIRConfig(num_inference_steps=10), steps=steps)


def test_cost_with_steps_at_or_below_r(editor):
    cfg = OIRConfig(num_inference_steps=6, reassembly_step=5, reinversion_steps=1, verify_edits=False)
    for rule in ("invert-candidate", "source-latent"):
        r = editor.edit(scene(), source_prompt=SOURCE, pairs=PAIRS, masks=list(scene_masks()),
                        config=cfg.replace(shallow_rule=rule, search="exhaustive"))
        steps = [p.optimal_step for p in r.pairs]
        assert r.cost.unet_sample_evals == closed_form_cost(6, steps, 5, 1, shallow_rule=rule)


def test_same_seed_same_bytes(editor, result):
    again = editor.edit(scene(), source_prompt=SOURCE, pairs=PAIRS, masks=list(scene_masks()), config=FAST)
    a, b = io.BytesIO(), io.BytesIO()
    result.image.save(a, "PNG")
    again.image.save(b, "PNG")
    assert a.getvalue() == b.getvalue()


def test_output_has_input_size_and_working_size_is_multiple_of_8(editor):
    big = scene(300, 130)
    r = editor.edit(big, source_prompt=SOURCE, pairs=PAIRS[:1], masks=[scene_masks(300, 130)[0]],
                    config=OIRConfig(num_inference_steps=4, max_side=128))
    assert r.image.size == (300, 130)
    w, h = r.working_size
    assert w == 128 and h % 8 == 0 and abs(w / h - 300 / 130) < 0.1
    assert any("working size" in msg for msg in r.warnings)


@pytest.mark.parametrize("mode", ["RGBA", "P", "L", "CMYK", "LA"])
def test_any_image_mode(editor, mode):
    img = scene().convert(mode)
    r = editor.edit(img, source_prompt=SOURCE, pairs=PAIRS[:1], masks=[scene_masks()[0]],
                    config=OIRConfig(num_inference_steps=3))
    assert r.image.mode == "RGB" and r.image.size == (96, 64)


def test_exif_orientation_applied(editor, tmp_path):
    img = scene()  # 96 x 64
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90: displayed as 64 x 96
    path = tmp_path / "rotated.jpg"
    img.save(path, exif=exif)
    mask = np.zeros((96, 64), bool)
    mask[10:40, 10:40] = True
    r = editor.edit(str(path), source_prompt=SOURCE, pairs=PAIRS[:1], masks=[mask],
                    config=OIRConfig(num_inference_steps=3))
    assert r.image.size == (64, 96)


def test_masks_by_phrase_and_path(editor, tmp_path):
    disc, square = scene_masks()
    Image.fromarray(disc.astype(np.uint8) * 255).save(tmp_path / "disc.png")
    rgba = np.zeros((64, 96, 4), np.uint8)
    rgba[square] = (255, 255, 255, 255)
    Image.fromarray(rgba).save(tmp_path / "square.png")
    r = editor.edit(scene(), source_prompt=SOURCE, pairs=PAIRS,
                    masks={"blue square": str(tmp_path / "square.png"), "red circle": tmp_path / "disc.png"},
                    config=OIRConfig(num_inference_steps=3))
    assert np.array_equal(r.pairs[0].mask_array, disc)
    assert np.array_equal(r.pairs[1].mask_array, square)


def test_mask_of_another_aspect_ratio_is_refused_before_any_model_call(editor):
    from oir_agent.errors import MaskError

    mask = np.zeros((64, 64), bool)
    mask[10:30, 10:30] = True
    with pytest.raises(MaskError, match="64x64 but the image is 96x64"):
        editor.edit(scene(), source_prompt=SOURCE, pairs=PAIRS[:1], masks=[mask],
                    config=OIRConfig(num_inference_steps=3))


def test_progress_reports_stages_in_order(editor):
    events = []
    editor.edit(scene(), source_prompt=SOURCE, pairs=PAIRS, masks=list(scene_masks()),
                config=OIRConfig(num_inference_steps=4), progress=events.append)
    order = []
    for e in events:
        if not order or order[-1] != e.stage:
            order.append(e.stage)
    assert [s for s in order if s != "reassembly"] == ["align", "masks", "inversion", "search", "scoring",
                                                       "reinversion", "denoise"]
    for stage in ("inversion", "search", "scoring"):
        done = [e.completed for e in events if e.stage == stage]
        assert done == sorted(done) and done[-1] == [e.total for e in events if e.stage == stage][-1]


def test_cancel_stops_before_next_unet_call(editor):
    stop = threading.Event()
    seen = []

    def progress(e):
        seen.append(e)
        if e.stage == "search" and e.completed == 2:
            stop.set()

    with pytest.raises(Cancelled):
        editor.edit(scene(), source_prompt=SOURCE, pairs=PAIRS, masks=list(scene_masks()),
                    config=OIRConfig(num_inference_steps=6), progress=progress, cancel=stop)
    assert [e.completed for e in seen if e.stage == "search"][-1] == 2  # no UNet call after the cancel


def test_max_batch_changes_calls_not_result(editor):
    masks = list(scene_masks())
    cfg = OIRConfig(num_inference_steps=5, search="exhaustive")
    a = editor.edit(scene(), source_prompt=SOURCE, pairs=PAIRS, masks=masks, config=cfg)
    b = editor.edit(scene(), source_prompt=SOURCE, pairs=PAIRS, masks=masks, config=cfg.replace(max_batch=3))
    assert b.cost.search_unet_calls == 2 * 5 * 6 // 2  # one CFG job per call: sum of steps
    assert a.cost.search_unet_calls == 5
    assert [p.optimal_step for p in a.pairs] == [p.optimal_step for p in b.pairs]
    diff = np.abs(np.asarray(a.image, float) - np.asarray(b.image, float)).max()
    assert diff <= 2  # batch composition changes float rounding only


def test_contact_sheet_marks_the_chosen_candidate(result):
    from oir_agent.report import CHOSEN, contact_sheet

    sheet = np.asarray(contact_sheet(result, columns=5, cell=60))
    red = np.all(sheet == CHOSEN, axis=-1)
    # The frame's top edge is a horizontal red run spanning a whole cell (nothing else in the sheet is): one per
    # pair, in the column of that pair's optimal step.
    starts = set()
    for row in red:
        x = 0
        while x < row.size:
            if row[x]:
                end = x
                while end < row.size and row[end]:
                    end += 1
                if end - x >= 50:
                    starts.add(x)
                x = end
            else:
                x += 1
    expected = {(p.search.steps.index(p.optimal_step) % 5) * 60 + 1 for p in result.pairs}
    assert starts == expected


def test_non_finite_candidates_are_excluded_with_a_warning(editor, monkeypatch):
    from oir_agent.engine.runtime import Runtime

    original = Runtime.decode_latents
    calls = []

    def decode(self, latents, batch_size):
        images = original(self, latents, batch_size)
        calls.append(1)
        if len(calls) == 1:  # the search's first chunk of pair 1: its smallest step decodes to NaN
            images[0] = float("nan")
        return images

    monkeypatch.setattr(Runtime, "decode_latents", decode)
    cfg = OIRConfig(num_inference_steps=5, search="exhaustive")
    r = editor.edit(scene(), source_prompt=SOURCE, pairs=PAIRS, masks=list(scene_masks()), config=cfg)
    first = r.pairs[0]
    assert first.optimal_step != 1 and first.search.score[0] == float("-inf")
    assert any("non-finite" in w and "[1]" in w for w in r.warnings)
    d = r.to_dict()["pairs"][0]["search"]
    assert d["s_edit"][0] is None and d["score"][0] is None and None not in d["score"][1:]


def test_every_candidate_non_finite_is_a_clear_error(editor, monkeypatch):
    from oir_agent import ResourceError
    from oir_agent.engine.runtime import Runtime

    original = Runtime.decode_latents
    monkeypatch.setattr(Runtime, "decode_latents",
                        lambda self, latents, batch_size: original(self, latents, batch_size) * float("nan"))
    with pytest.raises(ResourceError, match="non-finite"):
        editor.edit(scene(), source_prompt=SOURCE, pairs=PAIRS[:1], masks=[scene_masks()[0]],
                    config=OIRConfig(num_inference_steps=4))


def test_tiny_n_budgeted_search_falls_back_to_exhaustive_and_says_so(editor):
    r = editor.edit(scene(), source_prompt=SOURCE, pairs=PAIRS[:1], masks=[scene_masks()[0]],
                    config=OIRConfig(num_inference_steps=3))
    assert r.pairs[0].search.steps == [1, 2, 3] and r.pairs[0].search.strategy == "exhaustive"
    assert any("too small for a budgeted search" in w for w in r.warnings)


@pytest.mark.parametrize("value", [float("inf"), float("nan"), 0.5])
def test_guidance_scale_must_be_finite_and_at_least_one(value):
    from oir_agent import ConfigError

    with pytest.raises(ConfigError, match="guidance_scale"):
        OIRConfig(guidance_scale=value)


def test_paper_config_is_the_first_release_search(editor):
    cfg = OIRConfig.paper(num_inference_steps=6)
    assert (cfg.search, cfg.search_metric, cfg.clip_mask, cfg.shallow_rule) == (
        "exhaustive", "paper", "mask", "invert-candidate")
    r = editor.edit(scene(), source_prompt=SOURCE, pairs=PAIRS, masks=list(scene_masks()), config=cfg)
    for p in r.pairs:
        assert p.search.steps == list(range(1, 7)) and p.search.metric == "paper"
        e, b = np.asarray(p.search.s_edit), np.asarray(p.search.s_background)
        norm = lambda v: (v - v.min()) / (v.max() - v.min()) if v.max() > v.min() else 0 * v
        expected = 0.5 * (norm(e) + norm(b))  # Eq. 3, written out here
        assert np.allclose(p.search.score, expected, atol=1e-5)
        assert p.optimal_step == p.search.steps[int(np.argmax(expected))]


def test_min_search_step_limits_the_candidates(editor):
    cfg = OIRConfig(num_inference_steps=6, search="exhaustive", min_search_step=4)
    r = editor.edit(scene(), source_prompt=SOURCE, pairs=PAIRS, masks=list(scene_masks()), config=cfg)
    assert all(p.search.steps == [4, 5, 6] for p in r.pairs)
    assert r.cost.unet_sample_evals == closed_form_cost(6, [p.optimal_step for p in r.pairs], 1, r.reinversion_steps,
                                                        [[4, 5, 6]] * 2, "source-latent")
    from oir_agent import ConfigError

    with pytest.raises(ConfigError, match="min_search_step"):
        OIRConfig(num_inference_steps=6, min_search_step=7)


def test_reinversion_depth_default_paper_and_bounds():
    """re: reinversion_fraction of N (20% by default, as the paper; 8% measured in docs/DECISIONS.md), an explicit
    value wins; a bad fraction is refused by name."""
    from oir_agent.errors import ConfigError

    assert [OIRConfig(num_inference_steps=n).resolved_reinversion_steps for n in (4, 10, 50, 100)] == [1, 2, 10, 20]
    assert [OIRConfig(num_inference_steps=n, reinversion_fraction=0.08).resolved_reinversion_steps
            for n in (10, 50, 100)] == [1, 4, 8]
    assert OIRConfig(reinversion_fraction=0).resolved_reinversion_steps == 0
    assert OIRConfig(reinversion_steps=7).resolved_reinversion_steps == 7
    for bad in (-0.1, 1.5, float("nan"), "0.1", True):
        with pytest.raises(ConfigError, match="reinversion_fraction"):
            OIRConfig(reinversion_fraction=bad)
        with pytest.raises(ConfigError, match="deep_reinversion_fraction"):
            OIRConfig(deep_reinversion_fraction=bad)


def test_reinversion_is_shorter_only_when_every_pair_is_deeper_than_r():
    """With deep_reinversion_fraction set, re by the chosen steps: 8% of N when every pair's step is > r, 20% when
    any is <= r (or none); the default (None) is the paper's fixed 20%; a pinned re always wins."""
    assert OIRConfig(num_inference_steps=50).reinversion_steps_for([30, 40]) == 10  # the default: as the paper
    cfg = OIRConfig(num_inference_steps=50, deep_reinversion_fraction=0.08)  # r = 10
    assert cfg.resolved_reassembly_step == 10
    assert cfg.reinversion_steps_for([11, 30]) == 4
    assert cfg.replace(num_inference_steps=6, reassembly_step=1).reinversion_steps_for([5, 6]) == 1  # at least one
    assert cfg.replace(reinversion_fraction=0).reinversion_steps_for([30]) == 0  # never longer than the 20% rule's
    assert cfg.reinversion_steps_for([10, 30]) == 10 and cfg.reinversion_steps_for([3]) == 10
    assert cfg.reinversion_steps_for([]) == 10
    assert cfg.replace(deep_reinversion_fraction=None).reinversion_steps_for([30]) == 10
    assert cfg.replace(reinversion_steps=6).reinversion_steps_for([30]) == 6
    assert cfg.resolved_reinversion_steps == 10  # the most it can be (cost bounds before the search)
    assert cfg.replace(reassembly_step=48).reinversion_steps_for([49]) == 2  # clamped to fit


def test_a_replay_pins_the_recorded_reassembly_and_reinversion():
    """A diagnostics file replays with the r and re it recorded, even if the default that resolved them changed."""
    from oir_agent.reproduce import edit_arguments

    d = {"source_prompt": SOURCE, "target_prompt": "a green triangle on the left and a yellow circle on the right",
         "config": {"num_inference_steps": 10}, "reassembly_step": 2, "reinversion_steps": 1, "replay": None,
         "pairs": [{"source": "red circle", "target": "green triangle", "mask": {"provider": "grounded-sam"},
                    "optimal_step": 5, "search": {"strategy": "budgeted"}},
                   {"source": "blue square", "target": "yellow circle", "mask": {"provider": "grounded-sam"},
                    "optimal_step": 5, "search": {"strategy": "budgeted"}}]}
    config = edit_arguments(d)["config"]
    assert (config.resolved_reassembly_step, config.resolved_reinversion_steps) == (2, 1)
    assert OIRConfig(num_inference_steps=10).resolved_reinversion_steps == 2  # what today's default would give
