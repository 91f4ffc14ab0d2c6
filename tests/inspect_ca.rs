//! The CA validation rules (cert module) and the `inspect-ca` command. Certificates are made at
//! test time; what `inspect-ca` prints for the demo certificates in fixtures/certs is in the
//! transcripts under tests/cmd/inspect-ca.

mod common;

use std::process::Command;

use assert_cmd::cargo::CommandCargoExt;
use common::certs;
use mycnf_secure::cert::{self, CaReport, Role, Severity, TrustStore};

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn inspect(pem: &str) -> CaReport {
    cert::inspect(pem.as_bytes(), now(), None)
}

fn codes(r: &CaReport) -> Vec<(&'static str, Severity)> {
    r.findings.iter().map(|f| (f.code, f.severity)).collect()
}

fn openssl(args: &[&str], dir: &std::path::Path) -> Vec<u8> {
    let out = Command::new(common::openssl())
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

// ---- what a usable CA file is ----

#[test]
fn an_ec_root_is_a_usable_private_ca() {
    let r = inspect(&certs::root("EC Root").pem());
    assert!(r.usable, "{:?}", r.findings);
    assert_eq!(r.usable_cas, 1);
    assert_eq!(r.certificates[0].role, Role::Root);
    assert_eq!(r.certificates[0].key.kind, "EC");
    assert!(r.findings.is_empty());
    assert!(!r.has_public_roots());
}

#[test]
#[ignore = "needs openssl (openssl); scripts/test installs it and runs it"]
fn an_rsa_root_is_a_usable_ca_and_reports_its_key_size() {
    let ca = certs::self_signed(certs::ca_params("RSA Root"), certs::rsa_key(2048));
    let r = inspect(&ca.pem());
    assert!(r.usable, "{:?}", r.findings);
    assert_eq!(r.certificates[0].key.kind, "RSA");
    assert_eq!(r.certificates[0].key.bits, 2048);
    assert_eq!(
        r.certificates[0].signature_algorithm,
        "sha256WithRSAEncryption"
    );
}

#[test]
fn the_rsa_demo_root_is_a_usable_ca_and_reports_its_key_size() {
    let pem = std::fs::read(common::fixtures().join("certs/demo-ca.pem")).unwrap();
    let r = cert::inspect(&pem, 1_893_456_000, None); // 2030-01-01: the demo CA is valid then
    assert!(r.usable, "{:?}", r.findings);
    assert_eq!(r.certificates[0].key.kind, "RSA");
    assert_eq!(r.certificates[0].key.bits, 2048);
    assert_eq!(
        r.certificates[0].signature_algorithm,
        "sha256WithRSAEncryption"
    );
}

#[test]
fn a_bundle_of_roots_counts_every_usable_ca() {
    let pem = format!("{}{}", certs::root("A").pem(), certs::root("B").pem());
    let r = inspect(&pem);
    assert!(r.usable);
    assert_eq!(r.usable_cas, 2);
    let second_begin = pem
        .lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with("-----BEGIN"))
        .nth(1)
        .unwrap()
        .0;
    assert_eq!(r.certificates[1].line, second_begin + 1);
}

#[test]
fn an_intermediate_with_its_root_verifies_cleanly() {
    let root = certs::root("Root");
    let inter = certs::signed(certs::ca_params("Intermediate"), certs::ec_key(), &root);
    let r = inspect(&format!("{}{}", inter.pem(), root.pem()));
    assert!(r.usable, "{:?}", r.findings);
    assert_eq!(r.certificates[0].role, Role::Intermediate);
    assert!(r.findings.is_empty(), "{:?}", r.findings);
}

#[test]
fn an_intermediate_without_its_root_is_refused_and_says_to_add_the_root() {
    // OpenSSL-based clients take no partial chain: `unable to get issuer certificate`.
    let root = certs::root("Root");
    let inter = certs::signed(certs::ca_params("Intermediate"), certs::ec_key(), &root);
    let r = inspect(&inter.pem());
    assert!(!r.usable);
    assert_eq!(r.usable_cas, 0);
    assert_eq!(codes(&r), [("CA206", Severity::Error)]);
    let hint = r.findings[0].hint.as_deref().unwrap();
    assert!(hint.starts_with("add the root certificate"), "{hint}");
    assert!(hint.contains("libmariadb, libmysqlclient"), "{hint}");
}

