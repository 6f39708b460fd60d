"""Try the API from a terminal: ``python -m <package> <operation> --option value ...``.

One command per operation (the kebab-case of the client method), one option per parameter (the
kebab-case of its Python name), built with argparse from the package's ``_commands.json``.
Values are checked before anything is sent: a missing required option, a value outside an
enum, a malformed number or JSON exits 2 naming the parameter. Nested objects take
``key=value`` (dotted keys for deeper levels, numbers for list items), repeated, or JSON;
arrays take the option repeated. Credentials come from the environment, as the client reads
them; ``--base-url`` (or the ``<PREFIX>_BASE_URL`` variable) points the call elsewhere.

Standard library only until a call is really made, so ``--help`` responses fast; loaded only by
``python -m <package>``, never by ``import <package>``.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import json
import os
import sys
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn

from ._cli_output import describe_request, error_line, one_line, print_result
from ._cli_values import (
    SCALARS,
    Type,
    Upload,
    enum_values,
    escape,
    is_open,
    members,
    merge,
    metavar,
    parse_json,
    plain,
    show,
)
from ._snippet import Expr, snippet

_GENERAL = ("--base-url", "--dry-run", "--print-snippet", "--help", "--all")


def main(package: str, argv: Sequence[str] | None = None) -> int:
    table = json.loads(Path(__file__).with_name("_commands.json").read_text(encoding="utf-8"))
    args = list(sys.argv[1:] if argv is None else argv)
    prog = f"python -m {package}"
    operations: dict[str, Any] = table["operations"]
    if not args or args[0] in ("-h", "--help"):
        text = _overview(prog, table)
        if not args:
            sys.stderr.write(text)
            return 2
        sys.stdout.write(text)
        return 0
    args = _unalias(args, table.get("aliases", {}))
    name = args[0]
    if name not in operations:
        close = difflib.get_close_matches(name, list(operations), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f"; see {prog} --help"
        sys.stderr.write(f"{prog}: error: unknown operation {name!r}{hint}\n")
        return 2
    command = _Command(prog, name, operations[name], table)
    values, general = command.parse(args[1:])
    return command.run(package, values, general)


def _unalias(args: list[str], aliases: Mapping[str, str]) -> list[str]:
    """``customers payment-methods retrieve --customer c`` (a resource command, the longest
    that the leading words spell) as the operation's own command."""
    for k in range(len(args), 0, -1):
        command = aliases.get(" ".join(args[:k]))
        if command is not None:
            return [command, *args[k:]]
    return args


def _overview(prog: str, table: Mapping[str, Any]) -> str:
    api = table["api"]
    lines = [
        f"usage: {prog} OPERATION [--option VALUE ...] [--dry-run | --print-snippet]",
        "",
        f"Try {api['title']} {api['version']} from the command line: one operation per call.",
        (
            f"Credentials come from {', '.join(api['credential_envs']) or 'nowhere (none needed)'};"
            f" --base-url or {api['base_url_env']}"
        ),
        "sends the call elsewhere (a gateway, a local server).",
        f"`{prog} OPERATION --help` lists the operation's parameters.",
        "",
        "operations:",
    ]
    width = max((len(n) for n in table["operations"]), default=0)
    for name, op in table["operations"].items():
        summary = " ".join(str(op["summary"] or op["http"]).split())
        lines.append(f"  {name.ljust(width)}  {summary}")
    return "\n".join(lines) + "\n"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        """One line naming the parameter, not the whole usage (long for big operations)."""
        self.exit(2, f"{self.prog}: error: {message}\n(see {self.prog} --help)\n")


class _Paragraphs(argparse.HelpFormatter):
    """Wraps the description paragraph by paragraph (argparse would run them together)."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        paragraphs = text.split("\n\n")
        return "\n\n".join(
            super(_Paragraphs, self)._fill_text(p, width, indent) for p in paragraphs
        )


def option_names(names: Sequence[str]) -> dict[str, str]:
    """Each parameter's option: the kebab-case of its Python name (``class_`` -> ``--class``
    where no other option is called so). The explorer's command-line snippet spells them so.
    """
    options: dict[str, str] = {}
    for name in names:
        base = "--" + name.replace("_", "-")
        taken = set(_GENERAL) | set(options.values())
        for candidate in (base.rstrip("-"), base, base + "-param"):
            if candidate not in taken and len(candidate) > 2:
                options[name] = candidate
                break
        else:
            raise ValueError(f"no free option name for parameter {name!r}")
    return options


def call_option_names(keywords: Iterable[str], taken: Iterable[str]) -> dict[str, str]:
    """The options of the client's per-call headers (``--stripe-account``,
    ``--idempotency-key``), each unless a parameter's option has its name."""
    used = set(_GENERAL) | set(taken)
    options = {k: "--" + k.replace("_", "-") for k in keywords}
    return {k: option for k, option in options.items() if option not in used}


