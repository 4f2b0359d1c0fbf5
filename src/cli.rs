//! The command line: what the person asked for, and which command serves it.

use std::cell::Cell;
use std::ffi::OsString;
use std::mem::ManuallyDrop;

use clap::{ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use clap_complete::engine::ArgValueCandidates;

use crate::commands;
use crate::commands::completions;
use crate::commands::env::Format;
use crate::credentials::verify::{CacheUse, DEFAULT_MIN_TTL};
use crate::options::Options;
use crate::sys::error::{self, Failure};
use crate::sys::exit_codes;
use crate::sys::output;

/// Run a command under an AWS profile, with verified, short-lived credentials.
#[derive(Debug, Parser)]
#[command(name = "guard", version, disable_help_subcommand = true)]
pub struct Cli {
    #[command(flatten)]
    global: Global,

    /// Stay the command's parent and serve it credentials that are refreshed as they expire
    /// (the container credentials endpoint every AWS SDK reads), instead of fixed keys
    #[arg(long, env = "GUARD_SERVER", value_parser = clap::builder::FalseyValueParser::new())]
    server: bool,

    #[command(subcommand)]
    subcommand: Option<Subcommands>,

    /// The command and its arguments; without one, guard starts $SHELL. Write `--` before a
    /// command that has the name of one of guard's own subcommands.
    #[arg(trailing_var_arg = true, value_name = "COMMAND")]
    command: Vec<OsString>,
}

// Options every command takes, before or after a subcommand's name. They are flattened into each
// subcommand rather than declared `global`: clap copies global options into every subcommand and
// their values back, a sixth of a warm run's instructions (docs/performance.md). (A doc comment
// here would become every subcommand's description.)
#[derive(Debug, Args)]
struct Global {
    /// The profile to use [default: $AWS_PROFILE, else the sticky one (guard use), else [default]]
    #[arg(short, long, value_name = "PROFILE", add = ArgValueCandidates::new(completions::profiles))]
    pub profile: Option<String>,

    #[command(flatten)]
    shared: Shared,
}

// The options every command takes but the one profile: `guard each` selects many with its own -p.
#[derive(Debug, Args)]
struct Shared {
    /// The region for the command [default: the profile's region]
    #[arg(short, long, value_name = "REGION", value_parser = parse_region)]
    pub region: Option<String>,

    /// Consent, from a script, to run a command that needs confirmation: the account's name or ID
    #[arg(long, value_name = "NAME", env = "GUARD_CONFIRM")]
    pub confirm: Option<String>,

    /// A policy file layered over all others
    #[arg(long, value_name = "FILE")]
    pub policy: Option<std::path::PathBuf>,

    /// Why you run this: the change reason that rules with require_reason ask for, shown in the
    /// prompt and recorded in the audit log
    #[arg(long, value_name = "TEXT", env = "GUARD_REASON")]
    pub reason: Option<String>,

    /// Do not print the identity banner (errors are always printed)
    #[arg(short, long, env = "GUARD_QUIET", value_parser = clap::builder::FalseyValueParser::new())]
    pub quiet: bool,

    /// Fetch new credentials even when the cache holds good ones (and cache the new ones)
    #[arg(long)]
    pub fresh: bool,

    /// Ask STS again who cached credentials are (GetCallerIdentity); rejected ones are replaced
    #[arg(long)]
    pub verify: bool,

    /// Replace cached credentials that have less than this left: 600, 90s, 10m, 1h [default: 10m]
    #[arg(long, env = "GUARD_MIN_TTL", value_name = "DURATION", value_parser = crate::options::parse_duration)]
    pub min_ttl: Option<time::Duration>,
}

// A subcommand's own arguments, and the options every command takes. (A doc comment here would
// become every subcommand's description.)
#[derive(Debug, Args)]
struct With<T: Args> {
    #[command(flatten)]
    own: T,
    #[command(flatten)]
    global: Global,
}

// For subcommands without arguments of their own.
#[derive(Debug, Args)]
struct Nothing {}

impl Global {
    /// These options followed by `later` ones (after a subcommand's name): a value given later
    /// wins, a switch given anywhere is on.
    fn then(self, later: Global) -> Global {
        Global {
            profile: later.profile.or(self.profile),
            shared: self.shared.then(later.shared),
        }
    }

    /// The options as the commands read them.
    fn options(self, server: bool) -> Options {
        self.shared.options(self.profile, server)
    }
}

impl Shared {
    fn then(self, later: Shared) -> Shared {
        Shared {
            region: later.region.or(self.region),
            confirm: later.confirm.or(self.confirm),
            policy: later.policy.or(self.policy),
            reason: later.reason.or(self.reason),
            quiet: self.quiet || later.quiet,
            fresh: self.fresh || later.fresh,
            verify: self.verify || later.verify,
            min_ttl: later.min_ttl.or(self.min_ttl),
        }
    }

    fn options(self, profile: Option<String>, server: bool) -> Options {
        Options {
            profile,
            region: self.region,
            confirm: self.confirm,
            policy: self.policy,
            reason: self.reason,
            quiet: self.quiet,
            server,
            cache_use: CacheUse {
                fresh: self.fresh,
                verify: self.verify,
                min_ttl: self.min_ttl.unwrap_or(DEFAULT_MIN_TTL),
            },
        }
    }
}

fn parse_region(text: &str) -> Result<String, String> {
    if crate::resolve::region::is_region(text) {
        Ok(text.to_string())
    } else {
        Err(format!("'{text}' is not an AWS region (like eu-west-1)"))
    }
}

/// Deferred: a subcommand's own arguments are made only when it is the one on the command line.
#[derive(Debug, Subcommand)]
#[command(defer = true)]
enum Sub {
    /// Sign in to IAM Identity Center (into the token cache the AWS CLI shares)
    Login(With<commands::login::Args>),
    /// Sign out of IAM Identity Center and remove the cached token
    Logout(With<commands::logout::Args>),
    /// See and check the policy that protects accounts
    Policy(PolicyArgs),
    /// List every profile with its kind, account, role, region and sign-in state (no network)
    Profiles(With<Json>),
    /// Show the verified identity of a profile, without running anything
    Whoami(With<WhoamiJson>),
    /// Write a profile into ~/.aws/config for every account and role of an sso-session
    Populate(With<commands::populate::Args>),
    /// Make plain `aws --profile P` (and AWS_PROFILE=P) ask guard first: the profile gets its
    /// credentials from `guard credential-process --caller`, which decides the aws command
    Protect(With<ProtectArgs>),
    /// Print the variables guard would give a command, for `eval "$(guard env -p PROFILE)"`
    Env(With<EnvArgs>),
    /// Print a profile's credentials for `credential_process = guard credential-process -p PROFILE`
    CredentialProcess(With<CredentialProcessArgs>),
    /// Print a short prompt segment from the GUARD_* variables (no file or network access)
    Prompt(With<Nothing>),
    /// Start $SHELL under a profile (as `guard -p PROFILE` with no command): in a protected
    /// account a guarded shell, where every aws, terraform, kubectl... is decided
    Shell(With<Nothing>),
    /// Print a token for an EKS cluster, as `aws eks get-token` does, for kubectl's exec (cached)
    EksToken(With<commands::eks_token::Args>),
    /// Open the AWS console signed in with a profile's verified credentials (or --print the link)
    Console(With<commands::console::Args>),
    /// Make a profile sticky: later runs use it when neither -p nor a variable names one
    Use(With<commands::use_::Args>),
    /// From a start URL to every account as a profile: writes the [sso-session], signs in, populates
    #[command(
        after_help = "Here -r/--region is IAM Identity Center's region [default on a terminal: us-east-1]."
    )]
    Setup(With<commands::setup::Args>),
    /// Run a command in many accounts at once: each verified and decided, one confirmation
    Each(EachArgs),
    /// Print a completion script: `source <(guard completions bash)`; names profiles for -p
    Completions(CompletionsArgs),
    /// Print the manual page: `guard man | man -l -`
    Man(With<Nothing>),
    /// Decide a command without running it: exit 0 if the gate allows it, 77 if it denies it or
    /// needs consent (no network when the account is known from the cache or the profile)
    Check(With<GateCheckArgs>),
    /// guard as an AI coding agent's pre-execution hook (reads the hook's JSON on stdin)
    Hook(HookArgs),
    /// Manage the credential cache
    Cache(CacheArgs),
}

