//! What changed between two versions of a spec, graded for a reviewer:
//! breaking, non-breaking or documentation, with the public Rust items each
//! change touches. Pure: spec texts in, report out; `cargo xtask diff` reads
//! the texts from git.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

use crate::model::{CheckedOperation, CheckedSpec, Location};
use crate::open_enum::variant_name;
use crate::rust_type::{
    SchemaType, builder_name, client_method, field_name, inline_response_name, inline_type_name, schema_type,
    setter_name, type_name,
};
use crate::{SpecError, check};

/// How much a change matters to users of the generated crate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Code or calls that worked may stop working.
    Breaking,
    /// Additions and relaxations.
    NonBreaking,
    /// Descriptions, summaries and examples only.
    Documentation,
}

/// One change.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Change {
    /// How much it matters.
    pub severity: Severity,
    /// What kind of change, e.g. `response field removed`.
    pub kind: String,
    /// Where, e.g. `GetTaskStatus` or `GetTaskStatus 200 TaskStatus.EndTime`.
    pub location: String,
    /// Before and after, in words.
    pub detail: String,
    /// Public items of the generated crate it touches.
    pub rust_items: Vec<String>,
}

/// The changes to one API, breaking first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ApiDiff {
    /// The API's name (its spec's file stem).
    pub api: String,
    /// Every change found, sorted by severity, then kind and location.
    pub changes: Vec<Change>,
}

impl ApiDiff {
    /// Whether any change is breaking.
    pub fn is_breaking(&self) -> bool {
        self.changes.iter().any(|c| c.severity == Severity::Breaking)
    }
}

struct Collector {
    changes: Vec<Change>,
}

impl Collector {
    fn add(
        &mut self,
        severity: Severity,
        kind: &str,
        location: impl Into<String>,
        detail: impl Into<String>,
        items: Vec<String>,
    ) {
        self.changes.push(Change {
            severity,
            kind: kind.to_owned(),
            location: location.into(),
            detail: detail.into(),
            rust_items: items,
        });
    }
}

/// Compares two versions of one API's spec; `None` is a spec that does not exist on that side.
pub fn diff_specs(
    api: &str,
    old: Option<(&str, &str)>,
    new: Option<(&str, &str)>,
) -> Result<ApiDiff, SpecError> {
    let mut out = Collector { changes: Vec::new() };
    match (old, new) {
        (None, None) => {}
        (None, Some(_)) => out.add(
            Severity::NonBreaking,
            "API added",
            api,
            "a new spec and crate",
            vec![format!("cloudjobs-{api}")],
        ),
        (Some(_), None) => out.add(
            Severity::Breaking,
            "API removed",
            api,
            "the spec is gone",
            vec![format!("cloudjobs-{api}")],
        ),
        (Some((old_file, old_text)), Some((new_file, new_text))) => {
            let old = check(old_file, old_text)?;
            let new = check(new_file, new_text)?;
            compare(&old, &new, &mut out);
        }
    }
    out.changes.sort();
    out.changes.dedup();
    Ok(ApiDiff { api: api.to_owned(), changes: out.changes })
}

fn compare(old: &CheckedSpec, new: &CheckedSpec, out: &mut Collector) {
    compare_protocol(old, new, out);
    let by_id = |spec: &CheckedSpec| -> BTreeMap<String, CheckedOperation> {
        spec.operations.iter().map(|op| (op.operation_id.clone(), op.clone())).collect()
    };
    let (old_ops, new_ops) = (by_id(old), by_id(new));
    for (id, op) in &old_ops {
        match new_ops.get(id) {
            None => out.add(
                Severity::Breaking,
                "operation removed",
                id,
                format!("{} {}", op.method, op.path),
                vec![client_method_item(id)],
            ),
            Some(new_op) => compare_operation(old, op, new, new_op, out),
        }
    }
    for (id, op) in &new_ops {
        if !old_ops.contains_key(id) {
            out.add(
                Severity::NonBreaking,
                "operation added",
                id,
                format!("{} {}", op.method, op.path),
                vec![client_method_item(id)],
            );
        }
    }
    compare_enums(old, new, out);
    // Anything that differs and none of the checks above explains is still shown.
    if out.changes.is_empty() && strip_docs(&old.document) != strip_docs(&new.document) {
        out.add(
            Severity::NonBreaking,
            "other change",
            "(spec)",
            "a change the diff does not classify; read the spec diff",
            vec![],
        );
    }
    compare_documentation(old, new, out);
}

