//! Committed generated files equal a fresh generation, and generation is deterministic.

use std::fs;

use cloudjobs_tests::workspace_root;

#[test]
fn every_committed_generated_file_is_fresh() {
    let root = workspace_root();
    let apis = xtask::apis(&root).unwrap();
    assert!(!apis.is_empty(), "no spec found under {}", root.join("specs").display());
    let registered: Vec<&str> = cloudjobs_cli::generated::APIS.iter().map(|(name, _)| *name).collect();
    let specs: Vec<&str> = apis.iter().map(|api| api.name.as_str()).collect();
    assert_eq!(
        registered,
        specs,
        "the cloudjobs command's registry lists every spec: run `{}`",
        xtask::REGEN_COMMAND
    );
    for api in apis {
        let fresh = xtask::generate(&root, &api).unwrap_or_else(|e| panic!("{e}"));
        let committed = fs::read_to_string(root.join(&api.generated)).unwrap_or_default();
        assert!(
            committed == fresh,
            "{} is stale: run `{} {}` and commit",
            api.generated.display(),
            xtask::REGEN_COMMAND,
            api.name
        );
    }
    let registry = xtask::cli_registry(&root).unwrap();
    let committed = fs::read_to_string(root.join(xtask::CLI_REGISTRY)).unwrap_or_default();
    assert!(
        committed == registry,
        "{} is stale: run `{}` and commit",
        xtask::CLI_REGISTRY,
        xtask::REGEN_COMMAND
    );
}

#[test]
fn generation_is_deterministic() {
    let root = workspace_root();
    for api in xtask::apis(&root).unwrap() {
        let first = xtask::generate(&root, &api).unwrap();
        let second = xtask::generate(&root, &api).unwrap();
        assert!(first == second, "{} differs between two generations", api.name);
    }
}

#[test]
fn generated_files_name_their_spec_and_its_digest() {
    let root = workspace_root();
    for api in xtask::apis(&root).unwrap() {
        let generated = fs::read_to_string(root.join(&api.generated)).unwrap();
        let first_line = generated.lines().next().unwrap();
        let spec = fs::read_to_string(root.join(&api.spec)).unwrap();
        let spec_name = format!("specs/{}.yaml", api.name);
        assert_eq!(format!("{first_line}\n"), cloudjobs_codegen::header(&spec_name, &spec));
        assert!(first_line.contains(&spec_name) && first_line.ends_with("DO NOT EDIT."), "{first_line}");
    }
}

/// A copy of the workspace's specs, crate manifests and generated files, so a
/// test can change a spec and run the real regeneration on it.
fn scratch_workspace() -> tempfile::TempDir {
    let root = workspace_root();
    let scratch = tempfile::tempdir().unwrap();
    fs::create_dir_all(scratch.path().join("specs")).unwrap();
    for api in xtask::apis(&root).unwrap() {
        fs::copy(root.join(&api.spec), scratch.path().join(&api.spec)).unwrap();
        let crate_dir = scratch.path().join("crates").join(&api.name);
        fs::create_dir_all(crate_dir.join("src")).unwrap();
        fs::copy(root.join("crates").join(&api.name).join("Cargo.toml"), crate_dir.join("Cargo.toml"))
            .unwrap();
        fs::copy(root.join(&api.generated), scratch.path().join(&api.generated)).unwrap();
        fs::copy(crate_dir_of(&root, &api.name).join("README.md"), crate_dir.join("README.md")).unwrap();
    }
    fs::create_dir_all(scratch.path().join("crates/cli/src")).unwrap();
    fs::create_dir_all(scratch.path().join("crates/core")).unwrap();
    for file in ["crates/cli/Cargo.toml", "crates/core/Cargo.toml", xtask::CLI_REGISTRY] {
        fs::copy(root.join(file), scratch.path().join(file)).unwrap();
    }
    scratch
}

fn crate_dir_of(root: &std::path::Path, name: &str) -> std::path::PathBuf {
    root.join("crates").join(name)
}

#[test]
fn check_mode_reports_a_one_word_description_change_and_writes_nothing() {
    let scratch = scratch_workspace();
    for api in xtask::apis(scratch.path()).unwrap() {
        let spec_path = scratch.path().join(&api.spec);
        let original = fs::read_to_string(&spec_path).unwrap();
        // Every spec's info.description starts with a verb; replace the first word.
        let (head, tail) = original.split_once("  description: >-\n    ").unwrap();
        let (_, rest) = tail.split_once(' ').unwrap();
        fs::write(&spec_path, format!("{head}  description: >-\n    Zzzchanged {rest}")).unwrap();
        let before = fs::read_to_string(scratch.path().join(&api.generated)).unwrap();

        let report = xtask::regen(scratch.path(), std::slice::from_ref(&api.name), true).unwrap();
        assert_eq!(report.changed.len(), 1, "{}: a description change must show", api.name);
        let diff = &report.changed[0].1;
        assert!(
            diff.contains("+") && diff.contains("Zzzchanged"),
            "{}: diff lacks the change:\n{diff}",
            api.name
        );
        assert_eq!(
            fs::read_to_string(scratch.path().join(&api.generated)).unwrap(),
            before,
            "--check wrote a file"
        );

        // Without --check the same change is written, and a second check is clean.
        xtask::regen(scratch.path(), std::slice::from_ref(&api.name), false).unwrap();
        let after = xtask::regen(scratch.path(), std::slice::from_ref(&api.name), true).unwrap();
        assert!(after.changed.is_empty(), "{} still differs after regen", api.name);
        fs::write(&spec_path, original).unwrap();
    }
}

#[test]
fn unknown_names_and_missing_crates_are_clear_errors() {
    let scratch = scratch_workspace();
    let error = xtask::regen(scratch.path(), &["no-such-api".to_owned()], false).unwrap_err();
    assert!(error.to_string().contains("no spec named `no-such-api`"), "{error}");
    fs::remove_dir_all(scratch.path().join("crates/alibaba-eiam")).unwrap();
    let error = xtask::regen(scratch.path(), &[], false).unwrap_err();
    assert!(error.to_string().contains("crates/alibaba-eiam/Cargo.toml"), "{error}");
}
