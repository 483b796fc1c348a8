//! `cargo xtask diff` and `cargo xtask lint`: a corpus of spec changes, each
//! with its report pinned by a snapshot, and a case for every lint rule.

use std::fs;

use cloudjobs_codegen::diff::{Severity, diff_specs, markdown};
use cloudjobs_tests::workspace_root;

/// The corpus's base: CloudSSO's spec as it was with one operation, kept as a
/// fixture so that the corpus does not change whenever the real spec grows.
fn base() -> String {
    fs::read_to_string(workspace_root().join("tests/fixtures/spec_review/base.yaml")).unwrap()
}

fn edit(text: &str, edits: &[(&str, &str)]) -> String {
    let mut text = text.to_owned();
    for (find, replace) in edits {
        assert!(text.contains(find), "the base spec lacks {find:?}");
        text = text.replacen(find, replace, 1);
    }
    text
}

const SECOND_OPERATION: &str = r##"  /GetTask:
    post:
      operationId: GetTask
      summary: Queries a task.
      x-cloudjobs-action: GetTask
      parameters:
        - name: TaskId
          in: query
          required: true
          description: The task ID.
          schema:
            type: string
      responses:
        "200":
          description: The task.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/GetTaskStatusResponse"
        4XX:
          description: Rejected.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/AlibabaError"
components:
"##;

const OPTIONAL_PARAMETER: &str = r##"      parameters:
        - name: Verbose
          in: query
          required: false
          description: Whether to say more.
          schema:
            type: boolean
"##;

const REQUIRED_PARAMETER: &str = r##"      parameters:
        - name: RegionId
          in: query
          required: true
          description: The region.
          schema:
            type: string
"##;

