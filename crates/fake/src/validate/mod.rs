//! Write validation: a POST or PUT body is checked the way the real API checks it, before
//! anything is stored, and refused with 400, the JSON error envelope and one message in
//! Simplicate's style (the documentation's own example: "No country code given in the
//! visiting_address property"). What a write takes comes from the record model table
//! (`simplicate_api::model`, `records.txt`): the `create` (POST) or `update` (PUT) line of the resource
//! names the body's type and what it requires.
//!
//! Checked in this order, the first problem answering (the documentation's example carries a
//! single message):
//!
//! 1. **Kinds.** A field of the body's type holding the wrong kind of value: an object where the
//!    table has text, a list where it has an object, text where it has a number. As lenient with
//!    scalars as a PHP API surely is ([`Leniency::Real`]): numbers as decimal text, booleans as
//!    `0`/`1` or `"0"`/`"1"`, plus what PHP casts without a thought: a JSON number where the
//!    table has text (the documentation's own upload sends `"file_size": 858` for the spec's
//!    string), a whole number written `14.0` where it has an integer, a date or date-time
//!    written either way (`T` or a space before the time, seconds optional, anything after),
//!    `""` for an unset date. One object where the table has a list of objects is that list's
//!    one element: the documentation's document upload sends `"linked_to": {...}` where the
//!    spec's `PostDocument` has a list. `null` fits every kind.
//! 2. **Requirements.** A required field that is missing, `null` or blank text is refused; of
//!    alternatives (`organization_id|person_id`) one must be given; a nested requirement
//!    (`visiting_address.country_code`) holds only when its parent is given, for every element
//!    when the parent is a list.
//! 3. **References.** A field the table types `s@<collection>` (at any depth: objects, lists)
//!    that holds non-empty text must name a record of that collection; documents are looked up
//!    in every document collection, as downloads find them.
//! 4. **The documented limitations** ("Known Limitations"): project services are created and
//!    modified only with `invoice_method` `FixedFee` or `Hours` (a PUT of a service stored with
//!    another method is refused too, and so is duplicating one), and installments cannot be
//!    created or modified (`invoice_in_installments` true, or non-empty `installments`).
//!
//! Where the table is silent we chose:
//! - **Unknown fields are accepted**, and stored as sent like every other field: a PHP API
//!   picks the fields it knows from the decoded body and ignores the rest, so refusing them
//!   would fail client code that works in production.
//! - Writes without a line in the table (the storage uploads, `hours/timesheetrow/order`, ...)
//!   are not checked.
//! - `POST .../{id}/duplicate` checks the kinds and references of its body (the fields that
//!   override the copy) against the resource's `create` type, without requirements: the copy
//!   brings them.
//!
//! The host's own `fake.add()` is never validated: tests plant whatever they need.

use axum::response::Response;
use http::StatusCode;
use serde_json::{Map, Value};

use super::envelope;
use super::files;
use super::routes::Call;
use super::store::Store;
use simplicate_api::model::{self, Field, Kind, Leniency, Model, RecordType, Requirement, Write};
use simplicate_api::registry::{Method, Route};
use simplicate_api::values;

/// The invoice methods a project service can be written with (Known Limitations; "Actual
/// costs" is `Hours`, changelog 2023-07).
const SERVICE_INVOICE_METHODS: [&str; 2] = ["FixedFee", "Hours"];
const SERVICES: &str = "projects/service";

/// What one write does with its body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// POST: the `create` line, requirements included.
    Create,
    /// PUT (and the item POST that updates): the `update` line.
    Update,
    /// `POST .../{id}/duplicate`: the `create` line's kinds and references only.
    Duplicate,
}

