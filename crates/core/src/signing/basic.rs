//! HTTP Basic and Bearer authorization, used by Oracle Primavera Cloud Administration.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::{RequestParts, VerifyError};

/// The `Authorization` value for a user name and password.
pub fn basic(username: &str, password: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{username}:{password}")))
}

/// The `Authorization` value for an OAuth access token.
pub fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// Checks Basic credentials, returning the user name.
pub fn verify_basic(
    parts: &RequestParts,
    password_for: &dyn Fn(&str) -> Option<String>,
) -> Result<String, VerifyError> {
    let encoded = parts
        .authorization()?
        .strip_prefix("Basic ")
        .ok_or_else(|| VerifyError::Malformed("not Basic authorization".to_owned()))?;
    let decoded =
        STANDARD.decode(encoded.trim()).map_err(|_| VerifyError::Malformed("bad base64".to_owned()))?;
    let decoded = String::from_utf8(decoded).map_err(|_| VerifyError::Malformed("not UTF-8".to_owned()))?;
    let (user, password) =
        decoded.split_once(':').ok_or_else(|| VerifyError::Malformed("no `:` in credentials".to_owned()))?;
    let expected = password_for(user).ok_or_else(|| VerifyError::UnknownKey(user.to_owned()))?;
    if expected != password {
        return Err(VerifyError::SignatureMismatch { expected_string_to_sign: String::new() });
    }
    Ok(user.to_owned())
}

/// Checks a bearer token against the one accepted token.
pub fn verify_bearer(parts: &RequestParts, accepted: &str) -> Result<(), VerifyError> {
    let token = parts
        .authorization()?
        .strip_prefix("Bearer ")
        .ok_or_else(|| VerifyError::Malformed("not Bearer authorization".to_owned()))?;
    if token == accepted { Ok(()) } else { Err(VerifyError::UnknownKey("token".to_owned())) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_follows_rfc_7617() {
        // RFC 7617, section 2: "Aladdin" / "open sesame".
        assert_eq!(basic("Aladdin", "open sesame"), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        let parts = RequestParts::from_target(
            "GET",
            "/",
            vec![("Authorization".to_owned(), basic("Aladdin", "open sesame"))],
            vec![],
        );
        assert_eq!(verify_basic(&parts, &|_| Some("open sesame".to_owned())).unwrap(), "Aladdin");
        assert!(verify_basic(&parts, &|_| Some("closed".to_owned())).is_err());
    }
}
