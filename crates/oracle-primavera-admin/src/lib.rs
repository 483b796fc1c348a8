//! Typed client for Oracle Primavera Cloud Administration's user jobs: start
//! them (`CreateOrModifyUsers`, `ChangeUserStatus`), follow them
//! (`GetUserJobStatus`, each start builder's `send_and_wait`) and read their
//! logs, generated from `specs/oracle-primavera-admin.yaml`.
//!
//! Each customer has its own server, so the endpoint is required. Credentials
//! come from `ORACLE_PRIMAVERA_USERNAME` / `ORACLE_PRIMAVERA_PASSWORD` (HTTP
//! Basic) or `ORACLE_PRIMAVERA_TOKEN` (OAuth bearer, sent to the `v3` paths), or
//! code. The API answers 202 with `Location` while the job runs and 200 when it
//! is done, with the same body.
//!
//! ```no_run
//! # async fn demo() -> Result<(), cloudjobs_oracle_primavera_admin::CloudError> {
//! use cloudjobs_oracle_primavera_admin::{Client, ClientConfig, Credentials, ResponseExt};
//!
//! let config = ClientConfig::new()
//!     .endpoint("https://primavera.example.com")
//!     .credentials(Credentials::basic("admin", "password"));
//! let client = Client::with_config(config)?;
//! let response = client.get_user_job_status().job_id("12345").send().await?;
//! if response.is_still_running() {
//!     println!("still running; poll {:?}", response.location());
//! } else {
//!     println!("done: {} added", response.added.len());
//! }
//! # Ok(())
//! # }
//! ```

#[rustfmt::skip]
#[allow(missing_docs)] // progenitor leaves some builder items undocumented.
mod generated;

pub use cloudjobs_core::prelude::*;
pub use generated::*;
