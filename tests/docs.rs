//! The pages generated from the code's data stay equal to it: docs/clients.md is the client
//! table's data written out. `MYCNF_UPDATE_DOCS=1 cargo test --test docs` writes it again.

use std::path::Path;

#[test]
fn docs_clients_md_is_the_client_data_written_out() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/clients.md");
    let want = mycnf_secure::clients::doc::markdown();
    if std::env::var_os("MYCNF_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "docs/clients.md differs from the client data; run `MYCNF_UPDATE_DOCS=1 cargo test --test docs` and review the change"
    );
}

#[test]
fn every_family_says_how_it_is_proven_and_who_it_stands_for() {
    use mycnf_secure::clients::{PROFILES, Proof};
    for p in PROFILES {
        assert!(!p.members.is_empty(), "{:?} has no members", p.family);
        match p.proof {
            Proof::EndToEnd(how) | Proof::Unverified(how) => {
                assert!(
                    !how.is_empty(),
                    "{:?} does not say how it is proven",
                    p.family
                )
            }
        }
    }
}

/// docs/check-rules.md's table, between its markers, is the rule registry written out.
#[test]
fn docs_check_rules_table_is_the_rule_registry_written_out() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/check-rules.md");
    let have = std::fs::read_to_string(&path).unwrap();
    let (start, end) = (
        "<!-- rules: generated from src/check/rules.rs by tests/docs.rs -->\n",
        "<!-- /rules -->\n",
    );
    let a = have.find(start).expect("the start marker") + start.len();
    let b = have.find(end).expect("the end marker");
    let want = format!(
        "{}{}{}",
        &have[..a],
        mycnf_secure::check::rules::markdown_table(),
        &have[b..]
    );
    if std::env::var_os("MYCNF_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    assert!(
        std::fs::read_to_string(&path).unwrap() == want,
        "docs/check-rules.md's table differs from src/check/rules.rs; run `MYCNF_UPDATE_DOCS=1 cargo test --test docs`"
    );
}

/// Every `MCnnn` code written in the sources is a rule of the registry, and every rule of the
/// registry is written somewhere besides it (a rule nothing emits is a promise `check` breaks).
#[test]
fn every_rule_code_the_sources_emit_is_in_the_registry_and_back() {
    use mycnf_secure::check::rules::{RULES, rule_of};
    let mut seen = std::collections::BTreeSet::new();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.ends_with("check/rules.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let bytes = text.as_bytes();
            for (i, _) in text.match_indices("\"MC") {
                let code = &bytes[i + 1..(i + 6).min(bytes.len())];
                if code.len() == 5 && code[2..].iter().all(u8::is_ascii_digit) {
                    let code = std::str::from_utf8(code).unwrap().to_string();
                    assert!(
                        rule_of(&code).is_some(),
                        "{} emits {code}, which the registry lacks",
                        path.display()
                    );
                    seen.insert(code);
                }
            }
        }
    }
    for r in RULES {
        assert!(
            seen.contains(r.code),
            "{} is in the registry but nothing emits it",
            r.code
        );
    }
}
