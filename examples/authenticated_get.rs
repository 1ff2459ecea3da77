//! The documentation's `make_authenticated_request`, in Rust.
//!
//! ```text
//! FREDDY_API_KEY=ak_... cargo run --example authenticated_get -- models
//! ```

use freddy::{Error, FreddyClient};

fn make_authenticated_request(client: &FreddyClient, endpoint: &str) -> Option<serde_json::Value> {
    match client.authenticated_get(endpoint) {
        Ok(data) => Some(data),
        Err(Error::Unauthorized(_)) => {
            println!("Authentication failed. Check your API key.");
            None
        }
        Err(Error::Forbidden(_)) => {
            println!("Permission denied. Check your account permissions.");
            None
        }
        Err(error) => {
            // The documentation prints the status; the error's text starts with it.
            println!("Unexpected error: {error}");
            None
        }
    }
}

fn main() -> Result<(), Error> {
    let client = FreddyClient::from_env()?;
    let endpoint = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "models".to_owned());
    if let Some(data) = make_authenticated_request(&client, &endpoint) {
        println!("{data:#}");
    }
    if let Some(limit) = client.rate_limit() {
        println!("rate limit: {} of {} left", limit.remaining, limit.limit);
    }
    Ok(())
}
