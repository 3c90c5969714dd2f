//! Deterministic seed data: the records a fake starts with (and returns to on reset).
//!
//! Shaped after real Simplicate responses (ids "organization:<hex>", "YYYY-MM-DD HH:MM:SS"
//! timestamps, nested objects, custom fields, Dutch names, addresses and labels) so client code
//! meets what it will meet in production. The default sizes are a mid-size Dutch agency's
//! account: 40 employees with their contracts, leave and absence, and three years (2023–2025) of
//! hours, projects, invoices and sales.
//!
//! The builders make clean records, every field of the kind the record model table
//! (`src/model/records.txt`) gives it; the real API's deviations (numbers as strings, `"0"`/`"1"`
//! booleans, zero dates, untranslated labels, ...) are added afterwards by one pass over one
//! table, `quirks.rs`, when the generator's `quirks` is on.
//!
//! Every record is a pure function of (seed, collection, index, sizes): records can be made
//! lazily, in any order or in parallel, and a record can name a record of another collection
//! (its id, its name) without generating it. Each collection draws from its own streams, derived
//! from the seed and the collection's name, so growing one collection leaves the others alone.
//! References pick an index modulo the referenced collection's size (null when it is empty), and
//! nested copies (`organization {id, name}`, `relation_type {id, label, color}`) are built by the
//! same code as the records they copy, so they always agree.
//!
//! Lookups (relation types, statuses, hour types, ...) are small fixed tables whose ids depend on
//! their label only, not on the seed, as in one Simplicate environment's configuration. A few
//! collections are derived: their size follows another's (an invoice's PDF per invoice, an
//! employee's contracts), and cannot be set.

/// `object! { "key": value, ... }`: a JSON object, each value through `Value::from`. Unlike
/// `json!`, which passes every expression through `serde_json::to_value` (a deep copy of any
/// `Value` handed to it: nested custom fields, addresses, ...), this moves the values in, and
/// sizes the map once. Values are evaluated in order, so random draws inside stay in order.
macro_rules! object {
    ($($key:literal : $value:expr),* $(,)?) => {
        $crate::seed::obj([$(($key, ::serde_json::Value::from($value))),*])
    };
}

mod crm;
mod documents;
mod hours;
mod hrm;
mod invoices;
mod lookups;
mod projects;
mod quirks;
mod rng;
mod sales;
mod words;
// seed2: the second pass (`more.rs` dispatches to these).
mod costs;
mod crm_more;
mod invoicing;
mod lookups_more;
mod module_documents;
mod more;
mod project_work;
mod quotes;
mod registrations;
mod shared;
mod timeline;
mod timesheet;

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use hrm::lookups as h;
use lookups as l;
use lookups_more as lm;

use super::ids::{lookup_id, mix64, SplitMix64};
use simplicate_api::registry;
pub(crate) use timesheet::week_of;

