//! Tencent Cloud TC3-HMAC-SHA256 (API 3.0 signatures), used by Organization.

use std::time::SystemTime;

use http::HeaderName;
use http::header::AUTHORIZATION;

use super::{RequestParts, Signable, SignatureHeaders, SignedHeader, SigningKeyCache, VerifyError};
use super::{authorization_fields, canonical_request_of, field, hmac_sha256, named_headers, sha256_hex};

/// The algorithm name that opens the `Authorization` header.
pub const ALGORITHM: &str = "TC3-HMAC-SHA256";

const X_TC_TIMESTAMP: HeaderName = HeaderName::from_static("x-tc-timestamp");
const X_TC_TOKEN: HeaderName = HeaderName::from_static("x-tc-token");

/// The headers the official SDK signs; the server accepts more but needs these.
const SIGNED: [&str; 2] = ["content-type", "host"];

/// The canonical request over `signed` headers (values lower-cased, as Tencent requires).
pub fn canonical_request<S: AsRef<str>>(
    request: &impl Signable,
    signed: &[S],
) -> Result<String, VerifyError> {
    Ok(canonical_request_over(request, &named_headers(request, signed)?))
}

fn canonical_request_over(request: &impl Signable, signed: &[SignedHeader<'_>]) -> String {
    let body_hash = sha256_hex(request.body());
    canonical_request_of(
        request.method(),
        request.path(),
        &request.canonical_query(),
        signed,
        true,
        &body_hash,
    )
}

/// `<date>/<service>/tc3_request` for a Unix timestamp.
pub fn credential_scope(timestamp: i64, service: &str) -> String {
    let stamp = super::utc_stamp(super::unix_time(timestamp), true);
    let date = stamp.split('T').next().unwrap_or_default();
    super::concat(&[date, "/", service, "/tc3_request"])
}

/// The string to sign for a canonical request.
pub fn string_to_sign(timestamp: i64, scope: &str, canonical_request: &str) -> String {
    let hash = sha256_hex(canonical_request.as_bytes());
    super::concat(&[ALGORITHM, "\n", &timestamp.to_string(), "\n", scope, "\n", &hash])
}

/// The key that signs one UTC day's requests to one service: HMACs chained
/// from the secret key over the date, the service and `tc3_request`.
pub fn signing_key(secret_key: &str, date: &str, service: &str) -> [u8; 32] {
    let secret_date = hmac_sha256(super::concat(&["TC3", secret_key]).as_bytes(), date.as_bytes());
    let secret_service = hmac_sha256(&secret_date, service.as_bytes());
    hmac_sha256(&secret_service, b"tc3_request")
}

/// The hex signature: HMAC chained over date, service and `tc3_request`.
pub fn signature(secret_key: &str, scope: &str, string_to_sign: &str) -> super::Hex {
    let mut parts = scope.split('/');
    let (date, service) = (parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
    super::Hex::of(&hmac_sha256(&signing_key(secret_key, date, service), string_to_sign.as_bytes()))
}

/// The timestamp, token and `Authorization` headers that sign `request`, which
/// must carry `host`, `content-type`, `x-tc-action` and `x-tc-version`.
/// The signing key comes from `keys` when it was derived for the same
/// secret, day and service: a client derives one key a day rather than one per
/// request (four HMACs, a third of a signature's cost).
pub fn signature_headers(
    request: &impl Signable,
    keys: &SigningKeyCache,
    secret_id: &str,
    secret_key: &str,
    token: Option<&str>,
    service: &str,
    now: SystemTime,
) -> SignatureHeaders {
    let timestamp = super::unix_seconds(now);
    let scope = credential_scope(timestamp, service);
    let date = scope.split('/').next().unwrap_or_default();
    let value = |name| request.header(name).expect("content-type and host are set before signing");
    let signed = SIGNED.map(|name| (name, value(name)));
    let canonical = canonical_request_over(request, &signed);
    let string_to_sign = string_to_sign(timestamp, &scope, &canonical);
    let key = keys.key(secret_key, &scope, || super::hmac_key(&signing_key(secret_key, date, service)));
    let signature = super::Hex::of(&super::hmac_with(&key, string_to_sign.as_bytes()));
    let authorization = super::authorization(
        &[ALGORITHM, " Credential=", secret_id, "/", &scope, ", SignedHeaders="],
        &signed,
        &[", Signature=", &signature],
    );
    let mut headers = Vec::with_capacity(3);
    headers.push((X_TC_TIMESTAMP, timestamp.to_string()));
    if let Some(token) = token {
        headers.push((X_TC_TOKEN, token.to_owned()));
    }
    headers.push((AUTHORIZATION, authorization));
    headers
}

/// Sets the headers of [`signature_headers`] on `parts`, with a new key cache.
pub fn sign(
    parts: &mut RequestParts,
    secret_id: &str,
    secret_key: &str,
    token: Option<&str>,
    service: &str,
    now: SystemTime,
) {
    let headers =
        signature_headers(parts, &SigningKeyCache::default(), secret_id, secret_key, token, service, now);
    parts.set_headers(headers);
}

/// Checks the signature of a request signed by anyone, returning its secret id.
pub fn verify(
    parts: &RequestParts,
    secret_for: &dyn Fn(&str) -> Option<String>,
) -> Result<String, VerifyError> {
    let fields = authorization_fields(parts.authorization()?, ALGORITHM)?;
    let credential = field(&fields, "Credential")?;
    let (secret_id, scope) = credential
        .split_once('/')
        .ok_or_else(|| VerifyError::Malformed("Credential has no scope".to_owned()))?;
    let signed: Vec<String> = field(&fields, "SignedHeaders")?.split(';').map(str::to_owned).collect();
    for required in SIGNED {
        if !signed.iter().any(|s| s == required) {
            return Err(VerifyError::NotSigned(required.to_owned()));
        }
    }
    let timestamp: i64 = parts
        .header(X_TC_TIMESTAMP.as_str())
        .ok_or(VerifyError::Missing("X-TC-Timestamp"))?
        .parse()
        .map_err(|_| VerifyError::Malformed("X-TC-Timestamp is not a number".to_owned()))?;
    let secret_key = secret_for(secret_id).ok_or_else(|| VerifyError::UnknownKey(secret_id.to_owned()))?;
    let expected = string_to_sign(timestamp, scope, &canonical_request(parts, &signed)?);
    if signature(&secret_key, scope, &expected) != field(&fields, "Signature")? {
        return Err(VerifyError::SignatureMismatch { expected_string_to_sign: expected });
    }
    Ok(secret_id.to_owned())
}

/// When a request was signed (Unix seconds), from its `X-TC-Timestamp`.
pub fn signed_at(parts: &RequestParts) -> Option<i64> {
    parts.header(X_TC_TIMESTAMP.as_str())?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE";
    /// The body of Tencent Cloud's signature documentation, byte for byte.
    const BODY: &str =
        r#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;

    fn documented_request() -> RequestParts {
        let headers = vec![
            ("content-type".to_owned(), "application/json; charset=utf-8".to_owned()),
            ("host".to_owned(), "cvm.tencentcloudapi.com".to_owned()),
        ];
        RequestParts::from_target("POST", "/", headers, BODY.as_bytes().to_vec())
    }

    #[test]
    fn reproduces_the_published_vector() {
        let parts = documented_request();
        let signed = vec!["content-type".to_owned(), "host".to_owned()];
        let canonical = canonical_request(&parts, &signed).unwrap();
        assert_eq!(
            sha256_hex(canonical.as_bytes()),
            "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
        );
        let scope = credential_scope(1_551_113_065, "cvm");
        assert_eq!(scope, "2019-02-25/cvm/tc3_request");
        assert_eq!(
            signature(SECRET_KEY, &scope, &string_to_sign(1_551_113_065, &scope, &canonical)),
            "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
        );
    }

    #[test]
    fn sign_then_verify() {
        let mut parts = documented_request();
        let now = super::super::unix_time(1_551_113_065);
        sign(&mut parts, "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", SECRET_KEY, None, "cvm", now);
        assert_eq!(
            parts.header("authorization").unwrap(),
            "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, \
             SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
        );
        let secret = |_: &str| Some(SECRET_KEY.to_owned());
        assert!(verify(&parts, &secret).is_ok());
        let mut tampered = parts.clone();
        tampered.body.push(b' ');
        assert!(matches!(verify(&tampered, &secret), Err(VerifyError::SignatureMismatch { .. })));
    }

    #[test]
    fn a_cached_key_signs_as_a_derived_one_and_is_derived_again_when_anything_changes() {
        let documented = "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, \
             SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168";
        let now = super::super::unix_time(1_551_113_065);
        let cache = SigningKeyCache::default();
        for _ in 0..2 {
            let headers = signature_headers(
                &documented_request(),
                &cache,
                "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
                SECRET_KEY,
                None,
                "cvm",
                now,
            );
            assert_eq!(headers.last().map(|(_, value)| value.as_str()), Some(documented));
        }
        // Another secret, day or service each gives another signature.
        let fresh = SigningKeyCache::default;
        let signature_with = |secret: &str, at: i64, service: &str| {
            let at = super::super::unix_time(at);
            let headers = signature_headers(&documented_request(), &cache, "id", secret, None, service, at);
            assert_eq!(
                headers,
                signature_headers(&documented_request(), &fresh(), "id", secret, None, service, at)
            );
            headers
        };
        let first = signature_with(SECRET_KEY, 1_551_113_065, "cvm");
        let next_day = 1_551_113_065 + 86_400;
        for (secret, at, service) in [
            ("another", 1_551_113_065, "cvm"),
            (SECRET_KEY, next_day, "cvm"),
            (SECRET_KEY, 1_551_113_065, "cbs"),
        ] {
            assert_ne!(signature_with(secret, at, service), first);
        }
    }
}
