"""`oir-agent masks`: find objects and write an overlay picture (each mask tinted, labelled with phrase and score)."""

from __future__ import annotations

import json
import sys

from PIL import Image


def run_masks(args) -> int:
    from ..config import OIRConfig
    from ..editor import OIREditor
    from ..files import save_image
    from ..images import open_image, to_rgb
    from ..report import mask_overlay, objects_report

    editor = OIREditor.from_pretrained(args.model, device=args.device, dtype=args.dtype, clip_model=args.clip_model,
                                       seed=args.seed)
    results, work = editor.find_objects(args.image, args.phrase, provider=args.mask_provider, config=OIRConfig(seed=args.seed))
    overlay = mask_overlay(work, [r.mask for r in results], args.phrase, [r.score for r in results])
    original_size = to_rgb(open_image(args.image)).size  # as displayed: EXIF orientation applied, like find_objects
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
