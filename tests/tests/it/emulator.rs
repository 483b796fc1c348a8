//! The emulator (`cloudjobs mock`): every client against it, each vendor's
//! refusals, parameter checks, job lives and scripted faults.

use std::time::{Duration, SystemTime};

use cloudjobs_core::signing::{RequestParts, acs3, tc3};
use cloudjobs_core::{CloudError, ErrorKind};
use cloudjobs_mock::{Emulator, EmulatorConfig, Step};
use serde_json::{Value, json};

use crate::support::sample_args;

async fn emulator() -> Emulator {
    Emulator::start(EmulatorConfig::new().apis(cloudjobs_cli::generated::APIS)).await.unwrap()
}

async fn call(
    emulator: &Emulator,
    api: &str,
    args: &[(&str, &str)],
) -> Result<cloudjobs_core::CallOutput, CloudError> {
    let mut all = sample_args(api);
    for (name, value) in args {
        all.insert(name.to_string(), value.to_string());
    }
    let operation = crate::support::protocol(api).operations[0].operation_id;
    let config = emulator.client_config(api).unwrap().retry(cloudjobs_core::RetryPolicy::none());
    cloudjobs_cli::generated::call(api, config, operation, &all).await
}

/// The state an API reports after one poll, in its own words, read where its
/// spec's `x-cloudjobs-job` says the state is.
fn state(api: &str, output: &cloudjobs_core::CallOutput) -> String {
    let job = crate::support::protocol(api).operations[0].job.unwrap();
    if job.status == "http-status" {
        return output.status.to_string();
    }
    output.body.pointer(job.status).and_then(Value::as_str).unwrap().to_owned()
}

#[tokio::test]
async fn every_client_sees_a_job_run_then_succeed_in_its_own_words() {
    let emulator = emulator().await;
    // The words of the seed APIs, written out; any other API plays its spec's first words.
    let known: std::collections::BTreeMap<&str, [&str; 3]> = [
        ("alibaba-cloudsso", ["InProgress", "InProgress", "Success"]),
        ("tencent-organization", ["InProgress", "InProgress", "Success"]),
        ("alibaba-eiam", ["running", "running", "success"]),
        ("huawei-identitycenter", ["DISABLED", "DISABLED", "ENABLED"]),
        ("oracle-primavera-admin", ["202", "202", "200"]),
    ]
    .into_iter()
    .collect();
    let mut apis = 0;
    for api in crate::support::apis() {
        apis += 1;
        let job = crate::support::protocol(api).operations[0].job.unwrap();
        let expected = known.get(api).copied().unwrap_or([job.running[0], job.running[0], job.succeeded[0]]);
        let args: Vec<(&str, &str)> = job.id_param.map(|id| vec![(id, "job-1")]).unwrap_or_default();
        let mut seen = Vec::new();
        for _ in 0..3 {
            let output = call(&emulator, api, &args).await.unwrap_or_else(|e| panic!("{api}: {e}"));
            seen.push(state(api, &output));
        }
        assert_eq!(seen, expected, "{api}");
    }
    // Oracle's 202 says where to poll.
    let output = call(&emulator, "oracle-primavera-admin", &[("jobId", "job-2")]).await.unwrap();
    let location = output.location.unwrap();
    assert!(location.ends_with("/cloudapi/restapi/user/status/job-2"), "{location}");
    assert_eq!(emulator.requests().len(), 3 * apis + 1);
}

#[tokio::test]
async fn ids_starting_with_fail_end_in_failure_with_a_reason() {
    let emulator = emulator().await;
    for _ in 0..2 {
        call(&emulator, "alibaba-cloudsso", &[("TaskId", "fail-7")]).await.unwrap();
    }
    let output = call(&emulator, "alibaba-cloudsso", &[("TaskId", "fail-7")]).await.unwrap();
    assert_eq!(output.body["TaskStatus"]["Status"], "Failed");
    assert_eq!(output.body["TaskStatus"]["TaskId"], "fail-7");
    assert!(output.body["TaskStatus"]["FailureReason"].as_str().unwrap().contains("fail-7"));

    for _ in 0..3 {
        call(&emulator, "oracle-primavera-admin", &[("jobId", "fail-8")]).await.unwrap();
    }
    let output = call(&emulator, "oracle-primavera-admin", &[("jobId", "fail-8")]).await.unwrap();
    assert_eq!(output.status, 200);
    assert!(output.body["exception"].as_str().unwrap().contains("fail-8"));
}

