use super::*;
use serde_json::json;

#[test]
fn projections_follow_every_change() {
    let store = Store::with_sizes(1, BTreeMap::from([("crm/person".to_owned(), 3)]), true).unwrap();
    let names = |store: &Store| -> Vec<Value> {
        store.with_collection("crm/person", |c| {
            let projected = c.projected(&["first_name"]).unwrap();
            projected.iter().map(|r| r["first_name"].clone()).collect()
        })
    };
    let before = names(&store);
    assert_eq!(before.len(), 3);
    let id = store.list("crm/person")[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(store.update("crm/person", &id, obj(json!({"first_name": "Zed"}))));
    assert_eq!(names(&store)[0], json!("Zed"));
    let new = store.create("crm/person", obj(json!({"first_name": "New"})));
    assert_eq!(names(&store).last(), Some(&json!("New")));
    assert!(store.remove("crm/person", &new));
    store.create_then("crm/person", obj(json!({"first_name": "Then"})), |_, r| {
        r.insert("first_name".into(), json!("Finished"));
    });
    assert_eq!(
        names(&store)[1..],
        [before[1].clone(), before[2].clone(), json!("Finished")]
    );
}

#[test]
fn decode_fields_keeps_only_the_named_top_level_fields() {
    let bytes = br#"{"id":"a:1","na\u006de":"Bob","nested":{"x":[1,{"y":2}]},"skip":{"deep":[1,2,3]},"n":null}"#;
    assert_eq!(
        decode_fields(bytes, &["name", "nested", "n"]),
        json!({"name": "Bob", "nested": {"x": [1, {"y": 2}]}, "n": null})
    );
    assert_eq!(decode_fields(bytes, &[]), json!({}));
    assert_eq!(decode_fields(bytes, &["missing"]), json!({}));
}

fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

#[test]
fn remove_keeps_order_and_lookup_consistent() {
    let store = Store::new(0);
    let ids: Vec<String> = (0..5)
        .map(|i| store.insert("a/b", obj(json!({"n": i}))))
        .collect();
    assert!(store.remove("a/b", &ids[1]));
    assert!(!store.remove("a/b", &ids[1]));
    for (i, id) in ids.iter().enumerate().filter(|(i, _)| *i != 1) {
        assert_eq!(store.get("a/b", id).unwrap()["n"], json!(i));
    }
    let order: Vec<Value> = store.list("a/b").iter().map(|r| r["n"].clone()).collect();
    assert_eq!(order, vec![json!(0), json!(2), json!(3), json!(4)]);
    assert_eq!(store.count("a/b"), 4);
}

#[test]
fn insert_with_known_id_replaces_in_place() {
    let store = Store::new(0);
    store.insert("a/b", obj(json!({"id": "b:1", "v": 1})));
    store.insert("a/b", obj(json!({"id": "b:2", "v": 2})));
    store.insert("a/b", obj(json!({"id": "b:1", "v": 3})));
    let all = store.list("a/b");
    assert_eq!(all.len(), 2);
    assert_eq!(all[0]["v"], json!(3));
}

#[test]
fn minted_id_leads_the_record() {
    let store = Store::new(0);
    let id = store.insert("crm/thing", obj(json!({"name": "x"})));
    assert!(id.starts_with("thing:"));
    let rec = store.get("crm/thing", &id).unwrap();
    let keys: Vec<&String> = rec.as_object().unwrap().keys().collect();
    assert_eq!(keys.first().map(|k| k.as_str()), Some("id"));
}

#[test]
fn update_merges_objects_and_bumps_updated_at() {
    let store = Store::new(0);
    let id = store.insert(
        "a/b",
        obj(
            json!({"name": "x", "nested": {"a": 1, "b": 2, "deep": {"c": 3, "d": 4}},
                   "link": {"id": "l:1", "label": "One"}, "list": [1, 2], "gone": {"e": 5},
                   "created_at": "2020-01-01 00:00:00", "updated_at": "2020-01-01 00:00:00"}),
        ),
    );
    assert!(store.update(
        "a/b",
        &id,
        obj(json!({"nested": {"a": 9, "deep": {"c": null}, "new": true},
                   "link": {"id": "l:2"}, "list": [3], "gone": null,
                   "id": "evil", "created_at": "x"}))
    ));
    let rec = store.get("a/b", &id).unwrap();
    assert_eq!(rec["name"], json!("x"));
    assert_eq!(
        rec["nested"],
        json!({"a": 9, "b": 2, "deep": {"c": null, "d": 4}, "new": true})
    );
    // An object naming a record replaces; lists and nulls replace.
    assert_eq!(rec["link"], json!({"id": "l:2"}));
    assert_eq!(rec["list"], json!([3]));
    assert_eq!(rec["gone"], Value::Null);
    assert_eq!(rec["id"], json!(id));
    assert_eq!(rec["created_at"], json!("2020-01-01 00:00:00"));
    assert_ne!(rec["updated_at"], json!("2020-01-01 00:00:00"));
    assert!(!store.update("a/b", "b:missing", Map::new()));
}

#[test]
fn legacy_timestamps_mirror_created_at_and_updated_at() {
    let store = Store::with_sizes(0, BTreeMap::from([("crm/person".to_owned(), 0)]), true).unwrap();
    // POST: the server's timestamps, whatever the body says.
    let body = obj(json!({"name": "X", "created": "1999-01-01 00:00:00", "modified": "y"}));
    let id = store.create("crm/organization", body);
    let created = store.get("crm/organization", &id).unwrap();
    assert_eq!(created["created"], created["created_at"]);
    assert_eq!(created["modified"], created["updated_at"]);
    assert_ne!(created["created"], json!("1999-01-01 00:00:00"));
    // PUT: `modified` moves with `updated_at`, `created` never changes.
    let planted = obj(
        json!({"first_name": "Old", "created_at": "2020-01-01 00:00:00",
                             "updated_at": "2021-01-01 00:00:00"}),
    );
    let id = store.insert("crm/person", planted);
    let before = store.get("crm/person", &id).unwrap();
    assert_eq!(before["created"], json!("2020-01-01 00:00:00"));
    assert_eq!(before["modified"], json!("2021-01-01 00:00:00"));
    let patch = obj(json!({"first_name": "New", "created": "x", "modified": "y"}));
    assert!(store.update("crm/person", &id, patch));
    let after = store.get("crm/person", &id).unwrap();
    assert_eq!(after["created"], json!("2020-01-01 00:00:00"));
    assert_eq!(after["modified"], after["updated_at"]);
    assert_ne!(after["modified"], json!("2021-01-01 00:00:00"));
    // Planted legacy values are kept; types without them get none.
    let id = store.insert("crm/person", obj(json!({"created": "2001-01-01 00:00:00"})));
    let record = store.get("crm/person", &id).unwrap();
    assert_eq!(record["created"], json!("2001-01-01 00:00:00"));
    assert_eq!(record["modified"], record["updated_at"]);
    let id = store.create("hours/hours", obj(json!({"hours": 1})));
    let record = store.get("hours/hours", &id).unwrap();
    assert!(record.get("created").is_none() && record.get("modified").is_none());
    // Services by default have `modified` only; contracts `created` and `last_updated`.
    let id = store.create("services/defaultservice", obj(json!({"name": "S"})));
    let record = store.get("services/defaultservice", &id).unwrap();
    assert!(record.get("created").is_none());
    assert_eq!(record["modified"], record["updated_at"]);
    let id = store.insert("hrm/contract", Map::new());
    let record = store.get("hrm/contract", &id).unwrap();
    assert_eq!(record["created"], record["created_at"]);
    assert_eq!(record["last_updated"], record["updated_at"]);
}

#[test]
fn seeded_collections_are_stored_as_generated() {
    let store = Store::new(3);
    let orgs = store.list("crm/organization");
    assert!(!orgs.is_empty());
    let generator = Generator::new(3, &BTreeMap::new(), true).unwrap();
    assert_eq!(orgs[0], generator.record("crm/organization", 0));
    assert_eq!(
        store.get("crm/organization", &generator.id("crm/organization", 1)),
        Some(generator.record("crm/organization", 1))
    );
}

fn generated(store: &Store) -> Vec<String> {
    let mut names: Vec<String> = store.read().collections.keys().cloned().collect();
    names.sort();
    names
}

#[test]
fn collections_are_generated_on_first_use_and_again_after_reset() {
    let sizes = BTreeMap::from([("hours/hours".to_owned(), 50)]);
    let store = Store::with_sizes(2, sizes, true).unwrap();
    assert!(generated(&store).is_empty());
    assert!(store.read().pending.len() > 40);
    // Reads, counts, pages and writes each generate their collection, and only it.
    assert_eq!(store.count("hours/hours"), 50);
    assert_eq!(generated(&store), ["hours/hours"]);
    store.with_collection("crm/gender", |c| assert_eq!(c.len(), 3));
    let person = store.generator.id("crm/person", 4);
    assert!(store.get_raw("crm/person", &person).is_some());
    assert!(store.update(
        "hrm/employee",
        &store.generator.id("hrm/employee", 1),
        Map::new()
    ));
    assert_eq!(
        generated(&store),
        ["crm/gender", "crm/person", "hours/hours", "hrm/employee"]
    );
    // Planting into a collection not generated yet: the seed records come first.
    let id = store.insert("sales/sales", obj(json!({"subject": "Planted"})));
    let sales = store.list("sales/sales");
    assert_eq!(sales.len(), 301);
    assert_eq!(sales.last().unwrap()["id"], json!(id));
    assert_eq!(sales[0], store.generator.record("sales/sales", 0));
    // Unknown collections generate nothing.
    assert_eq!(store.count("crm/nonsense"), 0);
    store.reset();
    assert!(generated(&store).is_empty());
    assert_eq!(store.count("sales/sales"), 300);
}

#[test]
fn concurrent_first_uses_generate_once() {
    let sizes = BTreeMap::from([("hours/hours".to_owned(), 5000)]);
    let store = Store::with_sizes(3, sizes, false).unwrap();
    std::thread::scope(|scope| {
        for t in 0..8 {
            let store = &store;
            scope.spawn(move || {
                if t % 2 == 0 {
                    assert_eq!(store.count("hours/hours"), 5000);
                } else {
                    let id = store.generator.id("hours/hours", t);
                    assert!(store.get("hours/hours", &id).is_some());
                }
            });
        }
    });
    assert_eq!(store.count("hours/hours"), 5000);
    assert_eq!(generated(&store), ["hours/hours"]);
}

#[test]
fn sizes_override_defaults_and_unknown_collections_are_refused() {
    let sizes = BTreeMap::from([("crm/person".to_owned(), 7)]);
    let store = Store::with_sizes(0, sizes, true).unwrap();
    assert_eq!(store.count("crm/person"), 7);
    let bad = BTreeMap::from([("crm/nonsense".to_owned(), 1)]);
    let err = Store::with_sizes(0, bad, true).unwrap_err();
    assert!(err.contains("crm/nonsense"), "{err}");
}
