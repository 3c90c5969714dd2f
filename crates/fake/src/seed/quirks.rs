//! The real API's quirks: where real accounts' responses deviate from the record model table
//! (`src/model/records.txt`), and how, in one table ([`QUIRKS`]).
//!
//! The builders make clean records, every field exactly as the table types it: amounts are JSON
//! numbers, booleans are booleans, an unset date is null, a label is readable, an unset custom
//! field has `"value": null`. That is what `FakeSimplicate(quirks=False)` serves. With quirks on
//! (the default, because real accounts have them), `Generator::record` passes every record
//! through [`apply`], which rewrites the fields the table lists:
//!
//! | quirk | clean | as real accounts send it |
//! |---|---|---|
//! | [`Quirk::Decimals`] | `100`, `4894.44` | `"100.000000"`, `"4894.44"` |
//! | [`Quirk::BoolText`] | `false` | `"0"` |
//! | [`Quirk::ZeroDate`], [`Quirk::ZeroDateTime`] | `null` | `"0000-00-00"`, `"0000-00-00 00:00:00"` |
//! | [`Quirk::Epoch`] | `null` | `"1970-01-01"` |
//! | [`Quirk::LabelKey`] | `"Nederland"` | `"Country_The Netherlands"` |
//! | [`Quirk::NoValueKey`] | `{"value": null, ...}` | `{...}` (no `value` key) |
//!
//! A row names a collection and a path below its records: dotted, `[]` stepping into every
//! element of a list (`invoice_lines[].amount`), and a last step may name several fields at once
//! (`budget.hours.{amount_budget,value_budget}`). A row applies to its collection's records
//! only, so a value other records copy has a row for the record and one for every copy (a VAT
//! class's `percentage`, and `vat_class.percentage` of services and invoice lines): copies keep
//! agreeing with what they copy, which the seed's reference test checks.
//!
//! `share` is the percentage of records a row applies to, for quirks real accounts have on
//! some records only (old rows imported from another system); which records is a pure function
//! of the seed, the collection, the index and the row, like everything else in the seed. The
//! `source` column says where each quirk comes from: the real responses in `tests/fixtures/`
//! (see their README) or the request that asked for it. The README's "Testing your code with the
//! fake server" summarises this table for users.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::{Map, Value};

use super::super::ids::mix64;

/// How a field deviates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Quirk {
    /// A number sent as decimal text with this many decimals: `100` → `"100.000000"`.
    Decimals(usize),
    /// A boolean sent as `"0"`/`"1"`.
    BoolText,
    /// An unset (null) date sent as MySQL's zero date, `"0000-00-00"`.
    ZeroDate,
    /// An unset (null) date-time sent as `"0000-00-00 00:00:00"`.
    ZeroDateTime,
    /// An unset (null) date sent as the placeholder `"1970-01-01"`.
    Epoch,
    /// A label sent as its untranslated key: (clean label, key) pairs; labels not listed stay.
    LabelKey(&'static [(&'static str, &'static str)]),
    /// A null field left out altogether (an unset custom field's `value`).
    NoValueKey,
}

/// One row of the table.
#[derive(Debug)]
pub(crate) struct Row {
    pub collection: &'static str,
    pub path: &'static str,
    pub quirk: Quirk,
    /// Percentage of the collection's records the row applies to.
    pub share: u64,
    /// Where the quirk comes from: for readers of the table (only the tests read it in code).
    #[cfg_attr(not(test), allow(dead_code))]
    pub source: &'static str,
}

const fn row(
    collection: &'static str,
    path: &'static str,
    quirk: Quirk,
    share: u64,
    source: &'static str,
) -> Row {
    Row {
        collection,
        path,
        quirk,
        share,
        source,
    }
}

/// Countries: (clean name, key).
pub(crate) const COUNTRY_KEYS: &[(&str, &str)] = &[
    ("Nederland", "Country_The Netherlands"),
    ("België", "Country_Belgium"),
    ("Duitsland", "Country_Germany"),
    ("Verenigd Koninkrijk", "Country_United Kingdom"),
    ("Frankrijk", "Country_France"),
];
/// The own company's relation type; the others come translated.
pub(crate) const RELATION_TYPE_KEYS: &[(&str, &str)] =
    &[("Eigen bedrijf", "Relationtype_own_company")];
