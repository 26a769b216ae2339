"""`oir-agent refine`: re-pick pairs' steps of an edit saved with `edit --save-edit FILE`, without redoing its
search (the model is loaded again; only the reassembly runs)."""

from __future__ import annotations

import sys

from .output import StageProgress, check_writable, write_outputs


def run_refine(args) -> int:
    from ..edits import load_edit, save_edit
    from ..errors import InvalidInputError

    stored = load_edit(args.edit_file)
    if not args.step and not args.search:
        raise InvalidInputError(f"give at least one --step SRC=K (or --search SRC=LO:HI); the pairs are "
                                f"{[p.source for p in stored.edit_pairs]} at steps {stored.steps}.")
    for path, flag in ((args.output, "--output"), (args.diagnostics, "--diagnostics"), (args.sheet, "--sheet")):
        if path:
            check_writable(path, flag)
    from ..config import resolve_model
    from ..editor import OIREditor

    model = resolve_model(args.model, stored.model)
    if not args.quiet:
        print(f"loading model {model!r} ...", file=sys.stderr)
    editor = OIREditor.from_pretrained(model, device=args.device, edit_memory=0, seed=stored.config.seed)
    bar = StageProgress(enabled=not args.quiet)
    try:
        result = editor.refine(stored, dict(args.step) if args.step else None, progress=bar,
                               search=dict(args.search) if args.search else None)
    finally:
        bar.close()
    write_outputs(result, args.output, args.diagnostics, args.sheet)
    if args.save_edit:
        from dataclasses import replace

        save_edit(replace(stored, steps=[p.optimal_step for p in result.pairs]), args.save_edit)
    for p in result.pairs:
        print(f"{p.source!r} -> {p.target!r}: inversion step {p.optimal_step}/{result.num_inference_steps}",
              file=sys.stderr)
    print(f"{result.cost.unet_sample_evals} UNet sample evaluations ({result.timings_s['total']:.1f} s)", file=sys.stderr)
    for w in result.warnings:
        print(f"warning: {w}", file=sys.stderr)
    print(args.output)
    return 0
