//! The one error type of the generator: which spec, where inside it, and what is wrong.

use std::fmt;

use crate::read::{Token, locate_in, tokens};

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
    /// The text's tokens, read once: a spec with thousands of problems must
    /// not be read again for each.
    tokens: std::cell::OnceCell<Vec<Token<'a>>>,
    pub(crate) found: Vec<SpecError>,
}

/// The most problems kept per spec. Only the first in document order is
/// reported, and a hostile spec can have hundreds of thousands; past this
/// many, the first is taken among those kept.
const KEPT_PROBLEMS: usize = 100;

impl<'a> Problems<'a> {
    pub(crate) fn new(file: &'a str, text: &'a str) -> Self {
        Self { file, text, tokens: std::cell::OnceCell::new(), found: Vec::new() }
    }

    pub(crate) fn error(&self, path: &SpecPath, message: impl Into<String>) -> SpecError {
        let tokens = self.tokens.get_or_init(|| tokens(self.text));
        SpecError {
            file: self.file.to_owned(),
            line: locate_in(tokens, path),
            path: path.clone(),
            message: message.into(),
        }
    }

    pub(crate) fn push(&mut self, path: &SpecPath, message: impl Into<String>) {
        if self.found.len() < KEPT_PROBLEMS {
            let error = self.error(path, message);
            self.found.push(error);
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_paths_readably() {
        let path = SpecPath::root().key("paths").key("/A").key("post").key("parameters").index(1);
        assert_eq!(path.to_string(), r#"paths["/A"].post.parameters[1]"#);
    }
}
