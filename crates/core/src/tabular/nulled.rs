//! The values a table build turned into nulls because they did not fit their column's type,
//! counted per column: nothing is nulled silently. The counts travel with the table in its
//! schema metadata (see [`NULLED_KEY`]), where pyarrow, pandas (`DataFrame.attrs`) and the
//! Python layer's warning read them.

use std::collections::HashMap;

use indexmap::IndexMap;

/// The schema metadata key of the counts; its value is JSON, `{"column": count, ...}`.
pub const NULLED_KEY: &str = "simplicate:nulled";

/// Counts by column (for a value inside a list column's elements, its dotted path there:
/// `custom_fields.position`), in the order the columns were finished.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Nulled(IndexMap<String, u64>);

impl Nulled {
    pub(crate) fn add(&mut self, path: &str, count: u64) {
        if count > 0 {
            *self.0.entry(path.to_owned()).or_default() += count;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn get(&self, path: &str) -> Option<u64> {
        self.0.get(path).copied()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, u64)> {
        self.0.iter().map(|(path, &count)| (path.as_str(), count))
    }

    /// The schema metadata that carries the counts: empty when nothing was nulled.
    pub(crate) fn metadata(&self) -> HashMap<String, String> {
        if self.is_empty() {
            return HashMap::new();
        }
        let json: serde_json::Map<String, serde_json::Value> = self
            .iter()
            .map(|(path, count)| (path.to_owned(), count.into()))
            .collect();
        let text = serde_json::Value::Object(json).to_string();
        HashMap::from([(NULLED_KEY.to_owned(), text)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_merge_and_keep_their_order_in_the_metadata() {
        let mut nulled = Nulled::default();
        assert!(nulled.metadata().is_empty());
        nulled.add("b", 2);
        nulled.add("a \"x\"", 1);
        nulled.add("b", 3);
        nulled.add("c", 0);
        assert_eq!(nulled.get("b"), Some(5));
        assert_eq!(nulled.get("c"), None);
        assert_eq!(
            nulled.metadata()[NULLED_KEY],
            r#"{"b":5,"a \"x\"":1}"#,
            "JSON in column order"
        );
    }
}
