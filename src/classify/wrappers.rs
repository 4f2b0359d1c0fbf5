//! Programs that run another command: guard classifies the command they run.

use std::borrow::Cow;

use super::Severity;
use super::getopt::{self, Arg, Name, Parsed, Spec};
use super::scope::{self, CREDENTIAL_VARS, EnvValue, SECRET_VARS, Word};

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
    Flock,
    Ionice,
    Setsid,
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
    /// The folder the command runs in (`env -C`, `sudo -D`), relative to the wrapper's.
    pub chdir: Option<Word<'w>>,
    /// Files the wrapper itself writes (`time -o`), and whether it appends.
    pub writes: Vec<(Word<'w>, bool)>,
    /// Files the wrapper itself reads (`xargs -a`).
    pub reads: Vec<Word<'w>>,
    /// Variables that, set on the command line, change what the wrapper runs (`SHELL` for
    /// `flock -c`, npm's configuration for `npx`).
    pub obeys: &'static [&'static str],
    /// The program starts with an `argv[0]` that begins with `-` (`exec -l`, `exec -a -bash`,
    /// `env -a -bash`): a shell started so is a login shell and runs its profiles first.
    pub login: bool,
    /// Why the command cannot be proven read whatever it is (sudo: another user, and the
    /// environment sudoers decides). The command is still judged, for the policy.
    pub unproven: Option<String>,
}

impl<'w> Inner<'w> {
    fn of(words: &'w [Word<'w>]) -> Inner<'w> {
        Inner {
            words: Cow::Borrowed(words),
            assignments: Vec::new(),
            credential_change: None,
            appends_args: false,
            chdir: None,
            writes: Vec::new(),
            reads: Vec::new(),
            obeys: &[],
            login: false,
            unproven: None,
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
    let help = match wrapper {
        Wrapper::Flock | Wrapper::Ionice | Wrapper::Setsid => {
            parsed.has('h', "help") || parsed.has('V', "version")
        }
        _ => parsed.has_long("help") || parsed.has_long("version"),
    };
    if help {
        return done(Severity::Read, "prints help or its version");
    }
    let operands = args.get(parsed.operands..).unwrap_or(&[]);
    match wrapper {
        Wrapper::Env => env(&parsed, operands),
        Wrapper::Sudo => sudo(&parsed, operands),
        Wrapper::Time => time(&parsed, operands),
        Wrapper::Flock => flock(operands),
        Wrapper::Ionice
            if parsed.has('p', "pid") || parsed.has('P', "pgid") || parsed.has('u', "uid") =>
        {
            done(Severity::Read, "sets the I/O priority of running processes")
        }
        Wrapper::Ionice if operands.is_empty() => {
            done(Severity::Read, "prints the I/O priority of this process")
        }
        Wrapper::Command if parsed.has_short('v') || parsed.has_short('V') => {
            done(Severity::Read, "only describes a command")
        }
        Wrapper::Timeout => match operands.split_first() {
            // The first operand is the duration.
            Some((_, command)) => run(command),
            None => done(Severity::Read, "runs no command"),
        },
        Wrapper::Xargs if operands.is_empty() && !parsed.has('a', "arg-file") => {
            done(Severity::Read, "only echoes its input")
        }
        // It echoes the file it reads.
        Wrapper::Xargs if operands.is_empty() => xargs(&parsed, ECHO),
        Wrapper::Xargs => xargs(&parsed, operands),
        Wrapper::Exec if let Some(name) = foreign_argv0(&parsed, 'a', "\0", operands) => {
            done(Severity::Unknown, &name)
        }
        // bash's `exec -c` runs the command with an empty environment.
        Wrapper::Exec if !operands.is_empty() => Unwrap::Run(Inner {
            credential_change: parsed
                .has_short('c')
                .then(|| "exec -c: the command would run without guard's credentials".to_owned()),
            login: parsed.has_short('l') || dash_argv0(&parsed, 'a', "\0"),
            ..Inner::of(operands)
        }),
        Wrapper::Npx => npx(&parsed, operands),
        Wrapper::Watch => watch(&parsed, operands),
        _ => run(operands),
    }
}

/// Whether the `argv[0]` an option gives (`exec -a NAME`, `env -a NAME`/`--argv0=NAME`)
/// starts with `-` (bash, zsh and dash then act as login shells) or may (an expansion).
fn dash_argv0(parsed: &Parsed, short: char, long: &str) -> bool {
    parsed
        .opts
        .iter()
        .filter(|opt| opt.is(short, long))
        .any(|opt| opt.dynamic || opt.value.is_some_and(|name| name.starts_with('-')))
}