// The arguments of the subcommands that have their own subcommands, and of `each` and
// `completions`: each subcommand's arguments are one type, so that `parsing_subcommand` can make
// them. (A doc comment here would become the subcommand's description.)
#[derive(Debug, Args)]
struct PolicyArgs {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    action: PolicyAction,
}

#[derive(Debug, Args)]
struct HookArgs {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    action: HookAction,
}

#[derive(Debug, Args)]
struct CacheArgs {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    action: CacheAction,
}

#[derive(Debug, Args)]
struct EachArgs {
    #[command(flatten)]
    own: commands::each::Args,
    #[command(flatten)]
    shared: Shared,
}

#[derive(Debug, Args)]
struct CompletionsArgs {
    #[arg(value_enum)]
    shell: completions::Shell,
    #[command(flatten)]
    global: Global,
}

/// `Sub` on the top level: every subcommand with its description for help, the manual,
/// completions and errors; for a run's own parse, none (`parse` adds the ones it names).
#[derive(Debug)]
struct Subcommands(Sub);

thread_local! {
    /// Set while `parse` makes the command line's top level: its subcommands are left to it.
    static BARE: Cell<bool> = const { Cell::new(false) };
}

impl FromArgMatches for Subcommands {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        Sub::from_arg_matches(matches).map(Subcommands)
    }

    fn from_arg_matches_mut(matches: &mut ArgMatches) -> Result<Self, clap::Error> {
        Sub::from_arg_matches_mut(matches).map(Subcommands)
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches(matches)
    }

    fn update_from_arg_matches_mut(&mut self, matches: &mut ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches_mut(matches)
    }
}