/// Every seeded collection; the discriminant indexes `TABLES` (`Table::lookup` tells the
/// lookups apart). Builders name collections by this, not by string, so a reference costs no
/// lookup by name. New collections are appended in blocks, each block's lookups first: the
/// first pass, then HRM (`hrm/`), then the second pass (`more.rs`), which closes the enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum C {
    RelationType,
    Industry,
    OrganizationSize,
    Country,
    Gender,
    MyOrganizationProfile,
    CustomFieldGroup,
    OrganizationCustomField,
    ProjectCustomField,
    SalesCustomField,
    PaymentTerm,
    InvoiceStatus,
    VatClass,
    HoursType,
    ApprovalStatus,
    ProjectStatus,
    SalesStatus,
    SalesProgress,
    SalesSource,
    RevenueGroup,
    EmployeeType,
    DocumentType,
    Organization,
    Person,
    ContactPerson,
    Employee,
    Project,
    Service,
    Hours,
    Invoice,
    Sales,
    Document,
    /// One per invoice: its PDF (`invoices/document`, sized by `invoices/invoice`).
    InvoiceDocument,
    // HRM
    ContractType,
    EmploymentType,
    CivilStatus,
    LeaveType,
    AbsenceType,
    Team,
    HrmDocumentType,
    EmployeeCustomFieldGroup,
    EmployeeCustomField,
    /// 1–2 per employee (sized by `hrm/employee`).
    Contract,
    /// One per contract, at the contract's index.
    Timetable,
    /// One per employee and year of 2023–2025 they were employed.
    LeaveBalance,
    Leave,
    Absence,
    HrmDocument,
    // seed2: the second pass (`more.rs`), lookups and main collections.
    CostsType,
    PurchaseType,
    CrmDocumentType,
    ProjectDocumentType,
    SalesDocumentType,
    InvoiceDocumentType,
    Interest,
    OrganizationCustomFieldGroup,
    PersonCustomFieldGroup,
    ProjectCustomFieldGroup,
    SalesCustomFieldGroup,
    PersonCustomField,
    CustomFieldModel,
    CustomFieldOption,
    CustomFieldType,
    ReminderTemplate,
    ReminderSet,
    MessageType,
    AssignmentStatus,
    ProjectFilter,
    SalesFilter,
    QuoteStatus,
    QuoteTemplate,
    SalesReason,
    DefaultService,
    Expense,
    /// The records of `costs/expense` again (`hours/employeeexpenses`).
    EmployeeExpense,
    /// Project services as costs and hours list them (one per `projects/service` record).
    CostsProjectService,
    HoursProjectService,
    Approval,
    Submission,
    TimesheetRow,
    /// One per organization and per person who is not an employee.
    Debtor,
    CrmDocument,
    ExternalDocument,
    Payment,
    Proposition,
    Mileage,
    Timer,
    SharedItem,
    Message,
    Assignment,
    /// One per assignment.
    AssignmentBudget,
    ProjectDocument,
    Purchase,
    ReverseInvoice,
    SalesDocument,
    Quote,
    SalesService,
}

/// How a collection's ids are made.
#[derive(Debug, Clone, Copy)]
enum Ids {
    /// `lookup_id(prefix, key)`: seed-independent.
    Lookup,
    /// "<prefix>:" and 16 or 32 hex digits from a bijection of the index: unique by construction.
    Hex16,
    Hex32,
    /// Project services: UUID-v7 for services created from November 2024 on (the changelog's
    /// new id format), `Hex16` before.
    Service,
    /// The ids of another collection's records: the same records listed at a second path.
    Of(C),
}

struct Table {
    c: C,
    collection: &'static str,
    id_prefix: &'static str,
    ids: Ids,
    /// Main collections: the default size. Lookups: the table's length, which is also the most
    /// they can hold. Derived collections: unused (their size follows another's).
    default: usize,
    lookup: bool,
    /// Derived collections: the collection whose size decides theirs (it cannot be set).
    sized_by: Option<&'static str>,
}

const fn lookup(c: C, collection: &'static str, id_prefix: &'static str, len: usize) -> Table {
    Table {
        c,
        collection,
        id_prefix,
        ids: Ids::Lookup,
        default: len,
        lookup: true,
        sized_by: None,
    }
}

const fn main(
    c: C,
    collection: &'static str,
    id_prefix: &'static str,
    ids: Ids,
    default: usize,
) -> Table {
    Table {
        c,
        collection,
        id_prefix,
        ids,
        default,
        lookup: false,
        sized_by: None,
    }
}

const fn derived(
    c: C,
    collection: &'static str,
    id_prefix: &'static str,
    ids: Ids,
    sized_by: &'static str,
) -> Table {
    Table {
        c,
        collection,
        id_prefix,
        ids,
        default: 0,
        lookup: false,
        sized_by: Some(sized_by),
    }
}

