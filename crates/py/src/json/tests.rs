//! The decoder against `json.loads` on hand-picked and mutated documents, its error positions,
//! and its reference counting. (`tests/test_json_decoder.py` runs the large differential test.)

use super::errors::position;
use super::*;
use pyo3::types::PyBytes;

/// `json.loads(doc.decode("utf-8"))`, or `None` when it raises. (Given bytes, `json.loads`
/// would guess UTF-16 or UTF-32 from NUL bytes.)
fn reference<'py>(py: Python<'py>, doc: &[u8]) -> Option<Bound<'py, PyAny>> {
    let loads = py.import("json").unwrap().getattr("loads").unwrap();
    let text = PyBytes::new(py, doc)
        .call_method1("decode", ("utf-8",))
        .ok()?;
    loads.call1((text,)).ok()
}

fn repr(value: &Bound<'_, PyAny>) -> String {
    value.repr().unwrap().to_string()
}

/// Decode `doc` and check it equals `json.loads(doc)`, key order and float signs included.
fn check_same(py: Python<'_>, doc: &[u8]) {
    let want = reference(py, doc)
        .unwrap_or_else(|| panic!("json.loads rejects {:?}", String::from_utf8_lossy(doc)));
    let got = decode(py, doc).unwrap_or_else(|e| panic!("{e}: {:?}", String::from_utf8_lossy(doc)));
    assert!(got.eq(&want).unwrap(), "{:?}", String::from_utf8_lossy(doc));
    assert_eq!(
        repr(&got),
        repr(&want),
        "{:?}",
        String::from_utf8_lossy(doc)
    );
}

/// A small deterministic PRNG (xorshift64*), so the fuzz tests need no crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn torture_set() -> Vec<Vec<u8>> {
    let mut docs: Vec<Vec<u8>> = [
        &b"{}"[..],
        b"[]",
        b" [ ] ",
        b"{\"a\":1,\"a\":2}",
        b"{\"a\":1,\"b\":2,\"a\":3}",
        br#""\u00e9\ud83d\ude00\n\t\"\\\/\b\f\r""#,
        "\"héllo wörld ✓ 😀\"".as_bytes(),
        br#""\u0000""#,
        br#""a\u0000b""#,
        br#""\uD834\uDD1E""#,
        br#""\u20AC""#,
        "{\"\\u00e9\":1,\"é\":2}".as_bytes(),
        br#"{"k\"q":1,"k\\":2, "k\n": 3}"#,
        br#"["a\\b", "a\\b", "a\\\\b"]"#,
        b"-0",
        b"-0.0",
        b"0.0",
        b"0",
        b"1.5",
        b"1e308",
        b"1.7976931348623157e308",
        b"1e-320",
        b"5e-324",
        b"2.2250738585072014e-308",
        b"1e400",
        b"-1e400",
        b"1e-400",
        b"1E+2",
        b"1e-2",
        b"3.141592653589793",
        b"0.1",
        b"123456789.123456789e-5",
        b"9223372036854775807",
        b"9223372036854775808",
        b"-9223372036854775808",
        b"-9223372036854775809",
        b"18446744073709551615",
        b"18446744073709551616",
        b"123456789012345678901234567890",
        b"-123456789012345678901234567890",
        b"[1,-1,0.5,-0.5,1e5,1E-5,100000000000000000000000.5]",
        b" \t\n\r{ \t\n\r\"a\" \t\n\r: \t\n\r[ 1 , 2 , { } , [ ] , \"x\" , true , false , null ] \t\n\r} \t\n\r",
        b"{\"a\":{\"b\":{\"c\":[1,{\"d\":null}]}}}",
        b"[true,false,null]",
        "\"\u{1F600}\"".as_bytes(),
        b"\"\xf0\x9f\x98\x80 \xc3\xa9\"",
    ]
    .iter()
    .map(|d| d.to_vec())
    .collect();
    // Nesting right at the limit.
    let depth = MAX_DEPTH as usize;
    docs.push([vec![b'['; depth], vec![b']'; depth]].concat());
    // Long strings, ASCII and not, with and without escapes.
    docs.push(format!("\"{}\"", "x".repeat(1000)).into_bytes());
    docs.push(format!("\"{}\"", "é".repeat(500)).into_bytes());
    docs.push(format!("\"{}\\n{}\"", "é".repeat(50), "x".repeat(50)).into_bytes());
    // Every printable ASCII character.
    let printable: String = (0x20u8..0x7f)
        .filter(|&b| b != b'"' && b != b'\\')
        .map(char::from)
        .collect();
    docs.push(format!("\"{printable}\"").into_bytes());
    // Long keys (not cached) repeated, and many distinct keys and values (past the caches).
    let long = "k".repeat(100);
    docs.push(format!("[{{\"{long}\":1,\"{long}\":2}},{{\"{long}\":3}}]").into_bytes());
    let many: Vec<String> = (0..5000)
        .map(|i| format!("{{\"k{}\":\"v{}\"}}", i % 2000, i % 1500))
        .collect();
    docs.push(format!("[{}]", many.join(",")).into_bytes());
    let repeated: Vec<String> = (0..3000).map(|i| format!("\"v{}\"", i % 7)).collect();
    docs.push(format!("[{}]", repeated.join(",")).into_bytes());
    docs
}