impl Subcommand for Subcommands {
    fn augment_subcommands(cmd: clap::Command) -> clap::Command {
        if BARE.get() {
            cmd
        } else {
            Sub::augment_subcommands(cmd)
        }
    }

    fn augment_subcommands_for_update(cmd: clap::Command) -> clap::Command {
        Sub::augment_subcommands_for_update(cmd)
    }

    fn has_subcommand(name: &str) -> bool {
        Sub::has_subcommand(name)
    }
}

/// A subcommand of `Sub` for parsing only: its name, and its arguments as `Sub` makes them (when
/// it is the one on the command line), without the descriptions that only help and errors show.
/// `parsing_subcommands_are_subs` holds each to `Sub`'s.
fn parsing_subcommand(name: &str) -> Option<clap::Command> {
    fn of<T: Args>(name: &'static str) -> clap::Command {
        clap::Command::new(name).defer(T::augment_args)
    }
    Some(match name {
        "login" => of::<With<commands::login::Args>>("login"),
        "logout" => of::<With<commands::logout::Args>>("logout"),
        "policy" => of::<PolicyArgs>("policy"),
        "profiles" => of::<With<Json>>("profiles"),
        "whoami" => of::<With<WhoamiJson>>("whoami"),
        "populate" => of::<With<commands::populate::Args>>("populate"),
        "protect" => of::<With<ProtectArgs>>("protect"),
        "env" => of::<With<EnvArgs>>("env"),
        "credential-process" => of::<With<CredentialProcessArgs>>("credential-process"),
        "prompt" => of::<With<Nothing>>("prompt"),
        "shell" => of::<With<Nothing>>("shell"),
        "eks-token" => of::<With<commands::eks_token::Args>>("eks-token"),
        "console" => of::<With<commands::console::Args>>("console"),
        "use" => of::<With<commands::use_::Args>>("use"),
        "setup" => of::<With<commands::setup::Args>>("setup"),
        "each" => of::<EachArgs>("each"),
        "completions" => of::<CompletionsArgs>("completions"),
        "man" => of::<With<Nothing>>("man"),
        "check" => of::<With<GateCheckArgs>>("check"),
        "hook" => of::<HookArgs>("hook"),
        "cache" => of::<CacheArgs>("cache"),
        _ => return None,
    })
}

