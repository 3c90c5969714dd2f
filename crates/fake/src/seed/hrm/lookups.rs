//! The HRM lookups: contract and employment types, civil statuses, leave and absence types,
//! teams, HRM document types, and the employees' custom field groups and fields. Small fixed
//! tables with Dutch labels, as a Dutch account configures them; their ids come from the label
//! (`lookups::key`), so they do not depend on the seed. Each has its record builder and, where
//! records embed a smaller copy, the builder of that copy.

use serde_json::{Map, Value};

use super::super::lookups::{field_object, FieldDef};
use super::super::{obj, s, Generator, C};

/// Contract types (`hrm/contracttype`).
pub const CONTRACT_TYPES: &[&str] = &["Onbepaalde tijd", "Bepaalde tijd", "0-uren", "Stage"];
pub const PERMANENT: usize = 0;
pub const FIXED_TERM: usize = 1;
pub const ZERO_HOURS: usize = 2;

/// Employment types (`hrm/employmenttype`).
pub const EMPLOYMENT_TYPES: &[&str] = &["Fulltime", "Parttime"];
pub const FULLTIME: usize = 0;
pub const PARTTIME: usize = 1;

/// Civil statuses (`hrm/civilstatus`), with how often employees have each.
pub const CIVIL_STATUSES: &[&str] = &[
    "Ongehuwd",
    "Gehuwd",
    "Geregistreerd partnerschap",
    "Samenwonend",
    "Gescheiden",
    "Weduwe/weduwnaar",
];
pub const CIVIL_STATUS_WEIGHTS: &[u64] = &[35, 33, 8, 17, 5, 2];

/// Leave types (`hrm/leavetype`): (label, colour, affects the leave balance).
pub const LEAVE_TYPES: &[(&str, &str, bool)] = &[
    ("Verlof", "#27ae60", true),
    ("Bijzonder verlof", "#8e44ad", false),
    ("Zorgverlof", "#2980b9", false),
    ("Ouderschapsverlof", "#f39c12", false),
    ("Onbetaald verlof", "#95a5a6", false),
];
pub const LEAVE_TYPE_WEIGHTS: &[u64] = &[78, 10, 4, 7, 1];
/// The leave type balances are kept for (`hrm/leavebalance`).
pub const VERLOF: usize = 0;
/// What leave becomes when the year's leave days are used up.
pub const UNPAID: usize = 4;

/// Absence types (`hrm/absencetype`): (label, colour).
pub const ABSENCE_TYPES: &[(&str, &str)] = &[
    ("Ziekte", "#c0392b"),
    ("Dokter/tandarts", "#e67e22"),
    ("Calamiteitenverlof", "#8e44ad"),
    ("Kort verzuim", "#7f8c8d"),
];
pub const ABSENCE_TYPE_WEIGHTS: &[u64] = &[62, 22, 6, 10];
pub const ZIEKTE: usize = 0;

/// Teams (`hrm/team`).
pub const TEAMS: &[&str] = &[
    "Development",
    "Design",
    "Consultancy",
    "Support",
    "Sales & Marketing",
    "Management",
];
pub const MANAGEMENT: usize = 5;

/// HRM document types (`hrm/documenttype`): (label, description). Labels differ from the
/// documents module's types: both collections' ids are "documenttype:" and the label.
pub const DOCUMENT_TYPES: &[(&str, &str)] = &[
    ("Arbeidsovereenkomst", "Getekende arbeidsovereenkomsten"),
    ("Loonstrook", "Maandelijkse loonstroken"),
    ("Beoordeling", "Beoordelings- en functioneringsverslagen"),
    ("Identiteitsbewijs", "Kopie paspoort of ID-kaart"),
    ("Diploma", "Diploma's en certificaten"),
];
pub const CONTRACT_DOCUMENT: usize = 0;

/// The employees' custom field groups (`hrm/employeecustomfieldgroups`): (name, position).
pub const FIELD_GROUPS: &[(&str, &str)] = &[("Personalia", "1"), ("Faciliteiten", "2")];

/// The employees' custom fields (`hrm/employeecustomfields`); `group` indexes `FIELD_GROUPS`.
pub const FIELDS: &[FieldDef] = &[
    FieldDef {
        model: "employee",
        name: "shirt_size",
        label: "T-shirtmaat",
        render_type: "dropdown",
        value_type: "Text",
        group: 0,
        options: &["S", "M", "L", "XL", "XXL"],
    },
    FieldDef {
        model: "employee",
        name: "emergency_contact",
        label: "Contactpersoon bij nood",
        render_type: "textbox",
        value_type: "Text",
        group: 0,
        options: &[],
    },
    FieldDef {
        model: "employee",
        name: "laptop",
        label: "Laptop",
        render_type: "dropdown",
        value_type: "Text",
        group: 1,
        options: &["MacBook Pro", "MacBook Air", "Dell XPS", "Lenovo ThinkPad"],
    },
];

