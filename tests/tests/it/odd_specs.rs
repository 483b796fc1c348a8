//! Odd but valid specs: each is accepted by the generator, and the Rust it
//! makes compiles without a warning. The cases are the corners a transcribed
//! vendor document reaches: names that are Rust keywords or shadow std types,
//! punctuated names, recursive schemas, odd enum words, deep nesting, prose
//! full of Rust syntax, and many operations.
//!
//! Every case becomes a crate of one scratch workspace, checked by one
//! `cargo check` in `target/odd-specs` (a target directory of its own, so the
//! scratch crates never stand in for this checkout's).

use std::fs;
use std::process::Command;

use cloudjobs_tests::workspace_root;

/// The part every case shares: an Alibaba RPC API (query parameters, ACS3).
const HEAD: &str = r##"openapi: 3.0.3
info:
  title: Odd fixture
  description: An odd but valid spec.
  version: "2021-05-15"
x-cloudjobs:
  vendor: alibaba
  service: fixture
  api-version: "2021-05-15"
  style: rpc
  signing: ACS3-HMAC-SHA256
  error-envelope: alibaba
  endpoint: https://fixture.{region}.aliyuncs.com
  default-region: cn-shanghai
"##;

/// One RPC operation named `id` with the given query parameters (name, type)
/// and a 200 answer of the schema `answer`.
fn operation(id: &str, parameters: &[(&str, &str)], answer: &str) -> String {
    let mut text = format!(
        "  /{id}:\n    post:\n      operationId: {id}\n      description: Runs {id}.\n      x-cloudjobs-action: {id}\n"
    );
    if !parameters.is_empty() {
        text.push_str("      parameters:\n");
        for (name, kind) in parameters {
            let format = if *kind == "integer" { "            format: int64\n" } else { "" };
            text.push_str(&format!(
                "        - name: \"{name}\"\n          in: query\n          required: false\n          description: The {name}.\n          schema:\n            type: {kind}\n{format}"
            ));
        }
    }
    text.push_str(&format!(
        "      responses:\n        \"200\":\n          description: The answer.\n          content:\n            application/json:\n              schema:\n                $ref: \"#/components/schemas/{answer}\"\n"
    ));
    text
}

fn spec(operations: &[String], schemas: &str) -> String {
    format!("{HEAD}paths:\n{}components:\n  schemas:\n{schemas}", operations.concat())
}