#[test]
fn matches_json_loads_on_the_torture_set() {
    crate::test_python::on_python_thread(|py| {
        for doc in torture_set() {
            check_same(py, &doc);
        }
    });
}

#[test]
fn records_of_varying_shapes_match_json_loads() {
    // Objects that follow, leave, extend and shorten the shapes (and templates) of the ones
    // before them, with duplicate keys and keys that need escapes.
    crate::test_python::on_python_thread(|py| {
        let pool = [
            "id", "name", "a", "b", "c", "d", "e", "f", "g", "h", "k\\\"q", "é", "y\\n",
        ];
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let object = |rng: &mut Rng, values: &str| {
            let n = rng.below(pool.len() + 1);
            let mut keys: Vec<&str> = (0..n).map(|_| pool[rng.below(pool.len())]).collect();
            if rng.below(3) == 0 {
                keys.sort_unstable();
                keys.dedup();
            }
            let fields: Vec<String> = keys
                .iter()
                .enumerate()
                .map(|(i, k)| format!("\"{k}\":{}", if i % 3 == 0 { values } else { "1" }))
                .collect();
            format!("{{{}}}", fields.join(","))
        };
        for _ in 0..300 {
            let inner = object(&mut rng, "\"NL\"");
            let base = object(&mut rng, &inner);
            let mut records = Vec::new();
            for _ in 0..=rng.below(8) {
                records.push(if rng.below(3) == 0 {
                    object(&mut rng, &inner)
                } else {
                    base.clone()
                });
            }
            let doc = format!("{{\"data\":[{}],\"more\":{base}}}", records.join(","));
            check_same(py, doc.as_bytes());
        }
    });
}

#[test]
fn positions_count_as_jiter_did() {
    let cases: [(&[u8], usize, &str); 8] = [
        (b"", 0, "line 1 column 0"),
        (b"x", 0, "line 1 column 1"),
        (b"x", 5, "line 1 column 1"),
        (b"ab\ncd", 2, "line 2 column 0"),
        (b"ab\ncd", 3, "line 2 column 1"),
        (b"ab\ncd", 4, "line 2 column 2"),
        (b"ab\ncd\n", 9, "line 3 column 0"),
        (b"{\n  \"a\": tru\n}", 9, "line 2 column 8"),
    ];
    for (doc, index, want) in cases {
        assert_eq!(position(doc, index), want, "{doc:?} {index}");
    }
}

