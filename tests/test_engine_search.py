"""The budgeted search's first round and its refinement round (engine/search.py), on their own."""

import pytest

from oir_agent.engine.search import coarse_grid, halving_radii, refinement_offsets, refinement_steps


@pytest.mark.parametrize("n, r", [(50, 10), (20, 4), (30, 6), (100, 20), (10, 2)])
def test_coarse_grid_covers_every_shallow_step_within_the_budget(n, r):
    budget = 0.4 * n * (n + 1)
    grid = coarse_grid(n, budget, r)
    assert grid is not None and grid == sorted(set(grid)) and grid[-1] == n
    assert [i for i in grid if i <= r] == list(range(1, r + 1))
    assert sum(2 * i for i in grid) <= budget
    deep = [i for i in grid if i > r]
    assert sum(2 * i for i in deep) <= 0.55 * budget  # the rest is left for refinement
    gaps = {b - a for a, b in zip(deep, deep[1:])}
    assert len(gaps) <= 1  # an even grid anchored at N


def test_coarse_grid_at_the_default_n_and_its_refinement_round():
    budget = 0.4 * 50 * 51
    grid = coarse_grid(50, budget, 10)
    assert grid == list(range(1, 11)) + list(range(15, 51, 5))
    assert refinement_offsets(grid, 30, 50) == [-1, 1, -2, -3]  # from the deep spacing (5), not the shallow block
    assert refinement_offsets(grid, 50, 50) == [-1, -2]  # nothing above N: two below
    assert refinement_steps(set(grid), 30, [-1, 1, -2, -3], 50, 1, budget) == [29, 31, 28, 27]
    assert refinement_steps(set(grid), 10, refinement_offsets(grid, 10, 50), 50, 1, budget) == [11]  # block searched
    assert refinement_steps(set(grid), 4, refinement_offsets(grid, 4, 50), 50, 1, budget) == []
    assert refinement_steps(set(grid), 30, [-1, 1, -2, -3], 50, 29, budget) == [29, 31]  # min_step holds
    spent = sum(2 * i for i in grid)
    assert refinement_steps(set(grid), 30, [-1, 1, -2, -3], 50, 1, spent + 2 * 29 + 2 * 31) == [29, 31]  # budget
    assert refinement_offsets(list(range(1, 51)), 30, 50) == []  # a dense grid has nothing to refine
    assert halving_radii(grid) == [2, 1]  # search_refinement="halving": the first release's rounds, +-2 then +-1
    assert refinement_offsets(list(range(10, 101, 10)), 60, 100) == [-1, 1, -2, -3, -4, -5]
    assert refinement_offsets([16, 18, 20], 20, 20) == [-1]  # spacing 2 at N: the one step below still searched


def test_shallow_block_dropped_when_it_does_not_fit_and_tiny_n_is_exhaustive():
    assert coarse_grid(4, 0.4 * 4 * 5, 0) is None  # the deepest candidate alone overruns the budget
    tight = coarse_grid(50, 0.1 * 50 * 51, 10)  # 255 evals: the shallow block (110) no longer fits beside the grid
    assert tight is not None and sum(2 * i for i in tight) <= 255 and tight[-1] == 50
    assert coarse_grid(50, 0.4 * 50 * 51) == list(range(5, 51, 5))  # no shallow block asked: the plain grid
