//! The built `xtask` binary acts on the checkout it is run in, never on the one it was built in.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// This checkout, read at run time as `cargo test` sets it.
fn this_checkout() -> PathBuf {
    let xtask_dir =
        PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo test sets CARGO_MANIFEST_DIR"));
    xtask_dir.parent().expect("xtask/ sits in the workspace root").to_path_buf()
}

/// A minimal checkout holding one API: what `cargo xtask regen NAME` reads and writes.
fn scratch_checkout(parent: &Path, label: &str, api: &str, vendor: &str) -> PathBuf {
    let root = parent.join(label);
    fs::create_dir_all(root.join("specs")).unwrap();
    fs::create_dir_all(root.join("xtask")).unwrap();
    fs::create_dir_all(root.join("crates").join(api).join("src")).unwrap();
    fs::write(root.join("Cargo.toml"), "[workspace]\n").unwrap();
    fs::create_dir_all(root.join("crates/core")).unwrap();
    fs::write(root.join("crates/core/Cargo.toml"), "[package]\nversion = \"0.1.0\"\n").unwrap();
    let manifest = format!(
        "[dependencies]\ncloudjobs-core = {{ path = \"../core\", version = \"0.1.0\", default-features = false, features = [\"{vendor}\"] }}\n"
    );
    fs::write(root.join("crates").join(api).join("Cargo.toml"), manifest).unwrap();
    fs::copy(
        this_checkout().join("specs").join(format!("{api}.yaml")),
        root.join("specs").join(format!("{api}.yaml")),
    )
    .unwrap();
    root
}

fn generated(root: &Path, api: &str) -> PathBuf {
    root.join("crates").join(api).join("src/generated.rs")
}

fn committed(api: &str) -> String {
    fs::read_to_string(generated(&this_checkout(), api)).unwrap()
}

#[test]
fn one_binary_regenerates_the_files_of_whichever_checkout_it_runs_in() {
    let scratch = tempfile::tempdir().unwrap();
    let first = scratch_checkout(scratch.path(), "first", "alibaba-cloudsso", "alibaba");
    let second = scratch_checkout(scratch.path(), "second", "tencent-organization", "tencent");
    let xtask = env!("CARGO_BIN_EXE_xtask");

    // Started by hand from the first checkout's root: no CARGO_MANIFEST_DIR, so the current directory decides.
    let run = Command::new(xtask)
        .args(["regen", "alibaba-cloudsso"])
        .current_dir(&first)
        .env_remove("CARGO_MANIFEST_DIR")
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert_eq!(
        fs::read_to_string(generated(&first, "alibaba-cloudsso")).unwrap(),
        committed("alibaba-cloudsso")
    );
    assert!(!generated(&second, "tencent-organization").exists(), "the other checkout was written");

    // Started as `cargo xtask` starts it from a subdirectory of the second checkout: cargo points
    // CARGO_MANIFEST_DIR at that checkout's xtask package.
    let run = Command::new(xtask)
        .args(["regen", "tencent-organization"])
        .current_dir(second.join("crates"))
        .env("CARGO_MANIFEST_DIR", second.join("xtask"))
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert_eq!(
        fs::read_to_string(generated(&second, "tencent-organization")).unwrap(),
        committed("tencent-organization")
    );
    assert!(!generated(&first, "tencent-organization").exists(), "the first checkout was written");
    assert!(!this_checkout().join("crates/alibaba-cloudsso/src/generated.rs.tmp").exists());
}

#[test]
fn outside_any_checkout_the_command_says_so_and_writes_nothing() {
    let scratch = tempfile::tempdir().unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["regen", "--check"])
        .current_dir(scratch.path())
        .env_remove("CARGO_MANIFEST_DIR")
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("is not inside a cloudjobs checkout"), "{stderr}");
    assert_eq!(fs::read_dir(scratch.path()).unwrap().count(), 0);
}

#[test]
fn a_client_crate_with_another_vendors_feature_fails_the_check_and_nothing_is_written() {
    let scratch = tempfile::tempdir().unwrap();
    let checkout = scratch_checkout(scratch.path(), "checkout", "tencent-organization", "alibaba");
    for args in [&["regen", "--check"][..], &["regen"][..]] {
        let run = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(args)
            .current_dir(&checkout)
            .env_remove("CARGO_MANIFEST_DIR")
            .output()
            .unwrap();
        assert_eq!(run.status.code(), Some(1), "{args:?}");
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(
            stderr.contains(
                "crates/tencent-organization/Cargo.toml must depend on the runtime with its spec's vendor"
            ) && stderr.contains(r#"features = ["tencent"]"#)
                && stderr
                    .contains(r#"(found `cloudjobs-core = { path = "../core", version = "0.1.0", default-features = false, features = ["alibaba"] }`)"#),
            "{stderr}"
        );
        assert!(!generated(&checkout, "tencent-organization").exists(), "{args:?} wrote the generated file");
    }
}
