//! Payments and invoice propositions.
//!
//! Payment `k` pays invoice `k mod #invoices`, so invoice `i` has payments exactly when
//! `i < #payments` (more when there are more payments than invoices), and the invoice's status
//! and `total_outstanding` follow from that (`settle`, called by the invoice builder): an
//! invoice with payments is paid, in full or (Sent, Overdue) in part; one without is not. The
//! payments of an invoice add up to what was paid of it: `total_including_vat` minus
//! `total_outstanding`.

use serde_json::Value;

use super::invoices::invoice;
use super::lookups::PAID;
use super::more::{amount, cents_of, day_of};
use super::projects::{project_core, project_simple};
use super::rng::{self, END_DAY};
use super::{Generator, C};

/// Indices into `lookups::INVOICE_STATUSES`.
pub const SENT: usize = 1;
pub const OVERDUE: usize = 2;

const SETTLE_SALT: u64 = 0x7365_7474_6c65; // "settle"

/// Payments when the caller sizes invoices but not payments: about two in three invoices paid.
pub fn default_payments(invoices: usize) -> usize {
    invoices * 13 / 20
}

/// How many payments invoice `i` has.
fn payments_of(g: &Generator, i: usize) -> usize {
    let (n, p) = (g.size(C::Invoice), g.size(C::Payment));
    if n == 0 || i >= p {
        0
    } else {
        (p - 1 - i) / n + 1
    }
}

/// Invoice `i`'s status (index into the invoice statuses) and outstanding amount in cents,
/// from the status drawn for it and its total including VAT.
pub fn settle(g: &Generator, i: usize, drawn: Option<usize>, incl: u64) -> (Option<usize>, u64) {
    let mut r = g.side_rng(C::Invoice, i, SETTLE_SALT);
    let part = r.chance(35);
    let share = r.range(20, 80);
    let overdue = r.chance(30);
    // A truncated status table leaves the status out (null), not the payments.
    let drawn_or_sent = drawn.unwrap_or(SENT);
    let (status, outstanding) = if payments_of(g, i) > 0 {
        match drawn_or_sent {
            k @ (SENT | OVERDUE) if part => (k, incl - incl * share / 100),
            _ => (PAID, 0),
        }
    } else if drawn_or_sent == PAID {
        (if overdue { OVERDUE } else { SENT }, incl)
    } else {
        (drawn_or_sent, incl)
    };
    (
        Some(status).filter(|&k| drawn.is_some() && k < g.size(C::InvoiceStatus)),
        outstanding,
    )
}

/// Payment `k` (GetPayment): its share of what was paid of its invoice.
pub fn payment(g: &Generator, k: usize) -> Value {
    let id = g.id_of(C::Payment, k);
    let n = g.size(C::Invoice);
    if n == 0 {
        return object! {
            "id": id, "invoice_id": Value::Null, "date": Value::Null, "amount": 0, "description": "",
        };
    }
    let (j, q) = (k % n, k / n);
    let invoice = invoice(g, j);
    let paid = cents_of(&invoice["total_including_vat"])
        .saturating_sub(cents_of(&invoice["total_outstanding"]));
    let count = payments_of(g, j).max(q + 1);
    let each = paid / count as u64;
    let cents = if q + 1 == count {
        paid - each * (count as u64 - 1)
    } else {
        each
    };
    let mut r = g.rng(C::Payment, k);
    let day = invoice["date"]
        .as_str()
        .and_then(day_of)
        .unwrap_or(END_DAY - 1);
    let paid_on = (day + 2 + r.below(30) as i64 + 21 * q as i64).min(END_DAY - 1);
    let number = invoice["invoice_number"].as_str().unwrap_or_default();
    let description = if count > 1 {
        format!("Betaling factuur {number} ({} van {count})", q + 1)
    } else {
        format!("Betaling factuur {number}")
    };
    object! {
        "id": id,
        "invoice_id": invoice["id"].clone(),
        "date": rng::date(paid_on.max(day)),
        "amount": amount(cents),
        "description": description,
    }
}

/// Proposition `i` (GetProposition): what project `i` has ready to invoice.
pub fn proposition(g: &Generator, i: usize) -> Value {
    let mut r = g.rng(C::Proposition, i);
    let project = g.wrap(C::Project, i);
    let core = project.map(|p| project_core(g, p));
    let hours = r.range(0, 60) * 4_250;
    let mileage = if r.chance(30) {
        r.range(20, 600) * 23
    } else {
        0
    };
    let fixed = if r.chance(40) {
        r.range(2, 60) * 25_000
    } else {
        0
    };
    let terms = if r.chance(25) {
        r.range(1, 12) * 50_000
    } else {
        0
    };
    let purchase = if r.chance(35) {
        r.range(1, 200) * 1_250
    } else {
        0
    };
    let deposit = if r.chance(10) {
        r.range(1, 10) * 100_000
    } else {
        0
    };
    let future = if r.chance(50) {
        r.range(1, 40) * 10_000
    } else {
        0
    };
    let (created, updated) = rng::created_updated(&mut r);
    object! {
        "id": g.id_of(C::Proposition, i),
        "total_hours": amount(hours),
        "total_mileage": amount(mileage),
        "total_fixed": amount(fixed),
        "total_terms": amount(terms),
        "total_purchase": amount(purchase),
        "total_advance_deposit": amount(deposit),
        "total_future": amount(future),
        "simplicate_url": format!("https://acme.simplicate.nl/v1/invoicing/proposition/view?id={}", i + 1),
        "project": project_simple(g, project, core.as_ref(), true),
        "created_at": rng::timestamp(created),
        "updated_at": rng::timestamp(updated),
    }
}
