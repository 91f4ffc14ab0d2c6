//! The one renderer of findings, rustc-style (annotate-snippets): `error[CODE]: message`, the
//! location, the source line with the culprit underlined, help and notes. Colour is decided
//! once, by the output stream (see `ui`).

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use mycnf_secure::diagnostic::{Finding, Severity, sanitize};

fn level(s: Severity) -> Level<'static> {
    match s {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    }
}

/// The byte span, in the sanitised line, of `width` raw bytes from column `col`.
fn span(f: &Finding, shown: &str) -> std::ops::Range<usize> {
    let raw = &f.source_bytes;
    let start = f.col.saturating_sub(1).min(raw.len());
    let end = (start + f.width).min(raw.len());
    let floor = |mut i: usize| {
        i = i.min(shown.len());
        while !shown.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let a = floor(sanitize(&raw[..start]).len());
    let b = floor(sanitize(&raw[..end]).len()).max(a);
    a..b
}

/// One finding as text (ANSI styles included; the stream strips them where colour is off).
pub fn finding(f: &Finding) -> String {
    let message = sanitize(f.message.as_bytes());
    let path = f
        .file
        .as_ref()
        .map(|p| sanitize(p.as_os_str().as_encoded_bytes()).into_owned())
        .unwrap_or_default();
    let shown = f.source.clone().unwrap_or_default();
    let hint = f.hint.as_deref().map(|h| sanitize(h.as_bytes()));
    let related = f.related.as_ref().map(|r| {
        format!(
            "{}: {}:{}",
            r.note,
            sanitize(r.file.display().to_string().as_bytes()),
            r.line
        )
    });
    let mut group = Group::with_title(level(f.severity).primary_title(message.as_ref()).id(f.code));
    if f.line > 0 && f.source.is_some() {
        let range = span(f, &shown);
        group = group.element(
            Snippet::source(&shown)
                .line_start(f.line)
                .path(&path)
                .annotation(AnnotationKind::Primary.span(range)),
        );
    } else if !path.is_empty() {
        let mut origin = Origin::path(path.as_str());
        if f.line > 0 {
            origin = origin.line(f.line);
        }
        group = group.element(origin);
    }
    if let Some(h) = &hint {
        group = group.element(Level::HELP.message(h.as_ref()));
    }
    if let Some(r) = &related {
        group = group.element(Level::NOTE.message(r));
    }
    let mut out = Renderer::styled().render(&[group]);
    out.push('\n');
    out
}

/// Several findings, one block each, a blank line between.
pub fn findings<'a>(list: impl IntoIterator<Item = &'a Finding>) -> String {
    let mut out = String::new();
    for f in list {
        out.push_str(&finding(f));
        out.push('\n');
    }
    out
}
