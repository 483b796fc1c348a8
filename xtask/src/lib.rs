//! The file-handling half of `cargo xtask regen`: finds specs, writes or checks
//! the generated files. The generation itself is `cloudjobs_codegen::generate`.

mod bench_build;
pub mod release;

pub use bench_build::{AWS, BARE, Measured, bench_build};

use std::collections::BTreeSet;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The command a developer runs to bring generated files up to date.
pub const REGEN_COMMAND: &str = "cargo xtask regen";

/// The `cloudjobs` command's generated registry of APIs.
pub const CLI_REGISTRY: &str = "crates/cli/src/generated.rs";

/// One API of the workspace: its spec and the file generated from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Api {
    /// The name shared by `specs/NAME.yaml` and `crates/NAME/`.
    pub name: String,
    /// `specs/NAME.yaml`, relative to the workspace root.
    pub spec: PathBuf,
    /// `crates/NAME/src/generated.rs`, relative to the workspace root.
    pub generated: PathBuf,
}

impl Api {
    /// The paths of API `name`, all derived from the name.
    pub fn named(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            spec: Path::new("specs").join(format!("{name}.yaml")),
            generated: Path::new("crates").join(name).join("src").join("generated.rs"),
        }
    }
}

/// Why regeneration stopped. Nothing has been written when one of these is returned.
#[derive(Debug)]
pub enum RegenError {
    /// A file could not be read or written.
    Io(PathBuf, io::Error),
    /// A spec is broken.
    Spec(cloudjobs_codegen::SpecError),
    /// A name on the command line has no spec.
    UnknownApi(String, Vec<String>),
    /// A spec has no crate to generate into.
    MissingCrate(String),
    /// The `cloudjobs` command does not depend on an API's crate.
    MissingCliDependency(String),
    /// A client crate turns on another runtime feature than its spec's vendor.
    WrongVendorFeature {
        /// The API whose crate it is.
        name: String,
        /// The dependency line on the runtime that the crate needs.
        expected: String,
        /// The line it has, if any.
        found: Option<String>,
    },
}

impl fmt::Display for RegenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io(path, e) => write!(f, "{}: {e}", path.display()),
            Self::Spec(e) => write!(f, "{e}"),
            Self::UnknownApi(name, known) => {
                write!(f, "no spec named `{name}` (specs/{name}.yaml); known: {}", known.join(", "))?;
                if name.contains('/') || name.ends_with(".yaml") {
                    write!(
                        f,
                        "; give an API's name, or check a spec file anywhere with `cargo xtask lint FILE`"
                    )?;
                }
                Ok(())
            }
            Self::MissingCliDependency(name) => write!(
                f,
                "crates/cli/Cargo.toml lacks the line `cloudjobs-{name} = {{ path = \"../{name}\", version = \"0.1.0\" }}`, \
                 which the `cloudjobs` command needs to call {name}"
            ),
            Self::WrongVendorFeature { name, expected, found } => write!(
                f,
                "crates/{name}/Cargo.toml must depend on the runtime with its spec's vendor: `{expected}` \
                 (found {}); otherwise the crate builds without its vendor's signer and its clients \
                 fail at creation with a configuration error",
                found
                    .as_deref()
                    .map(|line| format!("`{line}`"))
                    .unwrap_or_else(|| "no cloudjobs-core line".to_owned())
            ),
            Self::MissingCrate(name) => write!(
                f,
                "specs/{name}.yaml has no crate: create crates/{name}/Cargo.toml and crates/{name}/src/lib.rs \
                 (README: adding an API), then run `{REGEN_COMMAND} {name}`"
            ),
        }
    }
}

impl std::error::Error for RegenError {}

/// What a regeneration found or did, per file.
#[derive(Debug, Default)]
pub struct Report {
    /// Files whose committed text differs from a fresh generation, with a
    /// unified diff from the committed text to the fresh one.
    pub changed: Vec<(PathBuf, String)>,
    /// Files that were already up to date.
    pub unchanged: Vec<PathBuf>,
}

