//! Deterministic seed data: the records a fake starts with (and returns to on reset).
//!
//! Shaped after real Simplicate responses (ids "organization:<hex>", numbers as strings,
//! "YYYY-MM-DD HH:MM:SS" timestamps, Dutch names and addresses) so client code meets what it will
//! meet in production. Each collection draws from its own PRNG stream, derived from the seed and
//! the collection's name: adding a resource to `TABLES` leaves every existing one unchanged.

use std::collections::HashSet;

use serde_json::{json, Map, Value};

use super::ids::{days_from_civil, fnv1a, format_timestamp, lookup_id, SplitMix64};

type Record = Map<String, Value>;

/// One seeded collection. Extend the fake by adding a row.
struct SeedTable {
    collection: &'static str,
    count: usize,
    generate: fn(&mut Gen) -> Record,
}

const TABLES: &[SeedTable] = &[
    SeedTable {
        collection: "crm/organization",
        count: 25,
        generate: organization,
    },
    SeedTable {
        collection: "crm/person",
        count: 25,
        generate: person,
    },
];

/// The seed data of `seed`, one entry per collection, records in order.
pub fn generate(seed: u64) -> Vec<(&'static str, Vec<Record>)> {
    TABLES
        .iter()
        .map(|table| {
            let mut g = Gen {
                rng: SplitMix64::new(seed ^ fnv1a(table.collection.as_bytes())),
                index: 0,
                used: HashSet::new(),
            };
            let records = (0..table.count)
                .map(|i| {
                    g.index = i;
                    (table.generate)(&mut g)
                })
                .collect();
            (table.collection, records)
        })
        .collect()
}

/// State a generator needs beyond randomness: its position, and values already handed out.
struct Gen {
    rng: SplitMix64,
    index: usize,
    used: HashSet<String>,
}

impl Gen {
    /// A value `make` has not produced before in this collection (names should not repeat in
    /// 25 records: tests filter on them).
    fn unique(&mut self, mut make: impl FnMut(&mut SplitMix64) -> String) -> String {
        for _ in 0..32 {
            let candidate = make(&mut self.rng);
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
        }
        let candidate = format!("{} {}", make(&mut self.rng), self.index + 1);
        self.used.insert(candidate.clone());
        candidate
    }

    /// (created, updated) inside 2023–2025, updated never before created: data with a past,
    /// so `updated_at` filters and sorts have something to bite on.
    fn timestamps(&mut self) -> (String, String) {
        let start = days_from_civil(2023, 1, 1) * 86_400;
        let end = days_from_civil(2026, 1, 1) * 86_400 - 1;
        let created = self.rng.range(start as u64, end as u64) as i64;
        let max_age = (end - created).min(400 * 86_400) as u64;
        let updated = created + self.rng.range(0, max_age) as i64;
        (format_timestamp(created), format_timestamp(updated))
    }
}