/// Why the `argv[0]` an option gives (`exec -a NAME`) is not the program's own name or its
/// login form (`-bash` for bash): programs act on the name they are called by (git runs
/// `git-branch`'s command when called so, checked with git 2.47; multi-call binaries pick
/// their program by it).
fn foreign_argv0(parsed: &Parsed, short: char, long: &str, operands: &[Word]) -> Option<String> {
    let program = operands.first()?;
    let own = program.text.rsplit('/').next().unwrap_or(&program.text);
    parsed
        .opts
        .iter()
        .filter(|opt| opt.is(short, long))
        .find(|opt| {
            program.dynamic
                || opt.dynamic
                || opt
                    .value
                    .is_some_and(|name| name != own && name.strip_prefix('-') != Some(own))
        })
        .map(|opt| {
            format!(
                "exec -a {}: {own} runs under another name, and programs act on the name they are called by (git runs git-NAME's command)",
                opt.value.unwrap_or("$(an expansion)")
            )
        })
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
    let mut chdir = None;
    // A variable a tool reads, removed: its default moves as when it is set (`env -u HOME
    // kubectl` reads the working folder's `.kube/config`; red team C1). Any value may follow.
    let mut removed: Vec<(String, EnvValue)> = Vec::new();
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
            } else if scope::is_tool_read(name) {
                removed.push((name.to_owned(), EnvValue::Dynamic));
            }
        } else if opt.is('S', "split-string") {
            split = opt.value;
        } else if opt.is('C', "chdir") {
            chdir = opt.word();
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
        let mut words = match split_string(string) {
            Ok(split) => split,
            Err(why) => {
                return Unwrap::Done {
                    severity: Severity::Unknown,
                    what: why,
                };
            }
        };
        if let Some(secret) = words.iter().find_map(|word| {
            word.dynamic
                .then(|| {
                    SECRET_VARS
                        .iter()
                        .find(|var| word.text.contains(&format!("${{{var}}}")))
                })
                .flatten()
        }) {
            return done(
                Severity::Export,
                &format!(
                    "-S expands ${{{secret}}}, a credential guard injects: the program may print it, and what reads that is not checked"
                ),
            );
        }
        let mut again = vec![Word::literal("env")];
        again.append(&mut words);
        again.extend_from_slice(operands);
        return Unwrap::Run(Inner {
            words: Cow::Owned(again),
            credential_change,
            chdir,
            ..Inner::of(&[])
        });
    }
    let (assigned, command) = split_assignments(operands);
    let assignments: Vec<(String, EnvValue)> = removed.into_iter().chain(assigned).collect();
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
        chdir,
        login: dash_argv0(parsed, 'a', "argv0"),
        ..Inner::of(&[])
    })
}

/// GNU env's `-S` string, split as env splits it (coreutils 9.1, checked here): blanks
/// separate arguments; single quotes keep everything but `\\` and `\'`; outside them `\_`
/// separates (a space inside double quotes), `\c` ends the string (an error inside double
/// quotes), `\t \n \r \f \v \\ \" \' \$ \#` are escapes and any other is an error;
/// `#` at the start of an argument comments out the rest; `${NAME}` is the variable's value
/// (a dynamic word here), any other `$` an error.
fn split_string(string: &str) -> Result<Vec<Word<'static>>, String> {
    #[derive(PartialEq)]
    enum Quote {
        None,
        Single,
        Double,
    }
    let bad = |what: &str| Err(format!("-S: env refuses {what}, and runs nothing"));
    let mut words = Vec::new();
    let mut text = String::new();
    let mut dynamic = false;
    let mut in_word = false;
    let mut quote = Quote::None;
    let mut chars = string.chars().peekable();
    let mut end = |text: &mut String, dynamic: &mut bool, in_word: &mut bool| {
        if *in_word {
            words.push(Word {
                text: Cow::Owned(std::mem::take(text)),
                dynamic: std::mem::take(dynamic),
            });
        }
        *in_word = false;
    };
    while let Some(c) = chars.next() {
        match (c, &quote) {
            ('\'', Quote::None) => {
                quote = Quote::Single;
                in_word = true;
            }
            ('\'', Quote::Single) | ('"', Quote::Double) => quote = Quote::None,
            ('"', Quote::None) => {
                quote = Quote::Double;
                in_word = true;
            }
            ('\\', Quote::Single) => match chars.peek() {
                Some(&next @ ('\\' | '\'')) => {
                    chars.next();
                    text.push(next);
                }
                _ => text.push('\\'),
            },
            ('\\', _) => {
                let Some(next) = chars.next() else {
                    return bad("a backslash at the end");
                };
                match next {
                    '_' if quote == Quote::None => end(&mut text, &mut dynamic, &mut in_word),
                    '_' => text.push(' '),
                    'c' if quote == Quote::None => break,
                    'c' => return bad("\\c inside double quotes"),
                    't' => text.push('\t'),
                    'n' => text.push('\n'),
                    'r' => text.push('\r'),
                    'f' => text.push('\u{c}'),
                    'v' => text.push('\u{b}'),
                    '\\' | '"' | '\'' | '$' | '#' => text.push(next),
                    other => return bad(&format!("the escape \\{other}")),
                }
                if next != '_' || quote != Quote::None {
                    in_word = true;
                }
            }
            ('$', Quote::None | Quote::Double) => {
                let mut name = String::new();
                if chars.next() != Some('{') {
                    return bad("a $ not followed by {NAME}");
                }
                loop {
                    match chars.next() {
                        Some('}') => break,
                        Some(c) if c.is_ascii_alphanumeric() || c == '_' => name.push(c),
                        _ => return bad("a ${ without a NAME}"),
                    }
                }
                if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
                    return bad("a ${ without a NAME}");
                }
                text.push_str(&format!("${{{name}}}"));
                dynamic = true;
                in_word = true;
            }
            (' ' | '\t' | '\n' | '\r' | '\u{b}' | '\u{c}', Quote::None) => {
                end(&mut text, &mut dynamic, &mut in_word);
            }
            ('#', Quote::None) if !in_word => break,
            (c, _) => {
                text.push(c);
                in_word = true;
            }
        }
    }
    if quote != Quote::None {
        return bad("an unterminated quote");
    }
    end(&mut text, &mut dynamic, &mut in_word);
    Ok(words)
}

