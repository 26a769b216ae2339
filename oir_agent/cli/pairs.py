"""`oir-agent pairs`: the editing pairs the aligner finds (no model needed)."""

from __future__ import annotations

import json


def run_pairs(args) -> int:
    from ..errors import AlignmentError
    from ..text.aligner import align_prompts
    from ..text.instructions import parse_instruction

    if args.instruction:
        alignment = parse_instruction(args.instruction, source_prompt=args.source_prompt)
    elif args.source_prompt is not None and args.target_prompt is not None:
        alignment = align_prompts(args.source_prompt, args.target_prompt)
    else:
        raise AlignmentError("give --source-prompt and --target-prompt, or --instruction [--source-prompt].")
    if args.json:
        print(json.dumps(alignment.to_dict(), indent=2))
    else:
        print(f"source: {alignment.source_prompt}\ntarget: {alignment.target_prompt}")
        for i, p in enumerate(alignment.pairs, 1):
            print(f"{i}. [{p.kind}] {p.source!r} -> {p.target!r}  (mask phrase {p.mask_phrase!r})\n"
                  f"   guided prompt: {p.guided_prompt}")
        for w in alignment.warnings:
            print(f"warning: {w}")
    return 0
