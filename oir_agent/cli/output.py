"""What the CLI commands share: progress bars on stderr and writing an edit's files."""

from __future__ import annotations

import sys
from pathlib import Path


class StageProgress:
    """One tqdm bar per stage on stderr."""

    def __init__(self, enabled: bool = True):
        self.enabled = enabled
        self.bar = None
        self.stage = None

    def __call__(self, event) -> None:
        if not self.enabled:
            return
        from tqdm import tqdm

        if event.stage != self.stage or self.bar is None or event.total != self.bar.total \
                or event.completed < self.bar.n:
            self.close()
            self.stage = event.stage
            self.bar = tqdm(total=max(1, event.total), desc=f"{event.stage:<10}", file=sys.stderr, leave=True,
                            dynamic_ncols=True, mininterval=1.0)
        self.bar.set_postfix_str(event.message[:60], refresh=False)
        self.bar.update(event.completed - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def write_outputs(result, output, diagnostics, sheet, input_path=None) -> None:
    from ..files import save_image, save_json
    from ..report import contact_sheet

    absolute = lambda p: str(Path(p).expanduser().resolve()) if p else None
    result.files = {"input": absolute(input_path), "output": absolute(output), "diagnostics": absolute(diagnostics),
                    "sheet": absolute(sheet)}
    save_image(result.image, output)
    if diagnostics:
        save_json(result.to_dict(), diagnostics)
    if sheet:
        save_image(contact_sheet(result), sheet)


def check_writable(path: str, flag: str) -> None:
    """Make the output's folder (as `demo` does) and check that it can be written, before any work starts."""
    import os

    from ..errors import InvalidInputError

    target = Path(path).expanduser()
    if target.is_dir():
        raise InvalidInputError(f"{flag} {path!r} is a folder; give a file name, e.g. {str(target / 'edited.png')!r}.")
    parent = target.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidInputError(f"{flag} {path!r}: cannot create its folder {str(parent)!r} ({exc.strerror}).") from exc
    if not os.access(parent, os.W_OK):
        raise InvalidInputError(f"{flag} {path!r}: folder {str(parent)!r} is not writable.")