class _Command:
    def __init__(self, prog: str, name: str, op: Mapping[str, Any], table: Mapping[str, Any]):
        self.op = op
        self.api = table["api"]
        self.types: dict[str, list[list[Any]]] = table["types"]
        description = "\n\n".join(
            part for part in (op["summary"], op["description"], op["http"]) if part
        )
        if op["deprecated"]:
            description += "\n\nDeprecated."
        self.parser = _Parser(
            prog=f"{prog} {name}",
            description=escape(description),
            allow_abbrev=False,
            formatter_class=_Paragraphs,
        )
        # parameter name -> its option
        self.options: dict[str, str] = option_names([p["name"] for p in op["params"]])
        required = self.parser.add_argument_group("required parameters")
        optional = self.parser.add_argument_group("optional parameters")
        for p in op["params"]:
            option = self.options[p["name"]]
            group = required if p["required"] else optional
            group.add_argument(option, dest="p_" + p["name"], **self._argument(p, option))
        general = self.parser.add_argument_group("general options")
        general.add_argument(
            "--base-url",
            dest="g_base_url",
            metavar="URL",
            help=f"send the call here instead (default: ${self.api['base_url_env']}, else the "
            "API's own server)",
        )
        general.add_argument(
            "--dry-run",
            dest="g_dry_run",
            action="store_true",
            help="print the request (method, URL, headers with secrets masked, body); send nothing",
        )
        if op.get("pages"):
            general.add_argument(
                "--all",
                dest="g_all",
                action="store_true",
                help=f"every item of every page ({op['pages']} paging), one JSON line each",
            )
        # the client's per-call headers (request_options), where no parameter took the name
        headers = self.api.get("call_options", {})
        for keyword, option in call_option_names(headers, self.options.values()).items():
            general.add_argument(
                option,
                dest="o_" + keyword,
                metavar="VALUE",
                help=f"send {headers[keyword]}: VALUE",
            )
        general.add_argument(
            "--print-snippet",
            dest="g_snippet",
            action="store_true",
            help="print Python code that makes this same call; send nothing",
        )

    def _argument(self, p: Mapping[str, Any], option: str) -> dict[str, Any]:
        t = p["type"]
        help_parts = []
        if p.get("deprecated"):
            help_parts.append(f"[{p['deprecated']}]")
        if p["help"]:
            help_parts.append(" ".join(str(p["help"]).split()))
        kwargs: dict[str, Any] = {"required": p["required"]}
        item = t["list"] if isinstance(t, dict) and "list" in t else None
        scalar = item if item is not None else t
        if self._takes_pairs(t):
            kwargs.update(action="append", metavar="KEY=VALUE|JSON")
            keys = self._keys_help(item if item is not None else t)
            help_parts.append(
                "Give key=value (dotted keys go deeper"
                + (", numbers pick list items" if item is not None else "")
                + "), repeated, or JSON."
                + (f" Keys: {keys}." if keys else "")
            )
        else:
            if item is not None:
                kwargs["action"] = "append"
                help_parts.append("Repeat the option for more items.")
            kwargs["type"] = self._converter(scalar, option)
            values = enum_values(scalar)
            if values is not None and not is_open(scalar):
                kwargs["choices"] = values
                if len(values) > 6:
                    kwargs["metavar"] = "VALUE"
                    help_parts.append("One of: " + ", ".join(map(show, values)) + ".")
            elif values:
                help_parts.append("Known values: " + ", ".join(map(show, values)) + ".")
            else:
                kwargs["metavar"] = metavar(scalar)
        if "default" in p:
            help_parts.append(f"Default (the server's): {show(p['default'])}.")
        kwargs["help"] = escape(" ".join(help_parts))
        return kwargs

    def _keys_help(self, t: Type) -> str:
        for member in members(t):
            if isinstance(member, dict) and "dict" in member:
                fields = self.types.get(member["dict"], [])
                return ", ".join(f"{k}{' (required)' if req else ''}" for k, _, req in fields)
        return ""

    # Parsing -------------------------------------------------------------------------------
    def parse(self, argv: Sequence[str]) -> tuple[dict[str, Any], dict[str, Any]]:
        ns = vars(self.parser.parse_args(argv))
        general = {k[2:]: v for k, v in ns.items() if k.startswith("g_")}
        values: dict[str, Any] = {}
        chosen = {k[2:]: v for k, v in ns.items() if k.startswith("o_") and v is not None}
        if chosen:
            values[self.op.get("options_arg", "request_options")] = chosen
        for p in self.op["params"]:
            given = ns["p_" + p["name"]]
            if given is None:
                continue
            t = p["type"]
            option = self.options[p["name"]]
            if self._takes_pairs(t):
                given = self._object(option, t, given)
            values[p["name"]] = given
        return values, general

    def _fail(self, option: str, message: str) -> NoReturn:
        self.parser.error(f"argument {option}: {message}")

    def _object(self, option: str, t: Type, given: list[str]) -> Any:
        """Occurrences of an object option (``key=value`` or JSON) merged into one value."""
        if len(given) == 1 and given[0] == "" and "" in (enum_values(t) or []):
            return ""  # the empty value of an "emptyable" object: clears it
        value: Any = None
        for text in given:
            if text.lstrip()[:1] in ("{", "["):
                try:
                    parsed = json.loads(text)
                except ValueError as exc:
                    self._fail(option, f"invalid JSON: {exc}")
                value = merge(value, parsed)
                continue
            key, sep, raw = text.partition("=")
            if not sep or not key:
                self._fail(option, f"expected KEY=VALUE or JSON, got {text!r}")
            value = self._assign(option, t, value, key.split("."), raw)
        self._check_required(option, t, value, "")
        return value

    def _assign(self, option: str, t: Type, into: Any, path: list[str], raw: str) -> Any:
        """``into`` with ``raw`` (converted to the type found at ``path``) set at ``path``."""
        if not path:
            try:
                converted = self._convert(t, raw)
            except ValueError as exc:
                self._fail(option, str(exc))
            if isinstance(t, dict) and "list" in t:  # a list given key by key: append
                return [*(into or []), *converted]
            return converted
        head, rest = path[0], path[1:]
        inner = self._descend(t, head)
        if inner is None:
            self._fail(option, f"unknown key {head!r}{self._known_keys(t)}")
        if self._is_list(t):
            items = list(into) if isinstance(into, list) else []
            if not head.isdigit() or int(head) > len(items):
                self._fail(option, f"list items go by index 0..{len(items)}, got {head!r}")
            index = int(head)
            if index == len(items):
                items.append(None)
            items[index] = self._assign(option, inner, items[index], rest, raw)
            return items
        mapping = dict(into) if isinstance(into, dict) else {}
        mapping[head] = self._assign(option, inner, mapping.get(head), rest, raw)
        return mapping

    def _check_required(self, option: str, t: Type, value: Any, where: str) -> None:
        if isinstance(value, list):
            for i, item in enumerate(value):
                inner = self._descend(t, str(i))
                if inner is not None:
                    self._check_required(option, inner, item, f"{where}{i}.")
            return
        if not isinstance(value, dict):
            return
        fields = self._fields(t)
        if fields is not None:
            for key, _, required in fields:
                if required and key not in value:
                    self._fail(option, f"missing required key {where + key!r}")
        for key, item in value.items():
            inner = self._descend(t, key)
            if inner is not None:
                self._check_required(option, inner, item, f"{where}{key}.")

    # Types ---------------------------------------------------------------------------------
    def _fields(self, t: Type) -> list[list[Any]] | None:
        for member in members(t):
            if isinstance(member, dict) and "dict" in member:
                return self.types.get(member["dict"], [])
        return None

    def _descend(self, t: Type, key: str) -> Type | None:
        """The type at ``key`` inside ``t``: a TypedDict's field, a map's value, a list's item."""
        for member in members(t):
            if not isinstance(member, dict):
                if member == "any":
                    return "any"
                continue
            if "dict" in member:
                for name, inner, _ in self.types.get(member["dict"], []):
                    if name == key:
                        return inner
            elif "map" in member:
                return member["map"]
            elif "list" in member and key.isdigit():
                return member["list"]
        return None

    def _known_keys(self, t: Type) -> str:
        fields = self._fields(t)
        return f" (keys: {', '.join(f[0] for f in fields)})" if fields else ""

    def _is_object(self, t: Type) -> bool:
        return any(isinstance(m, dict) and ("dict" in m or "map" in m) for m in members(t))

    def _takes_pairs(self, t: Type) -> bool:
        """An object, or a list of objects: given as key=value pairs or JSON."""
        item = t["list"] if isinstance(t, dict) and "list" in t else None
        return self._is_object(t) or (item is not None and self._is_object(item))

    @staticmethod
    def _is_list(t: Type) -> bool:
        return any(isinstance(m, dict) and "list" in m for m in members(t))

    def _converter(self, t: Type, option: str) -> Callable[[str], Any]:
        def convert(text: str) -> Any:
            try:
                return self._convert(t, text)
            except ValueError as exc:
                raise argparse.ArgumentTypeError(str(exc)) from None

        convert.__name__ = metavar(t).lower()  # what argparse names in "invalid ... value"
        return convert

    def _convert(self, t: Type, text: str) -> Any:
        """A command-line string as a value of type ``t``; ValueError says what was expected."""
        if isinstance(t, str):
            return SCALARS[t](text)
        if "enum" in t:
            for value in t["enum"]:
                if text == plain(value):
                    return value
            if t["open"]:
                return text
            raise ValueError(
                f"invalid choice {text!r} (choose from {', '.join(map(show, t['enum']))})"
            )
        if "list" in t:
            if text.lstrip().startswith("["):
                return parse_json(text)
            return [self._convert(t["list"], text)]
        if "union" in t:
            errors = []
            for member in t["union"]:
                try:
                    return self._convert(member, text)
                except ValueError as exc:
                    errors.append(str(exc))
            raise ValueError(" or ".join(dict.fromkeys(errors)))
        return parse_json(text)  # an object given as a whole value: JSON

    # Running -------------------------------------------------------------------------------
    def run(self, package: str, values: dict[str, Any], general: Mapping[str, Any]) -> int:
        base_url = general["base_url"] or os.environ.get(self.api["base_url_env"]) or None
        if general["snippet"]:
            code_args = {k: _snippet_value(v) for k, v in values.items()}
            sys.stdout.write(
                snippet(
                    package,
                    self.api["client"],
                    self.op.get("access", self.op["method"]),
                    code_args,
                    base_url=base_url,
                    env_vars=tuple(self.api["credential_envs"]),
                )
            )
            return 0
        module = importlib.import_module(package)
        client = getattr(module, self.api["client"])(base_url=base_url)
        if general["dry_run"]:
            operations = importlib.import_module(f"{package}._operations")
            descriptor = getattr(operations, self.op["const"])
            envs = self.api["credential_envs"]
            sys.stdout.write(describe_request(client, descriptor, values, envs))
            return 0
        errors = importlib.import_module(f"{package}._errors")
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", DeprecationWarning)
                result = getattr(client, self.op["method"])(**values)
            for w in caught:
                sys.stderr.write(f"warning: {one_line(str(w.message))}\n")
            # pages after the first and streamed items are fetched while printing
            print_result(result, every=bool(general.get("all")))
        except errors.ClientError as exc:
            for w in caught:
                sys.stderr.write(f"warning: {one_line(str(w.message))}\n")
            sys.stderr.write(f"error: {error_line(exc)}\n")
            return 1
        finally:
            client.close()
        return 0


# Output -----------------------------------------------------------------------------------
def _snippet_value(value: Any) -> Any:
    """A file read from the command line appears in the snippet as code that reads it."""
    if isinstance(value, Upload):
        return (value[0], Expr(f'open({json.dumps(value.path)}, "rb").read()'))
    if isinstance(value, list):
        return [_snippet_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _snippet_value(v) for k, v in value.items()}
    return value