#[rustfmt::skip]
const TABLES: &[Table] = &[
    lookup(C::RelationType, "crm/relationtype", "relationtype", l::RELATION_TYPES.len()),
    lookup(C::Industry, "crm/industry", "industry", l::INDUSTRIES.len()),
    lookup(C::OrganizationSize, "crm/organizationsize", "organizationsize", l::ORGANIZATION_SIZES.len()),
    lookup(C::Country, "crm/country", "country", l::COUNTRIES.len()),
    lookup(C::Gender, "crm/gender", "gender", l::GENDERS.len()),
    lookup(C::MyOrganizationProfile, "crm/myorganizationprofile", "myorganizationprofile", l::MY_ORGANIZATION_PROFILES.len()),
    lookup(C::CustomFieldGroup, "customfields/group", "customfieldgroup", l::CUSTOM_FIELD_GROUPS.len()),
    lookup(C::OrganizationCustomField, "crm/organizationcustomfields", "customfield", l::ORGANIZATION_FIELDS.len()),
    lookup(C::ProjectCustomField, "projects/projectcustomfields", "customfield", l::PROJECT_FIELDS.len()),
    lookup(C::SalesCustomField, "sales/salescustomfields", "customfield", l::SALES_FIELDS.len()),
    lookup(C::PaymentTerm, "invoices/paymentterm", "paymentterm", l::PAYMENT_TERMS.len()),
    lookup(C::InvoiceStatus, "invoices/invoicestatus", "invoicestatus", l::INVOICE_STATUSES.len()),
    lookup(C::VatClass, "invoices/vatclass", "vatclass", l::VAT_CLASSES.len()),
    lookup(C::HoursType, "hours/hourstype", "hourstype", l::HOURS_TYPES.len()),
    lookup(C::ApprovalStatus, "hours/approvalstatus", "approvalstatus", l::APPROVAL_STATUSES.len()),
    lookup(C::ProjectStatus, "projects/projectstatus", "projectstatus", l::PROJECT_STATUSES.len()),
    lookup(C::SalesStatus, "sales/salesstatus", "salesstatus", l::SALES_STATUSES.len()),
    lookup(C::SalesProgress, "sales/salesprogress", "salesprogress", l::SALES_PROGRESS.len()),
    lookup(C::SalesSource, "sales/salessource", "salessource", l::SALES_SOURCES.len()),
    lookup(C::RevenueGroup, "sales/revenuegroup", "revenuegroup", l::REVENUE_GROUPS.len()),
    lookup(C::EmployeeType, "hrm/employeetype", "employeetype", l::EMPLOYEE_TYPES.len()),
    lookup(C::DocumentType, "documents/documenttype", "documenttype", l::DOCUMENT_TYPES.len()),
    main(C::Organization, "crm/organization", "organization", Ids::Hex16, 500),
    main(C::Person, "crm/person", "person", Ids::Hex32, 800),
    main(C::ContactPerson, "crm/contactperson", "contactperson", Ids::Hex32, 400),
    main(C::Employee, "hrm/employee", "employee", Ids::Hex32, 40),
    main(C::Project, "projects/project", "project", Ids::Hex16, 300),
    main(C::Service, "projects/service", "service", Ids::Service, 750),
    main(C::Hours, "hours/hours", "hours", Ids::Hex16, 40_000),
    main(C::Invoice, "invoices/invoice", "invoice", Ids::Hex16, 1500),
    main(C::Sales, "sales/sales", "sales", Ids::Hex32, 300),
    main(C::Document, "documents/document", "document", Ids::Hex32, 200),
    derived(C::InvoiceDocument, "invoices/document", "document", Ids::Hex32, "invoices/invoice"),
    // HRM
    lookup(C::ContractType, "hrm/contracttype", "contracttype", h::CONTRACT_TYPES.len()),
    lookup(C::EmploymentType, "hrm/employmenttype", "employmenttype", h::EMPLOYMENT_TYPES.len()),
    lookup(C::CivilStatus, "hrm/civilstatus", "civilstatus", h::CIVIL_STATUSES.len()),
    lookup(C::LeaveType, "hrm/leavetype", "leavetype", h::LEAVE_TYPES.len()),
    lookup(C::AbsenceType, "hrm/absencetype", "absencetype", h::ABSENCE_TYPES.len()),
    lookup(C::Team, "hrm/team", "team", h::TEAMS.len()),
    lookup(C::HrmDocumentType, "hrm/documenttype", "documenttype", h::DOCUMENT_TYPES.len()),
    lookup(C::EmployeeCustomFieldGroup, "hrm/employeecustomfieldgroups", "customfieldgroup", h::FIELD_GROUPS.len()),
    lookup(C::EmployeeCustomField, "hrm/employeecustomfields", "customfield", h::FIELDS.len()),
    derived(C::Contract, "hrm/contract", "contract", Ids::Hex16, "hrm/employee"),
    derived(C::Timetable, "hrm/timetable", "timetable", Ids::Hex16, "hrm/employee"),
    derived(C::LeaveBalance, "hrm/leavebalance", "leavebalance", Ids::Hex16, "hrm/employee"),
    main(C::Leave, "hrm/leave", "leave", Ids::Hex16, 750),
    main(C::Absence, "hrm/absence", "absence", Ids::Hex16, 300),
    main(C::HrmDocument, "hrm/document", "document", Ids::Hex32, 120),
    // seed2: lookups, then main collections (`more.rs`). Views of other collections (their
    // size is the other's, see `more::sized_by`) carry that collection's size as a default.
    lookup(C::CostsType, "costs/coststype", "coststype", lm::PURCHASE_TYPES.len()),
    lookup(C::PurchaseType, "projects/purchasetype", "purchasetype", lm::PURCHASE_TYPES.len()),
    lookup(C::CrmDocumentType, "crm/documenttype", "documenttype", lm::CRM_DOCUMENT_TYPES.len()),
    lookup(C::ProjectDocumentType, "projects/documenttype", "documenttype", lm::PROJECT_DOCUMENT_TYPES.len()),
    lookup(C::SalesDocumentType, "sales/documenttype", "documenttype", lm::SALES_DOCUMENT_TYPES.len()),
    lookup(C::InvoiceDocumentType, "invoices/documenttype", "documenttype", lm::INVOICE_DOCUMENT_TYPES.len()),
    lookup(C::Interest, "crm/interests", "interest", lm::INTERESTS.len()),
    lookup(C::OrganizationCustomFieldGroup, "crm/organizationcustomfieldgroups", "customfieldgroup", lm::group_count("organization")),
    lookup(C::PersonCustomFieldGroup, "crm/personcustomfieldgroups", "customfieldgroup", lm::group_count("person")),
    lookup(C::ProjectCustomFieldGroup, "projects/projectcustomfieldgroups", "customfieldgroup", lm::group_count("project")),
    lookup(C::SalesCustomFieldGroup, "sales/salescustomfieldgroups", "customfieldgroup", lm::group_count("sales")),
    lookup(C::PersonCustomField, "crm/personcustomfields", "customfield", lm::PERSON_FIELDS.len()),
    lookup(C::CustomFieldModel, "customfields/model", "customfieldmodel", lm::CUSTOM_FIELD_MODELS.len()),
    lookup(C::CustomFieldOption, "customfields/option", "customfieldoption", lm::option_count()),
    lookup(C::CustomFieldType, "customfields/type", "customfieldtype", lm::CUSTOM_FIELD_TYPES.len()),
    lookup(C::ReminderTemplate, "invoices/remindertemplate", "remindertemplate", lm::REMINDER_TEMPLATES.len()),
    lookup(C::ReminderSet, "invoices/reminderset", "reminderset", lm::REMINDER_SETS.len()),
    lookup(C::MessageType, "timeline/messagetype", "messagetype", lm::MESSAGE_TYPES.len()),
    lookup(C::AssignmentStatus, "projects/assignmentstatus", "assignmentstatus", lm::ASSIGNMENT_STATUSES.len()),
    lookup(C::ProjectFilter, "projects/projectfilters", "filter", lm::PROJECT_FILTERS.len()),
    lookup(C::SalesFilter, "sales/salesfilters", "filter", lm::SALES_FILTERS.len()),
    lookup(C::QuoteStatus, "sales/quotestatus", "quotestatus", lm::QUOTE_STATUSES.len()),
    lookup(C::QuoteTemplate, "sales/quotetemplate", "quotetemplate", lm::QUOTE_TEMPLATES.len()),
    lookup(C::SalesReason, "sales/salesreason", "salesreason", lm::SALES_REASONS.len()),
    lookup(C::DefaultService, "services/defaultservice", "defaultservice", lm::DEFAULT_SERVICES.len()),
    main(C::Expense, "costs/expense", "expense", Ids::Hex32, 450),
    main(C::EmployeeExpense, "hours/employeeexpenses", "expense", Ids::Of(C::Expense), 450),
    main(C::CostsProjectService, "costs/projectservices", "service", Ids::Of(C::Service), 750),
    main(C::HoursProjectService, "hours/projectservices", "service", Ids::Of(C::Service), 750),
    main(C::Approval, "hours/approval", "approval", Ids::Hex32, 250),
    main(C::Submission, "hours/submission", "submission", Ids::Hex32, 100),
    main(C::TimesheetRow, "hours/timesheetrow", "timesheetrow", Ids::Hex32, 200),
    main(C::Debtor, "crm/debtor", "debtor", Ids::Hex32, 1260),
    main(C::CrmDocument, "crm/document", "document", Ids::Hex32, 150),
    main(C::ExternalDocument, "documents/externaldocument", "externaldocument", Ids::Hex32, 20),
    main(C::Payment, "invoices/payment", "payment", Ids::Hex32, 130),
    main(C::Proposition, "invoices/proposition", "proposition", Ids::Hex32, 90),
    main(C::Mileage, "mileage/mileage", "mileage", Ids::Hex32, 600),
    main(C::Timer, "timers/timer", "timer", Ids::Hex32, 15),
    main(C::SharedItem, "shared/item", "item", Ids::Hex32, 30),
    main(C::Message, "timeline/message", "message", Ids::Hex32, 1200),
    main(C::Assignment, "projects/assignment", "assignment", Ids::Hex32, 360),
    main(C::AssignmentBudget, "projects/assignmentbudget", "assignmentbudget", Ids::Hex32, 360),
    main(C::ProjectDocument, "projects/document", "document", Ids::Hex32, 200),
    main(C::Purchase, "projects/purchase", "purchase", Ids::Hex32, 120),
    main(C::ReverseInvoice, "projects/reverseinvoice", "reverseinvoice", Ids::Hex32, 36),
    main(C::SalesDocument, "sales/document", "document", Ids::Hex32, 100),
    main(C::Quote, "sales/quote", "quote", Ids::Hex32, 180),
    main(C::SalesService, "sales/service", "service", Ids::Hex32, 600),
];

