//! What a generated client holds beyond progenitor's output: the `PROTOCOL`
//! constant, `call_json` for generic callers, and the invocations of the
//! runtime's glue macros. Also the `cloudjobs` command's registry of APIs.

use heck::{ToKebabCase, ToPascalCase, ToSnakeCase};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::extensions::{ApiProtocol, Signing, Style, Vendor};
use crate::model::{CheckedOperation, CheckedParam, CheckedSpec, Location};
use crate::rust_type::{param_kind, param_type, setter_name, type_name};

fn option_str(value: &Option<String>) -> TokenStream {
    match value {
        Some(value) => quote!(::std::option::Option::Some(#value)),
        None => quote!(::std::option::Option::None),
    }
}

fn vendor_tokens(vendor: Vendor) -> TokenStream {
    match vendor {
        Vendor::Alibaba => quote!(cloudjobs_core::Vendor::Alibaba),
        Vendor::Tencent => quote!(cloudjobs_core::Vendor::Tencent),
        Vendor::Huawei => quote!(cloudjobs_core::Vendor::Huawei),
        Vendor::Oracle => quote!(cloudjobs_core::Vendor::Oracle),
    }
}

fn param_tokens(param: &CheckedParam) -> TokenStream {
    let CheckedParam { name, required, description, location, .. } = param;
    let flag = name.to_kebab_case();
    let location = match location {
        Location::Query => quote!(cloudjobs_core::ParamLocation::Query),
        Location::Path => quote!(cloudjobs_core::ParamLocation::Path),
        Location::Header => quote!(cloudjobs_core::ParamLocation::Header),
        Location::Body => quote!(cloudjobs_core::ParamLocation::Body),
    };
    let kind = param_kind(param.value_type.as_deref());
    let flat = param.flat;
    let example = option_str(&param.example);
    quote! {
        cloudjobs_core::Param {
            name: #name,
            flag: #flag,
            location: #location,
            kind: #kind,
            required: #required,
            description: #description,
            flat: #flat,
            example: #example,
        }
    }
}

/// The `cloudjobs_core::JobModel` of an operation's `x-cloudjobs-job`, if it has one.
fn job_model(op: &CheckedOperation) -> Option<TokenStream> {
    let job = op.job.as_ref()?;
    let [id_param, id_field, reason, failure_field, partial_field] =
        [&job.id_param, &job.id_field, &job.reason, &job.failure_field, &job.partial_field].map(option_str);
    let (status, running, succeeded, failed, partial) =
        (&job.status, &job.running, &job.succeeded, &job.failed, &job.partial);
    Some(quote! {
        cloudjobs_core::JobModel {
            id_param: #id_param,
            id_field: #id_field,
            status: #status,
            running: &[#(#running),*],
            succeeded: &[#(#succeeded),*],
            failed: &[#(#failed),*],
            reason: #reason,
            failure_field: #failure_field,
            partial: &[#(#partial),*],
            partial_field: #partial_field,
        }
    })
}

/// The `cloudjobs_core::StartModel` of an operation's `x-cloudjobs-start`.
fn start_model(op: &CheckedOperation) -> TokenStream {
    let Some(start) = &op.start else { return quote!(::std::option::Option::None) };
    let follow = &start.follow;
    let [ids, ids_from_header] = [&start.ids, &start.ids_from_header].map(option_str);
    let carry = start.carry.iter().map(|(status, start)| quote!((#status, #start)));
    let conflict = match &start.conflict {
        None => quote!(::std::option::Option::None),
        Some(conflict) => {
            let (status, message, same) = (conflict.status, &conflict.message, &conflict.same);
            let code = option_str(&conflict.code);
            let until_removed = conflict.until.as_deref() == Some("removed");
            quote! {
                ::std::option::Option::Some(cloudjobs_core::Conflict {
                    status: #status,
                    code: #code,
                    message: #message,
                    same: &[#(#same),*],
                    until_removed: #until_removed,
                })
            }
        }
    };
    let [creates, removes] = [&start.creates, &start.removes].map(option_str);
    quote! {
        ::std::option::Option::Some(cloudjobs_core::StartModel {
            follow: #follow,
            ids: #ids,
            ids_from_header: #ids_from_header,
            carry: &[#(#carry),*],
            conflict: #conflict,
            creates: #creates,
            removes: #removes,
        })
    }
}

/// The `cloudjobs_core::ListModel` of an operation's `x-cloudjobs-list`.
fn list_model(op: &CheckedOperation) -> TokenStream {
    let Some(list) = &op.list else { return quote!(::std::option::Option::None) };
    let (items, next_token, next_token_field) = (&list.items, &list.next_token, &list.next_token_field);
    let page_size = option_str(&list.page_size);
    quote! {
        ::std::option::Option::Some(cloudjobs_core::ListModel {
            items: #items,
            next_token: #next_token,
            next_token_field: #next_token_field,
            page_size: #page_size,
        })
    }
}

/// The invocation of the runtime's typed waiter for a job operation (see
/// `cloudjobs_core::job_waiter!`); the waiter reads the job model from `PROTOCOL`.
fn typed_waiter(index: usize, op: &CheckedOperation) -> Option<TokenStream> {
    op.job.as_ref()?;
    let id = &op.operation_id;
    let builder = format_ident!("{}", op.operation_id.to_pascal_case());
    let response = format_ident!("{}", type_name(op.response_schema.as_ref()?));
    let index = proc_macro2::Literal::usize_unsuffixed(index);
    Some(quote! {
        cloudjobs_core::job_waiter!(#id, #builder, #response, #index);
    })
}

fn operation_tokens(op: &CheckedOperation) -> TokenStream {
    let CheckedOperation { operation_id, method, path, summary, .. } = op;
    let action = option_str(&op.action);
    let codes = op.error_codes.iter().map(|c| {
        let (code, description) = (&c.code, &c.description);
        quote!(cloudjobs_core::ErrorCode { code: #code, description: #description })
    });
    let params = op.params.iter().map(param_tokens);
    let command = operation_id.to_kebab_case();
    let example = option_str(&op.example);
    let job = match job_model(op) {
        None => quote!(::std::option::Option::None),
        Some(model) => quote!(::std::option::Option::Some(#model)),
    };
    let mutates = op.mutates;
    let rate_limit = match op.rate_limit.map(std::num::NonZeroU32::get) {
        Some(per_second) => quote!(::std::option::Option::Some(#per_second)),
        None => quote!(::std::option::Option::None),
    };
    let (start, list) = (start_model(op), list_model(op));
    let body = op.body_schema.is_some();
    quote! {
        cloudjobs_core::Operation {
            operation_id: #operation_id,
            command: #command,
            method: #method,
            path: #path,
            action: #action,
            error_codes: &[#(#codes),*],
            summary: #summary,
            params: &[#(#params),*],
            job: #job,
            mutates: #mutates,
            rate_limit: #rate_limit,
            start: #start,
            list: #list,
            example: #example,
            body: #body,
        }
    }
}

/// One arm of `call_json`: set each argument given, send, return the body as JSON.
fn dispatch_arm(index: usize, op: &CheckedOperation) -> TokenStream {
    let id = &op.operation_id;
    let method = format_ident!("{}", op.operation_id.to_snake_case());
    let setters: Vec<TokenStream> = op.params.iter().enumerate().filter(|(_, p)| p.location != Location::Body).map(|(i, p)| {
        let name = &p.name;
        let setter = setter_name(name);
        let kind = param_type(&p.schema);
        quote! {
            if let ::std::option::Option::Some(text) = args.get(#name) {
                request = request.#setter(cloudjobs_core::parse_arg::<#kind>(&operation.params[#i], text)?);
            }
        }
    }).collect();
    let body = op.body_schema.as_ref().map(|schema| {
        let schema = format_ident!("{}", type_name(schema));
        quote! {
            request = request.body(cloudjobs_core::body_from_args::<types::#schema>(operation.params, args)?);
        }
    });
    let outcome = if op.file_response {
        quote!(cloudjobs_core::CallOutput::from_file_call(&PROTOCOL, operation, request.send().await).await)
    } else {
        quote!(cloudjobs_core::CallOutput::from_call(&PROTOCOL, operation, request.send().await))
    };
    // Only an operation that takes arguments changes its builder.
    let takes_arguments = !setters.is_empty() || body.is_some();
    let binding = if takes_arguments { quote!(let mut request) } else { quote!(let request) };
    quote! {
        #id => {
            let operation = &PROTOCOL.operations[#index];
            #binding = client.#method();
            #(#setters)*
            #body
            #outcome
        }
    }
}

/// `send_and_wait` on the builder of each start operation, emitted inside
/// progenitor's `builder` module so that it can read the values the builder
/// holds: the start call's arguments, which the jobs' status calls carry.
pub(crate) fn start_waiters(checked: &CheckedSpec) -> TokenStream {
    let waiters = checked.operations.iter().filter_map(|op| {
        let start = op.start.as_ref()?;
        let follow = checked.operations.iter().find(|other| other.operation_id == start.follow)?;
        let builder = format_ident!("{}", op.operation_id.to_pascal_case());
        let id = &op.operation_id;
        let start_type = match &op.response_schema {
            Some(schema) => {
                let name = format_ident!("{}", type_name(schema));
                quote!(types::#name)
            }
            None => quote!(()),
        };
        let follow_type = format_ident!("{}", type_name(follow.response_schema.as_ref()?));
        let doc = format!(
            "Sends this `{id}` request, then follows every job it starts to its end with `{}` \
             (see [`cloudjobs_core::waiter`]): the start answer and each job's final answer.",
            start.follow
        );
        let fields = op.params.iter().filter(|p| p.location != Location::Body).map(|p| {
            let (name, field) = (&p.name, setter_name(&p.name));
            quote! {
                if let ::std::result::Result::Ok(value) = &self.#field {
                    sent.insert(#name.to_owned(), ::serde_json::to_value(value).unwrap_or_default());
                }
            }
        });
        let body = op.body_schema.as_ref().map(|schema| {
            let schema = format_ident!("{}", type_name(schema));
            quote! {
                if let ::std::result::Result::Ok(body) = self.body.clone()
                    && let ::std::result::Result::Ok(body) = types::#schema::try_from(body)
                    && let ::std::result::Result::Ok(::serde_json::Value::Object(fields)) = ::serde_json::to_value(&body)
                {
                    sent.extend(fields);
                }
            }
        });
        Some(quote! {
            impl<'a> #builder<'a> {
                #[doc = #doc]
                ///
                /// Never resent blindly: see the crate's retry rules for calls that change state.
                pub async fn send_and_wait(
                    self,
                    options: &cloudjobs_core::waiter::WaitOptions,
                ) -> ::std::result::Result<
                    cloudjobs_core::waiter::Started<#start_type, types::#follow_type>,
                    cloudjobs_core::waiter::WaitError,
                > {
                    let client = self.client;
                    let mut sent = ::serde_json::Map::new();
                    #(#fields)*
                    #body
                    let call = move |operation: &'static str,
                                     args: ::std::collections::BTreeMap<::std::string::String, ::std::string::String>| async move {
                        super::call_json(client, operation, &args).await
                    };
                    cloudjobs_core::waiter::send_and_follow(&super::PROTOCOL, #id, sent, self.send(), options, call).await
                }
            }
        })
    });
    quote!(#(#waiters)*)
}

/// What only the spec can say: the `PROTOCOL` constant and `call_json`, with
/// the invocations of the runtime's glue (`cloudjobs_core::client_glue!` for
/// the hooks, constructors, `wait_json`, `follow_json` and `list_json`;
/// `job_waiter!` per job operation).
pub(crate) fn runtime_tokens(checked: &CheckedSpec) -> TokenStream {
    let ApiProtocol {
        vendor,
        service,
        api_version,
        style,
        signing,
        error_envelope,
        endpoint,
        regional_endpoint,
        default_region,
        basic_path_prefix,
        bearer_path_prefix,
    } = &checked.protocol;
    let vendor = vendor_tokens(*vendor);
    let error_envelope = vendor_tokens(*error_envelope);
    let style = match style {
        Style::Rpc => quote!(cloudjobs_core::Style::Rpc),
        Style::Rest => quote!(cloudjobs_core::Style::Rest),
    };
    let signing = match signing {
        Signing::Acs3HmacSha256 => quote!(cloudjobs_core::Signing::Acs3HmacSha256),
        Signing::Tc3HmacSha256 => quote!(cloudjobs_core::Signing::Tc3HmacSha256),
        Signing::SdkHmacSha256 => quote!(cloudjobs_core::Signing::SdkHmacSha256),
        Signing::HttpBasic => quote!(cloudjobs_core::Signing::HttpBasic),
    };
    let [endpoint, regional_endpoint, default_region, basic_path_prefix, bearer_path_prefix] =
        [endpoint, regional_endpoint, default_region, basic_path_prefix, bearer_path_prefix].map(option_str);
    let operations = checked.operations.iter().map(operation_tokens);
    let arms = checked.operations.iter().enumerate().map(|(i, op)| dispatch_arm(i, op));
    let waiters = checked.operations.iter().enumerate().filter_map(|(i, op)| typed_waiter(i, op));
    quote! {
        /// How this API travels: the spec's `x-cloudjobs` extensions.
        pub const PROTOCOL: cloudjobs_core::Protocol = cloudjobs_core::Protocol {
            vendor: #vendor,
            service: #service,
            api_version: #api_version,
            style: #style,
            signing: #signing,
            error_envelope: #error_envelope,
            endpoint: #endpoint,
            regional_endpoint: #regional_endpoint,
            default_region: #default_region,
            basic_path_prefix: #basic_path_prefix,
            bearer_path_prefix: #bearer_path_prefix,
            operations: &[#(#operations),*],
        };

        cloudjobs_core::client_glue!();

        #(#waiters)*

        /// Calls `operation_id` with arguments named as in the spec and returns
        /// the typed response re-encoded as JSON: the entry point of generic
        /// callers such as the `cloudjobs` command.
        pub async fn call_json(
            client: &Client,
            operation_id: &str,
            args: &::std::collections::BTreeMap<::std::string::String, ::std::string::String>,
        ) -> ::std::result::Result<cloudjobs_core::CallOutput, cloudjobs_core::CloudError> {
            // An API whose operations take no arguments reads none.
            let _ = args;
            match operation_id {
                #(#arms)*
                other => Err(cloudjobs_core::CloudError::new(
                    cloudjobs_core::ErrorKind::InvalidRequest,
                    format!("this API has no operation {other}"),
                )),
            }
        }
    }
}

/// The `cloudjobs` command's list of APIs: for each, its protocol and how to
/// call it by name. `apis` holds the API names (`alibaba-cloudsso`, ...), whose
/// crates are `cloudjobs-NAME`.
pub fn cli_registry(apis: &[String]) -> String {
    let crates: Vec<syn::Ident> =
        apis.iter().map(|name| format_ident!("cloudjobs_{}", name.to_snake_case())).collect();
    let names = apis.iter();
    let arms = apis.iter().zip(&crates).map(|(name, krate)| {
        quote! {
            #name => {
                let client = #krate::Client::with_config(config)?;
                #krate::call_json(&client, operation_id, args).await
            }
        }
    });
    let wait_arms = apis.iter().zip(&crates).map(|(name, krate)| {
        quote! {
            #name => {
                let client = #krate::Client::with_config(config).map_err(cloudjobs_core::waiter::WaitError::Call)?;
                #krate::wait_json(&client, operation_id, args, options, on_change).await
            }
        }
    });
    let follow_arms = apis.iter().zip(&crates).map(|(name, krate)| {
        quote! {
            #name => {
                let client = #krate::Client::with_config(config).map_err(cloudjobs_core::waiter::WaitError::Call)?;
                #krate::follow_json(&client, operation_id, args, started, options, on_change).await
            }
        }
    });
    let list_arms = apis.iter().zip(&crates).map(|(name, krate)| {
        quote! {
            #name => {
                let client = #krate::Client::with_config(config)?;
                let mut items = ::std::pin::pin!(#krate::list_json(&client, operation_id, args, options)?);
                let mut count = 0;
                while let ::std::option::Option::Some(item) =
                    cloudjobs_core::client::reexport::futures_util::StreamExt::next(&mut items).await
                {
                    on_item(item?);
                    count += 1;
                }
                Ok(count)
            }
        }
    });
    let tokens = quote! {
        /// Walks list operation `operation_id` of API `api` to its end, handing
        /// each item to `on_item`; returns how many there were.
        pub async fn list(
            api: &str,
            config: cloudjobs_core::ClientConfig,
            operation_id: &str,
            args: &::std::collections::BTreeMap<::std::string::String, ::std::string::String>,
            options: cloudjobs_core::pages::ListOptions,
            mut on_item: impl FnMut(cloudjobs_core::client::reexport::serde_json::Value),
        ) -> ::std::result::Result<usize, cloudjobs_core::CloudError> {
            match api {
                #(#list_arms)*
                other => Err(cloudjobs_core::CloudError::new(
                    cloudjobs_core::ErrorKind::InvalidRequest,
                    format!("no API named {other}"),
                )),
            }
        }

        /// Follows every job that start operation `operation_id` of API `api` started.
        pub async fn follow(
            api: &str,
            config: cloudjobs_core::ClientConfig,
            operation_id: &str,
            args: &::std::collections::BTreeMap<::std::string::String, ::std::string::String>,
            started: &cloudjobs_core::CallOutput,
            options: &cloudjobs_core::waiter::WaitOptions,
            on_change: impl FnMut(&cloudjobs_core::waiter::Progress),
        ) -> ::std::result::Result<::std::vec::Vec<cloudjobs_core::CallOutput>, cloudjobs_core::waiter::WaitError> {
            match api {
                #(#follow_arms)*
                other => Err(cloudjobs_core::waiter::WaitError::Call(cloudjobs_core::CloudError::new(
                    cloudjobs_core::ErrorKind::InvalidRequest,
                    format!("no API named {other}"),
                ))),
            }
        }

        /// Polls `operation_id` of API `api` until its job ends.
        pub async fn wait(
            api: &str,
            config: cloudjobs_core::ClientConfig,
            operation_id: &str,
            args: &::std::collections::BTreeMap<::std::string::String, ::std::string::String>,
            options: &cloudjobs_core::waiter::WaitOptions,
            on_change: impl FnMut(&cloudjobs_core::waiter::Progress),
        ) -> ::std::result::Result<cloudjobs_core::CallOutput, cloudjobs_core::waiter::WaitError> {
            match api {
                #(#wait_arms)*
                other => Err(cloudjobs_core::waiter::WaitError::Call(cloudjobs_core::CloudError::new(
                    cloudjobs_core::ErrorKind::InvalidRequest,
                    format!("no API named {other}"),
                ))),
            }
        }

        /// Every API the command knows: its name and protocol.
        pub const APIS: &[(&str, &cloudjobs_core::Protocol)] = &[#( (#names, &#crates::PROTOCOL) ),*];

        /// Calls `operation_id` of API `api` with arguments named as in its spec.
        pub async fn call(
            api: &str,
            config: cloudjobs_core::ClientConfig,
            operation_id: &str,
            args: &::std::collections::BTreeMap<::std::string::String, ::std::string::String>,
        ) -> ::std::result::Result<cloudjobs_core::CallOutput, cloudjobs_core::CloudError> {
            match api {
                #(#arms)*
                other => Err(cloudjobs_core::CloudError::new(
                    cloudjobs_core::ErrorKind::InvalidRequest,
                    format!("no API named {other}"),
                )),
            }
        }
    };
    let file: syn::File = syn::parse2(tokens).expect("the registry is valid Rust");
    prettyplease::unparse(&file)
}
