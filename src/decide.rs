//! The decide step: classify the command, look up the account in the policy, and rule.

use std::collections::HashSet;
use std::ffi::OsString;

use crate::classify::{self, Classification};
use crate::policy::{AccountView, Decision, Policy, Target};
use crate::profile::home_dir;
use crate::{error, fsutil};

pub struct Ruling {
    pub classification: Classification,
    pub view: AccountView,
    pub decision: Decision,
}

/// The top-level commands `~/.aws/cli/alias` defines: the classifier cannot see what they run.
/// `None`: the file is there but cannot be read, so any command may be an alias.
fn aws_aliases() -> Option<HashSet<String>> {
    let Ok(home) = home_dir() else {
        return Some(HashSet::new());
    };
    let text = match fsutil::read_text(
        &home.join(".aws").join("cli").join("alias"),
        fsutil::SMALL_LIMIT,
    ) {
        Ok(Some(text)) => text,
        Ok(None) => return Some(HashSet::new()),
        Err(e) => {
            error::warn(format!(
                "{e}; every aws command counts as an alias, whose effect guard cannot know"
            ));
            return None;
        }
    };
    let mut in_toplevel = false;
    let mut names = HashSet::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(section) = trimmed.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            in_toplevel = section.trim() == "toplevel";
        } else if in_toplevel
            && !line.starts_with([' ', '\t'])
            && let Some((name, _)) = trimmed.split_once('=')
        {
            names.insert(name.trim().to_string());
        }
    }
    Some(names)
}

pub fn classify_argv(argv: &[OsString]) -> Classification {
    let argv: Vec<String> = argv
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let aliases = aws_aliases();
    let env = |name: &str| std::env::var(name).ok();
    let is_alias = |name: &str| aliases.as_ref().is_none_or(|names| names.contains(name));
    classify::classify(
        &argv,
        &classify::Context {
            env: &env,
            aws_aliases: &is_alias,
        },
    )
}

pub fn rule(policy: &Policy, target: &Target, argv: &[OsString]) -> Ruling {
    let classification = classify_argv(argv);
    let view = policy.account(target);
    let decision = policy.decide(target, &view, &classification);
    Ruling {
        classification,
        view,
        decision,
    }
}
