//! Oracle Primavera Cloud Administration: REST on each customer's server,
//! Basic credentials or a bearer token on the API's `v3` twin, HTTP 202 while
//! a job runs, and undocumented error bodies. See `docs/protocols.md`.

use serde_json::Value;

use super::{
    CredentialVariable, ErrorFields, Refusal, ServerAnswer, Settings, Sourced, Sources, VendorRules,
};
use crate::{CloudError, Credentials, Operation, Protocol, Vendor};

pub(super) struct Oracle;

const VARIABLES: &[CredentialVariable] = &[
    CredentialVariable { name: "ORACLE_PRIMAVERA_TOKEN", holds: "OAuth bearer token (v3 paths)" },
    CredentialVariable { name: "ORACLE_PRIMAVERA_USERNAME", holds: "Basic user name" },
    CredentialVariable { name: "ORACLE_PRIMAVERA_PASSWORD", holds: "Basic password" },
];

impl VendorRules for Oracle {
    fn vendor(&self) -> Vendor {
        Vendor::Oracle
    }

    /// A bearer token goes to the API's bearer twin.
    fn prepare(
        &self,
        protocol: &Protocol,
        _operation: &Operation,
        _region: Option<&str>,
        credentials: &Credentials,
        request: &mut reqwest::Request,
    ) -> Result<(), String> {
        if let Credentials::Bearer(_) = credentials
            && let Some(twin) = self.path_twin(protocol, request.url().path())
        {
            request.url_mut().set_path(&twin);
        }
        Ok(())
    }

    /// Oracle serves each Basic-auth path also under a bearer-token prefix:
    /// `/cloudapi/restapi/...` becomes `/cloudapi/restapi/v3/...`.
    fn path_twin(&self, protocol: &Protocol, path: &str) -> Option<String> {
        let (basic, bearer) = (protocol.basic_path_prefix?, protocol.bearer_path_prefix?);
        path.strip_prefix(basic).map(|rest| format!("{bearer}{rest}"))
    }

    /// Oracle documents no error body.
    fn read_error(&self, _body: &Value) -> Option<ErrorFields> {
        None
    }

    fn documents_error_bodies(&self) -> bool {
        false
    }

    fn is_transient_code(&self, _code: &str) -> bool {
        false
    }

    fn is_throttling_code(&self, _code: &str) -> bool {
        false
    }

    fn is_permanent_code(&self, _code: &str) -> bool {
        false
    }

    fn credential_variables(&self) -> &'static [CredentialVariable] {
        VARIABLES
    }

    /// Oracle Primavera has no convention of its own: a token, else a user and password.
    /// Oracle publishes no CLI or credentials file, so only our variables.
    fn find_settings(&self, sources: &Sources<'_>) -> Result<Settings, CloudError> {
        let env = sources.env;
        let settings = |credentials, from: &str| Settings {
            credentials: Sourced::new(credentials, from),
            region: None,
            output: None,
        };
        if let Some(token) = env("ORACLE_PRIMAVERA_TOKEN") {
            return Ok(settings(Credentials::bearer(token), "ORACLE_PRIMAVERA_TOKEN"));
        }
        match (env("ORACLE_PRIMAVERA_USERNAME"), env("ORACLE_PRIMAVERA_PASSWORD")) {
            (Some(user), Some(password)) => Ok(settings(
                Credentials::basic(user, password),
                "ORACLE_PRIMAVERA_USERNAME, ORACLE_PRIMAVERA_PASSWORD",
            )),
            (Some(_), None) => Err(CloudError::configuration(
                "ORACLE_PRIMAVERA_USERNAME is set but ORACLE_PRIMAVERA_PASSWORD is not",
            )),
            _ => Err(CloudError::configuration(
                "no Oracle Primavera credentials: set ORACLE_PRIMAVERA_USERNAME and ORACLE_PRIMAVERA_PASSWORD, \
                 or ORACLE_PRIMAVERA_TOKEN",
            )),
        }
    }

    fn check_credentials(&self, protocol: &Protocol, credentials: &Credentials) -> Result<(), CloudError> {
        if let Credentials::Bearer(_) = credentials
            && protocol.bearer_path_prefix.is_none()
        {
            return Err(CloudError::configuration(format!(
                "{} does not accept bearer tokens",
                protocol.service
            )));
        }
        Ok(())
    }

    fn credentials_for(&self, key_id: &str, secret: &str) -> Credentials {
        Credentials::basic(key_id, secret)
    }

    fn environment_for(&self, key_id: &str, secret: &str) -> Vec<(&'static str, String)> {
        vec![
            ("ORACLE_PRIMAVERA_USERNAME", key_id.to_owned()),
            ("ORACLE_PRIMAVERA_PASSWORD", secret.to_owned()),
        ]
    }

    fn success_answer(&self, status: u16, body: Value) -> ServerAnswer {
        ServerAnswer { status, headers: Vec::new(), body: Some(body) }
    }

    /// Plain statuses without a body.
    fn refusal(&self, refusal: &Refusal) -> ServerAnswer {
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
            Refusal::Conflict(conflict) => (conflict.status, vec![]),
        };
        ServerAnswer { status, headers, body: None }
    }
}
