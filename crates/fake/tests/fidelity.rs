//! The fake's data against the record model table, over HTTP: for every collection the table
//! lists (`model().records()`), with quirks on (checked with `Leniency::Real`, the forms real
//! accounts send) and off (`Leniency::Clean`, exactly the table's kinds), `GET <collection>?
//! limit=100` must answer 200 with records that follow the table, and the first few listed ids
//! must answer on the item path where the registry has one.
//!
//! It prints a line per collection (`cargo test --test fake_fidelity -- --nocapture`): how many
//! records, the item GETs, and the problems found. The thresholds are what the product needs of
//! the fake as a stand-in for a real account: nearly every collection non-empty, every answered
//! collection within the table; and no seeded collection may have a single problem.

mod common;

use std::fmt::Write as _;

use serde_json::Value;
use simplicate_api::model::{model, Kind, Leniency};
use simplicate_api::registry::{self, Method};
use simplicate_fake::{FakeConfig, FakeServer};

use common::{get, Reply};

/// Item GETs tried per collection.
const ITEMS: usize = 3;

/// Collections with records, of all the table lists. The product needs 90%; every collection is
/// seeded, so anything less is a regression (a collection added to the table must be seeded).
const NON_EMPTY_PERCENT: usize = 100;
/// Answered collections (200) whose records all follow the table. The product needs 90%; all do.
const WITHIN_TABLE_PERCENT: usize = 100;

struct Outcome {
    collection: &'static str,
    status: u16,
    records: usize,
    items: (usize, usize),
    problems: Vec<String>,
}

fn record_kind(collection: &str) -> Kind {
    model().record_kind(collection).expect("listed")
}

fn problems_of(kind: &Kind, record: &Value, leniency: Leniency, what: &str, out: &mut Vec<String>) {
    for p in model().check(kind, record, leniency) {
        out.push(format!("{what}.{}: {}", p.path, p.message));
    }
}

/// An item GET's record: the object, or the one element of a list (real item GETs may answer
/// a one-element list).
fn item_record(reply: &Reply) -> Option<Value> {
    match reply.json().get("data")? {
        Value::Array(items) if items.len() == 1 => Some(items[0].clone()),
        Value::Object(_) => Some(reply.json()["data"].clone()),
        _ => None,
    }
}

fn survey(server: &FakeServer, leniency: Leniency) -> Vec<Outcome> {
    let mut outcomes = Vec::new();
    for (collection, _) in model().records() {
        let kind = record_kind(collection);
        // Generated first, outside the client's read timeout: debug builds take seconds to
        // make three years of hours.
        server.store().count(collection);
        let reply = get(server, &format!("/api/v2/{collection}?limit=100"));
        let mut outcome = Outcome {
            collection,
            status: reply.status,
            records: 0,
            items: (0, 0),
            problems: Vec::new(),
        };
        if reply.status != 200 {
            outcome
                .problems
                .push(format!("GET answered {}", reply.status));
            outcomes.push(outcome);
            continue;
        }
        let records = match reply.json().get("data") {
            Some(Value::Array(records)) => records.clone(),
            // A collection path whose answer is one record (`hours/timesheetrow/mostrecent`
            // answers one DateTimeRange, as the spec says).
            Some(one @ Value::Object(_)) if !model().answers_one(collection) => {
                outcome
                    .problems
                    .push(format!("data is one object, not a list: {one}"));
                outcomes.push(outcome);
                continue;
            }
            Some(one @ Value::Object(_)) => vec![one.clone()],
            other => {
                outcome
                    .problems
                    .push(format!("data is not a list: {other:?}"));
                outcomes.push(outcome);
                continue;
            }
        };
        outcome.records = records.len();
        for (i, record) in records.iter().enumerate() {
            problems_of(
                &kind,
                record,
                leniency,
                &format!("[{i}]"),
                &mut outcome.problems,
            );
        }
        let item_get =
            registry::find_path(collection).is_some_and(|r| r.item.contains(Method::Get));
        if item_get {
            for record in records.iter().take(ITEMS) {
                let Some(id) = record["id"].as_str() else {
                    outcome
                        .problems
                        .push("a listed record has no id".to_owned());
                    continue;
                };
                outcome.items.1 += 1;
                let reply = get(server, &format!("/api/v2/{collection}/{}", common::enc(id)));
                match (reply.status, item_record(&reply)) {
                    (200, Some(item)) if item["id"] == id => {
                        outcome.items.0 += 1;
                        problems_of(&kind, &item, leniency, id, &mut outcome.problems);
                    }
                    (status, _) => outcome.problems.push(format!(
                        "GET {collection}/{id} answered {status}: {}",
                        reply.text()
                    )),
                }
            }
        }
        outcomes.push(outcome);
    }
    outcomes
}

/// The report, a line per collection, and the totals: (non-empty, answered, answered within the
/// table).
fn report(title: &str, outcomes: &[Outcome]) -> (usize, usize, usize) {
    let mut text = format!("\n{title}\n");
    let (mut non_empty, mut answered, mut within) = (0, 0, 0);
    for o in outcomes {
        non_empty += usize::from(o.records > 0);
        answered += usize::from(o.status == 200);
        within += usize::from(o.status == 200 && o.problems.is_empty());
        let items = if o.items.1 > 0 {
            format!("items {}/{}", o.items.0, o.items.1)
        } else {
            String::new()
        };
        let _ = writeln!(
            text,
            "  {:<36} {:>3} {:>4} records {:<10} {}",
            o.collection,
            o.status,
            o.records,
            items,
            match o.problems.len() {
                0 => "ok".to_owned(),
                n => format!("{n} problems, first: {}", o.problems[0]),
            }
        );
    }
    let n = outcomes.len();
    let _ = writeln!(
        text,
        "  non-empty {non_empty}/{n} ({}%), answered {answered}/{n}, within the table \
         {within}/{answered} ({}%)",
        non_empty * 100 / n,
        within * 100 / answered.max(1)
    );
    println!("{text}");
    (non_empty, answered, within)
}

fn check(quirks: bool) {
    let server = FakeServer::start(FakeConfig {
        quirks,
        ..FakeConfig::default()
    })
    .expect("fake server starts");
    let leniency = if quirks {
        Leniency::Real
    } else {
        Leniency::Clean
    };
    let outcomes = survey(&server, leniency);
    let title = format!("fidelity, quirks {}", if quirks { "on" } else { "off" });
    let (non_empty, answered, within) = report(&title, &outcomes);
    let n = outcomes.len();
    // Every seeded collection is entirely within the table, items included.
    for o in outcomes.iter().filter(|o| o.records > 0) {
        assert!(
            o.problems.is_empty() && o.items.0 == o.items.1,
            "{} ({title}): {:#?}",
            o.collection,
            o.problems
        );
    }
    assert!(
        non_empty * 100 >= NON_EMPTY_PERCENT * n,
        "{title}: only {non_empty} of {n} collections have records"
    );
    assert!(
        within * 100 >= WITHIN_TABLE_PERCENT * answered,
        "{title}: only {within} of {answered} answered collections follow the table"
    );
}

#[test]
fn every_collection_follows_the_table_with_quirks() {
    check(true);
}

#[test]
fn every_collection_follows_the_table_without_quirks() {
    check(false);
}
