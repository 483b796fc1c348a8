//! Credentials: given in code, or found the way each vendor's own tools find them.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::{CloudError, Vendor};

/// A secret string. Its `Debug` never shows the value, and it has no `Display`,
/// so it cannot reach a log or an error message by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value, for signing. Call sites of this are the only places a secret is read.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// An access key pair with what may come with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessKey {
    /// The access key id (Alibaba AccessKeyId, Tencent SecretId, Huawei AK). Not secret.
    pub id: String,
    /// The secret (AccessKeySecret, SecretKey, SK).
    pub secret: Secret,
    /// A temporary security token, sent in the vendor's token header.
    pub security_token: Option<Secret>,
    /// Huawei's account (domain) id, required by its global services.
    pub domain_id: Option<String>,
}

/// What a client signs requests with.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Credentials {
    /// An access key pair: Alibaba, Tencent, Huawei.
    AccessKey(AccessKey),
    /// HTTP Basic user and password: Oracle Primavera.
    Basic {
        /// The user name.
        username: String,
        /// The password.
        password: Secret,
    },
    /// An OAuth bearer token: Oracle Primavera's `v3` API.
    Bearer(Secret),
}

impl Credentials {
    /// An access key pair without a token.
    pub fn access_key(id: impl Into<String>, secret: impl Into<String>) -> Self {
        Self::AccessKey(AccessKey {
            id: id.into(),
            secret: Secret::new(secret),
            security_token: None,
            domain_id: None,
        })
    }

    /// Adds a temporary security token to an access key pair.
    pub fn with_security_token(mut self, token: impl Into<String>) -> Self {
        if let Self::AccessKey(key) = &mut self {
            key.security_token = Some(Secret::new(token));
        }
        self
    }

    /// Adds Huawei's account (domain) id to an access key pair.
    pub fn with_domain_id(mut self, domain_id: impl Into<String>) -> Self {
        if let Self::AccessKey(key) = &mut self {
            key.domain_id = Some(domain_id.into());
        }
        self
    }

    /// HTTP Basic credentials.
    pub fn basic(username: impl Into<String>, password: impl Into<String>) -> Self {
        Self::Basic { username: username.into(), password: Secret::new(password) }
    }

    /// An OAuth bearer token.
    pub fn bearer(token: impl Into<String>) -> Self {
        Self::Bearer(Secret::new(token))
    }

    /// Finds credentials for `vendor` in the process environment and the home directory.
    pub fn from_env(vendor: Vendor) -> Result<Self, CloudError> {
        let home = std::env::var_os("HOME").map(PathBuf::from);
        Self::from_sources(
            vendor,
            &|name| std::env::var(name).ok().filter(|v| !v.is_empty()),
            home.as_deref(),
        )
    }

    /// Finds credentials for `vendor` the way its own tools do: environment
    /// variables first, then the vendor's credentials file.
    ///
    /// - Alibaba Cloud: `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET`,
    ///   `ALIBABA_CLOUD_SECURITY_TOKEN`; then the profile `ALIBABA_CLOUD_PROFILE`
    ///   (default `default`, `type = access_key`) of `ALIBABA_CLOUD_CREDENTIALS_FILE`
    ///   or `~/.alibabacloud/credentials.ini`.
    /// - Tencent Cloud: `TENCENTCLOUD_SECRET_ID`, `TENCENTCLOUD_SECRET_KEY`; then
    ///   `[default]` of `~/.tencentcloud/credentials`.
    /// - Huawei Cloud: `HUAWEICLOUD_SDK_AK`, `HUAWEICLOUD_SDK_SK`, `HUAWEICLOUD_SDK_DOMAIN_ID`,
    ///   `HUAWEICLOUD_SDK_SECURITY_TOKEN`; then `[global]` of
    ///   `HUAWEICLOUD_SDK_CREDENTIALS_FILE` or `~/.huaweicloud/credentials`.
    /// - Oracle Primavera: `ORACLE_PRIMAVERA_TOKEN` (bearer), or
    ///   `ORACLE_PRIMAVERA_USERNAME` and `ORACLE_PRIMAVERA_PASSWORD` (Basic).
    pub fn from_sources(
        vendor: Vendor,
        env: &dyn Fn(&str) -> Option<String>,
        home: Option<&Path>,
    ) -> Result<Self, CloudError> {
        match vendor {
            Vendor::Alibaba => alibaba(env, home),
            Vendor::Tencent => tencent(env, home),
            Vendor::Huawei => huawei(env, home),
            Vendor::Oracle => oracle(env),
        }
    }
}

