//! `aws`, CLI v1 and v2: finds the service and operation the way the CLI's argparse does.
//!
//! Global options may stand anywhere, as `--opt value` or `--opt=value`, and argparse
//! accepts any unique prefix of them (`--reg` is `--region`, `--p` is `--profile`).

use super::scope::{self, EnvValue, Scope, Word};
use super::verdict::Verdict;
use super::{FileText, Probe, Severity, aws_alias, aws_ops, aws_s3, paths, program};

struct Global {
    name: &'static str,
    takes_value: bool,
}

const fn global(name: &'static str, takes_value: bool) -> Global {
    Global { name, takes_value }
}

/// v1 and v2 global options together: a prefix is resolved against all of them, which at
/// worst calls an option ambiguous that one CLI version would accept.
const GLOBALS: &[Global] = &[
    global("endpoint-url", true),
    global("output", true),
    global("query", true),
    global("profile", true),
    global("region", true),
    global("ca-bundle", true),
    global("cli-read-timeout", true),
    global("cli-connect-timeout", true),
    global("color", true),
    global("cli-binary-format", true),
    global("cli-error-format", true),
    global("debug", false),
    global("no-verify-ssl", false),
    global("no-paginate", false),
    global("no-sign-request", false),
    global("version", false),
    global("no-cli-pager", false),
    global("cli-auto-prompt", false),
    global("no-cli-auto-prompt", false),
];

/// The command line with global options taken out.
#[derive(Debug, Default, PartialEq, Eq)]
struct Parsed<'a> {
    service: Option<&'a str>,
    operation: Option<&'a str>,
    /// The words after the operation that are not global options, in order.
    rest: Vec<&'a str>,
    profile: Option<&'a str>,
    version: bool,
    no_cli_pager: bool,
    /// CLI v2 would prompt for the command before running it.
    auto_prompt: bool,
    /// `--debug`: every request is logged, parameters included.
    debug: bool,
    /// `--endpoint-url`: requests go where the line says.
    endpoint_url: bool,
}

pub(crate) fn classify(args: &[String], scope: &Scope) -> Verdict {
    let mut parsed = match parse(args) {
        Ok(parsed) => parsed,
        Err(verdict) => return verdict,
    };
    if !args.iter().any(|arg| arg == "--no-cli-auto-prompt") {
        parsed.auto_prompt |= match scope.var("AWS_CLI_AUTO_PROMPT") {
            Some(EnvValue::Known(mode)) => mode.eq_ignore_ascii_case("on"),
            Some(EnvValue::Dynamic) => true,
            None => false,
        };
    }
    let credential = parsed.profile.map(|profile| format!("--profile {profile}"));
    unseen_programs(judge(&parsed, scope), &parsed, scope).with_credential(credential)
}

