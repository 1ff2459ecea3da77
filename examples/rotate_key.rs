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
//! With no `FREDDY_API_KEY` it runs against an offline stand-in of the API
//! (`freddy::mock::MockFreddy`, a local mock server), so you can watch every step without
//! touching a real key:
//!
//! ```text
//! cargo run --example rotate_key
//! ```

use std::error::Error as StdError;
use std::fs::File;
use std::io::Write;
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use freddy::api_keys::{ApiKeyInfo, NewApiKey};
use freddy::mock::MockFreddy;
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
        let org = args.org.unwrap_or_else(|| "org_demo".to_owned());
        offline(&org)
    }
}

/// The rotation against `freddy::mock::MockFreddy`, a local stand-in that expects the
/// documentation's placeholder key, then checks that every step reached it with a key it knows.
fn offline(org: &str) -> Result<()> {
    let mock = MockFreddy::start();
    // Listed before the new key exists, so the list holds only the key in use.
    let list = mock.list_api_keys(org);
    let new_key: ApiKey = fresh_key().parse()?;
    let create = mock.create_api_key(org, &new_key);
    let models = mock.models(&["gpt-4o", "claude-3-5-sonnet"]);
    let delete = mock.delete_api_key(org, "key_mock0");

    let client = mock.client();
    rotate(&client, org, |_| {
        println!("        (a real run writes it to the --save file here)");
        Ok(())
    })?;

    list.assert_hits(1);
    create.assert_hits(1);
    models.assert_hits(2); // the test with the new key, then the confirmation
    delete.assert_hits(1);
    mock.assert_key_sent();
    mock.assert_no_unexpected_requests();
    assert!(
        client.api_key() == new_key,
        "the client still sends the old key"
    );
    Ok(())
}

/// A new key the way the server would make one: `ak_` and 39 random letters and digits, made
/// up at run time so the example holds no key but the documentation's placeholder.
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
