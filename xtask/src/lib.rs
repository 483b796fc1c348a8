//! The file-handling half of `cargo xtask regen`: finds specs, writes or checks
//! the generated files. The generation itself is `cloudjobs_codegen::generate`.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The command a developer runs to bring generated files up to date.
pub const REGEN_COMMAND: &str = "cargo xtask regen";

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
}

impl fmt::Display for RegenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io(path, e) => write!(f, "{}: {e}", path.display()),
            Self::Spec(e) => write!(f, "{e}"),
            Self::UnknownApi(name, known) => {
                write!(f, "no spec named `{name}` (specs/{name}.yaml); known: {}", known.join(", "))
            }
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
    let spec_name = api.spec.to_string_lossy().replace('\\', "/");
    cloudjobs_codegen::generate(&spec_name, &text).map_err(RegenError::Spec)
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
        let text = generate(root, api)?;
        let target = root.join(&api.generated);
        let committed = match fs::read_to_string(&target) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(RegenError::Io(api.generated.clone(), e)),
        };
        fresh.push((api.generated.clone(), committed, text));
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
    let temporary = path.with_extension("rs.tmp");
    fs::write(&temporary, text)?;
    fs::rename(&temporary, path)
}
