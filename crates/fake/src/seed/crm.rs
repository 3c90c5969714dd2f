//! CRM records: organizations, persons and the contact persons that link the two.
//!
//! The links are index arithmetic, so either side can list the other without a search:
//! contact person `i` works at organization `i mod #organizations` and is person
//! `(#employees + i) mod #persons` (the first persons are the employees).

use serde_json::Value;

use super::lookups::{self as l, RELATION_TYPE_WEIGHTS};
use super::rng::{self, bank_account, capitalise_first, digits, join_nonempty, postal_code, slug};
use super::words::{
    CITIES, COMPANY_WORDS, FAMILY_NAMES, FEMALE_NAMES, FOREIGN_CITIES, LEGAL_FORMS, MAIL_DOMAINS,
    MALE_NAMES, ORGANIZATION_NOTES, SECTORS, STREETS, WORK_FUNCTIONS,
};
use super::{empty, obj, s, Generator, C};
use crate::ids::SplitMix64;

/// At most this many linked contacts are embedded in an organization or person, so a record's
/// size stays bounded whatever the sizes.
const MAX_LINKED: usize = 4;

/// The fields of organization `j` other records copy. The e-mail domain and relation number
/// are made on demand: hours copy the name of their project's organization a million times.
pub struct OrgCore {
    pub name: String,
    /// The name without its legal form ("Polder Bouw"), for project and sales titles.
    pub base: String,
    index: usize,
}

impl OrgCore {
    /// "polderbouw.nl": for e-mail addresses and the website.
    pub fn domain(&self) -> String {
        let mut domain = slug(&self.base);
        domain.push_str(".nl");
        domain
    }

    pub fn relation_number(&self) -> String {
        let mut n = String::with_capacity(6);
        rng::push_u64(&mut n, 1001 + self.index as u64);
        n
    }
}

/// Three name patterns over the word tables give this many distinct base names.
const NAME_SPACE: u64 = (FAMILY_NAMES.len() * SECTORS.len()
    + FAMILY_NAMES.len() * (FAMILY_NAMES.len() - 1)
    + COMPANY_WORDS.len() * SECTORS.len()) as u64;

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// "Van den Berg": inside a company name the prefix is capitalised.
fn company_surname(k: usize) -> String {
    let (prefix, name) = FAMILY_NAMES[k];
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{} {name}", capitalise_first(prefix))
    }
}

/// Base name number `k` of the name space.
fn base_name(k: u64) -> String {
    let k = k as usize;
    let a = FAMILY_NAMES.len() * SECTORS.len();
    let b = FAMILY_NAMES.len() * (FAMILY_NAMES.len() - 1);
    if k < a {
        format!(
            "{} {}",
            company_surname(k / SECTORS.len()),
            SECTORS[k % SECTORS.len()]
        )
    } else if k < a + b {
        let k = k - a;
        let first = k / (FAMILY_NAMES.len() - 1);
        let mut second = k % (FAMILY_NAMES.len() - 1);
        if second >= first {
            second += 1;
        }
        format!("{} & {}", company_surname(first), company_surname(second))
    } else {
        let k = k - a - b;
        format!(
            "{} {}",
            COMPANY_WORDS[k / SECTORS.len()],
            SECTORS[k % SECTORS.len()]
        )
    }
}

/// Organization names are unique by construction (tests filter on them): index `j` maps through
/// a seed-chosen permutation of the name space (an affine map with a multiplier coprime to its
/// size), and past its end a number is appended.
pub fn org_core(g: &Generator, j: usize) -> OrgCore {
    let mut perm = g.core_rng(C::Organization, usize::MAX);
    let mut mul = perm.below(NAME_SPACE) | 1;
    while gcd(mul, NAME_SPACE) != 1 {
        mul += 2;
    }
    let add = perm.below(NAME_SPACE);
    let j64 = j as u64;
    let k = (mul * (j64 % NAME_SPACE) + add) % NAME_SPACE;
    let mut base = base_name(k);
    if j64 >= NAME_SPACE {
        base.push(' ');
        rng::push_u64(&mut base, j64 / NAME_SPACE + 1);
    }
    let mut r = g.core_rng(C::Organization, j);
    let legal = *r.pick(LEGAL_FORMS);
    OrgCore {
        name: join_nonempty(&[&base, legal]),
        base,
        index: j,
    }
}

