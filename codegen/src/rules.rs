//! The rules a spec must keep to be generated: the allow-lists of OpenAPI keys,
//! the protocol extensions, references, schemas, paths, operations and bodies.
//! Each broken rule becomes a located problem; `check` reports the first one.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::error::{Problems, Segment, SpecError, SpecPath};
use crate::extensions::{ApiProtocol, JobModel, Signing, Style, Vendor};
use crate::model::{CheckedOperation, CheckedParam, CheckedSpec, is_success};
use crate::read::{METHODS, deref, entries, items, resolve_pointer, typed};

// The keys OpenAPI 3.0 allows in each kind of object; any other must start with `x-`.
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
// No `encoding`: it applies to multipart and form bodies, and progenitor
// stops on it (an assertion) for JSON ones.
const MEDIA_TYPE_KEYS: &[&str] = &["schema", "example", "examples"];
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

/// The rules without which nothing else can be read: a mapping, OpenAPI 3.0.x,
/// and an `x-cloudjobs` extension of the declared shape, which is returned.
pub(crate) fn check_root(document: &Value, problems: &Problems) -> Result<ApiProtocol, SpecError> {
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
    typed(x_cloudjobs, &root.key("x-cloudjobs"), problems, "x-cloudjobs extension")
}

/// Every other rule, run on the model read from the document. The passes run
/// in a fixed order because it decides which of two problems on one line is reported.
pub(crate) fn check_spec(spec: &CheckedSpec, problems: &mut Problems) {
    let document = &spec.document;
    check_protocol(&spec.protocol, document, problems);
    check_refs(document, document, &SpecPath::root(), problems);
    crate::names::check_names(document, problems);
    check_schemas(document, problems);
    check_operations(spec, problems);
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

/// The message for an unknown key: the known key it differs from in case
/// or by at most two letters, when there is one.
fn suggest(key: &str, known: &[&str]) -> String {
    let near = |k: &&&str| {
        let distance = strsim::damerau_levenshtein(&key.to_ascii_lowercase(), &k.to_ascii_lowercase());
        distance <= 2 && distance < key.len() / 2
    };
    let case_only = known.iter().find(|k| k.eq_ignore_ascii_case(key));
    match case_only.or_else(|| known.iter().find(near)) {
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

/// openapiv3 drops keys it does not know, so a misspelled `operationID` would
/// silently produce an operation without an id; catch such keys here.
pub(crate) fn check_unknown_keys(document: &Value, problems: &mut Problems) {
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
            if let Some(map) = operation.as_object() {
                for key in map
                    .keys()
                    .filter(|k| k.starts_with("x-cloudjobs") && !OPERATION_EXTENSIONS.contains(&k.as_str()))
                {
                    problems.push(
                        &at.key(key.clone()),
                        format!(
                            "unknown extension `{key}`; an operation may have {}",
                            OPERATION_EXTENSIONS.join(", ")
                        ),
                    );
                }
            }
            for (i, parameter) in items(operation.get("parameters")) {
                let at = at.key("parameters").index(i);
                unknown_keys(parameter, &at, PARAMETER_KEYS, problems);
                check_encoding(parameter, &at, problems);
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
                    Some(r) => {
                        // progenitor looks a reference up in the section its place
                        // implies, and stops (a panic) when it is not there.
                        let section = referenced_section(path);
                        if let Some(section) =
                            section.filter(|s| !r.starts_with(&format!("#/components/{s}/")))
                        {
                            problems.push(
                                &path.key("$ref"),
                                format!("`{r}` is in the wrong place: here a `$ref` must point under `#/components/{section}/`"),
                            );
                        }
                    }
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

/// The `components` section a `$ref` at `path` must point into, read from
/// where it stands: a response, a parameter, a request body, or a schema.
fn referenced_section(path: &SpecPath) -> Option<&'static str> {
    fn key(segment: Option<&Segment>) -> Option<&str> {
        match segment {
            Some(Segment::Key(key)) => Some(key.as_str()),
            _ => None,
        }
    }
    let segments = &path.0;
    let last = segments.last();
    let before_last = segments.iter().rev().nth(1);
    let under_paths = key(segments.first()) == Some("paths");
    match (key(before_last), last) {
        (Some("responses"), Some(Segment::Key(_))) if under_paths => Some("responses"),
        (Some("parameters"), Some(Segment::Index(_))) => Some("parameters"),
        (_, Some(Segment::Key(key))) if key == "requestBody" && under_paths => Some("requestBodies"),
        (_, Some(Segment::Key(key)))
            if ["schema", "items", "additionalProperties"].contains(&key.as_str()) =>
        {
            Some("schemas")
        }
        (Some("properties" | "schemas"), Some(Segment::Key(_))) => Some("schemas"),
        _ => None,
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
        // progenitor stops with `todo!` on any other type.
        if let Some(written) = schema.get("type")
            && !matches!(kind, Some("string" | "integer" | "number" | "boolean" | "array" | "object"))
        {
            problems.push(
                &path.key("type"),
                format!("`type` {written} is not one of string, integer, number, boolean, array, object"),
            );
        }
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
        // progenitor makes these chrono and uuid types, and client crates
        // depend on neither: the value stays a string without the format.
        if kind == Some("string")
            && let Some(format @ ("date" | "date-time" | "uuid")) =
                schema.get("format").and_then(Value::as_str)
        {
            problems.push(
                &path.key("format"),
                format!(
                    "string format `{format}` would need a crate client crates do not depend on; leave `format` out (the value is a string) and say it in `description`"
                ),
            );
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

/// What is wrong with a path's form, read as progenitor reads it: a leading
/// `/`, then text and `{name}` parameters, never nested or left open.
fn path_form_problem(path: &str) -> Option<&'static str> {
    if !path.starts_with('/') {
        return Some("a path must start with `/`");
    }
    let mut in_parameter = false;
    for c in path.chars() {
        match (in_parameter, c) {
            (false, '{') => in_parameter = true,
            (false, '}') => return Some("a `}` closes no `{`"),
            (true, '}') => in_parameter = false,
            (true, '{' | '/') => return Some("a `{parameter}` is not closed before the next `{` or `/`"),
            _ => {}
        }
    }
    in_parameter.then_some("a `{parameter}` is not closed")
}

fn template_parameters(path: &str) -> Vec<String> {
    path.split('{').skip(1).filter_map(|part| part.split_once('}')).map(|(name, _)| name.to_owned()).collect()
}

/// The part of a response or request body that decides the Rust type: its media
/// types and schemas, without examples.
fn body_shape(document: &Value, body: &Value) -> Vec<(String, Value)> {
    entries(deref(document, body).get("content"))
        .map(|(media, content)| (media.clone(), content.get("schema").cloned().unwrap_or(Value::Null)))
        .collect()
}

fn check_operations(spec: &CheckedSpec, problems: &mut Problems) {
    let CheckedSpec { document, protocol, operations, .. } = spec;
    let root = SpecPath::root();
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
            check_action(protocol.style, path_key, operation, operation_id, &at_path, &at, problems);
            check_path_parameters(document, path_key, item, operation, &at_path, &at, problems);
            check_bodies(document, operation, &at, problems);
            // Every operation with an id is in the model, found by its path and method.
            let modelled =
                operations.iter().find(|op| op.path == *path_key && op.method == method.to_uppercase());
            if let Some(modelled) = modelled {
                check_lifecycle(modelled, operations, &at, problems);
            }
            if let Some(modelled) = modelled
                && let Some(job) = &modelled.job
            {
                check_job(job, &modelled.params, &at.key("x-cloudjobs-job"), problems);
                if modelled.response_schema.is_none() {
                    problems.push(
                        &at.key("responses"),
                        "an operation with `x-cloudjobs-job` needs its success body as a `$ref` to a named schema",
                    );
                }
            }
        }
    }
    if operations.is_empty() && problems.found.is_empty() {
        problems.push(&root.key("paths"), "the spec has no operations");
    }
}

/// RPC operations are named by `x-cloudjobs-action`, which is also their
/// operation id and their path; REST operations are named by their path alone.
fn check_action(
    style: Style,
    path_key: &str,
    operation: &Value,
    operation_id: &str,
    at_path: &SpecPath,
    at: &SpecPath,
    problems: &mut Problems,
) {
    let action = operation.get("x-cloudjobs-action").map(Value::as_str);
    match (style, action) {
        (Style::Rpc, Some(Some(action))) => {
            if action != operation_id {
                problems.push(
                    &at.key("x-cloudjobs-action"),
                    format!("the action `{action}` must equal the operationId `{operation_id}`"),
                );
            }
            if path_key != format!("/{action}") {
                problems
                    .push(at_path, format!("an RPC operation's path must be `/{action}`, its action name"));
            }
        }
        (Style::Rpc, Some(None)) => {
            problems.push(&at.key("x-cloudjobs-action"), "`x-cloudjobs-action` must be a string");
        }
        (Style::Rpc, None) => {
            problems.push(at, "an RPC operation needs `x-cloudjobs-action`, the vendor's action name");
        }
        (Style::Rest, Some(_)) => {
            problems.push(
                &at.key("x-cloudjobs-action"),
                "a REST operation is named by its path; remove `x-cloudjobs-action`",
            );
        }
        (Style::Rest, None) => {}
    }
}

/// `x-cloudjobs-encoding: flat` marks a string query parameter whose JSON text
/// travels flattened (`Name.1`, `Name.Key`), as Alibaba's SDK sends arrays
/// and objects; it is the only encoding there is.
fn check_encoding(parameter: &Value, at: &SpecPath, problems: &mut Problems) {
    let Some(encoding) = parameter.get("x-cloudjobs-encoding") else { return };
    let at = at.key("x-cloudjobs-encoding");
    if encoding.as_str() != Some("flat") {
        problems.push(&at, "the only encoding is `flat`");
    }
    let in_query = parameter.get("in").and_then(Value::as_str) == Some("query");
    let is_text = parameter.pointer("/schema/type").and_then(Value::as_str) == Some("string");
    if !in_query || !is_text {
        problems.push(&at, "a flat parameter is a query parameter of type string, holding JSON text");
    }
}

/// The operation-level `x-cloudjobs-*` keys; any other is a misspelling.
const OPERATION_EXTENSIONS: &[&str] = &[
    "x-cloudjobs-action",
    "x-cloudjobs-error-codes",
    "x-cloudjobs-job",
    "x-cloudjobs-mutates",
    "x-cloudjobs-rate-limit",
    "x-cloudjobs-start",
    "x-cloudjobs-list",
];

/// `x-cloudjobs-start` names a status operation of this spec that reports on
/// a job, ids it can find, and parameters both operations have;
/// `x-cloudjobs-list` names parameters the operation has.
fn check_lifecycle(
    operation: &CheckedOperation,
    operations: &[CheckedOperation],
    at: &SpecPath,
    problems: &mut Problems,
) {
    let has_param = |op: &CheckedOperation, name: &str| op.params.iter().any(|p| p.name == name);
    if let Some(start) = &operation.start {
        let at = at.key("x-cloudjobs-start");
        match operations.iter().find(|op| op.operation_id == start.follow) {
            None => {
                problems.push(&at.key("follow"), format!("no operation of this spec is `{}`", start.follow))
            }
            Some(follow) => {
                match &follow.job {
                    None => problems.push(
                        &at.key("follow"),
                        format!("`{}` has no `x-cloudjobs-job`, so it cannot follow a job", start.follow),
                    ),
                    Some(job)
                        if job.id_param.is_some()
                            && start.ids.is_none()
                            && start.ids_from_header.is_none() =>
                    {
                        problems.push(
                            &at,
                            "the followed operation takes a job id: give `ids` or `ids-from-header`",
                        )
                    }
                    Some(_) => {}
                }
                for (status_param, start_param) in &start.carry {
                    if !has_param(follow, status_param) {
                        problems.push(
                            &at.key("carry").key(status_param.clone()),
                            format!("`{status_param}` is not a parameter of `{}`", start.follow),
                        );
                    }
                    if !has_param(operation, start_param) {
                        problems.push(
                            &at.key("carry").key(status_param.clone()),
                            format!("`{start_param}` is not a parameter of this operation"),
                        );
                    }
                }
            }
        }
        if let Some(conflict) = &start.conflict {
            for (i, param) in conflict.same.iter().enumerate() {
                if !has_param(operation, param) {
                    problems.push(
                        &at.key("conflict").key("same").index(i),
                        format!("`{param}` is not a parameter of this operation"),
                    );
                }
            }
            if conflict.until.as_deref().is_some_and(|until| until != "ended" && until != "removed") {
                problems.push(&at.key("conflict").key("until"), "must be `ended` or `removed`");
            }
            if conflict.until.as_deref() == Some("removed") && start.creates.is_none() {
                problems.push(
                    &at.key("conflict").key("until"),
                    "`removed` needs `creates`: what the call creates",
                );
            }
            if !(400..600).contains(&conflict.status) {
                problems.push(&at.key("conflict").key("status"), "must be an HTTP error status, 400 to 599");
            }
        }
        if let Some(param) = &start.removes
            && !has_param(operation, param)
        {
            problems.push(&at.key("removes"), format!("`{param}` is not a parameter of this operation"));
        }
        if start.creates.as_deref().is_some_and(|p| !p.starts_with('/')) {
            problems.push(&at.key("creates"), "must be a JSON pointer such as `/Tasks/*/UserProvisioningId`");
        }
        if start.ids.is_some() && start.ids_from_header.is_some() {
            problems.push(&at, "give `ids` or `ids-from-header`, not both");
        }
        if start.ids.as_deref().is_some_and(|p| !p.starts_with('/')) {
            problems.push(&at.key("ids"), "must be a JSON pointer such as `/Tasks/*/TaskId`");
        }
        if !operation.mutates {
            problems
                .push(&at, "an operation that starts jobs changes state: add `x-cloudjobs-mutates: true`");
        }
    }
    if let Some(list) = &operation.list {
        let at = at.key("x-cloudjobs-list");
        for (key, pointer) in [("items", &list.items), ("next-token-field", &list.next_token_field)] {
            if !pointer.starts_with('/') {
                problems.push(&at.key(key), "must be a JSON pointer such as `/Tasks`");
            }
        }
        for (key, param) in [("next-token", Some(&list.next_token)), ("page-size", list.page_size.as_ref())] {
            if let Some(param) = param
                && !has_param(operation, param)
            {
                problems.push(&at.key(key), format!("`{param}` is not a parameter of this operation"));
            }
        }
    }
}

fn check_job(job: &JobModel, params: &[CheckedParam], at: &SpecPath, problems: &mut Problems) {
    let pointers = [
        ("id-field", &job.id_field),
        ("reason", &job.reason),
        ("failure-field", &job.failure_field),
        ("partial-field", &job.partial_field),
    ];
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

fn check_path_parameters(
    document: &Value,
    path_key: &str,
    item: &Value,
    operation: &Value,
    at_path: &SpecPath,
    at: &SpecPath,
    problems: &mut Problems,
) {
    if let Some(problem) = path_form_problem(path_key) {
        problems.push(at_path, format!("the path `{path_key}`: {problem}"));
        return;
    }
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
        // Informational statuses (1XX) are never a call's answer, and
        // progenitor stops (a `todo!`) on a 101 among error responses.
        let valid_code = code.len() == 3
            && code.starts_with(['2', '3', '4', '5'])
            && (code[1..].chars().all(|c| c.is_ascii_digit()) || &code[1..] == "XX");
        if code == "default" {
            problems.push(
                &where_,
                "`default` responses are not supported: declare the error codes or ranges (`4XX`, `5XX`)",
            );
            continue;
        }
        if !valid_code {
            problems.push(
                &where_,
                format!("`{code}` is not an answer's HTTP status (200 to 599) or a range like `4XX`"),
            );
            continue;
        }
        let shape = body_shape(document, response);
        for (media, schema) in &shape {
            if media == "application/json" && schema.is_null() {
                // progenitor stops (a `todo!`) on a JSON answer without a schema.
                problems.push(
                    &where_.key("content").key(media.clone()).key("schema"),
                    "an application/json body needs a `schema`",
                );
            }
            // A file (Oracle's job log) may be a success's body: progenitor hands it over as bytes.
            let file = is_success(code) && (media == "text/plain" || media == "application/octet-stream");
            if media != "application/json" && !file {
                problems.push(
                    &where_.key("content").key(media.clone()),
                    "only application/json bodies are supported, and text/plain or application/octet-stream for a success",
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
        // Keys that are not statuses are reported by the name checks.
        let Some(first_digit) = code.get(..1) else { continue };
        let range = format!("{first_digit}XX");
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
