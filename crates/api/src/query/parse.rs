//! Decoded query pairs → [`Query`], as the fake server receives them. Why strict about `q` keys
//! but lenient about everything else: an unknown parameter is ignored by the real API (so it must
//! be here), but a malformed filter silently ignored would return *more* records than the
//! caller asked for, which is worse than a 400 naming the key.

use std::collections::HashMap;

use super::error::QueryError;
use super::model::{Condition, Filter, MetadataKey, Op, Query, SortKey};

/// What follows the field in a `q` key.
enum Shape<'k> {
    /// `q[f]`
    Equals,
    /// `q[f][]`
    AnyOf,
    /// `q[f][word]`
    Operator(&'k str),
}

struct QKey<'k> {
    or: bool,
    field: &'k str,
    shape: Shape<'k>,
}

impl Query {
    /// Parse decoded query pairs, in request order. Unknown non-`q` parameters are ignored;
    /// malformed `q` keys, unknown operators, empty field names, a `limit`/`offset` that is not a
    /// non-negative integer and unknown `metadata` words are errors naming the parameter.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Query, QueryError> {
        let mut query = Query::default();
        let mut lists = ListIndex::new();
        for (key, value) in pairs {
            match key {
                "select" => query.select = parse_select(value)?,
                "sort" => query.sort = parse_sort(value)?,
                "limit" => query.limit = Some(parse_count("limit", value)?),
                "offset" => query.offset = Some(parse_count("offset", value)?),
                "metadata" => query.metadata = parse_metadata(value)?,
                _ if key == "q" || key.starts_with("q[") => {
                    add_filter(&mut query, &mut lists, key, value)?;
                }
                _ => {}
            }
        }
        Ok(query)
    }

    /// [`Query::from_pairs`] over an encoded query string (`a=1&q%5Bname%5D=x`), decoded as
    /// `application/x-www-form-urlencoded` (`+` is a space).
    pub fn from_query_string(query: &str) -> Result<Query, QueryError> {
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        Query::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    }
}

/// Where each (group, field)'s `[]` list sits, so that accumulating stays linear however many
/// pairs a request carries.
type ListIndex = HashMap<(bool, String), usize>;

fn add_filter(
    query: &mut Query,
    lists: &mut ListIndex,
    key: &str,
    value: &str,
) -> Result<(), QueryError> {
    let parsed = parse_q_key(key)?;
    let group = if parsed.or {
        &mut query.or_filters
    } else {
        &mut query.filters
    };
    let condition = match parsed.shape {
        Shape::Equals => Condition::Equals(value.to_owned()),
        Shape::AnyOf => {
            let slot = (parsed.or, parsed.field.to_owned());
            if let Some(Filter {
                condition: Condition::AnyOf(values),
                ..
            }) = lists.get(&slot).and_then(|&at| group.get_mut(at))
            {
                values.push(value.to_owned());
                return Ok(());
            }
            lists.insert(slot, group.len());
            Condition::AnyOf(vec![value.to_owned()])
        }
        Shape::Operator(word) => match word {
            "ge" => Condition::Compare(Op::Ge, value.to_owned()),
            "gt" => Condition::Compare(Op::Gt, value.to_owned()),
            "le" => Condition::Compare(Op::Le, value.to_owned()),
            "lt" => Condition::Compare(Op::Lt, value.to_owned()),
            "in" => Condition::In(split_list(value)),
            "nin" => Condition::NotIn(split_list(value)),
            other => {
                return Err(QueryError::UnknownOperator {
                    key: key.to_owned(),
                    op: other.to_owned(),
                })
            }
        },
    };
    group.push(Filter::new(parsed.field, condition));
    Ok(())
}

