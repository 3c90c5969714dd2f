"""``filter=``/``select=``/``sort=`` → query pairs (``_core.build_query``,
``crates/py/src/query.rs``).

In order: every value shape → its exact pairs; every refusal → the right exception naming the
key path; the API documentation's use cases, written as Python, → the documented query
strings; and one pull over HTTP from the fake. The seeded round-trip property (build, then
parse with the fake's own parser) is in ``test_filters_roundtrip.py``.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import IntEnum
from typing import Any

import pytest

from simplicate import _core
from simplicate.testing import FakeSimplicate

build_query = _core.build_query
parse_query = _core.parse_query

Pairs = list[tuple[str, str]]

# ---- shapes → exact pairs ----------------------------------------------------------------------


class Level(IntEnum):
    HIGH = 3


SHAPES: list[tuple[dict[str, Any], Pairs]] = [
    ({"name": "Alice"}, [("q[name]", "Alice")]),
    ({"name": "Don*"}, [("q[name]", "Don*")]),
    ({"name": "*Bob*"}, [("q[name]", "*Bob*")]),
    ({"name": "*"}, [("q[name]", "*")]),
    ({"name": ""}, [("q[name]", "")]),
    ({"name": None}, [("q[name]", "null")]),
    ({"is_active": True, "is_deleted": False}, [("q[is_active]", "1"), ("q[is_deleted]", "0")]),
    ({"days": 14}, [("q[days]", "14")]),
    ({"days": -(2**80)}, [("q[days]", str(-(2**80)))]),
    ({"level": Level.HIGH}, [("q[level]", "3")]),
    ({"rate": 12.5}, [("q[rate]", "12.5")]),
    ({"rate": 0.1}, [("q[rate]", "0.1")]),
    ({"budget": Decimal("1000.50")}, [("q[budget]", "1000.50")]),
    ({"at": datetime(2025, 1, 4, 9, 5, 7)}, [("q[at]", "2025-01-04 09:05:07")]),
    ({"on": date(2025, 1, 4)}, [("q[on]", "2025-01-04")]),
    ({"name": ["Alice", "Charlie"]}, [("q[name][]", "Alice"), ("q[name][]", "Charlie")]),
    ({"name": ("Alice",)}, [("q[name][]", "Alice")]),
    (
        {"x": [None, True, 2, 2.5, Decimal("3"), date(2025, 1, 2), "*"]},
        [("q[x][]", v) for v in ["null", "1", "2", "2.5", "3", "2025-01-02", "*"]],
    ),
    (
        {"created_at": {"ge": datetime(2024, 12, 28), "le": datetime(2025, 1, 4, 23, 59, 59)}},
        [
            ("q[created_at][ge]", "2024-12-28 00:00:00"),
            ("q[created_at][le]", "2025-01-04 23:59:59"),
        ],
    ),
    ({"n": {"gt": 1, "lt": 2.5}}, [("q[n][gt]", "1"), ("q[n][lt]", "2.5")]),
    ({"flag": {"ge": True}}, [("q[flag][ge]", "1")]),
    ({"s": {"in": ["FixedFee", "Subscription"]}}, [("q[s][in]", "FixedFee,Subscription")]),
    ({"s": {"in": ("a",)}}, [("q[s][in]", "a")]),
    ({"s": {"in": "FixedFee,Subscription"}}, [("q[s][in]", "FixedFee,Subscription")]),
    ({"s": {"in": " a , b,,"}}, [("q[s][in]", "a,b")]),
    ({"s": {"nin": "*"}}, [("q[s][nin]", "*")]),
    ({"s": {"nin": [None, 1, date(2025, 1, 1)]}}, [("q[s][nin]", "null,1,2025-01-01")]),
    ({"s": {"in": ["a"], "nin": ["b"]}}, [("q[s][in]", "a"), ("q[s][nin]", "b")]),
    ({"organization.name": "Google"}, [("q[organization.name]", "Google")]),
    (
        {"custom_fields.external_link": "*docs.google.com*"},
        [("q[custom_fields.external_link]", "*docs.google.com*")],
    ),
    ({"or": {"email": "*gmail.com"}}, [("q[or][email]", "*gmail.com")]),
    (
        {"or": {"a": ["x", "y"], "b": {"ge": 1, "in": "p,q"}, "c.d": None}},
        [
            ("q[or][a][]", "x"),
            ("q[or][a][]", "y"),
            ("q[or][b][ge]", "1"),
            ("q[or][b][in]", "p,q"),
            ("q[or][c.d]", "null"),
        ],
    ),
    ({"or": {}}, []),
    # The OR group follows the AND filters wherever its key sits; AND keeps dict order.
    (
        {"or": {"email": "*gmail.com"}, "name": "Alice", "age": {"lt": 3}},
        [("q[name]", "Alice"), ("q[age][lt]", "3"), ("q[or][email]", "*gmail.com")],
    ),
    # The same field in both groups is two separate conditions.
    (
        {"name": ["a"], "or": {"name": ["b"]}},
        [("q[name][]", "a"), ("q[or][name][]", "b")],
    ),
    # Values carry anything: the encoder, not this layer, escapes them.
    ({"q": "a&b=c%d+e [f] ,"}, [("q[q]", "a&b=c%d+e [f] ,")]),
    ({"naam": "Zoë 中文 🙂"}, [("q[naam]", "Zoë 中文 🙂")]),
    ({}, []),
]


@pytest.mark.parametrize(("filter", "pairs"), SHAPES)
def test_filter_shapes_give_exact_pairs(filter: dict[str, Any], pairs: Pairs) -> None:
    assert build_query(filter) == pairs


def test_nothing_gives_no_pairs() -> None:
    assert build_query() == []
    assert build_query(None, None, None) == []
    assert build_query(filter=None, select=[], sort=()) == []
    assert build_query(select="", sort=" , ") == []


def test_any_mapping_is_accepted() -> None:
    from types import MappingProxyType

    assert build_query(MappingProxyType({"a": MappingProxyType({"ge": 1})})) == [("q[a][ge]", "1")]


@pytest.mark.parametrize(
    ("select", "sent"),
    [
        ("id,relation_type.,name", "id,relation_type.,name"),
        (" id , debtor.payment_term. ,,name,", "id,debtor.payment_term.,name"),
        (["id", "relation_type.", "name"], "id,relation_type.,name"),
        (("project_manager.employee_id",), "project_manager.employee_id"),
        ("a", "a"),
    ],
)
def test_select(select: str | Sequence[str], sent: str) -> None:
    assert build_query(select=select) == [("select", sent)]


@pytest.mark.parametrize(
    ("sort", "sent", "keys"),
    [
        ("-updated_at", "-updated_at", [("updated_at", True)]),
        ("name, -updated_at", "name,-updated_at", [("name", False), ("updated_at", True)]),
        (["-budget", "organization.name"], "-budget,organization.name", None),
        (("x",), "x", [("x", False)]),
    ],
)
def test_sort(sort: str | Sequence[str], sent: str, keys: list[tuple[str, bool]] | None) -> None:
    pairs = build_query(sort=sort)
    assert pairs == [("sort", sent)]
    if keys is not None:
        assert parse_query(pairs)["sort"] == keys


def test_order_is_filters_then_select_then_sort() -> None:
    pairs = build_query({"or": {"b": 1}, "a": 1}, select=["id"], sort="-a")
    assert [k for k, _ in pairs] == ["q[a]", "q[or][b]", "select", "sort"]


# ---- refusals name the key path ------------------------------------------------------------------


class Opaque:
    pass


DEEP = ".".join("a" * 33)


ERRORS: list[tuple[dict[Any, Any], type[Exception], str]] = [
    # wrong types
    ({"a": {1, 2}}, TypeError, "filter['a']: unsupported value of type set"),
    ({"a": b"x"}, TypeError, "filter['a']: unsupported value of type bytes"),
    ({"a": Opaque()}, TypeError, "filter['a']: unsupported value of type Opaque"),
    ({"a": 1j}, TypeError, "filter['a']: unsupported value of type complex"),
    ({"a": [1, [2]]}, TypeError, "filter['a'][1]: unsupported value of type list"),
    ({"a": [{"ge": 1}]}, TypeError, "filter['a'][0]: unsupported value of type dict"),
    ({"created_at": {"ge": {"x": 1}}}, TypeError, "filter['created_at']['ge']: expected one"),
    ({"created_at": {"ge": [1]}}, TypeError, "filter['created_at']['ge']: expected one"),
    ({"created_at": {"le": None}}, TypeError, "filter['created_at']['le']: None cannot be"),
    ({"s": {"in": 5}}, TypeError, "filter['s']['in']: expected a list of values or a comma"),
    ({"s": {"nin": {"a"}}}, TypeError, "filter['s']['nin']: expected a list"),
    ({"s": {"in": ["a", {}]}}, TypeError, "filter['s']['in'][1]: unsupported value of type dict"),
    ({1: "x"}, TypeError, "filter: keys must be str, got int key 1"),
    ({"a": {None: 1}}, TypeError, "filter['a']: keys must be str, got NoneType key None"),
    ({"or": {2: "x"}}, TypeError, "filter['or']: keys must be str"),
    ({"or": ["x"]}, TypeError, "filter['or'] must be the OR group"),
    ({"or": "x"}, TypeError, "filter['or'] must be the OR group"),
    ({"or": {"email": set()}}, TypeError, "filter['or']['email']: unsupported value of type set"),
    ({"or": {"n": {"ge": []}}}, TypeError, "filter['or']['n']['ge']: expected one"),
    # right type, but cannot be sent
    ({"x": {"foo": 1}}, ValueError, "filter['x']['foo']: unknown operator \"foo\""),
    ({"x": {"GE": 1}}, ValueError, "filter['x']['GE']: unknown operator"),
    ({"x": {"or": 1}}, ValueError, "filter['x']['or']: unknown operator"),
    ({"or": {"x": {"eq": 1}}}, ValueError, "filter['or']['x']['eq']: unknown operator"),
    ({"": "x"}, ValueError, "filter['']: invalid field '': empty field name"),
    ({"a..b": "x"}, ValueError, "filter['a..b']: invalid field 'a..b': empty part"),
    ({".a": "x"}, ValueError, "filter['.a']: invalid field '.a': empty part"),
    ({"a.": "x"}, ValueError, "filter['a.']: invalid field 'a.': empty part"),
    ({"a[b]": "x"}, ValueError, "filter['a[b]']: invalid field 'a[b]': brackets"),
    ({"a]": "x"}, ValueError, "filter['a]']: invalid field"),
    ({DEEP: "x"}, ValueError, f"filter[{DEEP!r}]: invalid field {DEEP!r}: more than 32 parts"),
    ({"or": {"": 1}}, ValueError, "filter['or']['']: invalid field '': empty field name"),
    ({"or": {"or": {"x": 1}}}, ValueError, "filter['or']['or']: OR groups cannot nest"),
    ({"a": []}, ValueError, "filter['a']: an empty list matches nothing"),
    ({"a": ()}, ValueError, "filter['a']: an empty list matches nothing"),
    ({"a": {}}, ValueError, "filter['a']: an empty dict of operators"),
    ({"s": {"in": []}}, ValueError, "filter['s']['in']: an empty list"),
    ({"s": {"nin": " , "}}, ValueError, "filter['s']['nin']: an empty list"),
    ({"s": {"in": ["a,b"]}}, ValueError, "filter['s']['in']: list item \"a,b\" cannot be sent"),
    ({"s": {"nin": [" a"]}}, ValueError, "filter['s']['nin']: list item \" a\" cannot be sent"),
    ({"s": {"in": ["a", ""]}}, ValueError, "filter['s']['in']: list item \"\" cannot be sent"),
    ({"or": {"s": {"in": ["x,y"]}}}, ValueError, "filter['or']['s']['in']: list item"),
    ({"a": float("nan")}, ValueError, "filter['a']: NaN is not a usable"),
    ({"a": [float("inf")]}, ValueError, "filter['a'][0]: inf is not a usable"),
    ({"a": {"gt": float("-inf")}}, ValueError, "filter['a']['gt']: -inf is not a usable"),
    ({"a": Decimal("NaN")}, ValueError, "filter['a']: Decimal NaN is not a usable"),
    ({"a": {"in": [Decimal("Infinity")]}}, ValueError, "filter['a']['in'][0]: Decimal Infinity"),
    ({"a": "\ud800"}, ValueError, "filter['a']: text that cannot be encoded"),
    ({"\ud800": "x"}, ValueError, "filter: text that cannot be encoded"),
]


@pytest.mark.parametrize(("filter", "error", "message"), ERRORS)
def test_refusals_name_the_key(
    filter: dict[Any, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as info:
        build_query(filter)
    assert type(info.value) is error
    assert str(info.value).startswith(message), str(info.value)


def test_model_refusals_give_the_model_reason_and_parameter() -> None:
    with pytest.raises(ValueError) as info:
        build_query({"or": {"s": {"in": ["x,y"]}}})
    assert str(info.value) == (
        "filter['or']['s']['in']: list item \"x,y\" cannot be sent: items are split on commas, "
        "trimmed, and empty items dropped (q[or][s][in])"
    )


def test_the_key_is_checked_before_its_value() -> None:
    with pytest.raises(ValueError, match=r"^filter\['a\.\.b'\]: invalid field"):
        build_query({"a..b": set()})


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        (
            {"filter": ["name", "x"]},
            TypeError,
            "filter must be a dict of field → condition, got list",
        ),
        ({"filter": "name=x"}, TypeError, "filter must be a dict"),
        (
            {"select": 1},
            TypeError,
            "select must be a comma-separated str or a list of str, got int",
        ),
        ({"select": b"id"}, TypeError, "select must be a comma-separated str or a list of str"),
        ({"select": {"id"}}, TypeError, "select must be"),
        ({"select": ["id", 1]}, TypeError, "select[1]: expected a field name (str), got int"),
        ({"select": ["id", ""]}, ValueError, "select[1]: empty field name"),
        ({"select": "a..b"}, ValueError, "select: invalid field 'a..b': empty part"),
        ({"select": "a[b]"}, ValueError, "select: invalid field 'a[b]': brackets"),
        ({"select": [" id"]}, ValueError, 'select: field " id" cannot be sent'),
        ({"select": ["a,b"]}, ValueError, 'select: field "a,b" cannot be sent'),
        ({"sort": 5}, TypeError, "sort must be a comma-separated str or a list of str, got int"),
        ({"sort": bytearray(b"x")}, TypeError, "sort must be"),
        ({"sort": [None]}, TypeError, "sort[0]: expected a field name (str), got NoneType"),
        ({"sort": [""]}, ValueError, "sort[0]: empty field name"),
        ({"sort": ["-"]}, ValueError, "sort: \"-\" has no field name after the '-'"),
        ({"sort": "name,-"}, ValueError, 'sort: "-" has no field name'),
        ({"sort": "--name"}, ValueError, "sort: invalid field '-name': only one '-'"),
        ({"sort": ["a..b"]}, ValueError, "sort: invalid field 'a..b'"),
        ({"sort": [" name"]}, ValueError, 'sort: field " name" cannot be sent'),
    ],
)
def test_select_and_sort_refusals(
    kwargs: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as info:
        build_query(**kwargs)
    assert type(info.value) is error
    assert str(info.value).startswith(message), str(info.value)


def test_odd_inputs_raise_and_never_crash() -> None:
    class BadMapping(Mapping[str, Any]):
        def __getitem__(self, key: str) -> Any:
            raise KeyError(key)

        def __iter__(self) -> Any:
            raise RuntimeError("boom")

        def __len__(self) -> int:
            return 1

    with pytest.raises(RuntimeError, match="boom"):
        build_query(BadMapping())

    class BadStr:
        def __str__(self) -> str:
            raise RuntimeError("no")

    with pytest.raises(TypeError, match=r"filter\['a'\]\['in'\]\[0\]"):
        build_query({"a": {"in": [BadStr()]}})

    # A mapping whose values mutate the dict while it is read: items() is a snapshot.
    d: dict[str, Any] = {}

    class Mutator(Decimal):
        def __str__(self) -> str:
            d.clear()
            return "1"

    d.update({"a": Mutator(1), "b": 2})
    assert build_query(d) == [("q[a]", "1"), ("q[b]", "2")]
    assert d == {}


# ---- parse_query --------------------------------------------------------------------------------


def test_parse_query_reads_every_parameter() -> None:
    got = parse_query(
        [
            ("q[name]", "Alice"),
            ("q[tags][]", "a"),
            ("q[n][ge]", "1"),
            ("q[s][in]", "a, b,"),
            ("q[tags][]", "b"),
            ("q[or][email]", "*gmail.com"),
            ("q[or][t][nin]", "*"),
            ("select", "id,relation_type."),
            ("sort", "name,-updated_at"),
            ("limit", "10"),
            ("offset", "20"),
            ("metadata", "count,limit"),
            ("unknown", "ignored"),
        ]
    )
    assert got == {
        "filters": [
            ("name", "equals", "Alice"),
            ("tags", "any_of", ["a", "b"]),
            ("n", "ge", "1"),
            ("s", "in", ["a", "b"]),
        ],
        "or_filters": [("email", "equals", "*gmail.com"), ("t", "nin", ["*"])],
        "select": ["id", "relation_type."],
        "sort": [("name", False), ("updated_at", True)],
        "limit": 10,
        "offset": 20,
        "metadata": ["count", "limit"],
    }
    assert parse_query([]) == {
        "filters": [],
        "or_filters": [],
        "select": [],
        "sort": [],
        "limit": None,
        "offset": None,
        "metadata": [],
    }
    lists: Any = (["q[a]", "1"],)  # lists work as pairs too
    assert parse_query(lists)["filters"] == [("a", "equals", "1")]


@pytest.mark.parametrize(
    ("pairs", "error", "message"),
    [
        ([("q[x][foo]", "1")], ValueError, "q[x][foo]: unknown operator 'foo'"),
        ([("q[", "1")], ValueError, "q[: missing ']'"),
        ([("q[or][or][x]", "1")], ValueError, "q[or][or][x]: nested or-groups"),
        ([("limit", "-1")], ValueError, "limit: expected a non-negative integer"),
        ([("metadata", "total")], ValueError, "metadata: unknown value 'total'"),
        ("q[a]=1", TypeError, "pairs must be a list of (key, value) pairs of str, got str"),
        ({"q[a]": "1"}, TypeError, "pairs must be a list"),
        (5, TypeError, "pairs must be a list"),
        ([("q[a]",)], TypeError, "pairs[0]: expected a (key, value) pair of str, got tuple"),
        ([("q[a]", "1", "2")], TypeError, "pairs[0]: expected a (key, value) pair"),
        ([("q[a]", 1)], TypeError, "pairs[0]: expected a (key, value) pair"),
        (["q[a]"], TypeError, "pairs[0]: expected a (key, value) pair of str, got str"),
    ],
)
def test_parse_query_refusals(pairs: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error) as info:
        parse_query(pairs)
    assert str(info.value).startswith(message), str(info.value)


# ---- the documentation's use cases ---------------------------------------------------------------

PAGER_PARAMS = {"limit", "offset", "metadata"}

# (documented query string, filter, select, sort); the pager's own parameters are left out.
DOCUMENTED: list[tuple[str, dict[str, Any] | None, Any, Any]] = [
    ("select=id,relation_type.,name", None, ["id", "relation_type.", "name"], None),
    ("select=id,debtor.payment_term.,name", None, "id,debtor.payment_term.,name", None),
    ("q[name]=Don*", {"name": "Don*"}, None, None),
    ("q[name]=null", {"name": None}, None, None),
    ("q[name]=*", {"name": "*"}, None, None),
    ("q[name]=*Bob*", {"name": "*Bob*"}, None, None),
    ("q[name][]=Alice&q[name][]=Charlie", {"name": ["Alice", "Charlie"]}, None, None),
    ("q[name]=Alice&q[email]=*gmail.com", {"name": "Alice", "email": "*gmail.com"}, None, None),
    (
        "q[name]=Alice&q[or][email]=*gmail.com&limit=10&sort=name",
        {"name": "Alice", "or": {"email": "*gmail.com"}},
        None,
        "name",
    ),
    (
        "q[name]=Alice&q[or][email]=*gmail.com&limit=10&sort=-name",
        {"name": "Alice", "or": {"email": "*gmail.com"}},
        None,
        ["-name"],
    ),
    ("q[organization.name]=Google", {"organization.name": "Google"}, None, None),
    (
        "q[my_organization_profile.organization.name]=My%20Company",
        {"my_organization_profile.organization.name": "My Company"},
        None,
        None,
    ),
    (
        "q[updated_at][ge]=2025-01-04 00:00:00&limit=10&sort=-updated_at",
        {"updated_at": {"ge": datetime(2025, 1, 4)}},
        None,
        "-updated_at",
    ),
    (
        "q[created_at][ge]=2024-12-28 00:00:00&q[created_at][le]=2025-01-04 23:59:59"
        "&limit=10&sort=-created_at",
        {"created_at": {"ge": datetime(2024, 12, 28), "le": datetime(2025, 1, 4, 23, 59, 59)}},
        None,
        ["-created_at"],
    ),
    (
        "q[invoice_method][in]=FixedFee,Subscription&sort=-budget",
        {"invoice_method": {"in": ["FixedFee", "Subscription"]}},
        None,
        "-budget",
    ),
    (
        "q[custom_fields.external_link]=*docs.google.com*",
        {"custom_fields.external_link": "*docs.google.com*"},
        None,
        None,
    ),
    (
        "q[custom_fields.part_of_country][nin]=*",
        {"custom_fields.part_of_country": {"nin": "*"}},
        None,
        None,
    ),
    (
        "q[custom_fields.part_of_country][nin]=*&q[created_at][ge]=2025-01-16 00:00:00"
        "&select=id,name,project_manager.employee_id,project_manager.name&sort=-updated_at",
        {
            "custom_fields.part_of_country": {"nin": "*"},
            "created_at": {"ge": datetime(2025, 1, 16)},
        },
        ["id", "name", "project_manager.employee_id", "project_manager.name"],
        "-updated_at",
    ),
    ("q[name]=*Bob*&offset=11&limit=10&sort=-name", {"name": "*Bob*"}, None, "-name"),
    ("q[name]=*my*&limit=10&metadata=count,limit", {"name": "*my*"}, None, None),
    ("q[id][in]=hours:abc,hours:xyz", {"id": {"in": ["hours:abc", "hours:xyz"]}}, None, None),
    (
        "q[linked_to.invoice_id]=invoice:abcdef",
        {"linked_to.invoice_id": "invoice:abcdef"},
        None,
        None,
    ),
    (
        "q[updated_at][ge]=2025-01-18+00:00:00&sort=-updated_at",
        {"updated_at": {"ge": datetime(2025, 1, 18)}},
        None,
        "-updated_at",
    ),
]


@pytest.mark.parametrize(("documented", "filter", "select", "sort"), DOCUMENTED)
def test_documented_use_cases(documented: str, filter: Any, select: Any, sort: Any) -> None:
    pairs = urllib.parse.parse_qsl(documented, keep_blank_values=True)
    expected = [(k, v) for k, v in pairs if k not in PAGER_PARAMS]
    built = build_query(filter, select, sort)
    assert built == expected
    # and the fake reads both the same way
    assert parse_query(built) == parse_query(expected)


# ---- over HTTP, against the fake -----------------------------------------------------------------

ORG = "crm/organization"

PLANTED: list[dict[str, Any]] = [
    {
        "name": "Alice",
        "email": "alice@example.com",
        "is_active": True,
        "budget": 1000,
        "created_at": "2024-12-30 09:00:00",
        "relation_type": {"label": "Klant"},
        "custom_fields": [{"name": "part_of_country", "value": "North"}],
    },
    {
        "name": "Bob & Co",
        "email": "bob@gmail.com",
        "is_active": False,
        "budget": 250.5,
        "created_at": "2025-01-04 23:59:59",
        "relation_type": {"label": "Leverancier"},
        "custom_fields": [],
    },
    {
        "name": "Jimbob",
        "email": None,
        "is_active": True,
        "budget": 99,
        "created_at": "2025-01-05 00:00:00",
        "relation_type": {"label": "Prospect"},
        "custom_fields": [{"name": "part_of_country", "value": "South"}],
    },
    {
        "name": "Charlie [50%]",
        "email": "charlie@GMAIL.com",
        "is_active": True,
        "budget": 10,
        "created_at": "2024-12-27 12:00:00",
        "relation_type": {"label": "Klant"},
        "custom_fields": [{"name": "part_of_country", "value": None}],
    },
]


@pytest.mark.parametrize(
    ("filter", "names"),
    [
        ({"name": "*bob*"}, ["Bob & Co", "Jimbob"]),
        ({"name": "Bob & Co"}, ["Bob & Co"]),
        ({"name": "Charlie [50%]"}, ["Charlie [50%]"]),
        ({"name": ["Alice", "Jimbob"]}, ["Alice", "Jimbob"]),
        ({"name": "Alice", "or": {"email": "*gmail.com"}}, ["Alice", "Bob & Co", "Charlie [50%]"]),
        ({"email": None}, ["Jimbob"]),
        ({"email": "*"}, ["Alice", "Bob & Co", "Charlie [50%]"]),
        ({"is_active": False}, ["Bob & Co"]),
        ({"budget": {"gt": 99, "le": 1000}}, ["Alice", "Bob & Co"]),
        ({"budget": 250.5}, ["Bob & Co"]),
        ({"budget": Decimal("10")}, ["Charlie [50%]"]),
        (
            {"created_at": {"ge": datetime(2024, 12, 28), "le": datetime(2025, 1, 4, 23, 59, 59)}},
            ["Alice", "Bob & Co"],
        ),
        ({"created_at": {"lt": date(2025, 1, 5)}}, ["Alice", "Bob & Co", "Charlie [50%]"]),
        (
            {"relation_type.label": {"in": ["Klant", "Prospect"]}},
            ["Alice", "Jimbob", "Charlie [50%]"],
        ),
        ({"relation_type.label": {"nin": "Klant, Prospect"}}, ["Bob & Co"]),
        ({"custom_fields.part_of_country": {"nin": "*"}}, ["Bob & Co", "Charlie [50%]"]),
        ({"custom_fields.part_of_country": "north"}, ["Alice"]),
        (
            {
                "custom_fields.part_of_country": {"nin": "*"},
                "created_at": {"ge": datetime(2025, 1, 1)},
            },
            ["Bob & Co"],
        ),
        ({}, ["Alice", "Bob & Co", "Jimbob", "Charlie [50%]"]),
    ],
)
def test_the_fake_returns_exactly_the_matching_records(
    filter: dict[str, Any], names: list[str]
) -> None:
    with FakeSimplicate(records={ORG: 0}) as fake:
        for record in PLANTED:
            fake.add(ORG, record)
        with fake.client() as client:
            data = client.get(ORG, params=build_query(filter, select=["name"], sort="name"))
    assert [r["name"] for r in data] == sorted(names, key=str.casefold)
    assert all(set(r) == {"id", "name"} for r in data)


def test_the_fake_sorts_and_selects_as_built() -> None:
    with FakeSimplicate(records={ORG: 0}) as fake:
        for record in PLANTED:
            fake.add(ORG, record)
        with fake.client() as client:
            params = build_query(
                {"or": {"is_active": True}},
                select="name, relation_type.",
                sort=["-created_at"],
            )
            data = client.get(ORG, params=params)
        sent = fake.requests[-1].params
    assert [r["name"] for r in data] == ["Jimbob", "Alice", "Charlie [50%]"]
    assert all(set(r) == {"id", "name", "relation_type"} for r in data)
    assert sent == {
        "q[or][is_active]": ["1"],
        "select": ["name,relation_type."],
        "sort": ["-created_at"],
    }
