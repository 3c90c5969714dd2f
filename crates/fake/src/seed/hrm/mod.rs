//! HRM: employees and what hangs off them — contracts and timetables (`contracts.rs`), leave,
//! leave balances and absence (`leave.rs`), documents (`documents.rs`) — and the HRM lookups
//! (`lookups.rs`).
//!
//! Employee `e` is person `e mod #persons` (in Simplicate every employee is a person in the CRM
//! too), so its name is that person's name.
//!
//! Each employee has an [`Employment`]: a start (most before 2023, where the account's history
//! in the seed begins; some hired during 2023–2025; employee 0 founded the company in 2012 and
//! never leaves), for some an end, one or two contracts covering it (a fixed-term or zero-hours
//! contract that became permanent, or one contract throughout), an employer (an own
//! organization), a part-time percentage, a salary and hourly tariffs. It is drawn from its own
//! stream (the contract collection's core stream at the employee's index), so any record can ask
//! whether employee `e` worked on a day without building the employee: hours, leave, absence and
//! documents only fall on days their employee was employed.
//!
//! Contracts (1–2 per employee), timetables (one per contract, at the contract's index) and leave
//! balances (one per employee and year of 2023–2025 they were employed) are sized by the
//! employees; [`Plan`] holds where each employee's contracts and balances start.

pub mod contracts;
pub mod documents;
pub mod leave;
pub mod lookups;

use serde_json::Value;

use self::lookups as h;
use super::crm::{employee_simple, identity, person_core};
use super::lookups::{self as l, EMPLOYEE_TYPE_WEIGHTS};
use super::rng::{self, bank_account, digits, slug, END_DAY, FIRST_DAY};
use super::words::{EMPLOYEE_FUNCTIONS, FAMILY_NAMES, FEMALE_NAMES, MALE_NAMES};
use super::{Generator, C};
use crate::ids::{civil_from_days, days_from_civil, lookup_id, SplitMix64};

pub struct EmployeeCore {
    pub person: Option<usize>,
    pub name: String,
    pub first_name: &'static str,
}

pub fn employee_core(g: &Generator, e: usize) -> EmployeeCore {
    let person = g.wrap(C::Person, e);
    let p = match person {
        Some(p) => person_core(g, p),
        // No persons seeded: the employee still needs a name.
        None => identity(&mut g.core_rng(C::Employee, e), 0),
    };
    EmployeeCore {
        person,
        name: p.full_name,
        first_name: p.first_name,
    }
}

// ---- employment --------------------------------------------------------------------------------

/// One contract's span and type.
#[derive(Debug, Clone)]
pub struct Span {
    /// First day (days since the epoch).
    pub start: i64,
    /// Last day; `None` while it runs.
    pub end: Option<i64>,
    /// Index into `lookups::CONTRACT_TYPES`.
    pub kind: usize,
}

/// What employee `e`'s employment looks like (see the module doc).
#[derive(Debug, Clone)]
pub struct Employment {
    pub start: i64,
    /// Last day employed; `None` while employed.
    pub end: Option<i64>,
    /// Index into `lookups::EMPLOYMENT_TYPES`, and the part-time percentage (100 for full time).
    pub employment_type: usize,
    pub parttime: u64,
    /// The own-organization profile (and so the own organization) employing them.
    pub employer: usize,
    /// Monthly salary for full time, in euros, under the first contract.
    pub salary: u64,
    /// Hourly tariffs now, in cents.
    pub sales_tariff: u64,
    pub cost_tariff: u64,
    pub contracts: Vec<Span>,
}

/// The company's founding, where employee 0's employment starts.
const FOUNDED: (i64, u32) = (2012, 1);
/// The last month anyone is hired in (the seed's data ends with 2025).
const LAST_HIRE: (i64, u32) = (2025, 9);

/// Months since year 0 ↔ (year, month).
fn month_index((y, m): (i64, u32)) -> i64 {
    y * 12 + i64::from(m) - 1
}

fn month_of(index: i64) -> (i64, u32) {
    (index.div_euclid(12), (index.rem_euclid(12) + 1) as u32)
}

fn first_day(index: i64) -> i64 {
    let (y, m) = month_of(index);
    days_from_civil(y, m, 1)
}