fn parse_q_key(key: &str) -> Result<QKey<'_>, QueryError> {
    let malformed = |reason: &str| QueryError::MalformedKey {
        key: key.to_owned(),
        reason: reason.to_owned(),
    };
    let rest = key.strip_prefix('q').unwrap_or(key);
    let segments = bracket_segments(rest).map_err(malformed)?;
    let (or, field, tail) = match segments.as_slice() {
        [] => return Err(malformed("expected q[field]")),
        ["or"] => return Err(malformed("expected q[or][field]")),
        ["or", field, tail @ ..] => (true, *field, tail),
        [field, tail @ ..] => (false, *field, tail),
    };
    if or && field == "or" {
        return Err(malformed("nested or-groups are not supported"));
    }
    check_path(field, false).map_err(|reason| QueryError::BadField {
        param: key.to_owned(),
        field: field.to_owned(),
        reason: reason.to_owned(),
    })?;
    let shape = match tail {
        [] => Shape::Equals,
        [""] => Shape::AnyOf,
        [word] => Shape::Operator(word),
        _ => {
            return Err(malformed(
                "too many brackets (expected q[field], q[field][] or q[field][operator])",
            ))
        }
    };
    Ok(QKey { or, field, shape })
}

/// `[a][b][]` → `["a", "b", ""]`. Brackets are ASCII, so every slice index is a char boundary.
fn bracket_segments(mut rest: &str) -> Result<Vec<&str>, &'static str> {
    let mut segments = Vec::new();
    while !rest.is_empty() {
        let inner = rest
            .strip_prefix('[')
            .ok_or("unexpected text outside brackets")?;
        let close = inner.find(']').ok_or("missing ']'")?;
        let (segment, after) = inner.split_at(close);
        if segment.contains('[') {
            return Err("'[' inside brackets");
        }
        segments.push(segment);
        rest = &after[1..];
    }
    Ok(segments)
}

/// Deep enough for any Simplicate record; the bound keeps a hostile `a.a.a…` from recursing
/// without limit.
pub(super) const MAX_PATH_PARTS: usize = 32;

/// The one rule for field paths, shared with `validate` so that whatever the client may send,
/// the server accepts. `trailing_dot_ok` is for `select` (`relation_type.` = all children).
pub(super) fn check_path(path: &str, trailing_dot_ok: bool) -> Result<(), &'static str> {
    if path.is_empty() {
        return Err("empty field name");
    }
    if path.split('.').count() > MAX_PATH_PARTS + usize::from(trailing_dot_ok) {
        return Err("more than 32 parts (records do not nest that deep)");
    }
    if path.contains(['[', ']']) {
        return Err("brackets are not allowed in field names");
    }
    let body = if trailing_dot_ok {
        path.strip_suffix('.').unwrap_or(path)
    } else {
        path
    };
    if body.is_empty() || body.split('.').any(str::is_empty) {
        return Err("empty part between dots");
    }
    Ok(())
}

/// A sort field (after its `-`): a path that does not itself look descending or padded, so that
/// what `validate` accepts is exactly what `parse` produces.
pub(super) fn check_sort_field(field: &str) -> Result<(), &'static str> {
    check_path(field, false)?;
    if field.starts_with('-') {
        return Err("only one '-' (descending) may precede a field");
    }
    if field.trim() != field {
        return Err("spaces around a field name");
    }
    Ok(())
}

/// Items of an `in`/`nin` list or a `select`/`sort`/`metadata` list: split on commas, trimmed,
/// empty items dropped (a trailing comma is a slip, not a request for empty strings).
pub(super) fn split_list(value: &str) -> Vec<String> {
    list_items(value).map(str::to_owned).collect()
}

fn list_items(value: &str) -> impl Iterator<Item = &str> {
    value
        .split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
}

fn parse_select(value: &str) -> Result<Vec<String>, QueryError> {
    list_items(value)
        .map(|item| {
            check_path(item, true)
                .map(|()| item.to_owned())
                .map_err(|reason| bad_field("select", item, reason))
        })
        .collect()
}

