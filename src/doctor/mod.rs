//! The documentation's troubleshooting checklist for API keys, as checks a program can run.
//!
//! [`run`] goes through the list the way the documentation does and never prints, logs or
//! returns the key (only its `ak_` prefix and positions within it):
//!
//! 1. **`FREDDY_API_KEY`**: is it set, and not empty?
//! 2. **Key format**: `ak_`, then ASCII letters and digits, 42 characters in all (43, as in
//!    the documentation's example, is accepted too); a bad character is pointed at by
//!    position, the key itself masked.
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

use crate::client::env::{self, EnvValue};
use crate::client::{FreddyClient, DEFAULT_BASE_URL};
use crate::error::Error;
use crate::key::{ApiKey, KeyError, Scrubber};
use crate::rate_limit::RateLimit;

/// The variable the key is read from.
pub const KEY_VARIABLE: &str = env::KEY_VARIABLE;
/// The variable a base URL is read from when none is given.
pub const BASE_URL_VARIABLE: &str = env::BASE_URL_VARIABLE;

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
    pub fn base_url(mut self, url: &str) -> Self {
        self.base_url = Some(url.to_owned());
        self
    }

    /// The longest the live call may take.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Checks this value instead of `FREDDY_API_KEY` (for a tool with its own configuration).
    /// The copy kept here is zeroized when the options are dropped.
    pub fn api_key(mut self, raw: impl AsRef<str>) -> Self {
        self.key = Some(Zeroizing::new(raw.as_ref().to_owned()));
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
pub enum Outcome {
    /// All is well.
    Pass,
    /// Not broken, but not well either (the rate limit is used up, say).
    Warn,
    /// A problem to fix.
    Fail,
    /// Not run, because an earlier check failed, or nothing to check.
    Skip,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Outcome::Pass => " ok ",
            Outcome::Warn => "WARN",
            Outcome::Fail => "FAIL",
            Outcome::Skip => "skip",
        })
    }
}

/// One item of the checklist: what was found, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    kind: CheckKind,
    outcome: Outcome,
    summary: String,
    details: Vec<String>,
}

impl Check {
    fn new(kind: CheckKind, outcome: Outcome, summary: impl Into<String>) -> Check {
        Check {
            kind,
            outcome,
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
    pub fn outcome(&self) -> Outcome {
        self.outcome
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
            self.outcome,
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
            .all(|c| matches!(c.outcome, Outcome::Pass | Outcome::Skip))
    }

    /// The base URL the live call went to, any part of the key in it `[REDACTED]`.
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
            .filter(|c| matches!(c.outcome, Outcome::Fail | Outcome::Warn))
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
    let base_url = match &options.base_url {
        Some(given) => given.trim().to_owned(),
        None => match env::read(BASE_URL_VARIABLE) {
            // A value that is not Unicode is checked as it reads, and refused by the live call.
            EnvValue::Set(url) | EnvValue::NotUnicode(url) => url.to_string(),
            EnvValue::Unset | EnvValue::Blank => DEFAULT_BASE_URL.to_owned(),
        },
    };
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
    Check::new(kind, Outcome::Skip, why)
}

/// The key to check, and whether it is there at all.
fn key_set(options: &DoctorOptions) -> (Check, Option<Zeroizing<String>>) {
    let kind = CheckKind::KeySet;
    if let Some(given) = &options.key {
        if given.trim().is_empty() {
            return (
                Check::new(kind, Outcome::Fail, "the key given is empty"),
                None,
            );
        }
        return (
            Check::new(kind, Outcome::Pass, "a key was given"),
            Some(given.clone()),
        );
    }
    let summary = match env::read(KEY_VARIABLE) {
        EnvValue::Set(raw) => {
            let check = Check::new(kind, Outcome::Pass, format!("{KEY_VARIABLE} is set"));
            return (check, Some(raw));
        }
        EnvValue::Blank => format!("{KEY_VARIABLE} is set but empty"),
        EnvValue::Unset => format!("{KEY_VARIABLE} is not set"),
        EnvValue::NotUnicode(_) => format!("{KEY_VARIABLE} is set but is not valid text (UTF-8)"),
    };
    let check =
        Check::new(kind, Outcome::Fail, summary).with_details(explain::how_to_set_the_key());
    (check, None)
}

fn key_format(raw: &str) -> (Check, Result<ApiKey, KeyError>) {
    let kind = CheckKind::KeyFormat;
    match raw.parse::<ApiKey>() {
        Ok(key) => {
            let len = key.expose_secret().len();
            let check = Check::new(
                kind,
                Outcome::Pass,
                format!("starts with `ak_`, then letters and digits only, {len} characters"),
            );
            (check, Ok(key))
        }
        Err(e) => {
            let check = Check::new(kind, Outcome::Fail, e.to_string())
                .with_details(explain::key_format(raw.trim(), e));
            (check, Err(e))
        }
    }
}

/// Calls `GET /v1/models` at `base_url`; everything reported names the scrubbed
/// `report.base_url` instead.
fn live_call(key: ApiKey, base_url: &str, timeout: Duration, report: &mut Report) {
    let client = FreddyClient::builder()
        .key(key)
        .base_url(base_url)
        .timeout(timeout)
        .connect_timeout(timeout)
        .max_retries(0)
        .build();
    let failed = |e: Error, report: &mut Report| {
        let found = explain::failure(&e, &report.base_url, timeout);
        report.checks.push(
            Check::new(CheckKind::LiveCall, found.outcome, found.summary)
                .with_details(found.details),
        );
        report.error = Some(e);
    };
    let client = match client {
        Ok(client) => client,
        Err(e) => {
            failed(e, report);
            report
                .checks
                .push(skipped(CheckKind::RateLimit, "no call was made"));
            return;
        }
    };
    let answered = match client.authenticated_get("models") {
        Ok(models) => {
            report.checks.push(explain::accepted(&models));
            true
        }
        Err(e) => {
            let answered = e.status().is_some();
            failed(e, report);
            answered
        }
    };
    report.rate_limit = client.rate_limit();
    report
        .checks
        .push(explain::rate_limit(report.rate_limit, answered));
}
