//! A local stand-in of the Freddy API for your own tests (feature `mock`).
//!
//! [`MockFreddy`] starts a [mockito] server on 127.0.0.1 and hands out a [`FreddyClient`]
//! already pointed at it. Scenarios answer as the documentation does — the documented 401 and
//! 403 envelopes, rate-limit headers, a 429 with `Retry-After`, a created response, a paced
//! stream — and remember what your code sent, so a test can assert on it.
//!
//! ```
//! use std::time::Duration;
//! use freddy::mock::MockFreddy;
//! use freddy::responses::{CreateResponse, Message};
//!
//! // The code under test.
//! fn greet(client: &freddy::FreddyClient) -> Result<String, freddy::Error> {
//!     let request = CreateResponse::new("gpt-4o", [Message::user("Hello!")]);
//!     Ok(client.responses().create(&request)?.text())
//! }
//!
//! let mock = MockFreddy::start();
//! mock.rate_limited(Duration::ZERO).times(1); // the first call gets a 429…
//! let created = mock.create_response("Hi there!"); // …the client retries, and this answers
//!
//! assert_eq!(greet(&mock.client()).unwrap(), "Hi there!");
//! created.assert_hits(1);
//! assert_eq!(created.last_body().unwrap()["model"], "gpt-4o");
//! mock.assert_key_sent();
//! ```
//!
//! # Which scenario answers
//! Scenarios limited with [`Scenario::times`] answer first, in the order they were added, until
//! they are used up. Otherwise the most recently added scenario that matches the request
//! answers, so a later scenario overrides an earlier one. A request that no scenario matches
//! gets a 404 envelope with the code `MOCK_NO_SCENARIO` and is reported by
//! [`MockFreddy::assert_no_unexpected_requests`]. A request with a missing or different key
//! gets the documented 401, as the real API would, and fails [`MockFreddy::assert_key_sent`].
//!
//! For anything the scenarios do not cover, add plain mockito mocks with
//! [`MockFreddy::with_server`]; [`mockito`] is re-exported so its version always matches.

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use mockito::{Matcher, Mock, Request, ServerGuard};
use serde_json::{json, Value};

use crate::{ApiKey, ClientBuilder, FreddyClient};

/// The mockito this module is built on, for [`MockFreddy::with_server`].
pub use mockito;

/// The documentation's placeholder key, which [`MockFreddy::start`] expects.
pub const PLACEHOLDER_KEY: &str = "ak_1234567890abcdef1234567890abcdef12345678";

const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];
const SCENARIO_HEADER: &str = "x-freddy-mock-scenario";

/// A running stand-in of the Freddy API. Dropping it stops the server.
pub struct MockFreddy {
    server: Arc<Mutex<ServerGuard>>,
    /// Kept apart from the server so reading it never waits on the server's lock.
    base_url: String,
    /// The key [`MockFreddy::client`] uses.
    key: ApiKey,
    /// Every key the stand-in accepts: `key`, and those added by [`MockFreddy::accept_key`]
    /// or a key-creating scenario.
    accepted: Accepted,
    log: Arc<Mutex<Vec<RecordedRequest>>>,
    /// Scenarios are kept alive here: each holds its mockito mocks.
    _fallbacks: Vec<Mock>,
}

impl MockFreddy {
    /// Starts a stand-in that expects the documentation's placeholder key.
    pub fn start() -> MockFreddy {
        MockFreddy::with_key(
            PLACEHOLDER_KEY
                .parse()
                .expect("the placeholder is a valid key"),
        )
    }

