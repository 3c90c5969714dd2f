//! The lookups of the second seeding pass (`more.rs`): cost and purchase types, the module
//! views of document types and custom field groups, interests, person custom fields, the
//! custom field catalogue (models, options, types), reminders, timeline message types,
//! assignment statuses, list filters, quote statuses and templates, sales reasons and default
//! services. Fixed tables, ids derived from a label (`key`), as in `lookups.rs`; each entry has
//! one builder, which the records that embed it use too.
//!
//! Module views (`crm/documenttype`, `crm/organizationcustomfieldgroups`, ...) list entries of
//! the general tables (`documents/documenttype`, `customfields/group`) under the same ids:
//! one document type, listed per module, as Simplicate does.

use serde_json::Value;

use super::lookups::{self as l, FieldDef, CUSTOM_FIELD_GROUPS, DOCUMENT_TYPES, FACTUUR};
use super::more::amount;
use super::projects::INVOICE_METHODS;
use super::words::SERVICE_NAMES;
use super::{obj, s, Generator, C};

/// When the fixed tables were set up: lookups carry it as `created_at`/`updated_at`.
pub const CONFIGURED_AT: &str = "2023-01-02 09:00:00";

// ---- costs -------------------------------------------------------------------------------------

/// A cost (purchase) type: `costs/coststype` and `projects/purchasetype` list the same table.
pub struct PurchaseTypeDef {
    pub label: &'static str,
    /// Cents per unit for unit tariffs, else 0 (the amount is entered per expense).
    pub tariff: u64,
    pub unit_name: &'static str,
    pub attachment: bool,
    /// What one expense of this type typically is: units for unit tariffs, else cents.
    pub typical: (u64, u64),
    /// Paid again every year (licences, hosting): expenses cover a purchase period.
    pub yearly: bool,
    /// What expenses of this type are for.
    pub notes: &'static [&'static str],
}

#[rustfmt::skip]
pub const PURCHASE_TYPES: &[PurchaseTypeDef] = &[
    PurchaseTypeDef { label: "Reiskosten", tariff: 0, unit_name: "", attachment: true, typical: (450, 15_000), yearly: false,
        notes: &["Treinreis naar klant", "OV-dagkaart", "Taxi vanaf station", "Vlucht workshop"] },
    PurchaseTypeDef { label: "Licenties", tariff: 0, unit_name: "", attachment: true, typical: (2_000, 80_000), yearly: true,
        notes: &["Jaarlicentie ontwerpsoftware", "Plugin-licentie", "SaaS-abonnement klant"] },
    PurchaseTypeDef { label: "Hosting", tariff: 0, unit_name: "", attachment: true, typical: (1_500, 30_000), yearly: true,
        notes: &["Webhosting", "Domeinregistratie", "SSL-certificaat", "Cloudserver"] },
    PurchaseTypeDef { label: "Inhuur derden", tariff: 0, unit_name: "", attachment: true, typical: (50_000, 500_000), yearly: false,
        notes: &["Freelance ontwikkelaar", "Copywriter", "Fotograaf"] },
    PurchaseTypeDef { label: "Drukwerk", tariff: 0, unit_name: "", attachment: true, typical: (5_000, 150_000), yearly: false,
        notes: &["Brochures", "Visitekaartjes", "Posters"] },
    PurchaseTypeDef { label: "Overnachting", tariff: 0, unit_name: "", attachment: true, typical: (8_000, 25_000), yearly: false,
        notes: &["Hotel bij klant", "Overnachting workshop"] },
    PurchaseTypeDef { label: "Parkeren", tariff: 250, unit_name: "dag", attachment: true, typical: (1, 5), yearly: false,
        notes: &["Parkeren bij klant", "Parkeergarage centrum"] },
    PurchaseTypeDef { label: "Printen", tariff: 15, unit_name: "pagina", attachment: false, typical: (10, 400), yearly: false,
        notes: &["Printwerk presentatie", "Ontwerpen op A3"] },
];
/// How often expenses use each cost type.
pub const PURCHASE_TYPE_WEIGHTS: &[u64] = &[30, 15, 10, 10, 5, 10, 15, 5];

