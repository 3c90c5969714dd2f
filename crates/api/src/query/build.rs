//! [`Query`] → the pairs the client sends. Why `validate` lives next to it: some values have no
//! faithful spelling (a comma inside an `in` item, a field named `or`, an empty `[]` list), and
//! the client should learn that before the request, not from records the server silently got
//! wrong. The contract, enforced by the round-trip test: when `validate()` is `Ok`,
//! `Query::from_pairs(q.to_pairs()) == q`.

use std::collections::HashSet;

use super::error::QueryError;
use super::model::{Condition, Filter, Query};
use super::parse::{check_path, check_sort_field};

impl Query {
    /// Decoded pairs in a stable order: AND filters, OR filters, then `select`, `sort`, `limit`,
    /// `offset`, `metadata`. Lists are comma-joined; descending sort keys get a `-`. Empty lists
    /// and unset numbers are left out.
    pub fn to_pairs(&self) -> Vec<(String, String)> {
        let mut pairs = Vec::new();
        for (or, filter) in self.all_filters() {
            push_filter(&mut pairs, or, filter);
        }
        if !self.select.is_empty() {
            pairs.push(("select".to_owned(), self.select.join(",")));
        }
        if !self.sort.is_empty() {
            let keys: Vec<String> = self
                .sort
                .iter()
                .map(|k| format!("{}{}", if k.descending { "-" } else { "" }, k.field))
                .collect();
            pairs.push(("sort".to_owned(), keys.join(",")));
        }
        if let Some(limit) = self.limit {
            pairs.push(("limit".to_owned(), limit.to_string()));
        }
        if let Some(offset) = self.offset {
            pairs.push(("offset".to_owned(), offset.to_string()));
        }
        if !self.metadata.is_empty() {
            let words: Vec<&str> = self.metadata.iter().map(|k| k.as_str()).collect();
            pairs.push(("metadata".to_owned(), words.join(",")));
        }
        pairs
    }

    /// [`Query::to_pairs`] encoded as `application/x-www-form-urlencoded` (what ends up after `?`).
    pub fn to_query_string(&self) -> String {
        url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(self.to_pairs())
            .finish()
    }

    /// Can this query be sent faithfully? `Ok` guarantees the round trip through
    /// [`Query::to_pairs`] and [`Query::from_pairs`]; the error names the parameter that would
    /// carry the offending value.
    pub fn validate(&self) -> Result<(), QueryError> {
        let mut lists = HashSet::new();
        for (or, filter) in self.all_filters() {
            validate_filter(or, filter)?;
            if matches!(filter.condition, Condition::AnyOf(_))
                && !lists.insert((or, filter.field.as_str()))
            {
                return Err(unrepresentable(
                    &condition_key(or, filter),
                    "two value lists for the same field would arrive as one; merge them",
                ));
            }
        }
        for item in &self.select {
            check_item("select", item)?;
            check_path(item, true).map_err(|reason| bad_field("select", item, reason))?;
        }
        for key in &self.sort {
            check_item("sort", &key.field)?;
            check_sort_field(&key.field).map_err(|reason| bad_field("sort", &key.field, reason))?;
        }
        Ok(())
    }

    fn all_filters(&self) -> impl Iterator<Item = (bool, &Filter)> {
        let and = self.filters.iter().map(|f| (false, f));
        and.chain(self.or_filters.iter().map(|f| (true, f)))
    }
}

/// `q[field]` or `q[or][field]`, to which `[]` or `[op]` is appended.
fn field_key(or: bool, field: &str) -> String {
    if or {
        format!("q[or][{field}]")
    } else {
        format!("q[{field}]")
    }
}

fn condition_key(or: bool, filter: &Filter) -> String {
    let base = field_key(or, &filter.field);
    match &filter.condition {
        Condition::Equals(_) => base,
        Condition::AnyOf(_) => base + "[]",
        Condition::Compare(op, _) => format!("{base}[{}]", op.as_str()),
        Condition::In(_) => base + "[in]",
        Condition::NotIn(_) => base + "[nin]",
    }
}

