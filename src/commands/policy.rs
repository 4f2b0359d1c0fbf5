//! `guard policy explain` and `guard policy check`: see what the policy would do, run nothing.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::child::childenv;
use crate::decide::gate::{self, Caller, Command, Consent, Gate};
use crate::decide::policy::trust::{self, State};
use crate::decide::policy::{self, Origin, Policy};
use crate::options::Options;
use crate::resolve::account::AccountId;
use crate::sys::error::Failure;
use crate::sys::fsutil;
use crate::sys::output::{self, Delivery};

/// Explains the decision for a command: in the account of a verified profile, or, with
/// `--account`, in an account given by ID (no network at all).
pub fn explain(
    options: &Options,
    account: Option<&str>,
    command: &[OsString],
) -> anyhow::Result<()> {
    let policy = options.policy()?;
    let (target, verified) = match account {
        Some(id) => {
            let id: AccountId = id.parse().map_err(Failure::usage)?;
            let target = gate::Target {
                account: Some(id),
                known_name: None,
                profile: options.profile.clone().unwrap_or_default(),
                principal: None,
            };
            (target, None)
        }
        None => {
            let verified = options.verified()?;
            (gate::Target::of(&verified), Some(verified))
        }
    };
    // What the gate would do for a person here; nothing is asked or recorded.
    let gate = Gate::new(&policy, target, Consent::Deferred, Caller::Person)
        .with_reason(options.reason.clone());
    // A saved plan is read as a run would read it, with the credentials the run would have.
    let env = verified
        .as_ref()
        .map(|v| childenv::build(&childenv::Facts::of(v, gate.view())));
    let ruling = gate.rule(&Command::Run {
        argv: command,
        env: env.as_ref(),
    });
    let account_id = gate
        .target()
        .account
        .as_ref()
        .map_or_else(String::new, ToString::to_string);
    let c = &ruling.classification;
    let words: Vec<String> = command
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let mut account_line = match &ruling.view.name {
        Some(name) => format!("{account_id} ({name})"),
        None => account_id.to_string(),
    };
    if let Some(env) = &ruling.view.environment {
        let _ = write!(account_line, " [{env}]");
    }
    account_line.push_str(if ruling.view.protected {
        " protected"
    } else {
        " not protected"
    });
    let mut out = String::new();
    let _ = writeln!(out, "command         {}", words.join(" "));
    let _ = writeln!(out, "understood      {}", c.understood);
    let _ = writeln!(out, "classification  {}", c.severity.as_str());
    let _ = writeln!(out, "reason          {}", c.reason);
    if let Some(choice) = &c.credential_override {
        let _ = writeln!(
            out,
            "credentials     the command chooses its own ({choice}): guard refuses it"
        );
    }
    let _ = writeln!(out, "account         {account_line}");
    let _ = writeln!(out, "decision        {}", ruling.decision.action);
    let _ = writeln!(out, "because         {}", ruling.decision.describe());
    // What the same gate answers an AI agent's hook (`[agents]`).
    let agent = gate.for_agent(ruling.decision.clone(), c.severity);
    let agent_action = match &c.credential_override {
        Some(_) => "deny".to_string(),
        None => agent.action.to_string(),
    };
    let _ = writeln!(out, "for an agent    {agent_action} ({})", agent.describe());
    for (layer, ignored) in untrusted_parts(&policy) {
        let _ = writeln!(
            out,
            "ignored         {}: {}: ignored: untrusted (`guard policy trust {}` applies it)",
            ignored.at, ignored.what, layer.name
        );
    }
    output::stdout(&out, Delivery::Listing)
}

/// What untrusted layers say that guard does not apply.
fn untrusted_parts(policy: &Policy) -> impl Iterator<Item = (&policy::Layer, &policy::Ignored)> {
    policy
        .layers
        .iter()
        .filter(|l| l.origin == Origin::Untrusted)
        .flat_map(|l| l.file.ignored.iter().map(move |i| (l, i)))
}

/// Validates the policy in force plus any files named, and prints the result with the source
/// of every part.
pub fn check(options: &Options, files: &[PathBuf]) -> anyhow::Result<()> {
    let (mut policy, _) = policy::load_quietly(options.policy.as_deref())?;
    for file in files {
        policy.layers.push(policy::read_layer(Origin::Flag, file)?);
    }
    output::stdout(&(render(&policy) + &project_files()?), Delivery::Listing)
}

/// The nearest project file and every file the user trusted, each with its standing now.
fn project_files() -> anyhow::Result<String> {
    let mut out = String::from("\nproject files:\n");
    let nearest = policy::project_file();
    let mut shown = Vec::new();
    if let Some(path) = &nearest {
        let policy::Project {
            state, canonical, ..
        } = policy::read_project(path)?;
        let _ = write!(out, "  {:<56} {}", path.display(), state.label());
        if state != State::Trusted {
            let _ = write!(out, " (`guard policy trust {}` applies it)", path.display());
        }
        out.push('\n');
        shown.push(canonical);
    }
    for (path, entry) in trust::entries()? {
        let path = PathBuf::from(path);
        if shown.contains(&path) {
            continue;
        }
        let state = match fsutil::read_regular(&path, fsutil::SMALL_LIMIT) {
            Ok(Some(bytes)) if trust::sha256(&bytes) == entry.sha256 => "trusted",
            Ok(Some(_)) => State::Changed.label(),
            Ok(None) | Err(_) => "trusted, but gone",
        };
        let _ = writeln!(out, "  {:<56} {state}", path.display());
    }
    if nearest.is_none() && out.ends_with(":\n") {
        out.push_str("  (none here, and none trusted)\n");
    }
    let trusted_list = trust::path().map_or_else(|e| e.to_string(), |p| p.display().to_string());
    let _ = writeln!(out, "  (trusted files are listed in {trusted_list})");
    Ok(out)
}

