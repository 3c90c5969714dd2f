//! Projects and their services. Service `s` belongs to project `s mod #projects`, so hours can
//! book on a service and name its project consistently.

use serde_json::Value;

use super::crm::{
    custom_fields, employee_simple, org_core, org_short, org_simple, pick_client, OrgCore,
};
use super::hrm::employee_core;
use super::lookups::{self as l, PROJECT_STATUS_WEIGHTS};
use super::rng::{self, END, START};
use super::words::{PROJECT_TOPICS, SERVICE_NAMES};
use super::{empty, obj, s, Generator, C};
use crate::ids::{days_from_civil, SplitMix64};

/// Services created from this day on carry UUID-v7 ids (changelog 2024-11: "newly created
/// project services may have an ID in UUID-v7 format").
fn uuid_since() -> i64 {
    days_from_civil(2024, 11, 1) * 86_400
}

pub const INVOICE_METHODS: &[&str] = &["FixedFee", "Hours", "Subscription"];
const INVOICE_METHOD_WEIGHTS: &[u64] = &[35, 50, 15];

/// What other records copy of project `j`.
pub struct ProjectCore {
    pub name: String,
    pub number: String,
    pub org: Option<usize>,
    pub org_core: Option<OrgCore>,
    pub manager: Option<usize>,
}

pub fn project_core(g: &Generator, j: usize) -> ProjectCore {
    let mut r = g.core_rng(C::Project, j);
    let org = pick_client(g, &mut r);
    let manager = g.pick(C::Employee, &mut r);
    let topic = *r.pick(PROJECT_TOPICS);
    let org_core = org.map(|o| org_core(g, o));
    let name = match &org_core {
        Some(o) => format!("{topic} {}", o.base),
        None => topic.to_owned(),
    };
    let mut number = String::with_capacity(6);
    number.push('P');
    rng::push_padded(&mut number, j as u64 + 1, 4);
    ProjectCore {
        name,
        number,
        org,
        org_core,
        manager,
    }
}

/// `{id, name, project_number}` plus `organization {id, name}`: the copy invoices carry (hours
/// leave out the number, to stay compact).
pub fn project_simple(
    g: &Generator,
    j: Option<usize>,
    core: Option<&ProjectCore>,
    with_number: bool,
) -> Value {
    let (Some(j), Some(p)) = (j, core) else {
        return Value::Null;
    };
    let org = match (p.org, &p.org_core) {
        (Some(o), Some(oc)) => obj([
            ("id", s(g.id_of(C::Organization, o))),
            ("name", s(oc.name.clone())),
        ]),
        _ => Value::Null,
    };
    let id = s(g.id_of(C::Project, j));
    if with_number {
        obj([
            ("id", id),
            ("name", s(p.name.clone())),
            ("project_number", s(p.number.clone())),
            ("organization", org),
        ])
    } else {
        obj([
            ("id", id),
            ("name", s(p.name.clone())),
            ("organization", org),
        ])
    }
}

/// `{id, organization {id, name}}` of an own-organization profile, and its id.
pub fn my_profile(g: &Generator, p: Option<usize>) -> (Value, Value) {
    match p {
        Some(p) => {
            let id = g.id_of(C::MyOrganizationProfile, p);
            let org = org_short(g, g.wrap(C::Organization, p));
            (obj([("id", s(id.clone())), ("organization", org)]), s(id))
        }
        None => (Value::Null, Value::Null),
    }
}