/// An organization to do business with: not one of our own (organizations 0.. are the
/// own-organization profiles' companies) unless there are no others.
pub fn pick_client(g: &Generator, r: &mut SplitMix64) -> Option<usize> {
    let n = g.size(C::Organization);
    let own = g.size(C::MyOrganizationProfile).min(n);
    if n > own {
        Some(own + r.below((n - own) as u64) as usize)
    } else {
        g.pick(C::Organization, r)
    }
}

/// `{id, name, relation_number}` (GetOrganizationSimple), or null.
pub fn org_simple(g: &Generator, j: Option<usize>) -> Value {
    match j {
        Some(j) => {
            let core = org_core(g, j);
            let relation_number = core.relation_number();
            obj([
                ("id", s(g.id_of(C::Organization, j))),
                ("name", s(core.name)),
                ("relation_number", s(relation_number)),
            ])
        }
        None => Value::Null,
    }
}

/// `{id, name}`: the short copy projects and hours carry.
pub fn org_short(g: &Generator, j: Option<usize>) -> Value {
    match j {
        Some(j) => obj([
            ("id", s(g.id_of(C::Organization, j))),
            ("name", s(org_core(g, j).name)),
        ]),
        None => Value::Null,
    }
}

/// A person's identity: what other records copy of them.
pub struct PersonCore {
    /// Index into `lookups::GENDERS`.
    pub gender: usize,
    pub first_name: &'static str,
    pub prefix: &'static str,
    pub family_name: &'static str,
    pub full_name: String,
    pub relation_number: String,
}

/// A name and gender drawn from `r` (also used for employees when there are no persons).
pub fn identity(r: &mut SplitMix64, relation_number: u64) -> PersonCore {
    let roll = r.below(100);
    let (gender, names) = match roll {
        0..=46 => (0, MALE_NAMES),
        47..=94 => (1, FEMALE_NAMES),
        _ => (
            2,
            if roll.is_multiple_of(2) {
                MALE_NAMES
            } else {
                FEMALE_NAMES
            },
        ),
    };
    let first_name = *r.pick(names);
    let (prefix, family_name) = *r.pick(FAMILY_NAMES);
    let mut number = String::with_capacity(6);
    rng::push_u64(&mut number, relation_number);
    PersonCore {
        gender,
        first_name,
        prefix,
        family_name,
        full_name: join_nonempty(&[first_name, prefix, family_name]),
        relation_number: number,
    }
}

pub fn person_core(g: &Generator, j: usize) -> PersonCore {
    identity(&mut g.core_rng(C::Person, j), 2001 + j as u64)
}

/// `{id, full_name, relation_number}` (GetPersonSimple), or null.
pub fn person_simple(g: &Generator, j: Option<usize>) -> Value {
    match j {
        Some(j) => {
            let p = person_core(g, j);
            obj([
                ("id", s(g.id_of(C::Person, j))),
                ("full_name", s(p.full_name)),
                ("relation_number", s(p.relation_number)),
            ])
        }
        None => Value::Null,
    }
}

/// "daan.devries": the local part of a person's e-mail address.
fn mail_name(p: &PersonCore) -> String {
    let mut m = slug(p.first_name);
    m.push('.');
    m.push_str(&slug(p.prefix));
    m.push_str(&slug(p.family_name));
    m
}

/// What other records copy of contact person `i`.
pub struct ContactCore {
    pub org: Option<usize>,
    pub person: Option<usize>,
    pub person_core: Option<PersonCore>,
    pub is_active: bool,
    pub work_function: &'static str,
    pub work_email: String,
    pub work_phone: String,
    pub work_mobile: String,
}

pub fn contact_org(g: &Generator, i: usize) -> Option<usize> {
    g.wrap(C::Organization, i)
}

pub fn contact_person(g: &Generator, i: usize) -> Option<usize> {
    g.wrap(C::Person, g.size(C::Employee) + i)
}

/// The contact persons at organization `j` (the inverse of `contact_org`), at most `MAX_LINKED`.
fn contacts_of_org(g: &Generator, j: usize) -> impl Iterator<Item = usize> {
    let step = g.size(C::Organization).max(1);
    (j..g.size(C::ContactPerson)).step_by(step).take(MAX_LINKED)
}

