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
    // Run in a checkout, the tour must not leave files in it.
    let left: Vec<_> =
        std::fs::read_dir(scratch.path()).unwrap().map(|entry| entry.unwrap().file_name()).collect();
    assert!(left.is_empty(), "the tour left {left:?} behind");
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

/// Starts `cloudjobs mock` with these credentials and returns it with its base URL.
fn start_mock(key_id: &str, secret: &str) -> (std::process::Child, String) {
    start_mock_logging_to(key_id, secret, Stdio::piped())
}

/// `start_mock`, its request log sent to `log`.
fn start_mock_logging_to(key_id: &str, secret: &str, log: Stdio) -> (std::process::Child, String) {
    let mut mock = Command::new(BINARY)
        .args(["mock", "--port", "0", "--access-key-id", key_id, "--secret", secret])
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .unwrap();
    let first = BufReader::new(mock.stdout.take().unwrap()).lines().next().unwrap().unwrap();
    let url = first.split_whitespace().find(|w| w.starts_with("http://127.0.0.1:")).unwrap().to_owned();
    (mock, url)
}

/// `cloudjobs alibaba-cloudsso get-task-status` of task `t-1` against `url`, signed with this key.
fn get_task_status(url: &str, key_id: &str, secret: &str) -> std::process::Output {
    Command::new(BINARY)
        .args([
            "alibaba-cloudsso",
            "get-task-status",
            "--directory-id",
            "d",
            "--task-id",
            "t-1",
            "--endpoint",
            url,
        ])
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", key_id)
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", secret)
        .output()
        .unwrap()
}

