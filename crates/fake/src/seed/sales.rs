//! Sales opportunities, shaped after the fixture: `expected_revenue` and `chance_to_score` are
//! numbers there (unlike amounts elsewhere), `status` and `progress` are lookup objects, and the
//! contact is a contact person at the sale's organization.

use serde_json::Value;

use super::crm::{contact_core, custom_fields, employee_simple, org_core, org_short, pick_client};
use super::lookups::{self as l, SALES_STATUS_WEIGHTS};
use super::rng;
use super::words::SALES_TOPICS;
use super::{empty, Generator, C};

pub fn sales(g: &Generator, i: usize) -> Value {
    let mut r = g.rng(C::Sales, i);
    let org = pick_client(g, &mut r);
    let org_core = org.map(|o| org_core(g, o));
    // Contact person `o` works at organization `o` (see crm.rs), when there are that many.
    let contact = org.filter(|&o| o < g.size(C::ContactPerson));
    let contact_json = contact.map_or(Value::Null, |cp| {
        let c = contact_core(g, cp);
        let p = c.person_core.as_ref();
        object! {
            "id": g.id_of(C::ContactPerson, cp),
            "person_id": g.ref_id(C::Person, c.person),
            "first_name": p.map_or("", |p| p.first_name),
            "family_name_prefix": p.map_or("", |p| p.prefix),
            "family_name": p.map_or("", |p| p.family_name),
            "work_email": c.work_email,
            "work_mobile": c.work_mobile,
        }
    });
    let responsible = g.pick(C::Employee, &mut r);
    let progress = g.pick(C::SalesProgress, &mut r);
    let status = g.pick_weighted(C::SalesStatus, &mut r, SALES_STATUS_WEIGHTS);
    let source = g.pick(C::SalesSource, &mut r);
    let topic = *r.pick(SALES_TOPICS);
    let subject = match &org_core {
        Some(o) => format!("{topic} {}", o.base),
        None => topic.to_owned(),
    };
    let (created, updated) = rng::created_updated(&mut r);
    let start = created / 86_400;
    let closing = start + r.range(14, 180) as i64;
    let status_updated = rng::after(&mut r, created, updated - created);
    // A sale whose status never changed has no `status_updated_at` (real accounts: MySQL's
    // zero date, the fixture; a quirk): most open sales.
    let never_changed = status == Some(l::OPEN) && r.chance(60);
    let domain = org_core
        .as_ref()
        .map_or_else(|| "acme.nl".to_owned(), super::crm::OrgCore::domain);
    let custom_fields = custom_fields(g, C::SalesCustomField, &mut r, &domain);
    let n = i + 1;
    object! {
        "id": g.id_of(C::Sales, i),
        "subject": subject,
        "organization": org_short(g, org),
        "organization_id": g.ref_id(C::Organization, org),
        "contact": contact_json,
        "contact_id": g.ref_id(C::ContactPerson, contact),
        "responsible_employee": employee_simple(g, responsible),
        "my_organization_profile_id": g.ref_id(C::MyOrganizationProfile, g.wrap(C::MyOrganizationProfile, 0)),
        "progress": progress.map_or(Value::Null, |k| l::copy(g, C::SalesProgress, k)),
        "status": status.map_or(Value::Null, |k| l::labelled(g, C::SalesStatus, k)),
        "source": source.map_or(Value::Null, |k| l::sales_source(g, k)),
        "chance_to_score": r.range(1, 9) * 10,
        "expected_revenue": r.range(2, 400) * 500,
        "start_date": rng::date(start),
        "expected_closing_date": rng::date(closing),
        "status_updated_at": (!never_changed).then(|| rng::timestamp(status_updated)),
        "note": "",
        "separate_invoice_recipient": object! {"is_separate_invoice_recipient": false},
        "teams": empty(),
        "custom_fields": custom_fields,
        "simplicate_url": format!("https://acme.simplicate.nl/v1/acquisition/opportunity/view?id={n}"),
        "timeline_email_address": format!("acme+sales-{n}@in.simplicate.nl"),
        "created": rng::timestamp(created),
        "created_at": rng::timestamp(created),
        "modified": rng::timestamp(updated),
        "updated_at": rng::timestamp(updated),
    }
}
