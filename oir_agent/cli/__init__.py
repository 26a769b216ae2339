"""The `oir-agent` command line: edit, pairs, masks, demo, serve (front end over OIREditor)."""

from .main import main

__all__ = ["main"]
