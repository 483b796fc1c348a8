//! Each vendor's protocol facts, one module per vendor: everything about its
//! wire except the signature scheme (which lives in [`crate::signing`]).
//!
//! The client hooks, [`CloudError`], the retry
//! classifier, the waiter, the `cloudjobs` command and the emulator read a
//! vendor's facts only through [`rules`]. Adding a vendor means adding one
//! module here that implements [`VendorRules`] (plus a signer if its scheme
//! is new), and one arm in [`rules`].

mod alibaba;
mod huawei;
mod oracle;
mod tencent;

use std::path::Path;
use std::time::Duration;

use reqwest::header::HeaderMap;
use serde_json::Value;

use crate::{CloudError, Credentials, Operation, Protocol, Vendor};

/// Every vendor the runtime knows, in a fixed order.
pub const ALL: [Vendor; 4] = [Vendor::Alibaba, Vendor::Tencent, Vendor::Huawei, Vendor::Oracle];

/// The facts of `vendor`'s protocol.
pub fn rules(vendor: Vendor) -> &'static dyn VendorRules {
    match vendor {
        Vendor::Alibaba => &alibaba::Alibaba,
        Vendor::Tencent => &tencent::Tencent,
        Vendor::Huawei => &huawei::Huawei,
        Vendor::Oracle => &oracle::Oracle,
    }
}

/// The headers that carry an RPC call's action and API version, as
/// `HeaderName` constants: a client sets them on every call, without parsing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RpcHeaders {
    /// The action header.
    pub action: reqwest::header::HeaderName,
    /// The API version header.
    pub version: reqwest::header::HeaderName,
}

/// An environment variable a vendor's tools read, and what it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CredentialVariable {
    /// The variable's name.
    pub name: &'static str,
    /// What it holds, in a few words.
    pub holds: &'static str,
}

/// Where a vendor's settings are looked up.
#[derive(Clone, Copy)]
pub struct Sources<'a> {
    /// Looks up an environment variable (empty values count as unset).
    pub env: &'a dyn Fn(&str) -> Option<String>,
    /// The home directory, where the vendors' tools keep their files.
    pub home: Option<&'a Path>,
    /// A profile asked for by name (`cloudjobs --profile`). The vendor's
    /// files are then read for it, and its variables for keys are not.
    pub profile: Option<&'a str>,
}

/// A setting and where it came from, as `cloudjobs config show` says it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sourced<T> {
    /// The value.
    pub value: T,
    /// Where it came from: a variable's name, or a file and profile.
    pub from: String,
}

impl<T> Sourced<T> {
    pub(crate) fn new(value: T, from: impl Into<String>) -> Self {
        Self { value, from: from.into() }
    }
}

/// What a vendor's conventions give: credentials, and the region and output
/// format where the vendor's own tools keep them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// The credentials.
    pub credentials: Sourced<Credentials>,
    /// The default region.
    pub region: Option<Sourced<String>>,
    /// The default output format (json, table, text).
    pub output: Option<Sourced<String>>,
}

/// The region by the vendors' CLIs' rule: with a profile named on the
/// command line, the profile's region comes first; otherwise the variable does.
pub(crate) fn pick_region(
    sources: &Sources<'_>,
    variable: &str,
    in_profile: Option<Sourced<String>>,
) -> Option<Sourced<String>> {
    let from_variable = (sources.env)(variable).map(|value| Sourced::new(value, variable));
    match sources.profile {
        Some(_) => in_profile.or(from_variable),
        None => from_variable.or(in_profile),
    }
}

/// A JSON file, or `None` when it does not exist.
pub(crate) fn json_file(path: &Path) -> Result<Option<Value>, CloudError> {
    if !path.is_file() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| CloudError::configuration(format!("cannot read {}: {e}", path.display())))?;
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| CloudError::configuration(format!("{} is not JSON: {e}", path.display())))
}

/// One profile of a vendor CLI's JSON config, in the shape both the aliyun
/// CLI and KooCLI write: `{"current": NAME, "profiles": [{"name": NAME, ...}]}`.
pub(crate) struct CliProfile {
    /// The profile's name.
    pub(crate) name: String,
    /// The file as messages show it (`~/...`).
    pub(crate) shown: String,
    entry: Value,
}

