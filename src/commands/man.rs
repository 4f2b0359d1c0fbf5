//! `guard man`: the manual page, generated from the same clap definitions as `--help`, with a
//! section for each subcommand, the exit statuses, the environment and the files guard uses.
//! `guard man | man -l -` reads it.

use clap_mangen::Man;
use clap_mangen::roff::{Roff, bold, italic, roman};

use crate::options::Options;
use crate::sys::error::Failure;
use crate::sys::exit_codes::ExitCode;
use crate::sys::output::{self, Delivery};

/// The variables a person sets, and what they change (docs/environment.md has them all).
const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "AWS_PROFILE, AWS_DEFAULT_PROFILE, GUARD_PROFILE",
        "The profile, when -p does not name one.",
    ),
    (
        "AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE",
        "Where the AWS config and credentials files are.",
    ),
    (
        "AWS_REGION, AWS_DEFAULT_REGION",
        "The command's region when neither -r nor the profile sets one.",
    ),
    (
        "AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>",
        "Endpoints for STS, IAM, SSO and SSO OIDC.",
    ),
    ("GUARD_QUIET", "Like -q."),
    ("GUARD_CONFIRM", "Like --confirm."),
    (
        "GUARD_POLICY",
        "A policy file layered over the user's and the project's.",
    ),
    ("GUARD_MIN_TTL", "Like --min-ttl."),
    (
        "XDG_CONFIG_HOME, XDG_STATE_HOME, XDG_CACHE_HOME",
        "Where the user's policy, guard's state and the credential cache are.",
    ),
    ("NO_COLOR, CLICOLOR_FORCE", "The banner's colour."),
    ("BROWSER", "The browser for signing in."),
    ("SHELL", "What guard starts when no command is given."),
];

const FILES: &[(&str, &str)] = &[
    (
        "~/.aws/config, ~/.aws/credentials",
        "Profiles and sso-sessions, as the AWS CLI reads them; guard setup and guard populate write the config.",
    ),
    (
        "~/.aws/sso/cache/",
        "The IAM Identity Center token cache guard shares with the AWS CLI and the SDKs.",
    ),
    (
        "~/.config/guard/policy.toml, /etc/guard/policy.toml, .guard.toml",
        "The user's, the system's and a project's policy.",
    ),
    (
        "~/.local/state/guard/",
        "The audit log (audit.jsonl), the trusted project files and the sticky profile (current).",
    ),
    ("~/.cache/guard/", "Cached credentials and account names."),
];

/// `command` is guard's command line, as clap defines it.
pub fn run(options: &Options, command: clap::Command) -> anyhow::Result<()> {
    options.no_profile("man")?;
    let page =
        render(command).map_err(|e| Failure::io(format!("cannot render the manual page: {e}")))?;
    output::stdout(&page, Delivery::Essential)
}

/// The page for `cmd`, in roff.
pub fn render(mut cmd: clap::Command) -> std::io::Result<String> {
    cmd.build();
    let man = Man::new(cmd.clone());
    let mut page = Vec::new();
    // Each piece clap_mangen renders starts with roff's quote preamble: the title keeps it,
    // the other pieces drop it.
    man.render_title(&mut page)?;
    let mut sections = Vec::new();
    man.render_name_section(&mut sections)?;
    man.render_synopsis_section(&mut sections)?;
    man.render_description_section(&mut sections)?;
    man.render_options_section(&mut sections)?;
    page.extend(lines(&sections, |line| !preamble(line)));
    page.extend(Roff::new().control("SH", ["COMMANDS"]).to_roff().bytes());
    // The options every command takes are the top level's; each command repeats them.
    let shared: Vec<clap::Id> = cmd
        .get_arguments()
        .filter(|arg| !arg.is_positional())
        .map(|arg| arg.get_id().clone())
        .collect();
    for sub in cmd.get_subcommands() {
        commands(sub, &shared, &mut page)?;
    }
    page.extend(extra_sections().to_roff().bytes());
    Ok(String::from_utf8_lossy(&page).into_owned())
}

