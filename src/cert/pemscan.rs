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
    if let Some(f) = not_pem_text(bytes) {
        return (Vec::new(), vec![f]);
    }
    let (blocks, mut findings) = read_blocks(bytes);
    if blocks.is_empty() && findings.is_empty() {
        findings.push(Finding::error(
            "CA107",
            "no -----BEGIN CERTIFICATE----- block in the file",
            "a CA file is text with one or more blocks from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----",
        ));
    }
    (blocks, findings)
}

/// Decides whether the file is PEM text at all: an empty (all-whitespace) file, DER or other
/// binary data is refused with a single finding before any line is read.
fn not_pem_text(bytes: &[u8]) -> Option<Finding> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Some(Finding::error(
            "CA101",
            "the file is empty",
            "paste the whole certificate, from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----",
        ));
    }
    binary_finding(bytes)
}

/// A block whose BEGIN line has been read and whose END line has not.
struct OpenBlock {
    label: String,
    /// 1-based line of the BEGIN marker.
    line: usize,
    /// Byte offset of the BEGIN line.
    start: usize,
}

impl OpenBlock {
    /// The block has no END line (CA102); `hint` says where one is missing.
    fn unended(&self, hint: String) -> Finding {
        Finding::error(
            "CA102",
            format!(
                "the {} block that starts at line {} has no END line",
                self.label, self.line
            ),
            hint,
        )
        .at_line(self.line)
    }
}

/// Pairs the BEGIN and END markers line by line; text outside the blocks is ignored. Each closed
/// block is judged by [`close_block`]; a BEGIN inside an open block, an END with none open and a
/// block still open at the end of the file are framing errors.
fn read_blocks(bytes: &[u8]) -> (Vec<CertBlock>, Vec<Finding>) {
    let mut blocks = Vec::new();
    let mut findings = Vec::new();
    let mut open: Option<OpenBlock> = None;
    let mut offset = 0;
    for (i, raw) in bytes.split_inclusive(|&b| b == b'\n').enumerate() {
        let line_no = i + 1;
        let line_start = offset;
        offset += raw.len();
        let text = String::from_utf8_lossy(raw);
        let t = text.trim();
        if let Some(label) = marker(t, "-----BEGIN ") {
            if let Some(old) = &open {
                findings.push(old.unended(format!(
                    "add -----END {}----- before line {line_no}; the certificate may have been cut short when it was copied",
                    old.label
                )));
            }
            open = Some(OpenBlock {
                label: label.to_string(),
                line: line_no,
                start: line_start,
            });
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
                Some(begin) => {
                    match close_block(&begin, label, line_no, &bytes[begin.start..offset]) {
                        Ok(block) => blocks.push(block),
                        Err(f) => findings.push(f),
                    }
                }
            }
        }
    }
    if let Some(begin) = open {
        findings.push(begin.unended(format!(
            "the file ends inside the block: add -----END {}----- or copy the certificate again, whole",
            begin.label
        )));
    }
    (blocks, findings)
}

/// Judges a block at its END line (`line_no`, closing `label`): the labels must match, the label
/// must name a certificate, and the text (`block`, BEGIN line through END line) must decode.
fn close_block(
    begin: &OpenBlock,
    label: &str,
    line_no: usize,
    block: &[u8],
) -> Result<CertBlock, Finding> {
    if begin.label != label {
        return Err(Finding::error(
            "CA104",
            format!(
                "the block opened as {} at line {} is closed as {label}",
                begin.label, begin.line
            ),
            "the BEGIN and END labels must be the same",
        )
        .at_line(line_no));
    }
    if let Some((what, hint)) = describe_label(&begin.label) {
        return Err(Finding::error(
            "CA105",
            format!(
                "the block at line {} is {what} (-----BEGIN {}-----), not a certificate",
                begin.line, begin.label
            ),
            hint,
        )
        .at_line(begin.line));
    }
    decode_block(begin.line, block)
}

/// Decodes a certificate block's base64; when it does not decode, the finding points at the
/// first line with a byte base64 does not use (or at the BEGIN line when none is found).
fn decode_block(begin_line: usize, block: &[u8]) -> Result<CertBlock, Finding> {
    match pem::parse(block) {
        Ok(p) => Ok(CertBlock {
            line: begin_line,
            der: p.into_contents(),
        }),
        Err(e) => {
            let bad = first_bad_base64_line(block);
            Err(Finding::error(
                "CA106",
                format!("the certificate at line {begin_line} is not valid base64 ({e})"),
                "the text between BEGIN and END was changed or cut; copy the certificate again",
            )
            .at_line(bad.map_or(begin_line, |b| begin_line + b)))
        }
    }
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
