//! Alibaba Cloud (EIAM, CloudSSO): RPC actions in `x-acs-*` headers, the
//! `{Code, Message, RequestId}` error body, `x-acs-retry-after` in
//! milliseconds, and the `ALIBABA_CLOUD_*` credentials. See `docs/protocols.md`.

use std::path::PathBuf;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName};
use serde_json::{Value, json};

use super::{
    CliProfile, CredentialVariable, ErrorFields, Refusal, RpcHeaders, ServerAnswer, Settings, Sourced,
    Sources, VendorRules, header_number, ini_section, ini_value, pick_region, request_id, shown_path, text,
    variable_pair,
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
                flatten(&format!("{name}.{}", index.saturating_add(1)), item, out);
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
        name: "ALIBABA_CLOUD_PROFILE",
        holds: "profile of ~/.aliyun/config.json (default: its `current`) and credentials.ini (default `default`)",
    },
    CredentialVariable {
        name: "ALIBABA_CLOUD_CLI_PROFILE_DISABLED",
        holds: "`true` skips ~/.aliyun/config.json",
    },
    CredentialVariable {
        name: "ALIBABA_CLOUD_CREDENTIALS_FILE",
        holds: "credentials file (default ~/.alibabacloud/credentials.ini)",
    },
    CredentialVariable { name: "ALIBABA_CLOUD_REGION_ID", holds: "region (the aliyun CLI's variable)" },
];

/// The aliyun CLI's profiles, which Alibaba's credentials library reads too.
const CLI_CONFIG: &str = ".aliyun/config.json";
/// Alibaba's credentials library's INI file.
const CREDENTIALS_INI: &str = ".alibabacloud/credentials.ini";

/// Reads one profile of the aliyun CLI's `config.json` (`{"current", "profiles": [...]}`):
/// `None` when the file or the profile is not there.
fn cli_profile(
    sources: &Sources<'_>,
    named: Option<&str>,
) -> Result<Option<(Credentials, Option<String>, String)>, CloudError> {
    let disabled =
        (sources.env)("ALIBABA_CLOUD_CLI_PROFILE_DISABLED").is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let Some(home) = sources.home.filter(|_| !disabled) else { return Ok(None) };
    let Some(profile) = CliProfile::read(home, CLI_CONFIG, named)? else { return Ok(None) };
    let (name, shown, field) = (&profile.name, &profile.shown, |key: &str| profile.field(key));
    let mode = field("mode").unwrap_or_else(|| "AK".into());
    let key = match (field("access_key_id"), field("access_key_secret")) {
        (Some(id), Some(secret)) => Credentials::access_key(id, secret),
        _ => {
            return Err(CloudError::configuration(format!(
                "profile {name:?} of {shown} has no access_key_id and access_key_secret"
            )));
        }
    };
    let credentials = if mode.eq_ignore_ascii_case("AK") {
        key
    } else if mode.eq_ignore_ascii_case("StsToken") {
        match field("sts_token") {
            Some(token) => key.with_security_token(token),
            None => {
                return Err(CloudError::configuration(format!(
                    "profile {name:?} of {shown} has no sts_token"
                )));
            }
        }
    } else {
        return Err(CloudError::configuration(format!(
            "profile {name:?} of {shown} has mode {mode}; cloudjobs reads AK and StsToken profiles \
             (for others, export ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET and ALIBABA_CLOUD_SECURITY_TOKEN)"
        )));
    };
    Ok(Some((credentials, field("region_id"), format!("{shown} profile {name:?}"))))
}

/// A value of Alibaba's `credentials.ini` as its credentials library reads
/// it: cut at the first `#` (a comment), then trimmed. Python's configparser,
/// which Tencent's and Huawei's SDKs use, keeps a `#`, and so do they here.
fn alibaba_ini_value(section: &super::IniSection, key: &str) -> Option<String> {
    ini_value(section, key)
        .and_then(|v| Some(v.split('#').next()?.trim().to_owned()))
        .filter(|v| !v.is_empty())
}

