//! `cargo xtask`: the project's own commands. See `cargo xtask --help`.

use std::path::PathBuf;
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
}

fn workspace_root() -> PathBuf {
    // xtask lives one directory below the workspace root.
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().map(PathBuf::from).unwrap_or_default()
}

fn main() -> ExitCode {
    let Command::Regen { names, check } = Cli::parse().command;
    match xtask::regen(&workspace_root(), &names, check) {
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
