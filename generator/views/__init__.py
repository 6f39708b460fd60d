"""Views: what templates, docs and the explorer print, computed from the IR in Python.

Templates only lay text out; every decision about an operation, a module or the error classes is
made here, once, and shared by whoever prints it.
"""
