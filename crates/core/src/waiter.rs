//! Waiting for jobs: one job state for every API, and one waiter that polls a
//! status operation until its job ends.
//!
//! The waiter backs off exponentially with jitter between a minimum and a
//! maximum delay, stops at an overall deadline, honours the servers' retry
//! hints, follows Oracle's `Location` (when waiting by name), and reports
//! every change of state. Dropping its future cancels it. It sleeps on tokio's
//! clock, so tests can pause time.

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::time::Duration;

use serde_json::Value;
use tokio::time::Instant;

use crate::{CallOutput, CloudError, JobModel, Operation, ParamLocation, exponential_with_jitter};

/// A job's state, the same for every API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JobState {
    /// Still running; the vendor's own word for it.
    Running(String),
    /// Finished successfully; the vendor's own word for it.
    Succeeded(String),
    /// Finished, but only partly: some of its work failed (EIAM's
    /// `partial_success`, an Oracle job whose `deleteFailed` lists users).
    PartiallySucceeded {
        /// The vendor's word for the state.
        status: String,
        /// What failed, in the vendor's words or as the field that lists it.
        reason: Option<String>,
    },
    /// Finished with a failure, with the vendor's reason when it gives one.
    Failed {
        /// The vendor's word for the state.
        status: String,
        /// Why, in the vendor's words.
        reason: Option<String>,
    },
    /// A value the spec does not list, kept verbatim: a new vendor status
    /// never breaks a caller. The waiter keeps polling through it.
    Unknown(String),
}

impl JobState {
    /// Whether the job has ended, successfully or not.
    pub fn is_terminal(&self) -> bool {
        matches!(self, Self::Succeeded(_) | Self::PartiallySucceeded { .. } | Self::Failed { .. })
    }
}

impl fmt::Display for JobState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Running(raw) => write!(f, "running ({raw})"),
            Self::Succeeded(raw) => write!(f, "succeeded ({raw})"),
            Self::PartiallySucceeded { status, reason: Some(reason) } => {
                write!(f, "partially succeeded ({status}): {reason}")
            }
            Self::PartiallySucceeded { status, reason: None } => write!(f, "partially succeeded ({status})"),
            Self::Failed { status, reason: Some(reason) } => write!(f, "failed ({status}): {reason}"),
            Self::Failed { status, reason: None } => write!(f, "failed ({status})"),
            Self::Unknown(raw) => write!(f, "unknown state {raw:?}"),
        }
    }
}

/// A JSON value as text: strings as they are, the first of a list of strings
/// (Huawei's reasons), anything else as JSON.
fn text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) if s.is_empty() => None,
        Value::String(s) => Some(s.clone()),
        Value::Array(items) => items.first().and_then(text),
        other => Some(other.to_string()),
    }
}

impl JobModel {
    /// The state an answer reports, read the way the spec's `x-cloudjobs-job` says.
    pub fn state(&self, http_status: u16, body: &Value) -> JobState {
        let raw = if self.status == "http-status" {
            http_status.to_string()
        } else {
            body.pointer(self.status).and_then(text).unwrap_or_default()
        };
        let reason = || self.reason.and_then(|pointer| body.pointer(pointer)).and_then(text);
        let failure = self.failure_field.and_then(|pointer| body.pointer(pointer)).and_then(text);
        let partly_failed = self.partial_field.and_then(|pointer| match body.pointer(pointer) {
            Some(Value::Array(items)) if !items.is_empty() => {
                Some(format!("{pointer} lists {} item(s)", items.len()))
            }
            Some(Value::Array(_)) | None => None,
            Some(other) => text(other),
        });
        if self.failed.contains(&raw.as_str()) {
            JobState::Failed { status: raw, reason: reason() }
        } else if self.partial.contains(&raw.as_str()) {
            JobState::PartiallySucceeded { status: raw, reason: reason() }
        } else if self.succeeded.contains(&raw.as_str()) {
            match (failure, partly_failed) {
                (Some(reason), _) => JobState::Failed { status: raw, reason: Some(reason) },
                (None, Some(reason)) => JobState::PartiallySucceeded { status: raw, reason: Some(reason) },
                (None, None) => JobState::Succeeded(raw),
            }
        } else if self.running.contains(&raw.as_str()) {
            JobState::Running(raw)
        } else {
            JobState::Unknown(raw)
        }
    }
}

/// How long and how often to wait.
#[derive(Clone, Debug, PartialEq)]
pub struct WaitOptions {
    /// The first delay between polls, and the least.
    pub min_delay: Duration,
    /// The longest delay between polls.
    pub max_delay: Duration,
    /// How long to wait in all before giving up.
    pub timeout: Duration,
}

impl Default for WaitOptions {
    /// 1 s growing to 30 s between polls, for at most 15 minutes.
    fn default() -> Self {
        Self {
            min_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(30),
            timeout: Duration::from_secs(15 * 60),
        }
    }
}