/// A named change: the edits turning the old spec into the new one, and the
/// severity its first (most severe) change must have.
type Case = (&'static str, Vec<(&'static str, &'static str)>, Option<Severity>);

fn corpus() -> Vec<Case> {
    vec![
        ("operation_added", vec![("components:\n", SECOND_OPERATION)], Some(Severity::NonBreaking)),
        (
            "required_parameter_added",
            vec![("      parameters:\n", REQUIRED_PARAMETER)],
            Some(Severity::Breaking),
        ),
        (
            "optional_parameter_added",
            vec![("      parameters:\n", OPTIONAL_PARAMETER)],
            Some(Severity::NonBreaking),
        ),
        (
            "parameter_renamed",
            vec![
                ("        - name: TaskId\n", "        - name: JobId\n"),
                ("id-param: TaskId", "id-param: JobId"),
            ],
            Some(Severity::Breaking),
        ),
        (
            "parameter_made_optional",
            vec![(
                "        - name: TaskId\n          in: query\n          required: true",
                "        - name: TaskId\n          in: query\n          required: false",
            )],
            Some(Severity::NonBreaking),
        ),
        (
            "parameter_type_changed",
            vec![(
                "          description: The task ID.\n          schema:\n            type: string",
                "          description: The task ID.\n          schema:\n            type: integer\n            format: int64",
            )],
            Some(Severity::Breaking),
        ),
        (
            "response_field_added",
            vec![(
                "        StartTime:\n",
                "        Progress:\n          type: integer\n          format: int32\n          description: Percent done.\n        StartTime:\n",
            )],
            Some(Severity::NonBreaking),
        ),
        (
            "response_field_removed",
            vec![(
                "        EndTime:\n          type: string\n          description: The end time of the task.\n          example: \"2021-11-05T02:58:08Z\"\n",
                "",
            )],
            Some(Severity::Breaking),
        ),
        (
            "response_field_type_changed",
            vec![(
                "        EndTime:\n          type: string\n",
                "        EndTime:\n          type: integer\n          format: int64\n",
            )],
            Some(Severity::Breaking),
        ),
        (
            "enum_value_added",
            vec![("enum: [InProgress, Success, Failed]", "enum: [InProgress, Success, Failed, Cancelled]")],
            Some(Severity::NonBreaking),
        ),
        (
            "enum_value_removed",
            vec![("enum: [InProgress, Success, Failed]", "enum: [InProgress, Success]")],
            Some(Severity::Breaking),
        ),
        (
            "error_code_added",
            vec![(
                "      x-cloudjobs-error-codes: []",
                "      x-cloudjobs-error-codes:\n        - code: EntityNotExists.Task\n          description: The task does not exist.",
            )],
            Some(Severity::NonBreaking),
        ),
        (
            "protocol_version_changed",
            vec![
                ("  version: \"2021-05-15\"", "  version: \"2022-01-01\""),
                ("  api-version: \"2021-05-15\"", "  api-version: \"2022-01-01\""),
            ],
            Some(Severity::Breaking),
        ),
        (
            "endpoint_changed",
            vec![(
                "  endpoint: https://cloudsso.{region}.aliyuncs.com",
                "  endpoint: https://cloudsso-vpc.{region}.aliyuncs.com",
            )],
            Some(Severity::Breaking),
        ),
        (
            "documentation_only",
            vec![("description: The directory ID.", "description: The ID of the directory.")],
            Some(Severity::Documentation),
        ),
        ("no_change", vec![], None),
    ]
}

#[test]
fn every_kind_of_change_is_reported_and_graded() {
    let base = base();
    for (name, edits, first) in corpus() {
        let changed = edit(&base, &edits);
        let diff =
            diff_specs("alibaba-cloudsso", Some(("old.yaml", &base)), Some(("new.yaml", &changed))).unwrap();
        assert_eq!(diff.changes.first().map(|c| c.severity), first, "{name}: {:#?}", diff.changes);
        // Breaking changes come first.
        assert!(diff.changes.windows(2).all(|w| w[0].severity <= w[1].severity), "{name}");
        insta::assert_snapshot!(format!("diff_{name}"), markdown(&[diff]));
    }
}

#[test]
fn removals_are_the_reverse_of_additions() {
    let base = base();
    let cases = [
        ("operation removed", vec![("components:\n", SECOND_OPERATION)]),
        ("parameter removed", vec![("      parameters:\n", OPTIONAL_PARAMETER)]),
        (
            "error code removed",
            vec![(
                "      x-cloudjobs-error-codes: []",
                "      x-cloudjobs-error-codes:\n        - code: E\n          description: d",
            )],
        ),
        (
            "parameter made required",
            vec![(
                "        - name: TaskId\n          in: query\n          required: true",
                "        - name: TaskId\n          in: query\n          required: false",
            )],
        ),
    ];
    for (kind, edits) in cases {
        let richer = edit(&base, &edits);
        let diff =
            diff_specs("alibaba-cloudsso", Some(("old.yaml", &richer)), Some(("new.yaml", &base))).unwrap();
        let change = diff
            .changes
            .iter()
            .find(|c| c.kind == kind)
            .unwrap_or_else(|| panic!("{kind}: {:#?}", diff.changes));
        assert_eq!(change.severity, Severity::Breaking, "{kind}");
        assert!(!change.rust_items.is_empty() || kind == "error code removed", "{kind}");
    }
    let added = diff_specs("new-api", None, Some(("new.yaml", &base))).unwrap();
    assert_eq!(added.changes[0].kind, "API added");
    let removed = diff_specs("old-api", Some(("old.yaml", &base)), None).unwrap();
    assert!(removed.is_breaking());
}

#[test]
fn removing_a_response_field_from_any_spec_is_breaking() {
    for api in xtask::apis(&workspace_root()).unwrap() {
        let text = fs::read_to_string(workspace_root().join(&api.spec)).unwrap();
        let spec: serde_json::Value = serde_yaml::from_str(&text).unwrap();
        // The first property of the first operation's success body.
        let (_, item) = spec["paths"].as_object().unwrap().iter().next().unwrap();
        let (_, operation) = item.as_object().unwrap().iter().next().unwrap();
        let reference =
            operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].as_str().unwrap();
        let schema = reference.rsplit('/').next().unwrap().to_owned();
        let field = spec["components"]["schemas"][&schema]["properties"]
            .as_object()
            .unwrap()
            .keys()
            .next()
            .unwrap()
            .clone();
        let mut edited = spec.clone();
        edited["components"]["schemas"][&schema]["properties"].as_object_mut().unwrap().remove(&field);
        if let Some(required) = edited["components"]["schemas"][&schema]["required"].as_array_mut() {
            required.retain(|r| r != &serde_json::Value::String(field.clone()));
        }
        let edited = serde_yaml::to_string(&edited).unwrap();
        let diff = diff_specs(&api.name, Some(("old.yaml", &text)), Some(("new.yaml", &edited))).unwrap();
        assert!(
            diff.changes
                .iter()
                .any(|c| c.kind == "response field removed" && c.severity == Severity::Breaking),
            "{}: removing {schema}.{field}: {:#?}",
            api.name,
            diff.changes
        );
    }
}