/// A cost type as `costs/coststype` (`c` = CostsType) or `projects/purchasetype` lists it, and
/// as expenses and services embed it (GetPurchaseType).
pub fn purchase_type_record(g: &Generator, c: C, i: usize) -> Value {
    let t = &PURCHASE_TYPES[i];
    object! {
        "id": g.id_of(c, i),
        "label": t.label,
        "blocked": false,
        "tariff": amount(t.tariff),
        "is_unit_tariff": t.tariff > 0,
        "unit_name": t.unit_name,
        "is_attachment_allowed": t.attachment,
    }
}

// ---- documents ---------------------------------------------------------------------------------

/// Indices into `DOCUMENT_TYPES` of each module's document types (its `is_for_*` flag).
pub const CRM_DOCUMENT_TYPES: &[usize] = &[0, 1, 2, 3, 4];
pub const PROJECT_DOCUMENT_TYPES: &[usize] = &[0, 1, 2, 4];
pub const SALES_DOCUMENT_TYPES: &[usize] = &[0, 1, 4];
pub const INVOICE_DOCUMENT_TYPES: &[usize] = &[FACTUUR];

/// The `DOCUMENT_TYPES` indices a module's document type collection lists.
pub fn document_types(c: C) -> &'static [usize] {
    match c {
        C::CrmDocumentType => CRM_DOCUMENT_TYPES,
        C::ProjectDocumentType => PROJECT_DOCUMENT_TYPES,
        C::SalesDocumentType => SALES_DOCUMENT_TYPES,
        C::InvoiceDocumentType => INVOICE_DOCUMENT_TYPES,
        _ => &[],
    }
}

/// `{id, label}` of entry `i` of a module's document types (`c`), as its documents carry it.
pub fn document_type_short(g: &Generator, c: C, i: usize) -> Value {
    obj([
        ("id", s(g.id_of(c, i))),
        ("label", s(DOCUMENT_TYPES[document_types(c)[i]].0)),
    ])
}

// ---- CRM -----------------------------------------------------------------------------------

/// (name, api_name, for organizations, for persons, for contacts).
pub const INTERESTS: &[(&str, &str, bool, bool, bool)] = &[
    ("Nieuwsbrief", "newsletter", true, true, true),
    ("Evenementen", "events", true, true, true),
    ("Webinars", "webinars", false, true, true),
    ("Kerstpakket", "christmas_package", false, true, false),
    ("Productupdates", "product_updates", true, false, true),
    ("Klantendag", "customer_day", true, true, false),
];

/// Interest `i` (Interest): the record, and what organizations list.
pub fn interest(g: &Generator, i: usize) -> Value {
    let (name, api_name, organization, person, contact) = INTERESTS[i];
    object! {
        "id": g.id_of(C::Interest, i),
        "name": name,
        "api_name": api_name,
        "organization": organization,
        "person": person,
        "contact": contact,
    }
}

pub const LANGUAGES: &[&str] = &["Nederlands", "Engels", "Duits"];
pub const SEGMENTS: &[&str] = &["Klant", "Prospect", "Partner", "Pers"];

/// The persons' custom fields (`crm/personcustomfields`); their groups are the "person" ones
/// of `CUSTOM_FIELD_GROUPS`.
pub const PERSON_FIELDS: &[FieldDef] = &[
    FieldDef {
        model: "person",
        name: "preferred_language",
        label: "Voorkeurstaal",
        render_type: "dropdown",
        value_type: "Text",
        group: group_index("person", "Algemeen"),
        options: LANGUAGES,
    },
    FieldDef {
        model: "person",
        name: "newsletter_segment",
        label: "Nieuwsbriefsegment",
        render_type: "dropdown",
        value_type: "Text",
        group: group_index("person", "Marketing"),
        options: SEGMENTS,
    },
];

const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The index of a group in `CUSTOM_FIELD_GROUPS` (a build error when there is none).
const fn group_index(model: &str, name: &str) -> usize {
    let mut i = 0;
    while i < CUSTOM_FIELD_GROUPS.len() {
        let (m, n, _) = CUSTOM_FIELD_GROUPS[i];
        if str_eq(m, model) && str_eq(n, name) {
            return i;
        }
        i += 1;
    }
    panic!("no such custom field group")
}

