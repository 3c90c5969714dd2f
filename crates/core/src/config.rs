//! Where requests go: turning `domain=` / `base_url=` into one validated base URL, and joining a
//! call's path onto it.
//!
//! The API is SSL-only, so plain `http://` is refused unless the host is a loopback address (local
//! test servers such as the bundled fake need it). Anything that would smuggle a second origin or
//! credentials into a URL (userinfo, a query or fragment in the base, an absolute URL as a path)
//! is refused here, before any request exists.

use std::net::IpAddr;

use url::{Host, Url};

use crate::error::{Error, Result};

/// The API lives under this path on every Simplicate host.
pub const API_PATH: &str = "/api/v2";
/// `domain="acme"` means `https://acme.simplicate.nl/api/v2`.
pub const DEFAULT_HOST_SUFFIX: &str = "simplicate.nl";

/// Resolve the constructor's `domain` / `base_url` into the base URL every path is joined to.
pub fn resolve_base_url(domain: Option<&str>, base_url: Option<&str>) -> Result<Url> {
    match (domain, base_url) {
        (Some(_), Some(_)) => Err(Error::Config(
            "pass either domain= or base_url=, not both".to_owned(),
        )),
        (Some(domain), None) => domain_url(domain),
        (None, Some(base)) => parse_base_url(base),
        (None, None) => Err(Error::Config(
            "no Simplicate address: pass domain='yourcompany' (for https://yourcompany.simplicate.nl) \
             or base_url=..., or set SIMPLICATE_DOMAIN or SIMPLICATE_BASE_URL"
                .to_owned(),
        )),
    }
}

fn domain_url(domain: &str) -> Result<Url> {
    let label = domain.trim();
    let valid = !label.is_empty()
        && label.len() <= 63
        && label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !label.starts_with('-')
        && !label.ends_with('-');
    if !valid {
        let hint = if label.contains('.') || label.contains('/') {
            format!(
                "; for a full address pass base_url='https://{}/api/v2' instead",
                label
                    .trim_start_matches("https://")
                    .trim_start_matches("http://")
                    .trim_end_matches('/')
            )
        } else {
            String::new()
        };
        return Err(Error::Config(format!(
            "domain={domain:?} is not a valid Simplicate subdomain: expected letters, digits and \
             hyphens only, like 'acme' for https://acme.simplicate.nl{hint}"
        )));
    }
    let url = format!(
        "https://{}.{DEFAULT_HOST_SUFFIX}{API_PATH}",
        label.to_ascii_lowercase()
    );
    Url::parse(&url).map_err(|e| Error::Config(format!("domain={domain:?}: {e}")))
}

fn parse_base_url(raw: &str) -> Result<Url> {
    let raw = raw.trim();
    let mut url = Url::parse(raw)
        .map_err(|e| Error::Config(format!("base_url={raw:?} is not a valid URL: {e}")))?;
    let host = match url.host() {
        Some(host) => host.to_owned(),
        None => {
            return Err(Error::Config(format!("base_url={raw:?} has no host")));
        }
    };
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&host) => {}
        "http" => {
            return Err(Error::Config(format!(
                "base_url={raw:?} uses plain http: the Simplicate API is SSL-only, so use https:// \
                 (http:// is accepted only for loopback test servers such as 127.0.0.1 or localhost)"
            )));
        }
        other => {
            return Err(Error::Config(format!(
                "base_url={raw:?} has scheme {other:?}; expected https://"
            )));
        }
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::Config(
            "base_url must not contain credentials; pass api_key= and api_secret=".to_owned(),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::Config(format!(
            "base_url={raw:?} must not contain a query or fragment"
        )));
    }
    // A bare host means the standard API root; any other path is taken as given (proxies and
    // test servers may mount the API elsewhere).
    let path = url.path().trim_end_matches('/').to_owned();
    if path.is_empty() {
        url.set_path(API_PATH);
    } else {
        url.set_path(&path);
    }
    Ok(url)
}

