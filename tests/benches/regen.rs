//! Generation time for the five specs and for synthetic specs of 10, 100 and
//! 1,000 operations (tests/src/lib.rs), to see how it scales.

use std::fs;

use cloudjobs_tests::{synthetic_spec, workspace_root};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

fn regen(c: &mut Criterion) {
    let root = workspace_root();
    let specs: Vec<(String, String)> = xtask::apis(&root)
        .unwrap()
        .into_iter()
        .map(|api| {
            (api.spec.to_string_lossy().into_owned(), fs::read_to_string(root.join(&api.spec)).unwrap())
        })
        .collect();
    let mut group = c.benchmark_group("regen");
    group.sample_size(10);
    group.bench_function("the five specs", |b| {
        b.iter(|| {
            for (name, text) in &specs {
                cloudjobs_codegen::generate(name, text).unwrap();
            }
        })
    });
    for operations in [10usize, 100, 1000] {
        let spec = synthetic_spec(operations);
        group.throughput(Throughput::Elements(operations as u64));
        group.bench_with_input(BenchmarkId::new("synthetic operations", operations), &spec, |b, spec| {
            b.iter(|| cloudjobs_codegen::generate("synthetic.yaml", spec).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, regen);
criterion_main!(benches);
