//! Checks a spec before progenitor sees it, so that every mistake gets a located
//! message instead of a generator panic or a silently wrong client.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::error::{Problems, Segment, SpecError, SpecPath};
use crate::extensions::{ApiProtocol, ErrorCode, JobModel, Signing, Style, Vendor};

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
    /// The example of the first success response, as compact JSON.
    pub example: Option<String>,
    /// The component name of the success body schema.
    pub response_schema: Option<String>,
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

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

const ROOT_KEYS: &[&str] =
    &["openapi", "info", "servers", "paths", "components", "security", "tags", "externalDocs"];
const PATH_ITEM_KEYS: &[&str] = &[
    "summary",
    "description",
    "get",
    "put",
    "post",
    "delete",
    "options",
    "head",
    "patch",
    "trace",
    "servers",
    "parameters",
    "$ref",
];
const OPERATION_KEYS: &[&str] = &[
    "tags",
    "summary",
    "description",
    "externalDocs",
    "operationId",
    "parameters",
    "requestBody",
    "responses",
    "callbacks",
    "deprecated",
    "security",
    "servers",
];
const PARAMETER_KEYS: &[&str] = &[
    "name",
    "in",
    "description",
    "required",
    "deprecated",
    "allowEmptyValue",
    "style",
    "explode",
    "allowReserved",
    "schema",
    "example",
    "examples",
    "content",
    "$ref",
];
const RESPONSE_KEYS: &[&str] = &["description", "headers", "content", "links", "$ref"];
const MEDIA_TYPE_KEYS: &[&str] = &["schema", "example", "examples", "encoding"];
const SCHEMA_KEYS: &[&str] = &[
    "title",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxProperties",
    "minProperties",
    "required",
    "enum",
    "type",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "items",
    "properties",
    "additionalProperties",
    "description",
    "format",
    "default",
    "nullable",
    "discriminator",
    "readOnly",
    "writeOnly",
    "xml",
    "externalDocs",
    "example",
    "deprecated",
    "$ref",
];

/// Parses YAML text into JSON, keeping the parser's line number on failure.
pub(crate) fn parse_yaml(file: &str, text: &str) -> Result<Value, SpecError> {
    let yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| SpecError {
        file: file.to_owned(),
        line: e.location().map(|l| l.line()),
        path: SpecPath::root(),
        message: format!("not valid YAML: {e}"),
    })?;
    let problems = Problems::new(file, text);
    yaml_to_json(&yaml, &SpecPath::root(), &problems)
}

fn yaml_to_json(value: &serde_yaml::Value, path: &SpecPath, p: &Problems) -> Result<Value, SpecError> {
    use serde_yaml::Value as Y;
    Ok(match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(*b),
        Y::Number(n) => {
            serde_json::to_value(n).map_err(|e| p.error(path, format!("unusable number: {e}")))?
        }
        Y::String(s) => Value::String(s.clone()),
        Y::Sequence(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| yaml_to_json(item, &path.index(i), p))
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(map) => {
            let mut out = serde_json::Map::new();
            for (key, item) in map {
                // YAML allows `200:` as a number key; OpenAPI means the string "200".
                let key = match key {
                    Y::String(s) => s.clone(),
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    other => return Err(p.error(path, format!("mapping key {other:?} is not a string"))),
                };
                let converted = yaml_to_json(item, &path.key(key.clone()), p)?;
                out.insert(key, converted);
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => {
            return Err(p.error(path, format!("YAML tag {} is not allowed in a spec", tagged.tag)));
        }
    })
}

fn path_from_serde(path: &serde_path_to_error::Path) -> SpecPath {
    let mut out = SpecPath::root();
    for segment in path.iter() {
        match segment {
            serde_path_to_error::Segment::Seq { index } => out.0.push(Segment::Index(*index)),
            serde_path_to_error::Segment::Map { key } => out.0.push(Segment::Key(key.clone())),
            serde_path_to_error::Segment::Enum { variant } => out.0.push(Segment::Key(variant.clone())),
            serde_path_to_error::Segment::Unknown => {}
        }
    }
    out
}

/// Deserializes `value` into `T`, reporting a failure at the exact key inside `base`.
fn typed<T: serde::de::DeserializeOwned>(
    value: &Value,
    base: &SpecPath,
    problems: &Problems,
    what: &str,
) -> Result<T, SpecError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let mut path = base.clone();
        path.0.extend(path_from_serde(e.path()).0);
        problems.error(&path, format!("not a valid {what}: {}", e.inner()))
    })
}

