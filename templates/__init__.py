"""Jinja2 templates and the verbatim runtime of generated packages (package data)."""
