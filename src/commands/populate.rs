//! `guard populate --sso-session NAME`: a profile in `~/.aws/config` for every account and role
//! the signed-in person may use.

use similar::TextDiff;

use clap_complete::engine::ArgValueCandidates;

use crate::commands::completions;
use crate::credentials::aws;
use crate::credentials::populate::{self, DEFAULT_TEMPLATE, Document, Template};
use crate::credentials::sign_ins;
use crate::credentials::sso::login::or_sign_in;
use crate::credentials::sso::{self, token};
use crate::decide::protect;
use crate::options::Options;
use crate::resolve::profile::{Paths, ProfileSet};
use crate::sys::error::Failure;
use crate::sys::fsutil;
use crate::sys::output::{self, Delivery};

#[derive(Default)]
struct Changes {
    added: Vec<String>,
    updated: Vec<String>,
    removed: Vec<String>,
    /// Stale profiles left in place because --prune was not given.
    stale: Vec<String>,
    /// Profiles written in `guard protect`'s form (`--protect`).
    protected: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The sso-session whose accounts and roles to list
    #[arg(long, value_name = "NAME", add = ArgValueCandidates::new(completions::sso_sessions))]
    pub sso_session: String,
    /// Print the change as a diff and write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Remove profiles populate wrote earlier whose account or role is no longer yours
    #[arg(long)]
    pub prune: bool,
    /// Profile names, from {account_name}, {account_id}, {role_name} and {sso_session}
    #[arg(long, value_name = "T", default_value = DEFAULT_TEMPLATE)]
    pub template: String,
    /// Write the profiles of accounts the policy protects as `guard protect` does, so that plain
    /// `aws --profile P` asks guard first
    #[arg(long)]
    pub protect: bool,
}

pub fn run(options: &Options, args: &Args) -> anyhow::Result<()> {
    options.no_profile("populate")?;
    let template = Template::parse(&args.template)?;
    let name = args.sso_session.as_str();
    let paths = Paths::from_env()?;
    let set = ProfileSet::load(&paths)?;
    let (login, net) = sign_ins::session(&set, &paths, name)?;

    let assignments = aws::runtime()?.block_on(or_sign_in(&net, &login, || async {
        let token = token::access_token(&net, &login).await?;
        sso::assignments(&net, &login, &token).await
    }))?;
    let wanted = populate::wanted(&assignments, &template, name, &login)?;

    // Held until the new file is in place: another populate or setup may edit it too.
    let _lock = fsutil::edit_lock(&paths.config, fsutil::patience(fsutil::EDIT_PATIENCE))?;
    let before = fsutil::read_text(&paths.config, fsutil::CONFIG_LIMIT)
        .map_err(fsutil::Unreadable::into_failure)?
        .unwrap_or_default();
    let mut document = Document::parse(&before);
    let mut changes = Changes::default();
    let mut foreign = Vec::new();
    let written = populate::Written::of(&set, name);
    // Each wanted profile with the name it has in the file.
    let mut named = Vec::new();
    for profile in &wanted {
        if let Some(existing) = written.existing(profile)
            && document.has_profile(&existing.name)
        {
            if document.set_keys(&existing.name, &profile.owned())? {
                changes.updated.push(existing.name.clone());
            }
            named.push((profile, existing.name.as_str()));
        } else if set.find(&profile.name).is_some() {
            foreign.push(profile.name.clone());
        } else {
            document.append_profile(&profile.name, &profile.new_profile())?;
            changes.added.push(profile.name.clone());
            named.push((profile, profile.name.as_str()));
        }
    }
    if !foreign.is_empty() {
        return Err(Failure::config(format!(
            "these profiles exist already and guard populate did not write them: {}",
            foreign.join(", ")
        ))
        .with_hint(
            "nothing was changed; rename or remove them, or choose other names with --template",
        )
        .into());
    }
    // The section `guard protect` wrote for a profile populate keeps under `P.guard-source` is
    // not stale: it has no account or role of its own (earlier versions of protect copied
    // populate's mark into it).
    let stale = populate::stale(&set, name, &assignments)
        .into_iter()
        .filter(|p| set.find(&protect::source_name(&p.name)).is_none());
    for profile in stale {
        if args.prune {
            document.remove_profile(&profile.name);
            changes.removed.push(profile.name.clone());
        } else {
            changes.stale.push(profile.name.clone());
        }
    }

    let mut after = document.render();
    let shown = paths.config.display().to_string();
    if args.protect {
        after = protect_protected(options, &named, after, &mut changes)
            .map_err(|why| Failure::config(format!("{shown}: {why}")))?;
    }
    if args.dry_run {
        let diff = TextDiff::from_lines(&before, &after)
            .unified_diff()
            .header(&shown, &format!("{shown} (after populate)"))
            .to_string();
        output::stdout(&diff, Delivery::Listing)?;
        report(&changes, assignments.len(), "would be");
        return Ok(());
    }
    populate::write_config(&paths.config, &before, &after)?;
    report(&changes, assignments.len(), "");
    Ok(())
}

/// `--protect`: the profiles whose accounts the policy protects, in `guard protect`'s form. A
/// profile protected earlier is in the file under its source name (`P.guard-source`), which
/// populate keeps up to date; it stays protected.
fn protect_protected(
    options: &Options,
    named: &[(&populate::Wanted, &str)],
    mut text: String,
    changes: &mut Changes,
) -> anyhow::Result<String> {
    let policy = options.policy()?;
    let guard = crate::commands::protect::guard_path()?;
    for (profile, in_file) in named {
        let assignment = profile.assignment();
        let name = in_file
            .strip_suffix(protect::SUFFIX)
            .unwrap_or(in_file)
            .to_string();
        let target = crate::decide::policy::Target {
            account: &assignment.account_id,
            known_name: Some(&assignment.account_name),
            profile: &name,
        };
        if !policy.account(&target).protected {
            continue;
        }
        let (next, done) = protect::protect(&text, &name, &guard).map_err(Failure::config)?;
        if done == protect::Done::Protected {
            changes.protected.push(name);
        }
        text = next;
    }
    Ok(text)
}

fn report(changes: &Changes, assignments: usize, mood: &str) {
    let verb = |done: &str| {
        if mood.is_empty() {
            done.to_string()
        } else {
            format!("{mood} {done}")
        }
    };
    if changes.added.is_empty()
        && changes.updated.is_empty()
        && changes.removed.is_empty()
        && changes.protected.is_empty()
    {
        crate::sys::output::stderr_line(format_args!(
            "guard: {assignments} account roles, each with its profile: the profiles are up to date"
        ));
    }
    for (names, what) in [
        (&changes.added, verb("added")),
        (&changes.updated, verb("updated")),
        (&changes.removed, verb("removed")),
        (
            &changes.protected,
            verb("protected (aws --profile asks guard first)"),
        ),
    ] {
        if !names.is_empty() {
            crate::sys::output::stderr_line(format_args!("guard: {what}: {}", names.join(", ")));
        }
    }
    if !changes.stale.is_empty() {
        crate::sys::output::stderr_line(format_args!(
            "guard: no longer assigned to you (kept; --prune removes them): {}",
            changes.stale.join(", ")
        ));
    }
}
