//! Whole job lifecycles in the emulator: start operations create jobs with
//! ids in the vendor's format, which the status operations then follow and
//! the list operations list, a page at a time with the vendor's tokens.
//!
//! A start request any of whose arguments starts with `fail-` or `partial-`
//! creates jobs whose ids start with the same word, so they fail or partly
//! succeed (see [`JobScripts`](crate::JobScripts)): the documented way to
//! make a started job end badly.

use std::collections::BTreeMap;

use cloudjobs_core::signing::RequestParts;
use cloudjobs_core::vendor::Refusal;
use cloudjobs_core::{ListModel, Operation, Protocol, StartModel};
use serde_json::Value;

use crate::handler::{State, example, first, set_pointer};
use crate::script::Step;
use crate::vendor::{Answer, respond_ok};

/// How many started jobs the emulator remembers for its lists; the oldest are
/// forgotten beyond this, so that memory stays bounded however long it runs.
const KEPT_STARTED: usize = 10_000;

/// The page size of a list request that names none.
const DEFAULT_PAGE_SIZE: usize = 10;

/// One job a start operation created.
#[derive(Clone, Debug)]
pub(crate) struct StartedJob {
    api: String,
    /// The operation that started it.
    started_by: &'static str,
    /// The values of the start call's arguments that its conflicts compare.
    key: Vec<Option<Value>>,
    /// The operation id of the status operation that follows it.
    follow: &'static str,
    id: String,
}

/// One resource a start operation created (a Tencent user sync), until an
/// operation that removes it names it.
#[derive(Clone, Debug)]
pub(crate) struct Resource {
    api: String,
    /// The operation that created it.
    created_by: &'static str,
    /// The values of the creating call's arguments that its conflicts compare.
    key: Vec<Option<Value>>,
    /// The name of its id field, e.g. `UserProvisioningId`.
    id_field: String,
    id: String,
    /// The fields the creating answer gave it, for list items.
    fields: Value,
}

/// The word, among the start request's arguments, that chooses how its jobs end.
fn ending(args: &BTreeMap<String, Value>) -> &'static str {
    let texts = args.values().filter_map(Value::as_str);
    texts
        .into_iter()
        .find_map(|text| ["fail-", "partial-"].into_iter().find(|word| text.starts_with(word)))
        .unwrap_or("")
}

/// A fresh job id shaped like `template` (the spec example's id): its
/// leading word and separator kept (`t-`, `async_`), the rest random; an
/// Sets a string field of an object; a template that is not an object is left as it is.
fn set_field(item: &mut Value, key: &str, value: &str) {
    if let Some(map) = item.as_object_mut() {
        map.insert(key.to_owned(), Value::String(value.to_owned()));
    }
}

/// all-digit template gives a number (Oracle's job ids).
fn new_id(template: Option<&str>, sequence: u64) -> String {
    let template = template.unwrap_or("job-");
    if !template.is_empty() && template.chars().all(|c| c.is_ascii_digit()) {
        return 90_000u64.saturating_add(sequence).to_string();
    }
    let prefix: String = match template.find(['-', '_']) {
        Some(at) if at <= 12 => template[..=at].to_owned(),
        _ => String::new(),
    };
    let mut bytes = [0u8; 10];
    let _ = getrandom::getrandom(&mut bytes);
    let alphabet = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let random: String = bytes
        .iter()
        .filter_map(|b| alphabet.get(usize::from(*b).checked_rem(alphabet.len())?))
        .map(|c| char::from(*c))
        .collect();
    format!("{prefix}{random}")
}

/// Replaces every value at `pointer` (`*` steps into every element of an
/// array) with what `fresh` makes of it.
fn replace_at(value: &mut Value, segments: &[&str], fresh: &mut dyn FnMut(&Value) -> Value) {
    let Some((first, rest)) = segments.split_first() else {
        *value = fresh(value);
        return;
    };
    match (*first, value) {
        ("*", Value::Array(items)) => items.iter_mut().for_each(|item| replace_at(item, rest, fresh)),
        (key, Value::Object(map)) => {
            if let Some(child) = map.get_mut(key) {
                replace_at(child, rest, fresh);
            }
        }
        _ => {}
    }
}

impl State {
    fn remember(&self, job: StartedJob) {
        let mut started = self.started.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if started.len() == KEPT_STARTED {
            started.pop_front();
        }
        started.push_back(job);
    }
}

