//! Our requests against the official SDKs' requests, recorded by
//! tools/sdk-capture/capture.py into tests/fixtures/wire/.
//!
//! The fixtures are the status call of each API with and without a temporary
//! token (`<api>.json`, `<api>-with-token.json`), and one call of every
//! operation of each API that has an official SDK (`<api>--<Operation>.json`),
//! made with the spec's examples.
//!
//! First, each SDK request verifies under our canonicalization with its
//! secret: our canonicalization is the vendor's. Then our client makes the same
//! call against a local server answering with that operation's example, and the
//! request carries the same method, path, query, body fields and protocol
//! headers, and verifies too.

use std::collections::BTreeMap;
use std::fs;

use cloudjobs_core::signing::{RequestParts, VerifyError};
use cloudjobs_core::{ClientConfig, Credentials, Vendor};
use cloudjobs_tests::workspace_root;
use serde::Deserialize;
use serde_json::Value;

use crate::support::{
    only_request, operation_response_example, protocol, response_example, server_answering,
    server_answering_raw, verify, wire_body,
};

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
    let apis = sdk_apis();
    let seeds: Vec<String> =
        apis.iter().flat_map(|api| [format!("{api}.json"), format!("{api}-with-token.json")]).collect();
    assert_eq!(seeds.len(), 8, "four SDKs, with and without a token: {apis:?}");
    for seed in &seeds {
        assert!(out.iter().any(|(name, _)| name == seed), "missing the seed fixture {seed}");
    }
    let mut operations = 0;
    for api in &apis {
        for operation in protocol(api).operations {
            operations += 1;
            let id = operation.operation_id;
            let name = format!("{api}--{id}.json");
            let found = out.iter().find(|(file, _)| *file == name).unwrap_or_else(|| {
                panic!("no SDK recording of {api} {id}: run tools/sdk-capture/capture.py ({name})")
            });
            assert_eq!((found.1.api.as_str(), found.1.operation.as_str()), (*api, id), "{name}");
        }
    }
    assert!(
        out.len() >= seeds.len() + operations,
        "{} fixtures: the {} seeds and one per operation ({operations}) of {apis:?}",
        out.len(),
        seeds.len()
    );
    out
}

/// The APIs whose official SDK records its requests: every API but Oracle's,
/// which publishes no SDK.
fn sdk_apis() -> Vec<&'static str> {
    cloudjobs_cli::generated::APIS
        .iter()
        .filter(|(_, protocol)| protocol.vendor != Vendor::Oracle)
        .map(|(name, _)| *name)
        .collect()
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
    let mut failures = Vec::new();
    for (name, fixture) in fixtures() {
        let parts = sdk_parts(&fixture);
        let c = &fixture.credentials;
        let verified = verify(&fixture.api, &parts, &c.id, &c.secret);
        if verified != Ok(c.id.clone()) {
            failures
                .push(format!("{name} ({}): the SDK's own request must verify: {verified:?}", fixture.sdk));
        }
        let wrong = verify(&fixture.api, &parts, &c.id, "not-the-secret");
        if !matches!(wrong, Err(VerifyError::SignatureMismatch { .. })) {
            failures.push(format!("{name}: a wrong secret must fail: {wrong:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn sorted_query(parts: &RequestParts) -> Vec<(String, String)> {
    let mut query = parts.query.clone();
    query.sort();
    query
}

fn body_json(parts: &RequestParts) -> Value {
    if parts.body.is_empty() { Value::Null } else { serde_json::from_slice(&parts.body).unwrap() }
}

/// Every fixture is checked and every difference reported, not only the first.
#[tokio::test]
async fn our_requests_match_the_official_sdks() {
    let mut failures = Vec::new();
    for (name, fixture) in fixtures() {
        failures.extend(differences(&name, &fixture).await);
    }
    assert!(failures.is_empty(), "{} differences:\n{}", failures.len(), failures.join("\n"));
}

/// How our client's request for a fixture's call differs from the SDK's.
async fn differences(name: &str, fixture: &Fixture) -> Vec<String> {
    let mut out = Vec::new();
    let differ = |what: &str, ours: &dyn std::fmt::Debug, theirs: &dyn std::fmt::Debug| {
        format!("{name}: {what}: ours {ours:?}, the SDK's {theirs:?}")
    };
    let api = fixture.api.as_str();
    let sdk = sdk_parts(fixture);
    let example = operation_response_example(api, &fixture.operation, "200");
    let server = if example.is_null() {
        // The operation's success has no body (Huawei's StartIdentityCenter).
        server_answering_raw(200, b"").await
    } else {
        server_answering(200, wire_body(api, example.clone()), &[]).await
    };

    let c = &fixture.credentials;
    let mut credentials = Credentials::access_key(&c.id, &c.secret);
    if let Some(token) = &c.token {
        credentials = credentials.with_security_token(token);
    }
    if let Some(domain) = &c.domain_id {
        credentials = credentials.with_domain_id(domain);
    }
    let config = ClientConfig::new().credentials(credentials).endpoint(server.uri());
    let output = cloudjobs_cli::generated::call(api, config, &fixture.operation, &fixture.params).await;
    let requests = server.received_requests().await.unwrap();
    match output {
        Ok(output) if output.body != example => {
            let what =
                format!("the typed response must be {}'s example, envelope removed", fixture.operation);
            out.push(differ(&what, &output.body, &example));
        }
        Ok(_) => {}
        // Refused before sending (e.g. a value our types cannot take): nothing to compare.
        Err(e) if requests.is_empty() => {
            out.push(format!("{name}: our client refused the call: {e}"));
            return out;
        }
        Err(e) => out.push(differ("the call failed", &e.to_string(), &"a success")),
    }

    let ours = only_request(&server).await;
    if ours.method != sdk.method {
        out.push(differ("method", &ours.method, &sdk.method));
    }
    if ours.path != sdk.path {
        out.push(differ("path", &ours.path, &sdk.path));
    }
    if sorted_query(&ours) != sorted_query(&sdk) {
        out.push(differ("query parameters", &sorted_query(&ours), &sorted_query(&sdk)));
    }
    if body_json(&ours) != body_json(&sdk) {
        out.push(differ("body fields", &body_json(&ours), &body_json(&sdk)));
    }
    for (header, same_value) in protocol_headers(protocol(api).vendor) {
        let Some(theirs) = sdk.header(header) else { continue };
        match ours.header(header) {
            None => out.push(differ(&format!("header {header}"), &None::<&str>, &theirs)),
            Some(mine) if *same_value && mine != theirs => {
                out.push(differ(&format!("header {header}"), &mine, &theirs))
            }
            Some(_) => {}
        }
    }
    let scheme = |parts: &RequestParts| {
        parts.header("authorization").unwrap_or_default().split(' ').next().unwrap().to_owned()
    };
    if scheme(&ours) != scheme(&sdk) {
        out.push(differ("signature algorithm", &scheme(&ours), &scheme(&sdk)));
    }
    let verified = verify(api, &ours, &c.id, &c.secret);
    if verified != Ok(c.id.clone()) {
        out.push(differ("our signature must verify", &verified, &"Ok"));
    }
    out
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
    for nonce in &nonces {
        let nonce = nonce.to_str().unwrap();
        assert!(
            nonce.len() == 32 && nonce.bytes().all(|b| b.is_ascii_hexdigit()),
            "16 random bytes as hex: {nonce}"
        );
    }
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
