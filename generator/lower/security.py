"""Security schemes and requirements → the client's credential arguments.

Each scheme becomes what it sends: ``http bearer``, ``oauth2`` and ``openIdConnect`` a bearer
token (``token``: the client takes a token the user obtained, it runs no OAuth flow), ``http
basic`` a ``username`` and a ``password``, an ``apiKey`` the snake_case of its own name without
a leading ``X-`` (``X-API-Key`` → ``api_key``), sent under that name in its place. Schemes that
send the same thing share one argument; names that still collide get a suffix, in scheme-key
order. The profile may rename an argument or drop a scheme (``credentials``).

OAuth2 ``clientCredentials``, ``password`` and ``authorizationCode`` flows (``oauth``) become
grants the client runs itself to fill the bearer argument: keywords ``client_id``,
``client_secret``, ``username``/``password`` (``oauth_`` before them when HTTP basic already
took those names) and ``refresh_token``, each with its own environment variable. Implicit and
device flows need a person at a browser: the client takes their token as ``token``.

Requirements become alternatives of argument names: for each operation the first alternative
whose arguments are all configured is sent. A document that requires nothing anywhere but
defines schemes (a common omission) is read as accepting any one of them; one that defines no
scheme at all gets a bearer ``api_key`` (read from the profile's ``api_key_env``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from generator import naming
from generator.errors import join
from generator.ir import Credential, OAuth, OAuthFlow, Operation
from generator.lower.operations import spec_operation
from generator.lower.schemas import Schemas
from generator.parse import Spec
from generator.text import html_to_text

# Constructor keywords a credential argument must not take.
CONSTRUCTOR_NAMES = frozenset(
    {"self", "base_url", "server_urls", "timeout", "max_retries", "http_client", "credentials"}
)
NO_SCHEME = ""  # the key of the scheme assumed when a spec declares none
Kind = Literal["bearer", "basic", "header", "query", "cookie"]
Slot = tuple[Kind, str]  # what is sent: (kind, wire name or basic part)
# Per slot: preferred argument name, the name it is sent under, its schemes, its description.
_SlotFacts = tuple[dict[Slot, str], dict[Slot, str], dict[Slot, list[str]], dict[Slot, str]]


class Security:
    def __init__(self, s: Schemas) -> None:
        self.s = s
        profile = s.profile
        renames = dict(profile.credentials)
        raw = s.spec.security_schemes
        if not raw:
            # A spec that declares no scheme at all (often one that forgot to) keeps a bearer
            # ``api_key``, as every client had before schemes were read: for APIs that need a
            # token anyway, and for gateways that take one.
            raw = {NO_SCHEME: {"type": "http", "scheme": "bearer"}}
            renames.setdefault(NO_SCHEME, "api_key")
        self.slots: dict[str, tuple[Slot, ...]] = {}  # usable scheme key -> what it sends
        wanted, wire, schemes_of, descriptions = self._read_schemes(raw, renames)
        self.default = self._default()
        order = list(
            dict.fromkeys(slot for alt in self._slot_alternatives(self.default) for slot in alt)
        )
        order += [slot for slot in wanted if slot not in order]
        reserved = CONSTRUCTOR_NAMES | {kw for kw, _ in profile.client_headers}
        # the keywords of token handling are never a credential's name
        reserved |= {"token_provider"} | (set(_OAUTH_KEYWORDS) if _runs_grants(raw) else set())
        names = naming.uniquify(
            [naming.identifier(wanted[slot], reserved) for slot in order], reserved
        )
        self.argument = dict(zip(order, names, strict=True))
        self.oauth = self._oauth(raw, renames)
        self.credentials = tuple(
            Credential(
                argument=self.argument[slot],
                kind=slot[0],
                name=wire[slot],
                env=profile.api_key_env
                if not schemes_of[slot]
                else f"{profile.env_prefix}_{self.argument[slot].upper()}".lstrip("_"),
                schemes=tuple(schemes_of[slot]),
                description=descriptions[slot],
            )
            for slot in order
        )

    def _read_schemes(self, raw: dict[Any, Any], renames: dict[str, str]) -> _SlotFacts:
        """Fill ``slots`` from the usable schemes; for each slot its preferred argument name,
        the name it is sent under, the schemes that send it and its description."""
        s = self.s
        wanted: dict[Slot, str] = {}  # slot -> preferred argument name
        wire: dict[Slot, str] = {}  # slot -> the name it is sent under, as the spec spells it
        schemes_of: dict[Slot, list[str]] = {}
        descriptions: dict[Slot, str] = {}
        for key in sorted(raw, key=str):
            node, where = s.resolver.deref(raw[key], join("/components/securitySchemes", str(key)))
            if not isinstance(node, dict) or renames.get(str(key)) == "":
                continue
            found = _slots(node)
            if not found:
                s.warn(where, f"security scheme {key!r} ({_describe(node)}) is not supported: "
                       "its credentials are never sent")  # fmt: skip
                continue
            self.slots[str(key)] = tuple(slot for slot, _, _ in found)
            for slot, name, default in found:
                rename = renames.get(str(key))
                if slot not in wanted or rename:
                    wanted[slot] = rename if rename and slot[0] != "basic" else default
                wire.setdefault(slot, name)
                schemes_of.setdefault(slot, [])
                if key != NO_SCHEME:
                    schemes_of[slot].append(str(key))
                descriptions.setdefault(slot, html_to_text(str(node.get("description", ""))))
        return wanted, wire, schemes_of, descriptions

    def _oauth(self, raw: dict[Any, Any], renames: dict[str, str]) -> OAuth | None:
        flows: list[OAuthFlow] = []
        for key in sorted(raw, key=str):
            node, where = self.s.resolver.deref(
                raw[key], join("/components/securitySchemes", str(key))
            )
            if not isinstance(node, dict) or node.get("type") != "oauth2":
                continue
            if renames.get(str(key)) == "":
                continue
            flows += _grants(str(key), node.get("flows"), join(where, "flows"), self.s.warn)
        argument = self.argument.get(("bearer", ""))
        if not flows or argument is None:
            return None
        roles = ["client_id", "client_secret", "refresh_token"]
        if any(f.grant == "password" for f in flows):
            roles[2:2] = ["username", "password"]
        taken = set(self.argument.values())  # HTTP basic's username and password, say
        keywords = []
        prefix = self.s.profile.env_prefix
        for role in roles:
            keyword = f"oauth_{role}" if role in taken else role
            env = f"{prefix}_{keyword.upper()}".lstrip("_")
            keywords.append((role, keyword, env))
        return OAuth(
            argument=argument,
            flows=tuple(dict.fromkeys(flows)),
            client_auth=self.s.profile.oauth_client_auth,
            keywords=tuple(keywords),
        )

    def _default(self) -> Any:
        data = self.s.spec.data
        if "security" in data:
            return data.get("security")
        if any(isinstance(op, dict) and "security" in op for op in _operations(self.s.spec)):
            return None  # requirements exist, just none at the top: nothing by default
        return [{key: []} for key in self.slots]

    def _slot_alternatives(self, requirements: Any) -> list[tuple[Slot, ...]]:
        alternatives = []
        for requirement in requirements or []:
            if not isinstance(requirement, dict) or not requirement:
                continue  # {}: anonymous access, which is what sending nothing gives
            if any(str(k) not in self.slots for k in requirement):
                continue  # needs a scheme we cannot send (or the profile dropped)
            alternatives.append(tuple(slot for k in requirement for slot in self.slots[str(k)]))
        return alternatives

    def alternatives(self, requirements: Any) -> tuple[tuple[str, ...], ...]:
        found = [
            tuple(dict.fromkeys(self.argument[slot] for slot in alt))
            for alt in self._slot_alternatives(requirements)
        ]
        return tuple(dict.fromkeys(found))

    def of(self, op: Operation) -> tuple[tuple[str, ...], ...] | None:
        """An operation's own alternatives, or None when it has no ``security`` of its own."""
        raw = spec_operation(self.s, op)
        if not isinstance(raw, dict) or "security" not in raw:
            return None
        return self.alternatives(raw.get("security"))


