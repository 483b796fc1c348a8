//! A sixth API of a known vendor, added in a scratch copy of the checkout by
//! following the README's "Adding an API" checklist, is generated, listed by
//! the `cloudjobs` command and served by its emulator with no other edit.
//!
//! The scratch copy builds `cloudjobs` in a target directory of its own:
//! sharing this checkout's would let the two checkouts' artifacts stand in for
//! each other (cargo names them by their path inside the workspace).

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use cloudjobs_tests::workspace_root;

/// The new API: a copy of CloudSSO under another name, which is all a sixth
/// spec of a known vendor needs to be to exercise the pipeline.
const SIXTH: &str = "alibaba-cloudsso-sixth";

/// Copies the checkout's own files (no `target/`, no `.git/`) to `to`.
fn copy_checkout(from: &Path, to: &Path) {
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "target" || name == ".git" {
            continue;
        }
        let (source, target) = (entry.path(), to.join(&name));
        if entry.file_type().unwrap().is_dir() {
            fs::create_dir_all(&target).unwrap();
            copy_checkout(&source, &target);
        } else {
            fs::copy(&source, &target).unwrap();
        }
    }
}

/// The checklist's steps 1 to 4: the spec, the crate (copied from a crate of
/// the same vendor), the `cloudjobs` command's dependency, then regeneration.
fn add_sixth_api(root: &Path) {
    let spec = fs::read_to_string(root.join("specs/alibaba-cloudsso.yaml")).unwrap();
    fs::write(
        root.join(format!("specs/{SIXTH}.yaml")),
        spec.replace("title: Alibaba Cloud CloudSSO", "title: Sixth"),
    )
    .unwrap();
    let crate_dir = root.join("crates").join(SIXTH);
    fs::create_dir_all(crate_dir.join("src")).unwrap();
    let manifest = fs::read_to_string(root.join("crates/alibaba-cloudsso/Cargo.toml")).unwrap();
    fs::write(crate_dir.join("Cargo.toml"), manifest.replace("alibaba-cloudsso", SIXTH)).unwrap();
    let lib = fs::read_to_string(root.join("crates/alibaba-cloudsso/src/lib.rs")).unwrap();
    fs::write(crate_dir.join("src/lib.rs"), lib.replace("```no_run", "```ignore")).unwrap();
    let cli = fs::read_to_string(root.join("crates/cli/Cargo.toml")).unwrap();
    let line = format!("cloudjobs-{SIXTH} = {{ path = \"../{SIXTH}\", version = \"0.1.0\" }}\n");
    fs::write(
        root.join("crates/cli/Cargo.toml"),
        cli.replacen("clap.workspace", &format!("{line}clap.workspace"), 1),
    )
    .unwrap();
    let report = xtask::regen(root, &[], false).unwrap_or_else(|e| panic!("{e}"));
    let written: Vec<String> = report.changed.iter().map(|(path, _)| path.display().to_string()).collect();
    assert_eq!(
        written,
        [
            format!("crates/{SIXTH}/src/generated.rs"),
            format!("crates/{SIXTH}/README.md"),
            xtask::CLI_REGISTRY.to_owned()
        ]
    );
}

#[test]
fn a_sixth_spec_is_generated_listed_and_emulated_without_other_edits() {
    let scratch = tempfile::tempdir().unwrap();
    let root = scratch.path().join("checkout");
    fs::create_dir_all(&root).unwrap();
    copy_checkout(&workspace_root(), &root);
    add_sixth_api(&root);
    assert!(xtask::regen(&root, &[], true).unwrap().changed.is_empty(), "a second regen changes nothing");

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let build = Command::new(cargo)
        .args(["build", "--offline", "--quiet", "--package", "cloudjobs-cli"])
        .current_dir(&root)
        .env("CARGO_TARGET_DIR", scratch.path().join("target"))
        .output()
        .unwrap();
    assert!(build.status.success(), "{}", String::from_utf8_lossy(&build.stderr));
    let binary = scratch.path().join("target/debug/cloudjobs");

    let help = Command::new(&binary).arg("--help").output().unwrap();
    assert!(String::from_utf8_lossy(&help.stdout).contains(SIXTH), "the command lists the new API");

    let mut mock =
        Command::new(&binary).args(["mock", "--port", "0"]).stdout(Stdio::piped()).spawn().unwrap();
    let first = BufReader::new(mock.stdout.take().unwrap()).lines().next().unwrap().unwrap();
    let url = first.split_whitespace().find(|w| w.starts_with("http://127.0.0.1:")).unwrap().to_owned();
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let output = Command::new(&binary)
            .args([SIXTH, "get-task-status", "--directory-id", "d-1", "--task-id", "t-6", "--endpoint", &url])
            .env("ALIBABA_CLOUD_ACCESS_KEY_ID", cloudjobs_mock::DEFAULT_KEY_ID)
            .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", cloudjobs_mock::DEFAULT_SECRET)
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let body: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        statuses.push(body["TaskStatus"]["Status"].as_str().unwrap().to_owned());
    }
    mock.kill().unwrap();
    mock.wait().unwrap();
    assert_eq!(statuses, ["InProgress", "InProgress", "Success"], "the emulator plays the new API's job");
}