    /// Starts a stand-in that expects `key` (for code that builds its own client).
    pub fn with_key(key: ApiKey) -> MockFreddy {
        let mut server = mockito::Server::new();
        let log = Arc::new(Mutex::new(Vec::new()));
        let accepted: Accepted = Arc::new(Mutex::new(vec![key.clone()]));
        let mut fallbacks = Vec::new();
        for method in METHODS {
            // Created first, so any scenario added later takes precedence.
            let recorder = Recorder::new("unexpected", &accepted, &log, None);
            fallbacks.push(
                server
                    .mock(method, Matcher::Any)
                    .expect_at_least(0)
                    .with_status(404)
                    .with_header("content-type", "application/json")
                    .with_header_from_request(SCENARIO_HEADER, move |r| recorder.record(r))
                    .with_body_from_request(|r| no_scenario(r).into_bytes())
                    .create(),
            );
            // Highest precedence: a wrong key is refused as the API refuses it.
            let recorder = Recorder::new("wrong key", &accepted, &log, None);
            let expected = Arc::clone(&accepted);
            fallbacks.push(
                server
                    .mock(method, Matcher::Any)
                    .match_request(move |r| key_check(r, &expected) != KeyCheck::Matched)
                    .expect_at_most(usize::MAX)
                    .with_status(401)
                    .with_header("content-type", "application/json")
                    .with_header_from_request(SCENARIO_HEADER, move |r| recorder.record(r))
                    .with_body(envelope(401, &UNAUTHORIZED))
                    .create(),
            );
        }
        MockFreddy {
            base_url: server.url(),
            server: Arc::new(Mutex::new(server)),
            key,
            accepted,
            log,
            _fallbacks: fallbacks,
        }
    }

    /// A client pointed at the stand-in, with the expected key and default settings.
    pub fn client(&self) -> FreddyClient {
        self.client_builder()
            .build()
            .expect("the stand-in's URL and key are valid")
    }

    /// A builder already given the stand-in's URL and key, to change other settings.
    pub fn client_builder(&self) -> ClientBuilder {
        FreddyClient::builder()
            .key(self.key.clone())
            .base_url(&self.base_url())
    }

    /// The stand-in's base URL (`http://127.0.0.1:PORT`), for code that builds its own client.
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// The key the stand-in expects (and [`client`](Self::client) sends).
    pub fn api_key(&self) -> &ApiKey {
        &self.key
    }

    /// Accepts another key too, such as the new key of a rotation.
    pub fn accept_key(&self, key: ApiKey) {
        lock(&self.accepted).push(key);
    }

    /// Runs `f` with the underlying mockito server, to add mocks for what the scenarios do not
    /// cover. Mocks added here take precedence over earlier scenarios, like any later scenario.
    ///
    /// ```
    /// let mock = freddy::mock::MockFreddy::start();
    /// let threads = mock.with_server(|server| {
    ///     server.mock("GET", "/v1/threads").with_body(r#"{"data": []}"#).create()
    /// });
    /// mock.client().authenticated_get("threads")?;
    /// threads.assert();
    /// # Ok::<(), freddy::Error>(())
    /// ```
    pub fn with_server<R>(&self, f: impl FnOnce(&mut ServerGuard) -> R) -> R {
        f(&mut lock(&self.server))
    }

