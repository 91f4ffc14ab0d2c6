//! The document is lossless (`parse → to_bytes` is the identity) and the value encoder is the
//! exact inverse of the reader's decoding.

mod common;

use mycnf_secure::optfile::{Document, encode_value, value::read_back};
use proptest::prelude::*;

fn all_fixture_files() -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![common::fixtures()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[test]
fn every_fixture_round_trips_byte_for_byte() {
    let files = all_fixture_files();
    assert!(files.len() > 90);
    for path in files {
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(
            Document::parse(bytes.clone()).to_bytes(),
            bytes,
            "{}",
            path.display()
        );
    }
}

/// Bytes biased towards the characters that matter to the reader.
fn cnf_bytes() -> impl Strategy<Value = Vec<u8>> {
    let special = prop::sample::select(vec![
        b'[', b']', b'#', b';', b'!', b'=', b'"', b'\'', b'\\', b'\n', b'\r', b' ', b'\t', 0, 0xa0,
        0xef, 0xbb, 0xbf, b'a', b's',
    ]);
    prop::collection::vec(prop_oneof![3 => special, 1 => any::<u8>()], 0..400)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn parse_then_print_is_the_identity(bytes in cnf_bytes()) {
        let doc = Document::parse(bytes.clone());
        prop_assert_eq!(doc.to_bytes(), bytes.clone());
        let joined: Vec<u8> = doc.lines().iter().flat_map(|l| doc.raw(l).to_vec()).collect();
        prop_assert_eq!(joined, bytes);
    }

    #[test]
    fn encoded_values_read_back_exactly(value in prop::collection::vec(1u8..=255, 0..200)) {
        let enc = encode_value(&value).unwrap();
        let mut line = b"ssl-ca=".to_vec();
        line.extend_from_slice(&enc);
        line.push(b'\n');
        prop_assert_eq!(read_back(&line), Some(value));
    }

    #[test]
    fn encoded_values_read_back_with_spaces_around_equals(value in cnf_bytes()) {
        let value: Vec<u8> = value.into_iter().filter(|&b| b != 0).collect();
        let enc = encode_value(&value).unwrap();
        let mut line = b"  password = ".to_vec();
        line.extend_from_slice(&enc);
        line.extend_from_slice(b"\r\n");
        prop_assert_eq!(read_back(&line), Some(value));
    }
}
