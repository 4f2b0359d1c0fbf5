//! `guard env`: the variables a run would give its command, printed for a shell to evaluate
//! (`eval "$(guard env -p sandbox)"`, direnv) instead of exec'ing a command.

use std::collections::BTreeMap;

use clap::ValueEnum;

use crate::banner;
use crate::childenv::{self, ChildEnv, Facts};
use crate::decide::{self, Export};
use crate::options::Options;
use crate::output::{self, Delivery};
use crate::policy::Target;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// POSIX sh, bash, zsh: `export NAME='value'`, `unset NAME`
    Sh,
    /// fish (`| source`): `set -gx NAME 'value'`, `set -e NAME`
    Fish,
    /// PowerShell: `$Env:NAME = 'value'`, `Remove-Item Env:NAME`
    Powershell,
    /// cmd.exe batch file: `set "NAME=value"`, `set NAME=`
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
    let target = Target {
        account: &verified.identity.account,
        known_name: verified.account_name.as_deref(),
        profile: &verified.profile,
    };
    // The credentials leave guard for whatever the shell runs next: the policy decides.
    let ruling = decide::rule_export(&policy, &target, Export::Env);
    let color = banner::use_color();
    if !options.quiet {
        banner::show(&verified, &ruling.view, None, false, color);
    }
    let argv = ["guard", "-p", &verified.profile, "env"].map(str::to_string);
    decide::apply(
        options.confirm.as_deref(),
        &policy,
        &verified,
        &ruling,
        &argv,
        color,
        |refused| refused,
    )?;
    output::stdout(
        &render(
            &childenv::build(&Facts::of(&verified, &ruling.view)),
            format,
        ),
        Delivery::Essential,
    )
}

fn render(env: &ChildEnv, format: Format) -> String {
    if format == Format::Json {
        let object: BTreeMap<&str, Option<&str>> = env
            .set
            .iter()
            .map(|(name, value)| (*name, Some(value.as_str())))
            .chain(env.remove.iter().map(|name| (*name, None)))
            .collect();
        // A map of strings always serializes.
        return serde_json::to_string_pretty(&object).unwrap_or_default() + "\n";
    }
    let mut out = String::new();
    for name in &env.remove {
        let line = match format {
            Format::Sh => format!("unset {name}"),
            // Erasing an unset variable fails in fish, and `set` keeps the failing status.
            Format::Fish => format!("if set -q {name}; set -e {name}; end"),
            Format::Powershell => {
                format!("Remove-Item -Path Env:{name} -ErrorAction SilentlyContinue")
            }
            Format::Cmd => format!("if defined {name} set {name}="),
            Format::Dotenv | Format::Json => continue,
        };
        out.push_str(&line);
        out.push('\n');
    }
    for (name, value) in &env.set {
        let line = match format {
            Format::Sh => format!("export {name}={}", single_quoted_sh(value)),
            Format::Fish => format!("set -gx {name} {}", single_quoted_fish(value)),
            Format::Powershell => format!("$Env:{name} = '{}'", value.replace('\'', "''")),
            // In a batch file `%` starts a variable; `%%` is a literal one.
            Format::Cmd => format!("set \"{name}={}\"", value.replace('%', "%%")),
            Format::Dotenv => format!("{name}={}", double_quoted(value)),
            Format::Json => unreachable!("handled above"),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// `'...'` with each `'` written as `'\''`: nothing inside is special to a POSIX shell.
fn single_quoted_sh(value: &str) -> String {
    format!("'{}'", value.replace('\'', r"'\''"))
}

/// fish's single quotes know two escapes: `\\` and `\'`.
fn single_quoted_fish(value: &str) -> String {
    format!("'{}'", value.replace('\\', r"\\").replace('\'', r"\'"))
}

/// Double quotes with `\`, `"`, `$` and `` ` `` escaped: read the same by POSIX sh (`set -a; .
/// FILE`), docker compose and python-dotenv.
fn double_quoted(value: &str) -> String {
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
        let sh = render(&sample(), Format::Sh);
        assert!(sh.contains(r#"export GUARD_ACCOUNT_NAME='it'\''s "$HOME" `x` \ 100%'"#));
        assert!(sh.starts_with("unset AWS_PROFILE\n"));
        let fish = render(&sample(), Format::Fish);
        assert!(fish.contains(r#"set -gx GUARD_ACCOUNT_NAME 'it\'s "$HOME" `x` \\ 100%'"#));
        let ps = render(&sample(), Format::Powershell);
        assert!(ps.contains(r#"$Env:GUARD_ACCOUNT_NAME = 'it''s "$HOME" `x` \ 100%'"#));
        assert!(ps.contains("Remove-Item -Path Env:AWS_PROFILE"));
        let cmd = render(&sample(), Format::Cmd);
        assert!(cmd.contains(r#"set "GUARD_ACCOUNT_NAME=it's "$HOME" `x` \ 100%%""#));
        assert!(cmd.contains("if defined AWS_PROFILE set AWS_PROFILE="));
        let dotenv = render(&sample(), Format::Dotenv);
        assert!(dotenv.contains(r#"GUARD_ACCOUNT_NAME="it's \"\$HOME\" \`x\` \\ 100%""#));
        assert!(!dotenv.contains("AWS_PROFILE"));
        let json: serde_json::Value =
            serde_json::from_str(&render(&sample(), Format::Json)).unwrap();
        assert_eq!(json["AWS_ACCESS_KEY_ID"], "ASIA/x+y=");
        assert!(json["AWS_PROFILE"].is_null());
    }
}
