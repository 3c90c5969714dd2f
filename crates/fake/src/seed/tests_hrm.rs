//! HRM as a whole: employments, contracts and timetables, leave and its balances, absence,
//! documents, and the hours employees write, all agreeing with each other.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::hrm::employment;
use super::rng::{END_DAY, FIRST_DAY};
use super::{Generator, C};
use crate::ids::days_from_civil;

fn gen(seed: u64, quirks: bool, sizes: &[(&str, usize)]) -> Generator {
    Generator::for_tests(seed, sizes, quirks)
}

/// "2024-03-01" or "2024-03-01 09:00:00" → days since the epoch.
fn day(text: &str) -> i64 {
    let n = |r: std::ops::Range<usize>| text[r].parse::<u32>().unwrap();
    days_from_civil(i64::from(n(0..4)), n(5..7), n(8..10))
}

fn employee_index(g: &Generator, id: &Value) -> usize {
    (0..g.size(C::Employee))
        .find(|&e| g.id_of(C::Employee, e) == id.as_str().unwrap())
        .unwrap()
}

#[test]
fn the_lookups_carry_dutch_labels() {
    let g = gen(0, true, &[]);
    let labels = |collection: &str, key: &str| -> Vec<String> {
        g.records(collection)
            .iter()
            .map(|r| r[key].as_str().unwrap().to_owned())
            .collect()
    };
    let contract_types = labels("hrm/contracttype", "name");
    for name in ["Onbepaalde tijd", "Bepaalde tijd", "0-uren"] {
        assert!(
            contract_types.contains(&name.to_owned()),
            "{contract_types:?}"
        );
    }
    assert_eq!(
        labels("hrm/employmenttype", "name"),
        ["Fulltime", "Parttime"]
    );
    let leave = labels("hrm/leavetype", "label");
    assert!(leave.starts_with(&["Verlof".to_owned(), "Bijzonder verlof".to_owned()]));
    assert_eq!(labels("hrm/absencetype", "label")[0], "Ziekte");
    assert!(labels("hrm/civilstatus", "label").contains(&"Gehuwd".to_owned()));
    assert!(g
        .records("hrm/documenttype")
        .iter()
        .all(|t| t["is_for_employee"] == true && t["is_for_crm"] == false));
    for group in g.records("hrm/employeecustomfieldgroups") {
        assert_eq!(group["type"], "employee");
    }
}

