//! `check` over a chain of 200 generated files (a top file and an `!includedir` of 199).
//! `cargo bench --bench check`

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use mycnf_secure::chain::ChainFile;
use mycnf_secure::check::{self, CheckInput};
use mycnf_secure::clients::Target;

fn bench(c: &mut Criterion) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("conf.d");
    std::fs::create_dir(&dir).unwrap();
    let top = tmp.path().join("my.cnf");
    std::fs::write(
        &top,
        format!(
            "[client-server]\nsocket = /run/mysqld/mysqld.sock\n!includedir {}\n",
            dir.display()
        ),
    )
    .unwrap();
    for i in 0..199 {
        let mut text = format!("# generated file {i}\n[client]\n");
        for k in 0..8 {
            text.push_str(&format!("option-{k} = \"value {i} # {k}\"\n"));
        }
        text.push_str(
            "[mysqld]\nport = 3306\ninnodb-buffer-pool-size = 1G\n\n[mysql]\nprompt = x\\s\n",
        );
        std::fs::write(dir.join(format!("{i:03}.cnf")), text).unwrap();
    }
    let input = CheckInput {
        files: vec![ChainFile {
            path: top,
            required: true,
        }],
        target: Target::Mixed,
        now: 1_800_000_000,
        store: None,
        home: None,
        show_secrets: false,
    };
    assert_eq!(check::check(&input).files.len(), 200);
    c.bench_function("check: chain of 200 files", |b| {
        b.iter(|| check::check(black_box(&input)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
