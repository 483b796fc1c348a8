//! `CloudError`: the one error type of every cloudjobs client, whatever the vendor.

use std::fmt;

use serde_json::Value;

/// The response header in which the runtime keeps the status the server really
/// sent, when it presents a Tencent HTTP-200 error as a 400 for decoding.
pub const ORIGINAL_STATUS_HEADER: &str = "x-cloudjobs-original-status";

/// What kind of failure a [`CloudError`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The vendor answered with an error (its code and message are set).
    Vendor,
    /// The request never got an answer: connection refused, reset, TLS.
    Transport,
    /// The connection or the whole request took longer than its timeout.
    Timeout,
    /// The answer could not be read: not JSON, truncated, or not the documented shape.
    InvalidResponse,
    /// The client is not set up to make the call: credentials, endpoint, TLS.
    Configuration,
    /// The call itself is incomplete or invalid (a required parameter is missing).
    InvalidRequest,
}

/// A failed call: what happened, and what the vendor said about it.
///
/// `Display` shows the vendor code, message and request id, which is what a
/// vendor's support asks for. No credential ever appears in it.
#[derive(Debug)]
pub struct CloudError {
    kind: ErrorKind,
    status: Option<u16>,
    code: Option<String>,
    message: String,
    request_id: Option<String>,
    retry_after: Option<std::time::Duration>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl CloudError {
    /// An error of `kind` with a message.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            status: None,
            code: None,
            message: message.into(),
            request_id: None,
            retry_after: None,
            source: None,
        }
    }

    /// A vendor error as its envelope describes it.
    pub fn vendor(
        status: u16,
        code: Option<String>,
        message: impl Into<String>,
        request_id: Option<String>,
    ) -> Self {
        Self { status: Some(status), code, request_id, ..Self::new(ErrorKind::Vendor, message) }
    }

    /// A client set-up problem.
    pub fn configuration(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Configuration, message)
    }

    /// The same error with a server's hint about when to retry.
    pub fn with_retry_after(mut self, wait: std::time::Duration) -> Self {
        self.retry_after = Some(wait);
        self
    }

    fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The HTTP status the server sent, if it answered.
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// The vendor's error code, e.g. `SignatureDoesNotMatch`.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }

    /// The vendor's message, or a description of what went wrong.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The vendor's request id, for support tickets.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// How long the server asked to wait before trying again (`Retry-After`,
    /// Alibaba's `x-acs-retry-after`), if it said.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        self.retry_after
    }

    /// Whether the same call could succeed if tried again: connection failures,
    /// timeouts, HTTP 429 and 5xx, and the vendors' throttling and transient codes.
    /// Signature, authentication, permission and validation errors never are.
    pub fn is_retryable(&self) -> bool {
        match self.kind {
            ErrorKind::Transport | ErrorKind::Timeout => true,
            ErrorKind::Vendor => is_transient_vendor_answer(self.status.unwrap_or(0), self.code.as_deref()),
            _ => false,
        }
    }
}

/// The one rule for whether a vendor's error answer is worth another attempt:
/// its code decides when it is a known transient or permanent one, else the
/// status does (429 and 5xx). Both `CloudError::is_retryable` and the retry
/// loop, which sees the raw answer, use it.
pub(crate) fn is_transient_vendor_answer(status: u16, code: Option<&str>) -> bool {
    match code {
        Some(code) if is_transient_code(code) => true,
        Some(code) if is_permanent_code(code) => false,
        _ => status == 429 || (500..600).contains(&status),
    }
}

/// Throttling and transient error codes from the vendors' error-code pages:
/// Alibaba Cloud `Throttling*`, `ServiceUnavailable`, `InternalError`; Tencent
/// Cloud `RequestLimitExceeded*`, `InternalError`, `ResourceUnavailable*`;
/// Huawei API Gateway `APIGW.0308` (request throttled).
fn is_transient_code(code: &str) -> bool {
    code.starts_with("Throttling")
        || code.starts_with("RequestLimitExceeded")
        || code.starts_with("InternalError")
        || code.starts_with("ServiceUnavailable")
        || code == "ResourceUnavailable"
        || code == "APIGW.0308"
}

/// Codes that name a caller mistake even when sent with a 5xx status.
fn is_permanent_code(code: &str) -> bool {
    code.starts_with("AuthFailure")
        || code.starts_with("SignatureDoesNotMatch")
        || code.starts_with("InvalidAccessKeyId")
        || code.starts_with("Forbidden")
        || code.starts_with("InvalidParameter")
        || code.starts_with("MissingParameter")
}

impl fmt::Display for CloudError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.code, self.kind) {
            (Some(code), _) => write!(f, "{code}: {}", self.message)?,
            (None, ErrorKind::Vendor) => write!(f, "{}", self.message)?,
            (None, kind) => write!(f, "{kind:?} error: {}", self.message)?,
        }
        let mut details = Vec::new();
        if let Some(status) = self.status {
            details.push(format!("HTTP {status}"));
        }
        if let Some(id) = &self.request_id {
            details.push(format!("request id {id}"));
        }
        if !details.is_empty() {
            write!(f, " ({})", details.join(", "))?;
        }
        Ok(())
    }
}