#[tokio::test]
async fn wrong_secrets_get_each_vendors_own_refusal() {
    let emulator = emulator().await;
    use cloudjobs_core::Vendor;
    let refusal = |vendor| match vendor {
        Vendor::Alibaba => (Some("SignatureDoesNotMatch"), 400),
        Vendor::Tencent => (Some("AuthFailure.SignatureFailure"), 200),
        Vendor::Huawei => (Some("APIGW.0301"), 401),
        Vendor::Oracle => (None, 401),
    };
    for api in crate::support::apis() {
        let vendor = crate::support::protocol(api).vendor;
        let (code, status) = refusal(vendor);
        let credentials = cloudjobs_core::vendor::rules(vendor).credentials_for(emulator.key_id(), "wrong");
        let config = emulator.client_config(api).unwrap().credentials(credentials);
        let operation = crate::support::protocol(api).operations[0].operation_id;
        let error =
            cloudjobs_cli::generated::call(api, config, operation, &sample_args(api)).await.unwrap_err();
        assert_eq!(
            (error.kind(), error.code(), error.status()),
            (ErrorKind::Vendor, code, Some(status)),
            "{api}: {error}"
        );
        assert!(!error.is_retryable(), "{api}");
    }
    let unknown = emulator
        .client_config("tencent-organization")
        .unwrap()
        .credentials(cloudjobs_core::Credentials::access_key("AKIDnobody", "x"));
    let error = cloudjobs_cli::generated::call(
        "tencent-organization",
        unknown,
        "GetProvisioningTaskStatus",
        &sample_args("tencent-organization"),
    )
    .await
    .unwrap_err();
    assert_eq!(error.code(), Some("AuthFailure.SecretIdNotFound"));
}

