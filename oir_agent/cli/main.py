"""The `oir-agent` command line: the parser and the dispatch to edit, pairs, masks, demo and serve."""

from __future__ import annotations

import argparse
import logging
import sys

from ..errors import OIRError

logger = logging.getLogger("oir_agent.cli")


def _parse_pair(text: str) -> tuple[str, str]:
    if "=>" not in text:
        raise argparse.ArgumentTypeError(f"--pair {text!r}: expected 'SOURCE=>TARGET', e.g. 'dumplings=>fried rice'")
    src, tgt = (s.strip() for s in text.split("=>", 1))
    if not src or not tgt:
        raise argparse.ArgumentTypeError(f"--pair {text!r}: both sides of '=>' must be non-empty")
    return src, tgt


def _parse_mask(text: str) -> tuple[str, str]:
    if "=" not in text:
        raise argparse.ArgumentTypeError(f"--mask {text!r}: expected 'SOURCE=PATH', e.g. 'dumplings=masks/d.png'")
    src, path = text.split("=", 1)
    return src.strip(), path.strip()


def _parse_step(text: str) -> tuple[str, int]:
    src, sep, value = text.rpartition("=")
    if not sep or not src.strip():
        raise argparse.ArgumentTypeError(f"--step {text!r}: expected 'SOURCE=STEP', e.g. 'dumplings=30'")
    try:
        return src.strip(), int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--step {text!r}: the step after '=' must be an integer, e.g. "
                                         "'dumplings=30'") from None


def _parse_range(text: str) -> tuple[str, tuple[int, int]]:
    src, sep, value = text.rpartition("=")
    lo, colon, hi = value.partition(":")
    try:
        if not sep or not src.strip() or not colon:
            raise ValueError
        return src.strip(), (int(lo), int(hi))
    except ValueError:
        raise argparse.ArgumentTypeError(f"--search {text!r}: expected 'SOURCE=LO:HI', e.g. 'dumplings=10:30'") from None


def _model_args(p: argparse.ArgumentParser) -> None:
    from ..config import add_model_arguments

    add_model_arguments(p)


def _prompt_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--source-prompt", "-s", default=None, help="a description of the input image")
    p.add_argument("--target-prompt", "-t", default=None, help="the same description, edited")
    p.add_argument("--instruction", "-i", default=None, help="e.g. 'replace the dumplings with fried rice'")


