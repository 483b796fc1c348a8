//! What a generated client tells the runtime about its API: the `PROTOCOL`
//! constant's types (vendor, style, signing, operations, parameters, job
//! models), and the conversions generic callers use to call by name.

use crate::{CloudError, ErrorKind};

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
    /// The kebab-case command name, e.g. `get-task-status`.
    pub command: &'static str,
    /// The HTTP method, upper-case.
    pub method: &'static str,
    /// The path as the spec writes it (`/GetTaskStatus` for RPC APIs).
    pub path: &'static str,
    /// The vendor action of an RPC operation.
    pub action: Option<&'static str>,
    /// The error codes its documentation lists.
    pub error_codes: &'static [ErrorCode],
    /// One line on what it does.
    pub summary: &'static str,
    /// Its parameters, body fields included.
    pub params: &'static [Param],
    /// How its answer tells a job's state, if it reports on a job.
    pub job: Option<JobModel>,
    /// Whether the call changes the vendor's state; such calls are never replayed blindly.
    pub mutates: bool,
    /// The vendor's documented limit in requests per second, which the client
    /// keeps to unless told otherwise ([`ClientConfig::rate_limit`](crate::ClientConfig::rate_limit)).
    pub rate_limit: Option<u32>,
    /// The jobs it starts and how they are followed, if it starts any.
    pub start: Option<StartModel>,
    /// How it pages, if it is a paginated list.
    pub list: Option<ListModel>,
    /// The spec's example of its success answer, as JSON text.
    pub example: Option<&'static str>,
    /// Whether it takes a JSON request body (given whole as `@body`, or by
    /// its fields' parameters when it is an object).
    pub body: bool,
}

/// How an operation's answer tells a job's state, in the API's own words
/// (the spec's `x-cloudjobs-job`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct JobModel {
    /// The request parameter that names the job.
    pub id_param: Option<&'static str>,
    /// JSON pointer to the job id in the answer.
    pub id_field: Option<&'static str>,
    /// JSON pointer to the state in the answer, or `http-status`.
    pub status: &'static str,
    /// Values (or HTTP statuses) meaning "still running".
    pub running: &'static [&'static str],
    /// Values meaning "succeeded".
    pub succeeded: &'static [&'static str],
    /// Values meaning "failed".
    pub failed: &'static [&'static str],
    /// JSON pointer to the failure reason.
    pub reason: Option<&'static str>,
    /// JSON pointer to a field whose non-empty presence means failure.
    pub failure_field: Option<&'static str>,
    /// Values meaning "ended with partial success".
    pub partial: &'static [&'static str],
    /// JSON pointer to a field whose non-empty value turns success into partial success.
    pub partial_field: Option<&'static str>,
}

/// The jobs an operation starts, and how each is followed (the spec's `x-cloudjobs-start`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StartModel {
    /// The operation id of the status operation that follows each job.
    pub follow: &'static str,
    /// JSON pointer to the job id in the answer; `*` steps into every element of an array.
    pub ids: Option<&'static str>,
    /// The response header whose URL's last path segment is the job id.
    pub ids_from_header: Option<&'static str>,
    /// Pairs of (status operation parameter, start operation parameter whose value it takes).
    pub carry: &'static [(&'static str, &'static str)],
    /// How the vendor refuses a second call while a job this one started runs.
    pub conflict: Option<Conflict>,
    /// JSON pointer to the ids of the resources the call creates (`*` steps into arrays).
    pub creates: Option<&'static str>,
    /// The parameter naming the resource the call removes.
    pub removes: Option<&'static str>,
}

/// The vendor's refusal of a start while an earlier job of the same kind
/// still runs (the spec's `x-cloudjobs-start.conflict`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Conflict {
    /// The HTTP status of the refusal.
    pub status: u16,
    /// The vendor's error code, where its error body has one.
    pub code: Option<&'static str>,
    /// The vendor's message.
    pub message: &'static str,
    /// The parameters whose equal values make two calls conflict; none: any two do.
    pub same: &'static [&'static str],
    /// Whether the conflict lasts until the resource the earlier call created
    /// is removed, rather than until its job ends.
    pub until_removed: bool,
}