#[derive(Debug, Args)]
struct Json {
    /// Print JSON
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct WhoamiJson {
    /// Print JSON: profile, account_id, account_name, arn, user_id, region, expires_at
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct EnvArgs {
    /// The syntax to print them in
    #[arg(long, value_enum, default_value_t = Format::Sh)]
    format: Format,
}

#[derive(Debug, Args)]
struct GateCheckArgs {
    /// Decide for this account ID instead of a profile's account (no network)
    #[arg(long, value_name = "ID", conflicts_with = "offline")]
    account: Option<String>,
    /// Print JSON: decision, classification, reason, account, the rule with file:line
    #[arg(long)]
    json: bool,
    /// Make no request: an account guard cannot know without one is decided as an unknown
    /// account in a protected policy (consent needed)
    #[arg(long)]
    offline: bool,
    /// Read the command line as text on stdin, parsed as bash would parse it
    #[arg(long, conflicts_with = "command")]
    stdin: bool,
    /// Decide as for this AI agent (the policy's [agents] table), not for a person
    #[arg(long, value_name = "NAME")]
    agent: Option<String>,
    /// The command to decide
    #[arg(last = true, value_name = "COMMAND", required_unless_present = "stdin")]
    command: Vec<OsString>,
}

#[derive(Debug, Subcommand)]
enum HookAction {
    /// Claude Code's PreToolUse hook: decides Bash commands, answers with hookSpecificOutput
    ClaudeCode(With<Nothing>),
    /// Gemini CLI's BeforeTool hook: decides run_shell_command, answers with a decision
    GeminiCli(With<Nothing>),
    /// Add guard's hook to the agent's settings file (byte for byte keeping the rest)
    Install(With<commands::hook_install::Args>),
}

#[derive(Debug, Subcommand)]
enum CacheAction {
    /// Remove cached credentials; with -p PROFILE, only those that profile's settings went into
    Clear(With<Nothing>),
}

#[derive(Debug, Subcommand)]
enum PolicyAction {
    /// Show how a command is classified and what the policy decides, without running it
    Explain(With<ExplainArgs>),
    /// Validate the policy files (and FILEs) and print the policy in force with its sources
    Check(With<CheckArgs>),
    /// Trust a project's .guard.toml as it is now, so that it may loosen protection too
    Trust(With<TrustArgs>),
    /// Run policy test cases (TOML [[case]] tables): exit 0 when every decision is as expected,
    /// 1 when one is not, 78 for a malformed file. With --policy, only the shipped policy and
    /// that file count
    Test(With<TestArgs>),
}

#[derive(Debug, Args)]
struct TestArgs {
    /// Test files
    #[arg(value_name = "FILE", required = true)]
    files: Vec<std::path::PathBuf>,
    /// One JSON object per case, for CI
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct ExplainArgs {
    /// Decide for this account ID instead of a profile's verified account (no network)
    #[arg(long, value_name = "ID")]
    account: Option<String>,
    /// The command to explain
    #[arg(last = true, required = true, value_name = "COMMAND")]
    command: Vec<OsString>,
}

#[derive(Debug, Args)]
struct ProtectArgs {
    /// The profiles to protect
    #[arg(value_name = "PROFILE", conflicts_with = "all_protected", add = ArgValueCandidates::new(completions::profiles))]
    profiles: Vec<String>,
    /// Every profile whose account (sso_account_id, or role_arn's) the policy protects
    #[arg(long)]
    all_protected: bool,
    /// Put the profiles back as they were before guard protect
    #[arg(long)]
    undo: bool,
}

#[derive(Debug, Args)]
struct CredentialProcessArgs {
    /// Decide the command that asked for the credentials (the AWS CLI's `aws s3 rb ...`,
    /// terraform above its provider) as a run would, instead of the export; see `guard protect`
    #[arg(long)]
    caller: bool,
}

#[derive(Debug, Args)]
struct CheckArgs {
    #[arg(value_name = "FILE")]
    files: Vec<std::path::PathBuf>,
}

#[derive(Debug, Args)]
struct TrustArgs {
    /// The file [default: the nearest .guard.toml from here upward]
    #[arg(value_name = "FILE")]
    file: Option<std::path::PathBuf>,
    /// Stop trusting it: it can only tighten protection again
    #[arg(long)]
    revoke: bool,
}

/// Runs guard as a guarded shell's shim when `argv0` names a tool it judges; the exit status.
pub fn shim(argv0: &std::ffi::OsStr) -> Option<u8> {
    commands::shim::tool(argv0).map(commands::shim::main)
}

/// Runs guard; the exit status.
pub fn main() -> u8 {
    completions::answer_if_asked(Cli::command);
    let cli = match parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                exit_codes::ExitCode::Usage.code()
            } else {
                exit_codes::ExitCode::Success.code()
            };
        }
    };
    let (top, server) = (cli.global, cli.server);
    // Each arm names its options, given before and after the subcommand's name.
    let result = match cli.subcommand.map(|Subcommands(sub)| sub) {
        Some(Sub::Login(With { own, global })) => {
            commands::login::run(&top.then(global).options(server), &own)
        }
        Some(Sub::Logout(With { own, global })) => {
            commands::logout::run(&top.then(global).options(server), &own)
        }
        Some(Sub::Policy(PolicyArgs { global, action })) => {
            let top = top.then(global);
            match action {
                PolicyAction::Explain(With { own, global }) => {
                    let options = top.then(global).options(server);
                    if own.account.is_some() && options.profile.is_some() {
                        Err(Failure::usage(
                            "guard policy explain takes --account or -p/--profile, not both",
                        )
                        .into())
                    } else {
                        commands::policy::explain(&options, own.account.as_deref(), &own.command)
                    }
                }
                PolicyAction::Check(With { own, global }) => {
                    commands::policy::check(&top.then(global).options(server), &own.files)
                }
                PolicyAction::Test(With { own, global }) => commands::policy_test::run(
                    &top.then(global).options(server),
                    &own.files,
                    own.json,
                ),
                PolicyAction::Trust(With { own, global }) => commands::policy::trust(
                    &top.then(global).options(server),
                    own.file.as_deref(),
                    own.revoke,
                ),
            }
        }
        Some(Sub::Profiles(With { own, global })) => {
            commands::profiles::run(&top.then(global).options(server), own.json)
        }
        Some(Sub::Whoami(With { own, global })) => {
            commands::whoami::run(&top.then(global).options(server), own.json)
        }
        Some(Sub::Protect(With { own, global })) => commands::protect::run(
            &top.then(global).options(server),
            &own.profiles,
            own.all_protected,
            own.undo,
        ),
        Some(Sub::Populate(With { own, global })) => {
            commands::populate::run(&top.then(global).options(server), &own)
        }
        Some(Sub::Env(With { own, global })) => {
            commands::env::run(&top.then(global).options(server), own.format)
        }
        Some(Sub::CredentialProcess(With { own, global })) => {
            commands::credential_process::run(&top.then(global).options(server), own.caller)
        }
        Some(Sub::Prompt(With { global, .. })) => {
            commands::prompt::run(&top.then(global).options(server))
        }
        Some(Sub::Shell(With { global, .. })) => {
            commands::run::run(&top.then(global).options(server), Vec::new())
                .map(|never| match never {})
        }
        Some(Sub::EksToken(With { own, global })) => {
            commands::eks_token::run(&top.then(global).options(server), &own)
        }
        Some(Sub::Use(With { own, global })) => {
            commands::use_::run(&top.then(global).options(server), &own)
        }
        Some(Sub::Console(With { own, global })) => {
            commands::console::run(&top.then(global).options(server), &own)
        }
        Some(Sub::Setup(With { own, global })) => {
            commands::setup::run(&top.then(global).options(server), &own)
        }
        Some(Sub::Each(EachArgs { own, shared })) => {
            // A -p before `each` is one more of its patterns.
            let options = top.shared.then(shared).options(None, server);
            match commands::each::run(&options, top.profile, own) {
                Ok(status) => return status,
                Err(e) => Err(e),
            }
        }
        Some(Sub::Completions(CompletionsArgs { shell, global })) => {
            completions::run(&top.then(global).options(server), shell)
        }
        Some(Sub::Man(With { global, .. })) => {
            commands::man::run(&top.then(global).options(server), command())
        }
        Some(Sub::Cache(CacheArgs {
            global,
            action: CacheAction::Clear(With { global: last, .. }),
        })) => commands::cache::clear(&top.then(global).then(last).options(server)),
        Some(Sub::Check(With { own, global })) => {
            let options = top.then(global).options(server);
            return match check(&options, own) {
                Ok(code) => code.code(),
                Err(e) => error::report(&e).code(),
            };
        }
        Some(Sub::Hook(HookArgs { global, action })) => {
            let top = top.then(global);
            match action {
                HookAction::ClaudeCode(With { global, .. }) => {
                    return commands::hook::run(
                        &top.then(global).options(server),
                        commands::hook::Agent::ClaudeCode,
                    );
                }
                HookAction::GeminiCli(With { global, .. }) => {
                    return commands::hook::run(
                        &top.then(global).options(server),
                        commands::hook::Agent::GeminiCli,
                    );
                }
                HookAction::Install(With { own, global }) => {
                    commands::hook_install::run(&top.then(global).options(server), &own)
                }
            }
        }
        None => commands::run::run(&top.options(server), cli.command).map(|never| match never {}),
    };
    match result {
        Ok(()) => exit_codes::ExitCode::Success.code(),
        Err(e) => match e.downcast_ref::<output::Closed>() {
            Some(closed) => closed.status.code(),
            None => error::report(&e).code(),
        },
    }
}

