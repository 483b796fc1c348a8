//! Open enums: vendor status and type strings as Rust enums that still decode
//! a value the spec does not list, into `Unknown(String)`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::error::{Problems, SpecPath};

/// A string enum declared under `components/schemas`.
pub(crate) struct OpenEnum {
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) values: Vec<String>,
}

/// The name a value gets as a variant: `InProgress` stays, `in_progress` and
/// `in-progress` become `InProgress`.
pub(crate) fn variant_name(value: &str) -> String {
    value
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// Finds the named string enums of a checked document and checks that each
/// value gives a distinct, usable variant name.
pub(crate) fn collect(document: &Value, problems: &mut Problems) -> Vec<OpenEnum> {
    let mut out = Vec::new();
    let Some(schemas) = document.pointer("/components/schemas").and_then(Value::as_object) else {
        return out;
    };
    for (name, schema) in schemas {
        let Some(values) = schema.get("enum").and_then(Value::as_array) else { continue };
        let at = SpecPath::root().key("components").key("schemas").key(name.clone()).key("enum");
        let values: Vec<String> = values.iter().filter_map(Value::as_str).map(str::to_owned).collect();
        let mut seen = std::collections::BTreeMap::new();
        for (i, value) in values.iter().enumerate() {
            let variant = variant_name(value);
            if variant.is_empty() || variant.starts_with(|c: char| c.is_ascii_digit()) {
                problems.push(&at.index(i), format!("`{value}` gives no usable Rust variant name"));
            } else if variant == "Unknown" {
                problems.push(&at.index(i), "`Unknown` is reserved for values the spec does not list");
            } else if let Some(other) = seen.insert(variant.clone(), value) {
                problems.push(
                    &at.index(i),
                    format!("`{value}` and `{other}` both become the variant `{variant}`"),
                );
            }
        }
        out.push(OpenEnum {
            name: name.clone(),
            description: schema.get("description").and_then(Value::as_str).map(str::to_owned),
            values,
        });
    }
    out
}

impl OpenEnum {
    /// The Rust items for this enum, to be placed in the generated `types` module.
    pub(crate) fn tokens(&self) -> TokenStream {
        let name = format_ident!("{}", self.name);
        let doc = self.description.clone().unwrap_or_else(|| format!("Values of `{}`.", self.name));
        let variants: Vec<_> = self.values.iter().map(|v| format_ident!("{}", variant_name(v))).collect();
        let values = &self.values;
        let variant_docs = values.iter().map(|v| format!("`{v}`"));
        quote! {
            #[doc = #doc]
            ///
            /// This enum is open: a value the spec does not list decodes as
            /// `Unknown` and re-encodes unchanged, so a new vendor value never
            /// breaks decoding.
            #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
            pub enum #name {
                #( #[doc = #variant_docs] #variants, )*
                /// A value this client's spec does not list, kept verbatim.
                Unknown(::std::string::String),
            }

            impl #name {
                /// The value as the vendor sends it.
                pub fn as_str(&self) -> &str {
                    match self {
                        #( Self::#variants => #values, )*
                        Self::Unknown(value) => value.as_str(),
                    }
                }
            }

            impl ::std::convert::From<&str> for #name {
                fn from(value: &str) -> Self {
                    match value {
                        #( #values => Self::#variants, )*
                        other => Self::Unknown(other.to_owned()),
                    }
                }
            }

            impl ::std::convert::From<::std::string::String> for #name {
                fn from(value: ::std::string::String) -> Self {
                    Self::from(value.as_str())
                }
            }

            impl ::std::str::FromStr for #name {
                type Err = ::std::convert::Infallible;
                fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                    Ok(Self::from(value))
                }
            }

            impl ::std::fmt::Display for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }

            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                    serializer.serialize_str(self.as_str())
                }
            }

            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                    let value = <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)?;
                    Ok(Self::from(value))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::variant_name;

    #[test]
    fn variant_names_follow_rust_conventions() {
        assert_eq!(variant_name("InProgress"), "InProgress");
        assert_eq!(variant_name("in_progress"), "InProgress");
        assert_eq!(variant_name("in-progress"), "InProgress");
        assert_eq!(variant_name("success"), "Success");
        assert_eq!(variant_name("--"), "");
    }
}
