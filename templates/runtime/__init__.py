"""The runtime every generated package carries: these modules are copied verbatim beside the
generated ones (they import each other relatively), and the generator imports them from here as
``generator.templates.runtime`` (snippets, docs, the explorer's preview), so both run, and mypy
checks, the very same code. This file itself is not copied."""
