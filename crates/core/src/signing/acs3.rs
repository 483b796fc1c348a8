//! Alibaba Cloud ACS3-HMAC-SHA256 (signature V3), used by EIAM and CloudSSO.

use std::time::SystemTime;

use http::HeaderName;
use http::header::AUTHORIZATION;

use super::{
    RequestParts, Signable, SignatureHeaders, SignedHeader, SigningKeyCache, VerifyError, WithAdded,
};
use super::{authorization_fields, canonical_request_of, field, hmac_sha256, named_headers, sha256_hex};

/// The algorithm name that opens the `Authorization` header.
pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";

const X_ACS_DATE: HeaderName = HeaderName::from_static("x-acs-date");
const X_ACS_SIGNATURE_NONCE: HeaderName = HeaderName::from_static(NONCE_HEADER);
const X_ACS_CONTENT_SHA256: HeaderName = HeaderName::from_static("x-acs-content-sha256");
const X_ACS_SECURITY_TOKEN: HeaderName = HeaderName::from_static("x-acs-security-token");

/// Whether a header must be signed: `host`, every `x-acs-*` header and
/// `content-type` when sent.
fn must_sign(name: &str) -> bool {
    name == "host" || name == "content-type" || name.starts_with("x-acs-")
}

/// The canonical request over the headers in `signed` (sorted, lower-case).
pub fn canonical_request<S: AsRef<str>>(
    request: &impl Signable,
    signed: &[S],
) -> Result<String, VerifyError> {
    Ok(canonical_request_over(request, &named_headers(request, signed)?, &sha256_hex(request.body())))
}

