//! HRM documents: document `i` belongs to employee `i mod #employees` (`linked_to.employee_id`);
//! each employee's first is their employment contract, the others payslips, reviews, a copy of
//! their passport or a diploma, dated while they were employed. Like invoice documents they
//! carry a `file_name` and the `file_size` of what `documents/download/{id}` serves for them
//! (generated from the file name, title and id: `files::generated_content`).

use serde_json::Value;

use super::super::super::files;
use super::super::crm::employee_simple;
use super::super::rng::{self, END, START};
use super::super::{Generator, C};
use super::lookups as h;
use super::{employee_core, employment};

const MONTHS: &[&str] = &[
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];

pub fn document(g: &Generator, i: usize) -> Value {
    let mut r = g.rng(C::HrmDocument, i);
    let id = g.id_of(C::HrmDocument, i);
    let n = g.size(C::Employee);
    let e = g.wrap(C::Employee, i);
    let name = e.map_or_else(|| "medewerker".to_owned(), |e| employee_core(g, e).name);
    let employment = e.map(|e| employment(g, e));
    let (lo, hi) = employment
        .as_ref()
        .and_then(|e| e.in_history())
        .unwrap_or((rng::FIRST_DAY, rng::END_DAY - 1));
    let first = n == 0 || i < n;
    let kind = if first {
        h::CONTRACT_DOCUMENT
    } else {
        1 + r.below(h::DOCUMENT_TYPES.len() as u64 - 1) as usize
    };
    let day = if first {
        employment.as_ref().map_or(lo, |e| e.start)
    } else {
        r.range(lo as u64, hi as u64) as i64
    };
    let date = rng::date(day);
    let (label, _) = h::DOCUMENT_TYPES[kind];
    let (title, extension) = match kind {
        h::CONTRACT_DOCUMENT => (format!("{label} {name} {date}"), "pdf"),
        1 => {
            let (year, month, _) = crate::ids::civil_from_days(day);
            let month = MONTHS[month as usize - 1];
            (format!("{label} {month} {year} {name}"), "pdf")
        }
        2 => (
            format!("{label} {name} {}", &date[..4]),
            *r.pick(&["pdf", "docx"]),
        ),
        3 => (format!("{label} {name}"), *r.pick(&["pdf", "jpg"])),
        _ => (format!("{label} {name}"), "pdf"),
    };
    let file_name = format!("{title}.{extension}");
    let size = files::generated_content(&file_name, &file_name, &id).len();
    // Made when it is dated (imported with the account's history for older ones), while they
    // were employed.
    let created = (day * 86_400 + 9 * 3600 + r.below(8 * 3600) as i64)
        .max(START + r.below(30 * 86_400) as i64)
        .min(hi * 86_400 + 17 * 3600)
        .min(END);
    let updated = rng::after(&mut r, created, 30 * 86_400);
    let kind = (kind < g.size(C::HrmDocumentType)).then(|| h::copy(g, C::HrmDocumentType, kind));
    let author = g.wrap(C::Employee, 0);
    let download_url = format!("https://acme.simplicate.nl/v1/storage/download?id={id}");
    object! {
        "id": id,
        "title": file_name.clone(),
        "description": "",
        "file_name": file_name,
        "file_size": size,
        "content_type": files::content_type(&format!(".{extension}")),
        "document_type": kind,
        "linked_to": e.map(|e| object! { "employee_id": g.id_of(C::Employee, e) }),
        "created_by": employee_simple(g, author),
        "download_url": download_url,
        "created_at": rng::timestamp(created),
        "updated_at": rng::timestamp(updated),
    }
}
