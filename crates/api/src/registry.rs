//! The endpoint registry: every resource of the Simplicate REST API v2, one line each.
//!
//! One table drives both sides: the client's resource tree (`client.crm.organization`, read from
//! Python through a binding) and the fake server's routes, so the two can never disagree about
//! which methods a path takes. Derived from the Swagger spec's 298 operations plus the endpoints
//! the API documentation's changelog adds (see the test `operation_count_is_spec_plus_changelog`).
//! Pure Rust, no pyo3 types.

use std::fmt;
use std::ops::{BitOr, BitOrAssign};

/// One HTTP method the API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl Method {
    /// In the order `Methods` lists them (and `Allow` headers show them).
    pub const ALL: [Method; 4] = [Method::Get, Method::Post, Method::Put, Method::Delete];

    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }

    /// "GET", "get", ... → the method; `None` for methods the API never takes (HEAD, PATCH, ...).
    pub fn parse(name: &str) -> Option<Method> {
        Method::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(name))
    }

    const fn bit(self) -> u8 {
        match self {
            Method::Get => 1,
            Method::Post => 2,
            Method::Put => 4,
            Method::Delete => 8,
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A set of methods, as a bit set (GET=1, POST=2, PUT=4, DELETE=8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Methods(u8);

impl Methods {
    pub const NONE: Methods = Methods(0);
    pub const GET: Methods = Methods(1);
    pub const POST: Methods = Methods(2);
    pub const PUT: Methods = Methods(4);
    pub const DELETE: Methods = Methods(8);

    /// The compact form's letters ("GPUD" = GET, POST, PUT, DELETE; "" = none). A `const fn` so
    /// the table below reads like the reference's compact form, and a typo fails the build
    /// (a panic while evaluating a static is a compile error).
    pub const fn letters(s: &str) -> Methods {
        let bytes = s.as_bytes();
        let mut bits = 0u8;
        let mut i = 0;
        while i < bytes.len() {
            bits |= match bytes[i] {
                b'G' => 1,
                b'P' => 2,
                b'U' => 4,
                b'D' => 8,
                _ => panic!("method letters are G, P, U and D"),
            };
            i += 1;
        }
        Methods(bits)
    }

    pub const fn contains(self, method: Method) -> bool {
        self.0 & method.bit() != 0
    }

    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// How many methods the set holds.
    pub const fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    pub fn iter(self) -> impl Iterator<Item = Method> {
        Method::ALL.into_iter().filter(move |m| self.contains(*m))
    }

    /// "GET", "POST", ... in that order: what an `Allow` header lists.
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        self.iter().map(Method::as_str)
    }
}

impl From<Method> for Methods {
    fn from(method: Method) -> Methods {
        Methods(method.bit())
    }
}

impl BitOr for Methods {
    type Output = Methods;
    fn bitor(self, rhs: Methods) -> Methods {
        Methods(self.0 | rhs.0)
    }
}

impl BitOrAssign for Methods {
    fn bitor_assign(&mut self, rhs: Methods) {
        self.0 |= rhs.0;
    }
}

/// "GET, POST": the `Allow` header's format. Empty for `NONE`.
impl fmt::Display for Methods {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, name) in self.names().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(name)?;
        }
        Ok(())
    }
}

/// An operation on one record beyond plain CRUD: `METHOD /module/name/{id}/<name>`.
#[derive(Debug, PartialEq, Eq)]
pub struct Action {
    /// As in the URL; Simplicate spells some in camelCase (`planningBudget`).
    pub name: &'static str,
    pub method: Method,
}

impl Action {
    pub const fn new(name: &'static str, method: Method) -> Action {
        Action { name, method }
    }
}

/// One resource: a collection path `/module/name`, its items `/module/name/{id}`, and actions.
#[derive(Debug, PartialEq, Eq)]
pub struct Resource {
    pub module: &'static str,
    /// May contain '/' for sub-collections ("timesheetrow/order").
    pub name: &'static str,
    /// Methods on `/module/name`.
    pub collection: Methods,
    /// Methods on `/module/name/{id}`.
    pub item: Methods,
    /// Ids look like "<prefix>:<hex>". Best knowledge from fixtures, documentation and client
    /// code; where nothing better is known it is the resource name.
    pub id_prefix: &'static str,
    pub actions: &'static [Action],
    /// A few words, for docstrings.
    pub summary: &'static str,
}

impl Resource {
    /// "module/name", the key the client, the store and the seed data use.
    pub fn path(&self) -> String {
        format!("{}/{}", self.module, self.name)
    }

