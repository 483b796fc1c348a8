//! One request through the emulator: route it the way the real hosts do,
//! check its signature and parameters, then answer with the job's next step.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::Mutex;

use cloudjobs_core::signing::{RequestParts, VerifyError, acs3, basic, sdk_hmac, tc3};
use cloudjobs_core::vendor::{self, Refusal};
use cloudjobs_core::{Credentials, Operation, ParamKind, ParamLocation, Protocol, Signing, Style, Vendor};
use serde_json::Value;

use crate::script::{JobScripts, Step};
use crate::vendor::{Answer, refuse, respond_ok};

/// Everything the emulator knows and remembers.
pub(crate) struct State {
    pub(crate) apis: Vec<(String, &'static Protocol)>,
    pub(crate) key_id: String,
    pub(crate) secret: String,
    pub(crate) scripts: Mutex<JobScripts>,
    polls: Mutex<PollCounts>,
    /// The jobs start operations created, oldest first, for list operations.
    pub(crate) started: Mutex<VecDeque<crate::lifecycle::StartedJob>>,
    /// The resources start operations created and not yet removed.
    pub(crate) resources: Mutex<VecDeque<crate::lifecycle::Resource>>,
    nonces: Mutex<SeenNonces>,
    pub(crate) requests: Mutex<VecDeque<crate::RecordedRequest>>,
    pub(crate) sequence: std::sync::atomic::AtomicU64,
    /// Requests answered or being answered, refused ones included.
    pub(crate) received: std::sync::atomic::AtomicU64,
}

/// How many Alibaba nonces the emulator remembers for replay detection: all of
/// the signing window's at ordinary rates, the most recent ones under load, so
/// that memory stays bounded however long it runs.
const KEPT_NONCES: usize = 100_000;

/// Signature nonces (Alibaba's) seen within the signing window, oldest first.
#[derive(Default)]
struct SeenNonces {
    seen: HashSet<String>,
    order: VecDeque<(i64, String)>,
}

/// How many jobs the emulator remembers; the least recently started ones are
/// forgotten beyond this (and start their life again if polled), so that a
/// long run with ever new job ids stays within constant memory.
const KEPT_JOBS: usize = 10_000;

/// Polls so far per (API, job id), bounded by [`KEPT_JOBS`].
#[derive(Default)]
struct PollCounts {
    counts: HashMap<(String, String), usize>,
    order: VecDeque<(String, String)>,
}

impl PollCounts {
    /// The 0-based number of this poll of `job`.
    fn next(&mut self, job: (String, String)) -> usize {
        if let Some(count) = self.counts.get_mut(&job) {
            let this = *count;
            *count = count.saturating_add(1);
            return this;
        }
        if self.order.len() == KEPT_JOBS
            && let Some(oldest) = self.order.pop_front()
        {
            self.counts.remove(&oldest);
        }
        self.order.push_back(job.clone());
        self.counts.insert(job, 1);
        0
    }
}

/// The API, operation and path parameters a request is for.
struct Route<'s> {
    api: &'s str,
    protocol: &'static Protocol,
    operation: &'static Operation,
    path_args: BTreeMap<String, String>,
}

/// How many requests the emulator keeps for `requests()`; older ones are
/// forgotten so that a long run stays within constant memory.
pub(crate) const KEPT_REQUESTS: usize = 10_000;

