//! Programs that run code: POSIX shells (a `-c` string is analysed command by command) and
//! Python (`python -m awscli` is the AWS CLI; other Python is opaque).

use super::pathname;
use super::scope::{Dialect, EnvValue, Scope, Word};
use super::script;
use super::shell_options;
use super::verdict::{Classify, not_a_tool};
use super::{Classification, FileText, Severity, local};

/// What a shell's command line asks it to run.
enum ShellRun<'w> {
    String(&'w Word<'w>),
    Script(&'w Word<'w>),
    Stdin,
    /// `-n` / `-o noexec`: read commands, execute none.
    NoExec,
    /// `--help`, `--version`.
    Info,
    BadOption(String),
    MissingString,
}

pub(crate) fn shell(
    name: &str,
    args: &[Word<'_>],
    scope: &Scope,
    login_argv0: bool,
    classify: Classify,
) -> Classification {
    let (run, mut startup_options) = shell_run(args);
    // An `argv[0]` starting with `-` makes bash, zsh and dash a login shell, as `-l` does.
    startup_options.login |= login_argv0;
    let Startup {
        interactive,
        login,
        rcfile,
        ..
    } = startup_options;
    // bash runs $BASH_ENV before a non-interactive script (not as sh, but `sh` may be bash);
    // an interactive shell runs $ENV, interactive bash its --rcfile; zsh always runs
    // $ZDOTDIR/.zshenv (ZDOTDIR defaults to HOME). Inherited ZDOTDIR and HOME are the user's.
    let startup = match run {
        ShellRun::NoExec | ShellRun::Info | ShellRun::BadOption(_) | ShellRun::MissingString => {
            None
        }
        _ if matches!(name, "bash" | "sh") && is_set(scope, "BASH_ENV") => Some("BASH_ENV is set"),
        _ if interactive && is_set(scope, "ENV") => Some("ENV is set"),
        _ if interactive && rcfile => Some("--rcfile or --init-file names a file"),
        _ if interactive && name == "bash" && scope.assigned("HOME").is_some() => {
            Some("HOME is set (interactive bash reads $HOME/.bashrc)")
        }
        _ if login && scope.assigned("HOME").is_some() => {
            Some("HOME is set (a login shell reads $HOME/.profile)")
        }
        _ if name == "zsh" && scope.assigned("ZDOTDIR").is_some() => {
            Some("ZDOTDIR is set (zsh reads $ZDOTDIR/.zshenv)")
        }
        _ if name == "zsh" && scope.assigned("HOME").is_some() => {
            Some("HOME is set (zsh reads $HOME/.zshenv)")
        }
        _ => None,
    };
    if let Some(why) = startup {
        return not_a_tool(
            Severity::Unknown,
            name,
            args,
            format!("{why}: the shell first runs that file, which guard cannot see"),
        );
    }
    let (severity, what) = match run {
        ShellRun::String(string) if string.dynamic => (
            Severity::Unknown,
            "the -c string comes from an expansion; guard cannot see it".to_owned(),
        ),
        ShellRun::String(string) => {
            let label = format!("{name} -c");
            // zsh reads its -c string (and start-up files) with its own grammar; the other
            // shells with bash's (a bash inside `zsh -c` too).
            let mut own = scope.clone();
            own.dialect = if name == "zsh" {
                Dialect::Zsh
            } else {
                Dialect::Posix
            };
            let scope = &own;
            let files = match startup_texts(name, &startup_options, scope) {
                Ok(files) => files,
                Err(why) => return not_a_tool(Severity::Unknown, name, args, why),
            };
            if files.is_empty() {
                return script::classify(&label, &string.text, scope, classify);
            }
            // Each file on its own, so that the reason names it; then all of them before the
            // string, as the shell runs them: what they set (PATH, functions, variables)
            // holds for the string.
            let mut whole = String::new();
            for (shown, text) in &files {
                let own = script::classify(
                    &format!("{name} start-up file {shown}"),
                    text,
                    scope,
                    classify,
                );
                if own.severity != Severity::Read {
                    return not_a_tool(
                        own.severity,
                        name,
                        args,
                        format!("runs the start-up file {shown} first: {}", own.reason),
                    );
                }
                whole.push_str(text);
                whole.push('\n');
            }
            whole.push_str(&string.text);
            let mut result = script::classify(&label, &whole, scope, classify);
            // A read is shown with the string's own reason, not a start-up file's first
            // command (when the string alone is read too).
            if result.severity == Severity::Read {
                let alone = script::classify(&label, &string.text, scope, classify);
                if alone.severity == Severity::Read {
                    return alone;
                }
            }
            if result.severity != Severity::Read {
                let shown: Vec<&str> = files.iter().map(|(shown, _)| shown.as_str()).collect();
                result.reason = format!(
                    "{} (after the start-up files {} the shell runs first)",
                    result.reason,
                    shown.join(", ")
                );
            }
            return result;
        }
        ShellRun::Script(script) => (
            Severity::Unknown,
            format!("runs the script {}; guard cannot see it", script.text),
        ),
        ShellRun::Stdin if scope.stdin_heredoc => (
            Severity::Unknown,
            "reads commands from a heredoc; guard does not analyse them".to_owned(),
        ),
        ShellRun::Stdin => (
            Severity::Unknown,
            "reads commands from standard input; guard cannot see them".to_owned(),
        ),
        ShellRun::NoExec => (Severity::Read, "-n only checks syntax".to_owned()),
        ShellRun::Info => (Severity::Read, "prints help or its version".to_owned()),
        ShellRun::BadOption(option) => (
            Severity::Unknown,
            format!("option {option} is not one guard understands"),
        ),
        ShellRun::MissingString => (Severity::Unknown, "-c without a string".to_owned()),
    };
    not_a_tool(severity, name, args, what)
}

pub(crate) fn is_set(scope: &Scope, var: &str) -> bool {
    match scope.var(var) {
        Some(EnvValue::Known(value)) => !value.is_empty(),
        Some(EnvValue::Dynamic) => true,
        None => false,
    }
}

/// The options that make a shell read startup files before its commands.
#[derive(Default)]
struct Startup {
    /// `-i`
    interactive: bool,
    /// `-l`, `--login`
    login: bool,
    /// `--rcfile` or `--init-file` names the startup file.
    rcfile: bool,
    /// bash's `--noprofile`
    no_profile: bool,
    /// bash's `--norc`
    no_rc: bool,
    /// `-f`: zsh's NO_RCS (bash's noglob)
    letter_f: bool,
}

/// The start-up files the shell runs before a `-c` string, each with its text, in the order
/// the shell runs them (bash(1) INVOCATION, zsh(1) STARTUP/SHUTDOWN FILES, dash(1)); a file
/// that does not exist is skipped, as the shell skips it. Err names a file guard cannot read
/// or place. `BASH_ENV`, `ENV`, `--rcfile` and a moved `HOME` or `ZDOTDIR` are unknown before
/// this.
fn startup_texts(
    name: &str,
    startup: &Startup,
    scope: &Scope,
) -> Result<Vec<(String, String)>, String> {
    // (the file as shown, its folder: None for a path of its own, Some(var) under HOME or
    // ZDOTDIR); a group is a list of which the first that exists is read.
    let mut groups: Vec<Vec<(&str, Option<&str>)>> = Vec::new();
    let home = Some("HOME");
    match name {
        "bash" => {
            if startup.login && !startup.no_profile {
                groups.push(vec![("/etc/profile", None)]);
                groups.push(vec![
                    (".bash_profile", home),
                    (".bash_login", home),
                    (".profile", home),
                ]);
            } else if startup.interactive && !startup.no_rc {
                groups.push(vec![("/etc/bash.bashrc", None)]);
                groups.push(vec![(".bashrc", home)]);
            }
            if startup.login {
                // Run when the login shell exits.
                groups.push(vec![(".bash_logout", home)]);
            }
        }
        "sh" | "dash" if startup.login => {
            groups.push(vec![("/etc/profile", None)]);
            groups.push(vec![(".profile", home)]);
        }
        "zsh" => {
            let dot = Some("ZDOTDIR");
            groups.push(vec![("/etc/zsh/zshenv", None)]);
            groups.push(vec![("/etc/zshenv", None)]);
            if !startup.letter_f {
                groups.push(vec![(".zshenv", dot)]);
                let phases = [
                    (
                        startup.login,
                        ["/etc/zsh/zprofile", "/etc/zprofile"],
                        ".zprofile",
                    ),
                    (
                        startup.interactive,
                        ["/etc/zsh/zshrc", "/etc/zshrc"],
                        ".zshrc",
                    ),
                    (startup.login, ["/etc/zsh/zlogin", "/etc/zlogin"], ".zlogin"),
                    // Run when the login shell exits.
                    (
                        startup.login,
                        ["/etc/zsh/zlogout", "/etc/zlogout"],
                        ".zlogout",
                    ),
                ];
                for (on, globals, own) in phases {
                    if on {
                        groups.extend(globals.map(|global| vec![(global, None)]));
                        groups.push(vec![(own, dot)]);
                    }
                }
            }
        }
        _ => {}
    }
    let mut texts = Vec::new();
    for group in groups {
        for (file, under) in group {
            let (shown, at) = match under {
                None => (file.to_owned(), file.to_owned()),
                Some(var) => {
                    let folder = match var {
                        "ZDOTDIR" => scope.var("ZDOTDIR").or_else(|| scope.home()),
                        _ => scope.home(),
                    };
                    let shown = format!("~/{file}");
                    match folder {
                        Some(EnvValue::Known(dir)) if dir.starts_with('/') => {
                            // read_file folds it as the kernel will.
                            (shown, format!("{dir}/{file}"))
                        }
                        _ => {
                            return Err(format!(
                                "the shell runs {shown} first, and guard cannot tell where {var} is"
                            ));
                        }
                    }
                }
            };
            match scope.read_file(&at) {
                FileText::Missing => continue,
                FileText::Text(text) => texts.push((shown, text)),
                FileText::Unreadable(why) => {
                    return Err(format!(
                        "the shell runs the start-up file {shown} first, and guard cannot read it ({why})"
                    ));
                }
            }
            break;
        }
    }
    Ok(texts)
}

/// What the shell runs, and which startup files it reads first. Options apply in order, so
/// `-n +n` and `-o noexec +o noexec` execute after all.
fn shell_run<'w>(args: &'w [Word<'w>]) -> (ShellRun<'w>, Startup) {
    let mut startup = Startup::default();
    let mut command_mode = false;
    let mut no_exec = false;
    // bash reads every long option before it acts: `--version --bogus` is refused.
    let mut info = false;
    let mut i = 0;
    while let Some(word) = args.get(i) {
        let text: &str = &word.text;
        i += 1;
        if text == "--" || text == "-" {
            break;
        }
        let is_option = text.len() > 1 && (text.starts_with('-') || text.starts_with('+'));
        if !is_option {
            i -= 1;
            break;
        }
        if word.dynamic {
            return (ShellRun::BadOption(text.to_owned()), startup);
        }
        if let Some(long) = text.strip_prefix("--") {
            match long {
                "version" | "help" => info = true,
                "rcfile" | "init-file" => {
                    startup.rcfile = true;
                    i += 1;
                }
                "login" => startup.login = true,
                "noprofile" => startup.no_profile = true,
                "norc" => startup.no_rc = true,
                // Options that read or print the script without changing what it means.
                // (`--posix` keeps assignments before special builtins, `--debugger` runs
                // DEBUG traps: not modelled.)
                "restricted" | "verbose" | "noediting" | "dump-strings" | "dump-po-strings"
                | "pretty-print" => {}
                _ => return (ShellRun::BadOption(text.to_owned()), startup),
            }
            continue;
        }
        let enable = text.starts_with('-');
        for letter in text.chars().skip(1) {
            match letter {
                'c' if enable => command_mode = true,
                'i' if enable => startup.interactive = true,
                'l' if enable => startup.login = true,
                'f' => startup.letter_f = enable,
                'n' => no_exec = enable,
                // `-o pipefail`, `+O extglob`: each takes the next word. The same options as
                // `set`'s: one guard does not model makes the run unknown (`-o keyword`).
                'o' | 'O' => {
                    let option = args.get(i);
                    if letter == 'o' && option.is_some_and(|option| option.text == "noexec") {
                        no_exec = enable;
                    } else if let Some(option) = option
                        && enable
                        && (option.dynamic
                            || !(if letter == 'o' {
                                shell_options::name_modelled(&option.text)
                            } else {
                                shell_options::shopt_modelled(&option.text)
                            }))
                    {
                        return (
                            ShellRun::BadOption(format!("-{letter} {}", option.text)),
                            startup,
                        );
                    } else if option.is_some_and(|option| option.dynamic) {
                        return (ShellRun::BadOption(text.to_owned()), startup);
                    }
                    i += 1;
                }
                // Read the script from standard input, restricted, dump strings: nothing that
                // changes what a command means.
                's' | 'r' | 'D' => {}
                _ if enable && !shell_options::letter_modelled(letter) => {
                    return (ShellRun::BadOption(format!("-{letter}")), startup);
                }
                _ => {}
            }
        }
    }
    if info {
        return (ShellRun::Info, startup);
    }
    let run = match (args.get(i), command_mode) {
        (Some(_), _) if no_exec => ShellRun::NoExec,
        (Some(string), true) => ShellRun::String(string),
        (None, true) => ShellRun::MissingString,
        (Some(script), false) => ShellRun::Script(script),
        (None, false) => ShellRun::Stdin,
    };
    (run, startup)
}

/// What a Python command line asks it to run.
enum PythonRun<'w> {
    Module {
        name: String,
        dynamic: bool,
        rest: &'w [Word<'w>],
        /// `-i`: afterwards Python reads statements from standard input and runs them.
        inspect: bool,
    },
    Code,
    Script(&'w Word<'w>),
    Stdin,
    Info,
    BadOption(String),
    /// `-W ...:module.Category` imports that module first.
    ImportingWarning(String),
}

