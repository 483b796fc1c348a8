//! Huawei Cloud SDK-HMAC-SHA256 (AK/SK signatures), used by IAM Identity Center.

use std::time::SystemTime;

use http::HeaderName;
use http::header::AUTHORIZATION;
use percent_encoding::percent_decode_str;

use super::{
    RequestParts, Signable, SignatureHeaders, SignedHeader, SigningKeyCache, VerifyError, WithAdded,
};
use super::{authorization_fields, canonical_request_of, field, hmac_sha256, named_headers, sha256_hex};

/// The algorithm name that opens the `Authorization` header.
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";

const X_SDK_DATE: HeaderName = HeaderName::from_static("x-sdk-date");
const X_SECURITY_TOKEN: HeaderName = HeaderName::from_static("x-security-token");

/// Each path segment decoded and encoded again per RFC 3986, with the trailing
/// `/` that Huawei's canonical URI always has.
pub fn canonical_uri(path: &str) -> String {
    let mut uri = String::with_capacity(path.len().saturating_add(1));
    // The usual path, of unreserved characters and `/` only, decodes and
    // encodes to itself.
    if path.bytes().all(|byte| byte == b'/' || super::is_unreserved_byte(byte)) {
        uri.push_str(path);
    } else {
        push_reencoded_segments(&mut uri, path);
    }
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// Each segment of `path` decoded and encoded again per RFC 3986, joined by `/`.
fn push_reencoded_segments(uri: &mut String, path: &str) {
    for (i, segment) in path.split('/').enumerate() {
        if i > 0 {
            uri.push('/');
        }
        let decoded = percent_decode_str(segment).decode_utf8_lossy();
        uri.extend(percent_encoding::utf8_percent_encode(&decoded, super::RFC3986));
    }
}

/// The canonical request over `signed` headers.
pub fn canonical_request<S: AsRef<str>>(
    request: &impl Signable,
    signed: &[S],
) -> Result<String, VerifyError> {
    Ok(canonical_request_over(request, &named_headers(request, signed)?))
}

fn canonical_request_over(request: &impl Signable, signed: &[SignedHeader<'_>]) -> String {
    let (uri, query, body_hash) =
        (canonical_uri(request.path()), request.canonical_query(), sha256_hex(request.body()));
    canonical_request_of(request.method(), &uri, &query, signed, false, &body_hash)
}

/// `SDK-HMAC-SHA256\n<X-Sdk-Date>\n` and the hashed canonical request.
pub fn string_to_sign(sdk_date: &str, canonical_request: &str) -> String {
    super::concat(&[ALGORITHM, "\n", sdk_date, "\n", &sha256_hex(canonical_request.as_bytes())])
}

/// The hex signature under the secret key (no key derivation).
pub fn signature(secret_key: &str, string_to_sign: &str) -> super::Hex {
    super::Hex::of(&hmac_sha256(secret_key.as_bytes(), string_to_sign.as_bytes()))
}

/// `X-Sdk-Date`, the temporary credentials' `X-Security-Token` and
/// `Authorization`, signing every header `request` carries with them, as the
/// official SDK does.
/// The secret's HMAC key comes from `keys`, prepared once per client.
pub fn signature_headers(
    request: &impl Signable,
    keys: &SigningKeyCache,
    access_key: &str,
    secret_key: &str,
    security_token: Option<&str>,
    now: SystemTime,
) -> SignatureHeaders {
    let mut added = Vec::with_capacity(3);
    if let Some(token) = security_token {
        added.push((X_SECURITY_TOKEN, token.to_owned()));
    }
    let date = super::utc_stamp(now, false);
    added.push((X_SDK_DATE, date.clone()));
    let with_added = WithAdded { request, added: &added };
    let signed = super::signed_headers(&with_added, |name| name != "authorization");
    let canonical = canonical_request_over(&with_added, &signed);
    let signature = keys.sign_with_secret(secret_key, string_to_sign(&date, &canonical).as_bytes());
    let authorization = super::authorization(
        &[ALGORITHM, " Access=", access_key, ", SignedHeaders="],
        &signed,
        &[", Signature=", &signature],
    );
    added.push((AUTHORIZATION, authorization));
    added
}

/// Sets the headers of [`signature_headers`] on `parts`, with a new key cache.
pub fn sign(
    parts: &mut RequestParts,
    access_key: &str,
    secret_key: &str,
    security_token: Option<&str>,
    now: SystemTime,
) {
    let headers =
        signature_headers(parts, &SigningKeyCache::default(), access_key, secret_key, security_token, now);
    parts.set_headers(headers);
}

/// Checks the signature of a request signed by anyone, returning its access key.
pub fn verify(
    parts: &RequestParts,
    secret_for: &dyn Fn(&str) -> Option<String>,
) -> Result<String, VerifyError> {
    let fields = authorization_fields(parts.authorization()?, ALGORITHM)?;
    let access_key = field(&fields, "Access")?;
    let signed: Vec<String> = field(&fields, "SignedHeaders")?.split(';').map(str::to_owned).collect();
    for required in ["host", X_SDK_DATE.as_str()] {
        if !signed.iter().any(|s| s == required) {
            return Err(VerifyError::NotSigned(required.to_owned()));
        }
    }
    let date = parts.header(X_SDK_DATE.as_str()).ok_or(VerifyError::Missing("X-Sdk-Date"))?;
    let secret_key = secret_for(access_key).ok_or_else(|| VerifyError::UnknownKey(access_key.to_owned()))?;
    let expected = string_to_sign(date, &canonical_request(parts, &signed)?);
    if signature(&secret_key, &expected) != field(&fields, "Signature")? {
        return Err(VerifyError::SignatureMismatch { expected_string_to_sign: expected });
    }
    Ok(access_key.to_owned())
}

/// When a request was signed (Unix seconds), from its `X-Sdk-Date`.
pub fn signed_at(parts: &RequestParts) -> Option<i64> {
    // `20191115T033655Z`: written with RFC 3339's separators, which the
    // parser requires and which also checks every field's range.
    let date = parts.header(X_SDK_DATE.as_str())?;
    if date.len() != 16 || !date.is_ascii() || date.get(8..9) != Some("T") || !date.ends_with('Z') {
        return None;
    }
    let piece = |range: std::ops::Range<usize>| date.get(range).unwrap_or_default();
    let rfc3339 = super::concat(&[
        piece(0..4),
        "-",
        piece(4..6),
        "-",
        piece(6..8),
        "T",
        piece(9..11),
        ":",
        piece(11..13),
        ":",
        piece(13..15),
        "Z",
    ]);
    humantime::parse_rfc3339(&rfc3339).ok().map(super::unix_seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET_KEY: &str = "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc";

    /// The example of Huawei Cloud's AK/SK signing documentation
    /// (<https://support.huaweicloud.com/intl/en-us/devg-apisign/api-sign-algorithm-005.html>;
    /// see `docs/protocols.md`).
    fn documented_request() -> RequestParts {
        let headers = [
            ("content-type", "application/json"),
            ("host", "service.region.example.com"),
            ("x-sdk-date", "20191115T033655Z"),
        ];
        RequestParts::from_target(
            "GET",
            "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs?limit=2&marker=13551d6b-755d-4757-b956-536f674975c0",
            headers.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect(),
            Vec::new(),
        )
    }

    #[test]
    fn reproduces_the_published_vector() {
        let parts = documented_request();
        let signed: Vec<String> =
            ["content-type", "host", "x-sdk-date"].iter().map(|s| s.to_string()).collect();
        let canonical = canonical_request(&parts, &signed).unwrap();
        assert_eq!(
            sha256_hex(canonical.as_bytes()),
            "b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a"
        );
        assert_eq!(
            signature(SECRET_KEY, &string_to_sign("20191115T033655Z", &canonical)),
            "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe"
        );
    }

    #[test]
    fn sign_then_verify() {
        let mut parts = documented_request();
        parts.headers.retain(|(n, _)| n != "x-sdk-date");
        let now = super::super::unix_time(1_573_789_015); // 2019-11-15T03:36:55Z
        sign(&mut parts, "QTWAOYTTINDUT2QVKYUC", SECRET_KEY, None, now);
        assert_eq!(
            parts.header("authorization").unwrap(),
            "SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, \
             Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe"
        );
        let secret = |_: &str| Some(SECRET_KEY.to_owned());
        assert!(verify(&parts, &secret).is_ok());
        let mut tampered = parts.clone();
        tampered.path.push('s');
        assert!(matches!(verify(&tampered, &secret), Err(VerifyError::SignatureMismatch { .. })));
    }

    #[test]
    fn the_signing_time_is_read_back_from_x_sdk_date() {
        // The documented request's date; `date -u -d @1573789015` writes it.
        assert_eq!(signed_at(&documented_request()), Some(1_573_789_015));
        for hostile in [
            "20191315T033655Z",
            "20191115T246055Z",
            "2019111aT033655Z",
            "20191115T0336éZ",
            "20191115 033655Z",
        ] {
            let mut parts = documented_request();
            parts.set_header("x-sdk-date", hostile);
            assert_eq!(signed_at(&parts), None, "{hostile}");
        }
    }

    #[test]
    fn canonical_uri_always_ends_with_a_slash() {
        assert_eq!(
            canonical_uri("/v1/identity-center-service/status"),
            "/v1/identity-center-service/status/"
        );
        assert_eq!(canonical_uri("/a%20b/"), "/a%20b/");
    }

    #[test]
    fn canonical_uri_decodes_and_encodes_each_segment_unless_nothing_would_change() {
        // Lower-case escapes come back upper-case, `*`, `+` and non-ASCII encoded.
        for (path, expected) in [
            ("/a%2a", "/a%2A/"),
            ("/%7e", "/~/"),
            ("/a%2Fb", "/a%2Fb/"),
            ("/a+b", "/a%2Bb/"),
            ("/b*c", "/b%2Ac/"),
            ("/é", "/%C3%A9/"),
        ] {
            assert_eq!(canonical_uri(path), expected, "{path}");
        }
        // Every path, whichever way it is written, is the general way's result with its `/`.
        for path in
            ["", "/", "/v1/x", "/A-z_0.9~/", "//a", "/a%2a", "/%7e/x", "/a+b", "/a b", "/é/", "/%", "/a%zz"]
        {
            let mut reencoded = String::new();
            push_reencoded_segments(&mut reencoded, path);
            if !reencoded.ends_with('/') {
                reencoded.push('/');
            }
            assert_eq!(canonical_uri(path), reencoded, "{path}");
        }
    }
}
