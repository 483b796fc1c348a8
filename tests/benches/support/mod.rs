//! What the benches share: a local server that answers every request with the
//! same CloudSSO body, the unsigned requests the signers start from, and the
//! calls the call benches compare (`Calls`).

#![allow(dead_code)] // Each bench uses its own part of this module.

use std::convert::Infallible;
use std::hint::black_box;
use std::net::SocketAddr;
use std::time::SystemTime;

use bytes::Bytes;
use cloudjobs_alibaba_cloudsso::types::GetTaskStatusResponse;
use cloudjobs_core::signing::{
    Hex, RequestParts, SignatureHeaders, SigningKeyCache, acs3, sdk_hmac, sha256_hex, tc3,
};
use cloudjobs_core::{ClientConfig, Credentials, hooks};
use http_body_util::Full;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;

/// The access key every Alibaba request here is signed with: the published
/// example's id and a made-up secret.
pub const ALIBABA_KEY: (&str, &str) = ("LTAI5tExampleKeyId", "ExampleSecret0123456789");

/// The CloudSSO directory the benches' requests name. The vendor's examples
/// mask their ids (`d-00fc2p61****`); a real id is letters and digits. A `*`
/// would also cost every signed call a rewrite of its URL, since the
/// canonical query writes it `%2A`, which no real call with these ids pays.
pub const DIRECTORY_ID: &str = "d-00fc2p61ab2c";

/// A task id as the signers' requests carry it, of a real id's form.
pub const TASK_ID: &str = "t-shfqw1u1edszvxw5ab2c";

/// The body the server sends: CloudSSO's documented `GetTaskStatus` answer.
pub const BODY: &str = r#"{"RequestId":"005F4623-AE53-504D-830F-44825F7DC211","TaskStatus":{"Status":"Success","TaskId":"t-1","EndTime":"2021-11-05T02:58:08Z","TaskType":"DeleteAccessAssignment","StartTime":"2021-11-05T02:58:07Z"}}"#;

