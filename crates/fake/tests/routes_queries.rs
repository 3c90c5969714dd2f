//! End-to-end tests of the list query language over real sockets, on seeded data: filters
//! (nested and custom fields, operators, `or`, booleans), sort, select, metadata, and the
//! documentation's use cases. The raw HTTP/1.1 client is in `common/mod.rs`.

mod common;

use std::collections::{BTreeMap, HashSet};

use serde_json::{json, Value};

use common::*;

// ---- the query language over HTTP --------------------------------------------------------------

/// The `value` of the custom field `name` of `record` (null when unset or absent).
fn custom_field<'a>(record: &'a Value, name: &str) -> &'a Value {
    record["custom_fields"]
        .as_array()
        .and_then(|fields| fields.iter().find(|f| f["name"] == name))
        .map_or(&Value::Null, |f| &f["value"])
}

fn lower(v: &Value) -> Option<String> {
    v.as_str().map(str::to_lowercase)
}

#[test]
fn filter_on_nested_fields() {
    let server = shared();
    let projects = server.store().list("projects/project");
    // The organization with the most projects, so the filter has something to tell apart.
    let mut per_org: BTreeMap<String, usize> = BTreeMap::new();
    for p in &projects {
        if let Some(name) = p["organization"]["name"].as_str() {
            *per_org.entry(name.to_owned()).or_default() += 1;
        }
    }
    let (name, &n) = per_org.iter().max_by_key(|(_, n)| **n).expect("projects");
    assert!(n >= 2 && n < projects.len(), "{name}: {n}");
    let expected: Vec<Value> = projects
        .iter()
        .filter(|p| p["organization"]["name"] == name.as_str())
        .cloned()
        .collect();
    for value in [name.clone(), name.to_uppercase()] {
        let found = all_pages(
            server,
            &format!("{PROJECTS}?q[organization.name]={}", enc(&value)),
        );
        assert_eq!(found, expected, "{value}");
        assert_eq!(found.len(), n);
    }
    // Two levels deep, as in the documentation's "My Company" example.
    let own = projects[0]["my_organization_profile"]["organization"]["name"]
        .as_str()
        .expect("own organization")
        .to_owned();
    let expected: Vec<String> = ids(&projects
        .iter()
        .filter(|p| p["my_organization_profile"]["organization"]["name"] == own.as_str())
        .cloned()
        .collect::<Vec<_>>());
    let found = all_pages(
        server,
        &format!(
            "{PROJECTS}?q[my_organization_profile.organization.name]={}&select=id",
            enc(&own)
        ),
    );
    assert_eq!(ids(&found), expected);
    // Wildcards inside nested values.
    let word = name.split_whitespace().next().expect("a word").to_owned();
    let expected = projects
        .iter()
        .filter(|p| {
            lower(&p["organization"]["name"]).is_some_and(|n| n.contains(&word.to_lowercase()))
        })
        .count();
    let target = format!(
        "{PROJECTS}?q[organization.name]=*{}*&metadata=count&limit=0",
        enc(&word)
    );
    assert_eq!(count_of(server, &target), expected as u64);
    // Nothing matches a name nobody has.
    let reply = get(
        server,
        &format!("{PROJECTS}?q[organization.name]=Nobody%20B.V.&metadata=count"),
    );
    assert!(data_list(&reply).is_empty());
    assert_eq!(reply.json()["metadata"]["count"], 0);
}

