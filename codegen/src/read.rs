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
