//! The one error type of the generator: which spec, where inside it, and what is wrong.

use std::fmt;

/// One step on the way from a document's root to the value a message is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    /// A mapping key.
    Key(String),
    /// A sequence index.
    Index(usize),
}

/// Where inside a spec a problem sits, as the keys and indexes that lead to it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpecPath(pub Vec<Segment>);

impl SpecPath {
    /// The document root.
    pub fn root() -> Self {
        Self::default()
    }

    /// This path extended by a mapping key.
    pub fn key(&self, key: impl Into<String>) -> Self {
        let mut path = self.clone();
        path.0.push(Segment::Key(key.into()));
        path
    }

    /// This path extended by a sequence index.
    pub fn index(&self, index: usize) -> Self {
        let mut path = self.clone();
        path.0.push(Segment::Index(index));
        path
    }
}

impl fmt::Display for SpecPath {
    /// Renders `paths["/GetTaskStatus"].post.parameters[0]`: plain names with
    /// dots, and quoted brackets for keys that are not plain names, so that a
    /// reader can tell `a.b` (two keys) from `["a.b"]` (one key).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("(document root)");
        }
        for (position, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Index(index) => write!(f, "[{index}]")?,
                Segment::Key(key) => {
                    let plain = key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_' || c == '$')
                        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '$');
                    if plain {
                        if position > 0 {
                            f.write_str(".")?;
                        }
                        f.write_str(key)?;
                    } else {
                        write!(f, "[{key:?}]")?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// A spec that cannot be turned into a client, located precisely enough to fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecError {
    /// The spec's file name as the user knows it, e.g. `specs/alibaba-cloudsso.yaml`.
    pub file: String,
    /// 1-based line of the offending value, when it could be found in the text.
    pub line: Option<usize>,
    /// The keys leading to the offending value.
    pub path: SpecPath,
    /// What is wrong, in a sentence.
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: at {}: {}", self.file, line, self.path, self.message),
            None => write!(f, "{}: at {}: {}", self.file, self.path, self.message),
        }
    }
}

impl std::error::Error for SpecError {}

/// Collects problems while a spec is checked, keeping the file name and text
/// so that every problem can be given a line number.
pub(crate) struct Problems<'a> {
    file: &'a str,
    text: &'a str,
    pub(crate) found: Vec<SpecError>,
}

impl<'a> Problems<'a> {
    pub(crate) fn new(file: &'a str, text: &'a str) -> Self {
        Self { file, text, found: Vec::new() }
    }

    pub(crate) fn error(&self, path: &SpecPath, message: impl Into<String>) -> SpecError {
        SpecError {
            file: self.file.to_owned(),
            line: locate_line(self.text, path),
            path: path.clone(),
            message: message.into(),
        }
    }

    pub(crate) fn push(&mut self, path: &SpecPath, message: impl Into<String>) {
        let error = self.error(path, message);
        self.found.push(error);
    }

    /// The first problem in document order, if any: one clear message beats a
    /// cascade of follow-on ones.
    pub(crate) fn into_result(mut self) -> Result<(), SpecError> {
        self.found.sort_by_key(|e| e.line.unwrap_or(usize::MAX));
        match self.found.into_iter().next() {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }
}

/// One indentation-significant token of a block-style YAML line: a `- ` item
/// marker or the text after it. A line `  - name: x` yields a marker at indent 2
/// and `name: x` at indent 4, which is how YAML itself nests them.
struct Token<'t> {
    line: usize,
    indent: usize,
    text: &'t str,
}

fn tokens(text: &str) -> Vec<Token<'_>> {
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
pub(crate) fn locate_line(text: &str, path: &SpecPath) -> Option<usize> {
    if path.0.is_empty() {
        // A problem with the whole document is reported at its first line.
        return Some(1);
    }
    let tokens = tokens(text);
    let (mut start, mut end) = (0usize, tokens.len());
    let mut parent_indent: Option<usize> = None;
    let mut best = None;
    for segment in &path.0 {
        let child_indent =
            tokens[start..end].iter().find(|t| parent_indent.is_none_or(|p| t.indent > p)).map(|t| t.indent);
        let Some(child_indent) = child_indent else { return best };
        let found = match segment {
            Segment::Key(key) => {
                (start..end).find(|&i| tokens[i].indent == child_indent && is_key_line(tokens[i].text, key))
            }
            Segment::Index(index) => (start..end)
                .filter(|&i| tokens[i].indent == child_indent && tokens[i].text == "-")
                .nth(*index),
        };
        let Some(found) = found else { return best };
        best = Some(tokens[found].line);
        parent_indent = Some(child_indent);
        start = found + 1;
        end = (start..end).find(|&i| tokens[i].indent <= child_indent).unwrap_or(end);
        if matches!(segment, Segment::Key(_)) && start == end {
            // A scalar or flow value on the key's own line: nothing deeper to find.
            break;
        }
    }
    best
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
    fn stops_at_the_deepest_line_it_can_reach() {
        let path = SpecPath::root().key("paths").key("/A").key("get");
        assert_eq!(locate_line(TEXT, &path), Some(3));
    }

    #[test]
    fn renders_paths_readably() {
        let path = SpecPath::root().key("paths").key("/A").key("post").key("parameters").index(1);
        assert_eq!(path.to_string(), r#"paths["/A"].post.parameters[1]"#);
    }
}
