//! The modules' documents (`crm/document`, `projects/document`, `sales/document`) and external
//! documents (`documents/externaldocument`, changelog 2025-01: files kept elsewhere, linked).
//!
//! Shaped as the record table's GetDocument: `linked_to` is an object keyed like the POST body
//! and the documentation's filter (`{"project_id": "project:..."}`), as `documents/document`.
//! Module documents download (`documents/download/{id}`, files/content.rs generates their bytes
//! from file name, title and id), so `file_size` is the length of what is served.

use serde_json::{Map, Value};

use super::super::files;
use super::crm::{employee_simple, org_core, person_core};
use super::lookups as l;
use super::lookups_more::{document_type_short, document_types};
use super::projects::project_core;
use super::rng;
use super::sales::sales;
use super::words::DOCUMENT_SUBJECTS;
use super::{Generator, C};
use crate::ids::SplitMix64;

/// `{id, label, type}` of record `j` of `c`, and its name for the title.
pub fn link(g: &Generator, c: C, j: usize) -> (Value, String) {
    let (kind, label) = match c {
        C::Organization => ("organization", org_core(g, j).name),
        C::Person => ("person", person_core(g, j).full_name),
        C::Project => ("project", project_core(g, j).name),
        _ => (
            "sales",
            sales(g, j)["subject"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        ),
    };
    let entry = object! {"id": g.id_of(c, j), "label": label.clone(), "type": kind};
    (entry, label)
}

/// What document `i` of `c` belongs to: its collection's kind of record.
fn target(g: &Generator, c: C, r: &mut SplitMix64) -> Option<(C, usize)> {
    let kind = match c {
        C::CrmDocument if r.chance(40) => C::Person,
        C::CrmDocument => C::Organization,
        C::ProjectDocument => C::Project,
        C::SalesDocument => C::Sales,
        _ if r.chance(70) => C::Project,
        _ => C::Organization,
    };
    g.pick(kind, r).map(|j| (kind, j))
}

const EXTENSIONS: &[&str] = &["pdf", "pdf", "pdf", "docx", "xlsx", "pptx"];

/// Document `i` of `c` (GetDocument).
pub fn document(g: &Generator, c: C, i: usize) -> Value {
    let mut r = g.rng(c, i);
    let types = match c {
        C::CrmDocument => C::CrmDocumentType,
        C::ProjectDocument => C::ProjectDocumentType,
        C::SalesDocument => C::SalesDocumentType,
        // External documents are about projects and organizations: no invoices.
        _ => C::ProjectDocumentType,
    };
    let kind = g.pick(types, &mut r);
    let (kind_copy, kind_label) = match kind {
        Some(k) => (
            document_type_short(g, types, k),
            l::DOCUMENT_TYPES[document_types(types)[k]].0,
        ),
        None => (Value::Null, "Document"),
    };
    let (linked_to, about) = match target(g, c, &mut r) {
        Some((target, j)) => {
            let (entry, name) = link(g, target, j);
            let key = format!("{}_id", entry["type"].as_str().unwrap_or_default());
            let mut object = Map::with_capacity(1);
            object.insert(key, entry["id"].clone());
            (Value::Object(object), name)
        }
        None => (Value::Null, String::new()),
    };
    let subject = *r.pick(DOCUMENT_SUBJECTS);
    let title = rng::join_nonempty(&[kind_label, subject, &about]);
    let extension = *r.pick(EXTENSIONS);
    let file_name = format!("{title}.{extension}");
    let author = g.pick(C::Employee, &mut r);
    let (created, updated) = rng::created_updated(&mut r);
    let id = g.id_of(c, i);
    let external = c == C::ExternalDocument;
    let download_url = if external {
        let mut url =
            String::from("https://acme.sharepoint.com/sites/projecten/Gedeelde%20documenten/");
        rng::push_hex(&mut url, r.next_u64(), 12);
        url.push('.');
        url.push_str(extension);
        url
    } else {
        format!("https://acme.simplicate.nl/v1/storage/download?id={id}")
    };
    let description = if r.chance(40) {
        format!("{subject} ({kind_label})")
    } else {
        String::new()
    };
    let mut record = Map::with_capacity(12);
    let mut put = |key: &str, value: Value| {
        record.insert(key.to_owned(), value);
    };
    put("id", id.clone().into());
    put("download_url", download_url.into());
    put("document_type", kind_copy);
    put("linked_to", linked_to);
    put("created_by", employee_simple(g, author));
    put("created_at", rng::timestamp(created).into());
    put("updated_at", rng::timestamp(updated).into());
    put("title", title.clone().into());
    put("description", description.into());
    if !external {
        // Served by documents/download: the size and type of what it serves.
        let size = files::generated_content(&file_name, &title, &id).len();
        put("content_type", files::content_type(&file_name).into());
        put("file_size", size.into());
    }
    put("file_name", file_name.into());
    Value::Object(record)
}
