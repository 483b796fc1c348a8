//! Request signing: the parts of a request that signatures cover, the helpers
//! the vendors' canonicalizations share, and one module per scheme.
//!
//! Each scheme exposes `signature_headers` (the headers that sign any
//! [`Signable`] request: the client's own `reqwest::Request`, read in place, or
//! a [`RequestParts`]), `sign` (sets them on a [`RequestParts`]) and `verify`
//! (recomputes the signature of a request someone else signed, from the
//! headers its `Authorization` names). The emulator and the tests use
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

use std::borrow::Cow;
use std::fmt;
#[cfg(any(feature = "alibaba", feature = "tencent", feature = "huawei"))]
use std::sync::{Arc, Mutex, PoisonError};

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

    /// Sets each of a signer's headers, replacing earlier values.
    pub fn set_headers(&mut self, headers: SignatureHeaders) {
        for (name, value) in headers {
            self.set_header(name.as_str(), value);
        }
    }

    /// The `Authorization` header, or the error a verifier reports without one.
    pub fn authorization(&self) -> Result<&str, VerifyError> {
        self.header("authorization").ok_or(VerifyError::Missing("Authorization"))
    }
}

/// A request as the signers read it. The client signs its own
/// `reqwest::Request` through this, reading the URL and `HeaderMap` in place,
/// so that signing copies nothing; the emulator and the tests sign and verify
/// [`RequestParts`].
pub trait Signable {
    /// The method, upper-case.
    fn method(&self) -> &str;
    /// The path as sent, percent-encoded.
    fn path(&self) -> &str;
    /// The query's pairs, decoded, in the order sent.
    fn query_pairs(&self) -> impl Iterator<Item = (Cow<'_, str>, Cow<'_, str>)>;
    /// The value of header `name` (lower-case), if sent.
    fn header(&self, name: &str) -> Option<&str>;
    /// The headers sent, `host` among them: each lower-case name with its
    /// value, the first value of a name that is sent more than once coming
    /// first, so that [`header`](Signable::header) and this agree. A
    /// signature covers that first value only; this crate never sends a name
    /// twice.
    fn headers(&self) -> impl Iterator<Item = (&str, &str)>;
    /// The body bytes.
    fn body(&self) -> &[u8];
    /// The query in canonical form ([`canonical_query`]); a request that
    /// already knows it says so, and it is not computed again.
    fn canonical_query(&self) -> Cow<'_, str> {
        Cow::Owned(canonical_query(self))
    }
}

impl Signable for RequestParts {
    fn method(&self) -> &str {
        &self.method
    }

    fn path(&self) -> &str {
        &self.path
    }

    fn query_pairs(&self) -> impl Iterator<Item = (Cow<'_, str>, Cow<'_, str>)> {
        self.query.iter().map(|(name, value)| (Cow::Borrowed(name.as_str()), Cow::Borrowed(value.as_str())))
    }

    fn header(&self, name: &str) -> Option<&str> {
        RequestParts::header(self, name)
    }

    fn headers(&self) -> impl Iterator<Item = (&str, &str)> {
        self.headers.iter().map(|(name, value)| (name.as_str(), value.as_str()))
    }

    fn body(&self) -> &[u8] {
        &self.body
    }
}

/// The headers a signer sets, in the order it sets them; each replaces a
/// header of the same name the request may already carry. The names are
/// `HeaderName` constants, so a client inserts them without parsing them.
pub type SignatureHeaders = Vec<(http::HeaderName, String)>;

#[cfg(any(feature = "alibaba", feature = "huawei"))]
/// A request read together with the headers a signer has added so far, which
/// the canonical request covers as if they had been sent.
struct WithAdded<'a, R> {
    request: &'a R,
    added: &'a [(http::HeaderName, String)],
}

#[cfg(any(feature = "alibaba", feature = "huawei"))]
impl<R: Signable> Signable for WithAdded<'_, R> {
    fn method(&self) -> &str {
        self.request.method()
    }

    fn path(&self) -> &str {
        self.request.path()
    }

    fn query_pairs(&self) -> impl Iterator<Item = (Cow<'_, str>, Cow<'_, str>)> {
        self.request.query_pairs()
    }

    fn header(&self, name: &str) -> Option<&str> {
        match self.added.iter().find(|(added, _)| added.as_str() == name) {
            Some((_, value)) => Some(value),
            None => self.request.header(name),
        }
    }

    fn headers(&self) -> impl Iterator<Item = (&str, &str)> {
        let sent = self
            .request
            .headers()
            .filter(|(name, _)| self.added.iter().all(|(added, _)| added.as_str() != *name));
        sent.chain(self.added.iter().map(|(name, value)| (name.as_str(), value.as_str())))
    }

    fn body(&self) -> &[u8] {
        self.request.body()
    }

    fn canonical_query(&self) -> Cow<'_, str> {
        self.request.canonical_query()
    }
}

