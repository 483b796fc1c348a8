//! The `cloudjobs` binary: the process around [`cloudjobs_cli::run`].

use std::process::ExitCode;

fn main() -> ExitCode {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let env = cloudjobs_cli::Environment {
        var: &var,
        home: std::env::var_os("HOME").map(Into::into),
        stop: None,
        interactive: std::io::IsTerminal::is_terminal(&std::io::stderr()),
        install_tracing: true,
    };
    let code = cloudjobs_cli::run(
        std::env::args_os().collect(),
        &env,
        &mut std::io::stdout(),
        &mut std::io::stderr(),
    );
    ExitCode::from(code)
}