/// The root of the checkout this command was run in, found at run time.
///
/// A path fixed at compile time (`env!("CARGO_MANIFEST_DIR")`) would be wrong
/// whenever two checkouts share one `CARGO_TARGET_DIR`: the binary built in
/// one would read and write the other's files. `cargo run` sets
/// `CARGO_MANIFEST_DIR` for the process it starts to the xtask package of the
/// workspace it was run in, so that is used first; a binary started by hand
/// looks upward from the current directory instead.
pub fn workspace_root() -> Result<PathBuf, String> {
    let from_cargo = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .and_then(|xtask_dir| xtask_dir.parent().map(Path::to_path_buf))
        .filter(|root| is_workspace_root(root));
    if let Some(root) = from_cargo {
        return Ok(root);
    }
    let here = std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    here.ancestors().find(|dir| is_workspace_root(dir)).map(Path::to_path_buf).ok_or_else(|| {
        format!(
            "{} is not inside a cloudjobs checkout (no parent directory has Cargo.toml, specs/ and xtask/)",
            here.display()
        )
    })
}

/// Whether `dir` looks like the root of a cloudjobs checkout.
fn is_workspace_root(dir: &Path) -> bool {
    dir.join("Cargo.toml").is_file() && dir.join("specs").is_dir() && dir.join("xtask").is_dir()
}

/// Every API with a spec under `root/specs`, sorted by name.
pub fn apis(root: &Path) -> Result<Vec<Api>, RegenError> {
    let specs = root.join("specs");
    let entries = fs::read_dir(&specs).map_err(|e| RegenError::Io(specs.clone(), e))?;
    let mut names = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| RegenError::Io(specs.clone(), e))?.path();
        if path.extension().is_some_and(|ext| ext == "yaml")
            && let Some(stem) = path.file_stem().and_then(|s| s.to_str())
        {
            names.push(stem.to_owned());
        }
    }
    names.sort();
    Ok(names.iter().map(|name| Api::named(name)).collect())
}

/// The generated text for one API, read from `root`.
pub fn generate(root: &Path, api: &Api) -> Result<String, RegenError> {
    let text = fs::read_to_string(root.join(&api.spec)).map_err(|e| RegenError::Io(api.spec.clone(), e))?;
    cloudjobs_codegen::generate(&spec_name(api), &text).map_err(RegenError::Spec)
}

/// The dependency line on the runtime that API `name`'s crate needs: only the
/// feature of its spec's vendor, so that it builds only that vendor's signer.
/// The TLS features follow the client crate's own, so the default features
/// are off here; the version is the runtime's own, for publishing.
fn runtime_dependency(
    root: &Path,
    vendor: cloudjobs_codegen::extensions::Vendor,
) -> Result<String, RegenError> {
    let feature =
        serde_json::to_value(vendor).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
    let version = package_version(root, "core")?;
    Ok(format!(
        "cloudjobs-core = {{ path = \"../core\", version = \"{version}\", default-features = false, features = [\"{feature}\"] }}"
    ))
}

/// The `version` of `crates/NAME/Cargo.toml`'s package.
pub fn package_version(root: &Path, name: &str) -> Result<String, RegenError> {
    let path = Path::new("crates").join(name).join("Cargo.toml");
    let manifest = fs::read_to_string(root.join(&path)).map_err(|e| RegenError::Io(path.clone(), e))?;
    let version = manifest
        .lines()
        .find_map(|line| line.trim().strip_prefix("version = \"")?.strip_suffix('"').map(str::to_owned));
    version.ok_or_else(|| {
        RegenError::Io(
            path,
            std::io::Error::new(std::io::ErrorKind::InvalidData, "no `version = \"...\"` line"),
        )
    })
}

