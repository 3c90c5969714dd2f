//! Leave, leave balances and absence.
//!
//! Leave is shared out over the employees in proportion to their days employed in 2023–2025
//! (`Plan::leave`: employee `e` takes a run of consecutive leave records), spread evenly over
//! that time, on working days; so each employee's leave is found without a search. The balance
//! of employee `e` in a year (`Plan::balance`) is [`LEAVE_DAYS`](super::LEAVE_DAYS) for the months they were
//! employed (their part-time share), less the hours of their `Verlof` that year: it always
//! agrees with the leave records. A year's `Verlof` is cut short where it would run more than
//! a few days into the red. Absence falls on working days of an employee employed then.

use serde_json::Value;

use super::super::crm::employee_simple;
use super::super::rng::{self, END, END_DAY, START};
use super::super::{Generator, C};
use super::lookups as h;
use super::{add_workdays, employment, weekday_back, weekday_from, worker_on, Employment};
use crate::ids::{civil_from_days, days_from_civil, SplitMix64};

/// What a leave is for, by its type and month.
fn note(r: &mut SplitMix64, kind: Option<usize>, first: i64) -> &'static str {
    let month = civil_from_days(first).1;
    match kind {
        Some(h::VERLOF) if r.chance(70) => match month {
            7 | 8 => "Zomervakantie",
            12 | 1 => "Kerstvakantie",
            4 | 5 => "Meivakantie",
            10 => "Herfstvakantie",
            2 => "Voorjaarsvakantie",
            _ => "",
        },
        Some(h::VERLOF) => rng::pick_str(r, &["Lang weekend", "Vrije dag", "Verhuizing", ""]),
        Some(1) => rng::pick_str(r, &["Bruiloft", "Verhuizing", "Uitvaart", "Jubileum"]),
        Some(2) => "Zorg voor familielid",
        Some(3) => "Ouderschapsverlof",
        _ => "",
    }
}

/// What an absence is for, by its type.
fn absence_note(r: &mut SplitMix64, kind: Option<usize>) -> &'static str {
    match kind {
        Some(h::ZIEKTE) => rng::pick_str(r, &["", "", "Griep", "Rugklachten", "Migraine"]),
        Some(1) => rng::pick_str(r, &["Tandarts", "Huisarts", "Fysiotherapie", "Ziekenhuis"]),
        _ => "",
    }
}

/// What the leave records of one employee are made of, for the leave itself and the balances.
pub struct LeaveCore {
    pub employee: Option<usize>,
    pub kind: Option<usize>,
    /// First and last day.
    pub first: i64,
    pub last: i64,
    pub hours: u64,
}

impl LeaveCore {
    pub fn year(&self) -> i64 {
        civil_from_days(self.first).0
    }
}

/// Hours of `workdays` days at a part-time percentage.
pub fn hours_of(workdays: u64, parttime: u64) -> u64 {
    (workdays * 8 * parttime).div_ceil(100)
}

/// Working days from `first` to `last`.
fn workdays(first: i64, last: i64) -> u64 {
    (first..=last).filter(|&d| weekday_from(d) == d).count() as u64
}

/// How far into the red a year's `Verlof` may go, in hours: a few days' advance, as employers
/// allow.
const ADVANCE: u64 = 24;

