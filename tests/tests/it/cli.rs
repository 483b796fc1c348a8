//! The `cloudjobs` command, run in-process with its own environment: a real
//! call for each API against a local server, and the exit codes.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::support::{
    credential_env, only_request, protocol, response_example, run, server_answering, server_answering_raw,
    verify, wire_body,
};

/// The documented command line of the first operation of `api`, with every
/// required flag set to a sample value.
fn command_line(api: &str, endpoint: &str) -> Vec<String> {
    let operation = &protocol(api).operations[0];
    let mut args = vec![api.to_owned(), operation.command.to_owned()];
    for param in operation.params.iter().filter(|p| p.required) {
        args.push(format!("--{}", param.flag));
        args.push(format!("sample-{}", param.flag));
    }
    args.extend(["--endpoint".to_owned(), endpoint.to_owned()]);
    args
}

// The command runs its own runtime, so these tests run the server on another thread's runtime.
#[tokio::test(flavor = "multi_thread")]
async fn each_api_is_called_with_a_request_the_vendor_accepts() {
    // The command lines the seed pages' operations must have; an API added later is
    // called all the same, with the command line its spec gives.
    let expected_commands: BTreeMap<&str, &str> = [
        ("alibaba-eiam", "alibaba-eiam get-identity-provider-status-check-job --instance-id --identity-provider-id --identity-provider-status-check-job-id"),
        ("alibaba-cloudsso", "alibaba-cloudsso get-task-status --directory-id --task-id"),
        ("huawei-identitycenter", "huawei-identitycenter get-identity-center-service-status"),
        ("tencent-organization", "tencent-organization get-provisioning-task-status --zone-id --task-id"),
        ("oracle-primavera-admin", "oracle-primavera-admin get-user-job-status --job-id"),
    ]
    .into_iter()
    .collect();
    for api in crate::support::apis() {
        let example = response_example(api, "200");
        let server = server_answering(200, wire_body(api, example.clone()), &[]).await;
        let args = command_line(api, &server.uri());
        let shown: Vec<&str> = args
            .iter()
            .filter(|a| !a.starts_with("sample-") && !a.starts_with("http"))
            .map(String::as_str)
            .collect();
        if let Some(expected) = expected_commands.get(api) {
            assert_eq!(
                shown.join(" "),
                format!("{expected} --endpoint"),
                "the issue's command line for {api}"
            );
        }

        let vars = credential_env(api, "test-key-id", "test-secret");
        let outcome = tokio::task::spawn_blocking(move || run(&args, &vars)).await.unwrap();
        assert_eq!(outcome.code, 0, "{api}: {}", outcome.stderr);
        let printed: Value = serde_json::from_str(&outcome.stdout).unwrap();
        assert_eq!(cloudjobs_tests::first_difference(&example, &printed), None, "{api}");

        let request = only_request(&server).await;
        assert_eq!(
            verify(api, &request, "test-key-id", "test-secret"),
            Ok("test-key-id".to_owned()),
            "{api}"
        );
        let sent = request.query.iter().map(|(_, v)| v.clone()).chain(
            serde_json::from_slice::<Value>(&request.body).ok().into_iter().flat_map(|b| {
                b.as_object().unwrap().values().map(|v| v.as_str().unwrap().to_owned()).collect::<Vec<_>>()
            }),
        );
        let mut sent: Vec<String> = sent.chain(request.path.rsplit('/').next().map(str::to_owned)).collect();
        sent.retain(|v| v.starts_with("sample-"));
        let required = protocol(api).operations[0].params.iter().filter(|p| p.required).count();
        assert_eq!(sent.len(), required, "{api}: every flag reaches the request: {sent:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn vendor_errors_exit_3_with_code_message_and_request_id() {
    let body = json!({"Response": {"Error": {"Code": "AuthFailure.SignatureFailure", "Message": "The provided credentials could not be validated."}, "RequestId": "req-7"}});
    let server = server_answering(200, body, &[]).await;
    let args = command_line("tencent-organization", &server.uri());
    let vars = credential_env("tencent-organization", "id", "secret");
    let outcome = tokio::task::spawn_blocking(move || run(&args, &vars)).await.unwrap();
    assert_eq!(outcome.code, cloudjobs_cli::EXIT_VENDOR);
    assert!(outcome.stdout.is_empty());
    assert_eq!(
        outcome.stderr.trim(),
        "error: AuthFailure.SignatureFailure: The provided credentials could not be validated. (HTTP 200, request id req-7)"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn unreadable_answers_exit_5_and_transport_errors_exit_4() {
    let server = server_answering_raw(200, b"not json").await;
    let args = command_line("alibaba-cloudsso", &server.uri());
    let vars = credential_env("alibaba-cloudsso", "id", "secret");
    let outcome = tokio::task::spawn_blocking(move || run(&args, &vars)).await.unwrap();
    assert_eq!(outcome.code, cloudjobs_cli::EXIT_INVALID_RESPONSE, "{}", outcome.stderr);

    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let args = command_line("alibaba-cloudsso", &format!("http://127.0.0.1:{port}"));
    let vars = credential_env("alibaba-cloudsso", "id", "secret");
    let outcome = tokio::task::spawn_blocking(move || run(&args, &vars)).await.unwrap();
    assert_eq!(outcome.code, cloudjobs_cli::EXIT_TRANSPORT, "{}", outcome.stderr);
}

#[test]
fn usage_and_configuration_errors_exit_2() {
    let vars = credential_env("alibaba-cloudsso", "id", "secret");
    let missing_flag =
        run(&["alibaba-cloudsso".into(), "get-task-status".into(), "--task-id".into(), "t".into()], &vars);
    assert_eq!(missing_flag.code, cloudjobs_cli::EXIT_USAGE);
    assert!(missing_flag.stderr.contains("--directory-id"), "{}", missing_flag.stderr);

    let no_credentials = run(&command_line("alibaba-cloudsso", "http://127.0.0.1:1"), &BTreeMap::new());
    assert_eq!(no_credentials.code, cloudjobs_cli::EXIT_USAGE);
    assert!(no_credentials.stderr.contains("ALIBABA_CLOUD_ACCESS_KEY_ID"), "{}", no_credentials.stderr);

    let oracle = credential_env("oracle-primavera-admin", "u", "p");
    let no_endpoint = run(
        &["oracle-primavera-admin".into(), "get-user-job-status".into(), "--job-id".into(), "1".into()],
        &oracle,
    );
    assert_eq!(no_endpoint.code, cloudjobs_cli::EXIT_USAGE);
    assert!(no_endpoint.stderr.contains("--endpoint <URL>"), "Oracle requires it: {}", no_endpoint.stderr);

    // A zero timeout would fail every call, or end a wait, at once, as if the network had.
    for flag in ["--connect-timeout", "--read-timeout", "--call-timeout", "--timeout"] {
        let mut args = command_line("alibaba-cloudsso", "http://127.0.0.1:1");
        if flag == "--timeout" {
            args.push("--wait".into());
        }
        args.extend([flag.into(), "0s".into()]);
        let zero = run(&args, &vars);
        assert_eq!(zero.code, cloudjobs_cli::EXIT_USAGE, "{flag}: {}", zero.stderr);
        assert!(zero.stderr.contains(flag) && zero.stderr.contains("longer than zero"), "{}", zero.stderr);
    }
}

#[test]
fn help_documents_the_exit_codes() {
    let help = run(&["--help".into()], &BTreeMap::new());
    assert_eq!(help.code, 0);
    for line in [
        "2  usage or configuration error",
        "3  the vendor answered with an error",
        "4  transport error",
        "5  the answer could not be read",
    ] {
        assert!(help.stdout.contains(line), "missing {line:?}");
    }
}

async fn emulator_with(scripts: &[(&str, Vec<cloudjobs_mock::Step>)]) -> cloudjobs_mock::Emulator {
    let mut config = cloudjobs_mock::EmulatorConfig::new().apis(cloudjobs_cli::generated::APIS);
    for (id, steps) in scripts {
        config.scripts.set(*id, steps.clone());
    }
    cloudjobs_mock::Emulator::start(config).await.unwrap()
}

fn wait_args(url: &str, task: &str, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = [
        "alibaba-cloudsso",
        "get-task-status",
        "--directory-id",
        "d-1",
        "--task-id",
        task,
        "--endpoint",
        url,
        "--wait",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

#[tokio::test(flavor = "multi_thread")]
async fn wait_prints_each_change_then_the_final_answer() {
    use cloudjobs_mock::Step;
    let emulator = emulator_with(&[
        ("t-w", vec![Step::Running, Step::Success]),
        ("fail-w", vec![Step::Fail("quota exceeded".into())]),
    ])
    .await;
    let vars = credential_env("alibaba-cloudsso", emulator.key_id(), emulator.secret());

    let args = wait_args(&emulator.base_url(), "t-w", &[]);
    let env = vars.clone();
    let done = tokio::task::spawn_blocking(move || run(&args, &env)).await.unwrap();
    assert_eq!(done.code, 0, "{}", done.stderr);
    // stderr is not a terminal here: one JSON line per change of state.
    let events: Vec<Value> = done.stderr.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    assert_eq!(events.len(), 2, "one line per change of state: {}", done.stderr);
    assert_eq!(
        (events[0]["state"].as_str(), events[0]["status"].as_str()),
        (Some("running"), Some("InProgress"))
    );
    assert_eq!(
        (events[1]["state"].as_str(), events[1]["status"].as_str()),
        (Some("succeeded"), Some("Success"))
    );
    let printed: Value = serde_json::from_str(&done.stdout).unwrap();
    assert_eq!(printed["TaskStatus"]["Status"], "Success");

    // --progress text keeps the plain lines.
    let args = wait_args(&emulator.base_url(), "t-w2", &["--progress", "text"]);
    let env = vars.clone();
    let text = tokio::task::spawn_blocking(move || run(&args, &env)).await.unwrap();
    let lines: Vec<&str> = text.stderr.lines().collect();
    assert!(lines.len() == 2 && lines[1].ends_with("succeeded (Success)"), "{lines:?}");

    // A failed job still prints its last answer, and says why on stderr.
    let args = wait_args(&emulator.base_url(), "fail-w", &["--progress", "none"]);
    let env = vars.clone();
    let failed = tokio::task::spawn_blocking(move || run(&args, &env)).await.unwrap();
    assert_eq!(failed.code, cloudjobs_cli::EXIT_JOB_FAILED);
    assert_eq!(failed.stderr, "error: the job failed (Failed): quota exceeded\n");
    let last: Value = serde_json::from_str(&failed.stdout).unwrap();
    assert_eq!(last["TaskStatus"]["Status"], "Failed", "{}", failed.stdout);
}

#[tokio::test(flavor = "multi_thread")]
async fn wait_gives_up_at_the_timeout() {
    let emulator = emulator_with(&[("t-stuck", vec![cloudjobs_mock::Step::Running])]).await;
    let vars = credential_env("alibaba-cloudsso", emulator.key_id(), emulator.secret());
    let args = wait_args(&emulator.base_url(), "t-stuck", &["--timeout", "1500ms"]);
    let started = std::time::Instant::now();
    let outcome = tokio::task::spawn_blocking(move || run(&args, &vars)).await.unwrap();
    assert_eq!(outcome.code, cloudjobs_cli::EXIT_DEADLINE, "{}", outcome.stderr);
    assert!(
        outcome.stderr.contains("the deadline passed") && outcome.stderr.contains("running (InProgress)"),
        "{}",
        outcome.stderr
    );
    // The last answer is still printed, to be read.
    let last: Value = serde_json::from_str(&outcome.stdout).unwrap();
    assert_eq!(last["TaskStatus"]["Status"], "InProgress", "{}", outcome.stdout);
    assert!(started.elapsed() < std::time::Duration::from_secs(4));
}

#[test]
fn wait_is_offered_only_where_there_is_a_job() {
    let help = run(&["alibaba-cloudsso".into(), "get-task-status".into(), "--help".into()], &BTreeMap::new());
    assert!(
        help.stdout.contains("--wait") && help.stdout.contains("--timeout <DURATION>"),
        "{}",
        help.stdout
    );
}

/// The user of Oracle's documented example answer (job 95733, one user added), with its
/// JSON types as Oracle sends them: every id and the login counter are strings, and the
/// organization's `inheritedPolicy` is a boolean.
fn oracle_documented_user() -> Value {
    json!({
        "id": "3473", "loginId": "jdoe", "status": "Active", "statusInfo": "", "lastAction": "Created",
        "userType": "EMP", "createdBy": "COADMIN", "loginAttemptsCtr": "0",
        "locked": false, "disabled": false, "pwdWarned": false, "pwdExpired": false,
        "pwdCantChange": false, "changePwdAtNextLogin": false,
        "createdDate": "2018-05-30T07:54:17", "updatedDate": "2018-05-30T07:54:17",
        "roles": [{"id": "77", "name": "PrimaveraUnifierProduction", "displayName": "Primavera Unifier Production"}],
        "organization": {"id": "4", "associations": [], "inheritedPolicy": false, "isDeletable": false, "bidderCompany": false}
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn oracle_ids_decode_as_strings_or_numbers_and_print_as_sent() {
    let with_numbers = {
        let mut user = oracle_documented_user();
        user["id"] = json!(3473);
        user["roles"][0]["id"] = json!(77);
        user["organization"]["id"] = json!(4);
        user["loginAttemptsCtr"] = json!(0);
        user["organization"]["inheritedPolicy"] = json!({"minLength": 8});
        user
    };
    for user in [oracle_documented_user(), with_numbers] {
        let body = json!({"added": [user], "deleted": [], "deleteFailed": [], "modified": [],
                          "updatedIdMap": {}, "exception": "", "message": "", "localizedException": false});
        let server = server_answering(200, body.clone(), &[]).await;
        let args: Vec<String> =
            ["oracle-primavera-admin", "get-user-job-status", "--job-id", "95733", "--endpoint"]
                .iter()
                .map(|s| s.to_string())
                .chain([server.uri()])
                .collect();
        let vars = credential_env("oracle-primavera-admin", "u", "p");
        let outcome = tokio::task::spawn_blocking(move || run(&args, &vars)).await.unwrap();
        assert_eq!(outcome.code, 0, "{}", outcome.stderr);
        let printed: Value = serde_json::from_str(&outcome.stdout).unwrap();
        assert_eq!(cloudjobs_tests::first_difference(&body, &printed), None);
    }
}

#[test]
fn help_says_how_each_operation_is_retried() {
    let help = |api: &str, command: &str| {
        run(&[api.to_owned(), command.to_owned(), "--help".to_owned()], &BTreeMap::new()).stdout
    };
    for api in crate::support::apis() {
        for operation in protocol(api).operations {
            let text = help(api, operation.command);
            let expected =
                if operation.mutates { "Changes state: sent again only when" } else { "Reads only:" };
            assert!(text.contains(expected), "{api} {}: {text}", operation.command);
        }
    }
    // The example shows the shape of an optional list of objects.
    let text = help("tencent-organization", "create-role-assignment");
    assert!(text.contains("--role-assignment-info '[{\"RoleConfigurationId\":"), "{text}");
    // A body given whole, when the example shows none of its fields.
    let text = help("oracle-primavera-admin", "create-or-modify-users");
    assert!(text.contains("create-or-modify-users --body FILE"), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn transport_errors_name_their_cause_in_one_short_line() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    // A long id, and one too long for any URL: neither is repeated in the message.
    for (length, cause) in [(2_000, "Connection refused"), (100_000, "not a valid Uri")] {
        let id = "t".repeat(length);
        let args: Vec<String> =
            ["alibaba-cloudsso", "get-task-status", "--directory-id", "d-1", "--task-id", &id]
                .iter()
                .map(|s| s.to_string())
                .chain(["--endpoint".to_owned(), format!("http://127.0.0.1:{port}")])
                .collect();
        let vars = credential_env("alibaba-cloudsso", "id", "secret");
        let outcome = tokio::task::spawn_blocking(move || run(&args, &vars)).await.unwrap();
        assert_eq!(outcome.code, cloudjobs_cli::EXIT_TRANSPORT);
        assert!(outcome.stderr.contains(cause), "{}", outcome.stderr);
        assert!(outcome.stderr.len() < 500, "{} characters: the URL is not repeated", outcome.stderr.len());
    }
}

#[test]
fn version_completions_and_empty_values() {
    let none = BTreeMap::new();
    let version = run(&["--version".to_owned()], &none);
    assert_eq!(version.code, 0);
    assert!(
        version.stdout.starts_with("cloudjobs ") && version.stdout.trim().split('.').count() == 3,
        "{}",
        version.stdout
    );

    let bash = run(&["completions".to_owned(), "bash".to_owned()], &none);
    assert_eq!(bash.code, 0);
    assert!(bash.stdout.contains("_cloudjobs()") && bash.stdout.contains("create-access-assignment"));
    let zsh = run(&["completions".to_owned(), "zsh".to_owned()], &none);
    assert!(zsh.stdout.starts_with("#compdef cloudjobs"), "{}", &zsh.stdout[..40]);

    let vars = credential_env("alibaba-cloudsso", "id", "secret");
    let empty = run(
        &[
            "alibaba-cloudsso",
            "get-task-status",
            "--directory-id",
            "d-1",
            "--task-id",
            "",
            "--endpoint",
            "http://127.0.0.1:1",
        ]
        .map(str::to_owned),
        &vars,
    );
    assert_eq!(empty.code, cloudjobs_cli::EXIT_USAGE, "{}", empty.stderr);
    assert!(empty.stderr.contains("--task-id"), "{}", empty.stderr);
}

#[test]
fn region_is_offered_only_where_it_chooses_something() {
    for api in crate::support::apis() {
        let protocol = protocol(api);
        let command = protocol.operations[0].command;
        let help = run(&[api.to_owned(), command.to_owned(), "--help".to_owned()], &BTreeMap::new()).stdout;
        let regional =
            protocol.endpoint.is_some_and(|e| e.contains("{region}")) || protocol.regional_endpoint.is_some();
        assert_eq!(help.contains("--region"), regional, "{api}: {help}");
    }
}