/// Runs every check on the text of one spec.
pub fn check(file: &str, text: &str) -> Result<CheckedSpec, SpecError> {
    let document = parse_yaml(file, text)?;
    let mut problems = Problems::new(file, text);
    let root = SpecPath::root();

    let Some(root_map) = document.as_object() else {
        return Err(problems.error(&root, "the document must be a mapping"));
    };
    match root_map.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0.") => {}
        Some(v) => {
            return Err(problems.error(
                &root.key("openapi"),
                format!("OpenAPI {v} is not supported: progenitor reads OpenAPI 3.0.x; write 3.0.3"),
            ));
        }
        None => {
            return Err(problems
                .error(&root.key("openapi"), "missing `openapi: 3.0.3` (the version must be a string)"));
        }
    }
    let Some(x_cloudjobs) = root_map.get("x-cloudjobs") else {
        return Err(problems.error(
            &root,
            "missing the `x-cloudjobs` extension that tells the runtime how this API travels",
        ));
    };
    let protocol: ApiProtocol =
        typed(x_cloudjobs, &root.key("x-cloudjobs"), &problems, "x-cloudjobs extension")?;
    let openapi: openapiv3::OpenAPI = typed(&document, &root, &problems, "OpenAPI 3.0 document")?;

    check_protocol(&protocol, &document, &mut problems);
    check_unknown_keys(&document, &mut problems);
    check_refs(&document, &document, &root, &mut problems);
    check_schemas(&document, &mut problems);
    let operations = check_operations(&document, &protocol, &mut problems)?;
    problems.into_result()?;
    Ok(CheckedSpec { openapi, document, protocol, operations })
}

fn check_protocol(protocol: &ApiProtocol, document: &Value, problems: &mut Problems) {
    let at = SpecPath::root().key("x-cloudjobs");
    let expected_signing = match protocol.vendor {
        Vendor::Alibaba => Signing::Acs3HmacSha256,
        Vendor::Tencent => Signing::Tc3HmacSha256,
        Vendor::Huawei => Signing::SdkHmacSha256,
        Vendor::Oracle => Signing::HttpBasic,
    };
    if protocol.signing != expected_signing {
        problems.push(
            &at.key("signing"),
            format!(
                "vendor {:?} signs with {expected_signing:?}, not {:?}",
                protocol.vendor, protocol.signing
            ),
        );
    }
    if protocol.endpoint.is_none() && protocol.vendor != Vendor::Oracle {
        problems.push(&at, "`endpoint` is required: only Oracle's APIs have no shared host");
    }
    let templated = |e: &Option<String>| e.as_deref().is_some_and(|e| e.contains("{region}"));
    if templated(&protocol.endpoint) && protocol.default_region.is_none() {
        problems.push(&at.key("endpoint"), "an endpoint with `{region}` needs `default-region`");
    }
    if protocol.regional_endpoint.as_deref().is_some_and(|regional| !regional.contains("{region}")) {
        problems.push(&at.key("regional-endpoint"), "`regional-endpoint` must contain `{region}`");
    }
    for (key, value) in [("endpoint", &protocol.endpoint), ("regional-endpoint", &protocol.regional_endpoint)]
    {
        if value.as_deref().is_some_and(|v| !v.starts_with("https://")) {
            problems.push(&at.key(key), "vendor endpoints must use https://");
        }
    }
    let info_version = document.pointer("/info/version").and_then(Value::as_str);
    if info_version != Some(protocol.api_version.as_str()) {
        problems.push(
            &SpecPath::root().key("info").key("version"),
            format!("info.version must equal x-cloudjobs.api-version ({:?})", protocol.api_version),
        );
    }
}

