//! The `cloudjobs` binary itself, as the README's quick start uses it: start
//! the emulator, call it three times, watch the job finish.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const BINARY: &str = env!("CARGO_BIN_EXE_cloudjobs");

#[test]
fn quick_start_against_the_emulator() {
    let mut mock = Command::new(BINARY).args(["mock", "--port", "0"]).stdout(Stdio::piped()).spawn().unwrap();
    let mut lines = BufReader::new(mock.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first.split_whitespace().find(|w| w.starts_with("http://127.0.0.1:")).unwrap().to_owned();

    let mut statuses = Vec::new();
    for _ in 0..3 {
        let output = Command::new(BINARY)
            .args([
                "alibaba-cloudsso",
                "get-task-status",
                "--directory-id",
                "d-1",
                "--task-id",
                "t-1",
                "--endpoint",
                &url,
            ])
            .env("ALIBABA_CLOUD_ACCESS_KEY_ID", "cloudjobs-mock-key")
            .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "cloudjobs-mock-secret")
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let body: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        statuses.push(body["TaskStatus"]["Status"].as_str().unwrap().to_owned());
    }
    assert_eq!(statuses, ["InProgress", "InProgress", "Success"]);

    let refused = Command::new(BINARY)
        .args([
            "alibaba-cloudsso",
            "get-task-status",
            "--directory-id",
            "d-1",
            "--task-id",
            "t-1",
            "--endpoint",
            &url,
        ])
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", "cloudjobs-mock-key")
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "wrong")
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&refused.stderr).starts_with("error: SignatureDoesNotMatch: "));
    mock.kill().unwrap();
    mock.wait().unwrap();
}
