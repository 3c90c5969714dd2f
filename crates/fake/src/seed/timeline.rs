//! Timeline messages (`timeline/message`): notes, calls, e-mails, meetings and tasks on an
//! organization, a person, a project or a sale, written by an employee.

use serde_json::Value;

use super::crm::employee_short;
use super::lookups_more::{message_type, MESSAGE_TYPES, MESSAGE_TYPE_WEIGHTS};
use super::module_documents::link;
use super::rng;
use super::{Generator, C};

const SUBJECTS: &[&str] = &[
    "Offerte besproken",
    "Planning doorgenomen",
    "Vervolgafspraak gemaakt",
    "Vragen over de factuur",
    "Kick-off ingepland",
    "Feedback op het ontwerp",
    "Wensen voor fase 2",
    "Contract verlengd",
];

const TARGETS: &[C] = &[C::Organization, C::Person, C::Project, C::Sales];
const TARGET_WEIGHTS: &[u64] = &[40, 20, 25, 15];

/// Message `i` (GetMessage).
pub fn message(g: &Generator, i: usize) -> Value {
    let mut r = g.rng(C::Message, i);
    let kind = g.pick_weighted(C::MessageType, &mut r, MESSAGE_TYPE_WEIGHTS);
    let target = TARGETS[rng::weighted(&mut r, TARGET_WEIGHTS)];
    let (linked_to, about) = match g.pick(target, &mut r) {
        Some(j) => {
            let (entry, name) = link(g, target, j);
            (vec![entry], name)
        }
        None => (Vec::new(), String::new()),
    };
    let subject = rng::pick_str(&mut r, SUBJECTS);
    let action = kind.map_or("note", |k| MESSAGE_TYPES[k].1);
    let title = match action {
        "call" => format!("Gebeld: {subject}"),
        "email" => format!("E-mail: {subject}"),
        "meeting" => format!("Afspraak: {subject}"),
        "task" => format!("Taak afgerond: {subject}"),
        _ => subject.to_owned(),
    };
    let content = match target {
        _ if about.is_empty() => format!("{subject}."),
        C::Organization | C::Person => format!("{subject} met {about}."),
        _ => format!("{subject} over {about}."),
    };
    let content_fields: Vec<Value> = match action {
        "call" | "meeting" => vec![
            object! {"title": "Met", "value": about.clone()},
            object! {"title": "Duur", "value": format!("{} minuten", 15 * r.range(1, 6))},
        ],
        _ => Vec::new(),
    };
    let author = employee_short(g, g.pick(C::Employee, &mut r));
    // Creator: {id, label} of the employee who wrote it.
    let created_by = match author {
        Value::Object(mut m) => {
            let name = m.remove("name").unwrap_or(Value::Null);
            m.insert("label".to_owned(), name);
            Value::Object(m)
        }
        other => other,
    };
    let (created, updated) = rng::created_updated(&mut r);
    object! {
        "id": g.id_of(C::Message, i),
        "attachments": Vec::<Value>::new(),
        "message_type": kind.map_or(Value::Null, |k| message_type(g, k)),
        "linked_to": linked_to,
        "created_by": created_by,
        "created_at": rng::timestamp(created),
        "updated_at": rng::timestamp(updated),
        "title": title,
        "content_fields": content_fields,
        "content": content,
        "display_date": rng::timestamp(created),
    }
}