/// Every seeded collection: the length of `TABLES`, so appending a row is all it takes.
const COUNT: usize = TABLES.len();

/// Salts telling apart the stream families of one collection.
const RECORD: u64 = 0x7265_636f_7264; // "record"
const CORE: u64 = 0x636f_7265; // "core": the fields other records copy
const ID_HI: u64 = 0x6964_6869; // "idhi"
const ID_LO: u64 = 0x6964_6c6f; // "idlo"
const QUIRK: u64 = 0x0071_7569_726b; // "quirk": which records a quirk with a share hits

/// Makes the seed records. Cheap to build (no records are made until asked for).
#[derive(Debug, Clone)]
pub struct Generator {
    sizes: [usize; COUNT],
    /// Records carry the real API's quirks (`quirks.rs`).
    quirks: bool,
    /// The ids of every lookup entry, made once: lookups are referred to by nearly every record.
    lookup_ids: Vec<Vec<String>>,
    /// Where each employee's contracts, leave balances and leave start.
    hrm: hrm::Plan,
    record_base: [u64; COUNT],
    core_base: [u64; COUNT],
    id_hi: [u64; COUNT],
    id_lo: [u64; COUNT],
}

impl Generator {
    /// sizes: optional per-collection record counts ("crm/organization" → 500) overriding
    /// defaults. Err(message) names an unknown collection, a collection that cannot be seeded,
    /// or a lookup asked for more entries than its table has.
    pub fn new(
        seed: u64,
        sizes: &BTreeMap<String, usize>,
        quirks: bool,
    ) -> Result<Generator, String> {
        let mut g = Generator {
            sizes: [0; COUNT],
            quirks,
            lookup_ids: TABLES
                .iter()
                .map(|t| match t.ids {
                    Ids::Lookup => (0..t.default)
                        .map(|i| lookup_id(t.id_prefix, &lookup_key(t.c, i)))
                        .collect(),
                    _ => Vec::new(),
                })
                .collect(),
            hrm: hrm::Plan::default(),
            record_base: [0; COUNT],
            core_base: [0; COUNT],
            id_hi: [0; COUNT],
            id_lo: [0; COUNT],
        };
        for (i, t) in TABLES.iter().enumerate() {
            g.sizes[i] = t.default;
            g.record_base[i] = rng::base(seed, t.collection, RECORD);
            g.core_base[i] = rng::base(seed, t.collection, CORE);
            g.id_hi[i] = rng::base(seed, t.collection, ID_HI);
            g.id_lo[i] = rng::base(seed, t.collection, ID_LO);
        }
        for (collection, &size) in sizes {
            let Some(t) = TABLES.iter().find(|t| t.collection == collection) else {
                return Err(if registry::find_path(collection).is_some() {
                    format!(
                        "collection '{collection}' cannot be seeded; seeded collections: {}",
                        seedable()
                    )
                } else {
                    format!(
                        "unknown collection '{collection}'; seeded collections: {}",
                        seedable()
                    )
                });
            };
            if let Some(by) = t.sized_by {
                return Err(format!(
                    "the size of collection '{collection}' follows from '{by}': size '{by}' \
                     instead"
                ));
            }
            if let Some(what) = more::sized_by(t.c) {
                return Err(format!(
                    "collection '{collection}' holds {what}; size those collections instead"
                ));
            }
            if t.lookup && size > t.default {
                return Err(format!(
                    "collection '{collection}' is a fixed lookup table of {} entries; cannot seed {size}",
                    t.default
                ));
            }
            g.sizes[t.c as usize] = size;
        }
        g.sizes[C::InvoiceDocument as usize] = g.sizes[C::Invoice as usize];
        g.hrm = hrm::Plan::new(&g);
        g.sizes[C::Contract as usize] = g.hrm.contracts();
        g.sizes[C::Timetable as usize] = g.hrm.contracts();
        g.sizes[C::LeaveBalance as usize] = g.hrm.balances();
        more::derive_sizes(&mut g.sizes, |c| {
            sizes.contains_key(TABLES[c as usize].collection)
        });
        Ok(g)
    }