def _slots(node: dict[str, Any]) -> tuple[tuple[Slot, str, str], ...]:
    """What a scheme sends: (slot, wire name, default argument name) each; () if unsupported."""
    kind = str(node.get("type", ""))
    if kind == "http":
        scheme = str(node.get("scheme", "")).lower()
        if scheme == "bearer":
            return ((("bearer", ""), "", "token"),)
        if scheme == "basic":
            return (
                (("basic", "username"), "username", "username"),
                (("basic", "password"), "password", "password"),
            )
        return ()
    if kind in ("oauth2", "openIdConnect"):
        return ((("bearer", ""), "", "token"),)
    where, name = node.get("in"), node.get("name")
    if (
        kind == "apiKey"
        and where in ("header", "query", "cookie")
        and isinstance(name, str)
        and name
    ):
        bare = name[2:] if name.lower().startswith("x-") and len(name) > 2 else name
        key = name.lower() if where == "header" else name  # header names ignore case
        return (((where, key), name, naming.snake(bare) or "api_key"),)
    return ()


# Keywords the OAuth2 support adds beside the credentials (the secret ones are in ``keywords``).
_OAUTH_KEYWORDS = ("client_id", "client_secret", "refresh_token", "scopes", "token_url",
                   "on_refresh_token", "token_provider")  # fmt: skip
