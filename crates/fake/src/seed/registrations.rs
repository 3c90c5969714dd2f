//! Registrations beside hours: mileage (`mileage/mileage`) and timers (`timers/timer`).
//!
//! Mileage is driven for an hours registration (`related_hours_id`), and a finished timer made
//! one (`related_hours`): both copy the employee, project, approval and times of that hours
//! record, built by the hours builder, so they always agree with it. Running and paused timers
//! run on a service of the last day.

use serde_json::Value;

use super::costs::project_service;
use super::crm::employee_short;
use super::hours::hours;
use super::lookups::{self as l, HOURS_TYPES, HOURS_TYPE_WEIGHTS, MILEAGE};
use super::more::amount;
use super::projects::{project_core, project_simple, service_core};
use super::rng::{self, END};
use super::{Generator, C};

const ROUTES: &[&str] = &[
    "Kantoor - klant v.v.",
    "Utrecht - Amersfoort v.v.",
    "Utrecht - Rotterdam v.v.",
    "Thuis - klant",
    "Kantoor - Schiphol v.v.",
    "Bezoek leverancier",
];

/// Mileage `i` (GetMileage): the kilometres driven for an hours registration.
pub fn mileage(g: &Generator, i: usize) -> Value {
    let mut r = g.rng(C::Mileage, i);
    let related = g.pick(C::Hours, &mut r).map(|h| hours(g, h));
    let field = |key: &str| related.as_ref().map_or(Value::Null, |h| h[key].clone());
    let km = r.range(8, 180);
    let kind = (MILEAGE < g.size(C::HoursType)).then_some(MILEAGE);
    let vat = g
        .wrap(C::VatClass, 0)
        .map_or(Value::Null, |k| l::copy(g, C::VatClass, k));
    let (start, created, updated) = if let Some(h) = &related {
        (
            h["start_date"].clone(),
            h["created_at"].clone(),
            h["updated_at"].clone(),
        )
    } else {
        let (created, updated) = rng::created_updated(&mut r);
        let created = rng::timestamp(created);
        (
            created.clone().into(),
            created.into(),
            rng::timestamp(updated).into(),
        )
    };
    object! {
        "id": g.id_of(C::Mileage, i),
        "employee": field("employee"),
        "project": field("project"),
        "type": kind.map_or(Value::Null, |k| l::hours_type_short(g, k)),
        "approvalstatus": field("approvalstatus"),
        "invoice_status": related.as_ref().map_or(Value::from("flushed"), |h| h["invoice_status"].clone()),
        "tariff": amount(HOURS_TYPES[MILEAGE].1),
        "vatclass": vat,
        "created_at": created,
        "updated_at": updated,
        "mileage": km,
        "related_hours_id": field("id"),
        "source": field("source"),
        "note": rng::pick_str(&mut r, ROUTES),
        "start_date": start,
    }
}

/// What a timer copies of the hours it made (GetHoursSimple).
fn hours_simple(h: &Value) -> Value {
    let mut m = serde_json::Map::with_capacity(9);
    for key in [
        "id",
        "hours",
        "duration_in_minutes",
        "start_date",
        "end_date",
        "is_time_defined",
        "billable",
        "note",
        "source",
    ] {
        m.insert(key.to_owned(), h[key].clone());
    }
    Value::Object(m)
}

/// Timer `i` (GetTimer): a fifth running, some paused, the rest finished into hours.
pub fn timer(g: &Generator, i: usize) -> Value {
    let mut r = g.rng(C::Timer, i);
    let roll = r.below(100);
    let state = match roll {
        0..=19 => "running",
        20..=34 => "paused",
        _ => "finished",
    };
    let related = if state == "finished" {
        g.pick(C::Hours, &mut r).map(|h| hours(g, h))
    } else {
        None
    };
    let mut record = if let Some(h) = &related {
        let minutes = h["duration_in_minutes"].as_u64().unwrap_or(0);
        object! {
            "id": g.id_of(C::Timer, i),
            "seconds_spent": minutes * 60,
            "min_seconds_step": 60,
            "employee": h["employee"].clone(),
            "project": h["project"].clone(),
            "projectservice": h["projectservice"].clone(),
            "hourstype": h["type"].clone(),
            "related_hours": hours_simple(h),
            "created_at": h["start_date"].clone(),
            "updated_at": h["created_at"].clone(),
            "state": state,
            "description": h["note"].clone(),
            "metadata": "",
        }
    } else {
        // Started on the last day of the seed's years.
        let seconds = r.range(60, 4 * 3600);
        let started = END - r.range(seconds, 9 * 3600) as i64;
        let service = g.pick(C::Service, &mut r);
        let project = service.and_then(|sv| service_core(g, sv).project);
        let core = project.map(|p| project_core(g, p));
        let kind = g.pick_weighted(C::HoursType, &mut r, HOURS_TYPE_WEIGHTS);
        object! {
            "id": g.id_of(C::Timer, i),
            "seconds_spent": seconds,
            "min_seconds_step": 60,
            "employee": employee_short(g, g.pick(C::Employee, &mut r)),
            "project": project_simple(g, project, core.as_ref(), false),
            "projectservice": service.map_or(Value::Null, |sv| project_service(g, sv)),
            "hourstype": kind.map_or(Value::Null, |k| l::labelled(g, C::HoursType, k)),
            "related_hours": Value::Null,
            "created_at": rng::timestamp(started),
            "updated_at": rng::timestamp(started + seconds as i64),
            "state": state,
            "description": "",
            "metadata": "{\"client\":\"browser-extension\"}",
        }
    };
    if related.is_none() {
        if let Value::Object(m) = &mut record {
            m.shift_remove("related_hours");
        }
    }
    record
}
