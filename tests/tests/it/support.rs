//! Helpers for the wire, error and command tests: spec examples, a local
//! server that records requests, and signature checks with the vendor's rules.

use std::collections::BTreeMap;
use std::fs;

use cloudjobs_core::signing::{RequestParts, VerifyError, acs3, basic, sdk_hmac, tc3};
use cloudjobs_core::{Protocol, Signing};
use cloudjobs_tests::workspace_root;
use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The protocol of API `name`, from the command's generated registry.
pub fn protocol(api: &str) -> &'static Protocol {
    cloudjobs_cli::generated::APIS.iter().find(|(name, _)| *name == api).map(|(_, p)| *p).unwrap()
}

/// The spec of API `name` as JSON.
pub fn spec(api: &str) -> Value {
    let text = fs::read_to_string(workspace_root().join(format!("specs/{api}.yaml"))).unwrap();
    serde_yaml::from_str(&text).unwrap()
}

/// The example of the first operation's `status` response.
pub fn response_example(api: &str, status: &str) -> Value {
    let spec = spec(api);
    let (_, item) = spec["paths"].as_object().unwrap().iter().next().unwrap();
    let (_, operation) = item.as_object().unwrap().iter().next().unwrap();
    operation["responses"][status]["content"]["application/json"]["example"].clone()
}

/// Operation `operation_id` of `api`'s spec, as JSON.
fn operation_of(api: &str, operation_id: &str) -> Value {
    let spec = spec(api);
    spec["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .find(|operation| operation["operationId"] == operation_id)
        .cloned()
        .unwrap_or_else(|| panic!("{api} has no operation {operation_id}"))
}

/// The example of operation `operation_id`'s `status` response, `Null` when
/// that response has no body.
pub fn operation_response_example(api: &str, operation_id: &str, status: &str) -> Value {
    operation_of(api, operation_id)["responses"][status]["content"]["application/json"]["example"].clone()
}

/// What the vendor's server sends for a success: the body in its envelope (Tencent's `Response`).
pub fn wire_body(api: &str, body: Value) -> Value {
    cloudjobs_core::vendor::rules(protocol(api).vendor).envelope(body)
}

/// A local server on 127.0.0.1 that answers every request with `status` and `body`.
pub async fn server_answering(status: u16, body: Value, headers: &[(&str, &str)]) -> MockServer {
    let server = MockServer::start().await;
    let mut response = ResponseTemplate::new(status).set_body_json(body);
    for (name, value) in headers {
        response = response.insert_header(*name, *value);
    }
    Mock::given(any()).respond_with(response).mount(&server).await;
    server
}

/// An HTTP client for requests made by hand. It is made through the runtime,
/// which installs the TLS provider that reqwest needs before any client can
/// be built: a test run alone has no other client to have done it first.
pub fn plain_http() -> reqwest::Client {
    let config = cloudjobs_core::ClientConfig::new()
        .credentials(cloudjobs_core::Credentials::access_key("id", "secret"))
        .endpoint("http://127.0.0.1:1");
    config.connect(&cloudjobs_alibaba_cloudsso::PROTOCOL).unwrap().http
}

/// A local server that answers every request with raw bytes.
pub async fn server_answering_raw(status: u16, body: &'static [u8]) -> MockServer {
    let server = MockServer::start().await;
    let response = ResponseTemplate::new(status).set_body_raw(body, "application/json");
    Mock::given(any()).respond_with(response).mount(&server).await;
    server
}

/// The one request a server received, as signature parts.
pub async fn only_request(server: &MockServer) -> RequestParts {
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "expected exactly one request");
    let request = &requests[0];
    let target = match request.url.query() {
        Some(query) => format!("{}?{query}", request.url.path()),
        None => request.url.path().to_owned(),
    };
    let headers = request
        .headers
        .iter()
        .map(|(name, value)| (name.as_str().to_owned(), value.to_str().unwrap().to_owned()))
        .collect();
    RequestParts::from_target(request.method.as_str(), &target, headers, request.body.clone())
}