    /// Every seeded collection and its record count, in the order of `TABLES` (stable).
    pub fn collections(&self) -> Vec<(&'static str, usize)> {
        TABLES
            .iter()
            .map(|t| (t.collection, self.sizes[t.c as usize]))
            .collect()
    }

    /// Record `index` of `collection`: a pure function of (seed, collection, index, sizes).
    /// `Null` for a collection this generator does not seed, and for an index past the end of a
    /// lookup table or a derived collection. (Main collections make a record for any index;
    /// other records only refer to indices below the collection's size.)
    pub fn record(&self, collection: &str, index: usize) -> Value {
        let Some(t) = table(collection) else {
            return Value::Null;
        };
        let mut record = self.build(t.c, index);
        if self.quirks && quirks::any(t.collection) {
            let salt = mix64(self.core_base[t.c as usize] ^ QUIRK ^ mix64(index as u64));
            quirks::apply(t.collection, salt, &mut record);
        }
        record
    }

    /// The id of record `index` of `collection` (same as `record(...)["id"]`, but cheap).
    /// Empty for a collection this generator does not seed.
    pub fn id(&self, collection: &str, index: usize) -> String {
        match table(collection) {
            Some(t) => self.id_of(t.c, index),
            None => String::new(),
        }
    }

    fn build(&self, c: C, i: usize) -> Value {
        match c {
            C::Organization => crm::organization(self, i),
            C::Person => crm::person(self, i),
            C::ContactPerson => crm::contactperson(self, i),
            C::Employee => hrm::employee(self, i),
            C::Project => projects::project(self, i),
            C::Service => projects::service(self, i),
            C::Hours => hours::hours(self, i),
            C::Invoice => invoices::invoice(self, i),
            C::Sales => sales::sales(self, i),
            C::Document => documents::document(self, i),
            C::InvoiceDocument => invoices::document(self, i),
            C::Contract => hrm::contracts::contract(self, i),
            C::Timetable => hrm::contracts::timetable(self, i),
            C::LeaveBalance => hrm::leave::leave_balance(self, i),
            C::Leave => hrm::leave::leave(self, i),
            C::Absence => hrm::leave::absence(self, i),
            C::HrmDocument => hrm::documents::document(self, i),
            C::ContractType
            | C::EmploymentType
            | C::CivilStatus
            | C::LeaveType
            | C::AbsenceType
            | C::Team
            | C::HrmDocumentType
            | C::EmployeeCustomFieldGroup
            | C::EmployeeCustomField => h::record(self, c, i),
            c if more::owns(c) => more::record(self, c, i),
            _ => lookups::record(self, c, i),
        }
    }