#[test]
fn filter_on_custom_fields() {
    let server = shared();
    let store = server.store();
    let orgs = store.list("crm/organization");
    let north: Vec<String> = ids(&orgs
        .iter()
        .filter(|o| custom_field(o, "part_of_country") == "North")
        .cloned()
        .collect::<Vec<_>>());
    let unset: Vec<String> = ids(&orgs
        .iter()
        .filter(|o| custom_field(o, "part_of_country").is_null())
        .cloned()
        .collect::<Vec<_>>());
    assert!(!north.is_empty() && !unset.is_empty());
    let listed = |query: &str| -> Vec<String> {
        ids(&all_pages(server, &format!("{ORGS}?{query}&select=id")))
    };
    assert_eq!(listed("q[custom_fields.part_of_country]=North"), north);
    assert_eq!(listed("q[custom_fields.part_of_country]=north"), north);
    assert_eq!(listed("q[custom_fields.part_of_country][nin]=*"), unset);
    assert_eq!(
        listed("q[custom_fields.part_of_country]=null"),
        unset,
        "null finds unset fields"
    );
    assert_eq!(
        listed("q[custom_fields.part_of_country][in]=North,South").len(),
        orgs.iter()
            .filter(|o| ["North", "South"]
                .map(Value::from)
                .contains(custom_field(o, "part_of_country")))
            .count()
    );

    // The documentation's project use case: links to Google Docs.
    let projects = store.list("projects/project");
    let expected: Vec<String> = ids(&projects
        .iter()
        .filter(|p| {
            lower(custom_field(p, "external_link")).is_some_and(|v| v.contains("docs.google.com"))
        })
        .cloned()
        .collect::<Vec<_>>());
    assert!(!expected.is_empty() && expected.len() < projects.len());
    let found = all_pages(
        server,
        &format!("{PROJECTS}?q[custom_fields.external_link]=*docs.google.com*&select=id"),
    );
    assert_eq!(ids(&found), expected);

    // The documentation's combined use case: no part_of_country yet, created since a date,
    // a few fields, newest changes first.
    let mut expected: Vec<Value> = projects
        .iter()
        .filter(|p| {
            custom_field(p, "part_of_country").is_null()
                && p["created_at"].as_str() >= Some("2024-01-16 00:00:00")
        })
        .cloned()
        .collect();
    expected.sort_by(|a, b| b["updated_at"].as_str().cmp(&a["updated_at"].as_str()));
    let expected: Vec<Value> = expected
        .iter()
        .map(|p| {
            let manager = &p["project_manager"];
            json!({
                "id": p["id"],
                "name": p["name"],
                "project_manager": if manager.is_null() {
                    Value::Null
                } else {
                    json!({"employee_id": manager["employee_id"], "name": manager["name"]})
                },
            })
        })
        .collect();
    assert!(!expected.is_empty());
    let found = all_pages(
        server,
        &format!(
            "{PROJECTS}?q[custom_fields.part_of_country][nin]=*&q[created_at][ge]=2024-01-16%2000:00:00\
             &select=id,name,project_manager.employee_id,project_manager.name&sort=-updated_at"
        ),
    );
    assert_eq!(found, expected);
}

#[test]
fn filter_with_operators_or_and_booleans() {
    let server = shared();
    let store = server.store();
    let persons = store.list("crm/person");
    let list_ids =
        |target: &str| -> Vec<String> { ids(&all_pages(server, &format!("{target}&select=id"))) };
    let matching = |f: &dyn Fn(&Value) -> bool| -> Vec<String> {
        ids(&persons.iter().filter(|p| f(p)).cloned().collect::<Vec<_>>())
    };

    // Dates: created in the first quarter of 2025 (a date without time is 00:00:00).
    let expected = matching(&|p| {
        let c = p["created_at"].as_str().unwrap_or("");
        ("2025-01-01 00:00:00"..="2025-03-31 23:59:59").contains(&c)
    });
    assert!(!expected.is_empty());
    assert_eq!(
        list_ids(&format!(
            "{PERSONS}?q[created_at][ge]=2025-01-01&q[created_at][le]=2025-03-31+23:59:59"
        )),
        expected
    );
    let expected = matching(&|p| p["created_at"].as_str().unwrap_or("") < "2023-03-01 00:00:00");
    assert!(!expected.is_empty());
    assert_eq!(
        list_ids(&format!(
            "{PERSONS}?q[created_at][lt]=2023-03-01%2000:00:00"
        )),
        expected
    );

    // OR: first name Sanne, or an xs4all address.
    let expected = matching(&|p| {
        p["first_name"] == "Sanne"
            || p["email"]
                .as_str()
                .is_some_and(|e| e.ends_with("xs4all.nl"))
    });
    let sanne = matching(&|p| p["first_name"] == "Sanne");
    assert!(expected.len() > sanne.len() && !sanne.is_empty());
    assert_eq!(
        list_ids(&format!(
            "{PERSONS}?q[first_name]=Sanne&q[or][email]=*xs4all.nl"
        )),
        expected
    );
    // AND: both must hold.
    let expected = matching(&|p| {
        p["first_name"] == "Sanne"
            && p["email"]
                .as_str()
                .is_some_and(|e| e.ends_with("xs4all.nl"))
    });
    assert_eq!(
        list_ids(&format!(
            "{PERSONS}?q[first_name]=Sanne&q[email]=*xs4all.nl"
        )),
        expected
    );
    // Any of a list.
    let expected = matching(&|p| p["first_name"] == "Sanne" || p["first_name"] == "Daan");
    assert_eq!(
        list_ids(&format!(
            "{PERSONS}?q[first_name][]=Sanne&q[first_name][]=Daan"
        )),
        expected
    );
    // Booleans read as 1/0.
    let active = matching(&|p| p["is_active"] == true);
    assert!(!active.is_empty() && active.len() < persons.len());
    let reply = get(server, &format!("{PERSONS}?q[is_active]=1&metadata=count"));
    assert_eq!(reply.json()["metadata"]["count"], json!(active.len()));
    let reply = get(server, &format!("{PERSONS}?q[is_active]=0&metadata=count"));
    assert_eq!(
        reply.json()["metadata"]["count"],
        json!(persons.len() - active.len())
    );
}

