//! The `cloudjobs` command as users of the vendors' CLIs use it: output
//! shapes and queries, the vendor's raw answer, per-call timeouts and
//! retries, endpoints that refuse, hang or speak TLS wrongly, profiles from
//! the vendors' own files, and `config show`.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{credential_env, run, run_at_home};

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

/// `get-task-status` of CloudSSO against `endpoint`, with `extra` flags.
fn task_status(endpoint: &str, extra: &[&str]) -> Vec<String> {
    let mut args =
        strings(&["alibaba-cloudsso", "get-task-status", "--directory-id", "d-1", "--task-id", "t-1"]);
    args.extend(["--endpoint".to_owned(), endpoint.to_owned()]);
    args.extend(strings(extra));
    args
}

fn alibaba() -> BTreeMap<String, String> {
    credential_env("alibaba-cloudsso", "id", "secret")
}

async fn run_async(args: Vec<String>, vars: BTreeMap<String, String>) -> crate::support::Outcome {
    tokio::task::spawn_blocking(move || run(&args, &vars)).await.unwrap()
}

/// A CloudSSO answer with a field no spec knows.
const WITH_NEW_FIELD: &str =
    r#"{"RequestId":"r-1","TaskStatus":{"Status":"Success","TaskId":"t-1","NewVendorField":{"x":1}}}"#;

#[tokio::test(flavor = "multi_thread")]
async fn outputs_queries_and_the_raw_answer() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(WITH_NEW_FIELD, "application/json"))
        .mount(&server)
        .await;
    let url = server.uri();

    // The typed answer knows only the spec's fields.
    let typed = run_async(task_status(&url, &[]), alibaba()).await;
    assert_eq!(typed.code, 0, "{}", typed.stderr);
    assert!(!typed.stdout.contains("NewVendorField"), "{}", typed.stdout);
    // --raw prints the bytes as they came.
    let raw = run_async(task_status(&url, &["--raw"]), alibaba()).await;
    assert_eq!(raw.stdout, format!("{WITH_NEW_FIELD}\n"));
    // --query selects from the raw answer with --raw, and from the typed one without.
    let queried =
        run_async(task_status(&url, &["--raw", "--query", "TaskStatus.NewVendorField.x"]), alibaba()).await;
    assert_eq!(queried.stdout, "1\n");
    let status =
        run_async(task_status(&url, &["--query", "TaskStatus.Status", "--output", "text"]), alibaba()).await;
    assert_eq!(status.stdout, "Success\n");
    let compact =
        run_async(task_status(&url, &["-o", "compact", "--query", "TaskStatus.[TaskId,Status]"]), alibaba())
            .await;
    assert_eq!(compact.stdout, "[\"t-1\",\"Success\"]\n");
    let table =
        run_async(task_status(&url, &["--output", "table", "--query", "TaskStatus"]), alibaba()).await;
    assert!(table.stdout.lines().any(|l| l.contains("Status") && l.contains("Success")), "{}", table.stdout);
    // CLOUDJOBS_OUTPUT sets the default; a bad value or query is a usage error.
    let mut vars = alibaba();
    vars.insert("CLOUDJOBS_OUTPUT".into(), "compact".into());
    let defaulted = run_async(task_status(&url, &[]), vars.clone()).await;
    assert_eq!(defaulted.stdout.lines().count(), 1, "{}", defaulted.stdout);
    vars.insert("CLOUDJOBS_OUTPUT".into(), "yaml".into());
    let bad = run_async(task_status(&url, &[]), vars).await;
    assert_eq!(
        (bad.code, bad.stderr.contains("CLOUDJOBS_OUTPUT=\"yaml\" is not an output format")),
        (2, true),
        "{}",
        bad.stderr
    );
    let bad_query = run_async(task_status(&url, &["--query", "TaskStatus.["]), alibaba()).await;
    assert_eq!(bad_query.code, 2);
    assert!(bad_query.stderr.contains("--query is not a JMESPath expression"), "{}", bad_query.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hanging_server_ends_at_the_timeout_the_message_names() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(WITH_NEW_FIELD, "application/json")
                .set_delay(Duration::from_secs(30)),
        )
        .mount(&server)
        .await;
    let started = std::time::Instant::now();
    let outcome =
        run_async(task_status(&server.uri(), &["--call-timeout", "300ms", "--no-retry"]), alibaba()).await;
    assert_eq!(outcome.code, cloudjobs_cli::EXIT_TRANSPORT, "{}", outcome.stderr);
    assert!(outcome.stderr.contains("no answer within --call-timeout 300ms"), "{}", outcome.stderr);
    assert!(started.elapsed() < Duration::from_secs(5), "one call is bounded: {:?}", started.elapsed());
    assert_eq!(server.received_requests().await.unwrap().len(), 1, "--no-retry sends once");

    let read =
        run_async(task_status(&server.uri(), &["--read-timeout", "200ms", "--retries", "1"]), alibaba())
            .await;
    assert_eq!(read.code, cloudjobs_cli::EXIT_TRANSPORT, "{}", read.stderr);
    assert!(read.stderr.contains("--read-timeout 200ms"), "{}", read.stderr);
    assert_eq!(server.received_requests().await.unwrap().len(), 3, "--retries 1 sends twice");
}