/// How a list operation pages (the spec's `x-cloudjobs-list`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ListModel {
    /// JSON pointer to the page's items.
    pub items: &'static str,
    /// The request parameter that asks for the next page.
    pub next_token: &'static str,
    /// JSON pointer to the next page's token in the answer.
    pub next_token_field: &'static str,
    /// The request parameter for the page size.
    pub page_size: Option<&'static str>,
}

/// Where a parameter travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ParamLocation {
    /// In the query string.
    Query,
    /// In the path.
    Path,
    /// In a header.
    Header,
    /// As a field of the JSON body.
    Body,
}

/// The JSON type of a parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ParamKind {
    /// A string.
    String,
    /// An integer.
    Integer,
    /// A number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// A JSON array, given as JSON text.
    Array,
    /// A JSON object, given as JSON text.
    Object,
}

/// One parameter of an operation, for generic callers such as the `cloudjobs` command.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Param {
    /// The name in the spec, e.g. `DirectoryId`.
    pub name: &'static str,
    /// The kebab-case flag name, e.g. `directory-id`.
    pub flag: &'static str,
    /// Where it travels.
    pub location: ParamLocation,
    /// Its JSON type.
    pub kind: ParamKind,
    /// Whether the call needs it.
    pub required: bool,
    /// The spec's description.
    pub description: &'static str,
    /// Whether its value is JSON text that travels flattened into
    /// `Name.1`, `Name.Key` query parameters, as Alibaba's SDK sends arrays
    /// and objects (`x-cloudjobs-encoding: flat`).
    pub flat: bool,
    /// The spec's example value, as a command line gives it.
    pub example: Option<&'static str>,
}

impl Param {
    /// Converts a command-line value to the parameter's JSON type.
    pub fn json_value(&self, text: &str) -> Result<serde_json::Value, CloudError> {
        let invalid = |what: &str| {
            CloudError::new(
                ErrorKind::InvalidRequest,
                format!("--{} expects {what}, not {text:?}", self.flag),
            )
        };
        Ok(match self.kind {
            ParamKind::String => serde_json::Value::String(text.to_owned()),
            ParamKind::Integer => text.parse::<i64>().map_err(|_| invalid("an integer"))?.into(),
            ParamKind::Number => text.parse::<f64>().map_err(|_| invalid("a number"))?.into(),
            ParamKind::Boolean => text.parse::<bool>().map_err(|_| invalid("true or false"))?.into(),
            ParamKind::Array => match serde_json::from_str(text) {
                Ok(value @ serde_json::Value::Array(_)) => value,
                _ => return Err(invalid("a JSON array, such as [\"a\", \"b\"]")),
            },
            ParamKind::Object => match serde_json::from_str(text) {
                Ok(value @ serde_json::Value::Object(_)) => value,
                _ => return Err(invalid("a JSON object, such as {\"Name\": \"value\"}")),
            },
        })
    }
}

/// The name of the argument that gives a call's whole JSON body (`--body`).
pub const WHOLE_BODY: &str = "@body";

/// Converts one command-line value for a typed builder setter.
pub fn parse_arg<T>(param: &Param, text: &str) -> Result<T, CloudError>
where
    T: serde::de::DeserializeOwned,
{
    serde_json::from_value(param.json_value(text)?)
        .map_err(|e| CloudError::new(ErrorKind::InvalidRequest, format!("--{}: {e}", param.flag)))
}

