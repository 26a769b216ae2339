"""Offline presets: models built from configs (random weights) or shipped with the package."""
