//! Tencent Cloud (Organization): RPC actions in `X-TC-*` headers, every
//! answer inside `{"Response": ...}` with errors sent as HTTP 200, and the
//! `TENCENTCLOUD_*` credentials. See `docs/protocols.md`.

use std::path::Path;
use std::time::Duration;

use reqwest::header::{CONTENT_TYPE, HeaderName};
use serde_json::{Value, json};

use super::{
    CredentialVariable, ErrorFields, Presented, Refusal, RpcHeaders, ServerAnswer, Settings, Sourced,
    Sources, VendorRules, ini_section, ini_value, json_file, pick_region, request_id, set_header as set,
    shown_path, text, variable_pair,
};
use crate::{CloudError, Credentials, Operation, Protocol, Vendor};

pub(super) struct Tencent;

/// The key of the envelope around every answer.
const ENVELOPE: &str = "Response";

const VARIABLES: &[CredentialVariable] = &[
    CredentialVariable { name: "TENCENTCLOUD_SECRET_ID", holds: "SecretId" },
    CredentialVariable { name: "TENCENTCLOUD_SECRET_KEY", holds: "SecretKey" },
    CredentialVariable { name: "TENCENTCLOUD_TOKEN", holds: "temporary token (tccli's variable)" },
    CredentialVariable { name: "TCCLI_PROFILE", holds: "tccli profile (default `default`)" },
    CredentialVariable { name: "TENCENTCLOUD_REGION", holds: "region (tccli's variable)" },
];

/// tccli's directory: `NAME.credential` and `NAME.configure` per profile.
const TCCLI_DIR: &str = ".tccli";
/// The SDKs' INI credentials file.
const CREDENTIALS_INI: &str = ".tencentcloud/credentials";

/// tccli's `NAME.credential` (`secretId`, `secretKey`, `token`): `None` when absent.
fn tccli_credentials(home: &Path, profile: &str) -> Result<Option<(Credentials, String)>, CloudError> {
    let path = home.join(TCCLI_DIR).join(format!("{profile}.credential"));
    let Some(file) = json_file(&path)? else { return Ok(None) };
    let shown = shown_path(&path, Some(home));
    let field =
        |key: &str| file.get(key).and_then(Value::as_str).filter(|v| !v.is_empty()).map(str::to_owned);
    let credentials = match (field("secretId"), field("secretKey")) {
        (Some(id), Some(key)) => Credentials::access_key(id, key),
        _ => {
            return Err(CloudError::configuration(format!(
                "{shown} has no secretId and secretKey (tccli's other credential types are not read)"
            )));
        }
    };
    Ok(Some((
        match field("token") {
            Some(token) => credentials.with_security_token(token),
            None => credentials,
        },
        shown,
    )))
}

/// `{"Response": body}`.
fn enveloped(body: Value) -> Value {
    Value::Object(std::iter::once((ENVELOPE.to_owned(), body)).collect())
}

impl VendorRules for Tencent {
    fn vendor(&self) -> Vendor {
        Vendor::Tencent
    }

    fn rpc_headers(&self) -> Option<RpcHeaders> {
        const ACTION: HeaderName = HeaderName::from_static("x-tc-action");
        const VERSION: HeaderName = HeaderName::from_static("x-tc-version");
        Some(RpcHeaders { action: ACTION, version: VERSION })
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
        const LANGUAGE: HeaderName = HeaderName::from_static("x-tc-language");
        const REGION: HeaderName = HeaderName::from_static("x-tc-region");
        set(request, CONTENT_TYPE, "application/json")?;
        set(request, LANGUAGE, "en-US")?;
        if let Some(region) = region {
            set(request, REGION, region)?;
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
    /// The envelope's content is cut out of the answer as it is, without
    /// building a JSON tree: an answer is copied once, and a deeply nested
    /// field nobody reads is skipped, not refused for its depth.
    fn present(&self, status: u16, body: &[u8]) -> Option<Presented> {
        #[derive(serde::Deserialize)]
        struct Envelope<'a> {
            #[serde(borrow, rename = "Response")]
            response: &'a serde_json::value::RawValue,
        }
        #[derive(serde::Deserialize)]
        struct ErrorProbe {
            #[serde(rename = "Error")]
            error: Option<serde::de::IgnoredAny>,
        }
        let envelope: Envelope<'_> = serde_json::from_slice(body).ok()?;
        let unwrapped = envelope.response.get().as_bytes().to_vec();
        let is_error =
            serde_json::from_slice::<ErrorProbe>(&unwrapped).is_ok_and(|probe| probe.error.is_some());
        Some(if is_error {
            Presented { status: 400, body: unwrapped, original_status: Some(status) }
        } else {
            Presented { status, body: unwrapped, original_status: None }
        })
    }

    /// `{Error: {Code, Message}, RequestId}`, inside the envelope or outside it.
    fn request_id_in_body(&self) -> Option<&'static str> {
        Some("/Response/RequestId")
    }

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

