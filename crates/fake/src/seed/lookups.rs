//! The lookups: small fixed tables (relation types, statuses, hour types, custom field
//! definitions, ...) that main records refer to. Each has a record builder and, where main
//! records embed a smaller copy, a builder of that copy, so copy and record cannot drift apart.

use serde_json::{json, Value};

use super::{obj, s, Generator, C};

/// (label, colour). The last is the own companies' type (the organizations behind the
/// own-organization profiles); the others are drawn for everyone else.
pub const RELATION_TYPES: &[(&str, &str)] = &[
    ("Klant", "#27ae60"),
    ("Prospect", "#3498db"),
    ("Leverancier", "#e67e22"),
    ("Partner", "#8e44ad"),
    ("Oud-klant", "#7f8c8d"),
    ("Eigen bedrijf", "#666666"),
];
pub const RELATION_TYPE_WEIGHTS: &[u64] = &[45, 20, 15, 10, 10, 0];
/// Index of the own companies' relation type in `RELATION_TYPES`.
pub const OWN_COMPANY: usize = 5;

pub const INDUSTRIES: &[&str] = &[
    "Bouw",
    "ICT en telecommunicatie",
    "Zakelijke en persoonlijke dienstverlening",
    "Groot- en detailhandel",
    "Onderwijs",
    "Gezondheidszorg",
    "Transport en logistiek",
    "Horeca",
    "Creatieve industrie",
];

pub const ORGANIZATION_SIZES: &[&str] = &[
    "1-5 medewerkers",
    "5-20 medewerkers",
    "20-50 medewerkers",
    "50-100 medewerkers",
    "100+ medewerkers",
];

/// (name, ISO code, language). Addresses are Dutch but for a few.
pub const COUNTRIES: &[(&str, &str, &str)] = &[
    ("Nederland", "NL", "nl"),
    ("België", "BE", "nl"),
    ("Duitsland", "DE", "de"),
    ("Verenigd Koninkrijk", "GB", "en"),
    ("Frankrijk", "FR", "fr"),
];

/// Simplicate's person `gender` values; `gender_id` points here.
pub const GENDERS: &[&str] = &["Male", "Female", "Unknown"];

/// (name used when there are no organizations, chamber of commerce number, VAT number, bank).
/// Each profile is organization 0, 1, ... of crm/organization: our own company is in the CRM.
pub const MY_ORGANIZATION_PROFILES: &[(&str, &str, &str, &str)] = &[
    (
        "Acme Consultancy B.V.",
        "61234567",
        "NL854321987B01",
        "NL02ABNA0123456789",
    ),
    (
        "Acme Software B.V.",
        "71234568",
        "NL854321988B01",
        "NL44RABO0123456780",
    ),
];

/// (model, name, position): custom field groups, per model as in Simplicate.
pub const CUSTOM_FIELD_GROUPS: &[(&str, &str, &str)] = &[
    ("organization", "Algemeen", "1"),
    ("organization", "Regio", "2"),
    ("project", "Algemeen", "1"),
    ("project", "Regio", "2"),
    ("sales", "Algemeen", "1"),
    ("sales", "Regio", "2"),
    ("person", "Algemeen", "1"),
    ("person", "Marketing", "2"),
];

/// A custom field definition. Dropdown values are the option labels themselves, so the
/// documentation's filter `q[custom_fields.part_of_country]=North` works on `value`.
pub struct FieldDef {
    pub model: &'static str,
    pub name: &'static str,
    pub label: &'static str,
    pub render_type: &'static str,
    pub value_type: &'static str,
    /// Index into `CUSTOM_FIELD_GROUPS`.
    pub group: usize,
    pub options: &'static [&'static str],
}

/// The documentation's example fields ("External link", "Part of country" with North, East,
/// South, West, Centre) exist for organizations, projects and sales alike.
pub const PARTS_OF_COUNTRY: &[&str] = &["North", "East", "South", "West", "Centre"];

const fn field(
    model: &'static str,
    name: &'static str,
    label: &'static str,
    render_type: &'static str,
    value_type: &'static str,
    group: usize,
    options: &'static [&'static str],
) -> FieldDef {
    FieldDef {
        model,
        name,
        label,
        render_type,
        value_type,
        group,
        options,
    }
}