/// Checks a request's signature with the vendor's canonicalization for `api`.
pub fn verify(api: &str, parts: &RequestParts, key_id: &str, secret: &str) -> Result<String, VerifyError> {
    let secret_for = |id: &str| (id == key_id).then(|| secret.to_owned());
    match protocol(api).signing {
        Signing::Acs3HmacSha256 => acs3::verify(parts, &secret_for),
        Signing::Tc3HmacSha256 => tc3::verify(parts, &secret_for),
        Signing::SdkHmacSha256 => sdk_hmac::verify(parts, &secret_for),
        Signing::HttpBasic => basic::verify_basic(parts, &secret_for),
    }
}

/// Every API of the `cloudjobs` command's generated registry, which lists
/// every spec: tests that loop over it pick up a new API without edits.
pub fn apis() -> impl Iterator<Item = &'static str> {
    cloudjobs_cli::generated::APIS.iter().map(|(name, _)| *name)
}

/// Test credentials for API `api`, as environment variables of its vendor.
pub fn credential_env(api: &str, id: &str, secret: &str) -> BTreeMap<String, String> {
    let vendor = cloudjobs_core::vendor::rules(protocol(api).vendor);
    vendor.environment_for(id, secret).into_iter().map(|(name, value)| (name.to_owned(), value)).collect()
}

/// Arguments that satisfy every required parameter of the first operation of `api`.
pub fn sample_args(api: &str) -> BTreeMap<String, String> {
    protocol(api).operations[0]
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| (p.name.to_owned(), format!("sample-{}", p.flag)))
        .collect()
}

/// The arguments of operation `operation_id` of `api`, by spec name, taken
/// from the spec's own examples: each parameter's `example`, and each field
/// of the request body's example (arrays and objects as JSON text).
pub fn example_args(api: &str, operation_id: &str) -> BTreeMap<String, String> {
    let operation = operation_of(api, operation_id);
    let text = |value: &Value| match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let mut args = BTreeMap::new();
    for parameter in operation["parameters"].as_array().into_iter().flatten() {
        if let (Some(name), Some(example)) = (parameter["name"].as_str(), parameter.get("example")) {
            args.insert(name.to_owned(), text(example));
        }
    }
    if let Some(body) = operation.pointer("/requestBody/content/application~1json/example") {
        match body.as_object() {
            Some(fields) => args.extend(fields.iter().map(|(name, value)| (name.clone(), text(value)))),
            None => {
                args.insert(cloudjobs_core::WHOLE_BODY.to_owned(), body.to_string());
            }
        }
    }
    args
}

/// What the `cloudjobs` command did, run in-process.
pub struct Outcome {
    pub code: u8,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the `cloudjobs` command in-process with `args` and environment `vars`.
pub fn run(args: &[String], vars: &BTreeMap<String, String>) -> Outcome {
    run_at_home(args, vars, None)
}

/// Runs the `cloudjobs` command in-process with a home directory, where the
/// vendors' CLI files are read.
pub fn run_at_home(
    args: &[String],
    vars: &BTreeMap<String, String>,
    home: Option<&std::path::Path>,
) -> Outcome {
    let var = |name: &str| vars.get(name).cloned();
    let env = cloudjobs_cli::Environment {
        var: &var,
        home: home.map(std::path::Path::to_path_buf),
        stop: None,
        interactive: false,
        install_tracing: false,
    };
    let argv: Vec<std::ffi::OsString> =
        std::iter::once("cloudjobs".into()).chain(args.iter().map(std::ffi::OsString::from)).collect();
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let code = cloudjobs_cli::run(argv, &env, &mut stdout, &mut stderr);
    Outcome { code, stdout: String::from_utf8(stdout).unwrap(), stderr: String::from_utf8(stderr).unwrap() }
}
