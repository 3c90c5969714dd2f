//! Employees. Employee `e` is person `e mod #persons` (in Simplicate every employee is a person
//! in the CRM too), so its name is that person's name.

use serde_json::Value;

use super::crm::{employee_simple, identity, person_core};
use super::lookups::{self as l, EMPLOYEE_TYPE_WEIGHTS};
use super::rng::{self, bank_account, digits, slug};
use super::words::EMPLOYEE_FUNCTIONS;
use super::{empty, Generator, C};
use crate::fake::ids::lookup_id;

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

pub fn employee(g: &Generator, i: usize) -> Value {
    let core = employee_core(g, i);
    let mut r = g.rng(C::Employee, i);
    let function = *r.pick(EMPLOYEE_FUNCTIONS);
    let kind = g
        .pick_weighted(C::EmployeeType, &mut r, EMPLOYEE_TYPE_WEIGHTS)
        .map_or(Value::Null, |k| l::labelled(g, C::EmployeeType, k));
    let active = r.chance(90);
    let status = if active { "active" } else { "inactive" };
    let sales = 7500 + 500 * r.below(8);
    let cost = sales / 2 - 500 * r.below(3);
    let (created, updated) = rng::created_updated(&mut r);
    let supervisor = if i == 0 { None } else { g.wrap(C::Employee, 0) };
    let initials: String = core
        .name
        .split(' ')
        .filter_map(|w| w.chars().next())
        .filter(|c| c.is_uppercase())
        .collect();
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
        "civil_status": "",
        "hourly_sales_tariff": rng::money(sales),
        "hourly_cost_tariff": rng::money(cost),
        "supervisor": employee_simple(g, supervisor),
        "teams": empty(),
        "custom_fields": empty(),
        "avatar": object! {"initials": initials, "color": "#3498db"},
        "simplicate_url": format!("https://acme.simplicate.nl/v1/hrm/employee/view?id={}", i + 1),
        "created_at": rng::timestamp(created),
        "updated_at": rng::timestamp(updated),
    }
}
