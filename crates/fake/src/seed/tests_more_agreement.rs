//! Records of the second pass (`more.rs`) agree with each other: payments add up to what was
//! paid of each invoice, records agree with what they are about, module documents download
//! as described, timesheet records count back per employee.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::tests_more::{gen, SMALL};
use super::{more, Generator};

/// Invoice id → (total including VAT, outstanding, status name) in cents.
fn invoices(g: &Generator) -> HashMap<String, (u64, u64, Value)> {
    g.records("invoices/invoice")
        .into_iter()
        .map(|inv| {
            (
                inv["id"].as_str().unwrap().to_owned(),
                (
                    more::cents_of(&inv["total_including_vat"]),
                    more::cents_of(&inv["total_outstanding"]),
                    inv["status"]["name"].clone(),
                ),
            )
        })
        .collect()
}

#[test]
fn payments_add_up_to_what_was_paid_of_each_invoice() {
    let (mut full, mut part, mut open) = (0, 0, 0);
    for g in [
        gen(0, &[]),
        gen(1, SMALL),
        gen(2, &[("invoices/invoice", 50)]),
    ] {
        let invoices = invoices(&g);
        let mut paid: HashMap<String, u64> = HashMap::new();
        for p in g.records("invoices/payment") {
            let id = p["invoice_id"].as_str().unwrap().to_owned();
            *paid.entry(id).or_default() += more::cents_of(&p["amount"]);
            assert!(p["date"].as_str().unwrap() <= "2025-12-31");
        }
        for (id, (incl, outstanding, status)) in &invoices {
            let got = paid.get(id).copied().unwrap_or(0);
            assert_eq!(got, incl - outstanding, "{id}: payments {got}");
            match (paid.contains_key(id), *outstanding) {
                (true, 0) => {
                    full += 1;
                    assert_eq!(status, "Paid", "{id}");
                }
                (true, _) => {
                    part += 1;
                    assert!(status == "Sent" || status == "Overdue", "{id}: {status}");
                    assert!(outstanding < incl);
                }
                (false, _) => {
                    open += 1;
                    assert_eq!(outstanding, incl, "{id}");
                    assert_ne!(status, "Paid", "{id}");
                }
            }
        }
    }
    assert!(full > 100 && part > 10 && open > 50, "{full} {part} {open}");
    // Payments grow with the invoices unless sized, and may outnumber them.
    let sizes = |g: &Generator| -> HashMap<&str, usize> { g.collections().into_iter().collect() };
    assert_eq!(sizes(&gen(0, &[]))["invoices/payment"], 975);
    assert_eq!(
        sizes(&gen(0, &[("invoices/invoice", 1000)]))["invoices/payment"],
        650
    );
    let g = gen(0, &[("invoices/invoice", 3), ("invoices/payment", 7)]);
    assert_eq!(sizes(&g)["invoices/payment"], 7);
    let per_invoice: Vec<usize> = g
        .records("invoices/invoice")
        .iter()
        .map(|inv| {
            g.records("invoices/payment")
                .iter()
                .filter(|p| p["invoice_id"] == inv["id"])
                .count()
        })
        .collect();
    assert_eq!(per_invoice, [3, 2, 2]);
}

/// id → record, for the collections given.
fn by_id(g: &Generator, collections: &[&str]) -> HashMap<String, Value> {
    collections
        .iter()
        .flat_map(|c| g.records(c))
        .map(|r| (r["id"].as_str().unwrap().to_owned(), r))
        .collect()
}