/// `guard check`: the question from the command line, then the answer's exit status.
fn check(options: &Options, args: GateCheckArgs) -> anyhow::Result<exit_codes::ExitCode> {
    if args.account.is_some() && options.profile.is_some() {
        return Err(Failure::usage("guard check takes --account or -p/--profile, not both").into());
    }
    let argv = if args.stdin {
        commands::check::read_command_line(std::io::stdin().lock())?
    } else {
        args.command
    };
    let caller = match args.agent {
        Some(name) if name.is_empty() => {
            return Err(Failure::usage("--agent needs the agent's name").into());
        }
        Some(name) => crate::decide::gate::Caller::Agent(name),
        None => crate::decide::gate::Caller::Person,
    };
    let question = commands::check::Question {
        account: args.account,
        offline: args.offline,
        caller,
        argv,
    };
    commands::check::run(options, question, args.json)
}

/// guard's command line as `--help` and the manual show it: with the exit codes.
fn command() -> clap::Command {
    Cli::command().after_help(exit_codes::ExitCode::help())
}

/// The command line, parsed. clap's tables are not freed: guard execs or exits right after, and
/// freeing them cost a seventh of a warm run's instructions.
fn parse() -> Result<Cli, clap::Error> {
    parse_from(std::env::args_os)
}

