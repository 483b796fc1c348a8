//! Typed client for Alibaba Cloud IDaaS EIAM's `GetIdentityProviderStatusCheckJob`,
//! generated from `specs/alibaba-eiam.yaml`.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use cloudjobs_alibaba_eiam::Client;
//!
//! let client = Client::new("https://eiam.cn-hangzhou.aliyuncs.com", Default::default());
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

pub use generated::*;
