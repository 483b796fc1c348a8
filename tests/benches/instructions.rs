//! Workloads for instruction counting (`tools/instructions.sh`): run one of
//! them N times under `valgrind --tool=callgrind`; the difference between two
//! values of N, divided by their difference, is the cost of one iteration
//! without the start-up. Instruction counts do not move with the load of a
//! shared machine the way times do, which is what the last microseconds of
//! the per-call overhead need.
//!
//! `cargo bench --bench instructions` runs each workload a few times as a
//! smoke test; `instructions WORKLOAD N` runs one.

use std::hint::black_box;

use cloudjobs_core::signing::{SigningKeyCache, basic};
use std::time::SystemTime;

mod support;

const WORKLOADS: &[&str] = &[
    "sign-acs3",
    "sign-tc3",
    "sign-sdk-hmac",
    "sign-basic",
    "sign-acs3-minimal",
    "hook-acs3",
    "call-plain",
    "call-plain-same-headers",
    "call-plain-signed-minimally",
    "call-ours",
];

fn run(workload: &str, times: usize) {
    let now = SystemTime::now();
    // The signers use one key cache, as a client does: warm after the first iteration.
    let keys = SigningKeyCache::default();
    match workload {
        "sign-acs3" | "sign-tc3" | "sign-sdk-hmac" => {
            let signers = support::Signers::new();
            let sign = match workload {
                "sign-acs3" => support::Signers::acs3,
                "sign-tc3" => support::Signers::tc3,
                _ => support::Signers::sdk_hmac,
            };
            for _ in 0..times {
                black_box(sign(&signers, &keys, now));
            }
        }
        "sign-basic" => {
            for _ in 0..times {
                black_box(basic::basic(black_box("admin"), black_box("password")));
            }
        }
        "sign-acs3-minimal" => {
            let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, support::ALIBABA_KEY.1.as_bytes());
            for _ in 0..times {
                let date = humantime::format_rfc3339_seconds(now).to_string();
                let (host, task) = (support::ALIBABA_HOST, support::TASK_ID);
                black_box(support::minimal_acs3(host, task, &key, &date, support::ACS3_NONCE));
            }
        }
        "hook-acs3" => {
            let (config, request) = support::hook_request();
            for _ in 0..times {
                let mut r = request.try_clone().unwrap();
                cloudjobs_core::hooks::sign(&cloudjobs_alibaba_cloudsso::PROTOCOL, &config, &mut r);
                black_box(r);
            }
        }
        call => calls(call, times),
    }
}

/// The three calls, each made once before counting so that the connection
/// and the TLS provider are set up outside the loop.
fn calls(workload: &str, times: usize) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let calls = support::Calls::new(&runtime);
    let one = || async {
        match workload {
            "call-plain" => black_box(calls.plain().await),
            "call-plain-same-headers" => black_box(calls.plain_with_our_headers().await),
            "call-plain-signed-minimally" => black_box(calls.plain_signed_minimally().await),
            "call-ours" => black_box(calls.ours().await),
            other => panic!("unknown workload {other}; the workloads are {WORKLOADS:?}"),
        };
    };
    runtime.block_on(async {
        one().await;
        for _ in 0..times {
            one().await;
        }
    });
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    match args.as_slice() {
        [workload, times] => {
            let (true, Ok(times)) = (WORKLOADS.contains(&workload.as_str()), times.parse()) else {
                eprintln!(
                    "usage: instructions WORKLOAD N, with N a number of iterations and WORKLOAD one of {WORKLOADS:?}"
                );
                std::process::exit(2);
            };
            run(workload, times)
        }
        // `cargo bench` (and CI's build of the benches) runs every workload a few times.
        _ => WORKLOADS.iter().for_each(|workload| run(workload, 3)),
    }
}
