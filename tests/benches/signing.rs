//! Signing cost per request, for each scheme: the signer alone (the headers
//! that sign a request, computed from it), and the whole hook as every call
//! pays it (a `reqwest::Request` read in place, signed, the headers set and
//! the query rewritten in canonical form; the copy of the unsigned request
//! each iteration starts from is made outside the timing).

use std::hint::black_box;

use cloudjobs_core::signing::{SigningKeyCache, acs3, basic, sdk_hmac, tc3};
use cloudjobs_core::{ClientConfig, Credentials};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use std::time::SystemTime;

mod support;

fn signers(c: &mut Criterion) {
    let now = SystemTime::now();
    let mut group = c.benchmark_group("sign");
    // Each HMAC scheme twice: with the client's key cache warm, as every
    // request pays after the first (of the day, for Tencent), and with a new
    // cache, as that first request pays. Both hand the signer a clone of a
    // cache (a reference count), where the client lends its own.
    for (cache, name) in [(true, "key prepared"), (false, "first request")] {
        let warm = SigningKeyCache::default();
        let keys = || if cache { warm.clone() } else { SigningKeyCache::default() };
        let alibaba = support::alibaba_request();
        group.bench_function(format!("ACS3-HMAC-SHA256, {name}"), |b| {
            b.iter(|| {
                black_box(acs3::signature_headers(
                    black_box(&alibaba),
                    &keys(),
                    "LTAI5tExampleKeyId",
                    "ExampleSecret0123456789",
                    None,
                    now,
                    "3156853299f313e23d1673dc12e1703d",
                ))
            })
        });
        let tencent = support::tencent_request();
        group.bench_function(format!("TC3-HMAC-SHA256, {name}"), |b| {
            b.iter(|| {
                black_box(tc3::signature_headers(
                    black_box(&tencent),
                    &keys(),
                    "AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE",
                    "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
                    None,
                    "organization",
                    now,
                ))
            })
        });
        let huawei = support::huawei_request();
        group.bench_function(format!("SDK-HMAC-SHA256, {name}"), |b| {
            b.iter(|| {
                black_box(sdk_hmac::signature_headers(
                    black_box(&huawei),
                    &keys(),
                    "QTWAOYTTINDUT2QVKYUC",
                    "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc",
                    None,
                    now,
                ))
            })
        });
    }
    group.bench_function("HTTP Basic", |b| {
        b.iter(|| black_box(basic::basic(black_box("admin"), black_box("password"))))
    });
    group.finish();
}

fn whole_hook(c: &mut Criterion) {
    let config = ClientConfig::new()
        .credentials(Credentials::access_key("LTAI5tExampleKeyId", "ExampleSecret0123456789"));
    let url =
        "https://cloudsso.cn-shanghai.aliyuncs.com/?DirectoryId=d-00fc2p61****&TaskId=t-shfqw1u1edszvxw5****";
    let mut request = reqwest::Request::new(reqwest::Method::POST, url.parse().unwrap());
    for (name, value) in
        [("x-acs-action", "GetTaskStatus"), ("x-acs-version", "2021-05-15"), ("accept", "application/json")]
    {
        request.headers_mut().insert(name, value.parse().unwrap());
    }
    c.bench_function("hooks::sign (ACS3, reqwest::Request)", |b| {
        b.iter_batched(
            || request.try_clone().unwrap(),
            |mut r| {
                cloudjobs_core::hooks::sign(&cloudjobs_alibaba_cloudsso::PROTOCOL, &config, &mut r);
                black_box(r)
            },
            BatchSize::SmallInput,
        )
    });
}

criterion_group!(benches, signers, whole_hook);
criterion_main!(benches);