fn decode_query_component(text: &str) -> String {
    // Form encoding writes spaces as `+`; RFC 3986 encoders never emit a raw `+`
    // for data, so reading `+` as a space is right for both.
    percent_decode_str(&text.replace('+', " ")).decode_utf8_lossy().into_owned()
}

/// Percent-encodes `text` per RFC 3986 (space `%20`, `*` `%2A`, `~` kept).
pub fn rfc3986(text: &str) -> String {
    // Extending with the encoder's pieces avoids the formatting machinery of `to_string`.
    let mut out = String::with_capacity(text.len().saturating_mul(3));
    out.extend(utf8_percent_encode(text, RFC3986));
    out
}

/// Whether `byte` is an RFC 3986 unreserved character.
fn is_unreserved_byte(byte: u8) -> bool {
    matches!(byte, b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~')
}

/// The query string in canonical form: RFC 3986 encoded, sorted by name,
/// then value, as the vendors sort the encoded forms. Names and values of
/// unreserved characters only (the usual case) are used as they are.
pub fn canonical_query<R: Signable + ?Sized>(request: &R) -> String {
    if let Some(canonical) = canonical_as_sent(request) {
        return canonical;
    }
    let mut pairs: Vec<(Cow<'_, str>, Cow<'_, str>)> = Vec::with_capacity(8);
    pairs.extend(request.query_pairs());
    // Ordered as their encoded forms are, and encoded only when written: no string per pair.
    pairs.sort_unstable_by(|(a_name, a_value), (b_name, b_value)| {
        cmp_encoded(a_name, b_name).then_with(|| cmp_encoded(a_value, b_value))
    });
    // Sized for the usual query, whose few encoded bytes fit in the slack:
    // counting them exactly first cost a scan of every byte.
    let length = pairs.iter().map(|(name, value)| name.len().saturating_add(value.len()).saturating_add(2));
    let mut out = String::with_capacity(length.fold(32, usize::saturating_add));
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.extend(utf8_percent_encode(name, RFC3986));
        out.push('=');
        out.extend(utf8_percent_encode(value, RFC3986));
    }
    out
}

/// The usual query, written in one pass: when every name and value is
/// unreserved characters only, encoding leaves them as they are and their
/// encoded order is their byte order, so pairs already in that order are
/// the canonical query as they come. `None` for any other query, which
/// [`canonical_query`] then sorts and encodes.
fn canonical_as_sent<R: Signable + ?Sized>(request: &R) -> Option<String> {
    let mut out = String::with_capacity(64);
    let mut previous: Option<(Cow<'_, str>, Cow<'_, str>)> = None;
    for (name, value) in request.query_pairs() {
        if !(name.bytes().all(is_unreserved_byte) && value.bytes().all(is_unreserved_byte)) {
            return None;
        }
        if let Some(previous) = &previous {
            if (previous.0.as_ref(), previous.1.as_ref()) > (name.as_ref(), value.as_ref()) {
                return None;
            }
            out.push('&');
        }
        out.push_str(&name);
        out.push('=');
        out.push_str(&value);
        previous = Some((name, value));
    }
    Some(out)
}

/// How `a` and `b` compare once percent-encoded per RFC 3986, without
/// encoding them. Up to their first different byte the encodings agree; there,
/// an encoded byte starts with `%`, which sorts before every unreserved
/// character, and two encoded bytes compare as their upper-case hex, which is
/// their order as bytes.
fn cmp_encoded(a: &str, b: &str) -> std::cmp::Ordering {
    let rank = |byte: u8| (is_unreserved_byte(byte), byte);
    a.bytes().map(rank).cmp(b.bytes().map(rank))
}

#[cfg(any(feature = "alibaba", feature = "tencent", feature = "huawei"))]
/// A signed header: its lower-case name and its value as sent.
pub(crate) type SignedHeader<'a> = (&'a str, &'a str);