#[test]
fn a_bundle_whose_intermediate_lacks_its_root_is_refused_although_another_root_is_usable() {
    let root = certs::root("Root");
    let inter = certs::signed(certs::ca_params("Intermediate"), certs::ec_key(), &root);
    let other = certs::root("Other Root");
    let r = inspect(&format!("{}{}", other.pem(), inter.pem()));
    assert!(!r.usable);
    assert!(r.certificates[0].usable);
    assert!(!r.certificates[1].usable);
    assert_eq!(codes(&r), [("CA206", Severity::Error)]);
}

#[test]
fn a_root_whose_subject_was_damaged_is_refused_not_taken_for_an_intermediate() {
    // One changed byte in the subject: the name no longer matches the issuer, so the
    // certificate looks like an intermediate whose issuer is absent; it is not usable.
    let root = certs::root("Root");
    let der = root.der();
    let at = der.windows(4).position(|w| w == b"Root").unwrap();
    let mut damaged = der.clone();
    damaged[at] = b'S';
    let r = inspect(&pem::encode(&pem::Pem::new("CERTIFICATE", damaged)));
    assert!(!r.usable, "{:?}", r.findings);
    assert_eq!(r.usable_cas, 0);
}

#[test]
fn an_intermediate_under_an_expired_root_is_not_usable() {
    let mut p = certs::ca_params("Old Root");
    certs::validity(&mut p, -800, -10);
    let old = certs::self_signed(p, certs::ec_key());
    let inter = certs::signed(certs::ca_params("Intermediate"), certs::ec_key(), &old);
    let r = inspect(&format!("{}{}", inter.pem(), old.pem()));
    assert!(!r.usable);
    assert!(!r.certificates[0].usable);
    assert_eq!(codes(&r), [("CA301", Severity::Error)]);
}

#[test]
fn an_intermediate_beyond_its_roots_path_length_is_an_error() {
    let mut p = certs::ca_params("Root");
    p.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Constrained(0));
    let root = certs::self_signed(p, certs::ec_key());
    let inter = certs::signed(certs::ca_params("Intermediate"), certs::ec_key(), &root);
    let r = inspect(&format!("{}{}", inter.pem(), root.pem()));
    assert!(!r.usable);
    assert!(!r.certificates[0].usable);
    assert!(r.certificates[1].usable);
    assert_eq!(codes(&r), [("CA210", Severity::Error)]);
    // One level below a path length of 1 is allowed.
    let mut p = certs::ca_params("Root");
    p.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Constrained(1));
    let root = certs::self_signed(p, certs::ec_key());
    let inter = certs::signed(certs::ca_params("Intermediate"), certs::ec_key(), &root);
    let r = inspect(&format!("{}{}", inter.pem(), root.pem()));
    assert!(r.usable, "{:?}", r.findings);
}

#[test]
fn two_cas_that_sign_each_other_without_a_root_are_refused() {
    let (ka, kb) = (certs::ec_key(), certs::ec_key());
    let (pa, pb) = (certs::ca_params("A"), certs::ca_params("B"));
    let a = pa
        .signed_by(&ka, &rcgen::Issuer::from_params(&pb, &kb))
        .unwrap();
    let b = pb
        .signed_by(&kb, &rcgen::Issuer::from_params(&pa, &ka))
        .unwrap();
    let r = inspect(&format!("{}{}", a.pem(), b.pem()));
    assert!(!r.usable);
    assert_eq!(r.usable_cas, 0);
    assert_eq!(
        codes(&r),
        [("CA209", Severity::Error), ("CA209", Severity::Error)]
    );
}

#[test]
fn a_chain_signed_by_another_key_with_the_same_name_is_an_error() {
    let real = certs::root("Same Name");
    let impostor = certs::root("Same Name");
    let inter = certs::signed(certs::ca_params("Intermediate"), certs::ec_key(), &impostor);
    let r = inspect(&format!("{}{}", inter.pem(), real.pem()));
    assert!(!r.usable);
    assert!(
        codes(&r).contains(&("CA207", Severity::Error)),
        "{:?}",
        r.findings
    );
}

// ---- what is refused ----

#[test]
fn a_server_certificate_is_refused_with_a_hint_to_use_the_ca() {
    let ca = certs::root("Root");
    let leaf = certs::server(&ca, &["db.example.test", "127.0.0.1"]);
    let r = inspect(&leaf.pem());
    assert!(!r.usable);
    let f = &r.findings[0];
    assert_eq!(
        (f.code, f.severity, f.line),
        ("CA202", Severity::Error, Some(1))
    );
    assert!(f.message.contains("DNS:db.example.test"), "{}", f.message);
    assert!(
        f.hint
            .as_deref()
            .unwrap()
            .contains("not the server's own certificate")
    );
}

