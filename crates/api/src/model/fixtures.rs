//! The real responses in `tests/fixtures/` (anonymised, MIT; see the README there), each with
//! its collection, for the Rust tests that hold the model table and the table builder to them.

pub const REAL_RESPONSES: [(&str, &str); 3] = [
    (
        "crm/organization",
        include_str!("../../../../tests/fixtures/crm.organisation.json"),
    ),
    (
        "hrm/contract",
        include_str!("../../../../tests/fixtures/hrm.contract.json"),
    ),
    (
        "sales/sales",
        include_str!("../../../../tests/fixtures/sales.sales.json"),
    ),
];