/// GNU time: `-o FILE` writes its report to FILE (`-a` appends).
fn time<'w>(parsed: &Parsed<'w>, operands: &'w [Word<'w>]) -> Unwrap<'w> {
    let Unwrap::Run(mut inner) = run(operands) else {
        return run(operands);
    };
    let append = parsed.has('a', "append");
    inner.writes = parsed
        .opts
        .iter()
        .filter(|opt| opt.is('o', "output"))
        .filter_map(|opt| opt.word())
        .map(|word| (word, append))
        .collect();
    Unwrap::Run(inner)
}

/// util-linux flock: `flock [options] FILE COMMAND...`, `flock [options] FILE -c STRING` (run
/// by `$SHELL -c`), or `flock [options] FD` (locks and runs nothing).
fn flock<'w>(operands: &'w [Word<'w>]) -> Unwrap<'w> {
    match operands {
        [] | [_] => done(Severity::Read, "takes a lock and runs no command"),
        [_, flag, string] if matches!(&*flag.text, "-c" | "--command") => Unwrap::Run(Inner {
            words: Cow::Owned(vec![
                Word::literal("sh"),
                Word::literal("-c"),
                string.clone(),
            ]),
            obeys: &["SHELL"],
            ..Inner::of(&[])
        }),
        [_, flag, ..] if matches!(&*flag.text, "-c" | "--command") => done(
            Severity::Read,
            "-c takes exactly one string; flock runs nothing",
        ),
        [_, command @ ..] => run(command),
    }
}

fn sudo<'w>(parsed: &Parsed<'w>, operands: &'w [Word<'w>]) -> Unwrap<'w> {
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
    // sudo(8): `-A` runs a program to read the password, whenever sudo asks for one
    // (`-l` and `-v` included).
    if parsed.has('A', "askpass") {
        return done(
            Severity::Unknown,
            "-A runs the askpass program named by SUDO_ASKPASS or sudo.conf to read the password; guard cannot see it",
        );
    }
    if parsed.has('l', "list") {
        return done(Severity::Read, "lists privileges");
    }
    let (assignments, command) = split_assignments(operands);
    // sudo(8): `-i` runs the command through the target user's login shell (which first
    // runs that user's profiles), `-s` through $SHELL -c: files and a shell guard cannot see.
    if !command.is_empty() && parsed.has('i', "login") {
        return done(
            Severity::Unknown,
            "sudo -i runs the command through the target user's login shell, which first runs that user's start-up files (/etc/profile, ~/.profile); guard cannot see them",
        );
    }
    if !command.is_empty() && parsed.has('s', "shell") {
        return done(
            Severity::Unknown,
            "sudo -s runs the command through $SHELL -c, a shell guard cannot tell (zsh first runs ~/.zshenv)",
        );
    }
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
    let chdir = parsed
        .opts
        .iter()
        .find(|opt| opt.is('D', "chdir"))
        .and_then(|opt| opt.word());
    Unwrap::Run(Inner {
        words: Cow::Borrowed(command),
        assignments,
        credential_change,
        chdir,
        unproven: Some(sudo_unproven(parsed, command)),
        ..Inner::of(&[])
    })
}