/// One subsection per (sub)subcommand: its name and purpose, how to call it, its own options.
fn commands(cmd: &clap::Command, shared: &[clap::Id], page: &mut Vec<u8>) -> std::io::Result<()> {
    if cmd.is_hide_set() {
        return Ok(());
    }
    let name = cmd.get_bin_name().unwrap_or(cmd.get_name()).to_string();
    let mut title = Roff::new();
    title.control("SS", [name.as_str()]);
    if let Some(about) = cmd.get_long_about().or(cmd.get_about()) {
        title.text([roman(about.to_string())]);
    }
    page.extend(title.to_roff().bytes());
    if cmd.has_subcommands() {
        for sub in cmd.get_subcommands() {
            commands(sub, shared, page)?;
        }
        return Ok(());
    }
    // The shared options are in OPTIONS above; each command shows only its own.
    let is_shared = |arg: &clap::Arg| shared.contains(arg.get_id()) || arg.get_id() == "help";
    let man = Man::new(own_options(cmd, is_shared));
    let mut synopsis = Vec::new();
    man.render_synopsis_section(&mut synopsis)?;
    page.extend(b".PP\n");
    page.extend(lines(&synopsis, |line| !section_line(line)));
    let own = cmd
        .get_arguments()
        .any(|arg| !is_shared(arg) && !arg.is_hide_set());
    if own {
        let mut options = Vec::new();
        man.render_options_section(&mut options)?;
        page.extend(lines(&options, |line| !section_line(line)));
    }
    Ok(())
}

/// The command with the shared options and `--help` hidden.
fn own_options(cmd: &clap::Command, is_shared: impl Fn(&clap::Arg) -> bool) -> clap::Command {
    let shared: Vec<clap::Id> = cmd
        .get_arguments()
        .filter(|arg| is_shared(arg))
        .map(|arg| arg.get_id().clone())
        .collect();
    shared
        .iter()
        .fold(cmd.clone(), |cmd, id| cmd.mut_arg(id, |arg| arg.hide(true)))
}

fn preamble(line: &str) -> bool {
    line.starts_with(".ie \\n(.g .ds Aq") || line.starts_with(".el .ds Aq")
}

/// A section's `.SH` line: a subcommand's pieces sit under its `.SS` instead.
fn section_line(line: &str) -> bool {
    preamble(line) || line.starts_with(".SH")
}

fn lines(roff: &[u8], keep: impl Fn(&str) -> bool) -> Vec<u8> {
    String::from_utf8_lossy(roff)
        .lines()
        .filter(|line| keep(line))
        .flat_map(|line| format!("{line}\n").into_bytes())
        .collect()
}

fn extra_sections() -> Roff {
    let mut roff = Roff::new();
    roff.control("SH", ["EXIT STATUS"]);
    roff.text([roman(
        "When guard runs the command, it replaces itself with it, and the status is the command's own. Otherwise:",
    )]);
    for code in ExitCode::ALL {
        roff.control("TP", []);
        roff.text([bold(code.code().to_string())]);
        roff.text([roman(code.meaning())]);
    }
    roff.control("SH", ["ENVIRONMENT"]);
    for (names, meaning) in ENVIRONMENT {
        roff.control("TP", []);
        roff.text([bold(*names)]);
        roff.text([roman(*meaning)]);
    }
    roff.control("SH", ["FILES"]);
    for (paths, meaning) in FILES {
        roff.control("TP", []);
        roff.text([italic(*paths)]);
        roff.text([roman(*meaning)]);
    }
    roff.control("SH", ["SEE ALSO"]);
    roff.text([
        bold("aws"),
        roman("(1); the reference in the docs/ folder of guard's source: docs/usage.md, docs/policy.md, docs/sign-in.md, docs/environment.md."),
    ]);
    roff
}