/// The key of HRM lookup `c`'s entry `i` (its id comes from it), `None` past the table's end
/// or for a collection that is not an HRM lookup.
pub fn key(c: C, i: usize) -> Option<String> {
    let label = match c {
        C::ContractType => *CONTRACT_TYPES.get(i)?,
        C::EmploymentType => *EMPLOYMENT_TYPES.get(i)?,
        C::CivilStatus => *CIVIL_STATUSES.get(i)?,
        C::LeaveType => LEAVE_TYPES.get(i)?.0,
        C::AbsenceType => ABSENCE_TYPES.get(i)?.0,
        C::Team => *TEAMS.get(i)?,
        C::HrmDocumentType => DOCUMENT_TYPES.get(i)?.0,
        C::EmployeeCustomFieldGroup => return Some(format!("employee.{}", FIELD_GROUPS.get(i)?.0)),
        C::EmployeeCustomField => return Some(format!("employee.{}", FIELDS.get(i)?.name)),
        _ => return None,
    };
    Some(label.to_owned())
}

/// The table's length: the most entries HRM lookup `c` can hold.
pub fn len(c: C) -> usize {
    match c {
        C::ContractType => CONTRACT_TYPES.len(),
        C::EmploymentType => EMPLOYMENT_TYPES.len(),
        C::CivilStatus => CIVIL_STATUSES.len(),
        C::LeaveType => LEAVE_TYPES.len(),
        C::AbsenceType => ABSENCE_TYPES.len(),
        C::Team => TEAMS.len(),
        C::HrmDocumentType => DOCUMENT_TYPES.len(),
        C::EmployeeCustomFieldGroup => FIELD_GROUPS.len(),
        C::EmployeeCustomField => FIELDS.len(),
        _ => 0,
    }
}

/// Record `i` of HRM lookup `c`; `Null` past the table's end.
pub fn record(g: &Generator, c: C, i: usize) -> Value {
    if i >= len(c) {
        return Value::Null;
    }
    let id = s(g.id_of(c, i));
    match c {
        C::ContractType | C::EmploymentType => {
            let mut v = copy(g, c, i);
            insert(&mut v, "blocked", false.into());
            v
        }
        C::CivilStatus => obj([
            ("id", id),
            ("label", s(CIVIL_STATUSES[i])),
            ("blocked", false.into()),
        ]),
        C::LeaveType | C::AbsenceType | C::Team => copy(g, c, i),
        C::HrmDocumentType => {
            let (label, description) = DOCUMENT_TYPES[i];
            let mut m = Map::with_capacity(15);
            m.insert("id".to_owned(), id);
            m.insert("label".to_owned(), s(label));
            m.insert("description".to_owned(), s(description));
            m.insert("can_have_attachment".to_owned(), true.into());
            for flag in [
                "is_for_crm",
                "is_for_contact",
                "is_for_sale",
                "is_for_debtor",
                "is_for_project",
                "is_for_subscription",
                "is_for_invoice",
                "is_for_myorganizationprofile",
                "is_blocked",
                "is_visible_on_all",
            ] {
                m.insert(flag.to_owned(), false.into());
            }
            m.insert("is_for_employee".to_owned(), true.into());
            Value::Object(m)
        }
        C::EmployeeCustomFieldGroup => {
            let mut v = group_copy(g, i);
            insert(&mut v, "type", s("employee"));
            v
        }
        C::EmployeeCustomField => field_json(g, i, None),
        _ => Value::Null,
    }
}

fn insert(v: &mut Value, key: &str, value: Value) {
    if let Value::Object(m) = v {
        m.insert(key.to_owned(), value);
    }
}

/// The copy records embed of entry `i` of HRM lookup `c`: `{id, name}` of contract and
/// employment types (the fixture's shape); the whole record of leave types, absence types and
/// teams (as the table types their copies).
pub fn copy(g: &Generator, c: C, i: usize) -> Value {
    let id = s(g.id_of(c, i));
    match c {
        C::ContractType => obj([("id", id), ("name", s(CONTRACT_TYPES[i]))]),
        C::EmploymentType => obj([("id", id), ("name", s(EMPLOYMENT_TYPES[i]))]),
        C::LeaveType => {
            let (label, color, affects_balance) = LEAVE_TYPES[i];
            obj([
                ("id", id),
                ("label", s(label)),
                ("color", s(color)),
                ("blocked", false.into()),
                ("affects_balance", affects_balance.into()),
            ])
        }
        C::AbsenceType => {
            let (label, color) = ABSENCE_TYPES[i];
            obj([
                ("id", id),
                ("label", s(label)),
                ("color", s(color)),
                ("blocked", false.into()),
            ])
        }
        C::Team => obj([("id", id), ("name", s(TEAMS[i]))]),
        C::HrmDocumentType => obj([("id", id), ("label", s(DOCUMENT_TYPES[i].0))]),
        _ => Value::Null,
    }
}

/// `{id, name, position}`: the group as employees' custom fields embed it.
fn group_copy(g: &Generator, i: usize) -> Value {
    let (name, position) = FIELD_GROUPS[i];
    obj([
        ("id", s(g.id_of(C::EmployeeCustomFieldGroup, i))),
        ("name", s(name)),
        ("position", s(position)),
    ])
}

/// Employee custom field `i` in the shape of the other custom fields (`lookups::custom_field`):
/// the definition as `hrm/employeecustomfields` lists it (`value` `None`: no value key, plus the
/// flags), or an employee's copy (`Some(value)`: `"value"`, null when unset).
pub fn field_json(g: &Generator, i: usize, value: Option<Option<String>>) -> Value {
    let f = &FIELDS[i];
    let group = g
        .wrap(C::EmployeeCustomFieldGroup, f.group)
        .filter(|&k| k == f.group)
        .map_or(Value::Null, |k| group_copy(g, k));
    field_object(g.id_of(C::EmployeeCustomField, i), i, f, value, group)
}
