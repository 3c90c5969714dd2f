//! The test that keeps client and server honest: for many generated queries of every shape,
//! what the client sends parses back to the same query — as decoded pairs, through
//! `application/x-www-form-urlencoded`, and through `url::Url` as the transport builds it. And
//! the converse: whatever the parser accepts, however odd the input, validates and survives the
//! trip, and never panics. A tiny deterministic generator stands in for a property-testing crate.

use serde_json::{json, Value};

use super::model::{Condition, Filter, MetadataKey, Op, Query, SortKey};

/// SplitMix64: deterministic, dependency-free, good enough to pick shapes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Pieces of values: wildcards, null, *, separators the query string itself uses, unicode,
/// spaces, percent signs and pluses that must survive encoding.
const VALUE_PIECES: &[&str] = &[
    "Alice",
    "*",
    "null",
    "bob",
    "gmail.com",
    "2025-01-04",
    " 00:00:00",
    "12.50",
    "9.5",
    "",
    " ",
    "&",
    "=",
    "[",
    "]",
    "[]",
    "%",
    "%20",
    "+",
    "#",
    "?",
    "é",
    "日本",
    "😀",
    "ß",
    "Σ",
    ",",
    "a,b",
    "\t",
    "\r\n",
    "'",
    "\"",
    "\\",
    "-",
    ".",
    "q[x]",
    "or",
];

/// Pieces of values that must survive comma-splitting and trimming (list items).
const ITEM_PIECES: &[&str] = &[
    "FixedFee",
    "*",
    "null",
    "a*b",
    "é",
    "日本",
    "😀",
    "&",
    "=",
    "[",
    "]",
    "%",
    "+",
    "#",
    "x y",
    "-",
    ".",
    "'",
    "Subscription",
];

/// Field path segments, including custom fields and the word `or` (legal inside a path).
const SEGMENTS: &[&str] = &[
    "name",
    "email",
    "organization",
    "my_organization_profile",
    "custom_fields",
    "part_of_country",
    "external_link",
    "linked_to",
    "invoice_id",
    "é",
    "日本",
    "a b",
    "x&y",
    "=",
    "%",
    "+",
    "#",
    "or",
    "q",
    "a-b",
    "1",
    "😀",
    " lead",
    "trail ",
];

fn text(rng: &mut Rng, pieces: &[&str], max_pieces: usize) -> String {
    (0..rng.below(max_pieces + 1))
        .map(|_| rng.pick(pieces))
        .collect()
}

fn item(rng: &mut Rng) -> String {
    let s = text(rng, ITEM_PIECES, 3);
    if s.is_empty() || s.trim() != s {
        "x".to_owned()
    } else {
        s
    }
}

fn path(rng: &mut Rng) -> String {
    let n = 1 + rng.below(3);
    let parts: Vec<&str> = (0..n).map(|_| rng.pick(SEGMENTS)).collect();
    let p = parts.join(".");
    if p == "or" {
        "name".to_owned()
    } else {
        p
    }
}

/// Paths for comma-joined, trimmed lists: no commas, no outer spaces, no leading '-'.
fn list_path(rng: &mut Rng) -> String {
    let p = path(rng);
    if p.trim() != p || p.starts_with('-') {
        "updated_at".to_owned()
    } else {
        p
    }
}

fn condition(rng: &mut Rng, any_of_allowed: bool) -> Condition {
    match rng.below(if any_of_allowed { 5 } else { 4 }) {
        0 => Condition::Equals(text(rng, VALUE_PIECES, 4)),
        1 => {
            let op = [Op::Ge, Op::Gt, Op::Le, Op::Lt][rng.below(4)];
            Condition::Compare(op, text(rng, VALUE_PIECES, 3))
        }
        2 => Condition::In((0..rng.below(4)).map(|_| item(rng)).collect()),
        3 => Condition::NotIn((0..rng.below(4)).map(|_| item(rng)).collect()),
        _ => Condition::AnyOf(
            (0..=rng.below(3))
                .map(|_| text(rng, VALUE_PIECES, 3))
                .collect(),
        ),
    }
}

fn filters(rng: &mut Rng, max: usize) -> Vec<Filter> {
    let mut out: Vec<Filter> = Vec::new();
    for _ in 0..rng.below(max + 1) {
        let field = path(rng);
        // One `[]` list per field and group: a second would arrive merged into the first.
        let any_of_allowed = !out
            .iter()
            .any(|f| f.field == field && matches!(f.condition, Condition::AnyOf(_)));
        out.push(Filter::new(field, condition(rng, any_of_allowed)));
    }
    out
}

