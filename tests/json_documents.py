"""Documents for the differential test of our JSON decoder (`_core._decode_json`) against
`json.loads`, and the oracle that compares the two; shared by `tests/test_json_decoder.py`
(a fixed seed, in CI) and `scripts/fuzz_decoder.py` (any seed, for as long as asked).

The decoder's contract (see `crates/py/src/json/mod.rs`): it decodes exactly what `json.loads`
decodes, to equal values of the same types (key order and the sign of zero included), and raises
`ValueError("... at line L column C")` for everything `json.loads` rejects. It deliberately
differs in three places, and `check` holds it to each:

- ``NaN``, ``Infinity`` and ``-Infinity`` are not JSON: `json.loads` accepts them, we reject them
  (as orjson does), so an API answer never turns into floats no other JSON reader agrees on.
- A ``\\u`` escape of a lone surrogate (``"\\ud800"``) is rejected: `json.loads` returns a `str`
  that cannot be encoded back to UTF-8.
- Nesting deeper than `MAX_DEPTH` (200) is rejected with "recursion limit exceeded", where
  `json.loads` decodes up to the interpreter's recursion limit and then raises `RecursionError`.

Generators write bytes directly, so they can produce what no `json.dumps` would: invalid UTF-8,
raw control characters, stray escapes, numbers JSON forbids.
"""

from __future__ import annotations

import json
import math
import random
import re
from collections.abc import Callable, Iterator
from typing import Any

# The decoder's nesting limit (`MAX_DEPTH` in crates/py/src/json/mod.rs).
MAX_DEPTH = 200

_POSITION = re.compile(r" at line \d+ column \d+\Z")

# Values that usually decode and sometimes sit just past an edge of the grammar.
EDGE_NUMBERS = (
    b"0 -0 0.0 -0.0 0e0 -0E-0 1 -1 1.5 0.1 "
    b"1e308 1.7976931348623157e308 1.7976931348623158e308 1e309 -1e309 "
    b"1e-320 5e-324 2e-324 1e-400 2.2250738585072014e-308 "
    b"9007199254740993 9223372036854775807 9223372036854775808 -9223372036854775808 "
    b"-9223372036854775809 18446744073709551615 18446744073709551616 "
    b"123456789012345678901234567890 -123456789012345678901234567890 "
    b"1e99999999999999999999 1e-99999999999999999999 0e99999999999999999999 "
    b"123456789.123456789e-5 100000000000000000000000.5 1E+2 1e-2 1E2 "
).split()
BAD_NUMBERS = (
    # Not JSON: leading zeros, bare dots, signs, missing digits.
    b"01 -01 00 1. .5 -.5 +1 - 1e 1e+ 1.e5 --1 "
    b"1..2 0x10 1_000 1e5.5 "
    # Not JSON either, but json.loads accepts them: see the module docstring.
    b"NaN Infinity -Infinity nan inf "
).split()

ESCAPES = [b'\\"', b"\\\\", b"\\/", b"\\b", b"\\f", b"\\n", b"\\r", b"\\t"]
BAD_ESCAPES = [b"\\x", b"\\u12", b"\\u12G4", b"\\U0041", b"\\a", b"\\", b"\\0", b"\\'"]
NON_ASCII = ["é", "ü", "ß", "€", "✓", "中文", "😀", "𝄞", "\u2028", "\u00a0", "\u07ff", "\uffff"]
# Byte sequences that are not UTF-8: stray continuation and lead bytes, overlong forms, an
# encoded surrogate, code points past U+10FFFF, truncated sequences.
INVALID_UTF8 = (
    b"\xff \xfe \x80 \xbf \xc3\x28 \xc0\xaf \xc1\xbf \xe0\x80\xaf "
    b"\xed\xa0\x80 \xed\xbf\xbf \xf4\x90\x80\x80 \xf5\x80\x80\x80 \xe2\x82 "
    b"\xf0\x9f\x98 \xc3 "
).split()
WHITESPACE = [b" ", b"\t", b"\n", b"\r", b"\r\n", b"  \n\t "]
# Not JSON whitespace: vertical tab, form feed, NBSP, BOM, ideographic space.
NOT_WHITESPACE = [b"\x0b", b"\x0c", b"\xc2\xa0", b"\xef\xbb\xbf", b"\xe3\x80\x80", b"\x00"]
# Realistic keys, so records repeat them (the key cache and its predictions).
KEYS = [
    "id",
    "name",
    "is_active",
    "created_at",
    "updated_at",
    "relation_type",
    "label",
    "color",
    "email",
    "phone",
    "teams",
    "x",
    "",
    'k\\"q',
    "é",
    "a\\nb",
    "\\u00e9",
    "data",
    "metadata",
    "count",
    "offset",
    "limit",
    "url",
    "linkedin_url",
    "organization_number",
    "vat_number",
]
LITERALS = [b"true", b"false", b"null"]
BAD_LITERALS = [b"tru", b"nul", b"True", b"None", b"nulll", b"t", b"f", b"undefined"]
MUTATION_BYTES = b'{}[]",:\\0123456789eE.-+ tfnu\x80\xff\x00\n'