#[rustfmt::skip]
pub const ORGANIZATION_FIELDS: &[FieldDef] = &[
    field("organization", "external_link", "External link", "textbox", "Text", 0, &[]),
    field("organization", "part_of_country", "Part of country", "dropdown", "Text", 1, PARTS_OF_COUNTRY),
];
#[rustfmt::skip]
pub const PROJECT_FIELDS: &[FieldDef] = &[
    field("project", "external_link", "External link", "textbox", "Text", 2, &[]),
    field("project", "part_of_country", "Part of country", "dropdown", "Text", 3, PARTS_OF_COUNTRY),
];
#[rustfmt::skip]
pub const SALES_FIELDS: &[FieldDef] = &[
    field("sales", "external_link", "External link", "textbox", "Text", 4, &[]),
    field("sales", "part_of_country", "Part of country", "dropdown", "Text", 5, PARTS_OF_COUNTRY),
];

/// (name, days).
pub const PAYMENT_TERMS: &[(&str, u64)] = &[
    ("14 dagen", 14),
    ("30 dagen", 30),
    ("8 dagen", 8),
    ("60 dagen", 60),
];
pub const PAYMENT_TERM_WEIGHTS: &[u64] = &[50, 30, 10, 10];

/// (name, colour): the invoice `status` object (an object, not the spec's string enum).
pub const INVOICE_STATUSES: &[(&str, &str)] = &[
    ("Concept", "#95a5a6"),
    ("Sent", "#3498db"),
    ("Overdue", "#e74c3c"),
    ("Paid", "#27ae60"),
];
pub const INVOICE_STATUS_WEIGHTS: &[u64] = &[10, 20, 10, 60];
pub const PAID: usize = 3;

/// (code, label, percentage).
pub const VAT_CLASSES: &[(&str, &str, u64)] = &[
    ("1", "Hoog", 21),
    ("2", "Laag", 9),
    ("3", "Nul", 0),
    ("4", "Verlegd", 0),
];
pub const VAT_CLASS_WEIGHTS: &[u64] = &[85, 10, 3, 2];

/// (label, tariff in cents, billable, colour).
pub const HOURS_TYPES: &[(&str, u64, bool, &str)] = &[
    ("Advies", 9500, true, "#2980b9"),
    ("Ontwikkeling", 8500, true, "#16a085"),
    ("Projectmanagement", 10500, true, "#8e44ad"),
    ("Ontwerp", 9000, true, "#d35400"),
    ("Support", 7500, true, "#c0392b"),
    ("Reistijd", 5500, true, "#7f8c8d"),
    ("Intern overleg", 0, false, "#95a5a6"),
    // Mileage's type (23 cents a kilometre); past the weights, so hours and services never
    // pick it.
    ("Kilometers", 23, true, "#34495e"),
];
/// Index of "Kilometers" in `HOURS_TYPES`: the type of mileage registrations.
pub const MILEAGE: usize = 7;
pub const HOURS_TYPE_WEIGHTS: &[u64] = &[20, 30, 10, 10, 15, 5, 10];

/// (label, description).
pub const APPROVAL_STATUSES: &[(&str, &str)] = &[
    ("to_forward", "Nog niet ingediend"),
    ("forwarded", "Ingediend"),
    ("approved", "Goedgekeurd"),
    ("rejected", "Afgekeurd"),
];
pub const APPROVAL_STATUS_WEIGHTS: &[u64] = &[15, 15, 65, 5];

/// (label, colour). Real accounts send translation keys instead (`tab_pactive`, a quirk).
pub const PROJECT_STATUSES: &[(&str, &str)] = &[("Actief", "#27ae60"), ("Gesloten", "#7f8c8d")];
pub const PROJECT_STATUS_WEIGHTS: &[u64] = &[70, 30];

