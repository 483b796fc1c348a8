//! Typed client for Tencent Cloud Organization's `GetProvisioningTaskStatus`,
//! generated from `specs/tencent-organization.yaml`.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use cloudjobs_tencent_organization::{Client, types::GetProvisioningTaskStatusRequest};
//!
//! let client = Client::new("https://organization.tencentcloudapi.com", Default::default());
//! let response = client
//!     .get_provisioning_task_status()
//!     .body(GetProvisioningTaskStatusRequest::builder().zone_id("z-djw98wnd***").task_id("t-d8wjd8j3****"))
//!     .send()
//!     .await?;
//! let task = &response.response.task_status;
//! println!("{} is {}", task.task_id, task.status);
//! # Ok(())
//! # }
//! ```

#[rustfmt::skip]
#[allow(missing_docs)] // progenitor leaves some builder items undocumented.
mod generated;

pub use generated::*;
