//! Hours registrations: the big collection (a million must generate in seconds and fit in
//! memory), so each record is compact (~700 bytes of JSON) and built with `obj` rather than
//! `json!`, with as few allocations as the fields allow.

use serde_json::Value;

use super::crm::employee_short;
use super::hrm::worker_on;
use super::lookups::{self as l, APPROVAL_STATUS_WEIGHTS, HOURS_TYPES, HOURS_TYPE_WEIGHTS};
use super::projects::{project_core, project_simple, service_core, service_short};
use super::rng::{self, END, END_DAY, FIRST_DAY};
use super::words::HOURS_NOTES;
use super::{obj, s, Generator, C};

const SOURCES: &[&str] = &["timesheet", "timer", "schedule"];
const SOURCE_WEIGHTS: &[u64] = &[70, 20, 10];

pub fn hours(g: &Generator, i: usize) -> Value {
    let mut r = g.rng(C::Hours, i);
    // Hours book on a service; the project is the service's, so the two always agree.
    let service = g.pick(C::Service, &mut r);
    let service_core = service.map(|sv| service_core(g, sv));
    let project = match &service_core {
        Some(c) => c.project,
        None => g.pick(C::Project, &mut r),
    };
    let project_core = project.map(|p| project_core(g, p));
    let kind = g.pick_weighted(C::HoursType, &mut r, HOURS_TYPE_WEIGHTS);
    let approval = g.pick_weighted(C::ApprovalStatus, &mut r, APPROVAL_STATUS_WEIGHTS);

    // A working day (weekends move to the nearest weekday; the range starts on a Sunday and
    // ends on a Wednesday, so this never leaves it), quarters of an hour, ending by 18:00, of
    // an employee employed that day (part-timers write fewer).
    let mut day = FIRST_DAY + r.below((END_DAY - FIRST_DAY) as u64) as i64;
    match (day + 4).rem_euclid(7) {
        6 => day -= 1, // Saturday → Friday
        0 => day += 1, // Sunday → Monday
        _ => {}
    }
    let employee = worker_on(g, &mut r, day);
    let quarters = r.range(1, 32);
    let minutes = quarters as i64 * 15;
    let start_minute = (480 + r.below(17) as i64 * 30).min(18 * 60 - minutes);
    let start = day * 86_400 + start_minute * 60;
    let end = start + minutes * 60;
    let created = (end + r.below(3 * 86_400) as i64).min(END);
    let updated = rng::after(&mut r, created, 30 * 86_400);

    let (tariff, type_billable) = kind.map_or((0, false), |k| (HOURS_TYPES[k].1, HOURS_TYPES[k].2));
    let billable = type_billable && r.chance(95);
    let approved = approval == Some(2);
    let invoice_status = if !billable {
        "indirectly"
    } else if approved && r.chance(60) {
        "invoiced"
    } else {
        "flushed"
    };
    let source = SOURCES[rng::weighted(&mut r, SOURCE_WEIGHTS)];
    let note = *r.pick(HOURS_NOTES);

    obj([
        ("id", s(g.id_of(C::Hours, i))),
        ("employee", employee_short(g, employee)),
        (
            "project",
            project_simple(g, project, project_core.as_ref(), false),
        ),
        (
            "projectservice",
            service_short(g, service, service_core.as_ref()),
        ),
        (
            "type",
            kind.map_or(Value::Null, |k| l::labelled(g, C::HoursType, k)),
        ),
        (
            "approvalstatus",
            approval.map_or(Value::Null, |k| l::labelled(g, C::ApprovalStatus, k)),
        ),
        ("hours", Value::from(quarters as f64 / 4.0)),
        ("duration_in_minutes", Value::from(minutes)),
        ("start_date", s(rng::timestamp(start))),
        ("end_date", s(rng::timestamp(end))),
        ("is_time_defined", Value::Bool(source != "timesheet")),
        ("billable", Value::Bool(billable)),
        ("tariff", Value::from(rng::amount(tariff))),
        ("note", s(note)),
        ("invoice_status", s(invoice_status)),
        (
            "locked",
            Value::Bool(approved && invoice_status == "invoiced"),
        ),
        ("is_productive", Value::Bool(type_billable)),
        ("source", s(source)),
        ("created_at", s(rng::timestamp(created))),
        ("updated_at", s(rng::timestamp(updated))),
    ])
}