#[test]
fn every_spec_keeps_the_conventions() {
    let found = xtask::lint_all(&workspace_root()).unwrap();
    assert!(found.is_empty(), "{}", found.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"));
}

#[test]
fn a_spec_file_outside_specs_is_checked_and_named_as_given() {
    let scratch = tempfile::tempdir().unwrap();
    let spec = std::fs::read_to_string(workspace_root().join("specs/alibaba-cloudsso.yaml")).unwrap();
    let draft = scratch.path().join("draft.yaml");
    std::fs::write(&draft, &spec).unwrap();
    assert!(xtask::lint_files(std::slice::from_ref(&draft)).unwrap().is_empty());
    std::fs::write(&draft, spec.replacen("required: true", "required: maybe", 1)).unwrap();
    let found = xtask::lint_files(std::slice::from_ref(&draft)).unwrap();
    let shown = found.iter().map(|e| e.to_string()).collect::<Vec<_>>();
    assert_eq!(found.len(), 1, "{shown:?}");
    assert!(shown[0].starts_with(&format!("{}:", draft.display())), "{shown:?}");
    assert!(shown[0].contains(".required: not a valid OpenAPI 3.0 document"), "{shown:?}");
}

#[test]
fn each_lint_rule_fails_with_a_location() {
    let base = base();
    let cases: &[(&str, &str, &str, &str, &str)] = &[
        (
            "OpenAPI 3.0.3",
            "openapi: 3.0.3",
            "openapi: 3.0.2",
            "openapi",
            "specs are written as OpenAPI 3.0.3",
        ),
        (
            "property described",
            "        TaskId:\n          type: string\n          description: The task ID.\n",
            "        TaskId:\n          type: string\n",
            "components.schemas.TaskStatus.properties.TaskId",
            "property TaskId has no description",
        ),
        (
            "parameter described",
            "          description: The directory ID.\n",
            "",
            r#"paths["/GetTaskStatus"].post.parameters[0]"#,
            "parameter DirectoryId has no description",
        ),
        (
            "schema described",
            "      description: The status information about the task.\n",
            "",
            "components.schemas.TaskStatus",
            "schema TaskStatus has no description",
        ),
        (
            "operation described",
            "      summary: Queries the status of an asynchronous task.\n      description: >-",
            "      x-summary: none\n      x-description: >-",
            r#"paths["/GetTaskStatus"].post"#,
            "neither summary nor description",
        ),
        (
            "example has the schema's types",
            "                RequestId: 005F4623-AE53-504D-830F-44825F7DC211\n                TaskStatus:",
            "                RequestId: 42\n                TaskStatus:",
            r#"paths["/GetTaskStatus"].post.responses["200"].content["application/json"].example.RequestId"#,
            "is not of type string",
        ),
        (
            "example has the required fields",
            "                  TaskId: t-shfqw1u1edszvxw5****\n                  EndTime",
            "                  EndTime",
            r#"paths["/GetTaskStatus"].post.responses["200"].content["application/json"].example.TaskStatus"#,
            "lacks the required field TaskId",
        ),
        (
            "error envelope declared",
            "        4XX:\n",
            "        \"300\":\n",
            r#"paths["/GetTaskStatus"].post.responses"#,
            "no 4xx response",
        ),
        (
            "operation id is the action",
            "operationId: GetTaskStatus",
            "operationId: GetTaskStatusV2",
            r#"paths["/GetTaskStatus"].post.x-cloudjobs-action"#,
            "must equal the operationId",
        ),
        (
            "RPC path convention",
            "  /GetTaskStatus:",
            "  /getTaskStatus:",
            r#"paths["/getTaskStatus"]"#,
            "path must be `/GetTaskStatus`",
        ),
        (
            "x- extensions",
            "x-cloudjobs:\n",
            "x-cloudjob:\n",
            "(document root)",
            "missing the `x-cloudjobs` extension",
        ),
        (
            "explicit integer formats",
            "        StartTime:\n          type: string\n",
            "        StartTime:\n          type: integer\n",
            "components.schemas.TaskStatus.properties.StartTime",
            "integer without `format`",
        ),
        (
            "no additionalProperties false",
            "      description: The status information about the task.\n",
            "      description: The status information about the task.\n      additionalProperties: false\n",
            "components.schemas.TaskStatus.additionalProperties",
            "additionalProperties: false",
        ),
    ];
    for (rule, find, replace, path, message) in cases {
        let text = edit(&base, &[(find, replace)]);
        let found = cloudjobs_codegen::lint("specs/alibaba-cloudsso.yaml", &text);
        let hit = found.iter().find(|e| e.message.contains(message)).unwrap_or_else(|| {
            panic!(
                "{rule}: expected {message:?}, got:\n{}",
                found.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n")
            )
        });
        assert_eq!(hit.path.to_string(), *path, "{rule}: {hit}");
        assert!(hit.line.is_some() && hit.file == "specs/alibaba-cloudsso.yaml", "{rule}: {hit}");
    }
}

#[test]
fn xtask_diff_reads_the_base_revision_from_git() {
    let repo = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| {
        let status = std::process::Command::new("git")
            .args(["-c", "user.name=test", "-c", "user.email=test@example.com"])
            .args(args)
            .current_dir(repo.path())
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    };
    git(&["init", "-q", "-b", "main"]);
    fs::create_dir_all(repo.path().join("specs")).unwrap();
    let spec = repo.path().join("specs/alibaba-cloudsso.yaml");
    fs::write(&spec, base()).unwrap();
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "base"]);
    assert_eq!(xtask::default_base(repo.path()).len(), 40, "the merge base with main is a commit");

    let unchanged = xtask::diff_all(repo.path(), "HEAD").unwrap();
    assert!(unchanged.iter().all(|d| d.changes.is_empty()));
    fs::write(&spec, edit(&base(), &[("        EndTime:\n          type: string\n          description: The end time of the task.\n          example: \"2021-11-05T02:58:08Z\"\n", "")])).unwrap();
    let changed = xtask::diff_all(repo.path(), "HEAD").unwrap();
    assert!(changed[0].is_breaking(), "{changed:#?}");
    let error = xtask::diff_all(repo.path(), "no-such-revision").unwrap_err();
    assert!(error.contains("no-such-revision"), "{error}");
}

