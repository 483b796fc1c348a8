//! Alibaba Cloud (EIAM, CloudSSO): RPC actions in `x-acs-*` headers, the
//! `{Code, Message, RequestId}` error body, `x-acs-retry-after` in
//! milliseconds, and the `ALIBABA_CLOUD_*` credentials. See `docs/protocols.md`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::header::HeaderMap;
use serde_json::{Value, json};

use super::{
    CredentialVariable, ErrorFields, Refusal, RpcHeaders, ServerAnswer, VendorRules, header_number,
    ini_section, ini_value, request_id, text, variable_pair,
};
use crate::{CloudError, Credentials, Operation, ParamKind, Protocol, Vendor};

pub(super) struct Alibaba;

/// A boolean as Python's `str()` writes it, which is how the SDK sends it.
fn python_bool(value: &str) -> String {
    match value {
        "true" => "True".to_owned(),
        "false" => "False".to_owned(),
        other => other.to_owned(),
    }
}

/// `value` as the query parameters Alibaba's SDK makes of an array or
/// object (tea-openapi's `query`): `Name.1`, `Name.2` for the elements of an
/// array, `Name.Key` for the fields of an object, recursively; scalars as
/// Python's `str()` writes them.
fn flatten(name: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Null => {}
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                flatten(&format!("{name}.{}", index + 1), item, out);
            }
        }
        Value::Object(fields) => {
            for (key, field) in fields {
                flatten(&format!("{name}.{key}"), field, out);
            }
        }
        Value::String(text) => out.push((name.to_owned(), text.clone())),
        Value::Bool(flag) => out.push((name.to_owned(), python_bool(&flag.to_string()))),
        Value::Number(number) => out.push((name.to_owned(), number.to_string())),
    }
}

const VARIABLES: &[CredentialVariable] = &[
    CredentialVariable { name: "ALIBABA_CLOUD_ACCESS_KEY_ID", holds: "access key id" },
    CredentialVariable { name: "ALIBABA_CLOUD_ACCESS_KEY_SECRET", holds: "access key secret" },
    CredentialVariable { name: "ALIBABA_CLOUD_SECURITY_TOKEN", holds: "STS security token" },
    CredentialVariable {
        name: "ALIBABA_CLOUD_CREDENTIALS_FILE",
        holds: "credentials file (default ~/.alibabacloud/credentials.ini)",
    },
    CredentialVariable {
        name: "ALIBABA_CLOUD_PROFILE",
        holds: "profile of the credentials file (default `default`)",
    },
];

impl VendorRules for Alibaba {
    fn vendor(&self) -> Vendor {
        Vendor::Alibaba
    }

    fn rpc_headers(&self) -> Option<RpcHeaders> {
        Some(RpcHeaders { action: "x-acs-action", version: "x-acs-version" })
    }

    /// Boolean query values as Alibaba's SDK sends them: it writes every
    /// query value with Python's `str()`, so `true` travels as `True`.
    fn prepare(
        &self,
        _protocol: &Protocol,
        operation: &Operation,
        _region: Option<&str>,
        _credentials: &Credentials,
        request: &mut reqwest::Request,
    ) -> Result<(), String> {
        let param = |name: &str| operation.params.iter().find(|p| p.name == name);
        let pairs: Vec<(String, String)> = request.url().query_pairs().into_owned().collect();
        let rewritten = |name: &str| param(name).is_some_and(|p| p.flat || p.kind == ParamKind::Boolean);
        if !pairs.iter().any(|(name, _)| rewritten(name)) {
            return Ok(());
        }
        let mut sent = Vec::new();
        for (name, value) in pairs {
            match param(&name) {
                Some(p) if p.flat => {
                    let json: Value = serde_json::from_str(&value)
                        .map_err(|e| format!("{name} must be JSON text of an array or object: {e}"))?;
                    flatten(&name, &json, &mut sent);
                }
                Some(p) if p.kind == ParamKind::Boolean => sent.push((name, python_bool(&value))),
                _ => sent.push((name, value)),
            }
        }
        let mut query = request.url_mut().query_pairs_mut();
        query.clear();
        for (name, value) in sent {
            query.append_pair(&name, &value);
        }
        Ok(())
    }

    fn read_error(&self, body: &Value) -> Option<ErrorFields> {
        body.get("Code").or_else(|| body.get("Message")).map(|_| ErrorFields {
            code: text(body, "/Code"),
            message: text(body, "/Message"),
            request_id: text(body, "/RequestId"),
        })
    }

