//! The CRM's second pass: debtors (`crm/debtor`), and the interests and person custom fields
//! organizations and persons carry (drawn from streams of their own, so the records' other
//! fields stay as the first pass made them).

use serde_json::Value;

use super::crm::{custom_fields, organization, person_core};
use super::lookups_more::{interest, INTERESTS};
use super::{obj, s, Generator, C};

const INTERESTS_SALT: u64 = 0x696e_7465_7265_7374; // "interest"
const FIELDS_SALT: u64 = 0x0070_6669_656c_6473; // "pfields"

/// The interests organization `i` has (Interest), about one in four of those for organizations.
pub fn organization_interests(g: &Generator, i: usize) -> Value {
    let mut r = g.side_rng(C::Organization, i, INTERESTS_SALT);
    let list: Vec<Value> = (0..g.size(C::Interest).min(INTERESTS.len()))
        .filter(|&k| INTERESTS[k].2)
        .filter(|_| r.chance(25))
        .map(|k| interest(g, k))
        .collect();
    Value::Array(list)
}

/// Every interest for persons, with `value` "1" when person `i` has it and "0" when not
/// (GetInterest: the checkboxes of the person's form).
pub fn person_interests(g: &Generator, i: usize) -> Value {
    let mut r = g.side_rng(C::Person, i, INTERESTS_SALT);
    let list: Vec<Value> = (0..g.size(C::Interest).min(INTERESTS.len()))
        .filter(|&k| INTERESTS[k].3)
        .map(|k| {
            let mut v = interest(g, k);
            if let Value::Object(m) = &mut v {
                m.insert("value".to_owned(), s(if r.chance(30) { "1" } else { "0" }));
            }
            v
        })
        .collect();
    Value::Array(list)
}

/// Person `i`'s custom fields (`crm/personcustomfields` with values).
pub fn person_custom_fields(g: &Generator, i: usize) -> Value {
    let mut r = g.side_rng(C::Person, i, FIELDS_SALT);
    custom_fields(g, C::PersonCustomField, &mut r, "example.nl")
}

/// Debtor `i` (DebtorList): organization `i`, then the persons who are not employees.
pub fn debtor(g: &Generator, i: usize) -> Value {
    let orgs = g.size(C::Organization);
    let (organization, person) = if i < orgs {
        let org = organization(g, i);
        let copy = obj([
            ("id", org["id"].clone()),
            ("relation_type", org["relation_type"].clone()),
            ("name", org["name"].clone()),
            ("relation_number", org["relation_number"].clone()),
        ]);
        (copy, Value::Null)
    } else {
        let p = g.size(C::Employee) + (i - orgs);
        let core = person_core(g, p);
        let copy = obj([
            ("id", s(g.id_of(C::Person, p))),
            ("relation_type", Value::Null),
            ("full_name", s(core.full_name)),
            ("relation_number", s(core.relation_number)),
        ]);
        (Value::Null, copy)
    };
    object! {
        "id": g.id_of(C::Debtor, i),
        "organization": organization,
        "person": person,
    }
}