#[test]
fn invalid_documents_are_errors_with_a_position() {
    crate::test_python::on_python_thread(|py| {
        let cases: &[(&[u8], &str)] = &[
            (b"", "EOF while parsing a value at line 1 column 0"),
            (b"[", "EOF while parsing a list at line 1 column 1"),
            (b"{", "EOF while parsing an object at line 1 column 1"),
            (b"[1,]", "trailing comma at line 1 column 4"),
            (b"{\"a\":1,}", "trailing comma at line 1 column 8"),
            (b"{\"a\"}", "expected `:` at line 1 column 5"),
            (b"{a:1}", "key must be a string at line 1 column 2"),
            (b"[1 2]", "expected `,` or `]` at line 1 column 4"),
            (b"{\"a\":1 \"b\":2}", "expected `,` or `}` at line 1 column 8"),
            (b"[1] x", "trailing characters at line 1 column 5"),
            (b"{\n  \"a\": tru\n}", "expected ident at line 2 column 8"),
            (b"NaN", "expected value at line 1 column 1"),
            (b"Infinity", "expected value at line 1 column 1"),
            (b"-Infinity", "invalid number at line 1 column 2"),
            (b"01", "invalid number at line 1 column 2"),
            (b"1.", "EOF while parsing a value at line 1 column 2"),
            (b"\"\\ud800\"", "unexpected end of hex escape at line 1 column 8"),
            (b"\"\\udc00\"", "lone leading surrogate in hex escape at line 1 column 7"),
            (b"\"\\ud800\\u0041\"", "lone leading surrogate in hex escape at line 1 column 13"),
            (b"\"\\x\"", "invalid escape at line 1 column 3"),
            (b"\"a\x01\"", "control character (\\u0000-\\u001F) found while parsing a string at line 1 column 3"),
            (b"\"\xff\"", "invalid unicode code point at line 1 column 2"),
            (b"\"\xed\xa0\x80\"", "invalid unicode code point at line 1 column 2"),
            (b"{\"\xc3\x28\":1}", "invalid unicode code point at line 1 column 3"),
            (b"\"abc", "EOF while parsing a string at line 1 column 4"),
        ];
        for (doc, message) in cases {
            match decode(py, doc) {
                Err(e) => assert_eq!(&e, message, "{:?}", String::from_utf8_lossy(doc)),
                Ok(v) => panic!("{:?} decoded to {}", String::from_utf8_lossy(doc), repr(&v)),
            }
        }
        let deep = [vec![b'['; 300], vec![b']'; 300]].concat();
        assert!(decode(py, &deep)
            .unwrap_err()
            .starts_with("recursion limit exceeded"));
        let deep = vec![b'{'; 100_000];
        assert!(decode(py, &deep).is_err());
        let huge = vec![b'7'; MAX_INT_DIGITS + 1];
        assert!(decode(py, &huge)
            .unwrap_err()
            .starts_with("number out of range"));
        let big = vec![b'7'; MAX_INT_DIGITS];
        check_same(py, &big);
    });
}

#[test]
fn mangled_documents_never_panic_and_agree_with_json_loads() {
    // Random byte edits of valid documents: whatever json.loads accepts, we decode to the same
    // value, and whatever it rejects, we reject; except the three things orjson rejects too:
    // NaN/Infinity and lone surrogate escapes.
    crate::test_python::on_python_thread(|py| {
        let bases = torture_set();
        let record = br##"{"data":[{"id":"organization:ed12","name":"Bakker & Hendriks B.V.","is_active":true,"n":-12.5e3,"relation_type":{"id":"relationtype:ae","label":"Prospect","color":"#3498db"},"teams":[],"cc":["a","b"],"x":null}],"metadata":{"count":1}}"##;
        let mut rng = Rng(42);
        let edits = b"{}[]\",:\\0123456789eE.-+ tfnu\x80\xff\x00";
        for round in 0..20_000 {
            let mut doc = if round % 2 == 0 {
                record.to_vec()
            } else {
                bases[rng.below(bases.len())].clone()
            };
            for _ in 0..=rng.below(3) {
                if doc.is_empty() {
                    break;
                }
                let at = rng.below(doc.len());
                match rng.below(3) {
                    0 => doc[at] = rng.next() as u8,
                    1 => {
                        doc.remove(at);
                    }
                    _ => doc.insert(at, edits[rng.below(edits.len())]),
                }
            }
            let got = decode(py, &doc);
            let want = reference(py, &doc);
            match (got, want) {
                (Ok(got), Some(want)) => {
                    assert_eq!(
                        repr(&got),
                        repr(&want),
                        "{:?}",
                        String::from_utf8_lossy(&doc)
                    );
                }
                (Err(_), None) => {}
                (Err(e), Some(_)) => {
                    let text = String::from_utf8_lossy(&doc).to_lowercase();
                    assert!(
                        text.contains("nan") || text.contains("infinity") || text.contains("\\ud"),
                        "{e}: {text:?}"
                    );
                }
                (Ok(got), None) => panic!(
                    "accepted {:?} as {}",
                    String::from_utf8_lossy(&doc),
                    repr(&got)
                ),
            }
        }
    });
}