/// Variables that make Python run code from a place guard cannot see before the program
/// itself: `site` imports `sitecustomize` from `PYTHONPATH` and `usercustomize` from the user
/// site under `PYTHONUSERBASE`, and every import (botocore included) searches `PYTHONPATH`
/// first; `PYTHONHOME` moves the standard library.
const PYTHON_CODE_PATHS: &[(&str, &str)] = &[
    (
        "PYTHONPATH",
        "Python imports modules from there first (a sitecustomize, a botocore of its own), code guard cannot see",
    ),
    (
        "PYTHONUSERBASE",
        "Python runs the usercustomize module it finds there, code guard cannot see",
    ),
    (
        "PYTHONHOME",
        "Python loads its standard library from there, code guard cannot see",
    ),
    (
        "PYTHONINSPECT",
        "Python turns interactive after the program and runs what it reads from standard input",
    ),
    (
        "PYTHONSTARTUP",
        "an interactive Python (PYTHONINSPECT) runs that file first, code guard cannot see",
    ),
    (
        "PYTHONPYCACHEPREFIX",
        "Python loads cached bytecode from there, code guard cannot see",
    ),
];

/// Variables that make the dynamic loader load a library into any program it starts.
const PRELOADS: &[&str] = &["LD_PRELOAD", "LD_AUDIT", "DYLD_INSERT_LIBRARIES"];

