"""Writes crates/api/src/model/records.txt, the record model table, from Simplicate's Swagger spec.

    python scripts/generate_model.py [--spec PATH] [--check]

The spec (reference data, not shipped; default ../shared/reference/simplicate-openapi.json) names
each endpoint's record type and each type's fields. It is wrong in known ways: numbers arrive as
strings, dates are typed `string`, some fields real responses carry are missing, a few types are
wrong outright (a contract's `end_date` is a date, not a boolean). So the table is the spec's
types, reachable from the endpoints of our registry (crates/api/src/registry.rs), with the
corrections below applied: what the table says is what a clean response holds. The real API's
deviations from it (numbers as strings, zero dates, ...) are quirks, listed in
crates/fake/src/seed/quirks.rs, not types.

The output is our own compact notation (see the header this script writes), read by
crates/api/src/model/mod.rs. `--check` exits 1 when the file on disk differs from what would be
written.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "crates" / "api" / "src" / "model" / "records.txt"
DEFAULT_SPEC = ROOT.parent / "shared" / "reference" / "simplicate-openapi.json"

# ---- corrections -----------------------------------------------------------------------------

# The record type of a collection, where the spec's result type is missing, poorer than the one
# the item endpoint or real responses show, or wrong.
RECORD_TYPE = {
    "hrm/employee": "GetEmployee",
    "hrm/contract": "GetContract",
    "hours/hourstype": "GetHoursType",
    "costs/coststype": "GetPurchaseType",
    "hrm/leavetype": "HrmGetLeaveType",
    "hrm/absencetype": "GetAbsenceType",
    "crm/organizationcustomfields": "GetCustomField",
    "crm/personcustomfields": "GetCustomField",
    "hrm/employeecustomfields": "GetCustomField",
    "projects/projectcustomfields": "GetCustomField",
    "sales/salescustomfields": "GetCustomField",
    "projects/projectfilters": "Filter",
    "sales/salesfilters": "Filter",
    "sales/salesreason": "SalesReason",
    "hrm/team": "GetTeamSimple",
    "crm/debtor": "DebtorList",
    "invoices/paymentterm": "GetPaymentTerm",
    "hours/approvalstatus": "GetApprovalStatus",
    "documents/externaldocument": "GetDocument",
    "costs/projectservices": "GetProjectServiceSimple",
    "hours/projectservices": "GetProjectServiceSimple",
    "projects/projectemployee": None,
}

# Fields to add to (or retype in) a type, as `name kind` in the table's notation. From the
# fixtures in ../shared/reference/fixtures (real, anonymised responses), the documentation's
# changelog, and fields every record of a collection carries.
FIELDS = {
    # Legacy timestamps beside created_at/updated_at (fixtures), and the timeline's mailbox.
    "GetOrganization": (
        "created t, modified t, timeline_email_address s, "
        # The spec's ContactPerson (no id, no name) cannot say which contact person a link is;
        # the person side of the same link (OrganizationContact) carries both.
        "linked_persons_contacts [OrganizationPersonContact]"
    ),
    # date_of_birth is a date (the spec: a string); allow_autocollect as on organizations
    # (fixture: "0"/"1", a quirk: the clean kind is a boolean).
    "GetPerson": (
        "created t, modified t, timeline_email_address s, date_of_birth d, allow_autocollect b"
    ),
    "GetSales": "created t, modified t, timeline_email_address s, contact SalesContact",
    # The documentation's use case selects `project_manager.employee_id`: the manager's copy
    # carries the employee id beside the usual {id, person_id, name}.
    "GetProject": (
        "created t, modified t, timeline_email_address s, invoice_method s, "
        "project_manager ProjectManager"
    ),
    # hrm/contract fixture: end_date is a date (1970-01-01 when open-ended), the employee a
    # short copy, and `last_updated` beside updated_at.
    "GetContract": (
        "employee GetEmployeeSimple, end_date d, created t, last_updated t, "
        "salary_fulltime n, parttime_percentage n, days_off n"
    ),
    # Changelog 2024-11: custom fields carry a display_value.
    "GetCustomField": "display_value s",
    # The spec types these as lists of hour types: they are timestamps.
    "GetSalesService": "created_at t, updated_at t, is_active b",
    "GetEmployee": "type EmployeeType",
    "GetHoursType": "type s",
    "GetAddress": "country s",
    # The spec says a string enum; responses carry the status object. The payment term is the
    # full one with its id, as organizations' debtor.payment_term has it (fixture).
    "GetInvoice": "status InvoiceStatus, payment_term GetPaymentTerm",
    "SalesProgress": "chance_to_score i",
    # Timetable day times are "HH:MM"-less hour numbers in the spec; keep them numbers.
    "GetQuote": (
        "vat ?, grand_totals ?, receivers ?, payment_term ?, download_url s, "
        "service_groups [?], total_excl n, total_incl n, total_vat n"
    ),
    # `linked_to` is keyed like the POST body (`{"invoice_id": ...}`): the documentation's use
    # case finds an invoice's PDF with `q[linked_to.invoice_id]=invoice:...`, which the spec's
    # list of {id, label, type} could not answer.
    "GetDocument": "file_name s, file_size i, content_type s, linked_to DocumentLinkedTo",
    # Every record the API lists has an id, even where the spec forgot it.
    "HoursType": "id s",
    "AbsenceType": "id s",
    "LeaveType": "id s",
    "Team": "id s",
    "GetPaymentTerm": "",
    "DebtorList": "id s",
    "LeaveBalance": "id s",
    "AssignmentBudget": "id s",
    "SubmissionStatus": "id s",
    "GetTimesheetRow": "",
    "Filter": "",
}

# Types the spec lacks, written in the table's notation.
EXTRA_TYPES = {
    "OrganizationPersonContact": (
        "id s, person_id s, name s, is_active b, work_function s, work_email s, "
        "work_phone s, work_mobile s"
    ),
    "ProjectManager": "id s, employee_id s, person_id s, name s",
    "DocumentLinkedTo": (
        "sales_id s, project_id s, employee_id s, invoice_id s, person_id s, organization_id s"
    ),
    # The contact copy a sale carries (sales fixture), richer than the spec's ContactPerson.
    "SalesContact": (
        "id s, person_id s, first_name s, family_name_prefix s, family_name s, "
        "work_function s, work_email s, work_phone s, work_mobile s"
    ),
}

# Dates and date-times the spec types as plain strings. By name first (DATE_TIME_NAMES,
# *_at → date-time; date, *_date → date), then these per-type exceptions: hours, leave and
# absence run from a start to an end time.
DATE_TIME_NAMES = {"created", "modified", "last_updated", "timestamp"}
NOT_DATES = {"update", "last_change"}
DATE_TIME_FIELDS = {
    "GetHours": {"start_date", "end_date"},
    "GetHoursSimple": {"start_date", "end_date"},
    "BaseHours": {"start_date"},
    "CalendarItem": {"start_date", "end_date"},
    "GetLeave": {"start_date", "end_date"},
    "GetAbsence": {"start_date", "end_date"},
    "PostHours": {"start_date", "end_date"},
    "PostLeave": {"start_date", "end_date"},
    "PostAbsence": {"start_date", "end_date"},
    "GetMileage": {"start_date"},
    "PostMileage": {"start_date"},
    "PutMileage": {"start_date"},
    "DateTimeRange": {"start_date", "end_date"},
    "GetMessage": {"display_date"},
    "PostMessage": {"display_date"},
    "LeaveBalance": {"first_change"},
    "EmailMessage": {"sent_at", "received_at"},
}

# ---- write models --------------------------------------------------------------------------

# Required fields of a create (POST) and an update (PUT), and where a string field's ids live
# (`field s@module/name`, checked by the fake on writes). Required paths are dotted: a nested one
# holds only when its parent is given (`visiting_address.country_code`: an address given without
# a country code is refused, as the documentation's own example error says); `a|b` takes either.
# From the documentation (changelog 2023-08: family_name is mandatory on POST crm/person, 2023-09:
# not on PUT) and what a record cannot exist without (an hours registration without employee,
# project, service, type and start).
CREATE_REQUIRED = {
    "crm/organization": "name, visiting_address.country_code|visiting_address.country_id, "
    "postal_address.country_code|postal_address.country_id",
    "crm/person": "family_name, address.country_code|address.country_id",
    "hours/hours": "employee_id, project_id, projectservice_id, type_id, start_date",
    "hours/absence": "employee_id, absence_type_id, start_date",
    "hours/leave": "employee_id, leave_type_id, start_date",
    "hours/approval": "employee_id, approvalstatus_id, date",
    "hours/hourstype": "label",
    "hours/submission": "employee_id, start_date, end_date",
    "hrm/absence": "employee_id, absence_type_id, start_date",
    "hrm/leave": "employee_id, leave_type_id, start_date",
    "hrm/employee": "person_id",
    "hrm/timetable": "employee_id, start_date",
    "invoices/invoice": "my_organization_profile_id, organization_id|person_id",
    "invoices/payment": "invoice_id, amount, date",
    "mileage/mileage": "employee_id, project_id, mileage, start_date",
    "projects/project": "name, my_organization_profile_id, organization_id|person_id",
    "projects/service": "project_id, name, invoice_method",
    "projects/assignment": "projecthourstype_id, name",
    "projects/assignmentstatus": "name",
    "projects/projectemployee": "project_id, employee_id",
    "sales/sales": "subject, organization_id|person_id",
    "sales/service": "sales_id, name, invoice_method",
    "sales/quote": "sales_id, quotetemplate_id",
    "sales/quotetemplate": "name",
    "services/defaultservice": "name",
    "shared/item": "type",
    "timeline/message": "messagetype_id, title",
    "timeline/attachment": "message_id, document_id",
    "timers/timer": "employee_id, project_id, projectservice_id, hourstype_id",
    "crm/mergeorganization": "source_id, target_id",
    "crm/mergeperson": "source_id, target_id",
    "merger/compareorganization": "source_id, target_id",
    "merger/compareperson": "source_id, target_id",
}
UPDATE_REQUIRED = {
    "crm/organization": "visiting_address.country_code|visiting_address.country_id, "
    "postal_address.country_code|postal_address.country_id",
    "crm/person": "address.country_code|address.country_id",
}

# The write model of a resource whose spec operation names none usable.
WRITE_TYPE = {
    ("POST", "projects/projectemployee"): "PostProjectEmployee",
}
EXTRA_TYPES["PostProjectEmployee"] = "project_id s, employee_id s"

# Where the ids a write names live, by field name; a type may override one name
# (`REFERENCES_IN`). Only fields of write models get these.
REFERENCES = {
    "organization_id": "crm/organization",
    "person_id": "crm/person",
    "contact_id": "crm/contactperson",
    "employee_id": "hrm/employee",
    "project_id": "projects/project",
    "projectservice_id": "projects/service",
    "project_service_id": "projects/service",
    "sales_id": "sales/sales",
    "invoice_id": "invoices/invoice",
    "my_organization_profile_id": "crm/myorganizationprofile",
    "payment_term_id": "invoices/paymentterm",
    "divergent_payment_term_id": "invoices/paymentterm",
    "vat_class_id": "invoices/vatclass",
    "vatclass_id": "invoices/vatclass",
    "revenue_group_id": "sales/revenuegroup",
    "project_manager_id": "hrm/employee",
    "responsible_employee_id": "hrm/employee",
    "project_status_id": "projects/projectstatus",
    "progress_id": "sales/salesprogress",
    "source_id": "sales/salessource",
    "type_id": "hours/hourstype",
    "hourstype_id": "hours/hourstype",
    "approvalstatus_id": "hours/approvalstatus",
    "leave_type_id": "hrm/leavetype",
    "absence_type_id": "hrm/absencetype",
    "messagetype_id": "timeline/messagetype",
    "message_id": "timeline/message",
    "gender_id": "crm/gender",
    "default_service_id": "services/defaultservice",
    "quotetemplate_id": "sales/quotetemplate",
    "document_type_id": "documents/documenttype",
    "projecthourstype_id": None,
    "assignment_id": "projects/assignment",
    "document_id": "documents/document",
}
REFERENCES_IN = {
    ("PostInvoice", "status_id"): "invoices/invoicestatus",
    ("PostSales", "status_id"): "sales/salesstatus",
    ("PostAssignment", "status_id"): "projects/assignmentstatus",
    ("PutAssignment", "status_id"): "projects/assignmentstatus",
    # Merges name two records of the merged kind; checked by the merge handlers themselves.
    ("PostMerger", "source_id"): None,
    ("PostMergerCompare", "source_id"): None,
}

# ---- reading the spec ------------------------------------------------------------------------

HEADER = """\
# The record model table: each resource's record fields and their JSON types, and what its
# writes require. Generated by scripts/generate_model.py from Simplicate's Swagger spec and our
# corrections from real responses; edit the script, not this file. Read by model/mod.rs.
#
# record <collection> <Type> [one]        what GET <collection> lists (and GET <collection>/{id});
#                                          `one`: its GET answers one record, not a list
# create|update <resource> <Type> [requires <path>, ...]
#                                          the body of a POST (PUT); `a.b`: b is required when a is
#                                          given; `a|b`: either will do
# <Type>: <field> <kind>, ...
#
# Kinds: s string · i integer · n number · b boolean · d date (YYYY-MM-DD) · t date-time
# (YYYY-MM-DD HH:MM:SS) · ? any JSON · <Type> an object of that type · [<kind>] a list.
# `s@<collection>`: a string naming a record of that collection (checked on writes).
"""


def registry_resources() -> list[tuple[str, str, str]]:
    """(path, collection methods, item methods) of every row of crates/api/src/registry.rs."""
    text = (ROOT / "crates" / "api" / "src" / "registry.rs").read_text()
    rows = re.findall(r'^\s*r\("(\w+)", "([\w/]+)", "([GPUD]*)", "([GPUD]*)"', text, re.M)
    return [(f"{module}/{name}", coll, item) for module, name, coll, item in rows]


class Spec:
    def __init__(self, spec: dict) -> None:
        self.definitions = spec["definitions"]
        self.paths = spec["paths"]

    def result_type(self, path: str) -> str | None:
        op = self.paths.get("/" + path, {}).get("get")
        if op is None:
            return None
        ref = op["responses"].get("200", {}).get("schema", {}).get("$ref", "")
        result = self.definitions.get(ref.rsplit("/", 1)[-1])
        if not result:
            return None
        data = result.get("properties", {}).get("data", {})
        data = data.get("items", data)
        return data.get("$ref", "").rsplit("/", 1)[-1] or None

    def answers_one(self, path: str) -> bool:
        """The spec's answer to GET <path> is one record, not a list of them."""
        op = self.paths.get("/" + path, {}).get("get")
        if op is None:
            return False
        ref = op["responses"].get("200", {}).get("schema", {}).get("$ref", "")
        result = self.definitions.get(ref.rsplit("/", 1)[-1]) or {}
        data = result.get("properties", {}).get("data", {})
        return "$ref" in data

    def body_type(self, method: str, path: str) -> str | None:
        for spelling in ("/" + path, path):
            op = self.paths.get(spelling, {}).get(method.lower())
            if op:
                for parameter in op.get("parameters", []):
                    if parameter.get("in") == "body":
                        ref = parameter.get("schema", {}).get("$ref", "")
                        return ref.rsplit("/", 1)[-1] or None
        return None


