//! Reading a spec without judging it: YAML text to a JSON document, the line of
//! a key path in that text, typed views of parts of the document, and the small
//! accessors that every pass over the document shares.

use serde_json::Value;

use crate::error::{Problems, Segment, SpecError, SpecPath};

/// The keys of a path item that hold operations, in the order operations are read.
pub(crate) const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Parses YAML text into JSON, keeping the parser's line number on failure.
pub(crate) fn parse_yaml(file: &str, text: &str) -> Result<Value, SpecError> {
    let yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| SpecError {
        file: file.to_owned(),
        line: e.location().map(|l| l.line()).or_else(|| second_document_line(text)),
        path: SpecPath::root(),
        message: format!("not valid YAML: {e}"),
    })?;
    let problems = Problems::new(file, text);
    yaml_to_json(&yaml, &SpecPath::root(), &problems)
}

/// Where a second YAML document starts, for the one parse error serde_yaml
/// gives without a location (a spec is one document). Reading the documents
/// one by one finds it: the first one that fails to read has a location;
/// failing that, the line of the `---` that separates two of them.
fn second_document_line(text: &str) -> Option<usize> {
    use serde::Deserialize;
    serde_yaml::Deserializer::from_str(text)
        .find_map(|document| serde_yaml::Value::deserialize(document).err()?.location().map(|l| l.line()))
        .or_else(|| {
            let mut lines = text.lines().enumerate().filter(|(_, line)| line.starts_with("---"));
            let (first, _) = lines.next()?;
            // A leading `---` only opens the first document.
            let ahead_of_content =
                text.lines().take(first).all(|line| line.trim().is_empty() || line.starts_with('#'));
            let (separator, _) = if ahead_of_content { lines.next()? } else { (first, "") };
            Some(separator + 1)
        })
        .or(Some(1))
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

/// One indentation-significant token of a block-style YAML line: a `- ` item
/// marker or the text after it. A line `  - name: x` yields a marker at indent 2
/// and `name: x` at indent 4, which is how YAML itself nests them.
pub(crate) struct Token<'t> {
    line: usize,
    indent: usize,
    text: &'t str,
}

pub(crate) fn tokens(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    for (number, raw) in text.lines().enumerate() {
        let trimmed = raw.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let mut indent = raw.len() - trimmed.len();
        let mut rest = trimmed;
        while rest == "-" || rest.starts_with("- ") {
            out.push(Token { line: number + 1, indent, text: "-" });
            let after = rest[1..].trim_start();
            indent += rest.len() - after.len();
            rest = after;
            if rest.is_empty() {
                break;
            }
        }
        if !rest.is_empty() {
            out.push(Token { line: number + 1, indent, text: rest });
        }
    }
    out
}

fn is_key_line(text: &str, key: &str) -> bool {
    let unquoted = text.strip_prefix(key).is_some_and(|r| r.starts_with(':'));
    let quoted = [('"', '"'), ('\'', '\'')].iter().any(|(open, close)| {
        text.strip_prefix(*open)
            .and_then(|r| r.strip_prefix(key))
            .and_then(|r| r.strip_prefix(*close))
            .is_some_and(|r| r.trim_start().starts_with(':'))
    });
    unquoted || quoted
}

/// Finds the line of the value at `path` in block-style YAML text. It follows
/// the path as far as the text allows and returns the deepest line it reached,
/// so a path into a flow-style value (`{a: 1}`) still points at its line.
#[cfg(test)]
pub(crate) fn locate_line(text: &str, path: &SpecPath) -> Option<usize> {
    locate_in(&tokens(text), path)
}

