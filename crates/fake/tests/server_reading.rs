//! End-to-end tests of the fake Simplicate server over real sockets, reading: authentication,
//! seed data, paging and listing, single records. Writes are in `server_writing.rs`; seeds,
//! sizes, lifecycle and the request log in `server_lifecycle.rs`; routing across the whole
//! registry, the query language and the special endpoints in `routes_*.rs`; the raw HTTP/1.1
//! client they all use is in `common/mod.rs`.

mod common;

use std::collections::{BTreeMap, HashSet};

use serde_json::{json, Value};
use simplicate_api::registry::{Method, RESOURCES};
use simplicate_fake::{FakeConfig, FakeServer};

use common::*;

#[test]
fn calendar_helpers_agree() {
    for (text, unix) in [
        ("1970-01-01 00:00:00", 0),
        ("2000-02-29 00:00:00", 951_782_400),
        ("2024-12-31 23:59:59", 1_735_689_599),
        ("2025-03-01 12:34:56", 1_740_832_496),
    ] {
        assert_eq!(parse_timestamp(text), unix, "{text}");
        assert_eq!(format_timestamp(unix), text);
    }
}

// ---- authentication ----------------------------------------------------------------------------

#[test]
fn missing_or_wrong_credentials_get_401_envelope() {
    let server = shared();
    let expected = json!({"data": null, "errors": ["Invalid or missing authentication headers"], "debug": null});
    let cases: [&[(&str, &str)]; 6] = [
        &[],
        &[("Authentication-Key", KEY)],
        &[("Authentication-Secret", SECRET)],
        &[
            ("Authentication-Key", KEY),
            ("Authentication-Secret", "nope"),
        ],
        &[
            ("Authentication-Key", "nope"),
            ("Authentication-Secret", SECRET),
        ],
        &[
            ("Authentication-Key", "TEST-KEY"),
            ("Authentication-Secret", "TEST-SECRET"),
        ],
    ];
    for headers in cases {
        let reply = raw_request(server.addr(), "GET", ORGS, headers, None);
        assert_eq!(reply.status, 401, "{headers:?}");
        assert_eq!(reply.header("content-type"), Some("application/json"));
        assert_eq!(reply.json(), expected);
    }
    // Authentication comes first: before routing (unknown paths, wrong methods), before body
    // validation and before the query is parsed.
    let key_only = [("Authentication-Key", KEY), ("Content-Type", "text/plain")];
    for (method, path, body) in [
        ("GET", "/nowhere", None),
        ("GET", "/api/v2/crm/nothing/at/all", None),
        ("PUT", ORGS, Some("{}")),
        ("PATCH", ORGS, None),
        ("POST", ORGS, Some("not json")),
        ("GET", "/api/v2/crm/organization?limit=abc", None),
    ] {
        let reply = raw_request(
            server.addr(),
            method,
            path,
            &key_only,
            body.map(str::as_bytes),
        );
        assert_eq!(reply.status, 401, "{method} {path}");
        assert_eq!(reply.json(), expected);
        assert_eq!(reply.header("allow"), None);
    }
    assert_eq!(
        server.store().count("crm/organization"),
        default_size("crm/organization")
    );
    assert_eq!(get(server, ORGS).status, 200);
}

#[test]
fn configured_credentials_are_the_ones_checked() {
    let server = FakeServer::start(FakeConfig {
        api_key: "k2".into(),
        api_secret: "s2".into(),
        sizes: light_sizes(),
        ..FakeConfig::default()
    })
    .expect("start");
    assert_eq!(get(&server, ORGS).status, 401);
    let auth = [
        ("Authentication-Key", "k2"),
        ("Authentication-Secret", "s2"),
    ];
    assert_eq!(
        raw_request(server.addr(), "GET", ORGS, &auth, None).status,
        200
    );
    // Header names are case-insensitive, values are not.
    let lower = [
        ("authentication-key", "k2"),
        ("AUTHENTICATION-SECRET", "s2"),
    ];
    assert_eq!(
        raw_request(server.addr(), "GET", ORGS, &lower, None).status,
        200
    );
    let upper = [
        ("Authentication-Key", "K2"),
        ("Authentication-Secret", "s2"),
    ];
    assert_eq!(
        raw_request(server.addr(), "GET", ORGS, &upper, None).status,
        401
    );
}