    /// Every request the stand-in answered, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.log).clone()
    }

    /// Panics unless every request carried the expected key in `X-API-Key`. The message says
    /// which request was wrong and how (missing, different); it never shows a key.
    #[track_caller]
    pub fn assert_key_sent(&self) {
        let log = lock(&self.log);
        assert!(
            !log.is_empty(),
            "freddy::mock: no request reached the stand-in"
        );
        for (n, request) in log.iter().enumerate() {
            let problem = match request.key {
                KeyCheck::Matched => continue,
                KeyCheck::Missing => "no X-API-Key header",
                KeyCheck::Different => "an X-API-Key that is not one of the accepted keys",
            };
            panic!(
                "freddy::mock: request #{} ({} {}) carried {problem}",
                n + 1,
                request.method,
                request.path
            );
        }
    }

    /// Panics if a request matched no scenario.
    #[track_caller]
    pub fn assert_no_unexpected_requests(&self) {
        let log = lock(&self.log);
        if let Some(request) = log.iter().find(|r| r.scenario == "unexpected") {
            panic!(
                "freddy::mock: no scenario for {} {}",
                request.method, request.path
            );
        }
    }

    /// A created response whose text is `text`, in the documentation's `response[].text`
    /// shape (`POST v1/model/response`, not streamed).
    pub fn create_response(&self, text: &str) -> Scenario {
        self.create_response_json(json!({
            "success": true,
            "id": "resp_mock",
            "thread_id": "thread_mock",
            "response": [{"type": "text", "text": text}],
        }))
    }

    /// A created response with exactly this body (another answer shape, say).
    pub fn create_response_json(&self, body: Value) -> Scenario {
        self.scenario(Spec {
            name: "create response",
            methods: vec!["POST"],
            path: Some("/v1/model/response".to_owned()),
            accept: Some("application/json"),
            status: 200,
            headers: Vec::new(),
            body: Reply::Bytes(body.to_string().into_bytes()),
        })
    }

    /// A streamed response (`POST v1/model/response` with `stream: true`) that sends each
    /// delta as a `response.output_text.delta` event, then `data: [DONE]`.
    pub fn stream_response(&self, deltas: &[&str]) -> Scenario {
        self.stream_response_paced(deltas, Duration::ZERO)
    }

    /// Like [`stream_response`](Self::stream_response), with `pause` between events, to test
    /// code that shows text as it arrives or handles a slow stream.
    pub fn stream_response_paced(&self, deltas: &[&str], pause: Duration) -> Scenario {
        let mut events = vec![sse(
            "response.created",
            &json!({"type": "response.created", "id": "resp_mock", "thread_id": "thread_mock"}),
        )];
        events.extend(deltas.iter().map(|delta| {
            sse(
                "response.output_text.delta",
                &json!({"type": "response.output_text.delta", "delta": delta}),
            )
        }));
        events.push(sse(
            "response.completed",
            &json!({"type": "response.completed", "id": "resp_mock"}),
        ));
        events.push("data: [DONE]\n\n".to_owned());
        self.scenario(Spec {
            name: "stream response",
            methods: vec!["POST"],
            path: Some("/v1/model/response".to_owned()),
            accept: Some("text/event-stream"),
            status: 200,
            headers: vec![("content-type", "text/event-stream".to_owned())],
            body: Reply::Events(events, pause),
        })
    }

    /// `GET v1/models` listing models with these keys (the names `CreateResponse::new` takes).
    pub fn models(&self, keys: &[&str]) -> Scenario {
        let models: Vec<Value> = keys
            .iter()
            .enumerate()
            .map(|(n, key)| {
                json!({
                    "id": format!("mdl_mock{n}"), "key": key, "name": key,
                    "is_visible_in_ui": true, "is_deprecated": false,
                    "availability_status": "general_availability",
                })
            })
            .collect();
        let body = json!({"models": models, "total_count": keys.len()});
        self.json_scenario("models", "GET", "/v1/models", body)
    }

    /// `GET v1/health/` answering `{"status": "healthy"}`.
    pub fn health(&self) -> Scenario {
        self.json_scenario("health", "GET", "/v1/health/", json!({"status": "healthy"}))
    }

    /// The documented 401 envelope, for every endpoint.
    pub fn unauthorized(&self) -> Scenario {
        self.error_scenario("unauthorized", 401, &UNAUTHORIZED, Vec::new())
    }

    /// The documented 403 envelope, for every endpoint.
    pub fn forbidden(&self) -> Scenario {
        self.error_scenario("forbidden", 403, &FORBIDDEN, Vec::new())
    }

    /// A 429 for every endpoint, with `Retry-After` (whole seconds) and rate-limit headers
    /// showing an exhausted window. The client retries it, so limit it with
    /// [`Scenario::times`] to let a later call through.
    pub fn rate_limited(&self, retry_after: Duration) -> Scenario {
        let reset = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            + retry_after;
        let headers = vec![
            ("retry-after", retry_after.as_secs().to_string()),
            ("x-ratelimit-limit", "100".to_owned()),
            ("x-ratelimit-remaining", "0".to_owned()),
            ("x-ratelimit-reset", reset.as_secs().to_string()),
        ];
        let message = "Rate limit exceeded. Please retry later.";
        let error = Envelope {
            code: "RATE_LIMIT_EXCEEDED",
            message,
            system_message: message,
        };
        self.error_scenario("rate limited", 429, &error, headers)
    }

    /// A server error with this status (500, 502, 503, …) for every endpoint.
    pub fn server_error(&self, status: u16) -> Scenario {
        let message = "The server encountered an error. Please try again later.";
        let error = Envelope {
            code: "INTERNAL_SERVER_ERROR",
            message,
            system_message: message,
        };
        self.error_scenario("server error", status, &error, Vec::new())
    }

    /// `GET v1/organizations/{org}/api-keys`: one page listing every accepted key (ids
    /// `key_mock0`, `key_mock1`, …, each with its real 7-character prefix, so
    /// `find_by_key` finds it).
    pub fn list_api_keys(&self, org: &str) -> Scenario {
        let keys: Vec<Value> = lock(&self.accepted)
            .iter()
            .enumerate()
            .map(|(n, key)| key_info(org, &format!("key_mock{n}"), key))
            .collect();
        let body = json!({"keys": keys, "total": keys.len(), "page": 1, "page_size": 20});
        self.json_scenario("list api keys", "GET", &api_keys_path(org, ""), body)
    }

    /// `GET v1/organizations/{org}/api-keys/{key_id}`, describing the stand-in's own key.
    pub fn get_api_key(&self, org: &str, key_id: &str) -> Scenario {
        let body = key_info(org, key_id, &self.key);
        self.json_scenario("get api key", "GET", &api_keys_path(org, key_id), body)
    }

    /// `POST v1/organizations/{org}/api-keys`, returning `new_key` as the key created (id
    /// `key_new`). The stand-in accepts `new_key` from now on.
    pub fn create_api_key(&self, org: &str, new_key: &ApiKey) -> Scenario {
        self.accept_key(new_key.clone());
        let body = created_key(org, "key_new", new_key);
        self.json_scenario("create api key", "POST", &api_keys_path(org, ""), body)
    }

    /// `POST v1/organizations/{org}/api-keys/{key_id}/rotate`, returning `new_key` as the
    /// replacement (id `key_new`). The stand-in accepts `new_key` from now on.
    pub fn rotate_api_key(&self, org: &str, key_id: &str, new_key: &ApiKey) -> Scenario {
        self.accept_key(new_key.clone());
        let body = json!({
            "success": true,
            "message": "API key rotated",
            "old_key_id": key_id,
            "new_key": created_key(org, "key_new", new_key),
        });
        let path = api_keys_path(org, &format!("{key_id}/rotate"));
        self.json_scenario("rotate api key", "POST", &path, body)
    }

    /// `DELETE v1/organizations/{org}/api-keys/{key_id}`, answering success.
    pub fn delete_api_key(&self, org: &str, key_id: &str) -> Scenario {
        let body = json!({"success": true, "message": "API key deleted", "key": null});
        self.json_scenario(
            "delete api key",
            "DELETE",
            &api_keys_path(org, key_id),
            body,
        )
    }

    /// `POST v1/organizations/{org}/api-keys/{key_id}/{action}` for `activate`, `deactivate`,
    /// `pause` or `unpause`, answering success with the key's new state.
    pub fn api_key_action(&self, org: &str, key_id: &str, action: &str) -> Scenario {
        let mut info = key_info(org, key_id, &self.key);
        info["is_active"] = json!(action != "deactivate");
        info["is_paused"] = json!(action == "pause");
        let body = json!({"success": true, "message": format!("API key {action}d"), "key": info});
        let path = api_keys_path(org, &format!("{key_id}/{action}"));
        self.json_scenario("api key action", "POST", &path, body)
    }

    /// Any JSON answer for `method` on `endpoint` (relative to `/v1/`, query excluded).
    pub fn json(&self, method: &'static str, endpoint: &str, status: u16, body: Value) -> Scenario {
        assert!(
            METHODS.contains(&method),
            "freddy::mock: unsupported method {method}"
        );
        self.scenario(Spec {
            name: "json",
            methods: vec![method],
            path: Some(format!("/v1/{}", endpoint.trim_start_matches('/'))),
            accept: None,
            status,
            headers: Vec::new(),
            body: Reply::Bytes(body.to_string().into_bytes()),
        })
    }

    fn json_scenario(
        &self,
        name: &'static str,
        method: &'static str,
        path: &str,
        body: Value,
    ) -> Scenario {
        self.scenario(Spec {
            name,
            methods: vec![method],
            path: Some(path.to_owned()),
            accept: None,
            status: 200,
            headers: rate_limit_headers(),
            body: Reply::Bytes(body.to_string().into_bytes()),
        })
    }

    fn error_scenario(
        &self,
        name: &'static str,
        status: u16,
        error: &Envelope,
        headers: Vec<(&'static str, String)>,
    ) -> Scenario {
        self.scenario(Spec {
            name,
            methods: METHODS.to_vec(),
            path: None,
            accept: None,
            status,
            headers,
            body: Reply::Bytes(envelope(status, error).into_bytes()),
        })
    }

    fn scenario(&self, spec: Spec) -> Scenario {
        let mut scenario = Scenario {
            server: Arc::clone(&self.server),
            accepted: Arc::clone(&self.accepted),
            log: Arc::clone(&self.log),
            served: Arc::new(AtomicUsize::new(0)),
            spec: Arc::new(spec),
            limit: None,
            mocks: Vec::new(),
        };
        scenario.mount();
        scenario
    }
}