/// Sends hand-made signed parts, for requests our clients would never build.
async fn send(emulator: &Emulator, parts: &RequestParts) -> (u16, Value) {
    let client = crate::support::plain_http();
    let mut url = format!("{}{}", emulator.base_url(), parts.path);
    if !parts.query.is_empty() {
        url.push('?');
        url.push_str(&cloudjobs_core::signing::canonical_query(parts));
    }
    let mut request = client.request(parts.method.parse().unwrap(), url).body(parts.body.clone());
    for (name, value) in &parts.headers {
        if name != "host" {
            request = request.header(name, value);
        }
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn alibaba_parts(emulator: &Emulator, query: &[(&str, &str)]) -> RequestParts {
    let host = emulator.address().to_string();
    let headers = vec![
        ("host".to_owned(), host),
        ("x-acs-action".to_owned(), "GetTaskStatus".to_owned()),
        ("x-acs-version".to_owned(), "2021-05-15".to_owned()),
    ];
    let target = format!("/?{}", query.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&"));
    RequestParts::from_target("POST", &target, headers, Vec::new())
}

#[tokio::test]
async fn signatures_are_checked_for_time_and_replay_and_parameters_against_the_spec() {
    let emulator = emulator().await;
    let (id, secret) = (emulator.key_id().to_owned(), emulator.secret().to_owned());
    let now = SystemTime::now();

    let mut missing = alibaba_parts(&emulator, &[("DirectoryId", "d")]);
    acs3::sign(&mut missing, &id, &secret, None, now, "nonce-1");
    let (status, body) = send(&emulator, &missing).await;
    assert_eq!((status, body["Code"].as_str()), (400, Some("MissingTaskId")), "{body}");

    let (status, body) = send(&emulator, &missing).await;
    assert_eq!((status, body["Code"].as_str()), (400, Some("SignatureNonceUsed")), "a replay: {body}");

    let mut empty = alibaba_parts(&emulator, &[("DirectoryId", "d"), ("TaskId", "")]);
    acs3::sign(&mut empty, &id, &secret, None, now, "nonce-empty");
    let (status, body) = send(&emulator, &empty).await;
    assert_eq!((status, body["Code"].as_str()), (400, Some("MissingTaskId")), "an empty value: {body}");

    let mut old = alibaba_parts(&emulator, &[("DirectoryId", "d"), ("TaskId", "t")]);
    acs3::sign(&mut old, &id, &secret, None, now - Duration::from_secs(16 * 60), "nonce-2");
    let (status, body) = send(&emulator, &old).await;
    assert_eq!((status, body["Code"].as_str()), (400, Some("InvalidTimeStamp.Expired")), "{body}");

    let mut unknown_action = alibaba_parts(&emulator, &[]);
    unknown_action.set_header("x-acs-action", "DeleteEverything");
    acs3::sign(&mut unknown_action, &id, &secret, None, now, "nonce-3");
    let (status, body) = send(&emulator, &unknown_action).await;
    assert_eq!((status, body["Code"].as_str()), (404, Some("InvalidAction.NotFound")), "{body}");

    let tencent = |body: Value, at: SystemTime| {
        let headers = vec![
            ("host".to_owned(), emulator.address().to_string()),
            ("content-type".to_owned(), "application/json".to_owned()),
            ("x-tc-action".to_owned(), "GetProvisioningTaskStatus".to_owned()),
            ("x-tc-version".to_owned(), "2021-03-31".to_owned()),
        ];
        let mut parts = RequestParts::from_target("POST", "/", headers, body.to_string().into_bytes());
        tc3::sign(&mut parts, &id, &secret, None, "organization", at);
        parts
    };
    let (status, body) = send(&emulator, &tencent(json!({"ZoneId": "z"}), now)).await;
    assert_eq!(
        (status, body["Response"]["Error"]["Code"].as_str()),
        (200, Some("MissingParameter")),
        "{body}"
    );
    let (_, body) = send(&emulator, &tencent(json!({"ZoneId": "z", "TaskId": 5}), now)).await;
    assert_eq!(body["Response"]["Error"]["Code"], "InvalidParameter", "{body}");
    let (_, body) =
        send(&emulator, &tencent(json!({"ZoneId": "z", "TaskId": "t"}), now - Duration::from_secs(6 * 60)))
            .await;
    assert_eq!(body["Response"]["Error"]["Code"], "AuthFailure.SignatureExpire", "{body}");
    let (_, body) = send(&emulator, &tencent(json!({"ZoneId": "z", "TaskId": "t"}), now)).await;
    assert_eq!(body["Response"]["TaskStatus"]["Status"], "InProgress", "{body}");
}

#[tokio::test]
async fn scripted_faults_use_each_vendors_envelope_and_hints() {
    let emulator = emulator().await;
    emulator.script(
        "t-faulty",
        vec![Step::Http(503), Step::Throttle { retry_after: 2 }, Step::Drop, Step::Success],
    );
    let error = call(&emulator, "alibaba-cloudsso", &[("TaskId", "t-faulty")]).await.unwrap_err();
    assert_eq!((error.status(), error.code()), (Some(503), Some("ServiceUnavailable")));
    assert!(error.is_retryable());
    let error = call(&emulator, "alibaba-cloudsso", &[("TaskId", "t-faulty")]).await.unwrap_err();
    assert_eq!(error.code(), Some("Throttling.User"));
    assert!(error.is_retryable());
    let error = call(&emulator, "alibaba-cloudsso", &[("TaskId", "t-faulty")]).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transport, "a dropped connection: {error}");
    let output = call(&emulator, "alibaba-cloudsso", &[("TaskId", "t-faulty")]).await.unwrap();
    assert_eq!(output.body["TaskStatus"]["Status"], "Success");

    // The throttling hints, as each vendor sends them.
    emulator.script("t-throttled", vec![Step::Throttle { retry_after: 3 }]);
    let parts = {
        let mut parts = alibaba_parts(&emulator, &[("DirectoryId", "d"), ("TaskId", "t-throttled")]);
        acs3::sign(&mut parts, emulator.key_id(), emulator.secret(), None, SystemTime::now(), "nonce-t");
        parts
    };
    let url = format!("{}/?{}", emulator.base_url(), cloudjobs_core::signing::canonical_query(&parts));
    let mut request = crate::support::plain_http().post(url);
    for (name, value) in parts.headers.iter().filter(|(n, _)| n != "host") {
        request = request.header(name, value);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.headers()["x-acs-retry-after"], "3000", "milliseconds, as Alibaba's SDK reads it");

    emulator.script("job-t", vec![Step::Throttle { retry_after: 4 }]);
    let error = call(&emulator, "oracle-primavera-admin", &[("jobId", "job-t")]).await.unwrap_err();
    assert_eq!(error.status(), Some(429));
    let huawei =
        emulator.client_config("huawei-identitycenter").unwrap().retry(cloudjobs_core::RetryPolicy::none());
    emulator.script("cloudjobs-mock-domain", vec![Step::Throttle { retry_after: 4 }, Step::Http(500)]);
    let error = cloudjobs_cli::generated::call(
        "huawei-identitycenter",
        huawei.clone(),
        "GetIdentityCenterServiceStatus",
        &Default::default(),
    )
    .await
    .unwrap_err();
    assert_eq!((error.status(), error.code()), (Some(429), Some("APIGW.0308")));
    let error = cloudjobs_cli::generated::call(
        "huawei-identitycenter",
        huawei,
        "GetIdentityCenterServiceStatus",
        &Default::default(),
    )
    .await
    .unwrap_err();
    assert_eq!(error.status(), Some(500));
    assert!(error.request_id().is_some(), "Huawei errors carry a request id");
}

#[tokio::test]
async fn delays_hold_the_answer() {
    let emulator = emulator().await;
    emulator.script("t-slow", vec![Step::DelayMs(300), Step::Success]);
    let started = std::time::Instant::now();
    let output = call(&emulator, "alibaba-cloudsso", &[("TaskId", "t-slow")]).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(output.body["TaskStatus"]["Status"], "Success");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_command_serves_the_emulator_with_a_jobs_file() {
    let jobs = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(jobs.path(), r#"{"t-cli": [{"fail": "quota exceeded"}]}"#).unwrap();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let output = std::sync::Arc::new(std::sync::Mutex::new(Vec::<u8>::new()));
    let shared = SharedWriter(output.clone());
    let jobs_path = jobs.path().to_str().unwrap().to_owned();
    let server = std::thread::spawn(move || {
        let var = |_: &str| None;
        let env = cloudjobs_cli::Environment {
            var: &var,
            home: None,
            stop: Some(stopped),
            interactive: false,
            install_tracing: false,
        };
        let args =
            ["cloudjobs", "mock", "--jobs", &jobs_path, "--access-key-id", "my-id", "--secret", "my-secret"];
        cloudjobs_cli::run(
            args.iter().map(Into::into).collect(),
            &env,
            &mut shared.clone(),
            &mut std::io::sink(),
        )
    });
    let url = loop {
        let text = String::from_utf8(output.lock().unwrap().clone()).unwrap();
        if let Some(url) = text.split_whitespace().find(|w| w.starts_with("http://127.0.0.1:")) {
            break url.to_owned();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let printed = String::from_utf8(output.lock().unwrap().clone()).unwrap();
    assert!(
        printed.contains("access key id: my-id") && printed.contains("secret:        my-secret"),
        "{printed}"
    );

    let credentials = cloudjobs_core::Credentials::access_key("my-id", "my-secret");
    let config = cloudjobs_core::ClientConfig::new().endpoint(&url).credentials(credentials);
    let mut args = sample_args("alibaba-cloudsso");
    args.insert("TaskId".into(), "t-cli".into());
    let output =
        cloudjobs_cli::generated::call("alibaba-cloudsso", config, "GetTaskStatus", &args).await.unwrap();
    assert_eq!(output.body["TaskStatus"]["FailureReason"], "quota exceeded");

    stop.send(true).unwrap();
    assert_eq!(server.join().unwrap(), 0);
}

#[derive(Clone)]
struct SharedWriter(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for SharedWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn client_settings_for_an_api_the_emulator_does_not_serve_are_an_error() {
    let emulator = emulator().await;
    let error = emulator.client_config("alibaba-cloudso").unwrap_err();
    assert_eq!(error.name, "alibaba-cloudso");
    assert!(error.served.iter().any(|api| api == "alibaba-cloudsso"), "{error}");
    assert!(error.to_string().starts_with("the emulator serves no API named `alibaba-cloudso`"), "{error}");
    emulator.stop().await;
}

#[tokio::test]
async fn hostile_requests_and_scripts_do_not_kill_the_emulator() {
    let mut config = cloudjobs_mock::EmulatorConfig::new().apis(cloudjobs_cli::generated::APIS);
    config.scripts.set("t-bad-status", vec![cloudjobs_mock::Step::Http(1000)]);
    let emulator = cloudjobs_mock::Emulator::start(config).await.unwrap();
    // A script with no steps is the default life, not a panic under the lock.
    emulator.script("t-empty", vec![]);
    let config =
        || emulator.client_config("alibaba-cloudsso").unwrap().retry(cloudjobs_core::RetryPolicy::none());
    // Creating a client installs the TLS provider the plain reqwest client below needs too.
    let client = cloudjobs_alibaba_cloudsso::Client::with_config(config()).unwrap();
    // A Tencent signing time at the end of i64 is refused, not a crash.
    let refused = crate::support::plain_http()
        .post(emulator.base_url())
        .header("x-tc-action", "GetProvisioningTaskStatus")
        .header("x-tc-version", "2021-03-31")
        .header("x-tc-timestamp", i64::MIN.to_string())
        .header(
            "authorization",
            "TC3-HMAC-SHA256 Credential=cloudjobs-mock-key/2021-01-01/organization/tc3_request, SignedHeaders=content-type;host, Signature=00",
        )
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 200, "Tencent refuses with 200 and an error body");
    let invalid =
        client.get_task_status().directory_id("d").task_id("t-bad-status").send().await.unwrap_err();
    let invalid = cloudjobs_core::CloudError::from(invalid);
    assert!(
        invalid.to_string().contains("script is invalid"),
        "an impossible status is a 500 saying so: {invalid}"
    );
    let empty = client.get_task_status().directory_id("d").task_id("t-empty").send().await;
    assert!(empty.is_ok(), "the emulator is alive and plays the default life: {empty:?}");
    // What it recorded shows no credentials when printed.
    let shown = format!("{:?}", emulator.requests());
    assert!(shown.contains("<redacted>") && !shown.contains("Signature=00"), "{shown}");
}

#[tokio::test]
async fn the_emulator_bounds_what_it_reads_and_keeps_only_signed_requests() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut config = cloudjobs_mock::EmulatorConfig::new().apis(cloudjobs_cli::generated::APIS);
    config.head_timeout = std::time::Duration::from_millis(500);
    let emulator = cloudjobs_mock::Emulator::start(config).await.unwrap();
    let signed = cloudjobs_alibaba_cloudsso::Client::with_config(
        emulator.client_config("alibaba-cloudsso").unwrap().retry(cloudjobs_core::RetryPolicy::none()),
    )
    .unwrap();
    let plain = crate::support::plain_http();

    // A body over the limit is refused before it is read or kept.
    let huge = plain
        .post(emulator.base_url())
        .body(vec![b'x'; cloudjobs_mock::MAX_REQUEST_BODY + 1])
        .send()
        .await
        .unwrap();
    assert_eq!(huge.status(), 413);
    // Unsigned requests, large or not, are answered and forgotten.
    for _ in 0..20 {
        let unsigned = plain
            .post(emulator.base_url())
            .header("x-acs-action", "GetTaskStatus")
            .header("x-acs-version", "2021-05-15")
            .body(vec![b'x'; 512 * 1024])
            .send()
            .await
            .unwrap();
        assert!(unsigned.status().is_client_error(), "{}", unsigned.status());
    }
    assert!(emulator.requests().is_empty(), "nothing unsigned is kept");
    // A head larger than the limit is refused by the HTTP layer.
    let long_header = plain
        .get(emulator.base_url())
        .header("x-filler", "y".repeat(cloudjobs_mock::MAX_REQUEST_HEAD))
        .send()
        .await;
    assert!(long_header.map(|r| r.status().as_u16()).unwrap_or(431) == 431, "an oversized head is refused");
    // A connection that never sends its head is closed at the head timeout.
    let mut silent = tokio::net::TcpStream::connect(emulator.address()).await.unwrap();
    let mut buffer = [0u8; 256];
    let closed = tokio::time::timeout(std::time::Duration::from_secs(5), silent.read(&mut buffer)).await;
    assert!(closed.is_ok(), "the silent connection is closed, not kept open");
    let _ = silent.write_all(b"late").await;
    // And a signed request is still answered, and kept.
    let answered = signed.get_task_status().directory_id("d").task_id("t-1").send().await;
    assert!(answered.is_ok(), "{answered:?}");
    assert_eq!(emulator.requests().len(), 1);
}
