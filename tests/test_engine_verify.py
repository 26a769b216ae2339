"""verify_edits: the finished image checked per pair, and one retry with deeper steps where an edit was lost.
Hand values for the rules; end to end on tiny, the retry's cost and the step it reports."""

import numpy as np
import torch
from conftest import SOURCE, scene, scene_masks

from oir_agent import OIRConfig
from oir_agent.engine import verify
from oir_agent.engine.search import PairSearch


def search(steps, s_edit, s_source, score, strategy="budgeted", chosen=None):
    t = lambda v: torch.tensor(v, dtype=torch.float64)
    return PairSearch(steps=steps, s_edit=t(s_edit), s_background=t([0.0] * len(steps)), score=t(score),
                      optimal_step=chosen or steps[int(np.argmax(score))], s_source=t(s_source), strategy=strategy)


def test_kept_share_by_hand():
    s = search([5, 10, 20], [0.30, 0.32, 0.34], [0.30, 0.28, 0.24], [1.0, 3.0, 2.0])
    # candidate 10: margin 0.32 - 0.28 = 0.04; the input's margin -0.06; a final margin of -0.01 kept half the move
    assert abs(verify.kept_share(s, 10, -0.01, -0.06) - 0.5) < 1e-9
    assert abs(verify.kept_share(s, 10, 0.04, -0.06) - 1.0) < 1e-9
    assert verify.kept_share(s, 5, 0.5, 0.0) is None  # the candidate did not move toward the target: nothing kept
    assert verify.kept_share(s, 7, 0.5, -1.0) is None  # a step never evaluated
    assert verify.lost_edits([s, s], [10, 10], [-0.02, 0.0], [-0.06, -0.06]) == [True, False]  # 0.4 < 0.5 <= 0.6


def test_deeper_steps_prefers_the_best_scoring_deeper_plateau_candidate():
    # S_e range 0.20..0.40: the plateau (top 5%) holds 20 (0.395) and 30 (0.40); 25 is deeper but off it
    s = search([5, 10, 20, 25, 30], [0.20, 0.39, 0.395, 0.30, 0.40], [0.3] * 5, [0.1, 0.5, 0.9, 0.2, 0.8],
               chosen=10)
    assert verify.deeper_steps([s], [10], [True]) == [20]
    assert verify.deeper_steps([s], [10], [False]) is None  # nothing lost: nothing moves
    # no deeper plateau candidate: the deeper one with the highest S_e
    off = search([5, 10, 20], [0.20, 0.40, 0.30], [0.3] * 3, [0.1, 0.9, 0.5], chosen=10)
    assert verify.deeper_steps([off], [10], [True]) == [20]
    assert verify.deeper_steps([off], [20], [True]) is None  # already the deepest candidate
    fixed = search([10], [0.4], [0.3], [1.0], strategy="override")
    assert verify.deeper_steps([fixed, s], [10, 10], [True, True]) == [10, 20]  # a caller's step never moves
    moved = verify.with_steps([s, fixed], [20, 10], "pair {pair} moved {old} -> {new}")
    assert [m.optimal_step for m in moved] == [20, 10] and moved[0].notes == ["pair 1 moved 10 -> 20"]
    assert moved[1] is fixed


def test_verify_edits_end_to_end_on_tiny(editor):
    """With the check on, the result reports the steps it used: the same image as a plain edit pinned to them, and
    the cost of one more reassembly exactly when a pair moved."""
    cfg = OIRConfig(num_inference_steps=10, search="exhaustive", seed=0, verify_edits=False)
    masks = list(scene_masks())
    pairs = [("red circle", "green triangle"), ("blue square", "yellow circle")]
    plain = editor.edit(scene(), source_prompt=SOURCE, pairs=pairs, masks=masks, config=cfg)
    checked = editor.edit(scene(), source_prompt=SOURCE, pairs=pairs, masks=masks,
                          config=cfg.replace(verify_edits=True))
    steps = {p.source: p.optimal_step for p in checked.pairs}
    pinned = editor.edit(scene(), source_prompt=SOURCE, pairs=pairs, masks=masks, config=cfg, steps=steps)
    assert np.array_equal(np.asarray(checked.image), np.asarray(pinned.image))
    moved = [p for p, q in zip(checked.pairs, plain.pairs) if p.optimal_step != q.optimal_step]
    extra = checked.cost.unet_sample_evals - plain.cost.unet_sample_evals
    assert all(p.optimal_step > q.optimal_step for p, q in zip(checked.pairs, plain.pairs)
               if p.optimal_step != q.optimal_step)  # a retry only goes deeper
    for k, (p, q) in enumerate(zip(checked.pairs, plain.pairs)):  # each move is said, naming the pair and steps
        said = f"pair {k + 1}: the finished image lost its edit at step {q.optimal_step}"
        assert any(w.startswith(said) for w in checked.warnings) == (p in moved)
    if not moved:
        assert np.array_equal(np.asarray(checked.image), np.asarray(plain.image))
    assert extra >= 0 and (extra > 0) >= bool(moved)  # a retry costs one more reassembly
    if moved:  # the kept retry cost one reassembly at its steps: re + (2 + own-prompt regions)(r + re), r = re = 2
        assert extra == 2 + (2 + sum(p.optimal_step <= 2 for p in checked.pairs)) * (2 + 2)
    # the check scores the input and the finished image per pair (and the retry's image): CLIP images beyond the
    # search's one per candidate
    assert checked.cost.clip_images - plain.cost.clip_images in (2 * 2, 3 * 2)
