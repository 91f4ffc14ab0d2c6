//! The CA verdict against OpenSSL, the library that loads the `ssl-ca` file in libmariadb and
//! libmysqlclient: `openssl verify` is the oracle.
//!
//! Certificates and bundles are made at test time with rcgen (roots on P-256, P-384, Ed25519 and
//! RSA keys, intermediates one and two deep, a server certificate, and re-signed variants:
//! signed by another key under the same name, expired, not yet valid, without keyCertSign, not
//! a CA, beyond a path length, without basicConstraints, two CAs signing each other), then
//! damaged by a seeded generator: byte and bit edits of the DER, truncations and extensions,
//! swapped, dropped, duplicated and foreign blocks, bytes copied from another certificate, and
//! on the PEM text base64 character edits, lost or swapped lines, cuts, CRLF and text between
//! blocks. `MYCNF_CERT_ORACLE_SEED` and `MYCNF_CERT_ORACLE_CASES` (default 10,000) choose the
//! run.
//!
//! For each file B, `openssl verify -CAfile B -no-CApath -no-CAstore -check_ss_sig` (the file
//! as the only trust store, every self-signature checked) is run on every certificate we read
//! from B and on a server certificate made for each CA whose key the generator knows ("probe":
//! it is what a server would present); `openssl storeutl -certs` counts the certificates
//! OpenSSL reads from B. When we call B usable: OpenSSL loads it, counts as many certificates as
//! we do, verifies every certificate we call usable and every probe under one, and refuses the
//! others we keep (expired or not yet valid, with a warning) only for their dates. Any other
//! outcome fails the test, with the seed, the case and the file. The other direction (we refuse,
//! OpenSSL verifies every certificate and every probe) is counted by our first error code and
//! printed, not failed: some of it is deliberate (a server certificate in a CA file).
//!
//! Planted bugs show the test can fail: making a missing issuer (CA206) a warning again in
//! `src/cert/mod.rs` (as it was before issue 11) gives 289 "usable but OpenSSL refuses" files in
//! the first 10,000 (intermediates left without their root, damaged subjects that make a root
//! look like an intermediate, and 56 files OpenSSL cannot load at all); making
//! `strict_envelope` accept everything gives 5 (an outer tag x509-parser reads and OpenSSL
//! does not).

mod common;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use common::certs::{self, Made};
use mycnf_secure::cert::{self, CaReport, Severity};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rcgen::{BasicConstraints, IsCa, KeyPair, KeyUsagePurpose};
use x509_parser::prelude::{FromDer, X509Certificate};

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

// ---- the material ----

/// The certificates the generator starts from, the bundles made of them, and a probe key.
struct Material {
    made: Vec<Made>,
    bundles: Vec<Vec<usize>>,
    /// (subject DER, public key DER) → index in `made`: which key a certificate holds.
    keys: HashMap<(Vec<u8>, Vec<u8>), usize>,
    probe_key: KeyPair,
}

fn with_key(alg: &'static rcgen::SignatureAlgorithm) -> KeyPair {
    KeyPair::generate_for(alg).unwrap()
}