/// Employee `e`'s employment, as drawn when the generator was made (`Plan` keeps them all: hours
/// ask for one per record).
pub fn employment(g: &Generator, e: usize) -> &Employment {
    static NONE: Employment = Employment {
        start: FIRST_DAY,
        end: None,
        employment_type: h::FULLTIME,
        parttime: 100,
        employer: 0,
        salary: 0,
        sales_tariff: 0,
        cost_tariff: 0,
        contracts: Vec::new(),
    };
    // Callers name employees below the generator's count, which all have one.
    g.hrm.employments.get(e).unwrap_or(&NONE)
}

fn draw_employment(g: &Generator, e: usize) -> Employment {
    let mut r = g.core_rng(C::Contract, e);
    let sales_tariff = 7500 + 500 * r.below(8);
    let cost_tariff = sales_tariff / 2 - 500 * r.below(3);
    let (employment_type, parttime) = if r.chance(65) {
        (h::FULLTIME, 100)
    } else {
        (h::PARTTIME, *r.pick(&[60, 80, 80, 90]))
    };
    let employer = usize::from(!r.chance(85));
    let salary = 2400 + 100 * r.below(37);
    let founded = month_index(FOUNDED);
    let history = month_index((2023, 1));
    let start_month = if e == 0 {
        founded
    } else if r.chance(70) {
        r.range(founded as u64, history as u64 - 1) as i64
    } else {
        r.range(history as u64, month_index(LAST_HIRE) as u64) as i64
    };
    let start = first_day(start_month);
    // Some left during 2023–2025, after at least half a year; the last day of a month.
    let leaves = e != 0 && r.chance(15);
    let (lo, hi) = ((start_month + 6).max(history), month_index((2025, 11)));
    let end = (leaves && lo <= hi).then(|| first_day(r.range(lo as u64, hi as u64) as i64 + 1) - 1);
    let two = r.chance(45);
    let first_kind = if r.chance(80) {
        h::FIXED_TERM
    } else {
        h::ZERO_HOURS
    };
    let split = first_day(start_month + if r.chance(50) { 6 } else { 12 });
    let permanent = if e == 0 || r.chance(85) {
        h::PERMANENT
    } else {
        h::ZERO_HOURS
    };
    let contracts = if two && split < END_DAY && end.is_none_or(|end| split <= end) {
        vec![
            Span {
                start,
                end: Some(split - 1),
                kind: first_kind,
            },
            Span {
                start: split,
                end,
                kind: h::PERMANENT,
            },
        ]
    } else {
        vec![Span {
            start,
            end,
            kind: permanent,
        }]
    };
    Employment {
        start,
        end,
        employment_type,
        parttime,
        employer,
        salary,
        sales_tariff,
        cost_tariff,
        contracts,
    }
}

impl Employment {
    pub fn employed_on(&self, day: i64) -> bool {
        day >= self.start && self.end.is_none_or(|end| day <= end)
    }

    /// The days of the seed's years (2023–2025) they were employed: `(first, last)`.
    pub fn in_history(&self) -> Option<(i64, i64)> {
        let first = self.start.max(FIRST_DAY);
        let last = self.end.unwrap_or(END_DAY - 1).min(END_DAY - 1);
        (first <= last).then_some((first, last))
    }

    /// The years of 2023–2025 they were employed in (at least one day).
    pub fn years(&self) -> impl Iterator<Item = i64> {
        let (first, last) = self.in_history().unwrap_or((1, 0));
        civil_from_days(first).0..=civil_from_days(last).0
    }

    pub fn active(&self) -> bool {
        self.end.is_none_or(|end| end >= END_DAY)
    }

    /// Hours of leave for `year`: [`LEAVE_DAYS`] for the months of it employed (counting the
    /// months they start and end in), their part-time share.
    pub fn leave_hours(&self, year: i64) -> u64 {
        let Some((first, last)) = self.in_history() else {
            return 0;
        };
        let from = first.max(days_from_civil(year, 1, 1));
        let to = last.min(days_from_civil(year, 12, 31));
        if from > to {
            return 0;
        }
        let months = u64::from(civil_from_days(to).1 - civil_from_days(from).1 + 1);
        (LEAVE_DAYS * months * 8 * self.parttime).div_ceil(100) / 12
    }

    /// Monthly salary for full time under contract `k`: 5% more with each new contract,
    /// rounded to 50 euros.
    pub fn salary_of(&self, k: usize) -> u64 {
        (self.salary * (100 + 5 * k as u64) / 100).div_ceil(50) * 50
    }
}

