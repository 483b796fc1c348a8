//! Huawei Cloud (IAM Identity Center): REST with a JSON content type, the
//! account id in `X-Domain-Id` for global services, the
//! `{error_code, error_msg, request_id}` error body, the request id in
//! `X-Request-Id`, and the `HUAWEICLOUD_SDK_*` credentials. See `docs/protocols.md`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::header::{CONTENT_TYPE, HeaderName};
use serde_json::{Value, json};

use super::{
    CliProfile, CredentialVariable, ErrorFields, Refusal, ServerAnswer, Settings, Sourced, Sources,
    VendorRules, ini_section, ini_value, request_id, set_header, shown_path, text, variable_pair,
};
use crate::{CloudError, Credentials, Operation, Protocol, Vendor};

pub(super) struct Huawei;

/// The header that names the account (domain) of a global service's request.
const ACCOUNT_HEADER: &str = "x-domain-id";
const ACCOUNT_HEADER_NAME: HeaderName = HeaderName::from_static(ACCOUNT_HEADER);

/// The account id that goes with credentials made up for tests and the emulator.
const TEST_DOMAIN_ID: &str = "cloudjobs-mock-domain";

/// The variable that holds the account id, which the global services need.
const DOMAIN_ID_VARIABLE: &str = "HUAWEICLOUD_SDK_DOMAIN_ID";

const VARIABLES: &[CredentialVariable] = &[
    CredentialVariable { name: "HUAWEICLOUD_SDK_AK", holds: "access key (AK)" },
    CredentialVariable { name: "HUAWEICLOUD_SDK_SK", holds: "secret key (SK)" },
    CredentialVariable {
        name: DOMAIN_ID_VARIABLE,
        holds: "account (domain) id, required by global services",
    },
    CredentialVariable { name: "HUAWEICLOUD_SDK_SECURITY_TOKEN", holds: "temporary security token" },
    CredentialVariable {
        name: "HUAWEICLOUD_SDK_CREDENTIALS_FILE",
        holds: "credentials file (default ~/.huaweicloud/credentials)",
    },
];

/// KooCLI's (`hcloud`) profiles.
const KOOCLI_CONFIG: &str = ".hcloud/config.json";

/// One KooCLI profile (`{"current", "profiles": [{name, mode, accessKeyId,
/// secretAccessKey, securityToken, domainId, region}]}`, as Huawei's KooCLI
/// manual documents it): `None` when the file or the profile is not there.
/// KooCLI encrypts keys unless told not to (`--cli-auth-encrypt=false`);
/// encrypted keys cannot be read, and say so.
fn koocli_profile(
    home: &Path,
    named: Option<&str>,
) -> Result<Option<(Credentials, Option<String>, String)>, CloudError> {
    let Some(profile) = CliProfile::read(home, KOOCLI_CONFIG, named)? else { return Ok(None) };
    let (name, shown, field) = (&profile.name, &profile.shown, |key: &str| profile.field(key));
    let mode = field("mode").unwrap_or_else(|| "AKSK".into());
    if !mode.eq_ignore_ascii_case("AKSK") {
        return Err(CloudError::configuration(format!(
            "profile {name:?} of {shown} has mode {mode}; cloudjobs reads AKSK profiles (or set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK)"
        )));
    }
    let (Some(ak), Some(sk)) = (field("accessKeyId"), field("secretAccessKey")) else {
        return Err(CloudError::configuration(format!(
            "profile {name:?} of {shown} has no accessKeyId and secretAccessKey"
        )));
    };
    // Huawei access keys are letters and digits; anything else is KooCLI's ciphertext.
    if !ak.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(CloudError::configuration(format!(
            "the keys of profile {name:?} in {shown} are encrypted by KooCLI; run \
             `hcloud configure set --cli-profile={name} --cli-auth-encrypt=false` or set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK"
        )));
    }
    let mut credentials = Credentials::access_key(ak, sk);
    if let Some(domain) = field("domainId") {
        credentials = credentials.with_domain_id(domain);
    }
    if let Some(token) = field("securityToken") {
        credentials = credentials.with_security_token(token);
    }
    Ok(Some((credentials, field("region"), format!("{shown} profile {name:?}"))))
}

/// Huawei's request ids are 32 lower-case hex digits.
fn huawei_request_id() -> String {
    request_id().to_lowercase().replace('-', "")
}

impl VendorRules for Huawei {
    fn vendor(&self) -> Vendor {
        Vendor::Huawei
    }

    fn prepare(
        &self,
        _protocol: &Protocol,
        _operation: &Operation,
        _region: Option<&str>,
        credentials: &Credentials,
        request: &mut reqwest::Request,
    ) -> Result<(), String> {
        set_header(request, CONTENT_TYPE, "application/json")?;
        // Huawei's SDK percent-encodes `*` in path values, which the URL
        // standard leaves as it is; the path then reads as the SDK's does.
        if request.url().path().contains('*') {
            let path = request.url().path().replace('*', "%2A");
            request.url_mut().set_path(&path);
        }
        if let Credentials::AccessKey(key) = credentials
            && let Some(domain) = &key.domain_id
        {
            set_header(request, ACCOUNT_HEADER_NAME, domain)?;
        }
        Ok(())
    }