impl CliProfile {
    /// The profile `named`, else the file's `current`, else `default`, of the
    /// JSON file `home/file`: `None` when the file or the profile is not there.
    pub(crate) fn read(home: &Path, file: &str, named: Option<&str>) -> Result<Option<Self>, CloudError> {
        let path = home.join(file);
        let Some(config) = json_file(&path)? else { return Ok(None) };
        let name = named
            .map(str::to_owned)
            .or_else(|| text(&config, "/current"))
            .unwrap_or_else(|| "default".into());
        let entry = config.get("profiles").and_then(Value::as_array).and_then(|all| {
            all.iter().find(|p| p.get("name").and_then(Value::as_str) == Some(name.as_str()))
        });
        Ok(entry.map(|entry| Self { shown: shown_path(&path, Some(home)), entry: entry.clone(), name }))
    }

    /// A string field of the profile, when it is there and not empty.
    pub(crate) fn field(&self, key: &str) -> Option<String> {
        self.entry.get(key).and_then(Value::as_str).filter(|v| !v.is_empty()).map(str::to_owned)
    }
}

/// `path` as messages show it: under the home directory as `~/...`.
pub(crate) fn shown_path(path: &Path, home: Option<&Path>) -> String {
    match home.and_then(|home| path.strip_prefix(home).ok()) {
        Some(inside) => format!("~/{}", inside.display()),
        None => path.display().to_string(),
    }
}

/// What a vendor's error body says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ErrorFields {
    /// The vendor's error code.
    pub code: Option<String>,
    /// The vendor's message.
    pub message: Option<String>,
    /// The request id the body carries.
    pub request_id: Option<String>,
}

/// An answer as the generated code should see it, when the vendor's own
/// shape differs from what the spec declares (Tencent's envelope).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Presented {
    /// The status to present.
    pub status: u16,
    /// The body to present.
    pub body: Vec<u8>,
    /// The status the server really sent, when `status` differs from it.
    pub original_status: Option<u16>,
}

/// Why a server refuses a request, in vendor-neutral terms; each vendor
/// answers it with its own status, code and envelope ([`VendorRules::refusal`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// No operation matches the action or path.
    UnknownOperation(String),
    /// There is no usable `Authorization`.
    MalformedAuthorization(String),
    /// The key id (or user) is unknown.
    UnknownKey(String),
    /// The signature (or password) is wrong; the server's string to sign.
    BadSignature(String),
    /// The signing time is outside the vendor's window.
    Expired(String),
    /// A signature nonce came twice.
    NonceReused,
    /// A required parameter is missing.
    MissingParameter(String),
    /// A parameter has the wrong type: its name and why.
    InvalidParameter(String, String),
    /// Throttled; retry after this many seconds.
    Throttled(u64),
    /// A server error with this HTTP status.
    Http(u16),
    /// A start refused while an earlier job of the same kind runs, as the spec says.
    Conflict(crate::Conflict),
}

/// A vendor's answer to a refusal, as its servers send it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerAnswer {
    /// The HTTP status.
    pub status: u16,
    /// Headers beyond `content-type`.
    pub headers: Vec<(String, String)>,
    /// The JSON body, or none.
    pub body: Option<Value>,
}

/// Everything about one vendor's protocol that is not its signature scheme.
///
/// Client-side methods shape requests and read answers; server-side methods
/// (used by the emulator) say how the vendor's servers answer.
pub trait VendorRules: Sync {
    /// Which vendor these rules are for.
    fn vendor(&self) -> Vendor;

    /// The headers that carry an RPC call's action and version, for vendors with RPC APIs.
    fn rpc_headers(&self) -> Option<RpcHeaders> {
        None
    }

    /// Adds the vendor's fixed headers and path rules to a request that
    /// progenitor built, after the RPC rewrite and before signing.
    fn prepare(
        &self,
        _protocol: &Protocol,
        _operation: &Operation,
        _region: Option<&str>,
        _credentials: &Credentials,
        _request: &mut reqwest::Request,
    ) -> Result<(), String> {
        Ok(())
    }

    /// The paths at which an operation can be reached besides its spec path
    /// (Oracle's bearer-token twin).
    fn path_twin(&self, _protocol: &Protocol, _path: &str) -> Option<String> {
        None
    }

