//! What the emulator sends back: a vendor's answer as bytes on the wire, or a
//! dropped connection. The vendors' statuses, codes and envelopes come from
//! `cloudjobs_core::vendor`.

use cloudjobs_core::Vendor;
use cloudjobs_core::vendor::{Refusal, ServerAnswer, rules};
use serde_json::Value;

/// An answer to send, or a connection to drop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Answer {
    /// Send this response.
    Respond { status: u16, headers: Vec<(String, String)>, body: Vec<u8> },
    /// Close the connection without a response.
    Drop,
}

impl From<ServerAnswer> for Answer {
    fn from(answer: ServerAnswer) -> Self {
        let ServerAnswer { status, mut headers, body } = answer;
        let body = match body {
            // A file's text (Oracle's job log), as the spec's example gives it.
            Some(Value::String(text)) => {
                headers.push(("content-type".into(), "text/plain".into()));
                text.into_bytes()
            }
            Some(body) => {
                headers.push(("content-type".into(), "application/json".into()));
                body.to_string().into_bytes()
            }
            None => Vec::new(),
        };
        Answer::Respond { status, headers, body }
    }
}

/// The vendor's answer to a refusal, in its own envelope and codes.
pub(crate) fn refuse(vendor: Vendor, refusal: &Refusal) -> Answer {
    rules(vendor).refusal(refusal).into()
}

/// A success in the vendor's shape: a fresh request id, its envelope.
pub(crate) fn respond_ok(
    vendor: Vendor,
    status: u16,
    body: Value,
    mut headers: Vec<(String, String)>,
) -> Answer {
    let mut answer = rules(vendor).success_answer(status, body);
    headers.append(&mut answer.headers);
    answer.headers = headers;
    answer.into()
}