    fn request_id_header(&self) -> Option<&'static str> {
        Some("x-acs-request-id")
    }

    /// Alibaba's SDK (alibabacloud-tea-openapi) reads `x-acs-retry-after` as
    /// milliseconds; a plain `Retry-After` is seconds.
    fn retry_hint(&self, headers: &HeaderMap) -> Option<Duration> {
        header_number(headers, "x-acs-retry-after")
            .filter(|ms| *ms > 0)
            .map(Duration::from_millis)
            .or_else(|| header_number(headers, "retry-after").map(Duration::from_secs))
    }

    /// Throttling and transient codes from Alibaba Cloud's error-code pages.
    fn is_transient_code(&self, code: &str) -> bool {
        ["Throttling", "ServiceUnavailable", "InternalError"].iter().any(|prefix| code.starts_with(prefix))
    }

    /// Alibaba's flow control (`Throttling`, `Throttling.User`, `Throttling.Api`).
    fn is_throttling_code(&self, code: &str) -> bool {
        code.starts_with("Throttling")
    }

    fn is_permanent_code(&self, code: &str) -> bool {
        ["SignatureDoesNotMatch", "InvalidAccessKeyId", "Forbidden", "InvalidParameter", "MissingParameter"]
            .iter()
            .any(|prefix| code.starts_with(prefix))
    }

    fn credential_variables(&self) -> &'static [CredentialVariable] {
        VARIABLES
    }

    /// The variables first; then the profile `ALIBABA_CLOUD_PROFILE` (default
    /// `default`, `type = access_key`) of `ALIBABA_CLOUD_CREDENTIALS_FILE` or
    /// `~/.alibabacloud/credentials.ini`, as Alibaba's credentials library reads them.
    fn find_credentials(
        &self,
        env: &dyn Fn(&str) -> Option<String>,
        home: Option<&Path>,
    ) -> Result<Credentials, CloudError> {
        if let Some(found) =
            variable_pair(env, "ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET")?
        {
            return Ok(match env("ALIBABA_CLOUD_SECURITY_TOKEN") {
                Some(token) => found.with_security_token(token),
                None => found,
            });
        }
        let file = env("ALIBABA_CLOUD_CREDENTIALS_FILE")
            .map(PathBuf::from)
            .or_else(|| home.map(|h| h.join(".alibabacloud").join("credentials.ini")));
        let profile = env("ALIBABA_CLOUD_PROFILE").unwrap_or_else(|| "default".to_owned());
        if let Some(file) = file
            && let Some(section) = ini_section(&file, &profile)?
        {
            let kind = ini_value(&section, "type").unwrap_or_default();
            if kind != "access_key" {
                return Err(CloudError::configuration(format!(
                    "profile [{profile}] of {} has type {kind:?}; only access_key is supported",
                    file.display()
                )));
            }
            return match (ini_value(&section, "access_key_id"), ini_value(&section, "access_key_secret")) {
                (Some(id), Some(secret)) => Ok(Credentials::access_key(id, secret)),
                _ => Err(CloudError::configuration(format!(
                    "profile [{profile}] of {} lacks access_key_id or access_key_secret",
                    file.display()
                ))),
            };
        }
        Err(CloudError::configuration(
            "no Alibaba Cloud credentials: set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, \
             or add a [default] profile to ~/.alibabacloud/credentials.ini",
        ))
    }

    fn clock_window(&self) -> Option<Duration> {
        Some(Duration::from_secs(15 * 60))
    }

    /// HTTP 4xx/5xx with `{RequestId, HostId, Code, Message, Recommend}` and
    /// the request id also in `x-acs-request-id`.
    fn refusal(&self, refusal: &Refusal) -> ServerAnswer {
        let request_id = request_id();
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
            Refusal::UnknownKey(_) => (
                404,
                "InvalidAccessKeyId.NotFound".into(),
                "Specified access key is not found.".into(),
                vec![],
            ),
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
            Refusal::NonceReused => (
                400,
                "SignatureNonceUsed".into(),
                "Specified signature nonce was used already.".into(),
                vec![],
            ),
            Refusal::MissingParameter(name) => {
                (400, format!("Missing{name}"), format!("{name} is mandatory for this action."), vec![])
            }
            Refusal::InvalidParameter(name, why) => (
                400,
                format!("InvalidParameter.{name}"),
                format!("The specified parameter {name} is not valid: {why}"),
                vec![],
            ),
            Refusal::Throttled(seconds) => (
                400,
                "Throttling.User".into(),
                "Request was denied due to user flow control.".into(),
                vec![("x-acs-retry-after".to_owned(), (seconds * 1000).to_string())],
            ),
            Refusal::Conflict(conflict) => (
                conflict.status,
                conflict.code.unwrap_or("OperationConflict").to_owned(),
                conflict.message.to_owned(),
                vec![],
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
        headers.push(("x-acs-request-id".into(), request_id.clone()));
        let body = json!({
            "RequestId": request_id,
            "HostId": "cloudjobs-mock",
            "Code": code,
            "Message": message,
            "Recommend": format!("https://api.aliyun.com/troubleshoot?q={code}"),
        });
        ServerAnswer { status, headers, body: Some(body) }
    }
}