    pub fn action(&self, name: &str) -> Option<&'static Action> {
        self.actions.iter().find(|a| a.name == name)
    }

    /// Every (method, path template) this resource describes, paths as in the spec:
    /// "/crm/organization", "/crm/organization/{id}", "/projects/project/{id}/planningBudget".
    pub fn operations(&self) -> Vec<(Method, String)> {
        let base = format!("/{}/{}", self.module, self.name);
        let mut out: Vec<(Method, String)> =
            self.collection.iter().map(|m| (m, base.clone())).collect();
        out.extend(self.item.iter().map(|m| (m, format!("{base}/{{id}}"))));
        out.extend(
            self.actions
                .iter()
                .map(|a| (a.method, format!("{base}/{{id}}/{}", a.name))),
        );
        out
    }

    pub fn operation_count(&self) -> usize {
        self.collection.len() + self.item.len() + self.actions.len()
    }
}

/// Table constructor: keeps each resource on one line (see `RESOURCES`).
const fn r(
    module: &'static str,
    name: &'static str,
    collection: &str,
    item: &str,
    id_prefix: &'static str,
    actions: &'static [Action],
    summary: &'static str,
) -> Resource {
    Resource {
        module,
        name,
        collection: Methods::letters(collection),
        item: Methods::letters(item),
        id_prefix,
        actions,
        summary,
    }
}

const NO: &[Action] = &[];
const DUPLICATE: &[Action] = &[Action::new("duplicate", Method::Post)];
const PLANNING_BUDGET: &[Action] = &[Action::new("planningBudget", Method::Get)];
const DUPLICATE_AND_PLANNING_BUDGET: &[Action] = &[
    Action::new("duplicate", Method::Post),
    Action::new("planningBudget", Method::Get),
];

