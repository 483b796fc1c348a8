//! Client settings: credentials, region, endpoint and timeouts, resolved once
//! when a client is created so that requests can be signed without failing.

use std::sync::Arc;
use std::time::Duration;

use crate::{CloudError, Credentials, Protocol, RetryPolicy, Signing};

/// One answer as the vendor sent it, before any decoding, handed to the
/// observer set with [`ClientConfig::on_answer`].
#[derive(Debug)]
pub struct Answer<'a> {
    /// The operation called, as the spec names it.
    pub operation_id: &'a str,
    /// Which attempt this was, the first being 1.
    pub attempt: u32,
    /// The HTTP status.
    pub status: u16,
    /// The response headers.
    pub headers: &'a reqwest::header::HeaderMap,
    /// The body, exactly as it came.
    pub body: &'a [u8],
    /// How long the attempt took, from sending to the end of the body.
    pub elapsed: Duration,
}

/// What [`ClientConfig::on_answer`] calls with every answer.
pub type AnswerObserver = Arc<dyn Fn(&Answer<'_>) + Send + Sync>;

/// How long to wait for a TCP and TLS connection, unless configured.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest answer a client reads, unless configured: 16 MiB, far above
/// any job answer, far below what would hurt.
pub const DEFAULT_ANSWER_LIMIT: usize = 16 * 1024 * 1024;

/// How long a whole request may take, unless configured.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Settings of a client. Generated clients carry one; build it with the
/// setters and pass it to the client's `with_config`.
#[derive(Clone, Default)]
pub struct ClientConfig {
    pub(crate) credentials: Option<Credentials>,
    pub(crate) region: Option<String>,
    pub(crate) endpoint: Option<String>,
    connect_timeout: Option<Duration>,
    read_timeout: Option<Duration>,
    timeout: Option<Duration>,
    http: Option<reqwest::Client>,
    retry: Option<RetryPolicy>,
    pub(crate) observer: Option<AnswerObserver>,
    answer_limit: Option<usize>,
    pub(crate) rate_limits: crate::RateLimiter,
    /// The HMAC key the client signs with, prepared once.
    #[cfg(any(feature = "alibaba", feature = "tencent", feature = "huawei"))]
    pub(crate) signing_keys: crate::signing::SigningKeyCache,
}

impl std::fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientConfig")
            .field("credentials", &self.credentials)
            .field("region", &self.region)
            .field("endpoint", &self.endpoint.as_deref().map(crate::answer::without_userinfo))
            .field("connect_timeout", &self.connect_timeout)
            .field("read_timeout", &self.read_timeout)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("observer", &self.observer.is_some())
            .field("answer_limit", &self.answer_limit)
            .field("rate_limits", &self.rate_limits)
            .finish_non_exhaustive()
    }
}

/// What a client needs to be created: its base URL, HTTP client and settings.
#[derive(Debug)]
pub struct Connection {
    /// The base URL requests go to.
    pub base_url: String,
    /// The HTTP client.
    pub http: reqwest::Client,
    /// The settings, with credentials filled in.
    pub config: ClientConfig,
}

impl ClientConfig {
    /// Settings with nothing set: credentials from the environment, the API's default region.
    pub fn new() -> Self {
        Self::default()
    }

