//! `guard env`: the variables a run would give its command, printed for a shell to evaluate
//! (`eval "$(guard env -p sandbox)"`, direnv) instead of exec'ing a command.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use clap::ValueEnum;

use crate::child::childenv::{self, ChildEnv, Facts};
use crate::decide::gate::{self, Caller, Consent, Export, Gate, Target};
use crate::options::Options;
use crate::sys::error::Failure;
use crate::sys::output::{self, Delivery};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// POSIX sh, bash, zsh: `export NAME='value'`, `unset NAME`
    Sh,
    /// fish (`| source`): `set -gx NAME 'value'`, `set -e NAME`
    Fish,
    /// PowerShell: `$Env:NAME = 'value'`, `Remove-Item Env:NAME`
    Powershell,
    /// cmd.exe batch file: `set NAME=value` (special characters escaped with `^`), `set NAME=`
    Cmd,
    /// `NAME="value"` lines; a dotenv file can only set, so nothing is cleared
    Dotenv,
    /// One object: names to values, null for the variables to clear
    Json,
}

pub fn run(options: &Options, format: Format) -> anyhow::Result<()> {
    // The policy names and marks the account (GUARD_ACCOUNT_NAME, GUARD_PROTECTED) as in a run.
    let policy = options.policy()?;
    let verified = options.verified()?;
    // The credentials leave guard for whatever the shell runs next: the policy decides.
    let gate = Gate::new(
        &policy,
        Target::of(&verified),
        Consent::of(options.confirm.as_deref()),
        Caller::Person,
    )
    .with_reason(options.reason.clone());
    let text = gate::shown_export(
        &gate,
        &verified,
        options.quiet,
        Export::Env,
        // A value the format cannot hold is refused without asking for consent.
        |ruling| {
            Ok(render(
                &childenv::build(&Facts::of(&verified, &ruling.view)),
                format,
            )?)
        },
    )?;
    output::stdout(&text, Delivery::Essential)
}

fn render(env: &ChildEnv, format: Format) -> Result<String, Failure> {
    if format == Format::Json {
        let object: BTreeMap<&str, Option<&str>> = env
            .set
            .iter()
            .map(|(name, value)| (*name, Some(value.as_str())))
            .chain(env.remove.iter().map(|name| (*name, None)))
            .collect();
        // A map of strings always serializes.
        return Ok(serde_json::to_string_pretty(&object).unwrap_or_default() + "\n");
    }
    // Writing into a String cannot fail. The lines of `sh`, the default, are put together without
    // the formatting machinery: for a run's two dozen lines it cost 13 k instructions more
    // (callgrind), a thirtieth of a warm `guard env`.
    let mut out = String::new();
    for name in &env.remove {
        let _ = match format {
            Format::Sh => {
                out.push_str("unset ");
                out.push_str(name);
                out.push('\n');
                Ok(())
            }
            // Erasing an unset variable fails in fish, and `set` keeps the failing status.
            Format::Fish => writeln!(out, "if set -q {name}; set -e {name}; end"),
            Format::Powershell => writeln!(
                out,
                "Remove-Item -Path Env:{name} -ErrorAction SilentlyContinue"
            ),
            Format::Cmd => writeln!(out, "if defined {name} set {name}="),
            Format::Dotenv | Format::Json => continue,
        };
    }
    for (name, value) in &env.set {
        let _ = match format {
            Format::Sh => {
                out.push_str("export ");
                out.push_str(name);
                out.push('=');
                push_quoted_sh(&mut out, value);
                out.push('\n');
                Ok(())
            }
            Format::Fish => writeln!(out, "set -gx {name} {}", quote_fish(value)),
            Format::Powershell => writeln!(out, "$Env:{name} = {}", quote_powershell(value)),
            Format::Cmd => writeln!(
                out,
                "set {name}={}",
                quote_cmd(value).ok_or_else(|| {
                    Failure::refused(format!(
                        "{name} holds a control character (such as a newline), which a cmd.exe \
                         batch file cannot set"
                    ))
                    .with_hint("use --format powershell or --format json")
                })?
            ),
            Format::Dotenv => writeln!(out, "{name}={}", quote_dotenv(value)),
            Format::Json => unreachable!("handled above"),
        };
    }
    Ok(out)
}