impl fmt::Debug for MockFreddy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockFreddy")
            .field("base_url", &self.base_url())
            .field("key", &self.key)
            .field("requests", &lock(&self.log).len())
            .finish()
    }
}

/// One kind of answer of the stand-in. Keep it to assert on what your code sent; dropping it
/// does not remove it.
pub struct Scenario {
    server: Arc<Mutex<ServerGuard>>,
    accepted: Accepted,
    log: Arc<Mutex<Vec<RecordedRequest>>>,
    served: Arc<AtomicUsize>,
    spec: Arc<Spec>,
    limit: Option<usize>,
    mocks: Vec<Mock>,
}

impl Scenario {
    /// Answers at most `n` calls, then lets later calls fall through to other scenarios.
    /// Limited scenarios answer before unlimited ones.
    pub fn times(mut self, n: usize) -> Scenario {
        self.limit = Some(n);
        self.remount();
        self
    }

    /// Answers only `method` on `endpoint` (relative to `/v1/`, query excluded), such as a 403
    /// for one organisation's keys while every other call succeeds.
    pub fn only(mut self, method: &'static str, endpoint: &str) -> Scenario {
        assert!(
            METHODS.contains(&method),
            "freddy::mock: unsupported method {method}"
        );
        let spec = Arc::make_mut(&mut self.spec);
        spec.methods = vec![method];
        spec.path = Some(format!("/v1/{}", endpoint.trim_start_matches('/')));
        self.remount();
        self
    }

