//! Programs that run another command: guard classifies the command they run.

use std::borrow::Cow;

use super::Severity;
use super::getopt::{self, Arg, Name, Parsed, Spec};
use super::scope::{self, CREDENTIAL_VARS, EnvValue, Word};
use super::shell;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wrapper {
    Env,
    Sudo,
    Command,
    Builtin,
    Exec,
    Time,
    Nice,
    Nohup,
    Timeout,
    Stdbuf,
    Xargs,
    Npx,
    Watch,
}

pub(crate) enum Unwrap<'w> {
    /// The wrapper runs this command.
    Run(Inner<'w>),
    /// The wrapper runs no command (`env` alone, `command -v x`, a bad option, ...).
    Done { severity: Severity, what: String },
}

pub(crate) struct Inner<'w> {
    pub words: Cow<'w, [Word<'w>]>,
    pub assignments: Vec<(String, EnvValue)>,
    /// Why the command would not get guard's credentials.
    pub credential_change: Option<String>,
    /// The wrapper appends arguments guard cannot see.
    pub appends_args: bool,
}

impl<'w> Inner<'w> {
    fn of(words: &'w [Word<'w>]) -> Inner<'w> {
        Inner {
            words: Cow::Borrowed(words),
            assignments: Vec::new(),
            credential_change: None,
            appends_args: false,
        }
    }
}

fn done<'w>(severity: Severity, what: &str) -> Unwrap<'w> {
    Unwrap::Done {
        severity,
        what: what.to_owned(),
    }
}

