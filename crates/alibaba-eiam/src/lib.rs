//! Typed client for Alibaba Cloud IDaaS EIAM's jobs: start identity provider
//! status checks and synchronizations, follow them
//! (`GetIdentityProviderStatusCheckJob`, `GetSynchronizationJob`, each start
//! builder's `send_and_wait`) and list them (`ListSynchronizationJobs`,
//! `list_json`), generated from `specs/alibaba-eiam.yaml`.
//!
//! Requests are signed with ACS3-HMAC-SHA256. Credentials come from
//! `ALIBABA_CLOUD_ACCESS_KEY_ID` / `ALIBABA_CLOUD_ACCESS_KEY_SECRET` (and
//! `ALIBABA_CLOUD_SECURITY_TOKEN`), or `~/.alibabacloud/credentials.ini`, or code.
//!
//! ```no_run
//! # async fn demo() -> Result<(), cloudjobs_alibaba_eiam::CloudError> {
//! use cloudjobs_alibaba_eiam::{Client, ClientConfig, Credentials};
//!
//! let credentials = Credentials::access_key("LTAI...", "your-secret");
//! let client = Client::with_config(ClientConfig::new().credentials(credentials).region("cn-hangzhou"))?;
//! let response = client
//!     .get_identity_provider_status_check_job()
//!     .instance_id("idaas_ue2jvisn35ea5lmthk267xxxxx")
//!     .identity_provider_id("idp_11111")
//!     .identity_provider_status_check_job_id("async_000xxxx")
//!     .send()
//!     .await?;
//! let job = &response.identity_provider_status_check_job;
//! println!("{} is {}", job.identity_provider_status_check_job_id, job.status);
//! # Ok(())
//! # }
//! ```

#[rustfmt::skip]
#[allow(missing_docs)] // progenitor leaves some builder items undocumented.
mod generated;

pub use cloudjobs_core::prelude::*;
pub use generated::*;
