//! Waiting on many jobs at once from one process: N Tencent user-sync tasks
//! (`GetProvisioningTaskStatus`, documented at 220 requests per second), each
//! followed by its own task with the typed waiter, all through one client and
//! so one shared rate limiter, against the emulator in the same process.
//!
//! `cargo bench -p cloudjobs-tests --bench many_jobs` runs 100, 1,000 and
//! 10,000 jobs (about four minutes in all, nearly all of it the rate limit);
//! `... --bench many_jobs -- 500` runs one size. For each size it prints the
//! requests sent and their rate, the busiest second as the vendor counts it
//! (requests per `X-TC-Timestamp` second, over the last 10,000 requests the
//! emulator keeps), and the growth of the process's resident memory while
//! the jobs wait, in all and per job.

use std::time::{Duration, Instant};

use cloudjobs_core::RetryPolicy;
use cloudjobs_core::waiter::WaitOptions;
use cloudjobs_mock::{Emulator, EmulatorConfig};

const API: &str = "tencent-organization";
const OPERATION: &str = "GetProvisioningTaskStatus";

fn resident_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("VmRSS:"))?.to_owned();
            line.split_whitespace().nth(1)?.parse().ok()
        })
        .unwrap_or(0)
}

async fn run(jobs: usize) {
    let emulator = Emulator::start(EmulatorConfig::new().apis(cloudjobs_cli::generated::APIS)).await.unwrap();
    let config = emulator.client_config(API).unwrap().retry(RetryPolicy::default());
    let documented =
        cloudjobs_tencent_organization::PROTOCOL.operation_named(OPERATION).and_then(|op| op.rate_limit);
    let limit = config.rate_limiter().limit_of(OPERATION, documented).expect("the spec documents a limit");
    let client = cloudjobs_tencent_organization::Client::with_config(config).unwrap();
    let options = WaitOptions {
        min_delay: Duration::from_millis(200),
        max_delay: Duration::from_secs(2),
        timeout: Duration::from_secs(3600),
    };

    let before_kib = resident_kib();
    let began = Instant::now();
    let peak_kib = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(before_kib));
    let sampler = {
        let peak_kib = peak_kib.clone();
        tokio::spawn(async move {
            loop {
                peak_kib.fetch_max(resident_kib(), std::sync::atomic::Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        })
    };
    let waits: Vec<_> = (0..jobs)
        .map(|i| {
            let client = client.clone();
            let options = options.clone();
            tokio::spawn(async move {
                client
                    .get_provisioning_task_status()
                    .body(
                        cloudjobs_tencent_organization::types::GetProvisioningTaskStatusRequest::builder()
                            .zone_id("z-bench")
                            .task_id(format!("t-bench{i:06}")),
                    )
                    .wait_until_done(&options)
                    .await
                    .map(|_| ())
            })
        })
        .collect();
    let mut failed = 0;
    for wait in waits {
        if !matches!(wait.await, Ok(Ok(()))) {
            failed += 1;
        }
    }
    let elapsed = began.elapsed();
    sampler.abort();
    let requests = emulator.received();
    let mut per_second = std::collections::BTreeMap::<String, usize>::new();
    for request in emulator.requests() {
        if let Some(second) = request.parts.header("x-tc-timestamp") {
            *per_second.entry(second.to_owned()).or_default() += 1;
        }
    }
    // The first and last seconds are partial; the busiest is what counts.
    let busiest = per_second.values().copied().max().unwrap_or(0);
    let grown_kib = peak_kib.load(std::sync::atomic::Ordering::Relaxed).saturating_sub(before_kib);
    println!(
        "{jobs:>6} jobs: {requests:>6} requests in {:>6.1} s = {:>5.1}/s (limit {limit}/s, busiest second {busiest}); \
         {failed} failed; memory +{:.1} MiB at peak = {:.2} KiB per waiting job",
        elapsed.as_secs_f64(),
        requests as f64 / elapsed.as_secs_f64(),
        grown_kib as f64 / 1024.0,
        grown_kib as f64 / jobs as f64,
    );
}

fn main() {
    let sizes: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let sizes = if sizes.is_empty() { vec![100, 1_000, 10_000] } else { sizes };
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    for jobs in sizes {
        runtime.block_on(run(jobs));
    }
}
