//! Rotates the API key of a running client without downtime, the way the documentation asks:
//! create a new key, test it, switch the application over, confirm, then delete the old key.
//!
//! Against the real API (the new key is written to the file given with `--save`, readable only
//! by you, since the API shows it once):
//!
//! ```text
//! FREDDY_API_KEY=ak_... FREDDY_ORG_ID=org_... cargo run --example rotate_key -- --save new-key.txt
//! ```
//!
//! With no `FREDDY_API_KEY` it runs against an offline stand-in of the API (a local mock
//! server), so you can watch every step without touching a real key:
//!
//! ```text
//! cargo run --example rotate_key
//! ```

use std::error::Error as StdError;
use std::fs::File;
use std::io::Write;
use std::path::PathBuf;

use freddy::api_keys::{ApiKeyInfo, NewApiKey};
use freddy::{ApiKey, FreddyClient};

type Result<T> = std::result::Result<T, Box<dyn StdError>>;

fn main() -> Result<()> {
    let args = Args::parse()?;
    let live = std::env::var("FREDDY_API_KEY").is_ok_and(|k| !k.trim().is_empty());
    if live {
        let org = args
            .org
            .ok_or("name the organisation: FREDDY_ORG_ID=org_... or the first argument")?;
        let save = args
            .save
            .ok_or("say where the new key goes with --save PATH: the API shows it only once")?;
        // Opened before the key exists, so a new key always has somewhere to go.
        let file = create_private(&save)?;
        let client = FreddyClient::from_env()?;
        println!("Rotating the key of {org} at {}", client.base_url());
        rotate(&client, &org, |key| {
            let mut file = file;
            file.write_all(key.expose_secret().as_bytes())?;
            file.write_all(b"\n")?;
            file.sync_all()?;
            println!(
                "        saved to {} (readable only by you); keep it out of version control",
                save.display()
            );
            Ok(())
        })
    } else {
        println!("FREDDY_API_KEY is not set: rotating a pretend key on an offline stand-in of the API.\n");
        let stand_in = stand_in::StandIn::start();
        let client = FreddyClient::builder()
            .api_key(stand_in::OLD_KEY)
            .base_url(&stand_in.url())
            .build()?;
        let org = args.org.unwrap_or_else(|| stand_in::ORG.to_owned());
        rotate(&client, &org, |_| {
            println!("        (a real run writes it to the --save file here)");
            Ok(())
        })?;
        stand_in.check();
        Ok(())
    }
}

/// The documented rotation, one printed step at a time. `save` stores the new key before
/// anything depends on it.
fn rotate(
    client: &FreddyClient,
    org: &str,
    save: impl FnOnce(&ApiKey) -> Result<()>,
) -> Result<()> {
    let keys = client.api_keys(org);

    println!("1. Find the key this client uses, by listing the keys and matching its prefix");
    let old = only_match(keys.find_by_key(&client.api_key())?)?;
    println!("        it is {} ({})", old.id, describe(&old));

    println!("2. Create a new key with the same name, spending limit and scopes");
    let mut new = NewApiKey::new(
        old.key_name
            .clone()
            .unwrap_or_else(|| "Rotated key".to_owned()),
    );
    if let Some(chf) = old.usage_limit_chf {
        new = new.usage_limit_chf(chf);
    }
    if let Some(scopes) = &old.scopes {
        new = new.scopes(scopes.iter().cloned());
    }
    let created = keys.create(&new)?;
    println!(
        "        created {} ({:?}); the API shows it this once",
        created.info.id, created.key
    );
    let keep_going = |what: &str, e: &dyn StdError| {
        format!(
            "{what} failed: {e}. Nothing was switched: the old key still works, and the new key {} exists; \
             delete it in the Hub (Settings → API Keys) or try again",
            created.info.id
        )
    };
    save(&created.key).map_err(|e| keep_going("saving the new key", e.as_ref()))?;

    println!("3. Test the new key with a live call, from a separate client");
    let tester = FreddyClient::builder()
        .key(created.key.clone())
        .base_url(client.base_url())
        .build()?;
    let models = tester
        .authenticated_get("models")
        .map_err(|e| keep_going("the live call with the new key", &e))?;
    println!(
        "        GET /v1/models answered with {} models",
        count(&models)
    );

    println!("4. Switch the running client (and all its clones) to the new key");
    client.set_api_key(created.key.clone());
    println!("        the client now sends {:?}", client.api_key());

    println!("5. Confirm that the running client works with it");
    let confirmed = client.authenticated_get("models")?;
    println!(
        "        GET /v1/models answered with {} models",
        count(&confirmed)
    );

    println!("6. Delete the old key, now that everything works with the new one");
    let deleted = keys.delete(&old.id)?;
    let message = deleted.message.as_deref().unwrap_or("deleted");
    println!("        {message} ({})", old.id);
    println!(
        "\nDone: the client uses {} and the old key {} is gone.",
        created.info.id, old.id
    );
    Ok(())
}

/// The one key matching the prefix; with none or several, nothing is touched.
fn only_match(mut found: Vec<ApiKeyInfo>) -> Result<ApiKeyInfo> {
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err("no key of this organisation has the prefix of the key in use: is FREDDY_ORG_ID right?".into()),
        n => Err(format!(
            "{n} keys share the prefix of the key in use ({}); rotate in the Hub to be sure of the right one",
            found.iter().map(|k| k.id.as_str()).collect::<Vec<_>>().join(", ")
        )
        .into()),
    }
}

