//! Every fuzz target's committed corpus and every crash found so far
//! (`fuzz/regressions/TARGET/`), replayed on stable: each input must pass
//! through its target without a panic. `FUZZING.md` says how to add more.

use std::path::PathBuf;

#[allow(dead_code)] // The replay calls every body; each fuzz binary calls one.
#[path = "../../../fuzz/targets.rs"]
mod targets;

/// The inputs of `target` committed under `fuzz/corpus/` and `fuzz/regressions/`.
fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let fuzz = cloudjobs_tests::workspace_root().join("fuzz");
    let mut found = Vec::new();
    for folder in ["corpus", "regressions"] {
        let Ok(entries) = std::fs::read_dir(fuzz.join(folder).join(target)) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_file() {
                let bytes = std::fs::read(&path).unwrap();
                found.push((path, bytes));
            }
        }
    }
    found.sort();
    found
}

fn replay(target: &str, body: fn(&[u8])) {
    let inputs = inputs(target);
    assert!(!inputs.is_empty(), "fuzz/corpus/{target} has no seeds: run python3 fuzz/seeds.py");
    for (path, bytes) in inputs {
        let outcome = std::panic::catch_unwind(|| body(&bytes));
        assert!(outcome.is_ok(), "{target} panicked on {}", path.display());
    }
}

#[test]
fn spec_corpus_replays() {
    replay("spec", targets::spec);
}

#[test]
fn response_corpus_replays() {
    replay("response", targets::response);
}

#[test]
fn credentials_corpus_replays() {
    replay("credentials", targets::credentials);
}

#[test]
fn emulator_corpus_replays() {
    replay("emulator", targets::emulator);
}

#[test]
fn hints_corpus_replays() {
    replay("hints", targets::hints);
}