/// The contact persons that are person `p` (the inverse of `contact_person`).
fn contacts_of_person(g: &Generator, p: usize) -> impl Iterator<Item = usize> {
    let n = g.size(C::Person).max(1);
    let first = (p + n - g.size(C::Employee) % n) % n;
    (first..g.size(C::ContactPerson))
        .step_by(n)
        .take(MAX_LINKED)
}

pub fn contact_core(g: &Generator, i: usize) -> ContactCore {
    let mut r = g.core_rng(C::ContactPerson, i);
    let org = contact_org(g, i);
    let person = contact_person(g, i);
    let person_core = person.map(|p| person_core(g, p));
    let domain = org.map_or_else(|| "example.nl".to_owned(), |o| org_core(g, o).domain());
    let local = person_core
        .as_ref()
        .map_or_else(|| "contact".to_owned(), mail_name);
    let (_, area, ..) = *r.pick(CITIES);
    ContactCore {
        org,
        person,
        person_core,
        is_active: r.chance(90),
        work_function: rng::pick_str(&mut r, WORK_FUNCTIONS),
        work_email: format!("{local}@{domain}"),
        work_phone: format!("{area}-{}", digits(&mut r, 10 - area.len() as u32)),
        work_mobile: format!("06-{}", digits(&mut r, 8)),
    }
}

/// An address; `Some(k)` of crm/country picks the country (0 is the Netherlands).
fn address(g: &Generator, r: &mut SplitMix64, kind: &str) -> Value {
    let country = if r.chance(92) {
        g.wrap(C::Country, 0)
    } else {
        g.pick(C::Country, r)
    };
    let k = country.unwrap_or(0);
    let (country_name, code, _) = l::COUNTRIES[k];
    let (locality, postal) = if k == 0 {
        let (locality, _, lo, hi) = *r.pick(CITIES);
        (locality, postal_code(r, lo, hi))
    } else {
        let options: Vec<_> = FOREIGN_CITIES.iter().filter(|c| c.0 == k).collect();
        let (_, locality, postal) = **r.pick(&options);
        (locality, postal.to_owned())
    };
    let mut id = String::from("address:");
    rng::push_hex(&mut id, r.next_u64(), 16);
    object! {
        "id": id,
        "type": kind,
        "line_1": format!("{} {}", r.pick(STREETS), r.range(1, 250)),
        "postal_code": postal,
        "locality": locality,
        "country": country_name,
        "country_code": code,
        "country_id": g.ref_id(C::Country, country),
    }
}

/// `{id, name}` of an employee: the compact copy hours carry.
pub fn employee_short(g: &Generator, e: Option<usize>) -> Value {
    match e {
        Some(e) => obj([
            ("id", s(g.id_of(C::Employee, e))),
            ("name", s(super::hrm::employee_core(g, e).name)),
        ]),
        None => Value::Null,
    }
}

/// `{id, person_id, name}` of an employee (GetEmployeeSimple), or null.
pub fn employee_simple(g: &Generator, e: Option<usize>) -> Value {
    match e {
        Some(e) => {
            let core = super::hrm::employee_core(g, e);
            obj([
                ("id", s(g.id_of(C::Employee, e))),
                ("person_id", g.ref_id(C::Person, core.person)),
                ("name", s(core.name)),
            ])
        }
        None => Value::Null,
    }
}

/// Custom field values: "external_link" (often a Google Docs link, the documentation's
/// example) and "part_of_country" (North, East, South, West, Centre; unset for some).
/// Only fields of the seeded definitions appear.
pub fn custom_fields(g: &Generator, defs: C, r: &mut SplitMix64, domain: &str) -> Value {
    let n = g.size(defs).min(l::fields(defs).len());
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let value = match l::fields(defs)[i].name {
            "external_link" => match r.below(10) {
                0..=3 => {
                    let mut v = String::from("https://docs.google.com/document/d/");
                    rng::push_hex(&mut v, r.next_u64(), 16);
                    rng::push_hex(&mut v, r.next_u64(), 12);
                    v.push_str("/edit");
                    Some(v)
                }
                4..=6 => Some(format!(
                    "https://www.{domain}/projecten/{}",
                    r.range(100, 999)
                )),
                _ => None,
            },
            "part_of_country" => match r.below(10) {
                0..=7 => Some((*r.pick(l::PARTS_OF_COUNTRY)).to_owned()),
                _ => None,
            },
            _ => {
                let options = l::fields(defs)[i].options;
                (!options.is_empty() && r.chance(60)).then(|| (*r.pick(options)).to_owned())
            }
        };
        out.push(l::custom_field_value(g, defs, i, value));
    }
    Value::Array(out)
}

