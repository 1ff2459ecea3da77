//! The doctor's words: what each finding means, in the documentation's terms.

use std::time::Duration;

use serde_json::Value;

use super::{Check, CheckKind, Outcome, KEY_VARIABLE};
use crate::error::{ApiError, Error};
use crate::key::KeyError;
use crate::rate_limit::RateLimit;
use crate::wire::describe_char;

/// The mask shows at most this many characters.
const MASK_CHARS: usize = 120;

const REISSUE: &str = concat!(
    "Copy the key again from the Hub (Settings → API Keys). ",
    "A key is shown only once: if it is lost, create a new one there.",
);
const PLANS: &str = concat!(
    "API keys are limited per minute by plan: Standard 100 requests/minute, ",
    "Premium 1,000 requests/minute, Enterprise custom limits.",
);
const PACING: &str = concat!(
    "In code, `ClientBuilder::pace_requests(true)` waits for the reset ",
    "instead of collecting a 429.",
);

/// A finding of the live call.
pub(super) struct Found {
    pub(super) outcome: Outcome,
    pub(super) summary: String,
    pub(super) details: Vec<String>,
}

pub(super) fn how_to_set_the_key() -> Vec<String> {
    vec![
        "Create a key in Freddy (Settings → API Keys → Create New API Key) and copy it at once."
            .to_owned(),
        format!(
            "Store it in the environment, not in code: export {KEY_VARIABLE}=ak_... \
             (or a line in a .env file)."
        ),
    ]
}

/// Why a key is malformed, pointing at the place without showing the key.
pub(super) fn key_format(key: &str, error: KeyError) -> Vec<String> {
    let mut out = Vec::new();
    match error {
        KeyError::BadCharacter { position } => {
            let what = key
                .chars()
                .nth(position)
                .map_or_else(|| "a bad character".to_owned(), describe_char);
            out.push(format!(
                "It is {what}: after `ak_` a key has only ASCII letters and digits. \
                 Here is where, with the key hidden:"
            ));
            out.push(format!("  {}", mask(key, position)));
            if key.chars().nth(position).is_some_and(char::is_whitespace) {
                out.push(
                    "A key split by a space or line break was probably copied in pieces."
                        .to_owned(),
                );
            }
        }
        KeyError::MissingPrefix => {
            if key.starts_with(['"', '\'']) {
                out.push(format!(
                    "The value starts with a quote: remove the quotes around the key \
                     ({KEY_VARIABLE}=ak_...)."
                ));
            } else if key.to_ascii_lowercase().starts_with("bearer ") {
                out.push(
                    "The value starts with `Bearer `: the key goes in the X-API-Key header alone."
                        .to_owned(),
                );
            } else if let Some(at) = key.find("ak_") {
                let before = key[..at].chars().count();
                out.push(format!(
                    "`ak_` appears after {before} other characters: remove what comes before it."
                ));
            } else if key.starts_with("sk") {
                out.push("Keys starting with `sk` are not Freddy API keys.".to_owned());
            }
        }
        KeyError::WrongLength { .. } => {
            out.push(
                "A key has `ak_` and 39 letters and digits, 42 characters (43 in the \
                 documentation's example). Was it cut short, or pasted twice?"
                    .to_owned(),
            );
        }
        _ => {}
    }
    out.push(REISSUE.to_owned());
    out
}

/// `ak_` (when the key starts so) and one `*` per character, with `^` at `position`.
fn mask(key: &str, position: usize) -> String {
    let shown = if key.starts_with("ak_") { 3 } else { 0 };
    let mut out: String = key
        .chars()
        .enumerate()
        .take(MASK_CHARS.max(position + 1))
        .map(|(i, c)| match i {
            i if i == position => '^',
            i if i < shown => c,
            _ => '*',
        })
        .collect();
    if key.chars().count() > out.chars().count() {
        out.push('…');
    }
    out
}

pub(super) fn accepted(models: &Value) -> Check {
    const ACCEPTED: &str = "GET /v1/models with the X-API-Key header: the API accepted the key";
    let count = models.get("models").and_then(Value::as_array).map(Vec::len);
    let summary = match count {
        Some(n) => format!("{ACCEPTED} ({n} models available)"),
        None => ACCEPTED.to_owned(),
    };
    Check::new(CheckKind::LiveCall, Outcome::Pass, summary)
}

