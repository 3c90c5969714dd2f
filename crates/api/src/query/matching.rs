//! How one value is compared with one filter value: case folding, `*` wildcards, `null` and `*`,
//! numbers hidden in strings, date-times with or without a time. Why separate from paths and
//! evaluation: these rules are the part most likely to be argued about, so they sit in one place
//! with their own tests, and patterns are compiled once per query (folded, split on `*`,
//! numbers and dates pre-parsed) so evaluating many records does no parsing.

use std::borrow::Cow;
use std::cmp::Ordering;

use serde_json::Value;

use super::model::Op;

/// Case folding per character (not `str::to_lowercase`, whose final-sigma rule depends on the
/// neighbours and would fold a pattern piece differently from the same text inside a value);
/// final sigma folds to sigma, as Unicode case folding does. Borrows when there is nothing to
/// fold, which is the common case.
pub(super) fn fold(s: &str) -> Cow<'_, str> {
    if s.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
        Cow::Borrowed(s)
    } else if s.is_ascii() {
        Cow::Owned(s.to_ascii_lowercase())
    } else {
        Cow::Owned(
            s.chars()
                .flat_map(char::to_lowercase)
                .map(|c| if c == 'ς' { 'σ' } else { c })
                .collect(),
        )
    }
}

/// A scalar as text, the way MySQL would hold it: booleans as `1`/`0`, numbers as their JSON
/// text. Null, objects and arrays have no text.
pub(super) fn leaf_text(value: &Value) -> Option<Cow<'_, str>> {
    match value {
        Value::String(s) => Some(Cow::Borrowed(s)),
        Value::Number(n) => Some(Cow::Owned(n.to_string())),
        Value::Bool(b) => Some(Cow::Borrowed(if *b { "1" } else { "0" })),
        Value::Null | Value::Object(_) | Value::Array(_) => None,
    }
}

/// A scalar as a number: JSON numbers, booleans (1/0), and strings that are plain decimal
/// numbers. Words `f64::from_str` would also take ("inf", "NaN") are not numbers here.
pub(super) fn leaf_number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64().filter(|f| f.is_finite()),
        Value::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        Value::String(s) => parse_number(s),
        Value::Null | Value::Object(_) | Value::Array(_) => None,
    }
}