/// The cases: a name for the scratch crate, and the spec.
fn cases() -> Vec<(&'static str, String)> {
    let answer = |id: &str| operation(id, &[], "Answer");
    let mut many: Vec<String> = (1..=40).map(|n| answer(&format!("ListThings{n}"))).collect();
    many.push(answer("getThing"));
    many.push(answer("getOtherTHING"));
    vec![
        (
            "std-and-generated-names",
            // Schemas named like std types and like the items progenitor
            // makes: they live in `types`, which must not be confused by them.
            spec(
                &[operation("GetTask", &[], "response"), operation("GetOther", &[], "types")],
                r##"    response:
      type: object
      description: Lower-case schema name.
      properties:
        Result: { $ref: "#/components/schemas/Result" }
        Option: { $ref: "#/components/schemas/Option" }
        String: { $ref: "#/components/schemas/String" }
        Vec: { $ref: "#/components/schemas/Vec" }
        Box: { $ref: "#/components/schemas/Box" }
        Value: { $ref: "#/components/schemas/Value" }
        Map: { $ref: "#/components/schemas/Map" }
    types:
      type: object
      description: Named like the module that holds every type.
      properties:
        Error: { $ref: "#/components/schemas/Error" }
    Result: { type: object, description: R, properties: { Ok: { type: string } } }
    Option: { type: object, description: O, properties: { Some: { type: string } } }
    String: { type: object, description: S, properties: { Inner: { type: string } } }
    Vec: { type: array, description: V, items: { type: string } }
    Box: { type: object, description: B, properties: { Inner: { type: integer, format: int64 } } }
    Value: { type: object, description: V, properties: { Inner: { type: number } } }
    Map: { type: object, description: M, additionalProperties: { type: string } }
    Error: { type: object, description: E, properties: { Code: { type: string } } }
"##,
            ),
        ),
        (
            "keyword-members",
            spec(
                &[operation(
                    "GetTask",
                    &[("type", "string"), ("ref", "string"), ("move", "integer"), ("Async", "boolean")],
                    "Answer",
                )],
                r##"    Answer:
      type: object
      description: Properties that are Rust keywords.
      required: [type, match]
      properties:
        type: { type: string }
        match: { type: integer, format: int64 }
        async: { type: boolean }
        gen: { type: string }
        try: { type: string }
        Fn: { type: string }
        Where: { type: string }
"##,
            ),
        ),
        (
            "punctuated-names",
            spec(
                &[operation("GetTask", &[("Next.Token", "string"), ("max-results", "integer")], "Answer")],
                r##"    Answer:
      type: object
      description: Names with dots, dashes and digits.
      properties:
        x-request.id: { type: string }
        Item2Id: { type: string }
        ETag: { type: string }
        ID: { type: string }
        A_B_C: { type: string }
"##,
            ),
        ),
        (
            "recursive-schemas",
            // A tree, a list, and two schemas that refer to each other.
            spec(
                &[operation("GetTree", &[], "Node"), operation("GetChain", &[], "Left")],
                r##"    Node:
      type: object
      description: A tree node.
      required: [Name]
      properties:
        Name: { type: string }
        Parent: { $ref: "#/components/schemas/Node" }
        Children:
          type: array
          items: { $ref: "#/components/schemas/Node" }
        ByName:
          type: object
          additionalProperties: { $ref: "#/components/schemas/Node" }
    Left:
      type: object
      description: One half of a cycle.
      properties:
        Right: { $ref: "#/components/schemas/Right" }
    Right:
      type: object
      description: The other half.
      required: [Left]
      properties:
        Left: { $ref: "#/components/schemas/Left" }
"##,
            ),
        ),
        (
            "odd-enum-words",
            spec(
                &[operation("GetTask", &[], "Answer")],
                r##"    Answer:
      type: object
      description: Enum words a vendor might use.
      properties:
        Status: { $ref: "#/components/schemas/StatusValue" }
        Phase: { $ref: "#/components/schemas/PhaseValue" }
    PhaseValue:
      type: string
      description: Words that are not identifiers.
      enum: ["a b", "in-review", "SUCCESS", "x.y", "Ünïcode", "r#raw"]
    StatusValue:
      type: string
      description: Words in every case.
      enum: [IN_PROGRESS, Success, failed, "Partially Failed"]
"##,
            ),
        ),
        ("deep-nesting", spec(&[operation("GetTask", &[], "Answer")], &nested_schema(12))),
        (
            "prose-full-of-rust",
            spec(
                &[operation("GetTask", &[("Filter", "string")], "Answer")],
                r##"    Answer:
      type: object
      description: "Braces {} {0} {name}, a comment end */ and start /*, quotes \" ' `, a backslash \\ and \\n, #[attr], r#\"raw\"#, //! and ///, <b>HTML</b>, [a](link), emoji 🎉 and 中文."
      properties:
        Text:
          type: string
          description: "```\nfn main() { panic!() }\n```"
          example: "\"quoted\" {braces} \\ back"
        Count:
          type: integer
          format: int32
          description: "}}}{{{"
          example: 2147483647
"##,
            ),
        ),
        (
            "formats-and-shapes",
            spec(
                &[operation(
                    "GetTask",
                    &[("Limit", "integer"), ("Ratio", "number"), ("On", "boolean")],
                    "Answer",
                )],
                r##"    Answer:
      type: object
      description: Every format and shape the rules let through.
      properties:
        Small: { type: integer, format: int32 }
        Big: { type: integer, format: int64 }
        Ratio: { type: number, format: double }
        Share: { type: number, format: float }
        Address: { type: string, format: ipv4 }
        Link: { type: string, format: uri }
        Mail: { type: string, format: email }
        Bytes: { type: string, format: byte }
        Blob: { type: string, format: binary }
        Maybe: { type: string, nullable: true }
        Anything: {}
        Labels: { type: object, additionalProperties: { type: string } }
        Empty: { type: object }
        Matrix: { type: array, items: { type: array, items: { type: integer, format: int64 } } }
"##,
            ),
        ),
        (
            "many-operations",
            spec(
                &many,
                "    Answer:\n      type: object\n      description: A.\n      properties:\n        Id: { type: string }\n",
            ),
        ),
    ]
}

