//! One whole call (build, sign, send, receive, decode) against a local server,
//! beside an unsigned plain `reqwest` call to the same server decoding the same
//! typed answer, in the same run: the ratio is our per-call overhead.

use std::convert::Infallible;
use std::net::SocketAddr;

use bytes::Bytes;
use cloudjobs_alibaba_cloudsso::types::GetTaskStatusResponse;
use cloudjobs_core::{ClientConfig, Credentials, RetryPolicy};
use criterion::{Criterion, criterion_group, criterion_main};
use http_body_util::Full;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;

const BODY: &str = r#"{"RequestId":"005F4623-AE53-504D-830F-44825F7DC211","TaskStatus":{"Status":"Success","TaskId":"t-1","EndTime":"2021-11-05T02:58:08Z","TaskType":"DeleteAccessAssignment","StartTime":"2021-11-05T02:58:07Z"}}"#;

/// A server that answers every request with the same body, on its own runtime
/// thread, like a remote endpoint that costs nothing.
fn start_server() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                tokio::spawn(async move {
                    let service = service_fn(|_request| async {
                        let response = hyper::Response::builder()
                            .header("content-type", "application/json")
                            .body(Full::new(Bytes::from_static(BODY.as_bytes())));
                        Ok::<_, Infallible>(response.unwrap())
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
    });
    address
}

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