#[cfg(any(feature = "alibaba", feature = "tencent", feature = "huawei"))]
/// The canonical request the three HMAC schemes share: method, URI, query,
/// `name:value` lines of the signed headers (sorted by name), their names
/// joined by `;`, and the body's hash, each on its own line, written into one
/// buffer.
pub(crate) fn canonical_request_of(
    method: &str,
    uri: &str,
    query: &str,
    signed: &[SignedHeader<'_>],
    lowercase_values: bool,
    body_hash: &str,
) -> String {
    let mut out = String::with_capacity(
        256usize
            .saturating_add(uri.len())
            .saturating_add(query.len())
            .saturating_add(signed.len().saturating_mul(64)),
    );
    out.push_str(method);
    out.push('\n');
    out.push_str(uri);
    out.push('\n');
    out.push_str(query);
    out.push('\n');
    for (name, value) in signed {
        let value = value.trim();
        out.push_str(name);
        out.push(':');
        let start = out.len();
        out.push_str(value);
        // Lower-cased where it was copied: pushing it a character at a time costs more.
        if lowercase_values && let Some(copied) = out.get_mut(start..) {
            copied.make_ascii_lowercase();
        }
        out.push('\n');
    }
    out.push('\n');
    push_joined(&mut out, signed);
    out.push('\n');
    out.push_str(body_hash);
    out
}

#[cfg(any(feature = "alibaba", feature = "tencent", feature = "huawei"))]
/// The headers named in `names` (lower-case, in the order a signature lists
/// them), each with its value; a name the request does not carry is an error.
pub(crate) fn named_headers<'a, S: AsRef<str>>(
    request: &'a impl Signable,
    names: &'a [S],
) -> Result<Vec<SignedHeader<'a>>, VerifyError> {
    let mut signed = Vec::with_capacity(names.len());
    for name in names {
        let name = name.as_ref();
        let value = request.header(name).ok_or_else(|| VerifyError::UnsignedHeader(name.to_owned()))?;
        signed.push((name, value));
    }
    Ok(signed)
}

#[cfg(any(feature = "alibaba", feature = "huawei"))]
/// The headers of `request` that `must_sign` picks, with their values, sorted
/// by name and each name once (its first value), as `SignedHeaders` lists
/// them. One pass over the headers: nothing is looked up by name afterwards.
fn signed_headers(request: &impl Signable, must_sign: impl Fn(&str) -> bool) -> Vec<SignedHeader<'_>> {
    let mut signed: Vec<SignedHeader<'_>> = Vec::with_capacity(12);
    signed.extend(request.headers().filter(|(name, _)| must_sign(name)));
    // Stable, so that of a name sent twice the first value stays first and is kept.
    signed.sort_by_key(|(name, _)| *name);
    signed.dedup_by(|(later, _), (earlier, _)| later == earlier);
    signed
}

