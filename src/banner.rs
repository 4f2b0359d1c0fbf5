//! The one line on stderr that says where a command is about to run.

use std::io::IsTerminal;

use owo_colors::{OwoColorize, Style};
use time::OffsetDateTime;

use crate::confirm;
use crate::identity::Identity;
use crate::policy::AccountView;
use crate::verify::Verified;

pub struct Banner<'a> {
    pub profile: &'a str,
    /// The profile of an enclosing guard, when this run switches away from it.
    pub switched_from: Option<&'a str>,
    pub identity: &'a Identity,
    pub account: &'a AccountView,
    pub region: Option<&'a str>,
    pub expiration: Option<OffsetDateTime>,
    /// Set when no command was given and guard starts this shell.
    pub shell: Option<&'a str>,
    /// guard stays the command's parent and serves it credentials (`--server`).
    pub server: bool,
}

/// NO_COLOR wins, then CLICOLOR_FORCE, then whether stderr is a terminal.
pub fn use_color() -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
    if set("NO_COLOR") {
        return false;
    }
    set("CLICOLOR_FORCE") || std::io::stderr().is_terminal()
}

fn paint(text: &str, style: Style, color: bool) -> String {
    if color {
        text.style(style).to_string()
    } else {
        text.to_string()
    }
}

pub fn time_left(expiration: Option<OffsetDateTime>, now: OffsetDateTime) -> String {
    let Some(expiration) = expiration else {
        return "long-term keys".to_string();
    };
    let minutes = (expiration - now).whole_minutes();
    match minutes {
        m if m <= 0 => "expired".to_string(),
        m if m < 60 => format!("{m}m left"),
        m => format!("{}h {:02}m left", m / 60, m % 60),
    }
}

/// Prints the banner of a verified run on stderr; `shell` names the shell guard is starting.
pub fn show(
    verified: &Verified,
    account: &AccountView,
    shell: Option<&str>,
    server: bool,
    color: bool,
) {
    let previous = std::env::var("GUARD_PROFILE").ok();
    let banner = Banner {
        profile: &verified.profile,
        switched_from: previous.as_deref(),
        identity: &verified.identity,
        account,
        region: verified.region.as_deref(),
        expiration: verified.creds.expiration,
        shell,
        server,
    };
    crate::output::stderr_line(format_args!(
        "{}",
        banner.render(color, OffsetDateTime::now_utc())
    ));
}

impl Banner<'_> {
    pub fn render(&self, color: bool, now: OffsetDateTime) -> String {
        let dim = Style::new().dimmed();
        let sep = paint(" · ", dim, color);
        let profile = paint(self.profile, Style::new().bold(), color);
        let profile = match self.switched_from {
            Some(previous) if previous != self.profile => {
                format!(
                    "{} → {profile} (switched from {previous})",
                    paint(previous, dim, color)
                )
            }
            _ => profile,
        };
        let mut account = match &self.account.name {
            Some(name) => format!("{} ({name})", self.identity.account),
            None => self.identity.account.to_string(),
        };
        let mut marks: Vec<&str> = self
            .account
            .environment
            .iter()
            .map(String::as_str)
            .collect();
        if self.account.protected {
            marks.push("protected");
        }
        if !marks.is_empty() {
            account.push_str(&format!(" [{}]", marks.join(", ")));
        }
        let account_style = if self.account.protected || self.account.color.is_some() {
            confirm::style(self.account.color)
        } else {
            Style::new().cyan().bold()
        };
        let mut parts = vec![
            profile,
            paint(&account, account_style, color),
            self.identity.principal().to_string(),
            self.region.unwrap_or("no region").to_string(),
            time_left(self.expiration, now),
        ];
        if let Some(shell) = self.shell {
            parts.push(format!("starting {shell}"));
        }
        if self.server {
            parts.push("server mode".to_string());
        }
        format!(
            "{} {}",
            paint("guard:", Style::new().green().bold(), color),
            parts.join(&sep)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Duration;

    #[test]
    fn plain_banner() {
        let identity = Identity {
            account: "111111111111".parse().unwrap(),
            arn: "arn:aws:sts::111111111111:assumed-role/Admin/alice".to_string(),
            user_id: String::new(),
        };
        let now = OffsetDateTime::now_utc();
        let account = AccountView {
            protected: true,
            name: Some("prod-main".to_string()),
            environment: Some("production".to_string()),
            color: None,
        };
        let banner = Banner {
            profile: "prod",
            switched_from: Some("dev"),
            identity: &identity,
            account: &account,
            region: Some("eu-west-1"),
            expiration: Some(now + Duration::minutes(90) + Duration::seconds(5)),
            shell: None,
            server: false,
        };
        assert_eq!(
            banner.render(false, now),
            "guard: dev → prod (switched from dev) · 111111111111 (prod-main) [production, protected] · Admin/alice · eu-west-1 · 1h 30m left"
        );
    }

    #[test]
    fn time_left_forms() {
        let now = OffsetDateTime::now_utc();
        assert_eq!(time_left(None, now), "long-term keys");
        assert_eq!(time_left(Some(now - Duration::minutes(1)), now), "expired");
        assert_eq!(
            time_left(Some(now + Duration::seconds(59 * 60 + 30)), now),
            "59m left"
        );
    }
}