/// The answer of a start operation: the spec's example with fresh job ids,
/// each remembered as a job that the status operation follows from its first poll.
pub(crate) fn start_answer(
    state: &State,
    api: &str,
    protocol: &Protocol,
    start: &StartModel,
    operation: &Operation,
    parts: &RequestParts,
    args: &BTreeMap<String, Value>,
) -> Answer {
    let key: Vec<Option<Value>> = start
        .conflict
        .map(|conflict| conflict.same.iter().map(|name| args.get(*name).cloned()).collect())
        .unwrap_or_default();
    if let Some(conflict) = start.conflict {
        let conflicting = if conflict.until_removed {
            let resources = state.resources.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            resources.iter().any(|r| r.api == api && r.created_by == operation.operation_id && r.key == key)
        } else {
            let started = state.started.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
            started.iter().any(|job| {
                job.api == api
                    && job.started_by == operation.operation_id
                    && job.key == key
                    && matches!(state.current_step(api, &job.id), Step::Running)
            })
        };
        if conflicting {
            return crate::vendor::refuse(protocol.vendor, &Refusal::Conflict(conflict));
        }
    }
    if let Some(param) = start.removes
        && let Some(id) = args.get(param).and_then(Value::as_str)
    {
        state
            .resources
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .retain(|r| !(r.api == api && r.id_field == param && r.id == id));
    }
    let word = ending(args);
    let mut body = example(operation);
    let sequence = || state.sequence.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut ids = Vec::new();
    let mut headers = Vec::new();
    let mut status = 200;
    match (start.ids, start.ids_from_header) {
        (Some(pointer), _) => {
            let segments: Vec<&str> = pointer.split('/').skip(1).collect();
            replace_at(&mut body, &segments, &mut |old| {
                let id = format!("{word}{}", new_id(old.as_str(), sequence()));
                ids.push(id.clone());
                Value::String(id)
            });
        }
        (None, Some(header)) => {
            let follow = protocol.operation(start.follow);
            let id_param = follow.and_then(|op| op.job).and_then(|job| job.id_param).unwrap_or("jobId");
            let id = format!("{word}{}", new_id(Some("0"), sequence()));
            let path = follow.map(|op| op.path.replace(&format!("{{{id_param}}}"), &id)).unwrap_or_default();
            let host = parts.header("host").unwrap_or("127.0.0.1");
            headers.push((header.to_ascii_lowercase(), format!("http://{host}{path}")));
            status = 202;
            ids.push(id);
        }
        // A job without an id is the account's one life, which starts again.
        (None, None) => {
            let account = cloudjobs_core::vendor::rules(protocol.vendor)
                .account_header()
                .and_then(|name| parts.header(name))
                .unwrap_or("default");
            state.restart(api, account);
        }
    }
    if let Some(pointer) = start.creates {
        let segments: Vec<&str> = pointer.split('/').skip(1).collect();
        let id_field = segments.last().copied().unwrap_or_default().to_owned();
        let mut created = Vec::new();
        replace_at(&mut body, &segments, &mut |old| {
            let id = new_id(old.as_str(), sequence());
            created.push(id.clone());
            Value::String(id)
        });
        // Each new id's fields are those of the object that holds it in the answer.
        let parent = match segments.split_last() {
            Some((_, [])) | None => String::new(),
            Some((_, holders)) => format!("/{}", holders.join("/")),
        };
        let holders: Vec<Value> = cloudjobs_core::waiter::nodes_at(&body, &parent)
            .into_iter()
            .filter(|v| v.is_object())
            .cloned()
            .collect();
        let mut resources = state.resources.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        for (index, id) in created.into_iter().enumerate() {
            if resources.len() == KEPT_STARTED {
                resources.pop_front();
            }
            let fields = holders.get(index).cloned().unwrap_or(Value::Null);
            let created_by = operation.operation_id;
            resources.push_back(Resource {
                api: api.to_owned(),
                created_by,
                key: key.clone(),
                id_field: id_field.clone(),
                id,
                fields,
            });
        }
    }
    for id in ids {
        state.restart(api, &id);
        let started_by = operation.operation_id;
        state.remember(StartedJob {
            api: api.to_owned(),
            started_by,
            key: key.clone(),
            follow: start.follow,
            id,
        });
    }
    respond_ok(protocol.vendor, status, body, headers)
}