/// An API, an operation with its flags, and the environment to call it with.
type Call = (&'static str, &'static [&'static str], Vec<(&'static str, &'static str)>);

#[test]
fn a_trace_at_every_level_shows_no_secret() {
    const SECRET: &str = "TOPSECRET-s3cr3t";
    let (mut mock, url) = start_mock("trace-key", SECRET);
    // Each vendor's credential variables, tokens included, all holding secrets.
    let environments: [Call; 5] = [
        (
            "alibaba-cloudsso",
            &["get-task-status", "--directory-id", "d-1", "--task-id", "t-1"],
            vec![
                ("ALIBABA_CLOUD_ACCESS_KEY_ID", "trace-key"),
                ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET),
                ("ALIBABA_CLOUD_SECURITY_TOKEN", "TOPSECRET-token"),
            ],
        ),
        (
            "tencent-organization",
            &["get-provisioning-task-status", "--zone-id", "z-1", "--task-id", "t-1"],
            vec![
                ("TENCENTCLOUD_SECRET_ID", "trace-key"),
                ("TENCENTCLOUD_SECRET_KEY", SECRET),
                ("TENCENTCLOUD_TOKEN", "TOPSECRET-token"),
            ],
        ),
        (
            "huawei-identitycenter",
            &["get-identity-center-service-status"],
            vec![
                ("HUAWEICLOUD_SDK_AK", "trace-key"),
                ("HUAWEICLOUD_SDK_SK", SECRET),
                ("HUAWEICLOUD_SDK_DOMAIN_ID", "cloudjobs-mock-domain"),
            ],
        ),
        (
            "oracle-primavera-admin",
            &["get-user-job-status", "--job-id", "1"],
            vec![("ORACLE_PRIMAVERA_USERNAME", "trace-key"), ("ORACLE_PRIMAVERA_PASSWORD", SECRET)],
        ),
        (
            "oracle-primavera-admin",
            &["get-user-job-status", "--job-id", "1"],
            vec![("ORACLE_PRIMAVERA_TOKEN", SECRET)],
        ),
    ];
    let masked_endpoint = url.replace("http://", "http://someone:TOPSECRET-pw@");
    for (api, operation, vars) in environments {
        for (flag, log) in [("--debug", None), ("--debug", Some("trace"))] {
            let mut command = Command::new(BINARY);
            command.arg(api).args(operation).args(["--endpoint", &masked_endpoint, flag, "--no-retry"]);
            command.env_clear().env("PATH", std::env::var("PATH").unwrap_or_default());
            if let Some(log) = log {
                command.env("RUST_LOG", log);
            }
            let output = command.envs(vars.iter().copied()).output().unwrap();
            let printed = format!(
                "{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
            assert!(
                printed.contains("DEBUG") || printed.contains("TRACE"),
                "{api}: the trace is on:\n{printed}"
            );
            for forbidden in
                ["TOPSECRET", "Signature=", "Basic ", "Bearer ", "TC3-HMAC-SHA256 ", "SDK-HMAC-SHA256 "]
            {
                assert!(!printed.contains(forbidden), "{api} at {log:?}: {forbidden:?} in:\n{printed}");
            }
        }
    }
    mock.kill().unwrap();
    let log = mock.wait_with_output().unwrap();
    // The emulator logged each request, one line each, refusals with their reason.
    let served = String::from_utf8_lossy(&log.stderr);
    assert!(served.lines().any(|l| l.contains("POST / GetTaskStatus -> 200")), "{served}");
}

#[test]
fn the_emulator_logs_why_it_refuses() {
    let (mut mock, url) = start_mock("k", "right");
    let refused = get_task_status(&url, "k", "wrong");
    assert_eq!(refused.status.code(), Some(3));
    mock.kill().unwrap();
    let log = String::from_utf8_lossy(&mock.wait_with_output().unwrap().stderr).into_owned();
    // The reason quotes the string to sign, which has a line break: it is
    // escaped, so that the log and the command's error stay one line each.
    let line = log.lines().find(|l| l.contains("POST / GetTaskStatus -> 400 refused: SignatureDoesNotMatch"));
    let line = line.unwrap_or_else(|| panic!("one line per request with the reason:\n{log}"));
    assert!(line.contains("ACS3-HMAC-SHA256\\n"), "the whole reason on the line: {line}");
    let error = String::from_utf8_lossy(&refused.stderr);
    assert!(error.contains("ACS3-HMAC-SHA256\\n") && error.lines().count() == 1, "{error}");
}

#[test]
fn an_emulator_on_a_taken_port_names_the_port() {
    let (mut first, url) = start_mock("k", "s");
    let port = url.rsplit(':').next().unwrap().trim_end_matches('/').to_owned();
    let second = Command::new(BINARY).args(["mock", "--port", &port]).output().unwrap();
    first.kill().unwrap();
    let _ = first.wait();
    assert_eq!(second.status.code(), Some(2));
    let error = String::from_utf8_lossy(&second.stderr);
    assert!(error.contains(&format!("cannot listen on 127.0.0.1:{port}: ")), "{error}");
}

/// Runs `args` with stderr on a pseudo-terminal, and returns what the
/// terminal received and the exit code.
fn on_a_terminal(args: &[&str], vars: &[(&str, &str)]) -> (String, Option<i32>) {
    use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};
    use std::io::Read;
    let controller = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY).unwrap();
    grantpt(&controller).unwrap();
    unlockpt(&controller).unwrap();
    let name = ptsname(&controller, Vec::new()).unwrap();
    let terminal = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(<std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(name.as_bytes()))
        .unwrap();
    let mut child = Command::new(BINARY)
        .args(args)
        .envs(vars.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(terminal))
        .spawn()
        .unwrap();
    let mut reader = std::fs::File::from(controller);
    let mut seen = Vec::new();
    let mut buffer = [0u8; 4096];
    // The read ends with an error (EIO) once the child closes the terminal.
    while let Ok(read) = reader.read(&mut buffer) {
        if read == 0 {
            break;
        }
        seen.extend_from_slice(&buffer[..read]);
    }
    let status = child.wait().unwrap();
    (String::from_utf8_lossy(&seen).into_owned(), status.code())
}