/// Real accounts send translation keys instead (`OpportunityStatus_open`, the fixture; a quirk).
pub const SALES_STATUSES: &[&str] = &["Open", "Gewonnen", "Verloren"];
/// Index of "Open" in `SALES_STATUSES`.
pub const OPEN: usize = 0;
pub const SALES_STATUS_WEIGHTS: &[u64] = &[50, 30, 20];

/// (label, colour, chance to score, position).
pub const SALES_PROGRESS: &[(&str, &str, u64, u64)] = &[
    ("Lead", "#3498db", 10, 1),
    ("Intake", "#1abc9c", 25, 2),
    ("Offerte uitgebracht", "#f39c12", 50, 3),
    ("Onderhandeling", "#c0392b", 75, 5),
    ("Mondeling akkoord", "#27ae60", 90, 6),
];

pub const SALES_SOURCES: &[&str] = &[
    "Website",
    "Netwerk",
    "Beurs",
    "Bestaande klant",
    "Google Ads",
];

pub const REVENUE_GROUPS: &[&str] = &[
    "Omzet advies",
    "Omzet ontwikkeling",
    "Omzet licenties",
    "Omzet hosting",
];

pub const EMPLOYEE_TYPES: &[&str] = &["internal", "external", "interim"];
pub const EMPLOYEE_TYPE_WEIGHTS: &[u64] = &[80, 15, 5];

/// (label, description, for CRM, for projects, for sales).
/// Index of "Factuur" in `DOCUMENT_TYPES`: the type of invoice documents.
pub const FACTUUR: usize = 3;

pub const DOCUMENT_TYPES: &[(&str, &str, bool, bool, bool)] = &[
    ("Offerte", "Offertes en voorstellen", true, true, true),
    ("Contract", "Getekende overeenkomsten", true, true, true),
    ("Notulen", "Verslagen van overleggen", true, true, false),
    ("Factuur", "Facturen en creditnota's", true, false, false),
    ("Overig", "Overige documenten", true, true, true),
];

/// The key a lookup's id is derived from (`ids::lookup_id(prefix, key)`): its label, so one
/// label keeps one id whatever the seed. Past the table's end: "#<index>" (no record exists).
pub fn key(c: C, i: usize) -> String {
    let label: Option<String> = match c {
        C::RelationType => RELATION_TYPES.get(i).map(|e| e.0.to_owned()),
        C::Industry => INDUSTRIES.get(i).map(|e| (*e).to_owned()),
        C::OrganizationSize => ORGANIZATION_SIZES.get(i).map(|e| (*e).to_owned()),
        C::Country => COUNTRIES.get(i).map(|e| e.1.to_owned()),
        C::Gender => GENDERS.get(i).map(|e| (*e).to_owned()),
        C::MyOrganizationProfile => MY_ORGANIZATION_PROFILES.get(i).map(|e| e.1.to_owned()),
        C::CustomFieldGroup => CUSTOM_FIELD_GROUPS
            .get(i)
            .map(|e| format!("{}.{}", e.0, e.1)),
        C::OrganizationCustomField | C::ProjectCustomField | C::SalesCustomField => {
            fields(c).get(i).map(|f| format!("{}.{}", f.model, f.name))
        }
        C::PaymentTerm => PAYMENT_TERMS.get(i).map(|e| e.0.to_owned()),
        C::InvoiceStatus => INVOICE_STATUSES.get(i).map(|e| e.0.to_owned()),
        C::VatClass => VAT_CLASSES.get(i).map(|e| e.1.to_owned()),
        C::HoursType => HOURS_TYPES.get(i).map(|e| e.0.to_owned()),
        C::ApprovalStatus => APPROVAL_STATUSES.get(i).map(|e| e.0.to_owned()),
        C::ProjectStatus => PROJECT_STATUSES.get(i).map(|e| e.0.to_owned()),
        C::SalesStatus => SALES_STATUSES.get(i).map(|e| (*e).to_owned()),
        C::SalesProgress => SALES_PROGRESS.get(i).map(|e| e.0.to_owned()),
        C::SalesSource => SALES_SOURCES.get(i).map(|e| (*e).to_owned()),
        C::RevenueGroup => REVENUE_GROUPS.get(i).map(|e| (*e).to_owned()),
        C::EmployeeType => EMPLOYEE_TYPES.get(i).map(|e| (*e).to_owned()),
        C::DocumentType => DOCUMENT_TYPES.get(i).map(|e| e.0.to_owned()),
        _ => super::hrm::lookups::key(c, i),
    };
    label.unwrap_or_else(|| format!("#{i}"))
}

