//! `cargo xtask release`: a spec change since a crate's release tag needs the
//! version bump its grade says, and fills the crate's changelog.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const API: &str = "alibaba-cloudsso";

fn this_checkout() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn git(root: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(root)
        .output()
        .unwrap();
    assert!(status.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&status.stderr));
}

/// A checkout with one API released as 0.1.0 (tagged).
fn released_checkout(parent: &Path) -> PathBuf {
    let root = parent.join("checkout");
    for dir in ["specs", "xtask", "crates/core", &format!("crates/{API}")] {
        fs::create_dir_all(root.join(dir)).unwrap();
    }
    fs::write(root.join("Cargo.toml"), "[workspace]\n").unwrap();
    fs::write(root.join("crates/core/Cargo.toml"), "[package]\nversion = \"0.1.0\"\n").unwrap();
    set_version(&root, "0.1.0");
    fs::write(
        root.join(format!("crates/{API}/CHANGELOG.md")),
        "# Changelog\n\n## 0.1.0\n\n- First release.\n",
    )
    .unwrap();
    fs::copy(this_checkout().join(format!("specs/{API}.yaml")), spec(&root)).unwrap();
    git(&root, &["init", "-q"]);
    git(&root, &["add", "."]);
    git(&root, &["commit", "-qm", "release"]);
    git(&root, &["tag", &format!("cloudjobs-{API}-v0.1.0")]);
    root
}

fn spec(root: &Path) -> PathBuf {
    root.join(format!("specs/{API}.yaml"))
}

fn set_version(root: &Path, version: &str) {
    fs::write(root.join(format!("crates/{API}/Cargo.toml")), format!("[package]\nversion = \"{version}\"\n"))
        .unwrap();
}

fn release(root: &Path, check: bool) -> (Option<i32>, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command.arg("release").current_dir(root).env_remove("CARGO_MANIFEST_DIR");
    if check {
        command.arg("--check");
    }
    let output = command.output().unwrap();
    let text =
        format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.code(), text)
}

const END_TIME: &str = "        EndTime:\n          type: string\n          description: The end time of the task.\n          example: \"2021-11-05T02:58:08Z\"\n";

#[test]
fn removing_a_response_field_needs_a_breaking_bump() {
    let scratch = tempfile::tempdir().unwrap();
    let root = released_checkout(scratch.path());
    assert_eq!(release(&root, true).0, Some(0), "nothing changed since the tag");

    let text = fs::read_to_string(spec(&root)).unwrap();
    assert!(text.contains(END_TIME), "the spec still has the field this test removes");
    fs::write(spec(&root), text.replacen(END_TIME, "", 1)).unwrap();
    let (code, said) = release(&root, true);
    assert_eq!(code, Some(1), "{said}");
    assert!(
        said.contains("error: cloudjobs-alibaba-cloudsso 0.1.0: response field removed at")
            && said.contains("TaskStatus.EndTime")
            && said
                .contains("(breaking) needs version 0.2.0 or later, since cloudjobs-alibaba-cloudsso-v0.1.0"),
        "{said}"
    );
    set_version(&root, "0.1.1");
    assert_eq!(release(&root, true).0, Some(1), "a patch bump is not enough");
    set_version(&root, "0.2.0");
    let (code, said) = release(&root, true);
    assert_eq!(code, Some(0), "{said}");

    // Without --check, the changelog gets the graded changes, breaking first.
    let (code, said) = release(&root, false);
    assert_eq!(code, Some(0), "{said}");
    let changelog = fs::read_to_string(root.join(format!("crates/{API}/CHANGELOG.md"))).unwrap();
    let unreleased = &changelog[changelog.find("## Unreleased").expect("a new section")..];
    assert!(
        unreleased.starts_with("## Unreleased\n\nNeeds version 0.2.0 or later.\n\n### Breaking\n"),
        "{changelog}"
    );
    assert!(
        unreleased.contains("- response field removed: `") && unreleased.contains("EndTime"),
        "{changelog}"
    );
    assert!(changelog.ends_with("## 0.1.0\n\n- First release.\n"), "the released sections stay: {changelog}");
}

#[test]
fn adding_a_response_field_passes_after_a_minor_bump() {
    let scratch = tempfile::tempdir().unwrap();
    let root = released_checkout(scratch.path());
    let text = fs::read_to_string(spec(&root)).unwrap();
    let added = "        Progress:\n          type: integer\n          format: int32\n          description: Percent done.\n";
    fs::write(spec(&root), text.replacen(END_TIME, &format!("{END_TIME}{added}"), 1)).unwrap();
    let (code, said) = release(&root, true);
    assert_eq!(code, Some(1), "an unbumped addition fails: {said}");
    assert!(said.contains("(an addition) needs version 0.1.1 or later"), "{said}");
    set_version(&root, "0.2.0");
    let (code, said) = release(&root, true);
    assert_eq!(code, Some(0), "{said}");
    assert!(said.contains("changes need 0.1.1: ok"), "{said}");
}