/// Reads one section of Alibaba's `credentials.ini`: `None` when the file or the section is not there.
fn ini_profile(
    sources: &Sources<'_>,
    named: Option<&str>,
) -> Result<Option<(Credentials, String)>, CloudError> {
    let Some(path) = (sources.env)("ALIBABA_CLOUD_CREDENTIALS_FILE")
        .map(PathBuf::from)
        .or_else(|| sources.home.map(|h| h.join(CREDENTIALS_INI)))
    else {
        return Ok(None);
    };
    let profile = named.unwrap_or("default");
    let Some(section) = ini_section(&path, profile)? else { return Ok(None) };
    let shown = shown_path(&path, sources.home);
    let kind = alibaba_ini_value(&section, "type").unwrap_or_default();
    if kind != "access_key" {
        return Err(CloudError::configuration(format!(
            "profile [{profile}] of {shown} has type {kind:?}; only access_key is supported"
        )));
    }
    match (alibaba_ini_value(&section, "access_key_id"), alibaba_ini_value(&section, "access_key_secret")) {
        (Some(id), Some(secret)) => {
            Ok(Some((Credentials::access_key(id, secret), format!("{shown} [{profile}]"))))
        }
        _ => Err(CloudError::configuration(format!(
            "profile [{profile}] of {shown} lacks access_key_id or access_key_secret"
        ))),
    }
}

impl VendorRules for Alibaba {
    fn vendor(&self) -> Vendor {
        Vendor::Alibaba
    }

    fn rpc_headers(&self) -> Option<RpcHeaders> {
        const ACTION: HeaderName = HeaderName::from_static("x-acs-action");
        const VERSION: HeaderName = HeaderName::from_static("x-acs-version");
        Some(RpcHeaders { action: ACTION, version: VERSION })
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
        let rewritten = |name: &str| param(name).is_some_and(|p| p.flat || p.kind == ParamKind::Boolean);
        // Most operations have nothing to rewrite, and every call passes here:
        // the query is read only when the operation has such a parameter, and
        // copied only when the request carries one.
        if !operation.params.iter().any(|p| p.flat || p.kind == ParamKind::Boolean)
            || !request.url().query_pairs().any(|(name, _)| rewritten(&name))
        {
            return Ok(());
        }
        let pairs: Vec<(String, String)> = request.url().query_pairs().into_owned().collect();
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

    fn request_id_in_body(&self) -> Option<&'static str> {
        Some("/RequestId")
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

    fn settings_files(&self) -> &'static [&'static str] {
        &["~/.aliyun/config.json (profile NAME)", "~/.alibabacloud/credentials.ini [NAME]"]
    }

    /// Like Alibaba's credentials library: the variables first (unless a
    /// profile is named on the command line); then the aliyun CLI's profile
    /// (the one named, else `ALIBABA_CLOUD_PROFILE`, else the file's
    /// `current`) in `~/.aliyun/config.json`; then that profile (default
    /// `default`) of `credentials.ini`. The region is the aliyun CLI's:
    /// `ALIBABA_CLOUD_REGION_ID` or the profile's `region_id`.
    fn find_settings(&self, sources: &Sources<'_>) -> Result<Settings, CloudError> {
        let env = sources.env;
        let named = sources.profile.map(str::to_owned).or_else(|| env("ALIBABA_CLOUD_PROFILE"));
        let cli = cli_profile(sources, named.as_deref())?;
        let in_profile =
            cli.as_ref().and_then(|(_, region, from)| region.clone().map(|r| Sourced::new(r, from.clone())));
        let region = pick_region(sources, "ALIBABA_CLOUD_REGION_ID", in_profile);
        let settings = |credentials, from: String| Settings {
            credentials: Sourced::new(credentials, from),
            region: region.clone(),
            output: None,
        };
        if sources.profile.is_none()
            && let Some(found) =
                variable_pair(env, "ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET")?
        {
            return Ok(match env("ALIBABA_CLOUD_SECURITY_TOKEN") {
                Some(token) => settings(found.with_security_token(token), "ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET, ALIBABA_CLOUD_SECURITY_TOKEN".into()),
                None => settings(found, "ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET".into()),
            });
        }
        if let Some((credentials, _, from)) = cli {
            return Ok(settings(credentials, from));
        }
        if let Some((credentials, from)) = ini_profile(sources, named.as_deref())? {
            return Ok(settings(credentials, from));
        }
        Err(CloudError::configuration(match &named {
            Some(name) => format!(
                "no Alibaba Cloud profile {name:?}: it is neither in ~/{CLI_CONFIG} (aliyun configure --profile {name}) \
                 nor a [{name}] section of ~/{CREDENTIALS_INI}"
            ),
            None => format!(
                "no Alibaba Cloud credentials: set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, \
                 run `aliyun configure`, or add a [default] profile to ~/{CREDENTIALS_INI}"
            ),
        }))
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
                vec![("x-acs-retry-after".to_owned(), seconds.saturating_mul(1000).to_string())],
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