/// 127.0.0.0/8, ::1 (and IPv4-mapped forms) and `localhost` names.
pub fn is_loopback(host: &Host<String>) -> bool {
    match host {
        Host::Ipv4(ip) => ip.is_loopback(),
        Host::Ipv6(ip) => {
            ip.is_loopback()
                || ip
                    .to_ipv4_mapped()
                    .is_some_and(|v4| IpAddr::V4(v4).is_loopback())
        }
        Host::Domain(name) => {
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
    }
}

/// Join a call's path (`"crm/organization"`, `"/crm/organization/organization:abc"`) onto the
/// base URL. Each segment is percent-encoded on its own, so ids with `:` or spaces stay one
/// segment and `..` cannot climb out of the API root.
pub fn join_path(base: &Url, path: &str) -> Result<Url> {
    let trimmed = path.trim();
    if trimmed.contains("://") || trimmed.starts_with("//") {
        return Err(Error::InvalidArgument(format!(
            "path={path:?} must be relative to the API root (like 'crm/organization'), not a full URL"
        )));
    }
    if trimmed.contains('?') || trimmed.contains('#') {
        return Err(Error::InvalidArgument(format!(
            "path={path:?} must not contain '?' or '#'; pass query parameters with params="
        )));
    }
    let segments: Vec<&str> = trimmed
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    if segments.is_empty() {
        return Err(Error::InvalidArgument(format!(
            "path={path:?} is empty; expected something like 'crm/organization'"
        )));
    }
    if let Some(bad) = segments.iter().find(|s| **s == "." || **s == "..") {
        return Err(Error::InvalidArgument(format!(
            "path={path:?} contains {bad:?}; paths cannot leave the API root"
        )));
    }
    let mut url = base.clone();
    {
        let mut parts = url
            .path_segments_mut()
            .map_err(|()| Error::Config("base URL cannot carry a path".to_owned()))?;
        parts.pop_if_empty();
        for segment in segments {
            parts.push(segment);
        }
    }
    Ok(url)
}

/// `scheme://host:port` equality: the unit across which credentials may travel.
pub fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host() == b.host()
        && a.port_or_known_default() == b.port_or_known_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(domain: Option<&str>, base_url: Option<&str>) -> Result<String> {
        resolve_base_url(domain, base_url).map(|u| u.to_string())
    }

    #[test]
    fn domain_becomes_the_nl_api_root() {
        assert_eq!(
            base(Some("acme"), None).unwrap(),
            "https://acme.simplicate.nl/api/v2"
        );
        assert_eq!(
            base(Some("Acme-2"), None).unwrap(),
            "https://acme-2.simplicate.nl/api/v2"
        );
    }

    #[test]
    fn malformed_domains_are_refused_with_a_hint() {
        for bad in [
            "",
            " ",
            "-acme",
            "acme-",
            "ac me",
            "acme_1",
            "acme/x",
            &"a".repeat(64),
        ] {
            assert!(
                matches!(base(Some(bad), None), Err(Error::Config(_))),
                "{bad:?}"
            );
        }
        let msg = base(Some("acme.simplicate.com"), None)
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("base_url='https://acme.simplicate.com/api/v2'"),
            "{msg}"
        );
    }

    #[test]
    fn base_url_forms() {
        assert_eq!(
            base(None, Some("https://acme.simplicate.com")).unwrap(),
            "https://acme.simplicate.com/api/v2"
        );
        assert_eq!(
            base(None, Some("https://acme.simplicate.app/api/v2/")).unwrap(),
            "https://acme.simplicate.app/api/v2"
        );
        assert_eq!(
            base(None, Some("http://127.0.0.1:8080/api/v2")).unwrap(),
            "http://127.0.0.1:8080/api/v2"
        );
        assert_eq!(
            base(None, Some("http://localhost:9/")).unwrap(),
            "http://localhost:9/api/v2"
        );
        assert_eq!(
            base(None, Some("http://[::1]:9/api/v2")).unwrap(),
            "http://[::1]:9/api/v2"
        );
        assert!(base(None, Some("http://127.5.6.7/x")).is_ok());
    }

    #[test]
    fn plain_http_to_a_real_host_is_refused() {
        for bad in [
            "http://acme.simplicate.nl/api/v2",
            "http://10.0.0.1/api/v2",
            "http://localhost.evil.com/api/v2",
            "http://[::2]/api/v2",
        ] {
            let err = base(None, Some(bad)).unwrap_err().to_string();
            assert!(err.contains("SSL-only"), "{bad}: {err}");
        }
    }

    #[test]
    fn odd_base_urls_are_refused() {
        for bad in [
            "acme.simplicate.nl",
            "ftp://acme.simplicate.nl",
            "https://user:pw@acme.simplicate.nl",
            "https://acme.simplicate.nl/api/v2?x=1",
            "https://acme.simplicate.nl/api/v2#f",
            "not a url",
        ] {
            assert!(
                matches!(base(None, Some(bad)), Err(Error::Config(_))),
                "{bad}"
            );
        }
        assert!(base(Some("a"), Some("https://a.simplicate.nl")).is_err());
        assert!(base(None, None).is_err());
    }

    #[test]
    fn loopback_names() {
        assert!(is_loopback(&Host::Domain("LOCALHOST.".to_owned())));
        assert!(is_loopback(&Host::Domain("api.localhost".to_owned())));
        assert!(!is_loopback(&Host::Domain("localhost.com".to_owned())));
        assert!(is_loopback(&Host::Ipv6(
            "::ffff:127.0.0.1".parse().unwrap()
        )));
    }

    #[test]
    fn paths_join_segment_by_segment() {
        let b = Url::parse("https://acme.simplicate.nl/api/v2").unwrap();
        let j = |p: &str| join_path(&b, p).map(|u| u.to_string());
        assert_eq!(
            j("crm/organization").unwrap(),
            "https://acme.simplicate.nl/api/v2/crm/organization"
        );
        assert_eq!(
            j("/crm/organization/organization:abc/").unwrap(),
            "https://acme.simplicate.nl/api/v2/crm/organization/organization:abc"
        );
        assert_eq!(
            j("crm/x y").unwrap(),
            "https://acme.simplicate.nl/api/v2/crm/x%20y"
        );
        for bad in [
            "",
            "/",
            "../secret",
            "crm/./x",
            "https://evil.com/x",
            "//evil.com/x",
            "crm?x=1",
        ] {
            assert!(
                matches!(join_path(&b, bad), Err(Error::InvalidArgument(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn origins() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert!(same_origin(&u("https://a.nl/x"), &u("https://a.nl:443/y")));
        assert!(!same_origin(&u("https://a.nl/x"), &u("http://a.nl/x")));
        assert!(!same_origin(
            &u("http://127.0.0.1:1/x"),
            &u("http://127.0.0.1:2/x")
        ));
        assert!(!same_origin(&u("https://a.nl/x"), &u("https://b.nl/x")));
    }
}