/// Why the program would load code guard cannot see before its own (`LD_PRELOAD=x.so`).
pub(crate) fn preloaded(scope: &Scope) -> Option<String> {
    PRELOADS.iter().find(|var| is_set(scope, var)).map(|var| {
        format!("{var} is set: the program would load that library first, code guard cannot see")
    })
}

/// Why Python would run code guard cannot see before the program: a module named by
/// `PYTHONWARNINGS`, or a search path from `PYTHON_CODE_PATHS`.
pub(crate) fn python_env_code(scope: &Scope) -> Option<String> {
    let importing = match scope.var("PYTHONWARNINGS") {
        Some(EnvValue::Known(value)) => imports_module(&value),
        Some(EnvValue::Dynamic) => true,
        None => false,
    };
    if importing {
        return Some(
            "PYTHONWARNINGS names a warning category in a module, which Python imports (runs) first"
                .to_owned(),
        );
    }
    PYTHON_CODE_PATHS
        .iter()
        .find(|(var, _)| is_set(scope, var))
        .map(|(var, what)| format!("{var} is set: {what}"))
        .or_else(|| {
            scope
                .assigned_where(|name| {
                    name.starts_with("PYTHON")
                        && name != "PYTHONWARNINGS"
                        && !PYTHON_INERT.contains(&name)
                })
                .map(|var| {
                    format!(
                        "{var} is set on the command line: not a Python variable guard knows to be inert (PYTHONPLATLIBDIR moves the standard library, PYTHONBREAKPOINT names code to run)"
                    )
                })
        })
}