#[test]
fn a_leaf_anywhere_in_a_bundle_makes_the_file_unusable() {
    let ca = certs::root("Root");
    let leaf = certs::server(&ca, &["db.example.test"]);
    let r = inspect(&format!("{}{}", ca.pem(), leaf.pem()));
    assert!(!r.usable);
    assert_eq!(r.usable_cas, 1);
    assert_eq!(r.findings[0].certificate, Some(2));
}

#[test]
fn a_single_expired_ca_is_an_error_that_says_the_date() {
    let mut p = certs::ca_params("Old Root");
    certs::validity(&mut p, -800, -10);
    let r = inspect(&certs::self_signed(p, certs::ec_key()).pem());
    assert!(!r.usable);
    assert_eq!(codes(&r), [("CA301", Severity::Error)]);
    assert!(r.findings[0].message.contains("expired on"));
}

#[test]
fn an_expired_ca_in_a_bundle_with_usable_cas_is_a_warning() {
    let mut p = certs::ca_params("Old Root");
    certs::validity(&mut p, -800, -10);
    let old = certs::self_signed(p, certs::ec_key());
    let r = inspect(&format!("{}{}", old.pem(), certs::root("Current").pem()));
    assert!(r.usable);
    assert_eq!(codes(&r), [("CA301", Severity::Warning)]);
}

#[test]
fn a_ca_not_yet_valid_is_an_error() {
    let mut p = certs::ca_params("Future Root");
    certs::validity(&mut p, 10, 800);
    let r = inspect(&certs::self_signed(p, certs::ec_key()).pem());
    assert!(!r.usable);
    assert_eq!(codes(&r), [("CA303", Severity::Error)]);
}

#[test]
fn a_ca_expiring_within_thirty_days_is_a_warning() {
    let mut p = certs::ca_params("Soon");
    certs::validity(&mut p, -100, 12);
    let r = inspect(&certs::self_signed(p, certs::ec_key()).pem());
    assert!(r.usable);
    assert_eq!(codes(&r), [("CA302", Severity::Warning)]);
    assert!(
        r.findings[0].message.contains("expires in 11 days")
            || r.findings[0].message.contains("expires in 12 days")
    );
}

#[test]
fn key_usage_without_key_cert_sign_is_an_error() {
    let mut p = certs::ca_params("No Cert Sign");
    p.key_usages = vec![rcgen::KeyUsagePurpose::DigitalSignature];
    let r = inspect(&certs::self_signed(p, certs::ec_key()).pem());
    assert!(!r.usable);
    assert_eq!(codes(&r), [("CA204", Severity::Error)]);
}

#[test]
#[ignore = "needs openssl (openssl); scripts/test installs it and runs it"]
fn a_weak_rsa_key_is_a_warning_and_its_signature_is_still_checked() {
    // ring refuses to sign with a 1024-bit key, so openssl makes this one.
    let dir = tempfile::tempdir().unwrap();
    openssl(
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:1024",
            "-nodes",
            "-keyout",
            "k.pem",
            "-out",
            "c.pem",
            // Well clear of the 30-day expiry warning (CA302), whatever the test's clock.
            "-days",
            "400",
            "-subj",
            "/CN=Weak Root",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign",
        ],
        dir.path(),
    );
    let r = inspect(&std::fs::read_to_string(dir.path().join("c.pem")).unwrap());
    assert!(r.usable, "{:?}", r.findings);
    assert_eq!(r.certificates[0].key.bits, 1024);
    assert_eq!(codes(&r), [("CA401", Severity::Warning)]);
    // A damaged signature on that small key is found, not waved through as uncheckable.
    let mut der = pem::parse(std::fs::read(dir.path().join("c.pem")).unwrap())
        .unwrap()
        .into_contents();
    let last = der.len() - 1;
    der[last] ^= 0x01;
    let r = inspect(&pem::encode(&pem::Pem::new("CERTIFICATE", der)));
    assert!(!r.usable);
    assert!(
        codes(&r).contains(&("CA205", Severity::Error)),
        "{:?}",
        r.findings
    );
}