impl WaitOptions {
    /// The default pacing with another overall deadline.
    pub fn with_timeout(timeout: Duration) -> Self {
        Self { timeout, ..Self::default() }
    }
}

/// What the waiter tells an observer after each poll: the state, whether it changed, or why the poll failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Progress {
    /// The new state; after a failed poll, the last state seen
    /// (`Unknown("no answer yet")` before the first answer).
    pub state: JobState,
    /// Polls so far, this one included.
    pub polls: u32,
    /// Time since the wait began.
    pub elapsed: Duration,
    /// Whether the state differs from the previous poll's (always true for
    /// the first answer): observers that print lines print these.
    pub changed: bool,
    /// Why this poll failed, when it did (after the client's own retries);
    /// the wait goes on unless the error is one another poll cannot fix.
    pub failure: Option<String>,
}

/// Why waiting ended without the job succeeding.
#[derive(Debug)]
pub enum WaitError {
    /// The deadline passed first.
    Deadline {
        /// The last state seen, if any poll answered.
        last_state: Option<JobState>,
        /// The last retryable error, if the last poll failed.
        last_error: Option<CloudError>,
        /// Polls made.
        polls: u32,
        /// Time waited.
        elapsed: Duration,
        /// The last answer, as JSON, if any poll answered.
        last_answer: Option<Value>,
    },
    /// The job failed.
    JobFailed {
        /// The vendor's word for the state.
        status: String,
        /// The vendor's reason, when it gives one.
        reason: Option<String>,
        /// Polls made.
        polls: u32,
        /// The final answer, as JSON, with whatever else the vendor says about the failure.
        answer: Value,
    },
    /// The job ended with partial success: some of its work failed.
    PartialSuccess {
        /// The vendor's word for the state.
        status: String,
        /// What failed, when the answer says.
        reason: Option<String>,
        /// Polls made.
        polls: u32,
        /// The final answer, as JSON, to read what succeeded and what did not.
        answer: Value,
    },
    /// A poll failed in a way another poll would not fix.
    Call(CloudError),
    /// The call that starts the jobs failed (the vendor refused it, or it got
    /// no answer), so no job was followed; the error says whether it may
    /// have been applied all the same.
    Start(CloudError),
}

impl fmt::Display for WaitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Deadline { last_state, last_error, polls, elapsed, .. } => {
                write!(f, "the deadline passed after {:.1} s and {polls} polls", elapsed.as_secs_f64())?;
                match (last_state, last_error) {
                    (_, Some(error)) => write!(f, "; the last poll failed: {error}"),
                    (Some(state), None) => write!(f, "; the job was {state}"),
                    (None, None) => Ok(()),
                }
            }
            Self::JobFailed { status, reason: Some(reason), .. } => {
                write!(f, "the job failed ({status}): {reason}")
            }
            Self::JobFailed { status, reason: None, .. } => write!(f, "the job failed ({status})"),
            Self::PartialSuccess { status, reason: Some(reason), .. } => {
                write!(f, "the job only partly succeeded ({status}): {reason}")
            }
            Self::PartialSuccess { status, reason: None, .. } => {
                write!(f, "the job only partly succeeded ({status})")
            }
            Self::Call(error) => write!(f, "polling failed: {error}"),
            Self::Start(error) => write!(f, "the start call failed: {error}"),
        }
    }
}

impl std::error::Error for WaitError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Call(error) | Self::Start(error) => Some(error),
            Self::Deadline { last_error: Some(error), .. } => Some(error),
            _ => None,
        }
    }
}

/// What one poll returned: the caller's value, the state it reports, and
/// where the server said to poll next.
pub struct Polled<T> {
    /// The response, handed back when the job succeeds.
    pub value: T,
    /// The state it reports.
    pub state: JobState,
    /// The `Location` to poll next (Oracle's 202).
    pub location: Option<String>,
    /// The answer as JSON, handed back when the job only partly succeeds.
    pub body: Value,
}

