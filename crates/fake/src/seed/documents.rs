//! Documents, each linked to one organization, person, project or sale.
//!
//! `linked_to` is an object keyed like the POST body and the documentation's filter
//! (`q[linked_to.invoice_id]=...`), e.g. `{"project_id": "project:..."}`; the spec's model
//! calls it a list of `{id, label, type}`, but the documented filter only works on this shape.

use serde_json::{Map, Value};

use super::crm::{employee_simple, org_core, person_core};
use super::lookups::{self as l, DOCUMENT_TYPES};
use super::projects::project_core;
use super::rng;
use super::words::DOCUMENT_SUBJECTS;
use super::{s, Generator, C};

pub fn document(g: &Generator, i: usize) -> Value {
    let mut r = g.rng(C::Document, i);
    let kind = g.pick(C::DocumentType, &mut r);
    // What the document belongs to: the first kind with records, starting from a random one.
    let targets = [C::Organization, C::Project, C::Person, C::Sales];
    let first = r.below(targets.len() as u64) as usize;
    let mut linked_to = Map::new();
    let mut about = String::new();
    for k in 0..targets.len() {
        let c = targets[(first + k) % targets.len()];
        if let Some(j) = g.pick(c, &mut r) {
            let (key, name) = match c {
                C::Organization => ("organization_id", org_core(g, j).name),
                C::Project => ("project_id", project_core(g, j).name),
                C::Person => ("person_id", person_core(g, j).full_name),
                _ => ("sales_id", String::new()),
            };
            linked_to.insert(key.to_owned(), s(g.id_of(c, j)));
            about = name;
            break;
        }
    }
    let label = kind.map_or("Document", |k| DOCUMENT_TYPES[k].0);
    let subject = *r.pick(DOCUMENT_SUBJECTS);
    let title = rng::join_nonempty(&[label, subject, &about]);
    let extension = *r.pick(&["pdf", "pdf", "pdf", "docx", "xlsx"]);
    let author = g.pick(C::Employee, &mut r);
    let (created, updated) = rng::created_updated(&mut r);
    let id = g.id_of(C::Document, i);
    let download_url = format!("https://acme.simplicate.nl/v1/storage/download?id={id}");
    object! {
        "id": id,
        "title": format!("{title}.{extension}"),
        "description": if r.chance(40) { format!("{subject} ({label})") } else { String::new() },
        "document_type": kind.map_or(Value::Null, |k| l::labelled(g, C::DocumentType, k)),
        "linked_to": linked_to,
        "created_by": employee_simple(g, author),
        "download_url": download_url,
        "created_at": rng::timestamp(created),
        "updated_at": rng::timestamp(updated),
    }
}