pub fn fields(c: C) -> &'static [FieldDef] {
    match c {
        C::OrganizationCustomField => ORGANIZATION_FIELDS,
        C::ProjectCustomField => PROJECT_FIELDS,
        C::SalesCustomField => SALES_FIELDS,
        C::PersonCustomField => super::lookups_more::PERSON_FIELDS,
        _ => &[],
    }
}

/// Record `i` of lookup `c`; `Null` past the table's end.
pub fn record(g: &Generator, c: C, i: usize) -> Value {
    let id = || s(g.id_of(c, i));
    match c {
        C::RelationType | C::Industry | C::OrganizationSize | C::PaymentTerm | C::VatClass => {
            if i < len(c) {
                copy(g, c, i)
            } else {
                Value::Null
            }
        }
        C::Country => COUNTRIES.get(i).map_or(Value::Null, |&(name, code, lang)| {
            json!({"id": id(), "name": name, "country_code": code, "language_code": lang})
        }),
        C::Gender => GENDERS
            .get(i)
            .map_or(Value::Null, |name| json!({"id": id(), "name": name})),
        C::MyOrganizationProfile => MY_ORGANIZATION_PROFILES.get(i).map_or(
            Value::Null,
            |&(fallback, coc, vat, bank)| {
                let org = g.wrap(C::Organization, i);
                let name = org.map_or_else(|| fallback.to_owned(), |o| super::crm::org_core(g, o).name);
                json!({
                    "id": id(),
                    "organization_id": g.ref_id(C::Organization, org),
                    "name": name,
                    "coc_code": coc,
                    "vat_number": vat,
                    "bank_account": bank,
                    "blocked": false,
                })
            },
        ),
        C::CustomFieldGroup => CUSTOM_FIELD_GROUPS
            .get(i)
            .map_or(Value::Null, |&(model, ..)| {
                let mut v = group_copy(g, i);
                if let Value::Object(m) = &mut v {
                    m.insert("type".to_owned(), s(model));
                }
                v
            }),
        C::OrganizationCustomField | C::ProjectCustomField | C::SalesCustomField => {
            if i < fields(c).len() {
                custom_field(g, c, i)
            } else {
                Value::Null
            }
        }
        C::InvoiceStatus => INVOICE_STATUSES.get(i).map_or(Value::Null, |&(name, color)| {
            json!({"id": id(), "name": name, "color": color})
        }),
        C::HoursType => HOURS_TYPES.get(i).map_or(Value::Null, |&(label, tariff, billable, color)| {
            json!({
                "id": id(),
                "type": if i == MILEAGE { "mileage" } else { "normal" },
                "label": label,
                "tariff": super::rng::money(tariff),
                // The table (the spec) types an hours type's `billable` as a number: 1 or 0.
                "billable": u8::from(billable),
                "blocked": false,
                "color": color,
                "vatclass": vat_class_for_hours(g),
            })
        }),
        C::ApprovalStatus => APPROVAL_STATUSES.get(i).map_or(Value::Null, |&(label, description)| {
            json!({"id": id(), "label": label, "description": description})
        }),
        C::ProjectStatus => PROJECT_STATUSES.get(i).map_or(Value::Null, |&(label, color)| {
            json!({"id": id(), "label": label, "color": color})
        }),
        C::SalesStatus => SALES_STATUSES
            .get(i)
            .map_or(Value::Null, |label| json!({"id": id(), "label": label})),
        C::SalesProgress => SALES_PROGRESS.get(i).map_or(Value::Null, |_| copy(g, c, i)),
        C::SalesSource => SALES_SOURCES
            .get(i)
            .map_or(Value::Null, |name| json!({"id": id(), "name": name})),
        C::RevenueGroup => REVENUE_GROUPS
            .get(i)
            .map_or(Value::Null, |label| json!({"id": id(), "label": label})),
        C::EmployeeType => EMPLOYEE_TYPES
            .get(i)
            .map_or(Value::Null, |label| json!({"id": id(), "label": label})),
        C::DocumentType => DOCUMENT_TYPES.get(i).map_or(
            Value::Null,
            |&(label, description, crm, project, sale)| {
                json!({
                    "id": id(),
                    "label": label,
                    "description": description,
                    "can_have_attachment": true,
                    "is_for_crm": crm,
                    "is_for_contact": crm,
                    "is_for_sale": sale,
                    "is_for_debtor": crm,
                    "is_for_project": project,
                    "is_for_subscription": false,
                    "is_for_employee": false,
                    "is_for_invoice": label == "Factuur",
                    "is_for_myorganizationprofile": false,
                    "is_blocked": false,
                    "is_visible_on_all": false,
                })
            },
        ),
        _ => Value::Null,
    }
}

