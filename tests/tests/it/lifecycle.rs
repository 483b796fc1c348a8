//! Whole job lifecycles against the emulator, for every start operation of
//! every API: the command starts a job with the spec's example arguments,
//! follows each job it started to its end, and the list operations show it;
//! jobs that fail or partly succeed end with their own exit codes; a call that
//! changes state is never sent twice when the vendor may have acted on it.

use std::collections::BTreeMap;
use std::time::Duration;

use cloudjobs_core::waiter::values_at;
use cloudjobs_core::{ErrorKind, Operation, ParamKind, RetryPolicy};
use cloudjobs_mock::{Emulator, EmulatorConfig, Step};
use serde_json::Value;

use crate::support::{apis, credential_env, example_args, protocol, run};

async fn start_emulator() -> Emulator {
    Emulator::start(EmulatorConfig::new().apis(cloudjobs_cli::generated::APIS)).await.unwrap()
}

/// Every start operation of every API, with the operation that follows its jobs.
fn start_operations() -> Vec<(&'static str, &'static Operation, &'static Operation)> {
    let mut found = Vec::new();
    for api in apis() {
        let protocol = protocol(api);
        for operation in protocol.operations.iter().filter(|op| op.start.is_some()) {
            let follow = protocol.operation(operation.start.unwrap().follow).unwrap();
            found.push((api, operation, follow));
        }
    }
    found
}

/// The command line of `operation` with `args`; a whole body goes through a file.
fn command_line(
    api: &str,
    operation: &Operation,
    args: &BTreeMap<String, String>,
    url: &str,
    scratch: &tempfile::TempDir,
) -> Vec<String> {
    let mut line = vec![api.to_owned(), operation.command.to_owned()];
    for param in operation.params {
        if let Some(value) = args.get(param.name) {
            line.extend([format!("--{}", param.flag), value.clone()]);
        }
    }
    if let Some(body) = args.get(cloudjobs_core::WHOLE_BODY) {
        let path = scratch.path().join(format!("{}.json", operation.operation_id));
        std::fs::write(&path, body).unwrap();
        line.extend(["--body".to_owned(), path.display().to_string()]);
    }
    line.extend(["--endpoint".to_owned(), url.to_owned()]);
    line
}

/// The JSON documents the command printed, in order.
fn documents(stdout: &str) -> Vec<Value> {
    serde_json::Deserializer::from_str(stdout).into_iter::<Value>().map(Result::unwrap).collect()
}

/// Arguments whose first plain string value starts with `word`, which makes
/// the emulator's jobs of that call end the way the word says.
fn marked(api: &str, operation: &Operation, word: &str) -> BTreeMap<String, String> {
    let mut args = example_args(api, operation.operation_id);
    let plain = operation.params.iter().find(|p| {
        p.kind == ParamKind::String
            && args.get(p.name).is_some_and(|v| !v.starts_with('[') && !v.starts_with('{'))
    });
    match plain {
        Some(param) => {
            let value = args.get_mut(param.name).unwrap();
            *value = format!("{word}{value}");
        }
        // Without a plain argument in the example (Oracle's body is lists of users), the
        // word goes in the first string parameter the operation has.
        None => {
            let param = operation.params.iter().find(|p| p.kind == ParamKind::String);
            let param = param.unwrap_or_else(|| panic!("{}: no string parameter", operation.operation_id));
            args.insert(param.name.to_owned(), format!("{word}job"));
        }
    }
    args
}

