//! The unified diff shown before anything is written, with secrets masked.

use similar::udiff::UnifiedHunkHeader;
use similar::{Algorithm, DiffOp};

use crate::diagnostic::{Masked, sanitize_keeping_tabs};
use crate::optfile::Document;
use crate::optfile::edit::{Edited, Hunk};

/// Decides, from an option's name as written, whether its value is hidden (the one masking
/// path, [`Masked`], applies it).
pub use crate::diagnostic::Secret;

/// The text of a line as shown to a person: its secrets masked ([`Masked::line`]: also in
/// commented-out lines), sanitised (tabs kept, the line ending kept).
pub fn display_line(line: &[u8], secret: Secret<'_>) -> String {
    shown(line, secret).0
}

/// [`display_line`], and whether something was hidden.
fn shown(line: &[u8], secret: Secret<'_>) -> (String, bool) {
    let masked = Masked::line(line, secret);
    let bytes = masked.bytes();
    let (body, eol) = match bytes.strip_suffix(b"\n") {
        Some(b) => (b.strip_suffix(b"\r").unwrap_or(b), "\n"),
        None => (bytes, ""),
    };
    let mut text = sanitize_keeping_tabs(body).into_owned();
    text.push_str(eol);
    (text, masked.hid_something())
}

/// A unified diff (3 lines of context) between two versions of `label`; empty when equal.
/// The lines are compared as written and masked only when shown, so a changed secret is
/// still a change (see [`render`]).
pub fn unified(label: &str, old: &[u8], new: &[u8], secret: Secret<'_>) -> String {
    if old == new {
        return String::new();
    }
    let old_lines: Vec<&[u8]> = old.split_inclusive(|&b| b == b'\n').collect();
    let new_lines: Vec<&[u8]> = new.split_inclusive(|&b| b == b'\n').collect();
    let ops = similar::capture_diff_slices(Algorithm::Myers, &old_lines, &new_lines);
    render(label, ops, &|i| old_lines[i], &|i| new_lines[i], secret)
}

/// What a changed line whose secret is hidden on both sides gets, so that the change shows:
/// the masked texts would otherwise be the same. Nothing of the value (not its length).
const OLD_VALUE: &str = " (old value)";
const NEW_VALUE: &str = " (new value)";

/// The unified diff of `ops` (3 lines of context), lines shown through the masking. In a
/// change, a removed and an added line that the masking makes look alike are marked
/// [`OLD_VALUE`] and [`NEW_VALUE`].
fn render<'l>(
    label: &str,
    ops: Vec<DiffOp>,
    old_line: &dyn Fn(usize) -> &'l [u8],
    new_line: &dyn Fn(usize) -> &'l [u8],
    secret: Secret<'_>,
) -> String {
    let mut out = format!("--- {label} (before)\n+++ {label} (after)\n");
    for group in similar::group_diff_ops(ops, 3) {
        out.push_str(&format!("{}\n", UnifiedHunkHeader::new(&group)));
        for op in &group {
            let mut put = |tag: char, line: &[u8], (text, _): &(String, bool), mark: &str| {
                out.push(tag);
                match text.strip_suffix('\n') {
                    Some(body) => {
                        out.push_str(body);
                        out.push_str(mark);
                        out.push('\n');
                    }
                    None => {
                        out.push_str(text);
                        out.push_str(mark);
                    }
                }
                if !line.ends_with(b"\n") {
                    out.push_str("\n\\ No newline at end of file\n");
                }
            };
            let (o, n) = (op.old_range(), op.new_range());
            let one = |tag: char, line: &'l [u8]| (tag, line, shown(line, secret));
            match op {
                DiffOp::Equal { .. } => o.for_each(|i| {
                    let (t, l, s) = one(' ', old_line(i));
                    put(t, l, &s, "")
                }),
                DiffOp::Delete { .. } => o.for_each(|i| {
                    let (t, l, s) = one('-', old_line(i));
                    put(t, l, &s, "")
                }),
                DiffOp::Insert { .. } => n.for_each(|i| {
                    let (t, l, s) = one('+', new_line(i));
                    put(t, l, &s, "")
                }),
                DiffOp::Replace { .. } => {
                    let olds: Vec<_> = o.map(|i| one('-', old_line(i))).collect();
                    let news: Vec<_> = n.map(|i| one('+', new_line(i))).collect();
                    // A hidden line that looks the same on the other side of this change.
                    let alike = |s: &(String, bool), other: &[(char, &[u8], (String, bool))]| {
                        s.1 && other.iter().any(|(_, _, t)| t.1 && t.0 == s.0)
                    };
                    for (t, l, s) in &olds {
                        put(*t, l, s, if alike(s, &news) { OLD_VALUE } else { "" });
                    }
                    for (t, l, s) in &news {
                        put(*t, l, s, if alike(s, &olds) { NEW_VALUE } else { "" });
                    }
                }
            }
        }
    }
    out
}

