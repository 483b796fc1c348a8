//! `cargo xtask release`: the version each client crate needs since its last
//! release, read from the graded spec diff, and the changelog section that
//! says why.

use std::fmt;
use std::fs;
use std::path::Path;

use cloudjobs_codegen::diff::{ApiDiff, Change, Severity};

use crate::{Api, git, package_version, spec_name};

/// A `MAJOR.MINOR.PATCH` version (pre-release suffixes are not used here).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    /// The major number.
    pub major: u64,
    /// The minor number.
    pub minor: u64,
    /// The patch number.
    pub patch: u64,
}

impl Version {
    /// Reads `1.2.3`.
    pub fn parse(text: &str) -> Option<Self> {
        let mut numbers = text.trim().split('.').map(|n| n.parse::<u64>().ok());
        let version = Self { major: numbers.next()??, minor: numbers.next()??, patch: numbers.next()?? };
        numbers.next().is_none().then_some(version)
    }

    /// The smallest version after `self` that a change of `severity` needs,
    /// as Cargo reads versions: below 1.0 the minor number is the one a
    /// breaking change moves, and additions and fixes move the patch number.
    pub fn after(self, severity: Severity) -> Self {
        let Self { major, minor, patch } = self;
        match (major, severity) {
            (0, Severity::Breaking) => Self { major, minor: minor + 1, patch: 0 },
            (0, _) => Self { major, minor, patch: patch + 1 },
            (_, Severity::Breaking) => Self { major: major + 1, minor: 0, patch: 0 },
            (_, Severity::NonBreaking) => Self { major, minor: minor + 1, patch: 0 },
            (_, Severity::Documentation) => Self { major, minor, patch: patch + 1 },
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// Where one client crate stands.
#[derive(Debug)]
pub struct Plan {
    /// The crate, `cloudjobs-NAME`.
    pub crate_name: String,
    /// The last release: its tag and version, if there is one.
    pub released: Option<(String, Version)>,
    /// The version in `crates/NAME/Cargo.toml`.
    pub current: Version,
    /// What changed in the spec since the release.
    pub diff: ApiDiff,
}

impl Plan {
    /// The most serious change, if anything changed.
    pub fn severity(&self) -> Option<Severity> {
        self.diff.changes.iter().map(|c| c.severity).min()
    }

    /// The smallest version the changes need, when there was a release.
    pub fn needed(&self) -> Option<Version> {
        Some(self.released.as_ref()?.1.after(self.severity()?))
    }

    /// Why the current version is too low, naming the crate, the change and the version it needs.
    pub fn problem(&self) -> Option<String> {
        let needed = self.needed()?;
        if self.current >= needed {
            return None;
        }
        let change = self.diff.changes.iter().min_by_key(|c| c.severity)?;
        let (tag, _) = self.released.as_ref()?;
        Some(format!(
            "{} {}: {} at {} ({}) needs version {needed} or later, since {tag}; bump `version` in its Cargo.toml",
            self.crate_name,
            self.current,
            change.kind,
            change.location,
            severity_word(change.severity),
        ))
    }
}

fn severity_word(severity: Severity) -> &'static str {
    match severity {
        Severity::Breaking => "breaking",
        Severity::NonBreaking => "an addition",
        Severity::Documentation => "documentation",
    }
}

/// The release tags of `crate_name` (`cloudjobs-NAME-vX.Y.Z`), the newest first.
fn release_tags(root: &Path, crate_name: &str) -> Result<Vec<(String, Version)>, String> {
    let prefix = format!("{crate_name}-v");
    let listed = git(root, &["tag", "--list", &format!("{prefix}*")])?;
    let mut tags: Vec<(String, Version)> = listed
        .lines()
        .filter_map(|tag| Some((tag.to_owned(), Version::parse(tag.strip_prefix(&prefix)?)?)))
        .collect();
    tags.sort_by_key(|(_, version)| std::cmp::Reverse(*version));
    Ok(tags)
}

/// Where each API crate in `names` (all when empty) stands against its last release.
pub fn plans(root: &Path, names: &[String]) -> Result<Vec<Plan>, String> {
    let all = crate::apis(root).map_err(|e| e.to_string())?;
    if let Some(unknown) = names.iter().find(|name| !all.iter().any(|api| &api.name == *name)) {
        return Err(format!("no spec named `{unknown}` (specs/{unknown}.yaml)"));
    }
    all.iter()
        .filter(|api| names.is_empty() || names.contains(&api.name))
        .map(|api| plan(root, api))
        .collect()
}

fn plan(root: &Path, api: &Api) -> Result<Plan, String> {
    let crate_name = format!("cloudjobs-{}", api.name);
    let current_text = package_version(root, &api.name).map_err(|e| e.to_string())?;
    let current = Version::parse(&current_text).ok_or_else(|| {
        format!("crates/{}/Cargo.toml: {current_text:?} is not MAJOR.MINOR.PATCH", api.name)
    })?;
    let released = release_tags(root, &crate_name)?.into_iter().next();
    let file = spec_name(api);
    let new = fs::read_to_string(root.join(&api.spec)).map_err(|e| format!("{file}: {e}"))?;
    let diff = match &released {
        // Never released: everything is new, and any version will do.
        None => ApiDiff { api: api.name.clone(), changes: Vec::new() },
        Some((tag, _)) => {
            let old = git(root, &["show", &format!("{tag}:{file}")]).ok();
            let old_label = format!("{tag}:{file}");
            cloudjobs_codegen::diff::diff_specs(
                &api.name,
                old.as_deref().map(|text| (old_label.as_str(), text)),
                Some((file.as_str(), new.as_str())),
            )
            .map_err(|e| e.to_string())?
        }
    };
    Ok(Plan { crate_name, released, current, diff })
}

/// One changelog line for a change, with the Rust items it touches.
fn entry(change: &Change) -> String {
    let mut line = format!("- {}: `{}`", change.kind, change.location);
    if !change.detail.is_empty() {
        line.push_str(&format!(" ({})", change.detail));
    }
    if !change.rust_items.is_empty() {
        let items: Vec<String> = change.rust_items.iter().map(|i| format!("`{i}`")).collect();
        line.push_str(&format!("; Rust: {}", items.join(", ")));
    }
    line
}

/// The `## Unreleased` section of a plan's changes: breaking first.
pub fn unreleased_section(plan: &Plan) -> String {
    let mut text = String::from("## Unreleased\n");
    if let Some(needed) = plan.needed() {
        text.push_str(&format!("\nNeeds version {needed} or later.\n"));
    }
    for (severity, heading) in [
        (Severity::Breaking, "Breaking"),
        (Severity::NonBreaking, "Added"),
        (Severity::Documentation, "Documentation"),
    ] {
        let entries: Vec<String> =
            plan.diff.changes.iter().filter(|c| c.severity == severity).map(entry).collect();
        if !entries.is_empty() {
            text.push_str(&format!("\n### {heading}\n\n{}\n", entries.join("\n")));
        }
    }
    text
}

/// `changelog` with its `## Unreleased` section replaced by `section` (added
/// before the first release section when there is none).
pub fn with_unreleased(changelog: &str, section: &str) -> String {
    let start = changelog.find("## Unreleased").or_else(|| changelog.find("\n## ").map(|at| at + 1));
    let Some(start) = start else {
        return format!("{}\n\n{section}", changelog.trim_end());
    };
    let rest = &changelog[start..];
    let end = if rest.starts_with("## Unreleased") {
        rest[1..].find("\n## ").map(|at| start + at + 2).unwrap_or(changelog.len())
    } else {
        start
    };
    format!("{}{section}\n{}", &changelog[..start], &changelog[end..]).trim_end().to_owned() + "\n"
}

/// Writes each plan's changes into `crates/NAME/CHANGELOG.md`, for the
/// crates whose spec changed since their release.
pub fn write_changelogs(root: &Path, plans: &[Plan]) -> Result<Vec<String>, String> {
    let mut written = Vec::new();
    for plan in plans.iter().filter(|p| !p.diff.changes.is_empty()) {
        let name = plan.crate_name.strip_prefix("cloudjobs-").unwrap_or(&plan.crate_name);
        let path = root.join("crates").join(name).join("CHANGELOG.md");
        let old =
            fs::read_to_string(&path).unwrap_or_else(|_| format!("# Changelog of {}\n", plan.crate_name));
        fs::write(&path, with_unreleased(&old, &unreleased_section(plan)))
            .map_err(|e| format!("{}: {e}", path.display()))?;
        written.push(format!("crates/{name}/CHANGELOG.md"));
    }
    Ok(written)
}

/// The runtime's public API against its last release, by `cargo
/// semver-checks` (`cargo install cargo-semver-checks --locked`): `Ok(None)`
/// when there is no release yet, `Ok(Some(note))` when the tool is missing,
/// `Err` with its report when the API broke without the version saying so.
pub fn check_runtime(root: &Path) -> Result<Option<String>, String> {
    let Some((tag, _)) = release_tags(root, "cloudjobs-core")?.into_iter().next() else {
        return Ok(None);
    };
    let installed = std::process::Command::new("cargo")
        .args(["semver-checks", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !installed {
        return Ok(Some(format!(
            "cargo-semver-checks is not installed, so cloudjobs-core's public API was not compared with {tag} \
             (cargo install cargo-semver-checks --locked)"
        )));
    }
    let output = std::process::Command::new("cargo")
        .args(["semver-checks", "--package", "cloudjobs-core", "--baseline-rev", &tag])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run cargo semver-checks: {e}"))?;
    if output.status.success() {
        Ok(None)
    } else {
        Err(format!(
            "cloudjobs-core's public API changed more than its version says since {tag}:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bumps_follow_cargos_reading_of_versions() {
        let v = |text| Version::parse(text).unwrap();
        assert_eq!(v("0.1.3").after(Severity::Breaking), v("0.2.0"));
        assert_eq!(v("0.1.3").after(Severity::NonBreaking), v("0.1.4"));
        assert_eq!(v("0.1.3").after(Severity::Documentation), v("0.1.4"));
        assert_eq!(v("1.4.2").after(Severity::Breaking), v("2.0.0"));
        assert_eq!(v("1.4.2").after(Severity::NonBreaking), v("1.5.0"));
        assert_eq!(v("1.4.2").after(Severity::Documentation), v("1.4.3"));
        assert_eq!(Version::parse("1.2"), None);
        assert_eq!(Version::parse("1.2.3.4"), None);
    }

    #[test]
    fn the_unreleased_section_is_replaced_and_the_rest_kept() {
        let old = "# Changelog\n\nintro\n\n## Unreleased\n\n- old\n\n## 0.1.0\n\n- first\n";
        let new = with_unreleased(old, "## Unreleased\n\n- new\n");
        assert_eq!(new, "# Changelog\n\nintro\n\n## Unreleased\n\n- new\n\n## 0.1.0\n\n- first\n");
        let without = with_unreleased("# Changelog\n\n## 0.1.0\n", "## Unreleased\n\n- new\n");
        assert_eq!(without, "# Changelog\n\n## Unreleased\n\n- new\n\n## 0.1.0\n");
    }
}