def kind_of(spec: Spec, type_name: str, field: str, schema: dict, wanted: set[str]) -> str:
    if "$ref" in schema:
        target = schema["$ref"].rsplit("/", 1)[-1]
        if not spec.definitions.get(target, {}).get("properties") and target not in FIELDS:
            return "?"
        wanted.add(target)
        return target
    kind = schema.get("type")
    if kind == "array":
        return "[" + kind_of(spec, type_name, field, schema.get("items", {}), wanted) + "]"
    if kind == "integer":
        return "i"
    if kind == "number":
        return "n"
    if kind == "boolean":
        return "b"
    if kind == "string":
        return string_kind(type_name, field)
    return "?"


def string_kind(type_name: str, field: str) -> str:
    if field in DATE_TIME_FIELDS.get(type_name, ()):
        return "t"
    if field in NOT_DATES:
        return "s"
    if field.endswith("_at") or field in DATE_TIME_NAMES:
        return "t"
    if field == "date" or field.endswith("_date"):
        return "d"
    return "s"


def parse_fields(text: str) -> list[tuple[str, str]]:
    return [tuple(part.split()) for part in text.split(",") if part.strip()]  # type: ignore[misc]


def build(spec: Spec) -> str:
    wanted: set[str] = set()
    records: list[tuple[str, str]] = []
    writes: list[str] = []
    write_types: set[str] = set()
    for path, collection, item in registry_resources():
        if "G" in collection or "G" in item:
            record = RECORD_TYPE.get(path, spec.result_type(path))
            if record is None and "G" in item and path not in RECORD_TYPE:
                # Item-only resources (documents/download, sales/converttoproject) list nothing.
                record = None
            if record:
                wanted.add(record)
                # One record, not a list, where the spec says so and we did not correct it
                # (crm/debtor's spec says one DebtorList; it lists debtors).
                one = "G" in collection and path not in RECORD_TYPE and spec.answers_one(path)
                records.append((path, record + (" one" if one else "")))
        for method, letter, required in (
            ("create", "P", CREATE_REQUIRED),
            ("update", "U", UPDATE_REQUIRED),
        ):
            on_item = method == "update" or path in ("customfields/option",)
            methods = item if on_item else collection
            if letter not in methods and not (method == "update" and "U" in collection):
                continue
            http = "POST" if method == "create" else "PUT"
            body = WRITE_TYPE.get((http, path))
            if body is None:
                body = spec.body_type(http, path + "/{id}") or spec.body_type(http, path)
            if body is None or (
                not spec.definitions.get(body, {}).get("properties") and body not in EXTRA_TYPES
            ):
                continue
            wanted.add(body)
            write_types.add(body)
            line = f"{method} {path} {body}"
            if path in required:
                line += " requires " + ", ".join(p.strip() for p in required[path].split(","))
            writes.append(line)

    # Every type reachable from the records and bodies, with corrections.
    types: dict[str, list[tuple[str, str]]] = {}
    pending = sorted(wanted)
    while pending:
        name = pending.pop()
        if name in types:
            continue
        if name in EXTRA_TYPES:
            fields = parse_fields(EXTRA_TYPES[name])
        else:
            properties = spec.definitions.get(name, {}).get("properties", {})
            found: set[str] = set()
            fields = [
                (field, kind_of(spec, name, field, schema, found))
                for field, schema in properties.items()
            ]
            pending.extend(sorted(found - set(types)))
        fixes = parse_fields(FIELDS.get(name, ""))
        by_name = dict(fields)
        for field, kind in fixes:
            by_name[field] = kind
        order = [f for f, _ in fields] + [f for f, _ in fixes if f not in dict(fields)]
        fields = [(f, by_name[f]) for f in order]
        if "id" in by_name:
            fields = [("id", by_name["id"])] + [(f, k) for f, k in fields if f != "id"]
        for _, kind in fields:
            inner = kind.strip("[]")
            if inner not in ("s", "i", "n", "b", "d", "t", "?") and inner not in types:
                pending.append(inner)
        if name in write_types or name.startswith(("Post", "Put")):
            fields = [(f, with_reference(name, f, k)) for f, k in fields]
        types[name] = fields

    out = [HEADER]
    out += [f"record {path} {record}" for path, record in records]
    out.append("")
    out += writes
    out.append("")
    for name in sorted(types):
        out.append(f"{name}: " + ", ".join(f"{f} {k}" for f, k in types[name]))
    return "\n".join(out) + "\n"


def with_reference(type_name: str, field: str, kind: str) -> str:
    if kind != "s":
        return kind
    target = REFERENCES_IN.get((type_name, field), REFERENCES.get(field))
    if (type_name, field) in REFERENCES_IN and REFERENCES_IN[(type_name, field)] is None:
        return kind
    return f"s@{target}" if target else kind


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, default=DEFAULT_SPEC)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    table = build(Spec(json.loads(args.spec.read_text())))
    if args.check:
        if OUT.read_text() != table:
            print(f"{OUT} is out of date: run python scripts/generate_model.py", file=sys.stderr)
            return 1
        return 0
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(table)
    print(f"wrote {OUT} ({table.count(chr(10))} lines)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