/// The edit script of `hunks` over a file of `old_len` lines, as diff operations (touching
/// steps merged, as a diff shows them), and where each step's new lines start: (new index,
/// index into the edit's new lines).
fn diff_ops(hunks: &[Hunk], old_len: usize) -> (Vec<DiffOp>, Vec<(usize, usize)>) {
    let mut starts: Vec<(usize, usize)> = Vec::with_capacity(hunks.len());
    let mut ops = Vec::with_capacity(hunks.len() * 2 + 1);
    let (mut old, mut new, mut taken) = (0usize, 0usize, 0usize);
    for h in hunks {
        if h.old > old {
            let len = h.old - old;
            ops.push(DiffOp::Equal {
                old_index: old,
                new_index: new,
                len,
            });
            new += len;
        }
        starts.push((new, taken));
        taken += h.new_len;
        // Steps that touch (no equal line between) are one change, as a diff shows them.
        let (mut at_old, mut at_new, mut o, mut n) = (h.old, new, h.old_len, h.new_len);
        if h.old == old
            && let Some(prev) = ops.last().copied()
            && !matches!(prev, DiffOp::Equal { .. })
        {
            ops.pop();
            at_old = prev.old_range().start;
            at_new = prev.new_range().start;
            o += prev.old_range().len();
            n += prev.new_range().len();
        }
        ops.push(match (o, n) {
            (0, n) => DiffOp::Insert {
                old_index: at_old,
                new_index: at_new,
                new_len: n,
            },
            (o, 0) => DiffOp::Delete {
                old_index: at_old,
                old_len: o,
                new_index: at_new,
            },
            (o, n) => DiffOp::Replace {
                old_index: at_old,
                old_len: o,
                new_index: at_new,
                new_len: n,
            },
        });
        old = h.old + h.old_len;
        new += h.new_len;
    }
    if old < old_len {
        ops.push(DiffOp::Equal {
            old_index: old,
            new_index: new,
            len: old_len - old,
        });
    }
    (ops, starts)
}

