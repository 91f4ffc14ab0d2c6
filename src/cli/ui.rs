//! How text reaches a person: colour only on a terminal (`--color`, `NO_COLOR`), `--quiet`.

use std::io::IsTerminal;
use std::sync::OnceLock;

use anstyle::{AnsiColor, Style};

/// When to colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy)]
pub struct Ui {
    pub color: bool,
    pub quiet: bool,
}

static UI: OnceLock<Ui> = OnceLock::new();

/// Decides once, from the flags, `NO_COLOR` and whether standard output is a terminal.
pub fn init(choice: ColorChoice, quiet: bool) {
    let color = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
        }
    };
    let _ = UI.set(Ui { color, quiet });
}

pub fn get() -> Ui {
    *UI.get().unwrap_or(&Ui {
        color: false,
        quiet: false,
    })
}

fn paint(style: Style, text: &str) -> String {
    if get().color {
        format!("{}{text}{}", style.render(), style.render_reset())
    } else {
        text.to_string()
    }
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
    if !get().color {
        return text.to_string();
    }
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

/// Colours the level word at the start of a rendered diagnostic (`error[…]`, `warning[…]`).
pub fn levels(text: &str) -> String {
    if !get().color {
        return text.to_string();
    }
    text.split_inclusive('\n')
        .map(|l| {
            for (word, f) in [("error", error as fn(&str) -> String), ("warning", warning)] {
                if let Some(rest) = l.strip_prefix(word)
                    && (rest.starts_with('[') || rest.starts_with(':'))
                {
                    return format!("{}{rest}", f(word));
                }
            }
            l.to_string()
        })
        .collect()
}