impl State {
    pub(crate) fn new(
        apis: Vec<(String, &'static Protocol)>,
        key_id: String,
        secret: String,
        scripts: JobScripts,
    ) -> Self {
        Self {
            apis,
            key_id,
            secret,
            scripts: Mutex::new(scripts),
            polls: Mutex::new(PollCounts::default()),
            started: Mutex::new(VecDeque::new()),
            resources: Mutex::new(VecDeque::new()),
            nonces: Mutex::new(SeenNonces::default()),
            requests: Mutex::new(VecDeque::new()),
            sequence: std::sync::atomic::AtomicU64::new(0),
            received: std::sync::atomic::AtomicU64::new(0),
        }
    }

    fn secret_for(&self, id: &str) -> Option<String> {
        (id == self.key_id).then(|| self.secret.clone())
    }

    /// Whether a signature nonce is new; nonces older than the signing window are forgotten.
    fn fresh_nonce(&self, nonce: &str, now: i64, window: i64) -> bool {
        let mut guard = self.nonces.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let SeenNonces { seen, order } = &mut *guard;
        while order.front().is_some_and(|(at, _)| *at < now.saturating_sub(window))
            || order.len() >= KEPT_NONCES
        {
            if let Some((_, old)) = order.pop_front() {
                seen.remove(&old);
            }
        }
        if !seen.insert(nonce.to_owned()) {
            return false;
        }
        order.push_back((now, nonce.to_owned()));
        true
    }

    fn next_step(&self, api: &str, id: &str) -> Step {
        let poll = self
            .polls
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .next((api.to_owned(), id.to_owned()));
        self.scripts.lock().unwrap_or_else(std::sync::PoisonError::into_inner).step(id, poll)
    }

    /// The step job `id` is at, without counting a poll: what a list shows.
    pub(crate) fn current_step(&self, api: &str, id: &str) -> Step {
        let job = (api.to_owned(), id.to_owned());
        let polls = self
            .polls
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .counts
            .get(&job)
            .copied()
            .unwrap_or(0);
        self.scripts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .step(id, polls.saturating_sub(1))
    }

    /// Starts job `id` of `api` afresh: its next poll is its first.
    pub(crate) fn restart(&self, api: &str, id: &str) {
        self.polls
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .counts
            .remove(&(api.to_owned(), id.to_owned()));
    }
}

/// Which API and operation a request is for, found the way the real hosts do:
/// by the action and version headers (RPC), or by method and path (REST).
fn route<'s>(state: &'s State, parts: &RequestParts) -> Result<Route<'s>, (Vendor, Refusal)> {
    for vendor in vendor::ALL {
        let Some(headers) = vendor::rules(vendor).rpc_headers() else { continue };
        let Some(action) = parts.header(headers.action.as_str()) else { continue };
        let version = parts.header(headers.version.as_str()).unwrap_or_default();
        for (name, protocol) in &state.apis {
            if protocol.vendor != vendor || protocol.api_version != version {
                continue;
            }
            if let Some(operation) = protocol.operations.iter().find(|op| op.action == Some(action)) {
                return Ok(Route { api: name, protocol, operation, path_args: BTreeMap::new() });
            }
        }
        return Err((vendor, Refusal::UnknownOperation(format!("{action} (version {version})"))));
    }
    for (name, protocol) in &state.apis {
        if protocol.style != Style::Rest {
            continue;
        }
        for operation in protocol.operations {
            if operation.method != parts.method {
                continue;
            }
            for template in protocol.paths(operation) {
                if let Some(path_args) = cloudjobs_core::match_path(&template, &parts.path) {
                    return Ok(Route { api: name, protocol, operation, path_args });
                }
            }
        }
    }
    let vendor = state
        .apis
        .iter()
        .find(|(_, p)| p.style == Style::Rest)
        .map(|(_, p)| p.vendor)
        .or_else(|| state.apis.first().map(|(_, p)| p.vendor))
        .unwrap_or(Vendor::Alibaba);
    Err((vendor, Refusal::UnknownOperation(format!("{} {}", parts.method, parts.path))))
}

