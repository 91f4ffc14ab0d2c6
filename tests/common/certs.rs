//! Certificates made at test time (rcgen; RSA keys from openssl, since rcgen cannot generate
//! them with ring), so nothing in the tests ever expires.

#![allow(dead_code)]

use std::process::Command;

use rcgen::{
    BasicConstraints, Certificate, CertificateParams, DnType, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, PKCS_RSA_SHA256, SanType,
};
use time::{Duration, OffsetDateTime};

/// A certificate with its key and parameters, able to sign others.
pub struct Made {
    pub params: CertificateParams,
    pub key: KeyPair,
    pub cert: Certificate,
}

impl Made {
    pub fn pem(&self) -> String {
        self.cert.pem()
    }

    pub fn der(&self) -> Vec<u8> {
        self.cert.der().to_vec()
    }

    pub fn key_pem(&self) -> String {
        self.key.serialize_pem()
    }

    pub fn issuer(&self) -> Issuer<'_, &KeyPair> {
        Issuer::from_params(&self.params, &self.key)
    }
}

pub fn ec_key() -> KeyPair {
    KeyPair::generate().unwrap()
}

/// An RSA key of `bits` (openssl genpkey: a test that calls this needs openssl).
pub fn rsa_key(bits: u32) -> KeyPair {
    let out = Command::new(super::openssl())
        .args(["genpkey", "-algorithm", "RSA", "-pkeyopt"])
        .arg(format!("rsa_keygen_bits:{bits}"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    KeyPair::from_pem_and_sign_algo(std::str::from_utf8(&out.stdout).unwrap(), &PKCS_RSA_SHA256)
        .unwrap()
}

/// Validity from `from_days` to `to_days` relative to now.
pub fn validity(params: &mut CertificateParams, from_days: i64, to_days: i64) {
    let now = OffsetDateTime::now_utc();
    params.not_before = now + Duration::days(from_days);
    params.not_after = now + Duration::days(to_days);
}

pub fn ca_params(name: &str) -> CertificateParams {
    let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
    p.distinguished_name.push(DnType::CommonName, name);
    p.distinguished_name
        .push(DnType::OrganizationName, "mycnf-secure tests");
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    validity(&mut p, -1, 3650);
    p
}

pub fn leaf_params(name: &str, sans: &[&str]) -> CertificateParams {
    let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
    p.distinguished_name.push(DnType::CommonName, name);
    p.is_ca = IsCa::ExplicitNoCa;
    p.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    p.subject_alt_names = sans
        .iter()
        .map(|s| match s.parse::<std::net::IpAddr>() {
            Ok(ip) => SanType::IpAddress(ip),
            Err(_) => SanType::DnsName((*s).try_into().unwrap()),
        })
        .collect();
    validity(&mut p, -1, 825);
    p
}

/// A self-signed certificate from `params` with `key`.
pub fn self_signed(params: CertificateParams, key: KeyPair) -> Made {
    let cert = params.self_signed(&key).unwrap();
    Made { params, key, cert }
}

/// A certificate from `params` with `key`, signed by `issuer`.
pub fn signed(params: CertificateParams, key: KeyPair, issuer: &Made) -> Made {
    let cert = params.signed_by(&key, &issuer.issuer()).unwrap();
    Made { params, key, cert }
}

/// An EC root CA valid now.
pub fn root(name: &str) -> Made {
    self_signed(ca_params(name), ec_key())
}

/// A server certificate for `sans`, signed by `ca`.
pub fn server(ca: &Made, sans: &[&str]) -> Made {
    signed(leaf_params(sans[0], sans), ec_key(), ca)
}
