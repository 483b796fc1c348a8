//! The emulator under load: signed requests per second from the command's
//! client (64 in flight), then a soak that samples the process's memory every
//! 20,000 requests to show it stays flat.
//!
//! `cargo bench -p cloudjobs-tests --bench emulator` (`CLOUDJOBS_SOAK=300000`
//! changes the soak's length).

use std::time::{Duration, Instant};

use cloudjobs_core::RetryPolicy;
use cloudjobs_mock::{Emulator, EmulatorConfig};
use criterion::{Criterion, Throughput};

const IN_FLIGHT: usize = 64;

async fn burst(client: &cloudjobs_alibaba_cloudsso::Client, requests: usize, first_id: usize) {
    let mut tasks = tokio::task::JoinSet::new();
    let per_task = requests / IN_FLIGHT;
    for worker in 0..IN_FLIGHT {
        let client = client.clone();
        tasks.spawn(async move {
            for i in 0..per_task {
                // Distinct ids, so that every request also plays a fresh job life.
                let id = format!("t-{}", first_id + worker * per_task + i);
                client
                    .get_task_status()
                    .directory_id("d-1")
                    .task_id(id)
                    .send()
                    .await
                    .expect("the emulator accepts our signature");
            }
        });
    }
    while tasks.join_next().await.is_some() {}
}

fn resident_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn main() {
    let soak: usize = std::env::var("CLOUDJOBS_SOAK").ok().and_then(|n| n.parse().ok()).unwrap_or(300_000);
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let (emulator, client) = runtime.block_on(async {
        let emulator =
            Emulator::start(EmulatorConfig::new().apis(cloudjobs_cli::generated::APIS)).await.unwrap();
        let client = cloudjobs_alibaba_cloudsso::Client::with_config(
            emulator.client_config("alibaba-cloudsso").unwrap().retry(RetryPolicy::none()),
        )
        .unwrap();
        (emulator, client)
    });

    let mut criterion =
        Criterion::default().configure_from_args().sample_size(10).measurement_time(Duration::from_secs(10));
    let mut group = criterion.benchmark_group("emulator");
    let batch = 2048;
    group.throughput(Throughput::Elements(batch as u64));
    let mut next_id = 0;
    group.bench_function("signed requests, 64 in flight", |b| {
        b.iter(|| {
            runtime.block_on(burst(&client, batch, next_id));
            next_id += batch;
        })
    });
    group.finish();
    criterion.final_summary();

    println!("\nsoak: {soak} requests, resident memory every 20,000");
    println!("{:>10} {:>12} {:>10}", "requests", "RSS (KiB)", "req/s");
    let started = Instant::now();
    let mut done = 0;
    while done < soak {
        let step = 20_000.min(soak - done);
        let t = Instant::now();
        runtime.block_on(burst(&client, step, 1_000_000_000 + done));
        done += step;
        println!("{done:>10} {:>12} {:>10.0}", resident_kib(), step as f64 / t.elapsed().as_secs_f64());
    }
    println!("soak: {:.0} req/s overall", done as f64 / started.elapsed().as_secs_f64());
    drop(emulator);
}