// ---- seed data ---------------------------------------------------------------------------------

#[test]
fn seeded_collections_have_simplicate_shape() {
    let server = shared();
    let store = server.store();
    let orgs = store.list("crm/organization");
    let n = default_size("crm/organization");
    assert_eq!(orgs.len(), n);
    // Over HTTP the same records arrive, 100 to a page.
    let mut paged = Vec::new();
    for offset in (0..n).step_by(100) {
        let page = data_list(&get(server, &format!("{ORGS}?offset={offset}")));
        assert_eq!(page.len(), (n - offset).min(100));
        paged.extend(page);
    }
    assert_eq!(paged, orgs);

    let relation_types = data_list(&get(server, "/api/v2/crm/relationtype"));
    let countries: BTreeMap<String, Value> = data_list(&get(server, "/api/v2/crm/country"))
        .into_iter()
        .map(|c| (c["id"].as_str().expect("id").to_owned(), c))
        .collect();
    let mut dutch = 0;
    let org_ids: HashSet<String> = ids(&orgs).into_iter().collect();
    assert_eq!(org_ids.len(), n, "ids are unique");
    for org in &orgs {
        assert_id(org["id"].as_str().expect("id"), "organization", 16);
        assert!(!org["name"].as_str().unwrap_or("").is_empty());
        let coc = org["coc_code"].as_str().expect("coc_code is a string");
        assert!(coc.len() == 8 && coc.bytes().all(|b| b.is_ascii_digit()));
        assert!(org["relation_number"].is_string());
        assert!(org["is_active"].is_boolean());
        let address = &org["visiting_address"];
        let country = &countries[address["country_id"].as_str().expect("country_id")];
        assert_eq!(address["country_code"], country["country_code"]);
        assert_eq!(address["country"], country["name"]);
        dutch += usize::from(address["country_code"] == "NL");
        assert!(address["locality"].is_string());
        assert!(
            relation_types.contains(&org["relation_type"]),
            "relation_type is a copy of a crm/relationtype record: {}",
            org["relation_type"]
        );
        assert!(org["industry"]["name"].is_string());
        assert!(org["debtor"]["payment_term"]["days"].is_u64());
        let fields: Vec<&str> = org["custom_fields"]
            .as_array()
            .expect("custom_fields is a list")
            .iter()
            .map(|f| f["name"].as_str().expect("custom field name"))
            .collect();
        assert_eq!(fields, ["external_link", "part_of_country"]);
        for field in ["created", "created_at", "updated_at"] {
            let t = parse_timestamp(org[field].as_str().expect(field));
            assert!(
                (1_672_531_200..1_767_225_600).contains(&t),
                "{field} outside 2023-2025"
            );
        }
        assert!(org["created_at"].as_str() <= org["updated_at"].as_str());
    }
    assert!(dutch > n * 4 / 5, "mostly Dutch addresses ({dutch} of {n})");

    let persons = store.list("crm/person");
    assert_eq!(persons.len(), default_size("crm/person"));
    for p in &persons {
        assert_id(p["id"].as_str().expect("id"), "person", 32);
        let full = p["full_name"].as_str().expect("full_name");
        assert!(full.starts_with(p["first_name"].as_str().expect("first_name")));
        assert!(full.ends_with(p["family_name"].as_str().expect("family_name")));
        assert!(["Male", "Female", "Unknown"].contains(&p["gender"].as_str().unwrap_or("")));
        assert!(p["email"].as_str().unwrap_or("").contains('@'));
    }
}