fn material() -> Material {
    let mut made: Vec<Made> = Vec::new();
    let mut add = |m: Made| {
        made.push(m);
        made.len() - 1
    };
    let r1 = add(certs::root("Oracle Root 1"));
    let r2 = add(certs::self_signed(
        certs::ca_params("Oracle Root 2"),
        with_key(&rcgen::PKCS_ECDSA_P384_SHA384),
    ));
    let red = add(certs::self_signed(
        certs::ca_params("Oracle Ed25519 Root"),
        with_key(&rcgen::PKCS_ED25519),
    ));
    let rrsa = add(certs::self_signed(
        certs::ca_params("Oracle RSA Root"),
        certs::rsa_key(2048),
    ));
    // `made` is borrowed by `add`; signing needs the issuers, so the rest is built in steps.
    let sign = |made: &mut Vec<Made>, params: rcgen::CertificateParams, issuer: usize| {
        let m = certs::signed(params, certs::ec_key(), &made[issuer]);
        made.push(m);
        made.len() - 1
    };
    let i1 = sign(&mut made, certs::ca_params("Oracle Intermediate 1"), r1);
    let i2 = sign(&mut made, certs::ca_params("Oracle Intermediate 2"), i1);
    let irsa = sign(&mut made, certs::ca_params("Oracle RSA Intermediate"), rrsa);
    let leaf = sign(
        &mut made,
        certs::leaf_params("db.oracle.test", &["db.oracle.test"]),
        i1,
    );
    // Same name as root 1, another key: what it signs does not verify under root 1.
    made.push(certs::root("Oracle Root 1"));
    let impostor = made.len() - 1;
    let i1_impostor = sign(
        &mut made,
        certs::ca_params("Oracle Intermediate 1"),
        impostor,
    );
    let mut p = certs::ca_params("Oracle Expired Root");
    certs::validity(&mut p, -800, -10);
    made.push(certs::self_signed(p, certs::ec_key()));
    let rexp = made.len() - 1;
    let iexp = sign(&mut made, certs::ca_params("Oracle Under Expired"), rexp);
    let mut p = certs::ca_params("Oracle Future Root");
    certs::validity(&mut p, 10, 800);
    made.push(certs::self_signed(p, certs::ec_key()));
    let rfut = made.len() - 1;
    let mut p = certs::ca_params("Oracle No CertSign Root");
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    made.push(certs::self_signed(p, certs::ec_key()));
    let rnokcs = made.len() - 1;
    let mut p = certs::ca_params("Oracle No CertSign Intermediate");
    p.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::CrlSign];
    let inokcs = sign(&mut made, p, r1);
    let mut p = certs::ca_params("Oracle Path 0 Root");
    p.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    made.push(certs::self_signed(p, certs::ec_key()));
    let rpl0 = made.len() - 1;
    let ipl0 = sign(&mut made, certs::ca_params("Oracle Too Deep"), rpl0);
    let mut p = certs::ca_params("Oracle Path 1 Root");
    p.is_ca = IsCa::Ca(BasicConstraints::Constrained(1));
    made.push(certs::self_signed(p, certs::ec_key()));
    let rpl1 = made.len() - 1;
    let ipl1 = sign(&mut made, certs::ca_params("Oracle Deep Enough"), rpl1);
    let mut p = certs::ca_params("Oracle No BC Root");
    p.is_ca = IsCa::NoCa;
    made.push(certs::self_signed(p, certs::ec_key()));
    let rnobc = made.len() - 1;
    let mut p = certs::ca_params("Oracle Bare Root");
    p.is_ca = IsCa::NoCa;
    p.key_usages = Vec::new();
    made.push(certs::self_signed(p, certs::ec_key()));
    let rbare = made.len() - 1;
    made.push(certs::self_signed(
        certs::leaf_params("self.oracle.test", &["self.oracle.test"]),
        certs::ec_key(),
    ));
    let selfleaf = made.len() - 1;
    // Two CAs that sign each other.
    let (ka, kb) = (certs::ec_key(), certs::ec_key());
    let (pa, pb) = (
        certs::ca_params("Oracle Loop A"),
        certs::ca_params("Oracle Loop B"),
    );
    let ca = pa
        .signed_by(&ka, &rcgen::Issuer::from_params(&pb, &kb))
        .unwrap();
    let cb = pb
        .signed_by(&kb, &rcgen::Issuer::from_params(&pa, &ka))
        .unwrap();
    made.push(Made {
        params: pa,
        key: ka,
        cert: ca,
    });
    made.push(Made {
        params: pb,
        key: kb,
        cert: cb,
    });
    let (la, lb) = (made.len() - 2, made.len() - 1);

    let bundles = vec![
        vec![r1],
        vec![i1, r1],
        vec![r1, i1],
        vec![i2, i1, r1],
        vec![r1, r2],
        vec![red],
        vec![rrsa],
        vec![irsa, rrsa],
        vec![i1],
        vec![i2, r1],
        vec![i2, i1],
        vec![i1_impostor, r1],
        vec![i1_impostor, impostor, r1],
        vec![rexp],
        vec![rexp, r2],
        vec![iexp, rexp, r2],
        vec![rfut, r1],
        vec![rnokcs],
        vec![inokcs, r1],
        vec![ipl0, rpl0],
        vec![ipl1, rpl1],
        vec![leaf, i1, r1],
        vec![leaf],
        vec![rnobc],
        vec![rbare],
        vec![selfleaf],
        vec![la, lb],
        vec![r1, r1],
        vec![r1, r2, red, rrsa, i1, i2, irsa],
    ];
    let keys = made
        .iter()
        .enumerate()
        .map(|(i, m)| (names_and_key(&m.der()).expect("our certificates parse"), i))
        .collect();
    Material {
        made,
        bundles,
        keys,
        probe_key: certs::ec_key(),
    }
}