/// What a failed live call means and what to do.
pub(super) fn failure(error: &Error, base_url: &str, timeout: Duration) -> Found {
    let curl = format!(
        "To isolate the issue, try it with cURL: \
         curl -H \"X-API-Key: ${KEY_VARIABLE}\" {}/v1/models",
        base_url.trim_end_matches('/')
    );
    let fail = |summary: String, details: Vec<String>| Found {
        outcome: Outcome::Fail,
        summary,
        details,
    };
    match error {
        Error::Unauthorized(api) => fail(
            "401 Unauthorized: the API did not accept the key. \
             Authentication failed. Check your API key."
                .to_owned(),
            vec![
                "The documentation names three causes: a missing X-API-Key header, \
                 an invalid or expired API key, or a malformed API key."
                    .to_owned(),
                "The header was sent and the format is right, so the key is most likely deleted, \
                 deactivated, paused or expired. Verify in the Hub (Settings → API Keys) that it \
                 exists and is active, or create a new one."
                    .to_owned(),
                api_said(api),
                curl,
            ],
        ),
        Error::Forbidden(api) => fail(
            "403 Forbidden: the key is valid but not allowed to do this. \
             Permission denied. Check your account permissions."
                .to_owned(),
            vec![
                "The documentation names three causes: the API key doesn't have the required \
                 permissions, account limitations or restrictions, or the resource's access is \
                 denied."
                    .to_owned(),
                "Check the key's scopes and your account's permissions in the Hub \
                 (Settings → API Keys)."
                    .to_owned(),
                api_said(api),
                curl,
            ],
        ),
        Error::RateLimited(api) => {
            let wait = match api.retry_after() {
                Some(wait) => format!(
                    "Wait {} s before the next request, as the API asked.",
                    whole_seconds(wait)
                ),
                None => "Wait for the rate-limit window to reset.".to_owned(),
            };
            Found {
                outcome: Outcome::Warn,
                summary: "429 Too Many Requests: the key works, but its rate limit is used up"
                    .to_owned(),
                details: vec![PLANS.to_owned(), wait, PACING.to_owned(), api_said(api)],
            }
        }
        Error::Api(api) if api.status() == 404 => fail(
            format!("404 Not Found: {base_url} has no /v1/models"),
            vec![
                "Is the base URL the Freddy API? Set it with --base-url or FREDDY_BASE_URL \
                 (the default is https://api.aitronos.com)."
                    .to_owned(),
                curl,
            ],
        ),
        Error::Api(api) if api.status() >= 500 => fail(
            format!("{}: the API had a problem on its side", status_line(api)),
            vec![
                "This is not about your key. Try again later; if it persists, contact support \
                 and quote the trace id."
                    .to_owned(),
                api_said(api),
            ],
        ),
        Error::Api(api) => fail(
            format!(
                "{}: an answer the checklist does not expect",
                status_line(api)
            ),
            vec![api_said(api), curl],
        ),
        Error::Transport(t) => fail(
            format!("could not reach {base_url}: {t}"),
            vec![
                "This is a network failure: no answer came from the API, so the key was not \
                 checked."
                    .to_owned(),
                "Check the base URL (--base-url or FREDDY_BASE_URL), your network connection, \
                 and any proxy (HTTPS_PROXY, ALL_PROXY)."
                    .to_owned(),
                curl,
            ],
        ),
        Error::Timeout => fail(
            format!(
                "no answer from {base_url} within {} s",
                whole_seconds(timeout)
            ),
            vec![
                "This is a network failure: the network, a proxy or a firewall may be holding \
                 the request, or the API is slow. Try again, or with a longer --timeout."
                    .to_owned(),
                curl,
            ],
        ),
        Error::Redirect { status } => fail(
            format!(
                "the server redirected the request elsewhere ({status}); the key is not sent there"
            ),
            vec![
                "Check the base URL: it should be the API's own address, such as \
                 https://api.aitronos.com."
                    .to_owned(),
            ],
        ),
        Error::InvalidBaseUrl(why) => fail(
            format!("the base URL is not usable: {why}"),
            vec![
                "Pass a URL such as https://api.aitronos.com with --base-url or FREDDY_BASE_URL."
                    .to_owned(),
            ],
        ),
        other => fail(
            format!("the answer is not what the API sends: {other}"),
            vec![
                "Check that the base URL points at the Freddy API.".to_owned(),
                curl,
            ],
        ),
    }
}

pub(super) fn rate_limit(limit: Option<RateLimit>, answered: bool) -> Check {
    let kind = CheckKind::RateLimit;
    let Some(limit) = limit else {
        let why = if answered {
            "the API sent no X-RateLimit-* headers"
        } else {
            "the API did not answer"
        };
        return Check::new(kind, Outcome::Skip, why);
    };
    let wait = limit.reset_in();
    let resets = if wait.is_zero() {
        "the window has reset".to_owned()
    } else {
        format!("the window resets in {} s", whole_seconds(wait))
    };
    if limit.remaining == 0 {
        return Check::new(
            kind,
            Outcome::Warn,
            format!(
                "no requests left of {} in this window; {resets}",
                limit.limit
            ),
        )
        .with_details(vec![PLANS.to_owned(), PACING.to_owned()]);
    }
    Check::new(
        kind,
        Outcome::Pass,
        format!(
            "{} of {} requests left in this window; {resets}",
            limit.remaining, limit.limit
        ),
    )
}

fn api_said(api: &ApiError) -> String {
    let mut said = format!("The API said: {} ({})", api.message(), api.code());
    if let Some(trace) = api.trace_id() {
        said.push_str(&format!(", trace id {trace}"));
    }
    said
}

fn status_line(api: &ApiError) -> String {
    let reason = http::StatusCode::from_u16(api.status())
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    format!("{} {reason}", api.status()).trim_end().to_owned()
}

/// Seconds, rounded up: "0 s" would read as "no wait".
fn whole_seconds(wait: Duration) -> u64 {
    wait.as_millis().div_ceil(1000).max(1) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mask_hides_everything_but_the_prefix_and_points_at_the_position() {
        assert_eq!(mask("ak_ab-cd", 5), "ak_**^**");
        assert_eq!(mask("xk_ab", 0), "^****");
    }

    #[test]
    fn waits_round_up() {
        assert_eq!(whole_seconds(Duration::from_millis(1)), 1);
        assert_eq!(whole_seconds(Duration::from_millis(2001)), 3);
    }
}
