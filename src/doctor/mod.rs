//! The documentation's troubleshooting checklist for API keys, as checks a program can run.
//!
//! [`run`] goes through the list the way the documentation does and never prints, logs or
//! returns the key (only its `ak_` prefix and positions within it):
//!
//! 1. **`FREDDY_API_KEY`**: is it set, and not empty?
//! 2. **Key format**: `ak_`, then ASCII letters and digits, 42 characters in all; a bad
//!    character is pointed at by position, the key itself masked.
//! 3. **Live call**: `GET /v1/models` with the `X-API-Key` header, an endpoint that needs a
//!    valid key. A 401, 403, 429 or network failure is explained in the documentation's terms.
//! 4. **Rate limit**: the `X-RateLimit-*` headers of that answer.
//!
//! The `freddy-doctor` program (`cargo install freddy`) prints this report and exits with 0
//! only when all is well; tools embedding the client can call [`run`] and read the typed
//! [`Report`].
//!
//! ```no_run
//! use freddy::doctor::{self, CheckKind, DoctorOptions};
//!
//! let report = doctor::run(&DoctorOptions::new());
//! print!("{report}");
//! if let Some(freddy::Error::Unauthorized(e)) = report.error() {
//!     eprintln!("the API refused the key (trace id {:?})", e.trace_id());
//! }
//! assert_eq!(report.checks()[0].kind(), CheckKind::KeySet);
//! std::process::exit(if report.is_ok() { 0 } else { 1 });
//! ```

mod explain;

use std::fmt;
use std::time::Duration;

use zeroize::Zeroizing;

use crate::client::{FreddyClient, DEFAULT_BASE_URL};
use crate::error::Error;
use crate::key::{ApiKey, KeyError, Scrubber};
use crate::rate_limit::RateLimit;

/// The variable the key is read from.
pub const KEY_VARIABLE: &str = "FREDDY_API_KEY";
/// The variable a base URL is read from when none is given.
pub const BASE_URL_VARIABLE: &str = "FREDDY_BASE_URL";

/// What [`run`] checks, and where.
///
/// By default the key comes from `FREDDY_API_KEY` and the base URL from `FREDDY_BASE_URL`
/// (or the API's default), with a 15 s timeout for the live call.
#[derive(Clone)]
#[must_use]
pub struct DoctorOptions {
    base_url: Option<String>,
    timeout: Duration,
    key: Option<Zeroizing<String>>,
}

impl DoctorOptions {
    /// The defaults.
    pub fn new() -> DoctorOptions {
        DoctorOptions {
            base_url: None,
            timeout: Duration::from_secs(15),
            key: None,
        }
    }

    /// Where to send the live call, instead of `FREDDY_BASE_URL` or the default.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The longest the live call may take.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Checks this value instead of `FREDDY_API_KEY` (for a tool with its own configuration).
    /// The copy kept here is zeroized when the options are dropped.
    pub fn api_key(mut self, raw: &str) -> Self {
        self.key = Some(Zeroizing::new(raw.to_owned()));
        self
    }
}

impl Default for DoctorOptions {
    fn default() -> Self {
        DoctorOptions::new()
    }
}

impl fmt::Debug for DoctorOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A base URL holding the key given is refused by the live call; shown without it here.
        let key = self.key.as_deref().and_then(|raw| ApiKey::new(raw).ok());
        let base_url = match (&self.base_url, &key) {
            (Some(url), Some(key)) => Some(Scrubber::new(key).scrub(url)),
            (url, _) => url.clone(),
        };
        f.debug_struct("DoctorOptions")
            .field("base_url", &base_url)
            .field("timeout", &self.timeout)
            .field("key", &self.key.as_ref().map(|_| "[given]"))
            .finish()
    }
}

/// Which item of the checklist a [`Check`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CheckKind {
    /// Is `FREDDY_API_KEY` set (or a key given)?
    KeySet,
    /// Is the key shaped like a Freddy key?
    KeyFormat,
    /// Does the API accept it (`GET /v1/models` with `X-API-Key`)?
    LiveCall,
    /// What the `X-RateLimit-*` headers say.
    RateLimit,
}