fn object(v: Value) -> Record {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

// ---- word tables -------------------------------------------------------------------------------

/// (prefix, family name): Dutch family names keep "van", "de" apart (Simplicate's
/// `family_name_prefix`).
const FAMILY_NAMES: &[(&str, &str)] = &[
    ("de", "Jong"),
    ("", "Jansen"),
    ("de", "Vries"),
    ("van den", "Berg"),
    ("van", "Dijk"),
    ("", "Bakker"),
    ("", "Visser"),
    ("", "Smit"),
    ("", "Meijer"),
    ("de", "Boer"),
    ("", "Mulder"),
    ("de", "Groot"),
    ("", "Bos"),
    ("", "Vos"),
    ("", "Peters"),
    ("", "Hendriks"),
    ("van", "Leeuwen"),
    ("", "Dekker"),
    ("", "Brouwer"),
    ("de", "Wit"),
    ("van der", "Meer"),
    ("", "Kok"),
    ("van", "Vliet"),
    ("", "Willems"),
];

const MALE_NAMES: &[&str] = &[
    "Daan", "Bram", "Sem", "Lucas", "Milan", "Thijs", "Jesse", "Ruben", "Lars", "Niels", "Joost",
    "Pieter", "Willem", "Sander", "Jeroen", "Maarten",
];

// "Zoë" keeps a non-ASCII character in the data, so decoders are exercised on it.
const FEMALE_NAMES: &[&str] = &[
    "Emma", "Julia", "Sanne", "Lieke", "Femke", "Anouk", "Fleur", "Iris", "Noor", "Lotte", "Zoë",
    "Esther", "Marieke", "Anne", "Eva", "Sophie",
];

const COMPANY_WORDS: &[&str] = &[
    "Polder",
    "Noorderlicht",
    "Zeewind",
    "De Gouden Leeuw",
    "Molenaar",
    "Tulp",
    "Delta",
    "Dijkzicht",
    "Oranje",
    "Vlinder",
    "Kompas",
    "Stadshart",
    "Duinrand",
    "Klaproos",
];

const SECTORS: &[&str] = &[
    "Bouw",
    "Installatietechniek",
    "Advies",
    "ICT",
    "Logistiek",
    "Accountants",
    "Design",
    "Transport",
    "Software",
    "Media",
    "Schilders",
    "Makelaardij",
];

const LEGAL_FORMS: &[&str] = &["B.V.", "B.V.", "B.V.", "V.O.F.", "", ""];

/// (locality, area code, lowest and highest postal-code number).
const CITIES: &[(&str, &str, u64, u64)] = &[
    ("Amsterdam", "020", 1011, 1109),
    ("Rotterdam", "010", 3011, 3089),
    ("Den Haag", "070", 2491, 2597),
    ("Utrecht", "030", 3511, 3585),
    ("Eindhoven", "040", 5611, 5658),
    ("Groningen", "050", 9711, 9747),
    ("Tilburg", "013", 5011, 5049),
    ("Almere", "036", 1311, 1364),
    ("Breda", "076", 4811, 4841),
    ("Nijmegen", "024", 6511, 6546),
    ("Zwolle", "038", 8011, 8048),
    ("Leeuwarden", "058", 8911, 8941),
    ("Maastricht", "043", 6211, 6229),
    ("Arnhem", "026", 6811, 6846),
    ("Haarlem", "023", 2011, 2037),
    ("Enschede", "053", 7511, 7548),
    ("Amersfoort", "033", 3811, 3829),
    ("Delft", "015", 2611, 2629),
    ("Heerenveen", "0513", 8441, 8449),
];

const STREETS: &[&str] = &[
    "Kerkstraat",
    "Dorpsstraat",
    "Stationsweg",
    "Molenweg",
    "Schoolstraat",
    "Hoofdstraat",
    "Julianastraat",
    "Wilhelminastraat",
    "Beatrixlaan",
    "Nieuwstraat",
    "Marktplein",
    "Industrieweg",
    "Kanaalweg",
    "Havenstraat",
    "Oranjelaan",
];

/// Letters Dutch postal codes use (F, I, O, Q, U and Y never appear).
const POSTAL_LETTERS: &[u8] = b"ABCDEGHJKLMNPRSTVWXZ";

/// (label, colour) of relation types; ids come from `lookup_id` so they are seed-independent.
const RELATION_TYPES: &[(&str, &str)] = &[
    ("Klant", "#27ae60"),
    ("Klant", "#27ae60"),
    ("Prospect", "#3498db"),
    ("Leverancier", "#e67e22"),
    ("Partner", "#8e44ad"),
    ("Oud-klant", "#7f8c8d"),
];

const INDUSTRIES: &[&str] = &[
    "Bouw",
    "ICT en telecommunicatie",
    "Zakelijke en persoonlijke dienstverlening",
    "Groot- en detailhandel",
    "Onderwijs",
    "Gezondheidszorg",
    "Transport en logistiek",
    "Horeca",
    "Creatieve industrie",
];

const PAYMENT_TERMS: &[(&str, u64)] = &[("14 dagen", 14), ("30 dagen", 30), ("8 dagen", 8)];

const MAIL_DOMAINS: &[&str] = &[
    "gmail.com",
    "hotmail.com",
    "outlook.com",
    "ziggo.nl",
    "kpnmail.nl",
    "xs4all.nl",
];

// ---- helpers -----------------------------------------------------------------------------------

/// Lowercase ASCII letters and digits only, diacritics folded: for e-mail addresses and URLs.
fn slug(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            'ë' | 'é' | 'è' | 'ê' => Some('e'),
            'ï' | 'í' => Some('i'),
            'ö' | 'ó' => Some('o'),
            'ü' | 'ú' => Some('u'),
            'á' | 'ä' => Some('a'),
            c if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

fn capitalise_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// "Van den Berg": inside a company name the prefix is capitalised.
fn surname_for_company(rng: &mut SplitMix64) -> String {
    let (prefix, name) = *rng.pick(FAMILY_NAMES);
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{} {name}", capitalise_first(prefix))
    }
}

/// A company name without its legal form.
fn company_base(rng: &mut SplitMix64) -> String {
    match rng.below(3) {
        0 => format!("{} {}", surname_for_company(rng), rng.pick(SECTORS)),
        1 => {
            let first = surname_for_company(rng);
            let mut second = surname_for_company(rng);
            while second == first {
                second = surname_for_company(rng);
            }
            format!("{first} & {second}")
        }
        _ => format!("{} {}", rng.pick(COMPANY_WORDS), rng.pick(SECTORS)),
    }
}

fn postal_code(rng: &mut SplitMix64, lo: u64, hi: u64) -> String {
    let number = rng.range(lo, hi);
    let a = *rng.pick(POSTAL_LETTERS) as char;
    let mut b = *rng.pick(POSTAL_LETTERS) as char;
    // SA, SD and SS are never issued.
    while a == 'S' && matches!(b, 'A' | 'D' | 'S') {
        b = *rng.pick(POSTAL_LETTERS) as char;
    }
    format!("{number} {a}{b}")
}

/// Digits as a string of exactly `len` characters, first one non-zero.
fn digits(rng: &mut SplitMix64, len: u32) -> String {
    let lo = 10u64.pow(len.saturating_sub(1));
    rng.range(lo, lo * 10 - 1).to_string()
}

// ---- generators --------------------------------------------------------------------------------

fn organization(g: &mut Gen) -> Record {
    let id = format!("organization:{}", g.rng.hex(16));
    let base = g.unique(company_base);
    let legal = *g.rng.pick(LEGAL_FORMS);
    let name = if legal.is_empty() {
        base.clone()
    } else {
        format!("{base} {legal}")
    };
    let domain = format!("{}.nl", slug(&base));
    let (locality, area, pc_lo, pc_hi) = *g.rng.pick(CITIES);
    let phone = format!("{area}-{}", digits(&mut g.rng, 10 - area.len() as u32));
    let line_1 = format!("{} {}", g.rng.pick(STREETS), g.rng.range(1, 250));
    let postal = postal_code(&mut g.rng, pc_lo, pc_hi);
    let (rt_label, rt_color) = *g.rng.pick(RELATION_TYPES);
    let industry = *g.rng.pick(INDUSTRIES);
    let (term_name, term_days) = *g.rng.pick(PAYMENT_TERMS);
    let coc_code = digits(&mut g.rng, 8);
    let is_active = g.rng.chance(88);
    let address_id = format!("address:{}", g.rng.hex(16));
    let (created_at, updated_at) = g.timestamps();
    object(json!({
        "id": id,
        "name": name,
        "coc_code": coc_code,
        "email": format!("info@{domain}"),
        "phone": phone,
        "url": format!("www.{domain}"),
        "relation_number": (1001 + g.index).to_string(),
        "is_active": is_active,
        "relation_type": {
            "id": lookup_id("relationtype", rt_label),
            "label": rt_label,
            "color": rt_color,
        },
        "visiting_address": {
            "id": address_id,
            "type": "default",
            "line_1": line_1,
            "postal_code": postal,
            "locality": locality,
            "country": "Netherlands",
            "country_code": "NL",
        },
        "industry": {
            "id": lookup_id("industry", industry),
            "name": industry,
        },
        "debtor": {
            "payment_term": {
                "id": lookup_id("paymentterm", term_name),
                "name": term_name,
                "days": term_days,
            },
        },
        "custom_fields": [],
        "created": created_at,
        "created_at": created_at,
        "updated_at": updated_at,
    }))
}

fn person(g: &mut Gen) -> Record {
    let id = format!("person:{}", g.rng.hex(16));
    let roll = g.rng.below(100);
    let (gender, names) = match roll {
        0..=46 => ("Male", MALE_NAMES),
        47..=94 => ("Female", FEMALE_NAMES),
        _ => (
            "Unknown",
            if roll.is_multiple_of(2) {
                MALE_NAMES
            } else {
                FEMALE_NAMES
            },
        ),
    };
    let first_name = *g.rng.pick(names);
    let (prefix, family_name) = *g.rng.pick(FAMILY_NAMES);
    let full_name = [first_name, prefix, family_name]
        .iter()
        .filter(|part| !part.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    let email = format!(
        "{}.{}{}@{}",
        slug(first_name),
        slug(prefix),
        slug(family_name),
        g.rng.pick(MAIL_DOMAINS)
    );
    let phone = format!("06-{}", digits(&mut g.rng, 8));
    let is_active = g.rng.chance(92);
    let (created_at, updated_at) = g.timestamps();
    object(json!({
        "id": id,
        "gender": gender,
        "first_name": first_name,
        "family_name_prefix": prefix,
        "family_name": family_name,
        "full_name": full_name,
        "email": email,
        "phone": phone,
        "relation_number": (2001 + g.index).to_string(),
        "is_active": is_active,
        "created_at": created_at,
        "updated_at": updated_at,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_data_other_seed_other_data() {
        assert_eq!(generate(7), generate(7));
        assert_ne!(generate(7), generate(8));
    }

    #[test]
    fn organization_names_are_unique() {
        for (collection, records) in generate(3) {
            if collection == "crm/organization" {
                let names: HashSet<&str> =
                    records.iter().filter_map(|r| r["name"].as_str()).collect();
                assert_eq!(names.len(), records.len());
            }
        }
    }

    #[test]
    fn timestamps_stay_in_range_and_ordered() {
        for (_, records) in generate(11) {
            for r in records {
                let c = r["created_at"].as_str().unwrap_or_default();
                let u = r["updated_at"].as_str().unwrap_or_default();
                assert!(("2023-01-01".."2026-01-01").contains(&c), "{c}");
                assert!(c <= u && u < "2026-01-01", "{c} {u}");
            }
        }
    }

    #[test]
    fn postal_codes_avoid_reserved_pairs() {
        let mut rng = SplitMix64::new(1);
        for _ in 0..2000 {
            let pc = postal_code(&mut rng, 1000, 9999);
            assert!(!pc.ends_with("SA") && !pc.ends_with("SD") && !pc.ends_with("SS"));
            assert_eq!(pc.len(), 7);
        }
    }
}
