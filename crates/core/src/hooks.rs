//! What every generated client does with a request: prepare it for its vendor
//! (`prepare_request`, progenitor's `pre` hook), then sign and send it and read
//! the vendor's answer (`execute`, the `exec` hook).

use std::borrow::Cow;

use reqwest::header::{HeaderName, HeaderValue};

use crate::answer::ORIGINAL_STATUS_HEADER;
use crate::signing::{Signable, SignatureHeaders};
use crate::{ClientConfig, Credentials, Protocol, Style, vendor};

/// Turns a request for operation `operation_id` (as the spec or progenitor
/// names it) as progenitor built it into the request the vendor expects,
/// short of signing. Errors here reach the caller as `Error::Custom`.
///
/// progenitor adds an `api-version` header that no vendor here wants. RPC
/// APIs get the vendor's action and version headers and the path `/` instead
/// of the spec's synthetic `/<Action>`; then the vendor adds its fixed
/// headers and path rules ([`VendorRules::prepare`](crate::vendor::VendorRules::prepare)).
pub fn prepare_request(
    protocol: &Protocol,
    operation_id: &str,
    config: &ClientConfig,
    request: &mut reqwest::Request,
) -> Result<(), String> {
    // A constant name: removing by `&str` would parse the name on every call.
    const API_VERSION: HeaderName = HeaderName::from_static("api-version");
    request.headers_mut().remove(API_VERSION);
    let Some(credentials) = config.configured_credentials() else {
        return Err(
            "this client has no credentials: create it with Client::from_env() or Client::with_config()"
                .into(),
        );
    };
    let operation = protocol
        .operation_named(operation_id)
        .ok_or_else(|| format!("this API has no operation {operation_id}"))?;
    let rules = vendor::rules(protocol.vendor);
    if protocol.style == Style::Rpc {
        let headers =
            rules.rpc_headers().ok_or_else(|| format!("{:?} has no RPC-style APIs", protocol.vendor))?;
        let path = request.url().path();
        let stem = path.strip_suffix(operation.path).unwrap_or(path).trim_end_matches('/');
        let rpc_path = format!("{stem}/");
        request.url_mut().set_path(&rpc_path);
        vendor::set_header(request, headers.action, operation.action.unwrap_or(operation.operation_id))?;
        vendor::set_header(request, headers.version, protocol.api_version)?;
    }
    rules.prepare(protocol, operation, config.configured_region(), credentials, request)
}

/// The client's own request as the signers read it, in place: the URL's
/// query and the `HeaderMap` are read where they are, and `host` (which the
/// HTTP layer adds only later) comes from the URL.
struct InPlace<'a> {
    request: &'a reqwest::Request,
    host: &'a str,
    /// Computed once: the signer signs it, and the URL must then carry it.
    canonical_query: String,
}

impl<'a> InPlace<'a> {
    fn new(request: &'a reqwest::Request) -> Self {
        let url = request.url();
        let host = &url[url::Position::BeforeHost..url::Position::AfterPort];
        let mut view = Self { request, host, canonical_query: String::new() };
        if url.query().is_some_and(|query| !query.is_empty()) {
            view.canonical_query = crate::signing::canonical_query(&view);
        }
        view
    }
}