#[test]
#[ignore = "needs openssl (openssl); scripts/test installs it and runs it"]
fn a_v1_root_is_accepted_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    openssl(
        &[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            "k.pem",
        ],
        dir.path(),
    );
    openssl(
        &[
            "req",
            "-new",
            "-key",
            "k.pem",
            "-subj",
            "/CN=V1 Root",
            "-out",
            "r.csr",
        ],
        dir.path(),
    );
    openssl(
        &[
            "x509", "-req", "-in", "r.csr", "-signkey", "k.pem", "-days", "400", "-out", "v1.pem",
        ],
        dir.path(),
    );
    let pem = std::fs::read_to_string(dir.path().join("v1.pem")).unwrap();
    let r = inspect(&pem);
    assert_eq!(r.certificates[0].version, 1);
    assert!(r.usable, "{:?}", r.findings);
    assert!(codes(&r).contains(&("CA203", Severity::Warning)));
}

#[test]
#[ignore = "needs openssl (openssl); scripts/test installs it and runs it"]
fn a_sha1_signature_on_an_intermediate_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let root = certs::self_signed(certs::ca_params("RSA Root"), certs::rsa_key(2048));
    std::fs::write(dir.path().join("ca.pem"), root.pem()).unwrap();
    std::fs::write(dir.path().join("ca.key"), root.key_pem()).unwrap();
    openssl(
        &[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-out",
            "i.key",
        ],
        dir.path(),
    );
    openssl(
        &[
            "req",
            "-new",
            "-key",
            "i.key",
            "-subj",
            "/CN=SHA1 Intermediate",
            "-out",
            "i.csr",
        ],
        dir.path(),
    );
    std::fs::write(
        dir.path().join("ext.cnf"),
        "basicConstraints=critical,CA:TRUE\nkeyUsage=keyCertSign\n",
    )
    .unwrap();
    openssl(
        &[
            "x509",
            "-req",
            "-sha1",
            "-in",
            "i.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-set_serial",
            "7",
            // Well clear of the 30-day expiry warning (CA302).
            "-days",
            "400",
            "-extfile",
            "ext.cnf",
            "-out",
            "i.pem",
        ],
        dir.path(),
    );
    let pem = std::fs::read_to_string(dir.path().join("i.pem")).unwrap() + &root.pem();
    let r = inspect(&pem);
    assert!(r.usable, "{:?}", r.findings);
    assert_eq!(codes(&r), [("CA402", Severity::Warning)]);
}

#[test]
fn a_damaged_self_signature_is_an_error() {
    let ca = certs::root("Root");
    let mut der = ca.der();
    let last = der.len() - 1;
    der[last] ^= 0x55;
    let pem = pem::encode(&pem::Pem::new("CERTIFICATE", der));
    let r = inspect(&pem);
    assert!(!r.usable);
    assert!(
        codes(&r).contains(&("CA205", Severity::Error)),
        "{:?}",
        r.findings
    );
}

#[test]
fn a_certificate_damaged_outside_its_signed_part_is_refused() {
    // The signature does not cover the outer SEQUENCE, the outer algorithm or the signature's
    // BIT STRING header: x509-parser alone reads a wrong tag class there, OpenSSL does not.
    let ca = certs::root("Root");
    let der = ca.der();
    let mut outer_class = der.clone();
    outer_class[0] = 0x70;
    let r = inspect(&pem::encode(&pem::Pem::new("CERTIFICATE", outer_class)));
    assert!(!r.usable);
    assert_eq!(codes(&r), [("CA201", Severity::Error)]);
    // The outer algorithm's SEQUENCE tag, just after the signed part, made context-specific.
    let (_, parsed) = x509_parser::parse_x509_certificate(&der).unwrap();
    let tbs_end = der
        .windows(parsed.tbs_certificate.as_ref().len())
        .position(|w| w == parsed.tbs_certificate.as_ref())
        .unwrap()
        + parsed.tbs_certificate.as_ref().len();
    let mut alg_class = der.clone();
    alg_class[tbs_end] = 0xB0;
    let r = inspect(&pem::encode(&pem::Pem::new("CERTIFICATE", alg_class)));
    assert!(!r.usable, "{:?}", r.findings);
}

