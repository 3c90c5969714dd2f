//! Shared items (`shared/item`): what employees save and share in Simplicate's screens, such
//! as list filters and dashboard widgets. `data` is the item's own JSON, sent as text.

use serde_json::Value;

use super::rng;
use super::{Generator, C};

/// (type, tag: the screen it belongs to, data).
const ITEMS: &[(&str, &str, &str)] = &[
    (
        "filter",
        "projects",
        r#"{"q":{"project_status.label":"tab_pactive"},"sort":"-updated_at"}"#,
    ),
    (
        "filter",
        "hours",
        r#"{"q":{"approvalstatus.label":"forwarded"},"sort":"start_date"}"#,
    ),
    (
        "filter",
        "invoices",
        r#"{"q":{"status.name":"Overdue"},"sort":"date"}"#,
    ),
    (
        "filter",
        "sales",
        r#"{"q":{"status.label":"OpportunityStatus_open"},"sort":"-expected_revenue"}"#,
    ),
    (
        "widget",
        "dashboard",
        r#"{"widget":"hours_per_week","weeks":8}"#,
    ),
    (
        "widget",
        "dashboard",
        r#"{"widget":"revenue_per_month","months":12}"#,
    ),
    (
        "column_set",
        "crm",
        r#"{"columns":["name","relation_number","relation_type","email"]}"#,
    ),
];

const SHARING: &[&str] = &["private", "team", "everyone"];

/// Shared item `i` (GetSharedItem).
pub fn item(g: &Generator, i: usize) -> Value {
    let mut r = g.rng(C::SharedItem, i);
    let (kind, tag, data) = *r.pick(ITEMS);
    let (created, updated) = rng::created_updated(&mut r);
    object! {
        "id": g.id_of(C::SharedItem, i),
        "created_at": rng::timestamp(created),
        "updated_at": rng::timestamp(updated),
        "tag": tag,
        "type": kind,
        "employee_id": g.ref_id(C::Employee, g.pick(C::Employee, &mut r)),
        "shared": rng::pick_str(&mut r, SHARING),
        "data": data,
    }
}
