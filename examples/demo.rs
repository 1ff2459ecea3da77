//! A tour of the client against a local stand-in of the Freddy API: no key, no network.
//!
//! ```text
//! cargo run --example demo
//! ```
//!
//! The stand-in (a mockito server on 127.0.0.1) answers as the documentation does: 200 with
//! rate-limit headers for the documentation's placeholder key, its 401 envelope for any other
//! key, and its 403 envelope for an organisation the key may not see.

use std::io::Write;

use freddy::responses::{CreateResponse, Message};
use freddy::{Error, FreddyClient};
use mockito::{Matcher, Server, ServerGuard};

/// The documentation's own placeholder key: the only key literal this crate's examples use.
const DOC_KEY: &str = "ak_1234567890abcdef1234567890abcdef12345678";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = stand_in();
    println!("Freddy stand-in listening on {}\n", server.url());

    step("1. A client with the documentation's placeholder key");
    let client = FreddyClient::builder()
        .api_key(DOC_KEY)
        .base_url(&server.url())
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
        .base_url(&server.url())
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

    println!("\nDone: every call above went to {} only.", server.url());
    Ok(())
}

fn stand_in() -> ServerGuard {
    let mut server = Server::new();
    let unauthorized = r#"{"success": false, "error": {"code": "INVALID_API_KEY", "message": "The API key provided is invalid or has expired.", "system_message": "API key validation failed", "type": "client_error", "status": 401, "details": {}, "trace_id": "abc-123-def", "timestamp": "2025-12-22T15:30:00Z"}}"#;
    let forbidden = r#"{"success": false, "error": {"code": "INSUFFICIENT_PERMISSIONS", "message": "You don't have permission to access this resource.", "system_message": "Insufficient permissions for this operation", "type": "client_error", "status": 403, "details": {}, "trace_id": "abc-123-def", "timestamp": "2025-12-22T15:30:00Z"}}"#;
    server
        .mock("GET", "/v1/models")
        .match_header("x-api-key", DOC_KEY)
        .with_header("content-type", "application/json")
        .with_header("x-ratelimit-limit", "100")
        .with_header("x-ratelimit-remaining", "95")
        .with_header("x-ratelimit-reset", "1640995200")
        .with_body(r#"{"models": [{"id": "mdl_1", "key": "gpt-4o", "name": "GPT-4o"}, {"id": "mdl_2", "key": "claude-3-5-sonnet", "name": "Claude 3.5 Sonnet"}], "total_count": 2}"#)
        .create();
    server
        .mock(
            "GET",
            Matcher::Regex("^/v1/organizations/org_other/".into()),
        )
        .match_header("x-api-key", DOC_KEY)
        .with_status(403)
        .with_body(forbidden)
        .create();
    server
        .mock("POST", "/v1/model/response")
        .match_header("x-api-key", DOC_KEY)
        .match_header("accept", "application/json")
        .match_body(Matcher::PartialJson(serde_json::json!(
            {"model": "gpt-4o", "inputs": [{"role": "user", "content": "Hello!"}]})))
        .with_header("content-type", "application/json")
        .with_body(r#"{"id": "resp_1", "thread_id": "thread_1", "response": [{"text": "Hello! How can I help you today?"}]}"#)
        .create();
    server
        .mock("POST", "/v1/model/response")
        .match_header("x-api-key", DOC_KEY)
        .match_header("accept", "text/event-stream")
        .match_body(Matcher::PartialJson(serde_json::json!({"stream": true})))
        .with_header("content-type", "text/event-stream")
        .with_body(concat!(
            "event: response.created\ndata: {\"id\": \"resp_2\", \"thread_id\": \"thread_1\"}\n\n",
            "event: response.output_text.delta\ndata: {\"delta\": \"Hello! \"}\n\n",
            "event: response.output_text.delta\ndata: {\"delta\": \"How can I help you today?\"}\n\n",
            "data: [DONE]\n\n",
        ))
        .create();
    // Lowest priority: whatever else arrives is answered like an unknown key.
    server
        .mock("GET", Matcher::Any)
        .with_status(401)
        .with_body(unauthorized)
        .create();
    server
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