    /// Signs with these credentials instead of looking in the environment.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// The region whose endpoint to call (the host, or a region header, as the vendor wants).
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// An explicit base URL, for private endpoints, Oracle servers and tests.
    /// `http://` is used only when given here.
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(url.into());
        self
    }

    /// The connection timeout (default 10 s). Zero is refused when the client is made.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The longest silence while reading an answer: between connecting and
    /// the first byte, or between two chunks of the body (default: none, the
    /// whole-request timeout alone bounds it). Zero is refused when the client is made.
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = Some(timeout);
        self
    }

    /// The timeout of a whole request (default 30 s). Zero is refused when the client is made.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Calls `observer` with every answer, each retry's included, exactly as
    /// the vendor sent it: to keep the raw JSON, fields no spec knows
    /// included (`cloudjobs --raw`), or to log. Answers are then read whole
    /// before they are decoded, which they mostly are anyway.
    pub fn on_answer(mut self, observer: impl Fn(&Answer<'_>) + Send + Sync + 'static) -> Self {
        self.observer = Some(Arc::new(observer));
        self
    }

    /// How calls are retried (default: [`RetryPolicy::default`]; [`RetryPolicy::none`] turns retries off).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// The largest answer to read (default [`DEFAULT_ANSWER_LIMIT`]); a
    /// larger one ends the call with an [`ErrorKind::InvalidResponse`](crate::ErrorKind)
    /// naming the limit, without being read further.
    pub fn answer_limit(mut self, bytes: usize) -> Self {
        self.answer_limit = Some(bytes);
        self
    }

    /// Replaces the documented request-rate limit of one operation (its
    /// `operationId`, e.g. `GetTaskStatus`): `Some(n)` requests per second, or
    /// `None` for none (`Some(0)` also means none). Every clone of this
    /// configuration, and every client made from one, shares one schedule per
    /// operation. A client refuses to be made with a limit set under another
    /// spelling of one of its operations (`get_task_status`).
    pub fn rate_limit(self, operation_id: &str, per_second: Option<u32>) -> Self {
        self.rate_limits.set(operation_id, per_second);
        self
    }

    /// Sends as fast as asked, ignoring every documented request-rate limit
    /// (limits set with [`rate_limit`](Self::rate_limit) still apply).
    pub fn without_documented_rate_limits(self) -> Self {
        self.rate_limits.disable_documented();
        self
    }

    /// The shared request-rate limiter.
    pub fn rate_limiter(&self) -> &crate::RateLimiter {
        &self.rate_limits
    }

    /// The answer limit in force.
    pub fn configured_answer_limit(&self) -> usize {
        self.answer_limit.unwrap_or(DEFAULT_ANSWER_LIMIT)
    }

    /// The retry policy in force.
    pub fn retry_policy(&self) -> RetryPolicy {
        self.retry.clone().unwrap_or_default()
    }

    /// Uses a preconfigured `reqwest::Client` (proxies, custom TLS); the timeouts above are then its own.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// The credentials, once resolved.
    pub fn configured_credentials(&self) -> Option<&Credentials> {
        self.credentials.as_ref()
    }

    /// The region, if one was set.
    pub fn configured_region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// Resolves credentials, endpoint and HTTP client for `protocol`. Every
    /// problem is reported here, so that requests can be signed infallibly later.
    pub fn connect(mut self, protocol: &Protocol) -> Result<Connection, CloudError> {
        let credentials = match self.credentials.take() {
            Some(credentials) => credentials,
            None => Credentials::from_env(protocol.vendor)?,
        };
        check_credentials(protocol, &credentials)?;
        check_rate_limit_names(protocol, &self.rate_limits)?;
        self.credentials = Some(credentials);
        // Each client keeps its own prepared key, which its clones share. A
        // cache holds one key, for one secret and (for Tencent) service, so
        // two clients made from clones of one configuration, for two accounts
        // or two APIs, would otherwise replace each other's on every request.
        #[cfg(any(feature = "alibaba", feature = "tencent", feature = "huawei"))]
        {
            self.signing_keys = crate::signing::SigningKeyCache::default();
        }
        let base_url = resolve_endpoint(protocol, self.region.as_deref(), self.endpoint.as_deref())?;
        let http = match &self.http {
            Some(http) => http.clone(),
            None => http_client(
                nonzero_timeout("connect_timeout", self.connect_timeout)?.unwrap_or(DEFAULT_CONNECT_TIMEOUT),
                nonzero_timeout("read_timeout", self.read_timeout)?,
                nonzero_timeout("timeout", self.timeout)?.unwrap_or(DEFAULT_TIMEOUT),
            )?,
        };
        Ok(Connection { base_url, http, config: self })
    }
}

