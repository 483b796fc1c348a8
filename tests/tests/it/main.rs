//! The workspace's integration tests, one module per concern.

mod broken_specs;
mod freshness;
mod generator_fixtures;
mod responses;