fn len(c: C) -> usize {
    match c {
        C::RelationType => RELATION_TYPES.len(),
        C::Industry => INDUSTRIES.len(),
        C::OrganizationSize => ORGANIZATION_SIZES.len(),
        C::PaymentTerm => PAYMENT_TERMS.len(),
        C::VatClass => VAT_CLASSES.len(),
        _ => 0,
    }
}

/// The copy main records embed of lookup entry `i`, for the lookups whose copy is the whole
/// record: relation type, industry, organization size, payment term, VAT class, sales progress.
pub fn copy(g: &Generator, c: C, i: usize) -> Value {
    let id = s(g.id_of(c, i));
    match c {
        C::RelationType => {
            let (label, color) = RELATION_TYPES[i];
            obj([("id", id), ("label", s(label)), ("color", s(color))])
        }
        C::Industry => obj([("id", id), ("name", s(INDUSTRIES[i]))]),
        C::OrganizationSize => obj([("id", id), ("name", s(ORGANIZATION_SIZES[i]))]),
        C::PaymentTerm => {
            let (name, days) = PAYMENT_TERMS[i];
            // "banktransfer", as the fixture has it (the spec's enum says "Bank Transfer").
            obj([
                ("id", id),
                ("name", s(name)),
                ("days", days.into()),
                ("method", s("banktransfer")),
            ])
        }
        C::VatClass => {
            let (code, label, percentage) = VAT_CLASSES[i];
            obj([
                ("id", id),
                ("code", s(code)),
                ("label", s(label)),
                ("percentage", (percentage as f64).into()),
            ])
        }
        C::SalesProgress => {
            let (label, color, chance, position) = SALES_PROGRESS[i];
            obj([
                ("id", id),
                ("label", s(label)),
                ("color", s(color)),
                ("chance_to_score", chance.into()),
                ("position", position.into()),
            ])
        }
        _ => Value::Null,
    }
}

/// `{id, label}`: the short copy of lookups with a label (hours type, approval status, sales
/// status, employee type, document type, revenue group, project status with its colour).
pub fn labelled(g: &Generator, c: C, i: usize) -> Value {
    let label = match c {
        C::HoursType => HOURS_TYPES[i].0,
        C::ApprovalStatus => APPROVAL_STATUSES[i].0,
        C::SalesStatus => SALES_STATUSES[i],
        C::EmployeeType => EMPLOYEE_TYPES[i],
        C::DocumentType => DOCUMENT_TYPES[i].0,
        C::RevenueGroup => REVENUE_GROUPS[i],
        C::ProjectStatus => {
            let (label, color) = PROJECT_STATUSES[i];
            return obj([
                ("id", s(g.id_of(c, i))),
                ("label", s(label)),
                ("color", s(color)),
            ]);
        }
        _ => return Value::Null,
    };
    obj([("id", s(g.id_of(c, i))), ("label", s(label))])
}

/// `{id, label, tariff}` of an hours type, as hours and services carry it.
pub fn hours_type_short(g: &Generator, i: usize) -> Value {
    let (label, tariff, ..) = HOURS_TYPES[i];
    obj([
        ("id", s(g.id_of(C::HoursType, i))),
        ("label", s(label)),
        ("tariff", s(super::rng::money(tariff))),
    ])
}