/// Checks the request's credentials with the signing scheme's
/// canonicalization and the vendor's clock window.
fn authenticate(state: &State, protocol: &Protocol, parts: &RequestParts) -> Result<(), Refusal> {
    let secret_for = |id: &str| state.secret_for(id);
    let now = cloudjobs_core::signing::unix_seconds(std::time::SystemTime::now());
    let (outcome, signed_at) = match protocol.signing {
        Signing::Acs3HmacSha256 => (acs3::verify(parts, &secret_for).map(drop), acs3::signed_at(parts)),
        Signing::Tc3HmacSha256 => (tc3::verify(parts, &secret_for).map(drop), tc3::signed_at(parts)),
        Signing::SdkHmacSha256 => {
            (sdk_hmac::verify(parts, &secret_for).map(drop), sdk_hmac::signed_at(parts))
        }
        Signing::HttpBasic => match parts.header("authorization") {
            Some(value) if value.starts_with("Bearer ") => (basic::verify_bearer(parts, &state.secret), None),
            _ => (basic::verify_basic(parts, &secret_for).map(drop), None),
        },
    };
    match outcome {
        Ok(()) => {}
        Err(VerifyError::UnknownKey(id)) => return Err(Refusal::UnknownKey(id)),
        Err(VerifyError::SignatureMismatch { expected_string_to_sign }) => {
            return Err(Refusal::BadSignature(expected_string_to_sign));
        }
        Err(other) => return Err(Refusal::MalformedAuthorization(other.to_string())),
    }
    let Some(window) = vendor::rules(protocol.vendor).clock_window() else { return Ok(()) };
    let window = i64::try_from(window.as_secs()).unwrap_or(i64::MAX);
    let signed_at =
        signed_at.ok_or_else(|| Refusal::MalformedAuthorization("no readable signing time".into()))?;
    // Checked: a signing time is whatever the client sent, i64::MIN included.
    if now.checked_sub(signed_at).is_none_or(|skew| skew.unsigned_abs() > window.unsigned_abs()) {
        return Err(Refusal::Expired(format!("Timestamp is {signed_at}, the server time is {now}.")));
    }
    if protocol.signing == Signing::Acs3HmacSha256 {
        let nonce = parts
            .header(acs3::NONCE_HEADER)
            .ok_or_else(|| Refusal::MalformedAuthorization(format!("no {}", acs3::NONCE_HEADER)))?;
        if !state.fresh_nonce(nonce, now, window) {
            return Err(Refusal::NonceReused);
        }
    }
    Ok(())
}

/// The operation's arguments by spec name, checked against the spec.
fn arguments(
    operation: &Operation,
    parts: &RequestParts,
    path_args: BTreeMap<String, String>,
) -> Result<BTreeMap<String, Value>, Refusal> {
    let body: Option<serde_json::Map<String, Value>> = if operation
        .params
        .iter()
        .any(|p| p.location == ParamLocation::Body)
    {
        match serde_json::from_slice::<Value>(&parts.body) {
            Ok(Value::Object(map)) => Some(map),
            _ => {
                return Err(Refusal::InvalidParameter("body".into(), "the body is not a JSON object".into()));
            }
        }
    } else {
        None
    };
    let mut args = BTreeMap::new();
    for param in operation.params {
        let value: Option<Value> = match param.location {
            ParamLocation::Query => {
                parts.query.iter().find(|(n, _)| n == param.name).map(|(_, v)| Value::String(v.clone()))
            }
            ParamLocation::Path => path_args.get(param.name).map(|v| Value::String(v.clone())),
            ParamLocation::Header => {
                parts.header(&param.name.to_ascii_lowercase()).map(|v| Value::String(v.to_owned()))
            }
            ParamLocation::Body => body.as_ref().and_then(|b| b.get(param.name)).cloned(),
        };
        // An empty value of a required parameter is refused as missing, as the
        // vendors' gateways refuse `TaskId=` (the command refuses it before sending).
        let value = value.filter(|v| !(param.required && v.as_str() == Some("")));
        let Some(value) = value else {
            if param.required {
                return Err(Refusal::MissingParameter(param.name.to_owned()));
            }
            continue;
        };
        let fits = match (param.kind, &value) {
            (ParamKind::String, Value::String(_)) => true,
            (ParamKind::Integer, Value::String(s)) => s.parse::<i64>().is_ok(),
            (ParamKind::Integer, Value::Number(n)) => n.is_i64(),
            (ParamKind::Number, Value::String(s)) => s.parse::<f64>().is_ok(),
            (ParamKind::Number, Value::Number(_)) => true,
            // Alibaba's SDK writes query booleans with Python's `str()`: `True`, `False`.
            (ParamKind::Boolean, Value::String(s)) => {
                s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false")
            }
            (ParamKind::Boolean, Value::Bool(_)) => true,
            (ParamKind::Array, Value::Array(_)) | (ParamKind::Object, Value::Object(_)) => true,
            _ => false,
        };
        if !fits {
            return Err(Refusal::InvalidParameter(
                param.name.to_owned(),
                format!("expected a {:?}", param.kind),
            ));
        }
        args.insert(param.name.to_owned(), value);
    }
    Ok(args)
}