#[test]
fn sort_by_updated_at_descending() {
    let server = shared();
    let mut expected = server.store().list("crm/organization");
    // Stable: ties keep store order.
    expected.sort_by(|a, b| b["updated_at"].as_str().cmp(&a["updated_at"].as_str()));
    let all = all_pages(server, &format!("{ORGS}?sort=-updated_at"));
    assert!(all.len() > 200, "several pages");
    assert_eq!(ids(&all), ids(&expected));
    assert_eq!(all, expected, "whole records, not just their order");
    for pair in all.windows(2) {
        assert!(pair[0]["updated_at"].as_str() >= pair[1]["updated_at"].as_str());
    }
    // Ascending is the reverse (no ties between whole timestamps here).
    let times: HashSet<&str> = all
        .iter()
        .filter_map(|r| r["updated_at"].as_str())
        .collect();
    assert_eq!(times.len(), all.len(), "no ties in this seed");
    let asc = data_list(&get(
        server,
        &format!("{ORGS}?sort=updated_at&offset=150&select=id"),
    ));
    let mut reversed = ids(&all);
    reversed.reverse();
    assert_eq!(ids(&asc), reversed[150..250].to_vec());
    // Nested keys and several keys.
    let reply = get(
        server,
        &format!("{ORGS}?sort=relation_type.label,-name&limit=100&select=id,name,relation_type."),
    );
    let page = data_list(&reply);
    for pair in page.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let (la, lb) = (
            lower(&a["relation_type"]["label"]),
            lower(&b["relation_type"]["label"]),
        );
        assert!(la <= lb, "{la:?} then {lb:?}");
        if la == lb {
            assert!(lower(&a["name"]) >= lower(&b["name"]), "{a} then {b}");
        }
    }
}

#[test]
fn select_keeps_only_the_named_fields() {
    let server = shared();
    let all = server.store().list("crm/organization");
    let reply = get(server, &format!("{ORGS}?select=id,relation_type.&limit=5"));
    let page = data_list(&reply);
    assert_eq!(page.len(), 5);
    for (got, full) in page.iter().zip(&all) {
        assert_eq!(
            got,
            &json!({"id": full["id"], "relation_type": full["relation_type"]})
        );
        let keys: Vec<&String> = got.as_object().expect("object").keys().collect();
        assert_eq!(keys, ["id", "relation_type"]);
    }
    // The documentation's nested example; `id` is kept even when not asked for.
    let page = data_list(&get(
        server,
        &format!("{ORGS}?select=debtor.payment_term.,name&limit=3"),
    ));
    for (got, full) in page.iter().zip(&all) {
        assert_eq!(
            got,
            &json!({"id": full["id"], "name": full["name"],
                    "debtor": {"payment_term": full["debtor"]["payment_term"]}})
        );
    }
    // With a filter, select applies to the matches.
    let page = data_list(&get(
        server,
        &format!("{ORGS}?q[relation_type.label]=Partner&select=name"),
    ));
    assert!(!page.is_empty());
    for got in &page {
        let keys: Vec<&String> = got.as_object().expect("object").keys().collect();
        assert_eq!(keys, ["id", "name"]);
    }
}