impl CheckKind {
    /// A short label, as printed in the report.
    pub fn label(&self) -> &'static str {
        match self {
            CheckKind::KeySet => "API key set",
            CheckKind::KeyFormat => "key format",
            CheckKind::LiveCall => "live call",
            CheckKind::RateLimit => "rate limit",
        }
    }
}

/// How a check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Status {
    /// All is well.
    Pass,
    /// Not broken, but not well either (the rate limit is used up, say).
    Warn,
    /// A problem to fix.
    Fail,
    /// Not run, because an earlier check failed, or nothing to check.
    Skip,
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Status::Pass => " ok ",
            Status::Warn => "WARN",
            Status::Fail => "FAIL",
            Status::Skip => "skip",
        })
    }
}

/// One item of the checklist: what was found, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    kind: CheckKind,
    status: Status,
    summary: String,
    details: Vec<String>,
}

impl Check {
    fn new(kind: CheckKind, status: Status, summary: impl Into<String>) -> Check {
        Check {
            kind,
            status,
            summary: summary.into(),
            details: Vec::new(),
        }
    }

    fn with_details(mut self, details: Vec<String>) -> Check {
        self.details = details;
        self
    }

    /// Which check this is.
    pub fn kind(&self) -> CheckKind {
        self.kind
    }

    /// How it came out.
    pub fn status(&self) -> Status {
        self.status
    }

    /// One line on what was found.
    pub fn summary(&self) -> &str {
        &self.summary
    }

    /// Explanations and advice, one paragraph each.
    pub fn details(&self) -> &[String] {
        &self.details
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "[{}] {}: {}",
            self.status,
            self.kind.label(),
            self.summary
        )?;
        for detail in &self.details {
            writeln!(f, "       {detail}")?;
        }
        Ok(())
    }
}

/// The outcome of [`run`]: every check in order, and the typed facts behind them.
///
/// `Display` prints the checklist for people; it never contains the key.
#[derive(Debug)]
pub struct Report {
    base_url: String,
    checks: Vec<Check>,
    key_error: Option<KeyError>,
    error: Option<Error>,
    rate_limit: Option<RateLimit>,
}

impl Report {
    /// The checks, in the order they ran.
    pub fn checks(&self) -> &[Check] {
        &self.checks
    }

    /// One check's result.
    pub fn check(&self, kind: CheckKind) -> Option<&Check> {
        self.checks.iter().find(|c| c.kind == kind)
    }

    /// Whether all is well: no check failed or warned.
    pub fn is_ok(&self) -> bool {
        self.checks
            .iter()
            .all(|c| matches!(c.status, Status::Pass | Status::Skip))
    }

    /// The base URL the live call went to.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Why the key is not shaped like a Freddy key, when it is not.
    pub fn key_error(&self) -> Option<KeyError> {
        self.key_error
    }

    /// How the live call failed, when it did.
    pub fn error(&self) -> Option<&Error> {
        self.error.as_ref()
    }

    /// The rate limit the API reported, when it did.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        self.rate_limit
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Checking the Freddy API key against {}", self.base_url)?;
        for check in &self.checks {
            check.fmt(f)?;
        }
        let problems = self
            .checks
            .iter()
            .filter(|c| matches!(c.status, Status::Fail | Status::Warn))
            .count();
        match problems {
            0 => writeln!(f, "All is well."),
            1 => writeln!(f, "1 problem found."),
            n => writeln!(f, "{n} problems found."),
        }
    }
}

/// Runs the checklist. Sends at most one request (`GET /v1/models`), with no retries.
pub fn run(options: &DoctorOptions) -> Report {
    let base_url = options
        .base_url
        .clone()
        .or_else(|| {
            std::env::var(BASE_URL_VARIABLE)
                .ok()
                .filter(|u| !u.trim().is_empty())
        })
        .map_or_else(|| DEFAULT_BASE_URL.to_owned(), |u| u.trim().to_owned());
    let mut report = Report {
        base_url,
        checks: Vec::new(),
        key_error: None,
        error: None,
        rate_limit: None,
    };
    let (set, raw) = key_set(options);
    report.checks.push(set);
    let key = match raw {
        Some(raw) => {
            let (check, key) = key_format(&raw);
            report.key_error = key.as_ref().err().copied();
            report.checks.push(check);
            key.ok()
        }
        None => {
            report
                .checks
                .push(skipped(CheckKind::KeyFormat, "there is no key to check"));
            None
        }
    };
    let Some(key) = key else {
        report
            .checks
            .push(skipped(CheckKind::LiveCall, "fix the key first"));
        report
            .checks
            .push(skipped(CheckKind::RateLimit, "no call was made"));
        return report;
    };
    // The report is printed: a base URL holding the key (which the client refuses to use) is
    // shown without it.
    let base_url = std::mem::take(&mut report.base_url);
    report.base_url = Scrubber::new(&key).scrub(&base_url);
    live_call(key, &base_url, options.timeout, &mut report);
    report
}