fn push_filter(pairs: &mut Vec<(String, String)>, or: bool, filter: &Filter) {
    let key = condition_key(or, filter);
    match &filter.condition {
        Condition::Equals(value) | Condition::Compare(_, value) => {
            pairs.push((key, value.clone()));
        }
        Condition::AnyOf(values) => {
            pairs.extend(values.iter().map(|v| (key.clone(), v.clone())));
        }
        Condition::In(items) | Condition::NotIn(items) => pairs.push((key, items.join(","))),
    }
}

fn validate_filter(or: bool, filter: &Filter) -> Result<(), QueryError> {
    let key = condition_key(or, filter);
    check_path(&filter.field, false).map_err(|reason| bad_field(&key, &filter.field, reason))?;
    if filter.field == "or" {
        return Err(unrepresentable(
            &key,
            "a field named 'or' cannot be expressed: q[or] starts the OR group",
        ));
    }
    match &filter.condition {
        Condition::AnyOf(values) if values.is_empty() => Err(unrepresentable(
            &key,
            "an empty list of values sends nothing",
        )),
        Condition::In(items) | Condition::NotIn(items) => {
            match items
                .iter()
                .find(|item| item.is_empty() || item.contains(',') || item.trim() != *item)
            {
                Some(item) => Err(unrepresentable(
                    &key,
                    format!(
                        "list item {item:?} cannot be sent: items are split on commas, trimmed, \
                         and empty items dropped"
                    ),
                )),
                None => Ok(()),
            }
        }
        _ => Ok(()),
    }
}

/// An item of a comma-joined list must survive split-trim-drop-empty unchanged.
fn check_item(param: &str, item: &str) -> Result<(), QueryError> {
    if item.contains(',') || item.trim() != item {
        return Err(unrepresentable(
            param,
            format!("field {item:?} cannot be sent: the list is split on commas and trimmed"),
        ));
    }
    Ok(())
}

fn unrepresentable(param: &str, reason: impl Into<String>) -> QueryError {
    QueryError::Unrepresentable {
        param: param.to_owned(),
        reason: reason.into(),
    }
}

