//! The documentation's quick start: one question to `gpt-4o`, the answer printed.
//!
//! ```text
//! FREDDY_API_KEY=ak_... FREDDY_ORG_ID=org_... cargo run --example quickstart
//! ```
//!
//! `FREDDY_ORG_ID` defaults to the documentation's placeholder `org_your_org_id`.

use std::process::ExitCode;

use freddy::responses::{CreateResponse, Message};
use freddy::{Error, FreddyClient};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Error> {
    let client = FreddyClient::from_env()?;
    let organization = std::env::var("FREDDY_ORG_ID").unwrap_or_else(|_| "org_your_org_id".into());

    let result = client.responses().create(
        &CreateResponse::new("gpt-4o", [Message::user("Hello!")]).organization_id(organization),
    )?;

    println!("{}", result.text());
    Ok(())
}
