//! A local emulator of the cloudjobs APIs, for trying the clients and for
//! testing code that uses them, without a cloud account.
//!
//! It serves every API it is given on one 127.0.0.1 port and tells requests
//! apart the way the real hosts do (action header for RPC APIs, method and
//! path for REST ones). It verifies each request's signature with the vendor's
//! canonicalization and clock window and refuses bad ones with the vendor's
//! own error envelope and code; it checks parameters against the spec; and it
//! answers with the spec's example, reshaped by the operation's
//! `x-cloudjobs-job` extension to play each job's scripted life.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use cloudjobs_mock::{Emulator, EmulatorConfig, Step};
//!
//! let mut config = EmulatorConfig::new().api("alibaba-cloudsso", &cloudjobs_alibaba_cloudsso::PROTOCOL);
//! config.scripts.set("t-slow", vec![Step::Running, Step::Http(503), Step::Success]);
//! let emulator = Emulator::start(config).await?;
//!
//! let client = cloudjobs_alibaba_cloudsso::Client::with_config(emulator.client_config("alibaba-cloudsso")?)?;
//! let response = client.get_task_status().directory_id("d-1").task_id("t-1").send().await;
//! assert!(response.is_ok());
//! assert_eq!(emulator.requests().len(), 1);
//! emulator.stop().await;
//! # Ok(())
//! # }
//! ```

// No input may panic the emulator: arithmetic is checked or saturating, indexing
// goes through `get`, and nothing unwraps. An `expect` states an invariant the
// code itself establishes, in its message; tests may do as they please.
#![cfg_attr(
    not(test),
    deny(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::unwrap_used, clippy::panic)
)]

mod handler;
mod lifecycle;
mod script;
mod vendor;

use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use cloudjobs_core::signing::RequestParts;
use cloudjobs_core::{ClientConfig, Protocol};
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::watch;

pub use script::{JobScripts, Step};

use handler::{KEPT_REQUESTS, State};
use vendor::Answer;

/// The access key id the emulator accepts when none is configured.
pub const DEFAULT_KEY_ID: &str = "cloudjobs-mock-key";
/// The secret the emulator accepts when none is configured.
pub const DEFAULT_SECRET: &str = "cloudjobs-mock-secret";

/// What the emulator serves and accepts.
#[derive(Clone, Debug)]
pub struct EmulatorConfig {
    /// The port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// The one access key id (and Oracle user) it accepts.
    pub key_id: String,
    /// The one secret (and Oracle password or bearer token) it accepts.
    pub secret: String,
    /// Job lifecycles.
    pub scripts: JobScripts,
    /// How long a connection may take to send a request's head or stay idle
    /// (default [`HEAD_TIMEOUT`]).
    pub head_timeout: std::time::Duration,
    apis: Vec<(String, &'static Protocol)>,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self {
            port: 0,
            key_id: DEFAULT_KEY_ID.to_owned(),
            secret: DEFAULT_SECRET.to_owned(),
            scripts: JobScripts::default(),
            head_timeout: HEAD_TIMEOUT,
            apis: Vec::new(),
        }
    }
}

impl EmulatorConfig {
    /// A free port, the default test credentials, default job lives, no APIs yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Serves API `name` (e.g. `alibaba-cloudsso`) described by its crate's `PROTOCOL`.
    pub fn api(mut self, name: &str, protocol: &'static Protocol) -> Self {
        self.apis.push((name.to_owned(), protocol));
        self
    }

    /// Serves every API of a registry such as `cloudjobs_cli::generated::APIS`.
    pub fn apis(self, registry: &[(&str, &'static Protocol)]) -> Self {
        registry.iter().fold(self, |config, (name, protocol)| config.api(name, protocol))
    }
}

/// One request the emulator received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedRequest {
    /// Method, path, decoded query, lower-case headers and body.
    pub parts: RequestParts,
    /// The status it was answered with; `None` when the connection was
    /// dropped or the answer is still being held back.
    pub status: Option<u16>,
    /// Its place in the order of arrival, from 0.
    pub sequence: u64,
}

/// A running emulator. Dropping it stops the server.
pub struct Emulator {
    address: SocketAddr,
    state: Arc<State>,
    shutdown: watch::Sender<bool>,
    server: Option<tokio::task::JoinHandle<()>>,
}

impl Emulator {
    /// Starts serving on 127.0.0.1 in the current tokio runtime.
    pub async fn start(config: EmulatorConfig) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", config.port)).await?;
        let address = listener.local_addr()?;
        let state = Arc::new(State::new(config.apis, config.key_id, config.secret, config.scripts));
        let (shutdown, stopped) = watch::channel(false);
        let server = tokio::spawn(serve(listener, state.clone(), stopped, config.head_timeout));
        Ok(Self { address, state, shutdown, server: Some(server) })
    }

