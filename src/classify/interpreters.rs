//! Programs that run code: POSIX shells (a `-c` string is analysed command by command) and
//! Python (`python -m awscli` is the AWS CLI; other Python is opaque).

use super::dispatch::{self, MostSevere, not_a_tool};
use super::program;
use super::scope::{self, Scope, Word};
use super::shell;
use super::{Classification, Severity};

/// What a shell's command line asks it to run.
enum ShellRun<'w> {
    String(&'w Word<'w>),
    Script(&'w Word<'w>),
    Stdin,
    /// `-n`: read commands, execute none.
    NoExec,
    /// `--help`, `--version`.
    Info,
    BadOption(String),
    MissingString,
}

pub(crate) fn shell(name: &str, args: &[Word<'_>], scope: &Scope) -> Classification {
    let (severity, what) = match shell_run(args) {
        ShellRun::String(string) if string.dynamic => (
            Severity::Unknown,
            "the -c string comes from an expansion; guard cannot see it".to_owned(),
        ),
        ShellRun::String(string) => {
            return classify_script(&format!("{name} -c"), &string.text, scope);
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

fn shell_run<'w>(args: &'w [Word<'w>]) -> ShellRun<'w> {
    let mut command_mode = false;
    let mut no_exec = false;
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
            return ShellRun::BadOption(text.to_owned());
        }
        if let Some(long) = text.strip_prefix("--") {
            match long {
                "version" | "help" => return ShellRun::Info,
                "rcfile" | "init-file" => i += 1,
                "login" | "noprofile" | "norc" | "posix" | "restricted" | "verbose"
                | "noediting" | "debugger" | "dump-strings" | "dump-po-strings"
                | "pretty-print" => {}
                _ => return ShellRun::BadOption(text.to_owned()),
            }
            continue;
        }
        let enable = text.starts_with('-');
        for letter in text.chars().skip(1) {
            match letter {
                'c' if enable => command_mode = true,
                'n' if enable => no_exec = true,
                // `-o pipefail`, `+O extglob`: each takes the next word.
                'o' | 'O' => i += 1,
                _ => {}
            }
        }
    }
    match (args.get(i), command_mode) {
        (Some(_), _) if no_exec => ShellRun::NoExec,
        (Some(string), true) => ShellRun::String(string),
        (None, true) => ShellRun::MissingString,
        (Some(script), false) => ShellRun::Script(script),
        (None, false) => ShellRun::Stdin,
    }
}

/// Builtins whose `NAME=value` arguments set variables for the rest of the script.
const EXPORTERS: &[&str] = &["export", "declare", "typeset", "local", "readonly"];

/// Classifies every command of a shell script; the most severe wins.
fn classify_script(label: &str, source: &str, outer: &Scope) -> Classification {
    let script = shell::parse(source);
    let mut scope = outer.clone();
    let mut results = MostSevere::default();
    for command in &script.commands {
        let words = command.words.as_slice();
        let assignments = words
            .iter()
            .take_while(|word| scope::is_assignment(word))
            .count();
        let Some(program) = words.get(assignments) else {
            // Bare assignments set shell variables for the commands that follow.
            assign_all(&mut scope, words);
            continue;
        };
        if !program.dynamic {
            let args = words.get(assignments + 1..).unwrap_or_default();
            if script.functions.iter().any(|name| *name == *program.text) {
                results.add(not_a_tool(
                    Severity::Read,
                    &program.text,
                    args,
                    "calls a function defined in the script; its commands are judged where it is defined".to_owned(),
                ));
                continue;
            }
            if EXPORTERS.contains(&&*program::base_name(&program.text)) {
                assign_all(&mut scope, args);
            }
        }
        scope.stdin_heredoc = command.stdin_heredoc;
        results.add(dispatch::classify_words(words, &scope));
    }
    if let Some(error) = script.error {
        results.add(not_a_tool(
            Severity::Unknown,
            label,
            &[],
            format!("{error}; guard cannot analyse it"),
        ));
    }
    results
        .finish()
        .unwrap_or_else(|| not_a_tool(Severity::Read, label, &[], "runs no command".to_owned()))
}

fn assign_all(scope: &mut Scope, words: &[Word]) {
    for (name, value) in words.iter().filter_map(scope::assignment) {
        scope.assign(name, value);
    }
}

/// What a Python command line asks it to run.
enum PythonRun<'w> {
    Module {
        name: String,
        dynamic: bool,
        rest: &'w [Word<'w>],
    },
    Code,
    Script(&'w Word<'w>),
    Stdin,
    Info,
    BadOption(String),
}

pub(crate) fn python(name: &str, args: &[Word], scope: &Scope) -> Classification {
    let (severity, what) = match python_run(args) {
        PythonRun::Module {
            name,
            dynamic: false,
            rest,
        } if name == "awscli" => {
            let mut words = vec![Word::literal("aws")];
            words.extend_from_slice(rest);
            return dispatch::classify_words(&words, scope);
        }
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
        PythonRun::BadOption(option) => (
            Severity::Unknown,
            format!("option {option} is not one guard understands"),
        ),
    };
    not_a_tool(severity, name, args, what)
}

fn python_run<'w>(args: &'w [Word<'w>]) -> PythonRun<'w> {
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
            return match long {
                "version" | "help" | "help-env" | "help-xoptions" | "help-all" => PythonRun::Info,
                _ => PythonRun::BadOption(text.to_owned()),
            };
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
                        };
                    }
                    return match args.get(i) {
                        Some(module) => PythonRun::Module {
                            name: module.text.to_string(),
                            dynamic: module.dynamic,
                            rest: args.get(i + 1..).unwrap_or_default(),
                        },
                        None => PythonRun::BadOption(text.to_owned()),
                    };
                }
                'c' => return PythonRun::Code,
                'W' | 'X' => {
                    if attached.is_empty() {
                        i += 1;
                    }
                    break;
                }
                'V' | 'h' | '?' => return PythonRun::Info,
                'b' | 'B' | 'd' | 'E' | 'i' | 'I' | 'O' | 'P' | 'q' | 's' | 'S' | 'u' | 'v'
                | 'x' | 'R' => {}
                _ => return PythonRun::BadOption(text.to_owned()),
            }
        }
    }
    PythonRun::Stdin
}
