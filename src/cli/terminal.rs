//! The last gate before a person's terminal: every text written for a person passes through
//! [`safe`], whatever it holds (our messages, clap's, values from files, certificates, URLs or
//! arguments). It keeps line feeds, tabs and the colour and weight styles we and our libraries
//! draw with; every other control character, and every other escape sequence (titles,
//! hyperlinks, cursor moves, hidden or blinking text, a carriage return that overwrites a
//! line), is shown escaped instead of acting on the terminal.

use std::borrow::Cow;

const ESC: char = '\u{1b}';

/// `text` with every control character escaped, except line feeds, tabs and the styles of
/// [`is_style`].
pub fn safe(text: &str) -> Cow<'_, str> {
    if !text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == ESC
            && let Some(len) = style_len(rest)
        {
            out.push_str(&rest[..len]);
            rest = &rest[len..];
            continue;
        }
        match c {
            '\n' | '\t' => out.push(c),
            c if c.is_control() => out.extend(c.escape_default()),
            c => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    Cow::Owned(out)
}

/// The length of a style sequence (`ESC [ params m`) at the start of `s`, if it is one that only
/// sets colours, weight, italics or underline.
fn style_len(s: &str) -> Option<usize> {
    let body = s.strip_prefix("\u{1b}[")?;
    let end = body.find(|c: char| !(c.is_ascii_digit() || c == ';'))?;
    if body.as_bytes()[end] != b'm' {
        return None;
    }
    is_style(&body[..end]).then_some(2 + end + 1)
}

/// Select Graphic Rendition parameters that change how text looks, never whether it shows:
/// reset, bold, dim, italic, underline and their ends, the 8/16 colours, and 256-colour or
/// RGB colours. Not blink, reverse, hidden or struck-through text, nor fonts.
fn is_style(params: &str) -> bool {
    let mut it = params.split(';').map(|p| p.parse::<u16>().ok());
    let mut next = || it.next();
    while let Some(p) = next() {
        let fine = match p.unwrap_or(0) {
            0..=4 | 21..=24 | 30..=37 | 39 | 40..=47 | 49 | 90..=97 | 100..=107 => true,
            38 | 48 | 58 => match next().flatten() {
                Some(5) => next().flatten().is_some(),
                Some(2) => (0..3).all(|_| next().flatten().is_some()),
                _ => false,
            },
            _ => false,
        };
        if !fine {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_untouched() {
        assert!(matches!(safe("a\tb\nc é"), Cow::Borrowed(_)));
    }

    #[test]
    fn our_styles_pass() {
        let styled = "\u{1b}[1m\u{1b}[31merror:\u{1b}[0m x \u{1b}[38;5;12m|\u{1b}[0m";
        assert_eq!(safe(styled), styled);
    }

    #[test]
    fn titles_links_cursor_moves_and_hidden_text_are_escaped() {
        for (hostile, shown) in [
            ("\u{1b}]0;owned\u{7}", "\\u{1b}]0;owned\\u{7}"),
            (
                "\u{1b}]8;;http://x\u{1b}\\link",
                "\\u{1b}]8;;http://x\\u{1b}\\link",
            ),
            ("\u{1b}[2J\u{1b}[H", "\\u{1b}[2J\\u{1b}[H"),
            ("\u{1b}[8mhidden", "\\u{1b}[8mhidden"),
            ("\u{1b}[5m", "\\u{1b}[5m"),
            ("ok\rfake", "ok\\rfake"),
            ("\u{9b}31m", "\\u{9b}31m"),
            ("\u{1b}[38;5m", "\\u{1b}[38;5m"),
        ] {
            assert_eq!(safe(hostile), shown, "{hostile:?}");
        }
    }
}