#[test]
fn default_sizes_and_lookup_tables() {
    let server = shared();
    for (collection, size) in DEFAULT_SIZES {
        let target = format!("/api/v2/{collection}?metadata=count&limit=1");
        assert_eq!(count_of(server, &target), *size as u64, "{collection}");
        assert_eq!(server.store().count(collection), *size, "{collection}");
    }
    let labels: Vec<Value> = data_list(&get(server, "/api/v2/crm/relationtype"))
        .iter()
        .map(|r| r["label"].clone())
        .collect();
    // The own companies' type comes untranslated, as in the fixture (a quirk).
    assert_eq!(
        labels,
        [
            "Klant",
            "Prospect",
            "Leverancier",
            "Partner",
            "Oud-klant",
            "Relationtype_own_company"
        ]
    );
    let days: Vec<Value> = data_list(&get(server, "/api/v2/invoices/paymentterm"))
        .iter()
        .map(|r| r["days"].clone())
        .collect();
    assert_eq!(days, [14, 30, 8, 60]);
    assert_eq!(
        data_list(&get(server, "/api/v2/crm/industry")).len(),
        9,
        "crm/industry"
    );
    // Lookup ids belong to the environment's configuration, not to the seed.
    let other = start_with(7, LIGHT);
    for lookup in ["crm/relationtype", "crm/industry", "invoices/paymentterm"] {
        let target = format!("/api/v2/{lookup}");
        assert_eq!(get(server, &target).body, get(&other, &target).body);
    }
    assert_ne!(get(server, ORGS).body, get(&other, ORGS).body);
}

#[test]
fn seeded_references_point_at_seeded_records() {
    let store = shared().store();
    let by_id = |collection: &str| -> BTreeMap<String, Value> {
        store
            .list(collection)
            .into_iter()
            .map(|r| (r["id"].as_str().expect("id").to_owned(), r))
            .collect()
    };
    let (orgs, projects, services) = (
        by_id("crm/organization"),
        by_id("projects/project"),
        by_id("projects/service"),
    );
    for project in projects.values() {
        let org = &project["organization"];
        if !org.is_null() {
            let id = org["id"].as_str().expect("organization.id");
            assert_eq!(orgs[id]["name"], org["name"], "{id}");
            assert_eq!(project["organization_id"], org["id"]);
        }
    }
    for service in services.values() {
        let project = service["project_id"].as_str().expect("project_id");
        assert!(projects.contains_key(project), "{project}");
    }
    let hours = store.list("hours/hours");
    assert_eq!(hours.len(), default_size("hours/hours"));
    for entry in &hours {
        let project = entry["project"]["id"].as_str().expect("project.id");
        let service = entry["projectservice"]["id"].as_str().expect("service.id");
        assert_eq!(services[service]["project_id"], project, "{}", entry["id"]);
        assert_eq!(projects[project]["name"], entry["project"]["name"]);
    }
}

// ---- listing -----------------------------------------------------------------------------------

