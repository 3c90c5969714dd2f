"""``filter=``/``select=``/``sort=`` round trip: random filters built into query pairs
(``_core.build_query``), then parsed back with the fake's own parser (``_core.parse_query``),
also through ``urlencode``/``parse_qsl``, must give back what was asked. Split from
``test_filters.py``, which pins the exact pairs and refusals.

The property test uses ``random.Random(seed)`` rather than hypothesis: no extra dependency, and
every run checks the same few thousand cases (a failure names its seed and case).
"""

from __future__ import annotations

import random
import urllib.parse
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

from simplicate import _core

build_query = _core.build_query
parse_query = _core.parse_query

Pairs = list[tuple[str, str]]

# ---- round trip: build, then parse --------------------------------------------------------------

# What Rust's str::trim strips (Unicode White_Space). Python's str.strip() also strips
# \x1c-\x1f, which the server keeps, so the expectation below strips exactly these.
RUST_WHITESPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B)))
RUST_WHITESPACE += "\u2028\u2029\u202f\u205f\u3000"

ALPHABET = (
    list("abcXYZ019 _-:@/")
    + list("&=%+[]*,.#?\\\"'\t\n;~")
    + [
        "é",
        "ß",
        "中",
        "🙂",
        "\u00a0",
        "\x1d",
        "\u2003",
    ]
)
FIELD_PARTS = ["name", "id", "organization", "custom_fields", "a b", "é", "x&y=z", "%2E", "+", "or"]


def rand_text(rng: random.Random, max_len: int = 8) -> str:
    special = ["", "*", "null", "Don*", "*Bob*", " ", ",", "a,b", "[x]", "2025-01-04 00:00:00"]
    if rng.random() < 0.15:
        return rng.choice(special)
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, max_len)))


def rand_scalar(rng: random.Random, *, allow_none: bool = True) -> Any:
    kind = rng.randrange(9)
    if kind == 0 and allow_none:
        return None
    if kind == 1:
        return rng.random() < 0.5
    if kind == 2:
        return rng.randint(-(10**20), 10**20) if rng.random() < 0.2 else rng.randint(-50, 50)
    if kind == 3:
        return rng.choice([0.1, -2.5, 1e16, 1e-7, rng.uniform(-1e6, 1e6)])
    if kind == 4:
        return Decimal(rng.randint(-(10**6), 10**6)) / Decimal(100)
    if kind == 5:
        return datetime(rng.randint(1990, 2030), rng.randint(1, 12), rng.randint(1, 28),
                        rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59))  # fmt: skip
    if kind == 6:
        return date(rng.randint(1990, 2030), rng.randint(1, 12), rng.randint(1, 28))
    return rand_text(rng)


def rand_item(rng: random.Random) -> Any:
    """An `in`/`nin` list item the query string can carry: no comma, not padded, not empty."""
    value = rand_scalar(rng)
    if isinstance(value, str):
        value = value.replace(",", ";").strip(RUST_WHITESPACE) or "x"
    return value


def rand_field(rng: random.Random) -> str:
    return ".".join(rng.choice(FIELD_PARTS) for _ in range(rng.randint(1, 3)))


def rand_condition(rng: random.Random) -> Any:
    kind = rng.randrange(4)
    if kind == 0:
        return rand_scalar(rng)
    if kind == 1:
        values = [rand_scalar(rng) for _ in range(rng.randint(1, 4))]
        return values if rng.random() < 0.7 else tuple(values)
    ops: dict[str, Any] = {}
    for op in rng.sample(["ge", "gt", "le", "lt", "in", "nin"], rng.randint(1, 3)):
        if op in ("in", "nin"):
            items = [rand_item(rng) for _ in range(rng.randint(1, 4))]
            if rng.random() < 0.4:  # as a comma-separated string, padded and with empty items
                ops[op] = " , ".join(scalar_text(v) for v in items) + rng.choice(["", ",", " ,, "])
            else:
                ops[op] = items
        else:
            ops[op] = rand_scalar(rng, allow_none=False)
    return ops


def rand_group(rng: random.Random, max_fields: int) -> dict[str, Any]:
    group: dict[str, Any] = {}
    for _ in range(rng.randint(0, max_fields)):
        field = rand_field(rng)
        if field != "or":
            group[field] = rand_condition(rng)
    return group