pub(crate) const SALES_STATUS_KEYS: &[(&str, &str)] = &[
    ("Open", "OpportunityStatus_open"),
    ("Gewonnen", "OpportunityStatus_won"),
    ("Verloren", "OpportunityStatus_lost"),
];
pub(crate) const PROJECT_STATUS_KEYS: &[(&str, &str)] =
    &[("Actief", "tab_pactive"), ("Gesloten", "tab_pclosed")];

use Quirk::{BoolText, Decimals, Epoch, LabelKey, NoValueKey, ZeroDate, ZeroDateTime};

const ORG_FIXTURE: &str = "fixture crm.organisation.json";
const CONTRACT_FIXTURE: &str = "fixture hrm.contract.json";
const SALES_FIXTURE: &str = "fixture sales.sales.json";
/// Amounts the seed sent as strings before the quirks pass existed: how client code built on
/// real responses expects them (the seed issue).
const AMOUNTS: &str = "amounts as decimal strings, as real accounts send them (seed issue)";

/// The table. Keep the README's summary ("Testing your code with the fake server") in step.
#[rustfmt::skip]
pub(crate) static QUIRKS: &[Row] = &[
    // Numbers as decimal text.
    row("hrm/contract", "{salary_fulltime,parttime_percentage,days_off}", Decimals(6), 100, CONTRACT_FIXTURE),
    row("invoices/invoice", "{total_excluding_vat,total_vat,total_including_vat,total_outstanding}", Decimals(2), 100, AMOUNTS),
    row("invoices/invoice", "invoice_lines[].{amount,price,total_vat}", Decimals(2), 100, AMOUNTS),
    row("invoices/invoice", "invoice_lines[].vat_class.percentage", Decimals(2), 100, AMOUNTS),
    row("invoices/vatclass", "percentage", Decimals(2), 100, AMOUNTS),
    row("hours/hourstype", "vatclass.percentage", Decimals(2), 100, AMOUNTS),
    row("hours/hours", "tariff", Decimals(2), 100, AMOUNTS),
    row("hrm/employee", "{hourly_sales_tariff,hourly_cost_tariff}", Decimals(2), 100, AMOUNTS),
    row("hrm/timetable", "{hourly_sales_tariff,hourly_cost_tariff}", Decimals(2), 100, AMOUNTS),
    row("projects/project", "budget.hours.{amount_budget,amount_spent,value_budget,value_spent}", Decimals(2), 100, AMOUNTS),
    row("projects/project", "budget.costs.{value_budget,value_spent}", Decimals(2), 100, AMOUNTS),
    row("projects/project", "budget.total.{value_budget,value_spent,value_invoiced}", Decimals(2), 100, AMOUNTS),
    row("projects/service", "{budget,amount,price}", Decimals(2), 100, AMOUNTS),
    row("projects/service", "hour_types[].{budgeted_amount,tariff}", Decimals(2), 100, AMOUNTS),
    row("projects/service", "vat_class.percentage", Decimals(2), 100, AMOUNTS),
    row("services/defaultservice", "price", Decimals(2), 100, AMOUNTS),
    row("services/defaultservice", "vat_class.percentage", Decimals(2), 100, AMOUNTS),
    row("sales/service", "{amount,price}", Decimals(2), 100, AMOUNTS),
    row("sales/service", "vat_class.percentage", Decimals(2), 100, AMOUNTS),
    row("costs/expense", "{amount,purchase_price_unit,tariff,purchase_price_total,purchase_margin,total_price}", Decimals(2), 100, AMOUNTS),
    row("hours/employeeexpenses", "{amount,purchase_price_unit,tariff,purchase_price_total,purchase_margin,total_price}", Decimals(2), 100, AMOUNTS),
    row("invoices/payment", "amount", Decimals(2), 100, AMOUNTS),
    row("mileage/mileage", "tariff", Decimals(2), 100, AMOUNTS),
    row("mileage/mileage", "vatclass.percentage", Decimals(2), 100, AMOUNTS),
    row("projects/reverseinvoice", "price", Decimals(2), 100, AMOUNTS),
    // "0"/"1" booleans.
    row("crm/organization", "allow_autocollect", BoolText, 100, ORG_FIXTURE),
    row("crm/person", "allow_autocollect", BoolText, 100, "as organizations (seed issue)"),
    // MySQL zero dates for what was never set.
    row("sales/sales", "status_updated_at", ZeroDateTime, 100, SALES_FIXTURE),
    row("crm/person", "date_of_birth", ZeroDate, 50, "unknown birth dates of older MySQL rows (seed issue)"),
    // 1970-01-01 for an open end.
    row("hrm/contract", "end_date", Epoch, 100, CONTRACT_FIXTURE),
    // Untranslated label keys, in the lookups and in every copy.
    row("crm/relationtype", "label", LabelKey(RELATION_TYPE_KEYS), 100, ORG_FIXTURE),
    row("crm/organization", "relation_type.label", LabelKey(RELATION_TYPE_KEYS), 100, ORG_FIXTURE),
    row("crm/country", "name", LabelKey(COUNTRY_KEYS), 100, ORG_FIXTURE),
    row("crm/organization", "{visiting_address,postal_address}.country", LabelKey(COUNTRY_KEYS), 100, ORG_FIXTURE),
    row("crm/person", "address[].country", LabelKey(COUNTRY_KEYS), 100, ORG_FIXTURE),
    row("sales/salesstatus", "label", LabelKey(SALES_STATUS_KEYS), 100, SALES_FIXTURE),
    row("sales/sales", "status.label", LabelKey(SALES_STATUS_KEYS), 100, SALES_FIXTURE),
    row("projects/projectstatus", "label", LabelKey(PROJECT_STATUS_KEYS), 100, "tab_pactive (seed issue)"),
    row("projects/project", "project_status.label", LabelKey(PROJECT_STATUS_KEYS), 100, "tab_pactive (seed issue)"),
    row("projects/projectfilters", "values[].label", LabelKey(PROJECT_STATUS_KEYS), 100, "tab_pactive (seed issue)"),
    row("sales/salesfilters", "values[].label", LabelKey(SALES_STATUS_KEYS), 100, SALES_FIXTURE),
    row("crm/debtor", "organization.relation_type.label", LabelKey(RELATION_TYPE_KEYS), 100, ORG_FIXTURE),
    // Custom fields without a value.
    row("crm/organization", "custom_fields[].value", NoValueKey, 100, ORG_FIXTURE),
    row("projects/project", "custom_fields[].value", NoValueKey, 100, ORG_FIXTURE),
    row("sales/sales", "custom_fields[].value", NoValueKey, 100, ORG_FIXTURE),
    row("hrm/employee", "custom_fields[].value", NoValueKey, 100, ORG_FIXTURE),
];