impl std::error::Error for CloudError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|s| s as &(dyn std::error::Error + 'static))
    }
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

fn header(headers: &reqwest::header::HeaderMap, name: &str) -> Option<String> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

fn text(value: &Value, pointer: &str) -> Option<String> {
    value.pointer(pointer).and_then(Value::as_str).map(str::to_owned)
}

/// Reads code, message and request id from any of the vendors' error bodies:
/// Alibaba `{Code, Message, RequestId}`, Tencent `{Error: {Code, Message}, RequestId}`
/// (inside or outside `Response`), Huawei `{error_code, error_msg, request_id}`.
pub fn parse_error_body(body: &Value) -> (Option<String>, Option<String>, Option<String>) {
    let inner = body.get("Response").unwrap_or(body);
    if inner.get("Error").is_some() {
        return (text(inner, "/Error/Code"), text(inner, "/Error/Message"), text(inner, "/RequestId"));
    }
    if body.get("error_code").is_some() || body.get("error_msg").is_some() {
        return (text(body, "/error_code"), text(body, "/error_msg"), text(body, "/request_id"));
    }
    (text(body, "/Code"), text(body, "/Message"), text(body, "/RequestId"))
}

/// The request id a response carries in its headers (Huawei sends only this one).
fn request_id_header(headers: &reqwest::header::HeaderMap) -> Option<String> {
    header(headers, "x-request-id").or_else(|| header(headers, "x-acs-request-id"))
}

impl<E: serde::Serialize> From<progenitor_client::Error<E>> for CloudError {
    fn from(error: progenitor_client::Error<E>) -> Self {
        use progenitor_client::Error as P;
        match error {
            P::InvalidRequest(message) => Self::new(ErrorKind::InvalidRequest, message),
            P::Custom(message) => Self::configuration(message),
            P::CommunicationError(e) | P::InvalidUpgrade(e) | P::ResponseBodyError(e) => {
                let kind = if e.is_timeout() { ErrorKind::Timeout } else { ErrorKind::Transport };
                Self::new(kind, e.to_string()).with_source(e)
            }
            P::InvalidResponsePayload(body, e) => Self::new(
                ErrorKind::InvalidResponse,
                format!("the response is not the documented JSON ({e}); it begins {:?}", excerpt(&body, 200)),
            )
            .with_source(e),
            P::ErrorResponse(response) => {
                let retry_after = crate::retry::retry_after(response.headers());
                let status = header(response.headers(), ORIGINAL_STATUS_HEADER)
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(response.status().as_u16());
                let header_id = request_id_header(response.headers());
                let body = serde_json::to_value(response.into_inner()).unwrap_or(Value::Null);
                let (code, message, request_id) = parse_error_body(&body);
                let message = message.unwrap_or_else(|| {
                    let reason =
                        reqwest::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason());
                    format!("{} without an error body", reason.unwrap_or("error"))
                });
                Self { retry_after, ..Self::vendor(status, code, message, request_id.or(header_id)) }
            }
            P::UnexpectedResponse(response) => {
                let retry_after = crate::retry::retry_after(response.headers());
                let status = response.status();
                let request_id = request_id_header(response.headers());
                if status.is_success() {
                    Self::new(ErrorKind::InvalidResponse, format!("undocumented success status {status}"))
                } else {
                    let message = format!("HTTP {status} with an undocumented body");
                    Self { retry_after, ..Self::vendor(status.as_u16(), None, message, request_id) }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn display_shows_code_message_and_request_id() {
        let error = CloudError::vendor(400, Some("Code.X".into()), "It failed.", Some("req-1".into()));
        assert_eq!(error.to_string(), "Code.X: It failed. (HTTP 400, request id req-1)");
        let transport = CloudError::new(ErrorKind::Transport, "connection refused");
        assert_eq!(transport.to_string(), "Transport error: connection refused");
    }

    #[test]
    fn each_vendor_envelope_is_read() {
        let alibaba = json!({"Code": "Throttling.User", "Message": "m", "RequestId": "r"});
        assert_eq!(
            parse_error_body(&alibaba),
            (Some("Throttling.User".into()), Some("m".into()), Some("r".into()))
        );
        let tencent = json!({"Response": {"Error": {"Code": "AuthFailure.SignatureFailure", "Message": "m"}, "RequestId": "r"}});
        assert_eq!(parse_error_body(&tencent).0.as_deref(), Some("AuthFailure.SignatureFailure"));
        let unwrapped = json!({"Error": {"Code": "C", "Message": "m"}, "RequestId": "r"});
        assert_eq!(parse_error_body(&unwrapped).2.as_deref(), Some("r"));
        let huawei = json!({"error_code": "APIGW.0301", "error_msg": "m", "request_id": "r"});
        assert_eq!(parse_error_body(&huawei).0.as_deref(), Some("APIGW.0301"));
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
