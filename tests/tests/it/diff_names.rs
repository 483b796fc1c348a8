//! The Rust items that `cargo xtask diff` names exist: the diff guesses
//! progenitor's and typify's names for operations, parameters, schemas and
//! fields, so every item it can name for a spec is looked up in that spec's
//! generated code, and a wrong guess fails here instead of misleading a reviewer.

use std::fs;

use cloudjobs_codegen::diff::rust_items;
use cloudjobs_tests::workspace_root;

/// The items of module `name` among `items`, if it is there.
fn module<'f>(items: &'f [syn::Item], name: &str) -> Option<&'f [syn::Item]> {
    items.iter().find_map(|item| match item {
        syn::Item::Mod(module) if module.ident == name => {
            module.content.as_ref().map(|(_, items)| &items[..])
        }
        _ => None,
    })
}

/// Whether an inherent `impl` of type `type_name` among `items` has the public method `method`.
fn has_method(items: &[syn::Item], type_name: &str, method: &str) -> bool {
    items.iter().any(|item| match item {
        syn::Item::Impl(block) if block.trait_.is_none() => {
            let implements = matches!(&*block.self_ty, syn::Type::Path(p)
                if p.path.segments.last().is_some_and(|segment| segment.ident == type_name));
            implements
                && block.items.iter().any(|member| {
                    matches!(member, syn::ImplItem::Fn(f)
                        if f.sig.ident == method && matches!(f.vis, syn::Visibility::Public(_)))
                })
        }
        _ => false,
    })
}

/// Whether type `type_name` among `items` is a struct with the public field
/// `member` or an enum with the variant `member`.
fn has_member(items: &[syn::Item], type_name: &str, member: &str) -> bool {
    items.iter().any(|item| match item {
        syn::Item::Struct(s) if s.ident == type_name => s.fields.iter().any(|field| {
            field.ident.as_ref().is_some_and(|ident| ident == member)
                && matches!(field.vis, syn::Visibility::Public(_))
        }),
        syn::Item::Enum(e) if e.ident == type_name => {
            e.variants.iter().any(|variant| variant.ident == member)
        }
        _ => false,
    })
}

/// Whether `item`, as the diff writes it (`PROTOCOL`, `Client::method`,
/// `builder::Operation::setter`, `types::Type::field_or_variant`), is in `file`.
fn resolves(file: &syn::File, item: &str) -> bool {
    match item.split("::").collect::<Vec<_>>()[..] {
        [constant] => file.items.iter().any(|i| matches!(i, syn::Item::Const(c) if c.ident == constant)),
        ["Client", method] => has_method(&file.items, "Client", method),
        ["builder", builder, setter] => {
            module(&file.items, "builder").is_some_and(|items| has_method(items, builder, setter))
        }
        ["types", type_name, member] => {
            module(&file.items, "types").is_some_and(|items| has_member(items, type_name, member))
        }
        _ => false,
    }
}

/// The items the diff can name for a spec that are not in its generated code.
fn missing_items(spec_file: &str, spec_text: &str, generated: &str) -> Vec<String> {
    let file = syn::parse_file(generated).unwrap_or_else(|e| panic!("{spec_file}: generated code: {e}"));
    let items = rust_items(spec_file, spec_text).unwrap();
    // PROTOCOL and at least one method: an empty list would pass vacuously.
    assert!(items.len() >= 2, "{spec_file}: {items:?}");
    items
        .into_iter()
        .filter(|item| !resolves(&file, item))
        .map(|item| format!("{spec_file}: {item}"))
        .collect()
}

#[test]
fn every_item_the_diff_names_is_in_the_committed_generated_code() {
    let root = workspace_root();
    let mut missing = Vec::new();
    for api in xtask::apis(&root).unwrap() {
        let spec_text = fs::read_to_string(root.join(&api.spec)).unwrap();
        let generated = fs::read_to_string(root.join(&api.generated)).unwrap();
        missing.extend(missing_items(&api.spec.display().to_string(), &spec_text, &generated));
    }
    assert!(missing.is_empty(), "the diff names items that do not exist:\n{}", missing.join("\n"));
}

#[test]
fn every_item_the_diff_names_is_in_the_code_generated_for_the_fixtures() {
    // The fixtures hold what the specs lack, such as types written inline.
    let directory = workspace_root().join("tests/fixtures/generator");
    let mut missing = Vec::new();
    for entry in fs::read_dir(&directory).unwrap() {
        let path = entry.unwrap().path();
        let spec_file = path.display().to_string();
        let spec_text = fs::read_to_string(&path).unwrap();
        let generated = cloudjobs_codegen::generate(&spec_file, &spec_text).unwrap();
        missing.extend(missing_items(&spec_file, &spec_text, &generated));
    }
    assert!(missing.is_empty(), "the diff names items that do not exist:\n{}", missing.join("\n"));
}
