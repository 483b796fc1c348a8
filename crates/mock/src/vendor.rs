//! What each vendor's server says when it refuses a request: status, error
//! code, message and envelope, and how it hints at throttling.

use cloudjobs_core::Vendor;
use serde_json::json;

/// An answer to send, or a connection to drop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Answer {
    /// Send this response.
    Respond { status: u16, headers: Vec<(String, String)>, body: Vec<u8> },
    /// Close the connection without a response.
    Drop,
}

/// Why the emulator refuses a request, in vendor-neutral terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// No operation matches the action or path.
    UnknownOperation(String),
    /// There is no usable `Authorization`.
    MalformedAuthorization(String),
    /// The key id (or user) is not the emulator's.
    UnknownKey(String),
    /// The signature (or password) is wrong.
    BadSignature(String),
    /// The signing time is outside the vendor's window.
    Expired(String),
    /// A signature nonce came twice (Alibaba).
    NonceReused,
    /// A required parameter is missing.
    MissingParameter(String),
    /// A parameter has the wrong type.
    InvalidParameter(String, String),
    /// Scripted throttling, retry after this many seconds.
    Throttled(u64),
    /// A scripted HTTP error.
    Http(u16),
}

/// A fresh request id in the 8-4-4-4-12 hex form the vendors use.
pub(crate) fn request_id() -> String {
    let mut bytes = [0u8; 16];
    let _ = getrandom::fill(&mut bytes);
    let hex = hex::encode_upper(bytes);
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

fn json_answer(status: u16, headers: Vec<(String, String)>, body: serde_json::Value) -> Answer {
    let mut headers = headers;
    headers.push(("content-type".into(), "application/json".into()));
    Answer::Respond { status, headers, body: body.to_string().into_bytes() }
}

/// The vendor's answer to a refusal, in its own envelope and codes.
pub(crate) fn refuse(vendor: Vendor, refusal: &Refusal) -> Answer {
    match vendor {
        Vendor::Alibaba => alibaba(refusal),
        Vendor::Tencent => tencent(refusal),
        Vendor::Huawei => huawei(refusal),
        Vendor::Oracle => oracle(refusal),
    }
}

/// Alibaba Cloud: HTTP 4xx/5xx with `{RequestId, HostId, Code, Message, Recommend}`.
fn alibaba(refusal: &Refusal) -> Answer {
    let (status, code, message, mut headers) = match refusal {
        Refusal::UnknownOperation(what) => (
            404,
            "InvalidAction.NotFound".to_owned(),
            format!("Specified api is not found, please check your url and method. ({what})"),
            vec![],
        ),
        Refusal::MalformedAuthorization(why) => (
            400,
            "IncompleteSignature".into(),
            format!("The request signature does not conform to Aliyun standards. {why}"),
            vec![],
        ),
        Refusal::UnknownKey(_) => {
            (404, "InvalidAccessKeyId.NotFound".into(), "Specified access key is not found.".into(), vec![])
        }
        Refusal::BadSignature(string_to_sign) => (
            400,
            "SignatureDoesNotMatch".into(),
            format!(
                "Specified signature is not matched with our calculation. server string to sign is:{string_to_sign}"
            ),
            vec![],
        ),
        Refusal::Expired(_) => (
            400,
            "InvalidTimeStamp.Expired".into(),
            "Specified time stamp or date value is expired.".into(),
            vec![],
        ),
        Refusal::NonceReused => {
            (400, "SignatureNonceUsed".into(), "Specified signature nonce was used already.".into(), vec![])
        }
        Refusal::MissingParameter(name) => {
            (400, format!("Missing{name}"), format!("{name} is mandatory for this action."), vec![])
        }
        Refusal::InvalidParameter(name, why) => (
            400,
            format!("InvalidParameter.{name}"),
            format!("The specified parameter {name} is not valid: {why}"),
            vec![],
        ),
        // alibabacloud-tea-openapi reads `x-acs-retry-after` as milliseconds.
        Refusal::Throttled(seconds) => (
            400,
            "Throttling.User".into(),
            "Request was denied due to user flow control.".into(),
            vec![("x-acs-retry-after".to_owned(), (seconds * 1000).to_string())],
        ),
        Refusal::Http(503) => (
            503,
            "ServiceUnavailable".into(),
            "The request has failed due to a temporary failure of the server.".into(),
            vec![],
        ),
        Refusal::Http(status) => (
            *status,
            "InternalError".into(),
            "The request processing has failed due to some unknown error, exception or failure.".into(),
            vec![],
        ),
    };
    headers.push(("x-acs-request-id".into(), request_id()));
    let body = json!({
        "RequestId": headers.last().map(|(_, v)| v.clone()),
        "HostId": "cloudjobs-mock",
        "Code": code,
        "Message": message,
        "Recommend": format!("https://api.aliyun.com/troubleshoot?q={code}"),
    });
    json_answer(status, headers, body)
}

/// Tencent Cloud: HTTP 200 with `{"Response": {"Error": {Code, Message}, RequestId}}`,
/// except scripted HTTP errors, which keep their status.
fn tencent(refusal: &Refusal) -> Answer {
    let (status, code, message) = match refusal {
        Refusal::UnknownOperation(what) => (200, "InvalidAction".to_owned(), format!("The API does not exist: {what}")),
        Refusal::MalformedAuthorization(why) => (200, "AuthFailure.InvalidAuthorization".into(), format!("The Authorization header is invalid: {why}")),
        Refusal::UnknownKey(_) => (
            200,
            "AuthFailure.SecretIdNotFound".into(),
            "The SecretId is not found, please ensure that your SecretId is correct.".into(),
        ),
        Refusal::BadSignature(_) => (
            200,
            "AuthFailure.SignatureFailure".into(),
            "The provided credentials could not be validated. Please check your signature is correct.".into(),
        ),
        Refusal::Expired(why) => (200, "AuthFailure.SignatureExpire".into(), format!("Signature expired. {why}")),
        Refusal::NonceReused => (200, "AuthFailure.SignatureFailure".into(), "The signature was used already.".into()),
        Refusal::MissingParameter(name) => {
            (200, "MissingParameter".into(), format!("The request is missing a required parameter `{name}`."))
        }
        Refusal::InvalidParameter(name, why) => {
            (200, "InvalidParameter".into(), format!("The parameter `{name}` is not valid: {why}"))
        }
        Refusal::Throttled(_) => (
            200,
            "RequestLimitExceeded".into(),
            "Your current request times exceed the frequency limit for a second. Please reduce the frequency of calls.".into(),
        ),
        Refusal::Http(status) => (
            *status,
            "InternalError".into(),
            "An internal error has occurred. Retry your request, but if the problem persists, contact us.".into(),
        ),
    };
    let body = json!({"Response": {"Error": {"Code": code, "Message": message}, "RequestId": request_id().to_lowercase()}});
    json_answer(status, vec![], body)
}

/// Huawei Cloud: HTTP 4xx/5xx with `{error_code, error_msg, request_id}`; the API
/// gateway's own codes (`APIGW.*`) for routing, authentication and throttling.
fn huawei(refusal: &Refusal) -> Answer {
    let (status, code, message, mut headers) = match refusal {
        Refusal::UnknownOperation(what) => (
            404,
            "APIGW.0101",
            format!("The API does not exist or has not been published in the environment: {what}"),
            vec![],
        ),
        Refusal::MalformedAuthorization(why) | Refusal::UnknownKey(why) | Refusal::Expired(why) => {
            (401, "APIGW.0301", format!("Incorrect IAM authentication information: {why}"), vec![])
        }
        Refusal::BadSignature(_) | Refusal::NonceReused => (
            401,
            "APIGW.0301",
            "Incorrect IAM authentication information: verify aksk signature fail".into(),
            vec![],
        ),
        Refusal::MissingParameter(name) => {
            (400, "IIC.InvalidParameter", format!("missing parameter {name}"), vec![])
        }
        Refusal::InvalidParameter(name, why) => {
            (400, "IIC.InvalidParameter", format!("invalid parameter {name}: {why}"), vec![])
        }
        Refusal::Throttled(seconds) => (
            429,
            "APIGW.0308",
            "The throttling threshold has been reached.".into(),
            vec![("retry-after".to_owned(), seconds.to_string())],
        ),
        Refusal::Http(status) => (*status, "IIC.InternalError", "Internal server error.".into(), vec![]),
    };
    let id = request_id().to_lowercase().replace('-', "");
    headers.push(("x-request-id".into(), id.clone()));
    json_answer(status, headers, json!({"error_code": code, "error_msg": message, "request_id": id}))
}

/// Oracle Primavera: plain statuses without a documented body.
fn oracle(refusal: &Refusal) -> Answer {
    let (status, headers) = match refusal {
        Refusal::UnknownOperation(_) => (404, vec![]),
        Refusal::MalformedAuthorization(_)
        | Refusal::UnknownKey(_)
        | Refusal::BadSignature(_)
        | Refusal::Expired(_)
        | Refusal::NonceReused => {
            (401, vec![("www-authenticate".to_owned(), "Basic realm=\"Primavera\"".to_owned())])
        }
        Refusal::MissingParameter(_) | Refusal::InvalidParameter(..) => (400, vec![]),
        Refusal::Throttled(seconds) => (429, vec![("retry-after".to_owned(), seconds.to_string())]),
        Refusal::Http(status) => (*status, vec![]),
    };
    Answer::Respond { status, headers, body: Vec::new() }
}