fn judge(parsed: &Parsed, scope: &Scope) -> Verdict {
    // A word guard cannot place, before or after a command that takes none.
    let extra = |path: &[&str]| {
        parsed.rest.first().map(|word| {
            Verdict::of(
                Severity::Unknown,
                "aws",
                path,
                &format!(
                    "{} is not a word this command takes; guard does not know what it does",
                    scope::shown(word)
                ),
            )
        })
    };
    let Some(service) = parsed.service else {
        if let Some(verdict) = extra(&[]) {
            return verdict;
        }
        return if parsed.version {
            Verdict::of(Severity::Read, "aws --version", &[], "prints the version")
        } else {
            Verdict::of(Severity::Unknown, "aws", &[], "no command given")
        };
    };
    if scope::is_dynamic(service) {
        return Verdict::of(
            Severity::Unknown,
            "aws",
            &[scope::shown(service)],
            "the command comes from an expansion or from input; guard cannot see it",
        );
    }
    // An alias replaces even a built-in command of the same name.
    match aws_alias::lookup(scope, service) {
        aws_alias::Lookup::NotAnAlias => {}
        aws_alias::Lookup::Alias => {
            return Verdict::of(
                Severity::Unknown,
                "aws",
                &[service],
                "an alias from ~/.aws/cli/alias; guard cannot see what it runs",
            );
        }
        aws_alias::Lookup::Unknowable(why) => {
            return Verdict::of(Severity::Unknown, "aws", &[service], &why);
        }
    }
    if service == "help" {
        // `aws help TOPIC` (`config-vars`, `topics`) shows a topic's page.
        let topic = parsed.operation.filter(|topic| !is_name(topic));
        if let Some(verdict) =
            topic.map_or_else(|| extra(&[service]), |word| extra_word(service, word))
        {
            return verdict;
        }
        return help(&[service], scope);
    }
    if !is_name(service) {
        return Verdict::of(Severity::Unknown, "aws", &[service], "not a command name");
    }
    if service == "configure" {
        return aws_ops::configure(parsed.operation, &parsed.rest);
    }
    let Some(operation) = parsed.operation else {
        return Verdict::of(Severity::Unknown, "aws", &[service], "no operation given");
    };
    if scope::is_dynamic(operation) {
        return Verdict::of(
            Severity::Unknown,
            "aws",
            &[service, scope::shown(operation)],
            "the operation comes from an expansion or from input; guard cannot see it",
        );
    }
    match aws_alias::lookup_operation(scope, service, operation) {
        aws_alias::Lookup::NotAnAlias => {}
        aws_alias::Lookup::Alias => {
            return Verdict::of(
                Severity::Unknown,
                "aws",
                &[service, operation],
                &format!(
                    "an alias from the [command {service}] section of ~/.aws/cli/alias (CLI v2); guard cannot see what it runs"
                ),
            );
        }
        aws_alias::Lookup::Unknowable(why) => {
            return Verdict::of(Severity::Unknown, "aws", &[service, operation], &why);
        }
    }
    let path = [service, operation];
    if operation == "help" {
        if let Some(verdict) = extra(&path) {
            return verdict;
        }
        return help(&path, scope);
    }
    if parsed.rest == ["help"] {
        return help(&path, scope);
    }
    if !is_name(operation) {
        return Verdict::of(Severity::Unknown, "aws", &path, "not an operation name");
    }
    if service == "s3" {
        return s3(operation, &parsed.rest, scope);
    }
    aws_ops::classify(&aws_ops::Call {
        service,
        operation,
        rest: &parsed.rest,
        debug: parsed.debug,
        // `AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_<SERVICE>` send the requests there too.
        endpoint_url: parsed.endpoint_url || scope.assigned_prefixed("AWS_ENDPOINT_URL").is_some(),
        scope,
    })
}

fn extra_word(service: &str, word: &str) -> Option<Verdict> {
    Some(Verdict::of(
        Severity::Unknown,
        "aws",
        &[service],
        &format!(
            "{} is not a word this command takes; guard does not know what it does",
            scope::shown(word)
        ),
    ))
}

/// `aws s3 ...`: the first `--` goes to the CLI's top-level parser in CLI v1 (so the words
/// after it are options again), while newer argparse keeps them positional (`aws s3 mv
/// --recursive -- s3://prod/ --dryrun` moves the bucket into a folder named `--dryrun`):
/// judged without it, and never lowered to read past it.
fn s3(command: &str, rest: &[&str], scope: &Scope) -> Verdict {
    let Some(end) = rest.iter().position(|arg| *arg == "--") else {
        return aws_s3::classify(command, rest, scope);
    };
    let joined: Vec<&str> = rest[..end]
        .iter()
        .chain(&rest[end + 1..])
        .copied()
        .collect();
    let verdict = aws_s3::classify(command, &joined, scope);
    if verdict.severity == Severity::Read || !verdict.flags.is_empty() {
        return Verdict::of(
            Severity::Unknown,
            "aws",
            &["s3", command],
            "-- ends the options, and the CLI's parsers (argparse, which differs between Python versions) read the words after it differently: guard does not judge them",
        );
    }
    verdict
}

/// `aws help` pipes the page through `$MANPAGER` or `$PAGER` (awscli/help.py), a program
/// the environment names; the usual pagers are trusted.
fn help(path: &[&str], scope: &Scope) -> Verdict {
    for var in ["MANPAGER", "PAGER"] {
        let pager = match scope.var(var) {
            None => continue,
            Some(EnvValue::Known(value)) => value,
            Some(EnvValue::Dynamic) => String::new(),
        };
        if !is_plain_pager(&pager) {
            return Verdict::of(
                Severity::Unknown,
                "aws",
                path,
                &format!("shows help through {var}, a program guard cannot see"),
            );
        }
        // MANPAGER wins over PAGER.
        break;
    }
    Verdict::of(Severity::Read, "aws", path, "shows help")
}

