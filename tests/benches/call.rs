//! One whole call (build, sign, send, receive, decode) against a local server,
//! beside an unsigned plain `reqwest` call to the same server decoding the same
//! typed answer, and plain `reqwest` sending our call's headers, in the same
//! run: the ratios are our per-call overhead, and how much of it the extra
//! headers alone cost. `--bench call_ratio` measures the same three calls,
//! and four more, interleaved, for ratios that the machine's drift does not
//! move.

use criterion::{Criterion, criterion_group, criterion_main};

mod support;

fn calls(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let calls = support::Calls::new(&runtime);
    let mut group = c.benchmark_group("call");
    group.bench_function("plain reqwest, unsigned", |b| b.to_async(&runtime).iter(|| calls.plain()));
    group.bench_function("plain reqwest, our headers", |b| {
        b.to_async(&runtime).iter(|| calls.plain_with_our_headers())
    });
    group.bench_function("cloudjobs, signed (alibaba-cloudsso)", |b| {
        b.to_async(&runtime).iter(|| calls.ours())
    });
    group.finish();
}

criterion_group!(benches, calls);
criterion_main!(benches);