/// `[+-]digits[.digits][e[+-]digits]` (either side of the point may be empty, not both).
pub(super) fn parse_number(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let digits_from = |mut i: usize| {
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        i
    };
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let int_end = digits_from(i);
    let mut mantissa_digits = int_end - i;
    i = int_end;
    if b.get(i) == Some(&b'.') {
        let frac_end = digits_from(i + 1);
        mantissa_digits += frac_end - (i + 1);
        i = frac_end;
    }
    if mantissa_digits == 0 {
        return None;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let exp_end = digits_from(i);
        if exp_end == i {
            return None;
        }
        i = exp_end;
    }
    if i != b.len() {
        return None;
    }
    s.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// `YYYY-MM-DD`, `YYYY-MM-DD HH:MM` or `YYYY-MM-DD HH:MM:SS` (a `T` may replace the space) as
/// `YYYY-MM-DD HH:MM:SS`, missing parts `00`: normalised this way, text order is time order.
pub(super) fn datetime_key(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let shape_ok = |shape: &[u8]| {
        b.len() == shape.len()
            && b.iter().zip(shape).all(|(c, want)| match want {
                b'd' => c.is_ascii_digit(),
                b'T' => *c == b' ' || *c == b'T',
                other => c == other,
            })
    };
    // Every byte checked below is ASCII, so the slices fall on char boundaries.
    let (date, time) = if shape_ok(b"dddd-dd-dd") {
        (s, "00:00:00".to_owned())
    } else if shape_ok(b"dddd-dd-ddTdd:dd") {
        (s.get(..10)?, format!("{}:00", s.get(11..)?))
    } else if shape_ok(b"dddd-dd-ddTdd:dd:dd") {
        (s.get(..10)?, s.get(11..)?.to_owned())
    } else {
        return None;
    };
    Some(format!("{date} {time}"))
}

/// One `q[f]=value` (or list item), compiled.
#[derive(Debug, Clone)]
pub(super) enum Pattern {
    /// `null`
    IsNull,
    /// `*`
    NotNull,
    /// No `*`: whole-value equality (numeric against JSON numbers).
    Exact {
        folded: String,
        number: Option<f64>,
    },
    Wildcard(Wildcard),
}

/// A pattern with at least one `*`, as its literal pieces: `first*middle…*last`.
#[derive(Debug, Clone)]
pub(super) struct Wildcard {
    first: String,
    /// Non-empty pieces between stars (`**` leaves nothing to find).
    middle: Vec<String>,
    last: String,
}

impl Pattern {
    pub(super) fn new(raw: &str) -> Pattern {
        match raw {
            "null" => Pattern::IsNull,
            "*" => Pattern::NotNull,
            _ if !raw.contains('*') => Pattern::Exact {
                folded: fold(raw).into_owned(),
                number: parse_number(raw),
            },
            _ => {
                let mut pieces: Vec<String> =
                    raw.split('*').map(|p| fold(p).into_owned()).collect();
                // `split` on a string holding '*' yields at least two pieces.
                let last = pieces.pop().unwrap_or_default();
                let mut rest = pieces.into_iter();
                let first = rest.next().unwrap_or_default();
                Pattern::Wildcard(Wildcard {
                    first,
                    middle: rest.filter(|p| !p.is_empty()).collect(),
                    last,
                })
            }
        }
    }

    /// Does this leaf (`None` = missing) match?
    pub(super) fn matches(&self, leaf: Option<&Value>) -> bool {
        let leaf = leaf.filter(|v| !v.is_null());
        match (self, leaf) {
            (Pattern::IsNull, leaf) => leaf.is_none(),
            (Pattern::NotNull, leaf) => leaf.is_some(),
            (_, None) => false,
            (Pattern::Exact { folded, number }, Some(value)) => {
                if let (Value::Number(n), Some(want)) = (value, number) {
                    if n.as_f64() == Some(*want) {
                        return true;
                    }
                }
                leaf_text(value).is_some_and(|text| fold(&text) == folded.as_str())
            }
            (Pattern::Wildcard(w), Some(value)) => {
                leaf_text(value).is_some_and(|text| w.matches(&fold(&text)))
            }
        }
    }
}

impl Wildcard {
    /// Greedy over literal pieces: with `*` as the only wildcard, taking each middle piece at its
    /// leftmost place never loses a match, so this is a few linear substring searches, never
    /// backtracking (`*a*a*a*b` against a long run of `a`s stays fast).
    fn matches(&self, text: &str) -> bool {
        let Some(rest) = text.strip_prefix(self.first.as_str()) else {
            return false;
        };
        // Stripping the suffix from what is left keeps `first` and `last` from overlapping.
        let Some(mut rest) = rest.strip_suffix(self.last.as_str()) else {
            return false;
        };
        for piece in &self.middle {
            let Some(at) = rest.find(piece.as_str()) else {
                return false;
            };
            match rest.get(at + piece.len()..) {
                Some(after) => rest = after,
                None => return false,
            }
        }
        true
    }
}

/// The right-hand side of `q[f][ge|gt|le|lt]`, compiled.
#[derive(Debug, Clone)]
pub(super) struct Operand {
    number: Option<f64>,
    datetime: Option<String>,
    folded: String,
}

impl Operand {
    pub(super) fn new(raw: &str) -> Operand {
        Operand {
            number: parse_number(raw),
            datetime: datetime_key(raw),
            folded: fold(raw).into_owned(),
        }
    }

    /// Does `leaf <op> operand` hold? Null, missing, objects and arrays never do.
    pub(super) fn holds(&self, op: Op, leaf: Option<&Value>) -> bool {
        let Some(ordering) = leaf.and_then(|v| self.order_of(v)) else {
            return false;
        };
        match op {
            Op::Ge => ordering != Ordering::Less,
            Op::Gt => ordering == Ordering::Greater,
            Op::Le => ordering != Ordering::Greater,
            Op::Lt => ordering == Ordering::Less,
        }
    }

    /// How the leaf orders against the operand: numbers, then date-times, then folded text.
    fn order_of(&self, leaf: &Value) -> Option<Ordering> {
        let text = leaf_text(leaf)?;
        if let (Some(a), Some(b)) = (leaf_number(leaf), self.number) {
            return a.partial_cmp(&b);
        }
        if let Some(operand) = &self.datetime {
            if let Some(value) = datetime_key(&text) {
                return Some(value.as_str().cmp(operand.as_str()));
            }
        }
        Some(fold(&text).as_ref().cmp(self.folded.as_str()))
    }
}

/// A sort key value. The operators' ordering, made total by ranking kinds (a comparator that
/// is not a total order can make the standard sort panic): null < "" < numbers < date-times <
/// text. Objects and arrays have no value to order by and rank as null.
#[derive(Debug, Clone)]
pub(super) enum SortValue {
    Null,
    Empty,
    Number(f64),
    DateTime(String),
    Text(String),
}

impl SortValue {
    pub(super) fn of(leaf: Option<&Value>) -> SortValue {
        let Some(value) = leaf else {
            return SortValue::Null;
        };
        let Some(text) = leaf_text(value) else {
            return SortValue::Null;
        };
        if text.is_empty() {
            SortValue::Empty
        } else if let Some(n) = leaf_number(value) {
            SortValue::Number(n)
        } else if let Some(key) = datetime_key(&text) {
            SortValue::DateTime(key)
        } else {
            SortValue::Text(fold(&text).into_owned())
        }
    }

    fn rank(&self) -> u8 {
        match self {
            SortValue::Null => 0,
            SortValue::Empty => 1,
            SortValue::Number(_) => 2,
            SortValue::DateTime(_) => 3,
            SortValue::Text(_) => 4,
        }
    }
}

impl Ord for SortValue {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (SortValue::Number(a), SortValue::Number(b)) => a.total_cmp(b),
            (SortValue::DateTime(a), SortValue::DateTime(b))
            | (SortValue::Text(a), SortValue::Text(b)) => a.cmp(b),
            _ => self.rank().cmp(&other.rank()),
        }
    }
}

