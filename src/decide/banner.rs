//! The one line on stderr that says where a command is about to run.

use std::io::IsTerminal;

use owo_colors::{OwoColorize, Style};
use time::OffsetDateTime;

use crate::credentials::identity::Identity;
use crate::credentials::verify::Verified;
use crate::decide::confirm;
use crate::decide::policy::AccountView;
use crate::resolve::select::ChosenBy;
use crate::sys::output::terminal_safe;

/// What guard starts once the banner is out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Starting<'a> {
    /// The command given (or nothing at all: `env`, `console`...).
    Command,
    /// No command was given: this shell. Guarded: every tool guard judges is decided in it (see
    /// `session`), rather than the shell getting the credentials.
    Shell { program: &'a str, guarded: bool },
}

pub struct Banner<'a> {
    pub profile: &'a str,
    /// Where the profile came from, marked after its name when the person did not just type it.
    pub chosen_by: ChosenBy,
    /// The profile of an enclosing guard, when this run switches away from it.
    pub switched_from: Option<&'a str>,
    pub identity: &'a Identity,
    pub account: &'a AccountView,
    pub region: Option<&'a str>,
    pub expiration: Option<OffsetDateTime>,
    pub starting: Starting<'a>,
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

/// Prints the banner of a verified run on stderr.
pub fn show(
    verified: &Verified,
    account: &AccountView,
    starting: Starting,
    server: bool,
    color: bool,
) {
    // Every name here may come from outside (a portal, a config, the environment).
    let safe = |text: &str| terminal_safe(text).into_owned();
    let previous = std::env::var("GUARD_PROFILE").ok().map(|p| safe(&p));
    let identity = Identity {
        arn: safe(&verified.identity.arn),
        ..verified.identity.clone()
    };
    let account = AccountView {
        name: account.name.as_deref().map(safe),
        environment: account.environment.as_deref().map(safe),
        ..account.clone()
    };
    let profile = safe(&verified.profile);
    // A region from the environment, not the profile, says so: it is easy to forget.
    let region = verified
        .region
        .as_deref()
        .map(|r| match verified.region_variable {
            Some(var) => safe(&format!("{r} (${var})")),
            None => safe(r),
        });
    let program;
    let starting = match starting {
        Starting::Shell {
            program: p,
            guarded,
        } => {
            program = safe(p);
            Starting::Shell {
                program: &program,
                guarded,
            }
        }
        Starting::Command => Starting::Command,
    };
    let banner = Banner {
        profile: &profile,
        chosen_by: verified.chosen_by,
        switched_from: previous.as_deref(),
        identity: &identity,
        account: &account,
        region: region.as_deref(),
        expiration: verified.creds.expiration,
        starting,
        server,
    };
    crate::sys::output::stderr_line(format_args!(
        "{}",
        banner.render(color, OffsetDateTime::now_utc())
    ));
}

/// The width the banner keeps to where the facts allow.
const WIDTH: usize = 100;

/// The principal as a person reads it. IAM Identity Center names the role behind a permission
/// set `AWSReservedSSO_<permission set>_<16 hex digits>`; the banner shows the permission set
/// and the user (`AdministratorAccess · matt@example.com`), the full ARN stays in `whoami`.
fn principal(identity: &Identity) -> Principal<'_> {
    let principal = identity.principal();
    let Some((role, session)) = principal.split_once('/') else {
        return Principal::Whole(principal);
    };
    let permission_set = role
        .strip_prefix("AWSReservedSSO_")
        .and_then(|rest| rest.rsplit_once('_'))
        .filter(|(name, suffix)| {
            !name.is_empty() && suffix.len() == 16 && suffix.bytes().all(|b| b.is_ascii_hexdigit())
        })
        .map(|(name, _)| name);
    match permission_set {
        Some(name) => Principal::PermissionSet { name, session },
        None => Principal::Role { role, session },
    }
}

enum Principal<'a> {
    PermissionSet {
        name: &'a str,
        session: &'a str,
    },
    Role {
        role: &'a str,
        session: &'a str,
    },
    /// A user, root: the ARN's resource as it is.
    Whole(&'a str),
}

impl Principal<'_> {
    /// `short`: a session that is an email address is cut to its local part, which is the
    /// person in an organization, to keep the banner within [`WIDTH`].
    fn show(&self, short: bool) -> String {
        let session = |session: &str| match session.split_once('@') {
            Some((local, _)) if short && !local.is_empty() => local.to_string(),
            _ => session.to_string(),
        };
        match self {
            Principal::PermissionSet { name, session: s } => format!("{name} · {}", session(s)),
            Principal::Role { role, session: s } => format!("{role}/{}", session(s)),
            Principal::Whole(whole) => (*whole).to_string(),
        }
    }
}