#[tokio::test(flavor = "multi_thread")]
async fn waiting_on_an_endpoint_that_refuses_or_speaks_plain_http_ends_with_exit_4() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let started = std::time::Instant::now();
    let refused = run_async(task_status(&format!("http://127.0.0.1:{port}"), &["--wait"]), alibaba()).await;
    assert_eq!(refused.code, cloudjobs_cli::EXIT_TRANSPORT, "{}", refused.stderr);
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "not the 15-minute default: {:?}",
        started.elapsed()
    );
    let failed: Value = serde_json::from_str(refused.stderr.lines().next().unwrap()).unwrap();
    assert_eq!(
        failed["event"], "poll_failed",
        "the failed poll is reported as it happens: {}",
        refused.stderr
    );
    assert!(refused.stderr.contains("Connection refused"), "{}", refused.stderr);

    // TLS spoken to a plain-HTTP server.
    let plain = MockServer::start().await;
    let tls = plain.uri().replace("http://", "https://");
    let outcome = run_async(task_status(&tls, &["--wait", "--progress", "none"]), alibaba()).await;
    assert_eq!(outcome.code, cloudjobs_cli::EXIT_TRANSPORT, "{}", outcome.stderr);
    assert!(outcome.stderr.contains("TLS handshake failed"), "{}", outcome.stderr);
    assert!(outcome.stderr.len() < 600, "bounded: {}", outcome.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_rpc_endpoint_with_a_path_is_refused_before_sending() {
    let server = MockServer::start().await;
    let outcome = run_async(task_status(&format!("{}/extra/path", server.uri()), &[]), alibaba()).await;
    assert_eq!(outcome.code, cloudjobs_cli::EXIT_USAGE, "{}", outcome.stderr);
    assert!(outcome.stderr.contains("has the path /extra/path"), "{}", outcome.stderr);
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn profiles_of_the_vendors_clis_give_keys_region_and_output() {
    let emulator = cloudjobs_mock::Emulator::start(
        cloudjobs_mock::EmulatorConfig::new().apis(cloudjobs_cli::generated::APIS),
    )
    .await
    .unwrap();
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join(".tccli")).unwrap();
    let credential = json!({"secretId": emulator.key_id(), "secretKey": emulator.secret()});
    std::fs::write(home.path().join(".tccli/dev.credential"), credential.to_string()).unwrap();
    std::fs::write(
        home.path().join(".tccli/dev.configure"),
        r#"{"_sys_param": {"region": "ap-singapore", "output": "text"}}"#,
    )
    .unwrap();
    let args = strings(&[
        "tencent-organization",
        "get-provisioning-task-status",
        "--zone-id",
        "z-1",
        "--task-id",
        "t-1",
        "--profile",
        "dev",
        "--query",
        "TaskStatus.Status",
        "--endpoint",
        &emulator.base_url(),
    ]);
    // Keys in the variables are wrong: a named profile does not read them.
    let wrong = credential_env("tencent-organization", "wrong-id", "wrong-secret");
    let home_path = home.path().to_owned();
    let outcome =
        tokio::task::spawn_blocking(move || run_at_home(&args, &wrong, Some(&home_path))).await.unwrap();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    assert_eq!(outcome.stdout, "InProgress\n", "the profile's output format, text");
    let request = emulator.requests().pop().unwrap().parts;
    assert_eq!(request.header("x-tc-region"), Some("ap-singapore"), "the profile's region");

    // config show says where each setting came from, and never a secret.
    let shown =
        run_at_home(&strings(&["config", "show", "--profile", "dev"]), &BTreeMap::new(), Some(home.path()));
    assert_eq!(shown.code, 0);
    assert!(shown.stdout.contains("(from ~/.tccli/dev.credential)"), "{}", shown.stdout);
    assert!(shown.stdout.contains("ap-singapore  (from ~/.tccli/dev.configure)"), "{}", shown.stdout);
    assert!(!shown.stdout.contains(emulator.secret()), "{}", shown.stdout);
    assert!(!shown.stdout.contains("unusable"), "{}", shown.stdout);
    // Credentials that every call would refuse are shown as such.
    let keys_only: BTreeMap<String, String> =
        [("HUAWEICLOUD_SDK_AK", "hwak-123456"), ("HUAWEICLOUD_SDK_SK", "hwsk-secret")]
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
            .into();
    let shown = run_at_home(&strings(&["config", "show"]), &keys_only, Some(home.path()));
    let huawei = shown.stdout.split("\nHuawei").nth(1).unwrap_or_else(|| panic!("{}", shown.stdout));
    assert!(huawei.contains("unusable     Huawei Cloud's global service"), "{}", shown.stdout);
    assert!(huawei.contains("HUAWEICLOUD_SDK_DOMAIN_ID"), "{}", shown.stdout);
    let args = strings(&[
        "tencent-organization",
        "get-provisioning-task-status",
        "--zone-id",
        "z",
        "--task-id",
        "t",
        "--profile",
        "nope",
    ]);
    let home_path = home.path().to_owned();
    let missing = tokio::task::spawn_blocking(move || run_at_home(&args, &BTreeMap::new(), Some(&home_path)))
        .await
        .unwrap();
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("no Tencent Cloud profile \"nope\""), "{}", missing.stderr);
}