    /// How many calls this scenario answered.
    pub fn hits(&self) -> usize {
        self.served.load(Ordering::SeqCst)
    }

    /// Panics unless this scenario answered exactly `n` calls.
    #[track_caller]
    pub fn assert_hits(&self, n: usize) {
        let hits = self.hits();
        assert!(
            hits == n,
            "freddy::mock: scenario `{}` answered {hits} call(s), expected {n}",
            self.spec.name
        );
    }

    /// The JSON body of the last call this scenario answered, if it had one.
    pub fn last_body(&self) -> Option<Value> {
        lock(&self.log)
            .iter()
            .rev()
            .find(|r| r.scenario_id == self.id())
            .and_then(|r| r.body.clone())
    }

    fn id(&self) -> usize {
        Arc::as_ptr(&self.served) as usize
    }

    fn remount(&mut self) {
        for mock in self.mocks.drain(..) {
            mock.remove();
        }
        self.mount();
    }

    fn mount(&mut self) {
        let mut server = lock(&self.server);
        for &method in &self.spec.methods {
            // mockito matches the path with its query; a scenario answers whatever the query.
            let path: Matcher = match &self.spec.path {
                Some(path) => Matcher::Regex(format!("^{}(\\?.*)?$", regex_escape(path))),
                None => Matcher::Any,
            };
            let mut mock = server
                .mock(method, path)
                .with_status(usize::from(self.spec.status));
            if let Some(accept) = self.spec.accept {
                mock = mock.match_header("accept", accept);
            }
            // mockito prefers a matching mock still short of its `expect_at_most`, else the
            // last one created: that is what makes limited scenarios answer first.
            mock = match self.limit {
                Some(n) => mock.expect_at_most(n),
                None => mock.expect_at_least(0),
            };
            let (expected, served, limit) = (
                Arc::clone(&self.accepted),
                Arc::clone(&self.served),
                self.limit,
            );
            mock = mock.match_request(move |r| {
                let within_limit = limit.is_none_or(|n| served.load(Ordering::SeqCst) < n);
                within_limit && key_check(r, &expected) == KeyCheck::Matched
            });
            let recorder = Recorder::new(
                self.spec.name,
                &self.accepted,
                &self.log,
                Some(&self.served),
            );
            mock = mock.with_header_from_request(SCENARIO_HEADER, move |r| recorder.record(r));
            for (name, value) in &self.spec.headers {
                mock = mock.with_header(*name, value);
            }
            if !self
                .spec
                .headers
                .iter()
                .any(|(name, _)| *name == "content-type")
            {
                mock = mock.with_header("content-type", "application/json");
            }
            mock = match &self.spec.body {
                Reply::Bytes(bytes) => mock.with_body(bytes),
                Reply::Events(events, pause) => {
                    let (events, pause) = (events.clone(), *pause);
                    mock.with_chunked_body(move |w| {
                        for (n, event) in events.iter().enumerate() {
                            if n > 0 && !pause.is_zero() {
                                std::thread::sleep(pause); // the pacing is the scenario
                            }
                            w.write_all(event.as_bytes())?;
                            w.flush()?;
                        }
                        Ok(())
                    })
                }
            };
            self.mocks.push(mock.create());
        }
    }
}

