//! The base URL, and endpoints that can never leave it.
//!
//! URLs are built by concatenation, `{base}/v1/{endpoint}`, never by URL joining: joining lets an
//! argument such as `//evil.example` or `https://evil.example` replace the host. Endpoints are
//! checked against an allow-list of URI characters and refused if they could climb out of
//! `/v1/` (dot segments, encoded slashes, backslashes).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use http::Uri;

use crate::error::Error;
use crate::key::{ApiKey, Scrubber};

/// A checked base URL: where the key may go.
#[derive(Debug, Clone)]
pub(crate) struct BaseUrl {
    /// `scheme://authority/prefix`, without a trailing slash.
    root: String,
    /// `{root}/v1/`, the start of every request URL.
    api_root: String,
    origin: Origin,
}

/// Scheme, host and port: what a redirect must keep for the key to follow it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Origin {
    scheme: String,
    host: String,
    port: u16,
}

impl Origin {
    pub(crate) fn of(uri: &Uri) -> Option<Origin> {
        let scheme = uri.scheme_str()?.to_ascii_lowercase();
        let port = uri.port_u16().or(match scheme.as_str() {
            "https" => Some(443),
            "http" => Some(80),
            _ => None,
        })?;
        Some(Origin {
            host: uri.host()?.to_ascii_lowercase(),
            scheme,
            port,
        })
    }

    /// Whether the host is this machine: `localhost`, 127.0.0.0/8 or `[::1]`.
    pub(crate) fn is_loopback(&self) -> bool {
        let host = self.host.trim_start_matches('[').trim_end_matches(']');
        host == "localhost"
            || host.parse::<Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
            || host
                .parse::<Ipv6Addr>()
                .is_ok_and(|ip| IpAddr::V6(ip).is_loopback())
    }
}

impl BaseUrl {
    /// Parses a base URL for a client holding `key`: one that holds the key (whole, or any run
    /// of [`LEAK_WINDOW`](crate::key::LEAK_WINDOW) characters of it) is refused without being
    /// quoted, since the key must never travel in a URL.
    pub(crate) fn parse_for(raw: &str, key: &ApiKey) -> Result<BaseUrl, Error> {
        if Scrubber::new(key).leaks(raw) {
            return Err(Error::InvalidBaseUrl(
                "it contains the API key, which is only ever sent in the X-API-Key header"
                    .to_owned(),
            ));
        }
        BaseUrl::parse(raw)
    }

    pub(crate) fn parse(raw: &str) -> Result<BaseUrl, Error> {
        let bad = |why: &str| {
            Err(Error::InvalidBaseUrl(format!(
                "{why} (in {})",
                printable(&without_credentials(raw))
            )))
        };
        if raw.is_empty()
            || raw
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || !c.is_ascii())
        {
            return bad("it is empty or has whitespace, control or non-ASCII characters");
        }
        if raw.contains('#') || raw.contains('?') {
            return bad("it may not have a query or fragment");
        }
        let Ok(uri) = raw.parse::<Uri>() else {
            return bad("it is not a URL");
        };
        let Some(authority) = uri.authority() else {
            return bad("it has no scheme or host");
        };
        if authority.as_str().contains('@') {
            return bad("it may not contain user info");
        }
        let Some(origin) = Origin::of(&uri) else {
            return bad("the scheme must be https (or http for a loopback host)");
        };
        match origin.scheme.as_str() {
            "https" => {}
            "http" if origin.is_loopback() => {}
            "http" => {
                return bad(
                    "plain http is only allowed for loopback hosts (localhost, 127.0.0.0/8, [::1])",
                )
            }
            _ => return bad("the scheme must be https"),
        }
        let path = uri.path().trim_end_matches('/');
        if path.split('/').any(is_dot_segment) || path.contains("//") {
            return bad("the path may not contain empty, `.` or `..` segments");
        }
        let root = format!("{}://{}{}", origin.scheme, authority.as_str(), path);
        Ok(BaseUrl {
            api_root: format!("{root}/v1/"),
            root,
            origin,
        })
    }

    /// The base URL as configured, without a trailing slash.
    pub(crate) fn as_str(&self) -> &str {
        &self.root
    }

    pub(crate) fn origin(&self) -> &Origin {
        &self.origin
    }

    /// `{base}/v1/{endpoint}`, or [`Error::InvalidEndpoint`] when the endpoint could leave it.
    pub(crate) fn endpoint_url(&self, endpoint: &str) -> Result<String, Error> {
        check_endpoint(endpoint)?;
        let endpoint = endpoint.strip_prefix('/').unwrap_or(endpoint);
        let mut url = String::with_capacity(self.api_root.len() + endpoint.len());
        url.push_str(&self.api_root);
        url.push_str(endpoint);
        Ok(url)
    }
}

