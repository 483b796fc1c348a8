//! Typed client for Alibaba Cloud CloudSSO's `GetTaskStatus`, generated from
//! `specs/alibaba-cloudsso.yaml`.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use cloudjobs_alibaba_cloudsso::Client;
//!
//! let client = Client::new("https://cloudsso.cn-shanghai.aliyuncs.com", Default::default());
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

pub use generated::*;