/// Checks that `crates/NAME/Cargo.toml` turns on the runtime feature of the
/// vendor `spec_text` names: a second copy of the spec's vendor that nothing
/// else would check before a call fails at run time.
fn check_vendor_feature(root: &Path, api: &Api, spec_text: &str) -> Result<(), RegenError> {
    let checked = cloudjobs_codegen::check(&spec_name(api), spec_text).map_err(RegenError::Spec)?;
    let expected = runtime_dependency(root, checked.protocol.vendor)?;
    let manifest_path = Path::new("crates").join(&api.name).join("Cargo.toml");
    let manifest = fs::read_to_string(root.join(&manifest_path))
        .map_err(|e| RegenError::Io(manifest_path.clone(), e))?;
    let found = manifest.lines().map(str::trim).find(|line| line.starts_with("cloudjobs-core ="));
    if found == Some(expected.as_str()) {
        return Ok(());
    }
    Err(RegenError::WrongVendorFeature { name: api.name.clone(), expected, found: found.map(str::to_owned) })
}

/// The text of the `cloudjobs` command's registry for every API under `root`.
pub fn cli_registry(root: &Path) -> Result<String, RegenError> {
    let names: Vec<String> = apis(root)?.into_iter().map(|api| api.name).collect();
    let manifest_path = root.join("crates/cli/Cargo.toml");
    let manifest = fs::read_to_string(&manifest_path).map_err(|e| RegenError::Io(manifest_path, e))?;
    if let Some(missing) = names.iter().find(|name| !manifest.contains(&format!("cloudjobs-{name} = "))) {
        return Err(RegenError::MissingCliDependency(missing.clone()));
    }
    Ok(format!(
        "// @generated by cargo xtask regen from the names of specs/*.yaml. DO NOT EDIT.\n{}",
        cloudjobs_codegen::cli_registry(&names)
    ))
}

/// Regenerates the APIs in `names` (every API when empty) under `root`.
///
/// Every spec is generated in memory first; if any fails, nothing is written.
/// With `check`, nothing is written at all and the report lists what differs.
pub fn regen(root: &Path, names: &[String], check: bool) -> Result<Report, RegenError> {
    let all = apis(root)?;
    let selected: Vec<Api> = if names.is_empty() {
        all
    } else {
        names
            .iter()
            .map(|name| {
                all.iter().find(|api| &api.name == name).cloned().ok_or_else(|| {
                    RegenError::UnknownApi(name.clone(), all.iter().map(|a| a.name.clone()).collect())
                })
            })
            .collect::<Result<_, _>>()?
    };

    let mut fresh = Vec::new();
    for api in &selected {
        if !root.join("crates").join(&api.name).join("Cargo.toml").is_file() {
            return Err(RegenError::MissingCrate(api.name.clone()));
        }
        let spec_text =
            fs::read_to_string(root.join(&api.spec)).map_err(|e| RegenError::Io(api.spec.clone(), e))?;
        let text = cloudjobs_codegen::generate(&spec_name(api), &spec_text).map_err(RegenError::Spec)?;
        check_vendor_feature(root, api, &spec_text)?;
        let target = root.join(&api.generated);
        let committed = match fs::read_to_string(&target) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(RegenError::Io(api.generated.clone(), e)),
        };
        fresh.push((api.generated.clone(), committed, text));
        let readme_path = Path::new("crates").join(&api.name).join("README.md");
        let readme = cloudjobs_codegen::crate_readme(&api.name, &spec_name(api), &spec_text)
            .map_err(RegenError::Spec)?;
        let committed = fs::read_to_string(root.join(&readme_path)).ok();
        fresh.push((readme_path, committed, readme));
    }
    // The command's registry lists every API, so it is checked on every run.
    if root.join("crates/cli/Cargo.toml").is_file() {
        let text = cli_registry(root)?;
        let committed = fs::read_to_string(root.join(CLI_REGISTRY)).ok();
        fresh.push((PathBuf::from(CLI_REGISTRY), committed, text));
    }

    let mut report = Report::default();
    for (path, committed, text) in fresh {
        if committed.as_deref() == Some(text.as_str()) {
            report.unchanged.push(path);
            continue;
        }
        let shown = path.to_string_lossy().replace('\\', "/");
        let diff = similar::TextDiff::from_lines(committed.as_deref().unwrap_or(""), &text)
            .unified_diff()
            .context_radius(3)
            .header(&format!("a/{shown}"), &format!("b/{shown}"))
            .to_string();
        if !check {
            write_atomically(&root.join(&path), &text).map_err(|e| RegenError::Io(path.clone(), e))?;
        }
        report.changed.push((path, diff));
    }
    Ok(report)
}