fn suggest(key: &str, known: &[&str]) -> String {
    match known.iter().find(|k| k.eq_ignore_ascii_case(key)) {
        Some(k) => format!("unknown key `{key}` (did you mean `{k}`?)"),
        None => format!("unknown key `{key}`; extensions must start with `x-`"),
    }
}

fn unknown_keys(value: &Value, path: &SpecPath, known: &[&str], problems: &mut Problems) {
    if let Some(map) = value.as_object() {
        for key in map.keys() {
            if !key.starts_with("x-") && !known.contains(&key.as_str()) {
                problems.push(&path.key(key.clone()), suggest(key, known));
            }
        }
    }
}

fn entries(value: Option<&Value>) -> impl Iterator<Item = (&String, &Value)> {
    value.and_then(Value::as_object).into_iter().flatten()
}

fn items(value: Option<&Value>) -> impl Iterator<Item = (usize, &Value)> {
    value.and_then(Value::as_array).into_iter().flatten().enumerate()
}

/// openapiv3 drops keys it does not know, so a misspelled `operationID` would
/// silently produce an operation without an id; catch such keys here.
fn check_unknown_keys(document: &Value, problems: &mut Problems) {
    let root = SpecPath::root();
    unknown_keys(document, &root, ROOT_KEYS, problems);
    for (path_key, item) in entries(document.get("paths")) {
        let at = root.key("paths").key(path_key.clone());
        unknown_keys(item, &at, PATH_ITEM_KEYS, problems);
        for (i, parameter) in items(item.get("parameters")) {
            unknown_keys(parameter, &at.key("parameters").index(i), PARAMETER_KEYS, problems);
        }
        for method in METHODS {
            let Some(operation) = item.get(method) else { continue };
            let at = at.key(method);
            unknown_keys(operation, &at, OPERATION_KEYS, problems);
            for (i, parameter) in items(operation.get("parameters")) {
                unknown_keys(parameter, &at.key("parameters").index(i), PARAMETER_KEYS, problems);
            }
            for (code, response) in entries(operation.get("responses")) {
                let at = at.key("responses").key(code.clone());
                unknown_keys(response, &at, RESPONSE_KEYS, problems);
                for (media, body) in entries(response.get("content")) {
                    unknown_keys(body, &at.key("content").key(media.clone()), MEDIA_TYPE_KEYS, problems);
                }
            }
        }
    }
}

fn resolve_pointer<'v>(document: &'v Value, reference: &str) -> Option<&'v Value> {
    document.pointer(reference.strip_prefix('#')?)
}

fn check_refs(document: &Value, value: &Value, path: &SpecPath, problems: &mut Problems) {
    match value {
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref") {
                match reference.as_str() {
                    Some(r) if !r.starts_with("#/") => problems.push(
                        &path.key("$ref"),
                        format!("`{r}` points outside this file; specs must be self-contained"),
                    ),
                    Some(r) if resolve_pointer(document, r).is_none() => problems
                        .push(&path.key("$ref"), format!("`{r}` does not resolve to anything in this file")),
                    Some(_) => {}
                    None => problems.push(&path.key("$ref"), "`$ref` must be a string"),
                }
            }
            for (key, item) in map {
                // Examples are data, where a `$ref` key means nothing.
                if key != "example" && key != "examples" {
                    check_refs(document, item, &path.key(key.clone()), problems);
                }
            }
        }
        Value::Array(list) => {
            for (i, item) in list.iter().enumerate() {
                check_refs(document, item, &path.index(i), problems);
            }
        }
        _ => {}
    }
}

