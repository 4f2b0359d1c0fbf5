//! `guard each SELECTION -- COMMAND`: one command in many accounts, each run as `guard -p` would
//! run it (resolved, verified, decided), with one confirmation for all protected accounts, in
//! parallel, its output prefixed with the account.

use std::ffi::OsString;
use std::io::IsTerminal as _;
use std::sync::Mutex;

use clap_complete::engine::ArgValueCandidates;
use time::OffsetDateTime;

use crate::child::childenv::{self, ChildEnv, Facts};
use crate::child::each::run::{self, Job, Settings};
use crate::child::each::select::{Candidate, Selection};
use crate::child::each::{self as many, Fate, Row};
use crate::classify::Classification;
use crate::commands::completions;
use crate::credentials::cache::Cache;
use crate::credentials::identity::AccountName;
use crate::credentials::resolved::Resolved;
use crate::credentials::sso::{self, SsoLogin, token};
use crate::credentials::verify::Verified;
use crate::credentials::{aws, http};
use crate::decide::confirm::Consent;
use crate::decide::gate::{self, Answer, Caller, Gate, Passage, Ruling, Target};
use crate::decide::policy::Policy;
use crate::options::Options;
use crate::resolve::account::{AccountId, RoleArn};
use crate::resolve::profile::{Paths, Profile, ProfileSet};
use crate::resolve::select::ChosenBy;
use crate::sys::error::{self, Failure};
use crate::sys::exit_codes::ExitCode;
use crate::sys::output::{self, Delivery};
use crate::sys::process::Process;
use crate::sys::tty::{self, Reply};

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Selection: every criterion given narrows the set; -p may be repeated (any of its patterns).
Accounts run in the order `guard profiles` lists them (by profile name). The exit status is 0
when the command succeeded in every account, 77 when the policy or a refused confirmation
stopped it everywhere, else the first failing status in that order (130 after Ctrl-C).")]
pub struct Args {
    /// Profiles whose names match GLOB (repeatable: a profile matching any is in)
    #[arg(short = 'p', long = "profile", value_name = "GLOB", add = ArgValueCandidates::new(completions::profiles))]
    pub profiles: Vec<String>,
    /// Accounts whose ID or name matches GLOB
    #[arg(long, value_name = "GLOB", add = ArgValueCandidates::new(completions::accounts))]
    pub account: Option<String>,
    /// Accounts the policy labels with this environment
    #[arg(long, value_name = "NAME", add = ArgValueCandidates::new(completions::environments))]
    pub environment: Option<String>,
    /// Every profile of this sso-session
    #[arg(long, value_name = "NAME", add = ArgValueCandidates::new(completions::sso_sessions))]
    pub sso_session: Option<String>,
    /// Profiles of this role (permission set, sso_role_name), across accounts
    #[arg(long, value_name = "NAME", add = ArgValueCandidates::new(completions::roles))]
    pub role: Option<String>,
    /// How many accounts at a time [default: 4, never more than the accounts]
    #[arg(short, long, value_name = "N", default_value_t = 4, hide_default_value = true, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub jobs: u16,
    /// Print the children's output as JSON lines: account, account_id, profile, stream, line
    #[arg(long)]
    pub json: bool,
    /// Start no more accounts after the first that fails
    #[arg(long)]
    pub fail_fast: bool,
    /// Print what the selection picks (no network) and run nothing
    #[arg(long)]
    pub list: bool,
    /// The command and its arguments
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<OsString>,
}

impl Args {
    fn selection(&self, extra_profile: Option<String>) -> Selection {
        Selection {
            profiles: self.profiles.iter().cloned().chain(extra_profile).collect(),
            account: self.account.clone(),
            environment: self.environment.clone(),
            sso_session: self.sso_session.clone(),
            role: self.role.clone(),
        }
    }
}

/// The account a profile promises, read from its own keys (no network): the role it assumes,
/// else its Identity Center account.
fn promised_account(profile: &Profile) -> Option<AccountId> {
    match profile.value("role_arn") {
        Some(arn) => arn.parse::<RoleArn>().ok().map(|r| r.account),
        None => profile.value("sso_account_id")?.parse().ok(),
    }
}