/// Polls until the job ends. `poll` gets the last `Location` the server sent.
/// Retryable call errors (throttling, 5xx, timeouts) do not end the wait:
/// the next poll comes after the server's hint or the backoff; other errors
/// do, and so does an endpoint that cannot be reached at all once the
/// client's retry policy has given up on it (no connection, DNS, TLS), since
/// waiting longer would only hide that. Every failed poll is reported to
/// `on_change` as it happens.
pub async fn wait<T, F, Fut>(
    options: &WaitOptions,
    mut poll: F,
    mut on_change: impl FnMut(&Progress),
) -> Result<T, WaitError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<Polled<T>, CloudError>>,
{
    let started = Instant::now();
    // A timeout too long to add is no deadline at all.
    let deadline = deadline_after(started, options.timeout);
    let mut location: Option<String> = None;
    let mut last_state: Option<JobState> = None;
    let mut last_error: Option<CloudError> = None;
    let mut last_answer: Option<Value> = None;
    let mut polls = 0u32;
    loop {
        let deadline_passed = |last_state, last_error, last_answer, polls| WaitError::Deadline {
            last_state,
            last_error,
            polls,
            elapsed: started.elapsed(),
            last_answer,
        };
        // The deadline also bounds a poll that hangs.
        let outcome = match tokio::time::timeout_at(deadline, poll(location.clone())).await {
            Ok(outcome) => outcome,
            Err(_) => return Err(deadline_passed(last_state, last_error, last_answer, polls)),
        };
        polls = polls.saturating_add(1);
        let mut hint = None;
        match outcome {
            Ok(polled) => {
                last_error = None;
                on_change(&Progress {
                    state: polled.state.clone(),
                    polls,
                    elapsed: started.elapsed(),
                    changed: last_state.as_ref() != Some(&polled.state),
                    failure: None,
                });
                match &polled.state {
                    JobState::Succeeded(_) => return Ok(polled.value),
                    JobState::PartiallySucceeded { status, reason } => {
                        return Err(WaitError::PartialSuccess {
                            status: status.clone(),
                            reason: reason.clone(),
                            polls,
                            answer: polled.body,
                        });
                    }
                    JobState::Failed { status, reason } => {
                        return Err(WaitError::JobFailed {
                            status: status.clone(),
                            reason: reason.clone(),
                            polls,
                            answer: polled.body,
                        });
                    }
                    JobState::Running(_) | JobState::Unknown(_) => {}
                }
                last_state = Some(polled.state);
                last_answer = Some(polled.body);
                location = polled.location.or(location);
            }
            Err(error) => {
                on_change(&Progress {
                    state: last_state.clone().unwrap_or_else(|| JobState::Unknown("no answer yet".into())),
                    polls,
                    elapsed: started.elapsed(),
                    changed: false,
                    failure: Some(error.to_string()),
                });
                if !error.is_retryable() || error.is_unreachable() {
                    return Err(WaitError::Call(error));
                }
                hint = error.retry_after();
                last_error = Some(error);
            }
        }
        let backoff = exponential_with_jitter(options.min_delay, options.max_delay, polls.saturating_sub(1))
            .max(options.min_delay);
        // A server's hint that reaches past the deadline ends the wait now:
        // waiting for it would only end at the deadline without another poll.
        if let Some(hint) = hint
            && Instant::now().checked_add(hint).is_none_or(|resume| resume >= deadline)
        {
            return Err(deadline_passed(last_state, last_error, last_answer, polls));
        }
        let next = Instant::now().checked_add(backoff.max(hint.unwrap_or_default()));
        match next {
            Some(next) if next < deadline => tokio::time::sleep_until(next).await,
            _ => {
                tokio::time::sleep_until(deadline).await;
                return Err(deadline_passed(last_state, last_error, last_answer, polls));
            }
        }
    }
}

/// Stands in for a deadline that cannot be represented: about thirty years.
const FAR_FUTURE: Duration = Duration::from_secs(60 * 60 * 24 * 365 * 30);

/// `start + timeout`, or about thirty years on when that cannot be represented
/// (`--timeout 500000000000years`).
pub(crate) fn deadline_after(start: Instant, timeout: Duration) -> Instant {
    #[allow(
        clippy::arithmetic_side_effects,
        reason = "thirty years after now fits every clock tokio runs on"
    )]
    start.checked_add(timeout).unwrap_or_else(|| start + FAR_FUTURE)
}

/// Matches a `Location` URL against the paths an operation is served at and
/// returns the path parameters it names: following `Location` means polling
/// the job it points to.
fn path_args(
    protocol: &crate::Protocol,
    operation: &Operation,
    location: &str,
) -> Option<BTreeMap<String, String>> {
    let path = reqwest::Url::parse(location)
        .map(|url| url.path().to_owned())
        .unwrap_or_else(|_| location.to_owned());
    protocol.paths(operation).find_map(|template| crate::match_path(&template, &path))
}