#[test]
fn flags_appear_only_where_they_do_something() {
    let help = |args: &[&str]| run(&strings(args), &BTreeMap::new()).stdout;
    let oracle = help(&["oracle-primavera-admin", "get-user-job-status", "--help"]);
    assert!(!oracle.contains("--profile") && !oracle.contains("--region"), "{oracle}");
    let tencent = help(&["tencent-organization", "get-provisioning-task-status", "--help"]);
    for text in
        ["--profile <NAME>", "--region <REGION>", "TENCENTCLOUD_TOKEN", "~/.tccli/NAME.credential", "Example"]
    {
        assert!(tencent.contains(text), "no {text:?} in:\n{tencent}");
    }
    // The example is the spec's own example values.
    assert!(tencent.contains("--task-id 't-d8wjd8j3****'"), "{tencent}");
    let list = help(&["alibaba-cloudsso", "list-tasks", "--help"]);
    assert!(!list.contains("--progress"), "--progress belongs to --wait: {list}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_jobs_file_with_a_bad_step_is_refused_with_its_place() {
    let scratch = tempfile::tempdir().unwrap();
    let file = scratch.path().join("jobs.json");
    std::fs::write(&file, r#"{"t-1": ["running", {"http": 200}]}"#).unwrap();
    let args = strings(&["mock", "--port", "0", "--jobs", file.to_str().unwrap()]);
    let outcome = run_async(args, BTreeMap::new()).await;
    assert_eq!(outcome.code, cloudjobs_cli::EXIT_USAGE);
    assert!(
        outcome
            .stderr
            .contains(r#"job "t-1", step 2: {"http":200}: http must be a whole number from 400 to 599"#),
        "{}",
        outcome.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_answers_end_cleanly() {
    // A Retry-After no clock can add: no panic, the call ends with the vendor's error,
    // and a wait ends at once instead of sleeping toward it.
    let throttled = MockServer::start().await;
    let body = json!({"Code": "Throttling.User", "Message": "slow down", "RequestId": "r"});
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(429)
                .set_body_json(body)
                .insert_header("retry-after", "18446744073709551615"),
        )
        .mount(&throttled)
        .await;
    let once = run_async(task_status(&throttled.uri(), &[]), alibaba()).await;
    assert_eq!(once.code, cloudjobs_cli::EXIT_VENDOR, "{}", once.stderr);
    let started = std::time::Instant::now();
    let waited = run_async(task_status(&throttled.uri(), &["--wait", "--progress", "none"]), alibaba()).await;
    assert_eq!(waited.code, cloudjobs_cli::EXIT_DEADLINE, "{}", waited.stderr);
    assert!(waited.stderr.contains("Throttling.User"), "{}", waited.stderr);
    assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
    // A deadline no clock can add either.
    let far =
        run_async(task_status(&throttled.uri(), &["--wait", "--timeout", "500000000000years"]), alibaba())
            .await;
    assert_eq!(far.code, cloudjobs_cli::EXIT_DEADLINE, "{}", far.stderr);

    // Escape sequences, a line of its own and a huge message from the server
    // are printed escaped, on the one line of the error, and cut.
    let noisy = MockServer::start().await;
    let message = format!("\u{1b}[2J\u{1b}]0;owned\u{7}\nerror: forged{}", "x".repeat(100_000));
    let body = json!({"Code": "Denied\u{1b}[31m", "Message": message, "RequestId": "r"});
    Mock::given(any()).respond_with(ResponseTemplate::new(403).set_body_json(body)).mount(&noisy).await;
    let shown = run_async(task_status(&noisy.uri(), &[]), alibaba()).await;
    assert_eq!(shown.code, cloudjobs_cli::EXIT_VENDOR);
    assert!(!shown.stderr.contains('\u{1b}') && !shown.stderr.contains('\u{7}'), "{:?}", &shown.stderr[..80]);
    assert!(shown.stderr.contains("\\u{1b}[31m"), "{:?}", &shown.stderr[..80]);
    assert_eq!(shown.stderr.lines().count(), 1, "{:?}", &shown.stderr[..80]);
    assert!(shown.stderr.contains("\\nerror: forged"), "{:?}", &shown.stderr[..80]);
    assert!(shown.stderr.len() < 2_200, "bounded: {} bytes", shown.stderr.len());

    // A redirect is not followed: the signed request goes nowhere else.
    let elsewhere = MockServer::start().await;
    let redirecting = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(307).insert_header("location", format!("{}/", elsewhere.uri())))
        .mount(&redirecting)
        .await;
    let redirected = run_async(task_status(&redirecting.uri(), &[]), alibaba()).await;
    assert_eq!(redirected.code, cloudjobs_cli::EXIT_VENDOR, "{}", redirected.stderr);
    assert!(redirected.stderr.contains("HTTP 307"), "{}", redirected.stderr);
    assert!(elsewhere.received_requests().await.unwrap().is_empty(), "the signature stayed home");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_answer_over_the_limit_is_a_typed_error_naming_it() {
    let server = MockServer::start().await;
    let huge = vec![b' '; cloudjobs_core::DEFAULT_ANSWER_LIMIT + 1];
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(huge, "application/json"))
        .mount(&server)
        .await;
    for extra in [&[][..], &["--raw"][..]] {
        let outcome = run_async(task_status(&server.uri(), extra), alibaba()).await;
        assert_eq!(outcome.code, cloudjobs_cli::EXIT_INVALID_RESPONSE, "{}", outcome.stderr);
        assert!(
            outcome.stderr.contains("larger than the client's limit of 16777216 bytes"),
            "{extra:?}: {}",
            outcome.stderr
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_deeply_nested_field_nobody_reads_does_not_hide_the_answer() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let body = format!(
        r#"{{"Response": {{"TaskStatus": {{"TaskId": "t-1", "Status": "Success", "NewVendorField": {deep}}}, "RequestId": "r-1"}}}}"#
    );
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .mount(&server)
        .await;
    let args = strings(&[
        "tencent-organization",
        "get-provisioning-task-status",
        "--zone-id",
        "z-1",
        "--task-id",
        "t-1",
        "--endpoint",
        &server.uri(),
        "--query",
        "TaskStatus.Status",
        "-o",
        "text",
    ]);
    let outcome = run_async(args, credential_env("tencent-organization", "id", "secret")).await;
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    assert_eq!(outcome.stdout, "Success\n");
}
