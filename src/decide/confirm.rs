//! Asking a person to confirm a command in a protected account, by typing the account's name.

use owo_colors::{OwoColorize, Style};

use crate::decide::policy::{AccountView, Color};
use crate::resolve::account::AccountId;
use crate::sys::error::Failure;
use crate::sys::tty::{self, Reply};

/// How a command was confirmed, for the audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Consent {
    Terminal,
    /// `--confirm NAME` or `GUARD_CONFIRM=NAME`: explicit, scriptable consent.
    Given,
}

impl Consent {
    pub fn as_str(self) -> &'static str {
        match self {
            Consent::Terminal => "typed at the terminal",
            Consent::Given => "--confirm / GUARD_CONFIRM",
        }
    }
}

pub struct Request<'a> {
    pub account: &'a AccountId,
    pub view: &'a AccountView,
    pub command: &'a str,
    /// The command as guard understood it (program, subcommand path, deciding flags), so a
    /// person can spot a misreading before consenting.
    pub understood: &'a str,
    pub reason: &'a str,
    /// The change reason given with `--reason`, shown back before consent.
    pub change_reason: Option<&'a str>,
    /// Credentials leave guard (`env`, `credential-process`, a shell) rather than a command
    /// running under them: the prompt and the refusal say so.
    pub export: bool,
}

impl Request<'_> {
    fn accepts(&self, answer: &str) -> bool {
        let answer = answer.trim();
        !answer.is_empty()
            && (answer == self.account.as_str() || self.view.name.as_deref() == Some(answer))
    }

    /// What consenting lets happen, as the prompt asks it.
    fn act(&self) -> &'static str {
        if self.export {
            "hand out its credentials"
        } else {
            "run it"
        }
    }

    /// What did not happen, as a refusal says it.
    fn withheld(&self) -> &'static str {
        if self.export {
            "no credentials were handed out"
        } else {
            "nothing was run"
        }
    }

    fn account_line(&self) -> String {
        let mut line = match &self.view.name {
            Some(name) => format!("{name} ({})", self.account),
            None => self.account.to_string(),
        };
        if let Some(env) = &self.view.environment {
            line.push_str(&format!(" [{env}]"));
        }
        line
    }
}

pub fn style(color: Option<Color>) -> Style {
    let style = Style::new().bold();
    match color.unwrap_or(Color::Red) {
        Color::Red => style.red(),
        Color::Yellow => style.yellow(),
        Color::Green => style.green(),
        Color::Blue => style.blue(),
        Color::Magenta => style.magenta(),
        Color::Cyan => style.cyan(),
        Color::White => style.white(),
    }
}

/// Consent given in advance wins; otherwise the controlling terminal is asked. A wrong answer,
/// Ctrl-C, EOF or no terminal at all is a refusal.
pub fn confirm(request: &Request, given: Option<&str>, color: bool) -> Result<Consent, Failure> {
    let word = request.view.confirm_word(request.account);
    if let Some(given) = given {
        return if request.accepts(given) {
            Ok(Consent::Given)
        } else {
            Err(Failure::refused(format!(
                "--confirm / GUARD_CONFIRM is '{given}', which is neither the name nor the ID of account {}; {}",
                request.account_line(),
                request.withheld()
            )))
        };
    }
    let account = request.account_line();
    let account = if color {
        account.style(style(request.view.color)).to_string()
    } else {
        account
    };
    // The change reason is the person's own text: shown as data, never as terminal control.
    let given = request.change_reason.map_or(String::new(), |why| {
        format!("\r\n  because  {}", why.escape_debug())
    });
    let question = format!(
        "guard: this needs confirmation in a protected account\r\n  account  {account}\r\n  command  {}\r\n  read as  {}\r\n  reason   {}{given}\r\nType the account's name ({word}) to {}: ",
        request.command,
        request.understood,
        request.reason,
        request.act()
    );
    let refused = |what: &str| Failure::refused(format!("{what}; {}", request.withheld()));
    match tty::ask(&question) {
        Reply::Line(answer) if request.accepts(&answer) => Ok(Consent::Terminal),
        Reply::Line(_) => Err(refused("the answer did not match the account's name")),
        Reply::Interrupted => Err(refused("cancelled")),
        Reply::Eof => Err(refused("no answer")),
        Reply::NoTerminal => Err(Failure::refused(format!(
            "{} needs confirmation in protected account {} ({}), and there is no terminal to ask on; {}",
            request.command,
            request.account_line(),
            request.reason,
            request.withheld()
        ))
        .with_hint(format!(
            "to consent from a script, pass --confirm {word} (or set GUARD_CONFIRM={word})"
        ))),
    }
}
