//! How text reaches a person: one colour policy (`--color`, `NO_COLOR`, a terminal or not),
//! applied by the output streams (anstream), and `--quiet`. Text is always styled here; the
//! stream strips the styles where colour is off.

use std::sync::OnceLock;

use anstyle::{AnsiColor, Style};

/// When to colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

static QUIET: OnceLock<bool> = OnceLock::new();

/// Decides once, from the flags (and, for `auto`, `NO_COLOR` and whether the stream is a
/// terminal, as anstream judges them).
pub fn init(choice: ColorChoice, quiet: bool) {
    anstream::ColorChoice::write_global(match choice {
        ColorChoice::Auto => anstream::ColorChoice::Auto,
        ColorChoice::Always => anstream::ColorChoice::Always,
        ColorChoice::Never => anstream::ColorChoice::Never,
    });
    let _ = QUIET.set(quiet);
}

pub fn quiet() -> bool {
    QUIET.get().copied().unwrap_or(false)
}

fn paint(style: Style, text: &str) -> String {
    format!("{}{text}{}", style.render(), style.render_reset())
}

pub fn error(text: &str) -> String {
    paint(
        Style::new().bold().fg_color(Some(AnsiColor::Red.into())),
        text,
    )
}

pub fn warning(text: &str) -> String {
    paint(
        Style::new().bold().fg_color(Some(AnsiColor::Yellow.into())),
        text,
    )
}

pub fn good(text: &str) -> String {
    paint(Style::new().fg_color(Some(AnsiColor::Green.into())), text)
}

pub fn dim(text: &str) -> String {
    paint(Style::new().fg_color(Some(AnsiColor::Cyan.into())), text)
}

/// A unified diff with added lines green, removed red, hunk headers cyan.
pub fn diff(text: &str) -> String {
    text.split_inclusive('\n')
        .map(|l| {
            if l.starts_with("+++") || l.starts_with("---") {
                paint(Style::new().bold(), l)
            } else if l.starts_with('+') {
                good(l)
            } else if l.starts_with('-') {
                error(l)
            } else if l.starts_with("@@") {
                dim(l)
            } else {
                l.to_string()
            }
        })
        .collect()
}