/// How many custom field groups `model` has.
pub const fn group_count(model: &str) -> usize {
    let (mut i, mut n) = (0, 0);
    while i < CUSTOM_FIELD_GROUPS.len() {
        if str_eq(CUSTOM_FIELD_GROUPS[i].0, model) {
            n += 1;
        }
        i += 1;
    }
    n
}

/// The model whose groups a module's group collection lists.
fn group_model(c: C) -> &'static str {
    match c {
        C::OrganizationCustomFieldGroup => "organization",
        C::PersonCustomFieldGroup => "person",
        C::ProjectCustomFieldGroup => "project",
        _ => "sales",
    }
}

/// Entry `i` of a module's group collection, as an index into `CUSTOM_FIELD_GROUPS`.
pub fn group_of(c: C, i: usize) -> Option<usize> {
    let model = group_model(c);
    CUSTOM_FIELD_GROUPS
        .iter()
        .enumerate()
        .filter(|(_, g)| g.0 == model)
        .nth(i)
        .map(|(k, _)| k)
}

// ---- the custom field catalogue -------------------------------------------------------------

/// (model, label): what custom fields can belong to.
pub const CUSTOM_FIELD_MODELS: &[(&str, &str)] = &[
    ("organization", "Organisatie"),
    ("person", "Persoon"),
    ("project", "Project"),
    ("sales", "Verkoop"),
    ("employee", "Medewerker"),
];

/// (type, name): the kinds of input a custom field renders as.
pub const CUSTOM_FIELD_TYPES: &[(&str, &str)] = &[
    ("textbox", "Tekstveld"),
    ("textarea", "Tekstvak"),
    ("dropdown", "Keuzelijst"),
    ("radio", "Keuzerondjes"),
    ("checkbox", "Aanvinkvakje"),
    ("date", "Datum"),
    ("number", "Getal"),
];

/// The field definitions whose options `customfields/option` lists, in its order.
const OPTION_SOURCES: &[&[FieldDef]] = &[
    l::ORGANIZATION_FIELDS,
    PERSON_FIELDS,
    l::PROJECT_FIELDS,
    l::SALES_FIELDS,
];

/// Every option of every seeded dropdown field.
pub const fn option_count() -> usize {
    let (mut n, mut a) = (0, 0);
    while a < OPTION_SOURCES.len() {
        let mut f = 0;
        while f < OPTION_SOURCES[a].len() {
            n += OPTION_SOURCES[a][f].options.len();
            f += 1;
        }
        a += 1;
    }
    n
}

/// Option `i` of `customfields/option`: its field and its place among the field's options.
fn option_at(i: usize) -> Option<(&'static FieldDef, usize)> {
    let mut rest = i;
    for def in OPTION_SOURCES.iter().flat_map(|defs| defs.iter()) {
        if rest < def.options.len() {
            return Some((def, rest));
        }
        rest -= def.options.len();
    }
    None
}

// ---- invoices ---------------------------------------------------------------------------------

/// (label, subject, body, attach the invoice).
pub const REMINDER_TEMPLATES: &[(&str, &str, &str, bool)] = &[
    (
        "Vriendelijke herinnering",
        "Herinnering factuur {invoice_number}",
        "Beste {contact_name},\n\nVolgens onze administratie staat factuur {invoice_number} nog open. Wilt u het bedrag van {total_outstanding} overmaken?\n\nMet vriendelijke groet,\n{my_organization_name}",
        true,
    ),
    (
        "Tweede herinnering",
        "Tweede herinnering factuur {invoice_number}",
        "Beste {contact_name},\n\nOndanks onze eerdere herinnering hebben wij de betaling van factuur {invoice_number} nog niet ontvangen.\n\nMet vriendelijke groet,\n{my_organization_name}",
        true,
    ),
    (
        "Aanmaning",
        "Aanmaning factuur {invoice_number}",
        "Beste {contact_name},\n\nFactuur {invoice_number} is ruim over de betaaltermijn. Wij verzoeken u het openstaande bedrag binnen 14 dagen te voldoen.\n\n{my_organization_name}",
        true,
    ),
    (
        "Laatste aanmaning",
        "Laatste aanmaning factuur {invoice_number}",
        "Beste {contact_name},\n\nDit is onze laatste aanmaning voor factuur {invoice_number}. Zonder betaling dragen wij de vordering over aan een incassobureau.\n\n{my_organization_name}",
        false,
    ),
];