impl fmt::Debug for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scenario")
            .field("name", &self.spec.name)
            .field("limit", &self.limit)
            .field("hits", &self.hits())
            .finish()
    }
}

/// A request the stand-in answered, as far as a test needs it. The key is never kept: only
/// whether it was the expected one.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// The scenario that answered (`unexpected` when none matched, `wrong key` for a 401
    /// given because of the key).
    pub scenario: &'static str,
    /// The HTTP method.
    pub method: String,
    /// The path, query included.
    pub path: String,
    /// Whether the expected key was sent.
    pub key: KeyCheck,
    /// The request body, when it was JSON.
    pub body: Option<Value>,
    scenario_id: usize,
}

/// How the request's `X-API-Key` compared with the expected key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyCheck {
    /// Exactly the expected key.
    Matched,
    /// No `X-API-Key` header.
    Missing,
    /// Another value (or more than one header).
    Different,
}

type Accepted = Arc<Mutex<Vec<ApiKey>>>;

fn key_check(request: &Request, accepted: &Accepted) -> KeyCheck {
    match request.header("x-api-key").as_slice() {
        [] => KeyCheck::Missing,
        [value] => {
            let sent = value.as_bytes();
            let known = lock(accepted)
                .iter()
                .any(|key| constant_time_eq(sent, key.expose_secret().as_bytes()));
            if known {
                KeyCheck::Matched
            } else {
                KeyCheck::Different
            }
        }
        _ => KeyCheck::Different,
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Writes a [`RecordedRequest`] when its scenario answers (mockito calls a response header's
/// closure exactly once per answer, whatever the body).
struct Recorder {
    scenario: &'static str,
    accepted: Accepted,
    log: Arc<Mutex<Vec<RecordedRequest>>>,
    served: Option<Arc<AtomicUsize>>,
}

impl Recorder {
    fn new(
        scenario: &'static str,
        accepted: &Accepted,
        log: &Arc<Mutex<Vec<RecordedRequest>>>,
        served: Option<&Arc<AtomicUsize>>,
    ) -> Recorder {
        Recorder {
            scenario,
            accepted: Arc::clone(accepted),
            log: Arc::clone(log),
            served: served.map(Arc::clone),
        }
    }

    fn record(&self, request: &Request) -> String {
        let scenario_id = self.served.as_ref().map_or(0, |s| Arc::as_ptr(s) as usize);
        if let Some(served) = &self.served {
            served.fetch_add(1, Ordering::SeqCst);
        }
        let body = request
            .body()
            .ok()
            .and_then(|b| serde_json::from_slice(b).ok());
        lock(&self.log).push(RecordedRequest {
            scenario: self.scenario,
            method: request.method().to_owned(),
            path: request.path_and_query().to_owned(),
            key: key_check(request, &self.accepted),
            body,
            scenario_id,
        });
        self.scenario.to_owned()
    }
}

#[derive(Clone)]
struct Spec {
    name: &'static str,
    methods: Vec<&'static str>,
    /// `None`: every path.
    path: Option<String>,
    accept: Option<&'static str>,
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Reply,
}

#[derive(Clone)]
enum Reply {
    Bytes(Vec<u8>),
    /// Server-Sent Events, written one by one with a pause between them.
    Events(Vec<String>, Duration),
}

/// What an error envelope says, apart from its status.
struct Envelope<'a> {
    code: &'a str,
    message: &'a str,
    system_message: &'a str,
}

/// The documentation's 401, word for word.
const UNAUTHORIZED: Envelope<'static> = Envelope {
    code: "INVALID_API_KEY",
    message: "The API key provided is invalid or has expired.",
    system_message: "API key validation failed",
};

/// The documentation's 403, word for word.
const FORBIDDEN: Envelope<'static> = Envelope {
    code: "INSUFFICIENT_PERMISSIONS",
    message: "You don't have permission to access this resource.",
    system_message: "Insufficient permissions for this operation",
};

