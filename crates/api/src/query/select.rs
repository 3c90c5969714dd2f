//! `select=`: reducing a record to the fields asked for. Why a tree: `project_manager.name` and
//! `project_manager.employee_id` must merge into one `project_manager` object, and a whole-field
//! selection (`relation_type.`, or a plain `relation_type`) must absorb any narrower one.

use std::borrow::Cow;
use std::collections::HashMap;

use serde_json::{Map, Value};

use super::matching::fold;

/// Selected fields at one level of the record.
#[derive(Debug, Clone, Default)]
pub(super) struct SelectTree {
    fields: HashMap<String, Node>,
}

#[derive(Debug, Clone)]
enum Node {
    /// Keep the value as it is.
    Whole,
    /// Keep only these children.
    Children(SelectTree),
}

impl SelectTree {
    /// `None` when nothing is selected (the record passes unchanged). `id` is always kept.
    pub(super) fn new(select: &[String]) -> Option<SelectTree> {
        if select.is_empty() {
            return None;
        }
        let mut tree = SelectTree::default();
        tree.insert(&["id"]);
        for path in select {
            let path = path.strip_suffix('.').unwrap_or(path);
            let parts: Vec<&str> = path.split('.').collect();
            tree.insert(&parts);
        }
        Some(tree)
    }

    fn insert(&mut self, parts: &[&str]) {
        let Some((first, rest)) = parts.split_first() else {
            return;
        };
        if rest.is_empty() {
            self.fields.insert((*first).to_owned(), Node::Whole);
            return;
        }
        let node = self
            .fields
            .entry((*first).to_owned())
            .or_insert_with(|| Node::Children(SelectTree::default()));
        if let Node::Children(children) = node {
            children.insert(rest);
        }
    }