/// Leave `i` as drawn: its `k`-th of `m` leaves (`Plan::leave`) falls in the `k`-th of `m`
/// equal stretches of their time; `Verlof` runs one to ten working days.
fn draw(
    g: &Generator,
    i: usize,
    employee: Option<(usize, usize, usize)>,
    employment: Option<&Employment>,
) -> LeaveCore {
    let mut r = g.core_rng(C::Leave, i);
    let kind = g.pick_weighted(C::LeaveType, &mut r, h::LEAVE_TYPE_WEIGHTS);
    let (lo, hi) = employment
        .and_then(Employment::in_history)
        .unwrap_or((rng::FIRST_DAY, END_DAY - 1));
    let days = match kind {
        Some(h::VERLOF) => *r.pick(&[1, 1, 1, 2, 2, 3, 4, 5, 5, 10]),
        _ => r.range(1, 3),
    };
    let (k, m) = employee.map_or((0, 1), |(_, k, m)| (k as i64, m.max(1) as i64));
    let stretch = (hi - lo + 1) as f64 / m as f64;
    let day = lo + (stretch * (k as f64 + r.below(1000) as f64 / 1000.0)) as i64;
    let day = weekday_back(day.min(hi));
    let first = if day < lo { weekday_from(lo) } else { day };
    // Inside the employment and the year it starts in.
    let (year, ..) = civil_from_days(first);
    let limit = hi.min(days_from_civil(year, 12, 31));
    let last = add_workdays(first, days as i64 - 1).min(limit).max(first);
    let parttime = employment.map_or(100, |e| e.parttime);
    LeaveCore {
        employee: employee.map(|(e, ..)| e),
        kind,
        first,
        last,
        hours: hours_of(workdays(first, last), parttime),
    }
}

/// Employee `e`'s leave (records `Plan::leave_of(e)`, in order), each year's `Verlof` cut short
/// where it would pass their leave days by more than [`ADVANCE`] hours, and unpaid once not
/// even a day is left.
pub fn leave_of(g: &Generator, e: usize, employment: &Employment) -> Vec<LeaveCore> {
    let mut used: Vec<(i64, u64)> = Vec::new();
    g.hrm
        .leave_of(e)
        .map(|j| {
            let mut leave = draw(g, j, g.hrm.leave(j), Some(employment));
            if leave.kind == Some(h::VERLOF) {
                let year = leave.year();
                let spent = used.iter().find(|(y, _)| *y == year).map_or(0, |u| u.1);
                let room = (employment.leave_hours(year) + ADVANCE).saturating_sub(spent);
                while leave.hours > room && leave.last > leave.first {
                    leave.last = weekday_back(leave.last - 1).max(leave.first);
                    leave.hours = hours_of(workdays(leave.first, leave.last), employment.parttime);
                }
                if leave.hours > room && h::UNPAID < g.size(C::LeaveType) {
                    // Not even a day left: unpaid leave.
                    leave.kind = Some(h::UNPAID);
                } else {
                    match used.iter_mut().find(|(y, _)| *y == year) {
                        Some(u) => u.1 += leave.hours,
                        None => used.push((year, leave.hours)),
                    }
                }
            }
            leave
        })
        .collect()
}

/// Leave record `i`.
fn leave_core(g: &Generator, i: usize) -> LeaveCore {
    match g.hrm.leave(i) {
        Some((e, k, _)) => {
            let employment = employment(g, e);
            leave_of(g, e, employment).swap_remove(k)
        }
        None => draw(g, i, None, None),
    }
}

/// Created a few weeks before it starts (not before the history, not after its end), updated
/// soon after.
fn planned(r: &mut SplitMix64, first: i64) -> (String, String) {
    let created = (first * 86_400 - r.range(1, 60) as i64 * 86_400 + 9 * 3600)
        .max(START + r.below(86_400) as i64)
        .min(END);
    let updated = rng::after(r, created, 14 * 86_400);
    (rng::timestamp(created), rng::timestamp(updated))
}

pub fn leave(g: &Generator, i: usize) -> Value {
    let core = leave_core(g, i);
    let mut r = g.rng(C::Leave, i);
    let (created, updated) = planned(&mut r, core.first);
    object! {
        "id": g.id_of(C::Leave, i),
        "employee": employee_simple(g, core.employee),
        "leavetype": core.kind.map_or(Value::Null, |k| h::copy(g, C::LeaveType, k)),
        "start_date": format!("{} 09:00:00", rng::date(core.first)),
        "end_date": format!("{} 17:30:00", rng::date(core.last)),
        "year": core.year(),
        "hours": core.hours,
        "description": note(&mut r, core.kind, core.first),
        "created_at": created,
        "updated_at": updated,
    }
}