/// Salt of the stream that decides whether an organization pays by direct debit (drawn apart
/// from the record's own stream, so adding it left the other fields as they were).
const AUTOCOLLECT_SALT: u64 = 0x6175_746f; // "auto"

pub fn organization(g: &Generator, i: usize) -> Value {
    let core = org_core(g, i);
    // About one customer in six lets us collect by direct debit (SEPA incasso).
    let autocollect = g.side_rng(C::Organization, i, AUTOCOLLECT_SALT).chance(15);
    let mut r = g.rng(C::Organization, i);
    let (_, area, ..) = *r.pick(CITIES);
    let phone = format!("{area}-{}", digits(&mut r, 10 - area.len() as u32));
    // The own companies (organizations 0.., one per own-organization profile) have their own
    // relation type; everyone else draws one of the others.
    let relation_type = if i < g.size(C::MyOrganizationProfile) {
        (l::OWN_COMPANY < g.size(C::RelationType)).then_some(l::OWN_COMPANY)
    } else {
        g.pick_weighted(C::RelationType, &mut r, RELATION_TYPE_WEIGHTS)
    }
    .map_or(Value::Null, |k| l::copy(g, C::RelationType, k));
    let industry = g
        .pick(C::Industry, &mut r)
        .map_or(Value::Null, |k| l::copy(g, C::Industry, k));
    let size = g
        .pick(C::OrganizationSize, &mut r)
        .map_or(Value::Null, |k| l::copy(g, C::OrganizationSize, k));
    let payment_term = g
        .pick_weighted(C::PaymentTerm, &mut r, l::PAYMENT_TERM_WEIGHTS)
        .map_or(Value::Null, |k| l::copy(g, C::PaymentTerm, k));
    let manager = if r.chance(70) {
        g.pick(C::Employee, &mut r)
    } else {
        None
    };
    let different_postal = r.chance(15);
    let visiting = address(g, &mut r, "default");
    let postal = if different_postal {
        address(g, &mut r, "postal")
    } else {
        Value::Null
    };
    let by_email = r.chance(80);
    let linked: Vec<Value> = contacts_of_org(g, i)
        .map(|cp| (cp, contact_core(g, cp)))
        .filter(|(_, c)| c.is_active)
        .map(|(cp, c)| {
            object! {
                "id": g.id_of(C::ContactPerson, cp),
                "person_id": g.ref_id(C::Person, c.person),
                "name": c.person_core.map_or_else(String::new, |p| p.full_name),
                "work_function": c.work_function,
                "work_email": c.work_email,
                "is_active": c.is_active,
            }
        })
        .collect();
    let domain = core.domain();
    let relation_number = core.relation_number();
    let custom_fields = custom_fields(g, C::OrganizationCustomField, &mut r, &domain);
    let (created, updated) = rng::created_updated(&mut r);
    let (created, updated) = (rng::timestamp(created), rng::timestamp(updated));
    let n = i + 1;
    let mut record = object! {
        "id": g.id_of(C::Organization, i),
        "name": core.name,
        "coc_code": digits(&mut r, 8),
        "vat_number": format!("NL{}B01", digits(&mut r, 9)),
        "email": format!("info@{domain}"),
        "phone": phone,
        "url": format!("www.{domain}"),
        "note": rng::pick_str(&mut r, ORGANIZATION_NOTES),
        "linkedin_url": if r.chance(40) { format!("https://www.linkedin.com/company/{}", domain.trim_end_matches(".nl")) } else { String::new() },
        "bank_account": bank_account(&mut r),
        "relation_number": relation_number,
        "is_active": r.chance(88),
        "allow_autocollect": autocollect,
        "has_different_postal_address": different_postal,
        "relation_type": relation_type,
        "industry": industry,
        "organizationsize": size,
        "relation_manager": employee_simple(g, manager),
        "visiting_address": visiting,
        "postal_address": postal,
        // The fixture's debtor keys.
        "debtor": object! {
            "payment_term": payment_term,
            "provision_method": if by_email { "email" } else { "post" },
            "cc": empty(),
            "attention_to": "none",
            "autocollect": autocollect,
            "send_email_type": "contact",
            "autosend_subscription_invoice": false,
            // The account's one invoice template (the API lists none; the fixture names one).
            "invoicetemplate_id": crate::ids::lookup_id("invoicetemplate", "Standaard"),
        },
        "interests": super::crm_more::organization_interests(g, i),
        "teams": empty(),
        "linked_persons_contacts": linked,
        "custom_fields": custom_fields,
        "simplicate_url": format!("https://acme.simplicate.nl/v1/crm/organization/view?id={n}"),
        "timeline_email_address": format!("acme+organization-{n}@in.simplicate.nl"),
        "created": created.clone(),
        "created_at": created,
        "modified": updated.clone(),
        "updated_at": updated,
    };
    // As in the fixture: no postal address key when it is the visiting address.
    if !different_postal {
        if let Value::Object(m) = &mut record {
            m.shift_remove("postal_address");
        }
    }
    record
}

