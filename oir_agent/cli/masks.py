"""`oir-agent masks`: find objects and write an overlay picture (each mask tinted, labelled with phrase and score)."""

from __future__ import annotations

import json
import sys

from PIL import Image


def run_masks(args) -> int:
    from ..config import OIRConfig
    from ..editor import OIREditor
    from ..files import save_image
    from ..report import mask_overlay

    editor = OIREditor.from_pretrained(args.model, device=args.device, dtype=args.dtype, clip_model=args.clip_model,
                                       seed=args.seed)
    results, work = editor.find_objects(args.image, args.phrase, provider=args.masks, config=OIRConfig(seed=args.seed))
    overlay = mask_overlay(work, [r.mask for r in results], args.phrase, [r.score for r in results])
    original_size = Image.open(args.image).size
    save_image(overlay.resize(original_size, Image.LANCZOS) if overlay.size != original_size else overlay,
               args.output)
    report = objects_report(args.phrase, results, work.size, original_size)
    for item in report:
        print(f"{item['phrase']!r}: {'found' if item['found'] else 'NOT FOUND'} (provider {item['provider']}, score "
              f"{item['score']}, box {item['box']}, area {item['area_fraction']:.1%})", file=sys.stderr)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(args.output)
    return 0


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