/// The usual pagers with options only: they run nothing else.
pub(crate) fn is_plain_pager(pager: &str) -> bool {
    let mut words = pager.split_whitespace();
    words.next().is_some_and(|program| {
        matches!(
            &*program::base_name(program),
            "less" | "more" | "most" | "cat"
        )
    }) && words.all(|word| word.starts_with('-'))
}

/// What the CLI would run or load besides the command itself, when guard cannot see it: the
/// service models under `AWS_DATA_PATH` (a model says what an operation calls), and CLI v2's
/// output pager, `AWS_PAGER` else `cli_pager` else `PAGER` (awscli's `cli_pager` config chain),
/// which it starts on every output to a terminal unless `--no-cli-pager`.
fn unseen_programs(verdict: Verdict, parsed: &Parsed, scope: &Scope) -> Verdict {
    if verdict.severity >= Severity::Unknown {
        return verdict;
    }
    let path: Vec<&str> = verdict.command.iter().map(String::as_str).collect();
    if parsed.auto_prompt {
        return Verdict::of(
            Severity::Unknown,
            "aws",
            &path,
            "the CLI prompts for the command first (auto-prompt); what runs is what is typed there",
        );
    }
    if let Some(value) = scope.var("AWS_DATA_PATH")
        && value != EnvValue::Known(String::new())
    {
        return Verdict::of(
            Severity::Unknown,
            "aws",
            &path,
            "AWS_DATA_PATH is set: the CLI loads service models from there, and a model decides what an operation calls",
        );
    }
    let aws_pager = scope.var("AWS_PAGER");
    if let Some(why) = config_file_code(scope, parsed.no_cli_pager || aws_pager.is_some()) {
        return Verdict::of(Severity::Unknown, "aws", &path, &why);
    }
    // The CLI's history database (written when the config says `cli_history = enabled`),
    // judged by the file's class.
    if let Some(value) = scope.assigned("AWS_CLI_HISTORY_FILE") {
        let word = match value {
            EnvValue::Known(file) => Word {
                text: file.into(),
                dynamic: false,
            },
            EnvValue::Dynamic => Word {
                text: "$AWS_CLI_HISTORY_FILE".into(),
                dynamic: true,
            },
        };
        let judged = paths::write(&word, scope, paths::Write::Edit);
        if !judged.is_ordinary() {
            let what = format!(
                "AWS_CLI_HISTORY_FILE is set: the CLI records its commands in that database; {}",
                judged.reason
            );
            let written = Verdict::of(judged.severity, "aws", &path, &what);
            return verdict.or_worse(written);
        }
    }
    if parsed.no_cli_pager {
        return verdict;
    }
    let pager = aws_pager
        .map(|value| ("AWS_PAGER", value))
        .or_else(|| scope.var("PAGER").map(|value| ("PAGER", value)));
    let Some((var, value)) = pager else {
        return verdict;
    };
    let shown = match &value {
        EnvValue::Known(text) if text.trim().is_empty() || is_plain_pager(text) => {
            return verdict;
        }
        EnvValue::Known(text) => text.as_str(),
        EnvValue::Dynamic => "an expansion",
    };
    Verdict::of(
        Severity::Unknown,
        "aws",
        &path,
        &format!(
            "{var} is set to {shown}: CLI v2 pipes its output through that program, which guard cannot see (--no-cli-pager turns it off)"
        ),
    )
}

