//! Reading a server's answer the same way for every vendor: the
//! [`CloudError`] an error becomes, whether it is worth another attempt, and
//! how long the server asked to wait. Each vendor's shapes come from
//! [`crate::vendor`].

use std::time::Duration;

use reqwest::header::HeaderMap;
use serde_json::Value;

use crate::vendor::{
    is_throttling_code, is_transient_answer as transient, read_any_error, request_id_from_headers,
    retry_hint_from_headers,
};
use crate::{CloudError, ErrorKind, Operation, Protocol};

/// The response header in which the runtime keeps the status the server really
/// sent, when it presents an error sent with HTTP 200 (Tencent) as a 400 for decoding.
pub const ORIGINAL_STATUS_HEADER: &str = "x-cloudjobs-original-status";

/// The response header in which the runtime keeps, escaped, the first 200
/// characters of an error answer in no shape of the vendor's, for the error's message.
pub(crate) const BODY_START_HEADER: &str = "x-cloudjobs-body-start";

/// How long the server asked the client to wait: `Retry-After` (seconds) or
/// a vendor's own hint (see each vendor's `retry_hint`).
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    retry_hint_from_headers(headers)
}

/// Whether an answer is worth another attempt: HTTP 429 and 5xx, and the
/// vendors' throttling and transient codes whatever the status (Tencent sends
/// them with 200), but never signature, permission or validation errors.
pub fn is_transient_answer(status: u16, body: &[u8]) -> bool {
    let code = serde_json::from_slice::<Value>(body).ok().and_then(|body| read_any_error(&body).code);
    transient(status, code.as_deref())
}

/// Whether an answer says the vendor refused the call before processing it:
/// HTTP 429 or a documented throttling code. Only such a refusal lets a call
/// that changes state be sent again.
pub fn is_refused_before_processing(status: u16, body: &[u8]) -> bool {
    let code = serde_json::from_slice::<Value>(body).ok().and_then(|body| read_any_error(&body).code);
    status == 429 || code.is_some_and(|code| is_throttling_code(&code))
}

impl CloudError {
    /// For a call that changes state: whether the vendor may have acted on it
    /// although it failed. A timeout, a connection lost after the request left,
    /// and a server error leave that open; a connection never made, a
    /// throttling refusal and a client error do not.
    pub fn may_have_been_applied(&self) -> bool {
        match self.kind {
            ErrorKind::Timeout => true,
            ErrorKind::Transport => !self.connect_failed,
            // A server error, however the vendor sends it (Tencent's InternalError comes
            // with HTTP 200), but not a throttling refusal.
            ErrorKind::Vendor => {
                let status = self.status.unwrap_or(0);
                status != 429
                    && transient(status, self.code.as_deref())
                    && !self.code.as_deref().is_some_and(is_throttling_code)
            }
            _ => false,
        }
    }

    /// Whether the endpoint could not be reached at all: no connection was
    /// made (refused, DNS, TLS, connect timeout). A waiter gives up on such an
    /// endpoint once the client's own retries have.
    pub fn is_unreachable(&self) -> bool {
        matches!(self.kind, ErrorKind::Transport | ErrorKind::Timeout) && self.connect_failed
    }

    /// Whether the same call could succeed if tried again: connection failures,
    /// timeouts, HTTP 429 and 5xx, and the vendors' throttling and transient codes.
    /// Signature, authentication, permission and validation errors never are.
    pub fn is_retryable(&self) -> bool {
        match self.kind {
            ErrorKind::Transport | ErrorKind::Timeout => true,
            ErrorKind::Vendor => transient(self.status.unwrap_or(0), self.code.as_deref()),
            _ => false,
        }
    }
}

/// What the job-status responses say beyond their body.
pub trait ResponseExt {
    /// Whether the server answered 202 Accepted: the job is still running.
    fn is_still_running(&self) -> bool;
    /// The `Location` header: where to poll next (Oracle's 202).
    fn location(&self) -> Option<&str>;
    /// The request id from the headers (where the vendor sends one there).
    fn request_id_header(&self) -> Option<&str>;
}

impl<T> ResponseExt for progenitor_client::ResponseValue<T> {
    fn is_still_running(&self) -> bool {
        self.status() == reqwest::StatusCode::ACCEPTED
    }

    fn location(&self) -> Option<&str> {
        self.headers().get(reqwest::header::LOCATION).and_then(|v| v.to_str().ok())
    }

    fn request_id_header(&self) -> Option<&str> {
        request_id_from_headers(self.headers())
    }
}

