"""Mask cleanup on numpy bool arrays: connected components, keep the large ones, fill holes."""

from __future__ import annotations

import numpy as np


def components(mask: np.ndarray) -> tuple[np.ndarray, int]:
    """4-connected component labels (0 = background, 1..n) and n, by union-find over runs (pure numpy/python)."""
    h, w = mask.shape
    labels = np.zeros((h, w), np.int32)
    parent = [0]

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for y in range(h):
        row = mask[y]
        for x in range(w):
            if not row[x]:
                continue
            up = labels[y - 1, x] if y else 0
            left = labels[y, x - 1] if x else 0
            if up and left:
                a, b = find(up), find(left)
                labels[y, x] = min(a, b)
                parent[max(a, b)] = min(a, b)
            elif up or left:
                labels[y, x] = up or left
            else:
                parent.append(len(parent))
                labels[y, x] = len(parent) - 1
    roots = np.array([find(i) for i in range(len(parent))], np.int32)
    flat = roots[labels]
    uniq = np.unique(flat[flat > 0])
    remap = np.zeros(len(parent), np.int32)
    remap[uniq] = np.arange(1, len(uniq) + 1)
    return remap[flat], len(uniq)


def keep_large_components(mask: np.ndarray, min_fraction: float = 0.2) -> np.ndarray:
    """Keep the largest component and every component at least `min_fraction` of its size."""
    labels, n = components(mask)
    if n <= 1:
        return mask.copy()
    sizes = np.bincount(labels.ravel())[1:]
    keep = np.nonzero(sizes >= min_fraction * sizes.max())[0] + 1
    return np.isin(labels, keep)


def fill_holes(mask: np.ndarray) -> np.ndarray:
    """Fill background regions that do not touch the border."""
    labels, n = components(~mask)
    if n == 0:
        return mask.copy()
    border = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    holes = (labels > 0) & ~np.isin(labels, border)
    return mask | holes