fn generate(seed: u64) -> Query {
    let mut rng = Rng(seed);
    let rng = &mut rng;
    let select = (0..rng.below(4))
        .map(|_| {
            let p = list_path(rng);
            if rng.chance(30) {
                p + "."
            } else {
                p
            }
        })
        .collect();
    let sort = (0..rng.below(3))
        .map(|_| SortKey {
            field: list_path(rng),
            descending: rng.chance(50),
        })
        .collect();
    let count = |rng: &mut Rng| match rng.below(6) {
        0 | 1 => None,
        2 => Some(0),
        3 => Some(100),
        4 => Some(usize::MAX),
        _ => Some(rng.below(1000)),
    };
    let keys = MetadataKey::ALL;
    Query {
        filters: filters(rng, 4),
        or_filters: filters(rng, 2),
        select,
        sort,
        limit: count(rng),
        offset: count(rng),
        metadata: (0..rng.below(5))
            .map(|_| keys[rng.below(keys.len())])
            .collect(),
    }
}

fn from_decoded(pairs: &[(String, String)]) -> Result<Query, super::QueryError> {
    Query::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

fn through_form_encoding(q: &Query) -> Result<Query, super::QueryError> {
    let encoded = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(q.to_pairs())
        .finish();
    let decoded: Vec<(String, String)> = url::form_urlencoded::parse(encoded.as_bytes())
        .into_owned()
        .collect();
    from_decoded(&decoded)
}

fn through_url(q: &Query) -> Result<Query, super::QueryError> {
    let mut url = match url::Url::parse("https://acme.simplicate.nl/api/v2/crm/organization") {
        Ok(url) => url,
        Err(e) => panic!("{e}"),
    };
    url.query_pairs_mut().extend_pairs(q.to_pairs());
    let decoded: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    from_decoded(&decoded)
}

const SEEDS: u64 = 3000;

#[test]
fn generated_queries_round_trip() {
    for seed in 0..SEEDS {
        let q = generate(seed);
        assert_eq!(q.validate(), Ok(()), "seed {seed}: {q:?}");
        assert_eq!(
            from_decoded(&q.to_pairs()).as_ref(),
            Ok(&q),
            "seed {seed}: pairs"
        );
        assert_eq!(
            through_form_encoding(&q).as_ref(),
            Ok(&q),
            "seed {seed}: form"
        );
        assert_eq!(through_url(&q).as_ref(), Ok(&q), "seed {seed}: url");
        assert_eq!(
            Query::from_query_string(&q.to_query_string()).as_ref(),
            Ok(&q),
            "seed {seed}: query string"
        );
    }
}

/// The generator must keep covering every shape, or the round trip proves little.
#[test]
fn generator_covers_every_shape() {
    let mut seen = std::collections::BTreeSet::new();
    for seed in 0..SEEDS {
        let q = generate(seed);
        for (or, f) in q
            .filters
            .iter()
            .map(|f| ("and", f))
            .chain(q.or_filters.iter().map(|f| ("or", f)))
        {
            let shape = match &f.condition {
                Condition::Equals(v) => {
                    if v == "null" {
                        seen.insert("null");
                    }
                    if v == "*" {
                        seen.insert("star");
                    }
                    if v.len() > 1 && v.contains('*') {
                        seen.insert("wildcard");
                    }
                    if v.contains(',') {
                        seen.insert("comma value");
                    }
                    if v.contains('&') && v.contains('[') {
                        seen.insert("ampersand and bracket value");
                    }
                    if v.starts_with(' ') || v.ends_with(' ') {
                        seen.insert("padded value");
                    }
                    if !v.is_ascii() {
                        seen.insert("unicode value");
                    }
                    if v.is_empty() {
                        seen.insert("empty value");
                    }
                    "equals"
                }
                Condition::AnyOf(v) if v.len() > 1 => "any-of list",
                Condition::AnyOf(_) => "any-of single",
                Condition::Compare(op, _) => op.as_str(),
                Condition::In(v) if v.is_empty() => "in empty",
                Condition::In(v) if v.len() > 1 => "in list",
                Condition::In(_) => "in single",
                Condition::NotIn(v) if v.iter().any(|i| i == "*") => "nin star",
                Condition::NotIn(_) => "nin",
            };
            seen.insert(shape);
            seen.insert(or);
            if f.field.contains('.') {
                seen.insert("dotted");
            }
            if f.field.starts_with("custom_fields.") {
                seen.insert("custom field");
            }
            if !f.field.is_ascii() {
                seen.insert("unicode field");
            }
            if f.field.contains(' ') {
                seen.insert("space field");
            }
        }
        if q.select.iter().any(|s| s.ends_with('.')) {
            seen.insert("select children");
        }
        if q.sort.iter().any(|k| k.descending) && q.sort.iter().any(|k| !k.descending) {
            seen.insert("sort both ways");
        }
        if q.limit == Some(usize::MAX) && q.offset.is_some() && q.metadata.len() == 3 {
            seen.insert("pages and metadata");
        }
        for key in &q.metadata {
            seen.insert(key.as_str());
        }
    }
    let wanted = [
        "and",
        "or",
        "equals",
        "null",
        "star",
        "wildcard",
        "comma value",
        "ampersand and bracket value",
        "padded value",
        "unicode value",
        "empty value",
        "any-of list",
        "any-of single",
        "ge",
        "gt",
        "le",
        "lt",
        "in empty",
        "in list",
        "in single",
        "nin",
        "nin star",
        "dotted",
        "custom field",
        "unicode field",
        "space field",
        "select children",
        "sort both ways",
        "pages and metadata",
        "count",
        "total_count",
        "offset",
        "limit",
        "upper_limit",
        "nocleanup",
        "checksum",
    ];
    for shape in wanted {
        assert!(
            seen.contains(shape),
            "the generator never produced: {shape}"
        );
    }
}

/// What `validate` refuses really would not survive the trip: its rules are not arbitrary.
#[test]
fn what_validate_refuses_would_not_round_trip() {
    let one = |field: &str, c: Condition| Query {
        filters: vec![Filter::new(field, c)],
        ..Query::default()
    };
    let refused = [
        one("s", Condition::In(vec!["a,b".into()])),
        one("s", Condition::NotIn(vec![" a".into()])),
        one("s", Condition::In(vec![String::new()])),
        one("s", Condition::AnyOf(vec![])),
        Query {
            filters: vec![
                Filter::new("n", Condition::AnyOf(vec!["a".into()])),
                Filter::new("n", Condition::AnyOf(vec!["b".into()])),
            ],
            ..Query::default()
        },
        Query {
            select: vec!["a,b".into()],
            ..Query::default()
        },
        Query {
            sort: vec![SortKey::asc("-x")],
            ..Query::default()
        },
    ];
    for q in refused {
        assert!(q.validate().is_err(), "{q:?}");
        assert_ne!(from_decoded(&q.to_pairs()).as_ref(), Ok(&q), "{q:?}");
    }
}

/// Key and value fragments for throwing odd input at the parser.
const KEY_PIECES: &[&str] = &[
    "q", "[", "]", "or", "name", ".", "a", "ge", "gt", "lt", "le", "in", "nin", "foo", "",
    "select", "sort", "limit", "offset", "metadata", "é", "*", "-", ",",
];
const FUZZ_VALUES: &[&str] = &[
    "",
    "1",
    "10",
    "-",
    "-name",
    "a.",
    ".",
    "count",
    "limit",
    "offset",
    ",",
    "*",
    "null",
    "a*b",
    "é",
    " ",
    "9.5",
    "2025-01-04",
    "id,name",
    "x..y",
    "--a",
    "nope",
];

#[test]
fn parser_never_panics_and_whatever_it_accepts_round_trips() {
    let records = [
        json!({"id": 1, "name": "Alice", "a": [1, {"name": "é", "value": null}], "q": {"a": true}}),
        json!({"id": 2, "or": "x", "select": 9.5, "custom_fields": []}),
        json!("not an object"),
        Value::Null,
    ];
    let mut accepted = 0;
    let mut refused = 0;
    for seed in 0..20_000u64 {
        let mut rng = Rng(seed ^ 0xDEAD_BEEF);
        let pairs: Vec<(String, String)> = (0..=rng.below(3))
            .map(|_| {
                let key: String = if rng.chance(50) {
                    // Mostly well-formed q keys with odd contents.
                    let mut k = "q".to_owned();
                    for _ in 0..rng.below(4) {
                        k.push('[');
                        k.push_str(&text(&mut rng, KEY_PIECES, 2));
                        k.push(']');
                    }
                    k
                } else {
                    text(&mut rng, KEY_PIECES, 4)
                };
                (key, text(&mut rng, FUZZ_VALUES, 3))
            })
            .collect();
        match from_decoded(&pairs) {
            Ok(q) => {
                accepted += 1;
                assert_eq!(q.validate(), Ok(()), "{pairs:?} → {q:?}");
                assert_eq!(from_decoded(&q.to_pairs()).as_ref(), Ok(&q), "{pairs:?}");
                let compiled = q.compile();
                let page = compiled.evaluate(&records);
                assert!(page.count <= records.len());
            }
            Err(e) => {
                refused += 1;
                let param = e.parameter().to_owned();
                assert!(
                    pairs.iter().any(|(k, _)| *k == param),
                    "{e} names no parameter of {pairs:?}"
                );
            }
        }
    }
    // Both outcomes must be exercised for the test to mean anything.
    assert!(accepted > 1000 && refused > 1000, "{accepted} / {refused}");
}