def number(rng: random.Random) -> bytes:
    """A number at an edge, or one built from random parts (mostly valid)."""
    roll = rng.random()
    if roll < 0.02:
        return rng.choice(BAD_NUMBERS)
    if roll < 0.3:
        return rng.choice(EDGE_NUMBERS)
    sign = b"-" if rng.random() < 0.3 else b""
    if rng.random() < 0.03:
        sign = rng.choice([b"+", b"--", b"-"])
    width = rng.choice([1, 1, 2, 5, 15, 19, 20, 21, 40, 400])
    head = rng.choice(b"123456789") if rng.random() < 0.95 else ord("0")
    integer = bytes([head, *(rng.choice(b"0123456789") for _ in range(width - 1))])
    if rng.random() < 0.1:
        integer = b"0"
    fraction = b""
    if rng.random() < 0.3:
        fraction = b"." + bytes(
            rng.choice(b"0123456789") for _ in range(rng.choice([1, 2, 17, 30]))
        )
    exponent = b""
    if rng.random() < 0.2:
        marker = rng.choice([b"e", b"E"]) + rng.choice([b"", b"+", b"-"])
        exponent = marker + str(rng.choice([0, 1, 5, 22, 23, 307, 308, 309, 324, 400])).encode()
    return sign + integer + fraction + exponent


def huge_integer(rng: random.Random) -> bytes:
    """Integers around CPython's limit of 4,300 digits for `int(str)`."""
    digits = rng.choice([4299, 4300, 4301, 5000])
    sign = b"-" if rng.random() < 0.5 else b""
    return sign + b"7" * digits


def string(rng: random.Random, max_parts: int = 8) -> bytes:
    """A quoted string of random parts: plain text, every escape, `\\u` escapes (BMP, pairs, lone
    surrogates), non-ASCII, and now and then something invalid."""
    parts = [b'"']
    for _ in range(rng.randrange(max_parts + 1)):
        roll = rng.random()
        if roll < 0.35:
            parts.append(
                bytes(rng.choice(b"abcXYZ 019_-:#.&'") for _ in range(rng.randrange(1, 9)))
            )
        elif roll < 0.5:
            parts.append(rng.choice(ESCAPES))
        elif roll < 0.6:
            parts.append(
                b"\\u%04x" % rng.choice([0, 0x1F, 0x41, 0xE9, 0x7FF, 0x800, 0xFFFD, 0xFFFF])
            )
        elif roll < 0.68:
            high, low = rng.randrange(0xD800, 0xDC00), rng.randrange(0xDC00, 0xE000)
            fmt = rng.choice([b"\\u%04x\\u%04x", b"\\u%04X\\u%04X"])
            parts.append(fmt % (high, low))
        elif roll < 0.9:
            parts.append(rng.choice(NON_ASCII).encode())
        elif roll < 0.98:
            parts.append(b"x" * rng.choice([15, 16, 17, 64, 65, 300]))
        else:
            parts.append(rng.choice(_BROKEN_PARTS)(rng))
    parts.append(b'"')
    return b"".join(parts)


# What makes a string invalid, or valid only to json.loads: lone surrogates (high alone, low
# alone, high then a non-surrogate, two highs), invalid UTF-8, bad escapes, raw control bytes.
_BROKEN_PARTS: list[Callable[[random.Random], bytes]] = [
    lambda r: r.choice(
        [
            b"\\ud800",
            b"\\udbff",
            b"\\udc00",
            b"\\udfff",
            b"\\ud834\\u0041",
            b"\\ud834\\ud834",
            b"\\ud834x",
            b"\\ud834\\n",
        ]
    ),
    lambda r: r.choice(INVALID_UTF8),
    lambda r: r.choice(BAD_ESCAPES),
    lambda r: bytes([r.choice([0x00, 0x01, 0x09, 0x0A, 0x1F])]),
    lambda r: b"\x7f",
]


def ws(rng: random.Random) -> bytes:
    roll = rng.random()
    if roll < 0.7:
        return b""
    if roll < 0.995:
        return rng.choice(WHITESPACE)
    return rng.choice(NOT_WHITESPACE)