// One quoting function per format: whatever a value holds (an account name from a portal may hold
// anything), the shell reads it back as that one value and runs nothing.

/// `'...'` with each `'` written as `'\''`, onto `out`: nothing inside is special to a POSIX
/// shell, newlines included.
fn push_quoted_sh(out: &mut String, value: &str) {
    out.push('\'');
    for (i, part) in value.split('\'').enumerate() {
        if i > 0 {
            out.push_str(r"'\''");
        }
        out.push_str(part);
    }
    out.push('\'');
}

/// fish's single quotes know two escapes: `\\` and `\'`.
fn quote_fish(value: &str) -> String {
    format!("'{}'", value.replace('\\', r"\\").replace('\'', r"\'"))
}

/// PowerShell's single quotes: a quote is written twice, and PowerShell counts the typographic
/// single quotes (U+2018 to U+201B) as quotes too.
fn quote_powershell(value: &str) -> String {
    let mut out = String::from('\'');
    for c in value.chars() {
        if matches!(c, '\'' | '\u{2018}'..='\u{201B}') {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// cmd.exe, in a batch file with delayed expansion off (the default): no quotes, since a `"` in
/// the value would end them and expose what follows; instead `^` escapes each character the
/// parser treats specially, and `%` is doubled (the expansion of `%` comes before `^`). A control
/// character cannot be written at all (`^` before a newline continues the line): `None`.
fn quote_cmd(value: &str) -> Option<String> {
    let mut out = String::new();
    for c in value.chars() {
        match c {
            '%' => out.push_str("%%"),
            '^' | '&' | '|' | '<' | '>' | '(' | ')' | '"' => {
                out.push('^');
                out.push(c);
            }
            c if c.is_control() => return None,
            c => out.push(c),
        }
    }
    Some(out)
}

/// Double quotes with `\`, `"`, `$` and `` ` `` escaped: read the same by POSIX sh (`set -a; .
/// FILE`), docker compose and python-dotenv.
fn quote_dotenv(value: &str) -> String {
    let mut out = String::from('"');
    for c in value.chars() {
        if matches!(c, '\\' | '"' | '$' | '`') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> ChildEnv {
        ChildEnv {
            set: vec![
                ("AWS_ACCESS_KEY_ID", "ASIA/x+y=".to_string()),
                (
                    "GUARD_ACCOUNT_NAME",
                    "it's \"$HOME\" `x` \\ 100%".to_string(),
                ),
            ],
            remove: vec!["AWS_PROFILE"],
        }
    }

    #[test]
    fn every_format_sets_and_clears() {
        let sh = render(&sample(), Format::Sh).unwrap();
        assert!(sh.contains(r#"export GUARD_ACCOUNT_NAME='it'\''s "$HOME" `x` \ 100%'"#));
        assert!(sh.starts_with("unset AWS_PROFILE\n"));
        let fish = render(&sample(), Format::Fish).unwrap();
        assert!(fish.contains(r#"set -gx GUARD_ACCOUNT_NAME 'it\'s "$HOME" `x` \\ 100%'"#));
        let ps = render(&sample(), Format::Powershell).unwrap();
        assert!(ps.contains(r#"$Env:GUARD_ACCOUNT_NAME = 'it''s "$HOME" `x` \ 100%'"#));
        assert!(ps.contains("Remove-Item -Path Env:AWS_PROFILE"));
        let cmd = render(&sample(), Format::Cmd).unwrap();
        assert!(cmd.contains(r#"set GUARD_ACCOUNT_NAME=it's ^"$HOME^" `x` \ 100%%"#));
        assert!(cmd.contains("if defined AWS_PROFILE set AWS_PROFILE="));
        let dotenv = render(&sample(), Format::Dotenv).unwrap();
        assert!(dotenv.contains(r#"GUARD_ACCOUNT_NAME="it's \"\$HOME\" \`x\` \\ 100%""#));
        assert!(!dotenv.contains("AWS_PROFILE"));
        let json: serde_json::Value =
            serde_json::from_str(&render(&sample(), Format::Json).unwrap()).unwrap();
        assert_eq!(json["AWS_ACCESS_KEY_ID"], "ASIA/x+y=");
        assert!(json["AWS_PROFILE"].is_null());
    }

    /// Values that break naive quoting somewhere.
    const HOSTILE: &[&str] = &[
        "plain",
        "",
        "a \"quoted\" name",
        "R&D",
        "100% %PATH% done",
        "wow!!",
        "^caret^",
        "two\nlines\r\n",
        "$HOME ${X} $(id)",
        "`id`",
        "it's",
        "\u{2018}curly\u{2019} \u{201A}low\u{201B}",
        "back\\slash\\",
        "<in> |pipe| (group)",
        "\u{1b}[31mred",
    ];

    /// PowerShell's reading of one single-quoted string (about_Quoting_Rules): a quote, written
    /// twice, is one; a lone one ends the string.
    fn read_powershell(text: &str) -> Option<String> {
        let quote = |c: char| matches!(c, '\'' | '\u{2018}'..='\u{201B}');
        let mut chars = text.chars().peekable();
        if !chars.next().is_some_and(quote) {
            return None;
        }
        let mut out = String::new();
        while let Some(c) = chars.next() {
            if quote(c) {
                match chars.peek() {
                    Some(&next) if quote(next) => {
                        out.push(next);
                        chars.next();
                    }
                    // The string ends here; anything after it would be code.
                    _ => return chars.next().is_none().then_some(out),
                }
            } else {
                out.push(c);
            }
        }
        None
    }

    /// cmd.exe's reading of the value of `set NAME=...` in a batch file: `%%` is `%` (a lone `%`
    /// would expand a variable), then outside quotes `^` takes the next character literally and
    /// an unescaped `&|<>()` or `"` would be syntax.
    fn read_cmd(text: &str) -> Option<String> {
        let mut percent = String::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '%' && chars.next() != Some('%') {
                return None;
            }
            if c == '\n' || c == '\r' {
                return None;
            }
            percent.push(c);
        }
        let mut out = String::new();
        let mut chars = percent.chars();
        while let Some(c) = chars.next() {
            match c {
                '^' => out.push(chars.next()?),
                '&' | '|' | '<' | '>' | '(' | ')' | '"' => return None,
                c => out.push(c),
            }
        }
        Some(out)
    }

    #[test]
    fn powershell_reads_back_every_value() {
        for value in HOSTILE {
            assert_eq!(
                read_powershell(&quote_powershell(value)).as_deref(),
                Some(*value),
                "{value:?}"
            );
        }
    }

    #[test]
    fn cmd_reads_back_every_value_it_can_hold() {
        for value in HOSTILE {
            match quote_cmd(value) {
                Some(quoted) => assert_eq!(read_cmd(&quoted).as_deref(), Some(*value), "{value:?}"),
                None => assert!(value.chars().any(char::is_control), "{value:?}"),
            }
        }
        let env = ChildEnv {
            set: vec![("GUARD_ACCOUNT_NAME", "two\nlines".to_string())],
            remove: vec![],
        };
        let err = render(&env, Format::Cmd).unwrap_err();
        assert!(
            err.message.contains("GUARD_ACCOUNT_NAME"),
            "{}",
            err.message
        );
    }

    #[test]
    fn sh_reads_back_every_value() {
        for value in HOSTILE {
            let mut script = String::from("printf %s ");
            push_quoted_sh(&mut script, value);
            let out = std::process::Command::new("sh")
                .args(["-c", &script])
                .output()
                .unwrap();
            assert_eq!(String::from_utf8_lossy(&out.stdout), *value, "{value:?}");
        }
    }
}
