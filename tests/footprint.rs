//! With default features, no async runtime enters the dependency tree, and the tree stays small.
//!
//! Runs `cargo tree`, which needs the dependency index: where it cannot run (offline, no
//! cargo) the test says so and passes.

use std::collections::BTreeSet;
use std::process::Command;

const RUNTIMES: [&str; 6] = [
    "tokio",
    "hyper",
    "reqwest",
    "async-std",
    "smol",
    "futures-executor",
];
const MAX_CRATES: usize = 40;

#[test]
fn no_async_runtime_and_at_most_40_crates_in_the_normal_tree() {
    let output = Command::new(env!("CARGO"))
        .args(["tree", "-e", "normal", "--prefix", "none", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output();
    let output = match output {
        Ok(output) if output.status.success() => output,
        Ok(output) => {
            eprintln!(
                "skipped: cargo tree failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            return;
        }
        Err(e) => {
            eprintln!("skipped: cargo could not be run: {e}");
            return;
        }
    };
    let tree = String::from_utf8_lossy(&output.stdout);
    let crates: BTreeSet<&str> = tree
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    assert!(
        crates.contains("ureq"),
        "unexpected cargo tree output:\n{tree}"
    );
    let runtimes: Vec<_> = RUNTIMES.iter().filter(|r| crates.contains(*r)).collect();
    assert!(
        runtimes.is_empty(),
        "async runtime(s) in the normal tree: {runtimes:?}"
    );
    assert!(
        crates.len() <= MAX_CRATES,
        "{} crates in the normal tree, at most {MAX_CRATES} allowed: {crates:?}",
        crates.len()
    );
}