#[test]
fn metadata_count_is_the_number_of_matches() {
    let server = shared();
    let orgs = server.store().list("crm/organization");
    for label in ["Klant", "Prospect", "Leverancier", "Partner", "Oud-klant"] {
        let expected: Vec<&Value> = orgs
            .iter()
            .filter(|o| o["relation_type"]["label"] == label)
            .collect();
        let reply = get(
            server,
            &format!(
                "{ORGS}?q[relation_type.label]={label}&limit=5&offset=1&metadata=count,limit,offset"
            ),
        );
        assert_eq!(
            reply.json()["metadata"],
            json!({"count": expected.len(), "limit": 5, "offset": 1}),
            "{label}"
        );
        let page = data_list(&reply);
        let want: Vec<Value> = expected
            .iter()
            .skip(1)
            .take(5)
            .map(|v| (*v).clone())
            .collect();
        assert_eq!(page, want, "{label}");
    }
}

#[test]
fn every_metadata_word_of_the_spec_is_answered() {
    let server = start_light();
    let target = format!(
        "{ORGS}?q[is_active]=1&limit=3&offset=2&sort=name\
         &metadata=count,total_count,offset,limit,upper_limit,nocleanup,checksum"
    );
    let reply = get(&server, &target);
    let metadata = reply.json()["metadata"].clone();
    let active = server
        .store()
        .list("crm/organization")
        .iter()
        .filter(|o| o["is_active"] == json!(true))
        .count();
    assert!(active > 5 && active < 20, "{active}");
    let checksum = metadata["checksum"]
        .as_str()
        .expect("checksum is text")
        .to_owned();
    assert_eq!(
        metadata,
        json!({"count": active, "total_count": 20, "offset": 2, "limit": 3,
               "upper_limit": 100, "nocleanup": false, "checksum": checksum})
    );
    // The spec's order, and only what was asked for.
    let text = reply.text();
    let keys = [
        "\"count\"",
        "\"total_count\"",
        "\"offset\"",
        "\"limit\"",
        "\"upper_limit\"",
        "\"nocleanup\"",
        "\"checksum\"",
    ];
    let at: Vec<usize> = keys.iter().map(|k| text.find(k).unwrap()).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{text}");
    let only = get(
        &server,
        &format!("{ORGS}?limit=1&metadata=total_count,upper_limit"),
    );
    assert_eq!(
        only.json()["metadata"],
        json!({"total_count": 20, "upper_limit": 100})
    );
    // The plain path (stored bytes) answers the same words.
    let plain = get(
        &server,
        &format!("{ORGS}?limit=500&metadata=count,total_count,limit"),
    );
    assert_eq!(
        plain.json()["metadata"],
        json!({"count": 20, "total_count": 20, "limit": 100})
    );

    // The checksum: 16 hex digits, stable while the page is unchanged, not about `select`, and
    // different when a record of the page is updated, or the page holds other records.
    assert!(checksum.len() == 16 && is_hex(&checksum), "{checksum}");
    let of = |query: &str| -> String {
        let reply = get(&server, &format!("{ORGS}?{query}&metadata=checksum"));
        reply.json()["metadata"]["checksum"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let page = "q[is_active]=1&limit=3&offset=2&sort=name";
    assert_eq!(of(page), checksum);
    assert_eq!(of(&format!("{page}&select=name")), checksum);
    assert_ne!(of("q[is_active]=1&limit=3&offset=3&sort=name"), checksum);
    assert_ne!(of("q[is_active]=1&limit=2&offset=2&sort=name"), checksum);
    assert_eq!(of("limit=0"), of("q[name]=nobody"));
    let second = ids(&data_list(&get(&server, &format!("{ORGS}?{page}"))))[1].clone();
    sleep_into_next_second();
    let reply = send_json(
        &server,
        "PUT",
        &format!("{ORGS}/{second}"),
        r#"{"note": "changed"}"#,
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_ne!(of(page), checksum);
}

#[test]
fn unknown_metadata_words_are_400_naming_them() {
    let server = shared();
    for word in ["total", "COUNT", "upperlimit", "check_sum"] {
        let message = get(server, &format!("{ORGS}?metadata=count,{word}")).error_message(400);
        assert!(message.starts_with("metadata: "), "{message}");
        assert!(message.contains(&format!("'{word}'")), "{message}");
        assert!(message.contains("total_count"), "{message}");
    }
}

#[test]
fn services_by_invoice_method_sorted_by_budget() {
    // The documentation's example: /projects/service?q[invoice_method][in]=FixedFee,Subscription&sort=-budget
    let server = shared();
    let mut expected: Vec<Value> = server
        .store()
        .list("projects/service")
        .into_iter()
        .filter(|s| s["invoice_method"] == "FixedFee" || s["invoice_method"] == "Subscription")
        .collect();
    let budget = |s: &Value| -> f64 {
        s["budget"]
            .as_str()
            .expect("budget string")
            .parse()
            .expect("numeric")
    };
    // Amounts are strings (a quirk, on by default), but compare as numbers ("9.5" < "10").
    expected.sort_by(|a, b| budget(b).total_cmp(&budget(a)));
    let services = server.store().count("projects/service");
    assert!(expected.len() > 10 && expected.len() < services);
    let reply = get(
        server,
        &format!(
            "{SERVICES}?q[invoice_method][in]=FixedFee,Subscription&sort=-budget&select=id,budget,invoice_method&metadata=count"
        ),
    );
    assert_eq!(reply.json()["metadata"]["count"], json!(expected.len()));
    let page = data_list(&reply);
    assert_eq!(ids(&page), ids(&expected[..expected.len().min(100)]));
    for pair in page.windows(2) {
        assert!(budget(&pair[0]) >= budget(&pair[1]));
    }
    let none = get(
        server,
        &format!("{SERVICES}?q[invoice_method][nin]=FixedFee,Subscription,Hours&metadata=count"),
    );
    assert_eq!(none.json()["metadata"]["count"], 0);
}

#[test]
fn tracking_creates_and_updates() {
    // The documentation's use case: ?q[updated_at][ge]=<last call>&sort=-updated_at shows what
    // was created or updated since.
    let server = start_light();
    let since = format_timestamp(now());
    let updated = server.store().list("crm/organization")[5]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let reply = send_json(
        &server,
        "PUT",
        &format!("{ORGS}/{updated}"),
        r#"{"note": "called back"}"#,
    );
    assert_eq!(reply.status, 200);
    // Timestamps have whole seconds: the creation comes a second later, so it is the newest.
    sleep_into_next_second();
    let created = created_id(&send_json(
        &server,
        "POST",
        ORGS,
        r#"{"name": "Nieuw B.V."}"#,
    ));

    for since in [since.replace(' ', "+"), since.replace(' ', "%20")] {
        let reply = get(
            &server,
            &format!("{ORGS}?q[updated_at][ge]={since}&sort=-updated_at&metadata=count"),
        );
        let page = data_list(&reply);
        assert_eq!(ids(&page), [created.clone(), updated.clone()], "{since}");
        assert_eq!(reply.json()["metadata"]["count"], 2);
        assert!(page[0]["updated_at"].as_str() > page[1]["updated_at"].as_str());
    }
    // Polling again from the update's own timestamp with gt: only the newer creation.
    let after_update = server
        .store()
        .get("crm/organization", &updated)
        .expect("kept")["updated_at"]
        .as_str()
        .expect("updated_at")
        .replace(' ', "+");
    let page = data_list(&get(
        &server,
        &format!("{ORGS}?q[updated_at][gt]={after_update}&sort=-updated_at"),
    ));
    assert_eq!(ids(&page), [created.as_str()]);
    let after_create = server
        .store()
        .get("crm/organization", &created)
        .expect("kept")["updated_at"]
        .as_str()
        .expect("updated_at")
        .replace(' ', "+");
    assert!(data_list(&get(
        &server,
        &format!("{ORGS}?q[updated_at][gt]={after_create}")
    ))
    .is_empty());
}