#[tokio::test(flavor = "multi_thread")]
async fn every_start_operation_is_started_followed_to_success_and_listed() {
    let emulator = start_emulator().await;
    let scratch = tempfile::tempdir().unwrap();
    let mut runs = Vec::new();
    for (api, operation, follow) in start_operations() {
        let args = example_args(api, operation.operation_id);
        let mut line = command_line(api, operation, &args, &emulator.base_url(), &scratch);
        line.extend(["--wait".to_owned(), "--timeout".to_owned(), "60s".to_owned()]);
        let vars = credential_env(api, emulator.key_id(), emulator.secret());
        runs.push((api, operation, follow, tokio::task::spawn_blocking(move || run(&line, &vars))));
    }
    assert!(runs.len() >= 10, "every API starts jobs: {} start operations", runs.len());
    for (api, operation, follow, outcome) in runs {
        let outcome = outcome.await.unwrap();
        let name = format!("{api} {}", operation.operation_id);
        assert_eq!(outcome.code, 0, "{name}: {}", outcome.stderr);
        let printed = documents(&outcome.stdout);
        assert!(printed.len() >= 2, "{name}: the start answer, then each job's end: {printed:?}");
        let job = follow.job.unwrap();
        for end in &printed[1..] {
            let word = if job.status == "http-status" {
                "200".to_owned()
            } else {
                end.pointer(job.status).and_then(Value::as_str).unwrap_or_default().to_owned()
            };
            assert!(job.succeeded.contains(&word.as_str()), "{name}: ended as {word:?}: {end}");
        }
        // The jobs it started are in the API's lists that list such jobs.
        let start = operation.start.unwrap();
        let ids = start.ids.map(|pointer| values_at(&printed[0], pointer)).unwrap_or_default();
        let protocol = protocol(api);
        for list in protocol.operations.iter().filter(|op| op.list.is_some()) {
            let model = list.list.unwrap();
            let template = crate::support::operation_response_example(api, list.operation_id, "200");
            let lists_these = job.id_param.is_some_and(|id| {
                template
                    .pointer(model.items)
                    .and_then(|items| items.get(0))
                    .is_some_and(|item| item.get(id).is_some())
            });
            if !lists_these || ids.is_empty() {
                continue;
            }
            let mut args = example_args(api, list.operation_id);
            args.remove(model.next_token);
            args.insert(model.page_size.unwrap().to_owned(), "100".to_owned());
            let config = emulator.client_config(api).unwrap();
            let page = cloudjobs_cli::generated::call(api, config, list.operation_id, &args).await.unwrap();
            let listed = values_at(&page.body, &format!("{}/*/{}", model.items, job.id_param.unwrap()));
            for id in &ids {
                assert!(listed.contains(id), "{name}: {} does not list {id}: {listed:?}", list.operation_id);
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn started_jobs_that_fail_or_partly_succeed_end_with_their_own_exit_codes() {
    let mut emulators = Vec::new();
    let scratch = tempfile::tempdir().unwrap();
    let mut runs = Vec::new();
    for (api, operation, follow) in start_operations() {
        let job = follow.job.unwrap();
        // Only jobs with ids can be told to end badly, and only as their API documents.
        if operation.start.unwrap().ids.is_none() && operation.start.unwrap().ids_from_header.is_none() {
            continue;
        }
        let endings = [
            ("fail-", cloudjobs_cli::EXIT_JOB_FAILED, !job.failed.is_empty() || job.failure_field.is_some()),
            ("partial-", cloudjobs_cli::EXIT_PARTIAL, !job.partial.is_empty() || job.partial_field.is_some()),
        ];
        for (word, code, _) in endings.into_iter().filter(|(_, _, documented)| *documented) {
            // An emulator of its own, kept until the end: Oracle allows one create-users job at a time.
            emulators.push(start_emulator().await);
            let emulator = emulators.last().unwrap();
            let args = marked(api, operation, word);
            let mut line = command_line(api, operation, &args, &emulator.base_url(), &scratch);
            line.extend(["--wait".to_owned(), "--timeout".to_owned(), "60s".to_owned()]);
            let vars = credential_env(api, emulator.key_id(), emulator.secret());
            runs.push((
                api,
                operation.operation_id,
                word,
                code,
                tokio::task::spawn_blocking(move || run(&line, &vars)),
            ));
        }
    }
    let partial_apis: Vec<&str> = runs.iter().filter(|run| run.2 == "partial-").map(|run| run.0).collect();
    assert!(
        partial_apis.contains(&"alibaba-eiam") && partial_apis.contains(&"oracle-primavera-admin"),
        "EIAM and Oracle jobs can partly succeed: {partial_apis:?}"
    );
    for (api, operation, word, code, outcome) in runs {
        let outcome = outcome.await.unwrap();
        assert_eq!(outcome.code, code, "{api} {operation} with {word}: {}", outcome.stderr);
        if word == "partial-" {
            assert!(
                outcome.stderr.contains("only partly succeeded"),
                "{api} {operation}: {}",
                outcome.stderr
            );
            assert!(
                documents(&outcome.stdout).len() >= 2,
                "{api} {operation}: the final answer is printed too"
            );
        }
    }
}

/// What a script reads on stdout and gives on the command line: an array of
/// objects given one object per flag, Oracle's 202 (which has no body) as the
/// job's address, with `--wait` a `--query` applied to the final answer
/// only, and a body that is a list given whole with `--body`.
#[tokio::test(flavor = "multi_thread")]
async fn the_command_prints_what_a_script_reads() {
    let emulator = start_emulator().await;
    let url = emulator.base_url();
    let tencent = credential_env("tencent-organization", emulator.key_id(), emulator.secret());
    let assignment = r#"{"RoleConfigurationId": "rc-1", "TargetType": "MemberUin", "TargetUin": 1001, "PrincipalType": "User", "PrincipalId": "u-1"}"#;
    let line: Vec<String> = [
        "tencent-organization",
        "create-role-assignment",
        "--zone-id",
        "z-1",
        "--role-assignment-info",
        assignment,
    ]
    .into_iter()
    .chain(["--endpoint", &url])
    .map(str::to_owned)
    .collect();
    let vars = tencent.clone();
    let one_object = tokio::task::spawn_blocking(move || run(&line, &vars)).await.unwrap();
    assert_eq!(one_object.code, 0, "{}", one_object.stderr);
    let sent = emulator
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.parts.header("x-tc-action") == Some("CreateRoleAssignment"));
    let body: Value = serde_json::from_slice(&sent.expect("the start was sent").parts.body).unwrap();
    let expected: Value = serde_json::from_str(assignment).unwrap();
    assert_eq!(body["RoleAssignmentInfo"], Value::Array(vec![expected]), "{body}");

    let oracle = credential_env("oracle-primavera-admin", emulator.key_id(), emulator.secret());
    let scratch = tempfile::tempdir().unwrap();
    let operation = protocol("oracle-primavera-admin").operation("CreateOrModifyUsers").unwrap();
    let args = example_args("oracle-primavera-admin", operation.operation_id);
    let line = command_line("oracle-primavera-admin", operation, &args, &url, &scratch);
    let started = tokio::task::spawn_blocking(move || run(&line, &oracle)).await.unwrap();
    assert_eq!(started.code, 0, "{}", started.stderr);
    let printed = documents(&started.stdout);
    assert_eq!(printed.len(), 1, "{}", started.stdout);
    assert_eq!(printed[0]["status"], 202, "{}", started.stdout);
    let location = printed[0]["location"].as_str().unwrap_or_default();
    assert!(location.starts_with(&url) && location.contains("/status/"), "{}", started.stdout);

    let eiam = credential_env("alibaba-eiam", emulator.key_id(), emulator.secret());
    let mut args = example_args("alibaba-eiam", "RunSynchronizationJob");
    args.insert("TargetId".to_owned(), "partial-1".to_owned());
    let operation = protocol("alibaba-eiam").operation("RunSynchronizationJob").unwrap();
    let mut line = command_line("alibaba-eiam", operation, &args, &url, &scratch);
    line.extend(["--wait", "--timeout", "60s", "--query", "SynchronizationJob.Status"].map(str::to_owned));
    let waited = tokio::task::spawn_blocking(move || run(&line, &eiam)).await.unwrap();
    assert_eq!(waited.code, cloudjobs_cli::EXIT_PARTIAL, "{}", waited.stderr);
    assert_eq!(documents(&waited.stdout), vec![Value::from("partial_success")], "{}", waited.stdout);

    // A body with no named fields (Oracle's list of users) is given whole,
    // and every operation that takes a body offers --body for it.
    let users = scratch.path().join("users.json");
    std::fs::write(&users, r#"[{"loginId": "jsmith", "status": "DISABLED"}]"#).unwrap();
    let oracle = credential_env("oracle-primavera-admin", emulator.key_id(), emulator.secret());
    let line: Vec<String> = ["oracle-primavera-admin", "change-user-status", "--body"]
        .into_iter()
        .map(str::to_owned)
        .chain([users.display().to_string(), "--endpoint".to_owned(), url.clone()])
        .collect();
    let changed = tokio::task::spawn_blocking(move || run(&line, &oracle)).await.unwrap();
    assert_eq!(changed.code, 0, "{}", changed.stderr);
    let sent = emulator.requests().into_iter().rev().find(|r| r.parts.path.ends_with("/change-status"));
    let body: Value = serde_json::from_slice(&sent.expect("the change was sent").parts.body).unwrap();
    assert_eq!(body[0]["loginId"], "jsmith", "{body}");
    for api in apis() {
        for operation in protocol(api).operations.iter().filter(|op| op.body) {
            let help =
                run(&[api.to_owned(), operation.command.to_owned(), "--help".to_owned()], &BTreeMap::new());
            assert!(help.stdout.contains("--body <FILE|->"), "{api} {}: {}", operation.command, help.stdout);
        }
    }
}

/// An application that depends on one client crate starts, waits and lists
/// with what that crate re-exports, nothing from the runtime crate.
#[tokio::test(flavor = "multi_thread")]
async fn one_client_crate_is_enough_to_start_wait_and_list() {
    use cloudjobs_alibaba_cloudsso::types::{PrincipalType, TargetType};
    use cloudjobs_alibaba_cloudsso::{Client, ListOptions, StreamExt, WaitError, WaitOptions, list_json};
    let emulator = start_emulator().await;
    let client = Client::with_config(emulator.client_config("alibaba-cloudsso").unwrap()).unwrap();
    let quick = WaitOptions {
        min_delay: Duration::from_millis(10),
        ..WaitOptions::with_timeout(Duration::from_secs(30))
    };
    for target in ["1001", "1002", "1003"] {
        client
            .create_access_assignment()
            .directory_id("d-1")
            .access_configuration_id("ac-1")
            .target_type(TargetType::RDAccount)
            .target_id(target)
            .principal_type(PrincipalType::User)
            .principal_id("u-1")
            .send_and_wait(&quick)
            .await
            .unwrap();
    }
    // A start the vendor refuses is told apart from a poll that failed.
    let again = client
        .create_access_assignment()
        .directory_id("d-1")
        .access_configuration_id("ac-1")
        .target_type(TargetType::RDAccount)
        .target_id("1001")
        .principal_type(PrincipalType::User)
        .principal_id("u-1");
    // The first job with this target has ended, so start one and repeat it while it runs.
    let running = again.clone().send().await.unwrap();
    assert!(!running.task.task_id.is_empty());
    match again.send_and_wait(&quick).await {
        Err(WaitError::Start(error)) => {
            assert_eq!(error.code(), Some("OperationConflict.Task"), "{error}");
            assert!(WaitError::Start(error).to_string().starts_with("the start call failed: "));
        }
        other => panic!("a refused start: {other:?}"),
    }
    let args = BTreeMap::from([("DirectoryId".to_owned(), "d-1".to_owned())]);
    let options = ListOptions { page_size: Some(2), max_items: None };
    let mut items = std::pin::pin!(list_json(&client, "ListTasks", &args, options).unwrap());
    let mut listed = 0;
    while let Some(item) = items.next().await {
        assert!(item.unwrap().get("TaskId").is_some());
        listed += 1;
    }
    assert_eq!(listed, 4, "every task, over two pages of two");
}

/// Short delays between polls, for the typed waiters.
fn quick_wait() -> cloudjobs_core::waiter::WaitOptions {
    cloudjobs_core::waiter::WaitOptions {
        min_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(20),
        timeout: Duration::from_secs(10),
    }
}

/// A client of `api` whose calls give up after `timeout`, with the default retries.
fn impatient(emulator: &Emulator, api: &str, timeout: Duration) -> cloudjobs_core::ClientConfig {
    let quick = RetryPolicy { base_delay: Duration::from_millis(10), ..RetryPolicy::default() };
    emulator.client_config(api).unwrap().timeout(timeout).retry(quick)
}

/// How many requests for `action` the emulator received.
fn received(emulator: &Emulator, action: &str) -> usize {
    let named = |r: &cloudjobs_mock::RecordedRequest| r.parts.header("x-acs-action") == Some(action);
    emulator.requests().iter().filter(|r| named(r)).count()
}

#[tokio::test]
async fn a_start_operation_that_may_have_been_applied_is_sent_once() {
    let api = "alibaba-cloudsso";
    let action = "CreateAccessAssignment";
    let args = example_args(api, action);

    // A timeout: the vendor may have acted, so the call is not sent again.
    let emulator = start_emulator().await;
    emulator.script(action, vec![Step::DelayMs(1500), Step::Success]);
    let config = impatient(&emulator, api, Duration::from_millis(300));
    let error = cloudjobs_cli::generated::call(api, config, action, &args).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Timeout);
    assert_eq!(received(&emulator, action), 1, "sent once");
    assert!(
        error.message().contains("CreateAccessAssignment may have been applied: check with list-tasks"),
        "{error}"
    );
    emulator.stop().await;

    // A server error, and a dropped connection: the same.
    for fault in [Step::Http(503), Step::Drop] {
        let emulator = start_emulator().await;
        emulator.script(action, vec![fault.clone(), Step::Success]);
        let config = impatient(&emulator, api, Duration::from_secs(5));
        let error = cloudjobs_cli::generated::call(api, config, action, &args).await.unwrap_err();
        assert_eq!(received(&emulator, action), 1, "{fault:?}: sent once");
        assert!(error.may_have_been_applied(), "{fault:?}: {error}");
        emulator.stop().await;
    }

    // A throttling refusal: the vendor did not act, so it is sent again and succeeds.
    let emulator = start_emulator().await;
    emulator.script(action, vec![Step::Throttle { retry_after: 0 }, Step::Success]);
    let config = impatient(&emulator, api, Duration::from_secs(5));
    cloudjobs_cli::generated::call(api, config, action, &args).await.unwrap();
    assert_eq!(received(&emulator, action), 2, "refused once, then accepted");
    emulator.stop().await;
}

#[tokio::test]
async fn reads_are_still_retried_after_a_server_error() {
    let api = "alibaba-cloudsso";
    let emulator = start_emulator().await;
    emulator.script("t-read", vec![Step::Http(503), Step::Success]);
    let config = impatient(&emulator, api, Duration::from_secs(5));
    let mut args = example_args(api, "GetTaskStatus");
    args.insert("TaskId".to_owned(), "t-read".to_owned());
    cloudjobs_cli::generated::call(api, config, "GetTaskStatus", &args).await.unwrap();
    assert_eq!(received(&emulator, "GetTaskStatus"), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn all_walks_every_page_of_a_list() {
    let emulator = start_emulator().await;
    let api = "alibaba-cloudsso";
    let vars = credential_env(api, emulator.key_id(), emulator.secret());
    let scratch = tempfile::tempdir().unwrap();
    let start = protocol(api).operation("CreateAccessAssignment").unwrap();
    for target in 0..12 {
        // Distinct targets: the same assignment twice while its task runs is a conflict.
        let mut args = example_args(api, "CreateAccessAssignment");
        args.insert("TargetId".to_owned(), format!("1142{target}"));
        let line = command_line(api, start, &args, &emulator.base_url(), &scratch);
        let vars = vars.clone();
        let outcome = tokio::task::spawn_blocking(move || run(&line, &vars)).await.unwrap();
        assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    }
    let list = |extra: &[&str]| {
        let mut line: Vec<String> = ["alibaba-cloudsso", "list-tasks", "--directory-id", "d-1", "--endpoint"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        line.push(emulator.base_url());
        line.extend(extra.iter().map(|s| s.to_string()));
        let vars = vars.clone();
        tokio::task::spawn_blocking(move || run(&line, &vars))
    };
    let before = received(&emulator, "ListTasks");
    let all = list(&["--all", "--max-results", "5"]).await.unwrap();
    assert_eq!(all.code, 0, "{}", all.stderr);
    let items: Vec<Value> = all.stdout.lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    assert_eq!(items.len(), 12, "one JSON line per task");
    assert!(items.iter().all(|item| item["TaskId"].as_str().is_some_and(|id| id.starts_with("t-"))));
    assert_eq!(received(&emulator, "ListTasks") - before, 3, "pages of 5, 5 and 2");

    let some = list(&["--all", "--max-items", "7"]).await.unwrap();
    assert_eq!(some.stdout.lines().count(), 7);
    let one_page = list(&[]).await.unwrap();
    assert_eq!(documents(&one_page.stdout).len(), 1, "without --all, the first page as it came");
    // A page says what it is, as the vendor's do: a loop on IsTruncated reads every page.
    let (mut token, mut pages, mut seen) = (None::<String>, 0, 0);
    loop {
        let mut extra = vec!["--max-results".to_owned(), "5".to_owned()];
        extra.extend(token.iter().flat_map(|t| ["--next-token".to_owned(), t.clone()]));
        let page = list(&extra.iter().map(String::as_str).collect::<Vec<_>>()).await.unwrap();
        let page: Value = serde_json::from_str(&page.stdout).unwrap();
        let held = page["Tasks"].as_array().map_or(0, Vec::len);
        (pages, seen) = (pages + 1, seen + held);
        assert_eq!(
            (page["TotalCounts"].as_u64(), page["MaxResults"].as_u64()),
            (Some(12), Some(5)),
            "{page}"
        );
        if page["IsTruncated"] != true {
            assert!(page.get("NextToken").is_none(), "{page}");
            break;
        }
        token = page["NextToken"].as_str().map(str::to_owned);
    }
    assert_eq!((pages, seen), (3, 12));
}

#[tokio::test]
async fn typed_start_builders_send_and_wait_for_every_job_they_start() {
    let emulator = start_emulator().await;
    let quick = quick_wait();

    // CloudSSO: query parameters, one task.
    use cloudjobs_alibaba_cloudsso::types as sso;
    let client =
        cloudjobs_alibaba_cloudsso::Client::with_config(emulator.client_config("alibaba-cloudsso").unwrap())
            .unwrap();
    let done = client
        .create_access_assignment()
        .directory_id("d-1")
        .access_configuration_id("ac-1")
        .target_type(sso::TargetType::RDAccount)
        .target_id("1142")
        .principal_type(sso::PrincipalType::User)
        .principal_id("u-1")
        .send_and_wait(&quick)
        .await
        .unwrap();
    let task_id = done.start.task.task_id.clone();
    assert_eq!(done.jobs.len(), 1);
    assert_eq!(done.jobs[0].task_status.status, sso::TaskStatusValue::Success);
    assert_eq!(done.jobs[0].task_status.task_id, task_id, "the job followed is the one started");

    // Tencent: a JSON body whose ZoneId the status calls carry, and a failing job.
    use cloudjobs_tencent_organization::types as tc;
    let client = cloudjobs_tencent_organization::Client::with_config(
        emulator.client_config("tencent-organization").unwrap(),
    )
    .unwrap();
    let assignment = || {
        tc::RoleAssignmentInfo::builder()
            .role_configuration_id(Some("rc-1".to_owned()))
            .target_type(tc::TargetType::MemberUin)
            .target_uin(123)
            .principal_type(tc::PrincipalType::User)
            .principal_id(Some("u-1".to_owned()))
    };
    let request = |zone: &str| {
        tc::CreateRoleAssignmentRequest::builder()
            .zone_id(zone)
            .role_assignment_info(vec![assignment().try_into().unwrap()])
    };
    let done = client.create_role_assignment().body(request("z-1")).send_and_wait(&quick).await.unwrap();
    assert_eq!(done.jobs.len(), done.start.tasks.len());
    assert!(done.jobs.iter().all(|job| job.task_status.status == tc::TaskStatusValue::Success));
    let zones: Vec<String> = emulator
        .requests()
        .iter()
        .filter(|r| r.parts.header("x-tc-action") == Some("GetTaskStatus"))
        .map(|r| {
            serde_json::from_slice::<Value>(&r.parts.body).unwrap()["ZoneId"].as_str().unwrap().to_owned()
        })
        .collect();
    assert!(
        !zones.is_empty() && zones.iter().all(|zone| zone == "z-1"),
        "the status calls carry ZoneId: {zones:?}"
    );

    let failed =
        client.create_role_assignment().body(request("fail-z")).send_and_wait(&quick).await.unwrap_err();
    assert!(matches!(failed, cloudjobs_core::waiter::WaitError::JobFailed { .. }), "{failed}");
}

#[tokio::test]
async fn typed_start_builders_of_eiam_huawei_and_oracle_wait_too() {
    use cloudjobs_core::waiter::WaitError;
    let emulator = start_emulator().await;
    let quick = quick_wait();

    // EIAM: a synchronization job succeeds, and one whose target says so only partly does.
    use cloudjobs_alibaba_eiam::types as eiam;
    let client =
        cloudjobs_alibaba_eiam::Client::with_config(emulator.client_config("alibaba-eiam").unwrap()).unwrap();
    let sync = |target: &str| {
        client
            .run_synchronization_job()
            .instance_id("idaas-1")
            .target_type(eiam::SynchronizationTargetType::IdentityProvider)
            .target_id(target.to_owned())
    };
    let done = sync("idp-1").send_and_wait(&quick).await.unwrap();
    assert_eq!(done.jobs.len(), 1);
    assert_eq!(done.jobs[0].synchronization_job.status, eiam::SynchronizationJobStatus::Success);
    let partly = sync("partial-idp").send_and_wait(&quick).await.unwrap_err();
    assert!(
        matches!(&partly, WaitError::PartialSuccess { status, .. } if status == "partial_success"),
        "{partly}"
    );

    // Huawei: an account assignment, followed by its request id.
    use cloudjobs_huawei_identitycenter::types as hw;
    let client = cloudjobs_huawei_identitycenter::Client::with_config(
        emulator.client_config("huawei-identitycenter").unwrap(),
    )
    .unwrap();
    let body = hw::CreateAccountAssignmentReqBody::builder()
        .permission_set_id("ps-1")
        .principal_id("u-1")
        .principal_type(hw::PrincipalType::USER)
        .target_id("1001")
        .target_type(hw::TargetType::ACCOUNT);
    let done = client
        .create_account_assignment()
        .instance_id("ins-1")
        .body(body)
        .send_and_wait(&quick)
        .await
        .unwrap();
    let started = &done.start.account_assignment_creation_status.request_id;
    assert_eq!(done.jobs.len(), 1);
    assert_eq!(&done.jobs[0].account_assignment_creation_status.request_id, started);
    assert_eq!(done.jobs[0].account_assignment_creation_status.status, hw::OperationStatus::SUCCEEDED);

    // Oracle: the job id comes from the 202's Location; a job whose deleteFailed lists users only partly succeeds.
    use cloudjobs_oracle_primavera_admin::types as oracle;
    let client = cloudjobs_oracle_primavera_admin::Client::with_config(
        emulator.client_config("oracle-primavera-admin").unwrap(),
    )
    .unwrap();
    let users =
        |message: &str| oracle::UserDataStore { message: Some(message.to_owned()), ..Default::default() };
    let done = client.create_or_modify_users().body(users("nightly")).send_and_wait(&quick).await.unwrap();
    assert_eq!(done.start.status(), 202);
    assert_eq!(done.jobs.len(), 1);
    let partly = client.create_or_modify_users().body(users("partial-nightly")).send_and_wait(&quick).await;
    assert!(matches!(partly, Err(WaitError::PartialSuccess { .. })), "{partly:?}");
}

#[tokio::test]
async fn a_second_start_while_the_first_job_runs_gets_the_vendors_conflict() {
    let emulator = start_emulator().await;
    let call = |api: &'static str, operation: &'static str, args: BTreeMap<String, String>| {
        let config = emulator.client_config(api).unwrap().retry(RetryPolicy::none());
        async move { cloudjobs_cli::generated::call(api, config, operation, &args).await }
    };

    // CloudSSO: the same assignment again is refused; another target is not.
    let args = example_args("alibaba-cloudsso", "CreateAccessAssignment");
    call("alibaba-cloudsso", "CreateAccessAssignment", args.clone()).await.unwrap();
    let again = call("alibaba-cloudsso", "CreateAccessAssignment", args.clone()).await.unwrap_err();
    assert_eq!((again.status(), again.code()), (Some(409), Some("OperationConflict.Task")), "{again}");
    let mut other = args.clone();
    other.insert("TargetId".to_owned(), "9999".to_owned());
    call("alibaba-cloudsso", "CreateAccessAssignment", other).await.unwrap();

    // Oracle: one create-users job at a time, whatever it holds.
    let body =
        || BTreeMap::from([(cloudjobs_core::WHOLE_BODY.to_owned(), r#"{"message": "first"}"#.to_owned())]);
    let first = call("oracle-primavera-admin", "CreateOrModifyUsers", body()).await.unwrap();
    assert_eq!(first.status, 202);
    let second = call("oracle-primavera-admin", "CreateOrModifyUsers", body()).await.unwrap_err();
    assert_eq!(second.status(), Some(400), "{second}");

    // Once the running job ends, the next one is accepted.
    let job = first.location.unwrap().rsplit('/').next().unwrap().to_owned();
    for _ in 0..3 {
        let args = BTreeMap::from([("jobId".to_owned(), job.clone())]);
        call("oracle-primavera-admin", "GetUserJobStatus", args).await.unwrap();
    }
    call("oracle-primavera-admin", "CreateOrModifyUsers", body()).await.unwrap();
}

#[tokio::test]
async fn created_resources_are_listed_until_deleted_and_cannot_be_created_twice() {
    let api = "tencent-organization";
    let emulator = start_emulator().await;
    let call = |operation: &'static str, args: BTreeMap<String, String>| {
        let config = emulator.client_config(api).unwrap().retry(RetryPolicy::none());
        async move { cloudjobs_cli::generated::call(api, config, operation, &args).await }
    };
    let listed = || async {
        let page =
            call("ListUserSyncProvisionings", BTreeMap::from([("ZoneId".to_owned(), "z-1".to_owned())]))
                .await
                .unwrap();
        values_at(&page.body, "/UserProvisionings/*/UserProvisioningId")
    };
    let mut create = example_args(api, "CreateUserSyncProvisioning");
    create.insert("ZoneId".to_owned(), "z-1".to_owned());

    let created = call("CreateUserSyncProvisioning", create.clone()).await.unwrap();
    let ids = values_at(&created.body, "/Tasks/*/UserProvisioningId");
    assert_eq!(ids.len(), 1);
    assert_eq!(listed().await, ids, "the new synchronization is listed");

    let twice = call("CreateUserSyncProvisioning", create.clone()).await.unwrap_err();
    assert_eq!(twice.code(), Some("FailedOperation.UserProvisioningAlreadyExists"), "{twice}");

    let delete = BTreeMap::from([
        ("ZoneId".to_owned(), "z-1".to_owned()),
        ("UserProvisioningId".to_owned(), ids[0].clone()),
    ]);
    call("DeleteUserSyncProvisioning", delete).await.unwrap();
    assert!(listed().await.is_empty(), "a deleted synchronization is no longer listed");
    call("CreateUserSyncProvisioning", create).await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn oracle_exports_a_jobs_log_as_text() {
    let api = "oracle-primavera-admin";
    let emulator = start_emulator().await;
    let vars = credential_env(api, emulator.key_id(), emulator.secret());
    let line: Vec<String> = [api, "export-user-job-log", "--job-id", "95733", "--endpoint"]
        .iter()
        .map(|s| s.to_string())
        .chain([emulator.base_url()])
        .collect();
    let outcome = tokio::task::spawn_blocking(move || run(&line, &vars)).await.unwrap();
    assert_eq!(outcome.code, 0, "{}", outcome.stderr);
    let expected = crate::support::spec(api)["paths"]["/cloudapi/restapi/user/status/{jobId}/log"]["get"]["responses"]
        ["200"]["content"]["text/plain"]["example"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(outcome.stdout, expected, "the log's text, as it came");

    // The typed client hands the file over as bytes.
    let client =
        cloudjobs_oracle_primavera_admin::Client::with_config(emulator.client_config(api).unwrap()).unwrap();
    let draft = client.export_user_job_failed_users().job_id("95733").send().await.unwrap();
    assert_eq!(draft.status(), 200);
}
