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

/// The README's block marked `lifecycle-tour`, as a shell script.
fn readme_tour() -> String {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md")).unwrap();
    let marked = &readme[readme.find("<!-- lifecycle-tour -->").expect("the README marks its tour")..];
    let start = marked.find("```sh\n").unwrap() + "```sh\n".len();
    marked[start..start + marked[start..].find("```").unwrap()].to_owned()
}

#[test]
fn the_readme_lifecycle_tour_runs_as_written() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let script = readme_tour().replace("8080", &port.to_string());
    let scratch = tempfile::tempdir().unwrap();
    let bin_dir = std::path::Path::new(BINARY).parent().unwrap();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let output = Command::new("bash")
        .args(["-e", "-c", &script])
        .current_dir(scratch.path())
        .env("PATH", path)
        .output()
        .unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "the tour failed:\n{stderr}");
    // One job per vendor's start, each followed to its succeeded word, in
    // the JSON lines --wait writes when stderr is not a terminal.
    let succeeded: Vec<String> = stderr
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|event| event["event"] == "state" && event["state"] == "succeeded")
        .map(|event| event["status"].as_str().unwrap_or_default().to_owned())
        .collect();
    for ended in ["Success", "success", "SUCCEEDED", "200"] {
        assert!(succeeded.iter().any(|s| s == ended), "no job succeeded with {ended:?} in:\n{stderr}");
    }
    assert_eq!(succeeded.len(), 5, "{stderr}");
    // Each --all printed the job just started as a line of JSON.
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .filter(|l| l.starts_with('{') && l.ends_with('}'))
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    for id_field in ["TaskId", "SynchronizationJobId", "request_id"] {
        assert!(
            lines.iter().any(|item| item.get(id_field).is_some()),
            "no listed item with {id_field}:\n{stdout}"
        );
    }
}
