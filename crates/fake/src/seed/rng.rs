//! Randomness and formatting for the seed data: per-record streams, timestamps, dates, amounts,
//! hex ids and a few text helpers.
//!
//! Formatting is written out by hand (no `format!`) because it runs a dozen times per record and
//! a million hours records must generate in seconds.

use super::super::ids::{civil_from_days, fnv1a, mix64, SplitMix64};
use super::words::POSTAL_LETTERS;

/// 2023-01-01 and 2026-01-01 as days since the epoch: seed data lives in 2023–2025.
pub const FIRST_DAY: i64 = 19_358;
pub const END_DAY: i64 = 20_454;
pub const START: i64 = FIRST_DAY * 86_400;
/// Last second of 2025.
pub const END: i64 = END_DAY * 86_400 - 1;

/// The base of one stream family: a collection's records (`salt` tells apart the streams one
/// collection needs, e.g. its full records, its referenced "core" fields and its ids).
pub fn base(seed: u64, collection: &str, salt: u64) -> u64 {
    mix64(seed ^ mix64(fnv1a(collection.as_bytes()) ^ salt))
}

/// The stream of record `index` in a family. Mixing the index before combining keeps the
/// streams of neighbouring records apart (splitmix states `base + i·γ` would overlap).
pub fn at(base: u64, index: usize) -> SplitMix64 {
    SplitMix64::new(mix64(base ^ mix64(index as u64 ^ 0x0005_EED0_F1D5)))
}

