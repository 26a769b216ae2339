"""Property tests (hypothesis) of the pure helpers every edit relies on."""

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from oir_agent.engine.sampler import Job, plan_calls
from oir_agent.images import working_size


@given(st.integers(1, 6000), st.integers(1, 6000), st.sampled_from([64, 128, 512, 768]), st.sampled_from([4, 8]))
def test_working_size(width, height, max_side, multiple):
    w, h = working_size(width, height, max_side, multiple)
    assert w % multiple == 0 and h % multiple == 0 and w >= multiple and h >= multiple
    assert max(w, h) <= max_side
    if max(width, height) <= max_side:  # never upscaled beyond rounding
        assert w <= width + multiple and h <= height + multiple
    if min(w, h) >= 4 * multiple:
        assert abs(math.log((w / h) / (width / height))) < 0.25


@settings(max_examples=60)
@given(st.lists(st.tuples(st.integers(0, 12), st.booleans()), min_size=1, max_size=15),
       st.one_of(st.none(), st.integers(2, 9)))
def test_plan_calls(specs, cap):
    jobs = [Job(latent=None, start=n, end=0, cond=0, uncond=1 if cfg else None) for n, cfg in specs]
    calls = plan_calls(jobs, cap)
    done = [0] * len(jobs)
    for call in calls:
        assert cap is None or sum(jobs[j].samples_per_step for j in call) <= cap
        assert len(set(call)) == len(call)
        for j in call:
            done[j] += 1
    assert done == [n for n, _ in specs]
    assert len(calls) == 0 or len(calls) >= max(n for n, _ in specs)
