//! Credentials: given in code, or found the way each vendor's own tools find them.

use std::fmt;

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
}

#[cfg(test)]
mod tests {
    use super::*;

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
