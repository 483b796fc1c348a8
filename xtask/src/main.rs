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
    /// Check every spec against the project's conventions.
    Lint,
    /// Measure a clean build of an app on one client crate beside one on aws-sdk-sso + aws-config.
    BenchBuild,
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
        Command::Lint => lint(&root),
        Command::BenchBuild => bench_build(&root),
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

fn lint(root: &std::path::Path) -> ExitCode {
    match xtask::lint_all(root) {
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
        Ok(found) if found.is_empty() => {
            eprintln!("every spec keeps the conventions");
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

fn bench_build(root: &std::path::Path) -> ExitCode {
    let measured = match xtask::bench_build(root) {
        Ok(measured) => measured,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    println!("clean debug build on {cores} cores, downloads excluded\n");
    println!(
        "| application | build (s) | crates compiled | crates resolved (all platforms) | build vs AWS |"
    );
    println!("|---|---|---|---|---|");
    let aws = measured.last().map(|m| m.build.as_secs_f64()).unwrap_or(1.0);
    for m in &measured {
        let seconds = m.build.as_secs_f64();
        println!("| {} | {seconds:.1} | {} | {} | {:.2} |", m.name, m.compiled, m.resolved, seconds / aws);
    }
    ExitCode::SUCCESS
}
