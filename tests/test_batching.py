"""Cross-request batching: concurrent edits share model calls, each result matches its solo run within
floating-point summation order, each cost stays its own; cancelling one edit leaves the others whole."""

import threading

import numpy as np
import pytest
import torch
from conftest import SOURCE, scene, scene_masks

from oir_agent import Cancelled, OIRConfig, OIREditor
from oir_agent.engine.batching import SharedBatcher, SharedCallFailed

TOLERANCE = 2  # /255 per channel: what a changed batch composition may move a pixel (as with max_batch)

JOBS = [  # different prompts, pairs and step counts
    dict(pairs=[("red circle", "green triangle"), ("blue square", "yellow circle")], masks=True,
         config=OIRConfig(num_inference_steps=12)),
    dict(pairs=[("blue square", "purple star")], masks=True, config=OIRConfig(num_inference_steps=8, seed=1)),
    dict(pairs=[("red circle", "orange heart")], masks=True,
         config=OIRConfig(num_inference_steps=10, search="exhaustive", guidance_scale=5.0)),
]


def _edit(editor, job, **kw):
    disc, square = scene_masks()
    by_source = {"red circle": disc, "blue square": square}
    masks = [by_source[s] for s, _ in job["pairs"]]
    return editor.edit(scene(), source_prompt=SOURCE, pairs=job["pairs"], masks=masks, config=job["config"], **kw)


def _concurrent(editor, jobs, kw_per_job=None):
    kw_per_job = kw_per_job or {}
    results, errors = [None] * len(jobs), [None] * len(jobs)
    start = threading.Barrier(len(jobs))

    def work(i):
        start.wait()
        try:
            results[i] = _edit(editor, jobs[i], **kw_per_job.get(i, {}))
        except BaseException as exc:
            errors[i] = exc

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results, errors


@pytest.fixture(scope="module")
def solo(editor):
    return [_edit(editor, job) for job in JOBS]


@pytest.fixture(scope="module")
def shared_editor(components):
    e = OIREditor(components, edit_memory=0)
    e.share_calls()
    return e


def _same(a, b):
    assert [p.optimal_step for p in a.pairs] == [p.optimal_step for p in b.pairs]
    assert a.cost.unet_sample_evals == b.cost.unet_sample_evals  # each edit's cost is its own, as alone
    assert a.cost.vae_decodes == b.cost.vae_decodes and a.cost.clip_images == b.cost.clip_images
    diff = np.abs(np.asarray(a.image, float) - np.asarray(b.image, float)).max()
    assert diff <= TOLERANCE


def test_concurrent_edits_equal_their_solo_runs(shared_editor, solo):
    results, errors = _concurrent(shared_editor, JOBS)
    assert errors == [None] * 3
    for got, want in zip(results, solo):
        _same(got, want)
        assert want.cost.shared_unet_calls == 0
    assert all(r.cost.shared_unet_calls > 0 for r in results)  # they really shared calls
    for r in results:
        assert r.cost.shared_unet_samples > r.cost.shared_unet_calls  # a shared call carried more than one sample
        d = r.to_dict()["cost"]
        assert d["shared_unet_calls"] == r.cost.shared_unet_calls
    # sharing means fewer model calls in all than the three edits made alone
    assert shared_editor.batcher.shared_calls > 0


def test_cancelling_one_of_three_leaves_the_others_whole(shared_editor, solo):
    stop = threading.Event()

    def progress(e):
        if e.stage == "search" and e.completed >= 1:
            stop.set()

    results, errors = _concurrent(shared_editor, JOBS, {1: dict(cancel=stop, progress=progress)})
    assert isinstance(errors[1], Cancelled) and results[1] is None
    assert errors[0] is None and errors[2] is None
    _same(results[0], solo[0])
    _same(results[2], solo[2])
    assert shared_editor.batcher.members == 0  # the cancelled edit left the batcher


# --- the batcher alone -----------------------------------------------------------------------------------------

def _threads(batcher, n, calls, fn, rows=1):
    outs = [[] for _ in range(n)]
    everyone = threading.Barrier(n)

    def work(i):
        with batcher.member():
            everyone.wait()  # every member registered before the first call
            for c in range(calls):
                x = torch.full((rows, 3), float(100 * i + c))
                outs[i].append((x, batcher.run("f", (3,), (x,), fn)))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return outs


def test_batcher_merges_ready_calls_and_returns_each_its_rows():
    seen = []

    def fn(x):
        seen.append(x.shape[0])
        return x * 2 + 1

    b = SharedBatcher(max_wait_s=0.5)  # long wait: batches run when every member is waiting
    outs = _threads(b, 4, 5, fn, rows=2)
    for per_thread in outs:
        for x, (y, rows) in per_thread:
            assert torch.equal(y, x * 2 + 1)
            assert rows >= 2
    assert sum(seen) == 4 * 5 * 2
    assert len(seen) < 20 and max(seen) == 8  # merged: all four members' rows in one call


def test_batcher_respects_max_rows():
    seen = []
    b = SharedBatcher(max_rows=4, max_wait_s=0.5)
    _threads(b, 4, 3, lambda x: (seen.append(x.shape[0]), x)[1], rows=2)
    assert max(seen) <= 4 and sum(seen) == 24


def test_batcher_does_not_wait_for_a_member_busy_elsewhere():
    """A caller waits for the other members' calls at most max_wait_s (measured), then runs alone; with every
    member waiting it does not wait at all."""
    import time

    b = SharedBatcher(max_wait_s=0.3)
    done = []

    def call():
        t0 = time.perf_counter()
        out, rows = b.run("f", (), (torch.ones(1),), lambda x: x + 1)
        done.append((time.perf_counter() - t0, float(out), rows))

    with b.member(), b.member():  # the caller, and a member that never calls (busy elsewhere)
        worker = threading.Thread(target=call)
        worker.start()
        worker.join(5)
    assert done, "the call waited for an idle member past max_wait_s"
    waited, out, rows = done[0]
    assert 0.25 <= waited < 2.0 and out == 2 and rows == 1  # it waited for the other, up to the limit
    alone = SharedBatcher(max_wait_s=5.0)
    done.clear()
    with alone.member():
        t0 = time.perf_counter()
        alone.run("f", (), (torch.ones(1),), lambda x: x + 1)
    assert time.perf_counter() - t0 < 1.0  # its only member is waiting: nothing more can arrive, no wait


def _three_callers_of(fn, caught, max_wait_s):
    """Three members call the batcher at once with `fn`; the exceptions of type `caught` they each got."""
    b = SharedBatcher(max_wait_s=max_wait_s)
    got = []
    everyone = threading.Barrier(3)

    def work():
        with b.member():
            everyone.wait()
            try:
                b.run("f", (), (torch.ones(1),), fn)
            except caught as exc:
                got.append(exc)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    return got


def test_out_of_memory_in_a_shared_call_tells_each_caller_to_run_alone():
    """Three members' rows in one call that runs out of memory: each of the three is told to run alone (and the
    merged call was really one call of all their rows)."""
    seen = []

    def fn(x):
        seen.append(x.shape[0])
        raise torch.OutOfMemoryError("simulated")

    failed = _three_callers_of(fn, SharedCallFailed, max_wait_s=5.0)  # the call runs as soon as all three wait
    assert len(failed) == 3 and seen == [3]


def test_an_error_in_a_shared_call_reaches_every_caller():
    def fn(x):
        raise ValueError("boom")

    assert len(_three_callers_of(fn, ValueError, max_wait_s=0.5)) == 3