impl PartialOrd for SortValue {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for SortValue {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for SortValue {}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::time::{Duration, Instant};

    fn m(pattern: &str, value: Value) -> bool {
        Pattern::new(pattern).matches(Some(&value))
    }

    #[test]
    fn exact_is_whole_value_and_case_insensitive() {
        assert!(m("Alice", json!("alice")));
        assert!(m("ALICE", json!("Alice")));
        assert!(!m("Alice", json!("Alice Cooper")));
        assert!(!m("Alice", json!("Alic")));
        assert!(m("ÉCOLE", json!("école")));
        assert!(
            m("*Σ", json!("ΑΣ")),
            "per-character folding, no context rule"
        );
        assert!(m("ΣΑΣ", json!("σας")), "final sigma folds to sigma");
        assert!(m("", json!("")));
        assert!(!m("", json!("x")));
    }

    #[test]
    fn wildcards() {
        assert!(m("*Bob*", json!("Big bob builder")));
        assert!(m("*Bob*", json!("Bob")));
        assert!(!m("*Bob*", json!("Bo b")));
        assert!(m("Don*", json!("Donald")));
        assert!(m("Don*", json!("Don")));
        assert!(!m("Don*", json!("Adon")));
        assert!(m("*gmail.com", json!("a@GMAIL.com")));
        assert!(!m("*gmail.com", json!("a@gmail.com.evil")));
        assert!(m("a*b*c", json!("abc")));
        assert!(m("a*b*c", json!("aXbYbZc")));
        assert!(!m("a*b*c", json!("acb")));
        assert!(!m("a*a", json!("a")), "prefix and suffix must not overlap");
        assert!(m("a*a", json!("aa")));
        assert!(m("**", json!("")));
        assert!(m("a**b", json!("ab")));
        assert!(m("*ü*", json!("Grüße")));
        assert!(m("*%*", json!("100%")));
        assert!(
            !m("1_0", json!("100")),
            "'_' is literal, not a LIKE wildcard"
        );
    }