#[cfg(any(feature = "alibaba", feature = "tencent", feature = "huawei"))]
/// An `Authorization` value: `head` (the algorithm, the credential and the
/// name of the signed-headers field), the signed header names joined by `;`,
/// then `tail` (the signature and its field name), in one string.
pub(crate) fn authorization(head: &[&str], signed: &[SignedHeader<'_>], tail: &[&str]) -> String {
    let pieces = head.iter().chain(tail).map(|piece| piece.len());
    let names = signed.iter().map(|(name, _)| name.len().saturating_add(1));
    let mut out = String::with_capacity(pieces.chain(names).fold(0, usize::saturating_add));
    head.iter().for_each(|piece| out.push_str(piece));
    push_joined(&mut out, signed);
    tail.iter().for_each(|piece| out.push_str(piece));
    out
}

#[cfg(any(feature = "alibaba", feature = "tencent", feature = "huawei"))]
fn push_joined(out: &mut String, signed: &[SignedHeader<'_>]) {
    for (i, (name, _)) in signed.iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        out.push_str(name);
    }
}

/// The last second a signature's date can write: 9999-12-31T23:59:59Z.
#[cfg(any(feature = "alibaba", feature = "tencent", feature = "huawei"))]
const LAST_WRITABLE_SECOND: i64 = 253_402_300_799;

#[cfg(any(feature = "alibaba", feature = "tencent", feature = "huawei"))]
/// The instant `seconds` after 1970-01-01T00:00:00Z, held within the years a
/// signature's date can write (1970 to 9999), so that any timestamp a request
/// carries, however hostile, can be formatted.
pub fn unix_time(seconds: i64) -> std::time::SystemTime {
    let seconds = seconds.clamp(0, LAST_WRITABLE_SECOND).unsigned_abs();
    // Within 1970 to 9999 the sum cannot overflow; the fallback is never taken.
    std::time::UNIX_EPOCH
        .checked_add(std::time::Duration::from_secs(seconds))
        .unwrap_or(std::time::UNIX_EPOCH)
}

#[cfg(any(feature = "alibaba", feature = "tencent", feature = "huawei"))]
/// Whole seconds since 1970-01-01T00:00:00Z; 0 for an earlier instant.
pub fn unix_seconds(at: std::time::SystemTime) -> i64 {
    let since = at.duration_since(std::time::UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_secs());
    i64::try_from(since).unwrap_or(i64::MAX)
}

#[cfg(any(feature = "alibaba", feature = "tencent", feature = "huawei"))]
/// A UTC time as the signatures write it: `2026-11-24T09:00:00Z` with
/// `separators`, `20261124T090000Z` without.
pub(crate) fn utc_stamp(now: std::time::SystemTime, separators: bool) -> String {
    // humantime panics on an instant before 1970 and fails to format one
    // after 9999 (which `to_string` turns into a panic): clamping first means
    // neither can happen, whatever time a caller passes.
    let mut stamp = String::with_capacity(20);
    // Writing into a String cannot fail, and the clamp keeps humantime's own error away.
    let _ = fmt::Write::write_fmt(
        &mut stamp,
        format_args!("{}", humantime::format_rfc3339_seconds(unix_time(unix_seconds(now)))),
    );
    if !separators {
        // The stamp is ASCII: removing bytes is removing characters, without
        // decoding each one as `String::retain` does.
        let mut compact = stamp.into_bytes();
        compact.retain(|byte| *byte != b'-' && *byte != b':');
        return String::from_utf8(compact).unwrap_or_default();
    }
    stamp
}

#[cfg(any(feature = "tencent", feature = "huawei"))]
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
pub fn sha256_hex(data: &[u8]) -> Hex {
    // Most calls here send no body: its hash is a constant.
    const EMPTY: &[u8; 64] = b"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    if data.is_empty() {
        return Hex(*EMPTY);
    }
    let digest = ring::digest::digest(&ring::digest::SHA256, data);
    let mut bytes = [0u8; 32];
    bytes.copy_from_slice(digest.as_ref());
    Hex::of(&bytes)
}

#[cfg(any(feature = "alibaba", feature = "tencent", feature = "huawei"))]
/// The lower-case hex of a SHA-256 digest or an HMAC, kept on the stack: a
/// signature writes several of them into larger strings, and each would
/// otherwise be an allocation of its own.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Hex([u8; 64]);

#[cfg(any(feature = "alibaba", feature = "tencent", feature = "huawei"))]
impl Hex {
    /// The hex of a 32-byte digest.
    pub fn of(digest: &[u8; 32]) -> Self {
        let mut out = [0u8; 64];
        // Encoding fails only when the lengths disagree, and they do not.
        let _ = hex::encode_to_slice(digest, &mut out);
        Self(out)
    }

    /// The 64 hex digits.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

#[cfg(any(feature = "alibaba", feature = "tencent", feature = "huawei"))]
impl std::ops::Deref for Hex {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

#[cfg(any(feature = "alibaba", feature = "tencent", feature = "huawei"))]
impl fmt::Debug for Hex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

#[cfg(any(feature = "alibaba", feature = "tencent", feature = "huawei"))]
impl PartialEq<&str> for Hex {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[cfg(any(feature = "alibaba", feature = "tencent", feature = "huawei"))]
/// The HMAC key a client signs with, kept between its requests: the access
/// key secret itself (ACS3, SDK-HMAC), or the key Tencent derives from it for
/// one day and service. Preparing a key costs two SHA-256 blocks, and
/// deriving Tencent's four HMACs. The cache holds nothing the credentials
/// beside it do not already give. Each client has its own
/// ([`ClientConfig::connect`](crate::ClientConfig::connect) starts one), which
/// the client's clones share.
#[derive(Clone, Default)]
pub struct SigningKeyCache(Arc<Mutex<Option<CachedKey>>>);

#[cfg(any(feature = "alibaba", feature = "tencent", feature = "huawei"))]
struct CachedKey {
    secret: crate::Secret,
    scope: String,
    key: ring::hmac::Key,
}

#[cfg(any(feature = "alibaba", feature = "tencent", feature = "huawei"))]
impl fmt::Debug for SigningKeyCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKeyCache { .. }")
    }
}

#[cfg(any(feature = "alibaba", feature = "tencent", feature = "huawei"))]
impl SigningKeyCache {
    /// Whether `other` is this same cache, shared by cloning.
    #[cfg(test)]
    pub(crate) fn is_shared_with(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }

