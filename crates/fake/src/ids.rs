//! What the fake mints on its own: random numbers, record ids and timestamps.
//!
//! The PRNG is ours (splitmix64) rather than the `rand` crate's so that one seed keeps
//! producing the same data across dependency upgrades: test suites snapshot it. Timestamps
//! are formatted by hand (civil-from-days) because Simplicate's "YYYY-MM-DD HH:MM:SS" is all
//! we need and a date crate would be a dependency for two functions.

use std::time::{SystemTime, UNIX_EPOCH};

/// splitmix64: tiny, fast, and every seed (including 0) gives a full-period stream.
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (Lemire's multiply-shift; the tiny bias is irrelevant for fake data,
    /// and avoiding a rejection loop keeps the stream length per record fixed).
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below(hi - lo + 1)
    }

    /// One item of a constant, non-empty word table (the seed tables are never empty).
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// `true` with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// `n` lowercase hex digits (n ≤ 32).
    pub fn hex(&mut self, n: usize) -> String {
        let hi = self.next_u64();
        let lo = self.next_u64();
        let full = format!("{hi:016x}{lo:016x}");
        full[..n.min(32)].to_owned()
    }
}

/// The splitmix64 output function on its own: a bijection of u64 with full avalanche. The seed
/// data derives independent streams and ids from (seed, collection, index) with it, and ids stay
/// unique because distinct inputs give distinct outputs.
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FNV-1a: a stable hash (std's `DefaultHasher` may change between Rust releases) used to derive
/// per-collection streams and lookup-entity ids from names.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Id of a record created through the API: the resource name, a colon, 32 hex digits —
/// the shape of Simplicate's newer ids (older ones carry 16 digits, as the seed data does).
pub fn new_record_id(resource: &str, rng: &mut SplitMix64) -> String {
    format!("{resource}:{}", rng.hex(32))
}

/// Stable id for a lookup entity (relation type, industry, ...) so the same label always carries
/// the same id, whatever the seed, as it would in one Simplicate environment.
pub fn lookup_id(prefix: &str, label: &str) -> String {
    format!("{prefix}:{:016x}", fnv1a(label.as_bytes()))
}

/// Seconds since the Unix epoch, now. A clock before 1970 is clamped to the epoch rather than
/// failing a request.
pub fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Current UTC time in Simplicate's timestamp format.
pub fn now_timestamp() -> String {
    format_timestamp(now_unix())
}

/// Unix seconds → "YYYY-MM-DD HH:MM:SS" (UTC).
pub fn format_timestamp(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        secs / 3600,
        (secs / 60) % 60,
        secs % 60
    )
}

/// Howard Hinnant's civil_from_days: days since 1970-01-01 → (year, month, day), proleptic
/// Gregorian, valid far beyond any date a record will carry.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32; // [1, 31]
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32; // [1, 12]
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The inverse of [`civil_from_days`], used to place seed timestamps inside fixed year ranges.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(format_timestamp(0), "1970-01-01 00:00:00");
        assert_eq!(format_timestamp(951_782_400), "2000-02-29 00:00:00");
        assert_eq!(format_timestamp(1_735_689_599), "2024-12-31 23:59:59");
        assert_eq!(format_timestamp(-1), "1969-12-31 23:59:59");
    }

    #[test]
    fn civil_round_trip() {
        for z in (-800_000..800_000).step_by(37) {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
    }

    #[test]
    fn splitmix_is_stable() {
        // Reference values of splitmix64 seeded with 0: if these move, every seed's data moves.
        let mut r = SplitMix64::new(0);
        assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(r.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    }

    #[test]
    fn mix64_is_the_splitmix_output_function() {
        // next_u64 = mix64(state + gamma): the two must agree, or streams and ids drift apart.
        let mut r = SplitMix64::new(41);
        assert_eq!(
            r.next_u64(),
            mix64(41u64.wrapping_add(0x9E37_79B9_7F4A_7C15))
        );
        assert_eq!(mix64(0), 0);
    }
}