impl Signable for InPlace<'_> {
    fn method(&self) -> &str {
        self.request.method().as_str()
    }

    fn path(&self) -> &str {
        self.request.url().path()
    }

    fn query_pairs(&self) -> impl Iterator<Item = (Cow<'_, str>, Cow<'_, str>)> {
        self.request.url().query_pairs()
    }

    fn header(&self, name: &str) -> Option<&str> {
        if name == "host" {
            return Some(self.host);
        }
        // A scan of the few headers a call carries: looking `name` up in the
        // map would parse it into a `HeaderName` first, which costs more. The
        // scan compares exactly, and names in the map are lower-case.
        debug_assert!(!name.bytes().any(|b| b.is_ascii_uppercase()), "header {name} is not lower-case");
        let (_, value) = self.request.headers().iter().find(|(sent, _)| sent.as_str() == name)?;
        std::str::from_utf8(value.as_bytes()).ok()
    }

    /// Each name once, with its first value, as [`header`](Signable::header)
    /// reads it: the map yields a name's values one after another, so a name
    /// equal to the one before it is a later value. A header whose first value
    /// is not UTF-8 (none that this crate sets) cannot be written into a
    /// canonical request, and is left out of it.
    fn headers(&self) -> impl Iterator<Item = (&str, &str)> {
        let mut previous: Option<&HeaderName> = None;
        let sent = self.request.headers().iter().filter_map(move |(name, value)| {
            let first = previous != Some(name);
            previous = Some(name);
            let value = std::str::from_utf8(value.as_bytes()).ok()?;
            (first && name != "host").then_some((name.as_str(), value))
        });
        sent.chain(std::iter::once(("host", self.host)))
    }

    fn body(&self) -> &[u8] {
        self.request.body().and_then(|body| body.as_bytes()).unwrap_or_default()
    }

    fn canonical_query(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.canonical_query)
    }
}

/// Signs `request` for its vendor at the current time, with a fresh nonce,
/// reading it in place and setting only the headers the signature adds. The
/// query is rewritten in canonical form when it differs, so the server sees
/// exactly what was signed.
pub fn sign(protocol: &Protocol, config: &ClientConfig, request: &mut reqwest::Request) {
    let Some(credentials) = config.configured_credentials() else { return };
    let view = InPlace::new(request);
    // Credentials were checked against the scheme when the client was created.
    let Some(headers) = signature_headers(protocol, config, credentials, &view) else { return };
    let canonical = view.canonical_query;
    // Rewriting the URL re-parses it: only when the encoding differs.
    if !canonical.is_empty() && request.url().query() != Some(canonical.as_str()) {
        request.url_mut().set_query(Some(&canonical));
    }
    let sent = request.headers_mut();
    for (name, value) in headers {
        if let Ok(value) = HeaderValue::try_from(value) {
            sent.insert(name, value);
        }
    }
}

/// The headers of `protocol`'s scheme that sign `request`; none when this
/// build cannot sign for it.
fn signature_headers(
    protocol: &Protocol,
    config: &ClientConfig,
    credentials: &Credentials,
    request: &InPlace<'_>,
) -> Option<SignatureHeaders> {
    #[allow(unused_imports)]
    use crate::Signing;
    match (protocol.signing, credentials) {
        #[cfg(feature = "alibaba")]
        (Signing::Acs3HmacSha256, Credentials::AccessKey(key)) => {
            let token = key.security_token.as_ref().map(|t| t.expose());
            let nonce = crate::signing::nonce();
            let now = std::time::SystemTime::now();
            Some(crate::signing::acs3::signature_headers(
                request,
                &config.signing_keys,
                &key.id,
                key.secret.expose(),
                token,
                now,
                &nonce,
            ))
        }
        #[cfg(feature = "tencent")]
        (Signing::Tc3HmacSha256, Credentials::AccessKey(key)) => {
            let token = key.security_token.as_ref().map(|t| t.expose());
            let now = std::time::SystemTime::now();
            let service = protocol.service;
            let (keys, secret) = (&config.signing_keys, key.secret.expose());
            Some(crate::signing::tc3::signature_headers(request, keys, &key.id, secret, token, service, now))
        }
        #[cfg(feature = "huawei")]
        (Signing::SdkHmacSha256, Credentials::AccessKey(key)) => {
            let token = key.security_token.as_ref().map(|t| t.expose());
            let now = std::time::SystemTime::now();
            Some(crate::signing::sdk_hmac::signature_headers(
                request,
                &config.signing_keys,
                &key.id,
                key.secret.expose(),
                token,
                now,
            ))
        }
        #[cfg(feature = "oracle")]
        (Signing::HttpBasic, Credentials::Basic { username, password }) => Some(vec![(
            reqwest::header::AUTHORIZATION,
            crate::signing::basic::basic(username, password.expose()),
        )]),
        #[cfg(feature = "oracle")]
        (Signing::HttpBasic, Credentials::Bearer(token)) => {
            Some(vec![(reqwest::header::AUTHORIZATION, crate::signing::basic::bearer(token.expose()))])
        }
        _ => {
            let _ = (config, request);
            None
        }
    }
}

