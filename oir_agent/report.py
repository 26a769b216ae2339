"""Pictures of an EditResult: per pair, a contact sheet of the candidates and the search curves."""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from .types import EditResult, PairReport

BG = (255, 255, 255)
INK = (30, 30, 30)
CHOSEN = (230, 30, 30)
CURVES = {"edit": (40, 110, 220), "preserved": (40, 160, 60), "search score": (150, 60, 190)}
MIN_VIEW = 192  # pictures smaller than this (longest side) are enlarged with nearest-neighbour to be judged
MASK_TINTS = [(230, 60, 60), (60, 120, 230), (60, 180, 90), (230, 170, 40), (170, 80, 200), (40, 190, 190)]


def _font(size: int = 11):
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1
        return ImageFont.load_default()


def contact_sheet(result: EditResult, columns: int = 10, cell: int = 96) -> Image.Image:
    """One picture: the input with each pair's mask outlined and the result, then per pair its candidates and
    curves."""
    sections = [_header(result, cell * columns)]
    for k, pair in enumerate(result.pairs):
        sections.append(_pair_section(pair, k, columns, cell))
    width = max(s.width for s in sections)
    sheet = Image.new("RGB", (width, sum(s.height for s in sections)), BG)
    y = 0
    for s in sections:
        sheet.paste(s, (0, y))
        y += s.height
    return sheet


