//! Signing cost per request, for each scheme: the signer alone (the headers
//! that sign a request, computed from it), beside two baselines measured in
//! the same run (ACS3's two hashes alone as a floor, and ACS3 written out for
//! the one request signed), and the whole hook as every call
//! pays it (a `reqwest::Request` read in place, signed, the headers set and
//! the query rewritten in canonical form; the copy of the unsigned request
//! each iteration starts from is made outside the timing).

use std::hint::black_box;

use cloudjobs_core::signing::{SignatureHeaders, SigningKeyCache, basic};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use std::time::SystemTime;

mod support;
use support::Signers;

/// One of the three signers of [`Signers`].
type Signer = fn(&Signers, &SigningKeyCache, SystemTime) -> SignatureHeaders;

fn signers(c: &mut Criterion) {
    let now = SystemTime::now();
    let signers = Signers::new();
    let mut group = c.benchmark_group("sign");
    // Each HMAC scheme twice: with the client's key cache warm, as every
    // request pays after the first (of the day, for Tencent), and with a new
    // cache, as that first request pays. Both hand the signer a clone of a
    // cache (a reference count), where the client lends its own.
    for (cache, name) in [(true, "key prepared"), (false, "first request")] {
        let warm = SigningKeyCache::default();
        let keys = || if cache { warm.clone() } else { SigningKeyCache::default() };
        for (scheme, sign) in [
            ("ACS3-HMAC-SHA256", Signers::acs3 as Signer),
            ("TC3-HMAC-SHA256", Signers::tc3),
            ("SDK-HMAC-SHA256", Signers::sdk_hmac),
        ] {
            group.bench_function(format!("{scheme}, {name}"), |b| {
                b.iter(|| black_box(sign(black_box(&signers), &keys(), now)))
            });
        }
    }
    // The floor under ACS3: the two hashes it cannot do without (SHA-256 of
    // its canonical request, HMAC-SHA256 of its string to sign under a
    // prepared key), over the same texts, in the same run, with ring as the
    // signers use it. The request has no body, whose hash is a constant the
    // signer does not compute. Signer / floor is a ratio this machine's
    // drift moves far less than either figure alone.
    let (canonical, string_to_sign) = signers.acs3_hashed_texts(now);
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, support::ALIBABA_KEY.1.as_bytes());
    group.bench_function("ACS3's two hashes alone (floor)", |b| {
        b.iter(|| {
            let digest = ring::digest::digest(&ring::digest::SHA256, black_box(canonical.as_bytes()));
            black_box(digest);
            black_box(ring::hmac::sign(&key, black_box(string_to_sign.as_bytes())))
        })
    });
    // A second baseline: ACS3 written out for this one request
    // (`support::minimal_acs3`), date included. Against it, what our signer
    // pays for serving every request of every API. It is checked to sign as
    // ours does.
    let minimal = |now: SystemTime| {
        let date = humantime::format_rfc3339_seconds(now).to_string();
        support::minimal_acs3(support::ALIBABA_HOST, support::TASK_ID, &key, &date, support::ACS3_NONCE)
    };
    support::check_minimal_acs3(support::ALIBABA_HOST, support::TASK_ID, &key);
    group.bench_function("ACS3 written for this one request", |b| {
        b.iter(|| black_box(minimal(black_box(now))))
    });
    group.bench_function("HTTP Basic", |b| {
        b.iter(|| black_box(basic::basic(black_box("admin"), black_box("password"))))
    });
    group.finish();
}

fn whole_hook(c: &mut Criterion) {
    let (config, request) = support::hook_request();
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