/// Python's variables that change no code it runs (CPython 3.11's `python3 --help-env`):
/// output, encodings, hashing, diagnostics, and the two that make the search path safer.
/// Any other `PYTHON*` set on the command line is unknown (`PYTHONPLATLIBDIR` moves the
/// standard library: a relative value climbs out of the prefix).
const PYTHON_INERT: &[&str] = &[
    "PYTHONUNBUFFERED",
    "PYTHONDONTWRITEBYTECODE",
    "PYTHONIOENCODING",
    "PYTHONUTF8",
    "PYTHONHASHSEED",
    "PYTHONNOUSERSITE",
    "PYTHONSAFEPATH",
    "PYTHONOPTIMIZE",
    "PYTHONVERBOSE",
    "PYTHONDEBUG",
    "PYTHONFAULTHANDLER",
    "PYTHONDEVMODE",
    "PYTHONTRACEMALLOC",
    "PYTHONMALLOC",
    "PYTHONMALLOCSTATS",
    "PYTHONCOERCECLOCALE",
    "PYTHONASYNCIODEBUG",
    "PYTHONINTMAXSTRDIGITS",
    "PYTHONWARNDEFAULTENCODING",
    "PYTHONNODEBUGRANGES",
    "PYTHONPROFILEIMPORTTIME",
    "PYTHONCASEOK",
];

