//! Paths as rules see them: the request's path below `/api/v2/`, globs written relative to it,
//! and the glob matcher.

const API_ROOT: &str = "api/v2/";

/// What a glob is matched against: the path below `/api/v2/`. Paths outside the API (which
/// are answered 400) are matched without their leading `/`.
pub(super) fn request_subpath(path: &str) -> &str {
    let path = path.strip_prefix('/').unwrap_or(path);
    path.strip_prefix(API_ROOT).unwrap_or(path)
}

/// Globs are written relative to `/api/v2/`; a full path is accepted too, so that
/// `"/api/v2/crm/*"` does not silently match nothing.
pub(super) fn normalise_glob(glob: &str) -> String {
    let glob = glob.trim_start_matches('/');
    glob.strip_prefix(API_ROOT).unwrap_or(glob).to_owned()
}

/// `*` matches any run of bytes (including `/` and nothing); every other byte matches itself.
/// Greedy with one backtrack point: linear in practice, O(len²) at worst, never recursive.
pub fn glob_matches(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    // Position of the last `*` seen, and where in `text` its run currently ends.
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                // Let the last `*` swallow one more byte and retry from there.
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        let m = |p: &str, t: &str| glob_matches(p.as_bytes(), t.as_bytes());
        assert!(m("*", ""));
        assert!(m("*", "crm/organization/organization:1"));
        assert!(m("crm/organization*", "crm/organization"));
        assert!(m("crm/organization*", "crm/organization/x"));
        assert!(m("crm/organization*", "crm/organizationtype"));
        assert!(!m("crm/organization*", "crm/person"));
        assert!(m("hours/hours/*", "hours/hours/hours:1"));
        assert!(!m("hours/hours/*", "hours/hours"));
        assert!(m("*/person", "crm/person"));
        assert!(!m("*/person", "crm/person/x"));
        assert!(m("a*b*c", "aXXbYYbZZc"));
        assert!(!m("a*b*c", "aXXbYYbZZ"));
        assert!(m("**", "x"));
        assert!(!m("", "x"));
        assert!(m("", ""));
        assert!(m("crm/*/x", "crm/a/b/x"));
    }

    #[test]
    fn paths_and_globs_are_relative_to_the_api_root() {
        assert_eq!(request_subpath("/api/v2/crm/person"), "crm/person");
        assert_eq!(request_subpath("/nowhere"), "nowhere");
        assert_eq!(normalise_glob("/api/v2/crm/*"), "crm/*");
        assert_eq!(normalise_glob("/crm/*"), "crm/*");
        assert_eq!(normalise_glob("*"), "*");
    }
}