/// A certificate's subject and public key, as DER.
fn names_and_key(der: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    let (_, c) = X509Certificate::from_der(der).ok()?;
    Some((c.subject().as_raw().to_vec(), c.public_key().raw.to_vec()))
}

// ---- the generator ----

const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// One damaged (or intact) CA file, and what was done to it.
struct Case {
    pem: Vec<u8>,
    ops: Vec<String>,
}

fn der_op(rng: &mut ChaCha8Rng, m: &Material, ders: &mut Vec<Vec<u8>>, ops: &mut Vec<String>) {
    if ders.is_empty() {
        return;
    }
    let k = rng.random_range(0..ders.len());
    let len = ders[k].len();
    if len == 0 {
        ders.remove(k);
        ops.push(format!("empty cert {k} dropped"));
        return;
    }
    match rng.random_range(0..10) {
        0..=2 => {
            let at = rng.random_range(0..len);
            let x = rng.random_range(1..=255u8);
            ders[k][at] ^= x;
            ops.push(format!("cert {k}: byte {at} ^= {x:#04x}"));
        }
        3 => {
            // Often in the parts the signature does not cover: the outer header, and the
            // algorithm and signature at the end.
            let at = match rng.random_range(0..3) {
                0 => rng.random_range(0..len.min(4)),
                1 => rng.random_range(len.saturating_sub(90)..len),
                _ => rng.random_range(0..len),
            };
            let bit = rng.random_range(0..8);
            ders[k][at] ^= 1 << bit;
            ops.push(format!("cert {k}: bit {bit} of byte {at} flipped"));
        }
        4 => {
            let to = rng.random_range(0..len);
            ders[k].truncate(to);
            ops.push(format!("cert {k}: DER cut to {to} bytes"));
        }
        5 => {
            let n = rng.random_range(1..40);
            ders[k].extend((0..n).map(|_| rng.random::<u8>()));
            ops.push(format!("cert {k}: {n} bytes appended to the DER"));
        }
        6 if ders.len() > 1 => {
            let j = rng.random_range(0..ders.len());
            ders.swap(k, j);
            ops.push(format!("certs {k} and {j} swapped"));
        }
        7 => {
            ders.remove(k);
            ops.push(format!("cert {k} dropped"));
        }
        8 => {
            let other = rng.random_range(0..m.made.len());
            if rng.random_bool(0.5) {
                ders.insert(k, m.made[other].der());
                ops.push(format!("material {other} inserted at {k}"));
            } else {
                ders[k] = m.made[other].der();
                ops.push(format!("cert {k} replaced by material {other}"));
            }
        }
        _ => {
            // A run of bytes from another certificate at the same place (a spliced signature,
            // name or key).
            let other = m.made[rng.random_range(0..m.made.len())].der();
            let at = rng.random_range(0..len.min(other.len()));
            let n = rng.random_range(1..80).min(len - at).min(other.len() - at);
            ders[k][at..at + n].copy_from_slice(&other[at..at + n]);
            ops.push(format!(
                "cert {k}: {n} bytes at {at} from another certificate"
            ));
        }
    }
}