/// One step of a path: the field(s) it names, and whether it steps into a list's elements.
#[derive(Debug)]
struct Step {
    names: Vec<&'static str>,
    list: bool,
}

/// A row made ready to apply: its index in `QUIRKS` and its parsed path.
type Ready = (usize, &'static Row, Vec<Step>);

fn parse(path: &'static str) -> Vec<Step> {
    path.split('.')
        .map(|step| {
            let (step, list) = match step.strip_suffix("[]") {
                Some(inner) => (inner, true),
                None => (step, false),
            };
            let names = match step.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(inner) => inner.split(',').collect(),
                None => vec![step],
            };
            Step { names, list }
        })
        .collect()
}

/// The rows of each collection, parsed once.
fn by_collection() -> &'static HashMap<&'static str, Vec<Ready>> {
    static INDEX: OnceLock<HashMap<&'static str, Vec<Ready>>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index: HashMap<&'static str, Vec<Ready>> = HashMap::new();
        for (i, row) in QUIRKS.iter().enumerate() {
            index
                .entry(row.collection)
                .or_default()
                .push((i, row, parse(row.path)));
        }
        index
    })
}

/// Whether `collection` has quirks at all (the generator skips the pass otherwise).
pub(crate) fn any(collection: &str) -> bool {
    by_collection().contains_key(collection)
}

/// Rewrites `record` of `collection` as real accounts send it. `salt` is the record's own
/// (a function of the seed, the collection and the index): it decides the rows with a share.
pub(crate) fn apply(collection: &str, salt: u64, record: &mut Value) {
    let Some(rows) = by_collection().get(collection) else {
        return;
    };
    for (i, row, steps) in rows {
        if row.share < 100 && mix64(salt ^ mix64(*i as u64)) % 100 >= row.share {
            continue;
        }
        walk(record, steps, row.quirk);
    }
}

