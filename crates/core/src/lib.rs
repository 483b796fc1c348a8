//! The hand-written runtime shared by every cloudjobs client crate.
//!
//! Generated code describes each API with a [`Protocol`] constant, read from
//! the spec's `x-cloudjobs` extensions, and hands every request to
//! [`hooks::prepare_request`] and [`hooks::execute`]. Credentials, endpoints,
//! signing and error envelopes live here, once for all crates; each vendor's
//! signer is behind a cargo feature of the vendor's name.

// No input may panic the runtime: arithmetic is checked or saturating, indexing
// goes through `get`, and nothing unwraps. An `expect` states an invariant the
// code itself establishes, in its message; tests may do as they please.
#![cfg_attr(
    not(test),
    deny(clippy::arithmetic_side_effects, clippy::indexing_slicing, clippy::unwrap_used, clippy::panic)
)]

mod answer;
pub mod client;
mod config;
mod credentials;
mod error;
pub mod hooks;
mod limit;
pub mod pages;
mod protocol;
mod retry;
pub mod signing;
pub mod vendor;
pub mod waiter;

pub use answer::{CallOutput, ResponseExt, is_transient_answer, retry_after, without_userinfo};
pub use config::{
    Answer, AnswerObserver, ClientConfig, Connection, DEFAULT_ANSWER_LIMIT, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_TIMEOUT, resolve_endpoint,
};
pub use credentials::{AccessKey, Credentials, Secret};
pub use error::{CloudError, ErrorKind, Escaped};
pub use limit::RateLimiter;
pub use protocol::{
    Conflict, ErrorCode, JobModel, ListModel, Operation, Param, ParamKind, ParamLocation, Protocol, Signing,
    StartModel, Style, Vendor, WHOLE_BODY, body_from_args, match_path, parse_arg,
};
pub use retry::{RetryPolicy, exponential_with_jitter};

/// What an application on a client crate uses besides the generated client:
/// configuration, credentials, errors, retries, waiting and listing. Every
/// client crate re-exports these at its root, so that an application needs
/// no other dependency to call, wait and list (`StreamExt` reads the item
/// stream of `list_json`).
pub mod prelude {
    pub use crate::pages::ListOptions;
    pub use crate::waiter::{JobState, Progress, Started, WaitError, WaitOptions};
    pub use crate::{Answer, ClientConfig, CloudError, Credentials, ErrorKind, ResponseExt, RetryPolicy};
    pub use futures_util::StreamExt;
}
