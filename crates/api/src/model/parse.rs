//! `records.txt` → [`Model`]. Two passes: type names first (a field may name a type defined
//! further down), then every line for real. Errors name the line.

use std::collections::HashMap;

use super::{Field, Kind, Model, RecordType, Requirement, Write};

pub(super) fn parse(text: &str) -> Result<Model, String> {
    let lines: Vec<(usize, &str)> = text
        .lines()
        .enumerate()
        .map(|(i, line)| (i + 1, line.trim()))
        .filter(|(_, line)| !line.is_empty() && !line.starts_with('#'))
        .collect();

    let mut by_name = HashMap::new();
    for &(number, line) in &lines {
        if let Some((name, _)) = type_line(line) {
            if by_name.insert(name.to_owned(), by_name.len()).is_some() {
                return Err(format!("line {number}: type {name} is defined twice"));
            }
        }
    }

    let mut types = Vec::with_capacity(by_name.len());
    let mut records = Vec::new();
    let mut creates = HashMap::new();
    let mut updates = HashMap::new();
    let at = |number: usize| move |e: String| format!("line {number}: {e}");
    for &(number, line) in &lines {
        if let Some((name, body)) = type_line(line) {
            types.push(record_type(name, body, &by_name).map_err(at(number))?);
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["record", path, name, rest @ ..] => {
                let index = lookup(&by_name, name).map_err(at(number))?;
                let one = match rest {
                    [] => false,
                    ["one"] => true,
                    _ => return Err(format!("line {number}: expected 'one' after {name}")),
                };
                records.push(((*path).to_owned(), index, one));
            }
            [verb @ ("create" | "update"), path, name, rest @ ..] => {
                let body = lookup(&by_name, name).map_err(at(number))?;
                let requires = match rest {
                    [] => Vec::new(),
                    ["requires", ..] => requirements(&line[line.find("requires").unwrap_or(0)..]),
                    _ => return Err(format!("line {number}: expected 'requires' after {name}")),
                };
                let target = if *verb == "create" {
                    &mut creates
                } else {
                    &mut updates
                };
                if target
                    .insert((*path).to_owned(), Write { body, requires })
                    .is_some()
                {
                    return Err(format!("line {number}: a second {verb} for {path}"));
                }
            }
            _ => return Err(format!("line {number}: cannot read {line:?}")),
        }
    }
    Ok(Model {
        types,
        by_name,
        records,
        creates,
        updates,
    })
}

/// `Name: fields` → (Name, fields). Type names start with a capital; other lines with a verb.
fn type_line(line: &str) -> Option<(&str, &str)> {
    let (name, body) = line.split_once(':')?;
    let name = name.trim();
    let valid = name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    valid.then_some((name, body.trim()))
}

fn lookup(by_name: &HashMap<String, usize>, name: &str) -> Result<usize, String> {
    by_name
        .get(name)
        .copied()
        .ok_or_else(|| format!("unknown type {name}"))
}

fn record_type(
    name: &str,
    body: &str,
    by_name: &HashMap<String, usize>,
) -> Result<RecordType, String> {
    let mut fields = Vec::new();
    let mut index = HashMap::new();
    for part in body.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (field, kind) = part
            .split_once(' ')
            .ok_or_else(|| format!("{name}: field {part:?} has no kind"))?;
        let (kind, references) = match kind.split_once('@') {
            Some((kind, target)) => (kind, Some(target.to_owned())),
            None => (kind, None),
        };
        let kind = parse_kind(kind.trim(), by_name).map_err(|e| format!("{name}.{field}: {e}"))?;
        if references.is_some() && kind != Kind::Str {
            return Err(format!("{name}.{field}: only strings name other records"));
        }
        if index.insert(field.to_owned(), fields.len()).is_some() {
            return Err(format!("{name}: field {field} appears twice"));
        }
        fields.push(Field {
            name: field.to_owned(),
            kind,
            references,
        });
    }
    Ok(RecordType {
        name: name.to_owned(),
        fields,
        index,
    })
}

fn parse_kind(text: &str, by_name: &HashMap<String, usize>) -> Result<Kind, String> {
    if let Some(inner) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        return Ok(Kind::List(Box::new(parse_kind(inner, by_name)?)));
    }
    Ok(match text {
        "s" => Kind::Str,
        "i" => Kind::Int,
        "n" => Kind::Num,
        "b" => Kind::Bool,
        "d" => Kind::Date,
        "t" => Kind::DateTime,
        "?" => Kind::Any,
        name => Kind::Object(lookup(by_name, name)?),
    })
}

/// `requires a, b.c|d` → one requirement per comma, alternatives split at `|`.
fn requirements(text: &str) -> Vec<Requirement> {
    text.trim_start_matches("requires")
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|part| Requirement {
            alternatives: part
                .split('|')
                .map(|path| path.trim().split('.').map(str::to_owned).collect())
                .collect(),
        })
        .collect()
}