/// A response read to its end, so it can be classified and then rebuilt.
struct Buffered {
    status: u16,
    version: http::Version,
    headers: reqwest::header::HeaderMap,
    body: bytes::Bytes,
}

/// An answer larger than the client's limit: the error the body of the
/// response handed to the generated code fails with, which
/// [`CloudError`](crate::CloudError) recognises.
#[derive(Debug)]
pub(crate) struct AnswerTooLarge {
    pub(crate) limit: usize,
}

impl std::fmt::Display for AnswerTooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the answer is larger than the client's limit of {} bytes (ClientConfig::answer_limit)",
            self.limit
        )
    }
}

impl std::error::Error for AnswerTooLarge {}

/// A body that fails at once with [`AnswerTooLarge`].
struct FailingBody(Option<AnswerTooLarge>);

impl http_body::Body for FailingBody {
    type Data = bytes::Bytes;
    type Error = AnswerTooLarge;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<bytes::Bytes>, AnswerTooLarge>>> {
        std::task::Poll::Ready(self.0.take().map(Err))
    }
}

/// A response with the status, version and headers given (its length left
/// to the new body), marked with the vendor's original status when it changed.
fn response(
    status: u16,
    version: http::Version,
    headers: &reqwest::header::HeaderMap,
    original_status: Option<u16>,
    body: reqwest::Body,
) -> reqwest::Response {
    let mut builder = http::Response::builder().status(status).version(version);
    for (name, value) in headers {
        if name != reqwest::header::CONTENT_LENGTH {
            builder = builder.header(name, value);
        }
    }
    if let Some(original) = original_status {
        builder = builder.header(ORIGINAL_STATUS_HEADER, original);
    }
    reqwest::Response::from(builder.body(body).expect("status and headers come from a valid response"))
}

/// The response the generated code gets for an answer over the limit: the
/// status and headers as they came, and a body that fails when read.
fn too_large(
    status: u16,
    version: http::Version,
    headers: &reqwest::header::HeaderMap,
    limit: usize,
) -> reqwest::Response {
    let body = reqwest::Body::wrap(FailingBody(Some(AnswerTooLarge { limit })));
    response(status, version, headers, None, body)
}

