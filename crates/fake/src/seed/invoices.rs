//! Invoices: lines whose totals add up, an organization that is the invoiced project's
//! organization, and `status` as an object `{id, name}` (the real API's shape, not the spec's
//! string enum). Each invoice has its PDF in `invoices/document` (the documentation's use case
//! "Obtaining the PDF of an invoice").

use serde_json::Value;

use super::super::files;
use super::crm::{employee_simple, org_core, org_simple, pick_client};
use super::lookups::{self as l, INVOICE_STATUS_WEIGHTS, VAT_CLASSES, VAT_CLASS_WEIGHTS};
use super::projects::{my_profile, project_core, project_simple};
use super::rng;
use super::words::SERVICE_NAMES;
use super::{Generator, C};
use crate::ids::SplitMix64;

/// The project an invoice bills, the first draws of its stream.
fn pick_project(g: &Generator, r: &mut SplitMix64) -> Option<usize> {
    if r.chance(80) {
        g.pick(C::Project, r)
    } else {
        None
    }
}

/// The project invoice `i` bills (its `project_id`), without building it.
pub fn invoice_project(g: &Generator, i: usize) -> Option<usize> {
    pick_project(g, &mut g.rng(C::Invoice, i))
}

/// For records that may have been billed (expenses, reverse invoices): with `percent` chance an
/// invoice and the project it bills, `(Some(invoice), project)`; else `(None, any project)`.
/// Either way the project is one whose invoices could carry the record.
pub fn maybe_billed_project(
    g: &Generator,
    r: &mut SplitMix64,
    percent: u64,
) -> (Option<usize>, Option<usize>) {
    let billed = if r.chance(percent) {
        g.pick(C::Invoice, r)
            .and_then(|j| invoice_project(g, j).map(|p| (j, p)))
    } else {
        None
    };
    match billed {
        Some((j, p)) => (Some(j), Some(p)),
        None => (None, g.pick(C::Project, r)),
    }
}

pub fn invoice(g: &Generator, i: usize) -> Value {
    let mut r = g.rng(C::Invoice, i);
    let project = pick_project(g, &mut r);
    let project_core = project.map(|p| project_core(g, p));
    let org = match &project_core {
        Some(p) => p.org,
        None => pick_client(g, &mut r),
    };
    let status = g.pick_weighted(C::InvoiceStatus, &mut r, INVOICE_STATUS_WEIGHTS);
    let term = g.pick_weighted(C::PaymentTerm, &mut r, l::PAYMENT_TERM_WEIGHTS);
    let (profile, profile_id) = my_profile(g, g.wrap(C::MyOrganizationProfile, 0));
    let (created, updated) = rng::created_updated(&mut r);
    let day = created / 86_400;
    let date = rng::date(day);

    let mut lines = Vec::new();
    let (mut excl, mut vat) = (0u64, 0u64);
    for _ in 0..r.range(1, 3) {
        let vat_class = g.pick_weighted(C::VatClass, &mut r, VAT_CLASS_WEIGHTS);
        let pct = vat_class.map_or(0, |k| VAT_CLASSES[k].2);
        // amount in hundredths (hours or pieces), price in cents
        let amount = if r.chance(60) {
            r.range(4, 160) * 25
        } else {
            100
        };
        let price = if amount == 100 {
            r.range(10, 400) * 2_500
        } else {
            r.range(17, 23) * 500
        };
        let line_total = amount * price / 100;
        let line_vat = line_total * pct / 100;
        excl += line_total;
        vat += line_vat;
        let mut id = String::from("invoiceline:");
        rng::push_hex(&mut id, r.next_u64(), 16);
        lines.push(object! {
            "id": id,
            "description": rng::pick_str(&mut r, SERVICE_NAMES),
            "date": date.clone(),
            "amount": rng::amount(amount),
            "price": rng::amount(price),
            "total_vat": rng::amount(line_vat),
            "vat_class": vat_class.map_or(Value::Null, |k| l::copy(g, C::VatClass, k)),
            "created_at": rng::timestamp(created),
            "updated_at": rng::timestamp(created),
        });
    }
    let incl = excl + vat;
    // Paid in full or in part by its payments (`invoices/payment`), or not at all.
    let (status, outstanding) = super::invoicing::settle(g, i, status, incl);
    let subject = match &project_core {
        Some(p) => p.name.clone(),
        None => org.map_or_else(
            || "Diensten".to_owned(),
            |o| format!("Diensten {}", org_core(g, o).base),
        ),
    };
    let mut number = String::with_capacity(9);
    number.push_str(&date[..4]);
    rng::push_padded(&mut number, i as u64 + 1, 4);
    object! {
        "id": g.id_of(C::Invoice, i),
        "invoice_number": number,
        "status": status.map_or(Value::Null, |k| l::invoice_status(g, k)),
        "date": date,
        "subject": subject,
        "reference": if r.chance(30) { format!("PO-{}", r.range(10_000, 99_999)) } else { String::new() },
        "comments": "",
        "organization": org_simple(g, org),
        "organization_id": g.ref_id(C::Organization, org),
        "my_organization_profile": profile,
        "my_organization_profile_id": profile_id,
        "project": project_simple(g, project, project_core.as_ref(), true),
        "project_id": g.ref_id(C::Project, project),
        "payment_term": term.map_or(Value::Null, |k| l::copy(g, C::PaymentTerm, k)),
        "invoice_lines": lines,
        "total_excluding_vat": rng::amount(excl),
        "total_vat": rng::amount(vat),
        "total_including_vat": rng::amount(incl),
        "total_outstanding": rng::amount(outstanding),
        "sending_method": if r.chance(85) { "email" } else { "post" },
        "composition_type": "lines",
        "simplicate_url": format!("https://acme.simplicate.nl/v1/invoicing/invoice/view?id={}", i + 1),
        "created_at": rng::timestamp(created),
        "updated_at": rng::timestamp(updated),
    }
}

/// Invoice `i`'s PDF: `linked_to.invoice_id` names the invoice (what the documentation's
/// `q[linked_to.invoice_id]=invoice:...` finds), the title is "Factuur <invoice_number>.pdf",
/// and `file_size` is the length of what `documents/download/{id}` serves for it (generated
/// from its file name, title and id).
pub fn document(g: &Generator, i: usize) -> Value {
    let invoice = invoice(g, i);
    let mut r = g.rng(C::InvoiceDocument, i);
    let id = g.id_of(C::InvoiceDocument, i);
    let number = invoice["invoice_number"].as_str().unwrap_or_default();
    let title = format!("Factuur {number}.pdf");
    let size = files::generated_content(&title, &title, &id).len();
    let kind = (l::FACTUUR < g.size(C::DocumentType)).then_some(l::FACTUUR);
    let author = g.pick(C::Employee, &mut r);
    let created = invoice["created_at"].clone();
    let download_url = format!("https://acme.simplicate.nl/v1/storage/download?id={id}");
    object! {
        "id": id,
        "title": title.clone(),
        "description": "",
        "file_name": title,
        "file_size": size,
        "content_type": files::content_type(".pdf"),
        "document_type": kind.map_or(Value::Null, |k| l::labelled(g, C::DocumentType, k)),
        "linked_to": object! { "invoice_id": invoice["id"].clone() },
        "created_by": employee_simple(g, author),
        "download_url": download_url,
        "created_at": created.clone(),
        "updated_at": created,
    }
}