/// Runs the command in every selected account; the exit status (see `Args`).
pub fn run(options: &Options, profile: Option<String>, args: Args) -> anyhow::Result<u8> {
    if options.server {
        return Err(Failure::usage("guard each runs its commands without --server").into());
    }
    let policy = options.policy()?;
    let paths = Paths::from_env()?;
    let set = ProfileSet::load(&paths)?;
    let cache = Cache::locate();
    let now = OffsetDateTime::now_utc();
    let picked = args
        .selection(profile)
        .pick(&set, &policy, promised_account, |id| {
            cache.account_name(id, now).into_name()
        })?;
    if args.list {
        output::stdout(&listing(&picked), Delivery::Listing)?;
        return Ok(ExitCode::Success.code());
    }
    if args.command.is_empty() {
        return Err(
            Failure::usage("guard each needs a command: guard each SELECTION -- COMMAND")
                .with_hint("add --list to see what the selection picks")
                .into(),
        );
    }
    same_process_settings(&set, &picked)?;
    aws::expect_many_at_once();

    let verified = verify_all(options, &set, &picked, usize::from(args.jobs));
    let words: Vec<String> = args
        .command
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    // Classified once; each account's gate rules on it (and reads a saved plan with that
    // account's environment).
    let classification = gate::classify_argv(&words);
    let mut accounts: Vec<Account> = picked
        .iter()
        .zip(verified)
        .map(|(candidate, verified)| {
            Account::new(
                candidate,
                verified,
                &policy,
                &classification,
                &args.command,
                &words,
                options.reason.as_deref(),
            )
        })
        .collect();

    // Nothing runs anywhere until every account is decided and consent, if wanted, given.
    let consent = consent(options.confirm.as_deref(), &accounts, &words);
    let granted = match &consent {
        Ok(Some(consent)) => gate::Consent::Granted(*consent),
        // Nobody needs it: a ruling that did would be left to no one, and not run.
        Ok(None) => gate::Consent::Deferred,
        Err(refusal) => gate::Consent::Withheld(refusal.message.clone()),
    };
    for account in &mut accounts {
        account.enforce(
            &policy,
            options.reason.as_deref(),
            &granted,
            consent.is_ok(),
        );
    }
    if let Err(refusal) = consent {
        error::report(&refusal.into());
        return Ok(ExitCode::Refused.code());
    }

    let color = use_color();
    let mut jobs = Vec::new();
    let mut ran_at = Vec::new();
    for (index, account) in accounts.iter().enumerate() {
        if let State::Ruled {
            verified,
            env,
            passage: Some(Ok(Passage::Allowed | Passage::Consented(_))),
            ..
        } = &account.state
        {
            jobs.push(Job {
                label: account.label.clone(),
                account_id: verified.identity.account.to_string(),
                profile: verified.profile.clone(),
                env,
            });
            ran_at.push(index);
        }
    }
    if !options.quiet && !jobs.is_empty() {
        let protected = accounts.iter().filter(|a| a.protected()).count();
        output::stderr_line(format_args!(
            "guard: running {} in {} account{} ({protected} protected), {} at a time",
            shown(&words),
            jobs.len(),
            if jobs.len() == 1 { "" } else { "s" },
            usize::from(args.jobs).min(jobs.len())
        ));
    }
    let finished = run::run(
        &args.command,
        &jobs,
        Settings {
            jobs: usize::from(args.jobs),
            json: args.json,
            fail_fast: args.fail_fast,
            color,
        },
    )?;
    let mut fates: Vec<Fate> = accounts.iter().map(Account::fate).collect();
    for (index, outcome) in ran_at.into_iter().zip(finished.outcomes) {
        if let run::Outcome::NotStarted(failure) = &outcome {
            error::report(&anyhow::Error::from(failure.clone()).context(format!(
                "{}: the command could not be started",
                accounts[index].label
            )));
        }
        fates[index] = Fate::Ran(outcome);
    }
    let rows: Vec<Row> = accounts
        .iter()
        .zip(&fates)
        .map(|(account, fate)| Row {
            account: &account.label,
            profile: account.profile,
            fate,
        })
        .collect();
    output::stderr_line(many::summary(&rows, finished.interrupted.is_some()));
    let status = match finished.interrupted {
        Some(signal) => 128 + signal as i32,
        None => many::exit_status(&fates),
    };
    Ok(u8::try_from(status).unwrap_or(1))
}

