//! How an answer is printed: the format (`--output`), a JMESPath `--query`,
//! or the vendor's bytes as they came (`--raw`).

use std::io::Write;

use serde_json::Value;

/// The environment variable that sets the default `--output`.
pub const OUTPUT_VARIABLE: &str = "CLOUDJOBS_OUTPUT";

/// The shapes an answer can be printed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Indented JSON (the default).
    Json,
    /// JSON on one line.
    Compact,
    /// A table with borders, for reading.
    Table,
    /// Tab-separated values, for shell scripts (`cut`, `read`).
    Text,
}

impl Format {
    /// Reads a format name as `--output` takes it.
    pub fn parse(name: &str) -> Option<Self> {
        <Self as clap::ValueEnum>::from_str(name, true).ok()
    }
}

/// Prints answers the way the command line asked.
pub struct Printer {
    /// The format.
    pub format: Format,
    /// Whether `--output` was given on the command line rather than taken from a default.
    pub format_explicit: bool,
    /// The compiled `--query`.
    pub query: Option<jmespath::Expression<'static>>,
    /// `--raw`: print what the vendor sent.
    pub raw: bool,
}

impl Printer {
    /// Compiles a JMESPath expression, with the error pointing at the problem.
    pub fn compile(query: &str) -> Result<jmespath::Expression<'static>, String> {
        jmespath::compile(query).map_err(|e| format!("--query is not a JMESPath expression: {e}"))
    }

    /// Prints one answer: `typed` is the answer as the spec reads it, `raw`
    /// the bytes the vendor sent, when they were kept.
    ///
    /// `--raw` alone prints the bytes untouched. With `--query` or an
    /// explicit `--output`, the vendor's JSON (fields no spec knows
    /// included) is what gets queried and formatted.
    pub fn print(&self, typed: &Value, raw: Option<&[u8]>, out: &mut dyn Write) -> Result<(), String> {
        let source = match (self.raw, raw) {
            (true, Some(bytes)) if self.query.is_none() && !self.format_explicit => {
                let _ = out.write_all(bytes);
                if !bytes.ends_with(b"\n") {
                    let _ = out.write_all(b"\n");
                }
                return Ok(());
            }
            (true, Some(bytes)) => serde_json::from_slice(bytes)
                .map_err(|e| format!("the vendor's answer is not JSON, so it cannot be queried: {e}"))?,
            _ => typed.clone(),
        };
        // A file's text (Oracle's job log) is printed as it is, whatever the format.
        if let (Value::String(text), None) = (&source, &self.query) {
            let _ = write!(out, "{text}");
            return Ok(());
        }
        let selected = self.select(source)?;
        let _ = out.write_all(render(self.format, &selected).as_bytes());
        Ok(())
    }

    /// Applies `--query`, if there is one.
    pub fn select(&self, value: Value) -> Result<Value, String> {
        let Some(query) = &self.query else { return Ok(value) };
        let found = query.search(value).map_err(|e| format!("--query failed: {e}"))?;
        serde_json::to_value(&*found).map_err(|e| format!("--query gave a value JSON cannot hold: {e}"))
    }
}

/// A value in `format`, ending with a newline.
pub fn render(format: Format, value: &Value) -> String {
    let mut text = match format {
        Format::Json => serde_json::to_string_pretty(value).unwrap_or_default(),
        Format::Compact => value.to_string(),
        Format::Table => table(value),
        Format::Text => {
            let mut lines = Vec::new();
            text_lines(value, &mut lines);
            lines.join("\n")
        }
    };
    text.push('\n');
    text
}

