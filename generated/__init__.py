"""Generated API clients, checked in. Regenerate with `python -m generator generate`."""