/// Every schema in the document with its location, and whether it is a named
/// component (the only place an enum may be declared).
fn schemas(document: &Value) -> Vec<(SpecPath, &Value, bool)> {
    fn walk<'v>(schema: &'v Value, path: SpecPath, named: bool, out: &mut Vec<(SpecPath, &'v Value, bool)>) {
        if !schema.is_object() {
            return;
        }
        out.push((path.clone(), schema, named));
        for (name, property) in entries(schema.get("properties")) {
            walk(property, path.key("properties").key(name.clone()), false, out);
        }
        for key in ["items", "not", "additionalProperties"] {
            if let Some(child) = schema.get(key) {
                walk(child, path.key(key), false, out);
            }
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            for (i, child) in items(schema.get(key)) {
                walk(child, path.key(key).index(i), false, out);
            }
        }
    }
    let root = SpecPath::root();
    let mut out = Vec::new();
    for (name, schema) in entries(document.pointer("/components/schemas")) {
        walk(schema, root.key("components").key("schemas").key(name.clone()), true, &mut out);
    }
    fn parameter_schemas<'v>(
        parameters: Option<&'v Value>,
        at: &SpecPath,
        out: &mut Vec<(SpecPath, &'v Value, bool)>,
    ) {
        for (i, parameter) in items(parameters) {
            if let Some(schema) = parameter.get("schema") {
                walk(schema, at.key("parameters").index(i).key("schema"), false, out);
            }
        }
    }
    for (path_key, item) in entries(document.get("paths")) {
        let at = root.key("paths").key(path_key.clone());
        parameter_schemas(item.get("parameters"), &at, &mut out);
        for method in METHODS {
            let Some(operation) = item.get(method) else { continue };
            let at = at.key(method);
            parameter_schemas(operation.get("parameters"), &at, &mut out);
            for (media, body) in entries(operation.pointer("/requestBody/content")) {
                if let Some(schema) = body.get("schema") {
                    walk(
                        schema,
                        at.key("requestBody").key("content").key(media.clone()).key("schema"),
                        false,
                        &mut out,
                    );
                }
            }
            for (code, response) in entries(operation.get("responses")) {
                let at = at.key("responses").key(code.clone());
                for (media, body) in entries(response.get("content")) {
                    if let Some(schema) = body.get("schema") {
                        walk(schema, at.key("content").key(media.clone()).key("schema"), false, &mut out);
                    }
                }
                for (name, header) in entries(response.get("headers")) {
                    if let Some(schema) = header.get("schema") {
                        walk(schema, at.key("headers").key(name.clone()).key("schema"), false, &mut out);
                    }
                }
            }
        }
    }
    out
}

fn check_schemas(document: &Value, problems: &mut Problems) {
    for (path, schema, named) in schemas(document) {
        unknown_keys(schema, &path, SCHEMA_KEYS, problems);
        let kind = schema.get("type").and_then(Value::as_str);
        if kind == Some("integer") {
            match schema.get("format").and_then(Value::as_str) {
                Some("int32" | "int64") => {}
                Some(other) => problems.push(&path.key("format"), format!("integer format `{other}` is not int32 or int64")),
                None => problems.push(
                    &path,
                    "integer without `format`: write `format: int32` or `format: int64`, or the Rust type will follow `minimum`",
                ),
            }
        }
        if let Some(values) = schema.get("enum") {
            if !named {
                problems.push(
                    &path.key("enum"),
                    "an enum must be a named schema under components/schemas, so that it can be generated as an open type",
                );
            } else if kind != Some("string")
                || !values.as_array().is_some_and(|v| v.iter().all(Value::is_string))
            {
                problems.push(&path.key("enum"), "only string enums are supported (they become open types)");
            }
        }
        if schema.get("additionalProperties") == Some(&Value::Bool(false)) {
            problems.push(
                &path.key("additionalProperties"),
                "`additionalProperties: false` makes decoding reject any field a vendor adds later",
            );
        }
    }
}