/// Days of leave a year for full time; part time gets its share.
pub const LEAVE_DAYS: u64 = 25;

/// Where each employee's records start: contracts, leave balances and leave.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Every employee's employment.
    employments: Vec<Employment>,
    /// `contracts[e]`: index of employee `e`'s first contract; the last entry is the total.
    contracts: Vec<usize>,
    balances: Vec<usize>,
    /// Leave is shared out in proportion to the days employed in 2023–2025, so someone hired
    /// in 2025 takes a few weeks, not three years' worth.
    leave: Vec<usize>,
}

impl Plan {
    /// For the generator's employees and sizes (its streams must be set up).
    pub fn new(g: &Generator) -> Plan {
        let n = g.size(C::Employee);
        let (mut contracts, mut balances, mut days) = (vec![0], vec![0], vec![0]);
        let employments: Vec<Employment> = (0..n).map(|e| draw_employment(g, e)).collect();
        for (e, employment) in employments.iter().enumerate() {
            contracts.push(contracts[e] + employment.contracts.len());
            balances.push(balances[e] + employment.years().count());
            let employed = employment.in_history().map_or(0, |(a, b)| b - a + 1);
            days.push(days[e] + employed as usize);
        }
        let total = days.last().copied().unwrap_or(0).max(1);
        let leaves = g.size(C::Leave);
        let leave = if n == 0 {
            vec![0]
        } else {
            days.iter().map(|d| (d * leaves).div_ceil(total)).collect()
        };
        Plan {
            employments,
            contracts,
            balances,
            leave,
        }
    }

    /// Leave `i` → (employee, the how-manieth of theirs, how many they take); `None` past the
    /// end, and when there are no employees.
    pub fn leave(&self, i: usize) -> Option<(usize, usize, usize)> {
        let (e, k) = locate(&self.leave, i)?;
        Some((e, k, self.leave[e + 1] - self.leave[e]))
    }

    /// The leave of employee `e`.
    pub fn leave_of(&self, e: usize) -> std::ops::Range<usize> {
        match (self.leave.get(e), self.leave.get(e + 1)) {
            (Some(&a), Some(&b)) => a..b,
            _ => 0..0,
        }
    }

    pub fn contracts(&self) -> usize {
        self.contracts.last().copied().unwrap_or(0)
    }

    pub fn balances(&self) -> usize {
        self.balances.last().copied().unwrap_or(0)
    }

    /// Contract `i` → (employee, its contract number); `None` past the end.
    pub fn contract(&self, i: usize) -> Option<(usize, usize)> {
        locate(&self.contracts, i)
    }

    /// Leave balance `i` → (employee, the how-manieth of their years in 2023–2025).
    pub fn balance(&self, i: usize) -> Option<(usize, usize)> {
        locate(&self.balances, i)
    }
}

fn locate(starts: &[usize], i: usize) -> Option<(usize, usize)> {
    if i >= starts.last().copied().unwrap_or(0) {
        return None;
    }
    let e = starts.partition_point(|&s| s <= i) - 1;
    Some((e, i - starts[e]))
}

/// An employee who worked on `day`, drawn from `r`: employees employed that day, part-timers
/// in proportion to their hours. Employee 0 (never gone) when a few draws find nobody; `None`
/// when there are no employees.
pub fn worker_on(g: &Generator, r: &mut SplitMix64, day: i64) -> Option<usize> {
    let n = g.size(C::Employee);
    if n == 0 {
        return None;
    }
    for _ in 0..16 {
        let e = r.below(n as u64) as usize;
        let employment = employment(g, e);
        if employment.employed_on(day) && r.below(100) < employment.parttime {
            return Some(e);
        }
    }
    Some(0)
}

/// `day`, or the Friday before when it is a Saturday or Sunday.
pub fn weekday_back(day: i64) -> i64 {
    match (day + 4).rem_euclid(7) {
        6 => day - 1,
        0 => day - 2,
        _ => day,
    }
}

/// `day`, or the next Monday when it is a Saturday or Sunday.
pub fn weekday_from(day: i64) -> i64 {
    match (day + 4).rem_euclid(7) {
        6 => day + 2,
        0 => day + 1,
        _ => day,
    }
}

/// The day `workdays` working days after `day` (a weekday): weekends are skipped.
pub fn add_workdays(day: i64, workdays: i64) -> i64 {
    let mut d = day;
    for _ in 0..workdays {
        d = weekday_from(d + 1);
    }
    d
}

