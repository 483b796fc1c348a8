//! The workspace's integration tests, one module per concern.

mod broken_specs;
mod cli;
mod command_line;
mod diff_names;
mod emulator;
mod errors;
mod freshness;
mod fuzz_replay;
mod generator_fixtures;
mod lifecycle;
mod odd_specs;
mod responses;
mod sdk_acceptance;
mod sixth_api;
mod spec_review;
mod support;
mod waiting;
mod wire;