    fn request_id_in_body(&self) -> Option<&'static str> {
        Some("/request_id")
    }

    fn read_error(&self, body: &Value) -> Option<ErrorFields> {
        (body.get("error_code").is_some() || body.get("error_msg").is_some()).then(|| ErrorFields {
            code: text(body, "/error_code"),
            message: text(body, "/error_msg"),
            request_id: text(body, "/request_id"),
        })
    }

    fn request_id_header(&self) -> Option<&'static str> {
        Some("x-request-id")
    }

    /// The API gateway's throttling code.
    fn is_transient_code(&self, code: &str) -> bool {
        code == "APIGW.0308"
    }

    /// The API gateway's throttling code.
    fn is_throttling_code(&self, code: &str) -> bool {
        code == "APIGW.0308"
    }

    fn is_permanent_code(&self, _code: &str) -> bool {
        false
    }

    fn credential_variables(&self) -> &'static [CredentialVariable] {
        VARIABLES
    }

    fn settings_files(&self) -> &'static [&'static str] {
        &["~/.hcloud/config.json (profile NAME)", "~/.huaweicloud/credentials [global]"]
    }

    /// Like Huawei's SDK: the variables first (unless a profile is named on
    /// the command line); then KooCLI's profile (named, else its `current`);
    /// then `[global]` of `HUAWEICLOUD_SDK_CREDENTIALS_FILE` or
    /// `~/.huaweicloud/credentials` (Identity Center is a global service).
    /// Huawei documents no region variable; KooCLI's profile has a region.
    fn find_settings(&self, sources: &Sources<'_>) -> Result<Settings, CloudError> {
        let env = sources.env;
        let koocli = match sources.home {
            Some(home) => koocli_profile(home, sources.profile)?,
            None => None,
        };
        let region = koocli
            .as_ref()
            .and_then(|(_, region, from)| region.clone().map(|r| Sourced::new(r, from.clone())));
        let settings = |credentials, from: String| Settings {
            credentials: Sourced::new(credentials, from),
            region: region.clone(),
            output: None,
        };
        let with_extras = |found: Credentials, domain: Option<String>, token: Option<String>| {
            let found = match domain {
                Some(domain) => found.with_domain_id(domain),
                None => found,
            };
            match token {
                Some(token) => found.with_security_token(token),
                None => found,
            }
        };
        if sources.profile.is_none()
            && let Some(found) = variable_pair(env, "HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK")?
        {
            let credentials =
                with_extras(found, env(DOMAIN_ID_VARIABLE), env("HUAWEICLOUD_SDK_SECURITY_TOKEN"));
            return Ok(settings(credentials, "HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK, ...".into()));
        }
        if let Some((credentials, _, from)) = koocli {
            return Ok(settings(credentials, from));
        }
        if let Some(name) = sources.profile {
            return Err(CloudError::configuration(format!(
                "no Huawei Cloud profile {name:?} in ~/{KOOCLI_CONFIG} (hcloud configure set --cli-profile={name})"
            )));
        }
        let file = env("HUAWEICLOUD_SDK_CREDENTIALS_FILE")
            .map(PathBuf::from)
            .or_else(|| sources.home.map(|h| h.join(".huaweicloud").join("credentials")));
        if let Some(file) = file
            && let Some(section) = ini_section(&file, "global")?
        {
            let shown = shown_path(&file, sources.home);
            return match (ini_value(&section, "ak"), ini_value(&section, "sk")) {
                (Some(ak), Some(sk)) => Ok(settings(
                    with_extras(
                        Credentials::access_key(ak, sk),
                        ini_value(&section, "domain_id"),
                        ini_value(&section, "security_token"),
                    ),
                    format!("{shown} [global]"),
                )),
                _ => Err(CloudError::configuration(format!("[global] of {shown} lacks ak or sk"))),
            };
        }
        Err(CloudError::configuration(
            "no Huawei Cloud credentials: set HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK and HUAWEICLOUD_SDK_DOMAIN_ID, \
             or add them to [global] in ~/.huaweicloud/credentials",
        ))
    }

    /// Huawei's global services need the account id; its SDK would look it
    /// up with another signed call, which is out of scope here.
    fn check_credentials(&self, protocol: &Protocol, credentials: &Credentials) -> Result<(), CloudError> {
        if let Credentials::AccessKey(key) = credentials
            && key.domain_id.is_none()
        {
            return Err(CloudError::configuration(format!(
                "Huawei Cloud's global service {} needs your account id: set {DOMAIN_ID_VARIABLE} \
                 or use Credentials::with_domain_id",
                protocol.service
            )));
        }
        Ok(())
    }

    fn clock_window(&self) -> Option<Duration> {
        Some(Duration::from_secs(15 * 60))
    }

    fn account_header(&self) -> Option<&'static str> {
        Some(ACCOUNT_HEADER)
    }

    fn credentials_for(&self, key_id: &str, secret: &str) -> Credentials {
        Credentials::access_key(key_id, secret).with_domain_id(TEST_DOMAIN_ID)
    }

    fn environment_for(&self, key_id: &str, secret: &str) -> Vec<(&'static str, String)> {
        vec![
            ("HUAWEICLOUD_SDK_AK", key_id.to_owned()),
            ("HUAWEICLOUD_SDK_SK", secret.to_owned()),
            (DOMAIN_ID_VARIABLE, TEST_DOMAIN_ID.to_owned()),
        ]
    }

    fn success_answer(&self, status: u16, body: Value) -> ServerAnswer {
        ServerAnswer { status, headers: vec![("x-request-id".into(), huawei_request_id())], body: Some(body) }
    }

    /// HTTP 4xx/5xx with `{error_code, error_msg, request_id}`; the API
    /// gateway's own codes (`APIGW.*`) for routing, authentication and throttling.
    fn refusal(&self, refusal: &Refusal) -> ServerAnswer {
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
            Refusal::Conflict(conflict) => (
                conflict.status,
                conflict.code.unwrap_or("IIC.Conflict"),
                conflict.message.to_owned(),
                vec![],
            ),
        };
        let id = huawei_request_id();
        headers.push(("x-request-id".into(), id.clone()));
        ServerAnswer {
            status,
            headers,
            body: Some(json!({"error_code": code, "error_msg": message, "request_id": id})),
        }
    }
}