fn template_parameters(path: &str) -> Vec<String> {
    path.split('{').skip(1).filter_map(|part| part.split_once('}')).map(|(name, _)| name.to_owned()).collect()
}

/// Follows a `$ref` to the object it names; other values are returned as they are.
fn deref<'v>(document: &'v Value, value: &'v Value) -> &'v Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => resolve_pointer(document, reference).unwrap_or(value),
        None => value,
    }
}

/// The part of a response or request body that decides the Rust type: its media
/// types and schemas, without examples.
fn body_shape(document: &Value, body: &Value) -> Vec<(String, Value)> {
    entries(deref(document, body).get("content"))
        .map(|(media, content)| (media.clone(), content.get("schema").cloned().unwrap_or(Value::Null)))
        .collect()
}

fn check_operations(
    document: &Value,
    protocol: &ApiProtocol,
    problems: &mut Problems,
) -> Result<Vec<CheckedOperation>, SpecError> {
    let root = SpecPath::root();
    let mut operations = Vec::new();
    let mut seen_ids: BTreeMap<String, SpecPath> = BTreeMap::new();
    for (path_key, item) in entries(document.get("paths")) {
        let at_path = root.key("paths").key(path_key.clone());
        if !path_key.starts_with('/') {
            problems.push(&at_path, "a path must start with `/`");
        }
        let methods: Vec<&str> = METHODS.into_iter().filter(|m| item.get(*m).is_some()).collect();
        if protocol.style == Style::Rpc && methods.len() != 1 {
            problems.push(&at_path, "an RPC path `/<Action>` holds exactly one operation");
        }
        for method in methods {
            let operation = &item[method];
            let at = at_path.key(method);
            let Some(operation_id) = operation.get("operationId").and_then(Value::as_str) else {
                let near_miss = operation
                    .as_object()
                    .and_then(|map| map.keys().find(|key| key.eq_ignore_ascii_case("operationId")));
                match near_miss {
                    Some(key) => problems.push(
                        &at.key(key.clone()),
                        format!("missing `operationId` (found `{key}`; keys are case-sensitive)"),
                    ),
                    None => problems.push(&at, "missing `operationId`: use the vendor's own operation name"),
                }
                continue;
            };
            if !operation_id.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                || !operation_id.chars().all(|c| c.is_ascii_alphanumeric())
            {
                problems.push(
                    &at.key("operationId"),
                    format!(
                        "operationId `{operation_id}` must be letters and digits, starting with a letter"
                    ),
                );
            }
            if let Some(first) = seen_ids.insert(operation_id.to_owned(), at.clone()) {
                problems.push(
                    &at.key("operationId"),
                    format!("operationId `{operation_id}` is already used at {first}"),
                );
            }

            let action = operation.get("x-cloudjobs-action").map(|a| a.as_str().map(str::to_owned));
            let action = match (protocol.style, action) {
                (Style::Rpc, Some(Some(action))) => {
                    if action != operation_id {
                        problems.push(
                            &at.key("x-cloudjobs-action"),
                            format!("the action `{action}` must equal the operationId `{operation_id}`"),
                        );
                    }
                    if *path_key != format!("/{action}") {
                        problems.push(
                            &at_path,
                            format!("an RPC operation's path must be `/{action}`, its action name"),
                        );
                    }
                    Some(action)
                }
                (Style::Rpc, Some(None)) => {
                    problems.push(&at.key("x-cloudjobs-action"), "`x-cloudjobs-action` must be a string");
                    None
                }
                (Style::Rpc, None) => {
                    problems
                        .push(&at, "an RPC operation needs `x-cloudjobs-action`, the vendor's action name");
                    None
                }
                (Style::Rest, Some(_)) => {
                    problems.push(
                        &at.key("x-cloudjobs-action"),
                        "a REST operation is named by its path; remove `x-cloudjobs-action`",
                    );
                    None
                }
                (Style::Rest, None) => None,
            };
            let error_codes: Vec<ErrorCode> = match operation.get("x-cloudjobs-error-codes") {
                Some(codes) => typed(codes, &at.key("x-cloudjobs-error-codes"), problems, "error code list")?,
                None => Vec::new(),
            };

            check_path_parameters(document, path_key, item, operation, &at_path, &at, problems);
            check_bodies(document, operation, &at, problems);
            let (params, body_schema) = collect_params(document, item, operation);
            let job: Option<JobModel> = match operation.get("x-cloudjobs-job") {
                Some(job) => {
                    Some(typed(job, &at.key("x-cloudjobs-job"), problems, "x-cloudjobs-job extension")?)
                }
                None => None,
            };
            if let Some(job) = &job {
                check_job(job, &params, &at.key("x-cloudjobs-job"), problems);
            }
            let response_schema = entries(operation.get("responses"))
                .filter(|(code, _)| is_success(code))
                .find_map(|(_, response)| {
                    deref(document, response)
                        .pointer("/content/application~1json/schema/$ref")
                        .and_then(Value::as_str)
                })
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
                .map(str::to_owned);
            if job.is_some() && response_schema.is_none() {
                problems.push(
                    &at.key("responses"),
                    "an operation with `x-cloudjobs-job` needs its success body as a `$ref` to a named schema",
                );
            }
            let example = entries(operation.get("responses"))
                .filter(|(code, _)| is_success(code))
                .find_map(|(_, response)| {
                    deref(document, response).pointer("/content/application~1json/example")
                })
                .map(|example| example.to_string());
            let text = |key: &str| operation.get(key).and_then(Value::as_str).map(str::to_owned);
            operations.push(CheckedOperation {
                operation_id: operation_id.to_owned(),
                method: method.to_uppercase(),
                path: path_key.clone(),
                action,
                error_codes,
                summary: text("summary").or_else(|| text("description")).unwrap_or_default(),
                params,
                body_schema,
                job,
                example,
                response_schema,
            });
        }
    }
    if operations.is_empty() && problems.found.is_empty() {
        problems.push(&root.key("paths"), "the spec has no operations");
    }
    Ok(operations)
}