fn canonical_request_over(request: &impl Signable, signed: &[SignedHeader<'_>], body_hash: &str) -> String {
    canonical_request_of(
        request.method(),
        request.path(),
        &request.canonical_query(),
        signed,
        false,
        body_hash,
    )
}

/// `ACS3-HMAC-SHA256\n` and the hashed canonical request.
pub fn string_to_sign(canonical_request: &str) -> String {
    String::from_utf8_lossy(&string_to_sign_bytes(canonical_request)).into_owned()
}

/// [`string_to_sign`] on the stack: it has a fixed length, and a signer
/// only hashes it.
fn string_to_sign_bytes(canonical_request: &str) -> [u8; ALGORITHM.len() + 65] {
    let mut out = [0u8; ALGORITHM.len() + 65];
    let (algorithm, rest) = out.split_at_mut(ALGORITHM.len());
    algorithm.copy_from_slice(ALGORITHM.as_bytes());
    // The array's length leaves exactly a newline and the hash after the name.
    if let Some((newline, hash)) = rest.split_first_mut() {
        *newline = b'\n';
        hash.copy_from_slice(&sha256_hex(canonical_request.as_bytes()).0);
    }
    out
}

/// The hex signature of `string_to_sign` under the access key secret.
pub fn signature(secret: &str, string_to_sign: &str) -> super::Hex {
    super::Hex::of(&hmac_sha256(secret.as_bytes(), string_to_sign.as_bytes()))
}

/// The date, nonce, payload hash, token and `Authorization` headers that sign
/// `request`, which must already carry `host`, `x-acs-action` and `x-acs-version`.
/// The secret's HMAC key comes from `keys`, prepared once per client.
pub fn signature_headers(
    request: &impl Signable,
    keys: &SigningKeyCache,
    access_key_id: &str,
    secret: &str,
    security_token: Option<&str>,
    now: SystemTime,
    nonce: &str,
) -> SignatureHeaders {
    let body_hash = sha256_hex(request.body());
    let mut added = Vec::with_capacity(5);
    added.push((X_ACS_DATE, super::utc_stamp(now, true)));
    added.push((X_ACS_SIGNATURE_NONCE, nonce.to_owned()));
    added.push((X_ACS_CONTENT_SHA256, body_hash.as_str().to_owned()));
    if let Some(token) = security_token {
        added.push((X_ACS_SECURITY_TOKEN, token.to_owned()));
    }
    let with_added = WithAdded { request, added: &added };
    let signed = super::signed_headers(&with_added, must_sign);
    let canonical = canonical_request_over(request, &signed, &body_hash);
    let signature = keys.sign_with_secret(secret, &string_to_sign_bytes(&canonical));
    let authorization = super::authorization(
        &[ALGORITHM, " Credential=", access_key_id, ",SignedHeaders="],
        &signed,
        &[",Signature=", &signature],
    );
    added.push((AUTHORIZATION, authorization));
    added
}

/// Sets the headers of [`signature_headers`] on `parts`, with a new key cache.
pub fn sign(
    parts: &mut RequestParts,
    access_key_id: &str,
    secret: &str,
    security_token: Option<&str>,
    now: SystemTime,
    nonce: &str,
) {
    let headers = signature_headers(
        parts,
        &SigningKeyCache::default(),
        access_key_id,
        secret,
        security_token,
        now,
        nonce,
    );
    parts.set_headers(headers);
}

/// Checks the signature of a request signed by anyone, returning its key id.
pub fn verify(
    parts: &RequestParts,
    secret_for: &dyn Fn(&str) -> Option<String>,
) -> Result<String, VerifyError> {
    let fields = authorization_fields(parts.authorization()?, ALGORITHM)?;
    let key_id = field(&fields, "Credential")?;
    let signed: Vec<String> = field(&fields, "SignedHeaders")?.split(';').map(str::to_owned).collect();
    for (name, _) in &parts.headers {
        if must_sign(name) && !signed.contains(name) {
            return Err(VerifyError::NotSigned(name.clone()));
        }
    }
    if parts.header(X_ACS_CONTENT_SHA256.as_str()).is_some_and(|hash| sha256_hex(&parts.body) != hash) {
        return Err(VerifyError::Malformed("x-acs-content-sha256 does not match the body".to_owned()));
    }
    let secret = secret_for(key_id).ok_or_else(|| VerifyError::UnknownKey(key_id.to_owned()))?;
    let expected = string_to_sign(&canonical_request(parts, &signed)?);
    if signature(&secret, &expected) != field(&fields, "Signature")? {
        return Err(VerifyError::SignatureMismatch { expected_string_to_sign: expected });
    }
    Ok(key_id.to_owned())
}

/// The header that carries the per-request nonce, which servers refuse to see twice.
pub const NONCE_HEADER: &str = "x-acs-signature-nonce";

/// When a request was signed (Unix seconds), from its `x-acs-date`.
pub fn signed_at(parts: &RequestParts) -> Option<i64> {
    let date = parts.header(X_ACS_DATE.as_str())?;
    // Alibaba documents exactly `yyyy-MM-ddTHH:mm:ssZ`; the parser alone would
    // also take fractions and offsets.
    if date.len() != 20 {
        return None;
    }
    humantime::parse_rfc3339(date).ok().map(super::unix_seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of Alibaba Cloud's V3 signature documentation
    /// (<https://www.alibabacloud.com/help/en/sdk/product-overview/v3-request-structure-and-signature>;
    /// see `docs/protocols.md`).
    fn documented_request() -> RequestParts {
        let headers = [
            ("host", "ecs.cn-shanghai.aliyuncs.com"),
            ("x-acs-action", "RunInstances"),
            ("x-acs-version", "2014-05-26"),
            ("x-acs-date", "2023-10-26T10:22:32Z"),
            ("x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d"),
            ("x-acs-content-sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ];
        RequestParts::from_target(
            "POST",
            "/?ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai",
            headers.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect(),
            Vec::new(),
        )
    }

    #[test]
    fn the_signing_time_is_read_back_from_x_acs_date() {
        // The documented request's date; `date -u -d @1698315752` writes it.
        assert_eq!(signed_at(&documented_request()), Some(1_698_315_752));
        for hostile in [
            "2023-10-26T10:22:32",
            "2023-13-26T10:22:32Z",
            "2023-10-26 10:22:32Z",
            "yesterday",
            "2023-10-26T10:22:32ZjunkZ",
            "2023-10-26T10:22:32.1Z",
            "2023-10-26T10:22:32+00:00",
            "2023-10-26T10:22:éZ",
        ] {
            let mut parts = documented_request();
            parts.set_header("x-acs-date", hostile);
            assert_eq!(signed_at(&parts), None, "{hostile}");
        }
    }

    #[test]
    fn reproduces_the_published_vector() {
        let parts = documented_request();
        let mut signed: Vec<String> = parts.headers.iter().map(|(n, _)| n.clone()).collect();
        signed.sort();
        let canonical = canonical_request(&parts, &signed).unwrap();
        assert_eq!(
            sha256_hex(canonical.as_bytes()),
            "7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259"
        );
        assert_eq!(
            signature("YourAccessKeySecret", &string_to_sign(&canonical)),
            "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"
        );
    }

    #[test]
    fn sign_then_verify_with_the_documented_time_and_nonce() {
        let mut parts = documented_request();
        parts.headers.retain(|(n, _)| {
            !matches!(n.as_str(), "x-acs-date" | "x-acs-signature-nonce" | "x-acs-content-sha256")
        });
        let now = super::super::unix_time(1_698_315_752); // 2023-10-26T10:22:32Z
        sign(
            &mut parts,
            "YourAccessKeyId",
            "YourAccessKeySecret",
            None,
            now,
            "3156853299f313e23d1673dc12e1703d",
        );
        assert_eq!(
            parts.header("authorization").unwrap(),
            "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;x-acs-content-sha256;\
             x-acs-date;x-acs-signature-nonce;x-acs-version,\
             Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"
        );
        let secret = |id: &str| (id == "YourAccessKeyId").then(|| "YourAccessKeySecret".to_owned());
        assert_eq!(verify(&parts, &secret).unwrap(), "YourAccessKeyId");

        let mut tampered = parts.clone();
        tampered.query[0].1.push('x');
        assert!(matches!(verify(&tampered, &secret), Err(VerifyError::SignatureMismatch { .. })));
        let wrong = |_: &str| Some("another secret".to_owned());
        assert!(matches!(verify(&parts, &wrong), Err(VerifyError::SignatureMismatch { .. })));
    }
}
