//! End-to-end tests of the fake Simplicate server over real sockets: authentication, seed data,
//! paging, single records, writes and body validation, seeds and sizes, lifecycle, and the
//! request log. Routing across the whole registry, the query language and the special endpoints
//! are in `fake_routes.rs`; the raw HTTP/1.1 client both use is in `common/mod.rs`.

mod common;

use std::collections::{BTreeMap, HashSet};
use std::io::{ErrorKind, Read, Write};
use std::net::{IpAddr, Ipv6Addr, TcpStream};
use std::time::Duration;

use serde_json::{json, Value};
use simplicate_api::registry::{Method, RESOURCES};
use simplicate_fake::{FakeConfig, FakeServer, Store};

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
        // One week, not a list (fake_routes.rs tests it).
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

// ---- writing -----------------------------------------------------------------------------------

#[test]
fn post_creates_a_record_with_server_assigned_id_and_timestamps() {
    let server = start_light();
    let before = server.store().count("crm/organization");
    let reply = send_json(
        &server,
        "POST",
        ORGS,
        r#"{"id": "organization:evil", "name": "Acme B.V.", "coc_code": "12345678",
            "created_at": "2000-01-01 00:00:00", "updated_at": "2000-01-01 00:00:00",
            "visiting_address": {"locality": "Delft", "country_code": "NL"}}"#,
    );
    let id = created_id(&reply);
    assert_id(&id, "organization", 32);

    let record = get(&server, &format!("{ORGS}/{id}")).data();
    assert_eq!(record["id"], id.as_str());
    assert_eq!(record["name"], "Acme B.V.");
    assert_eq!(record["coc_code"], "12345678");
    assert_eq!(
        record["visiting_address"],
        json!({"locality": "Delft", "country_code": "NL"})
    );
    assert_recent(&record["created_at"]);
    assert_recent(&record["updated_at"]);
    assert_eq!(record["created_at"], record["updated_at"]);
    // The legacy timestamps of organizations (the real fixture's `created`/`modified`) mirror
    // the new ones.
    assert_eq!(record["created"], record["created_at"]);
    assert_eq!(record["modified"], record["updated_at"]);
    let keys: Vec<&String> = record.as_object().expect("object").keys().collect();
    assert_eq!(keys[0], "id", "id leads the record");

    let reply = get(&server, &format!("{ORGS}?offset={before}&metadata=count"));
    assert_eq!(reply.json()["metadata"]["count"], before + 1);
    assert_eq!(
        ids(&data_list(&reply)),
        [id.as_str()],
        "new records come last"
    );
    assert!(server
        .store()
        .get("crm/organization", "organization:evil")
        .is_none());

    // Two creations, two ids.
    let again = created_id(&send_json(
        &server,
        "POST",
        ORGS,
        r#"{"name": "Acme B.V."}"#,
    ));
    assert_ne!(again, id);
    // The prefix follows the resource (the registry's id prefix). Each body holds what the
    // resource requires, naming seeded records.
    let first = |collection: &str| server.store().list(collection)[0]["id"].clone();
    let (person, project, service) = (
        first("crm/person"),
        first("projects/project"),
        first("projects/service"),
    );
    for (path, prefix, body) in [
        (
            "/api/v2/hrm/employee",
            "employee",
            json!({"person_id": person}),
        ),
        (
            SERVICES,
            "service",
            json!({"project_id": project, "name": "Advies", "invoice_method": "Hours"}),
        ),
        (
            "/api/v2/sales/sales",
            "sales",
            json!({"subject": "Website", "person_id": person}),
        ),
        (
            "/api/v2/hours/hours",
            "hours",
            json!({"employee_id": first("hrm/employee"), "project_id": project,
                   "projectservice_id": service, "type_id": first("hours/hourstype"),
                   "start_date": "2025-01-06 09:00:00"}),
        ),
        ("/api/v2/crm/document", "document", json!({})),
    ] {
        let id = created_id(&send_json(&server, "POST", path, &body.to_string()));
        assert_id(&id, prefix, 32);
        assert_eq!(get(&server, &format!("{path}/{id}")).status, 200, "{path}");
    }
}

