//! CA validation benchmark: the operating system's trust bundle (about 140 roots), checked the
//! way `inspect-ca` and `add-ca --system-roots` check it. `cargo bench --bench cert`

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use mycnf_secure::cert::{self, TrustStore};

fn bench(c: &mut Criterion) {
    let Some(path) = cert::store::system_bundle_path() else {
        eprintln!("no system CA bundle on this machine: nothing to measure");
        return;
    };
    let bytes = std::fs::read(&path).unwrap();
    let now = 1_800_000_000;
    let mut g = c.benchmark_group("cert");
    g.bench_function("trust store load (system bundle)", |b| {
        b.iter(|| TrustStore::from_pem(black_box(&bytes)))
    });
    let store = TrustStore::from_pem(&bytes);
    g.bench_function("inspect system bundle", |b| {
        b.iter(|| cert::inspect(black_box(&bytes), now, Some(&store)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