/// An id/secret pair from two variables: both, neither, or an error naming the missing one.
fn pair(
    env: &dyn Fn(&str) -> Option<String>,
    id: &str,
    secret: &str,
) -> Result<Option<Credentials>, CloudError> {
    match (env(id), env(secret)) {
        (Some(i), Some(s)) => Ok(Some(Credentials::access_key(i, s))),
        (None, None) => Ok(None),
        (Some(_), None) => Err(CloudError::configuration(format!("{id} is set but {secret} is not"))),
        (None, Some(_)) => Err(CloudError::configuration(format!("{secret} is set but {id} is not"))),
    }
}

/// One section of an INI file, or `None` when the file does not exist.
fn ini_section(path: &Path, section: &str) -> Result<Option<ini::Properties>, CloudError> {
    if !path.is_file() {
        return Ok(None);
    }
    let file = ini::Ini::load_from_file(path)
        .map_err(|e| CloudError::configuration(format!("cannot read {}: {e}", path.display())))?;
    Ok(file.section(Some(section)).cloned())
}

/// A value without a trailing `# comment`, as Alibaba's tools read them.
fn ini_value(section: &ini::Properties, key: &str) -> Option<String> {
    section
        .get(key)
        .map(|v| v.split('#').next().unwrap_or_default().trim().to_owned())
        .filter(|v| !v.is_empty())
}

