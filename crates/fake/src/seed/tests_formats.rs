//! Formats in the seed data: timestamps and dates, amounts (strings where Simplicate sends
//! strings, numbers when clean), custom fields, unique organization names.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::tests_generator::{all, clean, gen, DEFAULTS, SMALL};
use super::Generator;

fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    s.len() == 19 && b[10] == b' ' && b[13] == b':' && b[16] == b':' && is_date(&s[..10]) && {
        let (h, m, sec) = (&s[11..13], &s[14..16], &s[17..19]);
        [h, m, sec]
            .iter()
            .all(|p| p.bytes().all(|c| c.is_ascii_digit()))
            && h < "24"
            && m < "60"
            && sec < "60"
    }
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    s.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && s.bytes()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && ("01".."13").contains(&&s[5..7])
        && ("01".."32").contains(&&s[8..10])
}

const TIMESTAMP_KEYS: &[&str] = &[
    "created_at",
    "updated_at",
    "created",
    "modified",
    "status_updated_at",
];
const DATE_KEYS: &[&str] = &[
    "date",
    "start_date",
    "end_date",
    "expected_closing_date",
    "date_of_birth",
    "write_hours_start_date",
    "write_hours_end_date",
];

fn check_times(v: &Value, path: &str, count: &mut usize) {
    match v {
        Value::Object(m) => {
            if let (Some(Value::String(c)), Some(Value::String(u))) =
                (m.get("created_at"), m.get("updated_at"))
            {
                assert!(c <= u, "{path}: created_at {c} after updated_at {u}");
            }
            for (k, x) in m {
                if let Value::String(s) = x {
                    if TIMESTAMP_KEYS.contains(&k.as_str()) {
                        assert!(is_timestamp(s), "{path}.{k}: {s}");
                        assert!(
                            ("2023-01-01".."2026-01-01").contains(&s.as_str()),
                            "{path}.{k}: {s}"
                        );
                        *count += 1;
                    } else if DATE_KEYS.contains(&k.as_str()) {
                        assert!(is_date(s) || is_timestamp(s), "{path}.{k}: {s}");
                        *count += 1;
                    }
                }
                check_times(x, &format!("{path}.{k}"), count);
            }
        }
        Value::Array(items) => items.iter().for_each(|x| check_times(x, path, count)),
        _ => {}
    }
}

#[test]
fn timestamps_and_dates_are_well_formed() {
    // Clean data: with quirks, some are zero dates (`quirks_follow_their_table`).
    let g = clean(11, DEFAULTS);
    let mut count = 0;
    for (c, records) in all(&g) {
        for (i, r) in records.iter().enumerate() {
            check_times(r, &format!("{c}[{i}]"), &mut count);
        }
    }
    assert!(count > 5000, "{count}");
    for i in 0..1000 {
        let h = g.record("hours/hours", i);
        assert!(is_timestamp(h["start_date"].as_str().unwrap()));
        assert!(h["start_date"].as_str() < h["end_date"].as_str());
        assert!(h["end_date"].as_str() <= h["created_at"].as_str());
    }
}

fn is_decimal_string(v: &Value) -> bool {
    v.as_str().is_some_and(|s| {
        let (whole, frac) = s.split_once('.').unwrap_or(("", ""));
        !whole.is_empty()
            && whole.bytes().all(|b| b.is_ascii_digit())
            && frac.len() == 2
            && frac.bytes().all(|b| b.is_ascii_digit())
    })
}

#[test]
fn amounts_are_strings_where_simplicate_sends_strings() {
    // With quirks (the default); clean data has numbers (`amounts_are_numbers_when_clean`).
    let g = gen(12, SMALL);
    for i in 0..9 {
        let inv = g.record("invoices/invoice", i);
        for k in [
            "total_excluding_vat",
            "total_vat",
            "total_including_vat",
            "total_outstanding",
        ] {
            assert!(is_decimal_string(&inv[k]), "invoice {k}: {}", inv[k]);
        }
        let cents = |v: &Value| -> u64 { v.as_str().unwrap().replace('.', "").parse().unwrap() };
        assert_eq!(
            cents(&inv["total_excluding_vat"]) + cents(&inv["total_vat"]),
            cents(&inv["total_including_vat"])
        );
        assert!(inv["status"]["name"].is_string() && inv["status"]["id"].is_string());
        for line in inv["invoice_lines"].as_array().unwrap() {
            assert!(is_decimal_string(&line["price"]) && is_decimal_string(&line["amount"]));
        }
    }
    for i in 0..12 {
        let s = g.record("projects/service", i);
        assert!(is_decimal_string(&s["budget"]) && is_decimal_string(&s["price"]));
        assert!(
            ["FixedFee", "Subscription", "Hours"].contains(&s["invoice_method"].as_str().unwrap())
        );
    }
    for i in 0..7 {
        let p = g.record("projects/project", i);
        assert!(is_decimal_string(&p["budget"]["total"]["value_budget"]));
        assert!(is_decimal_string(&p["budget"]["hours"]["amount_budget"]));
    }
    let e = g.record("hrm/employee", 0);
    assert!(
        is_decimal_string(&e["hourly_sales_tariff"]) && is_decimal_string(&e["hourly_cost_tariff"])
    );
    let h = g.record("hours/hours", 0);
    assert!(is_decimal_string(&h["tariff"]) && h["hours"].is_f64());
    // The fixture sends these as numbers.
    let s = g.record("sales/sales", 0);
    assert!(s["expected_revenue"].is_u64() && s["chance_to_score"].is_u64());
    assert!(g.record("invoices/paymentterm", 0)["days"].is_u64());
    assert_eq!(g.record("invoices/vatclass", 0)["percentage"], "21.00");
}

