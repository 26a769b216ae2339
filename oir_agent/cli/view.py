"""`oir-agent view DIAGNOSTICS.json`: the edit view as one standalone HTML file (pictures inline), or with --serve
on 127.0.0.1 with a local bridge to an editor, so the step sliders re-assemble the edit (the edit saved with
`oir-agent edit ... --save-edit FILE`, given as --edit FILE)."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def run_view(args) -> int:
    from ..errors import InvalidInputError
    from ..view.page import standalone_html
    from ..view.payload import payload_from_files

    diag_path = Path(args.diagnostics).expanduser()
    diagnostics = _diagnostics(diag_path)
    stored = None
    if args.edit:
        from ..edits import load_edit

        stored = load_edit(args.edit)
        if diagnostics.get("edit_id") and diagnostics["edit_id"] != stored.edit_id:
            raise InvalidInputError(f"{args.edit!r} holds edit {stored.edit_id}, but {str(diag_path)!r} describes "
                                    f"edit {diagnostics['edit_id']}: give the edit file saved with this edit.")
    if args.serve and stored is None:
        raise InvalidInputError("--serve needs the saved edit to re-assemble: add --edit FILE (written by "
                                "`oir-agent edit ... --save-edit FILE`).")
    input_image, output_image = _images(diagnostics, diag_path, stored)
    payload = payload_from_files(diagnostics, input_image, output_image, stored)
    if not args.serve:
        out = Path(args.output) if args.output else diag_path.with_suffix(".html")
        from ..files import atomic_write

        atomic_write(out, lambda f: f.write(standalone_html(payload).encode("utf-8")))
        if stored is None:
            print("note: without --edit FILE the report shows no masks or candidates (they are in the saved edit).",
                  file=sys.stderr)
        print(out)
        return 0
    return _serve(args, stored, payload, output_image, diag_path)


def _diagnostics(path: Path) -> dict:
    from ..errors import InvalidInputError

    if not path.is_file():
        raise InvalidInputError(f"diagnostics file {str(path)!r} does not exist; write one with `oir-agent edit ... "
                                "--diagnostics FILE`.")
    try:
        d = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInputError(f"{str(path)!r} is not a diagnostics JSON file ({type(exc).__name__}).") from None
    if not isinstance(d, dict) or not isinstance(d.get("pairs"), list) or "num_inference_steps" not in d:
        raise InvalidInputError(f"{str(path)!r} is JSON but not oir-agent diagnostics (no pairs / "
                                "num_inference_steps); give the file written by --diagnostics.")
    return d


def _images(d: dict, diag_path: Path, stored):
    """The input and the result: the files the diagnostics name (relative to the diagnostics' folder), else the
    saved edit's own input."""
    from ..errors import InvalidInputError
    from ..images import open_image, to_pil

    files = d.get("files") or {}

    def find(key: str):
        name = files.get(key)
        if not name:
            return None
        p = Path(name).expanduser()
        p = p if p.is_absolute() else diag_path.parent / p
        return open_image(str(p), f"the diagnostics' {key} image") if p.is_file() else None

    output = find("output")
    if output is None:
        raise InvalidInputError(f"the result image named in {str(diag_path)!r} ({files.get('output')!r}) is not "
                                "there; keep the edit's output next to its diagnostics.")
    source = find("input")
    if source is None and stored is not None:
        source = to_pil(stored.original) if stored.original is not None else to_pil(stored.inverted.image.cpu())
    if source is None:
        raise InvalidInputError(f"the input image named in {str(diag_path)!r} ({files.get('input')!r}) is not "
                                "there; give --edit FILE (the saved edit holds its input).")
    return source, output


def _serve(args, stored, payload: dict, output_image, diag_path: Path) -> int:
    from ..config import resolve_model
    from ..editor import OIREditor
    from ..files import save_image
    from ..view.bridge import EditSession, make_server

    model = resolve_model(args.model, stored.model)
    if not args.quiet:
        print(f"loading model {model!r} ...", file=sys.stderr)
    editor = OIREditor.from_pretrained(model, device=args.device, edit_memory=0, seed=stored.config.seed)
    refined = Path(args.refined) if args.refined else diag_path.with_name(diag_path.stem + "-refined.png")

    def keep(result) -> str:
        save_image(result.image, refined)
        return str(refined.name)

    server = make_server(EditSession(editor, stored, payload, on_result=keep), port=args.port)
    print(f"edit view on http://127.0.0.1:{server.server_address[1]}/ (each slider move writes {refined}); "
          "Ctrl-C stops", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0