/// The 400 answering `call`'s body, if it is refused; `None` for every request that is not a
/// POST or PUT, and for writes the table has nothing to say about.
pub fn refusal(call: &Call) -> Option<Response> {
    let body = call.body.as_ref()?;
    let resource = call.route.resource();
    let path = resource.path();
    let (mode, stored_id) = match (call.route, call.method) {
        (Route::Collection(_), Method::Post) => (Mode::Create, None),
        (Route::Collection(_), Method::Put) => {
            (Mode::Update, body.get("id").and_then(Value::as_str))
        }
        // `customfields/option/{id}` creates an option of custom field `id`; the other item
        // POST (`customfields/group/{id}`) updates.
        (Route::Item(..), Method::Post) if resource.name == "option" => (Mode::Create, None),
        (Route::Item(..), Method::Post | Method::Put) => (Mode::Update, call.id.as_deref()),
        (Route::Action(_, _, action), Method::Post) if action.name == "duplicate" => {
            (Mode::Duplicate, call.id.as_deref())
        }
        _ => return None,
    };
    let stored = stored_id.and_then(|id| match call.store.get(&path, id) {
        Some(Value::Object(record)) => Some(record),
        _ => None,
    });
    validate(call.store, &path, mode, body, stored.as_ref())
        .err()
        .map(|message| envelope::error(StatusCode::BAD_REQUEST, message))
}

/// The first problem of `body` as a `mode` write of `resource` (`stored`: the record a PUT or
/// duplicate starts from, when it exists), as the message of the 400.
fn validate(
    store: &Store,
    resource: &str,
    mode: Mode,
    body: &Map<String, Value>,
    stored: Option<&Map<String, Value>>,
) -> Result<(), String> {
    let model = model::model();
    let write = match mode {
        Mode::Create | Mode::Duplicate => model.create(resource),
        Mode::Update => model.update(resource),
    };
    if let Some(write) = write {
        let body_type = model.type_at(write.body);
        kinds(model, body_type, body)?;
        if mode != Mode::Duplicate {
            requirements(write, body)?;
        }
        references(store, model, body_type, body)?;
    }
    if resource == SERVICES {
        service_limitations(mode, body, stored)?;
    }
    Ok(())
}

// ---- 1. kinds -----------------------------------------------------------------------------------

fn kinds(model: &Model, record: &RecordType, body: &Map<String, Value>) -> Result<(), String> {
    walk_fields(
        model,
        record,
        body,
        &mut String::new(),
        &mut |field, kind, value, path| match (kind, value) {
            (_, Value::Null) | (Kind::Any, _) => Ok(()),
            (Kind::Object(_) | Kind::List(_), _) => Err(wrong_kind(path, kind, value)),
            (scalar, value) if scalar_fits(model, field, scalar, value) => Ok(()),
            _ => Err(wrong_kind(path, kind, value)),
        },
    )
}

/// What [`walk`] leaves to a check: a value the body's nesting does not lead into (a scalar, a
/// null, a value of the wrong shape), its field, the kind the model expects, and its path.
type Leaf<'a> = dyn FnMut(&Field, &Kind, &Value, &mut String) -> Result<(), String> + 'a;

/// [`walk`] over every field of `object` that `record` knows (unknown fields are stored as
/// sent, never checked), with `path` extended by the field's name while it runs (`path` is
/// where `object` sits, empty at the top).
fn walk_fields(
    model: &Model,
    record: &RecordType,
    object: &Map<String, Value>,
    path: &mut String,
    leaf: &mut Leaf<'_>,
) -> Result<(), String> {
    for (name, value) in object {
        let Some(field) = record.field(name) else {
            continue;
        };
        let mark = path.len();
        if mark > 0 {
            path.push('.');
        }
        path.push_str(name);
        walk(model, field, &field.kind, value, path, leaf)?;
        path.truncate(mark);
    }
    Ok(())
}

