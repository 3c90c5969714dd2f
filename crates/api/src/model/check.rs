//! A JSON value checked against a kind of the table: what the fidelity tests ask of every seeded
//! record, and what the fake's write validation asks of a body's fields.

use serde_json::Value;

use super::{Kind, Model};
use crate::values;

/// How literally a value must follow the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leniency {
    /// Exactly the table's kinds: what `FakeSimplicate(quirks=False)` serves.
    Clean,
    /// Also the forms the real API sends instead (`quirks.rs` in the fake's seed lists where):
    /// numbers as decimal text (`"100.000000"`), booleans as `"0"`/`"1"` (or 0/1), and MySQL
    /// zero dates (`0000-00-00`, `0000-00-00 00:00:00`) for dates.
    Real,
}

/// One place where a value does not follow the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Dotted, with `[i]` for list elements: `invoice_lines[2].amount`.
    pub path: String,
    pub message: String,
}

impl Model {
    /// Every problem of `value` against `kind`, at most `limit` of them. `null` fits every kind
    /// (the API sends null for any unset field); an object's fields must be fields of its type.
    pub fn check(&self, kind: &Kind, value: &Value, leniency: Leniency) -> Vec<Problem> {
        let mut problems = Vec::new();
        let mut path = String::new();
        self.walk(kind, value, leniency, &mut path, &mut problems);
        problems
    }

    fn walk(
        &self,
        kind: &Kind,
        value: &Value,
        leniency: Leniency,
        path: &mut String,
        problems: &mut Vec<Problem>,
    ) {
        if value.is_null() {
            return;
        }
        let fits = match (kind, value) {
            (Kind::Any, _) => true,
            (Kind::Object(t), Value::Object(map)) => {
                let record = self.type_at(*t);
                for (name, inner) in map {
                    let mark = path.len();
                    if mark > 0 {
                        path.push('.');
                    }
                    path.push_str(name);
                    match record.field(name) {
                        Some(field) => self.walk(&field.kind, inner, leniency, path, problems),
                        None => problems.push(Problem {
                            path: path.clone(),
                            message: format!("{} has no field {name:?}", record.name),
                        }),
                    }
                    path.truncate(mark);
                }
                true
            }
            (Kind::List(inner), Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    let mark = path.len();
                    path.push_str(&format!("[{i}]"));
                    self.walk(inner, item, leniency, path, problems);
                    path.truncate(mark);
                }
                true
            }
            (scalar, value) => scalar_fits(scalar, value, leniency),
        };
        if !fits {
            problems.push(Problem {
                path: path.clone(),
                message: format!("expected {}, got {}", self.describe(kind), compact(value)),
            });
        }
    }
}

fn scalar_fits(kind: &Kind, value: &Value, leniency: Leniency) -> bool {
    let real = leniency == Leniency::Real;
    match (kind, value) {
        (Kind::Str, Value::String(_)) | (Kind::Bool, Value::Bool(_)) => true,
        (Kind::Int, Value::Number(n)) => n.is_i64() || n.is_u64(),
        (Kind::Num, Value::Number(_)) => true,
        (Kind::Date, Value::String(s)) => {
            values::date(s).is_some() || (real && values::is_zero_date(s))
        }
        (Kind::DateTime, Value::String(s)) => {
            values::datetime(s).is_some() || (real && values::is_zero_date(s))
        }
        (Kind::Int, Value::String(s)) if real => {
            values::number_text(s).is_some_and(|f| f.fract() == 0.0)
        }
        (Kind::Num, Value::String(s)) if real => values::number_text(s).is_some(),
        (Kind::Bool, Value::String(s)) if real => matches!(s.as_str(), "0" | "1"),
        (Kind::Bool, Value::Number(n)) if real => matches!(n.as_u64(), Some(0 | 1)),
        _ => false,
    }
}

/// A value for a message: short JSON.
fn compact(value: &Value) -> String {
    let text = value.to_string();
    crate::text::truncate_chars(&text, 60)
}