#[test]
#[ignore = "needs openssl (openssl); scripts/test installs it and runs it"]
fn text_around_and_between_blocks_is_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let a = certs::root("A");
    std::fs::write(dir.path().join("a.pem"), a.pem()).unwrap();
    let text = openssl(&["x509", "-in", "a.pem", "-text"], dir.path());
    let bundle = format!(
        "Bag Attributes\n    friendlyName: a\nsubject=CN = A\n{}\n# second\n{}trailing words\n",
        String::from_utf8(text).unwrap(),
        certs::root("B").pem()
    );
    let r = inspect(&bundle);
    assert!(r.usable, "{:?}", r.findings);
    assert_eq!(r.usable_cas, 2);
}

#[test]
fn crlf_line_endings_are_accepted() {
    let pem = certs::root("CRLF").pem().replace('\n', "\r\n");
    assert!(inspect(&pem).usable);
}

// ---- framing errors name the problem and the line ----

fn first(r: &CaReport) -> (&'static str, Option<usize>) {
    (r.findings[0].code, r.findings[0].line)
}

#[test]
fn a_missing_end_line_points_at_the_begin_line() {
    let pem = certs::root("A").pem();
    let cut: String = pem.lines().take(4).map(|l| format!("{l}\n")).collect();
    let r = inspect(&format!("intro\n{cut}"));
    assert!(!r.usable);
    assert_eq!(first(&r), ("CA102", Some(2)));
}

#[test]
fn an_end_line_without_begin_is_named() {
    let pem = certs::root("A").pem();
    let cut: String = pem.lines().skip(1).map(|l| format!("{l}\n")).collect();
    let r = inspect(&cut);
    let end_line = cut.lines().count();
    assert_eq!(first(&r), ("CA103", Some(end_line)));
}

#[test]
fn bad_base64_points_at_the_damaged_line() {
    let pem = certs::root("A").pem();
    let mut lines: Vec<String> = pem.lines().map(str::to_string).collect();
    lines[2] = format!("{}!!", &lines[2][..lines[2].len() - 2]);
    let r = inspect(&(lines.join("\n") + "\n"));
    assert_eq!(first(&r), ("CA106", Some(3)));
}

#[test]
fn a_private_key_is_named_as_such() {
    let r = inspect(&certs::ec_key().serialize_pem());
    assert_eq!(first(&r).0, "CA105");
    assert!(r.findings[0].message.contains("a private key"));
}

#[test]
fn a_csr_and_a_public_key_are_named() {
    let key = certs::ec_key();
    let csr = certs::leaf_params("x", &["x"])
        .serialize_request(&key)
        .unwrap()
        .pem()
        .unwrap();
    assert!(
        inspect(&csr).findings[0]
            .message
            .contains("certificate signing request")
    );
    let pubkey = pem::encode(&pem::Pem::new(
        "PUBLIC KEY",
        rcgen::PublicKeyData::subject_public_key_info(&key),
    ));
    assert!(
        inspect(&pubkey).findings[0]
            .message
            .contains("a public key")
    );
}

#[test]
fn a_der_file_gets_the_openssl_conversion_hint() {
    let r = cert::inspect(&certs::root("A").der(), now(), None);
    assert_eq!(first(&r).0, "CA108");
    assert!(
        r.findings[0]
            .hint
            .as_deref()
            .unwrap()
            .contains("openssl x509 -inform der")
    );
}

#[test]
fn empty_binary_and_text_without_blocks_are_each_named() {
    assert_eq!(inspect("").findings[0].code, "CA101");
    assert_eq!(inspect(" \n\n").findings[0].code, "CA101");
    assert_eq!(
        cert::inspect(b"\x00\x01\x02garbage", now(), None).findings[0].code,
        "CA109"
    );
    assert_eq!(inspect("just some text\n").findings[0].code, "CA107");
}

#[test]
fn one_broken_certificate_makes_a_bundle_unusable() {
    let good = certs::root("Good").pem();
    let junk = pem::encode(&pem::Pem::new("CERTIFICATE", b"not a certificate".to_vec()));
    let r = inspect(&format!("{good}{junk}"));
    assert!(!r.usable);
    assert!(codes(&r).contains(&("CA201", Severity::Error)));
}

// ---- public roots ----

#[test]
#[ignore = "needs the system CA bundle (ca-certificates); scripts/test installs it and runs it"]
fn the_system_bundle_is_a_usable_public_bundle() {
    let bytes = std::fs::read(common::system_bundle()).unwrap();
    let store = TrustStore::from_pem(&bytes);
    let r = cert::inspect(&bytes, now(), Some(&store));
    assert!(r.usable, "{:?}", r.errors().collect::<Vec<_>>());
    assert!(r.certificates.len() > 100);
    assert_eq!(r.public_roots, r.certificates.len());
    assert!(r.has_public_roots());
    // Expired roots in the bundle are warnings, never errors.
    assert!(r.errors().next().is_none());
    // TrustStore::system() finds the same bundle, and a private CA is not in it.
    let system = TrustStore::system().expect("the system store");
    assert_eq!(system.len(), store.len());
    let private = cert::inspect(
        certs::root("Private").pem().as_bytes(),
        now(),
        Some(&system),
    );
    assert_eq!(private.public_roots, 0);
}

