//! The second seeding pass: every other collection the registry lists with a GET (costs,
//! approvals and timesheets, debtors, module documents, payments, mileage, timers, shared
//! items, the timeline, assignments, purchases, quotes, sales services, default services and
//! the lookups they name). Same rules as the first pass (`mod.rs`): each record is a pure
//! function of (seed, collection, index, sizes), references are index arithmetic, copies are
//! built by the code that builds what they copy.
//!
//! Values are clean, as the record table (`src/model/records.txt`) types them: amounts are
//! JSON numbers, flags booleans, dates valid. The real API's deviations are applied afterwards,
//! by the quirks pass.
//!
//! Some collections list other records again and are sized by them (`sized_by`):
//! `hours/employeeexpenses` is `costs/expense`, `costs/projectservices` and
//! `hours/projectservices` are `projects/service` in short, `crm/debtor` has one debtor per
//! organization and per person who is not an employee, `projects/assignmentbudget` one budget
//! per assignment. `invoices/payment` may be sized, but by default grows with the invoices.

use serde_json::Value;

use crate::ids::days_from_civil;

use super::{
    costs, crm_more, invoicing, lookups_more, module_documents, project_work, quotes,
    registrations, shared, timeline, timesheet, Generator, C, COUNT,
};

/// Cents as a JSON number of euros (`12345` → `123.45`).
pub fn amount(cents: u64) -> Value {
    Value::from(cents as f64 / 100.0)
}

/// An amount as another builder wrote it, in cents: a JSON number or decimal text (`"123.45"`,
/// what the first pass writes while its values carry the real API's quirks). 0 for anything else.
pub fn cents_of(v: &Value) -> u64 {
    let euros = match v {
        Value::Number(n) => n.as_f64().unwrap_or(0.0),
        Value::String(s) => s.trim().parse::<f64>().unwrap_or(0.0),
        _ => 0.0,
    };
    (euros * 100.0).round().max(0.0) as u64
}

/// Whether this pass builds the records of `c` (its variants close the enum).
pub fn owns(c: C) -> bool {
    c as usize >= C::CostsType as usize
}

pub fn record(g: &Generator, c: C, i: usize) -> Value {
    match c {
        C::Expense | C::EmployeeExpense => costs::expense(g, i),
        C::CostsProjectService | C::HoursProjectService => costs::project_service(g, i),
        C::Approval => timesheet::approval(g, i),
        C::Submission => timesheet::submission(g, i),
        C::TimesheetRow => timesheet::row(g, i),
        C::Debtor => crm_more::debtor(g, i),
        C::CrmDocument | C::ProjectDocument | C::SalesDocument | C::ExternalDocument => {
            module_documents::document(g, c, i)
        }
        C::Payment => invoicing::payment(g, i),
        C::Proposition => invoicing::proposition(g, i),
        C::Mileage => registrations::mileage(g, i),
        C::Timer => registrations::timer(g, i),
        C::SharedItem => shared::item(g, i),
        C::Message => timeline::message(g, i),
        C::Assignment => project_work::assignment(g, i),
        C::AssignmentBudget => project_work::assignment_budget(g, i),
        C::Purchase => project_work::purchase(g, i),
        C::ReverseInvoice => project_work::reverse_invoice(g, i),
        C::Quote => quotes::quote(g, i),
        C::SalesService => quotes::sales_service(g, i),
        _ => lookups_more::record(g, c, i),
    }
}

/// For collections sized by others: what they hold (for the error refusing a size).
pub fn sized_by(c: C) -> Option<&'static str> {
    Some(match c {
        C::EmployeeExpense => "the records of 'costs/expense'",
        C::CostsProjectService | C::HoursProjectService => {
            "one entry per project service ('projects/service')"
        }
        C::Debtor => {
            "one debtor per organization and per person who is not an employee \
             ('crm/organization', 'crm/person', 'hrm/employee')"
        }
        C::AssignmentBudget => "one budget per assignment ('projects/assignment')",
        _ => return None,
    })
}

/// Sets the sizes that follow from others; `given(c)`: the caller sized `c` itself.
pub fn derive_sizes(sizes: &mut [usize; COUNT], given: impl Fn(C) -> bool) {
    let size = |sizes: &[usize; COUNT], c: C| sizes[c as usize];
    sizes[C::EmployeeExpense as usize] = size(sizes, C::Expense);
    sizes[C::CostsProjectService as usize] = size(sizes, C::Service);
    sizes[C::HoursProjectService as usize] = size(sizes, C::Service);
    sizes[C::Debtor as usize] = size(sizes, C::Organization)
        + size(sizes, C::Person).saturating_sub(size(sizes, C::Employee));
    sizes[C::AssignmentBudget as usize] = size(sizes, C::Assignment);
    if !given(C::Payment) {
        sizes[C::Payment as usize] = invoicing::default_payments(size(sizes, C::Invoice));
    }
}

/// "YYYY-MM-DD" (or the date part of a timestamp) → days since the epoch.
pub fn day_of(date: &str) -> Option<i64> {
    let part = |range: std::ops::Range<usize>| date.get(range)?.parse::<u32>().ok();
    Some(days_from_civil(
        i64::from(part(0..4)?),
        part(5..7)?,
        part(8..10)?,
    ))
}