/// Every public Rust item that a change to this spec can name, as the report
/// names them: `PROTOCOL`, `Client::` methods, builder setters, fields of body
/// and response types, and enum variants. Tests look each one up in the
/// generated code, so that the report never names an item that does not exist.
pub fn rust_items(file: &str, text: &str) -> Result<BTreeSet<String>, SpecError> {
    let spec = check(file, text)?;
    let mut items = BTreeSet::from(["PROTOCOL".to_owned()]);
    for op in &spec.operations {
        items.insert(client_method_item(&op.operation_id));
        items.extend(op.params.iter().map(|p| parameter_item(op, &p.name, p.location)));
        items.extend(response_fields(&spec, op).into_values().map(|(_, _, item)| item));
    }
    for (name, values) in enums(&spec) {
        items.extend(values.iter().map(|value| enum_variant_item(&name, value)));
    }
    Ok(items)
}

fn client_method_item(operation_id: &str) -> String {
    format!("Client::{}", client_method(operation_id))
}

/// A parameter is set on its operation's builder; a field of the JSON body is
/// a field of the body's type.
fn parameter_item(op: &CheckedOperation, name: &str, location: Location) -> String {
    match (location, &op.body_schema) {
        (Location::Body, Some(body)) => format!("types::{}::{}", type_name(body), field_name(name)),
        _ => format!("builder::{}::{}", builder_name(&op.operation_id), setter_name(name)),
    }
}

fn enum_variant_item(name: &str, value: &str) -> String {
    format!("types::{}::{}", type_name(name), variant_name(value))
}

fn compare_protocol(old: &CheckedSpec, new: &CheckedSpec, out: &mut Collector) {
    let (a, b) = (serde_json::to_value(&old.protocol).unwrap(), serde_json::to_value(&new.protocol).unwrap());
    let (a, b) = (a.as_object().unwrap(), b.as_object().unwrap());
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    for key in keys {
        let (before, after) = (a.get(key).unwrap_or(&Value::Null), b.get(key).unwrap_or(&Value::Null));
        if before != after {
            // Every protocol fact changes what goes on the wire.
            out.add(
                Severity::Breaking,
                "protocol changed",
                format!("x-cloudjobs.{key}"),
                format!("{before} → {after}"),
                vec!["PROTOCOL".into()],
            );
        }
    }
    if old.document.get("servers") != new.document.get("servers") {
        out.add(Severity::NonBreaking, "servers changed", "servers", "the documented servers differ", vec![]);
    }
}

/// The component schema named `name`; null when there is none.
fn component<'v>(document: &'v Value, name: &str) -> &'v Value {
    document.pointer(&format!("/components/schemas/{name}")).unwrap_or(&Value::Null)
}

/// The type of a schema in the spec's words: `string`, `integer/int64`,
/// `array<Job>`, `enum TaskType`. A named schema that only renames a scalar
/// reads as that scalar.
fn type_of(document: &Value, schema: &Value) -> String {
    match schema_type(schema) {
        SchemaType::Named(name) => {
            let target = component(document, name);
            match (target.get("enum"), target.get("type").and_then(Value::as_str)) {
                (Some(_), _) => format!("enum {name}"),
                (None, Some("object") | None) => name.to_owned(),
                (None, Some(_)) => type_of(document, target),
            }
        }
        SchemaType::OneOf(options) => {
            format!("oneOf<{}>", options.iter().map(|o| type_of(document, o)).collect::<Vec<_>>().join("|"))
        }
        SchemaType::Array(items) => format!("array<{}>", type_of(document, items)),
        SchemaType::Typed { kind, format: Some(format) } => format!("{kind}/{format}"),
        SchemaType::Typed { kind, format: None } => kind.to_owned(),
        SchemaType::Any => "any".to_owned(),
    }
}