/// Colour on a terminal, as the banner decides it, but for stdout where the lines go.
fn use_color() -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
    !set("NO_COLOR") && (set("CLICOLOR_FORCE") || std::io::stdout().is_terminal())
}

/// `--list`: what would run, from the config and the policy alone.
fn listing(picked: &[Candidate]) -> String {
    let rows: Vec<[String; 5]> = picked
        .iter()
        .map(|c| {
            [
                c.name().to_string(),
                c.account
                    .as_ref()
                    .map_or_else(|| "?".to_string(), ToString::to_string),
                c.view.name.clone().unwrap_or_else(|| "-".to_string()),
                c.view
                    .environment
                    .clone()
                    .unwrap_or_else(|| "-".to_string()),
                if c.view.protected { "protected" } else { "" }.to_string(),
            ]
            .map(|cell| output::terminal_safe(&cell).into_owned())
        })
        .collect();
    let header = ["PROFILE", "ACCOUNT", "NAME", "ENVIRONMENT", ""].map(str::to_string);
    let mut widths = [0; 5];
    for row in std::iter::once(&header).chain(&rows) {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut text = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let line: String = row
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:width$}  "))
            .collect();
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

/// A process works for one profile's trust roots (`ca_bundle`, `http`) and endpoints
/// (`endpoint_url`, `services`, FIPS and dual-stack, `aws`): profiles that differ there cannot
/// share a run, and guard will not give one of them the other's.
fn same_process_settings(set: &ProfileSet, picked: &[Candidate]) -> Result<(), Failure> {
    let bundle_set = std::env::var_os("AWS_CA_BUNDLE").is_some_and(|v| !v.is_empty());
    let settings = |c: &Candidate| {
        let bundle = c
            .profile
            .value("ca_bundle")
            .filter(|_| !bundle_set)
            .map(str::to_string);
        (bundle, aws::ProfileEndpoints::of(set, c.profile))
    };
    let Some(first) = picked.first() else {
        return Ok(());
    };
    let reference = settings(first);
    for other in &picked[1..] {
        let theirs = settings(other);
        if theirs != reference {
            let what = if theirs.0 != reference.0 {
                "CA bundle (ca_bundle)"
            } else {
                "endpoints (endpoint_url, services, use_fips_endpoint, use_dualstack_endpoint)"
            };
            return Err(Failure::config(format!(
                "profiles '{}' ({}) and '{}' ({}) have different {what}; one guard each runs with one of them",
                first.name(),
                first.profile.at,
                other.name(),
                other.profile.at
            ))
            .with_hint("select them in separate guard each runs"));
        }
    }
    Ok(())
}

/// Every selected profile's credentials, verified as a run verifies them: from the cache when
/// they are there; else each sso-session's sign-in made good once (one refresh, one sign-in
/// at most), then the rest fetched `jobs` at a time through the same cache and locks.
fn verify_all(
    options: &Options,
    set: &ProfileSet,
    picked: &[Candidate],
    jobs: usize,
) -> Vec<anyhow::Result<Verified>> {
    let cache_use = options.cache_use;
    let mut results: Vec<Option<anyhow::Result<Verified>>> = Vec::new();
    let mut cold: Vec<(usize, Resolved)> = Vec::new();
    for (index, candidate) in picked.iter().enumerate() {
        let resolved = Resolved::in_set(
            set,
            candidate.name(),
            options.region.as_deref(),
            ChosenBy::Flag,
        );
        results.push(match resolved {
            Err(e) => Some(Err(e)),
            Ok(resolved) => match resolved.verified_from_cache(cache_use) {
                Some(verified) => Some(verified),
                None => {
                    cold.push((index, resolved));
                    None
                }
            },
        });
    }
    if !cold.is_empty() {
        let failed = sign_in_once(&cold);
        let mut fetch = Vec::new();
        for (index, resolved) in cold {
            let login = resolved.sso_login().map(SsoLogin::cache_key);
            match login.and_then(|key| failed.iter().find(|(k, _)| k == key)) {
                Some((_, message)) => {
                    results[index] = Some(Err(Failure::config(message.clone()).into()))
                }
                None => fetch.push((index, resolved)),
            }
        }
        let queue = Mutex::new(fetch.into_iter());
        let done = Mutex::new(Vec::new());
        let workers = jobs.clamp(1, picked.len());
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| {
                    loop {
                        let next = queue.lock().ok().and_then(|mut q| q.next());
                        let Some((index, resolved)) = next else { break };
                        let verified = resolved.verify(cache_use);
                        if let Ok(mut done) = done.lock() {
                            done.push((index, verified));
                        }
                    }
                });
            }
        });
        for (index, verified) in done.into_inner().unwrap_or_default() {
            results[index] = Some(verified);
        }
    }
    results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(Failure::unavailable("not verified").into())))
        .collect()
}