fn bad_field(param: &str, field: &str, reason: &str) -> QueryError {
    QueryError::BadField {
        param: param.to_owned(),
        field: field.to_owned(),
        reason: reason.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::model::{MetadataKey, Op, SortKey};

    fn pairs(q: &Query) -> Vec<(String, String)> {
        q.to_pairs()
    }

    fn p(k: &str, v: &str) -> (String, String) {
        (k.to_owned(), v.to_owned())
    }

    #[test]
    fn builds_every_shape_in_order() {
        let q = Query {
            filters: vec![
                Filter::new("organization.name", Condition::Equals("Google".into())),
                Filter::new(
                    "name",
                    Condition::AnyOf(vec!["Alice".into(), "Charlie".into()]),
                ),
                Filter::new(
                    "updated_at",
                    Condition::Compare(Op::Ge, "2025-01-04".into()),
                ),
                Filter::new("s", Condition::In(vec!["a".into(), "b".into()])),
                Filter::new("t", Condition::NotIn(vec!["*".into()])),
            ],
            or_filters: vec![
                Filter::new("email", Condition::Equals("*gmail.com".into())),
                Filter::new("x", Condition::Compare(Op::Lt, "3".into())),
            ],
            select: vec!["id".into(), "relation_type.".into()],
            sort: vec![SortKey::asc("name"), SortKey::desc("updated_at")],
            limit: Some(10),
            offset: Some(0),
            metadata: vec![
                MetadataKey::Count,
                MetadataKey::Limit,
                MetadataKey::TotalCount,
                MetadataKey::Checksum,
            ],
        };
        assert_eq!(
            pairs(&q),
            vec![
                p("q[organization.name]", "Google"),
                p("q[name][]", "Alice"),
                p("q[name][]", "Charlie"),
                p("q[updated_at][ge]", "2025-01-04"),
                p("q[s][in]", "a,b"),
                p("q[t][nin]", "*"),
                p("q[or][email]", "*gmail.com"),
                p("q[or][x][lt]", "3"),
                p("select", "id,relation_type."),
                p("sort", "name,-updated_at"),
                p("limit", "10"),
                p("offset", "0"),
                p("metadata", "count,limit,total_count,checksum"),
            ]
        );
        assert!(q.validate().is_ok());
    }

    #[test]
    fn empty_query_sends_nothing() {
        assert!(Query::default().to_pairs().is_empty());
        assert_eq!(Query::default().to_query_string(), "");
    }

    #[test]
    fn query_string_is_form_encoded() {
        let q = Query {
            filters: vec![Filter::new(
                "my_organization_profile.organization.name",
                Condition::Equals("My Company & Co".into()),
            )],
            ..Query::default()
        };
        assert_eq!(
            q.to_query_string(),
            "q%5Bmy_organization_profile.organization.name%5D=My+Company+%26+Co"
        );
        assert_eq!(Query::from_query_string(&q.to_query_string()), Ok(q));
    }

    #[test]
    fn validate_rejects_what_cannot_be_sent_and_names_the_parameter() {
        let f = |field: &str, c: Condition| Query {
            filters: vec![Filter::new(field, c)],
            ..Query::default()
        };
        let cases: Vec<(Query, &str)> = vec![
            (f("", Condition::Equals("x".into())), "q[]"),
            (f("a..b", Condition::Equals("x".into())), "q[a..b]"),
            (f("a[b]", Condition::Equals("x".into())), "q[a[b]]"),
            (f("or", Condition::Equals("x".into())), "q[or]"),
            (f("tags", Condition::AnyOf(vec![])), "q[tags][]"),
            (f("s", Condition::In(vec!["a,b".into()])), "q[s][in]"),
            (f("s", Condition::NotIn(vec![" a".into()])), "q[s][nin]"),
            (f("s", Condition::In(vec![String::new()])), "q[s][in]"),
            (
                Query {
                    filters: vec![
                        Filter::new("n", Condition::AnyOf(vec!["a".into()])),
                        Filter::new("n", Condition::AnyOf(vec!["b".into()])),
                    ],
                    ..Query::default()
                },
                "q[n][]",
            ),
            (
                Query {
                    or_filters: vec![Filter::new("or", Condition::Equals("x".into()))],
                    ..Query::default()
                },
                "q[or][or]",
            ),
            (
                Query {
                    select: vec!["a,b".into()],
                    ..Query::default()
                },
                "select",
            ),
            (
                Query {
                    select: vec!["a..".into()],
                    ..Query::default()
                },
                "select",
            ),
            (
                Query {
                    sort: vec![SortKey::asc("-x")],
                    ..Query::default()
                },
                "sort",
            ),
            (
                Query {
                    sort: vec![SortKey::desc(" x")],
                    ..Query::default()
                },
                "sort",
            ),
            (
                Query {
                    sort: vec![SortKey::desc("")],
                    ..Query::default()
                },
                "sort",
            ),
        ];
        for (q, param) in cases {
            match q.validate() {
                Err(e) => {
                    assert_eq!(e.parameter(), param, "{q:?}");
                    assert!(e.to_string().starts_with(&format!("{param}: ")), "{e}");
                }
                Ok(()) => panic!("validate accepted {q:?}"),
            }
        }
    }

    #[test]
    fn same_list_field_in_both_groups_is_fine() {
        let q = Query {
            filters: vec![Filter::new("n", Condition::AnyOf(vec!["a".into()]))],
            or_filters: vec![Filter::new("n", Condition::AnyOf(vec!["b".into()]))],
            ..Query::default()
        };
        assert_eq!(q.validate(), Ok(()));
        assert_eq!(
            Query::from_pairs(q.to_pairs().iter().map(|(k, v)| (k.as_str(), v.as_str()))),
            Ok(q)
        );
    }
}