/// Whether a character may stand in a path segment (RFC 3986 `pchar`; `%` is checked apart).
fn is_path_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@%".contains(&b)
}

pub(crate) fn check_endpoint(endpoint: &str) -> Result<(), Error> {
    let refuse = |why: &str| {
        Err(Error::InvalidEndpoint(format!(
            "{why}: {}",
            printable(endpoint)
        )))
    };
    let trimmed = endpoint.strip_prefix('/').unwrap_or(endpoint);
    let (path, query) = match trimmed.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (trimmed, None),
    };
    if path.is_empty() {
        return refuse("the endpoint is empty");
    }
    // Checked per request: a clean endpoint passes on one byte scan.
    let bad = if endpoint.bytes().all(|b| b.is_ascii_graphic()) {
        None
    } else {
        endpoint
            .chars()
            .find(|c| c.is_whitespace() || c.is_control() || !c.is_ascii())
    };
    if let Some(bad) = bad {
        let what = if bad.is_ascii() {
            "whitespace or a control character"
        } else {
            "a non-ASCII character"
        };
        return refuse(&format!("it contains {what}"));
    }
    if endpoint.contains('#') {
        return refuse("it may not contain a fragment (`#`)");
    }
    if path.contains("://")
        || path
            .split('/')
            .next()
            .is_some_and(|first| first.contains(':'))
    {
        return refuse("it must be a path under /v1/, not an absolute URL");
    }
    if path.starts_with('/') || path.contains("//") {
        return refuse("it may not contain `//`");
    }
    if path.contains('\\') {
        return refuse("it may not contain backslashes");
    }
    let escaped = path.contains('%');
    let lower = if escaped {
        path.to_ascii_lowercase()
    } else {
        String::new()
    };
    if escaped && (lower.contains("%2f") || lower.contains("%5c")) {
        return refuse("it may not contain encoded slashes (%2F, %5C)");
    }
    let dots = if escaped {
        lower
            .split('/')
            .any(|s| is_dot_segment(&s.replace("%2e", ".")))
    } else {
        path.split('/').any(is_dot_segment)
    };
    if dots {
        return refuse("it may not contain `.` or `..` segments");
    }
    if let Some(bad) = path.bytes().find(|&b| b != b'/' && !is_path_char(b)) {
        return refuse(&format!("`{}` is not allowed in a path", bad as char));
    }
    if let Some(query) = query {
        if let Some(bad) = query
            .bytes()
            .find(|&b| !(is_path_char(b) || b == b'/' || b == b'?'))
        {
            return refuse(&format!("`{}` is not allowed in a query", bad as char));
        }
    }
    if !percent_escapes_are_complete(endpoint) {
        return refuse("`%` must start a two-digit hex escape");
    }
    Ok(())
}

fn is_dot_segment(segment: &str) -> bool {
    segment == "." || segment == ".."
}

fn percent_escapes_are_complete(s: &str) -> bool {
    let b = s.as_bytes();
    b.iter().enumerate().all(|(i, &c)| {
        c != b'%'
            || (i + 2 < b.len() && b[i + 1].is_ascii_hexdigit() && b[i + 2].is_ascii_hexdigit())
    })
}

/// A base URL as an error may show it: user-info, query and fragment are where people put
/// passwords and tokens (the API key included), so they are replaced by `…`.
fn without_credentials(raw: &str) -> String {
    let (before, rest) = raw.split_at(raw.find(['?', '#']).unwrap_or(raw.len()));
    let authority_start = before.find("://").map_or(0, |i| i + 3);
    let authority_end = before[authority_start..]
        .find('/')
        .map_or(before.len(), |i| authority_start + i);
    let mut shown = before.to_owned();
    if let Some(at) = before[authority_start..authority_end].rfind('@') {
        shown.replace_range(authority_start..authority_start + at, "…");
    }
    if let Some(marker) = rest.chars().next() {
        shown.push(marker);
        shown.push('…');
    }
    shown
}