/// A timeout as set, refused when zero: reqwest would then fail every
/// request at once, which reads as a network fault rather than the setting
/// it is.
fn nonzero_timeout(setting: &str, timeout: Option<Duration>) -> Result<Option<Duration>, CloudError> {
    if timeout.is_some_and(|timeout| timeout.is_zero()) {
        return Err(CloudError::configuration(format!(
            "ClientConfig::{setting} is zero, which would fail every request at once"
        )));
    }
    Ok(timeout)
}

/// A limit set under another spelling of one of this API's operations
/// (`get_task_status`, the Rust method's name) would limit nothing, since
/// limits are kept by `operationId`: it is refused, naming the right one. A
/// name no operation here has may be another API's, whose clients share the
/// configuration, and is left alone.
fn check_rate_limit_names(protocol: &Protocol, limits: &crate::RateLimiter) -> Result<(), CloudError> {
    for name in limits.named() {
        if protocol.operation(&name).is_none()
            && let Some(operation) = protocol.operation_named(&name)
        {
            return Err(CloudError::configuration(format!(
                "rate_limit names operations by their operationId: {}, not {name}",
                operation.operation_id
            )));
        }
    }
    Ok(())
}

/// The kind of credentials each signing scheme needs, and values that fit in headers.
fn check_credentials(protocol: &Protocol, credentials: &Credentials) -> Result<(), CloudError> {
    let (compiled, feature) = match protocol.signing {
        Signing::Acs3HmacSha256 => (cfg!(feature = "alibaba"), "alibaba"),
        Signing::Tc3HmacSha256 => (cfg!(feature = "tencent"), "tencent"),
        Signing::SdkHmacSha256 => (cfg!(feature = "huawei"), "huawei"),
        Signing::HttpBasic => (cfg!(feature = "oracle"), "oracle"),
    };
    if !compiled {
        return Err(CloudError::configuration(format!(
            "cloudjobs-core was built without its `{feature}` feature, which signs for {:?}",
            protocol.vendor
        )));
    }
    let header_safe = |what: &str, value: &str| {
        if value.is_empty() || value.chars().any(|c| c.is_control() || !c.is_ascii()) {
            Err(CloudError::configuration(format!(
                "the {what} is empty or has characters a header cannot carry"
            )))
        } else {
            Ok(())
        }
    };
    match (protocol.signing, credentials) {
        (
            Signing::Acs3HmacSha256 | Signing::Tc3HmacSha256 | Signing::SdkHmacSha256,
            Credentials::AccessKey(key),
        ) => {
            header_safe("access key id", &key.id)?;
            header_safe("access key secret", key.secret.expose())?;
            if let Some(token) = &key.security_token {
                header_safe("security token", token.expose())?;
            }
            if let Some(domain) = &key.domain_id {
                header_safe("domain id", domain)?;
            }
        }
        (Signing::HttpBasic, Credentials::Basic { username, password }) => {
            if username.contains(':') {
                return Err(CloudError::configuration("a Basic user name cannot contain `:`"));
            }
            header_safe("user name", username)?;
            header_safe("password", password.expose())?;
        }
        (Signing::HttpBasic, Credentials::Bearer(token)) => header_safe("bearer token", token.expose())?,
        (signing, _) => {
            return Err(CloudError::configuration(format!(
                "{:?} signs with {signing:?}, which these credentials cannot do",
                protocol.vendor
            )));
        }
    }
    crate::vendor::rules(protocol.vendor).check_credentials(protocol, credentials)
}

