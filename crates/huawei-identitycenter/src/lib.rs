//! Typed client for Huawei Cloud IAM Identity Center's service status
//! (`GetIdentityCenterServiceStatus`), generated from `specs/huawei-identitycenter.yaml`.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use cloudjobs_huawei_identitycenter::Client;
//!
//! let client = Client::new("https://identitycenter.myhuaweicloud.com", Default::default());
//! let response = client.get_identity_center_service_status().send().await?;
//! println!("service status: {}", response.service_status);
//! # Ok(())
//! # }
//! ```

#[rustfmt::skip]
#[allow(missing_docs)] // progenitor leaves some builder items undocumented.
mod generated;

pub use generated::*;