/// One entry of a word table, with the table's lifetime (`SplitMix64::pick` would infer `str`).
pub fn pick_str(rng: &mut SplitMix64, items: &[&'static str]) -> &'static str {
    items[rng.below(items.len() as u64) as usize]
}

/// Index into `weights` with probability proportional to its weight.
pub fn weighted(rng: &mut SplitMix64, weights: &[u64]) -> usize {
    let total: u64 = weights.iter().sum();
    let mut roll = rng.below(total);
    for (i, w) in weights.iter().enumerate() {
        if roll < *w {
            return i;
        }
        roll -= w;
    }
    weights.len() - 1
}

/// (created, updated) unix seconds inside 2023–2025, updated never before created and at most
/// 400 days later: data with a past, so `updated_at` filters and sorts have something to bite on.
pub fn created_updated(rng: &mut SplitMix64) -> (i64, i64) {
    let created = rng.range(START as u64, END as u64) as i64;
    let updated = after(rng, created, 400 * 86_400);
    (created, updated)
}

/// A moment at most `max_secs` after `t`, and never after the end of 2025.
pub fn after(rng: &mut SplitMix64, t: i64, max_secs: i64) -> i64 {
    let room = (END - t).clamp(0, max_secs.max(0));
    t + rng.range(0, room as u64) as i64
}

/// Appends `n` in decimal.
pub fn push_u64(s: &mut String, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &b in &buf[i..] {
        s.push(b as char);
    }
}

/// Appends `n` zero-padded to `width` digits.
pub fn push_padded(s: &mut String, n: u64, width: usize) {
    let mut digits = 1;
    let mut m = n;
    while m >= 10 {
        m /= 10;
        digits += 1;
    }
    for _ in digits..width {
        s.push('0');
    }
    push_u64(s, n);
}

fn push_date(s: &mut String, days: i64) {
    let (y, m, d) = civil_from_days(days);
    push_padded(s, y.clamp(0, 9999) as u64, 4);
    s.push('-');
    push_padded(s, u64::from(m), 2);
    s.push('-');
    push_padded(s, u64::from(d), 2);
}

/// Unix seconds → "YYYY-MM-DD HH:MM:SS" (UTC), like `ids::format_timestamp` for years 0–9999.
pub fn timestamp(unix: i64) -> String {
    let mut s = String::with_capacity(19);
    push_date(&mut s, unix.div_euclid(86_400));
    let secs = unix.rem_euclid(86_400) as u64;
    s.push(' ');
    push_padded(&mut s, secs / 3600, 2);
    s.push(':');
    push_padded(&mut s, (secs / 60) % 60, 2);
    s.push(':');
    push_padded(&mut s, secs % 60, 2);
    s
}

/// Days since the epoch → "YYYY-MM-DD".
pub fn date(days: i64) -> String {
    let mut s = String::with_capacity(10);
    push_date(&mut s, days);
    s
}

/// Cents → 1234.5: an amount as the record model table types it, a JSON number. (Real accounts
/// send many amounts as decimal strings; that is a quirk, added by `quirks.rs`.)
pub fn amount(cents: u64) -> f64 {
    // Correctly rounded, so the shortest representation is the decimal itself ("1234.05").
    cents as f64 / 100.0
}

/// Cents → "1234.50": for the few amounts the table itself types as text (an hours type's
/// `tariff`).
pub fn money(cents: u64) -> String {
    let mut s = String::with_capacity(12);
    push_u64(&mut s, cents / 100);
    s.push('.');
    push_padded(&mut s, cents % 100, 2);
    s
}

/// Appends the low `digits` hex digits of `v` (≤ 16), lowercase.
pub fn push_hex(s: &mut String, v: u64, digits: usize) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for i in (0..digits.min(16)).rev() {
        s.push(HEX[((v >> (i * 4)) & 0xf) as usize] as char);
    }
}

/// "<prefix>:<16 hex of hi>[<16 hex of lo>]".
pub fn hex_id(prefix: &str, hi: u64, lo: Option<u64>) -> String {
    let mut s = String::with_capacity(prefix.len() + 33);
    s.push_str(prefix);
    s.push(':');
    push_hex(&mut s, hi, 16);
    if let Some(lo) = lo {
        push_hex(&mut s, lo, 16);
    }
    s
}

/// A UUID version 7 ("01930bb6-87aa-779b-9561-fcb44ac3121d"): 48 bits of unix milliseconds,
/// then `unique`'s 64 bits in the 74 random bits, so distinct `unique`s give distinct UUIDs.
pub fn uuid_v7(unix_ms: u64, unique: u64) -> String {
    let rand_a = unique >> 52; // 12 bits
    let rand_b = unique & ((1 << 52) - 1); // 52 of the 62 bits
    let mut s = String::with_capacity(36);
    push_hex(&mut s, unix_ms >> 16, 8);
    s.push('-');
    push_hex(&mut s, unix_ms & 0xffff, 4);
    s.push('-');
    push_hex(&mut s, 0x7000 | rand_a, 4);
    s.push('-');
    push_hex(&mut s, 0x8000 | (rand_b >> 48), 4);
    s.push('-');
    push_hex(&mut s, rand_b & 0xffff_ffff_ffff, 12);
    s
}

/// Lowercase ASCII letters and digits only, diacritics folded: for e-mail addresses and URLs.
pub fn slug(s: &str) -> String {
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

pub fn capitalise_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A Dutch postal code "1234 AB" between `lo` and `hi`.
pub fn postal_code(rng: &mut SplitMix64, lo: u64, hi: u64) -> String {
    let number = rng.range(lo, hi);
    let a = *rng.pick(POSTAL_LETTERS) as char;
    let mut b = *rng.pick(POSTAL_LETTERS) as char;
    // SA, SD and SS are never issued.
    while a == 'S' && matches!(b, 'A' | 'D' | 'S') {
        b = *rng.pick(POSTAL_LETTERS) as char;
    }
    let mut s = String::with_capacity(7);
    push_u64(&mut s, number);
    s.push(' ');
    s.push(a);
    s.push(b);
    s
}

/// `len` digits (≤ 18), the first one non-zero.
pub fn digits(rng: &mut SplitMix64, len: u32) -> String {
    let lo = 10u64.pow(len.clamp(1, 18) - 1);
    let mut s = String::with_capacity(len as usize);
    push_u64(&mut s, rng.range(lo, lo * 10 - 1));
    s
}

/// A Dutch IBAN-shaped bank account ("NL91ABNA0417164300"); the check digits are not valid,
/// as nothing downstream verifies them.
pub fn bank_account(rng: &mut SplitMix64) -> String {
    const BANKS: &[&str] = &["ABNA", "INGB", "RABO", "SNSB", "TRIO", "BUNQ"];
    let mut s = String::with_capacity(18);
    s.push_str("NL");
    push_padded(&mut s, rng.range(10, 99), 2);
    s.push_str(pick_str(rng, BANKS));
    push_padded(&mut s, rng.below(10_000_000_000), 10);
    s
}

/// "s1 s2 s3" of the non-empty parts.
pub fn join_nonempty(parts: &[&str]) -> String {
    let mut s = String::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
    for p in parts.iter().filter(|p| !p.is_empty()) {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(p);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::super::super::ids::{days_from_civil, format_timestamp};
    use super::*;

    #[test]
    fn range_constants_are_the_calendar_dates() {
        assert_eq!(days_from_civil(2023, 1, 1), FIRST_DAY);
        assert_eq!(days_from_civil(2026, 1, 1), END_DAY);
        assert_eq!(timestamp(END), "2025-12-31 23:59:59");
    }

    #[test]
    fn hand_formatting_matches_the_reference() {
        let mut rng = SplitMix64::new(5);
        for _ in 0..10_000 {
            let t = rng.range(0, 4_000_000_000) as i64;
            assert_eq!(timestamp(t), format_timestamp(t));
            assert_eq!(date(t / 86_400), format_timestamp(t)[..10]);
            let n = rng.next_u64() >> rng.below(64);
            let mut s = String::new();
            push_u64(&mut s, n);
            assert_eq!(s, n.to_string());
            let mut h = String::new();
            push_hex(&mut h, n, 16);
            assert_eq!(h, format!("{n:016x}"));
        }
        assert_eq!(money(0), "0.00");
        assert_eq!(
            serde_json::Value::from(amount(123_405)).to_string(),
            "1234.05"
        );
        for cents in [1, 10, 99, 489_444, 12_345_678_901] {
            assert_eq!(format!("{:.2}", amount(cents)), money(cents));
        }
        assert_eq!(money(123_405), "1234.05");
    }

    #[test]
    fn uuid_v7_layout() {
        // The changelog's example carries 2024-11 milliseconds.
        let u = uuid_v7(0x0193_0bb6_87aa, 0x79b9_561f_cb44_ac31);
        assert_eq!(u.len(), 36);
        assert!(u.starts_with("01930bb6-87aa-7"), "{u}");
        assert!(matches!(u.as_bytes()[19], b'8' | b'9' | b'a' | b'b'), "{u}");
        assert_ne!(uuid_v7(1, 2), uuid_v7(1, 3));
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

    #[test]
    fn neighbouring_streams_differ() {
        let b = base(1, "hours/hours", 0);
        let first: Vec<u64> = (0..100).map(|i| at(b, i).next_u64()).collect();
        let second: Vec<u64> = (0..100)
            .map(|i| {
                let mut r = at(b, i);
                r.next_u64();
                r.next_u64()
            })
            .collect();
        for x in &first {
            assert!(!second.contains(x));
        }
    }
}
