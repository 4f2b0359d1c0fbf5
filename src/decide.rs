//! The decide step: classify the command, look up the account in the policy, and rule.

use std::collections::HashSet;
use std::ffi::OsString;

use crate::classify::{self, Classification};
use crate::policy::{AccountView, Decision, Policy, Target};
use crate::profile::home_dir;

pub struct Ruling {
    pub classification: Classification,
    pub view: AccountView,
    pub decision: Decision,
}

/// The top-level commands `~/.aws/cli/alias` defines: the classifier cannot see what they run.
fn aws_aliases() -> HashSet<String> {
    let Ok(home) = home_dir() else {
        return HashSet::new();
    };
    let Ok(text) = std::fs::read_to_string(home.join(".aws").join("cli").join("alias")) else {
        return HashSet::new();
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
    names
}

pub fn classify_argv(argv: &[OsString]) -> Classification {
    let argv: Vec<String> = argv
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let aliases = aws_aliases();
    let env = |name: &str| std::env::var(name).ok();
    let is_alias = |name: &str| aliases.contains(name);
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