/// Writes what the page says about itself where the spec's example has such
/// fields beside the next token: whether more pages follow (`IsTruncated`),
/// how many items there are in all (`TotalCounts`, `TotalCount`), the page
/// size asked for (`MaxResults`) and how many this page holds (Huawei's
/// `current_count`). The example's own values would contradict the page: a
/// loop that reads `IsTruncated` would stop early.
fn describe_page(body: &mut Value, list: &ListModel, held: usize, size: usize, more: bool, total: usize) {
    let parent = list.next_token_field.rsplit_once('/').map_or("", |(parent, _)| parent);
    let Some(Value::Object(fields)) = body.pointer_mut(parent) else { return };
    let facts = [
        ("IsTruncated", Value::Bool(more)),
        ("TotalCounts", Value::from(total)),
        ("TotalCount", Value::from(total)),
        ("MaxResults", Value::from(size)),
        ("current_count", Value::from(held)),
    ];
    for (name, value) in facts {
        if let Some(slot) = fields.get_mut(name) {
            *slot = value;
        }
    }
}

/// The answer of a list operation: the jobs started here whose status
/// operation takes the id field its items carry, shaped like the example's
/// first item, a page at a time.
pub(crate) fn list_answer(
    state: &State,
    api: &str,
    protocol: &Protocol,
    list: &ListModel,
    operation: &Operation,
    args: &BTreeMap<String, Value>,
) -> Answer {
    let mut body = example(operation);
    let template = body.pointer(list.items).and_then(|items| items.get(0)).cloned().unwrap_or(Value::Null);
    let number = |name: Option<&str>| {
        name.and_then(|name| args.get(name)).and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok()))
    };
    let page_size = number(list.page_size)
        .map_or(DEFAULT_PAGE_SIZE, |n| usize::try_from(n).unwrap_or(usize::MAX).clamp(1, 100));
    let offset: usize = args
        .get(list.next_token)
        .and_then(Value::as_str)
        .and_then(|token| token.strip_prefix("cj-"))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let started: Vec<StartedJob> = state
        .started
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .iter()
        .filter(|job| job.api == api)
        .cloned()
        .collect();
    let mut items = Vec::new();
    for job in &started {
        let Some(model) = protocol.operation(job.follow).and_then(|op| op.job) else { continue };
        let Some(id_key) = model.id_param.filter(|key| template.get(key).is_some()) else { continue };
        let mut item = template.clone();
        set_field(&mut item, id_key, &job.id);
        let status_key = model.status.rsplit('/').next().unwrap_or_default();
        if item.get(status_key).is_some() {
            let word = match state.current_step(api, &job.id) {
                Step::Success => first(model.succeeded),
                Step::Fail(_) => model.failed.first().copied().unwrap_or(first(model.running)),
                Step::Partial(_) => model.partial.first().copied().unwrap_or(first(model.succeeded)),
                _ => first(model.running),
            };
            set_field(&mut item, status_key, word);
        }
        items.push(item);
    }
    let resources: Vec<Resource> = state
        .resources
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .iter()
        .filter(|r| r.api == api)
        .cloned()
        .collect();
    for resource in resources.iter().filter(|r| template.get(&r.id_field).is_some()) {
        let mut item = template.clone();
        if let (Some(item), Some(fields)) = (item.as_object_mut(), resource.fields.as_object()) {
            for (name, value) in fields {
                if let Some(slot) = item.get_mut(name) {
                    *slot = value.clone();
                }
            }
        }
        set_field(&mut item, &resource.id_field, &resource.id);
        items.push(item);
    }
    let page: Vec<Value> = items.iter().skip(offset).take(page_size).cloned().collect();
    let next = offset.saturating_add(page.len());
    describe_page(&mut body, list, page.len(), page_size, next < items.len(), items.len());
    set_pointer(&mut body, list.items, Value::Array(page));
    let token = if next < items.len() { Value::String(format!("cj-{next}")) } else { Value::Null };
    if token.is_null() {
        if let Some((parent, key)) = list.next_token_field.rsplit_once('/')
            && let Some(Value::Object(map)) = body.pointer_mut(parent)
        {
            map.remove(key);
        }
    } else {
        set_pointer(&mut body, list.next_token_field, token);
    }
    respond_ok(protocol.vendor, 200, body, vec![])
}
