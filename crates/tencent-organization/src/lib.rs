//! Typed client for Tencent Cloud Organization's identity center tasks: start
//! them (user syncs, role assignments, provisioning), follow them
//! (`GetProvisioningTaskStatus`, `GetTaskStatus`, each start builder's
//! `send_and_wait`) and list them (`ListTasks`, `list_json`), generated from
//! `specs/tencent-organization.yaml`.
//!
//! Requests are signed with TC3-HMAC-SHA256. Credentials come from
//! `TENCENTCLOUD_SECRET_ID` / `TENCENTCLOUD_SECRET_KEY`, or `[default]` in
//! `~/.tencentcloud/credentials`, or code (a temporary token goes with
//! `Credentials::with_security_token`). Tencent's `{"Response": ...}` envelope is
//! removed, and its HTTP-200 errors come back as [`CloudError`]s.
//!
//! ```no_run
//! # async fn demo() -> Result<(), cloudjobs_tencent_organization::CloudError> {
//! use cloudjobs_tencent_organization::{Client, types::GetProvisioningTaskStatusRequest};
//!
//! let client = Client::from_env()?;
//! let response = client
//!     .get_provisioning_task_status()
//!     .body(GetProvisioningTaskStatusRequest::builder().zone_id("z-djw98wnd***").task_id("t-d8wjd8j3****"))
//!     .send()
//!     .await?;
//! println!("{} is {}", response.task_status.task_id, response.task_status.status);
//! # Ok(())
//! # }
//! ```

#[rustfmt::skip]
#[allow(missing_docs)] // progenitor leaves some builder items undocumented.
mod generated;

pub use cloudjobs_core::prelude::*;
pub use generated::*;
