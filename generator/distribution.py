"""An installable project around a generated package (``distribution = true``).

The project files live *inside* the package folder (``pyproject.toml``, ``README.md``), so the
folder stays the one unit the writer swaps atomically and the manifest lists, and the never-destroy
rules and ``check`` cover them unchanged. The build backend is hatchling: it maps the folder onto
the import name (``sources = {"" = "<package>"}``) and builds out of tree, so ``pip install
./<package>`` leaves no ``build/`` or ``*.egg-info`` behind in a folder the generator owns.
"""

from __future__ import annotations

import re

from generator.ir import Api
from generator.snippets import snippet_for
from generator.write import DOCS_HEADER, HEADER

# What the runtime needs: the bounds the generator's own tests run the runtime with.
REQUIRES_PYTHON = ">=3.11"
DEPENDENCIES = ("httpx>=0.27,<1", "pydantic>=2.7,<3")
BUILD_BACKEND = "hatchling>=1.21"  # 1.21: an empty ``sources`` key adds a prefix
FILES = ("pyproject.toml", "README.md")

_PRE = {"a": "a", "alpha": "a", "b": "b", "beta": "b", "c": "rc", "rc": "rc", "pre": "rc"}
_PRE |= {"preview": "rc"}
_PEP440 = re.compile(
    r"""^v?(?:(?P<epoch>\d+)!)?(?P<release>\d+(?:\.\d+)*)
    (?:[-_.]?(?P<pre>alpha|beta|preview|pre|rc|a|b|c)[-_.]?(?P<pre_n>\d+)?)?
    (?:(?:-(?P<post_implicit>\d+))|(?:[-_.]?(?:post|rev|r)[-_.]?(?P<post_n>\d+)?))?
    (?:[-_.]?dev[-_.]?(?P<dev_n>\d+)?)?$""",
    re.VERBOSE | re.IGNORECASE,
)


def pep440_version(text: str) -> str:
    """``info.version`` as a normalized PEP 440 version: a valid one in its canonical spelling
    (``1.0-beta.2`` -> ``1.0b2``), a date its numbers (``2023-10-16`` -> ``2023.10.16``),
    anything else its digit groups, or ``0`` with none (``"latest"``)."""
    text = text.strip()
    match = _PEP440.match(text)
    if match is None:
        groups = re.findall(r"\d+", text)
        return ".".join(str(int(g)) for g in groups) if groups else "0"
    out = ""
    if match["epoch"] and int(match["epoch"]):
        out += f"{int(match['epoch'])}!"
    out += ".".join(str(int(part)) for part in match["release"].split("."))
    if match["pre"]:
        out += _PRE[match["pre"].lower()] + str(int(match["pre_n"] or 0))
    post = match["post_implicit"] or match["post_n"]
    if post is not None or re.search(r"(post|rev|r)\d*(?:[-_.]?dev\d*)?$", text, re.I):
        out += f".post{int(post or 0)}"
    if match["dev_n"] is not None or re.search(r"dev\d*$", text, re.I):
        out += f".dev{int(match['dev_n'] or 0)}"
    return out


def distribution_name(package: str) -> str:
    """The default project name: the package's, normalized as PyPI does (PEP 503)."""
    return re.sub(r"[-_.]+", "-", package).lower()


def project_files(api: Api, package: str, name: str) -> dict[str, str]:
    """``pyproject.toml`` and ``README.md`` of the project that installs ``package``."""
    return {
        "pyproject.toml": pyproject(api, package, name),
        "README.md": readme(api, package, name),
    }


def pyproject(api: Api, package: str, name: str) -> str:
    head = HEADER.decode() + f"{_one_line(api.spec_path)}. Do not edit: regenerate instead."
    description = f"Typed Python client for {api.title} (API version {api.version})"
    deps = "".join(f"    {_toml(d)},\n" for d in DEPENDENCIES)
    return (
        f"{head}\n"
        "[build-system]\n"
        f"requires = [{_toml(BUILD_BACKEND)}]\n"
        'build-backend = "hatchling.build"\n'
        "\n"
        "[project]\n"
        f"name = {_toml(name)}\n"
        f"version = {_toml(pep440_version(api.version))}\n"
        f"description = {_toml(_one_line(description))}\n"
        'readme = "README.md"\n'
        f"requires-python = {_toml(REQUIRES_PYTHON)}\n"
        f"dependencies = [\n{deps}]\n"
        "\n"
        "# This folder is the package: every file in it ships under the import name.\n"
        "[tool.hatch.build.targets.wheel]\n"
        'include = ["/**"]\n'
        'exclude = ["/pyproject.toml", "/README.md", "/dist", "__pycache__"]\n'
        "\n"
        "[tool.hatch.build.targets.wheel.sources]\n"
        f'"" = {_toml(package)}\n'
        "\n"
        "[tool.hatch.build.targets.sdist]\n"
        'exclude = ["/dist", "__pycache__"]\n'
    )


def readme(api: Api, package: str, name: str) -> str:
    """The project's front page: what it is, how to install and call it, where the docs are."""
    head = (
        DOCS_HEADER.decode() + f"{_one_line(api.spec_path)}. Do not edit: regenerate instead. -->"
    )
    client = api.profile.client_class
    env = ", ".join(f"`{c.env}`" for c in api.credentials)
    lines = [
        head,
        f"# {name}",
        "",
        f"Typed Python client for {_one_line(api.title)}, API version"
        f" `{_one_line(api.version)}`. Depends on httpx and pydantic only.",
        "",
        "## Install",
        "",
        "```sh",
        f"pip install ./{package}          # this folder, from beside it",
        f"python -m build --outdir dist {package}   # or build a wheel to publish",
        "```",
        "",
        "## Use",
        "",
        "```python",
    ]
    if api.operations:
        lines.append(snippet_for(api, api.operations[0], package=package).rstrip("\n"))
    else:
        lines += [f"from {package} import {client}", "", f"client = {client}()"]
    lines += [
        "```",
        "",
        f"Credentials come from the environment ({env})." if env else "",
        "",
        f"Try any operation from the command line: `python -m {package} --help`.",
        "",
        "The reference (every operation, model and error) is in [docs/index.md](docs/index.md).",
        "",
    ]
    return "\n".join(lines)


def _toml(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's, for the characters that need one)."""
    import json

    return json.dumps(text, ensure_ascii=False)


def _one_line(text: str) -> str:
    """One line of text TOML and Markdown can hold (a lone surrogate from JSON text dropped)."""
    return " ".join("".join(c for c in text if not 0xD800 <= ord(c) <= 0xDFFF).split())
