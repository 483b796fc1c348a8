//! Helpers shared by the modules of the workspace's integration tests.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The workspace root, where `specs/` and `crates/` live.
///
/// Read at run time: `cargo test` and `cargo bench` set `CARGO_MANIFEST_DIR`
/// for the binaries they start, to this package in the checkout they were run
/// in. The compile-time value would point at another checkout whenever two
/// share one `CARGO_TARGET_DIR`.
pub fn workspace_root() -> PathBuf {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::current_dir().expect("the current directory is readable"));
    manifest_dir.parent().map(Path::to_path_buf).expect("tests/ sits in the workspace root")
}

fn is_empty_collection(value: &Value) -> bool {
    value.as_array().is_some_and(Vec::is_empty) || value.as_object().is_some_and(serde_json::Map::is_empty)
}

/// The first place where `actual` differs from `expected`, as a key path such
/// as `TaskStatus.EndTime` with both values, or `None` when they are equal.
pub fn first_difference(expected: &Value, actual: &Value) -> Option<String> {
    fn walk(expected: &Value, actual: &Value, path: &str) -> Option<String> {
        let here = if path.is_empty() { "(root)" } else { path };
        match (expected, actual) {
            (Value::Object(a), Value::Object(b)) => {
                for (key, value) in a {
                    let child = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                    let difference = match b.get(key) {
                        Some(other) => walk(value, other, &child),
                        // The generated types leave out optional empty lists and
                        // maps when encoding; absent and empty mean the same there.
                        None if is_empty_collection(value) => None,
                        None => Some(format!("{child}: expected {value}, missing after the round trip")),
                    };
                    if difference.is_some() {
                        return difference;
                    }
                }
                b.keys()
                    .find(|key| !a.contains_key(*key))
                    .map(|key| format!("{here}.{key}: appeared after the round trip as {}", b[key]))
            }
            (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
                a.iter().zip(b).enumerate().find_map(|(i, (x, y))| walk(x, y, &format!("{path}[{i}]")))
            }
            _ if expected == actual => None,
            _ => Some(format!("{here}: expected {expected}, got {actual}")),
        }
    }
    walk(expected, actual, "")
}

/// Decodes `example` as `T` and encodes it again, failing with the key path
/// of the first difference. Returns the typed value's `Debug` form.
pub fn round_trip<T>(example: &Value) -> Result<String, String>
where
    T: serde::de::DeserializeOwned + serde::Serialize + std::fmt::Debug,
{
    let typed: T = serde_json::from_value(example.clone()).map_err(|e| format!("does not decode: {e}"))?;
    let again = serde_json::to_value(&typed).map_err(|e| format!("does not encode: {e}"))?;
    match first_difference(example, &again) {
        Some(difference) => Err(format!("changes in a round trip at {difference}")),
        None => Ok(format!("{typed:#?}")),
    }
}

/// A synthetic RPC spec with `operations` operations, for measuring how
/// generation scales: each operation has two query parameters and its own
/// response schema with a nested object and an open enum.
pub fn synthetic_spec(operations: usize) -> String {
    let mut text = String::from(
        "openapi: 3.0.3\ninfo:\n  title: Synthetic\n  description: A generated spec for benchmarks.\n  version: \"2020-01-01\"\n\
         x-cloudjobs:\n  vendor: alibaba\n  service: synthetic\n  api-version: \"2020-01-01\"\n  style: rpc\n\
         \x20 signing: ACS3-HMAC-SHA256\n  error-envelope: alibaba\n  endpoint: https://synthetic.{region}.aliyuncs.com\n\
         \x20 default-region: cn-hangzhou\npaths:\n",
    );
    for i in 0..operations {
        text.push_str(&format!(
            "  /GetJob{i}:\n    post:\n      operationId: GetJob{i}\n      description: Reads job {i}.\n      x-cloudjobs-action: GetJob{i}\n\
             \x20     parameters:\n        - name: JobId\n          in: query\n          required: true\n          description: The job.\n\
             \x20         schema:\n            type: string\n        - name: Verbose\n          in: query\n          required: false\n\
             \x20         description: More detail.\n          schema:\n            type: boolean\n      responses:\n        \"200\":\n\
             \x20         description: The job.\n          content:\n            application/json:\n              schema:\n\
             \x20               $ref: \"#/components/schemas/Job{i}\"\n        4XX:\n          description: Rejected.\n          content:\n\
             \x20           application/json:\n              schema:\n                $ref: \"#/components/schemas/Error\"\n"
        ));
    }
    text.push_str(
        "components:\n  schemas:\n    Error:\n      type: object\n      description: An error.\n      properties:\n\
         \x20       Code:\n          type: string\n          description: The code.\n    State:\n      type: string\n\
         \x20     description: A state.\n      enum: [Running, Done]\n",
    );
    for i in 0..operations {
        text.push_str(&format!(
            "    Job{i}:\n      type: object\n      description: Job {i}.\n      properties:\n        State:\n\
             \x20         $ref: \"#/components/schemas/State\"\n        Detail:\n          type: object\n          description: Detail.\n\
             \x20         properties:\n            Millis:\n              type: integer\n              format: int64\n\
             \x20             description: When.\n"
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::first_difference;
    use serde_json::json;

    #[test]
    fn synthetic_specs_generate() {
        let spec = super::synthetic_spec(3);
        let code =
            cloudjobs_codegen::generate("synthetic.yaml", &spec).unwrap_or_else(|e| panic!("{e}\n{spec}"));
        assert_eq!(code.matches("pub fn get_job").count(), 3);
    }

    #[test]
    fn reports_the_key_path_of_a_difference() {
        let expected = json!({"A": {"B": [1, {"C": "x"}]}});
        assert_eq!(first_difference(&expected, &expected), None);
        let changed = json!({"A": {"B": [1, {"C": "y"}]}});
        assert_eq!(first_difference(&expected, &changed).unwrap(), r#"A.B[1].C: expected "x", got "y""#);
        let missing = json!({"A": {}});
        assert!(first_difference(&expected, &missing).unwrap().starts_with("A.B: expected"));
        let emptied = json!({"A": {"B": [1, {"C": "x"}], "E": []}});
        assert_eq!(first_difference(&emptied, &expected), None, "an empty list may be left out");
        let extra = json!({"A": {"B": [1, {"C": "x"}], "D": 1}});
        assert_eq!(first_difference(&expected, &extra).unwrap(), "A.D: appeared after the round trip as 1");
    }
}

/// Every Rust snippet in the README, compiled as a doc test so that a snippet
/// that stops compiling fails `cargo test`.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
mod readme {}
