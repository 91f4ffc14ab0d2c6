//! PEM framing: finds the `-----BEGIN …-----`/`-----END …-----` blocks of a file with their line
//! numbers, decodes certificate blocks (with the `pem` crate) and names everything that is not a
//! certificate.

use super::Finding;

/// One decoded certificate block.
#[derive(Debug, Clone)]
pub struct CertBlock {
    /// 1-based line of the BEGIN marker.
    pub line: usize,
    pub der: Vec<u8>,
}

/// What a PEM label holds, for blocks that are not certificates.
fn describe_label(label: &str) -> Option<(&'static str, &'static str)> {
    let l = label.trim();
    Some(match l {
        "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE" => return None,
        "PRIVATE KEY"
        | "RSA PRIVATE KEY"
        | "EC PRIVATE KEY"
        | "DSA PRIVATE KEY"
        | "ENCRYPTED PRIVATE KEY"
        | "OPENSSH PRIVATE KEY" => (
            "a private key",
            "a CA file holds certificates only; never hand a private key to a client config, and check that this key was not shared by mistake",
        ),
        "CERTIFICATE REQUEST" | "NEW CERTIFICATE REQUEST" => (
            "a certificate signing request (CSR)",
            "a CSR is what you send to a CA to get a certificate; use the CA certificate your provider gives you",
        ),
        "PUBLIC KEY" | "RSA PUBLIC KEY" => (
            "a public key",
            "a bare public key cannot anchor TLS verification; use the CA certificate",
        ),
        "X509 CRL" => (
            "a certificate revocation list (CRL)",
            "a CRL goes in ssl-crl, not ssl-ca",
        ),
        "PKCS7" => (
            "a PKCS#7 bundle",
            "extract the certificates: openssl pkcs7 -print_certs -in FILE -out ca.pem",
        ),
        _ => (
            "an unknown kind of PEM block",
            "expected -----BEGIN CERTIFICATE-----",
        ),
    })
}

/// Reads the framing of `bytes`. Returns the certificate blocks and the findings (errors for
/// broken framing and non-certificate blocks).
pub fn scan(bytes: &[u8]) -> (Vec<CertBlock>, Vec<Finding>) {
    let mut blocks = Vec::new();
    let mut findings = Vec::new();
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        findings.push(Finding::error(
            "CA101",
            "the file is empty",
            "paste the whole certificate, from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----",
        ));
        return (blocks, findings);
    }
    if let Some(f) = binary_finding(bytes) {
        findings.push(f);
        return (blocks, findings);
    }

    // (label, line of BEGIN, byte offset of BEGIN)
    let mut open: Option<(String, usize, usize)> = None;
    let mut offset = 0;
    for (i, raw) in bytes.split_inclusive(|&b| b == b'\n').enumerate() {
        let line_no = i + 1;
        let line_start = offset;
        offset += raw.len();
        let text = String::from_utf8_lossy(raw);
        let t = text.trim();
        if let Some(label) = marker(t, "-----BEGIN ") {
            if let Some((old, old_line, _)) = &open {
                findings.push(
                    Finding::error(
                        "CA102",
                        format!("the {old} block that starts at line {old_line} has no END line"),
                        format!("add -----END {old}----- before line {line_no}; the certificate may have been cut short when it was copied"),
                    )
                    .at_line(*old_line),
                );
            }
            open = Some((label.to_string(), line_no, line_start));
        } else if let Some(label) = marker(t, "-----END ") {
            match open.take() {
                None => findings.push(
                    Finding::error(
                        "CA103",
                        format!("END {label} line without a BEGIN line"),
                        "the start of the certificate is missing; copy it again from -----BEGIN CERTIFICATE-----",
                    )
                    .at_line(line_no),
                ),
                Some((begin, begin_line, start)) => {
                    if begin != label {
                        findings.push(
                            Finding::error(
                                "CA104",
                                format!("the block opened as {begin} at line {begin_line} is closed as {label}"),
                                "the BEGIN and END labels must be the same",
                            )
                            .at_line(line_no),
                        );
                        continue;
                    }
                    if let Some((what, hint)) = describe_label(&begin) {
                        findings.push(
                            Finding::error(
                                "CA105",
                                format!("the block at line {begin_line} is {what} (-----BEGIN {begin}-----), not a certificate"),
                                hint,
                            )
                            .at_line(begin_line),
                        );
                        continue;
                    }
                    match pem::parse(&bytes[start..offset]) {
                        Ok(p) => blocks.push(CertBlock {
                            line: begin_line,
                            der: p.into_contents(),
                        }),
                        Err(e) => {
                            let bad = first_bad_base64_line(&bytes[start..offset]);
                            findings.push(
                                Finding::error(
                                    "CA106",
                                    format!("the certificate at line {begin_line} is not valid base64 ({e})"),
                                    "the text between BEGIN and END was changed or cut; copy the certificate again",
                                )
                                .at_line(bad.map_or(begin_line, |b| begin_line + b)),
                            );
                        }
                    }
                }
            }
        }
    }
    if let Some((label, line, _)) = open {
        findings.push(
            Finding::error(
                "CA102",
                format!("the {label} block that starts at line {line} has no END line"),
                format!("the file ends inside the block: add -----END {label}----- or copy the certificate again, whole"),
            )
            .at_line(line),
        );
    }
    if blocks.is_empty() && findings.is_empty() {
        findings.push(Finding::error(
            "CA107",
            "no -----BEGIN CERTIFICATE----- block in the file",
            "a CA file is text with one or more blocks from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----",
        ));
    }
    (blocks, findings)
}

/// `-----BEGIN LABEL-----` → `LABEL`.
fn marker<'a>(line: &'a str, prefix: &str) -> Option<&'a str> {
    line.strip_prefix(prefix)?.strip_suffix("-----")
}

/// Offset (in lines, from the BEGIN line) of the first line between the markers that holds a
/// byte base64 does not use.
fn first_bad_base64_line(block: &[u8]) -> Option<usize> {
    block
        .split(|&b| b == b'\n')
        .enumerate()
        .skip(1)
        .find(|(_, l)| {
            let t = String::from_utf8_lossy(l);
            let t = t.trim();
            !t.starts_with("-----")
                && !t.contains(':')
                && t.bytes()
                    .any(|b| !(b.is_ascii_alphanumeric() || b"+/=".contains(&b)))
        })
        .map(|(i, _)| i)
}

/// DER input or other binary data.
fn binary_finding(bytes: &[u8]) -> Option<Finding> {
    let looks_der = bytes.len() > 4 && bytes[0] == 0x30 && matches!(bytes[1], 0x80..=0x84);
    if looks_der {
        let what = if x509_parser::parse_x509_certificate(bytes).is_ok() {
            "a DER (binary) certificate"
        } else {
            "binary DER data"
        };
        return Some(Finding::error(
            "CA108",
            format!("the file is {what}, not PEM text"),
            "convert it: openssl x509 -inform der -in FILE -out ca.pem",
        ));
    }
    let binary = bytes
        .iter()
        .take(4096)
        .filter(|&&b| b == 0 || (b < 0x20 && !b"\t\r\n".contains(&b)))
        .count();
    (binary > 0).then(|| {
        Finding::error(
            "CA109",
            "the file holds binary data, not a PEM certificate",
            "a CA file is text starting with -----BEGIN CERTIFICATE-----; check that you saved the right file",
        )
    })
}