pub fn project(g: &Generator, i: usize) -> Value {
    let core = project_core(g, i);
    let mut r = g.rng(C::Project, i);
    let profile = if r.chance(85) {
        g.wrap(C::MyOrganizationProfile, 0)
    } else {
        g.pick(C::MyOrganizationProfile, &mut r)
    };
    let (my_profile, my_profile_id) = my_profile(g, profile);
    let status = g
        .pick_weighted(C::ProjectStatus, &mut r, PROJECT_STATUS_WEIGHTS)
        .map_or(Value::Null, |k| l::labelled(g, C::ProjectStatus, k));
    // The documentation selects `project_manager.employee_id`; `id` is the employee's id too.
    let manager = core.manager.map(|m| {
        let e = employee_core(g, m);
        let id = g.id_of(C::Employee, m);
        object! {
            "id": id.clone(),
            "employee_id": id,
            "person_id": g.ref_id(C::Person, e.person),
            "name": e.name,
        }
    });
    let mut employees = vec![employee_simple(g, core.manager)];
    for _ in 0..r.below(3) {
        let other = g.pick(C::Employee, &mut r);
        if other.is_some() && other != core.manager {
            employees.push(employee_simple(g, other));
        }
    }
    employees.retain(|e| !e.is_null());
    let method = *r.pick(INVOICE_METHODS);
    let (created, updated) = rng::created_updated(&mut r);
    let start = created / 86_400 + r.below(30) as i64;
    let end = (r.chance(70)).then(|| rng::date(start + r.range(30, 365) as i64));
    let hours_budget = r.range(2, 60) * 1000; // hundredths of hours: 20 to 600 hours
    let rate = 8500 + 500 * r.below(5);
    let hours_value = hours_budget * rate / 100;
    let spent_pct = r.below(110);
    let costs_budget = r.below(20) * 25_000;
    let total = hours_value + costs_budget;
    let spent = total * spent_pct / 100;
    let domain = core
        .org_core
        .as_ref()
        .map_or_else(|| "acme.nl".to_owned(), OrgCore::domain);
    let custom_fields = custom_fields(g, C::ProjectCustomField, &mut r, &domain);
    object! {
        "id": g.id_of(C::Project, i),
        "project_number": core.number,
        "name": core.name,
        "billable": r.chance(90),
        "can_register_mileage": r.chance(30),
        "is_reverse_billing": false,
        "is_invoice_approval": r.chance(20),
        "invoice_method": method,
        "hours_rate_type": "employee_tariff",
        "start_date": rng::date(start),
        "end_date": end,
        "note": "",
        "invoice_reference": if r.chance(30) { format!("PO-{}", r.range(10_000, 99_999)) } else { String::new() },
        "organization": org_simple(g, core.org),
        "organization_id": g.ref_id(C::Organization, core.org),
        "my_organization_profile": my_profile,
        "my_organization_profile_id": my_profile_id,
        "project_manager": manager,
        "project_status": status,
        "employees": employees,
        "budget": object! {
            "hours": object! {
                "amount_budget": rng::amount(hours_budget),
                "amount_spent": rng::amount(hours_budget * spent_pct / 100),
                "value_budget": rng::amount(hours_value),
                "value_spent": rng::amount(hours_value * spent_pct / 100),
            },
            "costs": object! {
                "value_budget": rng::amount(costs_budget),
                "value_spent": rng::amount(costs_budget * spent_pct / 100),
            },
            "total": object! {
                "value_budget": rng::amount(total),
                "value_spent": rng::amount(spent),
                "value_invoiced": rng::amount(spent * r.below(101) / 100),
            },
        },
        "separate_invoice_recipient": object! {"is_separate_invoice_recipient": false},
        "custom_fields": custom_fields,
        "simplicate_url": format!("https://acme.simplicate.nl/v1/projects/project/view?id={}", i + 1),
        // The legacy timestamps beside the new ones, as organizations and sales have them.
        "created": rng::timestamp(created),
        "created_at": rng::timestamp(created),
        "modified": rng::timestamp(updated),
        "updated_at": rng::timestamp(updated),
    }
}

/// What other records copy of service `s`.
pub struct ServiceCore {
    pub created: i64,
    pub name: &'static str,
    pub project: Option<usize>,
}

/// The creation time comes first in the service's core stream: the id depends on it, and
/// `service_id` then costs one draw.
fn service_created(r: &mut SplitMix64) -> i64 {
    r.range(START as u64, END as u64) as i64
}