/// `{id, name}` of an invoice status, as invoices embed it.
pub fn invoice_status(g: &Generator, i: usize) -> Value {
    obj([
        ("id", s(g.id_of(C::InvoiceStatus, i))),
        ("name", s(INVOICE_STATUSES[i].0)),
    ])
}

/// `{id, name}` of a sales source.
pub fn sales_source(g: &Generator, i: usize) -> Value {
    obj([
        ("id", s(g.id_of(C::SalesSource, i))),
        ("name", s(SALES_SOURCES[i])),
    ])
}

/// Hour types carry the high VAT class (null when the VAT table is seeded empty).
fn vat_class_for_hours(g: &Generator) -> Value {
    g.wrap(C::VatClass, 0)
        .map_or(Value::Null, |v| copy(g, C::VatClass, v))
}

/// `{id, name, position}`: the group as custom fields embed it (the fixture's shape).
fn group_copy(g: &Generator, i: usize) -> Value {
    let (_, name, position) = CUSTOM_FIELD_GROUPS[i];
    obj([
        ("id", s(g.id_of(C::CustomFieldGroup, i))),
        ("name", s(name)),
        ("position", s(position)),
    ])
}

/// Definition `i` of custom fields `c`, as the `*customfields` endpoints list it: no value,
/// plus the filterable/searchable/mandatory flags.
pub fn custom_field(g: &Generator, c: C, i: usize) -> Value {
    custom_field_json(g, c, i, None)
}

/// A record's copy of custom field `i`, in the fixture's shape: `value` (and `display_value`,
/// changelog 2024-11) when set, `"value": null` when unset (real accounts leave the key out:
/// a quirk).
pub fn custom_field_value(g: &Generator, c: C, i: usize, value: Option<String>) -> Value {
    custom_field_json(g, c, i, Some(value))
}

fn custom_field_json(g: &Generator, c: C, i: usize, value: Option<Option<String>>) -> Value {
    let f = &fields(c)[i];
    let group = g
        .wrap(C::CustomFieldGroup, f.group)
        .filter(|&k| k == f.group)
        .map_or(Value::Null, |k| group_copy(g, k));
    field_object(g.id_of(c, i), i, f, value, group)
}

/// A custom field as every endpoint shows one (the fixture's shape), whatever its model: `value`
/// `None` for a definition as the `*customfields` endpoints list it (no value key, plus the
/// filterable/searchable/mandatory flags), `Some(v)` for a record's copy (`"value"`, null when
/// unset, and `display_value`, changelog 2024-11, when set). `group` is the copy of its group.
pub fn field_object(
    id: String,
    position: usize,
    f: &FieldDef,
    value: Option<Option<String>>,
    group: Value,
) -> Value {
    let mut m = serde_json::Map::with_capacity(14);
    m.insert("id".to_owned(), s(id));
    m.insert("name".to_owned(), s(f.name));
    m.insert("label".to_owned(), s(f.label));
    let definition = value.is_none();
    match value {
        Some(Some(v)) => {
            m.insert("value".to_owned(), s(v.clone()));
            // For these fields the value as shown is the value itself.
            m.insert("display_value".to_owned(), s(v));
        }
        Some(None) => {
            m.insert("value".to_owned(), Value::Null);
        }
        None => {}
    }
    m.insert("render_type".to_owned(), s(f.render_type));
    m.insert("value_type".to_owned(), s(f.value_type));
    m.insert("position".to_owned(), (position as u64).into());
    if definition {
        m.insert("filterable".to_owned(), true.into());
        m.insert("searchable".to_owned(), true.into());
        m.insert("mandatory".to_owned(), false.into());
    }
    m.insert("custom_field_group".to_owned(), group);
    // The fixture's option shape, {label, value}; the value is the label (see `FieldDef`).
    let options: Vec<Value> = f
        .options
        .iter()
        .map(|label| obj([("label", s(*label)), ("value", s(*label))]))
        .collect();
    m.insert("options".to_owned(), Value::Array(options));
    Value::Object(m)
}
