//! Work on projects: assignments (`projects/assignment`) and their budgets
//! (`projects/assignmentbudget`, one per assignment), purchases from suppliers
//! (`projects/purchase`) and reverse invoices (`projects/reverseinvoice`).
//!
//! An assignment plans employees on one of a service's hour types, inside the service's dates;
//! a reverse invoice that was invoiced names an invoice of its project.

use serde_json::Value;

use super::costs::service_simple;
use super::crm::{employee_simple, org_simple, pick_client};
use super::invoices::{invoice, maybe_billed_project};
use super::lookups_more::{assignment_status, ASSIGNMENT_STATUS_WEIGHTS};
use super::more::{amount, cents_of, day_of};
use super::projects::{project_core, project_simple, service, service_core};
use super::rng::{self, END, END_DAY, FIRST_DAY};
use super::{obj, Generator, C};

const PHASES: &[&str] = &[
    "fase 1",
    "fase 2",
    "sprint 1",
    "sprint 2",
    "oplevering",
    "nazorg",
];

/// Assignment `i` (GetAssignment).
pub fn assignment(g: &Generator, i: usize) -> Value {
    let mut r = g.rng(C::Assignment, i);
    let service_index = g.pick(C::Service, &mut r);
    let full = service_index.map(|sv| service(g, sv));
    let project = service_index.and_then(|sv| service_core(g, sv).project);
    let core = project.map(|p| project_core(g, p));
    let field_day = |key: &str| full.as_ref().and_then(|f| f[key].as_str()).and_then(day_of);
    let (from, until) = match (field_day("start_date"), field_day("end_date")) {
        (Some(a), Some(b)) if a < b => (a, b),
        _ => (FIRST_DAY, END_DAY - 1),
    };
    // Planned before the end of the seed's years, inside the service's dates where it can.
    let start = (from + r.below(((until - from) / 2).max(1) as u64) as i64).min(END_DAY - 1);
    let end = (start + r.range(7, 120) as i64).min(until).max(start);
    let weeks = ((end - start) / 7 + 1) as u64;
    let per_week = r.chance(60);
    let hours = r.range(2, 16) * 2;
    let total = if per_week { hours * weeks } else { hours };
    let use_spread = per_week && r.chance(40);
    let spread: Vec<Value> = if use_spread {
        (0..7u64)
            .map(|d| {
                let n = if d < 5 {
                    hours / 5 + u64::from(d < hours % 5)
                } else {
                    0
                };
                Value::from(n)
            })
            .collect()
    } else {
        Vec::new()
    };
    // The planned hour type: one of the service's, amounts as numbers.
    let hour_type = full
        .as_ref()
        .and_then(|f| f["hour_types"].as_array())
        .and_then(|types| types.first())
        .map_or(Value::Null, |t| {
            object! {
                "hourstype": t["hourstype"].clone(),
                "color": t["color"].clone(),
                "budgeted_amount": amount(cents_of(&t["budgeted_amount"])),
                "tariff": amount(cents_of(&t["tariff"])),
                "billable": t["billable"].clone(),
            }
        });
    // Past assignments are mostly done, coming ones planned.
    let weights: &[u64] = if end < END_DAY - 30 {
        &[2, 10, 85, 3]
    } else if start > END_DAY - 7 {
        &[100]
    } else {
        ASSIGNMENT_STATUS_WEIGHTS
    };
    let status = g.pick_weighted(C::AssignmentStatus, &mut r, weights);
    let mut employees = vec![employee_simple(g, g.pick(C::Employee, &mut r))];
    if r.chance(30) {
        let other = employee_simple(g, g.pick(C::Employee, &mut r));
        if other != employees[0] {
            employees.push(other);
        }
    }
    employees.retain(|e| !e.is_null());
    let spent = total * 100 * r.below(101) / 100;
    let name = format!(
        "{} {}",
        full.as_ref()
            .and_then(|f| f["name"].as_str())
            .unwrap_or("Planning"),
        rng::pick_str(&mut r, PHASES)
    );
    let created = ((start - r.range(1, 30) as i64).max(FIRST_DAY) * 86_400
        + r.range(8, 17) as i64 * 3600)
        .min(END);
    let updated = rng::after(&mut r, created, 60 * 86_400);
    object! {
        "id": g.id_of(C::Assignment, i),
        "start_date": rng::date(start),
        "end_date": rng::date(end),
        "hours_total": total,
        "hours": hours,
        "hours_type": if per_week { "per_week" } else { "total" },
        "spread": spread,
        "status": status.map_or(Value::Null, |k| assignment_status(g, k)),
        "project": project_simple(g, project, core.as_ref(), true),
        "projectservice": full.as_ref().map_or(Value::Null, service_simple),
        "projecthourstype": hour_type,
        "employees": employees,
        "spent_amount": rng::money(spent),
        "is_planned": r.chance(85),
        "name": name,
        "use_spread": use_spread,
        "description": "",
        "created_at": rng::timestamp(created),
        "updated_at": rng::timestamp(updated),
    }
}