/// The JSON body of an operation from its body parameters' values.
///
/// The argument named [`WHOLE_BODY`], if given, is the whole body as JSON
/// text, whose fields the named arguments then override.
pub fn body_from_args<T>(
    params: &[Param],
    args: &std::collections::BTreeMap<String, String>,
) -> Result<T, CloudError>
where
    T: serde::de::DeserializeOwned,
{
    let mut body = match args.get(WHOLE_BODY).map(|text| serde_json::from_str(text)) {
        None => serde_json::Map::new(),
        Some(Ok(serde_json::Value::Object(fields))) => fields,
        // A body that is not an object (Oracle's list of users) has no named fields to merge.
        Some(Ok(whole)) => {
            return serde_json::from_value(whole)
                .map_err(|e| CloudError::new(ErrorKind::InvalidRequest, format!("request body: {e}")));
        }
        Some(Err(e)) => {
            return Err(CloudError::new(
                ErrorKind::InvalidRequest,
                format!("the request body is not JSON: {e}"),
            ));
        }
    };
    for param in params.iter().filter(|p| p.location == ParamLocation::Body) {
        if let Some(text) = args.get(param.name) {
            body.insert(param.name.to_owned(), param.json_value(text)?);
        }
    }
    serde_json::from_value(serde_json::Value::Object(body))
        .map_err(|e| CloudError::new(ErrorKind::InvalidRequest, format!("request body: {e}")))
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
    /// The path prefix that a bearer token replaces with `bearer_path_prefix`.
    pub basic_path_prefix: Option<&'static str>,
    /// The path prefix of the bearer-token twin of a Basic-auth API.
    pub bearer_path_prefix: Option<&'static str>,
    /// Every operation of the API.
    pub operations: &'static [Operation],
}

#[cfg(test)]
impl Protocol {
    /// A protocol for unit tests: `vendor`'s error envelope, no endpoint,
    /// region, path prefix or operation; a test sets what it needs on top.
    pub(crate) const fn for_tests(
        vendor: Vendor,
        service: &'static str,
        api_version: &'static str,
        style: Style,
        signing: Signing,
    ) -> Self {
        Self {
            vendor,
            service,
            api_version,
            style,
            signing,
            error_envelope: vendor,
            endpoint: None,
            regional_endpoint: None,
            default_region: None,
            basic_path_prefix: None,
            bearer_path_prefix: None,
            operations: &[],
        }
    }
}

impl Protocol {
    /// The operation named `operation_id`, if this API has it.
    pub fn operation(&self, operation_id: &str) -> Option<&'static Operation> {
        self.operations.iter().find(|op| op.operation_id == operation_id)
    }

    /// The operation named `operation_id`, or the error a call by name gets
    /// for an operation the API lacks.
    pub fn require(&self, operation_id: &str) -> Result<&'static Operation, CloudError> {
        self.operation(operation_id).ok_or_else(|| {
            CloudError::new(ErrorKind::InvalidRequest, format!("this API has no operation {operation_id}"))
        })
    }

    /// The operation named `name` either as the spec does (`GetTaskStatus`)
    /// or as progenitor's `OperationInfo` does (`get_task_status`).
    pub fn operation_named(&self, name: &str) -> Option<&'static Operation> {
        // Every call looks its operation up by progenitor's name, twice: the
        // two spellings are compared byte by byte, not as copies. Operation
        // ids are ASCII: the generator refuses a spec whose operationId is not
        // ASCII letters and digits.
        fn plain(text: &str) -> impl Iterator<Item = u8> + '_ {
            text.bytes().filter(|b| *b != b'_').map(|b| b.to_ascii_lowercase())
        }
        self.operation(name)
            .or_else(|| self.operations.iter().find(|op| plain(op.operation_id).eq(plain(name))))
    }
}

/// Matches a request path against a path template such as
/// `/cloudapi/restapi/user/status/{jobId}`, returning its decoded parameters.
pub fn match_path(template: &str, path: &str) -> Option<std::collections::BTreeMap<String, String>> {
    let (want, got): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
    if want.len() != got.len() {
        return None;
    }
    let mut args = std::collections::BTreeMap::new();
    for (want, got) in want.iter().zip(&got) {
        match want.strip_prefix('{').and_then(|w| w.strip_suffix('}')) {
            Some(name) if !got.is_empty() => {
                let value = percent_encoding::percent_decode_str(got).decode_utf8_lossy().into_owned();
                args.insert(name.to_owned(), value);
            }
            Some(_) => return None,
            None if want != got => return None,
            None => {}
        }
    }
    Some(args)
}