impl Banner<'_> {
    pub fn render(&self, color: bool, now: OffsetDateTime) -> String {
        let principal = principal(self.identity);
        let full = principal.show(false);
        let short = principal.show(true);
        let too_wide = short != full && self.line(&full, false, now).chars().count() > WIDTH;
        self.line(if too_wide { &short } else { &full }, color, now)
    }

    fn line(&self, principal: &str, color: bool, now: OffsetDateTime) -> String {
        let dim = Style::new().dimmed();
        let sep = paint(" · ", dim, color);
        let mut profile = paint(self.profile, Style::new().bold(), color);
        if let Some(mark) = self.chosen_by.mark() {
            profile = format!("{profile} {}", paint(&format!("({mark})"), dim, color));
        }
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
            principal.to_string(),
            self.region.unwrap_or("no region").to_string(),
            time_left(self.expiration, now),
        ];
        if let Starting::Shell { program, guarded } = self.starting {
            parts.push(format!("starting {program}"));
            if guarded {
                parts.push("guarded".to_string());
            }
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
            chosen_by: ChosenBy::Flag,
            switched_from: Some("dev"),
            identity: &identity,
            account: &account,
            region: Some("eu-west-1"),
            expiration: Some(now + Duration::minutes(90) + Duration::seconds(5)),
            starting: Starting::Command,
            server: false,
        };
        assert_eq!(
            banner.render(false, now),
            "guard: dev → prod (switched from dev) · 111111111111 (prod-main) [production, protected] · Admin/alice · eu-west-1 · 1h 30m left"
        );
    }

    fn identity(arn: &str) -> Identity {
        Identity {
            account: "111111111111".parse().unwrap(),
            arn: arn.to_string(),
            user_id: String::new(),
        }
    }

    #[test]
    fn permission_sets_instead_of_reserved_role_names() {
        let shown = |arn: &str| principal(&identity(arn)).show(false);
        assert_eq!(
            shown(
                "arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_AdministratorAccess_89890fb2c8257803/matt@example.com"
            ),
            "AdministratorAccess · matt@example.com"
        );
        assert_eq!(
            shown(
                "arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_Read_Only_89890fb2c8257803/matt"
            ),
            "Read_Only · matt"
        );
        // Anything else is shown as it is: a role merely named like one, users, root.
        for (arn, expected) in [
            (
                "arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_Admin_xyz/matt",
                "AWSReservedSSO_Admin_xyz/matt",
            ),
            (
                "arn:aws:sts::111111111111:assumed-role/AWSReservedSSO__89890fb2c8257803/m",
                "AWSReservedSSO__89890fb2c8257803/m",
            ),
            (
                "arn:aws:sts::111111111111:assumed-role/Admin/alice",
                "Admin/alice",
            ),
            ("arn:aws:iam::111111111111:user/bob", "user/bob"),
            ("arn:aws:iam::111111111111:root", "root"),
        ] {
            assert_eq!(shown(arn), expected);
        }
    }

    #[test]
    fn an_email_session_is_cut_only_to_keep_within_100_columns() {
        let identity = identity(
            "arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_AdministratorAccess_89890fb2c8257803/matt@example.com",
        );
        let account = AccountView {
            protected: false,
            name: Some("sandbox".to_string()),
            environment: None,
            color: None,
        };
        let now = OffsetDateTime::now_utc();
        let render = |profile| {
            Banner {
                profile,
                chosen_by: ChosenBy::Flag,
                switched_from: None,
                identity: &identity,
                account: &account,
                region: Some("eu-west-1"),
                expiration: Some(now + Duration::minutes(59) + Duration::seconds(5)),
                starting: Starting::Command,
                server: false,
            }
            .render(false, now)
        };
        assert_eq!(
            render("dev"),
            "guard: dev · 111111111111 (sandbox) · AdministratorAccess · matt@example.com · eu-west-1 · 59m left"
        );
        let cut = render("sandbox");
        assert_eq!(
            cut,
            "guard: sandbox · 111111111111 (sandbox) · AdministratorAccess · matt · eu-west-1 · 59m left"
        );
        assert!(cut.chars().count() <= WIDTH);
    }

    #[test]
    fn chosen_by_marks() {
        let identity = identity("arn:aws:sts::111111111111:assumed-role/Admin/alice");
        let account = AccountView {
            protected: false,
            name: None,
            environment: None,
            color: None,
        };
        let now = OffsetDateTime::now_utc();
        let render = |chosen_by| {
            Banner {
                profile: "sandbox",
                chosen_by,
                switched_from: None,
                identity: &identity,
                account: &account,
                region: Some("us-east-1"),
                expiration: None,
                starting: Starting::Command,
                server: false,
            }
            .render(false, now)
        };
        assert!(render(ChosenBy::Sticky).starts_with("guard: sandbox (sticky) · 111111111111 · "));
        assert!(
            render(ChosenBy::Variable("AWS_PROFILE"))
                .starts_with("guard: sandbox (AWS_PROFILE) · ")
        );
        assert!(render(ChosenBy::Flag).starts_with("guard: sandbox · "));
    }

    #[test]
    fn a_guarded_shell_says_so() {
        let identity = identity("arn:aws:sts::111111111111:assumed-role/Admin/alice");
        let account = AccountView {
            protected: true,
            name: Some("prod".to_string()),
            environment: None,
            color: None,
        };
        let banner = Banner {
            profile: "prod",
            chosen_by: ChosenBy::Flag,
            switched_from: None,
            identity: &identity,
            account: &account,
            region: Some("eu-west-1"),
            expiration: None,
            starting: Starting::Shell {
                program: "/bin/zsh",
                guarded: true,
            },
            server: false,
        };
        assert!(
            banner
                .render(false, OffsetDateTime::now_utc())
                .ends_with("long-term keys · starting /bin/zsh · guarded")
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