/// An object whose one property is an array of objects, `depth` times over.
fn nested_schema(depth: usize) -> String {
    let mut text =
        String::from("    Answer:\n      type: object\n      description: Nested.\n      properties:\n");
    let mut indent = 8;
    for level in 0..depth {
        let pad = " ".repeat(indent);
        text.push_str(&format!(
            "{pad}Level{level}:\n{pad}  type: array\n{pad}  items:\n{pad}    type: object\n{pad}    properties:\n"
        ));
        indent += 6;
    }
    text.push_str(&format!("{}Leaf: {{ type: string }}\n", " ".repeat(indent)));
    text
}

#[test]
fn odd_but_valid_specs_generate_code_that_compiles() {
    let root = workspace_root();
    let scratch = tempfile::tempdir().unwrap();
    let mut members = Vec::new();
    let mut refused = Vec::new();
    for (name, text) in cases() {
        let code = match cloudjobs_codegen::generate(&format!("{name}.yaml"), &text) {
            Ok(code) => code,
            Err(error) => {
                refused.push(format!("{error}"));
                continue;
            }
        };
        let dir = scratch.path().join(name);
        fs::create_dir_all(dir.join("src")).unwrap();
        fs::write(
            dir.join("Cargo.toml"),
            format!(
                "[package]\nname = \"odd-{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
                 [dependencies]\ncloudjobs-core = {{ path = {core:?}, features = [\"alibaba\"] }}\n\
                 progenitor-client = \"0.15\"\nreqwest = {{ version = \"0.13\", default-features = false, features = [\"json\"] }}\n\
                 serde = {{ version = \"1\", features = [\"derive\"] }}\nserde_json = \"1\"\n",
                core = root.join("crates/core").display().to_string(),
            ),
        )
        .unwrap();
        fs::write(
            dir.join("src/lib.rs"),
            "//! Generated from an odd spec.\n#![deny(warnings)]\n#[rustfmt::skip]\n#[allow(missing_docs)]\nmod generated;\npub use generated::*;\n",
        )
        .unwrap();
        fs::write(dir.join("src/generated.rs"), code).unwrap();
        members.push(format!("{name:?}"));
    }
    assert!(refused.is_empty(), "odd but valid specs were refused:\n{}", refused.join("\n"));
    fs::write(
        scratch.path().join("Cargo.toml"),
        format!("[workspace]\nresolver = \"3\"\nmembers = [{}]\n", members.join(", ")),
    )
    .unwrap();
    // The checkout's lock file, so the scratch crates build against the
    // versions the committed crates are tested with.
    fs::copy(root.join("Cargo.lock"), scratch.path().join("Cargo.lock")).unwrap();
    let output = Command::new(env!("CARGO"))
        .args(["check", "--workspace", "--quiet", "--message-format", "short"])
        .current_dir(scratch.path())
        .env("CARGO_TARGET_DIR", root.join("target/odd-specs"))
        .output()
        .unwrap();
    let errors = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the generated code of an odd spec does not compile:\n{errors}");
}