/// Leave balance `i`: employee `e`'s `Verlof` in their `k`-th year of 2023–2025
/// ([`LEAVE_DAYS`](super::LEAVE_DAYS) a year, for the months employed).
pub fn leave_balance(g: &Generator, i: usize) -> Value {
    let Some((e, k)) = g.hrm.balance(i) else {
        return Value::Null;
    };
    let employment = employment(g, e);
    let Some(year) = employment.years().nth(k) else {
        return Value::Null;
    };
    let first = employment.in_history().map_or(0, |(first, _)| first);
    let from = first.max(days_from_civil(year, 1, 1));
    let entitled = employment.leave_hours(year);
    let mut taken = 0;
    let mut latest: Option<(i64, u64)> = None;
    for leave in leave_of(g, e, employment) {
        if leave.kind == Some(h::VERLOF) && leave.year() == year {
            taken += leave.hours;
            if latest.is_none_or(|(day, _)| leave.first >= day) {
                latest = Some((leave.first, leave.hours));
            }
        }
    }
    let verlof = (h::VERLOF < g.size(C::LeaveType)).then(|| h::copy(g, C::LeaveType, h::VERLOF));
    object! {
        "id": g.id_of(C::LeaveBalance, i),
        "employee": employee_simple(g, Some(e)),
        "leavetype": verlof,
        "year": year,
        "balance": entitled as f64 - taken as f64,
        "first_change": format!("{} 00:00:00", rng::date(from)),
        // The last change's amount: the latest leave taken, or the year's leave days.
        "last_change": latest.map_or(entitled as f64, |(_, hours)| -(hours as f64)),
    }
}

pub fn absence(g: &Generator, i: usize) -> Value {
    let mut r = g.rng(C::Absence, i);
    let day = weekday_from(rng::FIRST_DAY + r.below((END_DAY - rng::FIRST_DAY - 3) as u64) as i64);
    let e = worker_on(g, &mut r, day);
    let employment = e.map(|e| employment(g, e));
    let parttime = employment.as_ref().map_or(100, |e| e.parttime);
    // Not past their last day, nor past the seed's last.
    let until = employment
        .as_ref()
        .and_then(|e| e.end)
        .unwrap_or(END_DAY - 1)
        .min(END_DAY - 1);
    let kind = g.pick_weighted(C::AbsenceType, &mut r, h::ABSENCE_TYPE_WEIGHTS);
    let (last, start, end, hours) = match kind {
        Some(h::ZIEKTE) => {
            let workdays = if r.chance(10) {
                r.range(6, 20)
            } else {
                r.range(1, 5)
            };
            let last = add_workdays(day, workdays as i64 - 1).min(until).max(day);
            let workdays = (day..=last).filter(|&d| weekday_from(d) == d).count() as u64;
            (last, 9 * 60, 17 * 60 + 30, hours_of(workdays, parttime))
        }
        Some(k) if k == h::ZIEKTE + 2 => (day, 9 * 60, 17 * 60 + 30, hours_of(1, parttime)),
        _ => {
            let hours = r.range(1, 3);
            let start = 9 * 60 + 30 * r.below(12) as i64;
            (day, start, start + 60 * hours as i64, hours)
        }
    };
    let created = (last * 86_400 + 86_400 + r.below(5 * 86_400) as i64).min(END);
    let updated = rng::after(&mut r, created, 10 * 86_400);
    let at = |d: i64, minutes: i64| rng::timestamp(d * 86_400 + minutes * 60);
    object! {
        "id": g.id_of(C::Absence, i),
        "employee": employee_simple(g, e),
        "absencetype": kind.map_or(Value::Null, |k| h::copy(g, C::AbsenceType, k)),
        "start_date": at(day, start),
        "end_date": at(last, end),
        "year": civil_from_days(day).0,
        "hours": hours,
        "description": absence_note(&mut r, kind),
        "created_at": rng::timestamp(created),
        "updated_at": rng::timestamp(updated),
    }
}