/// Makes each sso-session's sign-in good once, before accounts are fetched in parallel: a
/// token near its end is refreshed here (one CreateToken), a missing one signed in here when a
/// person is at the terminal; the portal's list of accounts is read once to name them. The
/// sign-ins that failed, with why (said once here, not once per account).
fn sign_in_once(cold: &[(usize, Resolved)]) -> Vec<(String, String)> {
    let cache = Cache::locate();
    let now = OffsetDateTime::now_utc();
    let mut logins: Vec<(&SsoLogin, &http::Settings, bool)> = Vec::new();
    for (_, resolved) in cold {
        let Some(login) = resolved.sso_login() else {
            continue;
        };
        let unnamed = resolved
            .expected_account()
            .is_none_or(|id| cache.account_name(id, now) == AccountName::Unknown);
        match logins
            .iter_mut()
            .find(|(l, _, _)| l.cache_key() == login.cache_key())
        {
            Some((_, _, any_unnamed)) => *any_unnamed |= unnamed,
            None => logins.push((login, resolved.net(), unnamed)),
        }
    }
    let mut failed = Vec::new();
    let runtime = match aws::runtime() {
        Ok(runtime) => runtime,
        Err(e) => {
            return logins
                .iter()
                .map(|(l, _, _)| (l.cache_key().to_string(), e.message.clone()))
                .collect();
        }
    };
    for (login, net, unnamed) in logins {
        let answer = runtime.block_on(async {
            let token =
                sso::login::or_sign_in(net, login, || token::access_token(net, login)).await?;
            if unnamed {
                sso::remember_account_names(net, login, &token).await;
            }
            anyhow::Ok(())
        });
        if let Err(e) = answer {
            error::report(&e);
            failed.push((
                login.cache_key().to_string(),
                format!("{}: not signed in (see above)", login.describe()),
            ));
        }
    }
    // From here on, accounts are fetched in parallel: none of them may start a sign-in.
    sso::login::forbid_inline_sign_in();
    failed
}

/// One selected account on its way through the decision.
struct Account<'a> {
    profile: &'a str,
    /// How lines and the summary name it: the account's name, else its ID, else the profile.
    label: String,
    state: State,
}

enum State {
    /// Its credentials could not be had or verified: guard's status for that failure.
    Unverified { status: u8 },
    Ruled {
        verified: Box<Verified>,
        /// The environment a run would give the command there.
        env: ChildEnv,
        target: Target,
        ruling: Box<Ruling>,
        /// How the gate let it through, or that it refused; None until enforced.
        passage: Option<Result<Passage, ()>>,
    },
}