/// Every resource. Columns: module, name, collection methods, item methods (G=GET, P=POST,
/// U=PUT, D=DELETE, as in the reference's compact form), id prefix, actions, summary.
/// Rows within a module follow the reference's order; additions from the documentation's
/// changelog close each module.
#[rustfmt::skip]
pub static RESOURCES: &[Resource] = &[
    r("costs", "coststype", "G", "G", "coststype", NO, "Cost types"),
    r("costs", "expense", "G", "G", "expense", NO, "Employee expenses"),
    r("costs", "projectservices", "G", "", "service", NO, "Project services for costs (changelog 2024-11)"),

    r("crm", "contactperson", "G", "GD", "contactperson", NO, "Contact persons (CRM)"),
    r("crm", "country", "G", "G", "country", NO, "Countries"),
    r("crm", "debtor", "G", "", "debtor", NO, "Debtors (organizations and persons)"),
    r("crm", "document", "GPU", "GD", "document", NO, "Documents (CRM)"),
    r("crm", "documenttype", "G", "G", "documenttype", NO, "Document types (CRM)"),
    r("crm", "gender", "G", "G", "gender", NO, "Genders"),
    r("crm", "industry", "G", "G", "industry", NO, "Industries"),
    r("crm", "interests", "G", "G", "interest", NO, "Interests"),
    r("crm", "myorganizationprofile", "G", "G", "myorganizationprofile", NO, "Own organization profiles"),
    r("crm", "organization", "GP", "GUD", "organization", NO, "Organizations (CRM)"),
    r("crm", "organizationcustomfieldgroups", "G", "G", "customfieldgroup", NO, "Custom field groups of organizations"),
    r("crm", "organizationcustomfields", "G", "G", "customfield", NO, "Custom fields of organizations"),
    r("crm", "organizationsize", "G", "G", "organizationsize", NO, "Organization sizes"),
    r("crm", "person", "GP", "GUD", "person", NO, "Persons (CRM)"),
    r("crm", "personcustomfieldgroups", "G", "G", "customfieldgroup", NO, "Custom field groups of persons"),
    r("crm", "personcustomfields", "G", "G", "customfield", NO, "Custom fields of persons"),
    r("crm", "relationtype", "G", "G", "relationtype", NO, "Relation types"),
    r("crm", "mergeorganization", "P", "", "organization", NO, "Merge two organizations"),
    r("crm", "mergeperson", "P", "", "person", NO, "Merge two persons"),

    r("customfields", "group", "G", "GPUD", "customfieldgroup", NO, "Custom field groups"),
    r("customfields", "model", "G", "G", "customfieldmodel", NO, "Custom field models"),
    r("customfields", "option", "G", "GPUD", "customfieldoption", NO, "Custom field options"),
    r("customfields", "type", "G", "G", "customfieldtype", NO, "Custom field types"),

    r("documents", "document", "GPU", "GD", "document", NO, "Documents"),
    r("documents", "documenttype", "G", "G", "documenttype", NO, "Document types"),
    r("documents", "download", "", "G", "document", NO, "Download a document's file"),
    r("documents", "externaldocument", "GPU", "GD", "externaldocument", NO, "External documents (changelog 2025-01)"),

    r("hours", "absence", "P", "U", "hours", NO, "Absence hours"),
    r("hours", "approval", "GP", "GUD", "approval", NO, "Hours approvals per employee and day"),
    r("hours", "approvalstatus", "G", "G", "approvalstatus", NO, "Hours approval statuses"),
    r("hours", "employeeexpenses", "G", "", "expense", NO, "Employee expenses (hours)"),
    r("hours", "employeeexpense", "", "G", "expense", NO, "One employee expense (hours)"),
    r("hours", "hours", "GP", "GUD", "hours", NO, "Hours registrations"),
    r("hours", "hourstype", "GP", "GU", "hourstype", NO, "Hour types"),
    r("hours", "leave", "P", "U", "hours", NO, "Leave hours"),
    r("hours", "submission", "GP", "", "submission", NO, "Hours submissions"),
    r("hours", "submit", "P", "", "submit", NO, "Submit hours for approval"),
    r("hours", "timesheetrow", "GP", "D", "timesheetrow", NO, "Timesheet rows"),
    r("hours", "timesheetrow/order", "U", "", "timesheetrow", NO, "Order of timesheet rows"),
    r("hours", "timesheetrow/mostrecent", "G", "", "timesheetrow", NO, "Most recent timesheet row"),
    r("hours", "projectservices", "G", "", "service", NO, "Project services for hours (changelog 2024-11)"),

    r("hrm", "absence", "GP", "GUD", "absence", NO, "Absence (HRM)"),
    r("hrm", "absencetype", "G", "G", "absencetype", NO, "Absence types"),
    r("hrm", "civilstatus", "G", "G", "civilstatus", NO, "Civil statuses"),
    r("hrm", "contract", "G", "G", "contract", NO, "Employment contracts"),
    r("hrm", "contracttype", "G", "G", "contracttype", NO, "Contract types"),
    r("hrm", "document", "GPU", "GD", "document", NO, "Documents (HRM)"),
    r("hrm", "documenttype", "G", "G", "documenttype", NO, "Document types (HRM)"),
    r("hrm", "employee", "GP", "GU", "employee", NO, "Employees"),
    r("hrm", "employeecustomfieldgroups", "G", "G", "customfieldgroup", NO, "Custom field groups of employees"),
    r("hrm", "employeecustomfields", "G", "G", "customfield", NO, "Custom fields of employees"),
    r("hrm", "employeetype", "G", "G", "employeetype", NO, "Employee types"),
    r("hrm", "employmenttype", "G", "G", "employmenttype", NO, "Employment types"),
    r("hrm", "leave", "GP", "GU", "leave", NO, "Leave (HRM)"),
    r("hrm", "leavebalance", "G", "", "leavebalance", NO, "Leave balances"),
    r("hrm", "leavetype", "G", "G", "leavetype", NO, "Leave types"),
    r("hrm", "team", "G", "G", "team", NO, "Teams"),
    r("hrm", "timetable", "GP", "UD", "timetable", NO, "Timetables"),

    r("invoices", "document", "GPU", "GD", "document", NO, "Documents (invoices)"),
    r("invoices", "documenttype", "G", "G", "documenttype", NO, "Document types (invoices)"),
    r("invoices", "invoice", "GP", "GUD", "invoice", NO, "Invoices"),
    r("invoices", "invoicestatus", "G", "G", "invoicestatus", NO, "Invoice statuses"),
    r("invoices", "payment", "GP", "GU", "payment", NO, "Payments"),
    r("invoices", "paymentterm", "G", "G", "paymentterm", NO, "Payment terms"),
    r("invoices", "proposition", "G", "", "proposition", NO, "Invoice propositions"),
    r("invoices", "reminderset", "G", "G", "reminderset", NO, "Invoice reminder sets"),
    r("invoices", "remindertemplate", "G", "G", "remindertemplate", NO, "Invoice reminder templates"),
    r("invoices", "vatclass", "G", "G", "vatclass", NO, "VAT classes"),

    r("merger", "compareorganization", "P", "", "organization", NO, "Compare two organizations"),
    r("merger", "compareperson", "P", "", "person", NO, "Compare two persons"),

    r("mileage", "mileage", "GP", "GUD", "mileage", NO, "Mileage registrations"),

    r("projects", "assignment", "GP", "GU", "assignment", NO, "Project assignments"),
    r("projects", "assignmentbudget", "G", "", "assignmentbudget", NO, "Assignment budgets"),
    r("projects", "assignmentstatus", "GP", "GU", "assignmentstatus", NO, "Assignment statuses"),
    r("projects", "document", "GPU", "GD", "document", NO, "Documents (projects)"),
    r("projects", "documenttype", "G", "G", "documenttype", NO, "Document types (projects)"),
    r("projects", "project", "GP", "GUD", "project", PLANNING_BUDGET, "Projects"),
    r("projects", "projectcustomfieldgroups", "G", "G", "customfieldgroup", NO, "Custom field groups of projects"),
    r("projects", "projectcustomfields", "G", "G", "customfield", NO, "Custom fields of projects"),
    r("projects", "projectemployee", "P", "D", "projectemployee", NO, "Employees assigned to projects"),
    r("projects", "projectfilters", "G", "G", "filter", NO, "Project filters"),
    r("projects", "projectstatus", "G", "G", "projectstatus", NO, "Project statuses"),
    r("projects", "purchase", "G", "G", "purchase", NO, "Project purchases"),
    r("projects", "purchasetype", "G", "G", "purchasetype", NO, "Purchase types"),
    r("projects", "reverseinvoice", "G", "G", "reverseinvoice", NO, "Reverse invoices"),
    r("projects", "service", "GP", "GUD", "service", DUPLICATE_AND_PLANNING_BUDGET, "Project services"),

    r("sales", "converttoproject", "", "G", "sales", NO, "Whether a sale can become a project"),
    r("sales", "document", "GPU", "GD", "document", NO, "Documents (sales)"),
    r("sales", "documenttype", "G", "G", "documenttype", NO, "Document types (sales)"),
    r("sales", "quote", "GP", "GUD", "quote", NO, "Quotes"),
    r("sales", "quoteemail", "", "U", "quote", NO, "Add an e-mail to a quote"),
    r("sales", "quotestatus", "G", "G", "quotestatus", NO, "Quote statuses"),
    r("sales", "quotetemplate", "GP", "GUD", "quotetemplate", NO, "Quote templates"),
    r("sales", "revenuegroup", "G", "G", "revenuegroup", NO, "Revenue groups"),
    r("sales", "sales", "GP", "GU", "sales", DUPLICATE, "Sales opportunities"),
    r("sales", "salescustomfieldgroups", "G", "G", "customfieldgroup", NO, "Custom field groups of sales"),
    r("sales", "salescustomfields", "G", "G", "customfield", NO, "Custom fields of sales"),
    r("sales", "salesfilters", "G", "G", "filter", NO, "Sales filters"),
    r("sales", "salesprogress", "G", "G", "salesprogress", NO, "Sales progress stages"),
    r("sales", "salesreason", "G", "G", "salesreason", NO, "Sales reasons"),
    r("sales", "salessource", "G", "G", "salessource", NO, "Sales sources"),
    r("sales", "salesstatus", "G", "G", "salesstatus", NO, "Sales statuses"),
    r("sales", "service", "GP", "GUD", "service", DUPLICATE, "Sales services"),

    r("services", "defaultservice", "GP", "GUD", "defaultservice", NO, "Default services"),

    r("shared", "item", "GP", "GUD", "item", NO, "Shared items"),

    r("storage", "avatar", "G", "", "avatar", NO, "Avatar image (storage)"),
    r("storage", "cachedthumb", "G", "", "cachedthumb", NO, "Cached thumbnail (storage)"),
    r("storage", "costsattachment", "G", "", "costsattachment", NO, "Costs attachment (storage)"),
    r("storage", "documenteditordownload", "G", "", "documenteditordownload", NO, "Document editor download (storage)"),
    r("storage", "download", "G", "", "download", NO, "Download a file (storage)"),
    r("storage", "downloadasattachment", "G", "", "downloadasattachment", NO, "Download as attachment (storage)"),
    r("storage", "downloadletterpaper", "G", "", "downloadletterpaper", NO, "Download letter paper (storage)"),
    r("storage", "downloadlogo", "G", "", "downloadlogo", NO, "Download logo (storage)"),
    r("storage", "fileicon", "G", "", "fileicon", NO, "File icon (storage)"),
    r("storage", "filex", "G", "", "filex", NO, "File (storage)"),
    r("storage", "getfile", "G", "", "getfile", NO, "Get a file (storage)"),
    r("storage", "getlogofile", "G", "", "getlogofile", NO, "Get the logo file (storage)"),
    r("storage", "letterpaper", "G", "", "letterpaper", NO, "Letter paper (storage)"),
    r("storage", "loadfile", "G", "", "loadfile", NO, "Load a file by name (storage)"),
    r("storage", "logo", "G", "", "logo", NO, "Logo (storage)"),
    r("storage", "preview", "G", "", "preview", NO, "File preview (storage)"),
    r("storage", "signature", "G", "", "signature", NO, "Signature (storage)"),
    r("storage", "thumbnail", "G", "", "thumbnail", NO, "Thumbnail (storage)"),
    r("storage", "dropzoneupload", "P", "", "dropzoneupload", NO, "Dropzone upload (storage)"),
    r("storage", "getfileicon", "P", "", "getfileicon", NO, "Get a file icon (storage)"),
    r("storage", "paperlayoutupload", "P", "", "paperlayoutupload", NO, "Paper layout upload (storage)"),
    r("storage", "uploadstream", "P", "", "uploadstream", NO, "Upload stream (storage)"),

    r("timeline", "attachment", "P", "D", "attachment", NO, "Timeline message attachments"),
    r("timeline", "message", "GP", "GD", "message", NO, "Timeline messages"),
    r("timeline", "messagetype", "G", "G", "messagetype", NO, "Timeline message types"),

    r("timers", "timer", "GP", "GUD", "timer", NO, "Timers"),

    r("upload", "chunked", "P", "U", "chunkedupload", NO, "Chunked file upload"),
];