/// Every field reachable from a response schema: path → (type, required, Rust
/// item). `owner` is the Rust type of `schema` when it is written inline.
fn fields(
    document: &Value,
    schema: &Value,
    owner: &str,
    prefix: &str,
    depth: usize,
    out: &mut BTreeMap<String, (String, bool, String)>,
) {
    if depth > 8 {
        return;
    }
    let (schema, owner) = match schema_type(schema) {
        SchemaType::Named(name) => (component(document, name), type_name(name)),
        _ => (schema, owner.to_owned()),
    };
    if let Some(items) = schema.get("items") {
        let item_owner = inline_type_name(&owner, "item", items);
        fields(document, items, &item_owner, &format!("{prefix}[]"), depth + 1, out);
        return;
    }
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    for (field, property) in schema.get("properties").and_then(Value::as_object).into_iter().flatten() {
        let path = if prefix.is_empty() { field.clone() } else { format!("{prefix}.{field}") };
        let item = format!("types::{owner}::{}", field_name(field));
        out.insert(path.clone(), (type_of(document, property), required.contains(&field.as_str()), item));
        fields(document, property, &inline_type_name(&owner, field, property), &path, depth + 1, out);
    }
}

fn response_fields(spec: &CheckedSpec, op: &CheckedOperation) -> BTreeMap<String, (String, bool, String)> {
    let mut out = BTreeMap::new();
    let operation = &spec.document["paths"][&op.path][op.method.to_lowercase()];
    for (code, response) in operation["responses"].as_object().into_iter().flatten() {
        if let Some(schema) = response.pointer("/content/application~1json/schema") {
            let mut found = BTreeMap::new();
            let owner = inline_response_name(&op.operation_id, schema);
            fields(&spec.document, schema, &owner, "", 0, &mut found);
            out.extend(found.into_iter().map(|(path, value)| (format!("{code} {path}"), value)));
        }
    }
    out
}