/// A server that answers every request with [`BODY`], on its own runtime
/// thread, like a remote endpoint that costs nothing.
pub fn start_server() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                tokio::spawn(async move {
                    let service = service_fn(|_request| async {
                        let response = hyper::Response::builder()
                            .header("content-type", "application/json")
                            .body(Full::new(Bytes::from_static(BODY.as_bytes())));
                        Ok::<_, Infallible>(response.unwrap())
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
    });
    address
}

fn parts(method: &str, target: &str, headers: &[(&str, &str)], body: &str) -> RequestParts {
    let headers = headers.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
    RequestParts::from_target(method, target, headers, body.as_bytes().to_vec())
}

/// A CloudSSO `GetTaskStatus` of `task_id` sent to `host`, as the ACS3 signer receives it.
fn alibaba_request(host: &str, task_id: &str) -> RequestParts {
    parts(
        "POST",
        &format!("/?DirectoryId={DIRECTORY_ID}&TaskId={task_id}"),
        &[
            ("host", host),
            ("x-acs-action", "GetTaskStatus"),
            ("x-acs-version", "2021-05-15"),
            ("accept", "application/json"),
        ],
        "",
    )
}

/// A Tencent `GetProvisioningTaskStatus` as the TC3 signer receives it.
fn tencent_request() -> RequestParts {
    parts(
        "POST",
        "/",
        &[
            ("host", "organization.tencentcloudapi.com"),
            ("content-type", "application/json"),
            ("x-tc-action", "GetProvisioningTaskStatus"),
            ("x-tc-version", "2021-03-31"),
        ],
        // The docs' masked ids, kept: a body is only hashed, never encoded.
        r#"{"TaskId":"t-d8wjd8j3****","ZoneId":"z-djw98wnd***"}"#,
    )
}

/// Huawei's service status call as the SDK-HMAC signer receives it.
fn huawei_request() -> RequestParts {
    parts(
        "GET",
        "/v1/identity-center-service/status",
        &[
            ("host", "identitycenter.myhuaweicloud.com"),
            ("content-type", "application/json"),
            ("x-domain-id", "0c5c1b7e3b8a4e4f9d6a2c1b0a9f8e7d"),
        ],
        "",
    )
}

/// The nonce of every ACS3 signature [`Signers::acs3`] makes.
pub const ACS3_NONCE: &str = "3156853299f313e23d1673dc12e1703d";

/// The host [`Signers::acs3`]'s request is sent to.
pub const ALIBABA_HOST: &str = "cloudsso.cn-shanghai.aliyuncs.com";

/// The three HMAC signers, each on its vendor's request above and with the
/// credentials of its published example; the requests are made once, so
/// that a bench times the signer alone.
pub struct Signers {
    alibaba: RequestParts,
    tencent: RequestParts,
    huawei: RequestParts,
}

impl Signers {
    pub fn new() -> Self {
        Signers {
            alibaba: alibaba_request(ALIBABA_HOST, TASK_ID),
            tencent: tencent_request(),
            huawei: huawei_request(),
        }
    }

    pub fn acs3(&self, keys: &SigningKeyCache, now: SystemTime) -> SignatureHeaders {
        let ((id, secret), nonce) = (ALIBABA_KEY, ACS3_NONCE);
        acs3::signature_headers(&self.alibaba, keys, id, secret, None, now, nonce)
    }

    pub fn tc3(&self, keys: &SigningKeyCache, now: SystemTime) -> SignatureHeaders {
        let (id, secret) = ("AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE");
        tc3::signature_headers(&self.tencent, keys, id, secret, None, "organization", now)
    }

    /// The texts ACS3 hashes for the request of [`Signers::acs3`]: its
    /// canonical request and its string to sign, both as the signer writes
    /// them (read back from a signed copy), for a baseline of the hashing alone.
    pub fn acs3_hashed_texts(&self, now: SystemTime) -> (String, String) {
        let mut signed = self.alibaba.clone();
        signed.set_headers(self.acs3(&SigningKeyCache::default(), now));
        let authorization = signed.authorization().unwrap();
        let names = authorization.split("SignedHeaders=").nth(1).unwrap().split(',').next().unwrap();
        let names: Vec<&str> = names.split(';').collect();
        let canonical = acs3::canonical_request(&signed, &names).unwrap();
        let string_to_sign = acs3::string_to_sign(&canonical);
        (canonical, string_to_sign)
    }

    pub fn sdk_hmac(&self, keys: &SigningKeyCache, now: SystemTime) -> SignatureHeaders {
        let (access_key, secret) = ("QTWAOYTTINDUT2QVKYUC", "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc");
        sdk_hmac::signature_headers(&self.huawei, keys, access_key, secret, None, now)
    }
}

/// A CloudSSO `GetTaskStatus` as the signing hook receives it from
/// progenitor, and a configuration with the credentials to sign it.
pub fn hook_request() -> (ClientConfig, reqwest::Request) {
    let config = ClientConfig::new().credentials(Credentials::access_key(ALIBABA_KEY.0, ALIBABA_KEY.1));
    let url =
        format!("https://cloudsso.cn-shanghai.aliyuncs.com/?DirectoryId={DIRECTORY_ID}&TaskId={TASK_ID}");
    let mut request = reqwest::Request::new(reqwest::Method::POST, url.parse().unwrap());
    for (name, value) in
        [("x-acs-action", "GetTaskStatus"), ("x-acs-version", "2021-05-15"), ("accept", "application/json")]
    {
        request.headers_mut().insert(name, value.parse().unwrap());
    }
    (config, request)
}

/// The four headers that sign a CloudSSO `GetTaskStatus` of directory
/// [`DIRECTORY_ID`] and task `task_id` sent to `host`, at `date` with
/// `nonce`, under the prepared `key` of [`ALIBABA_KEY`]'s secret: ACS3
/// written out for this one request with nothing general about it (fixed
/// header names in their sorted order, a query that needs no encoding, the
/// empty body's hash as a constant, every text joined into a string of its
/// final size, hashes in hex on the stack). A baseline for what a signer
/// that serves every request of every API pays for that generality.
pub fn minimal_acs3(
    host: &str,
    task_id: &str,
    key: &ring::hmac::Key,
    date: &str,
    nonce: &str,
) -> [(&'static str, String); 4] {
    const EMPTY: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    const SIGNED: &str =
        "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version";
    let joined = |pieces: &[&str]| {
        let mut out = String::with_capacity(pieces.iter().map(|piece| piece.len()).sum());
        pieces.iter().for_each(|piece| out.push_str(piece));
        out
    };
    let canonical = joined(&[
        "POST\n/\nDirectoryId=",
        DIRECTORY_ID,
        "&TaskId=",
        task_id,
        "\nhost:",
        host,
        "\nx-acs-action:GetTaskStatus\nx-acs-content-sha256:",
        EMPTY,
        "\nx-acs-date:",
        date,
        "\nx-acs-signature-nonce:",
        nonce,
        "\nx-acs-version:2021-05-15\n\n",
        SIGNED,
        "\n",
        EMPTY,
    ]);
    let mut string_to_sign = [0u8; 81];
    string_to_sign[..17].copy_from_slice(b"ACS3-HMAC-SHA256\n");
    string_to_sign[17..].copy_from_slice(sha256_hex(canonical.as_bytes()).as_str().as_bytes());
    let mut signature = [0u8; 32];
    signature.copy_from_slice(ring::hmac::sign(key, &string_to_sign).as_ref());
    let signature = Hex::of(&signature);
    let authorization = joined(&[
        "ACS3-HMAC-SHA256 Credential=",
        ALIBABA_KEY.0,
        ",SignedHeaders=",
        SIGNED,
        ",Signature=",
        &signature,
    ]);
    [
        ("x-acs-date", date.to_owned()),
        ("x-acs-signature-nonce", nonce.to_owned()),
        ("x-acs-content-sha256", EMPTY.to_owned()),
        ("authorization", authorization),
    ]
}

/// Panics unless [`minimal_acs3`] is the real signature: the runtime's ACS3
/// signer, checked against the vendor's published vectors, signs the same
/// request at the same date with the same nonce to the same `Authorization`.
pub fn check_minimal_acs3(host: &str, task_id: &str, key: &ring::hmac::Key) {
    let (date, nonce) = ("2026-11-24T09:00:00Z", ACS3_NONCE);
    let at = humantime::parse_rfc3339(date).unwrap();
    let request = alibaba_request(host, task_id);
    let keys = SigningKeyCache::default();
    let theirs = acs3::signature_headers(&request, &keys, ALIBABA_KEY.0, ALIBABA_KEY.1, None, at, nonce);
    let [.., (_, ours)] = minimal_acs3(host, task_id, key, date, nonce);
    assert_eq!(Some(&ours), theirs.last().map(|(_, value)| value), "the minimal ACS3 signature is wrong");
}

/// What a signed CloudSSO `GetTaskStatus` sends besides its query: the same
/// header names and value sizes, the signature precomputed.
pub const SIGNED_CALL_HEADERS: [(&str, &str); 8] = [
    ("accept", "application/json"),
    ("x-acs-action", "GetTaskStatus"),
    ("x-acs-version", "2021-05-15"),
    ("x-acs-date", "2026-11-24T09:00:00Z"),
    ("x-acs-signature-nonce", "0d5ec5d4d9a3464c8a1e2f1b9d4e2a7c"),
    ("x-acs-content-sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    ("user-agent", "cloudjobs/0.1.0"),
    (
        "authorization",
        "ACS3-HMAC-SHA256 Credential=LTAI5tExampleKeyId,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0",
    ),
];

/// The calls the call benches compare, against one [`start_server`]: plain
/// reqwest, plain reqwest sending our call's headers, and ours. Each decodes
/// the same typed answer. Three more, made by hand through the client's
/// public hooks, stand between the last two and split the difference
/// ([`Calls::prepared`], [`Calls::prepared_and_signed`],
/// [`Calls::through_execute`]); [`Calls::signed_twice`] prices a second
/// signature; [`Calls::plain_signed_minimally`] is plain reqwest signing with
/// the least work ACS3 allows, a floor for any signed call. The calls made by hand go through our configured HTTP client
/// (timeouts, no redirects); on plain reqwest, that configuration measured
/// 0.988× an unconfigured client (BENCHMARKS.md, "Late evening").
pub struct Calls {
    url: String,
    plain: reqwest::Client,
    /// Our configured HTTP client and settings, for the calls made by hand.
    connection: cloudjobs_core::Connection,
    /// The signature's headers of [`SIGNED_CALL_HEADERS`], parsed once.
    signature: Vec<(reqwest::header::HeaderName, reqwest::header::HeaderValue)>,
    ours: cloudjobs_alibaba_cloudsso::Client,
    /// The server's `host`, and the secret's HMAC key, for [`Calls::plain_signed_minimally`].
    host: String,
    key: ring::hmac::Key,
    /// Where [`Calls::plain_signed_minimally`]'s nonces start, and how many it has drawn.
    nonce_start: u128,
    nonces: std::sync::atomic::AtomicU64,
}

/// The headers of [`SIGNED_CALL_HEADERS`] that signing adds.
const SIGNATURE_HEADER_NAMES: [&str; 4] =
    ["x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256", "authorization"];

impl Calls {
    /// Starts the server and the clients; `runtime` is the one the calls run on.
    pub fn new(runtime: &tokio::runtime::Runtime) -> Self {
        use cloudjobs_core::RetryPolicy;
        let url = format!("http://{}", start_server());
        let config = ClientConfig::new()
            .endpoint(&url)
            .credentials(Credentials::access_key(ALIBABA_KEY.0, ALIBABA_KEY.1))
            .retry(RetryPolicy::default());
        let (connection, ours) = runtime.block_on(async {
            let connection = config.clone().connect(&cloudjobs_alibaba_cloudsso::PROTOCOL).unwrap();
            (connection, cloudjobs_alibaba_cloudsso::Client::with_config(config).unwrap())
        });
        // Made after ours, which installs the rustls provider that reqwest needs.
        let plain = reqwest::Client::new();
        let signature = SIGNED_CALL_HEADERS
            .iter()
            .filter(|(name, _)| SIGNATURE_HEADER_NAMES.contains(name))
            .map(|(name, value)| (name.parse().unwrap(), value.parse().unwrap()))
            .collect();
        let host = url.trim_start_matches("http://").to_owned();
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, ALIBABA_KEY.1.as_bytes());
        let nonce_start = u128::from_str_radix(&cloudjobs_core::signing::nonce(), 16).unwrap();
        let nonces = std::sync::atomic::AtomicU64::new(0);
        let calls = Calls { url, plain, connection, signature, ours, host, key, nonce_start, nonces };
        check_minimal_acs3(&calls.host, "t-1", &calls.key);
        calls
    }

    /// Plain reqwest, signing each call with the least work ACS3 allows
    /// ([`minimal_acs3`]): the date, a nonce that costs next to nothing (a
    /// random start drawn once, plus a count, so that no two requests of the
    /// run share one), two hashes, and header names that are constants.
    /// Against [`Calls::plain`], a floor for a signed call through reqwest:
    /// the cheapest we could write, cheaper than any client that must also
    /// stay correct across a `fork`, which a counter is not.
    pub async fn plain_signed_minimally(&self) -> GetTaskStatusResponse {
        use reqwest::header::{ACCEPT, HeaderName, HeaderValue, USER_AGENT};
        let date = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
        let count = self.nonces.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let nonce = format!("{:032x}", self.nonce_start.wrapping_add(u128::from(count)));
        let mut request = self.plain_request().build().unwrap();
        let headers = request.headers_mut();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(HeaderName::from_static("x-acs-action"), HeaderValue::from_static("GetTaskStatus"));
        headers.insert(HeaderName::from_static("x-acs-version"), HeaderValue::from_static("2021-05-15"));
        headers.insert(USER_AGENT, HeaderValue::from_static("cloudjobs/0.1.0"));
        for (name, value) in minimal_acs3(&self.host, "t-1", &self.key, &date, &nonce) {
            headers.insert(HeaderName::from_static(name), HeaderValue::try_from(value).unwrap());
        }
        self.plain.execute(request).await.unwrap().json().await.unwrap()
    }

    fn plain_request(&self) -> reqwest::RequestBuilder {
        self.plain.post(format!("{}/", self.url)).query(&[("DirectoryId", DIRECTORY_ID), ("TaskId", "t-1")])
    }

    /// An unsigned call by plain reqwest: the baseline.
    pub async fn plain(&self) -> GetTaskStatusResponse {
        let response = self.plain_request().header("accept", "application/json").send().await.unwrap();
        response.json().await.unwrap()
    }

    /// Our call's headers, signature included, sent by plain reqwest: what
    /// reqwest and the server do with the signed headers, without signing.
    pub async fn plain_with_our_headers(&self) -> GetTaskStatusResponse {
        let mut request = self.plain_request();
        for (name, value) in SIGNED_CALL_HEADERS {
            request = request.header(name, value);
        }
        request.send().await.unwrap().json().await.unwrap()
    }

    /// The request as the generated code builds it (synthetic path, one
    /// `query` per parameter, progenitor's `api-version` header, in the same
    /// calls as `generated.rs`), prepared for Alibaba by the client's `pre` hook.
    fn prepared_request(&self) -> reqwest::Request {
        use reqwest::header::{ACCEPT, HeaderMap, HeaderName, HeaderValue};
        let mut header_map = HeaderMap::with_capacity(1);
        header_map.append(HeaderName::from_static("api-version"), HeaderValue::from_static("2021-05-15"));
        let mut request = self
            .connection
            .http
            .post(format!("{}/GetTaskStatus", self.connection.base_url))
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .query(&[("DirectoryId", DIRECTORY_ID)])
            .query(&[("TaskId", "t-1")])
            .headers(header_map)
            .build()
            .unwrap();
        let protocol = &cloudjobs_alibaba_cloudsso::PROTOCOL;
        hooks::prepare_request(protocol, "get_task_status", &self.connection.config, &mut request).unwrap();
        request
    }

    /// Sends a request made by hand with our HTTP client and decodes the answer.
    async fn send(&self, request: reqwest::Request) -> GetTaskStatusResponse {
        self.connection.http.execute(request).await.unwrap().json().await.unwrap()
    }

    /// The request of `prepared_request` with the signature's headers copied
    /// from [`SIGNED_CALL_HEADERS`] (parsed once), sent by our HTTP client
    /// and decoded: against [`Calls::plain_with_our_headers`], the cost of
    /// building the request as the generated code does and preparing it.
    pub async fn prepared(&self) -> GetTaskStatusResponse {
        let mut request = self.prepared_request();
        for (name, value) in &self.signature {
            request.headers_mut().insert(name.clone(), value.clone());
        }
        self.send(request).await
    }

    /// The request of `prepared_request`, signed, sent by our HTTP client and
    /// decoded: against [`Calls::prepared`], the cost of signing.
    pub async fn prepared_and_signed(&self) -> GetTaskStatusResponse {
        let mut request = self.prepared_request();
        hooks::sign(&cloudjobs_alibaba_cloudsso::PROTOCOL, &self.connection.config, &mut request);
        self.send(request).await
    }

    /// [`Calls::prepared_and_signed`], signed twice, the first signature
    /// thrown away: against it, the cost of a signature made while the
    /// signing code is still warm from the first, which shows how much of
    /// the first one's cost is running that code cold.
    pub async fn signed_twice(&self) -> GetTaskStatusResponse {
        let (protocol, config) = (&cloudjobs_alibaba_cloudsso::PROTOCOL, &self.connection.config);
        let mut request = self.prepared_request();
        let mut thrown_away = request.try_clone().unwrap();
        hooks::sign(protocol, config, &mut thrown_away);
        black_box(thrown_away);
        hooks::sign(protocol, config, &mut request);
        self.send(request).await
    }

    /// The request of `prepared_request`, signed and sent by the client's `exec` hook:
    /// against [`Calls::prepared_and_signed`], the cost of its retry loop
    /// and rate limiter.
    pub async fn through_execute(&self) -> GetTaskStatusResponse {
        let (protocol, connection) = (&cloudjobs_alibaba_cloudsso::PROTOCOL, &self.connection);
        let request = self.prepared_request();
        let response =
            hooks::execute(protocol, "get_task_status", &connection.config, &connection.http, request);
        response.await.unwrap().json().await.unwrap()
    }

    /// Our signed call, built, sent and decoded by the client crate.
    pub async fn ours(&self) -> GetTaskStatusResponse {
        self.ours
            .get_task_status()
            .directory_id(DIRECTORY_ID)
            .task_id("t-1")
            .send()
            .await
            .unwrap()
            .into_inner()
    }
}
