//! Costs: expenses (`costs/expense`, listed again as `hours/employeeexpenses`) and project
//! services in short (`costs/projectservices`, `hours/projectservices`).
//!
//! An expense books on a service of its project (service `s` belongs to project
//! `s mod #projects`, see projects.rs); an invoiced one names an invoice of that project: the
//! invoice is chosen first and its project taken (`invoices::invoice_project`).

use serde_json::Value;

use super::crm::employee_simple;
use super::invoices::{invoice, maybe_billed_project};
use super::lookups::{APPROVAL_STATUSES, APPROVAL_STATUS_WEIGHTS};
use super::lookups_more::{purchase_type_record, PURCHASE_TYPES, PURCHASE_TYPE_WEIGHTS};
use super::more::amount;
use super::projects::{project_core, project_simple, service};
use super::rng::{self, END_DAY, FIRST_DAY};
use super::{obj, Generator, C};
use crate::ids::SplitMix64;

/// Index of "approved" in `APPROVAL_STATUSES`.
const APPROVED: usize = 2;

/// Service `i` in short (GetProjectServiceSimple): what `costs/projectservices` and
/// `hours/projectservices` list, and what timers and assignments embed.
pub fn project_service(g: &Generator, i: usize) -> Value {
    service_simple(&service(g, i))
}

/// GetProjectServiceSimple of a service record.
pub fn service_simple(full: &Value) -> Value {
    obj([
        ("id", full["id"].clone()),
        ("name", full["name"].clone()),
        ("default_service_id", full["default_service_id"].clone()),
        ("revenue_group_id", full["revenue_group"]["id"].clone()),
        (
            "use_in_resource_planner",
            full["use_in_resource_planner"].clone(),
        ),
    ])
}

/// A service of project `p`, if it has one: its services are `p`, `p + #projects`, ...
pub fn service_of_project(g: &Generator, p: usize, r: &mut SplitMix64) -> Option<usize> {
    let (projects, services) = (g.size(C::Project), g.size(C::Service));
    if p >= services || projects == 0 {
        return None;
    }
    let count = (services - 1 - p) / projects + 1;
    Some(p + projects * r.below(count as u64) as usize)
}

/// `{label, description}` of an approval status (ApprovalStatus: no id).
fn approval(k: usize) -> Value {
    let (label, description) = APPROVAL_STATUSES[k];
    object! {"label": label, "description": description}
}

pub fn expense(g: &Generator, i: usize) -> Value {
    let mut r = g.rng(C::Expense, i);
    let (billed_on, project) = maybe_billed_project(g, &mut r, 35);
    let project_core = project.map(|p| project_core(g, p));
    let service = project.and_then(|p| service_of_project(g, p, &mut r));
    let employee = g.pick(C::Employee, &mut r);
    let kind = g.pick_weighted(C::CostsType, &mut r, PURCHASE_TYPE_WEIGHTS);
    let t = &PURCHASE_TYPES[kind.unwrap_or(0)];

    let (units, unit_price) = if t.tariff > 0 {
        (r.range(t.typical.0, t.typical.1) * 100, t.tariff)
    } else {
        (100, r.range(t.typical.0 / 50, t.typical.1 / 50) * 50)
    };
    let purchase_total = units * unit_price / 100;
    let margin = *r.pick(&[0, 0, 10, 15, 20]);
    let tariff = unit_price * (100 + margin) / 100;
    let total = units * tariff / 100;
    let billable = billed_on.is_some() || r.chance(75);

    let invoice = billed_on.map(|j| invoice(g, j));
    let day = match &invoice {
        // Booked before it was invoiced.
        Some(inv) => inv["date"]
            .as_str()
            .and_then(super::more::day_of)
            .map_or(END_DAY - 1, |d| (d - r.below(30) as i64).max(FIRST_DAY)),
        None => FIRST_DAY + r.below((END_DAY - FIRST_DAY) as u64) as i64,
    };
    let approval_status = if invoice.is_some() {
        Some(APPROVED)
    } else {
        g.pick_weighted(C::ApprovalStatus, &mut r, APPROVAL_STATUS_WEIGHTS)
    }
    .filter(|&k| k < g.size(C::ApprovalStatus));
    let invoice_status = match (&invoice, billable) {
        (Some(_), _) => "invoiced",
        (None, true) => "open",
        (None, false) => "flushed",
    };
    let invoice_copy = invoice.as_ref().map_or(Value::Null, |inv| {
        obj([
            ("id", inv["id"].clone()),
            ("invoice_number", inv["invoice_number"].clone()),
            ("date", inv["date"].clone()),
            ("status", inv["status"].clone()),
        ])
    });
    let cost_type = kind.map_or(Value::Null, |k| purchase_type_record(g, C::CostsType, k));
    let service_line = kind.map_or(Value::Null, |k| {
        object! {
            "label": PURCHASE_TYPES[k].label,
            "costtype": purchase_type_record(g, C::CostsType, k),
            "budgeted_amount": amount(purchase_total * r.range(1, 4)),
            "tariff": amount(tariff),
            "purchase_margin": margin,
            "purchase_tariff": amount(unit_price),
        }
    });
    let attachments: Vec<Value> = if t.attachment && r.chance(70) {
        let mut hash = String::with_capacity(32);
        rng::push_hex(&mut hash, r.next_u64(), 16);
        rng::push_hex(&mut hash, r.next_u64(), 16);
        let mut name = String::from("bon-");
        rng::push_padded(&mut name, i as u64 + 1, 5);
        name.push_str(".pdf");
        vec![object! {"file_hash": hash, "file_name": name}]
    } else {
        Vec::new()
    };
    let (period_start, period_end) = if t.yearly {
        (Some(rng::date(day)), Some(rng::date(day + 364)))
    } else {
        (None, None)
    };
    object! {
        "id": g.id_of(C::Expense, i),
        "project": project_simple(g, project, project_core.as_ref(), true),
        "service_id": g.ref_id(C::Service, service),
        "costtype": service_line,
        "default_costtype": cost_type,
        "amount": amount(units),
        "purchase_price_unit": amount(unit_price),
        "tariff": amount(tariff),
        "purchase_price_total": amount(purchase_total),
        "purchase_margin": margin,
        "total_price": amount(total),
        "is_billable": billable,
        "approval_status": approval_status.map_or(Value::Null, approval),
        "invoice_status": invoice_status,
        "invoice": invoice_copy,
        "employee": employee_simple(g, employee),
        "date": rng::date(day),
        "note": rng::pick_str(&mut r, t.notes),
        "service_purchase_start_date": period_start,
        "service_purchase_end_date": period_end,
        "attachments": attachments,
    }
}
