//! Request signing: the parts of a request that signatures cover, the helpers
//! the vendors' canonicalizations share, and one module per scheme.
//!
//! Each scheme exposes `sign` (adds headers to a [`RequestParts`]) and
//! `verify` (recomputes the signature of a request someone else signed, from
//! the headers its `Authorization` names). The emulator and the tests use
//! `verify` on requests recorded from the vendors' official SDKs, which is what
//! shows that the canonicalization here is the vendor's.

#[cfg(feature = "alibaba")]
pub mod acs3;
#[cfg(feature = "oracle")]
pub mod basic;
#[cfg(feature = "huawei")]
pub mod sdk_hmac;
#[cfg(feature = "tencent")]
pub mod tc3;

use std::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// RFC 3986 unreserved characters stay; everything else is percent-encoded
/// with upper-case hex. All three HMAC schemes encode query strings this way.
const RFC3986: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// What a signature covers, independent of any HTTP library. Its `Debug`
/// shows the headers that carry signatures, passwords and tokens as
/// `<redacted>` (see [`is_secret_header`]).
#[derive(Clone, PartialEq, Eq)]
pub struct RequestParts {
    /// Upper-case method.
    pub method: String,
    /// The path as sent, percent-encoded.
    pub path: String,
    /// Decoded query parameters in the order sent.
    pub query: Vec<(String, String)>,
    /// Headers with lower-case names, in the order sent.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

/// Whether a header's value is a secret or proves one: `Authorization` (a
/// signature, a Basic password, a bearer token) and the vendors' token headers.
pub fn is_secret_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name == "authorization" || name.ends_with("-token") || name.ends_with("security-token")
}

impl std::fmt::Debug for RequestParts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, value)| {
                (name.as_str(), if is_secret_header(name) { "<redacted>" } else { value.as_str() })
            })
            .collect();
        f.debug_struct("RequestParts")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &headers)
            .field("body", &String::from_utf8_lossy(&self.body))
            .finish()
    }
}

impl RequestParts {
    /// Splits a request target such as `/?A=1&B=%2A` into path and decoded query.
    pub fn from_target(method: &str, target: &str, headers: Vec<(String, String)>, body: Vec<u8>) -> Self {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let query = query
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                (decode_query_component(name), decode_query_component(value))
            })
            .collect();
        let headers = headers.into_iter().map(|(name, value)| (name.to_ascii_lowercase(), value)).collect();
        Self { method: method.to_ascii_uppercase(), path: path.to_owned(), query, headers, body }
    }

    /// The value of header `name` (lower-case), if sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// Sets header `name` (lower-case), replacing an earlier value.
    pub fn set_header(&mut self, name: &str, value: impl Into<String>) {
        if self.headers.iter().any(|(n, _)| n == name) {
            self.headers.retain(|(n, _)| n != name);
        }
        // A signer adds up to five headers: one allocation for all of them.
        self.headers.reserve(5);
        self.headers.push((name.to_owned(), value.into()));
    }

    /// The `Authorization` header, or the error a verifier reports without one.
    pub fn authorization(&self) -> Result<&str, VerifyError> {
        self.header("authorization").ok_or(VerifyError::Missing("Authorization"))
    }
}

fn decode_query_component(text: &str) -> String {
    // Form encoding writes spaces as `+`; RFC 3986 encoders never emit a raw `+`
    // for data, so reading `+` as a space is right for both.
    percent_decode_str(&text.replace('+', " ")).decode_utf8_lossy().into_owned()
}

/// Percent-encodes `text` per RFC 3986 (space `%20`, `*` `%2A`, `~` kept).
pub fn rfc3986(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_rfc3986(&mut out, text);
    out
}

/// Whether `text` is RFC 3986 unreserved characters only, which encoding leaves as they are.
fn is_unreserved(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~".contains(&b))
}

/// Appends `text` percent-encoded per RFC 3986. Most names and values need no
/// encoding at all, and are copied as they are.
fn push_rfc3986(out: &mut String, text: &str) {
    if is_unreserved(text) {
        out.push_str(text);
    } else {
        out.extend(utf8_percent_encode(text, RFC3986));
    }
}

/// The query string in canonical form: RFC 3986 encoded, sorted by name, then value.
pub fn canonical_query(query: &[(String, String)]) -> String {
    let mut out = String::new();
    push_canonical_query(&mut out, query);
    out
}

/// Appends the canonical query. Pairs are sorted by their encoded forms, as
/// the vendors sort them; encoding never changes the order of two strings of
/// unreserved characters, so a query without reserved ones (the usual case)
/// is sorted as it is, without encoding it twice.
fn push_canonical_query(out: &mut String, query: &[(String, String)]) {
    let encoded: Vec<(String, String)>;
    let mut pairs: Vec<(&str, &str)> =
        if query.iter().all(|(name, value)| is_unreserved(name) && is_unreserved(value)) {
            query.iter().map(|(name, value)| (name.as_str(), value.as_str())).collect()
        } else {
            encoded = query.iter().map(|(name, value)| (rfc3986(name), rfc3986(value))).collect();
            encoded.iter().map(|(name, value)| (name.as_str(), value.as_str())).collect()
        };
    pairs.sort_unstable();
    for (i, (name, value)) in pairs.into_iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(name);
        out.push('=');
        out.push_str(value);
    }
}

