//! Huawei Cloud (IAM Identity Center): REST with a JSON content type, the
//! account id in `X-Domain-Id` for global services, the
//! `{error_code, error_msg, request_id}` error body, the request id in
//! `X-Request-Id`, and the `HUAWEICLOUD_SDK_*` credentials. See `docs/protocols.md`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::{Value, json};

use super::{
    CredentialVariable, ErrorFields, Refusal, ServerAnswer, VendorRules, ini_section, ini_value, request_id,
    set_header, text, variable_pair,
};
use crate::{CloudError, Credentials, Operation, Protocol, Vendor};

pub(super) struct Huawei;

/// The header that names the account (domain) of a global service's request.
const ACCOUNT_HEADER: &str = "x-domain-id";

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
        set_header(request, "content-type", "application/json")?;
        // Huawei's SDK percent-encodes `*` in path values, which the URL
        // standard leaves as it is; the path then reads as the SDK's does.
        if request.url().path().contains('*') {
            let path = request.url().path().replace('*', "%2A");
            request.url_mut().set_path(&path);
        }
        if let Credentials::AccessKey(key) = credentials
            && let Some(domain) = &key.domain_id
        {
            set_header(request, ACCOUNT_HEADER, domain)?;
        }
        Ok(())
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

    /// The variables first; then `[global]` of `HUAWEICLOUD_SDK_CREDENTIALS_FILE`
    /// or `~/.huaweicloud/credentials` (Identity Center is a global service).
    fn find_credentials(
        &self,
        env: &dyn Fn(&str) -> Option<String>,
        home: Option<&Path>,
    ) -> Result<Credentials, CloudError> {
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
        if let Some(found) = variable_pair(env, "HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK")? {
            return Ok(with_extras(found, env(DOMAIN_ID_VARIABLE), env("HUAWEICLOUD_SDK_SECURITY_TOKEN")));
        }
        let file = env("HUAWEICLOUD_SDK_CREDENTIALS_FILE")
            .map(PathBuf::from)
            .or_else(|| home.map(|h| h.join(".huaweicloud").join("credentials")));
        if let Some(file) = file
            && let Some(section) = ini_section(&file, "global")?
        {
            return match (ini_value(&section, "ak"), ini_value(&section, "sk")) {
                (Some(ak), Some(sk)) => Ok(with_extras(
                    Credentials::access_key(ak, sk),
                    ini_value(&section, "domain_id"),
                    ini_value(&section, "security_token"),
                )),
                _ => Err(CloudError::configuration(format!("[global] of {} lacks ak or sk", file.display()))),
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
