//! Streams an answer and prints the text as it arrives.
//!
//! ```text
//! FREDDY_API_KEY=ak_... FREDDY_ORG_ID=org_... cargo run --example stream -- "Tell me a story."
//! ```
//!
//! `FREDDY_ORG_ID` defaults to the documentation's placeholder `org_your_org_id`.

use std::io::Write;
use std::process::ExitCode;

use freddy::responses::{CreateResponse, Message};
use freddy::{Error, FreddyClient};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\n{e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Error> {
    let client = FreddyClient::from_env()?;
    let organization = std::env::var("FREDDY_ORG_ID").unwrap_or_else(|_| "org_your_org_id".into());
    let question = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "Tell me a short story.".into());

    let request =
        CreateResponse::new("gpt-4o", [Message::user(question)]).organization_id(organization);
    let mut stdout = std::io::stdout();
    for event in client.responses().stream(&request)? {
        match event {
            Ok(event) => {
                if let Some(delta) = event.text_delta() {
                    print!("{delta}");
                    stdout.flush().ok(); // show each piece now, not at the next newline
                }
            }
            // One unreadable event need not spoil the rest of the answer.
            Err(Error::Decode(e)) => eprintln!("\n(skipped an event: {e})"),
            Err(other) => return Err(other),
        }
    }
    println!();
    Ok(())
}