/// A reminder set's steps: (index into `REMINDER_TEMPLATES`, days after the due date).
pub type ReminderSteps = &'static [(usize, u64)];

/// (label, disabled, steps).
pub const REMINDER_SETS: &[(&str, bool, ReminderSteps)] = &[
    ("Standaard", false, &[(0, 7), (1, 21), (2, 35)]),
    ("Kort", false, &[(0, 3), (2, 14)]),
    ("Uitgebreid", false, &[(0, 7), (1, 14), (2, 28), (3, 42)]),
    ("Geen herinneringen", true, &[]),
];

// ---- timeline, projects, sales ----------------------------------------------------------------

/// (label, log_action).
pub const MESSAGE_TYPES: &[(&str, &str)] = &[
    ("Notitie", "note"),
    ("Telefoongesprek", "call"),
    ("E-mail", "email"),
    ("Afspraak", "meeting"),
    ("Taak", "task"),
];
pub const MESSAGE_TYPE_WEIGHTS: &[u64] = &[40, 25, 20, 10, 5];

/// (name, colour, done, blocked).
pub const ASSIGNMENT_STATUSES: &[(&str, &str, bool, bool)] = &[
    ("Gepland", "#3498db", false, false),
    ("In uitvoering", "#f39c12", false, false),
    ("Afgerond", "#27ae60", true, false),
    ("On hold", "#e74c3c", false, true),
];
pub const ASSIGNMENT_STATUS_WEIGHTS: &[u64] = &[30, 45, 20, 5];

/// (key: what `q[...]` it filters on, name): the filters a list view offers, with the values
/// to choose from.
pub const PROJECT_FILTERS: &[(&str, &str)] = &[
    ("project_status.id", "Projectstatus"),
    ("invoice_method", "Facturatiemethode"),
    ("billable", "Declarabel"),
];
pub const SALES_FILTERS: &[(&str, &str)] = &[
    ("status.id", "Status"),
    ("progress.id", "Fase"),
    ("source.id", "Bron"),
];

/// (label, colour).
pub const QUOTE_STATUSES: &[(&str, &str)] = &[
    ("Concept", "#95a5a6"),
    ("Verzonden", "#3498db"),
    ("Geaccepteerd", "#27ae60"),
    ("Afgewezen", "#e74c3c"),
    ("Verlopen", "#7f8c8d"),
];
pub const QUOTE_CONCEPT: usize = 0;
pub const QUOTE_ACCEPTED: usize = 2;

/// (name, description, blocked).
pub const QUOTE_TEMPLATES: &[(&str, &str, bool)] = &[
    (
        "Standaard offerte",
        "Offerte met diensten, totalen en voorwaarden",
        false,
    ),
    (
        "Offerte met akkoordverklaring",
        "Met digitale ondertekening door de klant",
        false,
    ),
    (
        "Onderhoudscontract",
        "Jaarcontract voor hosting, onderhoud en support",
        false,
    ),
    ("Offerte 2022", "Vervangen door Standaard offerte", true),
];
/// The templates new quotes use (not the blocked one).
pub const QUOTE_TEMPLATE_WEIGHTS: &[u64] = &[60, 30, 10];

/// (name, blocked).
pub const SALES_REASONS: &[(&str, bool)] = &[
    ("Prijs te hoog", false),
    ("Gekozen voor concurrent", false),
    ("Geen budget", false),
    ("Project uitgesteld", false),
    ("Geen reactie meer", false),
    ("Timing", true),
];

/// Per entry of `words::SERVICE_NAMES` (a default service is named like the project services
/// made from it): (price in cents, index into `REVENUE_GROUPS`, price editable).
pub const DEFAULT_SERVICES: &[(u64, usize, bool)] = &[
    (9_500, 0, true),    // Analyse
    (9_000, 1, true),    // Ontwerp
    (8_500, 1, true),    // Ontwikkeling
    (10_500, 0, true),   // Projectmanagement
    (9_500, 1, true),    // Implementatie
    (125_000, 0, false), // Training
    (4_500, 3, false),   // Hosting
    (25_000, 1, false),  // Onderhoudscontract
    (15_000, 2, false),  // Licenties
    (7_500, 1, true),    // Support
];