fn check_job(job: &JobModel, params: &[CheckedParam], at: &SpecPath, problems: &mut Problems) {
    let pointers =
        [("id-field", &job.id_field), ("reason", &job.reason), ("failure-field", &job.failure_field)];
    for (key, pointer) in pointers {
        if pointer.as_deref().is_some_and(|p| !p.starts_with('/')) {
            problems.push(&at.key(key), "must be a JSON pointer such as `/TaskStatus/Status`");
        }
    }
    if job.status != "http-status" && !job.status.starts_with('/') {
        problems
            .push(&at.key("status"), "must be a JSON pointer such as `/TaskStatus/Status`, or `http-status`");
    }
    if job.running.is_empty() || job.succeeded.is_empty() {
        problems.push(at, "`running` and `succeeded` must each list at least one value");
    }
    if let Some(id) = &job.id_param
        && !params.iter().any(|p| &p.name == id)
    {
        problems.push(&at.key("id-param"), format!("`{id}` is not a parameter of this operation"));
    }
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
            });
        }
    }
    let body_name = body_ref.and_then(|r| r.strip_prefix("#/components/schemas/").map(str::to_owned));
    (params, body_name)
}

fn check_path_parameters(
    document: &Value,
    path_key: &str,
    item: &Value,
    operation: &Value,
    at_path: &SpecPath,
    at: &SpecPath,
    problems: &mut Problems,
) {
    let template: BTreeSet<String> = template_parameters(path_key).into_iter().collect();
    let mut declared = BTreeSet::new();
    let declarations = items(item.get("parameters"))
        .map(|(i, p)| (at_path.key("parameters").index(i), p))
        .chain(items(operation.get("parameters")).map(|(i, p)| (at.key("parameters").index(i), p)));
    for (where_, parameter) in declarations {
        let parameter = deref(document, parameter);
        if parameter.get("in").and_then(Value::as_str) != Some("path") {
            continue;
        }
        let Some(name) = parameter.get("name").and_then(Value::as_str) else { continue };
        if !template.contains(name) {
            problems
                .push(&where_, format!("path parameter `{name}` does not appear in the path `{path_key}`"));
        }
        if parameter.get("required") != Some(&Value::Bool(true)) {
            problems.push(&where_, format!("path parameter `{name}` must have `required: true`"));
        }
        declared.insert(name.to_owned());
    }
    for name in template.difference(&declared) {
        problems.push(
            at,
            format!("the path `{path_key}` uses `{{{name}}}`, which no parameter declares with `in: path`"),
        );
    }
}