/// guard's command line without its subcommands.
fn top_level() -> clap::Command {
    BARE.set(true);
    let cmd = Cli::command();
    BARE.set(false);
    cmd
}

/// The command line `args` gives, parsed first with the top level and only the subcommands it
/// names: clap makes every subcommand it is given on each parse (21 of them, past its first 16
/// places), and it takes a word for a subcommand only by its name, so the others cannot change
/// the reading. Help, the version and errors come from the whole command line, with every
/// subcommand and its description; the exit codes are written out only for `--help`, the one
/// answer that shows them.
fn parse_from<I>(args: impl Fn() -> I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = OsString>,
{
    let mut cmd = top_level();
    for word in args().into_iter().skip(1) {
        if let Some(name) = word.to_str()
            && cmd.find_subcommand(name).is_none()
            && let Some(sub) = parsing_subcommand(name)
        {
            cmd = cmd.subcommand(sub);
        }
    }
    if let Ok(matches) = ManuallyDrop::new(cmd).try_get_matches_from_mut(args()) {
        return Cli::from_arg_matches_mut(&mut ManuallyDrop::new(matches));
    }
    let mut whole = ManuallyDrop::new(Cli::command());
    let mut matches = match whole.try_get_matches_from_mut(args()) {
        Ok(matches) => ManuallyDrop::new(matches),
        Err(e) if e.kind() == clap::error::ErrorKind::DisplayHelp => {
            return command().try_get_matches_from(args()).and(Err(e));
        }
        Err(e) => return Err(e),
    };
    Cli::from_arg_matches_mut(&mut matches)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_lists_the_exit_codes() {
        let help = command().render_long_help().to_string();
        assert!(help.contains(&exit_codes::ExitCode::help()), "{help}");
    }

    fn options_of(args: &[&str]) -> Options {
        let cli = Cli::try_parse_from(args).unwrap();
        let top = cli.global;
        match cli.subcommand.map(|Subcommands(sub)| sub) {
            Some(Sub::Env(With { global, .. })) => top.then(global).options(cli.server),
            Some(Sub::Cache(CacheArgs {
                global,
                action: CacheAction::Clear(With { global: last, .. }),
            })) => top.then(global).then(last).options(cli.server),
            None => top.options(cli.server),
            Some(other) => panic!("{other:?}"),
        }
    }

    #[test]
    fn options_before_and_after_the_subcommand() {
        let options = options_of(&["guard", "-p", "a", "--fresh", "env", "-p", "b", "-q"]);
        assert_eq!(options.profile.as_deref(), Some("b"));
        assert!(options.quiet && options.cache_use.fresh && !options.cache_use.verify);
        assert_eq!(options.cache_use.min_ttl, time::Duration::minutes(10));
        let options = options_of(&[
            "guard",
            "--min-ttl",
            "1h",
            "cache",
            "-r",
            "eu-west-1",
            "clear",
            "-p",
            "c",
        ]);
        assert_eq!(options.profile.as_deref(), Some("c"));
        assert_eq!(options.region.as_deref(), Some("eu-west-1"));
        assert_eq!(options.cache_use.min_ttl, time::Duration::hours(1));
        let options = options_of(&["guard", "-p", "a", "--", "env", "-p", "b"]);
        assert_eq!(options.profile.as_deref(), Some("a"));
        // --server is the run's own, not a subcommand's.
        assert!(Cli::try_parse_from(["guard", "env", "--server"]).is_err());
    }

    /// Each subcommand `parse` adds has the arguments, groups and subcommands of `Sub`'s own (all
    /// but the help flag, whose text follows the descriptions).
    #[test]
    fn parsing_subcommands_are_subs() {
        fn shape(cmd: &clap::Command) -> String {
            let mut out = format!(
                "{} required={} else_help={}\n",
                cmd.get_name(),
                cmd.is_subcommand_required_set(),
                cmd.is_arg_required_else_help_set()
            );
            for arg in cmd.get_arguments().filter(|arg| arg.get_id() != "help") {
                out += &format!("{arg:?}\n");
            }
            for group in cmd.get_groups() {
                out += &format!("{group:?}\n");
            }
            for sub in cmd.get_subcommands() {
                out += &shape(sub);
            }
            out
        }
        let mut whole = Cli::command();
        whole.build();
        assert_eq!(whole.get_subcommands().count(), 21);
        for sub in whole.get_subcommands() {
            let name = sub.get_name();
            let parsing = parsing_subcommand(name).unwrap_or_else(|| panic!("{name}"));
            let mut parsing = top_level().subcommand(parsing);
            parsing.build();
            let parsing = parsing.find_subcommand(name).unwrap();
            let (whole, parsing) = (shape(sub), shape(parsing));
            let differs = whole.lines().zip(parsing.lines()).find(|(a, b)| a != b);
            assert_eq!(differs, None, "{name}");
            assert_eq!(whole.lines().count(), parsing.lines().count(), "{name}");
        }
        assert!(parsing_subcommand("help").is_none());
    }

    /// `parse` with the top level and the subcommands the line names reads each line as the
    /// whole command line does, errors included.
    #[test]
    fn the_named_subcommands_read_as_the_whole_command_line() {
        for line in [
            "guard env -q -p sandbox",
            "guard -q -p sandbox -- true",
            "guard -q -p sandbox true",
            "guard -p env -- env",
            "guard -p env env",
            "guard -penv env -p x",
            "guard --profile=env env",
            "guard -p a ls -la env",
            "guard --fresh env --format json -p b",
            "guard env env",
            "guard env --format fish",
            "guard cache -r eu-west-1 clear -p c",
            "guard cache clear cache",
            "guard policy explain -- aws s3 ls",
            "guard policy check",
            "guard policy test cases.toml --json",
            "guard policy",
            "guard hook claude-code",
            "guard hook install claude-code",
            "guard each -p x -- true",
            "guard -p y each -- true",
            "guard completions bash",
            "guard completions nosuchshell",
            "guard check --stdin",
            "guard check -- terraform destroy",
            "guard check",
            "guard credential-process -p x --caller",
            "guard profiles --json",
            "guard whoami --json",
            "guard shell",
            "guard prompt",
            "guard man",
            "guard use x",
            "guard login",
            "guard logout",
            "guard populate",
            "guard protect a b --undo",
            "guard console --print",
            "guard eks-token --cluster c",
            "guard setup",
            "guard --server -p x -- true",
            "guard env --server",
            "guard evn",
            "guard --no-such-option",
            "guard env --no-such-option",
            "guard -V",
            "guard",
        ] {
            let args = || line.split(' ').map(OsString::from).collect::<Vec<_>>();
            let named = parse_from(args);
            let whole = Cli::try_parse_from(args());
            match (named, whole) {
                (Ok(named), Ok(whole)) => {
                    assert_eq!(format!("{named:?}"), format!("{whole:?}"), "{line}");
                }
                (Err(named), Err(whole)) => assert_eq!(named.kind(), whole.kind(), "{line}"),
                (named, whole) => panic!("{line}: {named:?} / {whole:?}"),
            }
        }
    }

    #[test]
    fn durations() {
        assert_eq!(
            crate::options::parse_duration("600"),
            Ok(time::Duration::minutes(10))
        );
        assert_eq!(
            crate::options::parse_duration("90s"),
            Ok(time::Duration::seconds(90))
        );
        assert_eq!(
            crate::options::parse_duration("10m"),
            Ok(time::Duration::minutes(10))
        );
        assert_eq!(
            crate::options::parse_duration("1h"),
            Ok(time::Duration::hours(1))
        );
        for bad in [
            "",
            "m",
            "10 m",
            "-5m",
            "1d",
            "1.5h",
            "99999999999999999999h",
        ] {
            assert!(crate::options::parse_duration(bad).is_err(), "{bad}");
        }
    }

    /// The manual page is rendered from this command line.
    #[test]
    fn every_subcommand_has_a_section() {
        /// Every subcommand a person can call, at any depth, with the path that calls it.
        fn visible(cmd: &clap::Command, path: &str, names: &mut Vec<String>) {
            for sub in cmd.get_subcommands().filter(|sub| !sub.is_hide_set()) {
                let name = format!("{path} {}", sub.get_name());
                names.push(name.clone());
                visible(sub, &name, names);
            }
        }
        // Built first: clap fills in a subcommand's own subcommands only then.
        let mut cmd = command();
        cmd.build();
        let mut names = Vec::new();
        visible(&cmd, "guard", &mut names);
        assert!(
            names.iter().any(|name| name == "guard policy explain"),
            "{names:?}"
        );
        let page = commands::man::render(command()).unwrap();
        for name in names {
            assert!(
                page.contains(&format!(".SS \"{name}\"")) || page.contains(&format!(".SS {name}")),
                "{name}"
            );
        }
        assert!(page.contains(".SH \"EXIT STATUS\"") || page.contains(".SH EXIT STATUS"));
    }
}
