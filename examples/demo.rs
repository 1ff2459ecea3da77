//! A tour of the client against a local stand-in of the Freddy API: no key, no network.
//!
//! ```text
//! cargo run --example demo
//! ```
//!
//! The stand-in is `freddy::mock::MockFreddy` (a mockito server on 127.0.0.1), which answers as
//! the documentation does: 200 with rate-limit headers for the documentation's placeholder key,
//! its 401 envelope for any other key, its 403 envelope where a scenario says so.

use std::io::Write;
use std::time::Duration;

use freddy::mock::{KeyCheck, MockFreddy};
use freddy::responses::{CreateResponse, Message};
use freddy::{Error, FreddyClient};

/// The documentation's own placeholder key: the only key literal this crate's examples use.
const DOC_KEY: &str = "ak_1234567890abcdef1234567890abcdef12345678";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mock = MockFreddy::start();
    mock.models(&["gpt-4o", "claude-3-5-sonnet"]);
    mock.forbidden()
        .only("GET", "organizations/org_other/api-keys");
    mock.create_response("Hello! How can I help you today?");
    mock.stream_response_paced(
        &["Hello! ", "How can ", "I help ", "you today?"],
        Duration::from_millis(150),
    );
    println!("Freddy stand-in listening on {}", mock.base_url());

    step("1. A client with the documentation's placeholder key");
    let client = FreddyClient::builder()
        .api_key(DOC_KEY)
        .base_url(&mock.base_url())
        .build()?;
    println!("   {client:?}");

    step("2. authenticated_get(\"models\"): GET /v1/models with X-API-Key");
    let models = client.authenticated_get("models")?;
    for model in models["models"].as_array().into_iter().flatten() {
        println!("   model {} ({})", model["key"], model["name"]);
    }
    if let Some(limit) = client.rate_limit() {
        println!(
            "   rate limit: {} of {} requests left this minute",
            limit.remaining, limit.limit
        );
    }

    step("3. A key the API does not know: the 401 branch");
    let wrong_key = DOC_KEY.replace("5678", "0000");
    let stranger = FreddyClient::builder()
        .api_key(wrong_key)
        .base_url(&mock.base_url())
        .build()?;
    report(stranger.authenticated_get("models"));

    step("4. An organisation the key may not see: the 403 branch");
    report(client.authenticated_get("organizations/org_other/api-keys"));

    step("5. Refused before anything is sent");
    report(client.authenticated_get("../../admin"));
    report(FreddyClient::new("ak_not-a-key").map(|_| serde_json::Value::Null));
    report(
        FreddyClient::builder()
            .api_key(DOC_KEY)
            .base_url("http://api.example.com")
            .build()
            .map(|_| serde_json::Value::Null),
    );

    step("6. The quick start: POST /v1/model/response");
    let request =
        CreateResponse::new("gpt-4o", [Message::user("Hello!")]).organization_id("org_your_org_id");
    let result = client.responses().create(&request)?;
    println!(
        "   {} (response {}, thread {})",
        result.text(),
        result.id().unwrap_or("-"),
        result.thread_id().unwrap_or("-")
    );

    step("7. The same, streamed: each piece printed as it arrives");
    print!("   ");
    for event in client.responses().stream(&request)? {
        if let Some(delta) = event?.text_delta() {
            print!("{delta}");
            std::io::stdout().flush()?;
        }
    }
    println!();

    step("8. What the stand-in saw");
    for request in mock.requests() {
        let key = match request.key {
            KeyCheck::Matched => "the expected key",
            KeyCheck::Missing => "no key",
            _ => "another key",
        };
        println!("   {:<6} {:<40} {key}", request.method, request.path);
    }
    println!("\nDone: every call above went to {} only.", mock.base_url());
    Ok(())
}

fn step(title: &str) {
    println!("\n{title}");
}

fn report(result: Result<serde_json::Value, Error>) {
    match result {
        Ok(value) => println!("   ok: {value}"),
        Err(Error::Unauthorized(e)) => {
            println!("   Authentication failed. Check your API key.");
            println!(
                "   code {}, trace id {}",
                e.code(),
                e.trace_id().unwrap_or("-")
            );
        }
        Err(Error::Forbidden(e)) => {
            println!("   Permission denied. Check your account permissions.");
            println!(
                "   code {}, trace id {}",
                e.code(),
                e.trace_id().unwrap_or("-")
            );
        }
        Err(e) => println!("   refused: {e}"),
    }
}
