//! What `guard populate` wants in `~/.aws/config`: one profile per account and role, named by a
//! template, and marked so that later runs can tell guard's profiles from the person's.

mod edit;
mod template;
mod write;

use std::collections::{BTreeMap, BTreeSet, HashMap};

pub use edit::Document;
pub use template::Template;
pub use write::write_config;

use crate::credentials::sso::{Assignment, SsoLogin};
use crate::resolve::profile::{Profile, ProfileSet};
use crate::sys::error::Failure;

pub const DEFAULT_TEMPLATE: &str = "{account_name}-{role_name}";
/// Set on every profile populate writes, to the sso-session it came from: `--prune` removes only
/// profiles that carry it, and only for that session.
pub const MARKER_KEY: &str = "guard_populated_from";
/// The portal's name of the account, so `guard profiles` can show it without a network call.
pub const ACCOUNT_NAME_KEY: &str = "guard_account_name";

/// A profile populate writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wanted {
    pub name: String,
    session: String,
    assignment: Assignment,
    region: String,
}

impl Wanted {
    /// The keys populate owns: set again on every run.
    pub fn owned(&self) -> Vec<(&'static str, String)> {
        let a = &self.assignment;
        vec![
            ("sso_session", self.session.clone()),
            ("sso_account_id", a.account_id.to_string()),
            ("sso_role_name", a.role_name.clone()),
            (ACCOUNT_NAME_KEY, a.account_name.clone()),
            (MARKER_KEY, self.session.clone()),
        ]
    }

    pub fn assignment(&self) -> &Assignment {
        &self.assignment
    }

    /// Every key of a new profile. The region is written only then: afterwards it is the
    /// person's to change.
    pub fn new_profile(&self) -> Vec<(&'static str, String)> {
        let mut keys = self.owned();
        let after_role = keys
            .iter()
            .position(|(k, _)| *k == "sso_role_name")
            .map_or(keys.len(), |i| i + 1);
        keys.insert(after_role, ("region", self.region.clone()));
        keys
    }
}

/// The profiles for these assignments. Two assignments that the template names alike are an
/// error: one would silently replace the other.
pub fn wanted(
    assignments: &[Assignment],
    template: &Template,
    session: &str,
    login: &SsoLogin,
) -> Result<Vec<Wanted>, Failure> {
    let mut by_name: BTreeMap<String, &Assignment> = BTreeMap::new();
    for assignment in assignments {
        check_text(assignment)?;
        let name = template.render(assignment, session);
        if let Some(other) = by_name.insert(name.clone(), assignment) {
            return Err(Failure::usage(format!(
                "the template names two assignments '{name}': account {} role {} and account {} role {}",
                other.account_id, other.role_name, assignment.account_id, assignment.role_name
            ))
            .with_hint("use a template that tells them apart, e.g. --template '{account_id}-{role_name}'"));
        }
    }
    Ok(by_name
        .into_iter()
        .map(|(name, a)| Wanted {
            name,
            session: session.to_string(),
            assignment: a.clone(),
            region: login.region().to_string(),
        })
        .collect())
}

/// What makes a value unfit for a `key = value` line of `~/.aws/config`: a line break would
/// end the line and let the rest start a section or a setting of its own choosing (a
/// `credential_process`, which the AWS CLI would run), and other control characters are not text.
fn unfit_for_ini(value: &str) -> Option<&'static str> {
    value.chars().find_map(|c| match c {
        '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}' => Some("a line break"),
        c if c.is_control() => Some("a control character"),
        _ => None,
    })
}

/// The portal's names go into the config as data; one that cannot be written as data is refused,
/// with nothing written.
fn check_text(assignment: &Assignment) -> Result<(), Failure> {
    for (what, value) in [
        ("name", &assignment.account_name),
        ("role name", &assignment.role_name),
    ] {
        if let Some(problem) = unfit_for_ini(value) {
            return Err(Failure::unavailable(format!(
                "the portal gave account {} a {what} that holds {problem} ({value:?}); guard \
                 does not write it into the config",
                assignment.account_id
            ))
            .with_hint(
                "nothing was changed; ask the administrators of IAM Identity Center to rename it",
            ));
        }
    }
    Ok(())
}

/// Whether populate wrote this profile for this sso-session.
pub fn is_ours(profile: &Profile, session: &str) -> bool {
    profile.value(MARKER_KEY) == Some(session)
}

/// The profiles populate wrote earlier for one sso-session, by account and role, found in one
/// pass over the config rather than one per wanted profile.
pub struct Written<'a> {
    session: &'a str,
    by_assignment: HashMap<(&'a str, &'a str), &'a Profile>,
}

impl<'a> Written<'a> {
    pub fn of(set: &'a ProfileSet, session: &'a str) -> Self {
        let mut by_assignment = HashMap::new();
        for profile in set.profiles().filter(|p| is_ours(p, session)) {
            if let (Some(account), Some(role)) = (
                profile.value("sso_account_id"),
                profile.value("sso_role_name"),
            ) {
                // The first in name order, as a search of the profiles would find it.
                by_assignment.entry((account, role)).or_insert(profile);
            }
        }
        Written {
            session,
            by_assignment,
        }
    }

    /// The profile populate wrote earlier for this assignment, whatever it was named then: names
    /// are given once, so a renamed account or a new template never renames a profile people use.
    pub fn existing(&self, wanted: &Wanted) -> Option<&'a Profile> {
        if wanted.session != self.session {
            return None;
        }
        let a = &wanted.assignment;
        self.by_assignment
            .get(&(a.account_id.as_str(), a.role_name.as_str()))
            .copied()
    }
}

/// Profiles populate wrote for this session whose account and role are no longer assigned.
pub fn stale<'a>(
    set: &'a ProfileSet,
    session: &str,
    assignments: &[Assignment],
) -> Vec<&'a Profile> {
    let current: BTreeSet<(&str, &str)> = assignments
        .iter()
        .map(|a| (a.account_id.as_str(), a.role_name.as_str()))
        .collect();
    set.profiles()
        .filter(|p| is_ours(p, session))
        .filter(|p| {
            let key = (
                p.value("sso_account_id").unwrap_or_default(),
                p.value("sso_role_name").unwrap_or_default(),
            );
            !current.contains(&key)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assignment(name: &str) -> Assignment {
        Assignment {
            account_id: "111111111111".parse().unwrap(),
            account_name: name.into(),
            role_name: "Admin".into(),
        }
    }

    #[test]
    fn names_that_are_data_pass() {
        for name in ["R&D \"core\" 100% ^!", "[prod]", "a = b ; # c", "Ünïcode"] {
            assert!(check_text(&assignment(name)).is_ok(), "{name}");
        }
    }

    #[test]
    fn names_that_would_be_structure_are_refused_naming_the_account() {
        for name in [
            "x\n[profile evil]\ncredential_process = sh -c id",
            "x\r[default]",
            "x\u{2028}y",
            "\u{1b}]0;title\u{7}",
        ] {
            let err = check_text(&assignment(name)).unwrap_err();
            assert!(err.message.contains("111111111111"), "{}", err.message);
            assert!(!err.message.contains('\n') && !err.message.contains('\u{1b}'));
        }
    }
}