    /// Non-objects pass unchanged: there is nothing to select from.
    pub(super) fn project<'r>(&self, record: &'r Value) -> Cow<'r, Value> {
        match record {
            Value::Object(map) => Cow::Owned(Value::Object(self.project_map(map))),
            _ => Cow::Borrowed(record),
        }
    }

    /// Selected fields in the record's own order.
    fn project_map(&self, map: &Map<String, Value>) -> Map<String, Value> {
        let mut out = Map::new();
        for (key, value) in map {
            let kept = match self.fields.get(key) {
                None => None,
                Some(Node::Whole) => Some(value.clone()),
                Some(Node::Children(children)) => children.project_child(value),
            };
            if let Some(kept) = kept {
                out.insert(key.clone(), kept);
            }
        }
        out
    }

    /// The part of a nested value these children select. A null parent stays null (the field
    /// exists and says "nothing"); a scalar has no children to select, so it is left out.
    fn project_child(&self, value: &Value) -> Option<Value> {
        match value {
            Value::Object(map) => Some(Value::Object(self.project_map(map))),
            Value::Array(items) => Some(Value::Array(
                items
                    .iter()
                    .filter_map(|item| self.project_element(item))
                    .collect(),
            )),
            Value::Null => Some(Value::Null),
            _ => None,
        }
    }

    /// An array element: a custom field whose `name` is selected is kept whole (the same rule
    /// as filtering on `custom_fields.<name>`); other objects are projected and dropped when
    /// nothing selected is in them.
    fn project_element(&self, item: &Value) -> Option<Value> {
        match item {
            Value::Object(map) => {
                if self.selects_by_name(map) {
                    return Some(item.clone());
                }
                let projected = self.project_map(map);
                (!projected.is_empty()).then_some(Value::Object(projected))
            }
            Value::Array(_) => self.project_child(item),
            _ => None,
        }
    }

    fn selects_by_name(&self, element: &Map<String, Value>) -> bool {
        let Some(name) = element.get("name").and_then(Value::as_str) else {
            return false;
        };
        let name = fold(name);
        self.fields
            .keys()
            .any(|key| !element.contains_key(key) && fold(key) == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn project(select: &[&str], record: &Value) -> Value {
        let select: Vec<String> = select.iter().map(|s| (*s).to_owned()).collect();
        match SelectTree::new(&select) {
            Some(tree) => tree.project(record).into_owned(),
            None => record.clone(),
        }
    }

    fn keys(v: &Value) -> Vec<&str> {
        v.as_object()
            .map(|m| m.keys().map(String::as_str).collect())
            .unwrap_or_default()
    }

    fn organization() -> Value {
        json!({
            "name": "MyCorp",
            "id": "organization:1",
            "relation_type": {"id": "relationtype:1", "label": "Own company", "color": "#666"},
            "debtor": {
                "payment_term": {"id": "paymentterm:1", "days": 14, "name": "14 dagen"},
                "provision_method": "post"
            },
            "email": "info@mycorp.nl",
            "project_manager": {"employee_id": "employee:1", "name": "Ann", "person_id": "person:1"},
            "nothing": null,
            "code": "x",
        })
    }

    #[test]
    fn nothing_selected_passes_unchanged() {
        let r = organization();
        assert_eq!(project(&[], &r), r);
        assert!(SelectTree::new(&[]).is_none());
    }

    #[test]
    fn top_level_fields_in_record_order_with_id_always() {
        let r = organization();
        let got = project(&["email", "name"], &r);
        assert_eq!(
            got,
            json!({"name": "MyCorp", "id": "organization:1", "email": "info@mycorp.nl"})
        );
        assert_eq!(keys(&got), ["name", "id", "email"]);
    }

    #[test]
    fn trailing_dot_and_plain_name_keep_the_whole_value() {
        let r = organization();
        let a = project(&["relation_type."], &r);
        let b = project(&["relation_type"], &r);
        assert_eq!(a, b);
        assert_eq!(a["relation_type"], r["relation_type"]);
    }

    #[test]
    fn nested_selections_merge() {
        let r = organization();
        let got = project(
            &[
                "project_manager.name",
                "project_manager.employee_id",
                "debtor.payment_term.",
            ],
            &r,
        );
        assert_eq!(
            got,
            json!({
                "id": "organization:1",
                "debtor": {"payment_term": {"id": "paymentterm:1", "days": 14, "name": "14 dagen"}},
                "project_manager": {"employee_id": "employee:1", "name": "Ann"},
            })
        );
        assert_eq!(keys(&got["project_manager"]), ["employee_id", "name"]);
    }

    #[test]
    fn whole_absorbs_narrower_in_either_order() {
        let r = organization();
        let whole =
            json!({"id": "organization:1", "project_manager": r["project_manager"].clone()});
        assert_eq!(
            project(&["project_manager.name", "project_manager."], &r),
            whole
        );
        assert_eq!(
            project(&["project_manager", "project_manager.name"], &r),
            whole
        );
    }

    #[test]
    fn missing_null_and_scalar_parents() {
        let r = organization();
        assert_eq!(
            project(
                &["missing", "missing.deeper", "project_manager.missing"],
                &r
            ),
            json!({"id": "organization:1", "project_manager": {}})
        );
        assert_eq!(
            project(&["nothing.x", "code.x"], &r),
            json!({"id": "organization:1", "nothing": null})
        );
    }

    #[test]
    fn arrays_and_custom_fields() {
        let r = json!({
            "id": "project:1",
            "employees": [{"id": "e1", "name": "Ann"}, {"id": "e2", "name": "Bo"}, "odd"],
            "custom_fields": [
                {"name": "part_of_country", "label": "Part of country", "value": "North"},
                {"name": "external_link", "label": "External link", "value": "https://x"},
            ],
        });
        assert_eq!(
            project(&["employees.name", "custom_fields.part_of_country"], &r),
            json!({
                "id": "project:1",
                "employees": [{"name": "Ann"}, {"name": "Bo"}],
                "custom_fields": [
                    {"name": "part_of_country", "label": "Part of country", "value": "North"}
                ],
            })
        );
        assert_eq!(
            project(&["employees.missing"], &r),
            json!({"id": "project:1", "employees": []})
        );
    }

    #[test]
    fn non_objects_pass_unchanged() {
        let r = json!([1, 2]);
        assert_eq!(project(&["id"], &r), r);
    }
}