/// The outcome of a call made by name, as the `cloudjobs` command prints it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct CallOutput {
    /// The HTTP status (Oracle: 202 while the job runs, 200 when done).
    pub status: u16,
    /// The `Location` header, where Oracle says to poll next.
    pub location: Option<String>,
    /// The request id from the headers, where the vendor sends it there.
    pub request_id: Option<String>,
    /// The typed response body, encoded again as JSON.
    pub body: serde_json::Value,
}

impl CallOutput {
    /// The outcome of a call by name whose answer is a file rather than JSON
    /// (Oracle's job log): the file's text becomes the body, as one JSON
    /// string (bytes that are not UTF-8 are replaced). The client's answer limit
    /// ([`ClientConfig::answer_limit`](crate::ClientConfig::answer_limit)) bounds it, as every answer.
    pub async fn from_file_call<E: serde::Serialize>(
        protocol: &Protocol,
        operation: &Operation,
        outcome: Result<
            progenitor_client::ResponseValue<progenitor_client::ByteStream>,
            progenitor_client::Error<E>,
        >,
    ) -> Result<Self, CloudError> {
        use futures_util::StreamExt;
        let response = match outcome {
            Ok(response) => response,
            Err(error) => return Self::from_call::<(), E>(protocol, operation, Err(error)),
        };
        let status = response.status().as_u16();
        let location = response.location().map(str::to_owned);
        let request_id = response.request_id_header().map(str::to_owned);
        let mut stream = response.into_inner().into_inner();
        let mut bytes = Vec::new();
        while let Some(chunk) = stream.next().await {
            // A body over the limit fails here, as the hook made it; read like any body error.
            let chunk =
                chunk.map_err(|e| CloudError::from(progenitor_client::Error::<()>::ResponseBodyError(e)))?;
            bytes.extend_from_slice(&chunk);
        }
        let body = Value::String(String::from_utf8_lossy(&bytes).into_owned());
        Ok(Self { status, location, request_id, body })
    }

    /// The outcome of a call of `operation` made by name. A failed call that
    /// changes state and may have been applied says so, naming the
    /// operations that list what the API did, since sending it again blindly
    /// could apply it twice.
    pub fn from_call<T: serde::Serialize, E: serde::Serialize>(
        protocol: &Protocol,
        operation: &Operation,
        outcome: Result<progenitor_client::ResponseValue<T>, progenitor_client::Error<E>>,
    ) -> Result<Self, CloudError> {
        match outcome {
            Ok(response) => Self::from_response(response),
            Err(error) => {
                let mut error = CloudError::from(error);
                if operation.mutates && error.may_have_been_applied() {
                    let lists: Vec<&str> = protocol
                        .operations
                        .iter()
                        .filter(|op| op.list.is_some())
                        .map(|op| op.command)
                        .collect();
                    let check = match lists.as_slice() {
                        [] => String::from("check the resource's state"),
                        lists => format!("check with {}", lists.join(" or ")),
                    };
                    error.message = format!(
                        "{}; {} may have been applied: {check} before sending it again",
                        error.message, operation.operation_id
                    );
                }
                Err(error)
            }
        }
    }

    /// Takes status, `Location`, request id and body from a typed response.
    pub fn from_response<T: serde::Serialize>(
        response: progenitor_client::ResponseValue<T>,
    ) -> Result<Self, CloudError> {
        let status = response.status().as_u16();
        let location = response.location().map(str::to_owned);
        let request_id = response.request_id_header().map(str::to_owned);
        let body = serde_json::to_value(response.into_inner()).map_err(|e| {
            CloudError::new(ErrorKind::InvalidResponse, format!("cannot encode the response: {e}"))
        })?;
        Ok(Self { status, location, request_id, body })
    }
}

/// The longest transport error message: a cause is a line, not a page.
const TRANSPORT_MESSAGE_LIMIT: usize = 300;

/// What went wrong on the way, with every cause in the chain (connection
/// refused, the DNS failure, the TLS alert), without the request's URL, which
/// the caller knows and which can be very long.
pub(crate) fn transport_message(error: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![error.to_string()];
    let mut source = error.source();
    while let Some(cause) = source {
        // The TLS library's own words ("received corrupt message", "wrong
        // version number") do not say TLS.
        let text = match tls_error(cause) {
            Some(tls) => format!("TLS handshake failed ({tls}; is it an https:// endpoint?)"),
            None => cause.to_string(),
        };
        if !parts.iter().any(|part| part.contains(&text)) {
            parts.push(text);
        }
        source = cause.source();
    }
    excerpt(parts.join(": ").as_bytes(), TRANSPORT_MESSAGE_LIMIT)
}