fn compare_operation(
    old: &CheckedSpec,
    a: &CheckedOperation,
    new: &CheckedSpec,
    b: &CheckedOperation,
    out: &mut Collector,
) {
    let id = &a.operation_id;
    if (&a.method, &a.path) != (&b.method, &b.path) {
        out.add(
            Severity::Breaking,
            "operation moved",
            id,
            format!("{} {} → {} {}", a.method, a.path, b.method, b.path),
            vec![client_method_item(id)],
        );
    }
    if a.action != b.action {
        out.add(
            Severity::Breaking,
            "protocol changed",
            format!("{id} x-cloudjobs-action"),
            format!("{:?} → {:?}", a.action, b.action),
            vec!["PROTOCOL".into()],
        );
    }
    if a.rate_limit != b.rate_limit {
        let shown =
            |limit: Option<std::num::NonZeroU32>| limit.map_or("none".to_owned(), |n| format!("{n}/s"));
        out.add(
            Severity::NonBreaking,
            "rate limit changed",
            format!("{id} x-cloudjobs-rate-limit"),
            format!(
                "{} → {}: the client paces its calls to the new limit",
                shown(a.rate_limit),
                shown(b.rate_limit)
            ),
            vec!["PROTOCOL".into()],
        );
    }
    if a.job != b.job {
        out.add(
            Severity::Breaking,
            "job states changed",
            format!("{id} x-cloudjobs-job"),
            "the way job states are read changed",
            vec!["PROTOCOL".into()],
        );
    }
    let params = |spec: &CheckedSpec, op: &CheckedOperation| -> BTreeMap<String, (Location, bool, String)> {
        op.params
            .iter()
            .map(|p| (p.name.clone(), (p.location, p.required, type_of(&spec.document, &p.schema))))
            .collect()
    };
    let (pa, pb) = (params(old, a), params(new, b));
    let removed: Vec<&String> = pa.keys().filter(|k| !pb.contains_key(*k)).collect();
    let added: Vec<&String> = pb.keys().filter(|k| !pa.contains_key(*k)).collect();
    let mut renamed = BTreeSet::new();
    for gone in &removed {
        // A parameter that disappears while one of the same place and type appears was probably renamed.
        if let Some(new_name) = added
            .iter()
            .find(|n| pb[**n].0 == pa[*gone].0 && pb[**n].2 == pa[*gone].2 && !renamed.contains(**n))
        {
            renamed.insert((*new_name).clone());
            renamed.insert((*gone).clone());
            out.add(
                Severity::Breaking,
                "parameter renamed",
                format!("{id} {gone}"),
                format!("{gone} → {new_name}"),
                vec![parameter_item(a, gone, pa[*gone].0), parameter_item(b, new_name, pb[*new_name].0)],
            );
        }
    }
    for gone in removed.iter().filter(|n| !renamed.contains(**n)) {
        out.add(
            Severity::Breaking,
            "parameter removed",
            format!("{id} {gone}"),
            format!("{:?} {}", pa[*gone].0, pa[*gone].2),
            vec![parameter_item(a, gone, pa[*gone].0)],
        );
    }
    for name in added.iter().filter(|n| !renamed.contains(**n)) {
        let (location, required, kind) = &pb[*name];
        let severity = if *required { Severity::Breaking } else { Severity::NonBreaking };
        let what = if *required { "required parameter added" } else { "optional parameter added" };
        out.add(
            severity,
            what,
            format!("{id} {name}"),
            format!("{location:?} {kind}"),
            vec![parameter_item(b, name, *location)],
        );
    }
    for (name, (location, required, kind)) in &pa {
        let Some((new_location, new_required, new_kind)) = pb.get(name) else { continue };
        let items = vec![parameter_item(b, name, *new_location)];
        if kind != new_kind || location != new_location {
            out.add(
                Severity::Breaking,
                "parameter type changed",
                format!("{id} {name}"),
                format!("{location:?} {kind} → {new_location:?} {new_kind}"),
                items.clone(),
            );
        }
        match (required, new_required) {
            (false, true) => out.add(
                Severity::Breaking,
                "parameter made required",
                format!("{id} {name}"),
                "optional → required",
                items,
            ),
            (true, false) => out.add(
                Severity::NonBreaking,
                "parameter made optional",
                format!("{id} {name}"),
                "required → optional",
                items,
            ),
            _ => {}
        }
    }
    let (fa, fb) = (response_fields(old, a), response_fields(new, b));
    for (path, (kind, _, rust)) in &fa {
        match fb.get(path) {
            None => out.add(
                Severity::Breaking,
                "response field removed",
                format!("{id} {path}"),
                kind.clone(),
                vec![rust.clone()],
            ),
            Some((new_kind, _, rust)) if new_kind != kind => {
                out.add(
                    Severity::Breaking,
                    "response field type changed",
                    format!("{id} {path}"),
                    format!("{kind} → {new_kind}"),
                    vec![rust.clone()],
                );
            }
            Some(_) => {}
        }
    }
    for (path, (kind, required, rust)) in &fb {
        if !fa.contains_key(path) {
            let detail = if *required {
                format!("{kind}, required: an old answer without it no longer decodes")
            } else {
                kind.clone()
            };
            let severity = if *required { Severity::Breaking } else { Severity::NonBreaking };
            out.add(severity, "response field added", format!("{id} {path}"), detail, vec![rust.clone()]);
        }
    }
    let codes = |op: &CheckedOperation| -> BTreeSet<String> {
        op.error_codes.iter().map(|c| c.code.clone()).collect()
    };
    let (ca, cb) = (codes(a), codes(b));
    for code in ca.difference(&cb) {
        out.add(
            Severity::Breaking,
            "error code removed",
            format!("{id} {code}"),
            "no longer documented",
            vec!["PROTOCOL".into()],
        );
    }
    for code in cb.difference(&ca) {
        out.add(
            Severity::NonBreaking,
            "error code added",
            format!("{id} {code}"),
            "newly documented",
            vec!["PROTOCOL".into()],
        );
    }
}

fn enums(spec: &CheckedSpec) -> BTreeMap<String, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    for (name, schema) in
        spec.document.pointer("/components/schemas").and_then(Value::as_object).into_iter().flatten()
    {
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            out.insert(name.clone(), values.iter().filter_map(Value::as_str).map(str::to_owned).collect());
        }
    }
    out
}

