//! Waiting and retries against the emulator: jobs that end after N polls,
//! failing jobs, 5xx bursts, throttling hints, dropped connections, slow
//! answers and deadlines, for every API. (The waiter's timing is tested on a
//! paused clock in crates/core/src/waiter.rs; here the clock is real but the
//! delays are small.)

use std::time::{Duration, Instant};

use cloudjobs_core::waiter::{JobState, WaitError, WaitOptions};
use cloudjobs_core::{CloudError, ErrorKind, RetryPolicy};
use cloudjobs_mock::{Emulator, EmulatorConfig, Step};

use crate::support::{apis, protocol, sample_args};

async fn emulator() -> Emulator {
    Emulator::start(EmulatorConfig::new().apis(cloudjobs_cli::generated::APIS)).await.unwrap()
}

fn quick() -> WaitOptions {
    WaitOptions {
        min_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(80),
        timeout: Duration::from_secs(20),
    }
}

fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(80),
        budget: Duration::from_secs(10),
    }
}

/// The id parameter of `api`'s job operation and the job key the emulator uses.
fn job(api: &str, id: &str) -> (std::collections::BTreeMap<String, String>, String) {
    let mut args = sample_args(api);
    match protocol(api).operations[0].job.unwrap().id_param {
        Some(param) => {
            args.insert(param.to_owned(), id.to_owned());
            (args, id.to_owned())
        }
        // Huawei: one life per account; the emulator's client settings use this domain.
        None => (args, "cloudjobs-mock-domain".to_owned()),
    }
}

async fn wait(
    emulator: &Emulator,
    api: &str,
    id: &str,
    options: &WaitOptions,
) -> (Result<cloudjobs_core::CallOutput, WaitError>, Vec<JobState>) {
    let (args, _) = job(api, id);
    let config = emulator.client_config(api).unwrap().retry(quick_retries());
    let operation = protocol(api).operations[0].operation_id;
    let mut states = Vec::new();
    let outcome = cloudjobs_cli::generated::wait(api, config, operation, &args, options, |p| {
        if p.changed {
            states.push(p.state.clone())
        }
    })
    .await;
    (outcome, states)
}

#[tokio::test]
async fn a_job_that_finishes_after_n_polls_takes_exactly_n_requests() {
    for api in apis() {
        let emulator = emulator().await;
        let (_, key) = job(api, "t-five");
        emulator
            .script(&key, vec![Step::Running, Step::Running, Step::Running, Step::Running, Step::Success]);
        let (outcome, states) = wait(&emulator, api, "t-five", &quick()).await;
        let output = outcome.unwrap_or_else(|e| panic!("{api}: {e}"));
        assert_eq!(emulator.requests().len(), 5, "{api}");
        assert!(
            matches!(states.as_slice(), [JobState::Running(_), JobState::Succeeded(_)]),
            "{api}: {states:?}"
        );
        assert!(output.status == 200, "{api}");
    }
}