    // ---- for the builders ----------------------------------------------------------------------

    pub(crate) fn size(&self, c: C) -> usize {
        self.sizes[c as usize]
    }

    /// The stream of record `i`'s own fields.
    pub(crate) fn rng(&self, c: C, i: usize) -> SplitMix64 {
        rng::at(self.record_base[c as usize], i)
    }

    /// The stream of record `i`'s "core": the fields other records copy (names, the records it
    /// refers to), kept apart so a reference costs only those.
    pub(crate) fn core_rng(&self, c: C, i: usize) -> SplitMix64 {
        rng::at(self.core_base[c as usize], i)
    }

    /// A stream of record `i` beside its own, told apart by `salt`: for fields added to a
    /// record after its stream was laid out, so adding them leaves the other fields as they were.
    pub(crate) fn side_rng(&self, c: C, i: usize, salt: u64) -> SplitMix64 {
        rng::at(self.record_base[c as usize] ^ mix64(salt), i)
    }

    /// A bijection of the index: distinct records get distinct values.
    pub(crate) fn unique(&self, c: C, i: usize) -> u64 {
        mix64(self.id_hi[c as usize] ^ i as u64)
    }

    pub(crate) fn id_of(&self, c: C, i: usize) -> String {
        let t = &TABLES[c as usize];
        match t.ids {
            Ids::Lookup => match self.lookup_ids[c as usize].get(i) {
                Some(id) => id.clone(),
                None => lookup_id(t.id_prefix, &lookup_key(c, i)),
            },
            Ids::Hex16 => rng::hex_id(t.id_prefix, self.unique(c, i), None),
            Ids::Hex32 => rng::hex_id(
                t.id_prefix,
                self.unique(c, i),
                Some(mix64(self.id_lo[c as usize] ^ i as u64)),
            ),
            Ids::Service => projects::service_id(self, i),
            Ids::Of(other) => self.id_of(other, i),
        }
    }

