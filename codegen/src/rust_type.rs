//! The Rust names and types that progenitor and typify give what a spec
//! declares, in one place: the generator's glue calls the generated items by
//! them, and the diff names them as the public items a spec change touches.

use heck::{ToPascalCase, ToSnakeCase};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

/// The case an identifier is made in.
#[derive(Clone, Copy)]
enum Case {
    /// Methods, setters and fields.
    Snake,
    /// Types and builders.
    Pascal,
}

impl Case {
    fn apply(self, name: &str) -> String {
        match self {
            Self::Snake => name.to_snake_case(),
            Self::Pascal => name.to_pascal_case(),
        }
    }
}

/// Which generator makes a name: their rules differ only in what they put
/// before a name that cannot start an identifier, such as `2fa`.
#[derive(Clone, Copy)]
enum Namer {
    /// progenitor names methods, builders and their setters.
    Progenitor,
    /// typify names types and their fields.
    Typify,
}

/// The identifier progenitor or typify makes of a spec name (`sanitize` in
/// both): apostrophes go, characters that cannot continue an identifier break
/// words, heck sets the case, and a keyword gets a trailing `_`. Unicode
/// identifier characters are approximated by `char::is_alphanumeric`.
fn sanitize(name: &str, case: Case, namer: Namer) -> String {
    let converted = match name {
        "+1" => "plus1".to_owned(),
        "-1" => "minus1".to_owned(),
        _ => case.apply(&name.replace('\'', "").replace(|c: char| !(c.is_alphanumeric() || c == '_'), "-")),
    };
    let started = match (converted.chars().next(), namer) {
        (None, _) => case.apply("x"),
        (Some(c), _) if c.is_alphabetic() => converted,
        (Some(_), Namer::Progenitor) => format!("_{converted}"),
        (Some(_), Namer::Typify) => case.apply("x") + &converted,
    };
    // typify also reserves `gen`, which syn (following Rust 2021) accepts.
    if started == "gen" || syn::parse_str::<syn::Ident>(&started).is_err() { started + "_" } else { started }
}

/// The method of `Client` that calls an operation, e.g. `get_task_status`.
pub(crate) fn client_method(operation_id: &str) -> String {
    sanitize(operation_id, Case::Snake, Namer::Progenitor)
}

/// The request builder of an operation in the `builder` module, e.g.
/// `GetTaskStatus`. progenitor makes it from the method name, not the id.
pub(crate) fn builder_name(operation_id: &str) -> String {
    sanitize(&client_method(operation_id), Case::Pascal, Namer::Progenitor)
}

/// The setter of a parameter on its operation's builder, e.g. `task_id`.
pub(crate) fn setter_name(parameter: &str) -> syn::Ident {
    format_ident!("{}", sanitize(parameter, Case::Snake, Namer::Progenitor))
}

/// The type of a component schema in the `types` module, e.g. `UserRo` for
/// `UserRO`. The open enums are emitted under the spec's name, which is the
/// same for every name typify can replace by them.
pub(crate) fn type_name(schema: &str) -> String {
    sanitize(schema, Case::Pascal, Namer::Typify)
}

/// The field of a property in its struct, e.g. `end_time` for `EndTime`.
pub(crate) fn field_name(property: &str) -> String {
    sanitize(property, Case::Snake, Namer::Typify)
}

/// The type typify makes for a schema written inline under `owner`'s `part`
/// (a property name, or `item` for the items of an array): its title if it
/// has one, else the owner's name and the part's, e.g. `TaskStatusEndTime`.
pub(crate) fn inline_type_name(owner: &str, part: &str, schema: &Value) -> String {
    match schema.get("title").and_then(Value::as_str) {
        Some(title) => sanitize(title, Case::Pascal, Namer::Typify),
        None => sanitize(&format!("{owner}_{}", part.to_snake_case()), Case::Pascal, Namer::Typify),
    }
}