/// The resource `module/name`.
pub fn find(module: &str, name: &str) -> Option<&'static Resource> {
    RESOURCES
        .iter()
        .find(|r| r.module == module && r.name == name)
}

/// The resource of a "module/name" key ("crm/organization", "hours/timesheetrow/order").
pub fn find_path(path: &str) -> Option<&'static Resource> {
    let (module, name) = path.split_once('/')?;
    find(module, name)
}

/// Where a path leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route<'a> {
    /// `/module/name`
    Collection(&'static Resource),
    /// `/module/name/{id}`, the id segment as it appeared in the path (still percent-encoded).
    Item(&'static Resource, &'a str),
    /// `/module/name/{id}/action`
    Action(&'static Resource, &'a str, &'static Action),
}

impl<'a> Route<'a> {
    pub fn resource(&self) -> &'static Resource {
        match *self {
            Route::Collection(r) | Route::Item(r, _) | Route::Action(r, _, _) => r,
        }
    }

    /// The raw id segment, for item and action routes.
    pub fn id(&self) -> Option<&'a str> {
        match *self {
            Route::Collection(_) => None,
            Route::Item(_, id) | Route::Action(_, id, _) => Some(id),
        }
    }

    /// The methods this path takes: a request with another method deserves a 405 with these
    /// in its `Allow` header. Never empty (`route` does not return paths without methods).
    pub fn methods(&self) -> Methods {
        match *self {
            Route::Collection(r) => r.collection,
            Route::Item(r, _) => r.item,
            Route::Action(_, _, a) => a.method.into(),
        }
    }
}