fn walk(value: &mut Value, steps: &[Step], quirk: Quirk) {
    let (Some((step, rest)), Value::Object(map)) = (steps.split_first(), value) else {
        return;
    };
    for name in &step.names {
        if rest.is_empty() && !step.list {
            leaf(map, name, quirk);
            continue;
        }
        match map.get_mut(*name) {
            Some(Value::Array(items)) if step.list => {
                for item in items {
                    walk(item, rest, quirk);
                }
            }
            Some(child) if !step.list => walk(child, rest, quirk),
            _ => {}
        }
    }
}

fn leaf(map: &mut Map<String, Value>, name: &str, quirk: Quirk) {
    if quirk == NoValueKey {
        if map.get(name).is_some_and(Value::is_null) {
            // `shift_remove`: the other fields keep their order.
            map.shift_remove(name);
        }
        return;
    }
    let Some(value) = map.get_mut(name) else {
        return;
    };
    let replaced = match (quirk, &*value) {
        (Decimals(places), Value::Number(n)) => n.as_f64().map(|f| format!("{f:.places$}")),
        (BoolText, Value::Bool(b)) => Some(if *b { "1" } else { "0" }.to_owned()),
        (ZeroDate, Value::Null) => Some("0000-00-00".to_owned()),
        (ZeroDateTime, Value::Null) => Some("0000-00-00 00:00:00".to_owned()),
        (Epoch, Value::Null) => Some("1970-01-01".to_owned()),
        (LabelKey(pairs), Value::String(label)) => pairs
            .iter()
            .find(|(clean, _)| clean == label)
            .map(|(_, key)| (*key).to_owned()),
        _ => None,
    };
    if let Some(text) = replaced {
        *value = Value::String(text);
    }
}

/// Every (collection, path) a row rewrites, one path per field: for the tests.
#[cfg(test)]
pub(crate) fn field_paths(row: &Row) -> Vec<Vec<&'static str>> {
    let mut paths: Vec<Vec<&'static str>> = vec![Vec::new()];
    for step in parse(row.path) {
        paths = paths
            .into_iter()
            .flat_map(|p| {
                step.names.iter().map(move |n| {
                    let mut p = p.clone();
                    p.push(n);
                    p
                })
            })
            .collect();
    }
    paths
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn each_quirk_rewrites_only_its_clean_form() {
        let mut record = json!({
            "n": 100, "m": 4894.44, "b": false, "t": true, "d": null, "dt": null, "e": null,
            "label": "Nederland", "other": "Elders", "set": "2024-01-01",
            "list": [{"value": null, "x": 1}, {"value": "a"}, {"x": 2}],
        });
        let mut at = |path: &'static str, quirk: Quirk| walk(&mut record, &parse(path), quirk);
        at("n", Decimals(6));
        at("m", Decimals(2));
        at("{b,t}", BoolText);
        at("d", ZeroDate);
        at("dt", ZeroDateTime);
        at("{e,set}", Epoch);
        at("{label,other}", LabelKey(COUNTRY_KEYS));
        at("list[].value", NoValueKey);
        assert_eq!(
            record,
            json!({
                "n": "100.000000", "m": "4894.44", "b": "0", "t": "1", "d": "0000-00-00",
                "dt": "0000-00-00 00:00:00", "e": "1970-01-01", "label": "Country_The Netherlands",
                "other": "Elders", "set": "2024-01-01",
                "list": [{"x": 1}, {"value": "a"}, {"x": 2}],
            })
        );
        // Already quirky, or missing: left alone.
        let before = record.clone();
        walk(&mut record, &parse("{n,missing}"), Decimals(2));
        walk(&mut record, &parse("list[].x.deeper"), BoolText);
        assert_eq!(record, before);
    }

    #[test]
    fn paths_expand_braces_and_lists() {
        let r = row("a/b", "x[].{p,q}.r", Decimals(2), 100, "");
        assert_eq!(field_paths(&r), [vec!["x", "p", "r"], vec!["x", "q", "r"]]);
        assert!(parse("x[].y")[0].list && !parse("x[].y")[1].list);
    }
}
