//! Dotted field lookup: `organization.name`, `linked_to.invoice_id`,
//! `custom_fields.part_of_country`. Why a set of values rather than one: Simplicate filters
//! through joins, so a path through an array holds when it holds for any element, and custom
//! fields are rows found by `name`, not object keys. Filters, `nin` and sort all read the same
//! candidates from here; "nothing found" is the caller's null.

use serde_json::Value;

use super::matching::fold;

/// A dotted path split once, at compile time.
pub(super) fn split(path: &str) -> Vec<String> {
    path.split('.').map(str::to_owned).collect()
}

/// Every leaf the path reaches, in record order. Arrays are searched element by element (nested
/// arrays flatten); an object element lacking the key is a custom field if its `name` equals
/// the key, and then contributes its `value` (and, when that value is one of its `options`, the
/// option's `label`). Empty result = missing, which reads as null.
pub(super) fn resolve<'v>(record: &'v Value, path: &[String], out: &mut Vec<&'v Value>) {
    match record {
        Value::Array(items) => {
            for item in items {
                step_into_element(item, path, out);
            }
        }
        Value::Object(map) => match path.split_first() {
            None => out.push(record),
            Some((key, rest)) => {
                if let Some(child) = map.get(key.as_str()) {
                    resolve(child, rest, out);
                }
            }
        },
        _ if path.is_empty() => out.push(record),
        _ => {}
    }
}

fn step_into_element<'v>(element: &'v Value, path: &[String], out: &mut Vec<&'v Value>) {
    let Some((key, rest)) = path.split_first() else {
        return resolve(element, path, out);
    };
    let Value::Object(map) = element else {
        // Scalars have no fields; nested arrays flatten.
        if element.is_array() {
            resolve(element, path, out);
        }
        return;
    };
    if let Some(child) = map.get(key.as_str()) {
        return resolve(child, rest, out);
    }
    let is_named_key = map
        .get("name")
        .and_then(Value::as_str)
        .is_some_and(|name| fold(name) == fold(key));
    if !is_named_key {
        return;
    }
    let Some(value) = map.get("value") else {
        return;
    };
    resolve(value, rest, out);
    if let Some(label) = option_label(map.get("options"), value) {
        resolve(label, rest, out);
    }
}

/// Dropdown custom fields store an option id (`customfieldoption:…`); its label is what people
/// filter on.
fn option_label<'v>(options: Option<&'v Value>, value: &Value) -> Option<&'v Value> {
    let wanted = value.as_str()?;
    options?
        .as_array()?
        .iter()
        .find(|option| option.get("value").and_then(Value::as_str) == Some(wanted))?
        .get("label")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn leaves(record: &Value, path: &str) -> Vec<Value> {
        let mut out = Vec::new();
        resolve(record, &split(path), &mut out);
        out.into_iter().cloned().collect()
    }

    #[test]
    fn objects_nest() {
        let r = json!({
            "name": "My First Project",
            "organization": {"id": "organization:xyz", "name": "Google"},
            "my_organization_profile": {"organization": {"name": "My Company"}},
            "empty": null,
        });
        assert_eq!(leaves(&r, "name"), [json!("My First Project")]);
        assert_eq!(leaves(&r, "organization.name"), [json!("Google")]);
        assert_eq!(
            leaves(&r, "my_organization_profile.organization.name"),
            [json!("My Company")]
        );
        assert_eq!(leaves(&r, "organization"), [r["organization"].clone()]);
        assert_eq!(leaves(&r, "empty"), [Value::Null]);
        assert!(leaves(&r, "missing").is_empty());
        assert!(leaves(&r, "name.deeper").is_empty());
        assert!(leaves(&r, "empty.deeper").is_empty());
        assert!(leaves(&r, "organization.missing").is_empty());
    }

    #[test]
    fn arrays_give_every_element() {
        let r = json!({
            "linked_to": [{"invoice_id": "invoice:1"}, {"project_id": "p"}, {"invoice_id": "invoice:2"}],
            "tags": ["a", ["b", "c"], {"x": 1}],
            "none": [],
            "teams": [[{"name": "A"}], {"name": "B"}],
        });
        assert_eq!(
            leaves(&r, "linked_to.invoice_id"),
            [json!("invoice:1"), json!("invoice:2")]
        );
        assert_eq!(
            leaves(&r, "tags"),
            [json!("a"), json!("b"), json!("c"), json!({"x": 1})]
        );
        assert!(leaves(&r, "none").is_empty());
        assert!(leaves(&r, "none.x").is_empty());
        assert_eq!(leaves(&r, "teams.name"), [json!("A"), json!("B")]);
    }

    #[test]
    fn custom_fields_by_name() {
        let r = json!({"custom_fields": [
            {"name": "external_link", "label": "External link", "value": "https://docs.google.com/x"},
            {"name": "Hostingpakket", "label": "Hostingpakket", "value": "customfieldoption:89",
             "options": [{"label": "Eigen bedrijf", "value": "customfieldoption:40"},
                         {"label": "TransIP", "value": "customfieldoption:89"}]},
            {"name": "Training_gevolgd", "label": "Training gevolgd?", "options": []},
        ]});
        assert_eq!(
            leaves(&r, "custom_fields.external_link"),
            [json!("https://docs.google.com/x")]
        );
        assert_eq!(
            leaves(&r, "custom_fields.hostingpakket"),
            [json!("customfieldoption:89"), json!("TransIP")]
        );
        assert!(leaves(&r, "custom_fields.Training_gevolgd").is_empty());
        assert!(leaves(&r, "custom_fields.part_of_country").is_empty());
        // Real keys of the elements win over the name rule.
        assert_eq!(
            leaves(&r, "custom_fields.label"),
            [
                json!("External link"),
                json!("Hostingpakket"),
                json!("Training gevolgd?")
            ]
        );
    }
}
