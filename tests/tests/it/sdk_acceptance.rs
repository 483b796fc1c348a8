//! The official vendor SDKs against the emulator: their signed requests are
//! accepted, a wrong secret is refused with the vendor's code, and every start
//! operation of each SDK's API is accepted and its jobs followed to success
//! with the SDK's own status call.
//!
//! The SDKs are installed from PyPI into `target/sdk-venv` the first time
//! (pinned by tools/sdk-capture/requirements.txt), so this needs `python3` with
//! `venv` and, once, the network to PyPI.

use std::path::{Path, PathBuf};
use std::process::Command;

use cloudjobs_mock::{Emulator, EmulatorConfig};
use cloudjobs_tests::workspace_root;
use serde_json::Value;

use crate::support::protocol;

/// The virtual environment with the pinned SDKs, created or refreshed when
/// the requirements changed.
fn sdk_python() -> PathBuf {
    let root = workspace_root();
    let venv = root.join("target/sdk-venv");
    let requirements = root.join("tools/sdk-capture/requirements.txt");
    let wanted = std::fs::read_to_string(&requirements).unwrap();
    let stamp = venv.join("installed-requirements.txt");
    let python = venv.join("bin/python");
    if std::fs::read_to_string(&stamp).ok().as_deref() != Some(wanted.as_str()) {
        run(Command::new("python3").args(["-m", "venv"]).arg(&venv));
        run(Command::new(&python)
            .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r"])
            .arg(&requirements));
        std::fs::write(&stamp, wanted).unwrap();
    }
    python
}

fn run(command: &mut Command) {
    let status = command.status().unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
    assert!(status.success(), "{command:?} failed with {status}");
}

fn script() -> PathBuf {
    workspace_root().join("tools/sdk-capture/against_mock.py")
}

#[tokio::test(flavor = "multi_thread")]
async fn official_sdks_are_accepted_and_a_wrong_secret_is_refused_and_they_follow_every_start() {
    let python = tokio::task::spawn_blocking(sdk_python).await.unwrap();
    let emulator = Emulator::start(EmulatorConfig::new().apis(cloudjobs_cli::generated::APIS)).await.unwrap();
    let args = [
        emulator.address().to_string(),
        emulator.key_id().to_owned(),
        emulator.secret().to_owned(),
        "sdk-domain".to_owned(),
    ];
    let script = script();
    let output = tokio::task::spawn_blocking(move || {
        Command::new(&python)
            .arg(&script)
            .args(&args)
            .current_dir(Path::new(&script).parent().unwrap())
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let lines: Vec<Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();

    let expected = [
        ("alibaba-cloudsso", ["InProgress", "InProgress", "Success"], "SignatureDoesNotMatch"),
        ("alibaba-eiam", ["running", "running", "success"], "SignatureDoesNotMatch"),
        ("tencent-organization", ["InProgress", "InProgress", "Success"], "AuthFailure.SignatureFailure"),
        ("huawei-identitycenter", ["DISABLED", "DISABLED", "ENABLED"], "APIGW.0301"),
    ];
    for (api, lives, refusal) in expected {
        let calls: Vec<&Value> =
            lines.iter().filter(|line| line["api"] == api && line.get("attempt").is_some()).collect();
        assert_eq!(calls.len(), 4, "{api}: {calls:?}");
        for (call, status) in calls.iter().zip(lives) {
            assert_eq!(call["ok"], true, "{api}: the SDK's request was refused: {call}");
            assert_eq!(call["status"], status, "{api}: {call}");
        }
        assert_eq!(calls[3]["ok"], false, "{api}: a wrong secret was accepted");
        assert_eq!(calls[3]["code"], refusal, "{api}: {}", calls[3]);
    }

    // Every start operation of each SDK's API, from the registry: accepted, and
    // each job it names followed with the SDK's status call to a succeeded word.
    let mut failures = Vec::new();
    let mut start_requests = 0;
    for (api, _, _) in expected {
        let protocol = protocol(api);
        for operation in protocol.operations {
            let Some(start) = operation.start else { continue };
            let id = operation.operation_id;
            let found: Vec<&Value> =
                lines.iter().filter(|line| line["api"] == api && line["start"] == id).collect();
            let [line] = found.as_slice() else {
                failures.push(format!("{api} {id}: expected one line, got {found:?}"));
                continue;
            };
            if line["ok"] != true {
                failures.push(format!("{api} {id}: not accepted or not followed to success: {line}"));
                continue;
            }
            let job = protocol.operation(start.follow).and_then(|op| op.job).unwrap();
            let ended = line["final"].as_str().unwrap_or_default();
            if !job.succeeded.contains(&ended) {
                let words = job.succeeded;
                failures.push(format!("{api} {id}: ended on {ended:?}, not one of {words:?}: {line}"));
            }
            let ids = line["ids"].as_array().map_or(0, Vec::len);
            if start.ids.is_some() != (ids > 0) {
                let pointer = start.ids;
                failures.push(format!("{api} {id}: job ids {} where the spec says {pointer:?}", line["ids"]));
            }
            // Two polls running, then success, for every job followed.
            let polls = line["polls"].as_u64().unwrap_or_default();
            if polls != 3 * ids.max(1) as u64 {
                failures.push(format!("{api} {id}: {polls} polls for {ids} jobs: {line}"));
            }
            start_requests += 1 + polls as usize;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Every SDK request reached the emulator and was checked there.
    assert_eq!(emulator.received(), 16 + start_requests as u64);
}