def value(rng: random.Random, depth: int = 0) -> bytes:
    """Any value; containers get rarer with depth."""
    roll = rng.random()
    container = 0.4 / (1 + depth)
    if roll < container / 2:
        return array(rng, depth + 1)
    if roll < container:
        return obj(rng, depth + 1)
    roll = rng.random()
    if roll < 0.35:
        return number(rng)
    if roll < 0.75:
        return string(rng)
    if roll < 0.99:
        return rng.choice(LITERALS)
    if roll < 0.995:
        return rng.choice(BAD_LITERALS)
    return huge_integer(rng)


def key(rng: random.Random) -> bytes:
    if rng.random() < 0.85:
        return b'"' + rng.choice(KEYS).encode() + b'"'
    return string(rng, 3)


def array(rng: random.Random, depth: int) -> bytes:
    items = [ws(rng) + value(rng, depth) + ws(rng) for _ in range(rng.randrange(6))]
    out = b"[" + b",".join(items)
    if items and rng.random() < 0.02:
        out += b","  # a trailing comma
    return out + ws(rng) + b"]"


def obj(rng: random.Random, depth: int) -> bytes:
    fields = []
    for _ in range(rng.randrange(7)):
        k = key(rng)
        if rng.random() < 0.01:
            k = rng.choice([b"1", b"null", b"'a'", b"a"])  # keys must be strings
        colon = b":" if rng.random() < 0.99 else rng.choice([b"", b"=", b"::"])
        fields.append(ws(rng) + k + ws(rng) + colon + ws(rng) + value(rng, depth) + ws(rng))
    if fields and rng.random() < 0.1:
        fields.append(fields[0])  # a duplicate key: the last value wins, the first place stays
    out = b"{" + b",".join(fields)
    if fields and rng.random() < 0.02:
        out += b","
    return out + ws(rng) + b"}"


def page(rng: random.Random) -> bytes:
    """An API-like page: records of one shape (the key predictions and dict templates), some of
    them with a key missing, added, renamed or moved, or a value of another type."""
    keys = rng.sample(KEYS, rng.randrange(1, 12))
    nested = rng.sample(KEYS, rng.randrange(1, 8))
    records = []
    for _ in range(rng.randrange(1, 12)):
        ks = list(keys)
        roll = rng.random()
        if roll < 0.1 and ks:
            ks.pop(rng.randrange(len(ks)))
        elif roll < 0.2:
            ks.insert(rng.randrange(len(ks) + 1), rng.choice(KEYS))
        elif roll < 0.25 and len(ks) > 1:
            i, j = rng.randrange(len(ks)), rng.randrange(len(ks))
            ks[i], ks[j] = ks[j], ks[i]
        fields = []
        for k in ks:
            roll = rng.random()
            if roll < 0.15:
                small = [b"1", b"null", b'"NL"']
                inner = b",".join(b'"%s":%s' % (n.encode(), rng.choice(small)) for n in nested)
                v = b"{" + inner + b"}"
            elif roll < 0.5:
                v = rng.choice([b'"NL"', b'"Klant"', b'"#27ae60"', b'"organization:ab12"', b'""'])
            else:
                v = value(rng, 2)
            fields.append(b'"' + k.encode() + b'":' + v)
        records.append(b"{" + b",".join(fields) + b"}")
    return b'{"data":[' + b",".join(records) + b'],"metadata":{"count":%d}}' % len(records)


def nested(rng: random.Random) -> bytes:
    """Nesting around our limit, past json.loads's recursion limit, or left open."""
    depth = rng.choice([MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1, 500, 999, 1500, 100_000])
    opens = [rng.choice([b"[", b'{"a":']) for _ in range(depth)]
    closes = [b"]" if o == b"[" else b"}" for o in reversed(opens)]
    middle = rng.choice([b"1", b"[]", b"{}", b'"x"'])
    cut = len(closes) if rng.random() < 0.8 else rng.randrange(len(closes))
    return b"".join(opens) + middle + b"".join(closes[:cut])


def mutate(rng: random.Random, doc: bytes) -> bytes:
    """One to three random edits: flip, delete, insert, duplicate a slice, truncate."""
    buf = bytearray(doc)
    for _ in range(rng.randrange(1, 4)):
        if not buf:
            break
        at = rng.randrange(len(buf))
        roll = rng.random()
        if roll < 0.25:
            buf[at] ^= 1 << rng.randrange(8)
        elif roll < 0.4:
            buf[at] = rng.randrange(256)
        elif roll < 0.6:
            del buf[at]
        elif roll < 0.8:
            buf.insert(at, rng.choice(MUTATION_BYTES))
        elif roll < 0.9:
            end = min(len(buf), at + rng.randrange(1, 16))
            buf[at:at] = buf[at:end]
        else:
            del buf[at:]
    return bytes(buf)