/// The first of a spec's state words; the spec rules require one, and an
/// empty list gives an empty word rather than a panic.
pub(crate) fn first(words: &[&'static str]) -> &'static str {
    words.first().copied().unwrap_or_default()
}

/// Sets the value at a JSON pointer, creating objects on the way.
pub(crate) fn set_pointer(target: &mut Value, pointer: &str, value: Value) {
    let mut current = target;
    let segments: Vec<&str> = pointer.trim_start_matches('/').split('/').collect();
    for (i, segment) in segments.iter().enumerate() {
        let last = i == segments.len().saturating_sub(1);
        current = match current {
            Value::Array(items) => {
                // Pointers come from specs; an index past 1000 is taken as the last item.
                let index: usize = segment.parse::<usize>().unwrap_or(0).min(1000);
                while items.len() <= index {
                    items.push(Value::Object(Default::default()));
                }
                match items.get_mut(index) {
                    Some(item) => item,
                    None => return,
                }
            }
            other => {
                if !other.is_object() {
                    *other = Value::Object(Default::default());
                }
                let map = other.as_object_mut().expect("just made an object");
                map.entry(segment.to_string()).or_insert(Value::Null)
            }
        };
        if last {
            *current = value;
            return;
        }
    }
}

fn remove_pointer(target: &mut Value, pointer: &str) {
    if let Some((parent, key)) = pointer.rsplit_once('/')
        && let Some(Value::Object(map)) = target.pointer_mut(parent)
    {
        map.remove(key);
    }
}

/// The answer for a job step, shaped by the spec's example and `x-cloudjobs-job`.
fn job_answer(
    protocol: &Protocol,
    operation: &Operation,
    parts: &RequestParts,
    id: &str,
    step: &Step,
) -> Answer {
    let Some(job) = operation.job else {
        return respond_ok(protocol.vendor, 200, example(operation), vec![]);
    };
    let mut body = example(operation);
    if let Some(pointer) = job.id_field {
        set_pointer(&mut body, pointer, Value::String(id.to_owned()));
    }
    let http_status = job.status == "http-status";
    let (value, status) = match step {
        Step::Running => (first(job.running), 200),
        Step::Success => (first(job.succeeded), 200),
        // A failure is a failed state word, or an ended job whose failure field is set (Oracle).
        // An API that documents neither cannot report a failure: its job stays running.
        Step::Fail(_) => match (job.failed.first(), job.failure_field) {
            (Some(word), _) => (*word, 200),
            (None, Some(_)) => (first(job.succeeded), 200),
            (None, None) => (first(job.running), 200),
        },
        // A partial success is a partial state word, or an ended job whose partial field lists
        // items (Oracle); an API that documents neither reports a success.
        Step::Partial(_) => (job.partial.first().copied().unwrap_or(first(job.succeeded)), 200),
        _ => unreachable!("faults are answered before the job's body is built"),
    };
    let mut headers = Vec::new();
    let status = if http_status { value.parse().unwrap_or(status) } else { status };
    if !http_status {
        set_pointer(&mut body, job.status, Value::String(value.to_owned()));
    }
    if let Some(field) = job.failure_field {
        remove_pointer(&mut body, field);
    }
    // A reason belongs to a job that ended badly; examples often show one beside a success.
    if let (Step::Running | Step::Success, Some(pointer)) = (step, job.reason) {
        remove_pointer(&mut body, pointer);
    }
    if let Some(field) = job.partial_field {
        let item = body.pointer(field).and_then(|items| items.get(0)).cloned();
        remove_pointer(&mut body, field);
        if matches!(step, Step::Partial(_)) && job.partial.is_empty() {
            set_pointer(
                &mut body,
                field,
                Value::Array(vec![item.unwrap_or_else(|| Value::Object(Default::default()))]),
            );
        }
    }
    if let (Step::Partial(reason), Some(pointer), false) = (step, job.reason, job.partial.is_empty()) {
        set_pointer(&mut body, pointer, Value::String(reason.clone()));
    }
    if let (Step::Fail(reason), Some(pointer)) = (step, job.failure_field.or(job.reason)) {
        let reason = if body.pointer(pointer).is_some_and(Value::is_array) {
            Value::Array(vec![Value::String(reason.clone())])
        } else {
            Value::String(reason.clone())
        };
        set_pointer(&mut body, pointer, reason);
    }
    if status == 202 {
        let host = parts.header("host").unwrap_or("127.0.0.1");
        headers.push(("location".to_owned(), format!("http://{host}{}", parts.path)));
    }
    respond_ok(protocol.vendor, status, body, headers)
}

pub(crate) fn example(operation: &Operation) -> Value {
    operation
        .example
        .and_then(|text| serde_json::from_str(text).ok())
        .unwrap_or_else(|| Value::Object(Default::default()))
}

/// The whole path of one request.
///
/// `authenticated` is called once the request is known to come from the
/// accepted credentials, before any scripted delay: what a caller does not
/// sign is never kept.
pub(crate) async fn handle(
    state: &State,
    parts: RequestParts,
    authenticated: impl FnOnce(&RequestParts),
) -> Answer {
    let Route { api, protocol, operation, path_args } = match route(state, &parts) {
        Ok(found) => found,
        Err((vendor, refusal)) => return refuse(vendor, &refusal),
    };
    if let Err(refusal) = authenticate(state, protocol, &parts) {
        return refuse(protocol.vendor, &refusal);
    }
    authenticated(&parts);
    let args = match arguments(operation, &parts, path_args) {
        Ok(args) => args,
        Err(refusal) => return refuse(protocol.vendor, &refusal),
    };
    if let Some(start) = &operation.start {
        // A script under the operation's id plays faults before its answers (see `JobScripts`).
        if state.scripts.lock().unwrap_or_else(std::sync::PoisonError::into_inner).has(operation.operation_id)
        {
            let mut step = state.next_step(api, operation.operation_id);
            while let Some(delay) = step.delay() {
                tokio::time::sleep(delay).await;
                step = state.next_step(api, operation.operation_id);
            }
            match step {
                Step::Drop => return Answer::Drop,
                Step::Http(status) => return refuse(protocol.vendor, &Refusal::Http(status)),
                Step::Throttle { retry_after } => {
                    return refuse(protocol.vendor, &Refusal::Throttled(retry_after));
                }
                _ => {}
            }
        }
        return crate::lifecycle::start_answer(state, api, protocol, start, operation, &parts, &args);
    }
    if let Some(list) = &operation.list {
        return crate::lifecycle::list_answer(state, api, protocol, list, operation, &args);
    }
    let id = match operation.job.and_then(|job| job.id_param) {
        Some(param) => {
            args.get(param).map(|v| v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string()))
        }
        // A job without an id (Huawei's service status) has one life per account.
        None => vendor::rules(protocol.vendor)
            .account_header()
            .and_then(|name| parts.header(name))
            .map(str::to_owned),
    }
    .unwrap_or_else(|| "default".to_owned());
    let mut step = state.next_step(api, &id);
    while let Some(delay) = step.delay() {
        tokio::time::sleep(delay).await;
        step = state.next_step(api, &id);
    }
    match step {
        Step::Drop => Answer::Drop,
        Step::Http(status) => refuse(protocol.vendor, &Refusal::Http(status)),
        Step::Throttle { retry_after } => refuse(protocol.vendor, &Refusal::Throttled(retry_after)),
        Step::DelayMs(_) => unreachable!("delays were waited out above"),
        step => job_answer(protocol, operation, &parts, &id, &step),
    }
}

/// The credentials the emulator accepts, as a client of `vendor` would hold them.
pub(crate) fn credentials_for(state: &State, vendor: Vendor) -> Credentials {
    vendor::rules(vendor).credentials_for(&state.key_id, &state.secret)
}