fn is_success(code: &str) -> bool {
    code.starts_with('2')
}

fn check_bodies(document: &Value, operation: &Value, at: &SpecPath, problems: &mut Problems) {
    if let Some(body) = operation.get("requestBody") {
        let shape = body_shape(document, body);
        if shape.len() > 1 {
            problems
                .push(&at.key("requestBody").key("content"), "a request body may have only one content type");
        }
        for (media, schema) in &shape {
            let at = at.key("requestBody").key("content").key(media.clone());
            let named = schema
                .get("$ref")
                .and_then(Value::as_str)
                .is_some_and(|r| r.starts_with("#/components/schemas/"));
            if media != "application/json" {
                problems.push(&at, "only application/json bodies are supported");
            } else if !named {
                problems.push(
                    &at.key("schema"),
                    "a request body must be a `$ref` to a named schema under components/schemas",
                );
            }
        }
    }
    let mut success: Option<(String, Vec<(String, Value)>)> = None;
    let mut failure: Option<(String, Vec<(String, Value)>)> = None;
    for (code, response) in entries(operation.get("responses")) {
        let where_ = at.key("responses").key(code.clone());
        let valid_code = code.len() == 3
            && code.starts_with(['1', '2', '3', '4', '5'])
            && (code[1..].chars().all(|c| c.is_ascii_digit()) || &code[1..] == "XX");
        if code == "default" {
            problems.push(
                &where_,
                "`default` responses are not supported: declare the error codes or ranges (`4XX`, `5XX`)",
            );
            continue;
        }
        if !valid_code {
            problems.push(&where_, format!("`{code}` is not an HTTP status code or range like `4XX`"));
            continue;
        }
        let shape = body_shape(document, response);
        for (media, _) in &shape {
            if media != "application/json" {
                problems.push(
                    &where_.key("content").key(media.clone()),
                    "only application/json bodies are supported",
                );
            }
        }
        let slot = if is_success(code) { &mut success } else { &mut failure };
        match slot {
            None => *slot = Some((code.clone(), shape)),
            Some((first, first_shape)) if *first_shape != shape => {
                let kind = if is_success(code) { "success" } else { "error" };
                problems.push(
                    &where_,
                    format!("every {kind} response must have the same body schema; `{code}` differs from `{first}`"),
                );
            }
            Some(_) => {}
        }
    }
    let codes: Vec<&String> = entries(operation.get("responses")).map(|(code, _)| code).collect();
    for code in &codes {
        let range = format!("{}XX", &code[..1]);
        if code.len() == 3 && !code.ends_with("XX") && codes.iter().any(|c| **c == range) {
            problems.push(
                &at.key("responses").key(code.to_string()),
                format!("`{code}` is also covered by `{range}`; declare one or the other, not both"),
            );
        }
    }
    if success.is_none() {
        problems.push(&at.key("responses"), "an operation needs at least one 2xx response");
    }
}
