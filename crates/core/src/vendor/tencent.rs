//! Tencent Cloud (Organization): RPC actions in `X-TC-*` headers, every
//! answer inside `{"Response": ...}` with errors sent as HTTP 200, and the
//! `TENCENTCLOUD_*` credentials. See `docs/protocols.md`.

use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};

use super::{
    CredentialVariable, ErrorFields, Presented, Refusal, RpcHeaders, ServerAnswer, VendorRules, ini_section,
    ini_value, request_id, set_header as set, text, variable_pair,
};
use crate::{CloudError, Credentials, Operation, Protocol, Vendor};

pub(super) struct Tencent;

/// The key of the envelope around every answer.
const ENVELOPE: &str = "Response";

const VARIABLES: &[CredentialVariable] = &[
    CredentialVariable { name: "TENCENTCLOUD_SECRET_ID", holds: "SecretId" },
    CredentialVariable { name: "TENCENTCLOUD_SECRET_KEY", holds: "SecretKey" },
];

/// `{"Response": body}`.
fn enveloped(body: Value) -> Value {
    Value::Object(std::iter::once((ENVELOPE.to_owned(), body)).collect())
}

impl VendorRules for Tencent {
    fn vendor(&self) -> Vendor {
        Vendor::Tencent
    }

    fn rpc_headers(&self) -> Option<RpcHeaders> {
        Some(RpcHeaders { action: "x-tc-action", version: "x-tc-version" })
    }

    /// A JSON body, English messages (the SDK's default is Chinese, and
    /// errors should read the same for every user) and the region header.
    fn prepare(
        &self,
        _protocol: &Protocol,
        _operation: &Operation,
        region: Option<&str>,
        _credentials: &Credentials,
        request: &mut reqwest::Request,
    ) -> Result<(), String> {
        set(request, "content-type", "application/json")?;
        set(request, "x-tc-language", "en-US")?;
        if let Some(region) = region {
            set(request, "x-tc-region", region)?;
        }
        Ok(())
    }

    fn errors_in_successes(&self) -> bool {
        true
    }

    /// The envelope is removed, and a `Response.Error` becomes HTTP 400 (the
    /// status the specs declare for it), with the real status kept aside.
    /// A body that is not the envelope is handed on untouched, so that
    /// decoding reports it.
    fn present(&self, status: u16, body: &[u8]) -> Option<Presented> {
        let inner = serde_json::from_slice::<Value>(body)
            .ok()
            .and_then(|mut value| value.get_mut(ENVELOPE).map(Value::take))?;
        let unwrapped = serde_json::to_vec(&inner).expect("a JSON value always serializes");
        Some(if inner.get("Error").is_some() {
            Presented { status: 400, body: unwrapped, original_status: Some(status) }
        } else {
            Presented { status, body: unwrapped, original_status: None }
        })
    }

    /// `{Error: {Code, Message}, RequestId}`, inside the envelope or outside it.
    fn read_error(&self, body: &Value) -> Option<ErrorFields> {
        let inner = body.get(ENVELOPE).unwrap_or(body);
        inner.get("Error").map(|_| ErrorFields {
            code: text(inner, "/Error/Code"),
            message: text(inner, "/Error/Message"),
            request_id: text(inner, "/RequestId"),
        })
    }

    /// Throttling and transient codes from Tencent Cloud's common error codes.
    fn is_transient_code(&self, code: &str) -> bool {
        code.starts_with("RequestLimitExceeded")
            || code.starts_with("InternalError")
            || code == "ResourceUnavailable"
    }

    /// Tencent's frequency limits (`RequestLimitExceeded`, `RequestLimitExceeded.*`).
    fn is_throttling_code(&self, code: &str) -> bool {
        code.starts_with("RequestLimitExceeded")
    }

    fn is_permanent_code(&self, code: &str) -> bool {
        ["AuthFailure", "InvalidParameter", "MissingParameter"].iter().any(|prefix| code.starts_with(prefix))
    }

    fn credential_variables(&self) -> &'static [CredentialVariable] {
        VARIABLES
    }

    /// The variables first; then `[default]` of `~/.tencentcloud/credentials`.
    fn find_credentials(
        &self,
        env: &dyn Fn(&str) -> Option<String>,
        home: Option<&Path>,
    ) -> Result<Credentials, CloudError> {
        if let Some(found) = variable_pair(env, "TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY")? {
            return Ok(found);
        }
        if let Some(home) = home {
            let file = home.join(".tencentcloud").join("credentials");
            if let Some(section) = ini_section(&file, "default")? {
                return match (ini_value(&section, "secret_id"), ini_value(&section, "secret_key")) {
                    (Some(id), Some(key)) => Ok(Credentials::access_key(id, key)),
                    _ => Err(CloudError::configuration(format!(
                        "[default] of {} lacks secret_id or secret_key",
                        file.display()
                    ))),
                };
            }
        }
        Err(CloudError::configuration(
            "no Tencent Cloud credentials: set TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY, \
             or add them to [default] in ~/.tencentcloud/credentials",
        ))
    }

    fn clock_window(&self) -> Option<Duration> {
        Some(Duration::from_secs(5 * 60))
    }

    fn envelope(&self, body: Value) -> Value {
        enveloped(body)
    }

    /// HTTP 200 with `{"Response": {"Error": {Code, Message}, RequestId}}`,
    /// except server errors, which keep their status.
    fn refusal(&self, refusal: &Refusal) -> ServerAnswer {
        let (status, code, message) = match refusal {
            Refusal::UnknownOperation(what) => {
                (200, "InvalidAction".to_owned(), format!("The API does not exist: {what}"))
            }
            Refusal::MalformedAuthorization(why) => (
                200,
                "AuthFailure.InvalidAuthorization".into(),
                format!("The Authorization header is invalid: {why}"),
            ),
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
            Refusal::NonceReused => {
                (200, "AuthFailure.SignatureFailure".into(), "The signature was used already.".into())
            }
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
            Refusal::Conflict(conflict) => {
                (200, conflict.code.unwrap_or("FailedOperation").to_owned(), conflict.message.to_owned())
            }
            Refusal::Http(status) => (
                *status,
                "InternalError".into(),
                "An internal error has occurred. Retry your request, but if the problem persists, contact us.".into(),
            ),
        };
        let body =
            json!({"Error": {"Code": code, "Message": message}, "RequestId": request_id().to_lowercase()});
        ServerAnswer { status, headers: Vec::new(), body: Some(enveloped(body)) }
    }
}