fn text_op(rng: &mut ChaCha8Rng, pem: &mut Vec<u8>, ops: &mut Vec<String>) {
    let text = String::from_utf8_lossy(pem).into_owned();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    if lines.is_empty() {
        return;
    }
    let body: Vec<usize> = (0..lines.len())
        .filter(|&i| !lines[i].starts_with("-----") && !lines[i].is_empty())
        .collect();
    match rng.random_range(0..8) {
        0..=2 if !body.is_empty() => {
            let l = body[rng.random_range(0..body.len())];
            let mut bytes = lines[l].clone().into_bytes();
            let at = rng.random_range(0..bytes.len());
            bytes[at] = B64[rng.random_range(0..64)];
            lines[l] = String::from_utf8(bytes).unwrap();
            ops.push(format!("line {l}: base64 character {at} changed"));
        }
        3 if !body.is_empty() => {
            let l = body[rng.random_range(0..body.len())];
            lines.remove(l);
            ops.push(format!("line {l} removed"));
        }
        4 if body.len() > 1 => {
            let a = body[rng.random_range(0..body.len())];
            let b = body[rng.random_range(0..body.len())];
            lines.swap(a, b);
            ops.push(format!("lines {a} and {b} swapped"));
        }
        5 => {
            let l = rng.random_range(0..=lines.len());
            let words = [
                "# comment",
                "subject=CN = x",
                "",
                "Bag Attributes",
                "junk =",
            ];
            lines.insert(l, words[rng.random_range(0..words.len())].to_string());
            ops.push(format!("text inserted at line {l}"));
        }
        6 => {
            let keep = rng.random_range(0..pem.len());
            pem.truncate(keep);
            ops.push(format!("text cut at byte {keep}"));
            return;
        }
        _ => {
            let crlf = lines.join("\r\n") + "\r\n";
            *pem = crlf.into_bytes();
            ops.push("CRLF line endings".into());
            return;
        }
    }
    *pem = (lines.join("\n") + "\n").into_bytes();
}

fn generate(m: &Material, seed: u64, case: u64) -> Case {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ case.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let b = rng.random_range(0..m.bundles.len());
    let mut ders: Vec<Vec<u8>> = m.bundles[b].iter().map(|&i| m.made[i].der()).collect();
    let mut ops = vec![format!("bundle {b}")];
    let roll = rng.random_range(0..100);
    let (der_ops, text_ops) = match roll {
        0..=14 => (0, 0),
        15..=54 => (rng.random_range(1..=3), 0),
        55..=89 => (0, rng.random_range(1..=3)),
        _ => (rng.random_range(1..=2), rng.random_range(1..=2)),
    };
    for _ in 0..der_ops {
        der_op(&mut rng, m, &mut ders, &mut ops);
    }
    let mut pem: Vec<u8> = ders
        .iter()
        .map(|d| pem::encode(&pem::Pem::new("CERTIFICATE", d.clone())))
        .collect::<String>()
        .replace("\r\n", "\n")
        .into_bytes();
    for _ in 0..text_ops {
        text_op(&mut rng, &mut pem, &mut ops);
    }
    Case { pem, ops }
}

// ---- the oracle ----

/// What `openssl verify` said of one file it was given.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Verdict {
    Ok,
    /// The OpenSSL error number (`X509_V_ERR_…`) and its text.
    Refused(i32, String),
    /// The file to verify could not be read.
    Unreadable,
}

struct Oracle {
    /// OpenSSL could load the CA file as a trust store.
    loaded: bool,
    verdicts: HashMap<String, Verdict>,
}

fn openssl_verify(dir: &Path, now: i64, files: &[String]) -> Oracle {
    let mut cmd = Command::new(common::openssl());
    cmd.current_dir(dir)
        .args(["verify", "-CAfile", "b.pem", "-no-CApath", "-no-CAstore"])
        .args(["-check_ss_sig", "-attime", &now.to_string()])
        .args(files);
    let out = if files.is_empty() {
        None
    } else {
        Some(cmd.output().unwrap())
    };
    let mut verdicts = HashMap::new();
    let mut loaded = true;
    if let Some(out) = out {
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        loaded = !stderr.contains("Error loading file b.pem");
        for l in stdout.lines() {
            if let Some(f) = l.strip_suffix(": OK") {
                verdicts.insert(f.to_string(), Verdict::Ok);
            }
        }
        let mut last: Option<(i32, String)> = None;
        for l in stderr.lines() {
            if let Some(rest) = l.strip_prefix("error ") {
                if let Some(f) = rest.strip_suffix(": verification failed") {
                    let (n, what) = last.take().unwrap_or((-1, "?".into()));
                    verdicts.insert(f.to_string(), Verdict::Refused(n, what));
                } else if let Some((n, what)) = rest.split_once(" at ") {
                    let what = what.split_once("lookup: ").map_or(what, |(_, w)| w);
                    last = Some((n.parse().unwrap_or(-1), what.to_string()));
                }
            } else if let Some(f) = l.strip_prefix("Could not read certificate file from ") {
                verdicts.insert(f.trim().to_string(), Verdict::Unreadable);
            }
        }
        for f in files {
            verdicts.entry(f.clone()).or_insert(Verdict::Unreadable);
        }
    }
    Oracle { loaded, verdicts }
}