/// A warnings filter `action:message:category:module:lineno` whose category is
/// `module.Class` (Python imports the module); several filters are separated by commas.
fn imports_module(filters: &str) -> bool {
    filters.split(',').any(|filter| {
        filter
            .split(':')
            .nth(2)
            .is_some_and(|category| category.contains('.'))
    })
}

pub(crate) fn python(
    name: &str,
    args: &[Word],
    scope: &Scope,
    classify: Classify,
) -> Classification {
    if let Some(why) = python_env_code(scope).or_else(|| super::moved::user_site(scope)) {
        return not_a_tool(Severity::Unknown, name, args, why);
    }
    if let Some((severity, why)) = super::moved::library(scope) {
        return not_a_tool(severity, name, args, why);
    }
    if let PythonRun::Module { name: module, .. } = python_run(args)
        && let Some(why) = working_folder_modules(&module, args, scope)
    {
        return not_a_tool(Severity::Unknown, name, args, why);
    }
    let (severity, what) = match python_run(args) {
        PythonRun::Module {
            name,
            dynamic: false,
            inspect: true,
            ..
        } if name == "awscli" => (
            Severity::Unknown,
            "-i: after the CLI, Python runs the code it reads from standard input; guard cannot see it"
                .to_owned(),
        ),
        PythonRun::Module {
            name,
            dynamic: false,
            rest,
            ..
        } if name == "awscli" => {
            let mut words = vec![Word::literal("aws")];
            words.extend_from_slice(rest);
            return classify(&words, scope);
        }
        PythonRun::Module {
            name,
            dynamic: false,
            rest,
            inspect: false,
        } if name == "json.tool" => local::judge("json.tool", rest, scope, classify),
        PythonRun::Module { name, .. } => (
            Severity::Unknown,
            format!("-m {name} runs a Python module guard cannot see"),
        ),
        PythonRun::Code => (
            Severity::Unknown,
            "-c runs inline Python guard cannot see".to_owned(),
        ),
        PythonRun::Script(script) => (
            Severity::Unknown,
            format!("runs the script {}; guard cannot see it", script.text),
        ),
        PythonRun::Stdin => (
            Severity::Unknown,
            "reads a program from standard input; guard cannot see it".to_owned(),
        ),
        PythonRun::Info => (Severity::Read, "prints help or its version".to_owned()),
        PythonRun::ImportingWarning(option) => (
            Severity::Unknown,
            format!(
                "-W {option} names a warning category in a module, which Python imports (runs) first"
            ),
        ),
        PythonRun::BadOption(option) => (
            Severity::Unknown,
            format!("option {option} is not one guard understands"),
        ),
    };
    not_a_tool(severity, name, args, what)
}