fn parse_sort(value: &str) -> Result<Vec<SortKey>, QueryError> {
    list_items(value)
        .map(|item| {
            let (field, descending) = match item.strip_prefix('-') {
                Some(field) => (field, true),
                None => (item, false),
            };
            check_sort_field(field).map_err(|reason| bad_field("sort", item, reason))?;
            Ok(SortKey {
                field: field.to_owned(),
                descending,
            })
        })
        .collect()
}

fn bad_field(param: &str, field: &str, reason: &str) -> QueryError {
    QueryError::BadField {
        param: param.to_owned(),
        field: field.to_owned(),
        reason: reason.to_owned(),
    }
}

/// Decimal digits only; huge values saturate (an offset past the end is an empty page, a huge
/// limit is capped anyway).
fn parse_count(param: &str, value: &str) -> Result<usize, QueryError> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(QueryError::NotANumber {
            param: param.to_owned(),
            value: value.to_owned(),
        });
    }
    Ok(value.parse::<usize>().unwrap_or(usize::MAX))
}

fn parse_metadata(value: &str) -> Result<Vec<MetadataKey>, QueryError> {
    list_items(value)
        .map(|word| {
            MetadataKey::parse(word).ok_or_else(|| QueryError::UnknownMetadata {
                word: word.to_owned(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(pairs: &[(&str, &str)]) -> Result<Query, QueryError> {
        Query::from_pairs(pairs.iter().copied())
    }

    fn err(pairs: &[(&str, &str)]) -> QueryError {
        match parse(pairs) {
            Err(e) => e,
            Ok(q) => panic!("expected an error for {pairs:?}, got {q:?}"),
        }
    }

    #[test]
    fn every_key_shape() {
        let q = parse(&[
            ("q[name]", "Alice"),
            ("q[organization.name]", "Google"),
            ("q[tag][]", "a"),
            ("q[updated_at][ge]", "2025-01-04"),
            ("q[updated_at][gt]", "1"),
            ("q[updated_at][le]", "2"),
            ("q[updated_at][lt]", "3"),
            ("q[status][in]", "a, b ,,c"),
            ("q[status][nin]", "*"),
            ("q[or][email]", "*gmail.com"),
            ("q[or][x][]", "1"),
            ("q[or][y][lt]", "5"),
        ])
        .unwrap();
        assert_eq!(
            q.filters,
            vec![
                Filter::new("name", Condition::Equals("Alice".into())),
                Filter::new("organization.name", Condition::Equals("Google".into())),
                Filter::new("tag", Condition::AnyOf(vec!["a".into()])),
                Filter::new(
                    "updated_at",
                    Condition::Compare(Op::Ge, "2025-01-04".into())
                ),
                Filter::new("updated_at", Condition::Compare(Op::Gt, "1".into())),
                Filter::new("updated_at", Condition::Compare(Op::Le, "2".into())),
                Filter::new("updated_at", Condition::Compare(Op::Lt, "3".into())),
                Filter::new(
                    "status",
                    Condition::In(vec!["a".into(), "b".into(), "c".into()])
                ),
                Filter::new("status", Condition::NotIn(vec!["*".into()])),
            ]
        );
        assert_eq!(
            q.or_filters,
            vec![
                Filter::new("email", Condition::Equals("*gmail.com".into())),
                Filter::new("x", Condition::AnyOf(vec!["1".into()])),
                Filter::new("y", Condition::Compare(Op::Lt, "5".into())),
            ]
        );
    }

    #[test]
    fn any_of_accumulates_per_group_and_field_at_first_position() {
        let q = parse(&[
            ("q[name][]", "Alice"),
            ("q[email]", "x"),
            ("q[name][]", "Charlie"),
            ("q[or][name][]", "Dave"),
            ("q[name]", "Bob"),
        ])
        .unwrap();
        assert_eq!(
            q.filters,
            vec![
                Filter::new(
                    "name",
                    Condition::AnyOf(vec!["Alice".into(), "Charlie".into()])
                ),
                Filter::new("email", Condition::Equals("x".into())),
                Filter::new("name", Condition::Equals("Bob".into())),
            ]
        );
        assert_eq!(
            q.or_filters,
            vec![Filter::new("name", Condition::AnyOf(vec!["Dave".into()]))]
        );
    }

    #[test]
    fn repeated_equals_are_separate_filters() {
        let q = parse(&[("q[name]", "A*"), ("q[name]", "*e")]).unwrap();
        assert_eq!(q.filters.len(), 2);
    }

    #[test]
    fn lists_and_pages() {
        let q = parse(&[
            (
                "select",
                "id, relation_type.,,debtor.payment_term.,project_manager.employee_id",
            ),
            ("sort", "name,-updated_at, -organization.name,"),
            ("limit", "10"),
            ("offset", "11"),
            ("metadata", "limit,count,offset"),
            ("unknown", "ignored"),
            ("qq", "ignored too"),
        ])
        .unwrap();
        assert_eq!(
            q.select,
            [
                "id",
                "relation_type.",
                "debtor.payment_term.",
                "project_manager.employee_id"
            ]
        );
        assert_eq!(
            q.sort,
            vec![
                SortKey::asc("name"),
                SortKey::desc("updated_at"),
                SortKey::desc("organization.name")
            ]
        );
        assert_eq!((q.limit, q.offset), (Some(10), Some(11)));
        assert_eq!(
            q.metadata,
            [MetadataKey::Limit, MetadataKey::Count, MetadataKey::Offset]
        );
        assert!(q.filters.is_empty() && q.or_filters.is_empty());
    }

    #[test]
    fn every_metadata_word_of_the_spec_is_accepted() {
        let q = parse(&[(
            "metadata",
            "checksum,nocleanup,upper_limit,limit,offset,total_count,count",
        )])
        .unwrap();
        let mut expected = MetadataKey::ALL;
        expected.reverse();
        assert_eq!(q.metadata, expected);
        assert!(MetadataKey::ALL.into_iter().all(|k| q.wants(k)));
    }

    #[test]
    fn last_value_wins_for_plain_parameters() {
        let q = parse(&[
            ("limit", "5"),
            ("limit", "7"),
            ("select", "a"),
            ("select", "b"),
            ("sort", "a"),
            ("sort", "-b"),
            ("metadata", "count"),
            ("metadata", ""),
        ])
        .unwrap();
        assert_eq!(q.limit, Some(7));
        assert_eq!(q.select, ["b"]);
        assert_eq!(q.sort, vec![SortKey::desc("b")]);
        assert!(q.metadata.is_empty());
    }

    #[test]
    fn keys_that_merely_start_with_q_are_other_parameters() {
        let q = parse(&[("qname]", "x"), ("q]", "y"), ("Q[name]", "z")]).unwrap();
        assert_eq!(q, Query::default());
    }

    #[test]
    fn paths_are_at_most_32_parts() {
        let ok = vec!["a"; 32].join(".");
        let deep = vec!["a"; 33].join(".");
        assert!(parse(&[(&format!("q[{ok}]"), "v")]).is_ok());
        assert!(parse(&[("select", &format!("{ok}."))]).is_ok());
        let e = err(&[(&format!("q[{deep}]"), "v")]);
        assert!(e.to_string().contains("more than 32 parts"), "{e}");
        assert_eq!(
            err(&[("select", &format!("{deep}."))]).parameter(),
            "select"
        );
        assert_eq!(err(&[("sort", &format!("-{deep}"))]).parameter(), "sort");
        let hostile = vec!["a"; 100_000].join(".");
        assert!(parse(&[("select", &hostile)]).is_err());
    }

    #[test]
    fn huge_numbers_saturate() {
        let q = parse(&[("offset", "99999999999999999999999999")]).unwrap();
        assert_eq!(q.offset, Some(usize::MAX));
    }

    #[test]
    fn empty_in_list_is_empty() {
        let q = parse(&[("q[a][in]", ""), ("q[b][nin]", " , ")]).unwrap();
        assert_eq!(q.filters[0].condition, Condition::In(vec![]));
        assert_eq!(q.filters[1].condition, Condition::NotIn(vec![]));
    }

    #[test]
    fn bad_keys_name_the_key() {
        for (key, needle) in [
            ("q", "expected q[field]"),
            ("q[]", "empty field name"),
            ("q[][]", "empty field name"),
            ("q[or]", "expected q[or][field]"),
            ("q[or][]", "empty field name"),
            ("q[a][b][c]", "too many brackets"),
            ("q[or][a][b][c]", "too many brackets"),
            ("q[or][or][x]", "nested or-groups"),
            ("q[or][or]", "nested or-groups"),
            ("q[name", "missing ']'"),
            ("q[na[me]", "'[' inside brackets"),
            ("q[name]x", "unexpected text outside brackets"),
            ("q[name]]", "unexpected text outside brackets"),
            ("q[a..b]", "empty part between dots"),
            ("q[.a]", "empty part between dots"),
            ("q[a.]", "empty part between dots"),
        ] {
            let e = err(&[(key, "v")]);
            let message = e.to_string();
            assert!(
                message.starts_with(&format!("{key}: ")),
                "{key}: message {message:?} does not name the key"
            );
            assert!(
                message.contains(needle),
                "{key}: {message:?} lacks {needle:?}"
            );
            assert_eq!(e.parameter(), key);
        }
    }

    #[test]
    fn unknown_operator_message() {
        let e = err(&[("q[created_at][foo]", "1")]);
        assert_eq!(
            e.to_string(),
            "q[created_at][foo]: unknown operator 'foo' (expected ge, gt, le, lt, in, nin)"
        );
        // Operators are lowercase words, as the API documents them.
        let e = err(&[("q[or][created_at][GE]", "1")]);
        assert_eq!(e.parameter(), "q[or][created_at][GE]");
    }

    #[test]
    fn bad_plain_parameters_name_the_parameter() {
        for (key, value, message) in [
            (
                "limit",
                "-1",
                "limit: expected a non-negative integer, got '-1'",
            ),
            (
                "limit",
                "",
                "limit: expected a non-negative integer, got ''",
            ),
            (
                "offset",
                "1.5",
                "offset: expected a non-negative integer, got '1.5'",
            ),
            (
                "offset",
                " 3",
                "offset: expected a non-negative integer, got ' 3'",
            ),
            (
                "metadata",
                "count,total",
                "metadata: unknown value 'total' (expected count, total_count, offset, limit, \
                 upper_limit, nocleanup, checksum)",
            ),
            (
                "metadata",
                "Count",
                "metadata: unknown value 'Count' (expected count, total_count, offset, limit, \
                 upper_limit, nocleanup, checksum)",
            ),
            (
                "select",
                "id,a..b",
                "select: invalid field 'a..b': empty part between dots",
            ),
            (
                "select",
                ".",
                "select: invalid field '.': empty part between dots",
            ),
            (
                "sort",
                "name,-",
                "sort: invalid field '-': empty field name",
            ),
            (
                "sort",
                "--name",
                "sort: invalid field '--name': only one '-' (descending) may precede a field",
            ),
            (
                "sort",
                "- name",
                "sort: invalid field '- name': spaces around a field name",
            ),
            (
                "sort",
                "a.",
                "sort: invalid field 'a.': empty part between dots",
            ),
            (
                "select",
                "a[b]",
                "select: invalid field 'a[b]': brackets are not allowed in field names",
            ),
        ] {
            let e = err(&[(key, value)]);
            assert_eq!(e.to_string(), message);
            assert_eq!(e.parameter(), key);
        }
    }

    #[test]
    fn bracket_segments_never_panic_on_odd_input() {
        for key in ["q[", "q[[]]", "q[é", "q[é]ü", "q[]]", "q[a][", "q[a]["] {
            assert!(parse(&[(key, "v")]).is_err(), "{key}");
        }
    }
}