impl Buffered {
    /// Reads a whole answer of at most `limit` bytes; a longer one is
    /// returned as the response the generated code then fails to read.
    async fn read(
        mut response: reqwest::Response,
        limit: usize,
    ) -> reqwest::Result<Result<Self, reqwest::Response>> {
        let (status, version, headers) =
            (response.status().as_u16(), response.version(), response.headers().clone());
        let over = |length: usize| length > limit;
        if response.content_length().is_some_and(|length| usize::try_from(length).map_or(true, over)) {
            return Ok(Err(too_large(status, version, &headers, limit)));
        }
        let mut body = bytes::BytesMut::new();
        while let Some(chunk) = response.chunk().await? {
            if over(body.len().saturating_add(chunk.len())) {
                return Ok(Err(too_large(status, version, &headers, limit)));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Ok(Self { status, version, headers, body: body.freeze() }))
    }

    /// Rebuilds a response with another status or body, keeping the headers.
    fn rebuild(&self, status: u16, body: Vec<u8>, original_status: Option<u16>) -> reqwest::Response {
        response(status, self.version, &self.headers, original_status, body.into())
    }
}

/// Signs and sends a call of operation `operation_id` (as the spec or as
/// progenitor names it), retrying transient
/// failures under the client's [`RetryPolicy`](crate::RetryPolicy), each
/// attempt signed afresh; then presents the vendor's answer the way the
/// generated code can decode it.
///
/// None of these APIs takes an idempotency token, so a call that changes
/// state (`mutates`) is sent again only when the vendor certainly did not
/// act on it: the connection was never made, or the answer is a throttling
/// refusal, which the vendors document as rejected before processing. After
/// a timeout, a dropped connection or a server error it is not retried.
pub async fn execute(
    protocol: &Protocol,
    operation_id: &str,
    config: &ClientConfig,
    http: &reqwest::Client,
    request: reqwest::Request,
) -> reqwest::Result<reqwest::Response> {
    let operation = protocol.operation_named(operation_id);
    let mutates = operation.is_some_and(|op| op.mutates);
    let limit = operation.map(|op| (op.operation_id, op.rate_limit));
    let policy = config.retry_policy();
    let started = tokio::time::Instant::now();
    let mut retry: u32 = 0;
    loop {
        // Every attempt is a request the vendor counts, retries included.
        if let Some((id, documented)) = limit {
            config.rate_limits.acquire(protocol.service, id, documented).await;
        }
        // Bodies here are in-memory JSON, so a request can always be cloned;
        // should one not be, it is sent once.
        let Some(mut attempt) = request.try_clone() else {
            let mut request = request;
            sign(protocol, config, &mut request);
            let sent = tokio::time::Instant::now();
            let answer =
                match Buffered::read(http.execute(request).await?, config.configured_answer_limit()).await? {
                    Ok(answer) => answer,
                    Err(too_large) => return Ok(too_large),
                };
            observe(config, operation_id, 1, &answer, sent.elapsed());
            return Ok(present(protocol, &answer));
        };
        sign(protocol, config, &mut attempt);
        let attempt_number = retry.saturating_add(1);
        let last = attempt_number >= policy.max_attempts;
        // The URL as the trace shows it is written only for a trace.
        let shown_url = tracing::enabled!(tracing::Level::DEBUG).then(|| shown_url(attempt.url()));
        let method = attempt.method().clone();
        let sent = tokio::time::Instant::now();
        let outcome = match http.execute(attempt).await {
            // A success needs no second look, unless the vendor sends errors as
            // successes or someone observes the raw answers.
            // With a length within the limit, since the generated code reads it whole.
            Ok(response)
                if response.status().is_success()
                    && response.content_length().is_some_and(|length| {
                        usize::try_from(length).is_ok_and(|length| length <= config.configured_answer_limit())
                    })
                    && config.observer.is_none()
                    && !tracing::enabled!(tracing::Level::DEBUG)
                    && !vendor::rules(protocol.error_envelope).errors_in_successes() =>
            {
                return Ok(response);
            }
            Ok(response) => match Buffered::read(response, config.configured_answer_limit()).await {
                Ok(Ok(answer)) => Ok(answer),
                // Too large: not worth another attempt, and not to be read.
                Ok(Err(too_large)) => return Ok(too_large),
                Err(e) => Err(e),
            },
            Err(e) => Err(e),
        };
        match &outcome {
            Ok(answer) => {
                trace_attempt(
                    protocol,
                    operation_id,
                    &method,
                    shown_url.as_deref(),
                    attempt_number,
                    Ok(answer),
                    sent,
                );
                observe(config, operation_id, attempt_number, answer, sent.elapsed());
            }
            Err(e) => trace_attempt(
                protocol,
                operation_id,
                &method,
                shown_url.as_deref(),
                attempt_number,
                Err(e),
                sent,
            ),
        }
        let hint = match &outcome {
            Ok(answer)
                if mutates && !crate::answer::is_refused_before_processing(answer.status, &answer.body) =>
            {
                None
            }
            Ok(answer) if !crate::answer::is_transient_answer(answer.status, &answer.body) => None,
            Ok(answer) => Some(crate::answer::retry_after(&answer.headers)),
            // A read may always be sent again; a change only if it never left.
            Err(e) if mutates && !e.is_connect() => None,
            Err(_) => Some(None),
        };
        let wait = hint.map(|hint| hint.unwrap_or_default().max(policy.delay(retry)));
        match (outcome, wait) {
            (outcome, Some(wait))
                if !last && started.elapsed().checked_add(wait).is_some_and(|end| end <= policy.budget) =>
            {
                tracing::info!(
                    service = protocol.service,
                    attempt = attempt_number,
                    ?wait,
                    failure = %outcome.as_ref().map(|a| a.status.to_string()).unwrap_or_else(crate::answer::describe_transport),
                    "retrying a transient failure"
                );
                tokio::time::sleep(wait).await;
                retry = attempt_number;
            }
            (Ok(answer), _) => return Ok(present(protocol, &answer)),
            (Err(e), _) => return Err(e),
        }
    }
}

/// A URL as the trace shows it: without user information, query or fragment.
/// No scheme here puts a secret in the query, but the query can be long and
/// says nothing the operation name does not.
fn shown_url(url: &reqwest::Url) -> String {
    format!(
        "{}://{}{}",
        url.scheme(),
        url.host_str().unwrap_or_default(),
        url.port().map(|p| format!(":{p}")).unwrap_or_default()
    ) + url.path()
}

/// One line of trace per attempt: operation, method, URL, status or error,
/// duration, and the request id (from the headers or the body). Never a
/// header value that could be a secret.
fn trace_attempt(
    protocol: &Protocol,
    operation: &str,
    method: &reqwest::Method,
    url: Option<&str>,
    attempt: u32,
    outcome: Result<&Buffered, &reqwest::Error>,
    sent: tokio::time::Instant,
) {
    let (true, Some(url)) = (tracing::enabled!(tracing::Level::DEBUG), url) else { return };
    let elapsed_ms = sent.elapsed().as_millis() as u64;
    match outcome {
        Ok(answer) => {
            let request_id =
                vendor::request_id_from_headers(&answer.headers).map(str::to_owned).or_else(|| {
                    let pointer = vendor::rules(protocol.error_envelope).request_id_in_body()?;
                    let body: serde_json::Value = serde_json::from_slice(&answer.body).ok()?;
                    body.pointer(pointer)?.as_str().map(str::to_owned)
                });
            tracing::debug!(
                operation,
                %method,
                url,
                attempt,
                status = answer.status,
                elapsed_ms,
                request_id = request_id.as_deref().unwrap_or("-"),
                "answer"
            )
        }
        Err(error) => tracing::debug!(
            operation,
            %method,
            url,
            attempt,
            elapsed_ms,
            error = %crate::answer::describe_transport(error),
            "no answer"
        ),
    }
}

/// Hands an answer to the client's observer, if it has one.
fn observe(
    config: &ClientConfig,
    operation_id: &str,
    attempt: u32,
    answer: &Buffered,
    elapsed: std::time::Duration,
) {
    if let Some(observer) = &config.observer {
        observer(&crate::Answer {
            operation_id,
            attempt,
            status: answer.status,
            headers: &answer.headers,
            body: &answer.body,
            elapsed,
        });
    }
}

/// The answer as the generated code decodes it: as it came, unless the
/// vendor's shape differs from the spec's ([`VendorRules::present`](crate::vendor::VendorRules::present)).
fn present(protocol: &Protocol, answer: &Buffered) -> reqwest::Response {
    let rules = vendor::rules(protocol.error_envelope);
    if let Some(presented) = rules.present(answer.status, &answer.body) {
        return answer.rebuild(presented.status, presented.body, presented.original_status);
    }
    // An error answer in no shape of the vendor's (a gateway's HTML 502, an
    // empty 503) would fail to decode as the spec's error type, and the error
    // the generated code then returns keeps neither status nor headers. Handed
    // on under a status no spec documents, it becomes an unexpected response,
    // which keeps both, with the status the server sent beside them.
    let without_code = || {
        let body = serde_json::from_slice(&answer.body).unwrap_or(serde_json::Value::Null);
        rules.read_error(&body).and_then(|fields| fields.code).is_none()
    };
    if answer.status >= 400 && rules.documents_error_bodies() && without_code() {
        let mut presented = answer.rebuild(UNDOCUMENTED_STATUS, answer.body.to_vec(), Some(answer.status));
        // The error is made without reading the body again: its start, which
        // says what answered, travels escaped in a header.
        let text = String::from_utf8_lossy(&answer.body);
        let start: String = text.chars().take(200).flat_map(char::escape_default).collect();
        if let Ok(value) = HeaderValue::try_from(start) {
            presented.headers_mut().insert(crate::answer::BODY_START_HEADER, value);
        }
        return presented;
    }
    answer.rebuild(answer.status, answer.body.to_vec(), None)
}

/// The status under which an error answer in no shape of the vendor's is
/// handed to the generated code: valid for the HTTP types, and outside every
/// range a spec documents, so that it reaches the caller as
/// `UnexpectedResponse` with its headers. The real status travels in
/// [`ORIGINAL_STATUS_HEADER`].
const UNDOCUMENTED_STATUS: u16 = 999;

#[cfg(all(test, feature = "alibaba"))]
mod tests {
    use super::*;
    use crate::signing::{RequestParts, acs3};