/// Waits on a call made by name (the `cloudjobs` command's way): `call` gets
/// the arguments for each poll, which follow the server's `Location`.
pub async fn wait_call<F, Fut>(
    protocol: &crate::Protocol,
    operation: &Operation,
    args: &BTreeMap<String, String>,
    options: &WaitOptions,
    mut call: F,
    on_change: impl FnMut(&Progress),
) -> Result<CallOutput, WaitError>
where
    F: FnMut(BTreeMap<String, String>) -> Fut,
    Fut: Future<Output = Result<CallOutput, CloudError>>,
{
    let model = operation.job.ok_or_else(|| {
        WaitError::Call(CloudError::new(
            crate::ErrorKind::InvalidRequest,
            format!("{} does not report on a job, so there is nothing to wait for", operation.operation_id),
        ))
    })?;
    let poll = |location: Option<String>| {
        let mut next = args.clone();
        if let Some(found) = location.as_deref().and_then(|l| path_args(protocol, operation, l)) {
            let in_path = |name: &String| {
                operation.params.iter().any(|p| p.name == name && p.location == ParamLocation::Path)
            };
            next.extend(found.into_iter().filter(|(name, _)| in_path(name)));
        }
        let pending = call(next);
        async move {
            let output = pending.await?;
            let state = model.state(output.status, &output.body);
            let location = output.location.clone();
            let body = output.body.clone();
            Ok(Polled { value: output, state, location, body })
        }
    };
    wait(options, poll, on_change).await
}

/// The values at a JSON pointer in which `*` steps into every element of an
/// array (`/Tasks/*/TaskId`), as text; missing values are skipped.
pub fn values_at(body: &Value, pointer: &str) -> Vec<String> {
    nodes_at(body, pointer).into_iter().filter_map(text).collect()
}

/// The JSON values at a pointer in which `*` steps into every element of an array.
pub fn nodes_at<'v>(body: &'v Value, pointer: &str) -> Vec<&'v Value> {
    let mut found = vec![body];
    for segment in pointer.split('/').skip(1) {
        found = found
            .into_iter()
            .flat_map(|value| match (segment, value) {
                ("*", Value::Array(items)) => items.iter().collect::<Vec<_>>(),
                (key, Value::Object(map)) => map.get(key).into_iter().collect(),
                (index, Value::Array(items)) => {
                    index.parse::<usize>().ok().and_then(|i| items.get(i)).into_iter().collect()
                }
                _ => Vec::new(),
            })
            .collect();
    }
    found
}

/// The arguments of one status call, by the names of its spec.
pub type Arguments = BTreeMap<String, String>;

/// The jobs a start operation's answer names, each as the arguments of the
/// status operation that follows it: the values `carry` takes from the start
/// call's arguments, and the job's id in the status operation's id parameter.
/// A start operation whose jobs have no id (Huawei's `StartIdentityCenter`)
/// names one job, followed with the carried arguments alone.
pub fn started_jobs(
    protocol: &crate::Protocol,
    operation: &Operation,
    args: &BTreeMap<String, String>,
    output: &CallOutput,
) -> Result<(&'static Operation, Vec<Arguments>), CloudError> {
    let invalid = |message: String| CloudError::new(crate::ErrorKind::InvalidRequest, message);
    let start = operation.start.ok_or_else(|| {
        invalid(format!("{} starts no job, so there is nothing to follow", operation.operation_id))
    })?;
    let follow = protocol.require(start.follow)?;
    let mut base = BTreeMap::new();
    for (status_param, start_param) in start.carry {
        if let Some(value) = args.get(*start_param) {
            base.insert((*status_param).to_owned(), value.clone());
        }
    }
    let ids: Vec<String> = match (start.ids, start.ids_from_header) {
        (Some(pointer), _) => values_at(&output.body, pointer),
        (None, Some(_)) => output
            .location
            .iter()
            .filter_map(|url| url.trim_end_matches('/').rsplit('/').next().map(str::to_owned))
            .collect(),
        (None, None) => return Ok((follow, vec![base])),
    };
    let id_param = follow.job.and_then(|job| job.id_param);
    if ids.is_empty() {
        return Err(CloudError::new(
            crate::ErrorKind::InvalidResponse,
            format!("the answer of {} names no job to follow", operation.operation_id),
        ));
    }
    let jobs = ids
        .into_iter()
        .map(|id| {
            let mut args = base.clone();
            if let Some(param) = id_param {
                args.insert(param.to_owned(), id);
            }
            args
        })
        .collect();
    Ok((follow, jobs))
}