#[test]
fn post_and_put_reject_bad_bodies() {
    let server = start_light();
    let before = server.store().list("crm/organization");
    let target_item = {
        let all = server.store().list("crm/organization");
        format!("{ORGS}/{}", all[0]["id"].as_str().expect("id"))
    };
    for target in [ORGS, target_item.as_str()] {
        let method = if target == ORGS { "POST" } else { "PUT" };
        for ct in [None, Some("text/plain"), Some("application/jsonx")] {
            let msg =
                send_typed(&server, method, target, ct, r#"{"name": "x"}"#).error_message(400);
            assert_eq!(
                msg, "Content-Type must be application/json",
                "{method} {ct:?}"
            );
        }
        let msg = send_json(&server, method, target, r#"{"name": "x""#).error_message(400);
        assert!(msg.to_lowercase().contains("json"), "{msg}");
        send_json(&server, method, target, "").error_message(400);
        for not_object in ["[1, 2]", "\"name\"", "42", "null"] {
            let msg = send_json(&server, method, target, not_object).error_message(400);
            assert!(msg.contains("object"), "{not_object}: {msg}");
        }
    }
    assert_eq!(
        server.store().list("crm/organization"),
        before,
        "nothing was created or changed"
    );

    // Media type parameters and case are fine.
    for ct in ["application/json; charset=utf-8", "Application/JSON"] {
        let reply = send_typed(&server, "POST", ORGS, Some(ct), r#"{"name": "ok"}"#);
        assert_eq!(reply.status, 200, "{ct}");
    }
}

const MAX_BODY: usize = 16 * 1024 * 1024;

#[test]
fn bodies_up_to_16_mib_are_read_larger_ones_are_413() {
    let server = start_light();
    // Declared too large: refused before the body is sent.
    let mut stream = TcpStream::connect(server.addr()).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let head = format!(
        "POST {ORGS} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthentication-Key: {KEY}\r\n\
         Authentication-Secret: {SECRET}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        MAX_BODY + 1
    );
    stream.write_all(head.as_bytes()).expect("write");
    let msg = read_reply(stream).error_message(413);
    assert!(msg.contains(&MAX_BODY.to_string()), "{msg}");
    assert_eq!(server.store().count("crm/organization"), LIGHT[0].1);

    // Exactly the limit is read: what comes back is about the JSON, not the size.
    let body = "x".repeat(MAX_BODY);
    let msg = send_json(&server, "POST", ORGS, &body).error_message(400);
    assert!(msg.contains("Malformed JSON"), "{msg}");
    // A megabyte of JSON is stored whole.
    let blob = "x".repeat(1 << 20);
    let id = created_id(&send_json(
        &server,
        "POST",
        ORGS,
        &json!({"name": "big", "blob": blob}).to_string(),
    ));
    let stored = server.store().get("crm/organization", &id).expect("stored");
    assert_eq!(stored["blob"].as_str(), Some(blob.as_str()));

    // A chunked body (no Content-Length) is read too.
    let mut stream = TcpStream::connect(server.addr()).expect("connect");
    let json = br#"{"name": "chunked"}"#;
    let mut request = format!(
        "POST {ORGS} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthentication-Key: {KEY}\r\n\
         Authentication-Secret: {SECRET}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    .into_bytes();
    for part in json.chunks(7) {
        request.extend_from_slice(format!("{:x}\r\n", part.len()).as_bytes());
        request.extend_from_slice(part);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"0\r\n\r\n");
    stream.write_all(&request).expect("write");
    let id = created_id(&read_reply(stream));
    assert_eq!(
        server.store().get("crm/organization", &id).expect("stored")["name"],
        "chunked"
    );
}

#[test]
fn put_updates_top_level_fields_and_bumps_updated_at() {
    let server = start_light();
    let before = server.store().list("crm/organization")[3].clone();
    let id = before["id"].as_str().expect("id").to_owned();
    let target = format!("{ORGS}/{id}");
    let reply = send_json(
        &server,
        "PUT",
        &target,
        r#"{"name": "Renamed", "id": "organization:other", "created_at": "2000-01-01 00:00:00",
            "updated_at": "2000-01-01 00:00:00",
            "visiting_address": {"locality": "Utrecht", "country_code": "NL"},
            "note": "new field", "extra": [1, 2]}"#,
    );
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.json(),
        json!({"data": {"id": id}, "errors": null, "debug": null})
    );

    let after = get(&server, &target).data();
    assert_eq!(after["id"], id.as_str());
    assert_eq!(after["name"], "Renamed");
    assert_eq!(after["note"], "new field");
    assert_eq!(after["extra"], json!([1, 2]));
    // A nested object is merged into the stored one: the street stays, the town changes.
    let mut address = before["visiting_address"].clone();
    address["locality"] = json!("Utrecht");
    address["country_code"] = json!("NL");
    assert!(address["line_1"].as_str().is_some_and(|s| !s.is_empty()));
    assert_eq!(after["visiting_address"], address);
    assert_eq!(after["created_at"], before["created_at"]);
    assert_ne!(after["updated_at"], before["updated_at"]);
    assert_recent(&after["updated_at"]);
    // `modified` moves with `updated_at`; `created` never changes.
    assert_eq!(before["created"], before["created_at"]);
    assert_eq!(after["created"], before["created"]);
    assert_eq!(after["modified"], after["updated_at"]);
    for untouched in [
        "email",
        "phone",
        "coc_code",
        "relation_type",
        "debtor",
        "industry",
        "custom_fields",
    ] {
        assert_eq!(after[untouched], before[untouched], "{untouched}");
    }
    assert!(server
        .store()
        .get("crm/organization", "organization:other")
        .is_none());
    // The record keeps its place.
    assert_eq!(
        server.store().list("crm/organization")[3]["id"],
        id.as_str()
    );
    // An empty body still counts as an update.
    let other = server.store().list("crm/organization")[4].clone();
    let target = format!("{ORGS}/{}", other["id"].as_str().expect("id"));
    assert_eq!(send_json(&server, "PUT", &target, "{}").status, 200);
    let touched = get(&server, &target).data();
    assert_recent(&touched["updated_at"]);
    assert_eq!(touched["name"], other["name"]);

    let msg = send_json(
        &server,
        "PUT",
        &format!("{ORGS}/organization:missing"),
        "{}",
    )
    .error_message(404);
    assert!(msg.contains("organization:missing"), "{msg}");
    assert_eq!(server.store().count("crm/organization"), LIGHT[0].1);
}

#[test]
fn put_on_a_collection_updates_the_record_named_in_the_body() {
    // crm/document takes GET, POST and PUT on the collection: the PUT names its record in "id".
    let server = start_light();
    let documents = "/api/v2/crm/document";
    let seeded = server.store().count("crm/document");
    let id = created_id(&send_json(
        &server,
        "POST",
        documents,
        r#"{"title": "Offerte.pdf", "description": ""}"#,
    ));
    let before = get(&server, &format!("{documents}/{id}")).data();
    let reply = send_json(
        &server,
        "PUT",
        documents,
        &json!({"id": id, "title": "Offerte v2.pdf"}).to_string(),
    );
    assert_eq!(
        reply.json(),
        json!({"data": {"id": id}, "errors": null, "debug": null})
    );
    let after = get(&server, &format!("{documents}/{id}")).data();
    assert_eq!(after["title"], "Offerte v2.pdf");
    assert_eq!(after["description"], "");
    assert_eq!(after["created_at"], before["created_at"]);
    assert_eq!(server.store().count("crm/document"), seeded + 1);

    for body in [r#"{"title": "x"}"#, r#"{"id": 42}"#, r#"{"id": null}"#] {
        let msg = send_json(&server, "PUT", documents, body).error_message(400);
        assert!(msg.contains("\"id\""), "{body}: {msg}");
    }
    let msg =
        send_json(&server, "PUT", documents, r#"{"id": "document:missing"}"#).error_message(404);
    assert!(msg.contains("document:missing"), "{msg}");
    // The same for the documents module's own collection, which is seeded.
    let seeded = server.store().list("documents/document")[0]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let reply = send_json(
        &server,
        "PUT",
        "/api/v2/documents/document",
        &json!({"id": seeded, "description": "bijgewerkt"}).to_string(),
    );
    assert_eq!(created_id(&reply), seeded);
    assert_eq!(
        server
            .store()
            .get("documents/document", &seeded)
            .expect("kept")["description"],
        "bijgewerkt"
    );
    assert_eq!(server.store().count("documents/document"), 5);
}

#[test]
fn delete_removes_the_record() {
    let server = start_light();
    let all = server.store().list("crm/organization");
    let id = all[10]["id"].as_str().expect("id");
    let target = format!("{ORGS}/{id}");
    let reply = delete(&server, &target);
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.json(),
        json!({"data": null, "errors": null, "debug": null})
    );
    get(&server, &target).error_message(404);
    delete(&server, &target).error_message(404);
    send_json(&server, "PUT", &target, "{}").error_message(404);

    let mut expected = all.clone();
    expected.remove(10);
    let mut remaining = Vec::new();
    for offset in (0..expected.len()).step_by(100) {
        remaining.extend(data_list(&get(&server, &format!("{ORGS}?offset={offset}"))));
    }
    assert_eq!(remaining, expected, "the others keep their order");
    assert_eq!(
        count_of(&server, &format!("{ORGS}?metadata=count&limit=0")),
        expected.len() as u64
    );
    // Records after the deleted one are still found by id.
    for record in &expected[9..] {
        let id = record["id"].as_str().expect("id");
        assert_eq!(get(&server, &format!("{ORGS}/{id}")).data(), *record);
    }
}

// ---- seeds, sizes, reset, lifecycle ------------------------------------------------------------

#[test]
fn same_seed_same_data_different_seed_different_data() {
    let a = start_with(42, LIGHT);
    let b = start_with(42, LIGHT);
    let c = start_with(43, LIGHT);
    for path in [ORGS, PERSONS, PROJECTS, "/api/v2/hours/hours?offset=40"] {
        let (ra, rb, rc) = (get(&a, path), get(&b, path), get(&c, path));
        assert_eq!(ra.body, rb.body, "{path}: same seed, same bytes");
        assert_ne!(ra.body, rc.body, "{path}: another seed, other data");
    }
    assert_eq!(
        Store::with_sizes(42, light_sizes(), true)
            .expect("valid sizes")
            .list("crm/person"),
        a.store().list("crm/person")
    );
    assert_ne!(c.store().list("crm/person"), a.store().list("crm/person"));
    assert_eq!(a.store().seed(), 42);
    // Created ids are part of the seeded state too.
    let (ia, ib) = (
        created_id(&send_json(&a, "POST", ORGS, r#"{"name": "New"}"#)),
        created_id(&send_json(&b, "POST", ORGS, r#"{"name": "New"}"#)),
    );
    assert_eq!(ia, ib);
}

#[test]
fn reset_restores_the_seed_state() {
    let server = start_with(5, LIGHT);
    let initial_orgs = get(&server, ORGS).body;
    let initial_persons = get(&server, PERSONS).body;
    let all = server.store().list("crm/organization");
    let first = format!("{ORGS}/{}", all[0]["id"].as_str().expect("id"));
    let second = format!("{ORGS}/{}", all[1]["id"].as_str().expect("id"));
    assert_eq!(
        send_json(&server, "PUT", &first, r#"{"name": "Changed"}"#).status,
        200
    );
    assert_eq!(delete(&server, &second).status, 200);
    let created = created_id(&send_json(&server, "POST", ORGS, r#"{"name": "New"}"#));
    server
        .store()
        .insert("sales/sale", object(json!({"subject": "x"})));
    assert_ne!(get(&server, ORGS).body, initial_orgs);

    server.store().reset();
    assert_eq!(get(&server, ORGS).body, initial_orgs);
    assert_eq!(get(&server, PERSONS).body, initial_persons);
    assert_eq!(server.store().count("sales/sale"), 0);
    assert_eq!(server.store().count("crm/organization"), all.len());
    // The stream of minted ids starts over as well.
    assert_eq!(
        created_id(&send_json(&server, "POST", ORGS, r#"{"name": "New"}"#)),
        created
    );
}

#[test]
fn store_insert_from_the_host_is_served() {
    let server = start_light();
    let store = server.store();
    let id = store.insert("crm/organization", object(json!({"name": "Planted"})));
    assert_id(&id, "organization", 32);
    let record = get(&server, &format!("{ORGS}/{id}")).data();
    assert_eq!(record["name"], "Planted");
    assert_recent(&record["created_at"]);
    assert_eq!(record["created"], record["created_at"]);
    assert_eq!(record["modified"], record["updated_at"]);

    // Given timestamps are kept, so tests can plant history.
    let old = store.insert(
        "crm/organization",
        object(json!({"name": "Old", "created_at": "2020-02-02 10:00:00", "updated_at": "2021-03-03 11:00:00"})),
    );
    let record = store.get("crm/organization", &old).expect("stored");
    assert_eq!(record["created_at"], "2020-02-02 10:00:00");
    assert_eq!(record["updated_at"], "2021-03-03 11:00:00");
    // The legacy timestamps follow them where the record does not bring its own.
    assert_eq!(record["created"], "2020-02-02 10:00:00");
    assert_eq!(record["modified"], "2021-03-03 11:00:00");
    assert_eq!(store.list("crm/organization").len(), 22);
    // ... and planted history is what queries see.
    let page = data_list(&get(
        &server,
        &format!("{ORGS}?q[updated_at][lt]=2022-01-01&select=id,name"),
    ));
    assert_eq!(page, [json!({"id": old, "name": "Old"})]);
    // Planting into another registry collection: listed with its seeded records.
    let quote = store.insert("sales/quote", object(json!({"quote_subject": "Q1"})));
    assert_id(&quote, "quote", 32);
    assert_eq!(
        ids(&data_list(&get(
            &server,
            "/api/v2/sales/quote?q[quote_subject]=Q1"
        ))),
        [quote]
    );
    // Collections the registry does not have are not endpoints, even when the host plants
    // records in them.
    store.insert("sales/sale", object(json!({"subject": "planted"})));
    assert_eq!(store.count("sales/sale"), 1);
    let msg = get(&server, "/api/v2/sales/sale").error_message(400);
    assert_eq!(msg, "Unknown endpoint: GET /api/v2/sales/sale");
}

#[test]
fn sizes_override_the_defaults_and_references_follow() {
    let server = start_sized(&[
        ("crm/organization", 3),
        ("hours/hours", 0),
        ("crm/relationtype", 2),
        ("projects/project", 300),
    ]);
    let count = |collection: &str| {
        count_of(
            &server,
            &format!("/api/v2/{collection}?metadata=count&limit=1"),
        )
    };
    assert_eq!(count("crm/organization"), 3);
    assert_eq!(count("hours/hours"), 0);
    assert_eq!(count("crm/relationtype"), 2);
    assert_eq!(count("projects/project"), 300);
    assert_eq!(
        count("crm/person"),
        default_size("crm/person") as u64,
        "others keep their default"
    );
    assert!(data_list(&get(&server, "/api/v2/hours/hours")).is_empty());

    let store = server.store();
    let orgs: HashSet<String> = ids(&store.list("crm/organization")).into_iter().collect();
    let types: Vec<Value> = store.list("crm/relationtype");
    // One of the two seeded types; null for the own companies (organizations 0 and 1), whose
    // type is the table's last, not seeded here.
    let mut typed = 0;
    for (i, org) in store.list("crm/organization").iter().enumerate() {
        let kind = &org["relation_type"];
        assert!(types.contains(kind) || (i < 2 && kind.is_null()), "{kind}");
        typed += usize::from(!kind.is_null());
    }
    assert!(typed > 0);
    let projects = store.list("projects/project");
    let mut with_org = 0;
    for p in &projects {
        if let Some(id) = p["organization"]["id"].as_str() {
            assert!(orgs.contains(id), "{id} is not one of the 3 organizations");
            with_org += 1;
        }
    }
    assert!(with_org > 0);
    // Ids stay unique when a collection grows.
    let unique: HashSet<String> = ids(&projects).into_iter().collect();
    assert_eq!(unique.len(), 300);
    // With no hours, nothing is booked on any project.
    let id = projects[0]["id"].as_str().expect("id");
    let budget = get(&server, &format!("{PROJECTS}/{id}/planningBudget")).data();
    assert_eq!(budget["hours_entries"], 0);
    assert_eq!(budget["hours_spent"].as_f64(), Some(0.0));
    // Reset keeps the sizes.
    store.reset();
    assert_eq!(store.count("crm/organization"), 3);
    assert_eq!(store.count("projects/project"), 300);
}

#[test]
fn bad_sizes_are_invalid_input() {
    for (collection, size) in [
        ("crm/nonsense", 1),
        ("projects/projectemployee", 5),
        // Sized by the organizations and persons.
        ("crm/debtor", 5),
        // Sized by the employees.
        ("hrm/contract", 5),
        ("crm/relationtype", 7),
        ("organization", 3),
    ] {
        let err = FakeServer::start(FakeConfig {
            sizes: BTreeMap::from([(collection.to_owned(), size)]),
            ..FakeConfig::default()
        })
        .expect_err(collection);
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{collection}: {err}");
        assert!(err.to_string().contains(collection), "{err}");
    }
    // Zero and the full lookup table are fine.
    let mut sizes = LIGHT.to_vec();
    sizes.extend([("crm/relationtype", 6), ("crm/person", 0)]);
    let server = start_sized(&sizes);
    assert_eq!(server.store().count("crm/relationtype"), 6);
    assert_eq!(server.store().count("crm/person"), 0);
}

#[test]
fn url_stop_and_bind_errors() {
    let mut server = start_light();
    let port = server.addr().port();
    assert_ne!(port, 0);
    assert_eq!(server.url(), format!("http://127.0.0.1:{port}/api/v2"));

    // The port is taken: a second server on it must fail with an io::Error, not panic.
    let clash = FakeServer::start(FakeConfig {
        port,
        sizes: light_sizes(),
        ..FakeConfig::default()
    });
    assert!(clash.is_err());

    server.stop();
    server.stop();
    assert!(
        TcpStream::connect_timeout(&server.addr(), Duration::from_secs(2)).is_err(),
        "nothing listens after stop()"
    );
}

#[test]
fn stop_does_not_wait_for_idle_keep_alive_connections() {
    let mut server = start_light();
    // A client that keeps its connection open after one request, as pooling clients do.
    let mut stream = TcpStream::connect(server.addr()).expect("connect");
    let head = format!(
        "GET {ORGS}?limit=1 HTTP/1.1\r\nHost: x\r\nAuthentication-Key: {KEY}\r\nAuthentication-Secret: {SECRET}\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).expect("write");
    let mut buf = [0u8; 4096];
    assert!(stream.read(&mut buf).expect("read") > 0);
    let started = std::time::Instant::now();
    server.stop();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "stop() took {:?}",
        started.elapsed()
    );
}

#[test]
fn ipv6_url_uses_brackets() {
    let server = match FakeServer::start(FakeConfig {
        host: IpAddr::V6(Ipv6Addr::LOCALHOST),
        sizes: light_sizes(),
        ..FakeConfig::default()
    }) {
        Ok(server) => server,
        Err(e) => {
            eprintln!("skipped: no IPv6 loopback here ({e})");
            return;
        }
    };
    let port = server.addr().port();
    assert_eq!(server.url(), format!("http://[::1]:{port}/api/v2"));
    assert_eq!(get(&server, ORGS).status, 200);
}

#[test]
fn serves_concurrent_clients() {
    let server = shared();
    let expected = get(server, ORGS).body;
    let filtered = format!("{PROJECTS}?sort=-updated_at&select=id,name");
    let expected_filtered = get(server, &filtered).body;
    std::thread::scope(|scope| {
        for _ in 0..8 {
            scope.spawn(|| {
                for _ in 0..5 {
                    assert_eq!(get(server, ORGS).body, expected);
                    assert_eq!(get(server, &filtered).body, expected_filtered);
                }
            });
        }
    });
}

// ---- the request log ---------------------------------------------------------------------------

#[test]
fn request_log_records_every_request() {
    let server = start_light();
    let log = server.log();
    assert!(log.snapshot().is_empty());
    let before = now_f64();
    let org = server.store().list("crm/organization")[0]["id"]
        .as_str()
        .expect("id")
        .replace(':', "%3A");
    let expected: Vec<(&str, String, &str, u16)> = vec![
        ("GET", ORGS.to_owned(), "limit=2&q%5Bname%5D=*B.V.*", 200),
        ("GET", ORGS.to_owned(), "", 401),
        ("GET", "/api/v2/nowhere".to_owned(), "x=1", 400),
        ("PUT", ORGS.to_owned(), "", 405),
        ("PATCH", format!("{ORGS}/{org}"), "", 405),
        ("POST", ORGS.to_owned(), "", 200),
        ("POST", ORGS.to_owned(), "", 400),
        ("GET", format!("{ORGS}/{org}"), "select=id", 200),
        ("DELETE", format!("{ORGS}/organization%3Amissing"), "", 404),
        ("GET", ORGS.to_owned(), "limit=x", 400),
    ];
    for (i, (method, path, query, status)) in expected.iter().enumerate() {
        let target = if query.is_empty() {
            path.clone()
        } else {
            format!("{path}?{query}")
        };
        let reply = match i {
            1 => raw_request(server.addr(), method, &target, &[], None),
            5 => send_json(&server, method, &target, r#"{"name": "Logged"}"#),
            6 => send_json(&server, method, &target, "[]"),
            _ => call(&server, method, &target, "{}"),
        };
        assert_eq!(reply.status, *status, "{method} {target}: {}", reply.text());
    }
    let after = now_f64();
    let entries = log.snapshot();
    assert_eq!(entries.len(), expected.len());
    assert_eq!(log.len(), expected.len());
    let mut last = 0.0;
    for (entry, (method, path, query, status)) in entries.iter().zip(&expected) {
        assert_eq!(
            (
                entry.method.as_str(),
                entry.path.as_str(),
                entry.query.as_str(),
                entry.status
            ),
            (*method, path.as_str(), *query, *status)
        );
        assert!(
            entry.time >= before - 1.0 && entry.time <= after + 1.0,
            "{entry:?}"
        );
        assert!(entry.time >= last, "in arrival order");
        last = entry.time;
    }
    log.clear();
    assert!(log.is_empty());
    get(&server, PERSONS);
    let entries = log.snapshot();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].path, "/api/v2/crm/person");
    assert_eq!(entries[0].status, 200);
}
