//! Names the generated Rust is made of: every operation id, parameter,
//! property, schema name and response key must become an identifier that
//! compiles and collides with nothing, or the spec is refused at its line.

use std::collections::BTreeMap;

use heck::{ToPascalCase, ToSnakeCase};
use serde_json::Value;

use crate::error::{Problems, SpecPath};
use crate::read::{METHODS, entries, items};

/// Rust's keywords, strict and reserved, in the 2024 edition (`gen` included).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while",
    "abstract", "become", "box", "do", "final", "gen", "macro", "override", "priv", "try", "typeof",
    "unsized", "virtual", "yield",
];

/// Names the generated client already uses: an operation whose builder
/// (Pascal case) or method (snake case) is one of these would collide.
const CLIENT_TYPES: &[&str] = &[
    "Client",
    "Error",
    "Result",
    "Option",
    "Some",
    "None",
    "Ok",
    "Err",
    "Box",
    "String",
    "Vec",
    "ResponseValue",
];
const CLIENT_METHODS: &[&str] = &["new", "new_with_client", "baseurl", "client", "api_version", "inner"];
/// The methods every request builder has: a parameter named like one would collide.
const BUILDER_METHODS: &[&str] = &["send", "body", "body_map", "client"];
/// The deepest chain of schemas that are only a `$ref` to another.
const MAX_ALIAS_DEPTH: usize = 32;

/// Whether a name can be made an identifier: a letter first, then letters,
/// digits, `_`, `-` or `.` (which the generator turns into `_`).
fn identifier_like(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
}

fn is_keyword(snake: &str) -> bool {
    KEYWORDS.contains(&snake)
}

/// Whether a response key is a status (`200`), a range (`4XX`) or `default`.
fn is_response_key(key: &str) -> bool {
    let bytes = key.as_bytes();
    key == "default"
        || (bytes.len() == 3
            && (b'1'..=b'5').contains(&bytes[0])
            && (bytes[1..].iter().all(u8::is_ascii_digit) || &bytes[1..] == b"XX"))
}

/// Reports two names of one scope that become the same Rust name.
fn collisions<'n>(
    names: impl Iterator<Item = (&'n str, SpecPath)>,
    rust_name: impl Fn(&str) -> String,
    what: &str,
    problems: &mut Problems,
) {
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for (name, at) in names {
        if let Some(first) = seen.insert(rust_name(name), name) {
            problems.push(
                &at,
                format!("{what} `{name}` and `{first}` both become `{}` in Rust", rust_name(name)),
            );
        }
    }
}

