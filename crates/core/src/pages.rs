//! Walking a paginated list operation to its end: its items one at a time,
//! a page fetched whenever the last one is used up, with the vendor's own
//! page token (`NextToken`, Huawei's `marker`) as the spec's
//! `x-cloudjobs-list` names it.

use std::collections::{BTreeMap, VecDeque};
use std::future::Future;

use futures_util::Stream;
use serde_json::Value;

use crate::{CallOutput, CloudError, ErrorKind, Operation};

/// How much of a list to walk.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ListOptions {
    /// Items per page; the vendor's default when `None`.
    pub page_size: Option<u32>,
    /// Stop after this many items; every item when `None`.
    pub max_items: Option<usize>,
}

/// The most pages one walk fetches: a server that never stops handing out
/// tokens must not keep a caller busy for ever.
const MAX_PAGES: usize = 100_000;

struct Walk<F> {
    call: F,
    args: BTreeMap<String, String>,
    token: Option<String>,
    buffered: VecDeque<Value>,
    finished: bool,
    pages: usize,
    yielded: usize,
}

/// The items of list operation `operation` called with `args`, page after
/// page: `call` makes one call by name. An operation without
/// `x-cloudjobs-list` has one page.
pub fn items<F, Fut>(
    operation: &'static Operation,
    mut args: BTreeMap<String, String>,
    options: ListOptions,
    call: F,
) -> impl Stream<Item = Result<Value, CloudError>>
where
    F: FnMut(BTreeMap<String, String>) -> Fut,
    Fut: Future<Output = Result<CallOutput, CloudError>>,
{
    let model = operation.list;
    if let (Some(model), Some(size)) = (model, options.page_size)
        && let Some(param) = model.page_size
    {
        args.insert(param.to_owned(), size.to_string());
    }
    let token = model.and_then(|model| args.remove(model.next_token));
    let walk = Walk { call, args, token, buffered: VecDeque::new(), finished: false, pages: 0, yielded: 0 };
    futures_util::stream::try_unfold(walk, move |mut walk| async move {
        loop {
            if options.max_items.is_some_and(|max| walk.yielded >= max) {
                return Ok(None);
            }
            if let Some(item) = walk.buffered.pop_front() {
                walk.yielded = walk.yielded.saturating_add(1);
                return Ok(Some((item, walk)));
            }
            if walk.finished {
                return Ok(None);
            }
            if walk.pages == MAX_PAGES {
                return Err(CloudError::new(
                    ErrorKind::InvalidResponse,
                    format!(
                        "{} kept handing out page tokens after {MAX_PAGES} pages",
                        operation.operation_id
                    ),
                ));
            }
            let mut args = walk.args.clone();
            if let (Some(model), Some(token)) = (model, &walk.token) {
                args.insert(model.next_token.to_owned(), token.clone());
            }
            let page = (walk.call)(args).await?;
            walk.pages = walk.pages.saturating_add(1);
            let Some(model) = model else {
                walk.finished = true;
                walk.buffered.push_back(page.body);
                continue;
            };
            if let Some(Value::Array(items)) = page.body.pointer(model.items) {
                walk.buffered.extend(items.iter().cloned());
            }
            let next =
                page.body.pointer(model.next_token_field).and_then(Value::as_str).filter(|t| !t.is_empty());
            match next {
                // A token that comes back unchanged would fetch the same page for ever.
                Some(next) if walk.token.as_deref() != Some(next) => walk.token = Some(next.to_owned()),
                _ => walk.finished = true,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use futures_util::TryStreamExt;
    use serde_json::json;

    use super::*;
    use crate::ListModel;

    const LIST: Operation = Operation {
        operation_id: "ListTasks",
        command: "list-tasks",
        method: "POST",
        path: "/ListTasks",
        action: Some("ListTasks"),
        error_codes: &[],
        summary: "",
        params: &[],
        job: None,
        mutates: false,
        rate_limit: None,
        start: None,
        list: Some(ListModel {
            items: "/Tasks",
            next_token: "NextToken",
            next_token_field: "/NextToken",
            page_size: Some("MaxResults"),
        }),
        example: None,
        body: false,
    };

    /// The arguments of every call a test server received.
    type CallLog = std::rc::Rc<RefCell<Vec<BTreeMap<String, String>>>>;

    /// One page's answer.
    type Page = std::future::Ready<Result<CallOutput, CloudError>>;

    /// Pages of `per_page` items numbered from 0, `total` in all, and the
    /// arguments each call was made with.
    fn server(total: usize, per_page: usize) -> (impl FnMut(BTreeMap<String, String>) -> Page, CallLog) {
        let seen = std::rc::Rc::new(RefCell::new(Vec::new()));
        let log = seen.clone();
        let call = move |args: BTreeMap<String, String>| {
            log.borrow_mut().push(args.clone());
            let start: usize = args.get("NextToken").map_or(0, |t| t.parse().unwrap());
            let end = (start + per_page).min(total);
            let mut body = json!({"Tasks": (start..end).map(|i| json!({"TaskId": i})).collect::<Vec<_>>()});
            if end < total {
                body["NextToken"] = json!(end.to_string());
            }
            std::future::ready(Ok(CallOutput { status: 200, location: None, request_id: None, body }))
        };
        (call, seen)
    }

    #[tokio::test]
    async fn every_page_is_walked_and_the_limits_hold() {
        let (call, seen) = server(7, 3);
        let args = BTreeMap::from([("ZoneId".to_owned(), "z-1".to_owned())]);
        let options = ListOptions { page_size: Some(3), max_items: None };
        let all: Vec<Value> = items(&LIST, args, options, call).try_collect().await.unwrap();
        assert_eq!(all, (0..7).map(|i| json!({"TaskId": i})).collect::<Vec<_>>());
        {
            let calls = seen.borrow();
            assert_eq!(calls.len(), 3);
            assert_eq!(calls[0].get("NextToken"), None);
            assert_eq!(calls[1].get("NextToken").map(String::as_str), Some("3"));
            assert!(calls.iter().all(|args| args["MaxResults"] == "3" && args["ZoneId"] == "z-1"));
        }

        let (call, seen) = server(100, 10);
        let options = ListOptions { page_size: None, max_items: Some(15) };
        let some: Vec<Value> = items(&LIST, BTreeMap::new(), options, call).try_collect().await.unwrap();
        assert_eq!(some.len(), 15);
        assert_eq!(seen.borrow().len(), 2, "no page beyond the one that reaches the maximum");
    }

    #[tokio::test]
    async fn a_token_that_never_changes_ends_the_walk() {
        let call = |_: BTreeMap<String, String>| {
            let body = json!({"Tasks": [1], "NextToken": "same"});
            std::future::ready(Ok(CallOutput { status: 200, location: None, request_id: None, body }))
        };
        let all: Vec<Value> =
            items(&LIST, BTreeMap::new(), ListOptions::default(), call).try_collect().await.unwrap();
        assert_eq!(all.len(), 2, "the first page, then the same token once more");
    }
}