/// The default service a service named `name` was made from, if it is seeded.
pub fn default_service_of(g: &Generator, name: &str) -> Option<usize> {
    let k = SERVICE_NAMES.iter().position(|n| *n == name)?;
    (k < g.size(C::DefaultService)).then_some(k)
}

// ---- keys and records ----------------------------------------------------------------------

/// The key of entry `i` (see `lookups::key`); `None` for the lookups of `lookups.rs`. Module
/// views share the keys (and so the ids) of the general tables.
pub fn key(c: C, i: usize) -> Option<String> {
    let label = match c {
        C::CostsType | C::PurchaseType => PURCHASE_TYPES.get(i).map(|t| t.label.to_owned()),
        C::CrmDocumentType
        | C::ProjectDocumentType
        | C::SalesDocumentType
        | C::InvoiceDocumentType => document_types(c)
            .get(i)
            .map(|&k| DOCUMENT_TYPES[k].0.to_owned()),
        C::Interest => INTERESTS.get(i).map(|e| e.1.to_owned()),
        C::OrganizationCustomFieldGroup
        | C::PersonCustomFieldGroup
        | C::ProjectCustomFieldGroup
        | C::SalesCustomFieldGroup => group_of(c, i).map(|k| {
            let (model, name, _) = CUSTOM_FIELD_GROUPS[k];
            format!("{model}.{name}")
        }),
        C::PersonCustomField => PERSON_FIELDS
            .get(i)
            .map(|f| format!("{}.{}", f.model, f.name)),
        C::CustomFieldModel => CUSTOM_FIELD_MODELS.get(i).map(|e| e.0.to_owned()),
        C::CustomFieldOption => {
            option_at(i).map(|(f, k)| format!("{}.{}.{}", f.model, f.name, f.options[k]))
        }
        C::CustomFieldType => CUSTOM_FIELD_TYPES.get(i).map(|e| e.0.to_owned()),
        C::ReminderTemplate => REMINDER_TEMPLATES.get(i).map(|e| e.0.to_owned()),
        C::ReminderSet => REMINDER_SETS.get(i).map(|e| e.0.to_owned()),
        C::MessageType => MESSAGE_TYPES.get(i).map(|e| e.1.to_owned()),
        C::AssignmentStatus => ASSIGNMENT_STATUSES.get(i).map(|e| e.0.to_owned()),
        C::ProjectFilter => PROJECT_FILTERS.get(i).map(|e| format!("projects.{}", e.0)),
        C::SalesFilter => SALES_FILTERS.get(i).map(|e| format!("sales.{}", e.0)),
        C::QuoteStatus => QUOTE_STATUSES.get(i).map(|e| e.0.to_owned()),
        C::QuoteTemplate => QUOTE_TEMPLATES.get(i).map(|e| e.0.to_owned()),
        C::SalesReason => SALES_REASONS.get(i).map(|e| e.0.to_owned()),
        C::DefaultService => SERVICE_NAMES
            .get(i)
            .filter(|_| i < DEFAULT_SERVICES.len())
            .map(|n| (*n).to_owned()),
        _ => return None,
    };
    Some(label.unwrap_or_else(|| format!("#{i}")))
}

/// The length of lookup `c`'s table.
fn len(c: C) -> usize {
    match c {
        C::CostsType | C::PurchaseType => PURCHASE_TYPES.len(),
        C::CrmDocumentType
        | C::ProjectDocumentType
        | C::SalesDocumentType
        | C::InvoiceDocumentType => document_types(c).len(),
        C::Interest => INTERESTS.len(),
        C::OrganizationCustomFieldGroup
        | C::PersonCustomFieldGroup
        | C::ProjectCustomFieldGroup
        | C::SalesCustomFieldGroup => group_count(group_model(c)),
        C::PersonCustomField => PERSON_FIELDS.len(),
        C::CustomFieldModel => CUSTOM_FIELD_MODELS.len(),
        C::CustomFieldOption => option_count(),
        C::CustomFieldType => CUSTOM_FIELD_TYPES.len(),
        C::ReminderTemplate => REMINDER_TEMPLATES.len(),
        C::ReminderSet => REMINDER_SETS.len(),
        C::MessageType => MESSAGE_TYPES.len(),
        C::AssignmentStatus => ASSIGNMENT_STATUSES.len(),
        C::ProjectFilter => PROJECT_FILTERS.len(),
        C::SalesFilter => SALES_FILTERS.len(),
        C::QuoteStatus => QUOTE_STATUSES.len(),
        C::QuoteTemplate => QUOTE_TEMPLATES.len(),
        C::SalesReason => SALES_REASONS.len(),
        C::DefaultService => DEFAULT_SERVICES.len(),
        _ => 0,
    }
}