    /// Whether a successful HTTP status can still carry an error (Tencent),
    /// so that every answer must be read before it is handed on.
    fn errors_in_successes(&self) -> bool {
        false
    }

    /// Whether the spec gives this vendor's error answers a JSON body with a
    /// code, which the generated code must decode (Oracle documents none).
    fn documents_error_bodies(&self) -> bool {
        true
    }

    /// The answer as the generated code decodes it, when the vendor's shape
    /// differs from the spec's; `None` hands the answer on untouched.
    fn present(&self, _status: u16, _body: &[u8]) -> Option<Presented> {
        None
    }

    /// Code, message and request id, when `body` has this vendor's error shape.
    fn read_error(&self, body: &Value) -> Option<ErrorFields>;

    /// The response header that carries the request id, if the vendor sends one.
    fn request_id_header(&self) -> Option<&'static str> {
        None
    }

    /// Where a success body carries the request id (a JSON pointer), if it does.
    fn request_id_in_body(&self) -> Option<&'static str> {
        None
    }

    /// How long the server asked the client to wait before trying again.
    fn retry_hint(&self, headers: &HeaderMap) -> Option<Duration> {
        header_number(headers, "retry-after").map(Duration::from_secs)
    }

    /// Whether an error code names a throttling or transient failure.
    fn is_transient_code(&self, code: &str) -> bool;

    /// Whether an error code names a throttling refusal, which the vendor
    /// documents as rejected before the request is processed.
    fn is_throttling_code(&self, code: &str) -> bool;

    /// Whether an error code names a caller mistake, even when sent with a 5xx.
    fn is_permanent_code(&self, code: &str) -> bool;

    /// The environment variables read for credentials, profiles and the
    /// region, in the order read.
    fn credential_variables(&self) -> &'static [CredentialVariable];

    /// The files read, in the order read, as `~/...` paths with `NAME` for the profile.
    fn settings_files(&self) -> &'static [&'static str] {
        &[]
    }

    /// Whether the vendor's tools keep named profiles (`cloudjobs --profile`).
    fn has_profiles(&self) -> bool {
        !self.settings_files().is_empty()
    }

    /// Finds credentials, and the region and output format where the
    /// vendor's tools keep them, the way those tools do.
    fn find_settings(&self, sources: &Sources<'_>) -> Result<Settings, CloudError>;

    /// What the vendor needs of credentials beyond the signing scheme's own
    /// checks (Huawei's account id for global services).
    fn check_credentials(&self, _protocol: &Protocol, _credentials: &Credentials) -> Result<(), CloudError> {
        Ok(())
    }

    /// How far a signing time may be from the server's clock, if requests carry one.
    fn clock_window(&self) -> Option<Duration> {
        None
    }

    /// The request header that names the account a request is for, where a
    /// job without an id is per account (Huawei's `X-Domain-Id`).
    fn account_header(&self) -> Option<&'static str> {
        None
    }

    /// Credentials in the form a client of this vendor holds them, for a key
    /// id and secret (the emulator hands these out).
    fn credentials_for(&self, key_id: &str, secret: &str) -> Credentials {
        Credentials::access_key(key_id, secret)
    }

    /// The environment variables, with values, that make [`find_settings`](Self::find_settings)
    /// return what [`credentials_for`](Self::credentials_for) returns.
    fn environment_for(&self, key_id: &str, secret: &str) -> Vec<(&'static str, String)> {
        let [id, key, ..] = self.credential_variables() else { return Vec::new() };
        vec![(id.name, key_id.to_owned()), (key.name, secret.to_owned())]
    }

    /// `body` (the spec's shape) inside the vendor's envelope, as its servers send it.
    fn envelope(&self, body: Value) -> Value {
        body
    }

    /// A successful answer as the vendor's servers send it: `body` (the spec's
    /// shape) with a fresh request id where the vendor puts it, in its envelope.
    fn success_answer(&self, status: u16, body: Value) -> ServerAnswer {
        let body = with_request_id(body, "RequestId", &request_id());
        ServerAnswer { status, headers: Vec::new(), body: Some(self.envelope(body)) }
    }

    /// How the vendor's servers refuse a request, with a fresh request id.
    fn refusal(&self, refusal: &Refusal) -> ServerAnswer;
}