#[test]
fn limit_offset_and_metadata() {
    let server = shared();
    let all = server.store().list("crm/organization");
    let n = all.len();

    let page = data_list(&get(server, &format!("{ORGS}?limit=10&offset=5")));
    assert_eq!(page, all[5..15].to_vec());
    let tail = data_list(&get(server, &format!("{ORGS}?offset={}&limit=10", n - 5)));
    assert_eq!(tail, all[n - 5..].to_vec());
    assert!(data_list(&get(server, &format!("{ORGS}?offset={n}"))).is_empty());
    assert!(data_list(&get(server, &format!("{ORGS}?offset=99999999999999999999"))).is_empty());
    assert!(data_list(&get(server, &format!("{ORGS}?limit=0"))).is_empty());
    // The same pages when the records have to be evaluated (every organization has a name).
    let page = data_list(&get(server, &format!("{ORGS}?q[name]=*&limit=10&offset=5")));
    assert_eq!(page, all[5..15].to_vec());
    let tail = data_list(&get(server, &format!("{ORGS}?q[name]=*&offset={}", n - 5)));
    assert_eq!(tail, all[n - 5..].to_vec());

    let reply = get(
        server,
        &format!("{ORGS}?limit=10&offset=5&metadata=count,limit,offset"),
    );
    assert_eq!(
        reply.json()["metadata"],
        json!({"count": n, "limit": 10, "offset": 5})
    );
    let reply = get(server, &format!("{ORGS}?limit=3&metadata=count"));
    assert_eq!(reply.json()["metadata"], json!({"count": n}));
    assert!(
        reply
            .body
            .starts_with(format!(r#"{{"metadata":{{"count":{n}}}"#).as_bytes()),
        "metadata leads, so the total is read before the records"
    );
    assert_eq!(data_list(&reply).len(), 3);
    let reply = get(server, &format!("{ORGS}?metadata=offset%2Climit"));
    assert_eq!(reply.json()["metadata"], json!({"limit": 100, "offset": 0}));
    assert!(get(server, ORGS).json().get("metadata").is_none());

    let msg = get(server, &format!("{ORGS}?metadata=count,total")).error_message(400);
    assert!(msg.contains("metadata") && msg.contains("total"), "{msg}");

    // Parameters the API does not know are ignored.
    assert_eq!(
        get(server, &format!("{ORGS}?page=3&foo=bar")).body,
        get(server, ORGS).body
    );
}

#[test]
fn limit_is_capped_at_100() {
    let server = shared();
    let all = server.store().list("crm/organization");
    assert!(all.len() > 100);
    let reply = get(server, &format!("{ORGS}?limit=500&metadata=count,limit"));
    assert_eq!(data_list(&reply), all[..100].to_vec());
    assert_eq!(
        reply.json()["metadata"],
        json!({"count": all.len(), "limit": 100})
    );
    assert_eq!(
        data_list(&get(server, ORGS)).len(),
        100,
        "default page size"
    );
    let last = data_list(&get(server, &format!("{ORGS}?offset=200&limit=100")));
    assert_eq!(last, all[200..300].to_vec());
    // Also when records are filtered and sorted rather than served from the stored bytes.
    let sorted = data_list(&get(server, &format!("{ORGS}?sort=name&limit=1000")));
    assert_eq!(sorted.len(), 100);
    let hours = get(
        server,
        "/api/v2/hours/hours?q[hours][gt]=0&limit=101&metadata=count,limit",
    );
    assert_eq!(data_list(&hours).len(), 100);
    assert_eq!(
        hours.json()["metadata"],
        json!({"count": default_size("hours/hours"), "limit": 100})
    );
}

#[test]
fn bad_query_parameters_are_400_naming_the_parameter() {
    let server = shared();
    for (query, name) in [
        ("limit=abc", "limit"),
        ("limit=-1", "limit"),
        ("limit=1.5", "limit"),
        ("limit=", "limit"),
        ("offset=x", "offset"),
        ("offset=-5", "offset"),
        ("q=x", "q"),
        ("q[]=x", "q[]"),
        ("q[a][b][c]=x", "q[a][b][c]"),
        ("q[name][like]=x", "q[name][like]"),
        ("q[or][or][name]=x", "q[or][or][name]"),
        ("q[a..b]=x", "q[a..b]"),
        ("q[name=x", "q[name"),
        ("select=.id", "select"),
        ("select=a..b", "select"),
        ("sort=-", "sort"),
        ("metadata=counts", "metadata"),
    ] {
        let msg = get(server, &format!("{ORGS}?{query}")).error_message(400);
        assert!(msg.starts_with(name), "{query}: {msg}");
    }
    // The same keys percent-encoded, as clients send them.
    let msg = get(server, &format!("{ORGS}?q%5Bname%5D%5Blike%5D=x")).error_message(400);
    assert!(msg.starts_with("q[name][like]"), "{msg}");
}

#[test]
fn registry_collections_that_are_not_seeded_list_empty() {
    let server = shared();
    let store = server.store();
    let mut empty = Vec::new();
    for resource in RESOURCES
        .iter()
        .filter(|r| r.collection.contains(Method::Get))
        // One week, not a list (routes_actions.rs tests it).
        .filter(|r| r.name != "timesheetrow/mostrecent")
    {
        let collection = resource.path();
        let reply = get(server, &format!("/api/v2/{collection}?metadata=count"));
        let records = data_list(&reply);
        let stored = store.count(&collection);
        assert_eq!(
            reply.json()["metadata"]["count"],
            json!(stored),
            "{collection}"
        );
        assert_eq!(records, store.list(&collection)[..stored.min(100)].to_vec());
        if stored == 0 {
            assert_eq!(reply.json()["data"], json!([]), "{collection}");
            empty.push(collection);
        }
    }
    // Every record collection is seeded; the storage endpoints serve files, and the HRM
    // module is seeded by its own block of the seed (until then it starts empty).
    assert!(
        empty
            .iter()
            .all(|c| c.starts_with("storage/") || c.starts_with("hrm/")),
        "{empty:?}"
    );
    assert!(empty.len() >= 18, "{empty:?}");
    for path in ["projects/projectemployee", "storage/logo"] {
        assert_eq!(store.count(path), 0, "{path} is not seeded");
    }
    get(server, "/api/v2/crm/document/document:1").error_message(404);
    get(server, "/api/v2/sales/quote/quote:1").error_message(404);

    // Collections the registry does not have are not endpoints.
    for path in [
        "/api/v2/sales/sale",
        "/api/v2/projects/projects",
        "/api/v2/crm/organisation",
    ] {
        let msg = get(server, path).error_message(400);
        assert_eq!(msg, format!("Unknown endpoint: GET {path}"));
    }
}

// ---- single records ----------------------------------------------------------------------------

#[test]
fn get_by_id_and_404() {
    let server = shared();
    let all = server.store().list("crm/organization");
    for index in [7, 150, 249] {
        let record = &all[index];
        let id = record["id"].as_str().expect("id");
        let reply = get(server, &format!("{ORGS}/{id}"));
        assert_eq!(reply.status, 200);
        assert_eq!(
            reply.json(),
            json!({"data": record, "errors": null, "debug": null})
        );
    }

    let msg = get(server, &format!("{ORGS}/organization:0000000000000000")).error_message(404);
    assert!(msg.contains("organization:0000000000000000"), "{msg}");
    assert!(msg.contains("not found"), "{msg}");
    // Another collection's id is not found here.
    let person = server.store().list("crm/person")[0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    get(server, &format!("{ORGS}/{person}")).error_message(404);
    assert_eq!(get(server, &format!("{PERSONS}/{person}")).status, 200);
}

#[test]
fn ids_with_colons_dashes_and_escapes_in_paths() {
    let server = start_light();
    let id = server.store().list("crm/organization")[0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let escaped = id.replace(':', "%3A");
    let lower_escaped = id.replace(':', "%3a");
    assert_ne!(escaped, id);
    for target in [
        format!("{ORGS}/{id}"),
        format!("{ORGS}/{escaped}"),
        format!("{ORGS}/{lower_escaped}"),
    ] {
        let reply = get(&server, &target);
        assert_eq!(reply.status, 200, "{target}");
        assert_eq!(reply.json()["data"]["id"], id.as_str());
    }

    // UUID-v7 ids, as Simplicate now gives new project services; the seed has some.
    let seeded_uuid = server
        .store()
        .list("projects/service")
        .into_iter()
        .find(|s| s["id"].as_str().is_some_and(|id| !id.contains(':')))
        .expect("a seeded service with a UUID id");
    let uuid = seeded_uuid["id"].as_str().expect("id");
    assert_eq!(uuid.len(), 36, "{uuid}");
    assert_eq!(&uuid[14..15], "7", "version 7: {uuid}");
    assert_eq!(
        get(&server, &format!("{SERVICES}/{uuid}")).data(),
        seeded_uuid
    );

    let uuid = "01930bb6-87aa-779b-9561-fcb44ac3121d";
    let store = server.store();
    let planted = store.insert(
        "projects/service",
        object(json!({"id": uuid, "name": "Dev"})),
    );
    assert_eq!(planted, uuid);
    let target = format!("{SERVICES}/{uuid}");
    assert_eq!(get(&server, &target).json()["data"]["name"], "Dev");
    let reply = send_json(&server, "PUT", &target, r#"{"name": "Design"}"#);
    assert_eq!(
        reply.json(),
        json!({"data": {"id": uuid}, "errors": null, "debug": null})
    );
    assert_eq!(
        store.get("projects/service", uuid).expect("kept")["name"],
        "Design"
    );
    assert_eq!(delete(&server, &target).status, 200);
    assert!(store.get("projects/service", uuid).is_none());
}