/// What a config file named by `AWS_CONFIG_FILE=` on the command line would make the CLI run:
/// a `[plugins]` section (modules the CLI imports; v2 from `cli_legacy_plugin_path`) or a
/// `cli_pager` (unless `pager_decided`: `AWS_PAGER` or `--no-cli-pager` wins over it). The
/// inherited config is the user's own, the one guard itself reads; a missing file is skipped
/// by the CLI too.
///
/// A `HOME` set on the command line moves the config too (`~/.aws/config`, unless an
/// inherited `AWS_CONFIG_FILE` names one elsewhere) and the CLI's own models folder
/// (`~/.aws/models`, searched like `AWS_DATA_PATH`): guard reads the config there as it
/// reads one named by `AWS_CONFIG_FILE`, and a models folder there is unknown.
fn config_file_code(scope: &Scope, pager_decided: bool) -> Option<String> {
    let (path, via) = match scope.assigned("AWS_CONFIG_FILE") {
        Some(EnvValue::Known(path)) => (path, "AWS_CONFIG_FILE names"),
        Some(EnvValue::Dynamic) => {
            return Some(
                "AWS_CONFIG_FILE comes from an expansion: guard cannot read the config, which can load plugins"
                    .to_owned(),
            );
        }
        None => match scope.assigned("HOME")? {
            EnvValue::Dynamic => {
                return Some(
                    "HOME comes from an expansion: guard cannot read the config the CLI reads there, which can load plugins"
                        .to_owned(),
                );
            }
            EnvValue::Known(home) => {
                if let Some(why) = moved_models(&home, scope) {
                    return Some(why);
                }
                let elsewhere = scope
                    .inherited("AWS_CONFIG_FILE")
                    .is_some_and(|file| !file.is_empty() && !file.starts_with('~'));
                if elsewhere {
                    return None;
                }
                (format!("{home}/.aws/config"), "HOME moves the config to")
            }
        },
    };
    let expanded = match (path.strip_prefix("~/"), scope.home()) {
        (None, _) => path.clone(),
        (Some(rest), Some(EnvValue::Known(home))) => format!("{home}/{rest}"),
        (Some(_), _) => String::new(),
    };
    let text = match scope.read_file(&expanded) {
        FileText::Missing if !expanded.is_empty() => return None,
        FileText::Text(text) => text,
        _ => {
            return Some(format!(
                "{via} {path}: guard cannot read it, and a config can load plugins"
            ));
        }
    };
    for line in text.lines() {
        let line = line.trim();
        // configparser's section pattern: `[` up to the last `]`, anything after it ignored
        // (`[plugins] ; comment` is the plugins section).
        if let Some(section) = line
            .strip_prefix('[')
            .and_then(|rest| rest.rfind(']').map(|end| &rest[..end]))
        {
            if section.trim() == "plugins" {
                return Some(format!(
                    "{via} {path}, whose [plugins] the CLI imports, code guard cannot see"
                ));
            }
            continue;
        }
        let Some((key, value)) = line.split_once(['=', ':']) else {
            continue;
        };
        let (key, value) = (key.trim(), value.trim());
        if !pager_decided
            && key.eq_ignore_ascii_case("cli_pager")
            && !value.is_empty()
            && !is_plain_pager(value)
        {
            return Some(format!(
                "{via} {path}, whose cli_pager {value} CLI v2 pipes its output through, a program guard cannot see"
            ));
        }
        // A config of the line's choosing sends guard's signed requests elsewhere (as
        // `--endpoint-url`), or trusts another CA for them; `[services]` sections nest it.
        if ["endpoint_url", "ca_bundle"]
            .iter()
            .any(|setting| key.eq_ignore_ascii_case(setting))
        {
            return Some(format!(
                "{via} {path}, whose {key} sends the CLI's signed requests where that config says (as --endpoint-url or another CA); guard does not follow it"
            ));
        }
        // Any profile's setting counts: which profile the CLI reads is decided elsewhere.
        if key.eq_ignore_ascii_case("cli_auto_prompt")
            && value.to_ascii_lowercase().starts_with("on")
        {
            return Some(format!(
                "{via} {path}, whose cli_auto_prompt makes CLI v2 prompt for the command first; what runs is what is typed there"
            ));
        }
    }
    None
}

/// The CLI's models folder under a `HOME` the command line sets (botocore's loader searches
/// `~/.aws/models` first): a service model there decides what an operation calls.
fn moved_models(home: &str, scope: &Scope) -> Option<String> {
    let folder = format!("{home}/.aws/models");
    let at = match paths::locate(&Word::literal(&folder), scope) {
        paths::Located::At(at) => at,
        paths::Located::Unknown(why) => {
            return Some(format!(
                "HOME moves the CLI's models folder to {folder}, which guard cannot place ({why}): a model there decides what an operation calls"
            ));
        }
    };
    (scope.disk().probe(std::path::Path::new(&at)) != Probe::Missing).then(|| {
        format!(
            "HOME moves the CLI's models folder to {folder}, which exists: the CLI loads service models from there, and a model decides what an operation calls"
        )
    })
}