/// Checks every name the generated code is made of.
pub(crate) fn check_names(document: &Value, problems: &mut Problems) {
    let root = SpecPath::root();
    let schemas_at = root.key("components").key("schemas");
    let schemas = document.pointer("/components/schemas");
    for (name, schema) in entries(schemas) {
        let at = schemas_at.key(name.clone());
        // Schemas become types in their own module, so only the form of the name matters.
        if !identifier_like(name) || name.contains(['.', '-']) {
            problems.push(
                &at,
                format!("schema name `{name}` must be letters, digits or `_`, starting with a letter"),
            );
        }
        check_properties(schema, &at, problems);
        check_alias_chain(document, name, &at, problems);
    }
    collisions(
        entries(schemas).map(|(name, _)| (name.as_str(), schemas_at.key(name.clone()))),
        |name| name.to_pascal_case(),
        "schema names",
        problems,
    );
    let mut operation_ids = Vec::new();
    for (path_key, item) in entries(document.get("paths")) {
        let at_path = root.key("paths").key(path_key.clone());
        for method in METHODS {
            let Some(operation) = item.get(method) else { continue };
            let at = at_path.key(method);
            if let Some(id) = operation.get("operationId").and_then(Value::as_str) {
                operation_ids.push((id, at.key("operationId")));
                let snake = id.to_snake_case();
                if is_keyword(&snake)
                    || CLIENT_TYPES.contains(&id.to_pascal_case().as_str())
                    || CLIENT_METHODS.contains(&snake.as_str())
                {
                    problems.push(
                        &at.key("operationId"),
                        format!("operationId `{id}` becomes `{snake}`/`{}`, a Rust keyword or a name the client already has", id.to_pascal_case()),
                    );
                }
            }
            let parameters: Vec<(usize, &Value, SpecPath)> = items(item.get("parameters"))
                .map(|(i, p)| (i, p, at_path.key("parameters").index(i)))
                .chain(items(operation.get("parameters")).map(|(i, p)| (i, p, at.key("parameters").index(i))))
                .collect();
            let mut named = Vec::new();
            for (_, parameter, at) in &parameters {
                let Some(name) = parameter.get("name").and_then(Value::as_str) else { continue };
                check_member_name(name, &at.key("name"), "parameter", problems);
                if BUILDER_METHODS.contains(&name.to_snake_case().as_str()) {
                    problems.push(
                        &at.key("name"),
                        format!(
                            "parameter `{name}` collides with the request builder's `{}`",
                            name.to_snake_case()
                        ),
                    );
                }
                named.push((name, at.key("name")));
            }
            collisions(named.into_iter(), |name| name.to_snake_case(), "parameters", problems);
            for (code, _) in entries(operation.get("responses")) {
                if !is_response_key(code) {
                    problems.push(
                        &at.key("responses").key(code.clone()),
                        format!(
                            "response key `{code}` is not a status (`200`), a range (`4XX`) or `default`"
                        ),
                    );
                }
            }
        }
    }
    // Identical ids are reported by the operation rules; these differ only in case.
    let mut distinct = std::collections::BTreeSet::new();
    collisions(
        operation_ids.into_iter().filter(|(id, _)| distinct.insert(*id)),
        |id| id.to_snake_case(),
        "operationIds",
        problems,
    );
}

/// A parameter's or property's name: an identifier once in snake case, not
/// one of the keywords that cannot be escaped.
fn check_member_name(name: &str, at: &SpecPath, what: &str, problems: &mut Problems) {
    if !identifier_like(name) {
        problems.push(
            at,
            format!("{what} name `{name}` must be letters, digits, `_`, `-` or `.`, starting with a letter"),
        );
    } else if ["self", "super", "crate"].contains(&name.to_snake_case().as_str()) {
        problems.push(
            at,
            format!(
                "{what} name `{name}` becomes `{}`, which Rust cannot use as a name",
                name.to_snake_case()
            ),
        );
    }
}

/// The properties of a schema and of the schemas inside it.
fn check_properties(schema: &Value, at: &SpecPath, problems: &mut Problems) {
    let properties = schema.get("properties");
    for (name, property) in entries(properties) {
        let at = at.key("properties").key(name.clone());
        check_member_name(name, &at, "property", problems);
        check_properties(property, &at, problems);
    }
    collisions(
        entries(properties).map(|(name, _)| (name.as_str(), at.key("properties").key(name.clone()))),
        |name| name.to_snake_case(),
        "properties",
        problems,
    );
    if let Some(items) = schema.get("items") {
        check_properties(items, &at.key("items"), problems);
    }
}

/// A named schema that is only a `$ref` to another: the chain must end in a
/// real schema, without a cycle, within [`MAX_ALIAS_DEPTH`] steps.
fn check_alias_chain(document: &Value, name: &str, at: &SpecPath, problems: &mut Problems) {
    let mut current = name.to_owned();
    for _ in 0..=MAX_ALIAS_DEPTH {
        let Some(target) = document
            .pointer(&format!("/components/schemas/{}", current.replace('~', "~0").replace('/', "~1")))
            .and_then(|schema| schema.get("$ref"))
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
        else {
            return;
        };
        if target == name {
            problems.push(&at.key("$ref"), format!("schema `{name}` refers to itself through `$ref`s only"));
            return;
        }
        current = target.to_owned();
    }
    problems
        .push(&at.key("$ref"), format!("schema `{name}` is a chain of more than {MAX_ALIAS_DEPTH} `$ref`s"));
}
