//! Typed client for Huawei Cloud IAM Identity Center: the service itself
//! (`GetIdentityCenterServiceStatus`, instances, regions) and the requests
//! that assign accounts and provision permission sets, started, followed
//! (each start builder's `send_and_wait`) and listed (`list_json`), generated
//! from `specs/huawei-identitycenter.yaml`.
//!
//! Requests are signed with SDK-HMAC-SHA256. Credentials come from
//! `HUAWEICLOUD_SDK_AK` / `HUAWEICLOUD_SDK_SK` / `HUAWEICLOUD_SDK_DOMAIN_ID` (and
//! `HUAWEICLOUD_SDK_SECURITY_TOKEN`), or `[global]` in `~/.huaweicloud/credentials`,
//! or code. The account (domain) id is required: this is a global service.
//!
//! ```no_run
//! # async fn demo() -> Result<(), cloudjobs_huawei_identitycenter::CloudError> {
//! use cloudjobs_huawei_identitycenter::{Client, ResponseExt};
//!
//! let client = Client::from_env()?;
//! let response = client.get_identity_center_service_status().send().await?;
//! println!("service status: {} (request {:?})", response.service_status, response.request_id_header());
//! # Ok(())
//! # }
//! ```

#[rustfmt::skip]
#[allow(missing_docs)] // progenitor leaves some builder items undocumented.
mod generated;

pub use cloudjobs_core::prelude::*;
pub use generated::*;