/// A fresh request id in the upper-case 8-4-4-4-12 hex form Alibaba uses;
/// other vendors reshape it.
pub(crate) fn request_id() -> String {
    let mut bytes = [0u8; 16];
    let _ = getrandom::getrandom(&mut bytes);
    let hex = hex::encode_upper(bytes);
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

/// A value from a credentials file without a trailing `# comment`, as
/// Alibaba's tools read them (the other vendors' files have no such values).
pub(crate) fn ini_value(section: &IniSection, key: &str) -> Option<String> {
    section.get(key).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// Sets header `name` of a request, or says why `value` cannot be sent.
pub fn set_header(
    request: &mut reqwest::Request,
    name: reqwest::header::HeaderName,
    value: &str,
) -> Result<(), String> {
    let value = reqwest::header::HeaderValue::from_str(value)
        .map_err(|_| format!("{value:?} cannot be sent in header {name}"))?;
    request.headers_mut().insert(name, value);
    Ok(())
}

impl Protocol {
    /// The path templates at which `operation` is served: its spec path, and
    /// the vendor's twin of it (Oracle's bearer-token path), if any.
    pub fn paths(&self, operation: &crate::Operation) -> impl Iterator<Item = String> + use<> {
        let twin = rules(self.vendor).path_twin(self, operation.path);
        std::iter::once(operation.path.to_owned()).chain(twin)
    }
}

impl Credentials {
    /// Finds credentials for `vendor` in the process environment and the home directory.
    pub fn from_env(vendor: Vendor) -> Result<Self, CloudError> {
        let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
        Self::from_sources(
            vendor,
            &|name| std::env::var(name).ok().filter(|v| !v.is_empty()),
            home.as_deref(),
        )
    }

    /// Finds credentials for `vendor` the way its own tools do: environment
    /// variables first, then the vendor's credentials file. Each vendor's
    /// variables and files are those of [`VendorRules::credential_variables`]
    /// and [`VendorRules::find_settings`].
    pub fn from_sources(
        vendor: Vendor,
        env: &dyn Fn(&str) -> Option<String>,
        home: Option<&Path>,
    ) -> Result<Self, CloudError> {
        Ok(rules(vendor).find_settings(&Sources { env, home, profile: None })?.credentials.value)
    }
}

/// A header's value as an unsigned number, if it is one.
pub(crate) fn header_number(headers: &HeaderMap, name: &str) -> Option<u64> {
    headers.get(name)?.to_str().ok()?.trim().parse::<u64>().ok()
}

/// The string at JSON pointer `pointer`, if there is one.
pub(crate) fn text(value: &Value, pointer: &str) -> Option<String> {
    value.pointer(pointer).and_then(Value::as_str).map(str::to_owned)
}

/// `body` with its `key` field, where present, set to `request_id`.
pub(crate) fn with_request_id(mut body: Value, key: &str, request_id: &str) -> Value {
    if let Some(field) = body.get_mut(key) {
        *field = Value::String(request_id.to_owned());
    }
    body
}

/// An id/secret pair from two variables: both, neither, or an error naming the missing one.
pub(crate) fn variable_pair(
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

/// The keys (lower-case) and values of one section of an INI file.
pub(crate) type IniSection = std::collections::BTreeMap<String, String>;

/// One section of an INI file, or `None` when the file or the section does not exist.
pub(crate) fn ini_section(path: &Path, section: &str) -> Result<Option<IniSection>, CloudError> {
    if !path.is_file() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| CloudError::configuration(format!("cannot read {}: {e}", path.display())))?;
    Ok(parse_ini_section(&text, section))
}

/// Reads section `wanted` of an INI text the way Python's configparser does,
/// which Tencent's and Huawei's SDKs use to read these files: `[name]`
/// headers, `key = value` or `key: value` lines with the key lower-cased and
/// both sides trimmed, whole-line comments starting with `#` or `;`, and no
/// quoting, escapes or inline comments (a `#` inside a value is part of it).
/// A key given twice keeps its last value.
fn parse_ini_section(text: &str, wanted: &str) -> Option<IniSection> {
    let mut in_wanted = false;
    let mut found: Option<IniSection> = None;
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with(['#', ';']) {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|rest| rest.strip_suffix(']')) {
            in_wanted = name.trim() == wanted;
            if in_wanted {
                found.get_or_insert_with(IniSection::new);
            }
            continue;
        }
        // Inside the wanted section, which its header has already made.
        if let (true, Some(section), Some((key, value))) =
            (in_wanted, found.as_mut(), line.split_once(['=', ':']))
        {
            section.insert(key.trim().to_ascii_lowercase(), value.trim().to_owned());
        }
    }
    found
}

/// The error fields of any vendor's error body: each vendor's reader is
/// asked in turn, since an error converted with `?` does not know its API.
pub fn read_any_error(body: &Value) -> ErrorFields {
    ALL.iter().find_map(|vendor| rules(*vendor).read_error(body)).unwrap_or_default()
}

/// The request id in a response's headers, from whichever vendor sent it.
pub fn request_id_from_headers(headers: &HeaderMap) -> Option<&str> {
    ALL.iter()
        .filter_map(|vendor| rules(*vendor).request_id_header())
        .find_map(|name| headers.get(name)?.to_str().ok())
}

/// How long a server asked to wait, read with every vendor's convention in turn.
pub fn retry_hint_from_headers(headers: &HeaderMap) -> Option<Duration> {
    ALL.iter().find_map(|vendor| rules(*vendor).retry_hint(headers))
}

/// Whether any vendor documents `code` as a throttling refusal.
pub fn is_throttling_code(code: &str) -> bool {
    ALL.iter().any(|vendor| rules(*vendor).is_throttling_code(code))
}

/// The one rule for whether a vendor's error answer is worth another
/// attempt: a code any vendor documents as transient or permanent decides;
/// otherwise the status does (429 and 5xx).
pub fn is_transient_answer(status: u16, code: Option<&str>) -> bool {
    let known = |test: fn(&dyn VendorRules, &str) -> bool, code: &str| {
        ALL.iter().any(|vendor| test(rules(*vendor), code))
    };
    match code {
        Some(code) if known(|rules, code| rules.is_transient_code(code), code) => true,
        Some(code) if known(|rules, code| rules.is_permanent_code(code), code) => false,
        _ => status == 429 || (500..600).contains(&status),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use serde_json::json;

    #[test]
    fn each_vendor_names_itself() {
        for vendor in ALL {
            assert_eq!(rules(vendor).vendor(), vendor);
        }
    }

    #[test]
    fn each_vendor_envelope_is_read() {
        let alibaba = json!({"Code": "Throttling.User", "Message": "m", "RequestId": "r"});
        assert_eq!(
            read_any_error(&alibaba),
            ErrorFields {
                code: Some("Throttling.User".into()),
                message: Some("m".into()),
                request_id: Some("r".into())
            }
        );
        let tencent = json!({"Response": {"Error": {"Code": "AuthFailure.SignatureFailure", "Message": "m"}, "RequestId": "r"}});
        assert_eq!(read_any_error(&tencent).code.as_deref(), Some("AuthFailure.SignatureFailure"));
        let unwrapped = json!({"Error": {"Code": "C", "Message": "m"}, "RequestId": "r"});
        assert_eq!(read_any_error(&unwrapped).request_id.as_deref(), Some("r"));
        let huawei = json!({"error_code": "APIGW.0301", "error_msg": "m", "request_id": "r"});
        assert_eq!(read_any_error(&huawei).code.as_deref(), Some("APIGW.0301"));
    }

    #[test]
    fn vendor_hints_are_read_in_their_units() {
        let mut headers = HeaderMap::new();
        headers.insert("x-acs-retry-after", "1500".parse().unwrap());
        assert_eq!(retry_hint_from_headers(&headers), Some(Duration::from_millis(1500)));
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", "3".parse().unwrap());
        assert_eq!(retry_hint_from_headers(&headers), Some(Duration::from_secs(3)));
        assert_eq!(retry_hint_from_headers(&HeaderMap::new()), None);
    }

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
            "[default]\nsecret_id = tid\nsecret_key = tk#ey\n",
        )
        .unwrap();
        std::fs::create_dir_all(home.path().join(".huaweicloud")).unwrap();
        std::fs::write(
            home.path().join(".huaweicloud/credentials"),
            "[basic]\nak = wrong\nsk = wrong\n[global]\nak = hak\nsk = hs#k\ndomain_id = dom\n",
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
            Credentials::access_key("tid", "tk#ey"),
            "a `#` belongs to a Tencent secret"
        );
        assert_eq!(
            Credentials::from_sources(Vendor::Huawei, &none, h).unwrap(),
            Credentials::access_key("hak", "hs#k").with_domain_id("dom")
        );
        let other = lookup(&[("ALIBABA_CLOUD_PROFILE", "other")]);
        let error = Credentials::from_sources(Vendor::Alibaba, &other, h).unwrap_err();
        assert!(error.message().contains("only access_key is supported"), "{error}");
        let missing = Credentials::from_sources(Vendor::Alibaba, &none, None).unwrap_err();
        assert!(missing.message().starts_with("no Alibaba Cloud credentials"), "{missing}");
    }

    #[test]
    fn the_vendors_cli_profiles_give_credentials_region_and_output() {
        let home = tempfile::tempdir().unwrap();
        let write = |path: &str, text: &str| {
            let path = home.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        // The shapes the aliyun CLI, tccli and KooCLI write (see docs/protocols.md).
        write(
            ".aliyun/config.json",
            r#"{"current": "main", "profiles": [
                {"name": "main", "mode": "AK", "access_key_id": "ak-main", "access_key_secret": "s-main", "region_id": "cn-beijing", "output_format": "json"},
                {"name": "sts", "mode": "StsToken", "access_key_id": "ak-sts", "access_key_secret": "s-sts", "sts_token": "tok", "region_id": "cn-shenzhen"},
                {"name": "role", "mode": "RamRoleArn", "access_key_id": "a", "access_key_secret": "b"}]}"#,
        );
        write(".tccli/default.credential", r#"{"secretId": "tid", "secretKey": "tkey"}"#);
        write(".tccli/default.configure", r#"{"_sys_param": {"region": "ap-guangzhou", "output": "table"}}"#);
        write(
            ".tccli/dev.credential",
            r#"{"secretId": "tid-dev", "secretKey": "tkey-dev", "token": "ttok"}"#,
        );
        write(
            ".hcloud/config.json",
            r#"{"current": "plain", "profiles": [
                {"name": "plain", "mode": "AKSK", "accessKeyId": "HAK123", "secretAccessKey": "hsk", "domainId": "dom", "region": "cn-north-4"},
                {"name": "sealed", "mode": "AKSK", "accessKeyId": "Zm9v+YmFy/==", "secretAccessKey": "x"}]}"#,
        );
        let find = |vendor: Vendor, vars: &[(&str, &str)], profile: Option<&str>| {
            let env = lookup(vars);
            rules(vendor).find_settings(&Sources { env: &env, home: Some(home.path()), profile })
        };

        let alibaba = find(Vendor::Alibaba, &[], None).unwrap();
        assert_eq!(alibaba.credentials.value, Credentials::access_key("ak-main", "s-main"));
        assert_eq!(alibaba.credentials.from, "~/.aliyun/config.json profile \"main\"");
        assert_eq!(alibaba.region.unwrap().value, "cn-beijing");
        let sts = find(Vendor::Alibaba, &[("ALIBABA_CLOUD_REGION_ID", "cn-hangzhou")], Some("sts")).unwrap();
        assert_eq!(
            sts.credentials.value,
            Credentials::access_key("ak-sts", "s-sts").with_security_token("tok")
        );
        assert_eq!(sts.region.unwrap().value, "cn-shenzhen", "a named profile's region beats the variable");
        let env_keys = [
            ("ALIBABA_CLOUD_ACCESS_KEY_ID", "env-id"),
            ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "env-secret"),
            ("ALIBABA_CLOUD_REGION_ID", "cn-hangzhou"),
        ];
        let from_env = find(Vendor::Alibaba, &env_keys, None).unwrap();
        assert_eq!(from_env.credentials.value, Credentials::access_key("env-id", "env-secret"));
        assert_eq!(from_env.region.unwrap().from, "ALIBABA_CLOUD_REGION_ID");
        let named = find(Vendor::Alibaba, &env_keys, Some("main")).unwrap();
        assert_eq!(
            named.credentials.value,
            Credentials::access_key("ak-main", "s-main"),
            "--profile skips the variables"
        );
        let role = find(Vendor::Alibaba, &[], Some("role")).unwrap_err();
        assert!(role.message().contains("mode RamRoleArn"), "{role}");
        let missing = find(Vendor::Alibaba, &[("ALIBABA_CLOUD_PROFILE", "nope")], None).unwrap_err();
        assert!(missing.message().starts_with("no Alibaba Cloud profile \"nope\""), "{missing}");

        let tencent = find(Vendor::Tencent, &[], None).unwrap();
        assert_eq!(tencent.credentials.value, Credentials::access_key("tid", "tkey"));
        assert_eq!(
            (tencent.region.unwrap().value, tencent.output.unwrap().value),
            ("ap-guangzhou".into(), "table".into())
        );
        let dev = find(Vendor::Tencent, &[("TCCLI_PROFILE", "dev")], None).unwrap();
        assert_eq!(
            dev.credentials.value,
            Credentials::access_key("tid-dev", "tkey-dev").with_security_token("ttok")
        );
        let token = find(
            Vendor::Tencent,
            &[
                ("TENCENTCLOUD_SECRET_ID", "i"),
                ("TENCENTCLOUD_SECRET_KEY", "k"),
                ("TENCENTCLOUD_TOKEN", "t"),
                ("TENCENTCLOUD_REGION", "ap-beijing"),
            ],
            None,
        )
        .unwrap();
        assert_eq!(token.credentials.value, Credentials::access_key("i", "k").with_security_token("t"));
        assert_eq!(token.region.unwrap().value, "ap-beijing");
        assert!(
            find(Vendor::Tencent, &[], Some("nope"))
                .unwrap_err()
                .message()
                .contains("tccli configure --profile nope")
        );

        let huawei = find(Vendor::Huawei, &[], None).unwrap();
        assert_eq!(huawei.credentials.value, Credentials::access_key("HAK123", "hsk").with_domain_id("dom"));
        assert_eq!(huawei.region.unwrap().value, "cn-north-4");
        let sealed = find(Vendor::Huawei, &[], Some("sealed")).unwrap_err();
        assert!(sealed.message().contains("encrypted by KooCLI"), "{sealed}");
        assert!(!rules(Vendor::Oracle).has_profiles());
    }

    #[test]
    fn ini_sections_are_read_as_configparser_reads_them() {
        let text = "; a comment\n[default]\nsecret_id = AKID#1\n  Secret_Key: a=b;c \n\n[other]\nsecret_id = x\n[default]\nsecret_id = AKID2\n";
        let section = parse_ini_section(text, "default").unwrap();
        assert_eq!(section.get("secret_id").map(String::as_str), Some("AKID2"));
        assert_eq!(section.get("secret_key").map(String::as_str), Some("a=b;c"));
        assert_eq!(parse_ini_section(text, "other").unwrap().get("secret_id").map(String::as_str), Some("x"));
        assert_eq!(parse_ini_section(text, "missing"), None);
        assert_eq!(parse_ini_section("[empty]\n", "empty"), Some(IniSection::new()));
        assert_eq!(parse_ini_section("[a]\nsecret_id = AKID#1\n", "a").unwrap()["secret_id"], "AKID#1");
    }

    #[test]
    fn transient_answers() {
        assert!(crate::is_transient_answer(503, b""));
        assert!(crate::is_transient_answer(429, b"{}"));
        assert!(crate::is_transient_answer(400, br#"{"Code": "Throttling.User", "Message": "m"}"#));
        assert!(crate::is_transient_answer(
            200,
            br#"{"Response": {"Error": {"Code": "RequestLimitExceeded", "Message": "m"}}}"#
        ));
        assert!(!crate::is_transient_answer(
            200,
            br#"{"Response": {"Error": {"Code": "AuthFailure.SignatureFailure", "Message": "m"}}}"#
        ));
        assert!(!crate::is_transient_answer(400, br#"{"Code": "SignatureDoesNotMatch"}"#));
        assert!(!crate::is_transient_answer(500, br#"{"Code": "InvalidParameter.TaskId"}"#));
        assert!(!crate::is_transient_answer(200, br#"{"RequestId": "r"}"#));
        assert!(!crate::is_transient_answer(404, b""));
    }
}