#[test]
fn the_spinner_counts_polls_and_leaves_a_final_line() {
    let (mut mock, url) = start_mock("k", "s");
    let (terminal, code) = on_a_terminal(
        &[
            "alibaba-cloudsso",
            "get-task-status",
            "--directory-id",
            "d",
            "--task-id",
            "t-spin",
            "--endpoint",
            &url,
            "--wait",
        ],
        &[("ALIBABA_CLOUD_ACCESS_KEY_ID", "k"), ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "s")],
    );
    mock.kill().unwrap();
    mock.wait().unwrap();
    assert_eq!(code, Some(0), "{terminal}");
    assert!(terminal.contains("running (InProgress) · poll 2"), "the poll count moves: {terminal:?}");
    // Printed above the spinner (ended by a newline, or padded to the width so
    // that the terminal wraps), so that clearing the spinner's line leaves it.
    let (_, after) = terminal.split_once("succeeded (Success) after 3 poll(s)").expect("a final line");
    let rest = after.trim_start_matches(' ');
    assert!(!rest.starts_with('\r'), "the final line is not erased: {terminal:?}");
}

/// A line of `/proc/PID/status` (`VmRSS`, `VmHWM`) in megabytes.
fn memory_mb(pid: u32, field: &str) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with(field)).unwrap();
    let kb: f64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kb / 1024.0
}

/// Sends an unsigned POST announcing `length` bytes and sending at most
/// `sent` of them, and returns the answer's status line.
fn unsigned_post(address: &str, length: usize, sent: usize) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(std::time::Duration::from_secs(30))).unwrap();
    let head = format!(
        "POST / HTTP/1.1\r\nhost: {address}\r\ncontent-type: application/json\r\ncontent-length: {length}\r\nconnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).unwrap();
    // The emulator may answer and close before the whole body is sent.
    let chunk = vec![b'x'; 64 * 1024];
    let mut left = sent;
    while left > 0 {
        let n = left.min(chunk.len());
        if stream.write_all(&chunk[..n]).is_err() {
            break;
        }
        left -= n;
    }
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).lines().next().unwrap_or_default().to_owned()
}

/// The hostile load of issue 16, as a process: 300 unsigned 1 MiB POSTs, 30
/// at a time, and one POST announcing 512 MiB. Without the emulator's limits
/// the first kept about 300 MB and the second read 512 MiB; with them its
/// peak stays under the README's bound, and a signed request is still
/// answered afterwards.
#[cfg(target_os = "linux")]
#[test]
fn the_emulator_keeps_its_memory_bounded_under_hostile_load() {
    const BOUND_MB: f64 = 96.0;
    // The log is not read: 300 lines of it must not fill a pipe.
    let (mut mock, url) = start_mock_logging_to("k", "s", Stdio::null());
    let address = url.trim_start_matches("http://").trim_end_matches('/').to_owned();
    let start_mb = memory_mb(mock.id(), "VmRSS:");

    for _ in 0..10 {
        let threads: Vec<_> = (0..30)
            .map(|_| {
                let address = address.clone();
                std::thread::spawn(move || unsigned_post(&address, 1 << 20, 1 << 20))
            })
            .collect();
        for thread in threads {
            let status = thread.join().unwrap();
            assert!(status.starts_with("HTTP/1.1 4"), "an unsigned request is refused: {status:?}");
        }
    }
    let huge = unsigned_post(&address, 512 << 20, 8 << 20);
    assert!(huge.starts_with("HTTP/1.1 413"), "512 MiB announced: {huge:?}");

    let peak_mb = memory_mb(mock.id(), "VmHWM:");
    let after_mb = memory_mb(mock.id(), "VmRSS:");
    let signed = get_task_status(&url, "k", "s");
    mock.kill().unwrap();
    mock.wait().unwrap();
    println!("emulator memory: {start_mb:.1} MB at start, peak {peak_mb:.1} MB, {after_mb:.1} MB after");
    assert!(peak_mb < BOUND_MB, "peak {peak_mb:.1} MB (start {start_mb:.1} MB) is over {BOUND_MB} MB");
    assert!(signed.status.success(), "{}", String::from_utf8_lossy(&signed.stderr));
}
