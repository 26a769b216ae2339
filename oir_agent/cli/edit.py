"""`oir-agent edit`: one edit from flags (or replayed from a diagnostics file), files out, progress on stderr.

Order matters for a newcomer: every input is checked first (prepare_edit, no model), then the output folders,
and only then is the model loaded (seconds to minutes).
"""

from __future__ import annotations

import sys

from .flags import flag_text
from .output import StageProgress, check_writable, write_outputs


def run_edit(args) -> int:
    from ..config import OIRConfig, resolve_model
    from ..errors import InvalidInputError
    from ..request import prepare_edit

    masks = dict(args.mask) if args.mask else None
    recorded_model, refines = None, []
    if args.from_diagnostics:
        from ..reproduce import edit_arguments, read_diagnostics, recorded_refines

        recorded = read_diagnostics(args.from_diagnostics)
        kwargs = edit_arguments(recorded, masks)
        refines = recorded_refines(recorded)
        recorded_model = recorded["model"]
    else:
        if args.mask and not args.pair and not (args.source_prompt and (args.target_prompt or args.instruction)):
            raise InvalidInputError("--mask needs pairs: give --pair or prompts that define them.")
        from .config_flags import config_values

        values = config_values(args)
        if args.mask:
            values["mask_provider"] = "given"
        config = OIRConfig(**values)
        kwargs = dict(source_prompt=args.source_prompt, target_prompt=args.target_prompt, instruction=args.instruction,
                      pairs=args.pair, masks=masks, config=config, steps=dict(args.step) if args.step else None)
    request = prepare_edit(args.image, **kwargs)
    for path, flag in ((args.output, "--output"), (args.diagnostics, "--diagnostics"), (args.sheet, "--sheet"),
                       (args.save_edit, "--save-edit")):
        if path:
            check_writable(path, flag)
    if request.cost_warning:  # say it before the wait, not after
        print(f"warning: {flag_text(request.cost_warning)}", file=sys.stderr)
    args.model = resolve_model(args.model, recorded_model)
    from ..editor import OIREditor
    from ..models import resolve_device, resolve_dtype

    resolve_dtype(args.dtype, resolve_device(args.device))  # a bad --device/--dtype fails before the load

    if not args.quiet:
        print(f"loading model {args.model!r} ...", file=sys.stderr)
    editor = OIREditor.from_pretrained(args.model, device=args.device, dtype=args.dtype, clip_model=args.clip_model,
                                       seed=request.config.seed)
    bar = StageProgress(enabled=not args.quiet)
    try:
        result = editor.run(request, progress=bar)
        for refine in refines:  # a replayed result that was refined: the same refines, in order
            if result.edit_id is None:
                raise InvalidInputError("--from-diagnostics: the replayed edit is too large for the edit memory, so "
                                        "its refines cannot be repeated.")
            result = editor.refine(result.edit_id, progress=bar, **refine)
    finally:
        bar.close()
    write_outputs(result, args.output, args.diagnostics, args.sheet, input_path=args.image)
    if args.save_edit:
        from ..edits import save_edit

        if result.edit_id is None:
            raise InvalidInputError("--save-edit: this edit was too large to keep in memory; nothing to save.")
        save_edit(editor.edits.get(result.edit_id), args.save_edit)
        print(f"saved for `oir-agent refine {args.save_edit} --step SRC=K -o OUT.png`", file=sys.stderr)
    for p in result.pairs:
        print(f"{p.source!r} -> {p.target!r}: optimal inversion step {p.optimal_step}/{result.num_inference_steps}",
              file=sys.stderr)
    for w in result.warnings:
        print(f"warning: {flag_text(w)}", file=sys.stderr)
    for path in (args.output, args.diagnostics, args.sheet, args.save_edit):  # every file written, as demo does
        if path:
            print(path)
    return 0