/// Why a command run by sudo is never proven read. sudoers (root's, unreadable to guard)
/// decides the environment the command gets: `env_reset` keeps a few variables, `env_keep`
/// and `-E` (when `setenv` allows it) keep more, `secure_path` replaces PATH even with `-E`,
/// `set_home`/`always_set_home` and the target user choose HOME, so the configuration the
/// program reads (`~/.aws/config`, a kubeconfig, start-up files) is not the one guard
/// judged; the command also runs with another user's rights, and `-R` under another root.
fn sudo_unproven(parsed: &Parsed, command: &[Word]) -> String {
    let shown = command
        .iter()
        .map(|word| &*word.text)
        .collect::<Vec<_>>()
        .join(" ");
    if let Some(opt) = parsed.opts.iter().find(|opt| opt.is('R', "chroot")) {
        return format!(
            "-R {} runs `{shown}` with that folder as its root: the paths it opens are not the ones guard sees",
            opt.value.unwrap_or("$(an expansion)")
        );
    }
    let user = parsed
        .opts
        .iter()
        .rfind(|opt| opt.is('u', "user"))
        .map_or("root".to_owned(), |opt| {
            opt.value.unwrap_or("$(an expansion)").to_owned()
        });
    format!(
        "runs `{shown}` as {user}, with the environment, HOME and PATH that sudoers decides (env_reset, env_keep, secure_path, set_home), which guard cannot read: the command's configuration is not the one guard judged"
    )
}

/// xargs appends its input to the command; with `-I`/`-i`/`--replace` it substitutes it
/// for the replace string wherever that appears, so those words are unknown too.
fn xargs<'w>(parsed: &Parsed<'w>, operands: &'w [Word<'w>]) -> Unwrap<'w> {
    // GNU xargs puts the slot number in a variable of the line's choosing (BASH_ENV,
    // AWS_CONFIG_FILE, KUBECONFIG): a value guard cannot know, read by the program.
    if let Some(name) = parsed
        .opts
        .iter()
        .find(|opt| opt.is('\0', "process-slot-var"))
        .and_then(|opt| opt.value)
    {
        return done(
            Severity::Unknown,
            &format!(
                "--process-slot-var sets {name} in the command's environment to a value guard cannot know"
            ),
        );
    }
    let replace = parsed.opts.iter().find_map(|opt| {
        if opt.is('I', "replace") || opt.is('i', "replace") {
            Some(opt.value.filter(|value| !value.is_empty()).unwrap_or("{}"))
        } else {
            None
        }
    });
    let mut inner = Inner::of(operands);
    inner.appends_args = true;
    inner.reads = parsed
        .opts
        .iter()
        .filter(|opt| opt.is('a', "arg-file"))
        .filter_map(|opt| opt.word())
        .collect();
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

const ECHO: &[Word<'static>] = &[Word {
    text: Cow::Borrowed("echo"),
    dynamic: false,
}];

/// npm packages and the tool bin they provide.
const KNOWN_PACKAGES: &[(&str, &str)] = &[("aws-cdk", "cdk")];

/// npm's configuration, from the environment: `npm_config_call`, `npm_config_package`,
/// `npm_config_yes` and `npm_config_script_shell` change what npx runs.
const NPM_CONFIG: &[&str] = &["npm_config_", "NPM_CONFIG_"];

/// The registry package a spec names, as npm-package-arg reads it, when it is a name with
/// at most a version, range or tag (`aws-cdk`, `aws-cdk@2`, `aws-cdk@^2.100`,
/// `aws-cdk@latest`); None for the specs that fetch code from elsewhere: an alias
/// (`aws-cdk@npm:evil`), `file:`, a folder or tarball path, git and GitHub shorthands
/// (`github:x/y`, `x/y`), URLs.
pub(crate) fn registry_name(spec: &str) -> Option<&str> {
    let (name, version) = match spec.rfind('@') {
        Some(at) if at > 0 => (&spec[..at], &spec[at + 1..]),
        _ => (spec, ""),
    };
    let name_ok = !name.is_empty()
        && !name.starts_with(['.', '~', '/'])
        && name
            .trim_start_matches('@')
            .split_once('/')
            .map_or(!name.starts_with('@'), |(scope, rest)| {
                name.starts_with('@') && !scope.is_empty() && !rest.contains('/')
            })
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._@/".contains(c));
    let version_ok = version
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || " .-^~<>=*|+".contains(c));
    (name_ok && version_ok && !name.ends_with(".tgz") && !name.ends_with(".tar.gz")).then_some(name)
}

