//! Vendor error envelopes become `CloudError`s with code, message, request id
//! and status; malformed answers become typed errors, never panics; secrets
//! never show.

use cloudjobs_core::{ClientConfig, CloudError, Credentials, ErrorKind};
use serde_json::json;
use std::time::Duration;
use wiremock::MockServer;

use crate::support::{sample_args, server_answering, server_answering_raw};

async fn call(
    api: &str,
    server: &MockServer,
    credentials: Credentials,
) -> Result<cloudjobs_core::CallOutput, CloudError> {
    let config = ClientConfig::new().credentials(credentials).endpoint(server.uri());
    let operation = crate::support::protocol(api).operations[0].operation_id;
    cloudjobs_cli::generated::call(api, config, operation, &sample_args(api)).await
}

fn keys(api: &str) -> Credentials {
    match crate::support::protocol(api).vendor {
        cloudjobs_core::Vendor::Huawei => Credentials::access_key("ak", "sk").with_domain_id("domain"),
        cloudjobs_core::Vendor::Oracle => Credentials::basic("user", "password"),
        _ => Credentials::access_key("id", "secret"),
    }
}

#[tokio::test]
async fn alibaba_errors_carry_code_message_and_request_id() {
    let body = json!({
        "RequestId": "7A3D0A6F-0000-0000-0000-000000000000",
        "HostId": "cloudsso.cn-shanghai.aliyuncs.com",
        "Code": "SignatureDoesNotMatch",
        "Message": "Specified signature is not matched with our calculation.",
        "Recommend": "https://api.aliyun.com/troubleshoot?q=SignatureDoesNotMatch"
    });
    for api in ["alibaba-cloudsso", "alibaba-eiam"] {
        let server = server_answering(400, body.clone(), &[]).await;
        let error = call(api, &server, keys(api)).await.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Vendor);
        assert_eq!(error.status(), Some(400));
        assert_eq!(error.code(), Some("SignatureDoesNotMatch"));
        assert_eq!(error.request_id(), Some("7A3D0A6F-0000-0000-0000-000000000000"));
        assert!(!error.is_retryable());
        assert_eq!(
            error.to_string(),
            "SignatureDoesNotMatch: Specified signature is not matched with our calculation. \
             (HTTP 400, request id 7A3D0A6F-0000-0000-0000-000000000000)"
        );
    }
    let throttled = json!({"RequestId": "r", "Code": "Throttling.User", "Message": "Request was denied due to user flow control."});
    let server = server_answering(503, throttled, &[]).await;
    let error = call("alibaba-cloudsso", &server, keys("alibaba-cloudsso")).await.unwrap_err();
    assert!(error.is_retryable(), "{error}");
}

#[tokio::test]
async fn tencent_http_200_errors_become_errors() {
    let body = json!({"Response": {
        "Error": {"Code": "ResourceNotFound.UserProvisioningTaskNotFound", "Message": "The user synchronization task does not exist."},
        "RequestId": "e297543a-80de-4039-83c8-9d35d4545"
    }});
    let server = server_answering(200, body, &[]).await;
    let error = call("tencent-organization", &server, keys("tencent-organization")).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Vendor);
    assert_eq!(error.status(), Some(200), "the status the server really sent");
    assert_eq!(error.code(), Some("ResourceNotFound.UserProvisioningTaskNotFound"));
    assert_eq!(error.message(), "The user synchronization task does not exist.");
    assert_eq!(error.request_id(), Some("e297543a-80de-4039-83c8-9d35d4545"));
    assert!(!error.is_retryable());

    let limited =
        json!({"Response": {"Error": {"Code": "RequestLimitExceeded", "Message": "m"}, "RequestId": "r"}});
    let server = server_answering(200, limited, &[]).await;
    assert!(
        call("tencent-organization", &server, keys("tencent-organization")).await.unwrap_err().is_retryable()
    );
}

#[tokio::test]
async fn huawei_errors_and_request_ids() {
    let body = json!({"error_code": "APIGW.0301", "error_msg": "Incorrect IAM authentication information: verify aksk signature fail"});
    let server = server_answering(401, body, &[("X-Request-Id", "5a5c1c3a9e0a4d8b9c3f2e1d0c9b8a7f")]).await;
    let error = call("huawei-identitycenter", &server, keys("huawei-identitycenter")).await.unwrap_err();
    assert_eq!((error.status(), error.code()), (Some(401), Some("APIGW.0301")));
    assert_eq!(error.request_id(), Some("5a5c1c3a9e0a4d8b9c3f2e1d0c9b8a7f"), "from X-Request-Id");

    let body = json!({"serviceStatus": "enable", "serviceStatusReasons": ["success"]});
    let server = server_answering(200, body, &[("X-Request-Id", "req-42")]).await;
    let output = call("huawei-identitycenter", &server, keys("huawei-identitycenter")).await.unwrap();
    assert_eq!(output.request_id.as_deref(), Some("req-42"));
}

