//! Generator output for small fixture specs, one feature each, pinned by snapshots.

use std::fs;

use cloudjobs_tests::workspace_root;

fn generate_fixture(name: &str) -> String {
    let path = workspace_root().join("tests/fixtures/generator").join(format!("{name}.yaml"));
    let text = fs::read_to_string(&path).unwrap();
    cloudjobs_codegen::generate(&format!("tests/fixtures/generator/{name}.yaml"), &text)
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn rpc_synthetic_path() {
    let code = generate_fixture("rpc-synthetic-path");
    // The synthetic path is what progenitor requests; the runtime rewrites it to `/`.
    assert!(code.contains(r#"format!("{}/DescribeThing", client.baseurl,)"#));
    assert!(code.contains(r#"action: ::std::option::Option::Some("DescribeThing")"#));
    insta::assert_snapshot!(code);
}

#[test]
fn accepted_202_with_one_schema() {
    let code = generate_fixture("accepted-202");
    assert!(code.contains("202u16 => ResponseValue::from_response(response).await"));
    insta::assert_snapshot!(code);
}

#[test]
fn open_enum() {
    let code = generate_fixture("open-enum");
    assert!(code.contains("Unknown(::std::string::String)"));
    assert!(code.contains(r#""in-review" => Self::InReview"#));
    insta::assert_snapshot!(code);
}

#[test]
fn error_envelope() {
    let code = generate_fixture("error-envelope");
    assert!(code.contains("Error<types::Error>"));
    assert!(code.contains("400u16..=499u16 =>") && code.contains("500u16..=599u16 =>"));
    insta::assert_snapshot!(code);
}

#[test]
fn nested_objects_and_arrays() {
    let code = generate_fixture("nested-objects-arrays");
    assert!(code.contains("pub items: ::std::vec::Vec<Item>"));
    assert!(code.contains("::std::option::Option<i64>"));
    insta::assert_snapshot!(code);
}