fn alibaba(env: &dyn Fn(&str) -> Option<String>, home: Option<&Path>) -> Result<Credentials, CloudError> {
    if let Some(found) = pair(env, "ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET")? {
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

fn tencent(env: &dyn Fn(&str) -> Option<String>, home: Option<&Path>) -> Result<Credentials, CloudError> {
    if let Some(found) = pair(env, "TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY")? {
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

fn huawei(env: &dyn Fn(&str) -> Option<String>, home: Option<&Path>) -> Result<Credentials, CloudError> {
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
    if let Some(found) = pair(env, "HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK")? {
        return Ok(with_extras(
            found,
            env("HUAWEICLOUD_SDK_DOMAIN_ID"),
            env("HUAWEICLOUD_SDK_SECURITY_TOKEN"),
        ));
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

fn oracle(env: &dyn Fn(&str) -> Option<String>) -> Result<Credentials, CloudError> {
    if let Some(token) = env("ORACLE_PRIMAVERA_TOKEN") {
        return Ok(Credentials::bearer(token));
    }
    match (env("ORACLE_PRIMAVERA_USERNAME"), env("ORACLE_PRIMAVERA_PASSWORD")) {
        (Some(user), Some(password)) => Ok(Credentials::basic(user, password)),
        (Some(_), None) => Err(CloudError::configuration(
            "ORACLE_PRIMAVERA_USERNAME is set but ORACLE_PRIMAVERA_PASSWORD is not",
        )),
        _ => Err(CloudError::configuration(
            "no Oracle Primavera credentials: set ORACLE_PRIMAVERA_USERNAME and ORACLE_PRIMAVERA_PASSWORD, \
             or ORACLE_PRIMAVERA_TOKEN",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn environment_variables_come_first() {
        let env = lookup(&[
            ("ALIBABA_CLOUD_ACCESS_KEY_ID", "id"),
            ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "s3cr3t"),
            ("ALIBABA_CLOUD_SECURITY_TOKEN", "tok"),
        ]);
        let found = Credentials::from_sources(Vendor::Alibaba, &env, None).unwrap();
        assert_eq!(found, Credentials::access_key("id", "s3cr3t").with_security_token("tok"));

        let env = lookup(&[
            ("HUAWEICLOUD_SDK_AK", "ak"),
            ("HUAWEICLOUD_SDK_SK", "sk"),
            ("HUAWEICLOUD_SDK_DOMAIN_ID", "d"),
        ]);
        let found = Credentials::from_sources(Vendor::Huawei, &env, None).unwrap();
        assert_eq!(found, Credentials::access_key("ak", "sk").with_domain_id("d"));

        let env = lookup(&[("ORACLE_PRIMAVERA_USERNAME", "u"), ("ORACLE_PRIMAVERA_PASSWORD", "p")]);
        assert_eq!(
            Credentials::from_sources(Vendor::Oracle, &env, None).unwrap(),
            Credentials::basic("u", "p")
        );
        let env = lookup(&[("ORACLE_PRIMAVERA_TOKEN", "t")]);
        assert_eq!(Credentials::from_sources(Vendor::Oracle, &env, None).unwrap(), Credentials::bearer("t"));
    }

    #[test]
    fn a_half_set_pair_names_the_missing_variable() {
        let env = lookup(&[("TENCENTCLOUD_SECRET_ID", "id")]);
        let error = Credentials::from_sources(Vendor::Tencent, &env, None).unwrap_err();
        assert_eq!(error.message(), "TENCENTCLOUD_SECRET_ID is set but TENCENTCLOUD_SECRET_KEY is not");
    }

    #[test]
    fn credentials_files_are_read_like_the_vendors_tools() {
        let home = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(home.path().join(".alibabacloud")).unwrap();
        std::fs::write(
            home.path().join(".alibabacloud/credentials.ini"),
            "[default]\nenable = true\ntype = access_key\naccess_key_id = fid # a comment\naccess_key_secret = fsecret\n\
             [other]\ntype = ecs_ram_role\n",
        )
        .unwrap();
        std::fs::create_dir_all(home.path().join(".tencentcloud")).unwrap();
        std::fs::write(
            home.path().join(".tencentcloud/credentials"),
            "[default]\nsecret_id = tid\nsecret_key = tkey\n",
        )
        .unwrap();
        std::fs::create_dir_all(home.path().join(".huaweicloud")).unwrap();
        std::fs::write(
            home.path().join(".huaweicloud/credentials"),
            "[basic]\nak = wrong\nsk = wrong\n[global]\nak = hak\nsk = hsk\ndomain_id = dom\n",
        )
        .unwrap();
        let none = lookup(&[]);
        let h = Some(home.path());
        assert_eq!(
            Credentials::from_sources(Vendor::Alibaba, &none, h).unwrap(),
            Credentials::access_key("fid", "fsecret")
        );
        assert_eq!(
            Credentials::from_sources(Vendor::Tencent, &none, h).unwrap(),
            Credentials::access_key("tid", "tkey")
        );
        assert_eq!(
            Credentials::from_sources(Vendor::Huawei, &none, h).unwrap(),
            Credentials::access_key("hak", "hsk").with_domain_id("dom")
        );
        let other = lookup(&[("ALIBABA_CLOUD_PROFILE", "other")]);
        let error = Credentials::from_sources(Vendor::Alibaba, &other, h).unwrap_err();
        assert!(error.message().contains("only access_key is supported"), "{error}");
        let missing = Credentials::from_sources(Vendor::Alibaba, &none, None).unwrap_err();
        assert!(missing.message().starts_with("no Alibaba Cloud credentials"), "{missing}");
    }

    #[test]
    fn secrets_never_appear_in_debug() {
        let all = [
            Credentials::access_key("visible-id", "TOPSECRET-1").with_security_token("TOPSECRET-2"),
            Credentials::basic("user", "TOPSECRET-3"),
            Credentials::bearer("TOPSECRET-4"),
        ];
        for credentials in all {
            let shown = format!("{credentials:?} {credentials:#?}");
            assert!(!shown.contains("TOPSECRET"), "{shown}");
        }
        assert!(format!("{:?}", Credentials::access_key("visible-id", "x")).contains("visible-id"));
    }
}