impl<'a> Account<'a> {
    /// The account's ruling as a run would make it: the one classification, ruled on by this
    /// verified account's gate.
    fn new(
        candidate: &'a Candidate,
        verified: anyhow::Result<Verified>,
        policy: &Policy,
        classification: &Classification,
        argv: &[OsString],
        words: &[String],
        reason: Option<&str>,
    ) -> Account<'a> {
        let profile = candidate.name();
        let verified = match verified {
            Ok(verified) => verified,
            Err(e) => {
                let label = candidate
                    .view
                    .name
                    .clone()
                    .or_else(|| candidate.account.as_ref().map(ToString::to_string))
                    .unwrap_or_else(|| profile.to_string());
                let status = error::report(&e.context(format!("{label} (profile '{profile}')")));
                return Account {
                    profile,
                    label,
                    state: State::Unverified {
                        status: status.code(),
                    },
                };
            }
        };
        // Consent is asked once for all accounts (`consent`), then given to each gate.
        let gate = Gate::new(
            policy,
            Target::of(&verified),
            gate::Consent::Deferred,
            Caller::Person,
        )
        .with_reason(reason.map(str::to_string));
        let env = childenv::build(&Facts::of(&verified, gate.view()));
        let ruling = gate.rule_run(classification.clone(), argv, words.to_vec(), Some(&env));
        let label = ruling
            .view
            .name
            .clone()
            .unwrap_or_else(|| verified.identity.account.to_string());
        Account {
            profile,
            label,
            state: State::Ruled {
                target: gate.target().clone(),
                verified: Box::new(verified),
                env,
                ruling: Box::new(ruling),
                passage: None,
            },
        }
    }

    fn answer(&self) -> Option<Answer> {
        match &self.state {
            State::Ruled { ruling, .. } => Some(ruling.answer()),
            State::Unverified { .. } => None,
        }
    }

    fn protected(&self) -> bool {
        matches!(&self.state, State::Ruled { ruling, .. } if ruling.view.protected)
    }

    fn needs_consent(&self) -> bool {
        self.answer() == Some(Answer::Ask)
    }

    /// Whether the command may run here once consent (when wanted) is given.
    fn may_run(&self) -> bool {
        matches!(self.answer(), Some(Answer::Allow | Answer::Ask))
    }

    /// What to write after the name: `prod (222222222222) [production]`.
    fn described(&self) -> String {
        match &self.state {
            State::Ruled {
                verified, ruling, ..
            } => {
                let mut text = format!("{} ({})", self.label, verified.identity.account);
                if let Some(environment) = &ruling.view.environment {
                    text.push_str(&format!(" [{environment}]"));
                }
                output::terminal_safe(&text).into_owned()
            }
            State::Unverified { .. } => output::terminal_safe(&self.label).into_owned(),
        }
    }

    /// Enforces the account's ruling through its gate, with the consent asked once for all:
    /// the gate refuses a deny (said here, once per account, unless consent was refused for
    /// the whole run) and writes the account's audit line.
    fn enforce(
        &mut self,
        policy: &Policy,
        reason: Option<&str>,
        consent: &gate::Consent,
        consented: bool,
    ) {
        let described = self.described();
        let State::Ruled {
            target,
            ruling,
            passage,
            ..
        } = &mut self.state
        else {
            return;
        };
        let gate = Gate::new(policy, target.clone(), consent.clone(), Caller::Person)
            .with_reason(reason.map(str::to_string));
        *passage = Some(match gate.enforce(ruling) {
            Ok(through) => Ok(through),
            Err(refusal) => {
                if consented {
                    error::report(&refusal.context(format!("{described}: skipped")));
                }
                Err(())
            }
        });
    }

    /// The account's fate if the command does not run there.
    fn fate(&self) -> Fate {
        match &self.state {
            State::Unverified { status } => Fate::Failed {
                status: *status,
                why: "not verified",
            },
            State::Ruled { ruling, .. } if ruling.answer() == Answer::Deny => {
                Fate::Refused { why: "denied" }
            }
            State::Ruled { .. } => Fate::Refused {
                why: "not confirmed",
            },
        }
    }
}

/// The command as the prompt shows it: what looks secret is hidden.
fn shown(words: &[String]) -> String {
    Process::from_argv(words).map_or_else(String::new, |p| p.to_string())
}

