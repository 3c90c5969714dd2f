//! The timesheet: approvals per employee and day (`hours/approval`), submissions per employee
//! and week (`hours/submission`), timesheet rows (`hours/timesheetrow`) and the most recent
//! timesheet week (`hours/timesheetrow/mostrecent`, answered from the stored rows).
//!
//! All count back from the last complete week of the seed's years (Monday 22 December 2025):
//! record `i` is employee `i mod #employees`, and `i / #employees` says how many days (weeks,
//! rows) back, so an employee has one approval a day and one submission a week.

use serde_json::Value;

use super::costs::service_of_project;
use super::crm::org_simple;
use super::lookups::{self as l, HOURS_TYPES, HOURS_TYPE_WEIGHTS, MILEAGE};
use super::lookups_more::{PURCHASE_TYPES, PURCHASE_TYPE_WEIGHTS};
use super::projects::{project_core, service};
use super::rng::{self, END_DAY};
use super::{obj, s, Generator, C};

/// The Monday of the week holding `day` (days since the epoch, a Thursday).
pub fn monday(day: i64) -> i64 {
    day - ((day + 4).rem_euclid(7) + 6) % 7
}

/// The Monday of the last complete week.
pub fn last_monday() -> i64 {
    monday(END_DAY - 1) - 7
}

/// `{start_date, end_date}` (DateTimeRange) of the week holding `date` ("YYYY-MM-DD..."):
/// what `hours/timesheetrow/mostrecent` answers for the latest row. `Null` for a bad date.
pub fn week_of(date: &str) -> Value {
    match super::more::day_of(date) {
        Some(day) => {
            let start = monday(day);
            object! {
                "start_date": rng::timestamp(start * 86_400),
                "end_date": rng::timestamp((start + 7) * 86_400 - 1),
            }
        }
        None => Value::Null,
    }
}

/// Record `i`'s employee and how far back it is.
fn employee_and_step(g: &Generator, i: usize) -> (Option<usize>, usize) {
    let employees = g.size(C::Employee);
    if employees == 0 {
        (None, i)
    } else {
        (Some(i % employees), i / employees)
    }
}

/// Approval `i` (GetApproval): employee `i mod #employees` on the `i / #employees`-th working
/// day back. The last week's days are mostly still to be approved.
pub fn approval(g: &Generator, i: usize) -> Value {
    let (employee, back) = employee_and_step(g, i);
    let weeks = (back / 5) as i64;
    let day = last_monday() - 7 * weeks + 4 - (back % 5) as i64;
    let mut r = g.rng(C::Approval, i);
    let weights: &[u64] = if weeks == 0 {
        &[30, 50, 20, 0]
    } else {
        &[2, 5, 88, 5]
    };
    let status = g.pick_weighted(C::ApprovalStatus, &mut r, weights);
    object! {
        "id": g.id_of(C::Approval, i),
        "employee": super::crm::employee_simple(g, employee),
        "approvalstatus": status.map_or(Value::Null, |k| l::record(g, C::ApprovalStatus, k)),
        "date": rng::date(day),
    }
}

/// Submission `i` (SubmissionStatus): employee `i mod #employees`, the week `i / #employees`
/// weeks before the last complete one.
pub fn submission(g: &Generator, i: usize) -> Value {
    let (employee, back) = employee_and_step(g, i);
    let mut r = g.rng(C::Submission, i);
    let roll = r.below(100);
    let status = match (back, roll) {
        (0, 0..=54) => "yet_to_turn_in",
        (0, 55..=94) => "submitted",
        (_, 0..=2) => "yet_to_turn_in",
        (_, 3..=7) => "no_hours",
        (0, _) => "no_hours",
        _ => "submitted",
    };
    object! {
        "id": g.id_of(C::Submission, i),
        "employee_id": g.ref_id(C::Employee, employee),
        "date": rng::date(last_monday() - 7 * back as i64),
        "status": status,
    }
}

/// Rows per employee per week.
const ROWS_PER_WEEK: usize = 4;

/// Timesheet row `i` (GetTimesheetRow): a row of employee `i mod #employees`'s week, for hours
/// on a project service, for costs or for mileage.
pub fn row(g: &Generator, i: usize) -> Value {
    let (employee, back) = employee_and_step(g, i);
    let start = last_monday() - 7 * (back / ROWS_PER_WEEK) as i64;
    let mut r = g.rng(C::TimesheetRow, i);
    let project = g.pick(C::Project, &mut r);
    let core = project.map(|p| project_core(g, p));
    let service_index = project.and_then(|p| service_of_project(g, p, &mut r));
    let roll = r.below(100);
    let (kind, itemtype, itemtype_id) = if roll < 80 {
        let k = g.pick_weighted(C::HoursType, &mut r, HOURS_TYPE_WEIGHTS);
        let item = k.map_or(Value::Null, |k| {
            object! {
                "id": g.id_of(C::HoursType, k),
                "name": HOURS_TYPES[k].0,
                "unit_name": "uur",
                "is_unit_tariff": false,
                "is_attachment_allowed": false,
                "has_workflow": true,
            }
        });
        ("hours", item, g.ref_id(C::HoursType, k))
    } else if roll < 92 {
        let k = g.pick_weighted(C::CostsType, &mut r, PURCHASE_TYPE_WEIGHTS);
        let item = k.map_or(Value::Null, |k| {
            let t = &PURCHASE_TYPES[k];
            object! {
                "id": g.id_of(C::CostsType, k),
                "name": t.label,
                "unit_name": t.unit_name,
                "is_unit_tariff": t.tariff > 0,
                "is_attachment_allowed": t.attachment,
                "has_workflow": true,
            }
        });
        ("costs", item, g.ref_id(C::CostsType, k))
    } else {
        let k = (MILEAGE < g.size(C::HoursType)).then_some(MILEAGE);
        let item = k.map_or(Value::Null, |k| {
            object! {
                "id": g.id_of(C::HoursType, k),
                "name": HOURS_TYPES[k].0,
                "unit_name": "km",
                "is_unit_tariff": true,
                "is_attachment_allowed": false,
                "has_workflow": true,
            }
        });
        ("mileage", item, g.ref_id(C::HoursType, k))
    };
    let project_service = service_index.map_or(Value::Null, |sv| {
        let full = service(g, sv);
        obj([
            ("id", full["id"].clone()),
            ("name", full["name"].clone()),
            ("start_date", full["start_date"].clone()),
            ("until_date", full["end_date"].clone()),
        ])
    });
    let project_copy = match (project, &core) {
        (Some(p), Some(c)) => obj([
            ("id", s(g.id_of(C::Project, p))),
            ("name", s(c.name.clone())),
            ("project_number", s(c.number.clone())),
        ]),
        _ => Value::Null,
    };
    object! {
        "id": g.id_of(C::TimesheetRow, i),
        "order": (back % ROWS_PER_WEEK) + 1,
        "project": project_copy,
        "project_service": project_service,
        "itemtype": itemtype,
        "person": Value::Null,
        "organization": org_simple(g, core.as_ref().and_then(|c| c.org)),
        "employee_id": g.ref_id(C::Employee, employee),
        "start_date": rng::date(start),
        "end_date": rng::date(start + 6),
        "project_id": g.ref_id(C::Project, project),
        "project_service_id": g.ref_id(C::Service, service_index),
        "itemtype_id": itemtype_id,
        "type": kind,
    }
}
