//! The three calls of `--bench call` measured interleaved: rounds of a batch of
//! each, one after the other in an order that rotates, so that every round's
//! ratios compare calls made within the same few milliseconds. The median over rounds is reported, which
//! a slow spell of this shared machine moves far less than it moves two
//! criterion runs made seconds apart. Usage: `cargo bench -p cloudjobs-tests
//! --bench call_ratio [ROUNDS]` (default 200 rounds of 50 calls each).

use std::hint::black_box;
use std::time::{Duration, Instant};

mod support;

const BATCH: u32 = 50;

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    // `cargo bench` passes `--bench`; the only argument of ours is a number.
    let rounds: usize =
        std::env::args().skip(1).find_map(|a| a.parse().ok()).filter(|n| *n > 0).unwrap_or(200);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let calls = support::Calls::new(&runtime);
    let per_call = |spent: Duration| spent.as_secs_f64() * 1e6 / f64::from(BATCH);
    let (mut plain, mut headers, mut ours) = (Vec::new(), Vec::new(), Vec::new());
    runtime.block_on(async {
        // Connections, the TLS provider and the key cache are set up before counting.
        for _ in 0..BATCH {
            black_box((calls.plain().await, calls.plain_with_our_headers().await, calls.ours().await));
        }
        for round in 0..rounds {
            // Each of the three goes first, second and third in turn, so
            // that its place in a round favours none of them.
            for which in (0..3).map(|i| (i + round) % 3) {
                let started = Instant::now();
                for _ in 0..BATCH {
                    match which {
                        0 => drop(black_box(calls.plain().await)),
                        1 => drop(black_box(calls.plain_with_our_headers().await)),
                        _ => drop(black_box(calls.ours().await)),
                    }
                }
                [&mut plain, &mut headers, &mut ours][which].push(per_call(started.elapsed()));
            }
        }
    });
    let ratio = |over: &[f64], under: &[f64]| {
        let mut each: Vec<f64> = over.iter().zip(under).map(|(o, u)| o / u).collect();
        median(&mut each)
    };
    let (ours_vs_plain, ours_vs_headers, headers_vs_plain) =
        (ratio(&ours, &plain), ratio(&ours, &headers), ratio(&headers, &plain));
    println!("{rounds} rounds of {BATCH} calls each, medians:");
    println!("  plain reqwest, unsigned      {:7.1} µs", median(&mut plain));
    println!("  plain reqwest, our headers   {:7.1} µs", median(&mut headers));
    println!("  cloudjobs, signed            {:7.1} µs", median(&mut ours));
    println!("  ours / plain                 {ours_vs_plain:7.3}");
    println!("  ours / plain with our headers {ours_vs_headers:6.3}");
    println!("  our headers / plain          {headers_vs_plain:7.3}");
}