#[cfg(any(feature = "alibaba", feature = "tencent", feature = "huawei"))]
/// The canonical request the three HMAC schemes share: method, URI, query,
/// `name:value` lines of the signed headers, their names joined by `;`, and
/// the body's hash, each on its own line, written into one buffer.
pub(crate) fn canonical_request_of<S: AsRef<str>>(
    parts: &RequestParts,
    uri: &str,
    signed: &[S],
    lowercase_values: bool,
    body_hash: &str,
) -> Result<String, VerifyError> {
    let mut out = String::with_capacity(
        256usize.saturating_add(parts.path.len()).saturating_add(parts.headers.len().saturating_mul(64)),
    );
    out.push_str(&parts.method);
    out.push('\n');
    out.push_str(uri);
    out.push('\n');
    push_canonical_query(&mut out, &parts.query);
    out.push('\n');
    for name in signed {
        let name = name.as_ref();
        let value = parts.header(name).ok_or_else(|| VerifyError::UnsignedHeader(name.to_owned()))?.trim();
        out.push_str(name);
        out.push(':');
        if lowercase_values {
            out.extend(value.chars().map(|c| c.to_ascii_lowercase()));
        } else {
            out.push_str(value);
        }
        out.push('\n');
    }
    out.push('\n');
    push_joined(&mut out, signed);
    out.push('\n');
    out.push_str(body_hash);
    Ok(out)
}

#[cfg(any(feature = "alibaba", feature = "tencent", feature = "huawei"))]
/// The signed header names joined by `;`, as `SignedHeaders` carries them.
pub(crate) fn joined<S: AsRef<str>>(signed: &[S]) -> String {
    let mut out = String::new();
    push_joined(&mut out, signed);
    out
}

#[cfg(any(feature = "alibaba", feature = "tencent", feature = "huawei"))]
fn push_joined<S: AsRef<str>>(out: &mut String, signed: &[S]) {
    for (i, name) in signed.iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        out.push_str(name.as_ref());
    }
}

#[cfg(any(feature = "alibaba", feature = "tencent", feature = "huawei"))]
/// A UTC time as the signatures write it: `2026-11-24T09:00:00Z` with
/// `separators`, `20261124T090000Z` without. Written by hand rather than
/// through `time`'s format descriptions, whose macro crate a client would
/// otherwise compile only for these three lines.
pub(crate) fn utc_stamp(now: time::OffsetDateTime, separators: bool) -> String {
    let t = now.to_offset(time::UtcOffset::UTC);
    let mut out = String::with_capacity(20);
    fn two(out: &mut String, n: u8) {
        out.push(char::from(b'0'.saturating_add(n / 10 % 10)));
        out.push(char::from(b'0'.saturating_add(n % 10)));
    }
    match u16::try_from(t.year()) {
        Ok(year) if year <= 9999 => {
            two(&mut out, u8::try_from(year / 100).unwrap_or(0));
            two(&mut out, u8::try_from(year % 100).unwrap_or(0));
        }
        // Years outside 0..=9999 are never a signing time; written plainly all the same.
        _ => out.push_str(&t.year().to_string()),
    }
    for n in [u8::from(t.month()), t.day()] {
        if separators {
            out.push('-');
        }
        two(&mut out, n);
    }
    out.push('T');
    for (i, n) in [t.hour(), t.minute(), t.second()].into_iter().enumerate() {
        if separators && i > 0 {
            out.push(':');
        }
        two(&mut out, n);
    }
    out.push('Z');
    out
}

#[cfg(any(feature = "alibaba", feature = "huawei"))]
/// The pieces joined, in a string allocated once at the right size.
pub(crate) fn concat(pieces: &[&str]) -> String {
    let mut out = String::with_capacity(pieces.iter().map(|p| p.len()).fold(0, usize::saturating_add));
    for piece in pieces {
        out.push_str(piece);
    }
    out
}

#[cfg(any(feature = "alibaba", feature = "tencent", feature = "huawei"))]
/// Lower-case hex SHA-256 of `data`.
pub fn sha256_hex(data: &[u8]) -> String {
    hex_of(ring::digest::digest(&ring::digest::SHA256, data).as_ref())
}

#[cfg(any(feature = "alibaba", feature = "tencent", feature = "huawei"))]
/// Lower-case hex of a 32-byte digest. `hex::encode` builds its string one
/// `char` at a time, which was a tenth of a signature's cost.
pub(crate) fn hex_of(digest: &[u8]) -> String {
    let mut buffer = [0u8; 64];
    // A digest longer than 32 bytes (none here) would fall back to the general encoder.
    let Some(out) = buffer.get_mut(..digest.len().saturating_mul(2)) else { return hex::encode(digest) };
    hex::encode_to_slice(digest, out).expect("the buffer is twice the digest");
    String::from_utf8(out.to_vec()).expect("hex digits are ASCII")
}