#[test]
fn a_ca_counts_as_a_public_root_only_when_the_store_holds_it() {
    let (public, other, private) = (
        certs::root("Public"),
        certs::root("Other"),
        certs::root("Private"),
    );
    let store = TrustStore::from_pem(format!("{}{}", public.pem(), other.pem()).as_bytes());
    assert_eq!(store.len(), 2);
    let r = cert::inspect(public.pem().as_bytes(), now(), Some(&store));
    assert_eq!(r.public_roots, 1);
    assert!(r.has_public_roots());
    let r = cert::inspect(private.pem().as_bytes(), now(), Some(&store));
    assert_eq!(r.public_roots, 0);
    assert!(!r.has_public_roots());
}

// ---- the command ----

fn cmd() -> Command {
    let mut c = Command::cargo_bin("mycnf-secure").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

/// `inspect-ca PATH`: (exit status, standard output, standard error).
fn inspect_cmd(path: &str) -> (Option<i32>, String, String) {
    let out = cmd().args(["inspect-ca", path]).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn inspect_ca_exits_0_for_a_ca_3_for_a_leaf_and_4_for_a_missing_file() {
    let (code, out, _) = inspect_cmd("fixtures/certs/demo-ca.pem");
    assert_eq!(code, Some(0));
    assert!(
        out.starts_with("fixtures/certs/demo-ca.pem: usable CA file"),
        "{out}"
    );

    let (code, out, _) = inspect_cmd("fixtures/certs/demo-server.pem");
    assert_eq!(code, Some(3));
    assert!(out.contains("error[CA202]"));

    let (code, _, err) = inspect_cmd("fixtures/certs/nope.pem");
    assert_eq!(code, Some(4));
    assert!(err.contains("cannot read fixtures/certs/nope.pem: No such file or directory"));

    let (code, _, err) = inspect_cmd("fixtures/certs");
    assert_eq!(code, Some(4));
    assert!(err.contains("is a directory"));
}

#[test]
fn inspect_ca_reads_a_pasted_certificate_from_standard_input() {
    let out = cmd()
        .args(["inspect-ca", "-"])
        .write_stdin_bytes(
            std::fs::read(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/fixtures/certs/demo-ec-ca.pem"
            ))
            .unwrap(),
        )
        .unwrap();
    assert!(out.status.success());
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .starts_with("-: usable CA file")
    );
}

#[test]
fn add_ca_refuses_an_intermediate_without_its_root_and_says_to_add_the_root() {
    let dir = tempfile::tempdir().unwrap();
    let root = certs::root("Root");
    let inter = certs::signed(certs::ca_params("Intermediate"), certs::ec_key(), &root);
    std::fs::write(dir.path().join("inter.pem"), inter.pem()).unwrap();
    let out = common::run_ours(
        dir.path(),
        &["add-ca", "inter.pem", "--file", "my.cnf", "--yes"],
        b"",
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("error[CA206]"), "{err}");
    assert!(err.contains("add the root certificate"), "{err}");
    assert!(err.contains("nothing was changed"), "{err}");
    assert!(!dir.path().join("my.cnf").exists());
    // With its root in the same file, the same intermediate is accepted.
    std::fs::write(
        dir.path().join("chain.pem"),
        format!("{}{}", inter.pem(), root.pem()),
    )
    .unwrap();
    let out = common::run_ours(
        dir.path(),
        &["add-ca", "chain.pem", "--file", "my.cnf", "--yes"],
        b"",
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

trait WriteStdin {
    fn write_stdin_bytes(&mut self, bytes: Vec<u8>) -> std::io::Result<std::process::Output>;
}

impl WriteStdin for Command {
    fn write_stdin_bytes(&mut self, bytes: Vec<u8>) -> std::io::Result<std::process::Output> {
        use std::io::Write;
        let mut child = self
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()?;
        child.stdin.take().unwrap().write_all(&bytes)?;
        child.wait_with_output()
    }
}