/// Service and operation names are lowercase words with dashes; anything else would be
/// rejected by the CLI (names are matched exactly, without case folding).
fn is_name(word: &str) -> bool {
    word.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && word
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn parse(args: &[String]) -> Result<Parsed<'_>, Verdict> {
    let mut parsed = Parsed {
        auto_prompt: auto_prompts(args),
        ..Parsed::default()
    };
    let mut only_positionals = false;
    // Options before the operation that are not global: the top-level parser passes them on,
    // and the operation's parser reads them (`aws --dry-run ec2 stop-instances ...`).
    let mut early = Vec::new();
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        i += 1;
        let arg = arg.as_str();
        if !only_positionals && arg == "--" {
            only_positionals = true;
            // Kept for the operation's judge: after it, nothing may lower the verdict.
            if parsed.operation.is_some() {
                parsed.rest.push(arg);
            } else {
                early.push(arg);
            }
            continue;
        }
        if let (false, Some(body)) = (only_positionals, arg.strip_prefix("--")) {
            let (name, attached) = match body.split_once('=') {
                Some((name, value)) => (name, Some(value)),
                None => (body, None),
            };
            match resolve_global(name) {
                Ok(Some(global)) => {
                    let value = if global.takes_value {
                        match attached {
                            Some(value) => Some(value),
                            None => {
                                i += 1;
                                Some(args.get(i - 1).map(String::as_str).ok_or_else(|| {
                                    unknown(format!("aws --{}: needs a value", global.name))
                                })?)
                            }
                        }
                    } else {
                        None
                    };
                    match global.name {
                        "profile" => parsed.profile = value,
                        "version" => parsed.version = true,
                        "no-cli-pager" => parsed.no_cli_pager = true,
                        "debug" => parsed.debug = true,
                        "endpoint-url" => parsed.endpoint_url = true,
                        _ => {}
                    }
                    continue;
                }
                Ok(None) => {}
                Err(()) => {
                    return Err(unknown(format!(
                        "aws --{name}: ambiguous option; the CLI would refuse it"
                    )));
                }
            }
        }
        // An operation option (before the operation, argparse leaves it for later) or a
        // positional word.
        let is_option = !only_positionals && arg.starts_with('-');
        if parsed.operation.is_some() {
            parsed.rest.push(arg);
        } else if is_option {
            early.push(arg);
        } else if parsed.service.is_none() {
            parsed.service = Some(arg);
        } else {
            parsed.operation = Some(arg);
        }
    }
    if !early.is_empty() {
        early.append(&mut parsed.rest);
        parsed.rest = early;
    }
    Ok(parsed)
}

/// CLI v2's auto-prompt (`AutoPromptDriver.resolve_mode`) looks for the exact words
/// `--no-cli-auto-prompt`, then `--cli-auto-prompt`, then the `cli_auto_prompt` setting; the
/// prompt lets the command be edited before it runs. `on-partial` only prompts for an
/// incomplete command, which guard already calls unknown; the setting from the environment
/// is judged where the scope is known.
fn auto_prompts(args: &[String]) -> bool {
    !args.iter().any(|arg| arg == "--no-cli-auto-prompt")
        && args.iter().any(|arg| arg == "--cli-auto-prompt")
}

fn unknown(reason: String) -> Verdict {
    Verdict::new(Severity::Unknown, &[], reason)
}

/// argparse's rule: an exact name wins, else a unique prefix; several prefixes is an error.
fn resolve_global(name: &str) -> Result<Option<&'static Global>, ()> {
    if let Some(exact) = GLOBALS.iter().find(|global| global.name == name) {
        return Ok(Some(exact));
    }
    if name.is_empty() {
        return Ok(None);
    }
    let first = name.as_bytes().first();
    let mut matches = GLOBALS
        .iter()
        .filter(|global| global.name.as_bytes().first() == first && global.name.starts_with(name));
    match (matches.next(), matches.next()) {
        (Some(only), None) => Ok(Some(only)),
        (Some(_), Some(_)) => Err(()),
        (None, _) => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| (*w).to_owned()).collect()
    }

    #[test]
    fn globals_anywhere_and_abbreviated() {
        let args = strings(&[
            "--reg",
            "us-east-1",
            "s3",
            "--p=prod",
            "rb",
            "s3://x",
            "--out",
            "json",
            "--force",
        ]);
        let parsed = parse(&args).expect("valid");
        assert_eq!(parsed.service, Some("s3"));
        assert_eq!(parsed.operation, Some("rb"));
        assert_eq!(parsed.profile, Some("prod"));
        assert_eq!(parsed.rest, ["s3://x", "--force"]);
    }

    #[test]
    fn ambiguous_prefixes_are_refused() {
        assert!(parse(&strings(&["--cli", "x", "s3", "ls"])).is_err());
        assert!(parse(&strings(&["--no-", "s3", "ls"])).is_err());
        assert!(resolve_global("no-cli-p").is_ok_and(|g| g.is_some()));
    }
}