    /// The base URL clients should call, e.g. `http://127.0.0.1:41234`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The address it listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The accepted access key id (and Oracle user).
    pub fn key_id(&self) -> &str {
        &self.state.key_id
    }

    /// The accepted secret (and Oracle password or token).
    pub fn secret(&self) -> &str {
        &self.state.secret
    }

    /// Client settings for API `name`: this emulator's URL and the credentials
    /// it accepts, in the form that API's vendor uses.
    ///
    /// A name the emulator does not serve is an error rather than a guess, since
    /// credentials of the wrong vendor would only fail later, at the first call.
    pub fn client_config(&self, name: &str) -> Result<ClientConfig, UnknownApi> {
        let Some((_, protocol)) = self.state.apis.iter().find(|(api, _)| api == name) else {
            return Err(UnknownApi {
                name: name.to_owned(),
                served: self.state.apis.iter().map(|(api, _)| api.clone()).collect(),
            });
        };
        Ok(ClientConfig::new()
            .endpoint(self.base_url())
            .credentials(handler::credentials_for(&self.state, protocol.vendor)))
    }

    /// Sets the life of job `id` from now on.
    pub fn script(&self, id: &str, steps: Vec<Step>) {
        self.state.scripts.lock().unwrap_or_else(std::sync::PoisonError::into_inner).set(id, steps);
    }

    /// Answers one request given as parts, without a connection: what a
    /// connection to the emulator would get, for fuzzing its request handling.
    /// `None` when a script drops the connection.
    pub async fn respond(
        &self,
        method: &str,
        target: &str,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    ) -> Option<(u16, Vec<u8>)> {
        let parts = RequestParts::from_target(method, target, headers, body);
        match handler::handle(&self.state, parts, |_| {}).await {
            Answer::Respond { status, body, .. } => Some((status, body)),
            Answer::Drop => None,
        }
    }

    /// How many requests it has answered or is answering, refused ones
    /// included (those are counted, not kept).
    pub fn received(&self) -> u64 {
        self.state.received.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The signed requests received so far (the most recent 10,000, so that a long run
    /// stays within constant memory).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state
            .requests
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .cloned()
            .collect()
    }

    /// Stops the server and waits until it no longer accepts connections.
    pub async fn stop(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

async fn serve(
    listener: TcpListener,
    state: Arc<State>,
    mut stopped: watch::Receiver<bool>,
    head_timeout: std::time::Duration,
) {
    let connections = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    loop {
        // At the limit, new connections wait in the listen queue.
        let permit = tokio::select! {
            permit = connections.clone().acquire_owned() => permit,
            _ = stopped.changed() => return,
        };
        let Ok(permit) = permit else { return };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stopped.changed() => return,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(error) => {
                // Out of file descriptors, say: try again a little later, not in a busy loop.
                tracing::warn!("cannot accept a connection: {error}");
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                continue;
            }
        };
        let state = state.clone();
        let mut stopped = stopped.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let service = service_fn(move |request| {
                let state = state.clone();
                async move { answer(&state, request).await }
            });
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(head_timeout)
                .max_buf_size(MAX_REQUEST_HEAD)
                .serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                _ = connection => {}
                _ = stopped.changed() => {}
            }
        });
    }
}

/// [`Emulator::client_config`] was asked for an API the emulator does not serve.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownApi {
    /// The name asked for.
    pub name: String,
    /// The names the emulator serves.
    pub served: Vec<String>,
}

impl std::fmt::Display for UnknownApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the emulator serves no API named `{}`; it serves: {}", self.name, self.served.join(", "))
    }
}

impl std::error::Error for UnknownApi {}

/// The error hyper gets when a scripted step drops the connection.
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by a scripted step")
    }
}

impl std::error::Error for Dropped {}

