//! The workspace's integration tests, one module per concern.

mod broken_specs;
mod cli;
mod errors;
mod freshness;
mod generator_fixtures;
mod responses;
mod support;
mod wire;