/// Match a path below /api/v2 (e.g. "crm/organization/organization:abc",
/// "projects/service/x/duplicate", "hours/timesheetrow/order") to a route. Leading and trailing
/// slashes are ignored. The longest resource name wins ("hours/timesheetrow/order" is the
/// sub-collection, not the timesheet row "order"). `None` for unknown modules, resources or
/// actions, empty segments, extra segments, and for a level that takes no method at all
/// (`sales/converttoproject` has items only, so the bare collection path does not exist).
pub fn route(path: &str) -> Option<Route<'_>> {
    let path = path.trim_matches('/');
    let (module, rest) = path.split_once('/')?;
    // The longest matching name, not the first: rows are in the reference's order, which
    // does not put sub-collections before their parents.
    let (resource, tail) = RESOURCES
        .iter()
        .filter(|r| r.module == module)
        .filter_map(|r| {
            let tail = rest.strip_prefix(r.name)?;
            if tail.is_empty() {
                Some((r, None))
            } else {
                tail.strip_prefix('/').map(|t| (r, Some(t)))
            }
        })
        .max_by_key(|(r, _)| r.name.len())?;
    let Some(tail) = tail else {
        return (!resource.collection.is_empty()).then_some(Route::Collection(resource));
    };
    let mut segments = tail.split('/');
    let id = segments.next().filter(|s| !s.is_empty())?;
    match (segments.next(), segments.next()) {
        (None, _) => (!resource.item.is_empty()).then_some(Route::Item(resource, id)),
        (Some(action), None) => resource
            .action(action)
            .map(|a| Route::Action(resource, id, a)),
        _ => None,
    }
}

/// Module names, each once, in table order.
pub fn modules() -> impl Iterator<Item = &'static str> {
    RESOURCES
        .iter()
        .enumerate()
        .filter(|(i, r)| !RESOURCES[..*i].iter().any(|p| p.module == r.module))
        .map(|(_, r)| r.module)
}