/// `value` as the body nests it against `kind`: into an object's known fields, into each
/// element of a list (`[i]` in the path), and into one object sent where the model has a list
/// of objects (the documentation's own `linked_to` example); anything else goes to `leaf`.
fn walk(
    model: &Model,
    field: &Field,
    kind: &Kind,
    value: &Value,
    path: &mut String,
    leaf: &mut Leaf<'_>,
) -> Result<(), String> {
    match (kind, value) {
        (Kind::Object(t), Value::Object(object)) => {
            walk_fields(model, model.type_at(*t), object, path, leaf)
        }
        (Kind::List(inner), Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                let mark = path.len();
                path.push_str(&format!("[{i}]"));
                walk(model, field, inner, item, path, leaf)?;
                path.truncate(mark);
            }
            Ok(())
        }
        (Kind::List(inner), Value::Object(_)) if matches!(**inner, Kind::Object(_)) => {
            walk(model, field, inner, value, path, leaf)
        }
        _ => leaf(field, kind, value, path),
    }
}

/// [`Leniency::Real`], and what PHP casts without complaint (see the module docs).
fn scalar_fits(model: &Model, field: &Field, kind: &Kind, value: &Value) -> bool {
    if model.check(kind, value, Leniency::Real).is_empty() {
        return true;
    }
    match (kind, value) {
        // An id is text: a number cannot name a record.
        (Kind::Str, Value::Number(_)) => field.references.is_none(),
        (Kind::Int, Value::Number(n)) => n.as_f64().is_some_and(|f| f.fract() == 0.0),
        (Kind::Date | Kind::DateTime, Value::String(s)) => s.is_empty() || date_text(s),
        _ => false,
    }
}

/// `YYYY-MM-DD` (or MySQL's zero date), optionally followed by a time after a space or `T`:
/// `HH:MM`, then anything (seconds, fractions, a zone).
fn date_text(s: &str) -> bool {
    let Some(day) = s.get(..10) else {
        return false;
    };
    if values::date(day).is_none() && !values::is_zero_date(day) {
        return false;
    }
    let rest = &s.as_bytes()[10..];
    match rest {
        [] => true,
        [b' ' | b'T', h1, h2, b':', m1, m2, ..] => {
            [h1, h2, m1, m2].iter().all(|b| b.is_ascii_digit())
        }
        _ => false,
    }
}

fn wrong_kind(path: &str, kind: &Kind, value: &Value) -> String {
    let expected = match kind {
        Kind::Str => "text",
        Kind::Int => "a whole number",
        Kind::Num => "a number",
        Kind::Bool => "a boolean",
        Kind::Date => "a date (YYYY-MM-DD)",
        Kind::DateTime => "a date and time (YYYY-MM-DD HH:MM:SS)",
        Kind::Object(_) => "an object",
        Kind::List(_) => "a list",
        Kind::Any => "a value",
    };
    let got = match value {
        Value::Object(_) => "an object".to_owned(),
        Value::Array(_) => "a list".to_owned(),
        scalar => simplicate_api::text::truncate_chars(&scalar.to_string(), 40),
    };
    format!("The {path} property must be {expected}, got {got}")
}

// ---- 2. requirements ----------------------------------------------------------------------------

fn requirements(write: &Write, body: &Map<String, Value>) -> Result<(), String> {
    for requirement in &write.requires {
        let met = requirement
            .alternatives
            .iter()
            .any(|path| given(body, path));
        if !met {
            return Err(missing(requirement));
        }
    }
    Ok(())
}

/// Whether `path` is given in `object`: a value that is not null nor blank text at its end;
/// a nested path whose parent is not given holds (nothing to require), and one whose parent is
/// a list must hold for every element.
fn given(object: &Map<String, Value>, path: &[String]) -> bool {
    let Some((first, rest)) = path.split_first() else {
        return true;
    };
    let value = object.get(first);
    if rest.is_empty() {
        return match value {
            None | Some(Value::Null) => false,
            Some(Value::String(s)) => !s.trim().is_empty(),
            Some(_) => true,
        };
    }
    match value {
        Some(Value::Object(inner)) => given(inner, rest),
        Some(Value::Array(items)) => items.iter().all(|item| match item {
            Value::Object(inner) => given(inner, rest),
            _ => false,
        }),
        // Absent, null, or a scalar (the kinds check refuses that first).
        _ => true,
    }
}