/// One line per request at `info`: what was asked, the status, and for a
/// refusal the vendor's code and message, which say why. A message's
/// control characters, such as the line break in the string to sign that
/// Alibaba's quotes, are written escaped (`\n`).
fn log_answer(method: &str, path: &str, outcome: &Answer) {
    match outcome {
        Answer::Drop => tracing::info!("{method} {path} -> connection dropped (scripted)"),
        Answer::Respond { status, body, .. } => {
            let error = serde_json::from_slice::<serde_json::Value>(body)
                .ok()
                .map(|body| cloudjobs_core::vendor::read_any_error(&body))
                .filter(|fields| fields.code.is_some());
            match error {
                Some(fields) => tracing::info!(
                    "{method} {path} -> {status} refused: {}: {}",
                    fields.code.unwrap_or_default(),
                    cloudjobs_core::Escaped(&fields.message.unwrap_or_default())
                ),
                None => tracing::info!("{method} {path} -> {status}"),
            }
        }
    }
}

/// The largest request body the emulator reads: every request of these APIs
/// is a few kilobytes, and a larger one is refused before it is kept.
pub const MAX_REQUEST_BODY: usize = 1024 * 1024;
/// The most a request's head (request line and headers) may take.
pub const MAX_REQUEST_HEAD: usize = 64 * 1024;
/// How long a connection may take to send a request's head, or stay idle between requests.
pub const HEAD_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
/// The most connections served at once; more wait to be accepted.
pub const MAX_CONNECTIONS: usize = 256;

/// A plain refusal before any vendor is known: the body was too large.
fn too_large() -> hyper::Response<Full<Bytes>> {
    let mut response = hyper::Response::new(Full::new(Bytes::from(format!(
        "the request body is larger than the emulator's limit of {MAX_REQUEST_BODY} bytes"
    ))));
    *response.status_mut() = hyper::StatusCode::PAYLOAD_TOO_LARGE;
    response
}

async fn answer(
    state: &State,
    request: hyper::Request<hyper::body::Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, Dropped> {
    state.received.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let (head, body) = request.into_parts();
    let declared =
        head.headers.get(hyper::header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|length| length > MAX_REQUEST_BODY as u64) {
        tracing::info!(
            "{} {} -> 413 refused: body of {} bytes",
            head.method,
            head.uri.path(),
            declared.unwrap_or(0)
        );
        return Ok(too_large());
    }
    let body = match http_body_util::Limited::new(body, MAX_REQUEST_BODY).collect().await {
        Ok(collected) => collected.to_bytes().to_vec(),
        Err(_) => {
            tracing::info!(
                "{} {} -> 413 refused: body over the limit or cut off",
                head.method,
                head.uri.path()
            );
            return Ok(too_large());
        }
    };
    let target = head.uri.path_and_query().map(|pq| pq.as_str().to_owned()).unwrap_or_else(|| "/".to_owned());
    let headers = head
        .headers
        .iter()
        .map(|(name, value)| {
            (name.as_str().to_owned(), String::from_utf8_lossy(value.as_bytes()).into_owned())
        })
        .collect();
    let parts = RequestParts::from_target(head.method.as_str(), &target, headers, body);
    let sequence = state.sequence.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    // Recorded once authenticated, before any scripted delay, so that a request
    // held back is visible; its status is filled in once it is answered.
    let record = |parts: &RequestParts| {
        let mut requests = state.requests.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if requests.len() == KEPT_REQUESTS {
            requests.pop_front();
        }
        requests.push_back(RecordedRequest { parts: parts.clone(), status: None, sequence });
    };
    // RPC requests all go to `/`: their action header says what was asked.
    let action = cloudjobs_core::vendor::ALL
        .iter()
        .filter_map(|&v| cloudjobs_core::vendor::rules(v).rpc_headers())
        .find_map(|h| parts.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(h.action.as_str())))
        .map(|(_, action)| format!(" {action}"))
        .unwrap_or_default();
    let (method, path) = (parts.method.clone(), format!("{}{action}", parts.path));
    let outcome = handler::handle(state, parts, record).await;
    log_answer(&method, &path, &outcome);
    if let Answer::Respond { status, .. } = &outcome
        && let Some(recorded) = state
            .requests
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter_mut()
            .rev()
            .find(|r| r.sequence == sequence)
    {
        recorded.status = Some(*status);
    }
    match outcome {
        Answer::Drop => Err(Dropped),
        Answer::Respond { status, headers, body } => {
            let mut response = hyper::Response::builder().status(status);
            for (name, value) in headers {
                response = response.header(name, value);
            }
            // A script given in code can ask for a status HTTP does not have
            // (`Step::Http(1000)`): that is answered with a plain 500 saying so.
            Ok(response.body(Full::new(Bytes::from(body))).unwrap_or_else(|e| {
                let mut broken = hyper::Response::new(Full::new(Bytes::from(format!(
                    "the emulator's script is invalid: {e}"
                ))));
                *broken.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
                broken
            }))
        }
    }
}