/// Follows every job a start operation's answer names to its end, one after
/// the other within one deadline, and returns each job's final answer. The
/// first job that does not succeed ends the wait with its error.
pub async fn follow_started<F, Fut>(
    protocol: &crate::Protocol,
    operation_id: &str,
    args: &BTreeMap<String, String>,
    output: &CallOutput,
    options: &WaitOptions,
    mut call: F,
    mut on_change: impl FnMut(&Progress),
) -> Result<Vec<CallOutput>, WaitError>
where
    F: FnMut(&'static str, BTreeMap<String, String>) -> Fut,
    Fut: Future<Output = Result<CallOutput, CloudError>>,
{
    let operation = protocol.require(operation_id).map_err(WaitError::Call)?;
    let (follow, jobs) = started_jobs(protocol, operation, args, output).map_err(WaitError::Call)?;
    let deadline = deadline_after(Instant::now(), options.timeout);
    let mut finals = Vec::new();
    for job in jobs {
        let remaining =
            WaitOptions { timeout: deadline.saturating_duration_since(Instant::now()), ..options.clone() };
        let one = wait_call(
            protocol,
            follow,
            &job,
            &remaining,
            |args| call(follow.operation_id, args),
            &mut on_change,
        );
        finals.push(one.await?);
    }
    Ok(finals)
}

/// What a start operation's typed `send_and_wait` hands back: its own answer,
/// and the final answer of every job it started, in the order it named them.
#[derive(Debug)]
pub struct Started<S, F> {
    /// The start operation's answer.
    pub start: progenitor_client::ResponseValue<S>,
    /// Each job's final answer, from the operation that follows it.
    pub jobs: Vec<F>,
}

/// Sends a start operation's typed request (`start`, made with the values
/// `sent` by spec name), then follows every job its answer names to its end
/// with `call` (a call by name) and decodes each final answer. The typed
/// `send_and_wait` of every start builder.
pub async fn send_and_follow<S, F, E, Call, Fut>(
    protocol: &crate::Protocol,
    operation_id: &str,
    sent: serde_json::Map<String, Value>,
    start: impl Future<Output = Result<progenitor_client::ResponseValue<S>, progenitor_client::Error<E>>>,
    options: &WaitOptions,
    call: Call,
) -> Result<Started<S, F>, WaitError>
where
    S: serde::Serialize,
    F: serde::de::DeserializeOwned,
    E: serde::Serialize,
    Call: FnMut(&'static str, BTreeMap<String, String>) -> Fut,
    Fut: Future<Output = Result<CallOutput, CloudError>>,
{
    use crate::ResponseExt;
    let args: BTreeMap<String, String> = sent
        .into_iter()
        .filter_map(|(name, value)| {
            let text = match value {
                Value::Null => return None,
                Value::String(text) => text,
                other => other.to_string(),
            };
            Some((name, text))
        })
        .collect();
    let response = start.await.map_err(|e| WaitError::Start(CloudError::from(e)))?;
    let output = CallOutput {
        status: response.status().as_u16(),
        location: response.location().map(str::to_owned),
        request_id: response.request_id_header().map(str::to_owned),
        body: serde_json::to_value(&*response).unwrap_or(Value::Null),
    };
    let finals = follow_started(protocol, operation_id, &args, &output, options, call, |_| {}).await?;
    let jobs = finals
        .into_iter()
        .map(|done| serde_json::from_value(done.body))
        .collect::<Result<Vec<F>, _>>()
        .map_err(|e| {
            WaitError::Call(CloudError::new(
                crate::ErrorKind::InvalidResponse,
                format!("a job's final answer: {e}"),
            ))
        })?;
    Ok(Started { start: response, jobs })
}

/// Waits on operation `operation_id` of `protocol` called by name: the
/// `wait_json` of every generated client. An operation the API lacks, or one
/// that reports on no job, ends the wait at once.
pub async fn wait_by_name<F, Fut>(
    protocol: &crate::Protocol,
    operation_id: &str,
    args: &BTreeMap<String, String>,
    options: &WaitOptions,
    call: F,
    on_change: impl FnMut(&Progress),
) -> Result<CallOutput, WaitError>
where
    F: FnMut(BTreeMap<String, String>) -> Fut,
    Fut: Future<Output = Result<CallOutput, CloudError>>,
{
    let operation = protocol.require(operation_id).map_err(WaitError::Call)?;
    wait_call(protocol, operation, args, options, call, on_change).await
}

/// Waits on a typed call: `send` makes one request (e.g. `|| builder.clone().send()`),
/// and the job's state is read from its typed answer. Returns the final answer.
pub async fn wait_response<T, E, F, Fut>(
    model: &JobModel,
    options: &WaitOptions,
    mut send: F,
    on_change: impl FnMut(&Progress),
) -> Result<progenitor_client::ResponseValue<T>, WaitError>
where
    T: serde::Serialize,
    E: serde::Serialize,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<progenitor_client::ResponseValue<T>, progenitor_client::Error<E>>>,
{
    use crate::ResponseExt;
    let poll = |_location: Option<String>| {
        let pending = send();
        async move {
            let response = pending.await.map_err(CloudError::from)?;
            let body = serde_json::to_value(&*response).unwrap_or(Value::Null);
            let state = model.state(response.status().as_u16(), &body);
            let location = response.location().map(str::to_owned);
            Ok(Polled { value: response, state, location, body })
        }
    };
    wait(options, poll, on_change).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;
    use serde_json::json;
    use std::cell::RefCell;

    const TASK: JobModel = JobModel {
        id_param: Some("TaskId"),
        id_field: Some("/TaskStatus/TaskId"),
        status: "/TaskStatus/Status",
        running: &["InProgress"],
        succeeded: &["Success"],
        failed: &["Failed"],
        reason: Some("/TaskStatus/FailureReason"),
        failure_field: None,
        partial: &[],
        partial_field: None,
    };

    const ORACLE: JobModel = JobModel {
        id_param: Some("jobId"),
        id_field: None,
        status: "http-status",
        running: &["202"],
        succeeded: &["200"],
        failed: &[],
        reason: Some("/exception"),
        failure_field: Some("/exception"),
        partial: &[],
        partial_field: None,
    };

    #[test]
    fn states_are_read_in_each_apis_words() {
        let body =
            |status: &str| json!({"TaskStatus": {"Status": status, "FailureReason": "No Permission."}});
        assert_eq!(TASK.state(200, &body("InProgress")), JobState::Running("InProgress".into()));
        assert_eq!(TASK.state(200, &body("Success")), JobState::Succeeded("Success".into()));
        assert_eq!(
            TASK.state(200, &body("Failed")),
            JobState::Failed { status: "Failed".into(), reason: Some("No Permission.".into()) }
        );
        assert_eq!(TASK.state(200, &body("Paused")), JobState::Unknown("Paused".into()));
        assert_eq!(ORACLE.state(202, &json!({})), JobState::Running("202".into()));
        assert_eq!(ORACLE.state(200, &json!({"message": "done"})), JobState::Succeeded("200".into()));
        assert_eq!(
            ORACLE.state(200, &json!({"exception": "User exists"})),
            JobState::Failed { status: "200".into(), reason: Some("User exists".into()) }
        );
    }

    #[test]
    fn partial_success_is_its_own_end() {
        const SYNC: JobModel = JobModel {
            status: "/SynchronizationJob/Status",
            running: &["pending", "running"],
            succeeded: &["success"],
            failed: &["failed"],
            partial: &["partial_success"],
            reason: Some("/SynchronizationJob/Result/ErrorMessage"),
            ..TASK
        };
        let sync = |status: &str| json!({"SynchronizationJob": {"Status": status, "Result": {"ErrorMessage": "2 users skipped"}}});
        let partial = SYNC.state(200, &sync("partial_success"));
        assert_eq!(
            partial,
            JobState::PartiallySucceeded {
                status: "partial_success".into(),
                reason: Some("2 users skipped".into())
            }
        );
        assert!(partial.is_terminal());
        assert_eq!(SYNC.state(200, &sync("success")), JobState::Succeeded("success".into()));

        const USERS: JobModel = JobModel { partial_field: Some("/deleteFailed"), ..ORACLE };
        assert_eq!(
            USERS.state(200, &json!({"deleteFailed": [], "exception": ""})),
            JobState::Succeeded("200".into())
        );
        assert_eq!(
            USERS.state(200, &json!({"deleteFailed": [{"loginId": "a"}, {"loginId": "b"}]})),
            JobState::PartiallySucceeded {
                status: "200".into(),
                reason: Some("/deleteFailed lists 2 item(s)".into())
            }
        );
        // A failure outranks a partial success.
        assert!(matches!(
            USERS.state(200, &json!({"deleteFailed": [{}], "exception": "boom"})),
            JobState::Failed { .. }
        ));
    }

    #[tokio::test(start_paused = true)]
    async fn a_partial_success_ends_the_wait_with_the_answer() {
        let answer = json!({"SynchronizationJob": {"Status": "partial_success"}});
        let body = answer.clone();
        let error = wait(
            &fast(),
            move |_| {
                std::future::ready(Ok(Polled {
                    value: (),
                    state: JobState::PartiallySucceeded { status: "partial_success".into(), reason: None },
                    location: None,
                    body: body.clone(),
                }))
            },
            |_| {},
        )
        .await
        .unwrap_err();
        match error {
            WaitError::PartialSuccess { status, polls: 1, answer: got, .. } => {
                assert_eq!(status, "partial_success");
                assert_eq!(got, answer);
            }
            other => panic!("{other}"),
        }
    }

    #[test]
    fn started_jobs_are_found_where_the_spec_says() {
        let body = json!({"Tasks": [{"TaskId": "t-1"}, {"TaskId": "t-2"}], "Task": {"TaskId": "t-3"}});
        assert_eq!(values_at(&body, "/Tasks/*/TaskId"), ["t-1", "t-2"]);
        assert_eq!(values_at(&body, "/Task/TaskId"), ["t-3"]);
        assert_eq!(values_at(&body, "/Tasks/1/TaskId"), ["t-2"]);
        assert!(values_at(&body, "/Missing/*/TaskId").is_empty());

        const FOLLOW: Operation = Operation {
            operation_id: "GetTaskStatus",
            command: "get-task-status",
            method: "POST",
            path: "/GetTaskStatus",
            action: Some("GetTaskStatus"),
            error_codes: &[],
            summary: "",
            params: &[],
            job: Some(TASK),
            mutates: false,
            rate_limit: None,
            start: None,
            list: None,
            example: None,
            body: false,
        };
        const START: Operation = Operation {
            operation_id: "ProvisionAccessConfiguration",
            command: "provision-access-configuration",
            path: "/ProvisionAccessConfiguration",
            action: Some("ProvisionAccessConfiguration"),
            job: None,
            mutates: true,
            rate_limit: None,
            start: Some(crate::StartModel {
                follow: "GetTaskStatus",
                ids: Some("/Tasks/*/TaskId"),
                ids_from_header: None,
                carry: &[("DirectoryId", "DirectoryId")],
                conflict: None,
                creates: None,
                removes: None,
            }),
            ..FOLLOW
        };
        const PROTOCOL: crate::Protocol = crate::Protocol {
            operations: &[FOLLOW, START],
            ..crate::Protocol::for_tests(
                crate::Vendor::Alibaba,
                "cloudsso",
                "2021-05-15",
                crate::Style::Rpc,
                crate::Signing::Acs3HmacSha256,
            )
        };
        let args: Arguments =
            [("DirectoryId".to_owned(), "d-1".to_owned()), ("Other".to_owned(), "x".to_owned())].into();
        let output = CallOutput { status: 200, location: None, request_id: None, body };
        let (follow, jobs) = started_jobs(&PROTOCOL, &START, &args, &output).unwrap();
        assert_eq!(follow.operation_id, "GetTaskStatus");
        let ids: Vec<(&str, &str)> =
            jobs.iter().map(|job| (job["DirectoryId"].as_str(), job["TaskId"].as_str())).collect();
        assert_eq!(ids, [("d-1", "t-1"), ("d-1", "t-2")]);
        assert!(jobs.iter().all(|job| job.len() == 2), "only carried arguments and the id: {jobs:?}");

        let empty = CallOutput { status: 200, location: None, request_id: None, body: json!({"Tasks": []}) };
        let error = started_jobs(&PROTOCOL, &START, &args, &empty).unwrap_err();
        assert_eq!(error.kind(), crate::ErrorKind::InvalidResponse);
    }

    /// A scripted poller: each entry is one poll's outcome.
    fn scripted(
        outcomes: Vec<Result<&'static str, CloudError>>,
    ) -> impl FnMut(Option<String>) -> std::future::Ready<Result<Polled<u32>, CloudError>> {
        let outcomes = RefCell::new(outcomes.into_iter().enumerate());
        move |_| {
            let (index, outcome) = outcomes.borrow_mut().next().expect("polled more often than scripted");
            std::future::ready(outcome.map(|status| Polled {
                value: index as u32,
                state: TASK.state(200, &json!({"TaskStatus": {"Status": status}})),
                location: None,
                body: Value::Null,
            }))
        }
    }

    fn fast() -> WaitOptions {
        WaitOptions {
            min_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(8),
            timeout: Duration::from_secs(60),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn waits_through_running_to_success_and_reports_each_change() {
        let mut seen = Vec::new();
        let started = Instant::now();
        let done = wait(
            &fast(),
            scripted(vec![Ok("InProgress"), Ok("InProgress"), Ok("Paused"), Ok("Success")]),
            |p| seen.push((p.state.clone(), p.polls, p.changed)),
        )
        .await
        .unwrap();
        assert_eq!(done, 3, "the value of the fourth poll");
        assert_eq!(seen.len(), 4, "every poll is reported: {seen:?}");
        let changes: Vec<(JobState, u32)> = seen
            .into_iter()
            .filter(|(_, _, changed)| *changed)
            .map(|(state, polls, _)| (state, polls))
            .collect();
        assert_eq!(
            changes,
            [
                (JobState::Running("InProgress".into()), 1),
                (JobState::Unknown("Paused".into()), 3),
                (JobState::Succeeded("Success".into()), 4)
            ]
        );
        // Three waits of at least 1 s, 1 s and 2 s (half of 1, 2, 4 s, floored at the minimum).
        let waited = started.elapsed();
        assert!(waited >= Duration::from_secs(4) && waited <= Duration::from_secs(7), "{waited:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_job_ends_the_wait_with_its_reason() {
        let error = wait(
            &fast(),
            |_| {
                std::future::ready(Ok(Polled {
                    value: (),
                    state: JobState::Failed { status: "Failed".into(), reason: Some("quota".into()) },
                    location: None,
                    body: Value::Null,
                }))
            },
            |_| {},
        )
        .await
        .unwrap_err();
        assert!(
            matches!(&error, WaitError::JobFailed { reason: Some(r), polls: 1, .. } if r == "quota"),
            "{error}"
        );
        assert_eq!(error.to_string(), "the job failed (Failed): quota");
    }

    #[tokio::test(start_paused = true)]
    async fn the_deadline_reports_the_last_state() {
        let options = WaitOptions { timeout: Duration::from_secs(10), ..fast() };
        let started = Instant::now();
        let error = wait(
            &options,
            |_| {
                std::future::ready(Ok(Polled {
                    value: (),
                    state: JobState::Running("InProgress".into()),
                    location: None,
                    body: Value::Null,
                }))
            },
            |_| {},
        )
        .await
        .unwrap_err();
        assert_eq!(started.elapsed(), Duration::from_secs(10), "it stops at the deadline, not after it");
        match error {
            WaitError::Deadline {
                last_state: Some(JobState::Running(raw)), last_error: None, polls, ..
            } => {
                assert_eq!(raw, "InProgress");
                assert!((3..=6).contains(&polls), "{polls} polls in 10 s");
            }
            other => panic!("{other}"),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_poll_cannot_outlive_the_deadline() {
        let options = WaitOptions { timeout: Duration::from_secs(5), ..fast() };
        let started = Instant::now();
        let error = wait(
            &options,
            |_| async {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                Ok(Polled {
                    value: (),
                    state: JobState::Succeeded("Success".into()),
                    location: None,
                    body: Value::Null,
                })
            },
            |_| {},
        )
        .await
        .unwrap_err();
        assert_eq!(started.elapsed(), Duration::from_secs(5));
        assert!(matches!(error, WaitError::Deadline { polls: 0, .. }));
    }

    #[tokio::test(start_paused = true)]
    async fn retryable_errors_wait_for_the_servers_hint_and_others_end_the_wait() {
        let throttled = || {
            CloudError::vendor(429, Some("Throttling.User".into()), "slow down", None)
                .with_retry_after(Duration::from_secs(20))
        };
        let started = Instant::now();
        let done = wait(&fast(), scripted(vec![Err(throttled()), Ok("Success")]), |_| {}).await.unwrap();
        assert_eq!(done, 1);
        assert!(
            started.elapsed() >= Duration::from_secs(20),
            "Retry-After is honoured: {:?}",
            started.elapsed()
        );

        let denied = CloudError::vendor(403, Some("Forbidden.RAM".into()), "no", Some("r".into()));
        let error = wait(&fast(), scripted(vec![Err(denied)]), |_| {}).await.unwrap_err();
        assert!(
            matches!(&error, WaitError::Call(e) if e.code() == Some("Forbidden.RAM") && e.kind() == ErrorKind::Vendor)
        );
    }

    #[tokio::test(start_paused = true)]
    async fn dropping_the_wait_stops_the_polling() {
        let polls = std::rc::Rc::new(std::cell::Cell::new(0));
        let counted = polls.clone();
        let options = fast();
        let waiting = wait(
            &options,
            move |_| {
                counted.set(counted.get() + 1);
                std::future::ready(Ok(Polled {
                    value: (),
                    state: JobState::Running("InProgress".into()),
                    location: None,
                    body: Value::Null,
                }))
            },
            |_| {},
        );
        // Give up after 3 s: the wait's future is dropped there.
        assert!(tokio::time::timeout(Duration::from_secs(3), waiting).await.is_err());
        let after_cancel = polls.get();
        assert!(after_cancel >= 2, "it polled while it ran: {after_cancel}");
        tokio::time::sleep(Duration::from_secs(60)).await;
        assert_eq!(polls.get(), after_cancel, "no poll after the future was dropped");
    }

    #[test]
    fn locations_name_the_job_to_poll() {
        const OPERATION: Operation = Operation {
            operation_id: "GetUserJobStatus",
            command: "get-user-job-status",
            method: "GET",
            path: "/cloudapi/restapi/user/status/{jobId}",
            action: None,
            error_codes: &[],
            summary: "",
            params: &[],
            job: None,
            mutates: false,
            rate_limit: None,
            start: None,
            list: None,
            example: None,
            body: false,
        };
        const PROTOCOL: crate::Protocol = crate::Protocol {
            basic_path_prefix: Some("/cloudapi/restapi"),
            bearer_path_prefix: Some("/cloudapi/restapi/v3"),
            operations: &[OPERATION],
            ..crate::Protocol::for_tests(
                crate::Vendor::Oracle,
                "primavera-admin",
                "v1",
                crate::Style::Rest,
                crate::Signing::HttpBasic,
            )
        };
        let found =
            path_args(&PROTOCOL, &OPERATION, "https://h.example/cloudapi/restapi/user/status/77").unwrap();
        assert_eq!(found.get("jobId").map(String::as_str), Some("77"));
        let found = path_args(&PROTOCOL, &OPERATION, "/cloudapi/restapi/v3/user/status/78").unwrap();
        assert_eq!(found.get("jobId").map(String::as_str), Some("78"));
        assert!(path_args(&PROTOCOL, &OPERATION, "https://h.example/elsewhere").is_none());
    }
}
