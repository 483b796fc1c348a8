//! `cargo xtask bench-build`: the build weight of an application that depends
//! on one cloudjobs client crate, beside the floor under it (an application on
//! bare reqwest with rustls and ring, serde_json and tokio, which any client of
//! this design needs) and AWS's comparable identity-center client (aws-sdk-sso
//! with aws-config), measured in one run on this machine: a clean debug
//! build's wall time and the number of crates it compiles.
//!
//! Every build runs with `CARGO_INCREMENTAL=0`. A crate from crates.io is never
//! compiled incrementally, but the client crate is reached here through a
//! `path` dependency (it is measured before it is published), and cargo
//! compiles path dependencies incrementally, which costs a clean build 1.3 to
//! 1.9 s more for our two crates than a user depending on the published crates
//! pays. The other two applications depend on crates.io only, so the
//! setting changes nothing for them but their one-file `main`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The name of the floor: reqwest and what a JSON client needs with it.
pub const BARE: &str = "bare reqwest + rustls/ring + serde_json + tokio";

/// The name of the comparison: AWS's identity-center client.
pub const AWS: &str = "aws-sdk-sso + aws-config";

/// One application to build.
struct App {
    name: &'static str,
    dependencies: String,
    main: &'static str,
}

/// What one clean build cost.
pub struct Measured {
    /// The application's name.
    pub name: &'static str,
    /// Wall time of `cargo build` from an empty target directory, downloads excluded.
    pub build: Duration,
    /// Crates compiled by the clean build, the application excluded.
    pub compiled: usize,
    /// Packages in the resolved dependency graph (all platforms), the application excluded.
    pub resolved: usize,
}

fn apps(root: &Path) -> Vec<App> {
    let ours = root.join("crates/alibaba-cloudsso");
    vec![
        App {
            name: BARE,
            dependencies: "reqwest = { version = \"0.13\", default-features = false, features = [\"json\", \"query\", \"rustls-no-provider\"] }\n\
                           rustls = { version = \"0.23\", default-features = false, features = [\"ring\", \"std\", \"tls12\"] }\n\
                           serde = { version = \"1\", features = [\"derive\"] }\nserde_json = \"1\"\n\
                           tokio = { version = \"1\", features = [\"macros\", \"rt\"] }\n"
                .to_owned(),
            main: "#[derive(serde::Deserialize)]\nstruct Answer {\n    id: String,\n}\n\n\
                   #[tokio::main(flavor = \"current_thread\")]\nasync fn main() {\n    \
                   let _ = rustls::crypto::ring::default_provider().install_default();\n    \
                   let client = reqwest::Client::new();\n    \
                   println!(\"{}\", client.get(\"https://example.invalid\").build().is_ok());\n    \
                   let answer: Result<Answer, _> = serde_json::from_str(\"{\\\"id\\\":\\\"x\\\"}\");\n    \
                   println!(\"{:?}\", answer.map(|a| a.id));\n}\n",
        },
        App {
            name: "cloudjobs-alibaba-cloudsso",
            dependencies: format!(
                "cloudjobs-alibaba-cloudsso = {{ path = {:?} }}\ntokio = {{ version = \"1\", features = [\"macros\", \"rt\"] }}\n",
                ours.display().to_string()
            ),
            main: "#[tokio::main(flavor = \"current_thread\")]\nasync fn main() {\n    \
                   let client = cloudjobs_alibaba_cloudsso::Client::from_env();\n    \
                   println!(\"{}\", client.is_ok());\n}\n",
        },
        App {
            name: AWS,
            dependencies: "aws-config = \"1\"\naws-sdk-sso = \"1\"\ntokio = { version = \"1\", features = [\"macros\", \"rt\"] }\n"
                .to_owned(),
            main: "#[tokio::main(flavor = \"current_thread\")]\nasync fn main() {\n    \
                   let config = aws_config::load_from_env().await;\n    \
                   let client = aws_sdk_sso::Client::new(&config);\n    \
                   println!(\"{:?}\", client.config().region());\n}\n",
        },
    ]
}

/// Runs a command, returning its standard output and standard error.
fn run(command: &mut Command) -> Result<(String, String), String> {
    let output = command.output().map_err(|e| format!("{command:?}: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if !output.status.success() {
        return Err(format!("{command:?} failed:\n{stderr}"));
    }
    Ok((String::from_utf8_lossy(&output.stdout).into_owned(), stderr))
}

fn measure(dir: &Path, app: &App) -> Result<Measured, String> {
    let _ = fs::remove_dir_all(dir);
    fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
    let manifest = format!(
        "[package]\nname = \"bench-app\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n[workspace]\n\n[dependencies]\n{}",
        app.dependencies
    );
    fs::write(dir.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    fs::write(dir.join("src/main.rs"), app.main).map_err(|e| e.to_string())?;
    let cargo = || {
        let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        command.current_dir(dir).env("CARGO_TARGET_DIR", dir.join("target")).env("CARGO_INCREMENTAL", "0");
        command
    };
    // Downloads are not build time: fetch first.
    run(cargo().args(["fetch", "--quiet"]))?;
    let (metadata, _) = run(cargo().args(["metadata", "--format-version", "1"]))?;
    let metadata: serde_json::Value = serde_json::from_str(&metadata).map_err(|e| e.to_string())?;
    let resolved = metadata["resolve"]["nodes"].as_array().map(|n| n.len().saturating_sub(1)).unwrap_or(0);
    let started = Instant::now();
    let (_, log) = run(cargo().args(["build", "--offline", "--color", "never"]))?;
    let build = started.elapsed();
    let compiled = log.lines().filter(|l| l.trim_start().starts_with("Compiling ")).count().saturating_sub(1);
    Ok(Measured { name: app.name, build, compiled, resolved })
}

/// Builds the three applications from clean, one after the other, under
/// `root/target/bench-build`, `rounds` times over: one list per round. Rounds
/// rather than one long run per application, so that a slow spell of a shared
/// machine falls on all three of a round alike.
pub fn bench_build(root: &Path, rounds: usize) -> Result<Vec<Vec<Measured>>, String> {
    let base: PathBuf = root.join("target").join("bench-build");
    let apps = apps(root);
    (1..=rounds)
        .map(|round| {
            apps.iter()
                .enumerate()
                .map(|(i, app)| {
                    eprintln!("round {round} of {rounds}: building {} from clean...", app.name);
                    measure(&base.join(format!("app{i}")), app)
                })
                .collect()
        })
        .collect()
}