/// [`locate_line`] on the text's tokens, read once per spec by [`Problems`].
pub(crate) fn locate_in(tokens: &[Token<'_>], path: &SpecPath) -> Option<usize> {
    if path.0.is_empty() {
        // A problem with the whole document is reported at its first line.
        return Some(1);
    }
    let (mut start, mut end) = (0usize, tokens.len());
    let mut parent_indent: Option<usize> = None;
    let mut best = None;
    for segment in &path.0 {
        let child_indent =
            tokens[start..end].iter().find(|t| parent_indent.is_none_or(|p| t.indent > p)).map(|t| t.indent);
        let Some(child_indent) = child_indent else { return best.or(Some(1)) };
        let found = match segment {
            Segment::Key(key) => {
                (start..end).find(|&i| tokens[i].indent == child_indent && is_key_line(tokens[i].text, key))
            }
            Segment::Index(index) => (start..end)
                .filter(|&i| tokens[i].indent == child_indent && tokens[i].text == "-")
                .nth(*index),
        };
        let Some(found) = found else { return best.or(Some(1)) };
        best = Some(tokens[found].line);
        parent_indent = Some(child_indent);
        start = found + 1;
        end = (start..end).find(|&i| tokens[i].indent <= child_indent).unwrap_or(end);
        if matches!(segment, Segment::Key(_)) && start == end {
            // A scalar or flow value on the key's own line: nothing deeper to find.
            break;
        }
    }
    // A key missing at the top level is a problem of the whole document.
    best.or(Some(1))
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
pub(crate) fn typed<T: serde::de::DeserializeOwned>(
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

/// Reads the whole document as progenitor will. openapiv3 reads the
/// extensions of every object through `#[serde(flatten)]`, which hides from
/// serde_path_to_error where below `paths` or `components` a value is wrong:
/// a `required: yes` three levels down would be reported at `paths`. So when
/// the document cannot be read, its objects are read one at a time, and the
/// innermost that fails on its own is reported, at the one value inside it
/// that the message quotes when there is exactly one.
pub(crate) fn openapi_document(
    document: &Value,
    problems: &Problems,
) -> Result<openapiv3::OpenAPI, SpecError> {
    let whole = match serde_path_to_error::deserialize(document) {
        Ok(openapi) => return Ok(openapi),
        Err(e) => (path_from_serde(e.path()), e.inner().to_string()),
    };
    let (path, message) = first_unreadable_object(document).unwrap_or(whole);
    let path = quoted_value_within(document, path, &message);
    Err(problems.error(&path, format!("not a valid OpenAPI 3.0 document: {message}")))
}

/// Where a piece failed to read, and serde's message.
type Unreadable = (SpecPath, String);

/// Reads `value` as a `T`, or says where inside it and why it cannot be.
fn unreadable<T: serde::de::DeserializeOwned>(value: &Value, at: &SpecPath) -> Option<Unreadable> {
    let e = serde_path_to_error::deserialize::<_, T>(value).err()?;
    let mut path = at.clone();
    path.0.extend(path_from_serde(e.path()).0);
    Some((path, e.inner().to_string()))
}

/// [`unreadable`] for a value that may be a `$ref` instead. openapiv3 tries
/// the two as an untagged enum, whose message would only say that neither
/// matched, so the value is read as the one it claims to be.
fn unreadable_or_ref<T: serde::de::DeserializeOwned>(value: &Value, at: &SpecPath) -> Option<Unreadable> {
    if value.get("$ref").is_some() {
        unreadable::<openapiv3::ReferenceOr<T>>(value, at)
    } else {
        unreadable::<T>(value, at)
    }
}

/// The innermost object of `paths` and `components` that openapiv3 cannot
/// read on its own, in the first of them that fails. Only an object that fails is searched
/// further, so a spec is read about once more per level of its nesting.
fn first_unreadable_object(document: &Value) -> Option<Unreadable> {
    let root = SpecPath::root();
    let path_items = entries(document.get("paths"))
        .find_map(|(key, item)| unreadable_path_item(item, &root.key("paths").key(key.clone())));
    path_items.or_else(|| {
        let components = root.key("components");
        let section = |name: &str| entries(document.get("components").and_then(|c| c.get(name)));
        let at = |name: &str, key: &String| components.key(name).key(key.clone());
        section("schemas")
            .find_map(|(key, schema)| unreadable_schema(schema, &at("schemas", key)))
            .or_else(|| {
                section("parameters")
                    .find_map(|(key, parameter)| unreadable_parameter(parameter, &at("parameters", key)))
            })
            .or_else(|| {
                section("requestBodies")
                    .find_map(|(key, body)| unreadable_body(body, &at("requestBodies", key)))
            })
            .or_else(|| {
                section("responses")
                    .find_map(|(key, response)| unreadable_response(response, &at("responses", key)))
            })
    })
}

/// `own`, the failure of an object read whole, narrowed to the first of
/// its parts that fails alone; `None` when the object reads.
fn narrowed(own: Option<Unreadable>, parts: impl FnOnce() -> Option<Unreadable>) -> Option<Unreadable> {
    let own = own?;
    parts().or(Some(own))
}

fn unreadable_path_item(item: &Value, at: &SpecPath) -> Option<Unreadable> {
    narrowed(unreadable_or_ref::<openapiv3::PathItem>(item, at), || {
        items(item.get("parameters"))
            .find_map(|(i, parameter)| unreadable_parameter(parameter, &at.key("parameters").index(i)))
            .or_else(|| {
                METHODS.iter().find_map(|method| unreadable_operation(item.get(*method)?, &at.key(*method)))
            })
    })
}

fn unreadable_operation(operation: &Value, at: &SpecPath) -> Option<Unreadable> {
    narrowed(unreadable::<openapiv3::Operation>(operation, at), || {
        items(operation.get("parameters"))
            .find_map(|(i, parameter)| unreadable_parameter(parameter, &at.key("parameters").index(i)))
            .or_else(|| unreadable_body(operation.get("requestBody")?, &at.key("requestBody")))
            .or_else(|| {
                entries(operation.get("responses")).find_map(|(code, response)| {
                    unreadable_response(response, &at.key("responses").key(code.clone()))
                })
            })
    })
}

fn unreadable_parameter(parameter: &Value, at: &SpecPath) -> Option<Unreadable> {
    narrowed(unreadable_or_ref::<openapiv3::Parameter>(parameter, at), || {
        let schema = parameter.get("schema");
        schema
            .and_then(|schema| unreadable_schema(schema, &at.key("schema")))
            .or_else(|| unreadable_content(parameter, at))
    })
}

fn unreadable_body(body: &Value, at: &SpecPath) -> Option<Unreadable> {
    narrowed(unreadable_or_ref::<openapiv3::RequestBody>(body, at), || unreadable_content(body, at))
}

fn unreadable_response(response: &Value, at: &SpecPath) -> Option<Unreadable> {
    narrowed(unreadable_or_ref::<openapiv3::Response>(response, at), || unreadable_content(response, at))
}

/// The media types under `owner`'s `content`, and their schemas.
fn unreadable_content(owner: &Value, at: &SpecPath) -> Option<Unreadable> {
    entries(owner.get("content")).find_map(|(media, body)| {
        let at = at.key("content").key(media.clone());
        narrowed(unreadable::<openapiv3::MediaType>(body, &at), || {
            unreadable_schema(body.get("schema")?, &at.key("schema"))
        })
    })
}

fn unreadable_schema(schema: &Value, at: &SpecPath) -> Option<Unreadable> {
    narrowed(unreadable_or_ref::<openapiv3::Schema>(schema, at), || {
        let properties = entries(schema.get("properties")).find_map(|(name, property)| {
            unreadable_schema(property, &at.key("properties").key(name.clone()))
        });
        let single = || {
            ["items", "not", "additionalProperties"].into_iter().find_map(|key| {
                let inner = schema.get(key).filter(|inner| inner.is_object())?;
                unreadable_schema(inner, &at.key(key))
            })
        };
        let lists = || {
            ["allOf", "oneOf", "anyOf"].into_iter().find_map(|key| {
                items(schema.get(key)).find_map(|(i, inner)| unreadable_schema(inner, &at.key(key).index(i)))
            })
        };
        properties.or_else(single).or_else(lists)
    })
}

/// `at`, or the one scalar below it that `message` quotes as serde quotes
/// values (`string "yes"`, `` integer `7` ``, `` unknown variant `bogus` ``):
/// the value to correct, when no other value there reads the same.
fn quoted_value_within(document: &Value, at: SpecPath, message: &str) -> SpecPath {
    fn quoted(value: &Value, message: &str) -> bool {
        match value {
            Value::String(text) => {
                message.contains(&format!("string {text:?}")) || message.contains(&format!("`{text}`"))
            }
            Value::Number(number) if number.is_f64() => {
                message.contains(&format!("floating point `{number}`"))
            }
            Value::Number(number) => message.contains(&format!("integer `{number}`")),
            Value::Bool(flag) => message.contains(&format!("boolean `{flag}`")),
            _ => false,
        }
    }
    fn collect(value: &Value, at: &SpecPath, message: &str, found: &mut Vec<SpecPath>) {
        match value {
            Value::Object(map) => {
                map.iter().for_each(|(key, inner)| collect(inner, &at.key(key.clone()), message, found))
            }
            Value::Array(list) => {
                list.iter().enumerate().for_each(|(i, inner)| collect(inner, &at.index(i), message, found))
            }
            scalar if quoted(scalar, message) => found.push(at.clone()),
            _ => {}
        }
    }
    let Some(value) = value_at(document, &at) else { return at };
    let mut found = Vec::new();
    collect(value, &at, message, &mut found);
    match <[SpecPath; 1]>::try_from(found) {
        Ok([only]) => only,
        Err(_) => at,
    }
}

/// The value at `path`, if the document has one there.
fn value_at<'v>(document: &'v Value, path: &SpecPath) -> Option<&'v Value> {
    path.0.iter().try_fold(document, |value, segment| match segment {
        Segment::Key(key) => value.get(key.as_str()),
        Segment::Index(index) => value.get(*index),
    })
}

/// The entries of a mapping; nothing when the value is absent or not a mapping.
pub(crate) fn entries(value: Option<&Value>) -> impl Iterator<Item = (&String, &Value)> {
    value.and_then(Value::as_object).into_iter().flatten()
}

/// The items of a sequence with their indexes; nothing when the value is absent or not a sequence.
pub(crate) fn items(value: Option<&Value>) -> impl Iterator<Item = (usize, &Value)> {
    value.and_then(Value::as_array).into_iter().flatten().enumerate()
}

/// The value a local `$ref` such as `#/components/schemas/Job` names, if it names one.
pub(crate) fn resolve_pointer<'v>(document: &'v Value, reference: &str) -> Option<&'v Value> {
    document.pointer(reference.strip_prefix('#')?)
}

