//! `freddy-doctor`: the Freddy API key troubleshooting checklist, as a program.
//!
//! Checks `FREDDY_API_KEY` (set? well formed?), makes one live call (`GET /v1/models` with the
//! `X-API-Key` header), explains a 401, 403, 429 or network failure, and shows the rate limit.
//! The key is never printed. Exit status: 0 when all is well, 1 when a check found a problem,
//! 2 for a usage error.
#![forbid(unsafe_code)]

use std::process::ExitCode;
use std::time::Duration;

use freddy::doctor::{self, DoctorOptions};

const USAGE: &str = "\
usage: freddy-doctor [--base-url URL] [--timeout SECONDS]

Checks the Freddy API key in FREDDY_API_KEY: is it set, is its format right, does the API
accept it (GET /v1/models with the X-API-Key header), and how much of the rate limit is left.
The key itself is never printed.

  --base-url URL       where the API is (default: FREDDY_BASE_URL, else https://api.aitronos.com)
  --timeout SECONDS    the longest the live call may take (default: 15)
  -h, --help           this text
  -V, --version        the version

Exit status: 0 when all is well, 1 when a check found a problem, 2 for a usage error.";

fn main() -> ExitCode {
    match options(std::env::args_os().skip(1)) {
        Ok(Some(options)) => {
            let report = doctor::run(&options);
            print!("{report}");
            if report.is_ok() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Ok(None) => ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("freddy-doctor: {why}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// The options from the command line; `None` when it only asked for help or the version.
fn options(
    args: impl Iterator<Item = std::ffi::OsString>,
) -> Result<Option<DoctorOptions>, String> {
    let mut options = DoctorOptions::new();
    let mut args = args.map(|a| {
        a.into_string()
            .map_err(|_| "arguments must be valid text".to_owned())
    });
    while let Some(arg) = args.next() {
        let arg = arg?;
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => {
                (name.to_owned(), Some(value.to_owned()))
            }
            _ => (arg, None),
        };
        let mut value = || match inline.clone() {
            Some(value) => Ok(value),
            None => args
                .next()
                .unwrap_or_else(|| Err(format!("{name} needs a value"))),
        };
        match name.as_str() {
            "--base-url" => options = options.base_url(&value()?),
            "--timeout" => {
                let raw = value()?;
                let seconds: f64 = raw
                    .parse()
                    .ok()
                    .filter(|s: &f64| s.is_finite() && *s > 0.0 && *s <= 3600.0)
                    .ok_or_else(|| {
                        format!("--timeout takes seconds from 0 to 3600, not {raw:?}")
                    })?;
                options = options.timeout(Duration::from_secs_f64(seconds));
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(None);
            }
            "-V" | "--version" => {
                println!("freddy-doctor {}", env!("CARGO_PKG_VERSION"));
                return Ok(None);
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Some(options))
}