/// Record `i` of lookup `c`; `Null` past the table's end.
pub fn record(g: &Generator, c: C, i: usize) -> Value {
    if i >= len(c) {
        return Value::Null;
    }
    let id = || g.id_of(c, i);
    match c {
        C::CostsType | C::PurchaseType => purchase_type_record(g, c, i),
        C::CrmDocumentType
        | C::ProjectDocumentType
        | C::SalesDocumentType
        | C::InvoiceDocumentType => l::record(g, C::DocumentType, document_types(c)[i]),
        C::Interest => interest(g, i),
        C::OrganizationCustomFieldGroup
        | C::PersonCustomFieldGroup
        | C::ProjectCustomFieldGroup
        | C::SalesCustomFieldGroup => {
            group_of(c, i).map_or(Value::Null, |k| l::record(g, C::CustomFieldGroup, k))
        }
        C::PersonCustomField => l::custom_field(g, c, i),
        C::CustomFieldModel => model_copy(g, i),
        C::CustomFieldOption => option_at(i).map_or(Value::Null, |(f, k)| {
            object! {
                "id": id(),
                "label": f.options[k],
                "value": f.options[k],
                "position": k + 1,
            }
        }),
        C::CustomFieldType => {
            let (kind, name) = CUSTOM_FIELD_TYPES[i];
            let choice = matches!(kind, "dropdown" | "radio" | "checkbox");
            object! {
                "id": id(),
                "type": kind,
                "name": name,
                "position": i + 1,
                "is_mandatory_configurable": kind != "checkbox",
                "is_searchable_configurable": !matches!(kind, "date" | "number"),
                "is_filterable_configurable": choice || kind == "date",
                "is_collective_mutatable_configurable": choice,
            }
        }
        C::ReminderTemplate => reminder_template(g, i),
        C::ReminderSet => {
            let (label, disabled, steps) = REMINDER_SETS[i];
            let templates: Vec<Value> = steps
                .iter()
                .enumerate()
                .filter(|(_, (t, _))| *t < g.size(C::ReminderTemplate))
                .map(|(position, &(t, days))| {
                    object! {
                        "id": g.id_of(C::ReminderTemplate, t),
                        "label": REMINDER_TEMPLATES[t].0,
                        "send_after": days,
                        "position": position + 1,
                    }
                })
                .collect();
            object! {
                "id": id(),
                "templates": templates,
                "label": label,
                "disabled": disabled,
            }
        }
        C::MessageType => message_type(g, i),
        C::AssignmentStatus => assignment_status(g, i),
        C::ProjectFilter | C::SalesFilter => filter(g, c, i),
        C::QuoteStatus => quote_status(g, i),
        C::QuoteTemplate => quote_template(g, i),
        C::SalesReason => {
            let (name, blocked) = SALES_REASONS[i];
            object! {"id": id(), "name": name, "blocked": blocked}
        }
        C::DefaultService => default_service(g, i),
        _ => Value::Null,
    }
}

/// `{id, label}` of a custom field model.
pub fn model_copy(g: &Generator, i: usize) -> Value {
    obj([
        ("id", s(g.id_of(C::CustomFieldModel, i))),
        ("label", s(CUSTOM_FIELD_MODELS[i].1)),
    ])
}

fn reminder_template(g: &Generator, i: usize) -> Value {
    let (label, subject, body, attach) = REMINDER_TEMPLATES[i];
    object! {
        "id": g.id_of(C::ReminderTemplate, i),
        "label": label,
        "subject": subject,
        "body": body,
        "attach_invoice": attach,
    }
}

/// A timeline message type (MessageType): the record, and what messages embed.
pub fn message_type(g: &Generator, i: usize) -> Value {
    let (label, log_action) = MESSAGE_TYPES[i];
    object! {
        "id": g.id_of(C::MessageType, i),
        "label": label,
        "blocked": false,
        "log_action": log_action,
    }
}