/// Follows a `$ref` to the object it names; other values are returned as they are.
pub(crate) fn deref<'v>(document: &'v Value, value: &'v Value) -> &'v Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => resolve_pointer(document, reference).unwrap_or(value),
        None => value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "openapi: 3.0.3\npaths:\n  /A:\n    post:\n      parameters:\n        - name: X\n          in: query\n        - name: Y\n          schema:\n            type: integer\n";

    #[test]
    fn locates_nested_keys_and_items() {
        let path = SpecPath::root().key("paths").key("/A").key("post").key("parameters");
        assert_eq!(locate_line(TEXT, &path), Some(5));
        assert_eq!(locate_line(TEXT, &path.index(1)), Some(8));
        assert_eq!(locate_line(TEXT, &path.index(1).key("schema").key("type")), Some(10));
        assert_eq!(locate_line(TEXT, &path.index(0).key("in")), Some(7));
    }

    #[test]
    fn a_second_document_is_located() {
        let line = |text: &str| parse_yaml("s.yaml", text).unwrap_err().line;
        // Found by fuzzing: the first document ends at line 2, where the
        // parser meets what it reads as the start of another.
        assert_eq!(line("0  hing.\n         : The thing.\n"), Some(2));
        assert_eq!(line("---\na: 1\n---\nb: 2\n"), Some(3));
        assert_eq!(line("a: 1\n---\nb: 2\n"), Some(2));
    }

    #[test]
    fn stops_at_the_deepest_line_it_can_reach() {
        let path = SpecPath::root().key("paths").key("/A").key("get");
        assert_eq!(locate_line(TEXT, &path), Some(3));
    }
}