fn compare_enums(old: &CheckedSpec, new: &CheckedSpec, out: &mut Collector) {
    let (a, b) = (enums(old), enums(new));
    for (name, values) in &a {
        let empty = BTreeSet::new();
        let new_values = b.get(name).unwrap_or(&empty);
        for value in values.difference(new_values) {
            out.add(
                Severity::Breaking,
                "enum value removed",
                format!("{name} {value}"),
                "the variant goes; the value now decodes as Unknown",
                vec![enum_variant_item(name, value)],
            );
        }
        for value in new_values.difference(values) {
            out.add(
                Severity::NonBreaking,
                "enum value added",
                format!("{name} {value}"),
                "a new variant (exhaustive matches need an arm)",
                vec![enum_variant_item(name, value)],
            );
        }
    }
}

const DOC_KEYS: [&str; 5] = ["description", "summary", "title", "example", "examples"];

fn strip_docs(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| !DOC_KEYS.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), strip_docs(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(strip_docs).collect()),
        other => other.clone(),
    }
}

/// Every documentation value with its path, and the paths of all objects.
fn docs(value: &Value, path: &str, out: &mut BTreeMap<String, Value>, objects: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            objects.insert(path.to_owned());
            for (key, item) in map {
                let child = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                if DOC_KEYS.contains(&key.as_str()) {
                    out.insert(child, item.clone());
                } else {
                    docs(item, &child, out, objects);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                // Parameters are known by name, so that inserting one does not
                // seem to change the documentation of those after it.
                let segment = match item.get("name").and_then(Value::as_str) {
                    Some(name) => format!("{path}[{name}]"),
                    None => format!("{path}[{i}]"),
                };
                docs(item, &segment, out, objects);
            }
        }
        _ => {}
    }
}

fn compare_documentation(old: &CheckedSpec, new: &CheckedSpec, out: &mut Collector) {
    let (mut a, mut b) = (BTreeMap::new(), BTreeMap::new());
    let (mut objects_a, mut objects_b) = (BTreeSet::new(), BTreeSet::new());
    docs(&old.document, "", &mut a, &mut objects_a);
    docs(&new.document, "", &mut b, &mut objects_b);
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    for key in keys {
        // The documentation of something added or removed goes with it.
        let parent = key.rsplit_once('.').map(|(parent, _)| parent).unwrap_or("");
        if !objects_a.contains(parent) || !objects_b.contains(parent) {
            continue;
        }
        if a.get(key) != b.get(key) {
            let kind = if key.ends_with("example") || key.ends_with("examples") {
                "example changed"
            } else {
                "documentation changed"
            };
            out.add(Severity::Documentation, kind, key.clone(), "", vec![]);
        }
    }
}

/// The report as Markdown for a pull request: breaking changes first.
pub fn markdown(diffs: &[ApiDiff]) -> String {
    let mut text = String::from("## Spec changes\n\n");
    let changed: Vec<&ApiDiff> = diffs.iter().filter(|d| !d.changes.is_empty()).collect();
    if changed.is_empty() {
        text.push_str("No spec changed.\n");
        return text;
    }
    let count = |severity| changed.iter().flat_map(|d| &d.changes).filter(|c| c.severity == severity).count();
    text.push_str(&format!(
        "**{} breaking**, {} non-breaking, {} documentation.\n",
        count(Severity::Breaking),
        count(Severity::NonBreaking),
        count(Severity::Documentation)
    ));
    for diff in changed {
        text.push_str(&format!(
            "\n### {}\n\n| | change | where | detail | Rust items |\n|---|---|---|---|---|\n",
            diff.api
        ));
        for change in &diff.changes {
            let badge = match change.severity {
                Severity::Breaking => "🔴 breaking",
                Severity::NonBreaking => "🟢 non-breaking",
                Severity::Documentation => "📝 docs",
            };
            let items: Vec<String> = change.rust_items.iter().map(|i| format!("`{i}`")).collect();
            let cell = |s: &str| s.replace('|', "\\|");
            text.push_str(&format!(
                "| {badge} | {} | `{}` | {} | {} |\n",
                change.kind,
                cell(&change.location),
                cell(&change.detail),
                items.join(", ")
            ));
        }
    }
    text
}
