//! The hand-written runtime shared by every cloudjobs client crate.
//!
//! Generated code describes each API with a [`Protocol`] constant, read from
//! the spec's `x-cloudjobs` extensions, and hands every request to
//! [`hooks::prepare_request`] before it is sent. Vendor behaviour (signing,
//! credentials, error envelopes) grows here, once for all crates.

#![warn(missing_docs)]

pub mod hooks;

/// A vendor the runtime knows how to talk to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Vendor {
    /// Alibaba Cloud.
    Alibaba,
    /// Tencent Cloud.
    Tencent,
    /// Huawei Cloud.
    Huawei,
    /// Oracle.
    Oracle,
}

/// How an API names the operation being called.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Style {
    /// Every call goes to `/`; the action travels in a header. Specs model each
    /// action as the synthetic path `/<Action>`, which the runtime rewrites.
    Rpc,
    /// The path and method name the operation.
    Rest,
}

/// A signing scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Signing {
    /// Alibaba Cloud ACS3-HMAC-SHA256.
    Acs3HmacSha256,
    /// Tencent Cloud TC3-HMAC-SHA256.
    Tc3HmacSha256,
    /// Huawei Cloud SDK-HMAC-SHA256.
    SdkHmacSha256,
    /// HTTP Basic, or a bearer token where the API has a bearer twin.
    HttpBasic,
}

/// A documented vendor error code of one operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ErrorCode {
    /// The code as the vendor sends it.
    pub code: &'static str,
    /// The vendor's description.
    pub description: &'static str,
}

/// One operation of an API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Operation {
    /// The vendor's operation name, e.g. `GetTaskStatus`.
    pub operation_id: &'static str,
    /// The HTTP method, upper-case.
    pub method: &'static str,
    /// The path as the spec writes it (`/GetTaskStatus` for RPC APIs).
    pub path: &'static str,
    /// The vendor action of an RPC operation.
    pub action: Option<&'static str>,
    /// The error codes its documentation lists.
    pub error_codes: &'static [ErrorCode],
}

/// Everything the runtime needs to know about one API, generated from its spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Protocol {
    /// Whose API this is.
    pub vendor: Vendor,
    /// The vendor's service name.
    pub service: &'static str,
    /// The API version sent with every request.
    pub api_version: &'static str,
    /// RPC or REST.
    pub style: Style,
    /// The signing scheme.
    pub signing: Signing,
    /// Which vendor's error body the API returns.
    pub error_envelope: Vendor,
    /// The endpoint; `{region}` stands for the region.
    pub endpoint: Option<&'static str>,
    /// A region-specific endpoint beside a global one.
    pub regional_endpoint: Option<&'static str>,
    /// The region used when the caller names none.
    pub default_region: Option<&'static str>,
    /// The path prefix of the bearer-token twin of a Basic-auth API.
    pub bearer_path_prefix: Option<&'static str>,
    /// Every operation of the API.
    pub operations: &'static [Operation],
}

impl Protocol {
    /// The operation named `operation_id`, if this API has it.
    pub fn operation(&self, operation_id: &str) -> Option<&'static Operation> {
        self.operations.iter().find(|op| op.operation_id == operation_id)
    }
}

/// Per-client settings that generated clients carry for the runtime. Empty for
/// now: credentials and endpoints arrive with request signing.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct ClientConfig {}
