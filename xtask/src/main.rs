//! `cargo xtask`: the project's own commands (regen, diff, lint). See `cargo xtask --help`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "cloudjobs project commands")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate crates/NAME/src/generated.rs from specs/NAME.yaml.
    Regen {
        /// APIs to regenerate (the file names under specs/, without .yaml); all when none.
        names: Vec<String>,
        /// Write nothing; print a unified diff of what would change and exit 1 if anything would.
        #[arg(long)]
        check: bool,
    },
    /// Report how the specs changed since a git revision, graded breaking / non-breaking / documentation.
    Diff {
        /// The revision to compare with (default: the merge base with main).
        #[arg(long)]
        base: Option<String>,
        /// Markdown for a pull request, or JSON.
        #[arg(long, value_enum, default_value = "markdown")]
        format: Format,
        /// Exit 1 when there is a breaking change (`breaking`) or any change (`any`).
        #[arg(long, value_enum)]
        fail_on: Option<FailOn>,
    },
    /// Check every spec against the project's conventions, or only the
    /// spec files given, wherever they are (a draft before it joins specs/).
    Lint {
        /// Spec files to check instead of every spec under specs/.
        files: Vec<std::path::PathBuf>,
    },
    /// State the version each client crate needs since its last release (tag
    /// cloudjobs-NAME-vX.Y.Z) from its graded spec diff, and fill the
    /// Unreleased section of its CHANGELOG.md.
    Release {
        /// APIs to look at (the file names under specs/, without .yaml); all when none.
        names: Vec<String>,
        /// Write nothing; exit 1 naming each crate whose version is lower than its changes need
        /// (and the runtime, when cargo-semver-checks is installed and finds a break).
        #[arg(long)]
        check: bool,
    },
    /// Measure a clean build of an app on one client crate beside one on bare
    /// reqwest and one on aws-sdk-sso + aws-config.
    BenchBuild {
        /// Build all three this many times, in turn, and report medians.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..))]
        rounds: u16,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Markdown,
    Json,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum FailOn {
    Breaking,
    Any,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = match xtask::workspace_root() {
        Ok(root) => root,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    match cli.command {
        Command::Regen { names, check } => regen(&root, &names, check),
        Command::Diff { base, format, fail_on } => diff(&root, base, format, fail_on),
        Command::Lint { files } => lint(&root, &files),
        Command::Release { names, check } => release(&root, &names, check),
        Command::BenchBuild { rounds } => bench_build(&root, usize::from(rounds)),
    }
}

fn regen(root: &std::path::Path, names: &[String], check: bool) -> ExitCode {
    match xtask::regen(root, names, check) {
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!("nothing was written");
            ExitCode::FAILURE
        }
        Ok(report) if check && !report.changed.is_empty() => {
            for (_, diff) in &report.changed {
                print!("{diff}");
            }
            eprintln!(
                "{} generated file(s) are stale: run `{}` and commit",
                report.changed.len(),
                xtask::REGEN_COMMAND
            );
            ExitCode::FAILURE
        }
        Ok(report) => {
            for (path, _) in &report.changed {
                eprintln!("wrote {}", path.display());
            }
            eprintln!("{} file(s) up to date", report.unchanged.len());
            ExitCode::SUCCESS
        }
    }
}

fn diff(root: &std::path::Path, base: Option<String>, format: Format, fail_on: Option<FailOn>) -> ExitCode {
    let base = base.unwrap_or_else(|| xtask::default_base(root));
    let diffs = match xtask::diff_all(root, &base) {
        Ok(diffs) => diffs,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    match format {
        Format::Markdown => print!("{}", cloudjobs_codegen::diff::markdown(&diffs)),
        Format::Json => println!("{}", serde_json::to_string_pretty(&diffs).expect("the report serializes")),
    }
    let breaking = diffs.iter().any(|d| d.is_breaking());
    let any = diffs.iter().any(|d| !d.changes.is_empty());
    match fail_on {
        Some(FailOn::Breaking) if breaking => ExitCode::FAILURE,
        Some(FailOn::Any) if any => ExitCode::FAILURE,
        _ => ExitCode::SUCCESS,
    }
}

fn release(root: &std::path::Path, names: &[String], check: bool) -> ExitCode {
    let plans = match xtask::release::plans(root, names) {
        Ok(plans) => plans,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let mut failed = false;
    for plan in &plans {
        let released = match &plan.released {
            Some((tag, _)) => format!("since {tag}"),
            None => "never released".to_owned(),
        };
        match (plan.problem(), plan.needed()) {
            (Some(problem), _) => {
                eprintln!("error: {problem}");
                failed = true;
            }
            (None, Some(needed)) => {
                println!("{} {}: {released}, changes need {needed}: ok", plan.crate_name, plan.current)
            }
            (None, None) => println!("{} {}: {released}, no spec change", plan.crate_name, plan.current),
        }
    }
    if names.is_empty() {
        match xtask::release::check_runtime(root) {
            Ok(Some(note)) => eprintln!("note: {note}"),
            Ok(None) => {}
            Err(report) => {
                eprintln!("error: {report}");
                failed = true;
            }
        }
    }
    if !check {
        match xtask::release::write_changelogs(root, &plans) {
            Ok(written) => written.iter().for_each(|path| eprintln!("wrote {path}")),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

fn lint(root: &std::path::Path, files: &[std::path::PathBuf]) -> ExitCode {
    let found = if files.is_empty() { xtask::lint_all(root) } else { xtask::lint_files(files) };
    match found {
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
        Ok(found) if found.is_empty() => {
            let which = if files.is_empty() { "every spec keeps" } else { "the files keep" };
            eprintln!("{which} the conventions");
            ExitCode::SUCCESS
        }
        Ok(found) => {
            for problem in &found {
                eprintln!("{problem}");
            }
            eprintln!("{} problem(s)", found.len());
            ExitCode::FAILURE
        }
    }
}

fn bench_build(root: &std::path::Path, rounds: usize) -> ExitCode {
    let measured = match xtask::bench_build(root, rounds) {
        Ok(measured) => measured,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    // The middle value, or the mean of the middle two for an even count.
    let median = |mut values: Vec<f64>| {
        values.sort_by(f64::total_cmp);
        let half = values.len() / 2;
        match (values.len() % 2, values.get(half.wrapping_sub(1)), values.get(half)) {
            (0, Some(low), Some(high)) => (low + high) / 2.0,
            (_, _, Some(middle)) => *middle,
            _ => f64::NAN,
        }
    };
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    println!(
        "clean debug build on {cores} cores, downloads excluded, {rounds} round(s); medians over rounds\n"
    );
    println!(
        "| application | build (s) | crates compiled (round 1) | crates resolved (all platforms) | build vs bare reqwest | build vs AWS | vs bare reqwest, each round |"
    );
    println!("|---|---|---|---|---|---|---|");
    let seconds = |round: &[xtask::Measured], name: &str| {
        round.iter().find(|m| m.name == name).map_or(f64::NAN, |m| m.build.as_secs_f64())
    };
    for first in measured.first().into_iter().flatten() {
        let over = |base: &str| -> Vec<f64> {
            measured.iter().map(|round| seconds(round, first.name) / seconds(round, base)).collect()
        };
        let vs_bare = over(xtask::BARE);
        let each: Vec<String> = vs_bare.iter().map(|ratio| format!("{ratio:.2}")).collect();
        println!(
            "| {} | {:.1} | {} | {} | {:.2} | {:.2} | {} |",
            first.name,
            median(measured.iter().map(|round| seconds(round, first.name)).collect()),
            first.compiled,
            first.resolved,
            median(vs_bare),
            median(over(xtask::AWS)),
            each.join(", ")
        );
    }
    ExitCode::SUCCESS
}