fn npx<'w>(parsed: &Parsed<'w>, operands: &'w [Word<'w>]) -> Unwrap<'w> {
    if parsed.has('y', "yes") {
        return done(
            Severity::Unknown,
            "--yes installs the package from the registry if it is missing and runs its bin; guard cannot see what it is",
        );
    }
    let call = parsed.opts.iter().find(|opt| opt.is('c', "call"));
    if operands.is_empty() && call.is_none() {
        return done(
            Severity::Unknown,
            "with no command, npx runs a shell (npm's script-shell) on standard input; guard cannot see it",
        );
    }
    // The command is then a bin of that package, whatever its name says: only the packages
    // known to provide the tool of that name are followed.
    let packages: Vec<&str> = parsed
        .opts
        .iter()
        .filter(|opt| opt.is('p', "package"))
        .map(|opt| opt.value.unwrap_or_default())
        .collect();
    let command = operands.first().map(|word| &*word.text);
    if let Some(spec) = packages
        .iter()
        .chain(
            operands
                .first()
                .filter(|_| packages.is_empty())
                .map(|w| &*w.text)
                .iter(),
        )
        .find(|spec| registry_name(spec).is_none())
    {
        return Unwrap::Done {
            severity: Severity::Unknown,
            what: format!(
                "the package spec {spec} is not a registry name with a version (npm: aliases, file:, git and URL specs install code from elsewhere); guard cannot see what runs"
            ),
        };
    }
    let known = packages.iter().all(|package| {
        KNOWN_PACKAGES.contains(&(
            registry_name(package).unwrap_or_default(),
            command.unwrap_or_default(),
        ))
    });
    if !known {
        return done(
            Severity::Unknown,
            "runs a bin from the package given with --package; guard cannot see what it is",
        );
    }
    if let Some(string) = call.and_then(|opt| opt.word()) {
        let words = vec![Word::literal("sh"), Word::literal("-c"), string];
        return Unwrap::Run(Inner {
            words: Cow::Owned(words),
            obeys: NPM_CONFIG,
            ..Inner::of(&[])
        });
    }
    let Some((package, args)) = operands.split_first() else {
        return done(Severity::Read, "runs no command");
    };
    // `aws-cdk@2` names the package and its version; the version does not matter here.
    let name = registry_name(&package.text).unwrap_or(&package.text);
    let mut words = vec![Word {
        text: Cow::Borrowed(name),
        dynamic: package.dynamic,
    }];
    words.extend_from_slice(args);
    Unwrap::Run(Inner {
        words: Cow::Owned(words),
        obeys: NPM_CONFIG,
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
            ("help", Arg::None),
            ("version", Arg::None),
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
    // util-linux: options stop at the first operand ("+" in their getopt strings).
    const FLOCK: Spec = Spec {
        flags: "sexnoFuhV",
        with_arg: "wE",
        optional_arg: "",
        long: &[
            ("shared", Arg::None),
            ("exclusive", Arg::None),
            ("unlock", Arg::None),
            ("nonblocking", Arg::None),
            ("nonblock", Arg::None),
            ("nb", Arg::None),
            ("timeout", Arg::Required),
            ("wait", Arg::Required),
            ("conflict-exit-code", Arg::Required),
            ("close", Arg::None),
            ("no-fork", Arg::None),
            ("verbose", Arg::None),
            ("help", Arg::None),
            ("version", Arg::None),
        ],
    };
    const IONICE: Spec = Spec {
        flags: "thV",
        with_arg: "cnpPu",
        optional_arg: "",
        long: &[
            ("class", Arg::Required),
            ("classdata", Arg::Required),
            ("pid", Arg::Required),
            ("pgid", Arg::Required),
            ("ignore", Arg::None),
            ("uid", Arg::Required),
            ("help", Arg::None),
            ("version", Arg::None),
        ],
    };
    const SETSID: Spec = Spec {
        flags: "cfwhV",
        with_arg: "",
        optional_arg: "",
        long: &[
            ("ctty", Arg::None),
            ("fork", Arg::None),
            ("wait", Arg::None),
            ("help", Arg::None),
            ("version", Arg::None),
        ],
    };
    match wrapper {
        Wrapper::Flock => &FLOCK,
        Wrapper::Ionice => &IONICE,
        Wrapper::Setsid => &SETSID,
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
