//! Contracts and timetables: contract `i` is contract `k` of employee `e` (`Plan::contract`),
//! shaped after the fixture (`employee`, `employer` and both types as `{id, name}`, `created`
//! and `last_updated` beside `created_at` and `updated_at`); timetable `i` is the working week
//! under contract `i`, with the tariffs of its time.

use serde_json::Value;

use super::super::crm::{employee_short, employee_simple, org_short};
use super::super::rng::{self, END, START};
use super::super::{obj, Generator, C};
use super::lookups as h;
use super::{employment, Employment, Span, LEAVE_DAYS};
use crate::ids::SplitMix64;

/// The own organization employing them: the employer profile's organization (profile `p` is
/// organization `p`), profile 0's when theirs is not seeded.
fn employer(g: &Generator, e: &Employment) -> Value {
    let profiles = g.size(C::MyOrganizationProfile).max(1);
    org_short(g, g.wrap(C::Organization, e.employer.min(profiles - 1)))
}

/// When a record about `span` was made: shortly before it started, but not before the account's
/// history (2023; older contracts were imported then), and a later update.
fn made(r: &mut SplitMix64, span: &Span) -> (i64, i64) {
    let before = span.start * 86_400 - r.range(3, 30) as i64 * 86_400;
    let created = if before < START {
        START + r.below(20 * 86_400) as i64
    } else {
        before + 9 * 3600 + r.below(8 * 3600) as i64
    }
    .min(END);
    (created, rng::after(r, created, 300 * 86_400))
}

pub fn contract(g: &Generator, i: usize) -> Value {
    let Some((e, k)) = g.hrm.contract(i) else {
        return Value::Null;
    };
    let employment = employment(g, e);
    let span = &employment.contracts[k];
    let mut r = g.rng(C::Contract, i);
    let (created, updated) = made(&mut r, span);
    let (created, updated) = (rng::timestamp(created), rng::timestamp(updated));
    let of = |c: C, j: usize| {
        if j < g.size(c) {
            h::copy(g, c, j)
        } else {
            Value::Null
        }
    };
    object! {
        "id": g.id_of(C::Contract, i),
        "employee": employee_short(g, Some(e)),
        "employer": employer(g, employment),
        "employment_type": of(C::EmploymentType, employment.employment_type),
        "contract_type": of(C::ContractType, span.kind),
        "start_date": rng::date(span.start),
        // Open-ended: null (real accounts send 1970-01-01, the fixture; a quirk).
        "end_date": span.end.map(rng::date),
        "salary_fulltime": employment.salary_of(k) as f64,
        "parttime_percentage": employment.parttime as f64,
        // Days of leave a year.
        "days_off": (LEAVE_DAYS * employment.parttime) as f64 / 100.0,
        "created": created.clone(),
        "created_at": created,
        "last_updated": updated.clone(),
        "updated_at": updated,
    }
}

/// A working day: from 9:00 to 17:30 with half an hour's break, or the morning only.
fn day(hours: u64) -> Value {
    let (start, end) = match hours {
        0 => (0.0, 0.0),
        4 => (9.0, 13.0),
        _ => (9.0, 17.5),
    };
    obj([
        ("start_time", start.into()),
        ("end_time", end.into()),
        ("hours", (hours as f64).into()),
    ])
}

/// The week of a part-time percentage: eight hours Monday to Friday, less from the end of the
/// week (90%: Friday morning; 80%: no Friday; 60%: no Wednesday and Friday).
fn week(parttime: u64) -> Value {
    let hours: [u64; 7] = match parttime {
        90 => [8, 8, 8, 8, 4, 0, 0],
        80 => [8, 8, 8, 8, 0, 0, 0],
        60 => [8, 8, 0, 8, 0, 0, 0],
        _ => [8, 8, 8, 8, 8, 0, 0],
    };
    object! {
        "day_1": day(hours[0]),
        "day_2": day(hours[1]),
        "day_3": day(hours[2]),
        "day_4": day(hours[3]),
        "day_5": day(hours[4]),
        "day_6": day(hours[5]),
        "day_7": day(hours[6]),
    }
}

/// Timetable `i`: the week under contract `i` and the tariffs of its time (the employee's
/// current ones under their last contract, 5 euros less under the one before).
pub fn timetable(g: &Generator, i: usize) -> Value {
    let Some((e, k)) = g.hrm.contract(i) else {
        return Value::Null;
    };
    let employment = employment(g, e);
    let span = &employment.contracts[k];
    let older = (employment.contracts.len() - 1 - k) as u64;
    let mut r = g.rng(C::Timetable, i);
    let (created, updated) = made(&mut r, span);
    let week = week(employment.parttime);
    object! {
        "id": g.id_of(C::Timetable, i),
        "employee": employee_simple(g, Some(e)),
        "start_date": rng::date(span.start),
        "end_date": span.end.map(rng::date),
        "hourly_sales_tariff": rng::amount(employment.sales_tariff - 500 * older),
        "hourly_cost_tariff": rng::amount(employment.cost_tariff - 250 * older),
        "even_week": week.clone(),
        "odd_week": week,
        "productivity_target": if employment.parttime < 100 { 70 } else { 80 },
        "should_write_hours": true,
        "created_at": rng::timestamp(created),
        "updated_at": rng::timestamp(updated),
    }
}
