//! Reader benchmarks: the lossless document parse and the streaming chain reader.
//! `cargo bench --bench reader`

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mycnf_secure::chain::{ChainFile, GroupSet, print_defaults_output};
use mycnf_secure::optfile::Document;

fn typical_file() -> Vec<u8> {
    std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo/my.cnf")).unwrap()
}

/// About `size` bytes of option file: groups, comments, quoted values, inline comments.
fn large_file(size: usize) -> Vec<u8> {
    let block = b"[client]\n# the CA that signed the server certificate\nssl-ca = /etc/mysql/ca.pem\n\
password = \"p#ss w0rd\"  # quoted\nuser=app\n\n[mysqld]\nport=3306\nsocket=/run/mysqld/mysqld.sock\n\
[mysql]\ninit-command='SET NAMES utf8mb4'\nloose-ssl-mode=VERIFY_IDENTITY\n";
    let mut out = Vec::with_capacity(size + block.len());
    while out.len() < size {
        out.extend_from_slice(block);
    }
    out
}

fn bench(c: &mut Criterion) {
    let typical = typical_file();
    let mut g = c.benchmark_group("document");
    g.throughput(Throughput::Bytes(typical.len() as u64));
    g.bench_function("parse typical my.cnf", |b| {
        b.iter(|| Document::parse(black_box(typical.clone())))
    });
    let big = large_file(1 << 20);
    g.throughput(Throughput::Bytes(big.len() as u64));
    g.bench_function("parse 1 MiB", |b| {
        b.iter(|| Document::parse(black_box(big.clone())))
    });
    g.finish();

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.cnf");
    let data = large_file(4 << 20);
    std::fs::write(&path, &data).unwrap();
    let groups = GroupSet::new(["client", "mysql"], None);
    let files = [ChainFile {
        path,
        required: true,
    }];
    let mut g = c.benchmark_group("reader");
    g.throughput(Throughput::Bytes(data.len() as u64));
    g.bench_function("print-defaults 4 MiB", |b| {
        b.iter(|| print_defaults_output(black_box(&groups), black_box(&files), None))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