    pub(crate) fn prefix(c: C) -> &'static str {
        TABLES[c as usize].id_prefix
    }

    /// `j` folded into the collection (`None` when it is empty): how references stay valid
    /// whatever the sizes.
    pub(crate) fn wrap(&self, c: C, j: usize) -> Option<usize> {
        let n = self.size(c);
        (n > 0).then(|| j % n)
    }

    /// A uniformly chosen record of `c`, `None` when it is empty.
    pub(crate) fn pick(&self, c: C, rng: &mut SplitMix64) -> Option<usize> {
        let n = self.size(c);
        (n > 0).then(|| rng.below(n as u64) as usize)
    }

    /// A record of lookup `c` chosen with `weights` (cut to the lookup's size).
    pub(crate) fn pick_weighted(
        &self,
        c: C,
        rng: &mut SplitMix64,
        weights: &[u64],
    ) -> Option<usize> {
        let n = self.size(c).min(weights.len());
        (n > 0).then(|| rng::weighted(rng, &weights[..n]))
    }

    /// The id of a reference, or null.
    pub(crate) fn ref_id(&self, c: C, j: Option<usize>) -> Value {
        j.map_or(Value::Null, |j| Value::String(self.id_of(c, j)))
    }
}

#[cfg(test)]
impl Generator {
    /// For tests: sizes as (collection, count) pairs, panicking on a bad one.
    pub(crate) fn for_tests(seed: u64, sizes: &[(&str, usize)], quirks: bool) -> Generator {
        let sizes: BTreeMap<String, usize> =
            sizes.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect();
        Generator::new(seed, &sizes, quirks).unwrap()
    }

    /// For tests: every record of `collection` (none for one it does not seed).
    pub(crate) fn records(&self, collection: &str) -> Vec<Value> {
        let n = table(collection).map_or(0, |t| self.size(t.c));
        (0..n).map(|i| self.record(collection, i)).collect()
    }
}

/// The key of lookup entry `i` (see `lookups::key`), whichever file holds its table.
fn lookup_key(c: C, i: usize) -> String {
    lm::key(c, i).unwrap_or_else(|| lookups::key(c, i))
}

fn table(collection: &str) -> Option<&'static Table> {
    TABLES.iter().find(|t| t.collection == collection)
}

fn seedable() -> String {
    TABLES
        .iter()
        .map(|t| t.collection)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Builds a JSON object from (key, value) pairs: one allocation for the map, one per key.
pub(crate) fn obj<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    let mut m = Map::with_capacity(N);
    for (k, v) in pairs {
        m.insert(k.to_owned(), v);
    }
    Value::Object(m)
}

pub(crate) fn s(v: impl Into<String>) -> Value {
    Value::String(v.into())
}

/// `[]`.
pub(crate) fn empty() -> Value {
    Value::Array(Vec::new())
}

#[cfg(test)]
mod tests_formats;
#[cfg(test)]
mod tests_generator;
#[cfg(test)]
mod tests_hrm;
#[cfg(test)]
mod tests_model;
#[cfg(test)]
mod tests_more;
#[cfg(test)]
mod tests_more_agreement;
#[cfg(test)]
mod tests_more_refs;
#[cfg(test)]
mod tests_refs;
