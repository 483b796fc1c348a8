//! Typed client for the Oracle Primavera Cloud Administration user job status
//! (`GetUserJobStatus`), generated from `specs/oracle-primavera-admin.yaml`.
//!
//! The API answers 200 when the job is done and 202 while it runs, with the
//! same body; tell them apart with `status()`.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use cloudjobs_oracle_primavera_admin::Client;
//!
//! // Each customer has its own server; there is no shared endpoint.
//! let client = Client::new("https://primavera.example.com", Default::default());
//! let response = client.get_user_job_status().job_id("12345").send().await?;
//! let running = response.status() == 202;
//! println!("running: {running}, added: {}", response.added.len());
//! # Ok(())
//! # }
//! ```

#[rustfmt::skip]
#[allow(missing_docs)] // progenitor leaves some builder items undocumented.
mod generated;

pub use generated::*;