#[tokio::test]
async fn a_failing_job_ends_with_the_vendors_reason() {
    // Only APIs that document a failed state (or a failure field, Oracle's) can report one.
    let can_fail = |api: &&str| {
        protocol(api).operations[0]
            .job
            .is_some_and(|job| !job.failed.is_empty() || job.failure_field.is_some())
    };
    for api in apis().filter(can_fail) {
        let emulator = emulator().await;
        let (_, key) = job(api, "t-doomed");
        emulator.script(&key, vec![Step::Running, Step::Fail("quota exceeded".into())]);
        let (outcome, _) = wait(&emulator, api, "t-doomed", &quick()).await;
        match outcome {
            Err(WaitError::JobFailed { reason, polls: 2, .. }) => {
                assert_eq!(reason.as_deref(), Some("quota exceeded"), "{api}");
            }
            other => panic!("{api}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn bursts_of_5xx_and_dropped_connections_are_retried_each_attempt_signed_afresh() {
    for api in apis() {
        let emulator = emulator().await;
        let (_, key) = job(api, "t-flaky");
        emulator.script(&key, vec![Step::Http(503), Step::Http(500), Step::Drop, Step::Success]);
        let (outcome, states) = wait(&emulator, api, "t-flaky", &quick()).await;
        outcome.unwrap_or_else(|e| panic!("{api}: {e}"));
        assert_eq!(states.len(), 1, "{api}: one poll, its call retried: {states:?}");
        let requests = emulator.requests();
        assert_eq!(requests.len(), 4, "{api}");
        let statuses: Vec<Option<u16>> = requests.iter().map(|r| r.status).collect();
        assert_eq!(statuses, [Some(503), Some(500), None, Some(200)], "{api}");
        if api.starts_with("alibaba") {
            let mut nonces: Vec<&str> =
                requests.iter().map(|r| r.parts.header("x-acs-signature-nonce").unwrap()).collect();
            nonces.dedup();
            assert_eq!(nonces.len(), 4, "{api}: every attempt has its own nonce");
        }
    }
}

#[tokio::test]
async fn throttling_waits_as_long_as_the_server_says() {
    // Alibaba sends x-acs-retry-after (ms), Huawei and Oracle Retry-After (s),
    // Tencent no hint (its code alone makes the call retryable).
    for api in apis() {
        let emulator = emulator().await;
        let (_, key) = job(api, "t-throttled");
        emulator.script(&key, vec![Step::Throttle { retry_after: 1 }, Step::Success]);
        let started = Instant::now();
        let (outcome, _) = wait(&emulator, api, "t-throttled", &quick()).await;
        outcome.unwrap_or_else(|e| panic!("{api}: {e}"));
        let waited = started.elapsed();
        if api == "tencent-organization" {
            assert!(waited < Duration::from_secs(1), "{api}: {waited:?}");
        } else {
            assert!(waited >= Duration::from_secs(1), "{api}: the hint was not honoured: {waited:?}");
        }
        assert_eq!(emulator.requests().len(), 2, "{api}");
    }
}

#[tokio::test]
async fn an_answer_slower_than_the_timeout_is_a_typed_timeout_then_retried() {
    let emulator = emulator().await;
    emulator.script("t-slow", vec![Step::DelayMs(1500), Step::Running, Step::Success]);
    let api = "alibaba-cloudsso";
    let (args, _) = job(api, "t-slow");
    let config =
        emulator.client_config(api).unwrap().timeout(Duration::from_millis(300)).retry(RetryPolicy::none());
    let error: CloudError =
        cloudjobs_cli::generated::call(api, config, "GetTaskStatus", &args).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Timeout, "{error}");
    assert!(error.is_retryable());

    // With retries, the next attempt gets the job's next answer in time (the
    // slow first answer is still being held back when the retry arrives).
    emulator.script("t-slow-2", vec![Step::DelayMs(1500), Step::Running, Step::Success]);
    let (args, _) = job(api, "t-slow-2");
    let config =
        emulator.client_config(api).unwrap().timeout(Duration::from_millis(300)).retry(quick_retries());
    let output = cloudjobs_cli::generated::call(api, config, "GetTaskStatus", &args).await.unwrap();
    assert_eq!(output.body["TaskStatus"]["Status"], "InProgress");
    assert_eq!(
        emulator.requests().iter().filter(|r| r.parts.query.iter().any(|(_, v)| v == "t-slow-2")).count(),
        2
    );
}

#[tokio::test]
async fn the_deadline_reports_the_last_state_seen() {
    let emulator = emulator().await;
    emulator.script("t-forever", vec![Step::Running]);
    let options = WaitOptions { timeout: Duration::from_millis(400), ..quick() };
    let started = Instant::now();
    let (outcome, _) = wait(&emulator, "tencent-organization", "t-forever", &options).await;
    assert!(started.elapsed() < Duration::from_secs(2));
    match outcome {
        Err(WaitError::Deadline { last_state: Some(JobState::Running(raw)), polls, .. }) => {
            assert_eq!(raw, "InProgress");
            // `polls` counts answered polls; on a loaded machine the deadline can cut
            // off one more, which the server received but the waiter never saw answered.
            let received = emulator.requests().len();
            assert!(
                received == polls as usize || received == polls as usize + 1,
                "{polls} polls, {received} received"
            );
        }
        other => panic!("{other:?}"),
    }
}

/// A gateway's HTML 502, which is in no shape of the vendor's, is waited
/// through like the vendor's own server errors: the next poll finds the job done.
#[tokio::test]
async fn a_gateways_html_error_is_waited_through() {
    use wiremock::matchers::any;
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let api = "alibaba-cloudsso";
    let server = MockServer::start().await;
    let gateway = ResponseTemplate::new(502).set_body_raw(&b"<html>502 Bad Gateway</html>"[..], "text/html");
    Mock::given(any()).respond_with(gateway).up_to_n_times(1).mount(&server).await;
    let done = crate::support::operation_response_example(api, "GetTaskStatus", "200");
    assert_eq!(done["TaskStatus"]["Status"], "Success", "the spec's example is a finished task");
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(done)).mount(&server).await;
    let config = cloudjobs_core::ClientConfig::new()
        .credentials(cloudjobs_core::Credentials::access_key("id", "secret"))
        .endpoint(server.uri())
        .retry(RetryPolicy { max_attempts: 1, ..quick_retries() });
    let (args, _) = job(api, "t-1");
    let outcome = cloudjobs_cli::generated::wait(api, config, "GetTaskStatus", &args, &quick(), |_| {}).await;
    assert!(outcome.is_ok(), "{outcome:?}");
    assert_eq!(server.received_requests().await.unwrap().len(), 2, "the 502, then the finished task");
}

#[tokio::test]
async fn authentication_errors_are_never_retried() {
    let emulator = emulator().await;
    let api = "alibaba-cloudsso";
    let (args, _) = job(api, "t-1");
    let config = emulator
        .client_config(api)
        .unwrap()
        .credentials(cloudjobs_core::Credentials::access_key(emulator.key_id(), "wrong"))
        .retry(quick_retries());
    let outcome = cloudjobs_cli::generated::wait(api, config, "GetTaskStatus", &args, &quick(), |_| {}).await;
    match outcome {
        Err(WaitError::Call(error)) => assert_eq!(error.code(), Some("SignatureDoesNotMatch")),
        other => panic!("{other:?}"),
    }
    assert_eq!(emulator.received(), 1, "a signature error is not worth a retry");
    assert!(emulator.requests().is_empty(), "an unsigned request is not kept");
}

#[tokio::test]
async fn the_typed_waiter_returns_the_final_typed_answer() {
    let emulator = emulator().await;
    let client = cloudjobs_alibaba_cloudsso::Client::with_config(
        emulator.client_config("alibaba-cloudsso").unwrap().retry(quick_retries()),
    )
    .unwrap();
    let mut changes = 0;
    let done = client
        .get_task_status()
        .directory_id("d-1")
        .task_id("t-typed")
        .wait_with_progress(&quick(), |p| changes += usize::from(p.changed))
        .await
        .unwrap();
    assert_eq!(done.task_status.status, cloudjobs_alibaba_cloudsso::types::TaskStatusValue::Success);
    assert_eq!(changes, 2, "running, then succeeded");
    assert_eq!(emulator.requests().len(), 3, "the emulator's default life: two running polls, then success");
}

#[tokio::test]
async fn oracle_locations_are_followed() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    let body = serde_json::json!({"message": "working"});
    Mock::given(method("GET"))
        .and(path("/cloudapi/restapi/user/status/first"))
        .respond_with(
            ResponseTemplate::new(202)
                .set_body_json(&body)
                .insert_header("Location", format!("{}/cloudapi/restapi/user/status/second", server.uri())),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/cloudapi/restapi/user/status/second"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"message": "done"})))
        .mount(&server)
        .await;
    let config = cloudjobs_core::ClientConfig::new()
        .endpoint(server.uri())
        .credentials(cloudjobs_core::Credentials::basic("u", "p"));
    let mut args = std::collections::BTreeMap::new();
    args.insert("jobId".to_owned(), "first".to_owned());
    let output = cloudjobs_cli::generated::wait(
        "oracle-primavera-admin",
        config,
        "GetUserJobStatus",
        &args,
        &quick(),
        |_| {},
    )
    .await
    .unwrap();
    assert_eq!(output.body["message"], "done", "the second poll went where Location said");
}

#[tokio::test]
async fn concurrent_waits_on_one_client_share_its_rate_limit() {
    use cloudjobs_tencent_organization::types::GetProvisioningTaskStatusRequest;
    const OPERATION: &str = "GetProvisioningTaskStatus";
    // The spec records the vendor page's "220 requests per second", and a
    // client keeps to it unless told otherwise.
    let documented = cloudjobs_tencent_organization::PROTOCOL.operation_named(OPERATION).unwrap().rate_limit;
    assert_eq!(documented, Some(220));
    let emulator = emulator().await;
    let plain = emulator.client_config("tencent-organization").unwrap();
    assert_eq!(plain.rate_limiter().limit_of(OPERATION, documented), Some(220));
    assert_eq!(
        plain.clone().without_documented_rate_limits().rate_limiter().limit_of(OPERATION, documented),
        None
    );

    // 20 jobs of three polls each, at 100 requests per second: the 60
    // requests cannot all have started before 590 ms, however fast the
    // machine, if the 20 waits share one limiter.
    let config = emulator.client_config("tencent-organization").unwrap().rate_limit(OPERATION, Some(100));
    let client = cloudjobs_tencent_organization::Client::with_config(config).unwrap();
    let began = Instant::now();
    let waits: Vec<_> = (0..20)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move {
                client
                    .get_provisioning_task_status()
                    .body(
                        GetProvisioningTaskStatusRequest::builder()
                            .zone_id("z-1")
                            .task_id(format!("t-share{i}")),
                    )
                    .wait_until_done(&quick())
                    .await
                    .map(|_| ())
            })
        })
        .collect();
    for wait in waits {
        wait.await.unwrap().unwrap();
    }
    assert_eq!(emulator.received(), 60);
    let elapsed = began.elapsed();
    assert!(elapsed >= Duration::from_millis(590), "60 requests at 100/s took only {elapsed:?}");
}
