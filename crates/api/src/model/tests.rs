use serde_json::{json, Value};

use super::*;
use crate::registry::{self, Method};

use super::fixtures::REAL_RESPONSES as FIXTURES;

#[test]
fn the_compiled_table_parses() {
    let m = Model::parse(SOURCE).unwrap();
    assert!(m.types().len() > 150, "{}", m.types().len());
    assert!(m.records().count() > 95);
    assert_eq!(model().types().len(), m.types().len());
}

#[test]
fn every_listed_collection_is_a_registry_resource_that_answers_get() {
    for (path, _) in model().records() {
        let resource = registry::find_path(path).unwrap_or_else(|| panic!("{path}"));
        assert!(
            resource.collection.contains(Method::Get) || resource.item.contains(Method::Get),
            "{path}"
        );
    }
}

#[test]
fn every_record_collection_of_the_registry_has_a_type() {
    // Collections that answer files or nothing listable are the exceptions: storage/* serve
    // bytes, and the item-only resources show records of other collections.
    for resource in registry::RESOURCES {
        let path = resource.path();
        if resource.module == "storage" || !resource.collection.contains(Method::Get) {
            continue;
        }
        assert!(model().record(&path).is_some(), "{path} has no record type");
    }
}

#[test]
fn writes_name_resources_that_take_them() {
    for (path, write) in model().creates() {
        let r = registry::find_path(path).unwrap_or_else(|| panic!("{path}"));
        let post = r.collection.contains(Method::Post) || r.item.contains(Method::Post);
        assert!(post, "create {path}");
        let body = model().type_at(write.body);
        for requirement in &write.requires {
            for alternative in &requirement.alternatives {
                let names: Vec<&str> = alternative.iter().map(String::as_str).collect();
                assert!(
                    model().kind_at(body, &names).is_some(),
                    "create {path}: {} has no {}",
                    body.name,
                    alternative.join(".")
                );
            }
        }
    }
    for (path, _) in model().updates() {
        let r = registry::find_path(path).unwrap_or_else(|| panic!("{path}"));
        assert!(
            r.collection.contains(Method::Put) || r.item.contains(Method::Put),
            "update {path}"
        );
    }
    let person = model().create("crm/person").unwrap();
    assert_eq!(person.requires[0].describe(), "family_name");
    assert!(model()
        .update("crm/person")
        .unwrap()
        .requires
        .iter()
        .all(|r| r.describe() != "family_name"));
}

#[test]
fn references_point_at_collections() {
    for t in model().types() {
        for field in &t.fields {
            if let Some(target) = &field.references {
                assert!(
                    model().record(target).is_some(),
                    "{}.{} → {target}",
                    t.name,
                    field.name
                );
            }
        }
    }
}

#[test]
fn the_real_fixtures_follow_the_table_with_their_quirks() {
    let m = model();
    for (collection, text) in FIXTURES {
        let body: Value = serde_json::from_str(text).unwrap();
        let kind = m.record_kind(collection).unwrap();
        for record in body["data"].as_array().unwrap() {
            let problems = m.check(&kind, record, Leniency::Real);
            assert!(problems.is_empty(), "{collection}: {problems:#?}");
        }
    }
}

#[test]
fn the_fixtures_quirks_are_not_clean_data() {
    // What Leniency::Real forgives is exactly what a clean response would not hold.
    let m = model();
    let contract: Value = serde_json::from_str(FIXTURES[1].1).unwrap();
    let problems = m.check(
        &m.record_kind("hrm/contract").unwrap(),
        &contract["data"][0],
        Leniency::Clean,
    );
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        ["parttime_percentage", "salary_fulltime"],
        "{problems:#?}"
    );
    let sale: Value = serde_json::from_str(FIXTURES[2].1).unwrap();
    let problems = m.check(
        &m.record_kind("sales/sales").unwrap(),
        &sale["data"][0],
        Leniency::Clean,
    );
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!(problems[0].path, "status_updated_at");
}

#[test]
fn check_reports_paths_kinds_and_unknown_fields() {
    let m = model();
    let org = m.record_kind("crm/organization").unwrap();
    let record = json!({
        "id": "organization:1",
        "name": 12,
        "nmae": "typo",
        "visiting_address": {"locality": ["x"]},
        "custom_fields": [{"position": 1}, {"position": "first"}],
        "relation_type": null,
        "created_at": "2024-02-30 10:00:00",
        "updated_at": "0000-00-00 00:00:00",
        "allow_autocollect": "1",
    });
    let problems = m.check(&org, &record, Leniency::Clean);
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "name",
            "nmae",
            "visiting_address.locality",
            "custom_fields[1].position",
            "created_at",
            "updated_at",
            "allow_autocollect"
        ],
        "{problems:#?}"
    );
    assert_eq!(problems[0].message, "expected s, got 12");
    assert_eq!(problems[1].message, "GetOrganization has no field \"nmae\"");
    // Real data forgives the zero date and the "1" boolean, not a bad calendar date.
    let real: Vec<String> = m
        .check(&org, &record, Leniency::Real)
        .into_iter()
        .map(|p| p.path)
        .collect();
    assert!(!real.contains(&"updated_at".to_owned()));
    assert!(!real.contains(&"allow_autocollect".to_owned()));
    assert!(real.contains(&"created_at".to_owned()));
}

#[test]
fn kinds_at_dotted_paths_look_through_lists() {
    let m = model();
    let org = m.record("crm/organization").unwrap();
    assert_eq!(
        m.kind_at(org, &["visiting_address", "locality"]),
        Some(&Kind::Str)
    );
    assert_eq!(
        m.kind_at(org, &["custom_fields", "position"]),
        Some(&Kind::Int)
    );
    assert_eq!(m.kind_at(org, &["created_at"]), Some(&Kind::DateTime));
    assert_eq!(m.kind_at(org, &["nope"]), None);
    assert_eq!(m.kind_at(org, &["name", "deeper"]), None);
    let hours = m.record("hours/hours").unwrap();
    assert_eq!(m.kind_at(hours, &["start_date"]), Some(&Kind::DateTime));
    let contract = m.record("hrm/contract").unwrap();
    assert_eq!(m.kind_at(contract, &["end_date"]), Some(&Kind::Date));
}

#[test]
fn parse_errors_name_the_line() {
    let bad = "A: x s\nrecord a/b B\n";
    assert_eq!(Model::parse(bad).unwrap_err(), "line 2: unknown type B");
    let twice = "A: x s, x i\n";
    assert!(Model::parse(twice).unwrap_err().contains("appears twice"));
    let reference = "A: x i@crm/person\n";
    assert!(Model::parse(reference)
        .unwrap_err()
        .contains("only strings name other records"));
    let m = Model::parse(
        "# c\nA: id s, b [B]\nB: when t\ncreate x/y A requires id, b.when|id\nrecord x/z B one\n",
    )
    .unwrap();
    assert!(m.answers_one("x/z") && !m.answers_one("x/y"));
    assert!(Model::parse("B: a s\nrecord x/z B two\n")
        .unwrap_err()
        .contains("expected 'one'"));
    let write = m.create("x/y").unwrap();
    assert_eq!(write.requires.len(), 2);
    assert_eq!(write.requires[1].describe(), "b.when|id");
}