    #[test]
    fn wildcard_is_not_exponential() {
        let text = "a".repeat(200_000);
        let pattern = "*a*a*a*a*a*a*a*a*a*a*a*a*b";
        let started = Instant::now();
        assert!(!m(pattern, json!(text)));
        let mut good = text.clone();
        good.push('b');
        assert!(m(pattern, json!(good)));
        // Backtracking would take astronomically long here; the bound is generous on purpose.
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn null_and_not_null() {
        assert!(Pattern::new("null").matches(None));
        assert!(m("null", Value::Null));
        assert!(!m("null", json!("")));
        assert!(!m("null", json!("null ")));
        assert!(!Pattern::new("*").matches(None));
        assert!(!m("*", Value::Null));
        assert!(m("*", json!("")));
        assert!(m("*", json!({"id": 1})));
        assert!(m("*", json!(false)));
        for p in ["x", "*x*", "", "**"] {
            assert!(!Pattern::new(p).matches(None), "{p}");
            assert!(!m(p, Value::Null), "{p}");
        }
        assert!(!m("x", json!({"x": "x"})), "objects equal nothing");
    }

    #[test]
    fn scalars_as_mysql_holds_them() {
        assert!(m("1", json!(true)));
        assert!(m("0", json!(false)));
        assert!(!m("true", json!(true)));
        assert!(m("14", json!(14)));
        assert!(m("14", json!(14.0)));
        assert!(m("14.0", json!(14)));
        assert!(m("1*", json!(14)));
        assert!(m("12.5", json!(12.5)));
        assert!(
            !m("42", json!("0042")),
            "number-like strings compare as text"
        );
        assert!(m("0042", json!("0042")));
    }

    #[test]
    fn numbers() {
        for (s, want) in [
            ("12.50", Some(12.5)),
            ("-3", Some(-3.0)),
            ("+3", Some(3.0)),
            (".5", Some(0.5)),
            ("5.", Some(5.0)),
            ("1e3", Some(1000.0)),
            ("1E-1", Some(0.1)),
        ] {
            assert_eq!(parse_number(s), want, "{s}");
        }
        for s in [
            "",
            "-",
            ".",
            "e5",
            "1e",
            "1e+",
            "inf",
            "NaN",
            "infinity",
            "1,5",
            " 1",
            "1 ",
            "0x10",
            "2025-01-04",
            "1e999",
            "--1",
        ] {
            assert_eq!(parse_number(s), None, "{s}");
        }
    }

    #[test]
    fn datetimes() {
        assert_eq!(
            datetime_key("2025-01-04").as_deref(),
            Some("2025-01-04 00:00:00")
        );
        assert_eq!(
            datetime_key("2025-01-04 10:11").as_deref(),
            Some("2025-01-04 10:11:00")
        );
        assert_eq!(
            datetime_key("2025-01-04T10:11:12").as_deref(),
            Some("2025-01-04 10:11:12")
        );
        for s in [
            "2025-1-04",
            "2025-01-04 ",
            "2025-01-04 10",
            "2025-01-04x10:11",
            "2025-01-04 10:11:12.5",
            "２０２５-01-04",
            "",
        ] {
            assert_eq!(datetime_key(s), None, "{s}");
        }
    }

    fn cmp(op: Op, operand: &str, value: Value) -> bool {
        Operand::new(operand).holds(op, Some(&value))
    }

    #[test]
    fn comparisons_numeric_when_both_numeric() {
        assert!(cmp(Op::Lt, "10", json!("9.5")), "'9.5' < '10' numerically");
        assert!(cmp(Op::Gt, "9.5", json!("10")));
        assert!(cmp(Op::Ge, "12.5", json!("12.50")));
        assert!(cmp(Op::Le, "12.5", json!(12.5)));
        assert!(!cmp(Op::Lt, "12.5", json!(12.5)));
        assert!(cmp(Op::Ge, "1", json!(true)));
        assert!(cmp(Op::Lt, "1", json!(false)));
    }

    #[test]
    fn comparisons_date_only_operand_means_midnight() {
        let v = json!("2025-01-04 10:00:00");
        assert!(!cmp(Op::Le, "2025-01-04", v.clone()));
        assert!(cmp(Op::Ge, "2025-01-04", v.clone()));
        assert!(cmp(Op::Gt, "2025-01-04", v.clone()));
        assert!(cmp(Op::Le, "2025-01-04 23:59:59", v.clone()));
        assert!(cmp(Op::Ge, "2025-01-04 10:00:00", v.clone()));
        assert!(!cmp(Op::Gt, "2025-01-04 10:00:00", v.clone()));
        assert!(cmp(Op::Le, "2025-01-04T10:00", v));
        // A date-only value is midnight too.
        assert!(cmp(Op::Lt, "2025-01-04 00:00:01", json!("2025-01-04")));
        assert!(cmp(Op::Ge, "2025-01-04 00:00:00", json!("2025-01-04")));
    }

    #[test]
    fn comparisons_fall_back_to_folded_text() {
        assert!(cmp(Op::Lt, "b", json!("Apple")));
        assert!(cmp(Op::Ge, "APPLE", json!("apple")));
        assert!(
            cmp(Op::Lt, "2025-01-04", json!("")),
            "empty text sorts first"
        );
        assert!(cmp(Op::Gt, "2024", json!("2025-01-04")));
    }

    #[test]
    fn comparisons_never_hold_for_null_or_objects() {
        for op in [Op::Ge, Op::Gt, Op::Le, Op::Lt] {
            assert!(!Operand::new("0").holds(op, None));
            assert!(!Operand::new("null").holds(op, Some(&Value::Null)));
            assert!(!Operand::new("a").holds(op, Some(&json!({"a": 1}))));
        }
    }

    #[test]
    fn sort_values_are_totally_ordered() {
        let values = [
            json!(null),
            json!(""),
            json!("10"),
            json!("9"),
            json!("1a"),
            json!(9.5),
            json!(true),
            json!("2025-01-04"),
            json!("2024-12-31 23:59:59"),
            json!("abc"),
            json!("ABD"),
            json!({"x": 1}),
        ];
        let keys: Vec<SortValue> = values.iter().map(|v| SortValue::of(Some(v))).collect();
        // Transitivity and antisymmetry over every triple.
        for a in &keys {
            for b in &keys {
                assert_eq!(a.cmp(b), b.cmp(a).reverse());
                for c in &keys {
                    if a <= b && b <= c {
                        assert!(a <= c, "{a:?} {b:?} {c:?}");
                    }
                }
            }
        }
        let mut sorted = keys.clone();
        sorted.sort();
        assert!(matches!(sorted[0], SortValue::Null));
        assert!(matches!(sorted[2], SortValue::Empty));
        assert!(sorted.windows(2).all(|w| w[0] <= w[1]));
        assert!(SortValue::of(Some(&json!("9"))) < SortValue::of(Some(&json!("10"))));
        assert!(SortValue::of(Some(&json!("abc"))) < SortValue::of(Some(&json!("ABD"))));
        assert!(SortValue::of(None) < SortValue::of(Some(&json!(""))));
    }
}