#[test]
fn amounts_are_numbers_when_clean() {
    let (g, quirky) = (clean(12, SMALL), gen(12, SMALL));
    let cents = |v: &Value| -> i64 { (v.as_f64().unwrap() * 100.0).round() as i64 };
    for i in 0..9 {
        let inv = g.record("invoices/invoice", i);
        let q = quirky.record("invoices/invoice", i);
        for k in [
            "total_excluding_vat",
            "total_vat",
            "total_including_vat",
            "total_outstanding",
        ] {
            assert!(inv[k].is_f64(), "invoice {k}: {}", inv[k]);
            // The same amount, only spelled differently.
            assert_eq!(format!("{:.2}", inv[k].as_f64().unwrap()), q[k], "{k}");
        }
        assert_eq!(
            cents(&inv["total_excluding_vat"]) + cents(&inv["total_vat"]),
            cents(&inv["total_including_vat"])
        );
        let mut lines = 0;
        for line in inv["invoice_lines"].as_array().unwrap() {
            assert!(line["price"].is_f64() && line["amount"].is_f64());
            lines += cents(&line["amount"]) * cents(&line["price"]) / 100;
        }
        assert_eq!(lines, cents(&inv["total_excluding_vat"]));
    }
    for i in 0..12 {
        let s = g.record("projects/service", i);
        assert!(s["budget"].is_f64() && s["price"].is_f64() && s["amount"] == 1.0);
    }
    let p = g.record("projects/project", 0);
    assert!(p["budget"]["total"]["value_budget"].is_f64());
    let e = g.record("hrm/employee", 0);
    assert!(e["hourly_sales_tariff"].is_f64() && e["hourly_cost_tariff"].is_f64());
    assert!(g.record("hours/hours", 0)["tariff"].is_f64());
    assert_eq!(g.record("invoices/vatclass", 0)["percentage"], 21.0);
    assert!(g.record("crm/organization", 0)["allow_autocollect"].is_boolean());
}

#[test]
fn custom_fields_carry_name_label_value() {
    // An unset value is left out with quirks (as in the fixture), `null` in clean data.
    for quirks in [true, false] {
        custom_fields_of(&Generator::for_tests(13, &[], quirks), quirks);
    }
}

fn custom_fields_of(g: &Generator, quirks: bool) {
    for (collection, n) in [
        ("crm/organization", 250),
        ("projects/project", 100),
        ("sales/sales", 100),
    ] {
        let mut parts: HashMap<String, usize> = HashMap::new();
        let mut google = 0;
        for i in 0..n {
            let r = g.record(collection, i);
            let fields = r["custom_fields"].as_array().unwrap();
            let names: Vec<&str> = fields.iter().map(|f| f["name"].as_str().unwrap()).collect();
            assert!(
                names.contains(&"external_link") && names.contains(&"part_of_country"),
                "{names:?}"
            );
            for f in fields {
                assert!(f["label"].is_string() && f["custom_field_group"]["name"].is_string());
                let value = f.get("value");
                if let Some(Value::String(v)) = value {
                    assert_eq!(f["display_value"].as_str(), Some(v.as_str()));
                }
                match f["name"].as_str().unwrap() {
                    "part_of_country" => {
                        let key = match value {
                            None => "absent".to_owned(),
                            Some(Value::Null) => "null".to_owned(),
                            Some(Value::String(v)) => v.clone(),
                            Some(other) => panic!("part_of_country {other}"),
                        };
                        *parts.entry(key).or_default() += 1;
                    }
                    "external_link"
                        if value
                            .and_then(Value::as_str)
                            .is_some_and(|v| v.starts_with("https://docs.google.com/")) =>
                    {
                        google += 1;
                    }
                    _ => {}
                }
            }
        }
        let unset = if quirks { "absent" } else { "null" };
        for k in ["North", "East", "South", "West", "Centre", unset] {
            assert!(
                parts.get(k).copied().unwrap_or(0) > 0,
                "{collection}: no part_of_country {k}: {parts:?}"
            );
        }
        assert_eq!(parts.len(), 6, "{parts:?}");
        assert!(google > n / 5, "{collection}: {google} Google Docs links");
    }
    // The definitions are served too, without values.
    let def = g.record("crm/organizationcustomfields", 1);
    assert_eq!(def["name"], "part_of_country");
    assert!(def.get("value").is_none() && def["options"].as_array().unwrap().len() == 5);
}

#[test]
fn organization_names_are_unique() {
    let g = gen(3, &[("crm/organization", 2500)]);
    let names: HashSet<String> = (0..2500)
        .map(|i| super::crm::org_core(&g, i).name)
        .collect();
    assert_eq!(names.len(), 2500);
}
