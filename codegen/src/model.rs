//! The checked model of a spec: its operations, parameters and protocol as the
//! generator, the diff and the runtime registry read them. It is read from the
//! JSON document; `check` hands it out only when every rule holds.

use serde_json::Value;

use crate::error::{Problems, SpecError, SpecPath};
use crate::extensions::{ApiProtocol, ErrorCode, JobModel, ListModel, StartModel, Style};
use crate::read::{METHODS, deref, entries, items, resolve_pointer, typed};

/// One operation of a checked spec, as the runtime and the generator need it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedOperation {
    /// The vendor's operation name, e.g. `GetTaskStatus`.
    pub operation_id: String,
    /// The HTTP method, upper-case.
    pub method: String,
    /// The spec's path key.
    pub path: String,
    /// The vendor action for RPC APIs (`x-cloudjobs-action`).
    pub action: Option<String>,
    /// Documented error codes (`x-cloudjobs-error-codes`).
    pub error_codes: Vec<ErrorCode>,
    /// The summary, or failing that the description.
    pub summary: String,
    /// Parameters, then the fields of the JSON body.
    pub params: Vec<CheckedParam>,
    /// The component name of the JSON body schema, if there is a body.
    pub body_schema: Option<String>,
    /// How the answer tells the job's state (`x-cloudjobs-job`).
    pub job: Option<JobModel>,
    /// Whether the call changes the vendor's state (`x-cloudjobs-mutates`).
    pub mutates: bool,
    /// The vendor's documented limit in requests per second (`x-cloudjobs-rate-limit`).
    pub rate_limit: Option<std::num::NonZeroU32>,
    /// The jobs it starts and how they are followed (`x-cloudjobs-start`).
    pub start: Option<StartModel>,
    /// How it pages (`x-cloudjobs-list`).
    pub list: Option<ListModel>,
    /// The example of the first success response, as compact JSON.
    pub example: Option<String>,
    /// The component name of the success body schema.
    pub response_schema: Option<String>,
    /// Whether the success body is a file (text or bytes) rather than JSON.
    pub file_response: bool,
}

/// Where a parameter of a checked operation travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    /// Query string.
    Query,
    /// Path.
    Path,
    /// Header.
    Header,
    /// A field of the JSON body.
    Body,
}

/// One parameter or body field of a checked operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedParam {
    /// The name in the spec.
    pub name: String,
    /// Where it travels.
    pub location: Location,
    /// Whether the call needs it.
    pub required: bool,
    /// Its description.
    pub description: String,
    /// Its schema (`$ref`s left as they are).
    pub schema: Value,
    /// The JSON type of its values once a `$ref` is followed (`string`,
    /// `integer`, `number`, `boolean`, `array`, `object`), or `None` when the
    /// schema names none (`oneOf`, any value).
    pub value_type: Option<String>,
    /// Whether its JSON text travels flattened (`x-cloudjobs-encoding: flat`).
    pub flat: bool,
    /// The spec's example value as a command line gives it (a string as
    /// it is, anything else as JSON), for help text.
    pub example: Option<String>,
}

/// A parameter's example as command-line text: the parameter's own, else its schema's.
fn example_text(document: &Value, described: &Value, schema: Option<&Value>) -> Option<String> {
    let example = described
        .get("example")
        .or_else(|| schema.map(|s| deref(document, s)).and_then(|s| s.get("example")))?;
    Some(match example {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    })
}

/// The JSON type a schema's values have, following one `$ref`.
fn value_type(document: &Value, schema: &Value) -> Option<String> {
    let schema = deref(document, schema);
    let declared = schema.get("type").and_then(Value::as_str).map(str::to_owned);
    declared.or_else(|| schema.get("properties").map(|_| "object".to_owned()))
}

/// A spec that passed every check, parsed.
#[derive(Clone, Debug)]
pub struct CheckedSpec {
    /// The spec as progenitor reads it.
    pub openapi: openapiv3::OpenAPI,
    /// The spec as plain JSON, for reading extensions and examples.
    pub document: Value,
    /// The root `x-cloudjobs` extension.
    pub protocol: ApiProtocol,
    /// Every operation, in path order.
    pub operations: Vec<CheckedOperation>,
}

/// Reads the model from a document whose root passed the rules. The only
/// failures are extensions that do not have their declared shape, reported at
/// the first such key in document order; every other problem is left to the rules.
pub(crate) fn build(
    document: Value,
    protocol: ApiProtocol,
    problems: &Problems,
) -> Result<CheckedSpec, SpecError> {
    let openapi = crate::read::openapi_document(&document, problems)?;
    let mut operations = Vec::new();
    for (path_key, item) in entries(document.get("paths")) {
        for method in METHODS.into_iter().filter(|method| item.get(*method).is_some()) {
            if let Some(operation) =
                read_operation(&document, protocol.style, path_key, item, method, problems)?
            {
                operations.push(operation);
            }
        }
    }
    Ok(CheckedSpec { openapi, document, protocol, operations })
}