/// An assignment status (GetAssignmentStatus): the record, and what assignments embed.
pub fn assignment_status(g: &Generator, i: usize) -> Value {
    let (name, color, done, blocked) = ASSIGNMENT_STATUSES[i];
    object! {
        "id": g.id_of(C::AssignmentStatus, i),
        "created_at": CONFIGURED_AT,
        "updated_at": CONFIGURED_AT,
        "name": name,
        "color": color,
        "is_done": done,
        "is_blocked": blocked,
        "order": i + 1,
    }
}

/// A filter of the project or sales list: its values are the lookup entries it chooses from
/// (as those lookups embed them) or plain values.
fn filter(g: &Generator, c: C, i: usize) -> Value {
    let (key, name) = if c == C::ProjectFilter {
        PROJECT_FILTERS[i]
    } else {
        SALES_FILTERS[i]
    };
    let entries = |lookup: C, each: &dyn Fn(usize) -> Value| -> Vec<Value> {
        (0..g.size(lookup)).map(each).collect()
    };
    let values: Vec<Value> = match (c, key) {
        (C::ProjectFilter, "project_status.id") => {
            entries(C::ProjectStatus, &|k| l::labelled(g, C::ProjectStatus, k))
        }
        (C::ProjectFilter, "invoice_method") => INVOICE_METHODS.iter().map(|m| s(*m)).collect(),
        (C::ProjectFilter, _) => vec![true.into(), false.into()],
        (_, "status.id") => entries(C::SalesStatus, &|k| l::labelled(g, C::SalesStatus, k)),
        (_, "progress.id") => entries(C::SalesProgress, &|k| l::copy(g, C::SalesProgress, k)),
        _ => entries(C::SalesSource, &|k| l::sales_source(g, k)),
    };
    object! {
        "id": g.id_of(c, i),
        "name": name,
        "key": key,
        "values": values,
    }
}

/// `{id, label, color}` of a quote status (QuoteStatus): the record, and what quotes embed.
pub fn quote_status(g: &Generator, i: usize) -> Value {
    let (label, color) = QUOTE_STATUSES[i];
    object! {"id": g.id_of(C::QuoteStatus, i), "label": label, "color": color}
}

/// A quote template (QuoteTemplate): the record, and what quotes embed.
pub fn quote_template(g: &Generator, i: usize) -> Value {
    let (name, description, blocked) = QUOTE_TEMPLATES[i];
    let html =
        format!("<h1>{{{{quote_subject}}}}</h1><p>{description}</p>{{{{services}}}}{{{{totals}}}}");
    let json = format!(
        "{{\"layout\":\"{}\",\"show_logo\":true,\"signature\":{}}}",
        if i == 2 { "contract" } else { "standard" },
        i == 1
    );
    object! {
        "id": g.id_of(C::QuoteTemplate, i),
        "description": description,
        "type": "quote",
        "html": html,
        "is_blocked": blocked,
        "json": json,
        "name": name,
        "created_at": CONFIGURED_AT,
        "updated_at": CONFIGURED_AT,
    }
}

/// A default service (GetDefaultService): the catalogue entry project and sales services are
/// made from.
pub fn default_service(g: &Generator, i: usize) -> Value {
    let (price, revenue_group, editable) = DEFAULT_SERVICES[i];
    let vat = g
        .wrap(C::VatClass, 0)
        .map_or(Value::Null, |k| l::copy(g, C::VatClass, k));
    let revenue = g
        .wrap(C::RevenueGroup, revenue_group)
        .filter(|&k| k == revenue_group)
        .map_or(Value::Null, |k| l::labelled(g, C::RevenueGroup, k));
    object! {
        "id": g.id_of(C::DefaultService, i),
        "vat_class": vat,
        "revenue_group": revenue,
        "created_at": CONFIGURED_AT,
        "updated_at": CONFIGURED_AT,
        "modified": CONFIGURED_AT,
        "my_organization_profile_id": g.ref_id(C::MyOrganizationProfile, g.wrap(C::MyOrganizationProfile, 0)),
        "name": SERVICE_NAMES[i],
        "price_editable": editable,
        "price": amount(price),
    }
}