/// The command the wrapper runs, or why it runs none.
pub(crate) fn unwrap<'w>(wrapper: Wrapper, args: &'w [Word<'w>]) -> Unwrap<'w> {
    let args = match wrapper {
        Wrapper::Nice => skip_obsolete_adjustment(args),
        _ => args,
    };
    let parsed = match getopt::parse(args, spec(wrapper)) {
        Ok(parsed) => parsed,
        Err(error) => {
            return Unwrap::Done {
                severity: Severity::Unknown,
                what: error.describe(),
            };
        }
    };
    if parsed.has_long("help") || parsed.has_long("version") {
        return done(Severity::Read, "prints help or its version");
    }
    let operands = args.get(parsed.operands..).unwrap_or(&[]);
    match wrapper {
        Wrapper::Env => env(&parsed, operands),
        Wrapper::Sudo => sudo(&parsed, operands),
        Wrapper::Command if parsed.has_short('v') || parsed.has_short('V') => {
            done(Severity::Read, "only describes a command")
        }
        Wrapper::Timeout => match operands.split_first() {
            // The first operand is the duration.
            Some((_, command)) => run(command),
            None => done(Severity::Read, "runs no command"),
        },
        Wrapper::Xargs if operands.is_empty() => done(Severity::Read, "only echoes its input"),
        Wrapper::Xargs => xargs(&parsed, operands),
        // bash's `exec -c` runs the command with an empty environment.
        Wrapper::Exec if parsed.has_short('c') && !operands.is_empty() => Unwrap::Run(Inner {
            credential_change: Some(
                "exec -c: the command would run without guard's credentials".to_owned(),
            ),
            ..Inner::of(operands)
        }),
        Wrapper::Npx => npx(&parsed, operands),
        Wrapper::Watch => watch(&parsed, operands),
        _ => run(operands),
    }
}

/// `nice -5 cmd`, `nice --5 cmd`, `nice -+5 cmd`: the pre-POSIX adjustment form.
fn skip_obsolete_adjustment<'w>(args: &'w [Word<'w>]) -> &'w [Word<'w>] {
    match args.split_first() {
        Some((first, rest)) if is_obsolete_adjustment(&first.text) => rest,
        _ => args,
    }
}

fn is_obsolete_adjustment(text: &str) -> bool {
    let Some(number) = text.strip_prefix('-') else {
        return false;
    };
    let number = number
        .strip_prefix('-')
        .or_else(|| number.strip_prefix('+'))
        .unwrap_or(number);
    !number.is_empty() && number.chars().all(|c| c.is_ascii_digit())
}

fn run<'w>(command: &'w [Word<'w>]) -> Unwrap<'w> {
    if command.is_empty() {
        return done(Severity::Read, "runs no command");
    }
    Unwrap::Run(Inner::of(command))
}

/// Leading `NAME=value` operands (env and sudo set them for the command).
fn split_assignments<'w>(operands: &'w [Word<'w>]) -> (Vec<(String, EnvValue)>, &'w [Word<'w>]) {
    let mut assignments = Vec::new();
    let mut rest = operands;
    while let Some((name, value)) = rest.first().and_then(scope::assignment) {
        assignments.push((name, value));
        rest = &rest[1..];
    }
    (assignments, rest)
}

fn env<'w>(parsed: &Parsed<'w>, operands: &'w [Word<'w>]) -> Unwrap<'w> {
    let mut credential_change = None;
    let mut split = None;
    let mut cleared = false;
    for opt in &parsed.opts {
        if opt.is('i', "ignore-environment") {
            cleared = true;
            credential_change.get_or_insert_with(|| {
                "env -i: the command would run without guard's credentials".to_owned()
            });
        } else if opt.is('u', "unset") {
            let name = opt.value.unwrap_or_default();
            if CREDENTIAL_VARS.contains(&name) {
                credential_change.get_or_insert_with(|| {
                    format!("env -u {name}: the command would run without guard's credentials")
                });
            }
        } else if opt.is('S', "split-string") {
            split = opt.value;
        }
    }
    let mut operands = operands;
    if operands.first().is_some_and(|word| word.text == "-") {
        cleared = true;
        credential_change.get_or_insert_with(|| {
            "env -: the command would run without guard's credentials".to_owned()
        });
        operands = &operands[1..];
    }
    if let Some(string) = split {
        // `-S` splits its string into arguments that env then parses again, options and all.
        let Some(mut words) = shell::split_words(string) else {
            return done(Severity::Unknown, "-S string could not be split by guard");
        };
        let mut again = vec![Word::literal("env")];
        again.append(&mut words);
        again.extend_from_slice(operands);
        return Unwrap::Run(Inner {
            words: Cow::Owned(again),
            assignments: Vec::new(),
            credential_change,
            appends_args: false,
        });
    }
    let (assignments, command) = split_assignments(operands);
    if command.is_empty() {
        // Unless cleared (-i) the environment it prints holds guard's credentials.
        return if cleared {
            done(Severity::Read, "prints the environment")
        } else {
            done(
                Severity::Export,
                "prints the environment's credentials (the ones guard injects); what reads them is not checked",
            )
        };
    }
    Unwrap::Run(Inner {
        words: Cow::Borrowed(command),
        assignments,
        credential_change,
        appends_args: false,
    })
}

fn sudo<'w>(parsed: &Parsed<'w>, operands: &'w [Word<'w>]) -> Unwrap<'w> {
    if parsed.has('l', "list") {
        return done(Severity::Read, "lists privileges");
    }
    if parsed.has('e', "edit") {
        return done(
            Severity::Unknown,
            "-e runs the editor named by SUDO_EDITOR, VISUAL or EDITOR; guard cannot see it",
        );
    }
    // `-h` alone is help; `-hHOST` and `--host` name a host.
    let help = parsed
        .opts
        .iter()
        .any(|opt| opt.name == Name::Short('h') && opt.value.is_none());
    if help || parsed.has_short('V') {
        return done(Severity::Read, "prints help or its version");
    }
    let (assignments, command) = split_assignments(operands);
    if command.is_empty() {
        return if parsed.has('s', "shell") || parsed.has('i', "login") {
            done(
                Severity::Unknown,
                "starts an interactive shell guard cannot follow",
            )
        } else {
            done(Severity::Read, "runs no command")
        };
    }
    // sudo resets the environment unless told to keep it, so the credentials guard
    // injects would be gone and the command would find others (root's ~/.aws, ...).
    let keeps_env = parsed.opts.iter().any(|opt| {
        opt.is('E', "preserve-env")
            && opt
                .value
                .is_none_or(|list| list.split(',').any(|name| name == "AWS_ACCESS_KEY_ID"))
    });
    let credential_change = (!keeps_env)
        .then(|| "sudo without -E: the command would run without guard's credentials".to_owned());
    Unwrap::Run(Inner {
        words: Cow::Borrowed(command),
        assignments,
        credential_change,
        appends_args: false,
    })
}

/// xargs appends its input to the command; with `-I`/`-i`/`--replace` it substitutes it
/// for the replace string wherever that appears, so those words are unknown too.
fn xargs<'w>(parsed: &Parsed<'w>, operands: &'w [Word<'w>]) -> Unwrap<'w> {
    let replace = parsed.opts.iter().find_map(|opt| {
        if opt.is('I', "replace") || opt.is('i', "replace") {
            Some(opt.value.filter(|value| !value.is_empty()).unwrap_or("{}"))
        } else {
            None
        }
    });
    let mut inner = Inner::of(operands);
    inner.appends_args = true;
    if let Some(replace) = replace {
        let words = operands
            .iter()
            .map(|word| Word {
                text: word.text.clone(),
                dynamic: word.dynamic || word.text.contains(replace),
            })
            .collect();
        inner.words = Cow::Owned(words);
    }
    Unwrap::Run(inner)
}

