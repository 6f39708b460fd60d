"""The call a generated method makes: its arguments by name, exactly the operation's parameters,
laid out as black lays them out (so black formats a method in one pass)."""

from __future__ import annotations

from dataclasses import replace

import black
import pytest
from support.inline_specs import api_of

from generator.format import black_mode
from generator.ir import Operation, Parameter, Prim
from generator.views.calls import call_statement

_BARE = api_of({"/x": {"get": {"responses": {"204": {"description": "none"}}}}}).operations[0]


def _op(const: str, names: list[str], options: str = "request_options") -> Operation:
    params = tuple(Parameter(n, n, "query", Prim("str"), False, "") for n in names)
    return replace(_BARE, const_name=const, parameters=params, options_arg=options)


@pytest.mark.parametrize("count", [0, 1, 2, 3, 5, 8, 13])
@pytest.mark.parametrize("width", [1, 7, 19, 33])
@pytest.mark.parametrize("const", ["GET_X", "LIST_" + "VERY_LONG_" * 6])
@pytest.mark.parametrize(
    ("receiver", "prefix"), [("self", ""), ("self._client", "async ")]
)
def test_the_call_is_laid_out_as_black_writes_it(
    count: int, width: int, const: str, receiver: str, prefix: str
) -> None:
    names = [f"p{i}_".ljust(width, "x") for i in range(count)]
    op = _op(const, names, "request_options_2")
    line = call_statement(op, op.parameters, receiver, prefix)
    source = f"class C:\n    {prefix}def m(self):\n{line}\n"
    assert black.format_str(source, mode=black_mode()) == source
    compile(source, "<call>", "exec")
    assert "request_options_2" in line and "locals" not in line
    assert all(f'"{n}": {n}' in line for n in names)