/// The unified diff (3 lines of context) of an edit, from the edit itself: the lines it
/// changes are known, so no diff algorithm runs over the whole file and the cost follows the
/// size of the edit, not of the file. Same format as [`unified`].
pub fn unified_edit(label: &str, doc: &Document, edited: &Edited, secret: Secret<'_>) -> String {
    let hunks = edited.hunks(doc);
    if hunks.is_empty() {
        return String::new();
    }
    let lines = doc.lines();
    let new_lines = edited.new_lines(doc);
    let (ops, starts) = diff_ops(&hunks, lines.len());
    let old_line = |i: usize| doc.raw(&lines[i]);
    let new_line = |i: usize| {
        let k = starts.partition_point(|&(at, _)| at <= i) - 1;
        let (at, from) = starts[k];
        new_lines[from + i - at]
    };
    render(label, ops, &old_line, &new_line, secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Holds for any text containing `password`, as the real predicate holds for any text
    /// containing a secret word (see `diagnostic::Secret`).
    fn password(name: &[u8]) -> bool {
        name.windows(8).any(|w| w == b"password")
    }

    fn edit_diff(input: &str, ops: &[crate::optfile::edit::Op]) -> (String, String) {
        let doc = Document::parse(input.as_bytes().to_vec());
        let edited = crate::optfile::edit::apply(&doc, ops);
        let new = edited.to_bytes(&doc);
        (
            unified_edit("f", &doc, &edited, &password),
            unified("f", input.as_bytes(), &new, &password),
        )
    }

    #[test]
    fn the_diff_of_an_edit_is_the_diff_of_the_two_files() {
        use crate::optfile::edit::Op;
        let mut long = String::from("[client]\n");
        for i in 0..40 {
            long.push_str(&format!("k{i}=v\n"));
        }
        long.push_str("password=x\nlast=1");
        let cases: Vec<(String, Vec<Op>)> = vec![
            (
                long.clone(),
                vec![
                    Op::CommentOut {
                        line: 3,
                        reason: "r".into(),
                    },
                    Op::ReplaceOption {
                        line: 20,
                        name: "k".into(),
                        value: b"2".to_vec(),
                    },
                    Op::InsertAfter {
                        line: 22,
                        options: vec![("a".into(), b"1".to_vec())],
                    },
                    Op::AppendGroup {
                        group: "g".into(),
                        options: vec![("b".into(), b"2".to_vec())],
                    },
                ],
            ),
            (
                String::new(),
                vec![Op::AppendGroup {
                    group: "client".into(),
                    options: vec![("a".into(), b"1".to_vec())],
                }],
            ),
            (
                "[client]\nuser=app".into(),
                vec![Op::InsertAfter {
                    line: 1,
                    options: vec![("a".into(), b"1".to_vec())],
                }],
            ),
            (
                "[client]\nx=1 # c\n".into(),
                vec![Op::ReplaceOption {
                    line: 1,
                    name: "x".into(),
                    value: b"2".to_vec(),
                }],
            ),
            (
                "[client]\na=1\nb=2\nc=3\n".into(),
                vec![
                    Op::ReplaceOption {
                        line: 1,
                        name: "a".into(),
                        value: b"9".to_vec(),
                    },
                    Op::InsertAfter {
                        line: 1,
                        options: vec![("n".into(), b"1".to_vec())],
                    },
                    Op::CommentOut {
                        line: 2,
                        reason: "r".into(),
                    },
                    Op::InsertAfter {
                        line: 3,
                        options: vec![("z".into(), b"1".to_vec())],
                    },
                ],
            ),
        ];
        for (input, ops) in cases {
            let (ours, reference) = edit_diff(&input, &ops);
            assert_eq!(ours, reference, "{input:?}");
        }
    }

    #[test]
    fn passwords_in_context_lines_are_masked() {
        let d = unified(
            "my.cnf",
            b"[client]\npassword = \"s#cret\"\nuser=a\n",
            b"[client]\npassword = \"s#cret\"\nuser=a\nssl-ca=/ca.pem\n",
            &password,
        );
        assert!(d.contains(" password = *****\n"), "{d}");
        assert!(!d.contains("s#cret"));
        assert!(d.contains("+ssl-ca=/ca.pem\n"));
        let shown = unified("my.cnf", b"password=x\n", b"password=x\nk=1\n", &|_| false);
        assert!(shown.contains("password=x"));
    }

    #[test]
    fn commented_out_passwords_are_masked_in_context_lines() {
        let d = unified(
            "my.cnf",
            b"[client]\n# password=s3cret\n;password = other\n",
            b"[client]\n# password=s3cret\n;password = other\nk=1\n",
            &password,
        );
        assert!(d.contains(" # password=*****\n"), "{d}");
        assert!(d.contains(" ;password = *****\n"), "{d}");
        assert!(!d.contains("s3cret") && !d.contains("other"), "{d}");
    }

    #[test]
    fn a_changed_password_is_a_change_marked_old_and_new_without_its_value() {
        let d = unified(
            "my.cnf",
            b"[client]\npassword=old\nuser=a\n",
            b"[client]\npassword=new\nuser=a\n",
            &password,
        );
        assert!(
            d.contains(
                "-password=*****{OLD_VALUE}\n"
                    .replace("{OLD_VALUE}", OLD_VALUE)
                    .as_str()
            ),
            "{d}"
        );
        assert!(
            d.contains(
                "+password=*****{NEW_VALUE}\n"
                    .replace("{NEW_VALUE}", NEW_VALUE)
                    .as_str()
            ),
            "{d}"
        );
        assert!(!d.contains("old\n") && !d.contains("=new"), "{d}");
        // A change the masked lines show needs no marker.
        let d = unified("f", b"password=a\n", b"password = b\n", &password);
        assert!(
            d.contains("-password=*****\n") && d.contains("+password = *****\n"),
            "{d}"
        );
    }
}
