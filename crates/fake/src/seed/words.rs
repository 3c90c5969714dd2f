//! Word tables the seed data is drawn from: Dutch names, places and business vocabulary, so
//! client code meets the data it will meet in a Dutch Simplicate environment (including a
//! non-ASCII name, so decoders are exercised on it).

/// (prefix, family name): Dutch family names keep "van", "de" apart (Simplicate's
/// `family_name_prefix`).
pub const FAMILY_NAMES: &[(&str, &str)] = &[
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

pub const MALE_NAMES: &[&str] = &[
    "Daan", "Bram", "Sem", "Lucas", "Milan", "Thijs", "Jesse", "Ruben", "Lars", "Niels", "Joost",
    "Pieter", "Willem", "Sander", "Jeroen", "Maarten",
];

// "Zoë" keeps a non-ASCII character in the data.
pub const FEMALE_NAMES: &[&str] = &[
    "Emma", "Julia", "Sanne", "Lieke", "Femke", "Anouk", "Fleur", "Iris", "Noor", "Lotte", "Zoë",
    "Esther", "Marieke", "Anne", "Eva", "Sophie",
];

pub const COMPANY_WORDS: &[&str] = &[
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

pub const SECTORS: &[&str] = &[
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

pub const LEGAL_FORMS: &[&str] = &["B.V.", "B.V.", "B.V.", "V.O.F.", "", ""];

/// (locality, area code, lowest and highest postal-code number).
pub const CITIES: &[(&str, &str, u64, u64)] = &[
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

/// (country index in `lookups::COUNTRIES`, locality, postal code) for the few foreign addresses.
pub const FOREIGN_CITIES: &[(usize, &str, &str)] = &[
    (1, "Antwerpen", "2000"),
    (1, "Gent", "9000"),
    (2, "Düsseldorf", "40213"),
    (2, "Köln", "50667"),
    (3, "London", "EC1A 1BB"),
    (4, "Lille", "59000"),
];

pub const STREETS: &[&str] = &[
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
pub const POSTAL_LETTERS: &[u8] = b"ABCDEGHJKLMNPRSTVWXZ";

pub const MAIL_DOMAINS: &[&str] = &[
    "gmail.com",
    "hotmail.com",
    "outlook.com",
    "ziggo.nl",
    "kpnmail.nl",
    "xs4all.nl",
];

/// Job titles of contact persons.
pub const WORK_FUNCTIONS: &[&str] = &[
    "Directeur",
    "Office manager",
    "Financieel medewerker",
    "Projectleider",
    "Inkoper",
    "Marketingmanager",
    "Eigenaar",
    "HR-adviseur",
    "Controller",
    "IT-manager",
];

/// Job titles of our own employees.
pub const EMPLOYEE_FUNCTIONS: &[&str] = &[
    "Consultant",
    "Senior consultant",
    "Developer",
    "Senior developer",
    "Projectmanager",
    "Designer",
    "Accountmanager",
    "Office manager",
    "Supportmedewerker",
];

/// What projects are about; a project's name is a topic and (often) its client.
pub const PROJECT_TOPICS: &[&str] = &[
    "Website redesign",
    "Implementatie ERP",
    "Onderhoud en support",
    "Migratie naar de cloud",
    "Nieuwe huisstijl",
    "Klantportaal",
    "Webshop",
    "Strategisch advies",
    "Data-analyse",
    "Intranet",
    "Koppeling boekhouding",
    "Jaarcampagne",
];

/// Project service names (also their hours' `projectservice.name`).
pub const SERVICE_NAMES: &[&str] = &[
    "Analyse",
    "Ontwerp",
    "Ontwikkeling",
    "Projectmanagement",
    "Implementatie",
    "Training",
    "Hosting",
    "Onderhoudscontract",
    "Licenties",
    "Support",
];

/// Notes on hours registrations: short, so an hours record stays small.
pub const HOURS_NOTES: &[&str] = &[
    "",
    "",
    "Overleg met klant",
    "Bugfixes",
    "Uitwerken ontwerp",
    "Testen",
    "Documentatie",
    "Sprintplanning",
    "Review",
    "Telefonisch contact",
];

/// Subjects of sales opportunities ("{topic} {organization}").
pub const SALES_TOPICS: &[&str] = &[
    "Uitbreiding licenties",
    "Nieuwe website",
    "Adviestraject",
    "Onderhoudscontract",
    "Implementatie",
    "Training medewerkers",
    "Hostingpakket",
];

/// Titles of documents (a document type label is prefixed).
pub const DOCUMENT_SUBJECTS: &[&str] = &[
    "Kick-off",
    "Voorstel",
    "Opdrachtbevestiging",
    "Verslag",
    "Planning",
    "Evaluatie",
];

/// Notes on organizations: mostly empty, as in real data.
pub const ORGANIZATION_NOTES: &[&str] = &[
    "",
    "",
    "",
    "Vaste contactpersoon via de receptie.",
    "Facturen graag per e-mail.",
    "Klant sinds de beurs in Utrecht.",
];