/// Input echoed in an error: control characters shown escaped, long input shortened.
fn printable(s: &str) -> String {
    let mut out: String = s.chars().take(120).flat_map(char::escape_debug).collect();
    if s.chars().count() > 120 {
        out.push('…');
    }
    format!("\"{out}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_segments_and_encoded_slashes_are_refused_in_any_case() {
        for bad in [
            "a/%2E%2e/b",
            "a/%2e/b",
            "..",
            "a/%2F",
            "a%5Cb",
            "x/./y",
            "%2e%2E",
        ] {
            assert!(check_endpoint(bad).is_err(), "{bad}");
        }
        for ok in [
            "models",
            "/models",
            "a/b.c/d",
            "models?include_pricing=true&x=a/b",
            "a/%20b",
        ] {
            assert!(check_endpoint(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn refused_base_urls_are_shown_without_credentials() {
        assert_eq!(
            without_credentials("https://u:pw@h:1/p?token=x#f"),
            "https://…@h:1/p?…"
        );
        assert_eq!(without_credentials("u:pw@h/p@q"), "…@h/p@q");
        assert_eq!(without_credentials("https://h/p#x"), "https://h/p#…");
        assert_eq!(without_credentials("https://h/p"), "https://h/p");
    }

    #[test]
    fn incomplete_escapes_are_refused() {
        assert!(check_endpoint("a%2").is_err());
        assert!(check_endpoint("a%zz").is_err());
        assert!(check_endpoint("a%41").is_ok());
    }
}

#[cfg(test)]
mod proptests {
    use proptest::prelude::*;

    use super::*;

    const BASES: [&str; 4] = [
        "https://api.aitronos.com",
        "https://api.aitronos.com/",
        "http://127.0.0.1:8080/gateway/",
        "https://host.example:8443/a/b",
    ];

    /// Endpoints built from the pieces that have let arguments escape elsewhere: dot segments
    /// (also encoded), slashes and backslashes (also encoded), schemes, user info, queries,
    /// fragments, stray `%`.
    fn hostile_endpoint() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            4 => "[a-z0-9]{1,4}",
            2 => Just("/".to_owned()),
            3 => prop::sample::select(vec![
                "/", "//", ".", "..", "%2e", "%2E", "%2e%2E", "%2f", "%2F", "%5c", "%5C", "\\",
                ":", "@", "?", "#", "%", "%4", "%41", "%25", "https:", "//evil.example",
                "http://evil.example", "evil.example:443", ";", "~", "&", "=", " ", "\t", "é",
            ])
            .prop_map(str::to_owned),
        ];
        prop::collection::vec(piece, 0..10).prop_map(|pieces| pieces.concat())
    }

    fn percent_decode(s: &str) -> Vec<u8> {
        let b = s.as_bytes();
        let mut out = Vec::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            let hex = b
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            match (b[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
                (b'%', Some(byte)) => {
                    out.push(byte);
                    i += 3;
                }
                (byte, _) => {
                    out.push(byte);
                    i += 1;
                }
            }
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn no_accepted_endpoint_leaves_the_origin_or_v1(
            base in prop::sample::select(BASES.to_vec()),
            endpoint in prop_oneof![3 => hostile_endpoint(), 1 => ".{0,40}"],
        ) {
            let base = BaseUrl::parse(base).unwrap();
            let Ok(url) = base.endpoint_url(&endpoint) else { return Ok(()) };
            let uri: Uri = url.parse().map_err(|e| {
                TestCaseError::fail(format!("{endpoint:?} gave {url:?}, not a URI: {e}"))
            })?;
            let root: Uri = base.as_str().parse().unwrap();
            prop_assert_eq!(uri.scheme(), root.scheme(), "{:?} -> {:?}", endpoint, url);
            prop_assert_eq!(uri.authority(), root.authority(), "{:?} -> {:?}", endpoint, url);
            prop_assert_eq!(Origin::of(&uri), Some(base.origin().clone()));

            let prefix = format!("{}/v1/", root.path().trim_end_matches('/'));
            let path = percent_decode(uri.path());
            prop_assert!(
                path.starts_with(prefix.as_bytes()),
                "{:?} -> path {:?}", endpoint, uri.path()
            );
            let rest = &path[prefix.len()..];
            prop_assert!(
                rest.split(|&b| b == b'/').all(|s| s != b"." && s != b".."),
                "{:?} -> path {:?}", endpoint, uri.path()
            );
            prop_assert!(!rest.contains(&b'\\'), "{:?} -> path {:?}", endpoint, uri.path());
        }

        #[test]
        fn plain_paths_are_kept_as_given(
            base in prop::sample::select(BASES.to_vec()),
            segments in prop::collection::vec("[A-Za-z0-9_~-][A-Za-z0-9._~-]{0,8}", 1..5),
            query in proptest::option::of("[a-z]{1,5}=[a-z0-9/]{0,5}"),
            slash in any::<bool>(),
        ) {
            let path = segments.join("/");
            prop_assume!(path.split('/').all(|s| !is_dot_segment(s)));
            let endpoint = format!(
                "{}{path}{}",
                if slash { "/" } else { "" },
                query.as_ref().map(|q| format!("?{q}")).unwrap_or_default()
            );
            let base = BaseUrl::parse(base).unwrap();
            let url = base.endpoint_url(&endpoint).unwrap();
            prop_assert_eq!(url, format!("{}/v1/{}", base.as_str(), endpoint.trim_start_matches('/')));
        }
    }
}
