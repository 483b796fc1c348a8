//! What every generated client has beyond progenitor's output, written once
//! here: the hooks that hand each request to this runtime, the constructors,
//! waiting by name, and the typed waiter of each job operation.
//!
//! A generated file holds only what its spec can say (progenitor's output,
//! `PROTOCOL`, `call_json`) and invokes these macros. They are macros rather
//! than generic functions because the impls must sit in the client crate:
//! `ClientHooks` and the generated `Client` both belong to other crates than
//! this one. Names they use (`Client`, `PROTOCOL`, `call_json`, `builder`,
//! `types`) are those of the generated file that invokes them.

/// Crates the macros name, so that a client crate need not depend on them itself.
#[doc(hidden)]
pub mod reexport {
    pub use futures_util;
    pub use progenitor_client;
    pub use reqwest;
    pub use serde_json;
}

/// The `ClientHooks` impl, `Client::with_config`, `Client::from_env`,
/// `Debug` and `wait_json` of a generated client. Invoked once per generated file.
#[macro_export]
macro_rules! client_glue {
    () => {
        // The generator removes progenitor's derived `Debug`, which printed
        // the base URL with any `user:password@` an endpoint carries.
        impl ::std::fmt::Debug for Client {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct("Client")
                    .field("baseurl", &$crate::without_userinfo(&self.baseurl))
                    .field("inner", &self.inner)
                    .finish_non_exhaustive()
            }
        }

        impl $crate::client::reexport::progenitor_client::ClientHooks<$crate::ClientConfig> for Client {
            async fn pre<E>(
                &self,
                request: &mut $crate::client::reexport::reqwest::Request,
                info: &$crate::client::reexport::progenitor_client::OperationInfo,
            ) -> ::std::result::Result<(), $crate::client::reexport::progenitor_client::Error<E>> {
                $crate::hooks::prepare_request(&PROTOCOL, info.operation_id, &self.inner, request)
                    .map_err($crate::client::reexport::progenitor_client::Error::Custom)
            }

            async fn exec(
                &self,
                request: $crate::client::reexport::reqwest::Request,
                info: &$crate::client::reexport::progenitor_client::OperationInfo,
            ) -> $crate::client::reexport::reqwest::Result<$crate::client::reexport::reqwest::Response> {
                $crate::hooks::execute(&PROTOCOL, info.operation_id, &self.inner, &self.client, request).await
            }
        }

        impl Client {
            /// Creates a client from settings. Credentials not given there are read
            /// from the vendor's environment variables or credentials file; the
            /// endpoint follows the region unless one is given.
            pub fn with_config(
                config: $crate::ClientConfig,
            ) -> ::std::result::Result<Self, $crate::CloudError> {
                let connection = config.connect(&PROTOCOL)?;
                Ok(Self::new_with_client(&connection.base_url, connection.http, connection.config))
            }

            /// Creates a client with credentials from the environment and the
            /// API's default endpoint.
            pub fn from_env() -> ::std::result::Result<Self, $crate::CloudError> {
                Self::with_config($crate::ClientConfig::new())
            }
        }

        /// Polls `operation_id` with arguments named as in the spec until the job
        /// it reports on ends, following the server's `Location`: the waiting
        /// entry point of generic callers such as the `cloudjobs` command.
        pub async fn wait_json(
            client: &Client,
            operation_id: &str,
            args: &::std::collections::BTreeMap<::std::string::String, ::std::string::String>,
            options: &$crate::waiter::WaitOptions,
            on_change: impl FnMut(&$crate::waiter::Progress),
        ) -> ::std::result::Result<$crate::CallOutput, $crate::waiter::WaitError> {
            let call = move |args: ::std::collections::BTreeMap<
                ::std::string::String,
                ::std::string::String,
            >| async move { call_json(client, operation_id, &args).await };
            $crate::waiter::wait_by_name(&PROTOCOL, operation_id, args, options, call, on_change).await
        }

        /// The items of list operation `operation_id` called with `args`, page
        /// after page to the end (see [`cloudjobs_core::pages`]): the listing
        /// entry point of generic callers such as `cloudjobs ... --all`.
        pub fn list_json<'c>(
            client: &'c Client,
            operation_id: &str,
            args: &::std::collections::BTreeMap<::std::string::String, ::std::string::String>,
            options: $crate::pages::ListOptions,
        ) -> ::std::result::Result<
            impl $crate::client::reexport::futures_util::Stream<
                Item = ::std::result::Result<$crate::client::reexport::serde_json::Value, $crate::CloudError>,
            > + 'c,
            $crate::CloudError,
        > {
            let operation = PROTOCOL.require(operation_id)?;
            let id = operation.operation_id;
            let call = move |args: ::std::collections::BTreeMap<
                ::std::string::String,
                ::std::string::String,
            >| async move { call_json(client, id, &args).await };
            Ok($crate::pages::items(operation, args.clone(), options, call))
        }

        /// Follows every job that a call of start operation `operation_id`
        /// with `args` started (its answer is `started`) to its end, and
        /// returns each job's final answer: the entry point of generic callers
        /// such as `cloudjobs ... --wait` on a start operation.
        pub async fn follow_json(
            client: &Client,
            operation_id: &str,
            args: &::std::collections::BTreeMap<::std::string::String, ::std::string::String>,
            started: &$crate::CallOutput,
            options: &$crate::waiter::WaitOptions,
            on_change: impl FnMut(&$crate::waiter::Progress),
        ) -> ::std::result::Result<::std::vec::Vec<$crate::CallOutput>, $crate::waiter::WaitError> {
            let call = move |follow: &'static str,
                             args: ::std::collections::BTreeMap<
                ::std::string::String,
                ::std::string::String,
            >| async move { call_json(client, follow, &args).await };
            $crate::waiter::follow_started(&PROTOCOL, operation_id, args, started, options, call, on_change)
                .await
        }
    };
}