pub fn person(g: &Generator, i: usize) -> Value {
    let p = person_core(g, i);
    let mut r = g.rng(C::Person, i);
    let gender_id = g.wrap(C::Gender, p.gender).filter(|&k| k == p.gender);
    let email = format!("{}@{}", mail_name(&p), r.pick(MAIL_DOMAINS));
    let birth = r
        .chance(70)
        .then(|| rng::date(rng::FIRST_DAY - 365 * 63 + r.below(365 * 43) as i64));
    let addresses = if r.chance(60) {
        vec![address(g, &mut r, "default")]
    } else {
        Vec::new()
    };
    let contacts: Vec<Value> = contacts_of_person(g, i)
        .map(|cp| {
            let c = contact_core(g, cp);
            object! {
                "id": g.id_of(C::ContactPerson, cp),
                "organization_id": g.ref_id(C::Organization, c.org),
                "name": c.org.map_or_else(String::new, |o| org_core(g, o).name),
                "is_active": c.is_active,
                "work_function": c.work_function,
                "work_email": c.work_email,
                "work_phone": c.work_phone,
                "work_mobile": c.work_mobile,
            }
        })
        .collect();
    let (created, updated) = rng::created_updated(&mut r);
    let mut initials = p
        .first_name
        .chars()
        .next()
        .map(String::from)
        .unwrap_or_default();
    initials.push('.');
    object! {
        "id": g.id_of(C::Person, i),
        "gender_id": g.ref_id(C::Gender, gender_id),
        "gender": l::GENDERS[p.gender],
        "initials": initials,
        "first_name": p.first_name,
        "family_name_prefix": p.prefix,
        "family_name": p.family_name,
        "full_name": p.full_name,
        "date_of_birth": birth,
        "email": email,
        "phone": format!("06-{}", digits(&mut r, 8)),
        "linkedin_url": "",
        "relation_number": p.relation_number,
        "is_active": r.chance(92),
        "is_employee": u8::from(i < g.size(C::Employee).min(g.size(C::Person))),
        "allow_autocollect": false,
        "use_custom_salutation": false,
        "note": "",
        "address": addresses,
        "linked_as_contact_to_organization": contacts,
        "interests": super::crm_more::person_interests(g, i),
        "custom_fields": super::crm_more::person_custom_fields(g, i),
        "simplicate_url": format!("https://acme.simplicate.nl/v1/crm/person/view?id={}", i + 1),
        // The legacy timestamps beside the new ones, as organizations and sales have them.
        "created": rng::timestamp(created),
        "created_at": rng::timestamp(created),
        "modified": rng::timestamp(updated),
        "updated_at": rng::timestamp(updated),
    }
}

pub fn contactperson(g: &Generator, i: usize) -> Value {
    let c = contact_core(g, i);
    let mut r = g.rng(C::ContactPerson, i);
    let (created, updated) = rng::created_updated(&mut r);
    object! {
        "id": g.id_of(C::ContactPerson, i),
        "organization": org_simple(g, c.org),
        "person": person_simple(g, c.person),
        "person_id": g.ref_id(C::Person, c.person),
        "is_active": c.is_active,
        "work_function": c.work_function,
        "work_email": c.work_email,
        "work_phone": c.work_phone,
        "work_mobile": c.work_mobile,
        "created_at": rng::timestamp(created),
        "updated_at": rng::timestamp(updated),
    }
}