    fn settings_files(&self) -> &'static [&'static str] {
        &["~/.tccli/NAME.credential", "~/.tccli/NAME.configure", "~/.tencentcloud/credentials [NAME]"]
    }

    /// Like tccli: the variables first, unless a profile is named on the
    /// command line (tccli's own rule); then tccli's files of the profile
    /// (named, else `TCCLI_PROFILE`, else `default`); then that section of
    /// the SDKs' `~/.tencentcloud/credentials`. Region and output come from
    /// `TENCENTCLOUD_REGION` and the profile's `NAME.configure`.
    fn find_settings(&self, sources: &Sources<'_>) -> Result<Settings, CloudError> {
        let env = sources.env;
        let profile = sources
            .profile
            .map(str::to_owned)
            .or_else(|| env("TCCLI_PROFILE"))
            .unwrap_or_else(|| "default".into());
        let configure = match sources.home {
            Some(home) => {
                let path = home.join(TCCLI_DIR).join(format!("{profile}.configure"));
                json_file(&path)?.map(|file| (file, shown_path(&path, Some(home))))
            }
            None => None,
        };
        let system = |key: &str| {
            let (file, from) = configure.as_ref()?;
            let value = file.pointer(&format!("/_sys_param/{key}")).or_else(|| file.get(key))?.as_str()?;
            Some(Sourced::new(value.to_owned(), from.clone()))
        };
        let region = pick_region(sources, "TENCENTCLOUD_REGION", system("region"));
        let output = system("output");
        let settings = |credentials, from: String| Settings {
            credentials: Sourced::new(credentials, from),
            region: region.clone(),
            output: output.clone(),
        };
        if sources.profile.is_none()
            && let Some(found) = variable_pair(env, "TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY")?
        {
            return Ok(match env("TENCENTCLOUD_TOKEN") {
                Some(token) => settings(
                    found.with_security_token(token),
                    "TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY, TENCENTCLOUD_TOKEN".into(),
                ),
                None => settings(found, "TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY".into()),
            });
        }
        if let Some(home) = sources.home {
            if let Some((credentials, from)) = tccli_credentials(home, &profile)? {
                return Ok(settings(credentials, from));
            }
            let file = home.join(CREDENTIALS_INI);
            if let Some(section) = ini_section(&file, &profile)? {
                let shown = shown_path(&file, Some(home));
                return match (ini_value(&section, "secret_id"), ini_value(&section, "secret_key")) {
                    (Some(id), Some(key)) => {
                        Ok(settings(Credentials::access_key(id, key), format!("{shown} [{profile}]")))
                    }
                    _ => Err(CloudError::configuration(format!(
                        "[{profile}] of {shown} lacks secret_id or secret_key"
                    ))),
                };
            }
        }
        Err(CloudError::configuration(if profile == "default" {
            format!(
                "no Tencent Cloud credentials: set TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY, run `tccli configure`, \
                 or add them to [default] in ~/{CREDENTIALS_INI}"
            )
        } else {
            format!(
                "no Tencent Cloud profile {profile:?}: neither ~/{TCCLI_DIR}/{profile}.credential \
                 (tccli configure --profile {profile}) nor [{profile}] in ~/{CREDENTIALS_INI}"
            )
        }))
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