/// The number of (method, path) operations the table describes.
pub fn operation_count() -> usize {
    RESOURCES.iter().map(Resource::operation_count).sum()
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, HashSet};

    use super::*;

    /// The reference's COMPACT FORM of the 298 operations in the Swagger spec
    /// (reference/endpoints.txt), verbatim: G=GET P=POST U=PUT D=DELETE;
    /// 'x GP/{id}:GUD' = GET,POST on /x and GET,PUT,DELETE on /x/{id}.
    const SPEC_COMPACT: &str = "\
costs (4): coststype G/{id}:G; expense G/{id}:G
crm (45): contactperson G/{id}:GD; country G/{id}:G; debtor G; document GPU/{id}:GD; documenttype G/{id}:G; gender G/{id}:G; industry G/{id}:G; interests G/{id}:G; myorganizationprofile G/{id}:G; organization GP/{id}:GUD; organizationcustomfieldgroups G/{id}:G; organizationcustomfields G/{id}:G; organizationsize G/{id}:G; person GP/{id}:GUD; personcustomfieldgroups G/{id}:G; personcustomfields G/{id}:G; relationtype G/{id}:G; mergeorganization P; mergeperson P
customfields (14): group G/{id}:GPUD; model G/{id}:G; option G/{id}:GPUD; type G/{id}:G
documents (8): document GPU/{id}:GD; documenttype G/{id}:G; download {id}:G
hours (30): absence P/{id}:U; approval GP/{id}:GUD; approvalstatus G/{id}:G; employeeexpenses G; employeeexpense {id}:G; hours GP/{id}:GUD; hourstype GP/{id}:GU; leave P/{id}:U; submission GP; submit P; timesheetrow GP/{id}:D; timesheetrow/order U; timesheetrow/mostrecent G
hrm (45): absence GP/{id}:GUD; absencetype G/{id}:G; civilstatus G/{id}:G; contract G/{id}:G; contracttype G/{id}:G; document GPU/{id}:GD; documenttype G/{id}:G; employee GP/{id}:GU; employeecustomfieldgroups G/{id}:G; employeecustomfields G/{id}:G; employeetype G/{id}:G; employmenttype G/{id}:G; leave GP/{id}:GU; leavebalance G; leavetype G/{id}:G; team G/{id}:G; timetable GP/{id}:UD
invoices (27): document GPU/{id}:GD; documenttype G/{id}:G; invoice GP/{id}:GUD; invoicestatus G/{id}:G; payment GP/{id}:GU; paymentterm G/{id}:G; proposition G; reminderset G/{id}:G; remindertemplate G/{id}:G; vatclass G/{id}:G
merger (2): compareorganization P; compareperson P
mileage (5): mileage GP/{id}:GUD
projects (45): assignment GP/{id}:GU; assignmentbudget G; assignmentstatus GP/{id}:GU; document GPU/{id}:GD; documenttype G/{id}:G; project GP/{id}:GUD; project/{id}/planningBudget G; projectcustomfieldgroups G/{id}:G; projectcustomfields G/{id}:G; projectemployee P; projectemployee/{project_employee_id} D; projectfilters G/{id}:G; projectstatus G/{id}:G; purchase G/{id}:G; purchasetype G/{id}:G; reverseinvoice G/{id}:G; service/{id}/duplicate P; service GP/{id}:GUD; service/{id}/planningBudget G
sales (48): converttoproject {id}:G; document GPU/{id}:GD; documenttype G/{id}:G; quote GP/{id}:GUD; quoteemail {id}:U; quotestatus G/{id}:G; quotetemplate GP/{id}:GUD; revenuegroup G/{id}:G; sales GP/{id}:GU; sales/{id}/duplicate P; salescustomfieldgroups G/{id}:G; salescustomfields G/{id}:G; salesfilters G/{id}:G; salesprogress G/{id}:G; salesreason G/{id}:G; salessource G/{id}:G; salesstatus G/{id}:G; service/{id}/duplicate P; service GP/{id}:GUD
services (5): defaultservice GP/{id}:GUD
shared (5): item GP/{id}:GUD
timeline (8): attachment P/{id}:D; message GP/{id}:GD; messagetype G/{id}:G
timers (5): timer GP/{id}:GUD
upload (2): chunked P/{id}:U";

    /// What the documentation's changelog adds, in the same notation:
    /// 2025-01 external documents (5), 2024-11 the project-service listings of hours and costs
    /// (1 + 1), 2023-12 the storage endpoints migrated from v1 (18 GET + 4 POST = 22).
    const CHANGELOG_COMPACT: &str = "\
costs (1): projectservices G
documents (5): externaldocument GPU/{id}:GD
hours (1): projectservices G
storage (22): avatar G; cachedthumb G; costsattachment G; documenteditordownload G; download G; downloadasattachment G; downloadletterpaper G; downloadlogo G; fileicon G; filex G; getfile G; getlogofile G; letterpaper G; loadfile G; logo G; preview G; signature G; thumbnail G; dropzoneupload P; getfileicon P; paperlayoutupload P; uploadstream P";

    /// (collection, item, actions) per (module, name), as a compact form describes them.
    type Parsed = BTreeMap<(String, String), (Methods, Methods, Vec<(String, Method)>)>;

    fn method_of(letter: char) -> Method {
        match letter {
            'G' => Method::Get,
            'P' => Method::Post,
            'U' => Method::Put,
            'D' => Method::Delete,
            other => panic!("bad method letter {other}"),
        }
    }

    /// Parses compact lines into `out`; returns the operation counts each line announces.
    fn parse_compact(text: &str, out: &mut Parsed) -> BTreeMap<String, usize> {
        let mut announced = BTreeMap::new();
        for line in text.lines() {
            let (head, body) = line.split_once("): ").expect("line head");
            let (module, count) = head.split_once(" (").expect("module (count)");
            announced.insert(module.to_owned(), count.parse::<usize>().expect("count"));
            for entry in body.split("; ") {
                let (path, spec) = entry.rsplit_once(' ').expect("path spec");
                let (name, after_name) = match path.split_once("/{") {
                    Some((name, rest)) => (name, Some(rest)),
                    None => (path, None),
                };
                let slot = out.entry((module.to_owned(), name.to_owned())).or_insert((
                    Methods::NONE,
                    Methods::NONE,
                    Vec::new(),
                ));
                match after_name {
                    // "x/{id}/action M"
                    Some(rest) if rest.contains("}/") => {
                        let action = rest.split_once("}/").unwrap().1;
                        for letter in spec.chars() {
                            slot.2.push((action.to_owned(), method_of(letter)));
                        }
                    }
                    // "x/{some_id} M": item methods
                    Some(_) => slot.1 |= Methods::letters(spec),
                    None => match spec.split_once(':') {
                        // "C/{id}:I" or "{id}:I"
                        Some((left, item)) => {
                            let collection = left.trim_end_matches("{id}").trim_end_matches('/');
                            slot.0 |= Methods::letters(collection);
                            slot.1 |= Methods::letters(item);
                        }
                        None => slot.0 |= Methods::letters(spec),
                    },
                }
            }
        }
        announced
    }

    fn registry_as_parsed() -> Parsed {
        RESOURCES
            .iter()
            .map(|r| {
                let actions = r
                    .actions
                    .iter()
                    .map(|a| (a.name.to_owned(), a.method))
                    .collect();
                (
                    (r.module.to_owned(), r.name.to_owned()),
                    (r.collection, r.item, actions),
                )
            })
            .collect()
    }

    fn sorted(mut parsed: Parsed) -> Parsed {
        for v in parsed.values_mut() {
            v.2.sort();
        }
        parsed
    }

    #[test]
    fn every_compact_line_matches_the_registry() {
        let mut expected = Parsed::new();
        let spec_counts = parse_compact(SPEC_COMPACT, &mut expected);
        parse_compact(CHANGELOG_COMPACT, &mut expected);
        let expected = sorted(expected);
        let actual = sorted(registry_as_parsed());
        for (key, want) in &expected {
            assert_eq!(actual.get(key), Some(want), "{key:?}");
        }
        for key in actual.keys() {
            assert!(expected.contains_key(key), "{key:?} is in no compact line");
        }
        // Each spec line's announced count is the operations it lists.
        let mut spec_only = Parsed::new();
        parse_compact(SPEC_COMPACT, &mut spec_only);
        for (module, count) in spec_counts {
            let ops: usize = spec_only
                .iter()
                .filter(|((m, _), _)| *m == module)
                .map(|(_, (c, i, a))| c.len() + i.len() + a.len())
                .sum();
            assert_eq!(ops, count, "{module}");
        }
    }

    #[test]
    fn operation_count_is_spec_plus_changelog() {
        // 298 operations in the Swagger spec
        // + 5  documents/externaldocument: GET, POST, PUT on the collection, GET, DELETE on items
        // + 1  hours/projectservices GET
        // + 1  costs/projectservices GET
        // + 22 storage/*: 18 GET + 4 POST
        // = 327 (documents/download/{id} GET is one of the 298 already)
        assert_eq!(operation_count(), 298 + 5 + 1 + 1 + 22);
        assert_eq!(operation_count(), 327);
        let listed: usize = RESOURCES.iter().map(|r| r.operations().len()).sum();
        assert_eq!(listed, 327);
        let distinct: HashSet<(Method, String)> =
            RESOURCES.iter().flat_map(Resource::operations).collect();
        assert_eq!(distinct.len(), 327);
    }

    #[test]
    fn no_duplicates_and_lowercase_names() {
        let mut seen = HashSet::new();
        for r in RESOURCES {
            assert!(
                seen.insert((r.module, r.name)),
                "duplicate {}/{}",
                r.module,
                r.name
            );
            let lower = |s: &str| s.bytes().all(|b| b.is_ascii_lowercase() || b == b'/');
            assert!(lower(r.module) && lower(r.name), "{}/{}", r.module, r.name);
            assert!(!r.name.starts_with('/') && !r.name.ends_with('/'));
            assert!(
                lower(r.id_prefix) && !r.id_prefix.contains('/'),
                "{}",
                r.id_prefix
            );
            assert!(!r.summary.is_empty());
            assert!(
                r.operation_count() > 0,
                "{}/{} takes no method",
                r.module,
                r.name
            );
            for a in r.actions {
                // Simplicate's one camelCase spelling is documented: planningBudget.
                let ok = lower(a.name) || a.name == "planningBudget";
                assert!(ok, "action {}", a.name);
            }
        }
    }

    #[test]
    fn modules_in_table_order() {
        let modules: Vec<&str> = modules().collect();
        assert_eq!(
            modules,
            [
                "costs",
                "crm",
                "customfields",
                "documents",
                "hours",
                "hrm",
                "invoices",
                "merger",
                "mileage",
                "projects",
                "sales",
                "services",
                "shared",
                "storage",
                "timeline",
                "timers",
                "upload"
            ]
        );
    }

    #[test]
    fn methods_set_behaviour() {
        let m = Methods::GET | Methods::PUT;
        assert!(m.contains(Method::Get) && m.contains(Method::Put) && !m.contains(Method::Post));
        assert_eq!(m.to_string(), "GET, PUT");
        assert_eq!(
            Methods::letters("DUPG").to_string(),
            "GET, POST, PUT, DELETE"
        );
        assert_eq!(Methods::NONE.to_string(), "");
        assert!(Methods::NONE.is_empty());
        assert_eq!(
            Methods::letters("GD").names().collect::<Vec<_>>(),
            ["GET", "DELETE"]
        );
        assert_eq!(Methods::letters("GD").len(), 2);
        let mut acc = Methods::NONE;
        acc |= Method::Delete.into();
        assert_eq!(acc, Methods::DELETE);
        assert_eq!(Method::parse("delete"), Some(Method::Delete));
        assert_eq!(Method::parse("PATCH"), None);
    }

    #[test]
    fn routes() {
        let org = find("crm", "organization").unwrap();
        assert_eq!(route("crm/organization"), Some(Route::Collection(org)));
        assert_eq!(route("/crm/organization/"), Some(Route::Collection(org)));
        assert_eq!(
            route("crm/organization/organization:21ea35b0780c7f46"),
            Some(Route::Item(org, "organization:21ea35b0780c7f46"))
        );
        assert_eq!(
            route("crm/organization").unwrap().methods().to_string(),
            "GET, POST"
        );
        assert_eq!(
            route("crm/organization/x").unwrap().methods().to_string(),
            "GET, PUT, DELETE"
        );

        // UUID-v7 project service ids (changelog 2024-11) and actions.
        let service = find("projects", "service").unwrap();
        let uuid = "01930bb6-87aa-779b-9561-fcb44ac3121d";
        assert_eq!(
            route(&format!("projects/service/{uuid}")),
            Some(Route::Item(service, uuid))
        );
        let path = format!("projects/service/{uuid}/duplicate");
        let Some(Route::Action(r, id, a)) = route(&path) else {
            panic!("duplicate is an action");
        };
        assert_eq!(
            (r.name, id, a.name, a.method),
            ("service", uuid, "duplicate", Method::Post)
        );
        let planning = route("projects/project/project:abc/planningBudget").unwrap();
        assert_eq!(planning.id(), Some("project:abc"));
        assert_eq!(planning.methods(), Methods::GET);
        assert!(route("projects/project/project:abc/planningbudget").is_none());
        assert!(route("sales/sales/sales:1/duplicate").is_some());
        assert!(route("crm/organization/organization:1/duplicate").is_none());

        // Sub-collections win over an item with the same id; the parent still has items.
        let order = find("hours", "timesheetrow/order").unwrap();
        assert_eq!(
            route("hours/timesheetrow/order"),
            Some(Route::Collection(order))
        );
        assert_eq!(
            route("hours/timesheetrow/order").unwrap().methods(),
            Methods::PUT
        );
        let row = find("hours", "timesheetrow").unwrap();
        assert_eq!(
            route("hours/timesheetrow/timesheetrow:9"),
            Some(Route::Item(row, "timesheetrow:9"))
        );
        assert!(route("hours/timesheetrow/order/x").is_none());
        let pe = route("projects/projectemployee/projectemployee:7").unwrap();
        assert_eq!(pe.methods(), Methods::DELETE);

        // Item-only and collection-only resources.
        assert!(route("sales/converttoproject").is_none());
        assert!(route("sales/converttoproject/sales:1").is_some());
        assert!(route("documents/download/document:abc").is_some());
        assert!(route("documents/download").is_none());
        assert!(route("storage/loadfile").is_some());
        assert!(route("storage/loadfile/x").is_none());
        assert!(route("hours/timesheetrow/mostrecent").is_some());

        // Unknown things.
        assert!(route("").is_none());
        assert!(route("crm").is_none());
        assert!(route("nope/organization").is_none());
        assert!(route("crm/organisation").is_none());
        assert!(route("crm/organizations").is_none());
        assert!(route("crm/organization/a/b/c").is_none());
        assert!(route("crm/organization//").is_some()); // trailing slashes are trimmed
        assert!(route("crm/organization//x").is_none());
        assert!(route("CRM/organization").is_none());
    }
}