def _version() -> str:
    from .. import __version__

    return __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="oir-agent", description="Multi-object image editing with OIR (ICLR 2024).")
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    parser.commands = sub.choices  # name -> subparser (for errors in the subcommand's terms)

    e = sub.add_parser("edit", help="edit an image")
    e.add_argument("image", help="input image file")
    _prompt_args(e)
    e.add_argument("--from-diagnostics", default=None, metavar="FILE",
                   help="reproduce an earlier edit from its diagnostics JSON: its prompts, pairs, fixed steps, model "
                        "and every OIRConfig field (flags given here are ignored, except --mask/--model/--device)")
    e.add_argument("--pair", action="append", type=_parse_pair, default=None, metavar="SRC=>TGT",
                   help="explicit editing pair (repeatable); SRC must appear in --source-prompt")
    e.add_argument("--mask", action="append", type=_parse_mask, default=None, metavar="SRC=PATH",
                   help="mask image for a pair's source phrase (repeatable); non-zero = inside")
    _model_args(e)
    e.add_argument("--step", action="append", type=_parse_step, default=None, metavar="SRC=K",
                   help="fix a pair's inversion step (1..N) and skip its search (repeatable), e.g. dumplings=30")
    from .config_flags import add_config_flags

    add_config_flags(e)
    e.add_argument("-o", "--output", required=True, help="output image path (same size as the input)")
    e.add_argument("--diagnostics", default=None, help="write the diagnostics JSON here")
    e.add_argument("--sheet", default=None, help="write a contact sheet (candidates + score curves) here")
    e.add_argument("--save-edit", default=None, metavar="FILE",
                   help="also save what `oir-agent refine` needs (inversion, candidates, masks) to FILE (.oir)")
    e.add_argument("--quiet", action="store_true", help="no progress bars")

    rf = sub.add_parser("refine", help="re-pick pairs' steps of an edit saved with --save-edit (only the "
                                       "reassembly runs)")
    rf.add_argument("edit_file", help="the file written by `oir-agent edit --save-edit`")
    rf.add_argument("--step", action="append", type=_parse_step, default=None, metavar="SRC=K",
                    help="a pair's new inversion step (repeatable), e.g. dumplings=18; higher = more change")
    rf.add_argument("--search", action="append", type=_parse_range, default=None, metavar="SRC=LO:HI",
                    help="instead of a step: re-search a pair over steps LO..HI and use the best (repeatable)")
    rf.add_argument("--model", default=None, help="the model that made the edit (default: the one recorded)")
    rf.add_argument("--device", default=None, help="cpu | cuda (default: cuda when available)")
    rf.add_argument("-o", "--output", required=True, help="output image path")
    rf.add_argument("--diagnostics", default=None, help="write the diagnostics JSON here")
    rf.add_argument("--sheet", default=None, help="write a contact sheet here")
    rf.add_argument("--save-edit", default=None, metavar="FILE", help="save the refined edit (for further refines)")
    rf.add_argument("--quiet", action="store_true", help="no progress bars")

    pr = sub.add_parser("pairs", help="show the editing pairs the aligner finds (no model needed)")
    _prompt_args(pr)
    pr.add_argument("--json", action="store_true", help="print JSON")

    m = sub.add_parser("masks", help="find objects and write a mask overlay picture (no edit)")
    m.add_argument("image")
    m.add_argument("--phrase", action="append", required=True, help="object to find (repeatable)")
    _model_args(m)
    from ..config import FIND_PROVIDERS

    add_config_flags(m, ("mask_provider", "seed"), choices={"mask_provider": FIND_PROVIDERS})
    m.add_argument("-o", "--output", required=True, help="overlay picture path")
    m.add_argument("--json", action="store_true", help="print boxes and scores as JSON on stdout")
    d = sub.add_parser("demo", help="a 2-pair edit with the shipped ShapeWorld model (offline, CPU, ~15-30 s)")
    d.add_argument("-o", "--output-dir", default="oir-demo", help="where to write edited.png, diagnostics.json, "
                                                                   "sheet.png (default ./oir-demo)")
    d.add_argument("--device", default=None, help="cpu | cuda (default: cuda when available)")
    d.add_argument("--quiet", action="store_true", help="no progress bars")

    v = sub.add_parser("view", help="the edit view (before/after, masks, candidates, step sliders) as a standalone "
                                    "HTML report, or served locally with --serve")
    v.add_argument("diagnostics", help="the diagnostics JSON of an edit (`oir-agent edit ... --diagnostics FILE`)")
    v.add_argument("--edit", default=None, metavar="FILE",
                   help="the edit saved with --save-edit: adds masks and candidates; needed for --serve")
    v.add_argument("-o", "--output", default=None, help="the HTML file to write (default: next to the diagnostics)")
    v.add_argument("--serve", action="store_true", help="serve the view on 127.0.0.1 with working sliders (each "
                                                        "move re-assembles the edit, as refine does)")
    v.add_argument("--port", type=int, default=0, help="with --serve: the port (default: a free one)")
    v.add_argument("--refined", default=None, metavar="PNG", help="with --serve: where each refined result is "
                                                                  "written (default: DIAGNOSTICS-refined.png)")
    v.add_argument("--model", default=None, help="with --serve: the model that made the edit (default: recorded)")
    v.add_argument("--device", default=None, help="cpu | cuda (default: cuda when available)")
    v.add_argument("--quiet", action="store_true", help="no progress messages")

    s = sub.add_parser("serve", help="run the MCP server (stdio or local HTTP)")
    from ..server.transports import add_serve_arguments

    add_serve_arguments(s)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:  # a mistyped flag: the subcommand's own usage, not the top level's
        parser.commands[args.command].error(f"unrecognized arguments: {' '.join(extra)}")
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    import signal
    import threading

    previous = None
    if args.command != "serve" and threading.current_thread() is threading.main_thread():
        def terminate(signum, frame):  # one-shot work: SIGTERM unwinds like Ctrl-C, so temp files are removed
            raise SystemExit(143)

        previous = signal.signal(signal.SIGTERM, terminate)  # (the server has its own shutdown)
    try:
        return _COMMANDS[args.command](args)
    except OIRError as exc:
        from .flags import in_flag_terms

        print(f"oir-agent {args.command}: error: {in_flag_terms(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("oir-agent: interrupted", file=sys.stderr)
        return 130
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def cmd_edit(args) -> int:
    from .edit import run_edit

    return run_edit(args)


def cmd_refine(args) -> int:
    from .refine import run_refine

    return run_refine(args)


def cmd_pairs(args) -> int:
    from .pairs import run_pairs

    return run_pairs(args)


def cmd_demo(args) -> int:
    from .demo import run_demo

    return run_demo(args)


def cmd_view(args) -> int:
    from .view import run_view

    return run_view(args)


def cmd_serve(args) -> int:
    from ..server.transports import run_serve

    return run_serve(args)


def cmd_masks(args) -> int:
    from ..config import resolve_model
    from .masks import run_masks
    from .output import check_writable

    args.model = resolve_model(args.model)
    check_writable(args.output, "--output")
    return run_masks(args)


_COMMANDS = {"edit": cmd_edit, "refine": cmd_refine, "pairs": cmd_pairs, "masks": cmd_masks, "serve": cmd_serve, "demo": cmd_demo,
             "view": cmd_view}

if __name__ == "__main__":
    sys.exit(main())