/// How many certificates `openssl storeutl` reads from the file (a second process, so only
/// asked when the answer matters).
fn openssl_count(dir: &Path) -> Option<usize> {
    let out = Command::new(common::openssl())
        .current_dir(dir)
        .args(["storeutl", "-noout", "-certs", "b.pem"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Total found: ")?.trim().parse().ok())
}

/// X509_V_ERR_CERT_NOT_YET_VALID and X509_V_ERR_CERT_HAS_EXPIRED.
const DATE_ERRORS: [i32; 2] = [9, 10];

/// The outcome of one case.
enum Outcome {
    /// We and OpenSSL agree; whether OpenSSL verified every certificate and probe.
    Agree(bool),
    /// We call the file usable and OpenSSL refuses something: the test fails.
    FalseUsable(String, String),
    /// We refuse the file (first error code) and OpenSSL verifies every certificate and probe.
    FalseRefusal(&'static str),
}

/// Runs one case; returns what came out and whether we called the file usable.
fn run_case(m: &Material, dir: &Path, now: i64, case: &Case) -> (Outcome, bool) {
    let report = cert::inspect(&case.pem, now, None);
    (judge(m, dir, now, case, &report), report.usable)
}

fn judge(m: &Material, dir: &Path, now: i64, case: &Case, report: &CaReport) -> Outcome {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("b.pem"), &case.pem).unwrap();
    let ders = cert::certificates_der(&case.pem);
    assert_eq!(ders.len(), report.certificates.len());
    let mut files = Vec::new();
    let mut probes = Vec::new();
    for (i, der) in ders.iter().enumerate() {
        let name = format!("c{i}.pem");
        let text = pem::encode(&pem::Pem::new("CERTIFICATE", der.clone()));
        std::fs::write(dir.join(&name), text).unwrap();
        files.push(name);
        // A server certificate from this CA, when its key is one of ours.
        if let Some(&k) = names_and_key(der).and_then(|nk| m.keys.get(&nk)) {
            let leaf = certs::leaf_params("probe.oracle.test", &["probe.oracle.test"])
                .signed_by(&m.probe_key, &m.made[k].issuer())
                .unwrap();
            let name = format!("p{i}.pem");
            std::fs::write(dir.join(&name), leaf.pem()).unwrap();
            files.push(name.clone());
            probes.push((i, name));
        }
    }
    let oracle = openssl_verify(dir, now, &files);
    let verdict = |f: &str| {
        oracle
            .verdicts
            .get(f)
            .cloned()
            .unwrap_or(Verdict::Unreadable)
    };
    if report.usable {
        if !oracle.loaded {
            let why = "OpenSSL cannot load the file".to_string();
            return Outcome::FalseUsable(why.clone(), why);
        }
        let count = openssl_count(dir);
        if count != Some(ders.len()) {
            return Outcome::FalseUsable(
                "OpenSSL reads another number of certificates".into(),
                format!(
                    "OpenSSL reads {:?} certificates, we read {}",
                    count,
                    ders.len()
                ),
            );
        }
        for (i, info) in report.certificates.iter().enumerate() {
            match verdict(&format!("c{i}.pem")) {
                Verdict::Ok => {}
                Verdict::Refused(n, _) if !info.usable && DATE_ERRORS.contains(&n) => {}
                v => {
                    return Outcome::FalseUsable(
                        format!("a certificate: {}", kind(&v)),
                        format!(
                            "certificate {} (usable: {}): OpenSSL says {v:?}",
                            i + 1,
                            info.usable
                        ),
                    );
                }
            }
        }
        for (i, probe) in &probes {
            let v = verdict(probe);
            let info = &report.certificates[*i];
            // One we keep without calling it usable may fail for its dates (or its issuer's).
            let fine = v == Verdict::Ok
                || !info.usable && matches!(&v, Verdict::Refused(n, _) if DATE_ERRORS.contains(n));
            if !fine {
                return Outcome::FalseUsable(
                    format!("a server certificate under one: {}", kind(&v)),
                    format!(
                        "a server certificate from certificate {} (usable: {}): OpenSSL says {v:?}",
                        i + 1,
                        info.usable
                    ),
                );
            }
        }
        let all_ok = files.iter().all(|f| verdict(f) == Verdict::Ok);
        return Outcome::Agree(all_ok);
    }
    let all_ok = oracle.loaded
        && !ders.is_empty()
        && files.iter().all(|f| verdict(f) == Verdict::Ok)
        && openssl_count(dir) == Some(ders.len());
    if all_ok {
        Outcome::FalseRefusal(first_error(report))
    } else {
        Outcome::Agree(false)
    }
}

fn kind(v: &Verdict) -> String {
    match v {
        Verdict::Refused(_, what) => what.clone(),
        other => format!("{other:?}"),
    }
}

fn first_error(r: &CaReport) -> &'static str {
    r.findings
        .iter()
        .find(|f| f.severity == Severity::Error)
        .map_or("no error", |f| f.code)
}

#[test]
#[ignore = "needs openssl (openssl); scripts/test installs it and runs it"]
fn no_file_we_call_usable_is_refused_by_openssl_verify() {
    let seed = env_u64("MYCNF_CERT_ORACLE_SEED").unwrap_or(20_261_130);
    let cases = env_u64("MYCNF_CERT_ORACLE_CASES").unwrap_or(10_000);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let m = material();
    let tmp = tempfile::tempdir().unwrap();
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .max(2) as u64;
    let start = Instant::now();
    let results: Vec<(u64, Outcome, bool)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                let (m, tmp) = (&m, tmp.path());
                s.spawn(move || {
                    (w..cases)
                        .step_by(workers as usize)
                        .map(|c| {
                            let case = generate(m, seed, c);
                            let dir = tmp.join(format!("w{w}"));
                            let (outcome, usable) = run_case(m, &dir, now, &case);
                            std::fs::remove_dir_all(&dir).unwrap();
                            (c, outcome, usable)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let elapsed = start.elapsed();
    let usable = results.iter().filter(|r| r.2).count();
    let mut refusals: BTreeMap<&str, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    // Files where OpenSSL verifies every certificate and probe, and we agree.
    let mut accepted = 0;
    for (c, outcome, _) in &results {
        match outcome {
            Outcome::Agree(all_ok) => accepted += usize::from(*all_ok),
            Outcome::FalseRefusal(code) => *refusals.entry(code).or_default() += 1,
            Outcome::FalseUsable(k, why) => {
                *kinds.entry(k).or_default() += 1;
                failures.push((*c, why.clone()));
            }
        }
    }
    eprintln!(
        "cert oracle: seed {seed}, {cases} files in {:.1} s ({workers} threads): {usable} usable, {} \
         refused; OpenSSL verifies everything in {accepted} of the usable; usable but OpenSSL refuses: {}; refused but OpenSSL verifies everything, by our \
         first error: {refusals:?}",
        elapsed.as_secs_f64(),
        cases as usize - usable,
        failures.len()
    );
    if let Some((c, why)) = failures.first() {
        let case = generate(&m, seed, *c);
        panic!(
            "{} files called usable that OpenSSL refuses ({kinds:?}); the first, case {c} (seed {seed}): {why}\n\
             made by: {:?}\n{}",
            failures.len(),
            case.ops,
            String::from_utf8_lossy(&case.pem)
        );
    }
    assert!(
        usable as u64 >= cases / 10,
        "too few usable files ({usable}) to test anything"
    );
}