/// `python -m MODULE` puts the working folder first on the module search path: a module or
/// package there (`json.py`, `argparse.py`, `awscli/`, in a cloned project) shadows any the
/// program imports (red team F22, checked with CPython 3.11). `-I`, `-P` and `PYTHONSAFEPATH`
/// leave it out.
fn working_folder_modules(module: &str, args: &[Word], scope: &Scope) -> Option<String> {
    let safe_option = args
        .iter()
        .take_while(|word| word.text != "-m" && !word.text.starts_with("-m"))
        .any(|word| {
            word.text.starts_with('-')
                && !word.text.starts_with("--")
                && word.text.chars().skip(1).any(|c| c == 'I' || c == 'P')
        });
    let safe_env = matches!(scope.var("PYTHONSAFEPATH"), Some(EnvValue::Known(v)) if !v.is_empty());
    if safe_option || safe_env {
        return None;
    }
    match scope.workdir() {
        pathname::WorkDir::Known(dir) => scope
            .disk()
            .holds_python_modules(std::path::Path::new(dir))
            .then(|| {
                format!(
                    "-m {module}: Python imports the working folder's modules first, and {dir} holds Python modules that can shadow the ones it imports"
                )
            }),
        pathname::WorkDir::Unknown(why) => Some(format!(
            "-m {module}: Python imports the working folder's modules first, and guard does not know that folder ({why})"
        )),
    }
}