#[tokio::test]
async fn oracle_errors_have_no_documented_body() {
    let server = server_answering_raw(401, b"").await;
    let error = call("oracle-primavera-admin", &server, keys("oracle-primavera-admin")).await.unwrap_err();
    assert_eq!((error.kind(), error.status(), error.code()), (ErrorKind::Vendor, Some(401), None));
}

#[tokio::test]
async fn malformed_answers_are_typed_errors() {
    let bodies: [&'static [u8]; 4] =
        [b"<html>gateway</html>", b"{\"RequestId\": \"r\", \"TaskSt", b"[]", b""];
    for api in crate::support::apis() {
        for body in bodies {
            let server = server_answering_raw(200, body).await;
            let error = call(api, &server, keys(api)).await.unwrap_err();
            assert_eq!(
                error.kind(),
                ErrorKind::InvalidResponse,
                "{api} with {:?}: {error}",
                String::from_utf8_lossy(body)
            );
            assert!(!error.is_retryable());
        }
    }
}

/// Error answers in no shape of the vendor's, as gateways and proxies send
/// them, keep their status, so that they are retried, reported as possibly
/// applied and waited through like the vendor's own server errors.
#[tokio::test]
async fn error_answers_in_no_vendor_shape_keep_their_status() {
    use wiremock::matchers::any;
    use wiremock::{Mock, ResponseTemplate};
    let answers: [(u16, &'static [u8], bool); 5] = [
        (502, b"<html><title>502 Bad Gateway</title></html>", true),
        (503, b"", true),
        (429, b"<html>slow down</html>", true),
        (403, b"{\"error\": \"denied\"}", false),
        (500, b"{}", true),
    ];
    let once = cloudjobs_core::RetryPolicy { max_attempts: 1, ..Default::default() };
    for api in crate::support::apis() {
        for (status, body, retryable) in answers {
            let server = MockServer::start().await;
            let answer = ResponseTemplate::new(status)
                .set_body_raw(body, "text/html")
                .insert_header("retry-after", "1");
            Mock::given(any()).respond_with(answer).mount(&server).await;
            let config =
                ClientConfig::new().credentials(keys(api)).endpoint(server.uri()).retry(once.clone());
            let operation = crate::support::protocol(api).operations[0].operation_id;
            let error =
                cloudjobs_cli::generated::call(api, config, operation, &sample_args(api)).await.unwrap_err();
            let shown = format!("{api} answered {status} {:?}: {error}", String::from_utf8_lossy(body));
            assert_eq!(
                (error.kind(), error.status(), error.code()),
                (ErrorKind::Vendor, Some(status), None),
                "{shown}"
            );
            assert_eq!(error.is_retryable(), retryable, "{shown}");
            assert_eq!(error.retry_after(), Some(std::time::Duration::from_secs(1)), "{shown}");
            // Where the spec documents an error body, the message quotes what came instead.
            if status == 502 && api != "oracle-primavera-admin" {
                assert!(error.message().contains("which begins \"<html><title>502 Bad Gateway"), "{shown}");
            }
        }
    }
    // A start answered so may have been applied, and the message says so.
    let server = MockServer::start().await;
    let gateway = ResponseTemplate::new(502).set_body_raw(&b"<html>bad gateway</html>"[..], "text/html");
    Mock::given(any()).respond_with(gateway).mount(&server).await;
    let config = ClientConfig::new().credentials(keys("alibaba-cloudsso")).endpoint(server.uri());
    let args = crate::support::example_args("alibaba-cloudsso", "CreateAccessAssignment");
    let error = cloudjobs_cli::generated::call("alibaba-cloudsso", config, "CreateAccessAssignment", &args)
        .await
        .unwrap_err();
    assert!(error.may_have_been_applied(), "{error}");
    assert!(error.to_string().contains("may have been applied"), "{error}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1, "a start is sent once");
}

#[tokio::test]
async fn transport_failures_are_typed_and_retryable() {
    // Bind and drop a listener to get a port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let config = ClientConfig::new()
        .credentials(keys("alibaba-cloudsso"))
        .endpoint(format!("http://127.0.0.1:{port}"));
    let error = cloudjobs_cli::generated::call(
        "alibaba-cloudsso",
        config,
        "GetTaskStatus",
        &sample_args("alibaba-cloudsso"),
    )
    .await
    .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Transport, "{error}");
    assert!(error.is_retryable());
}

#[tokio::test]
async fn secrets_never_appear_in_errors_or_debug_output() {
    const SECRET: &str = "TOPSECRET-do-not-print";
    for api in ["alibaba-cloudsso", "tencent-organization", "huawei-identitycenter", "oracle-primavera-admin"]
    {
        let credentials = match crate::support::protocol(api).vendor {
            cloudjobs_core::Vendor::Huawei => {
                Credentials::access_key("ak", SECRET).with_domain_id("d").with_security_token(SECRET)
            }
            cloudjobs_core::Vendor::Oracle => Credentials::basic("user", SECRET),
            _ => Credentials::access_key("id", SECRET).with_security_token(SECRET),
        };
        let server = server_answering(400, json!({"Code": "X", "Message": "m"}), &[]).await;
        let config = ClientConfig::new().credentials(credentials.clone()).endpoint(server.uri());
        let shown = format!("{config:?} {credentials:?}");
        assert!(!shown.contains(SECRET), "{api}: {shown}");
        let error = call(api, &server, credentials).await.unwrap_err();
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains(SECRET), "{api}: {shown}");
    }
    // A password in the endpoint (a proxy's) is a secret too, in every client's Debug.
    let config = ClientConfig::new()
        .credentials(Credentials::access_key("id", SECRET))
        .endpoint(format!("http://user:{SECRET}@127.0.0.1:1"));
    let clients = [
        format!("{:?}", cloudjobs_alibaba_cloudsso::Client::with_config(config.clone()).unwrap()),
        format!("{:?}", cloudjobs_alibaba_eiam::Client::with_config(config.clone()).unwrap()),
        format!("{:?}", cloudjobs_tencent_organization::Client::with_config(config.clone()).unwrap()),
    ];
    for shown in clients {
        assert!(!shown.contains(SECRET) && shown.contains("***@127.0.0.1:1"), "{shown}");
    }
}

#[test]
fn clients_without_an_endpoint_or_credentials_say_what_is_missing() {
    let error = cloudjobs_oracle_primavera_admin::Client::with_config(
        ClientConfig::new().credentials(Credentials::basic("u", "p")),
    )
    .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Configuration);
    assert!(error.message().contains("has no shared endpoint"), "{error}");
    let error = cloudjobs_huawei_identitycenter::Client::with_config(
        ClientConfig::new().credentials(Credentials::access_key("ak", "sk")),
    )
    .unwrap_err();
    assert!(error.message().contains("HUAWEICLOUD_SDK_DOMAIN_ID"), "{error}");
}

