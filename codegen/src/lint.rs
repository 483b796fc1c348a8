//! The project's spec conventions, checked with located messages: everything
//! `check` demands for generation, plus what makes a spec reviewable.

use serde_json::Value;

use crate::check;
use crate::error::{Problems, SpecError, SpecPath};
use crate::extensions::Style;
use crate::read::entries;

/// Every convention a spec breaks, in document order; empty when it keeps them all.
///
/// Beyond what generation needs ([`check`]): OpenAPI exactly 3.0.3; every
/// parameter, schema and property described; every example valid against its
/// schema; every operation declaring its error envelope (a 4xx response with
/// the vendor's error body); RPC operation ids equal to their actions.
pub fn lint(file: &str, text: &str) -> Vec<SpecError> {
    let checked = match check(file, text) {
        Ok(checked) => checked,
        Err(error) => return vec![error],
    };
    let mut problems = Problems::new(file, text);
    let document = &checked.document;
    let root = SpecPath::root();
    if document.get("openapi").and_then(Value::as_str) != Some("3.0.3") {
        problems.push(&root.key("openapi"), "specs are written as OpenAPI 3.0.3");
    }
    for (name, schema) in entries(document.pointer("/components/schemas")) {
        let at = root.key("components").key("schemas").key(name.clone());
        described(schema, &at, &format!("schema {name}"), &mut problems);
        properties_described(schema, &at, &mut problems);
        if let Some(example) = schema.get("example") {
            validate_example(document, schema, example, &at.key("example"), &mut problems);
        }
    }
    for (path, item) in entries(document.get("paths")) {
        for (method, operation) in entries(Some(item)) {
            if !operation.is_object() || method == "parameters" {
                continue;
            }
            let at = root.key("paths").key(path.clone()).key(method.clone());
            lint_operation(document, checked.protocol.style, operation, &at, &mut problems);
        }
    }
    let mut found = problems.found;
    found.sort_by_key(|e| e.line.unwrap_or(usize::MAX));
    found
}

fn described(value: &Value, at: &SpecPath, what: &str, problems: &mut Problems) {
    let text = value.get("description").and_then(Value::as_str).unwrap_or_default();
    if text.trim().is_empty() && value.get("$ref").is_none() {
        problems.push(at, format!("{what} has no description"));
    }
}

fn properties_described(schema: &Value, at: &SpecPath, problems: &mut Problems) {
    for (name, property) in entries(schema.get("properties")) {
        let at = at.key("properties").key(name.clone());
        described(property, &at, &format!("property {name}"), problems);
        properties_described(property, &at, problems);
        if let Some(items) = property.get("items") {
            properties_described(items, &at.key("items"), problems);
        }
    }
}

fn lint_operation(document: &Value, style: Style, operation: &Value, at: &SpecPath, problems: &mut Problems) {
    if operation.get("description").is_none() && operation.get("summary").is_none() {
        problems.push(at, "the operation has neither summary nor description");
    }
    if style == Style::Rpc
        && operation.get("x-cloudjobs-action").and_then(Value::as_str)
            != operation.get("operationId").and_then(Value::as_str)
    {
        problems.push(&at.key("operationId"), "the operation id must be the vendor's action name");
    }
    for (i, parameter) in
        operation.get("parameters").and_then(Value::as_array).into_iter().flatten().enumerate()
    {
        let name = parameter.get("name").and_then(Value::as_str).unwrap_or("?");
        let at = at.key("parameters").index(i);
        described(parameter, &at, &format!("parameter {name}"), problems);
        if let (Some(example), Some(schema)) = (parameter.get("example"), parameter.get("schema")) {
            validate_example(document, schema, example, &at.key("example"), problems);
        }
    }
    let mut declares_errors = false;
    for (code, response) in entries(operation.get("responses")) {
        declares_errors |= code.starts_with('4');
        for (media, content) in entries(response.get("content")) {
            if let (Some(example), Some(schema)) = (content.get("example"), content.get("schema")) {
                let at =
                    at.key("responses").key(code.clone()).key("content").key(media.clone()).key("example");
                validate_example(document, schema, example, &at, problems);
            }
        }
    }
    if let Some(body) = operation.pointer("/requestBody/content/application~1json")
        && let (Some(example), Some(schema)) = (body.get("example"), body.get("schema"))
    {
        let at = at.key("requestBody").key("content").key("application/json").key("example");
        validate_example(document, schema, example, &at, problems);
    }
    if !declares_errors {
        problems.push(&at.key("responses"), "no 4xx response: declare the vendor's error envelope");
    }
}

/// Checks an example against its schema: types, required fields, nested
/// objects and arrays. Enum values are not enforced: every enum here is open,
/// and vendor samples show values their own lists lack.
fn validate_example(
    document: &Value,
    schema: &Value,
    example: &Value,
    at: &SpecPath,
    problems: &mut Problems,
) {
    let schema = match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => document.pointer(reference.trim_start_matches('#')).unwrap_or(&Value::Null),
        None => schema,
    };
    if let Some(options) = schema.get("oneOf").and_then(Value::as_array) {
        let fits = options.iter().any(|option| {
            let mut scratch = Problems::new("", "");
            validate_example(document, option, example, at, &mut scratch);
            scratch.found.is_empty()
        });
        if !fits {
            problems.push(at, "the example fits none of the oneOf schemas");
        }
        return;
    }
    let kind = schema.get("type").and_then(Value::as_str);
    let fits = match (kind, example) {
        (None, _) => true,
        (Some("string"), Value::String(_)) => true,
        (Some("integer"), Value::Number(n)) => n.is_i64() || n.is_u64(),
        (Some("number"), Value::Number(_)) => true,
        (Some("boolean"), Value::Bool(_)) => true,
        (Some("array"), Value::Array(items)) => {
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    validate_example(document, item_schema, item, &at.index(i), problems);
                }
            }
            true
        }
        (Some("object"), Value::Object(map)) => {
            for required in schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                if !map.contains_key(required) {
                    problems.push(at, format!("the example lacks the required field {required}"));
                }
            }
            for (key, value) in map {
                if let Some(property) =
                    schema.pointer(&format!("/properties/{}", key.replace('~', "~0").replace('/', "~1")))
                {
                    validate_example(document, property, value, &at.key(key.clone()), problems);
                }
            }
            true
        }
        _ => false,
    };
    if !fits {
        problems.push(at, format!("the example {example} is not of type {}", kind.unwrap_or("?")));
    }
}