/// The documented error envelope.
fn envelope(status: u16, error: &Envelope) -> String {
    json!({
        "success": false,
        "error": {
            "code": error.code,
            "message": error.message,
            "system_message": error.system_message,
            "type": if status < 500 { "client_error" } else { "server_error" },
            "status": status,
            "details": {},
            "trace_id": "mock-trace-id",
            "timestamp": "2025-12-22T15:30:00Z",
        }
    })
    .to_string()
}

fn no_scenario(request: &Request) -> String {
    let message = format!(
        "freddy::mock has no scenario for {} {}",
        request.method(),
        request.path()
    );
    envelope(
        404,
        &Envelope {
            code: "MOCK_NO_SCENARIO",
            message: &message,
            system_message: &message,
        },
    )
}

fn regex_escape(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            let special = "\\.+*?()|[]{}^$#&-~".contains(c);
            special.then_some('\\').into_iter().chain(Some(c))
        })
        .collect()
}

fn api_keys_path(org: &str, rest: &str) -> String {
    let path = format!("/v1/organizations/{org}/api-keys");
    if rest.is_empty() {
        path
    } else {
        format!("{path}/{rest}")
    }
}

/// An `ApiKey` resource as the API describes it ("without sensitive data").
fn key_info(org: &str, id: &str, key: &ApiKey) -> Value {
    json!({
        "id": id, "organization_id": org, "key_name": format!("Mock key {id}"),
        "key_prefix": key.expose_secret().get(..7).unwrap_or_default(),
        "is_active": true, "is_paused": false, "usage_limit_chf": null, "scopes": null,
        "metadata": null, "created_by": "usr_mock", "created_at": "2025-12-22T15:30:00Z",
        "last_used_at": null, "expires_at": null,
    })
}

/// A created key, with its secret shown once.
fn created_key(org: &str, id: &str, key: &ApiKey) -> Value {
    json!({
        "id": id, "key": key.expose_secret(),
        "key_prefix": key.expose_secret().get(..7).unwrap_or_default(),
        "organization_id": org, "key_name": format!("Mock key {id}"), "is_active": true,
        "created_by": "usr_mock", "created_at": "2025-12-22T15:30:00Z",
    })
}

fn sse(name: &str, data: &Value) -> String {
    format!("event: {name}\ndata: {data}\n\n")
}

fn rate_limit_headers() -> Vec<(&'static str, String)> {
    let reset = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs()
        + 60;
    vec![
        ("x-ratelimit-limit", "100".to_owned()),
        ("x-ratelimit-remaining", "99".to_owned()),
        ("x-ratelimit-reset", reset.to_string()),
    ]
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
