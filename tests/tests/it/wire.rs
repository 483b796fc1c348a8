//! Our requests against the official SDKs' requests, recorded by
//! tools/sdk-capture/capture.py into tests/fixtures/wire/.
//!
//! First, each SDK request verifies under our canonicalization with its
//! secret: our canonicalization is the vendor's. Then our client makes the same
//! call against a local server, and the request carries the same method, path,
//! query, body fields and protocol headers, and verifies too.

use std::collections::BTreeMap;
use std::fs;

use cloudjobs_core::signing::{RequestParts, VerifyError};
use cloudjobs_core::{ClientConfig, Credentials, Vendor};
use cloudjobs_tests::workspace_root;
use serde::Deserialize;
use serde_json::Value;

use crate::support::{only_request, protocol, response_example, server_answering, verify, wire_body};

#[derive(Deserialize)]
struct Fixture {
    api: String,
    operation: String,
    sdk: String,
    params: BTreeMap<String, String>,
    credentials: FixtureCredentials,
    request: RecordedRequest,
}

#[derive(Deserialize)]
struct FixtureCredentials {
    id: String,
    secret: String,
    token: Option<String>,
    domain_id: Option<String>,
}

#[derive(Deserialize)]
struct RecordedRequest {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: String,
}

fn fixtures() -> Vec<(String, Fixture)> {
    let dir = workspace_root().join("tests/fixtures/wire");
    let mut out: Vec<(String, Fixture)> = fs::read_dir(&dir)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap())
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(out.len(), 8, "four SDKs, with and without a token");
    out
}

fn sdk_parts(fixture: &Fixture) -> RequestParts {
    let r = &fixture.request;
    RequestParts::from_target(&r.method, &r.target, r.headers.clone(), r.body.as_bytes().to_vec())
}

/// The headers whose values a vendor's server reads, and whether ours must
/// carry the same value (`true`) or only a fresh one of our own (`false`).
fn protocol_headers(vendor: Vendor) -> &'static [(&'static str, bool)] {
    match vendor {
        Vendor::Alibaba => &[
            ("x-acs-action", true),
            ("x-acs-version", true),
            ("x-acs-security-token", true),
            ("x-acs-date", false),
            ("x-acs-signature-nonce", false),
            ("x-acs-content-sha256", true),
        ],
        Vendor::Tencent => &[
            ("x-tc-action", true),
            ("x-tc-version", true),
            ("x-tc-token", true),
            ("content-type", true),
            ("x-tc-timestamp", false),
        ],
        Vendor::Huawei => &[
            ("content-type", true),
            ("x-domain-id", true),
            ("x-security-token", true),
            ("x-sdk-date", false),
        ],
        Vendor::Oracle => &[],
    }
}

#[test]
fn the_official_sdks_requests_verify_under_our_canonicalization() {
    for (name, fixture) in fixtures() {
        let parts = sdk_parts(&fixture);
        let c = &fixture.credentials;
        let verified = verify(&fixture.api, &parts, &c.id, &c.secret);
        assert_eq!(verified, Ok(c.id.clone()), "{name} ({}): the SDK's own request must verify", fixture.sdk);
        let wrong = verify(&fixture.api, &parts, &c.id, "not-the-secret");
        assert!(
            matches!(wrong, Err(VerifyError::SignatureMismatch { .. })),
            "{name}: a wrong secret must fail"
        );
    }
}

fn sorted_query(parts: &RequestParts) -> Vec<(String, String)> {
    let mut query = parts.query.clone();
    query.sort();
    query
}

fn body_json(parts: &RequestParts) -> Value {
    if parts.body.is_empty() { Value::Null } else { serde_json::from_slice(&parts.body).unwrap() }
}