pub fn service_core(g: &Generator, i: usize) -> ServiceCore {
    let mut r = g.core_rng(C::Service, i);
    let created = service_created(&mut r);
    ServiceCore {
        created,
        name: rng::pick_str(&mut r, SERVICE_NAMES),
        project: g.wrap(C::Project, i),
    }
}

pub fn service_id(g: &Generator, i: usize) -> String {
    let created = service_created(&mut g.core_rng(C::Service, i));
    let unique = g.unique(C::Service, i);
    if created >= uuid_since() {
        // Milliseconds inside the creation second, from bits the hex part would have used.
        rng::uuid_v7(created as u64 * 1000 + (unique >> 54) % 1000, unique)
    } else {
        rng::hex_id(Generator::prefix(C::Service), unique, None)
    }
}

/// `{id, name}` of a service, as hours carry it.
pub fn service_short(g: &Generator, i: Option<usize>, core: Option<&ServiceCore>) -> Value {
    match (i, core) {
        (Some(i), Some(c)) => obj([("id", s(service_id(g, i))), ("name", s(c.name))]),
        _ => Value::Null,
    }
}

pub fn service(g: &Generator, i: usize) -> Value {
    let core = service_core(g, i);
    let mut r = g.rng(C::Service, i);
    let method_index = rng::weighted(&mut r, INVOICE_METHOD_WEIGHTS);
    let method = INVOICE_METHODS[method_index];
    let updated = rng::after(&mut r, core.created, 300 * 86_400);
    let start = core.created / 86_400 + r.below(20) as i64;
    let end = start + r.range(30, 365) as i64;
    let price = r.range(4, 200) * 5_000;
    let vat = g
        .wrap(C::VatClass, 0)
        .map_or(Value::Null, |k| l::copy(g, C::VatClass, k));
    let revenue = g
        .pick(C::RevenueGroup, &mut r)
        .map_or(Value::Null, |k| l::labelled(g, C::RevenueGroup, k));
    let mut hour_types = Vec::new();
    for _ in 0..r.range(1, 2) {
        if let Some(k) = g.pick_weighted(C::HoursType, &mut r, l::HOURS_TYPE_WEIGHTS) {
            let (_, tariff, billable, color) = l::HOURS_TYPES[k];
            hour_types.push(object! {
                "hourstype": l::hours_type_short(g, k),
                "color": color,
                "budgeted_amount": rng::amount(r.range(8, 200) * 100),
                "tariff": rng::amount(tariff),
                "billable": billable,
            });
        }
    }
    let status = if end < rng::END_DAY - 200 {
        "invoiced"
    } else {
        "open"
    };
    let mut number = String::from("S");
    rng::push_padded(&mut number, i as u64 + 1, 5);
    let mut record = object! {
        "id": service_id(g, i),
        "project_id": g.ref_id(C::Project, core.project),
        // The default service it was made from: the one of its name.
        "default_service_id": g.ref_id(C::DefaultService, super::lookups_more::default_service_of(g, core.name)),
        "name": core.name,
        "explanation": "",
        "invoice_method": method,
        "subscription_cycle": if method == "Subscription" { s(*r.pick(&["Month", "Quarter", "Year"])) } else { Value::Null },
        "status": status,
        "start_date": rng::date(start),
        "end_date": rng::date(end),
        "write_hours_start_date": rng::date(start),
        "write_hours_end_date": rng::date(end),
        "budget": rng::amount(price),
        "amount": 1.0,
        "price": rng::amount(price),
        "track_hours": method != "Subscription",
        "track_cost": r.chance(30),
        "use_in_resource_planner": r.chance(60),
        "invoice_in_installments": false,
        "installments": empty(),
        "service_number": number,
        "vat_class": vat,
        "revenue_group": revenue,
        "hour_types": hour_types,
        "cost_types": empty(),
        "created_at": rng::timestamp(core.created),
        "updated_at": rng::timestamp(updated),
    };
    if method != "Subscription" {
        if let Value::Object(m) = &mut record {
            m.shift_remove("subscription_cycle");
        }
    }
    record
}