fn is_region_name(region: &str) -> bool {
    !region.is_empty() && region.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// The base URL to call: an explicit endpoint, else the API's endpoint for the region.
pub fn resolve_endpoint(
    protocol: &Protocol,
    region: Option<&str>,
    endpoint: Option<&str>,
) -> Result<String, CloudError> {
    if let Some(region) = region
        && !is_region_name(region)
    {
        return Err(CloudError::configuration(format!(
            "{region:?} is not a region name (lower-case letters, digits, `-`)"
        )));
    }
    if let Some(endpoint) = endpoint {
        let url = reqwest::Url::parse(endpoint).map_err(|e| {
            let shown = crate::answer::without_userinfo(endpoint);
            CloudError::configuration(format!("endpoint {shown:?} is not a URL: {e}"))
        })?;
        if !matches!(url.scheme(), "https" | "http") || url.host_str().is_none() {
            let shown = crate::answer::without_userinfo(endpoint);
            return Err(CloudError::configuration(format!(
                "endpoint {shown:?} must be an https:// or http:// URL"
            )));
        }
        // RPC APIs are served at `/`, which the request path replaces: a path
        // given here would be dropped without a word, so it is refused.
        if protocol.style == crate::Style::Rpc && url.path() != "/" {
            return Err(CloudError::configuration(format!(
                "endpoint {:?} has the path {}, but {:?} {} is served at / (give only the scheme, host and port)",
                crate::answer::without_userinfo(endpoint),
                url.path(),
                protocol.vendor,
                protocol.service
            )));
        }
        return Ok(endpoint.trim_end_matches('/').to_owned());
    }
    let template = match (protocol.regional_endpoint, region, protocol.endpoint) {
        (Some(regional), Some(_), _) => regional,
        (_, _, Some(endpoint)) => endpoint,
        (_, _, None) => {
            return Err(CloudError::configuration(format!(
                "{:?} {} has no shared endpoint: give your server's base URL with ClientConfig::endpoint \
                 (cloudjobs: --endpoint https://<your-server>)",
                protocol.vendor, protocol.service
            )));
        }
    };
    if !template.contains("{region}") {
        return Ok(template.to_owned());
    }
    let region = region.or(protocol.default_region).ok_or_else(|| {
        CloudError::configuration(format!("{} needs a region to choose its endpoint", protocol.service))
    })?;
    Ok(template.replace("{region}", region))
}

/// An HTTP client on rustls with the ring provider, the lighter of rustls's two
/// providers to build (feature `rustls-ring`, the default), or on the
/// system's TLS (feature `native-tls`). Installing the provider fails
/// harmlessly when the application already chose one.
fn http_client(
    connect_timeout: Duration,
    read_timeout: Option<Duration>,
    timeout: Duration,
) -> Result<reqwest::Client, CloudError> {
    #[cfg(feature = "rustls-ring")]
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut builder = reqwest::Client::builder();
    if let Some(read_timeout) = read_timeout {
        builder = builder.read_timeout(read_timeout);
    }
    // Redirects are not followed: a signed request sent on to another
    // address would carry its signature and token there. A 3xx is returned
    // as an error with its status.
    builder
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(connect_timeout)
        .timeout(timeout)
        .user_agent(concat!("cloudjobs/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| CloudError::configuration(format!("cannot create the HTTP client: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Style, Vendor};

    const fn protocol(
        vendor: Vendor,
        endpoint: Option<&'static str>,
        regional: Option<&'static str>,
    ) -> Protocol {
        Protocol {
            vendor,
            service: "svc",
            api_version: "v",
            style: Style::Rest,
            signing: Signing::HttpBasic,
            error_envelope: vendor,
            endpoint,
            regional_endpoint: regional,
            default_region: Some("cn-shanghai"),
            basic_path_prefix: None,
            bearer_path_prefix: None,
            operations: &[],
        }
    }

    #[test]
    fn endpoints_follow_region_and_override() {
        let alibaba = protocol(Vendor::Alibaba, Some("https://svc.{region}.aliyuncs.com"), None);
        assert_eq!(resolve_endpoint(&alibaba, None, None).unwrap(), "https://svc.cn-shanghai.aliyuncs.com");
        assert_eq!(
            resolve_endpoint(&alibaba, Some("ap-southeast-1"), None).unwrap(),
            "https://svc.ap-southeast-1.aliyuncs.com"
        );
        assert_eq!(
            resolve_endpoint(&alibaba, None, Some("http://127.0.0.1:9/")).unwrap(),
            "http://127.0.0.1:9"
        );
        assert!(resolve_endpoint(&alibaba, Some("evil.com/x"), None).is_err());
        assert!(resolve_endpoint(&alibaba, None, Some("ftp://x")).is_err());

        let tencent = protocol(
            Vendor::Tencent,
            Some("https://svc.tencentcloudapi.com"),
            Some("https://svc.{region}.tencentcloudapi.com"),
        );
        assert_eq!(resolve_endpoint(&tencent, None, None).unwrap(), "https://svc.tencentcloudapi.com");
        assert_eq!(
            resolve_endpoint(&tencent, Some("ap-guangzhou"), None).unwrap(),
            "https://svc.ap-guangzhou.tencentcloudapi.com"
        );

        let oracle = protocol(Vendor::Oracle, None, None);
        let error = resolve_endpoint(&oracle, None, None).unwrap_err();
        assert!(error.message().contains("has no shared endpoint"), "{error}");
        // A REST API keeps a base path; an RPC API, served at /, refuses one.
        assert_eq!(resolve_endpoint(&oracle, None, Some("https://h/p6ws/")).unwrap(), "https://h/p6ws");
        let rpc = Protocol { style: Style::Rpc, ..alibaba };
        let dropped = resolve_endpoint(&rpc, None, Some("http://u:pw@127.0.0.1:9/extra/path")).unwrap_err();
        assert_eq!(
            dropped.message(),
            "endpoint \"http://***@127.0.0.1:9/extra/path\" has the path /extra/path, but Alibaba svc is served at / \
             (give only the scheme, host and port)"
        );
        let shown = resolve_endpoint(&alibaba, None, Some("http://u:secret@[::1")).unwrap_err();
        assert!(!shown.message().contains("secret"), "{shown}");
    }

    #[test]
    fn each_client_keeps_its_own_prepared_key() {
        let mut alibaba = protocol(Vendor::Alibaba, Some("https://svc.{region}.aliyuncs.com"), None);
        alibaba.signing = Signing::Acs3HmacSha256;
        let base = ClientConfig::new().credentials(Credentials::access_key("id-1", "secret-1"));
        let first = base.clone().connect(&alibaba).unwrap();
        let other_account = base.clone().credentials(Credentials::access_key("id-2", "secret-2"));
        let second = other_account.connect(&alibaba).unwrap();
        assert!(!first.config.signing_keys.is_shared_with(&second.config.signing_keys));
        assert!(!first.config.signing_keys.is_shared_with(&base.signing_keys));
        // The clones of one client's configuration (a cloned client) keep
        // its key, prepared once.
        let clone = first.config.clone();
        assert!(clone.signing_keys.is_shared_with(&first.config.signing_keys));
    }

    #[test]
    fn credentials_must_fit_the_scheme() {
        let mut huawei = protocol(Vendor::Huawei, Some("https://h"), None);
        huawei.signing = Signing::SdkHmacSha256;
        let error = check_credentials(&huawei, &Credentials::access_key("a", "b")).unwrap_err();
        assert!(error.message().contains("HUAWEICLOUD_SDK_DOMAIN_ID"), "{error}");
        assert!(check_credentials(&huawei, &Credentials::access_key("a", "b").with_domain_id("d")).is_ok());
        assert!(check_credentials(&huawei, &Credentials::basic("u", "p")).is_err());
        let oracle = protocol(Vendor::Oracle, None, None);
        assert!(check_credentials(&oracle, &Credentials::bearer("t")).is_err(), "no bearer twin declared");
        assert!(check_credentials(&oracle, &Credentials::basic("u", "p\n")).is_err());
    }
}