/// `guard policy trust [--revoke] [FILE]`.
pub fn trust(options: &Options, file: Option<&Path>, revoke: bool) -> anyhow::Result<()> {
    options.no_profile("policy trust")?;
    let file = match file {
        Some(file) => file.to_path_buf(),
        None => policy::project_file().ok_or_else(|| {
            Failure::usage("there is no .guard.toml here or in any folder above")
                .with_hint("name the file: guard policy trust FILE")
        })?,
    };
    let name = file.display();
    if revoke {
        // A file that is gone can still be forgotten, under the path it had.
        let canonical = trust::location(&file)
            .or_else(|_| std::path::absolute(&file).map_err(anyhow::Error::from))
            .map_err(|e| Failure::usage(format!("cannot resolve {name}: {e}")))?;
        let said = if trust::revoke(&canonical)? {
            format!("{name}: no longer trusted; it can only tighten protection now\n")
        } else {
            format!("{name} was not trusted\n")
        };
        return output::stdout(&said, Delivery::Listing);
    }
    // The same checks as a run: a file guard would refuse cannot be trusted either.
    let policy::Project {
        mut layer,
        text,
        canonical,
        ..
    } = policy::read_project(&file)?;
    let (current, _) = policy::load_quietly(options.policy.as_deref())?;
    layer.file.tighten_only(|table, severity| match table {
        policy::Table::Protected => current.protected_action(severity).0,
        policy::Table::Agents => current.agents_decision(severity).action,
    });
    let digest = trust::trust(&canonical, text.as_bytes())?;
    let mut out = format!(
        "{name}: trusted as it is now (sha256 {}); any change to it lapses the trust\n",
        &digest[..16]
    );
    if layer.file.ignored.is_empty() {
        out.push_str("it only tightens protection, which it did untrusted as well\n");
    } else {
        out.push_str("guard now applies what it ignored before:\n");
        for ignored in &layer.file.ignored {
            let _ = writeln!(out, "  {}: {}", ignored.at, ignored.what);
        }
    }
    output::stdout(&out, Delivery::Listing)
}

fn render(policy: &Policy) -> String {
    let mut out = String::from("layers (weakest first):\n");
    for layer in &policy.layers {
        let _ = writeln!(out, "  {:<20} {}", layer.origin.label(), layer.name);
    }
    out.push_str("\nprotected accounts need, by classification:\n");
    for severity in policy::SEVERITIES {
        let (action, source) = policy.protected_action(severity);
        let _ = writeln!(
            out,
            "  {:<12} {:<8} {source}",
            severity.as_str(),
            action.to_string()
        );
    }
    out.push_str("\nwhen an AI agent asks in a protected account ([agents], on top of that):\n");
    for severity in policy::SEVERITIES {
        let (action, source) = policy.agents_action(severity);
        let _ = writeln!(
            out,
            "  {:<12} {:<8} {source}",
            severity.as_str(),
            action.to_string()
        );
    }
    out.push_str("\naccounts:\n");
    let mut any = false;
    for layer in &policy.layers {
        for entry in &layer.file.accounts {
            any = true;
            let _ = writeln!(out, "  {:<56} {}", entry.describe(), entry.at);
        }
    }
    if !any {
        out.push_str("  (none: no account is protected)\n");
    }
    out.push_str("\nrules:\n");
    let mut any = false;
    for layer in &policy.layers {
        for rule in &layer.file.rules {
            any = true;
            let _ = writeln!(out, "  {:<56} {}", rule.describe(), rule.at);
        }
    }
    if !any {
        out.push_str("  (none)\n");
    }
    out.push_str("\nplan rules:\n");
    let mut any = false;
    for layer in &policy.layers {
        for rule in &layer.file.plan_rules {
            any = true;
            let _ = writeln!(out, "  {:<56} {}", rule.describe(), rule.at);
        }
    }
    if !any {
        out.push_str("  (none)\n");
    }
    out.push_str("\nfreezes:\n");
    let now = jiff::Timestamp::now();
    let mut any = false;
    for freeze in policy.freezes() {
        any = true;
        let state = if freeze.active(now) {
            "ACTIVE now".to_string()
        } else {
            match freeze.next_start(now) {
                Some(start) => format!("next from {start}"),
                None => "over".to_string(),
            }
        };
        let _ = writeln!(out, "  {:<56} {} ({state})", freeze.describe(), freeze.at);
    }
    if !any {
        out.push_str("  (none)\n");
    }
    let mut ignored = untrusted_parts(policy).peekable();
    if ignored.peek().is_some() {
        out.push_str("\nignored: untrusted (they would lower protection):\n");
        for (_, part) in ignored {
            let _ = writeln!(out, "  {:<56} {}", part.what, part.at);
        }
    }
    let _ = writeln!(
        out,
        "\naudit log: {} ({})",
        if policy.audit_all() {
            "every run"
        } else {
            "decisions in protected accounts"
        },
        crate::decide::audit::path().map_or_else(|e| e.to_string(), |p| p.display().to_string())
    );
    out
}