#[test]
fn contracts_cover_each_employment_like_the_fixture() {
    let fixture: Value =
        serde_json::from_str(include_str!("../../../../tests/fixtures/hrm.contract.json")).unwrap();
    let fixture_keys: HashSet<&str> = fixture["data"][0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let g = gen(3, false, &[]);
    let orgs = g.records("crm/organization");
    let contracts = g.records("hrm/contract");
    let timetables = g.records("hrm/timetable");
    let mut per_employee: HashMap<usize, Vec<&Value>> = HashMap::new();
    for c in &contracts {
        let keys: HashSet<&str> = c.as_object().unwrap().keys().map(String::as_str).collect();
        let extra: Vec<&&str> = keys.difference(&fixture_keys).collect();
        assert_eq!(extra, [&"days_off"], "{c}");
        assert!(fixture_keys.is_subset(&keys));
        let employer = orgs
            .iter()
            .find(|o| o["id"] == c["employer"]["id"])
            .unwrap();
        assert_eq!(employer["relation_type"]["label"], "Eigen bedrijf");
        assert!(c["salary_fulltime"].as_f64().unwrap() >= 2400.0);
        per_employee
            .entry(employee_index(&g, &c["employee"]["id"]))
            .or_default()
            .push(c);
    }
    assert_eq!(per_employee.len(), g.size(C::Employee));
    let (mut two, mut open) = (0, 0);
    for (e, list) in &per_employee {
        let employment = employment(&g, *e);
        assert!((1..=2).contains(&list.len()));
        two += usize::from(list.len() == 2);
        assert_eq!(
            day(list[0]["start_date"].as_str().unwrap()),
            employment.start
        );
        if list.len() == 2 {
            // The second starts the day after the first ends, and is permanent.
            let end = day(list[0]["end_date"].as_str().unwrap());
            assert_eq!(day(list[1]["start_date"].as_str().unwrap()), end + 1);
            assert_eq!(list[1]["contract_type"]["name"], "Onbepaalde tijd");
        }
        let last = list.last().unwrap();
        if let Some(end) = employment.end {
            assert_eq!(day(last["end_date"].as_str().unwrap()), end);
        } else {
            assert!(last["end_date"].is_null());
            open += 1;
        }
    }
    assert!(two > 0 && two < per_employee.len(), "{two}");
    assert!(open > per_employee.len() / 2, "{open}");
    // A timetable per contract: same employee and dates, a week of the part-time hours.
    for (c, t) in contracts.iter().zip(&timetables) {
        assert_eq!(c["employee"]["id"], t["employee"]["id"]);
        assert_eq!(
            (&c["start_date"], &c["end_date"]),
            (&t["start_date"], &t["end_date"])
        );
        let week: f64 = (1..=7)
            .map(|d| {
                t["even_week"][format!("day_{d}")]["hours"]
                    .as_f64()
                    .unwrap()
            })
            .sum();
        assert_eq!(
            week,
            40.0 * c["parttime_percentage"].as_f64().unwrap() / 100.0
        );
    }
    // The last timetable has the employee's tariffs.
    for e in 0..g.size(C::Employee) {
        let employee = g.record("hrm/employee", e);
        let last = timetables
            .iter()
            .rev()
            .find(|t| t["employee"]["id"] == employee["id"])
            .unwrap();
        assert_eq!(last["hourly_sales_tariff"], employee["hourly_sales_tariff"]);
        let active = employment(&g, e).active();
        assert_eq!(
            employee["status"]["label"],
            if active { "active" } else { "inactive" }
        );
    }
}

#[test]
fn contracts_have_the_fixtures_quirks() {
    let g = gen(3, true, &[]);
    let contracts = g.records("hrm/contract");
    assert!(contracts.iter().any(|c| c["end_date"] == "1970-01-01"));
    assert!(contracts.iter().all(|c| c["end_date"].is_string()));
    for c in &contracts {
        for k in ["salary_fulltime", "parttime_percentage", "days_off"] {
            let text = c[k].as_str().unwrap();
            assert_eq!(text.split_once('.').unwrap().1.len(), 6, "{k}: {text}");
        }
    }
    assert!(contracts
        .iter()
        .any(|c| c["parttime_percentage"] == "100.000000"));
}

#[test]
fn hours_leave_absence_and_documents_fall_within_employment() {
    let g = gen(4, false, &[("hours/hours", 4000)]);
    let employed = |id: &Value, first: i64, last: i64| {
        let e = employment(&g, employee_index(&g, id));
        assert!(
            e.employed_on(first) && e.employed_on(last),
            "{id} not employed {first}..{last}: {e:?}"
        );
    };
    let mut writers = HashSet::new();
    for h in g.records("hours/hours") {
        let d = day(h["start_date"].as_str().unwrap());
        employed(&h["employee"]["id"], d, d);
        writers.insert(h["employee"]["id"].as_str().unwrap().to_owned());
    }
    assert!(
        writers.len() > g.size(C::Employee) * 3 / 4,
        "{}",
        writers.len()
    );
    for collection in ["hrm/leave", "hrm/absence"] {
        for r in g.records(collection) {
            let (first, last) = (
                day(r["start_date"].as_str().unwrap()),
                day(r["end_date"].as_str().unwrap()),
            );
            assert!(first <= last && (FIRST_DAY..END_DAY).contains(&last), "{r}");
            employed(&r["employee"]["id"], first, last);
            assert_eq!(
                r["year"],
                r["start_date"].as_str().unwrap()[..4]
                    .parse::<i64>()
                    .unwrap()
            );
            assert!(r["hours"].as_u64().unwrap() > 0, "{r}");
        }
    }
    let documents = g.records("hrm/document");
    let mut first_of = HashMap::new();
    for d in &documents {
        let id = &d["linked_to"]["employee_id"];
        let made = day(&d["created_at"].as_str().unwrap()[..10]);
        employed(id, made, made);
        first_of.entry(id.as_str().unwrap().to_owned()).or_insert(d);
        let content = crate::files::generated_content(
            d["file_name"].as_str().unwrap(),
            d["title"].as_str().unwrap(),
            d["id"].as_str().unwrap(),
        );
        assert_eq!(d["file_size"], content.len());
    }
    assert_eq!(first_of.len(), g.size(C::Employee));
    for d in first_of.values() {
        assert_eq!(d["document_type"]["label"], "Arbeidsovereenkomst");
    }
}

#[test]
fn leave_balances_agree_with_the_leave_taken() {
    let g = gen(5, false, &[]);
    let leave = g.records("hrm/leave");
    let balances = g.records("hrm/leavebalance");
    let mut taken: HashMap<(String, i64), f64> = HashMap::new();
    let mut per_employee: HashMap<String, usize> = HashMap::new();
    for l in &leave {
        let who = l["employee"]["id"].as_str().unwrap().to_owned();
        *per_employee.entry(who.clone()).or_default() += 1;
        if l["leavetype"]["label"] == "Verlof" {
            *taken.entry((who, l["year"].as_i64().unwrap())).or_default() +=
                l["hours"].as_f64().unwrap();
        }
    }
    // Everyone takes leave; nobody takes a lifetime's worth in a few months.
    assert_eq!(per_employee.len(), g.size(C::Employee));
    let mut seen = HashSet::new();
    for b in &balances {
        let who = b["employee"]["id"].as_str().unwrap().to_owned();
        let year = b["year"].as_i64().unwrap();
        assert!((2023..=2025).contains(&year));
        assert!(
            seen.insert((who.clone(), year)),
            "two balances for {who} {year}"
        );
        let e = employment(&g, employee_index(&g, &b["employee"]["id"]));
        assert!(e.years().any(|y| y == year));
        let used = taken.get(&(who, year)).copied().unwrap_or(0.0);
        let balance = b["balance"].as_f64().unwrap();
        let entitled = balance + used;
        // A full year of leave days for full time is 25 days of 8 hours; a few days in advance
        // at most.
        assert!(entitled > 0.0 && entitled <= 200.0, "{b}");
        assert!(balance >= -24.0, "{b}: {used} hours taken");
        assert!(used > 0.0 || entitled < 100.0, "{b}: no leave taken");
        assert_eq!(b["leavetype"]["label"], "Verlof");
    }
    let expected: usize = (0..g.size(C::Employee))
        .map(|e| employment(&g, e).years().count())
        .sum();
    assert_eq!(balances.len(), expected);
}

#[test]
fn employees_carry_teams_civil_status_and_custom_fields() {
    let g = gen(6, false, &[]);
    let teams: HashSet<String> = g
        .records("hrm/team")
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect();
    let statuses: HashSet<String> = g
        .records("hrm/civilstatus")
        .iter()
        .map(|t| t["label"].as_str().unwrap().to_owned())
        .collect();
    let fields: Vec<String> = g
        .records("hrm/employeecustomfields")
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_owned())
        .collect();
    let (mut unset, mut set) = (0, 0);
    for e in g.records("hrm/employee") {
        let own = e["teams"].as_array().unwrap();
        assert!(
            !own.is_empty()
                && own
                    .iter()
                    .all(|t| teams.contains(t["id"].as_str().unwrap()))
        );
        assert!(
            statuses.contains(e["civil_status"].as_str().unwrap()),
            "{e}"
        );
        let names: Vec<&str> = e["custom_fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, fields);
        for f in e["custom_fields"].as_array().unwrap() {
            if f["value"].is_null() {
                unset += 1;
            } else {
                set += 1;
            }
        }
    }
    assert!(unset > 0 && set > unset, "{set} set, {unset} unset");
    // Employee 0 runs the company.
    assert_eq!(
        g.record("hrm/employee", 0)["teams"][0]["name"],
        "Management"
    );
    assert!(g.record("hrm/employee", 0)["supervisor"].is_null());
}