#[test]
fn records_agree_with_what_they_are_about() {
    let g = gen(4, SMALL);
    let services = by_id(&g, &["projects/service"]);
    let invoices = by_id(&g, &["invoices/invoice"]);
    let hours = by_id(&g, &["hours/hours"]);
    // Expenses book on a service of their project; invoiced ones name an invoice of it.
    let mut invoiced = 0;
    for e in g.records("costs/expense") {
        if let Some(service) = e["service_id"].as_str() {
            assert_eq!(services[service]["project_id"], e["project"]["id"]);
        }
        if let Some(inv) = e["invoice"]["id"].as_str() {
            assert_eq!(invoices[inv]["project_id"], e["project"]["id"]);
            assert_eq!(e["invoice_status"], "invoiced");
            invoiced += 1;
        }
        let total = more::cents_of(&e["amount"]) * more::cents_of(&e["tariff"]) / 100;
        assert_eq!(more::cents_of(&e["total_price"]), total);
    }
    assert!(invoiced > 0);
    // Mileage and finished timers copy the hours they belong to.
    for m in g.records("mileage/mileage") {
        let h = &hours[m["related_hours_id"].as_str().unwrap()];
        for (a, b) in [
            ("employee", "employee"),
            ("project", "project"),
            ("start_date", "start_date"),
        ] {
            assert_eq!(m[a], h[b]);
        }
        assert_eq!(m["type"]["label"], "Kilometers");
    }
    let mut finished = 0;
    for t in g.records("timers/timer") {
        match t["state"].as_str().unwrap() {
            "finished" => {
                let h = &hours[t["related_hours"]["id"].as_str().unwrap()];
                assert_eq!(t["projectservice"]["id"], h["projectservice"]["id"]);
                assert_eq!(
                    t["seconds_spent"],
                    h["duration_in_minutes"].as_u64().unwrap() * 60
                );
                finished += 1;
            }
            _ => assert!(t.get("related_hours").is_none()),
        }
    }
    assert!(finished > 0);
    // Timesheet rows and assignments: the service is one of the project's.
    for row in g.records("hours/timesheetrow") {
        if let Some(s) = row["project_service_id"].as_str() {
            assert_eq!(services[s]["project_id"], row["project_id"]);
        }
        assert!(["hours", "costs", "mileage"].contains(&row["type"].as_str().unwrap()));
    }
    for a in g.records("projects/assignment") {
        let s = &services[a["projectservice"]["id"].as_str().unwrap()];
        assert_eq!(s["project_id"], a["project"]["id"]);
        assert!(a["start_date"].as_str() <= a["end_date"].as_str());
        if a["use_spread"] == true {
            let sum: u64 = a["spread"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d.as_u64().unwrap())
                .sum();
            assert_eq!(Value::from(sum), a["hours"]);
        }
    }
    // Reverse invoices that were invoiced name an invoice of their project.
    for ri in g.records("projects/reverseinvoice") {
        if let Some(inv) = ri["invoice"]["id"].as_str() {
            assert_eq!(invoices[inv]["project_id"], ri["project"]["id"]);
            assert_eq!(ri["status"], "invoiced");
        }
    }
    // Quotes list their sale's services, and total them.
    let sales_services = g.records("sales/service");
    for q in g.records("sales/quote") {
        let lines = q["services"].as_array().unwrap();
        let expected = sales_services
            .iter()
            .filter(|s| s["sales_id"] == q["sales_id"])
            .count();
        assert_eq!(lines.len(), expected.min(6));
        let total: u64 = lines.iter().map(|l| more::cents_of(&l["total"])).sum();
        assert_eq!(more::cents_of(&q["total_excl"]), total);
        assert_eq!(
            more::cents_of(&q["total_incl"]),
            total + more::cents_of(&q["total_vat"])
        );
        assert!(lines.iter().all(|l| l["sales_id"] == q["sales_id"]));
    }
    // Sales and project services are named after their default service (one per name).
    assert_eq!(
        super::lookups_more::DEFAULT_SERVICES.len(),
        super::words::SERVICE_NAMES.len()
    );
    let defaults = by_id(&g, &["services/defaultservice"]);
    for s in g
        .records("sales/service")
        .into_iter()
        .chain(g.records("projects/service"))
    {
        if let Some(d) = s["default_service_id"].as_str() {
            assert_eq!(defaults[d]["name"], s["name"]);
        }
    }
    // Persons' custom field values are options of the definition.
    let definitions = by_id(&g, &["crm/personcustomfields"]);
    let mut set = 0;
    for p in g.records("crm/person") {
        for f in p["custom_fields"].as_array().unwrap() {
            let def = &definitions[f["id"].as_str().unwrap()];
            if let Some(v) = f.get("value").and_then(Value::as_str) {
                assert!(def["options"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|o| o["value"] == v));
                set += 1;
            }
        }
        for i in p["interests"].as_array().unwrap() {
            assert!(i["person"] == true && (i["value"] == "1" || i["value"] == "0"));
        }
    }
    assert!(set > 0);
}

#[test]
fn module_documents_download_as_described() {
    let g = gen(0, &[]);
    for (collection, types, linked) in [
        (
            "crm/document",
            "crm/documenttype",
            &["organization", "person"][..],
        ),
        (
            "projects/document",
            "projects/documenttype",
            &["project"][..],
        ),
        ("sales/document", "sales/documenttype", &["sales"][..]),
    ] {
        let type_ids: HashSet<String> = g
            .records(types)
            .iter()
            .map(|t| t["id"].as_str().unwrap().to_owned())
            .collect();
        for d in g.records(collection) {
            let id = d["id"].as_str().unwrap();
            let (name, title) = (
                d["file_name"].as_str().unwrap(),
                d["title"].as_str().unwrap(),
            );
            let content = crate::files::generated_content(name, title, id);
            assert_eq!(d["file_size"], content.len(), "{collection} {id}");
            assert_eq!(d["content_type"], crate::files::content_type(name));
            assert!(type_ids.contains(d["document_type"]["id"].as_str().unwrap()));
            // One link, keyed like the POST body: {"<kind>_id": id}.
            let link = d["linked_to"].as_object().unwrap();
            assert_eq!(link.len(), 1, "{link:?}");
            let key = link.keys().next().unwrap();
            assert!(linked.contains(&key.trim_end_matches("_id")), "{key}");
        }
    }
    // Ids never collide across the collections downloads search.
    let ids: Vec<String> = [
        "documents/document",
        "invoices/document",
        "crm/document",
        "projects/document",
        "sales/document",
    ]
    .iter()
    .flat_map(|c| g.records(c))
    .map(|d| d["id"].as_str().unwrap().to_owned())
    .collect();
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), ids.len());
}

#[test]
fn timesheet_records_count_back_per_employee() {
    let g = gen(0, &[("hrm/employee", 3)]);
    let approvals = g.records("hours/approval");
    // One approval per employee and working day.
    let pairs: HashSet<(String, String)> = approvals
        .iter()
        .map(|a| {
            (
                a["employee"]["id"].as_str().unwrap().to_owned(),
                a["date"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(pairs.len(), approvals.len());
    for a in &approvals {
        let day = more::day_of(a["date"].as_str().unwrap()).unwrap();
        assert!(!matches!((day + 4).rem_euclid(7), 0 | 6), "{a}");
    }
    assert_eq!(approvals[0]["date"], "2025-12-26");
    let submissions = g.records("hours/submission");
    assert_eq!(submissions[0]["date"], "2025-12-22");
    assert_eq!(submissions[3]["date"], "2025-12-15");
    let latest = g
        .records("hours/timesheetrow")
        .iter()
        .map(|r| r["start_date"].as_str().unwrap().to_owned())
        .max()
        .unwrap();
    assert_eq!(latest, "2025-12-22");
}