/// procps `watch`: without `-x` it runs its operands joined by spaces with `sh -c`.
fn watch<'w>(parsed: &Parsed<'w>, operands: &'w [Word<'w>]) -> Unwrap<'w> {
    if operands.is_empty() {
        return done(Severity::Read, "runs no command");
    }
    if parsed.has('x', "exec") {
        return run(operands);
    }
    let joined = operands
        .iter()
        .map(|word| &*word.text)
        .collect::<Vec<_>>()
        .join(" ");
    let words = vec![
        Word::literal("sh"),
        Word::literal("-c"),
        Word {
            text: Cow::Owned(joined),
            dynamic: false,
        },
    ];
    Unwrap::Run(Inner {
        words: Cow::Owned(words),
        ..Inner::of(&[])
    })
}

/// npm packages and the tool bin they provide.
const KNOWN_PACKAGES: &[(&str, &str)] = &[("aws-cdk", "cdk")];

fn npx<'w>(parsed: &Parsed<'w>, operands: &'w [Word<'w>]) -> Unwrap<'w> {
    // The command is then a bin of that package, whatever its name says: only the packages
    // known to provide the tool of that name are followed.
    let packages: Vec<&str> = parsed
        .opts
        .iter()
        .filter(|opt| opt.is('p', "package"))
        .map(|opt| opt.value.unwrap_or_default())
        .collect();
    let command = operands.first().map(|word| &*word.text);
    let known = packages.iter().all(|package| {
        let name = match package.rfind('@') {
            Some(at) if at > 0 => &package[..at],
            _ => package,
        };
        KNOWN_PACKAGES.contains(&(name, command.unwrap_or_default()))
    });
    if !known {
        return done(
            Severity::Unknown,
            "runs a bin from the package given with --package; guard cannot see what it is",
        );
    }
    if let Some(string) = parsed
        .opts
        .iter()
        .find(|opt| opt.is('c', "call"))
        .and_then(|opt| opt.value)
    {
        let words = ["sh", "-c", string].map(Word::literal).to_vec();
        return Unwrap::Run(Inner {
            words: Cow::Owned(words),
            ..Inner::of(&[])
        });
    }
    let Some((package, args)) = operands.split_first() else {
        return done(Severity::Read, "runs no command");
    };
    // `aws-cdk@2` names the package and its version; the version does not matter here.
    let name = match package.text.rfind('@') {
        Some(at) if at > 0 => &package.text[..at],
        _ => &*package.text,
    };
    let mut words = vec![Word {
        text: Cow::Borrowed(name),
        dynamic: package.dynamic,
    }];
    words.extend_from_slice(args);
    Unwrap::Run(Inner {
        words: Cow::Owned(words),
        ..Inner::of(&[])
    })
}

