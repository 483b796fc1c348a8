//! One whole call (build, sign, send, receive, decode) against a local server,
//! beside an unsigned plain `reqwest` call to the same server decoding the same
//! typed answer, and plain `reqwest` sending our call's headers, in the same
//! run: the ratios are our per-call overhead, and how much of it the extra
//! headers alone cost.

use cloudjobs_alibaba_cloudsso::types::GetTaskStatusResponse;
use cloudjobs_core::{ClientConfig, Credentials, RetryPolicy};
use criterion::{Criterion, criterion_group, criterion_main};

mod support;
use support::start_server;

fn calls(c: &mut Criterion) {
    let address = start_server();
    let url = format!("http://{address}");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let config = ClientConfig::new()
        .endpoint(&url)
        .credentials(Credentials::access_key("LTAI5tExampleKeyId", "ExampleSecret0123456789"))
        .retry(RetryPolicy::default());
    let ours = runtime.block_on(async { cloudjobs_alibaba_cloudsso::Client::with_config(config).unwrap() });
    // Made after ours, which installs the rustls provider that reqwest needs.
    let plain = reqwest::Client::new();

    let mut group = c.benchmark_group("call");
    group.bench_function("plain reqwest, unsigned", |b| {
        b.to_async(&runtime).iter(|| async {
            let response = plain
                .post(format!("{url}/"))
                .query(&[("DirectoryId", "d-00fc2p61****"), ("TaskId", "t-1")])
                .header("accept", "application/json")
                .send()
                .await
                .unwrap();
            response.json::<GetTaskStatusResponse>().await.unwrap()
        })
    });
    // Our call's headers, signature included, sent by plain reqwest: what
    // reqwest and the server do with the signed headers, without signing.
    group.bench_function("plain reqwest, our headers", |b| {
        b.to_async(&runtime).iter(|| async {
            let mut request =
                plain.post(format!("{url}/")).query(&[("DirectoryId", "d-00fc2p61****"), ("TaskId", "t-1")]);
            for (name, value) in support::SIGNED_CALL_HEADERS {
                request = request.header(name, value);
            }
            let response = request.send().await.unwrap();
            response.json::<GetTaskStatusResponse>().await.unwrap()
        })
    });
    group.bench_function("cloudjobs, signed (alibaba-cloudsso)", |b| {
        b.to_async(&runtime).iter(|| async {
            ours.get_task_status()
                .directory_id("d-00fc2p61****")
                .task_id("t-1")
                .send()
                .await
                .unwrap()
                .into_inner()
        })
    });
    group.finish();
}

criterion_group!(benches, calls);
criterion_main!(benches);
