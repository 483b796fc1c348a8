//! The `x-cloudjobs` extensions: the protocol facts a spec carries for the runtime.

use serde::{Deserialize, Serialize};

/// Root-level `x-cloudjobs`: how every operation of this API travels.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ApiProtocol {
    /// Whose API this is; selects credentials, endpoints and error handling.
    pub vendor: Vendor,
    /// The vendor's service name (Tencent signs with it; Alibaba names the product).
    pub service: String,
    /// The API version the vendor expects on every request.
    pub api_version: String,
    /// RPC (action named in a header, every call to `/`) or REST.
    pub style: Style,
    /// The signing scheme.
    pub signing: Signing,
    /// Which vendor's error body the API returns.
    pub error_envelope: Vendor,
    /// The endpoint URL; `{region}` stands for the region where the host depends on it.
    #[serde(default)]
    pub endpoint: Option<String>,
    /// A region-specific endpoint template beside a global `endpoint` (Tencent).
    #[serde(default)]
    pub regional_endpoint: Option<String>,
    /// The region used when the caller names none and `endpoint` needs one.
    #[serde(default)]
    pub default_region: Option<String>,
    /// The path prefix that bearer-token requests replace (Oracle's Basic-auth paths).
    #[serde(default)]
    pub basic_path_prefix: Option<String>,
    /// What replaces `basic-path-prefix` for bearer-token requests (Oracle's
    /// OAuth twin of its Basic-auth API).
    #[serde(default)]
    pub bearer_path_prefix: Option<String>,
}

/// A vendor the runtime knows how to talk to.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
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
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Style {
    /// The action travels in a header or query; the spec's path is `/<Action>`.
    Rpc,
    /// The path and method name the operation.
    Rest,
}

/// A signing scheme the runtime implements.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub enum Signing {
    /// Alibaba Cloud V3 signatures.
    #[serde(rename = "ACS3-HMAC-SHA256")]
    Acs3HmacSha256,
    /// Tencent Cloud API 3.0 signatures.
    #[serde(rename = "TC3-HMAC-SHA256")]
    Tc3HmacSha256,
    /// Huawei Cloud AK/SK signatures.
    #[serde(rename = "SDK-HMAC-SHA256")]
    SdkHmacSha256,
    /// HTTP Basic, or a bearer token where `bearer-path-prefix` allows it.
    #[serde(rename = "HTTP-BASIC")]
    HttpBasic,
}

/// One documented vendor error code, from `x-cloudjobs-error-codes`.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ErrorCode {
    /// The code as the vendor sends it.
    pub code: String,
    /// The vendor's description.
    pub description: String,
}

/// `x-cloudjobs-job`: how an operation's answer tells a job's state, in the
/// API's own vocabulary. Waiters read it to decide when a job is done; the
/// emulator reads it to play a job's life.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct JobModel {
    /// The request parameter that names the job, if any.
    #[serde(default)]
    pub id_param: Option<String>,
    /// JSON pointer to the job id in the answer.
    #[serde(default)]
    pub id_field: Option<String>,
    /// JSON pointer to the state in the answer, or `http-status`.
    pub status: String,
    /// Values (or HTTP statuses) that mean the job is still running.
    pub running: Vec<String>,
    /// Values that mean it succeeded.
    pub succeeded: Vec<String>,
    /// Values that mean it failed.
    #[serde(default)]
    pub failed: Vec<String>,
    /// JSON pointer to the failure reason.
    #[serde(default)]
    pub reason: Option<String>,
    /// JSON pointer to a field whose presence (non-empty) turns success into failure.
    #[serde(default)]
    pub failure_field: Option<String>,
    /// Values that mean it ended with partial success.
    #[serde(default)]
    pub partial: Vec<String>,
    /// JSON pointer to a field whose non-empty value turns success into partial success.
    #[serde(default)]
    pub partial_field: Option<String>,
}

/// `x-cloudjobs-start`: the jobs an operation starts, and how they are followed.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct StartModel {
    /// The operationId of the status operation that follows each job.
    pub follow: String,
    /// JSON pointer to the job id in the answer; `*` steps into every element of an array.
    #[serde(default)]
    pub ids: Option<String>,
    /// The response header whose URL's last path segment is the job id.
    #[serde(default)]
    pub ids_from_header: Option<String>,
    /// Status operation parameter → start operation parameter whose value it takes.
    #[serde(default)]
    pub carry: std::collections::BTreeMap<String, String>,
    /// How the vendor refuses a second call while a job it started still runs.
    #[serde(default)]
    pub conflict: Option<Conflict>,
    /// JSON pointer to the ids of the resources the call creates (`*` steps into arrays).
    #[serde(default)]
    pub creates: Option<String>,
    /// The parameter naming the resource the call removes.
    #[serde(default)]
    pub removes: Option<String>,
}

/// The vendor's refusal of a start while an earlier job of the same kind runs.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Conflict {
    /// The HTTP status of the refusal.
    pub status: u16,
    /// The vendor's error code, where its error body has one.
    #[serde(default)]
    pub code: Option<String>,
    /// The vendor's message.
    pub message: String,
    /// The parameters whose equal values make two calls conflict; none: any two do.
    #[serde(default)]
    pub same: Vec<String>,
    /// How long the conflict lasts: `ended` (until the job ends, the default)
    /// or `removed` (until the resource the call created is removed).
    #[serde(default)]
    pub until: Option<String>,
}

/// `x-cloudjobs-list`: how a list operation pages.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ListModel {
    /// JSON pointer to the page's items.
    pub items: String,
    /// The request parameter that asks for the next page.
    pub next_token: String,
    /// JSON pointer to the next page's token in the answer.
    pub next_token_field: String,
    /// The request parameter for the page size.
    #[serde(default)]
    pub page_size: Option<String>,
}