#[tokio::test]
async fn our_requests_match_the_official_sdks() {
    for (name, fixture) in fixtures() {
        let api = fixture.api.as_str();
        let sdk = sdk_parts(&fixture);
        let example = response_example(api, "200");
        let server = server_answering(200, wire_body(api, example.clone()), &[]).await;

        let c = &fixture.credentials;
        let mut credentials = Credentials::access_key(&c.id, &c.secret);
        if let Some(token) = &c.token {
            credentials = credentials.with_security_token(token);
        }
        if let Some(domain) = &c.domain_id {
            credentials = credentials.with_domain_id(domain);
        }
        let config = ClientConfig::new().credentials(credentials).endpoint(server.uri());
        let output = cloudjobs_cli::generated::call(api, config, &fixture.operation, &fixture.params)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(output.body, example, "{name}: the typed response must be the sample, envelope removed");

        let ours = only_request(&server).await;
        assert_eq!(ours.method, sdk.method, "{name}: method");
        assert_eq!(ours.path, sdk.path, "{name}: path");
        assert_eq!(sorted_query(&ours), sorted_query(&sdk), "{name}: query parameters");
        assert_eq!(body_json(&ours), body_json(&sdk), "{name}: body fields");
        for (header, same_value) in protocol_headers(protocol(api).vendor) {
            let Some(theirs) = sdk.header(header) else { continue };
            let mine = ours.header(header).unwrap_or_else(|| panic!("{name}: we do not send {header}"));
            if *same_value {
                assert_eq!(mine, theirs, "{name}: header {header}");
            }
        }
        let scheme = |parts: &RequestParts| {
            parts.header("authorization").unwrap().split(' ').next().unwrap().to_owned()
        };
        assert_eq!(scheme(&ours), scheme(&sdk), "{name}: signature algorithm");
        assert_eq!(
            verify(api, &ours, &c.id, &c.secret),
            Ok(c.id.clone()),
            "{name}: our signature must verify"
        );
    }
}

#[tokio::test]
async fn every_attempt_is_signed_afresh() {
    let api = "alibaba-cloudsso";
    let server = server_answering(200, response_example(api, "200"), &[]).await;
    let config =
        ClientConfig::new().credentials(Credentials::access_key("id", "secret")).endpoint(server.uri());
    let client = cloudjobs_alibaba_cloudsso::Client::with_config(config).unwrap();
    for _ in 0..2 {
        client.get_task_status().directory_id("d").task_id("t").send().await.unwrap();
    }
    let requests = server.received_requests().await.unwrap();
    let nonces: Vec<_> =
        requests.iter().map(|r| r.headers.get("x-acs-signature-nonce").unwrap().clone()).collect();
    assert_eq!(nonces.len(), 2);
    assert_ne!(nonces[0], nonces[1], "each request needs its own nonce");
}

#[tokio::test]
async fn oracle_uses_basic_auth_on_v1_and_bearer_tokens_on_the_v3_twin() {
    let api = "oracle-primavera-admin";
    let example = response_example(api, "200");
    let mut args = BTreeMap::new();
    args.insert("jobId".to_owned(), "12345".to_owned());

    let server = server_answering(200, example.clone(), &[]).await;
    let config = ClientConfig::new().credentials(Credentials::basic("admin", "pa:ss")).endpoint(server.uri());
    let output = cloudjobs_cli::generated::call(api, config, "GetUserJobStatus", &args).await.unwrap();
    assert_eq!(output.status, 200);
    assert_eq!(cloudjobs_tests::first_difference(&example, &output.body), None);
    let request = only_request(&server).await;
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("GET", "/cloudapi/restapi/user/status/12345")
    );
    // RFC 7617: base64 of "admin:pa:ss".
    assert_eq!(request.header("authorization"), Some("Basic YWRtaW46cGE6c3M="));

    let server = server_answering(
        202,
        example,
        &[("Location", "https://primavera.example.com/cloudapi/restapi/user/status/12345")],
    )
    .await;
    let config = ClientConfig::new().credentials(Credentials::bearer("oauth-token")).endpoint(server.uri());
    let output = cloudjobs_cli::generated::call(api, config, "GetUserJobStatus", &args).await.unwrap();
    assert_eq!(output.status, 202, "202 means still running");
    assert_eq!(
        output.location.as_deref(),
        Some("https://primavera.example.com/cloudapi/restapi/user/status/12345")
    );
    let request = only_request(&server).await;
    assert_eq!(request.path, "/cloudapi/restapi/v3/user/status/12345");
    assert_eq!(request.header("authorization"), Some("Bearer oauth-token"));
}