/// `wait_until_done` and `wait_with_progress` on the builder of a job
/// operation: resend the same request until the job ends, and hand back the
/// final typed answer. `$index` is the operation's place in `PROTOCOL`, whose
/// job model is the one the waiter reads.
#[macro_export]
macro_rules! job_waiter {
    ($operation_id:literal, $builder:ident, $response:ident, $index:literal) => {
        impl<'a> builder::$builder<'a> {
            #[doc = concat!("Sends this `", $operation_id, "` request until the job it asks about ends (see [`cloudjobs_core::waiter`]).")]
            ///
            /// Returns the final answer when the job succeeds; a failed job, a
            /// passed deadline or a call that cannot succeed is a `WaitError`.
            pub async fn wait_until_done(
                self,
                options: &$crate::waiter::WaitOptions,
            ) -> ::std::result::Result<
                $crate::client::reexport::progenitor_client::ResponseValue<types::$response>,
                $crate::waiter::WaitError,
            > {
                self.wait_with_progress(options, |_| {}).await
            }

            /// Like `wait_until_done`, calling `on_change` at every change of state.
            pub async fn wait_with_progress(
                self,
                options: &$crate::waiter::WaitOptions,
                on_change: impl FnMut(&$crate::waiter::Progress),
            ) -> ::std::result::Result<
                $crate::client::reexport::progenitor_client::ResponseValue<types::$response>,
                $crate::waiter::WaitError,
            > {
                const MODEL: &$crate::JobModel = match &PROTOCOL.operations[$index].job {
                    Some(model) => model,
                    None => panic!(concat!($operation_id, " reports on no job")),
                };
                $crate::waiter::wait_response(MODEL, options, || self.clone().send(), on_change).await
            }
        }
    };
}

#[cfg(test)]
mod tests {
    //! The macros expanded into a miniature of a generated file: progenitor's
    //! `Client` shape, a `PROTOCOL`, a `call_json` and one job operation whose
    //! builder answers from a script instead of the network.

    // `from_env` and the builder's client belong to the shape under test, unused here.
    #[allow(dead_code)]
    mod generated {
        use std::collections::BTreeMap;
        use std::sync::Mutex;

        use progenitor_client::{ClientInfo, ResponseValue};

        use crate::{
            CallOutput, ClientConfig, CloudError, JobModel, Operation, Protocol, Signing, Style, Vendor,
        };

        pub const PROTOCOL: Protocol = Protocol {
            vendor: Vendor::Alibaba,
            service: "svc",
            api_version: "2024-01-01",
            style: Style::Rpc,
            signing: Signing::Acs3HmacSha256,
            error_envelope: Vendor::Alibaba,
            endpoint: Some("https://svc.{region}.example.com"),
            regional_endpoint: None,
            default_region: Some("r-1"),
            basic_path_prefix: None,
            bearer_path_prefix: None,
            operations: &[Operation {
                operation_id: "GetThing",
                command: "get-thing",
                method: "POST",
                path: "/GetThing",
                action: Some("GetThing"),
                error_codes: &[],
                summary: "",
                params: &[],
                job: Some(JobModel {
                    id_param: None,
                    id_field: None,
                    status: "/Status",
                    running: &["Busy"],
                    succeeded: &["Done"],
                    failed: &["Broken"],
                    reason: None,
                    failure_field: None,
                    partial: &[],
                    partial_field: None,
                }),
                mutates: false,
                rate_limit: None,
                start: None,
                list: None,
                example: None,
                body: false,
            }],
        };