/// "No name given", "No organization_id or person_id given", and for alternatives below one
/// parent the documentation's own wording: "No country code given in the visiting_address
/// property".
fn missing(requirement: &Requirement) -> String {
    let alternatives = &requirement.alternatives;
    let parent = |path: &[String]| path[..path.len().saturating_sub(1)].join(".");
    let shared = alternatives
        .first()
        .filter(|first| first.len() > 1)
        .map(|first| parent(first))
        .filter(|p| alternatives.iter().all(|path| parent(path) == *p));
    if let (Some(parent), Some(leaf)) = (shared, alternatives.first().and_then(|path| path.last()))
    {
        format!(
            "No {} given in the {parent} property",
            leaf.replace('_', " ")
        )
    } else {
        let names: Vec<String> = alternatives.iter().map(|path| path.join(".")).collect();
        format!("No {} given", names.join(" or "))
    }
}

// ---- 3. references ------------------------------------------------------------------------------

fn references(
    store: &Store,
    model: &Model,
    record: &RecordType,
    body: &Map<String, Value>,
) -> Result<(), String> {
    walk_fields(
        model,
        record,
        body,
        &mut String::new(),
        &mut |field, kind, value, path| match (kind, value, &field.references) {
            (Kind::Str, Value::String(id), Some(collection))
                if !id.is_empty() && !exists(store, collection, id) =>
            {
                let noun = collection.rsplit('/').next().unwrap_or(collection);
                Err(format!(
                    "No {noun} found with id {id} given in the {path} property"
                ))
            }
            _ => Ok(()),
        },
    )
}

fn exists(store: &Store, collection: &str, id: &str) -> bool {
    if collection == "documents/document" {
        files::find_document(store, id).is_some()
    } else {
        store.get_raw(collection, id).is_some()
    }
}

// ---- 4. the documented limitations --------------------------------------------------------------

/// "You're only able to create and modify project services where the invoice_method is of type
/// FixedFee or Hours." and "There's currently no support for creating or modifying
/// installments or installment plans."
fn service_limitations(
    mode: Mode,
    body: &Map<String, Value>,
    stored: Option<&Map<String, Value>>,
) -> Result<(), String> {
    let verb = if mode == Mode::Update {
        "modified"
    } else {
        "created"
    };
    let allowed = SERVICE_INVOICE_METHODS.join(" or ");
    if let Some(method) = body.get("invoice_method").filter(|v| !v.is_null()) {
        if !is_service_method(method) {
            return Err(format!(
                "Project services can only be {verb} with invoice_method {allowed}, not {}",
                shown(method)
            ));
        }
    }
    // A service stored with another method cannot be modified (nor copied) at all.
    if let Some(method) = stored.and_then(|record| record.get("invoice_method")) {
        let unset = method.is_null() || method.as_str() == Some("");
        if !unset && !is_service_method(method) {
            return Err(format!(
                "Project services with invoice_method {} cannot be {verb}; only {allowed}",
                shown(method)
            ));
        }
    }
    let installments = body.get("invoice_in_installments").is_some_and(is_truthy)
        || match body.get("installments") {
            Some(Value::Array(items)) => !items.is_empty(),
            Some(Value::Object(map)) => !map.is_empty(),
            _ => false,
        };
    if installments {
        return Err(format!(
            "Installments cannot be {verb} through the API (invoice_in_installments, \
             installments)"
        ));
    }
    Ok(())
}

fn is_service_method(value: &Value) -> bool {
    value
        .as_str()
        .is_some_and(|s| SERVICE_INVOICE_METHODS.contains(&s))
}

/// True the way the API reads a boolean: `true`, `1`, `"1"` (and `"true"`).
fn is_truthy(value: &Value) -> bool {
    match value {
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => matches!(s.as_str(), "1" | "true"),
        _ => false,
    }
}

/// A value for a message: text as itself, anything else as JSON.
fn shown(value: &Value) -> String {
    match value {
        Value::String(s) => simplicate_api::text::truncate_chars(s, 40),
        other => simplicate_api::text::truncate_chars(&other.to_string(), 40),
    }
}

#[cfg(test)]
mod tests;