    /// The key for `secret` and `scope` (empty when the secret is the key):
    /// the cached one when it was made for both, or a new one from `make`,
    /// which then replaces it.
    pub(crate) fn key(
        &self,
        secret: &str,
        scope: &str,
        make: impl FnOnce() -> ring::hmac::Key,
    ) -> ring::hmac::Key {
        // Nothing panics while the lock is held, but a poisoned cache is only a cache.
        let mut cached = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(hit) = cached.as_ref().filter(|c| c.scope == scope && c.secret.expose() == secret) {
            return hit.key.clone();
        }
        let key = make();
        *cached =
            Some(CachedKey { secret: crate::Secret::new(secret), scope: scope.to_owned(), key: key.clone() });
        key
    }
}

#[cfg(any(feature = "alibaba", feature = "huawei"))]
impl SigningKeyCache {
    /// The hex HMAC of `string_to_sign` under `secret` itself, as ACS3 and
    /// SDK-HMAC sign, with the secret's key prepared once.
    pub(crate) fn sign_with_secret(&self, secret: &str, string_to_sign: &[u8]) -> Hex {
        let key = self.key(secret, "", || hmac_key(secret.as_bytes()));
        Hex::of(&hmac_with(&key, string_to_sign))
    }
}

#[cfg(any(feature = "alibaba", feature = "tencent", feature = "huawei"))]
/// An HMAC-SHA256 key.
pub(crate) fn hmac_key(key: &[u8]) -> ring::hmac::Key {
    ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key)
}

#[cfg(any(feature = "alibaba", feature = "tencent", feature = "huawei"))]
/// HMAC-SHA256 of `data` under a prepared key.
pub(crate) fn hmac_with(key: &ring::hmac::Key, data: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(ring::hmac::sign(key, data).as_ref());
    out
}

