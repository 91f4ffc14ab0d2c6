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