fn skipped(kind: CheckKind, why: &str) -> Check {
    Check::new(kind, Status::Skip, why)
}

/// The key to check, and whether it is there at all.
fn key_set(options: &DoctorOptions) -> (Check, Option<Zeroizing<String>>) {
    let kind = CheckKind::KeySet;
    if let Some(given) = &options.key {
        if given.trim().is_empty() {
            return (
                Check::new(kind, Status::Fail, "the key given is empty"),
                None,
            );
        }
        return (
            Check::new(kind, Status::Pass, "a key was given"),
            Some(given.clone()),
        );
    }
    match std::env::var(KEY_VARIABLE) {
        Ok(raw) => {
            let raw = Zeroizing::new(raw);
            if raw.trim().is_empty() {
                let check = Check::new(
                    kind,
                    Status::Fail,
                    format!("{KEY_VARIABLE} is set but empty"),
                )
                .with_details(explain::how_to_set_the_key());
                return (check, None);
            }
            (
                Check::new(kind, Status::Pass, format!("{KEY_VARIABLE} is set")),
                Some(raw),
            )
        }
        Err(std::env::VarError::NotPresent) => {
            let check = Check::new(kind, Status::Fail, format!("{KEY_VARIABLE} is not set"))
                .with_details(explain::how_to_set_the_key());
            (check, None)
        }
        Err(std::env::VarError::NotUnicode(_)) => {
            let check = Check::new(
                kind,
                Status::Fail,
                format!("{KEY_VARIABLE} is set but is not valid text (UTF-8)"),
            )
            .with_details(explain::how_to_set_the_key());
            (check, None)
        }
    }
}

fn key_format(raw: &str) -> (Check, Result<ApiKey, KeyError>) {
    let kind = CheckKind::KeyFormat;
    match raw.parse::<ApiKey>() {
        Ok(key) => {
            let len = key.expose_secret().len();
            let check = Check::new(
                kind,
                Status::Pass,
                format!("starts with `ak_`, then letters and digits only, {len} characters"),
            );
            (check, Ok(key))
        }
        Err(e) => {
            let check = Check::new(kind, Status::Fail, e.to_string())
                .with_details(explain::key_format(raw.trim(), e));
            (check, Err(e))
        }
    }
}

fn live_call(key: ApiKey, base_url: &str, timeout: Duration, report: &mut Report) {
    let client = FreddyClient::builder()
        .key(key)
        .base_url(base_url)
        .timeout(timeout)
        .connect_timeout(timeout)
        .max_retries(0)
        .build();
    let client = match client {
        Ok(client) => client,
        Err(e) => {
            let found = explain::failure(&e, &report.base_url, timeout);
            report.checks.push(
                Check::new(CheckKind::LiveCall, found.status, found.summary)
                    .with_details(found.details),
            );
            report
                .checks
                .push(skipped(CheckKind::RateLimit, "no call was made"));
            report.error = Some(e);
            return;
        }
    };
    let answered = match client.authenticated_get("models") {
        Ok(models) => {
            report.checks.push(explain::accepted(&models));
            true
        }
        Err(e) => {
            let found = explain::failure(&e, &report.base_url, timeout);
            report.checks.push(
                Check::new(CheckKind::LiveCall, found.status, found.summary)
                    .with_details(found.details),
            );
            let answered = e.status().is_some();
            report.error = Some(e);
            answered
        }
    };
    report.rate_limit = client.rate_limit();
    report
        .checks
        .push(explain::rate_limit(report.rate_limit, answered));
}
