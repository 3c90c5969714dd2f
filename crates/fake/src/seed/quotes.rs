//! Sales services (`sales/service`) and quotes (`sales/quote`).
//!
//! Sales service `k` belongs to sale `k mod #sales` and is made from a default service (its
//! name, price and VAT class); quote `i` is the quote of sale `i mod #sales` and lists that
//! sale's services, so the quote's totals are its services' totals.

use serde_json::Value;

use super::crm::employee_short;
use super::lookups::{self as l, HOURS_TYPE_WEIGHTS, VAT_CLASSES};
use super::lookups_more::{
    purchase_type_record, quote_status, quote_template, DEFAULT_SERVICES, PURCHASE_TYPES,
    QUOTE_ACCEPTED, QUOTE_CONCEPT, QUOTE_TEMPLATE_WEIGHTS,
};
use super::more::{amount, cents_of, day_of};
use super::rng::{self, END, END_DAY};
use super::sales::sales;
use super::words::SERVICE_NAMES;
use super::{obj, Generator, C};

/// At most this many services are listed on a quote.
const MAX_QUOTE_SERVICES: usize = 6;

/// The sales services of sale `j` (the inverse of `k mod #sales`).
fn services_of_sale(g: &Generator, j: usize) -> impl Iterator<Item = usize> {
    let step = g.size(C::Sales).max(1);
    (j..g.size(C::SalesService))
        .step_by(step)
        .take(MAX_QUOTE_SERVICES)
}

/// Sales service `k` (GetSalesService).
pub fn sales_service(g: &Generator, k: usize) -> Value {
    let mut r = g.rng(C::SalesService, k);
    let sale = g.wrap(C::Sales, k);
    let default = g.pick(C::DefaultService, &mut r);
    let (name, list_price) = match default {
        Some(d) => (SERVICE_NAMES[d], DEFAULT_SERVICES[d].0),
        None => ("Maatwerk", 9_500),
    };
    let method = match name {
        "Hosting" | "Licenties" | "Onderhoudscontract" => "Subscription",
        "Training" => "FixedFee",
        _ if r.chance(50) => "FixedFee",
        _ => "Hours",
    };
    // Hours: hours at the hourly price; fixed fees: one of a price; subscriptions: per cycle.
    let (units, price) = match method {
        "Hours" => (r.range(8, 200), list_price),
        "FixedFee" if name != "Training" => (1, list_price * r.range(8, 120)),
        _ => (1, list_price),
    };
    let total = units * price;
    let cycle = (method == "Subscription").then(|| if r.chance(70) { "Month" } else { "Year" });
    let hour_types: Vec<Value> = if method == "Hours" {
        g.pick_weighted(C::HoursType, &mut r, HOURS_TYPE_WEIGHTS)
            .map(|t| {
                object! {
                    "hourstype": l::hours_type_short(g, t),
                    "budgeted_amount": units,
                    "tariff": amount(price),
                    "billable": true,
                }
            })
            .into_iter()
            .collect()
    } else {
        Vec::new()
    };
    let cost_type = PURCHASE_TYPES
        .iter()
        .position(|t| t.label == name)
        .filter(|&t| t < g.size(C::PurchaseType));
    let cost_types: Vec<Value> = cost_type
        .map(|t| {
            let purchase = price * 7 / 10;
            object! {
                "label": PURCHASE_TYPES[t].label,
                "costtype": purchase_type_record(g, C::PurchaseType, t),
                "budgeted_amount": amount(purchase * units),
                "tariff": amount(price),
                "purchase_margin": 30,
                "purchase_tariff": amount(purchase),
            }
        })
        .into_iter()
        .collect();
    let vat = g
        .wrap(C::VatClass, 0)
        .map_or(Value::Null, |v| l::copy(g, C::VatClass, v));
    let (created, updated) = rng::created_updated(&mut r);
    let invoice_day = created / 86_400 + r.range(14, 90) as i64;
    object! {
        "id": g.id_of(C::SalesService, k),
        "invoice_date": rng::date(invoice_day),
        "hour_types": hour_types,
        "cost_types": cost_types.clone(),
        "subscription_cycle": cycle,
        "track_cost": !cost_types.is_empty(),
        "vat_class": vat,
        "created_at": rng::timestamp(created),
        "updated_at": rng::timestamp(updated),
        "sales_id": g.ref_id(C::Sales, sale),
        "default_service_id": g.ref_id(C::DefaultService, default),
        "name": name,
        "invoice_method": method,
        "amount": units,
        "price": amount(price),
        "show_itemtype": u8::from(method == "Hours"),
        "total": rng::money(total),
        "position": k / g.size(C::Sales).max(1) + 1,
        "explanation": "",
        "track_hours": method == "Hours",
        "is_active": true,
    }
}

