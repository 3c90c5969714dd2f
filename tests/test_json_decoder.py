"""Our JSON decoder (`crates/py/src/json/`) against `json.loads`, differentially: over 100,000
generated and mutated documents from a fixed seed, each decodes to what `json.loads` gives or is
rejected as `json.loads` rejects it, but for the three documented differences (see
`tests/json_documents.py`). `scripts/fuzz_decoder.py` runs the same generators for longer.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable

import pytest

from simplicate import _core

from . import json_documents as docs
from .json_documents import MAX_DEPTH, check, documents, truncations

decode = _core._decode_json

SEED = 20240611
GENERATED = 100_000

# Small documents truncated, and with a byte removed, at every position.
TRUNCATED = [
    b'{"data":[{"id":"organization:1","n":-12.5e3,"ok":true,"x":null,"t":[]}],"m":{"c":1}}',
    b'["\\u00e9\\ud83d\\ude00\\n\\"\\\\\\/", "h\xc3\xa9llo \xf0\x9f\x98\x80", 1.5E+3, -0, false]',
    b'{"a":{"b":[{"c":"NL"},{"c":"NL"}]},"a":[1e308,1e309,123456789012345678901234567890]}',
]


def failures(stream: Iterable[bytes], limit: int = 5) -> list[str]:
    """The first mismatches in `stream`, each with the document that shows it."""
    found = []
    for doc in stream:
        problem = check(decode, doc)
        if problem is not None:
            found.append(f"{doc[:300]!r}: {problem}")
            if len(found) >= limit:
                break
    return found


def test_generated_documents_agree_with_json_loads() -> None:
    # About 20 s on a 2-core machine: keep it there when adding generators.
    assert failures(itertools.islice(documents(SEED), GENERATED)) == []


def test_truncated_and_shortened_documents_agree_with_json_loads() -> None:
    for doc in TRUNCATED:
        assert check(decode, doc) is None
        assert failures(truncations(doc)) == []


@pytest.mark.parametrize(
    "doc",
    [b"NaN", b"Infinity", b"-Infinity", b"[1, NaN]", b'{"a": -Infinity}'],
)
def test_non_finite_constants_are_rejected_though_json_loads_accepts_them(doc: bytes) -> None:
    json.loads(doc)
    with pytest.raises(ValueError, match=r" at line 1 column \d+$"):
        decode(doc)


@pytest.mark.parametrize(
    "doc",
    [b'"\\ud800"', b'"\\udc00"', b'"a\\ud834\\u0041"', b'{"\\udfff": 1}', b'"\\ud834\\ud834"'],
)
def test_lone_surrogate_escapes_are_rejected_though_json_loads_accepts_them(doc: bytes) -> None:
    json.loads(doc)
    with pytest.raises(ValueError, match=r"surrogate|hex escape"):
        decode(doc)


def test_nesting_past_max_depth_is_rejected_though_json_loads_accepts_it() -> None:
    def deep(n: int) -> bytes:
        return b"[" * n + b"]" * n

    assert decode(deep(MAX_DEPTH)) == json.loads(deep(MAX_DEPTH))
    json.loads(deep(MAX_DEPTH + 1))
    with pytest.raises(ValueError, match=r"^recursion limit exceeded"):
        decode(deep(MAX_DEPTH + 1))
    # Far past the interpreter's recursion limit: json.loads raises RecursionError, we still
    # raise ValueError (and never overflow the stack).
    for doc in [deep(100_000), b"[" * 100_000, b'{"a":' * 100_000]:
        with pytest.raises(RecursionError):
            json.loads(doc)
        with pytest.raises(ValueError, match=r"^recursion limit exceeded"):
            decode(doc)


@pytest.mark.parametrize(
    ("doc", "want"),
    [
        (b"-0", 0),
        (b"-0.0", -0.0),
        (b"1e309", float("inf")),
        (b"-1e309", float("-inf")),
        (b"1e-400", 0.0),
        (b"18446744073709551616", 18446744073709551616),
        (b"-9223372036854775809", -9223372036854775809),
        (b'{"a":1,"b":2,"a":3}', {"a": 3, "b": 2}),
        (b'"\\ud83d\\ude00"', "\U0001f600"),
        (b" \t\r\n[ \t\r\n] \t\r\n", []),
    ],
)
def test_edge_values_decode_as_json_loads_does(doc: bytes, want: object) -> None:
    assert docs.same(decode(doc), json.loads(doc))
    assert docs.same(decode(doc), want)


def test_integers_past_4300_digits_are_rejected_as_json_loads_rejects_them() -> None:
    limit = b"7" * 4300
    assert decode(limit) == json.loads(limit)
    assert decode(b"-" + limit) == json.loads(b"-" + limit)
    for doc in [limit + b"7", b"-" + limit + b"7"]:
        with pytest.raises(ValueError):
            json.loads(doc)
        with pytest.raises(ValueError, match=r"^number out of range"):
            decode(doc)


@pytest.mark.parametrize(
    "doc",
    [b"\xef\xbb\xbf{}", b'"\xff"', b'"\xed\xa0\x80"', b'"\xc0\xaf"', b'{"\xc3\x28":1}', b"[1]\xff"],
)
def test_invalid_utf8_and_a_bom_are_rejected(doc: bytes) -> None:
    with pytest.raises(ValueError):
        json.loads(doc.decode("utf-8"))
    with pytest.raises(ValueError, match=r" at line 1 column \d+$"):
        decode(doc)
