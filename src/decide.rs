//! The decide step: classify the command, look up the account in the policy, and rule.

use std::ffi::OsString;

use crate::classify::{self, Classification};
use crate::fsutil;
use crate::policy::{AccountView, Decision, Policy, Target};
use crate::profile::home_dir;

pub struct Ruling {
    pub classification: Classification,
    pub view: AccountView,
    pub decision: Decision,
}

pub fn classify_argv(argv: &[OsString]) -> Classification {
    let argv: Vec<String> = argv
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    // The AWS CLI finds its alias file through HOME, falling back to the password database.
    let env = |name: &str| {
        std::env::var(name).ok().or_else(|| {
            (name == "HOME")
                .then(|| {
                    home_dir()
                        .ok()
                        .map(|home| home.to_string_lossy().into_owned())
                })
                .flatten()
        })
    };
    // Bounded, non-blocking reads of regular files only; one that is there but cannot be
    // read counts as able to do anything.
    let read_file = |path: &std::path::Path| match fsutil::read_text(path, fsutil::SMALL_LIMIT) {
        Ok(Some(text)) => classify::FileText::Text(text),
        Ok(None) => classify::FileText::Missing,
        Err(e) => classify::FileText::Unreadable(e.to_string()),
    };
    classify::classify(
        &argv,
        &classify::Context {
            env: &env,
            read_file: &read_file,
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