def documents(seed: int) -> Iterator[bytes]:
    """An endless, reproducible stream of documents for `seed`."""
    rng = random.Random(seed)
    makers: list[Callable[[random.Random], bytes]] = [
        lambda r: ws(r) + value(r) + ws(r),
        lambda r: ws(r) + obj(r, 1) + ws(r),
        lambda r: ws(r) + array(r, 1) + ws(r),
        page,
    ]
    while True:
        roll = rng.random()
        if roll < 0.002:
            yield nested(rng)
            continue
        doc = rng.choice(makers)(rng)
        if roll < 0.6:
            yield doc
        elif roll < 0.95:
            yield mutate(rng, doc)
        else:
            # Trailing content, or a second document.
            yield doc + rng.choice([b" x", b"]", b"}", b",1", b" " + doc, b"\x00"])


def truncations(doc: bytes) -> Iterator[bytes]:
    """Every proper prefix of `doc`, and `doc` with each single byte removed."""
    for i in range(len(doc)):
        yield doc[:i]
        yield doc[:i] + doc[i + 1 :]


# --- the oracle -------------------------------------------------------------------------------


class _Constant(Exception):
    """`json.loads` met NaN, Infinity or -Infinity."""


def _refuse_constant(name: str) -> Any:
    raise _Constant(name)


class _Object(list):  # type: ignore[type-arg]
    """An object's (key, value) pairs, duplicate keys kept: a value a later duplicate replaces
    must still have been decodable."""


def _walk(v: Any) -> tuple[int, bool]:
    """Nesting depth of containers (a scalar is 0, `[]` is 1), and whether a `str` in `v` holds
    a lone surrogate. Iterative: `json.loads` nests deeper than a recursive walk could follow."""
    deepest, lone = 0, False
    todo = [(v, 0)]
    while todo:
        x, depth = todo.pop()
        if isinstance(x, _Object):
            todo.extend((y, depth + 1) for pair in x for y in pair)
        elif isinstance(x, list):
            todo.extend((y, depth + 1) for y in x)
        elif isinstance(x, str):
            try:
                x.encode("utf-8")
            except UnicodeEncodeError:
                lone = True
            continue
        else:
            continue
        deepest = max(deepest, depth + 1)
    return deepest, lone


def same(a: Any, b: Any) -> bool:
    """Equal values of the same exact types, dict key order included; floats by `repr` (so
    -0.0 differs from 0.0, and NaN equals NaN)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return repr(a) == repr(b) or (math.isnan(a) and math.isnan(b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(
            same(ka, kb) and same(va, vb)
            for (ka, va), (kb, vb) in zip(a.items(), b.items(), strict=True)
        )
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def expected(doc: bytes) -> tuple[str, Any]:
    """What our decoder must do with `doc`: ("value", v), or ("reject", why)."""
    try:
        text = doc.decode("utf-8")
    except UnicodeDecodeError:
        return "reject", "not UTF-8"
    try:
        want = json.loads(text)
    except RecursionError:
        # Deeper than the interpreter allows, so far deeper than MAX_DEPTH: invalid or not, we
        # reject it.
        return "reject", "json.loads: RecursionError"
    except ValueError as e:  # JSONDecodeError, and int() past 4300 digits
        return "reject", f"json.loads: {e}"
    try:
        pairs = json.loads(text, parse_constant=_refuse_constant, object_pairs_hook=_Object)
    except _Constant as e:
        return "reject", f"difference: {e} is not JSON"
    depth, lone_surrogate = _walk(pairs)
    if depth > MAX_DEPTH:
        return "reject", "difference: nested deeper than MAX_DEPTH"
    if lone_surrogate:
        return "reject", "difference: a lone surrogate escape"
    return "value", want


def check(decode: Callable[[bytes], Any], doc: bytes) -> str | None:
    """None if `decode(doc)` keeps the contract, else what went wrong."""
    kind, want = expected(doc)
    try:
        got = decode(doc)
    except Exception as e:  # the class is the point of the check
        if type(e) is not ValueError or not _POSITION.search(str(e)):
            return f"raised {type(e).__name__}: {e} (expected {kind}: {want!r:.200})"
        if kind == "value":
            return f"rejected ({e}) what json.loads decodes to {want!r:.200}"
        if want.startswith("difference: nested") and "recursion limit exceeded" not in str(e):
            return f"rejected deep nesting with {e!r}, not as too deep"
        return None
    if kind == "reject":
        return f"accepted as {got!r:.200}, expected a rejection ({want})"
    if not same(got, want):
        return f"decoded to {got!r:.200}, json.loads to {want!r:.200}"
    return None