/// A sales service as a quote lists it (QuoteSalesService), and its total and VAT in cents.
fn quote_line(service: &Value) -> (Value, u64, u64, u64) {
    let code = service["vat_class"]["code"].as_str().unwrap_or_default();
    let (label, pct) = VAT_CLASSES
        .iter()
        .find(|v| v.0 == code)
        .map_or(("", 0), |v| (v.1, v.2));
    let total = cents_of(&service["total"]);
    let line = object! {
        "vat_code": code,
        "vat_description": label,
        "sales_id": service["sales_id"].clone(),
        "default_service_id": service["default_service_id"].clone(),
        "name": service["name"].clone(),
        "invoice_method": service["invoice_method"].clone(),
        "amount": service["amount"].clone(),
        "price": service["price"].clone(),
        "show_itemtype": service["show_itemtype"].clone(),
        "total": service["total"].clone(),
        "position": service["position"].clone(),
        "subscription_cycle": service["subscription_cycle"].clone(),
        "explanation": service["explanation"].clone(),
        "track_hours": service["track_hours"].clone(),
        "track_cost": service["track_cost"].clone(),
    };
    (line, total, total * pct / 100, pct)
}

const QUOTE_STATUS_WEIGHTS: &[u64] = &[15, 35, 30, 12, 8];

/// Quote `i` (GetQuote): the quote of sale `i mod #sales`.
pub fn quote(g: &Generator, i: usize) -> Value {
    let mut r = g.rng(C::Quote, i);
    let sale_index = g.wrap(C::Sales, i);
    let sale = sale_index.map(|j| sales(g, j));
    let mut lines = Vec::new();
    let (mut excl, mut vat, mut pct) = (0, 0, 0);
    for k in sale_index.into_iter().flat_map(|j| services_of_sale(g, j)) {
        let (line, total, line_vat, line_pct) = quote_line(&sales_service(g, k));
        lines.push(line);
        excl += total;
        vat += line_vat;
        pct = line_pct;
    }
    // Sales services all carry the same VAT class (see `sales_service`).
    let vat_list: Vec<Value> = if lines.is_empty() {
        Vec::new()
    } else {
        vec![obj([
            ("percentage", Value::from(pct)),
            ("amount", amount(vat)),
        ])]
    };
    let status = g.pick_weighted(C::QuoteStatus, &mut r, QUOTE_STATUS_WEIGHTS);
    let template = g.pick_weighted(C::QuoteTemplate, &mut r, QUOTE_TEMPLATE_WEIGHTS);
    let term = g.pick_weighted(C::PaymentTerm, &mut r, l::PAYMENT_TERM_WEIGHTS);
    let start = sale
        .as_ref()
        .and_then(|s| s["start_date"].as_str())
        .and_then(day_of)
        .unwrap_or(END_DAY - 30);
    let day = (start + r.below(14) as i64).min(END_DAY - 1);
    let created = day * 86_400 + r.range(8 * 3600, 17 * 3600) as i64;
    let sent = status
        .filter(|&k| k != QUOTE_CONCEPT)
        .map(|_| rng::after(&mut r, created, 3 * 86_400));
    let updated = rng::after(&mut r, sent.unwrap_or(created), 30 * 86_400);
    let year = rng::date(day);
    let mut number = String::from("OF");
    number.push_str(&year[..4]);
    rng::push_padded(&mut number, i as u64 + 1, 4);
    let receivers: Vec<Value> = match (&sale, sent) {
        (Some(s), Some(_)) if !s["contact_id"].is_null() => vec![object! {
            "contact_id": s["contact_id"].clone(),
            "email": s["contact"]["work_email"].clone(),
        }],
        _ => Vec::new(),
    };
    let author = employee_short(g, g.pick(C::Employee, &mut r));
    let id = g.id_of(C::Quote, i);
    let subject = sale
        .as_ref()
        .and_then(|s| s["subject"].as_str())
        .map_or_else(|| "Offerte".to_owned(), |s| format!("Offerte {s}"));
    let download_url = format!("https://acme.simplicate.nl/v1/storage/download?id={id}");
    object! {
        "id": id,
        "quotetemplate": template.map_or(Value::Null, |k| quote_template(g, k)),
        "send_type": if status == Some(QUOTE_CONCEPT) { "printer" } else if r.chance(70) { "email" } else { "email_approval" },
        "quote_number": number,
        "quote_date": rng::date(day),
        "quotestatus": status.map_or(Value::Null, |k| quote_status(g, k)),
        "json": format!("{{\"introduction\":\"Hierbij ontvangt u onze offerte.\",\"services\":{}}}", lines.len()),
        "services": lines,
        "total_excl": amount(excl),
        "total_incl": amount(excl + vat),
        "total_vat": amount(vat),
        "vat": vat_list,
        "grand_totals": object! {"total_excl": amount(excl), "total_vat": amount(vat), "total_incl": amount(excl + vat)},
        "receivers": receivers,
        "valid_days": 30,
        "payment_term": term.map_or(Value::Null, |k| l::copy(g, C::PaymentTerm, k)),
        "download_url": download_url,
        "is_sepa_authorization": 0,
        "is_outdated": u8::from(status == Some(4)),
        "is_blocked": u8::from(status == Some(QUOTE_ACCEPTED)),
        "created_by": author["name"].clone(),
        "last_updated_approval_status": "",
        "sent_at": sent.map(rng::timestamp),
        "created_at": rng::timestamp(created.min(END)),
        "updated_at": rng::timestamp(updated),
        "sales_id": g.ref_id(C::Sales, sale_index),
        "quote_subject": subject,
        "customer_reference": if r.chance(30) { format!("PO-{}", r.range(10_000, 99_999)) } else { String::new() },
        "service_groups": Vec::<Value>::new(),
    }
}