_GRANTS = {
    "clientCredentials": "client_credentials",
    "password": "password",
    "authorizationCode": "refresh_token",
}


def _runs_grants(raw: dict[Any, Any]) -> bool:
    """Whether an oauth2 scheme declares a flow the client runs (its keywords are then taken)."""
    return any(
        isinstance(node, dict)
        and node.get("type") == "oauth2"
        and isinstance(node.get("flows"), dict)
        and any(name in _GRANTS for name in node["flows"])
        for node in raw.values()
    )


def _grants(
    scheme: str, flows: object, where: str, warn: Callable[[str, str], None]
) -> list[OAuthFlow]:
    """The grants of one scheme's ``flows`` the client can run, in a fixed order."""
    found: list[OAuthFlow] = []
    if not isinstance(flows, dict):
        return found
    for name in sorted(flows, key=str):
        flow = flows[name]
        grant = _GRANTS.get(str(name))
        if not isinstance(flow, dict):
            continue
        if grant is None:
            if name != "implicit":  # implicit is a browser flow, as authorizationCode's start
                warn(join(where, str(name)), f"OAuth2 flow {name!r} is not run by the client: "
                     "obtain a token yourself and pass it as token= (or a token_provider=)")  # fmt: skip
            continue
        url = flow.get("refreshUrl") if grant == "refresh_token" else None
        url = url or flow.get("tokenUrl")
        if not isinstance(url, str) or not url:
            warn(join(where, str(name)), f"OAuth2 flow {name!r} has no tokenUrl: not run")
            continue
        scopes = flow.get("scopes")
        scopes = scopes if isinstance(scopes, dict) else {}
        found.append(
            OAuthFlow(
                scheme=scheme,
                grant=grant,  # type: ignore[arg-type]
                token_url=url,
                scopes=tuple(str(s) for s in scopes),
            )
        )
    return found


def _describe(node: dict[str, Any]) -> str:
    kind = str(node.get("type", "?"))
    return f"http {node.get('scheme', '?')}" if kind == "http" else kind


def _operations(spec: Spec) -> list[Any]:
    return [op for item in spec.paths.values() if isinstance(item, dict) for op in item.values()]