/// A scalar as a cell or a field of text output: strings without quotes,
/// null as nothing, anything else as compact JSON.
fn cell(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn is_scalar(value: &Value) -> bool {
    !matches!(value, Value::Array(_) | Value::Object(_))
}

/// Text output in the manner of `aws --output text`: the scalars of an object
/// on one tab-separated line (in the order of their names), then its nested
/// objects and lists on lines of their own; a list of scalars on one line; a
/// list of objects one line each.
fn text_lines(value: &Value, lines: &mut Vec<String>) {
    match value {
        Value::Object(fields) => {
            let scalars: Vec<String> = fields.values().filter(|v| is_scalar(v)).map(cell).collect();
            if !scalars.is_empty() {
                lines.push(scalars.join("\t"));
            }
            for nested in fields.values().filter(|v| !is_scalar(v)) {
                text_lines(nested, lines);
            }
        }
        Value::Array(items) if items.iter().all(is_scalar) => {
            lines.push(items.iter().map(cell).collect::<Vec<_>>().join("\t"))
        }
        Value::Array(items) => items.iter().for_each(|item| text_lines(item, lines)),
        scalar => lines.push(cell(scalar)),
    }
}

/// A bordered table: a list of objects has a column per field (in the order
/// they first appear); an object has a row per field; nested values are
/// shown as compact JSON.
fn table(value: &Value) -> String {
    let mut table = comfy_table::Table::new();
    let shown = |v: &Value| if is_scalar(v) { cell(v) } else { v.to_string() };
    match value {
        Value::Array(items) if !items.is_empty() && items.iter().all(Value::is_object) => {
            let mut columns: Vec<&String> = Vec::new();
            for item in items.iter().filter_map(Value::as_object) {
                for name in item.keys() {
                    if !columns.contains(&name) {
                        columns.push(name);
                    }
                }
            }
            table.set_header(columns.iter().map(|c| c.as_str()));
            for item in items.iter().filter_map(Value::as_object) {
                table.add_row(columns.iter().map(|c| item.get(c.as_str()).map(shown).unwrap_or_default()));
            }
        }
        Value::Array(items) => {
            for item in items {
                table.add_row([shown(item)]);
            }
        }
        Value::Object(fields) => {
            for (name, field) in fields {
                table.add_row([name.clone(), shown(field)]);
            }
        }
        scalar => {
            table.add_row([shown(scalar)]);
        }
    }
    table.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn text_is_tab_separated_scalars_then_nested_lines() {
        let answer = json!({"RequestId": "r-1", "TaskStatus": {"Status": "Success", "TaskId": "t-1"}});
        assert_eq!(render(Format::Text, &answer), "r-1\nSuccess\tt-1\n");
        assert_eq!(render(Format::Text, &json!(["a", "b"])), "a\tb\n");
        assert_eq!(render(Format::Text, &json!([{"a": 1}, {"a": 2}])), "1\n2\n");
        assert_eq!(render(Format::Text, &json!("Success")), "Success\n");
        assert_eq!(render(Format::Text, &Value::Null), "\n");
    }

    #[test]
    fn compact_is_one_line_and_table_has_a_column_per_field() {
        assert_eq!(render(Format::Compact, &json!({"a": [1, 2]})), "{\"a\":[1,2]}\n");
        let rows = render(Format::Table, &json!([{"TaskId": "t-1", "Status": "Success"}, {"TaskId": "t-2"}]));
        let header = rows.lines().nth(1).unwrap();
        assert!(header.contains("TaskId") && header.contains("Status"), "{rows}");
        assert!(rows.contains("t-2") && rows.contains("Success"), "{rows}");
    }

    #[test]
    fn queries_select_before_formatting_and_raw_keeps_the_bytes() {
        let printer = |query: Option<&str>, raw: bool, explicit: bool| Printer {
            format: Format::Text,
            format_explicit: explicit,
            query: query.map(|q| Printer::compile(q).unwrap()),
            raw,
        };
        let typed = json!({"TaskStatus": {"Status": "Success"}});
        let raw = br#"{"TaskStatus":{"Status":"Success","NewField":7}}"#;
        let mut out = Vec::new();
        printer(Some("TaskStatus.Status"), false, false).print(&typed, None, &mut out).unwrap();
        assert_eq!(out, b"Success\n");
        let mut out = Vec::new();
        printer(None, true, false).print(&typed, Some(raw), &mut out).unwrap();
        assert_eq!(out, [&raw[..], b"\n"].concat());
        let mut out = Vec::new();
        printer(Some("TaskStatus.NewField"), true, false).print(&typed, Some(raw), &mut out).unwrap();
        assert_eq!(out, b"7\n");
        assert!(Printer::compile("TaskStatus.[").unwrap_err().starts_with("--query is not a JMESPath"));
    }
}
