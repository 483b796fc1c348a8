//! The three calls of `--bench call`, and five more, measured interleaved:
//! rounds of a batch of each, one after the other in an order that rotates,
//! so that every round's ratios compare calls made within the same few tens
//! of milliseconds. The median over rounds is reported, which a slow spell
//! of this shared machine moves far less than it moves two criterion runs
//! made seconds apart. Four of the five are made by hand from the client's
//! public hooks: three split the difference between plain reqwest sending
//! our headers and our call into its four parts, and one signs twice, which
//! prices a signature made with the code warm. The fifth is plain reqwest
//! signing each call with the least work the vendor's protocol allows
//! (`support::minimal_acs3`): a floor for a signed call through reqwest,
//! the cheapest we could write.
//! Usage: `cargo bench -p cloudjobs-tests --bench call_ratio [ROUNDS]`
//! (default 200 rounds of 50 calls of each kind).

use std::hint::black_box;
use std::time::{Duration, Instant};

mod support;

const BATCH: u32 = 50;

/// The calls compared, in the order of the steps between them.
const KINDS: [&str; 8] = [
    "plain reqwest, unsigned",
    "plain reqwest, our headers",
    "prepared by hand, not signed",
    "prepared and signed by hand",
    "through the exec hook",
    "cloudjobs, signed",
    "signed twice by hand",
    "floor: reqwest signed minimally",
];

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    if values.len().is_multiple_of(2) { (values[middle - 1] + values[middle]) / 2.0 } else { values[middle] }
}

async fn call(calls: &support::Calls, kind: usize) {
    match kind {
        0 => drop(black_box(calls.plain().await)),
        1 => drop(black_box(calls.plain_with_our_headers().await)),
        2 => drop(black_box(calls.prepared().await)),
        3 => drop(black_box(calls.prepared_and_signed().await)),
        4 => drop(black_box(calls.through_execute().await)),
        5 => drop(black_box(calls.ours().await)),
        6 => drop(black_box(calls.signed_twice().await)),
        _ => drop(black_box(calls.plain_signed_minimally().await)),
    }
}

fn main() {
    // `cargo bench` passes `--bench`; the only argument of ours is a number.
    let rounds: usize =
        std::env::args().skip(1).find_map(|a| a.parse().ok()).filter(|n| *n > 0).unwrap_or(200);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let calls = support::Calls::new(&runtime);
    let per_call = |spent: Duration| spent.as_secs_f64() * 1e6 / f64::from(BATCH);
    let mut times: [Vec<f64>; KINDS.len()] = Default::default();
    runtime.block_on(async {
        // Connections, the TLS provider and the key cache are set up before counting.
        for _ in 0..BATCH {
            for kind in 0..KINDS.len() {
                call(&calls, kind).await;
            }
        }
        for round in 0..rounds {
            // Each kind takes every place in a round in turn, so that its
            // place favours none of them.
            for kind in (0..KINDS.len()).map(|i| (i + round) % KINDS.len()) {
                let started = Instant::now();
                for _ in 0..BATCH {
                    call(&calls, kind).await;
                }
                times[kind].push(per_call(started.elapsed()));
            }
        }
    });
    let ratio = |over: usize, under: usize| {
        let mut each: Vec<f64> = times[over].iter().zip(&times[under]).map(|(o, u)| o / u).collect();
        median(&mut each)
    };
    let ratios = [(5, 0), (5, 1), (1, 0), (2, 1), (3, 2), (4, 3), (5, 4), (6, 3), (7, 0), (5, 7)]
        .map(|(over, under)| ratio(over, under));
    println!("{rounds} rounds of {BATCH} calls of each kind, medians:");
    for (kind, spent) in KINDS.iter().zip(&mut times) {
        println!("  {kind:<32} {:7.1} µs", median(spent));
    }
    let [
        ours_vs_plain,
        ours_vs_headers,
        headers_vs_plain,
        preparing,
        signing,
        exec,
        generated,
        second,
        minimal,
        ours_vs_minimal,
    ] = ratios;
    println!("  ours / plain                     {ours_vs_plain:7.3}");
    println!("  ours / plain with our headers    {ours_vs_headers:7.3}, of which");
    println!("    building as generated, preparing {preparing:5.3}");
    println!("    signing                        {signing:7.3}");
    println!("    the exec hook's retry loop     {exec:7.3}");
    println!("    the generated builder, decoder {generated:7.3}");
    println!("  our headers / plain              {headers_vs_plain:7.3}");
    println!("  a second signature, code warm    {second:7.3}");
    println!("  floor / plain                    {minimal:7.3}");
    println!("  ours / floor                     {ours_vs_minimal:7.3}");
}