/// The type progenitor makes for an operation's success body written inline,
/// e.g. `GetTaskStatusResponse`.
pub(crate) fn inline_response_name(operation_id: &str, schema: &Value) -> String {
    match schema.get("title").and_then(Value::as_str) {
        Some(title) => sanitize(title, Case::Pascal, Namer::Typify),
        None => sanitize(&format!("{operation_id}-response"), Case::Pascal, Namer::Typify),
    }
}

/// What a schema says about the Rust type of its values.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum SchemaType<'s> {
    /// A `$ref` to `#/components/schemas/NAME`: the type [`type_name`] of NAME.
    Named(&'s str),
    /// `oneOf`: an enum with one variant per option.
    OneOf(&'s [Value]),
    /// `type: array`: a `Vec` of the type of its items.
    Array(&'s Value),
    /// Any other `type`, with its `format`: `integer` and `int64`, `string` and none.
    Typed { kind: &'s str, format: Option<&'s str> },
    /// No `type`: any JSON value.
    Any,
}

/// The one reading of a schema's type that the generator and the diff share.
/// `$ref`s are not followed: a named schema is its own Rust type.
pub(crate) fn schema_type(schema: &Value) -> SchemaType<'_> {
    if let Some(name) =
        schema.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/components/schemas/"))
    {
        return SchemaType::Named(name);
    }
    if let Some(options) = schema.get("oneOf").and_then(Value::as_array) {
        return SchemaType::OneOf(options);
    }
    match (schema.get("type").and_then(Value::as_str), schema.get("format").and_then(Value::as_str)) {
        (Some("array"), _) => SchemaType::Array(schema.get("items").unwrap_or(&Value::Null)),
        (Some(kind), format) => SchemaType::Typed { kind, format },
        (None, _) => SchemaType::Any,
    }
}

/// The Rust type of a parameter's schema, as progenitor's setter takes it.
/// Parameters are scalars or named types; anything else is passed as text.
pub(crate) fn param_type(schema: &Value) -> TokenStream {
    match schema_type(schema) {
        SchemaType::Named(name) => {
            let name = format_ident!("{}", type_name(name));
            quote!(types::#name)
        }
        SchemaType::Typed { kind: "integer", format: Some("int32") } => quote!(i32),
        SchemaType::Typed { kind: "integer", .. } => quote!(i64),
        SchemaType::Typed { kind: "number", .. } => quote!(f64),
        SchemaType::Typed { kind: "boolean", .. } => quote!(bool),
        _ => quote!(::std::string::String),
    }
}

/// How generic callers parse a parameter's text, as a `cloudjobs_core::ParamKind`.
/// `value_type` is the JSON type of the parameter's values once a `$ref` is
/// followed; arrays and objects are given as JSON text.
pub(crate) fn param_kind(value_type: Option<&str>) -> TokenStream {
    match value_type {
        Some("integer") => quote!(cloudjobs_core::ParamKind::Integer),
        Some("number") => quote!(cloudjobs_core::ParamKind::Number),
        Some("boolean") => quote!(cloudjobs_core::ParamKind::Boolean),
        Some("array") => quote!(cloudjobs_core::ParamKind::Array),
        Some("object") => quote!(cloudjobs_core::ParamKind::Object),
        _ => quote!(cloudjobs_core::ParamKind::String),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_progenitor_and_typify() {
        assert_eq!(client_method("GetTaskStatus"), "get_task_status");
        assert_eq!(builder_name("GetTaskStatus"), "GetTaskStatus");
        assert_eq!(setter_name("X-Security-Token").to_string(), "x_security_token");
        assert_eq!(type_name("UserRO"), "UserRo");
        assert_eq!(type_name("CloudTZDateTime"), "CloudTzDateTime");
        assert_eq!(field_name("type"), "type_");
        assert_eq!(field_name("gen"), "gen_");
        assert_eq!(field_name("2fa"), "x2fa");
        assert_eq!(client_method("2fa"), "_2fa");
        assert_eq!(field_name("@timestamp"), "timestamp");
        assert_eq!(inline_type_name("TaskStatus", "EndTime", &Value::Null), "TaskStatusEndTime");
        assert_eq!(inline_response_name("GetTaskStatus", &Value::Null), "GetTaskStatusResponse");
    }
}