    /// A request signed in place verifies as the same request read header by
    /// header, where a name sent twice is read at its first value and `host`
    /// comes from the URL, not from the header map.
    #[test]
    fn a_request_signed_in_place_verifies_with_the_values_a_lookup_reads() {
        let config = ClientConfig::new().credentials(crate::Credentials::access_key("id", "secret"));
        let protocol = Protocol::for_tests(
            crate::Vendor::Alibaba,
            "cloudsso",
            "2021-05-15",
            Style::Rpc,
            crate::Signing::Acs3HmacSha256,
        );
        let url = "https://cloudsso.cn-shanghai.aliyuncs.com/?TaskId=t-1&DirectoryId=d-1";
        let mut request = reqwest::Request::new(reqwest::Method::POST, url.parse().unwrap());
        let headers = request.headers_mut();
        headers.append("x-acs-action", HeaderValue::from_static("GetTaskStatus"));
        headers.append("x-acs-extra", HeaderValue::from_static("first"));
        headers.append("x-acs-extra", HeaderValue::from_static("second"));
        headers.append("host", HeaderValue::from_static("elsewhere.example"));
        // A first value that is not UTF-8 leaves its name out, as `header` finds no value for it.
        headers.append("x-acs-raw", HeaderValue::from_bytes(b"\xff").unwrap());
        headers.append("x-acs-raw", HeaderValue::from_static("text"));
        sign(&protocol, &config, &mut request);
        let authorization = request.headers()[reqwest::header::AUTHORIZATION].to_str().unwrap();
        assert!(
            authorization
                .contains(",SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-extra;"),
            "{authorization}"
        );

        let mut sent: Vec<(String, String)> =
            vec![("host".into(), "cloudsso.cn-shanghai.aliyuncs.com".into())];
        for (name, value) in request.headers() {
            if name != "host" && name != "x-acs-raw" {
                sent.push((name.as_str().into(), value.to_str().unwrap().into()));
            }
        }
        let target = format!("/?{}", request.url().query().unwrap());
        let parts = RequestParts::from_target("POST", &target, sent, Vec::new());
        assert_eq!(parts.header("x-acs-extra"), Some("first"));
        let secret = |id: &str| (id == "id").then(|| "secret".to_owned());
        assert_eq!(acs3::verify(&parts, &secret), Ok("id".to_owned()));
    }
}
