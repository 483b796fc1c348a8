//! Typed client for Alibaba Cloud CloudSSO's asynchronous tasks: start them
//! (access assignments and provisioning), follow them (`GetTaskStatus`,
//! `GetTask`, each start builder's `send_and_wait`) and list them (`ListTasks`,
//! `list_json`), generated from `specs/alibaba-cloudsso.yaml`.
//!
//! Requests are signed with ACS3-HMAC-SHA256. Credentials come from
//! `ALIBABA_CLOUD_ACCESS_KEY_ID` / `ALIBABA_CLOUD_ACCESS_KEY_SECRET` (and
//! `ALIBABA_CLOUD_SECURITY_TOKEN`), or `~/.alibabacloud/credentials.ini`, or code.
//!
//! ```no_run
//! # async fn demo() -> Result<(), cloudjobs_alibaba_cloudsso::CloudError> {
//! use cloudjobs_alibaba_cloudsso::{Client, ClientConfig};
//!
//! let client = Client::with_config(ClientConfig::new().region("cn-shanghai"))?;
//! let response = client
//!     .get_task_status()
//!     .directory_id("d-00fc2p61****")
//!     .task_id("t-shfqw1u1edszvxw5****")
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