#[cfg(any(feature = "alibaba", feature = "tencent", feature = "huawei"))]
/// HMAC-SHA256 of `data` under `key`.
pub fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    let tag = ring::hmac::sign(&ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key), data);
    let mut out = [0u8; 32];
    out.copy_from_slice(tag.as_ref());
    out
}

#[cfg(any(feature = "alibaba", feature = "tencent", feature = "huawei"))]
/// The fields of an `Authorization` header after its algorithm name:
/// `Credential=...,SignedHeaders=...,Signature=...` with or without spaces.
fn authorization_fields<'a>(
    header: &'a str,
    algorithm: &str,
) -> Result<Vec<(&'a str, &'a str)>, VerifyError> {
    let rest = header
        .strip_prefix(algorithm)
        .and_then(|r| r.strip_prefix(' '))
        .ok_or_else(|| VerifyError::Malformed(format!("Authorization does not start with {algorithm}")))?;
    rest.split(',')
        .map(|field| {
            field
                .trim()
                .split_once('=')
                .ok_or_else(|| VerifyError::Malformed(format!("field {field:?} has no `=`")))
        })
        .collect()
}

#[cfg(any(feature = "alibaba", feature = "tencent", feature = "huawei"))]
fn field<'a>(fields: &[(&'a str, &'a str)], name: &'static str) -> Result<&'a str, VerifyError> {
    fields.iter().find(|(n, _)| *n == name).map(|(_, v)| *v).ok_or(VerifyError::Missing(name))
}

/// Why a signed request did not verify.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VerifyError {
    /// A header or field the scheme requires is absent.
    Missing(&'static str),
    /// The `Authorization` header cannot be read.
    Malformed(String),
    /// `SignedHeaders` names a header the request does not carry.
    UnsignedHeader(String),
    /// A header the scheme requires to be signed is not in `SignedHeaders`.
    NotSigned(String),
    /// The request was signed with another key id.
    UnknownKey(String),
    /// The signature does not match the request.
    SignatureMismatch {
        /// What the verifier computed, to compare with the client's string to sign.
        expected_string_to_sign: String,
    },
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing(what) => write!(f, "missing {what}"),
            Self::Malformed(why) => write!(f, "malformed Authorization: {why}"),
            Self::UnsignedHeader(name) => write!(f, "SignedHeaders names {name}, which the request lacks"),
            Self::NotSigned(name) => write!(f, "header {name} must be signed"),
            Self::UnknownKey(id) => write!(f, "unknown access key id {id}"),
            Self::SignatureMismatch { expected_string_to_sign } => {
                write!(
                    f,
                    "signature does not match; the server's string to sign is {expected_string_to_sign:?}"
                )
            }
        }
    }
}

impl std::error::Error for VerifyError {}

#[cfg(any(feature = "alibaba", feature = "tencent", feature = "huawei"))]
/// A random nonce: 16 bytes from the operating system, as hex.
pub fn nonce() -> String {
    let mut bytes = [0u8; 16];
    // The OS random source does not fail on supported platforms; a zero nonce
    // would only make the server reject the request as a replay.
    let _ = getrandom::fill(&mut bytes);
    hex::encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "alibaba")]
    #[test]
    fn stamps_are_utc_in_both_forms() {
        let at = time::OffsetDateTime::from_unix_timestamp(1_573_788_615).unwrap(); // 2019-11-15 03:30:15 UTC
        assert_eq!(utc_stamp(at, false), "20191115T033015Z");
        assert_eq!(utc_stamp(at, true), "2019-11-15T03:30:15Z");
        let shifted = at.to_offset(time::UtcOffset::from_hms(8, 0, 0).unwrap());
        assert_eq!(utc_stamp(shifted, true), "2019-11-15T03:30:15Z");
    }

    #[test]
    fn rfc3986_encoding_matches_the_vendors_rules() {
        assert_eq!(rfc3986("a b*c~d/é"), "a%20b%2Ac~d%2F%C3%A9");
    }

    #[test]
    fn canonical_query_sorts_encoded_names() {
        let query = vec![("b".to_owned(), "2".to_owned()), ("a".to_owned(), "x y".to_owned())];
        assert_eq!(canonical_query(&query), "a=x%20y&b=2");
    }

    #[test]
    fn targets_split_into_path_and_decoded_query() {
        let parts = RequestParts::from_target(
            "post",
            "/?A=d-00%2A%2A&B=x+y",
            vec![("Host".into(), "h".into())],
            vec![],
        );
        assert_eq!(parts.method, "POST");
        assert_eq!(parts.path, "/");
        assert_eq!(parts.query, vec![("A".into(), "d-00**".into()), ("B".into(), "x y".into())]);
        assert_eq!(parts.header("host"), Some("h"));
    }
}