        pub struct Client {
            pub(crate) baseurl: String,
            pub(crate) client: reqwest::Client,
            pub(crate) inner: ClientConfig,
        }

        impl Client {
            pub fn new_with_client(baseurl: &str, client: reqwest::Client, inner: ClientConfig) -> Self {
                Self { baseurl: baseurl.to_owned(), client, inner }
            }
        }

        impl ClientInfo<ClientConfig> for Client {
            fn api_version() -> &'static str {
                "2024-01-01"
            }
            fn baseurl(&self) -> &str {
                &self.baseurl
            }
            fn client(&self) -> &reqwest::Client {
                &self.client
            }
            fn inner(&self) -> &ClientConfig {
                &self.inner
            }
        }

        pub mod types {
            #[derive(Clone, Debug, PartialEq, serde::Serialize)]
            pub struct Thing {
                #[serde(rename = "Status")]
                pub status: String,
            }
        }

        /// The answers the scripted builder gives, in order.
        pub static SCRIPT: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());

        pub mod builder {
            use super::*;

            #[derive(Clone)]
            pub struct GetThing<'a> {
                pub client: &'a Client,
            }

            impl GetThing<'_> {
                pub async fn send(self) -> Result<ResponseValue<types::Thing>, progenitor_client::Error<()>> {
                    let status = SCRIPT.lock().unwrap().remove(0).to_owned();
                    Ok(ResponseValue::new(
                        types::Thing { status },
                        reqwest::StatusCode::OK,
                        Default::default(),
                    ))
                }
            }
        }

        pub async fn call_json(
            client: &Client,
            operation_id: &str,
            _args: &BTreeMap<String, String>,
        ) -> Result<CallOutput, CloudError> {
            assert_eq!(operation_id, "GetThing");
            CallOutput::from_response(builder::GetThing { client }.send().await?)
        }

        crate::client_glue!();
        crate::job_waiter!("GetThing", GetThing, Thing, 0);
    }

    use std::collections::BTreeMap;
    use std::time::Duration;

    use generated::{Client, SCRIPT, builder::GetThing};

    use crate::waiter::{WaitError, WaitOptions};
    use crate::{ClientConfig, Credentials, ErrorKind};

    fn client() -> Client {
        let config = ClientConfig::new().credentials(Credentials::access_key("id", "secret"));
        Client::with_config(config).unwrap()
    }

    fn quick() -> WaitOptions {
        WaitOptions {
            min_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(2),
            ..WaitOptions::default()
        }
    }

    #[test]
    fn constructors_resolve_the_endpoint_from_the_protocol() {
        assert_eq!(progenitor_client::ClientInfo::baseurl(&client()), "https://svc.r-1.example.com");
        let error =
            Client::with_config(ClientConfig::new().credentials(Credentials::basic("u", "p"))).err().unwrap();
        assert_eq!(error.kind(), ErrorKind::Configuration);
    }

    #[tokio::test]
    async fn the_typed_waiter_reads_the_protocols_job_model() {
        *SCRIPT.lock().unwrap() = vec!["Busy", "Busy", "Done"];
        let client = client();
        let mut seen = Vec::new();
        let done = GetThing { client: &client }
            .wait_with_progress(&quick(), |p| seen.push((p.state.to_string(), p.changed)))
            .await;
        assert_eq!(done.unwrap().into_inner().status, "Done");
        assert_eq!(seen.len(), 3, "one report per poll: {seen:?}");
        assert_eq!(seen.iter().filter(|(_, changed)| *changed).count(), 2, "{seen:?}");

        *SCRIPT.lock().unwrap() = vec!["Broken"];
        let failed = GetThing { client: &client }.wait_until_done(&quick()).await;
        assert!(matches!(failed, Err(WaitError::JobFailed { .. })), "{failed:?}");
    }

    #[tokio::test]
    async fn waiting_by_name_refuses_an_unknown_operation() {
        let client = client();
        let unknown = generated::wait_json(&client, "GetOther", &BTreeMap::new(), &quick(), |_| {}).await;
        assert!(matches!(unknown, Err(WaitError::Call(e)) if e.kind() == ErrorKind::InvalidRequest));
    }
}