/// Writes through a temporary file and a rename, so an interrupted run never
/// leaves a half-written generated file behind.
fn write_atomically(path: &Path, text: &str) -> io::Result<()> {
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".tmp");
    let temporary = PathBuf::from(temporary);
    fs::write(&temporary, text)?;
    fs::rename(&temporary, path)
}

/// Every check and convention broken by the spec files `files`, wherever
/// they are: a draft is checked before it moves into `specs/`. Each error
/// names its file as given.
pub fn lint_files(files: &[PathBuf]) -> Result<Vec<cloudjobs_codegen::SpecError>, RegenError> {
    lint_each(files.iter().map(|file| (file.clone(), file.to_string_lossy().into_owned())))
}

/// Every convention broken by any spec under `root`, as located errors.
pub fn lint_all(root: &Path) -> Result<Vec<cloudjobs_codegen::SpecError>, RegenError> {
    lint_each(apis(root)?.iter().map(|api| (root.join(&api.spec), spec_name(api))))
}

/// The problems of each spec file read from its path, named in messages as given.
fn lint_each(
    specs: impl Iterator<Item = (PathBuf, String)>,
) -> Result<Vec<cloudjobs_codegen::SpecError>, RegenError> {
    let mut found = Vec::new();
    for (path, name) in specs {
        let text = fs::read_to_string(&path).map_err(|e| RegenError::Io(path, e))?;
        found.extend(cloudjobs_codegen::lint(&name, &text));
    }
    Ok(found)
}

pub(crate) fn spec_name(api: &Api) -> String {
    api.spec.to_string_lossy().replace('\\', "/")
}

pub(crate) fn git(root: &Path, args: &[&str]) -> Result<String, String> {
    let output = std::process::Command::new("git")
        .args(args)
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "git {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The default base of `cargo xtask diff`: where this branch left `main`, or
/// `HEAD` when there is no `main`.
pub fn default_base(root: &Path) -> String {
    git(root, &["merge-base", "HEAD", "main"])
        .map(|s| s.trim().to_owned())
        .unwrap_or_else(|_| "HEAD".to_owned())
}

/// Compares every spec at git revision `base` with the working tree.
pub fn diff_all(root: &Path, base: &str) -> Result<Vec<cloudjobs_codegen::diff::ApiDiff>, String> {
    let old_names: BTreeSet<String> = git(root, &["ls-tree", "--name-only", base, "specs/"])?
        .lines()
        .filter_map(|line| line.strip_prefix("specs/")?.strip_suffix(".yaml").map(str::to_owned))
        .collect();
    let new_names: BTreeSet<String> =
        apis(root).map_err(|e| e.to_string())?.into_iter().map(|api| api.name).collect();
    let mut out = Vec::new();
    for name in old_names.union(&new_names) {
        let api = Api::named(name);
        let file = spec_name(&api);
        let old = match old_names.contains(name) {
            true => Some(git(root, &["show", &format!("{base}:{file}")])?),
            false => None,
        };
        let new = match new_names.contains(name) {
            true => Some(fs::read_to_string(root.join(&api.spec)).map_err(|e| format!("{file}: {e}"))?),
            false => None,
        };
        let old_label = format!("{base}:{file}");
        let diff = cloudjobs_codegen::diff::diff_specs(
            name,
            old.as_deref().map(|text| (old_label.as_str(), text)),
            new.as_deref().map(|text| (file.as_str(), text)),
        )
        .map_err(|e| e.to_string())?;
        out.push(diff);
    }
    Ok(out)
}