// ---- employees ---------------------------------------------------------------------------------

/// The team an employee's function belongs to (indices into `lookups::TEAMS`).
fn team_of(function: &str) -> usize {
    match function {
        "Developer" | "Senior developer" => 0,
        "Designer" => 1,
        "Consultant" | "Senior consultant" | "Projectmanager" => 2,
        "Supportmedewerker" => 3,
        "Accountmanager" => 4,
        _ => h::MANAGEMENT,
    }
}

/// The employee's values of the employees' custom fields (unset for some).
fn custom_fields(g: &Generator, r: &mut SplitMix64) -> Value {
    let n = g.size(C::EmployeeCustomField).min(h::FIELDS.len());
    let mut out = Vec::with_capacity(n);
    for (i, f) in h::FIELDS.iter().enumerate().take(n) {
        let value = match f.name {
            "emergency_contact" => r.chance(60).then(|| {
                let names = if r.chance(50) {
                    MALE_NAMES
                } else {
                    FEMALE_NAMES
                };
                let first = *r.pick(names);
                let (prefix, family) = *r.pick(FAMILY_NAMES);
                let name = rng::join_nonempty(&[first, prefix, family]);
                format!("{name} (06-{})", digits(r, 8))
            }),
            _ => r.chance(85).then(|| (*r.pick(f.options)).to_owned()),
        };
        out.push(h::field_json(g, i, Some(value)));
    }
    Value::Array(out)
}

pub fn employee(g: &Generator, i: usize) -> Value {
    let core = employee_core(g, i);
    let employment = employment(g, i);
    let mut r = g.rng(C::Employee, i);
    let function = if i == 0 {
        "Directeur"
    } else {
        *r.pick(EMPLOYEE_FUNCTIONS)
    };
    let kind = g
        .pick_weighted(C::EmployeeType, &mut r, EMPLOYEE_TYPE_WEIGHTS)
        .map_or(Value::Null, |k| l::labelled(g, C::EmployeeType, k));
    let active = employment.active();
    let status = if active { "active" } else { "inactive" };
    let (created, updated) = rng::created_updated(&mut r);
    let supervisor = if i == 0 { None } else { g.wrap(C::Employee, 0) };
    let initials: String = core
        .name
        .split(' ')
        .filter_map(|w| w.chars().next())
        .filter(|c| c.is_uppercase())
        .collect();
    let civil = g
        .pick_weighted(C::CivilStatus, &mut r, h::CIVIL_STATUS_WEIGHTS)
        .map_or("", |k| h::CIVIL_STATUSES[k]);
    let mut teams = vec![team_of(function)];
    if r.chance(10) {
        let other = r.below(h::TEAMS.len() as u64) as usize;
        if other != teams[0] {
            teams.push(other);
        }
    }
    let teams: Vec<Value> = teams
        .into_iter()
        .filter(|&t| t < g.size(C::Team))
        .map(|t| h::copy(g, C::Team, t))
        .collect();
    let custom_fields = custom_fields(g, &mut r);
    object! {
        "id": g.id_of(C::Employee, i),
        "person_id": g.ref_id(C::Person, core.person),
        "name": core.name,
        "function": function,
        "type": kind,
        "employment_status": status,
        // hrm/employeestatus is not in the spec (clients use it); its ids are label-derived.
        "status": object! {"id": lookup_id("employeestatus", status), "label": status},
        "is_user": u8::from(active),
        "work_email": format!("{}@acme.nl", slug(core.first_name)),
        "work_phone": format!("030-{}", digits(&mut r, 7)),
        "work_mobile": format!("06-{}", digits(&mut r, 8)),
        "bank_account": bank_account(&mut r),
        "civil_status": civil,
        "hourly_sales_tariff": rng::amount(employment.sales_tariff),
        "hourly_cost_tariff": rng::amount(employment.cost_tariff),
        "supervisor": employee_simple(g, supervisor),
        "teams": teams,
        "custom_fields": custom_fields,
        "avatar": object! {"initials": initials, "color": "#3498db"},
        "simplicate_url": format!("https://acme.simplicate.nl/v1/hrm/employee/view?id={}", i + 1),
        "created_at": rng::timestamp(created),
        "updated_at": rng::timestamp(updated),
    }
}