#[test]
fn a_rate_limit_under_the_rust_name_of_an_operation_is_refused() {
    let config = || ClientConfig::new().credentials(keys("alibaba-cloudsso")).endpoint("http://127.0.0.1:1");
    let make = |config: ClientConfig| cloudjobs_alibaba_cloudsso::Client::with_config(config).map(drop);
    let error = make(config().rate_limit("get_task_status", Some(5))).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Configuration);
    assert!(error.message().contains("GetTaskStatus, not get_task_status"), "{error}");
    make(config().rate_limit("GetTaskStatus", Some(5))).unwrap();
    // Another API's operation: the configuration may be shared with its client.
    make(config().rate_limit("GetProvisioningTaskStatus", Some(5))).unwrap();
}

#[test]
fn a_zero_timeout_is_refused_when_the_client_is_made() {
    let config = || ClientConfig::new().credentials(keys("alibaba-cloudsso")).endpoint("http://127.0.0.1:1");
    let make = |config: ClientConfig| cloudjobs_alibaba_cloudsso::Client::with_config(config).map(drop);
    type Setter = fn(ClientConfig, Duration) -> ClientConfig;
    let settings: [(&str, Setter); 3] = [
        ("connect_timeout", ClientConfig::connect_timeout),
        ("read_timeout", ClientConfig::read_timeout),
        ("timeout", ClientConfig::timeout),
    ];
    for (name, set) in settings {
        let error = make(set(config(), Duration::ZERO)).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Configuration);
        assert!(error.message().contains(&format!("ClientConfig::{name} is zero")), "{error}");
        make(set(config(), Duration::from_millis(1))).unwrap();
    }
}

#[test]
fn https_endpoints_are_the_default() {
    for (api, protocol) in cloudjobs_cli::generated::APIS {
        for endpoint in [protocol.endpoint, protocol.regional_endpoint].into_iter().flatten() {
            assert!(endpoint.starts_with("https://"), "{api}: {endpoint}");
        }
        if protocol.endpoint.is_some() {
            let resolved = cloudjobs_core::resolve_endpoint(protocol, None, None).unwrap();
            assert!(resolved.starts_with("https://"), "{api}: {resolved}");
        }
    }
}