/// Every `enum` value and every word of an `x-cloudjobs-job` mapping in `spec`,
/// each with the key path where it sits.
fn documented_words(spec: &serde_json::Value) -> Vec<(String, String)> {
    fn walk(value: &serde_json::Value, path: &str, found: &mut Vec<(String, String)>) {
        match value {
            serde_json::Value::Object(map) => {
                for (key, child) in map {
                    let here = format!("{path}.{key}");
                    let is_word_list = key == "enum"
                        || (path.ends_with("x-cloudjobs-job") && key != "id-param" && child.is_array());
                    if is_word_list {
                        for word in child.as_array().into_iter().flatten() {
                            let word = word.as_str().map(str::to_owned).unwrap_or_else(|| word.to_string());
                            found.push((word, here.clone()));
                        }
                    } else {
                        walk(child, &here, found);
                    }
                }
            }
            serde_json::Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    walk(item, &format!("{path}[{index}]"), found);
                }
            }
            _ => {}
        }
    }
    let mut found = Vec::new();
    walk(spec, "", &mut found);
    found
}

#[test]
fn every_state_word_and_enum_value_is_sourced_beside_its_spec() {
    for api in xtask::apis(&workspace_root()).unwrap() {
        let notes_path = format!("specs/{}.md", api.name);
        let notes = fs::read_to_string(workspace_root().join(&notes_path))
            .unwrap_or_else(|e| panic!("{notes_path}: {e}: every spec has its sources beside it"));
        let spec = crate::support::spec(&api.name);
        let words = documented_words(&spec);
        assert!(!words.is_empty(), "specs/{}.yaml: no job words found; has x-cloudjobs-job moved?", api.name);
        for (word, path) in words {
            // HTTP statuses (Oracle's job states) are sourced as `200`, `202`.
            assert!(
                notes.contains(&format!("`{word}`")),
                "specs/{}.yaml at {path}: `{word}` has no source or stated assumption in {notes_path}",
                api.name
            );
        }
    }
}