fn describe(info: &ApiKeyInfo) -> String {
    format!(
        "\"{}\", prefix {}, active: {}",
        info.key_name.as_deref().unwrap_or("unnamed"),
        info.key_prefix.as_deref().unwrap_or("?"),
        info.is_active.map_or("?", |a| if a { "yes" } else { "no" }),
    )
}

fn count(models: &serde_json::Value) -> usize {
    models["models"].as_array().map_or(0, Vec::len)
}

/// Creates a file only its owner can read, refusing to overwrite one.
fn create_private(path: &PathBuf) -> Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(path)
        .map_err(|e| format!("cannot create {} for the new key: {e}", path.display()).into())
}

struct Args {
    org: Option<String>,
    save: Option<PathBuf>,
}

impl Args {
    fn parse() -> Result<Args> {
        let mut args = Args {
            org: std::env::var("FREDDY_ORG_ID")
                .ok()
                .filter(|o| !o.trim().is_empty()),
            save: None,
        };
        let mut raw = std::env::args().skip(1);
        while let Some(arg) = raw.next() {
            match arg.as_str() {
                "--save" => args.save = Some(raw.next().ok_or("--save needs a path")?.into()),
                flag if flag.starts_with('-') => {
                    return Err(format!("unknown option {flag}").into())
                }
                org => args.org = Some(org.to_owned()),
            }
        }
        Ok(args)
    }
}

/// An offline stand-in for the parts of the API a rotation uses, on a local mock server.
mod stand_in {
    use std::time::{SystemTime, UNIX_EPOCH};

    use mockito::{Matcher, Mock, Server, ServerGuard};
    use serde_json::json;

    /// The documentation's placeholder, playing the key in use.
    pub const OLD_KEY: &str = "ak_1234567890abcdef1234567890abcdef12345678";
    pub const ORG: &str = "org_demo";

    pub struct StandIn {
        server: ServerGuard,
        mocks: Vec<Mock>,
    }

    impl StandIn {
        pub fn start() -> StandIn {
            let mut server = Server::new();
            let new_key = fresh_key();
            let keys = format!("/v1/organizations/{ORG}/api-keys");
            let old = json!({
                "id": "key_7f3a", "organization_id": ORG, "key_name": "Production App",
                "key_prefix": &OLD_KEY[..7], "is_active": true, "is_paused": false,
                "usage_limit_chf": 50.0, "scopes": null, "metadata": null, "created_by": "usr_1",
                "created_at": "2025-01-15T09:00:00Z", "last_used_at": "2025-12-22T15:29:00Z",
                "expires_at": null
            });
            let other = json!({
                "id": "key_9c21", "organization_id": ORG, "key_name": "Development",
                "key_prefix": "ak_Zq8", "is_active": true, "is_paused": false
            });
            let mut created = old.clone();
            created["id"] = json!("key_b812");
            created["key"] = json!(new_key);
            created["key_prefix"] = json!(&new_key[..7]);
            created["created_at"] = json!("2025-12-23T10:00:00Z");
            let mut gone = old.clone();
            gone["is_active"] = json!(false);
            let mocks = vec![
                server
                    .mock("GET", format!("{keys}?page=1&page_size=100").as_str())
                    .match_header("x-api-key", OLD_KEY)
                    .with_body(
                        json!({"keys": [other, old], "total": 2, "page": 1, "page_size": 100})
                            .to_string(),
                    )
                    .create(),
                server
                    .mock("POST", keys.as_str())
                    .match_header("x-api-key", OLD_KEY)
                    .match_body(Matcher::PartialJson(
                        json!({"key_name": "Production App", "usage_limit_chf": 50.0}),
                    ))
                    .with_status(201)
                    .with_body(created.to_string())
                    .create(),
                server
                    .mock("GET", "/v1/models")
                    .match_header("x-api-key", new_key.as_str())
                    .with_header("x-ratelimit-limit", "100")
                    .with_header("x-ratelimit-remaining", "98")
                    .with_header("x-ratelimit-reset", "1640995200")
                    .with_body(
                        json!({"models": [{"key": "gpt-4o"}, {"key": "claude"}], "total_count": 2})
                            .to_string(),
                    )
                    .expect(2)
                    .create(),
                server
                    .mock("DELETE", format!("{keys}/key_7f3a").as_str())
                    .match_header("x-api-key", new_key.as_str())
                    .with_body(
                        json!({"success": true, "message": "API key deleted", "key": gone})
                            .to_string(),
                    )
                    .create(),
            ];
            StandIn { server, mocks }
        }

        pub fn url(&self) -> String {
            self.server.url()
        }

        /// Every step reached the stand-in with the key it should have used.
        pub fn check(&self) {
            for mock in &self.mocks {
                mock.assert();
            }
        }
    }

    /// A new key the way the server would make one: `ak_` and 39 random letters and digits.
    fn fresh_key() -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64);
        let mut state = nanos | 1;
        let secret: String = (0..39)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                ALPHABET[(state % ALPHABET.len() as u64) as usize] as char
            })
            .collect();
        format!("ak_{secret}")
    }
}