/// One operation of the model; `None` for one without an `operationId`, which
/// the rules report and which there is nothing to model of.
fn read_operation(
    document: &Value,
    style: Style,
    path_key: &str,
    item: &Value,
    method: &str,
    problems: &Problems,
) -> Result<Option<CheckedOperation>, SpecError> {
    let operation = &item[method];
    let Some(operation_id) = operation.get("operationId").and_then(Value::as_str) else { return Ok(None) };
    let at = SpecPath::root().key("paths").key(path_key).key(method);
    // A REST operation is named by its path; the rules reject an action there.
    let action = match style {
        Style::Rpc => operation.get("x-cloudjobs-action").and_then(Value::as_str).map(str::to_owned),
        Style::Rest => None,
    };
    let error_codes: Vec<ErrorCode> = match operation.get("x-cloudjobs-error-codes") {
        Some(codes) => typed(codes, &at.key("x-cloudjobs-error-codes"), problems, "error code list")?,
        None => Vec::new(),
    };
    let (params, body_schema) = collect_params(document, item, operation);
    let job: Option<JobModel> = match operation.get("x-cloudjobs-job") {
        Some(job) => Some(typed(job, &at.key("x-cloudjobs-job"), problems, "x-cloudjobs-job extension")?),
        None => None,
    };
    let mutates: bool = match operation.get("x-cloudjobs-mutates") {
        Some(flag) => typed(flag, &at.key("x-cloudjobs-mutates"), problems, "boolean")?,
        None => false,
    };
    let rate_limit: Option<std::num::NonZeroU32> = match operation.get("x-cloudjobs-rate-limit") {
        Some(limit) => {
            Some(typed(limit, &at.key("x-cloudjobs-rate-limit"), problems, "requests per second")?)
        }
        None => None,
    };
    let start: Option<StartModel> = match operation.get("x-cloudjobs-start") {
        Some(start) => {
            Some(typed(start, &at.key("x-cloudjobs-start"), problems, "x-cloudjobs-start extension")?)
        }
        None => None,
    };
    let list: Option<ListModel> = match operation.get("x-cloudjobs-list") {
        Some(list) => Some(typed(list, &at.key("x-cloudjobs-list"), problems, "x-cloudjobs-list extension")?),
        None => None,
    };
    let success_bodies = || {
        entries(operation.get("responses"))
            .filter(|(code, _)| is_success(code))
            .map(|(_, response)| deref(document, response))
    };
    let response_schema = success_bodies()
        .find_map(|response| {
            response.pointer("/content/application~1json/schema/$ref").and_then(Value::as_str)
        })
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .map(str::to_owned);
    let file_response = success_bodies().any(|response| {
        response.pointer("/content/text~1plain").is_some()
            || response.pointer("/content/application~1octet-stream").is_some()
    });
    // A file's example (Oracle's job log) is its text, kept as one JSON string.
    let example = success_bodies()
        .find_map(|response| {
            response
                .pointer("/content/application~1json/example")
                .or_else(|| response.pointer("/content/text~1plain/example"))
        })
        .map(|example| example.to_string());
    let text = |key: &str| operation.get(key).and_then(Value::as_str).map(str::to_owned);
    Ok(Some(CheckedOperation {
        operation_id: operation_id.to_owned(),
        method: method.to_uppercase(),
        path: path_key.to_owned(),
        action,
        error_codes,
        summary: text("summary").or_else(|| text("description")).unwrap_or_default(),
        params,
        body_schema,
        job,
        mutates,
        rate_limit,
        start,
        list,
        example,
        response_schema,
        file_response,
    }))
}

/// Whether a response key (`200`, `2XX`, `404`) is a success.
pub(crate) fn is_success(code: &str) -> bool {
    code.starts_with('2')
}

/// The parameters of an operation (path-level first) and the fields of its JSON
/// body, which generic callers such as the `cloudjobs` command set by name.
fn collect_params(document: &Value, item: &Value, operation: &Value) -> (Vec<CheckedParam>, Option<String>) {
    let mut params = Vec::new();
    for (_, parameter) in items(item.get("parameters")).chain(items(operation.get("parameters"))) {
        let parameter = deref(document, parameter);
        let location = match parameter.get("in").and_then(Value::as_str) {
            Some("query") => Location::Query,
            Some("path") => Location::Path,
            Some("header") => Location::Header,
            _ => continue,
        };
        params.push(CheckedParam {
            name: parameter.get("name").and_then(Value::as_str).unwrap_or_default().to_owned(),
            location,
            required: parameter.get("required") == Some(&Value::Bool(true)),
            description: parameter.get("description").and_then(Value::as_str).unwrap_or_default().to_owned(),
            schema: parameter.get("schema").cloned().unwrap_or(Value::Null),
            value_type: parameter.get("schema").and_then(|schema| value_type(document, schema)),
            flat: parameter.get("x-cloudjobs-encoding").and_then(Value::as_str) == Some("flat"),
            example: example_text(document, parameter, parameter.get("schema")),
        });
    }
    let body_ref = operation
        .pointer("/requestBody/content/application~1json/schema/$ref")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let body_schema = body_ref.as_deref().and_then(|r| resolve_pointer(document, r));
    if let Some(schema) = body_schema {
        let required: Vec<&str> =
            items(schema.get("required")).filter_map(|(_, name)| name.as_str()).collect();
        for (name, property) in entries(schema.get("properties")) {
            let described = deref(document, property);
            params.push(CheckedParam {
                name: name.clone(),
                location: Location::Body,
                required: required.contains(&name.as_str()),
                description: described
                    .get("description")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                schema: property.clone(),
                value_type: value_type(document, property),
                flat: false,
                example: example_text(document, described, None),
            });
        }
    }
    let body_name = body_ref.and_then(|r| r.strip_prefix("#/components/schemas/").map(str::to_owned));
    (params, body_name)
}