/// The one confirmation for every protected account: given in advance with `--confirm NAMES`
/// (each account that needs it named by name or ID), or at the terminal by typing how many
/// protected accounts the command will run in. Anything else is a refusal, and nothing runs.
fn consent(
    given: Option<&str>,
    accounts: &[Account],
    words: &[String],
) -> Result<Option<Consent>, Failure> {
    let wanted: Vec<&Account> = accounts.iter().filter(|a| a.needs_consent()).collect();
    if wanted.is_empty() {
        return Ok(None);
    }
    let command = shown(words);
    let names = |accounts: &[&Account]| {
        accounts
            .iter()
            .map(|a| a.described())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(given) = given {
        let given: Vec<&str> = given
            .split(',')
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .collect();
        let missing: Vec<&Account> = wanted
            .iter()
            .copied()
            .filter(|a| !given.iter().any(|n| a.answers_to(n)))
            .collect();
        return if missing.is_empty() {
            Ok(Some(Consent::Given))
        } else {
            Err(Failure::refused(format!(
                "{command} needs confirmation in {} protected account{}, and --confirm / GUARD_CONFIRM does not name {}; nothing was run",
                wanted.len(),
                plural(wanted.len()),
                names(&missing)
            ))
            .with_hint(format!("to consent from a script, pass --confirm {}", confirm_words(&wanted))))
        };
    }
    let listed: Vec<&Account> = accounts
        .iter()
        .filter(|a| a.protected() && a.may_run())
        .collect();
    let mut question =
        format!("guard: this needs confirmation in protected accounts\r\n  command  {command}\r\n");
    for (number, account) in listed.iter().enumerate() {
        question.push_str(&format!(
            "  {:>3}. {}\r\n       {}\r\n",
            number + 1,
            account.described(),
            account.what_it_does()
        ));
    }
    for account in accounts.iter().filter(|a| a.protected() && !a.may_run()) {
        question.push_str(&format!(
            "       {}: skipped, denied\r\n",
            account.described()
        ));
    }
    question.push_str("Type the number of protected accounts listed to run it in all of them: ");
    let refused = |what: &str| Failure::refused(format!("{what}; nothing was run"));
    match tty::ask(&question) {
        Reply::Line(answer) if answer.trim() == listed.len().to_string() => {
            Ok(Some(Consent::Terminal))
        }
        Reply::Line(_) => Err(refused("the answer was not the number of protected accounts")),
        Reply::Interrupted => Err(refused("cancelled")),
        Reply::Eof => Err(refused("no answer")),
        Reply::NoTerminal => Err(Failure::refused(format!(
            "{command} needs confirmation in {} protected account{}: {}; there is no terminal to ask on, and nothing was run",
            wanted.len(),
            plural(wanted.len()),
            names(&wanted)
        ))
        .with_hint(format!(
            "to consent from a script, pass --confirm {} (or set GUARD_CONFIRM)",
            confirm_words(&wanted)
        ))),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn confirm_words(accounts: &[&Account]) -> String {
    accounts
        .iter()
        .filter_map(|a| match &a.state {
            State::Ruled {
                verified, ruling, ..
            } => Some(ruling.view.confirm_word(&verified.identity.account)),
            State::Unverified { .. } => None,
        })
        .collect::<Vec<_>>()
        .join(",")
}

impl Account<'_> {
    /// Whether `name` names this account: its name or its ID, as a run's --confirm is read.
    fn answers_to(&self, name: &str) -> bool {
        match &self.state {
            State::Ruled {
                verified, ruling, ..
            } => {
                name == verified.identity.account.as_str()
                    || ruling.view.name.as_deref() == Some(name)
            }
            State::Unverified { .. } => false,
        }
    }

    /// What the command would do in the account, as the question lists it.
    fn what_it_does(&self) -> String {
        match &self.state {
            State::Ruled { ruling, .. } => {
                let c = &ruling.classification;
                let answer = match ruling.answer() {
                    Answer::Ask => "needs confirmation",
                    Answer::Allow => "allowed",
                    Answer::Deny => "denied",
                };
                format!(
                    "{} ({answer}): {}",
                    c.severity.as_str(),
                    output::terminal_safe(&c.reason)
                )
            }
            State::Unverified { .. } => String::new(),
        }
    }
}