def _header(result: EditResult, width: int) -> Image.Image:
    font = _font(13)
    text = [f"source: {result.source_prompt}", f"target: {result.target_prompt}",
            f"model {result.model} | N={result.num_inference_steps} r={result.reassembly_step} "
            f"re={result.reinversion_steps} | UNet calls {result.cost.unet_calls}, sample evals "
            f"{result.cost.unet_sample_evals} | {result.timings_s.get('total', 0):.1f} s"]
    img = enlarge(result.image.copy(), MIN_VIEW)
    img.thumbnail((width // 2, 256))
    source = result.input_image.resize(img.size) if result.input_image is not None else img
    overlay = mask_overlay(source, [p.mask_array for p in result.pairs if p.mask_array is not None],
                           [p.pair.mask_phrase for p in result.pairs])  # the masks are of the input's objects
    h = max(img.height, 18 * len(text)) + 12
    out = Image.new("RGB", (max(width, img.width * 2 + 12), h + 6), BG)
    out.paste(overlay, (4, 4))
    out.paste(img, (img.width + 8, 4))
    d = ImageDraw.Draw(out)
    for i, line in enumerate(text):
        d.text((img.width * 2 + 16, 6 + 18 * i), line, fill=INK, font=font)
    return out


def enlarge(image: Image.Image, side: int) -> Image.Image:
    """An integer nearest-neighbour enlargement so the longest side is at least `side` (pixels stay crisp)."""
    factor = max(1, math.ceil(side / max(image.size)))
    return image if factor == 1 else image.resize((image.width * factor, image.height * factor), Image.NEAREST)


def mask_overlay(image: Image.Image, masks: list, labels: list[str], scores: list | None = None) -> Image.Image:
    """The image with each mask tinted and labelled (masks at any resolution; resized to the image)."""
    base = np.asarray(image.convert("RGB"), dtype=np.float32)
    out = base.copy()
    boxes = []
    for k, mask in enumerate(masks):
        m = np.asarray(Image.fromarray(np.asarray(mask, dtype=np.uint8) * 255).resize(image.size, Image.NEAREST)) > 0
        tint = np.array(MASK_TINTS[k % len(MASK_TINTS)], dtype=np.float32)
        out[m] = 0.45 * out[m] + 0.55 * tint
        ys, xs = np.nonzero(m)
        boxes.append((int(xs.min()), int(ys.min()), int(ys.max())) if xs.size else (0, 0, 0))
    pic = Image.fromarray(out.clip(0, 255).astype(np.uint8))
    d = ImageDraw.Draw(pic)
    font, taken = _font(11), []
    for k, ((x, y, bottom), label) in enumerate(zip(boxes, labels)):
        text = label if not scores or scores[k] is None else f"{label} {scores[k]:.2f}"
        bbox = d.textbbox((0, 0), text, font=font, stroke_width=2)
        w, h = bbox[2] - bbox[0] + 2, bbox[3] - bbox[1] + 2
        # Above the object when there is room, else below it: the label names the object without hiding it.
        top = y - h - 1 if y - h - 1 >= 0 else min(bottom + 1, pic.height - h)
        left = min(max(0, x), max(0, pic.width - w))
        while any(left < r[2] and r[0] < left + w and top < r[3] and r[1] < top + h for r in taken):
            top += h  # never on top of another label
        taken.append((left, top, left + w, top + h))
        d.text((left + 1 - bbox[0], top + 1 - bbox[1]), text, fill=(255, 255, 255), font=font, stroke_width=2,
               stroke_fill=MASK_TINTS[k % len(MASK_TINTS)])
    return pic


def _pair_section(pair: PairReport, index: int, columns: int, cell: int) -> Image.Image:
    font = _font(11)
    steps = pair.search.steps
    rows = max(1, math.ceil(len(pair.candidates) / columns))
    aspect = pair.candidates[0].height / pair.candidates[0].width if pair.candidates else 1.0
    cell_h = max(24, int(round(cell * aspect)))
    title_h, label_h, curve_h = 22, 14, 186
    width = columns * cell
    out = Image.new("RGB", (width, title_h + rows * (cell_h + label_h) + curve_h + 10), BG)
    d = ImageDraw.Draw(out)
    d.text((4, 4), f"pair {index + 1}: {pair.pair.source!r} -> {pair.pair.target!r}   guided prompt: "
                   f"{pair.pair.guided_prompt!r}   optimal step {pair.optimal_step}", fill=INK, font=_font(13))
    for i, (step, thumb) in enumerate(zip(steps, pair.candidates)):
        x, y = (i % columns) * cell, title_h + (i // columns) * (cell_h + label_h)
        t = enlarge(thumb, min(cell, cell_h) - 6)
        t.thumbnail((cell - 6, cell_h - 6))
        out.paste(t, (x + (cell - t.width) // 2, y + (cell_h - t.height) // 2))
        chosen = step == pair.optimal_step
        if chosen:
            d.rectangle([x + 1, y + 1, x + cell - 2, y + cell_h - 2], outline=CHOSEN, width=3)
        d.text((x + cell // 2 - 12, y + cell_h), f"{'*' if chosen else ''}i={step}", fill=CHOSEN if chosen else INK,
               font=font)
    rows_h = title_h + rows * (cell_h + label_h)
    _curves(d, pair, (34, rows_h + 20, width - 10, out.height - 20), font)  # the legend goes above the plot
    return out


def _curves(d: ImageDraw.ImageDraw, pair: PairReport, box: tuple[int, int, int, int], font) -> None:
    """The edit score (S_e - S_src when the source cosine is known, else S_e), the preserved region's PSNR and the
    search score over the steps. Each is scaled to the plot's height over its own finite range; the legend gives
    that range in the curve's units (the y axis runs from each curve's min to its max). The chosen step is marked."""
    x0, y0, x1, y1 = box
    d.rectangle(box, outline=(180, 180, 180))
    steps = pair.search.steps
    edit = pair.search.s_edit if pair.search.s_source is None else \
        [e - s for e, s in zip(pair.search.s_edit, pair.search.s_source)]
    psnr = [10 * math.log10(1 / max(-b, 1e-10)) if b is not None and math.isfinite(b) else float("nan")
            for b in pair.search.s_background]
    series = [edit, psnr, pair.search.score]
    units = ["S_e - S_src" if pair.search.s_source is not None else "S_e", "dB PSNR", "rank only"]
    lo_step, hi_step = min(steps), max(steps)
    sx = lambda s: x0 + (x1 - x0) * ((s - lo_step) / max(1, hi_step - lo_step))
    legend = []
    for (name, colour), values, unit in zip(CURVES.items(), series, units):
        v = np.asarray([np.nan if x is None else x for x in values], dtype=np.float64)
        ok = np.isfinite(v)
        if not ok.any():
            legend.append((f"{name}: no finite value", colour))
            continue
        lo, hi = v[ok].min(), v[ok].max()
        span = hi - lo
        legend.append((f"{name} {_short(lo)}..{_short(hi)} {unit}" if unit != "rank only" else f"{name} (rank only)",
                       colour))
        norm = (v - lo) / span if span > 1e-12 else np.full_like(v, 0.5)
        pts = [(sx(s), y1 - (y1 - y0) * float(n)) for s, n, good in zip(steps, norm, ok) if good]
        if len(pts) > 1:
            d.line(pts, fill=colour, width=2)
        for x, y in pts:
            d.ellipse([x - 2, y - 2, x + 2, y + 2], fill=colour)
    for frac, label in ((0.0, "min"), (0.5, "mid"), (1.0, "max")):
        y = y1 - (y1 - y0) * frac
        d.line([(x0 - 4, y), (x0, y)], fill=INK)
        d.text((max(0, x0 - 28), y - 6), label, fill=INK, font=font)
    for s in steps:
        d.line([(sx(s), y1), (sx(s), y1 + 3)], fill=INK)
    cx = sx(pair.optimal_step)
    d.line([(cx, y0), (cx, y1)], fill=CHOSEN, width=1)
    x = x0 + 6
    for text, colour in legend:  # above the plot, never over the curves
        d.text((x, y0 - 15), text, fill=colour, font=font)
        x += d.textbbox((0, 0), text, font=font)[2] + 18
    d.text((x0, y1 + 4), f"step {lo_step}", fill=INK, font=font)
    d.text((x1 - 50, y1 + 4), f"step {hi_step}", fill=INK, font=font)


def _short(x: float) -> str:
    return f"{x:.3g}"


def objects_report(phrases, results, work_size, original_size) -> list[dict]:
    """Per phrase: found, provider, score, box in the original image's pixels, area fraction, notes."""
    sx, sy = original_size[0] / work_size[0], original_size[1] / work_size[1]
    out = []
    for phrase, r in zip(phrases, results):
        box = None if r.box is None or not r.mask.any() else [round(r.box[0] * sx), round(r.box[1] * sy),
                                                              round(r.box[2] * sx), round(r.box[3] * sy)]
        out.append({"phrase": phrase, "found": bool(r.mask.any()), "provider": r.provider,
                    "score": None if r.score is None else round(float(r.score), 4), "box": box,
                    "area_fraction": round(r.area_fraction, 6), "notes": list(r.notes)})
    return out