fn python_run<'w>(args: &'w [Word<'w>]) -> PythonRun<'w> {
    // `--version` and `--help` act once every option is read (an unknown one after them is
    // refused, checked with CPython 3.11), and before `-c`, `-m` or a script would run.
    let run = python_options(args);
    match run {
        PythonRun::BadOption(_) => run,
        _ if python_informs(args) => PythonRun::Info,
        _ => run,
    }
}

/// Whether an information option comes before the first `-c`, `-m`, script or `--`.
fn python_informs(args: &[Word]) -> bool {
    for word in args {
        let text: &str = &word.text;
        if text == "--" || text == "-" || !text.starts_with('-') {
            return false;
        }
        if let Some(long) = text.strip_prefix("--") {
            if matches!(
                long,
                "version" | "help" | "help-env" | "help-xoptions" | "help-all"
            ) {
                return true;
            }
            continue;
        }
        for letter in text.chars().skip(1) {
            match letter {
                'V' | 'h' | '?' => return true,
                'c' | 'm' | 'W' | 'X' => return false,
                _ => {}
            }
        }
    }
    false
}

/// The `-X` settings of CPython 3.11-3.13 that load nothing and write nothing: timing, warnings,
/// tracing and limits. `pycache_prefix` (bytecode from a folder of the line's choosing),
/// `presite` (imports a module), `frozen_modules` and any other are not.
fn inert_xoption(setting: &str) -> bool {
    let key = setting.split('=').next().unwrap_or(setting);
    matches!(
        key,
        "importtime"
            | "dev"
            | "utf8"
            | "faulthandler"
            | "tracemalloc"
            | "showrefcount"
            | "int_max_str_digits"
            | "no_debug_ranges"
            | "warn_default_encoding"
            | "cpu_count"
    )
}

fn python_options<'w>(args: &'w [Word<'w>]) -> PythonRun<'w> {
    let mut inspect = false;
    let mut i = 0;
    while let Some(word) = args.get(i) {
        let text: &str = &word.text;
        if text == "--" {
            return match args.get(i + 1) {
                Some(script) => PythonRun::Script(script),
                None => PythonRun::Stdin,
            };
        }
        if text == "-" {
            return PythonRun::Stdin;
        }
        if !text.starts_with('-') {
            return PythonRun::Script(word);
        }
        if word.dynamic {
            return PythonRun::BadOption(text.to_owned());
        }
        if let Some(long) = text.strip_prefix("--") {
            match long {
                "version" | "help" | "help-env" | "help-xoptions" | "help-all" => {
                    i += 1;
                    continue;
                }
                _ => return PythonRun::BadOption(text.to_owned()),
            }
        }
        i += 1;
        for (at, letter) in text.char_indices().skip(1) {
            let attached = &text[at + letter.len_utf8()..];
            match letter {
                'm' => {
                    if !attached.is_empty() {
                        return PythonRun::Module {
                            name: attached.to_owned(),
                            dynamic: false,
                            rest: args.get(i..).unwrap_or_default(),
                            inspect,
                        };
                    }
                    return match args.get(i) {
                        Some(module) => PythonRun::Module {
                            name: module.text.to_string(),
                            dynamic: module.dynamic,
                            rest: args.get(i + 1..).unwrap_or_default(),
                            inspect,
                        },
                        None => PythonRun::BadOption(text.to_owned()),
                    };
                }
                'c' => return PythonRun::Code,
                'W' | 'X' => {
                    let value = if attached.is_empty() {
                        i += 1;
                        args.get(i - 1)
                            .map_or(("", false), |word| (&*word.text, word.dynamic))
                    } else {
                        (attached, word.dynamic)
                    };
                    if letter == 'W' && (value.1 || imports_module(value.0)) {
                        return PythonRun::ImportingWarning(value.0.to_owned());
                    }
                    // `-X` settings are twins of variables (red team C2: `-X
                    // pycache_prefix=DIR` is PYTHONPYCACHEPREFIX, bytecode imported from DIR):
                    // only the inert ones are read.
                    if letter == 'X' && (value.1 || !inert_xoption(value.0)) {
                        return PythonRun::BadOption(format!("-X {}", value.0));
                    }
                    break;
                }
                'V' | 'h' | '?' => {}
                'i' => inspect = true,
                'b' | 'B' | 'd' | 'E' | 'I' | 'O' | 'P' | 'q' | 's' | 'S' | 'u' | 'v' | 'x'
                | 'R' => {}
                _ => return PythonRun::BadOption(text.to_owned()),
            }
        }
    }
    PythonRun::Stdin
}