#[test]
fn nothing_leaks_and_the_gc_state_is_restored() {
    crate::test_python::on_python_thread(|py| {
        let gc = py.import("gc").unwrap();
        let tracemalloc = py.import("tracemalloc").unwrap();
        let sys = py.import("sys").unwrap();
        let traced = || -> usize {
            gc.call_method0("collect").unwrap();
            let (current, _peak): (usize, usize) = tracemalloc
                .call_method0("get_traced_memory")
                .unwrap()
                .extract()
                .unwrap();
            current
        };
        let refcount = |obj: &Bound<'_, PyAny>| -> isize {
            sys.call_method1("getrefcount", (obj,))
                .unwrap()
                .extract()
                .unwrap()
        };
        let good = torture_set();
        let mut bad: Vec<Vec<u8>> = good
            .iter()
            .filter(|d| d.len() > 2)
            .flat_map(|d| [d[..d.len() / 2].to_vec(), d[..d.len() - 1].to_vec()])
            .filter(|d| reference(py, d).is_none())
            .collect();
        bad.push(br#"[{"a":"NL","b":[true,null,"x"]},{"a":"NL","b":[1,2,"#.to_vec());
        bad.push(br#"{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7} x"#.to_vec());
        let run = |n: usize| {
            for _ in 0..n {
                for doc in &good {
                    assert!(decode(py, doc).is_ok());
                }
                for doc in &bad {
                    assert!(decode(py, doc).is_err());
                }
            }
        };
        let t = py.import("builtins").unwrap().getattr("True").unwrap();
        let none = py.None().into_bound(py);
        tracemalloc.call_method0("start").unwrap();
        run(3);
        // Other tests may allocate meanwhile: a leak grows the traced memory every time.
        let mut growth = Vec::new();
        for _ in 0..3 {
            let (before, true_before, none_before) = (traced(), refcount(&t), refcount(&none));
            run(20);
            let (after, true_after, none_after) = (traced(), refcount(&t), refcount(&none));
            growth.push((
                after.saturating_sub(before),
                true_after - true_before,
                none_after - none_before,
            ));
        }
        tracemalloc.call_method0("stop").unwrap();
        // Each window decodes every document 20 times, so a reference our decoder leaks or
        // over-releases moves a count by 20 or more. A change of one or two comes from the
        // other tests: pyo3 applies the decrefs their threads deferred whenever this thread
        // enters Python, which on a busy machine happens inside every window.
        let small = |d: isize| d.abs() < 10;
        assert!(
            growth
                .iter()
                .any(|&(bytes, t, n)| bytes < 4096 && small(t) && small(n)),
            "(bytes, refs to True, refs to None) grew by {growth:?}"
        );

        // The collector is back on after a document, good or bad, and stays off if it was.
        let enabled = || gc.call_method0("isenabled").unwrap().is_truthy().unwrap();
        assert!(enabled());
        let _ = decode(py, b"[[1]]");
        let _ = decode(py, b"[[1]");
        assert!(enabled());
        gc.call_method0("disable").unwrap();
        let _ = decode(py, b"[[1]]");
        assert!(!enabled());
        gc.call_method0("enable").unwrap();
    });
}