#[cfg(any(feature = "alibaba", feature = "tencent", feature = "huawei"))]
/// HMAC-SHA256 of `data` under `key`.
pub fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    hmac_with(&hmac_key(key), data)
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
    let _ = getrandom::getrandom(&mut bytes);
    let mut hex = [0u8; 32];
    // Encoding fails only when the lengths disagree, and they do not; hex is ASCII.
    let _ = hex::encode_to_slice(bytes, &mut hex);
    std::str::from_utf8(&hex).unwrap_or_default().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "alibaba")]
    #[test]
    fn stamps_are_utc_in_both_forms() {
        let at = unix_time(1_573_788_615); // 2019-11-15 03:30:15 UTC
        assert_eq!(utc_stamp(at, false), "20191115T033015Z");
        assert_eq!(utc_stamp(at, true), "2019-11-15T03:30:15Z");
        // Instants no signature can write are held at the nearest one it can.
        let before_1970 = std::time::UNIX_EPOCH - std::time::Duration::from_secs(1);
        assert_eq!(utc_stamp(before_1970, true), "1970-01-01T00:00:00Z");
        assert_eq!(utc_stamp(unix_time(i64::MAX), true), "9999-12-31T23:59:59Z");
        assert_eq!(unix_seconds(unix_time(i64::MIN)), 0);
    }

    #[test]
    fn rfc3986_encoding_matches_the_vendors_rules() {
        assert_eq!(rfc3986("a b*c~d/é"), "a%20b%2Ac~d%2F%C3%A9");
    }

    #[test]
    fn canonical_query_sorts_encoded_names() {
        let parts = RequestParts::from_target("GET", "/?b=2&a=x+y", vec![], vec![]);
        assert_eq!(canonical_query(&parts), "a=x%20y&b=2");
        // Sorted by the encoded forms: `é` sorts after `z` raw, but `%C3%A9` before it.
        let parts = RequestParts::from_target("GET", "/?z=1&%C3%A9=2", vec![], vec![]);
        assert_eq!(canonical_query(&parts), "%C3%A9=2&z=1");
    }

    /// Both ways of writing a canonical query (pairs already in order and
    /// needing no encoding, as they come; any other, sorted and encoded) agree
    /// with the definition: every name and value encoded, the pairs sorted by
    /// encoded name, then value, and joined.
    #[test]
    fn canonical_query_is_its_definition_whether_sent_in_order_or_not() {
        let texts = ["", "a", "A", "b", "a-", "~", "1", "a b", "*", "é", "%", "+", "=", "&"];
        let pairs: Vec<(&str, &str)> =
            texts.iter().flat_map(|n| texts.iter().map(move |v| (*n, *v))).collect();
        for first in &pairs {
            for second in &pairs {
                let target = format!(
                    "/?{}={}&{}={}",
                    rfc3986(first.0),
                    rfc3986(first.1),
                    rfc3986(second.0),
                    rfc3986(second.1)
                );
                let mut encoded = [first, second].map(|(name, value)| (rfc3986(name), rfc3986(value)));
                encoded.sort();
                let expected = encoded.map(|(name, value)| format!("{name}={value}")).join("&");
                let parts = RequestParts::from_target("GET", &target, vec![], vec![]);
                assert_eq!(canonical_query(&parts), expected, "{target}");
            }
        }
        // Three pairs, in order but for one, and a name sent twice.
        for (target, expected) in [
            ("/?a=1&b=2&c=3", "a=1&b=2&c=3"),
            ("/?a=1&c=3&b=2", "a=1&b=2&c=3"),
            ("/?a=2&b=1&a=1", "a=1&a=2&b=1"),
            ("/?a=1&b=%2a&c=3", "a=1&b=%2A&c=3"),
        ] {
            let parts = RequestParts::from_target("GET", target, vec![], vec![]);
            assert_eq!(canonical_query(&parts), expected, "{target}");
        }
    }

    #[cfg(any(feature = "alibaba", feature = "tencent", feature = "huawei"))]
    #[test]
    fn header_values_are_lower_cased_only_for_the_scheme_that_asks() {
        let signed = [("content-type", " Application/JSON; Charset=UTF-8 "), ("host", "Example.COM")];
        let lower = canonical_request_of("POST", "/", "", &signed, true, "h");
        assert!(
            lower.contains("\ncontent-type:application/json; charset=utf-8\nhost:example.com\n"),
            "{lower}"
        );
        let kept = canonical_request_of("POST", "/", "", &signed, false, "h");
        assert!(
            kept.contains("\ncontent-type:Application/JSON; Charset=UTF-8\nhost:Example.COM\n"),
            "{kept}"
        );
    }

    #[test]
    fn strings_compare_as_their_encodings_do() {
        let texts =
            ["", "a", "A", "a*", "a-", "a~", "a%", "a b", "a+b", "é", "z", "~", "-", "a**", "a*b", "ÿ", "Ā"];
        for a in texts {
            for b in texts {
                assert_eq!(cmp_encoded(a, b), rfc3986(a).cmp(&rfc3986(b)), "{a:?} and {b:?}");
            }
        }
    }

    #[cfg(feature = "alibaba")]
    #[test]
    fn signed_headers_are_sorted_once_each_with_the_value_a_lookup_finds() {
        let sent = [
            ("x-acs-b", "first"),
            ("Host", "h"),
            ("accept", "*/*"),
            ("x-acs-a", " a "),
            ("x-acs-b", "second"),
        ];
        let parts = RequestParts::from_target(
            "GET",
            "/",
            sent.iter().map(|(n, v)| ((*n).into(), (*v).into())).collect(),
            vec![],
        );
        let signed = signed_headers(&parts, |name| name == "host" || name.starts_with("x-acs-"));
        assert_eq!(signed, [("host", "h"), ("x-acs-a", " a "), ("x-acs-b", "first")]);
        assert_eq!(parts.header("x-acs-b"), Some("first"));
        // Values are trimmed where the canonical request writes them.
        let canonical = canonical_request_of("GET", "/", "", &signed, false, "hash");
        assert_eq!(canonical, "GET\n/\n\nhost:h\nx-acs-a:a\nx-acs-b:first\n\nhost;x-acs-a;x-acs-b\nhash");
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