fn spec(wrapper: Wrapper) -> &'static Spec {
    const NONE: Spec = Spec {
        flags: "",
        with_arg: "",
        optional_arg: "",
        long: &[],
    };
    const HELP: &[(&str, Arg)] = &[("help", Arg::None), ("version", Arg::None)];
    const ENV: Spec = Spec {
        flags: "iv0",
        with_arg: "uCSa",
        optional_arg: "",
        long: &[
            ("ignore-environment", Arg::None),
            ("null", Arg::None),
            ("unset", Arg::Required),
            ("chdir", Arg::Required),
            ("split-string", Arg::Required),
            ("argv0", Arg::Required),
            ("debug", Arg::None),
            ("block-signal", Arg::Optional),
            ("default-signal", Arg::Optional),
            ("ignore-signal", Arg::Optional),
            ("list-signal-handling", Arg::None),
            ("help", Arg::None),
            ("version", Arg::None),
        ],
    };
    const SUDO: Spec = Spec {
        flags: "AbBEeHiKklNnPSsVv",
        with_arg: "aCcDgpRrTtUu",
        optional_arg: "h",
        long: &[
            ("askpass", Arg::None),
            ("auth-type", Arg::Required),
            ("background", Arg::None),
            ("bell", Arg::None),
            ("close-from", Arg::Required),
            ("chdir", Arg::Required),
            ("chroot", Arg::Required),
            ("command-timeout", Arg::Required),
            ("edit", Arg::None),
            ("group", Arg::Required),
            ("help", Arg::None),
            ("host", Arg::Required),
            ("list", Arg::None),
            ("login", Arg::None),
            ("login-class", Arg::Required),
            ("non-interactive", Arg::None),
            ("other-user", Arg::Required),
            ("preserve-env", Arg::Optional),
            ("preserve-groups", Arg::None),
            ("prompt", Arg::Required),
            ("remove-timestamp", Arg::None),
            ("reset-timestamp", Arg::None),
            ("role", Arg::Required),
            ("set-home", Arg::None),
            ("shell", Arg::None),
            ("stdin", Arg::None),
            ("type", Arg::Required),
            ("user", Arg::Required),
            ("validate", Arg::None),
            ("version", Arg::None),
        ],
    };
    const COMMAND: Spec = Spec {
        flags: "pvV",
        ..NONE
    };
    const EXEC: Spec = Spec {
        flags: "cl",
        with_arg: "a",
        ..NONE
    };
    const TIME: Spec = Spec {
        flags: "apqvV",
        with_arg: "fo",
        optional_arg: "",
        long: &[
            ("append", Arg::None),
            ("format", Arg::Required),
            ("output", Arg::Required),
            ("portability", Arg::None),
            ("quiet", Arg::None),
            ("verbose", Arg::None),
            ("help", Arg::None),
            ("version", Arg::None),
        ],
    };
    const NICE: Spec = Spec {
        flags: "",
        with_arg: "n",
        optional_arg: "",
        long: &[
            ("adjustment", Arg::Required),
            ("help", Arg::None),
            ("version", Arg::None),
        ],
    };
    const NOHUP: Spec = Spec { long: HELP, ..NONE };
    const TIMEOUT: Spec = Spec {
        flags: "fpv",
        with_arg: "ks",
        optional_arg: "",
        long: &[
            ("foreground", Arg::None),
            ("kill-after", Arg::Required),
            ("preserve-status", Arg::None),
            ("signal", Arg::Required),
            ("verbose", Arg::None),
            ("help", Arg::None),
            ("version", Arg::None),
        ],
    };
    const STDBUF: Spec = Spec {
        flags: "",
        with_arg: "ioe",
        optional_arg: "",
        long: &[
            ("input", Arg::Required),
            ("output", Arg::Required),
            ("error", Arg::Required),
            ("help", Arg::None),
            ("version", Arg::None),
        ],
    };
    const XARGS: Spec = Spec {
        flags: "0oprtx",
        with_arg: "adEILnPs",
        optional_arg: "eil",
        long: &[
            ("arg-file", Arg::Required),
            ("delimiter", Arg::Required),
            ("eof", Arg::Optional),
            ("exit", Arg::None),
            ("interactive", Arg::None),
            ("max-args", Arg::Required),
            ("max-chars", Arg::Required),
            ("max-lines", Arg::Optional),
            ("max-procs", Arg::Required),
            ("no-run-if-empty", Arg::None),
            ("null", Arg::None),
            ("open-tty", Arg::None),
            ("process-slot-var", Arg::Required),
            ("replace", Arg::Optional),
            ("show-limits", Arg::None),
            ("verbose", Arg::None),
            ("help", Arg::None),
            ("version", Arg::None),
        ],
    };
    const NPX: Spec = Spec {
        flags: "yq",
        with_arg: "pc",
        optional_arg: "",
        long: &[
            ("yes", Arg::None),
            ("no", Arg::None),
            ("quiet", Arg::None),
            ("package", Arg::Required),
            ("call", Arg::Required),
        ],
    };
    const WATCH: Spec = Spec {
        flags: "bcCegprtwxhv",
        with_arg: "nqs",
        optional_arg: "d",
        long: &[
            ("beep", Arg::None),
            ("color", Arg::None),
            ("no-color", Arg::None),
            ("differences", Arg::Optional),
            ("errexit", Arg::None),
            ("chgexit", Arg::None),
            ("equexit", Arg::Required),
            ("interval", Arg::Required),
            ("precise", Arg::None),
            ("no-rerun", Arg::None),
            ("shotsdir", Arg::Required),
            ("no-title", Arg::None),
            ("no-wrap", Arg::None),
            ("exec", Arg::None),
            ("help", Arg::None),
            ("version", Arg::None),
        ],
    };
    match wrapper {
        Wrapper::Watch => &WATCH,
        Wrapper::Env => &ENV,
        Wrapper::Sudo => &SUDO,
        Wrapper::Command => &COMMAND,
        Wrapper::Builtin => &NONE,
        Wrapper::Exec => &EXEC,
        Wrapper::Time => &TIME,
        Wrapper::Nice => &NICE,
        Wrapper::Nohup => &NOHUP,
        Wrapper::Timeout => &TIMEOUT,
        Wrapper::Stdbuf => &STDBUF,
        Wrapper::Xargs => &XARGS,
        Wrapper::Npx => &NPX,
    }
}