/// The budget of assignment `i` (AssignmentBudget): its planned and spent hours over its dates.
pub fn assignment_budget(g: &Generator, i: usize) -> Value {
    let a = assignment(g, i);
    let spent = cents_of(&a["spent_amount"]);
    object! {
        "id": g.id_of(C::AssignmentBudget, i),
        "assignment_id": a["id"].clone(),
        "range_start": a["start_date"].clone(),
        "budget_range_start": a["start_date"].clone(),
        "range_end": a["end_date"].clone(),
        "budget_range_end": a["end_date"].clone(),
        "planned_amount": a["hours_total"].clone(),
        "spent_amount": amount(spent),
        "hours_type": a["hours_type"].clone(),
    }
}

const PURCHASE_KINDS: &[&str] = &["purchase", "cost/expenses", "import"];
const PURCHASE_KIND_WEIGHTS: &[u64] = &[70, 20, 10];

/// Purchase `i` (Purchase): a supplier's invoice, booked on one or two projects.
pub fn purchase(g: &Generator, i: usize) -> Value {
    let mut r = g.rng(C::Purchase, i);
    let supplier = pick_client(g, &mut r);
    let organization = org_simple(g, supplier);
    let name = organization["name"].clone();
    let mut projects = Vec::new();
    for _ in 0..r.range(1, 2) {
        if let Some(p) = g.pick(C::Project, &mut r) {
            let copy = project_simple(g, Some(p), Some(&project_core(g, p)), true);
            if !projects.contains(&copy) {
                projects.push(copy);
            }
        }
    }
    let year = 2023 + r.below(3);
    object! {
        "id": g.id_of(C::Purchase, i),
        "organization": organization,
        "person": Value::Null,
        "supplier": name,
        "invoice_number": format!("F{year}-{:04}", r.range(1, 2500)),
        "type": PURCHASE_KINDS[rng::weighted(&mut r, PURCHASE_KIND_WEIGHTS)],
        "projects": projects,
    }
}

/// Reverse invoice `i` (ReverseInvoice): self-billing on a project, invoiced or not yet.
pub fn reverse_invoice(g: &Generator, i: usize) -> Value {
    let mut r = g.rng(C::ReverseInvoice, i);
    let (billed_on, project) = maybe_billed_project(g, &mut r, 50);
    let core = project.map(|p| project_core(g, p));
    let invoice = billed_on.map(|j| invoice(g, j));
    let (status, date, price) = if let Some(inv) = &invoice {
        (
            "invoiced",
            inv["date"].clone(),
            cents_of(&inv["total_excluding_vat"]),
        )
    } else {
        let day = END_DAY - 1 - r.below(60) as i64;
        let status = if r.chance(50) { "open" } else { "concept" };
        (status, rng::date(day).into(), r.range(20, 800) * 2_500)
    };
    let invoice_copy = invoice.as_ref().map_or(Value::Null, |inv| {
        obj([
            ("id", inv["id"].clone()),
            ("invoice_number", inv["invoice_number"].clone()),
            ("invoice_date", inv["date"].clone()),
            ("status", inv["status"].clone()),
        ])
    });
    let mut number = String::from("CF");
    rng::push_padded(&mut number, i as u64 + 1, 4);
    object! {
        "id": g.id_of(C::ReverseInvoice, i),
        "status": status,
        "date": date,
        "invoice_number": number,
        "price": amount(price),
        "project": project_simple(g, project, core.as_ref(), true),
        "invoice": invoice_copy,
    }
}