/// The answer-limit error in a body error's causes, if it is one.
fn too_large(error: &reqwest::Error) -> Option<&crate::hooks::AnswerTooLarge> {
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        if let Some(found) = cause.downcast_ref::<crate::hooks::AnswerTooLarge>() {
            return Some(found);
        }
        source = cause.source();
    }
    None
}

/// What the TLS library says, if a cause is its error (rustls's, or the
/// system TLS's through `native-tls`). rustls's reaches here inside
/// `io::Error`s (one in another), whose `source` skips what they wrap;
/// native-tls's comes as a cause of its own.
#[cfg(any(feature = "rustls-ring", feature = "native-tls"))]
fn tls_error(mut cause: &(dyn std::error::Error + 'static)) -> Option<String> {
    loop {
        #[cfg(feature = "rustls-ring")]
        if let Some(tls) = cause.downcast_ref::<rustls::Error>() {
            return Some(tls.to_string());
        }
        #[cfg(feature = "native-tls")]
        if let Some(tls) = cause.downcast_ref::<native_tls::Error>() {
            return Some(tls.to_string());
        }
        cause = cause.downcast_ref::<std::io::Error>()?.get_ref()?;
    }
}

/// Without a TLS library, no error is a TLS failure.
#[cfg(not(any(feature = "rustls-ring", feature = "native-tls")))]
fn tls_error(_: &(dyn std::error::Error + 'static)) -> Option<String> {
    None
}

/// A transport error as a line without its URL, for traces: what failed,
/// then every cause.
pub(crate) fn describe_transport(error: &reqwest::Error) -> String {
    let what = if error.is_connect() {
        "cannot connect"
    } else if error.is_timeout() {
        "timed out"
    } else if error.is_body() || error.is_decode() {
        "reading the answer failed"
    } else {
        "sending failed"
    };
    match std::error::Error::source(error) {
        Some(cause) => format!("{what}: {}", transport_message(cause)),
        None => what.to_owned(),
    }
}

/// A URL as it may be shown: any `user:password@` before the host is
/// replaced by `***@`. Works on text that does not parse as a URL too, since
/// that is when an error message shows it.
pub fn without_userinfo(url: &str) -> String {
    let (scheme, rest) = match url.split_once("://") {
        Some((scheme, rest)) => (format!("{scheme}://"), rest),
        None => (String::new(), url),
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    match authority.rsplit_once('@') {
        Some((_, host)) => {
            let after_authority = rest.get(authority.len()..).unwrap_or_default();
            format!("{scheme}***@{host}{after_authority}")
        }
        None => url.to_owned(),
    }
}

/// The status the server sent: the one the answer carries, unless the
/// client handed it on under another ([`ORIGINAL_STATUS_HEADER`]).
fn sent_status(headers: &HeaderMap, status: reqwest::StatusCode) -> u16 {
    let original = headers.get(ORIGINAL_STATUS_HEADER).and_then(|v| v.to_str().ok());
    original.and_then(|s| s.parse().ok()).unwrap_or(status.as_u16())
}

/// The first `limit` characters of a body, for messages about bodies we could not read.
fn excerpt(body: &[u8], limit: usize) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text.chars().take(limit).collect();
    if text.chars().count() > limit {
        out.push('…');
    }
    out
}

impl<E: serde::Serialize> From<progenitor_client::Error<E>> for CloudError {
    fn from(error: progenitor_client::Error<E>) -> Self {
        use progenitor_client::Error as P;
        match error {
            P::InvalidRequest(message) => Self::new(ErrorKind::InvalidRequest, message),
            P::Custom(message) => Self::configuration(message),
            P::ResponseBodyError(e) if too_large(&e).is_some() => {
                let message = too_large(&e).map(ToString::to_string).unwrap_or_default();
                Self::new(ErrorKind::InvalidResponse, message)
            }
            P::CommunicationError(e) | P::InvalidUpgrade(e) | P::ResponseBodyError(e) => {
                let kind = if e.is_timeout() { ErrorKind::Timeout } else { ErrorKind::Transport };
                let connect_failed = e.is_connect();
                let e = e.without_url();
                Self { connect_failed, ..Self::new(kind, transport_message(&e)).with_source(e) }
            }
            P::InvalidResponsePayload(body, e) => Self::new(
                ErrorKind::InvalidResponse,
                format!("the response is not the documented JSON ({e}); it begins {:?}", excerpt(&body, 200)),
            )
            .with_source(e),
            P::ErrorResponse(response) => {
                let retry_after = retry_after(response.headers());
                let status = sent_status(response.headers(), response.status());
                let header_id = request_id_from_headers(response.headers()).map(str::to_owned);
                let body = serde_json::to_value(response.into_inner()).unwrap_or(Value::Null);
                let fields = read_any_error(&body);
                let message = fields.message.unwrap_or_else(|| {
                    let reason =
                        reqwest::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason());
                    format!("{} without an error body", reason.unwrap_or("error"))
                });
                Self {
                    retry_after,
                    ..Self::vendor(status, fields.code, message, fields.request_id.or(header_id))
                }
            }
            P::UnexpectedResponse(response) => {
                let retry_after = retry_after(response.headers());
                let status = sent_status(response.headers(), response.status());
                let shown =
                    reqwest::StatusCode::from_u16(status).map_or(status.to_string(), |s| s.to_string());
                let request_id = request_id_from_headers(response.headers()).map(str::to_owned);
                if (200..300).contains(&status) {
                    Self::new(ErrorKind::InvalidResponse, format!("undocumented success status {shown}"))
                } else {
                    let start = response.headers().get(BODY_START_HEADER).and_then(|v| v.to_str().ok());
                    let message = match start {
                        Some(start) if !start.is_empty() => {
                            format!("HTTP {shown} with an undocumented body, which begins \"{start}\"")
                        }
                        _ => format!("HTTP {shown} with an undocumented body"),
                    };
                    Self { retry_after, ..Self::vendor(status, None, message, request_id) }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_errors_may_have_been_applied_and_refusals_not() {
        let vendor = |status, code: &str| CloudError::vendor(status, Some(code.to_owned()), "m", None);
        assert!(vendor(500, "InternalError").may_have_been_applied());
        assert!(
            vendor(200, "InternalError").may_have_been_applied(),
            "Tencent's server errors come with 200"
        );
        assert!(CloudError::vendor(502, None, "bad gateway", None).may_have_been_applied());
        assert!(CloudError::new(ErrorKind::Timeout, "t").may_have_been_applied());
        assert_eq!(without_userinfo("https://u:p@host:1/x@y"), "https://***@host:1/x@y");
        assert_eq!(without_userinfo("u:p@host"), "***@host");
        assert_eq!(without_userinfo("http://host/a"), "http://host/a");
        assert!(!vendor(400, "Throttling.User").may_have_been_applied());
        assert!(!vendor(200, "RequestLimitExceeded").may_have_been_applied());
        assert!(!CloudError::vendor(429, None, "slow down", None).may_have_been_applied());
        assert!(!vendor(400, "InvalidParameter.TaskId").may_have_been_applied());
        let refused = CloudError { connect_failed: true, ..CloudError::new(ErrorKind::Transport, "refused") };
        assert!(!refused.may_have_been_applied(), "a connection never made carried nothing");
    }

    #[test]
    fn retryable_means_transient() {
        let vendor = |status, code: &str| CloudError::vendor(status, Some(code.to_owned()), "m", None);
        assert!(vendor(400, "Throttling.User").is_retryable());
        assert!(vendor(200, "RequestLimitExceeded").is_retryable());
        assert!(vendor(503, "ServiceUnavailable").is_retryable());
        assert!(CloudError::vendor(502, None, "bad gateway", None).is_retryable());
        assert!(!vendor(400, "SignatureDoesNotMatch").is_retryable());
        assert!(!vendor(200, "AuthFailure.SignatureFailure").is_retryable());
        assert!(!vendor(500, "InvalidParameter.TaskId").is_retryable());
        assert!(!vendor(404, "ResourceNotFound.UserProvisioningTaskNotFound").is_retryable());
        assert!(CloudError::new(ErrorKind::Timeout, "t").is_retryable());
        assert!(!CloudError::configuration("no credentials").is_retryable());
    }
}
#[cfg(all(test, any(feature = "rustls-ring", feature = "native-tls")))]
mod transport_tests {
    /// TLS spoken to a server that answers in plain HTTP says so, whichever
    /// TLS library reqwest uses.
    #[tokio::test]
    async fn a_tls_failure_says_tls() {
        #[cfg(feature = "rustls-ring")]
        let _ = rustls::crypto::ring::default_provider().install_default();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            use std::io::Write;
            let (mut stream, _) = listener.accept().unwrap();
            let _ = stream.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n");
        });
        let error =
            reqwest::Client::new().get(format!("https://127.0.0.1:{port}/")).send().await.unwrap_err();
        let message = super::transport_message(&error.without_url());
        assert!(message.contains("TLS handshake failed"), "{message}");
    }
}