def rand_filter(rng: random.Random) -> dict[str, Any]:
    f = rand_group(rng, 4)
    if rng.random() < 0.4:
        or_group = rand_group(rng, 3)
        # the group's key goes anywhere among the fields
        items = list(f.items())
        items.insert(rng.randint(0, len(items)), ("or", or_group))
        f = dict(items)
    return f


def rand_names(rng: random.Random, *, sort: bool) -> Any:
    names = [rand_field(rng) + rng.choice(["", "", "."] if not sort else [""]) for _ in range(3)]
    names = names[: rng.randint(0, 3)]
    if sort:
        names = [rng.choice(["", "-"]) + n for n in names]
    if rng.random() < 0.5:
        return names
    if rng.random() < 0.5:
        return tuple(names)
    return " , ".join(names) + rng.choice(["", ",", " ,"])


# -- the expectation, written from the rules, independently of the Rust side --


def scalar_text(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    return str(value)


def split_list(text: str) -> list[str]:
    items = (item.strip(RUST_WHITESPACE) for item in text.split(","))
    return [item for item in items if item]


def expected_filters(group: Mapping[str, Any]) -> list[tuple[str, str, Any]]:
    out: list[tuple[str, str, Any]] = []
    for field, cond in group.items():
        if field == "or":
            continue
        if isinstance(cond, list | tuple):
            out.append((field, "any_of", [scalar_text(v) for v in cond]))
        elif isinstance(cond, dict):
            for op, operand in cond.items():
                if op in ("in", "nin"):
                    items = (
                        split_list(operand)
                        if isinstance(operand, str)
                        else [scalar_text(v) for v in operand]
                    )
                    out.append((field, op, items))
                else:
                    out.append((field, op, scalar_text(operand)))
        else:
            out.append((field, "equals", scalar_text(cond)))
    return out


def expected_names(value: Any) -> list[str]:
    return split_list(value) if isinstance(value, str) else list(value)


def expected_query(f: Mapping[str, Any], select: Any, sort: Any) -> dict[str, Any]:
    return {
        "filters": expected_filters(f),
        "or_filters": expected_filters(f.get("or", {})),
        "select": expected_names(select),
        "sort": [(n[1:], True) if n.startswith("-") else (n, False) for n in expected_names(sort)],
        "limit": None,
        "offset": None,
        "metadata": [],
    }


def expected_pairs(query: dict[str, Any]) -> Pairs:
    pairs: Pairs = []
    for prefix, group in (("q", query["filters"]), ("q[or]", query["or_filters"])):
        for field, kind, value in group:
            key = f"{prefix}[{field}]"
            if kind == "equals":
                pairs.append((key, value))
            elif kind == "any_of":
                pairs.extend((key + "[]", v) for v in value)
            elif kind in ("in", "nin"):
                pairs.append((f"{key}[{kind}]", ",".join(value)))
            else:
                pairs.append((f"{key}[{kind}]", value))
    if query["select"]:
        pairs.append(("select", ",".join(query["select"])))
    if query["sort"]:
        pairs.append(("sort", ",".join(("-" if d else "") + n for n, d in query["sort"])))
    return pairs


@pytest.mark.parametrize("seed", range(8))
def test_round_trip_property(seed: int) -> None:
    rng = random.Random(seed)
    kinds: set[str] = set()
    for case in range(500):
        f = rand_filter(rng)
        select = rand_names(rng, sort=False) if rng.random() < 0.5 else None
        sort = rand_names(rng, sort=True) if rng.random() < 0.5 else None
        where = f"seed={seed} case={case} filter={f!r} select={select!r} sort={sort!r}"

        expected = expected_query(f, select or [], sort or [])
        pairs = build_query(f, select, sort)
        assert pairs == expected_pairs(expected), where
        assert parse_query(pairs) == expected, where

        # ... and through the wire encoding both sides use
        encoded = urllib.parse.urlencode(pairs)
        decoded = urllib.parse.parse_qsl(encoded, keep_blank_values=True)
        assert decoded == pairs, where
        assert parse_query(decoded) == expected, where

        for _, kind, _ in expected["filters"] + expected["or_filters"]:
            kinds.add(kind)
    assert kinds == {"equals", "any_of", "ge", "gt", "le", "lt", "in", "nin"}
