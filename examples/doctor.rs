//! The `freddy-doctor` checklist, called from code: `cargo run --example doctor [BASE_URL]`.
//!
//! Checks `FREDDY_API_KEY` (set? well formed?), makes one live call, and explains what it
//! found. Tools embedding the client can do the same and act on the typed report.

use std::process::ExitCode;

use freddy::doctor::{self, CheckKind, DoctorOptions, Outcome};

fn main() -> ExitCode {
    let mut options = DoctorOptions::new();
    if let Some(base_url) = std::env::args().nth(1) {
        options = options.base_url(&base_url);
    }
    let report = doctor::run(&options);
    print!("{report}");

    // The same findings, typed.
    if report.check(CheckKind::LiveCall).map(|c| c.outcome()) == Some(Outcome::Pass) {
        if let Some(limit) = report.rate_limit() {
            println!(
                "(typed: {} of {} requests left)",
                limit.remaining, limit.limit
            );
        }
    }
    if let Some(status) = report.error().and_then(|e| e.status()) {
        println!("(typed: the API answered {status})");
    }
    if report.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
