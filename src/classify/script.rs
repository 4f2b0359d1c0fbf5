//! A shell script as its shell runs it: every command in order, with what the script's own
//! builtins change for the commands after them (variables, functions, credentials).
//!
//! The shell is an allowlist. The parser (`shell`) names every construct it does not model;
//! here the builtins are checked the same way: a builtin form guard does not model exactly
//! (arithmetic, `printf -v`/`read` into a variable a tool reads, `declare -n`, a name from an
//! expansion, `exec` changing the script's descriptors, `source`) makes the script unknown,
//! with the form named.

use std::borrow::Cow;

use super::pathname::WorkDir;
use super::program::Program;
use super::scope::{self, Dialect, EnvValue, SECRET_VARS, SHELL_SPECIAL, Scope, Word, Wrote};
use super::shell::{self, Chain, Construct, ShellCommand};
use super::verdict::{Classify, MostSevere, not_a_tool};
use super::wrappers::{self, Unwrap, Wrapper};
use super::{Classification, Severity};
use super::{paths, program, split_vars};

/// Builtins whose `NAME=value` arguments set variables for the rest of the script.
const EXPORTERS: &[&str] = &["export", "declare", "typeset", "local", "readonly"];

/// Programs whose `completion SHELL` output `source <(...)` may load: it only defines the
/// tool's completion functions.
const COMPLETIONS: &[(&str, &str)] = &[
    ("kubectl", "completion"),
    ("helm", "completion"),
    ("eksctl", "completion"),
    ("pulumi", "gen-completion"),
];

/// Classifies every command of a shell script; the most severe wins.
pub(crate) fn classify(
    label: &str,
    source: &str,
    outer: &Scope,
    classify: Classify,
) -> Classification {
    let dialect = outer.dialect;
    let mut script = shell::parse_as(source, dialect);
    split_vars::drop_plain_splits(&mut script.commands, &script.loops);
    let mut results = MostSevere::default();
    let unknown = |what: String| not_a_tool(Severity::Unknown, label, &[], what);
    if let Some(secret) = script
        .expanded
        .iter()
        .find(|name| SECRET_VARS.contains(&name.as_str()))
    {
        results.add(not_a_tool(
            Severity::Export,
            label,
            &[],
            format!(
                "expands ${secret}, a credential guard injects: the program it reaches may print it, and what reads that is not checked"
            ),
        ));
    }
    // Arithmetic evaluates a name in the expression, or in a variable's value, as a variable
    // and prints the value in its error (bash: "wJalr...: division by 0"), so a script that
    // evaluates arithmetic and names a secret anywhere may print it.
    let arithmetic = script.unmodelled.iter().any(|unmodelled| {
        matches!(
            unmodelled.construct,
            Construct::Arithmetic | Construct::Subscript
        )
    }) || source.contains("let ")
        || source.contains("declare -i")
        || source.contains("typeset -i")
        || source.contains("local -i");
    if arithmetic && let Some(secret) = SECRET_VARS.iter().find(|name| source.contains(*name)) {
        results.add(not_a_tool(
            Severity::Export,
            label,
            &[],
            format!(
                "evaluates arithmetic and names {secret}: bash prints a value it cannot evaluate in its error, and what reads that is not checked"
            ),
        ));
    }
    for unmodelled in &script.unmodelled {
        let severity = if unmodelled.construct == Construct::Indirect {
            // `${!v}` or `${!AWS*}` can name guard's credentials.
            Severity::Export
        } else {
            Severity::Unknown
        };
        results.add(not_a_tool(
            severity,
            label,
            &[],
            format!(
                "{} is {}; guard does not model it",
                unmodelled.source,
                unmodelled.construct.describe()
            ),
        ));
    }
    let mut scope = outer.clone();
    let mut folders = Folders::new(scope.workdir().clone());
    // The commands that may run at the same time as later ones, with their scope, and what
    // each command writes, for them.
    let mut concurrent: Vec<(usize, Scope)> = Vec::new();
    let mut effects: Vec<(usize, Effect)> = Vec::new();
    // The functions defined at each point: a call before the definition, or after
    // `unset -f`, runs the program of that name.
    let mut defined: Vec<&str> = Vec::new();
    let mut definitions = script.functions.iter().peekable();
    for (index, command) in script.commands.iter().enumerate() {
        while let Some(function) = definitions.next_if(|function| function.from <= index) {
            defined.push(&function.name);
        }
        let words = command.words.as_slice();
        let folder = folders.enter(command);
        if scope.workdir() != &*folder {
            scope.set_workdir(folder.into_owned());
        }
        // The commands after this one read what its redirections and its programs write
        // (every judge notes the paths it sees written: `tee`, `sort -o`, `aws s3 cp`, ...).
        let mark = scope.journal_mark();
        let mut written = Vec::new();
        for target in &command.reads {
            let verdict = paths::read(target, &scope);
            if !verdict.is_ordinary() {
                results.add(not_a_tool(
                    verdict.severity,
                    label,
                    &[],
                    format!("a redirection {}", verdict.reason),
                ));
            }
        }
        for output in &command.writes {
            let how = if output.append {
                paths::Write::Append
            } else {
                paths::Write::Replace
            };
            let verdict = paths::write(&output.target, &scope, how);
            if !verdict.is_ordinary() {
                results.add(not_a_tool(
                    verdict.severity,
                    label,
                    &[],
                    format!("a redirection {}", verdict.reason),
                ));
            }
            // An ordinary file is no configuration a tool trusts.
            if verdict.is_ordinary()
                && let paths::Located::At(at) = paths::locate(&output.target, &scope)
            {
                written.push((at, false));
            } else if let paths::Located::At(at) = paths::locate(&output.target, &scope) {
                let trusted = trusts(&at, &scope);
                if trusted && command.flow.conditional {
                    results.add(unknown(format!(
                        "writes {} in a loop, condition or function: guard cannot order it against the commands that read it",
                        output.target.text
                    )));
                }
                written.push((at, trusted));
            }
        }
        'judged: {
            let assignments = words
                .iter()
                .take_while(|word| scope::is_assignment(word))
                .count();
            if let Some(why) = words[..assignments]
                .iter()
                .find_map(|word| special_write(word, dialect))
            {
                results.add(unknown(why));
            }
            let Some(program) = words.get(assignments) else {
                // Bare assignments set shell variables for the commands that follow.
                assign_all(&mut scope, words);
                break 'judged;
            };
            if !program.dynamic {
                let args = words.get(assignments + 1..).unwrap_or_default();
                if defined.contains(&&*program.text) {
                    let result = match scope.trusted_written() {
                        Some(written) => not_a_tool(
                            Severity::Unknown,
                            &program.text,
                            args,
                            format!(
                                "calls a function after the line writes {written}: its commands, judged where it is defined, run after that write"
                            ),
                        ),
                        None => not_a_tool(
                            Severity::Read,
                            &program.text,
                            args,
                            "calls a function defined in the script; its commands are judged where it is defined".to_owned(),
                        ),
                    };
                    results.add(result);
                    break 'judged;
                }
                let (base, args) = builtin_of(&program.text, args);
                // POSIX shells (dash as sh, bash in posix mode) keep the assignments before a
                // special builtin for the rest of the script (`PATH=/x :; aws ...`); bash
                // otherwise drops them, so keeping them here is only ever stricter.
                if SPECIAL_BUILTINS.contains(&&*base) {
                    assign_all(&mut scope, &words[..assignments]);
                }
                if let Some(why) = drops_credentials(&base, args) {
                    scope.lose_credentials(why);
                }
                match builtin(&base, args, command) {
                    Builtin::Plain => {}
                    Builtin::Unmodelled(why) => {
                        results.add(not_a_tool(Severity::Unknown, &base, args, why));
                        break 'judged;
                    }
                    Builtin::Judged(severity, why) => {
                        results.add(not_a_tool(severity, &base, args, why));
                        break 'judged;
                    }
                    Builtin::Assigns(names) => {
                        for name in names {
                            if let Some(why) = unknown_value(&base, name, dialect) {
                                results.add(not_a_tool(Severity::Unknown, &base, args, why));
                            }
                            scope.assign(name.to_owned(), EnvValue::Dynamic);
                        }
                    }
                    Builtin::Eval(code) => {
                        // The prefix assignments are the eval'd commands' environment
                        // (`PATH=/x eval aws s3 ls`): kept above, as eval is special.
                        let mut inner = scope.clone();
                        inner.stdin_heredoc = command.stdin_heredoc;
                        inner.stdin_blank = command.stdin_blank;
                        results.add(self::classify("eval", &code, &inner, classify));
                        // eval runs in this shell: what its code changes (variables, the
                        // folder, options, functions) holds for the commands after it, and
                        // guard judged it apart from them.
                        if index + 1 < script.commands.len()
                            && let Some(change) = shell_state_change(&code)
                        {
                            results.add(unknown(format!(
                                "eval {change} in the script's own shell, which holds for the commands after it; guard does not carry that over"
                            )));
                        }
                        break 'judged;
                    }
                }
                if EXPORTERS.contains(&&*base) {
                    if let Some(why) = args.iter().find_map(|word| special_write(word, dialect)) {
                        results.add(unknown(why));
                    }
                    assign_all(&mut scope, args);
                }
                // `unset NAME` removes a function when no variable has the name; `-v` never.
                if base == "unset" && !args.iter().any(|arg| arg.text.starts_with("-v")) {
                    defined.retain(|name| !args.iter().any(|arg| arg.text == *name));
                }
                // A variable a tool reads, removed, moves its default as setting it does
                // (`unset HOME; kubectl get pods` reads `./.kube/config`; red team C1).
                if base == "unset" && !args.iter().any(|arg| arg.text.starts_with("-f")) {
                    for arg in args.iter().filter(|arg| !arg.text.starts_with('-')) {
                        if scope::is_tool_read(&arg.text)
                            && !scope::CREDENTIAL_VARS.contains(&&*arg.text)
                        {
                            scope.assign(arg.text.to_string(), EnvValue::Dynamic);
                        }
                    }
                }
            }
            scope.stdin_heredoc = command.stdin_heredoc;
            scope.stdin_blank = command.stdin_blank;
            results.add(classify(words, &scope));
            if script.concurrent {
                concurrent.push((index, scope.clone()));
            }
        }
        folders.after(command, &scope);
        written.extend(reported(words, &scope));
        for wrote in scope.writes_since(mark) {
            match wrote {
                Wrote::File(at) => {
                    if written.iter().any(|(seen, _)| *seen == at) {
                        continue;
                    }
                    let trusted = trusts(&at, &scope);
                    if trusted && command.flow.conditional {
                        results.add(unknown(format!(
                            "writes {at} in a loop, condition or function: guard cannot order it against the commands that read it"
                        )));
                    }
                    written.push((at, trusted));
                }
                // Files guard cannot name: any of them may be configuration or a project
                // file (`main.tf`, `Makefile`) a later program reads without being told, in
                // that folder or through an option naming it (`terraform -chdir`).
                Wrote::Folder(at) => {
                    if command.flow.conditional {
                        results.add(unknown(format!(
                            "copies files into {at} in a loop, condition or function: guard cannot order it against the commands that read them"
                        )));
                    }
                    effects.push((index, Effect::Folder(at.clone())));
                    scope.wrote_into(at);
                }
                Wrote::Somewhere(word) => {
                    scope.wrote_somewhere(&word);
                    effects.push((index, Effect::Somewhere(word)));
                }
            }
        }
        for (at, trusted) in written {
            effects.push((index, Effect::File(at.clone(), trusted)));
            scope.wrote(at, trusted);
        }
    }
    // With a pipeline, a background job or a process substitution, a command may run after a
    // write that comes later in the text (`(sleep 1; kubectl --kubeconfig kc.yaml get pods) &
    // curl -o kc.yaml URL`): each is judged again with the writes of the commands after it
    // (red team C5). Its own writes are not among them.
    for (index, earlier) in concurrent {
        let later: Vec<&Effect> = effects
            .iter()
            .filter(|(by, _)| *by > index)
            .map(|(_, effect)| effect)
            .collect();
        if later.is_empty() {
            continue;
        }
        let mut merged = earlier;
        for effect in later {
            match effect {
                Effect::File(at, trusted) => merged.wrote(at.clone(), *trusted),
                Effect::Folder(at) => merged.wrote_into(at.clone()),
                Effect::Somewhere(word) => merged.wrote_somewhere(word),
            }
        }
        results.add(classify(&script.commands[index].words, &merged));
    }
    if let Some(error) = script.error {
        results.add(unknown(format!("{error}; guard cannot analyse it")));
    }
    results
        .finish()
        .unwrap_or_else(|| not_a_tool(Severity::Read, label, &[], "runs no command".to_owned()))
}

/// A write a command makes, as the commands after it see it.
enum Effect {
    /// A file, and whether a later program trusts it.
    File(String, bool),
    /// Files guard cannot name, into a folder.
    Folder(String),
    /// A path guard cannot resolve.
    Somewhere(String),
}

/// The file `time -o FILE` (GNU time) writes its report to when the command ends, for the
/// commands after it, and whether a later program trusts it (an alias file, a kubeconfig).
fn reported(words: &[Word], scope: &Scope) -> Vec<(String, bool)> {
    let start = words
        .iter()
        .take_while(|word| scope::is_assignment(word))
        .count();
    let Some((program, rest)) = words[start..].split_first() else {
        return Vec::new();
    };
    if program.dynamic || program::identify(&program.text) != Program::Wrapper(Wrapper::Time) {
        return Vec::new();
    }
    let Unwrap::Run(inner) = wrappers::unwrap(Wrapper::Time, rest) else {
        return Vec::new();
    };
    inner
        .writes
        .iter()
        .filter_map(|(target, _)| match paths::locate(target, scope) {
            paths::Located::At(at) => {
                let trusted = trusts(&at, scope);
                Some((at, trusted))
            }
            paths::Located::Unknown(_) => None,
        })
        .collect()
}

/// Whether programs read the file at `at` without being told, or guard itself does.
fn trusts(at: &str, scope: &Scope) -> bool {
    paths::written_classes(at, scope).iter().any(|class| {
        matches!(
            class,
            paths::PathClass::TrustedConfig(_) | paths::PathClass::GuardControl(_)
        )
    })
}

/// Where the script's commands run, as `cd` moves the shell. A `cd` is believed only where it
/// certainly ran and succeeded: the rest of its `&&` list, the commands after it under
/// `set -e` or `|| exit`; anywhere else the folder is unknown, and so is every relative path
/// read there.
struct Folders {
    /// The folder of the script's own shell.
    shell: WorkDir,
    /// After `cd DIR &&`: the subshell it ran in, and the folder of the rest of its list.
    list: Option<(u32, WorkDir)>,
    /// A `cd` that started the current list in the script's shell, with its folder: whether
    /// it holds afterwards depends on what follows it.
    pending: Option<Pending>,
    /// `set -e` is on in the script's shell: a failing `cd` on its own ends the script.
    errexit: bool,
}

struct Pending {
    folder: WorkDir,
    /// More of its `&&` list followed (a failing `cd` there does not end the script).
    listed: bool,
}

impl Folders {
    fn new(shell: WorkDir) -> Folders {
        Folders {
            shell,
            list: None,
            pending: None,
            errexit: false,
        }
    }

    /// The folder `command` runs in.
    fn enter(&mut self, command: &ShellCommand) -> Cow<'_, WorkDir> {
        let flow = command.flow;
        if let Some(mut pending) = self.pending.take() {
            if flow.shell == 0 {
                match flow.chain {
                    Chain::First => {
                        self.shell = if self.errexit && !pending.listed {
                            pending.folder
                        } else {
                            WorkDir::Unknown(
                                "a cd before it may have failed, and then it runs in the folder before"
                                    .to_owned(),
                            )
                        };
                    }
                    Chain::AfterAnd => {
                        pending.listed = true;
                        self.pending = Some(pending);
                    }
                    Chain::AfterOr if is_exit(command) => self.shell = pending.folder,
                    Chain::AfterOr => {
                        self.shell =
                            WorkDir::Unknown("it runs after a cd that may have failed".to_owned());
                    }
                }
            } else {
                self.pending = Some(pending);
            }
        }
        if flow.chain != Chain::AfterAnd
            && self
                .list
                .as_ref()
                .is_some_and(|(shell, _)| *shell == flow.shell)
        {
            self.list = None;
        }
        match &self.list {
            Some((shell, folder)) if *shell == flow.shell => return Cow::Borrowed(folder),
            _ => {}
        }
        if self.pending.is_some() {
            return Cow::Owned(WorkDir::Unknown(
                "a cd before it may have failed".to_owned(),
            ));
        }
        Cow::Borrowed(&self.shell)
    }

    /// What `command` changed: `cd`, `pushd`, `popd`, `set -e`.
    fn after(&mut self, command: &ShellCommand, scope: &Scope) {
        let flow = command.flow;
        let words = command.words.as_slice();
        let start = words
            .iter()
            .take_while(|word| scope::is_assignment(word))
            .count();
        let Some((first, rest)) = words[start..].split_first() else {
            return;
        };
        if first.dynamic || flow.pipelined {
            return;
        }
        // `builtin cd`, `command -p -- cd`, `builtin command pushd`: the builtin itself.
        let (program, args) = builtin_of(&first.text, rest);
        let in_shell = flow.shell == 0 && !flow.conditional;
        // `CDPATH=/proc cd self`, `HOME=/x cd`: the builtin reads its own prefix assignments.
        let prefixed;
        let scope = if start > 0 {
            let mut with = scope.clone();
            assign_all(&mut with, &words[..start]);
            prefixed = with;
            &prefixed
        } else {
            scope
        };
        let folder = match &*program {
            "set" => {
                if in_shell {
                    self.errexit = errexit(args, self.errexit);
                }
                return;
            }
            "cd" | "pushd" => change_folder(&program, args, scope),
            "popd" => WorkDir::Unknown("popd returns to a folder of the stack".to_owned()),
            _ => return,
        };
        self.list = Some((flow.shell, folder.clone()));
        if in_shell && flow.chain == Chain::First {
            self.pending = Some(Pending {
                folder,
                listed: false,
            });
        } else {
            self.shell = WorkDir::Unknown(format!(
                "{} in a subshell, a list, a loop, a condition or a function moves it or not",
                program
            ));
        }
    }
}

/// `exit` or `return`: ends the script (or function) when the command before it failed.
fn is_exit(command: &ShellCommand) -> bool {
    command
        .words
        .first()
        .is_some_and(|word| !word.dynamic && matches!(&*word.text, "exit" | "return"))
}

/// Whether `set ARGS` leaves errexit on.
fn errexit(args: &[Word], mut on: bool) -> bool {
    let mut words = args.iter();
    while let Some(word) = words.next() {
        let text: &str = &word.text;
        let Some(sign) = text.chars().next().filter(|c| matches!(c, '-' | '+')) else {
            break;
        };
        if text == "--" || text == "-" {
            break;
        }
        for letter in text.chars().skip(1) {
            match letter {
                'e' => on = sign == '-',
                // `-o NAME` takes the next word, whatever it is.
                'o' if words.next().is_some_and(|option| option.text == "errexit") => {
                    on = sign == '-';
                }
                _ => {}
            }
        }
    }
    on
}

/// The folder `cd ARGS` (or `pushd`) moves to, resolved in the scope's folder.
fn change_folder(builtin: &str, args: &[Word], scope: &Scope) -> WorkDir {
    let mut operands = args
        .iter()
        .skip_while(|arg| matches!(&*arg.text, "-L" | "-e"));
    let target = match operands.next() {
        Some(arg) if arg.text == "--" => operands.next(),
        other => other,
    };
    if operands.next().is_some() {
        return WorkDir::Unknown(format!("{builtin} with several operands"));
    }
    let target = match target {
        Some(target) => target.clone(),
        None if builtin == "cd" => match scope.home() {
            Some(EnvValue::Known(home)) => Word {
                text: std::borrow::Cow::Owned(home),
                dynamic: false,
            },
            _ => return WorkDir::Unknown("cd goes to HOME, which guard does not know".to_owned()),
        },
        None => return WorkDir::Unknown("pushd swaps the folder stack".to_owned()),
    };
    let text: &str = &target.text;
    if !target.dynamic && (text == "-" || text.starts_with(['-', '+'])) {
        return WorkDir::Unknown(format!(
            "{builtin} {text} names a folder of the stack or an option"
        ));
    }
    let explicit = text.starts_with('/')
        || text == "."
        || text == ".."
        || text.starts_with("./")
        || text.starts_with("../")
        || text.starts_with('~');
    let cdpath = match scope.var("CDPATH") {
        Some(EnvValue::Known(value)) => !value.is_empty(),
        Some(EnvValue::Dynamic) => true,
        None => false,
    };
    if cdpath && !explicit {
        return WorkDir::Unknown(format!("{builtin} {text} is looked up in CDPATH first"));
    }
    match paths::locate(&target, scope) {
        paths::Located::At(at) => WorkDir::Known(at),
        paths::Located::Unknown(why) => WorkDir::Unknown(why),
    }
}

/// The builtin `builtin` and `command` run: `builtin [--] NAME`, `command [-p] [--] NAME`,
/// nested (`builtin command cd`). `command -v`/`-V` only describe NAME, and a word from an
/// expansion could be anything: then the program stays `command` or `builtin`, which the
/// dispatcher judges. An option bash refuses runs nothing; taking NAME anyway is stricter.
fn builtin_of<'a, 'w>(
    program: &'a str,
    args: &'a [Word<'w>],
) -> (std::borrow::Cow<'a, str>, &'a [Word<'w>]) {
    let mut base = program::base_name(program);
    let mut args = args;
    // bash's `time [-p]` keyword times a pipeline that runs in this shell: the builtin after
    // it still changes the shell (red team R27).
    while matches!(&*base, "builtin" | "command" | "time") {
        let describes = |text: &str| {
            base == "command"
                && text.len() > 1
                && text.starts_with('-')
                && text.contains(['v', 'V'])
        };
        let mut rest = args;
        while let Some((option, after)) = rest.split_first() {
            if option.dynamic || describes(&option.text) {
                return (base, args);
            }
            if option.text == "--" {
                rest = after;
                break;
            }
            // The keyword takes `-p` only (bash runs `time -o f x` as a command named `-o`).
            if base == "time" && option.text != "-p" && option.text.starts_with('-') {
                return (base, args);
            }
            if option.text.len() > 1 && option.text.starts_with('-') {
                rest = after;
                continue;
            }
            break;
        }
        let Some((inner, after)) = rest.split_first() else {
            return (base, args);
        };
        if inner.dynamic {
            return (base, args);
        }
        base = std::borrow::Cow::Borrowed(&*inner.text);
        args = after;
    }
    (base, args)
}

/// What a builtin does beyond running as a program.
enum Builtin<'w> {
    /// Nothing the script's later commands depend on.
    Plain,
    /// A form guard does not model; the text says which.
    Unmodelled(String),
    /// Judged here, whatever the program table says.
    Judged(Severity, String),
    /// Assigns these variables values guard cannot know.
    Assigns(Vec<&'w str>),
    /// `eval` of literal words: the code they join to.
    Eval(String),
}

fn builtin<'w>(name: &str, args: &'w [Word<'w>], command: &ShellCommand) -> Builtin<'w> {
    let options = || {
        args.iter()
            .take_while(|arg| arg.text != "--")
            .filter(|arg| arg.text.len() > 1 && arg.text.starts_with(['-', '+']))
    };
    let has_option = |letter: char| {
        options().any(|arg| arg.text.starts_with('-') && arg.text[1..].contains(letter))
    };
    // A name from an expansion can be `a[$(cmd)]` (and runs it) or any variable.
    let dynamic_name = || {
        args.iter().find(|arg| {
            let name = arg.text.split('=').next().unwrap_or_default();
            name.contains(['$', '`', '['])
        })
    };
    match name {
        "let" => Builtin::Unmodelled(
            "let evaluates arithmetic, which runs a command in a subscript of a variable's value"
                .to_owned(),
        ),
        "declare" | "typeset" | "local" | "readonly" | "export" => {
            // export's `-n` takes the export away (see `drops_credentials`).
            let integer_or_reference = matches!(name, "declare" | "typeset" | "local");
            if let Some(letter) = ['i', 'n']
                .into_iter()
                .find(|&letter| integer_or_reference && has_option(letter))
            {
                let what = if letter == 'i' {
                    "makes an integer variable, whose assignments are evaluated arithmetically"
                } else {
                    "makes a name reference, which reads or writes another variable"
                };
                return Builtin::Unmodelled(format!("{name} -{letter} {what}"));
            }
            match dynamic_name() {
                Some(arg) => Builtin::Unmodelled(format!(
                    "{name} {}: the variable's name comes from an expansion or has a subscript",
                    arg.text
                )),
                None => Builtin::Plain,
            }
        }
        "unset" => match dynamic_name() {
            Some(arg) => Builtin::Unmodelled(format!(
                "unset {}: the name comes from an expansion or has a subscript (evaluated arithmetically)",
                arg.text
            )),
            None => Builtin::Plain,
        },
        "test" | "[" if args.iter().any(|arg| arg.text == "-v") => Builtin::Unmodelled(format!(
            "{name} -v evaluates the subscript of the name it tests"
        )),
        "printf" => match printf_target(args) {
            Some(Ok(target)) => Builtin::Assigns(vec![target]),
            Some(Err(why)) => Builtin::Unmodelled(why),
            None => Builtin::Plain,
        },
        "read" => assigned_names(name, args, "adinNptu"),
        "mapfile" | "readarray" => {
            if has_option('C') {
                return Builtin::Unmodelled(format!(
                    "{name} -C runs a command for the lines it reads"
                ));
            }
            match assigned_names(name, args, "CcdnOsu") {
                Builtin::Assigns(names) if names.is_empty() => Builtin::Assigns(vec!["MAPFILE"]),
                other => other,
            }
        }
        "getopts" => match args {
            [_, target, ..] if !target.dynamic && is_plain_name(&target.text) => {
                Builtin::Assigns(vec![&target.text])
            }
            [_, target, ..] => Builtin::Unmodelled(format!(
                "getopts assigns {}, a name guard cannot tell",
                target.text
            )),
            _ => Builtin::Plain,
        },
        "exec" if args.is_empty() && command.redirected => Builtin::Unmodelled(
            "exec with only redirections changes the descriptors of every later command".to_owned(),
        ),
        "source" | "." => match completion_source(args) {
            Some(tool) => Builtin::Judged(
                Severity::Read,
                format!("loads {tool}'s completion functions, which only complete words"),
            ),
            None => Builtin::Plain,
        },
        "eval" if !args.is_empty() && args.iter().all(|arg| !arg.dynamic) => Builtin::Eval(
            args.iter()
                .map(|arg| &*arg.text)
                .collect::<Vec<_>>()
                .join(" "),
        ),
        _ => Builtin::Plain,
    }
}

/// The variable `printf -v NAME` assigns, if it has `-v`.
fn printf_target<'w>(args: &'w [Word<'w>]) -> Option<Result<&'w str, String>> {
    let mut words = args.iter();
    let first = words.next()?;
    let target = match first.text.strip_prefix("-v") {
        Some("") => words.next()?,
        Some(_) => first,
        None => return None,
    };
    let name = if std::ptr::eq(target, first) {
        &target.text[2..]
    } else {
        &target.text[..]
    };
    Some(if !target.dynamic && is_plain_name(name) {
        Ok(name)
    } else {
        Err(format!(
            "printf -v {name}: the name comes from an expansion or has a subscript (evaluated arithmetically)"
        ))
    })
}

/// The names a `read`-like builtin assigns: its operands, and the value of `-a`. Options
/// in `with_arg` take the next word.
fn assigned_names<'w>(builtin: &str, args: &'w [Word<'w>], with_arg: &str) -> Builtin<'w> {
    let mut names = Vec::new();
    let mut i = 0;
    let mut array_next = false;
    while let Some(arg) = args.get(i) {
        i += 1;
        if arg.dynamic {
            return Builtin::Unmodelled(format!(
                "{builtin} {}: a word from an expansion could be an option or a name with a subscript",
                arg.text
            ));
        }
        let text = &*arg.text;
        if array_next {
            array_next = false;
            names.push(text);
            continue;
        }
        if text == "--" {
            names.extend(args[i..].iter().map(|arg| &*arg.text));
            break;
        }
        if let Some(group) = text.strip_prefix('-').filter(|group| !group.is_empty()) {
            for (at, letter) in group.char_indices() {
                if with_arg.contains(letter) {
                    let attached = &group[at + 1..];
                    if letter == 'a' {
                        if attached.is_empty() {
                            array_next = true;
                        } else {
                            names.push(attached);
                        }
                    } else if attached.is_empty() {
                        i += 1;
                    }
                    break;
                }
            }
            continue;
        }
        names.push(text);
    }
    if let Some(bad) = names.iter().find(|name| !is_plain_name(name)) {
        return Builtin::Unmodelled(format!(
            "{builtin} assigns {bad}, which has a subscript (evaluated arithmetically)"
        ));
    }
    if names.is_empty() && builtin == "read" {
        names.push("REPLY");
    }
    Builtin::Assigns(names)
}

fn is_plain_name(text: &str) -> bool {
    text.chars().next().is_some_and(|c| !c.is_ascii_digit())
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Why a variable assigned a value guard cannot know makes the line unknown.
fn unknown_value(builtin: &str, name: &str, dialect: Dialect) -> Option<String> {
    if is_special(name, dialect) {
        return Some(format!(
            "{builtin} writes {name}, a variable the shell itself expands or obeys"
        ));
    }
    scope::is_tool_read(name).then(|| {
        format!("{builtin} gives {name}, a variable the tools read, a value guard cannot know")
    })
}

/// zsh's own special variables (zshparam), writing which changes what later commands are or
/// runs code: the arrays tied to PATH and CDPATH, the commands run for a bare redirection,
/// the hook arrays and the timers that run `TRAPALRM` and `periodic`.
const ZSH_SPECIAL: &[(&str, &str)] = &[
    (
        "path",
        "ties to PATH (the commands after it are looked up there)",
    ),
    ("cdpath", "ties to CDPATH (cd looks folders up there)"),
    ("module_path", "searches for the modules zmodload loads"),
    ("NULLCMD", "runs for a redirection without a command"),
    (
        "READNULLCMD",
        "runs for an input redirection without a command",
    ),
    ("periodic_functions", "runs as hooks"),
    ("zshexit_functions", "runs as hooks at exit"),
    ("zshaddhistory_functions", "runs as hooks"),
    ("PERIOD", "uses to run the periodic hook"),
    ("TMOUT", "uses to run TRAPALRM"),
];

fn is_special(name: &str, dialect: Dialect) -> bool {
    scope::is_shim_var(name)
        || SHELL_SPECIAL.contains(&name)
        || (dialect == Dialect::Zsh && ZSH_SPECIAL.iter().any(|(special, _)| *special == name))
}

/// Why an assignment word writes one of the shell's special variables.
fn special_write(word: &Word, dialect: Dialect) -> Option<String> {
    let name = word.text.split('=').next()?;
    let name = name.strip_suffix('+').unwrap_or(name);
    if dialect == Dialect::Zsh
        && let Some((_, why)) = ZSH_SPECIAL.iter().find(|(special, _)| *special == name)
    {
        return Some(format!("writes {name}, which zsh {why}"));
    }
    if scope::is_shim_var(name) {
        return Some(format!("writes {name}, {}", scope::SHIM_VAR_WHY));
    }
    SHELL_SPECIAL.contains(&name).then(|| {
        format!(
            "writes {name}, a variable the shell itself expands or obeys (xtrace's PS4, the command hash, start-up files, shell options)"
        )
    })
}

/// The tool whose completion script `source <(TOOL completion SHELL)` loads.
fn completion_source(args: &[Word]) -> Option<&'static str> {
    let [word] = args else { return None };
    let inner = word.text.strip_prefix("<(")?.strip_suffix(')')?;
    let parts: Vec<&str> = inner.split_whitespace().collect();
    let [tool, subcommand, shell_name] = parts.as_slice() else {
        return None;
    };
    if !matches!(*shell_name, "bash" | "zsh") {
        return None;
    }
    COMPLETIONS
        .iter()
        .find(|(name, sub)| name == tool && sub == subcommand)
        .map(|(name, _)| *name)
}

/// Why the script's later commands would not get guard's credentials: `unset` of one of them
/// (or of a name guard cannot see), or `export -n` / `declare +x` taking one out of the
/// environment the commands get.
fn drops_credentials(builtin: &str, args: &[Word]) -> Option<String> {
    let options = || args.iter().filter(|arg| arg.text.starts_with(['-', '+']));
    let unexports = match builtin {
        "unset" => !options().any(|arg| arg.text.contains('f')),
        "export" => options().any(|arg| arg.text.starts_with('-') && arg.text.contains('n')),
        "declare" | "typeset" | "local" => {
            options().any(|arg| arg.text.starts_with('+') && arg.text.contains('x'))
        }
        _ => false,
    };
    if !unexports {
        return None;
    }
    let name = args.iter().find_map(|arg| {
        let name = arg.text.split('=').next().unwrap_or_default();
        (arg.dynamic || scope::CREDENTIAL_VARS.contains(&name)).then_some(&*arg.text)
    })?;
    let command = match options().next() {
        Some(option) if builtin != "unset" => format!("{builtin} {}", option.text),
        _ => builtin.to_owned(),
    };
    Some(format!(
        "{command} {name}: the commands after it would run without guard's credentials"
    ))
}

/// POSIX's special builtins: the assignments before them persist in POSIX shells.
const SPECIAL_BUILTINS: &[&str] = &[
    ":", ".", "break", "continue", "eval", "exec", "exit", "export", "readonly", "return", "set",
    "shift", "times", "trap", "unset",
];

/// What a literal eval's code changes in the shell it runs in, if anything guard can see it
/// may change: an assignment, a function, or a builtin that moves the folder, sets options,
/// variables, aliases, traps or descriptors (or a command name from an expansion).
fn shell_state_change(code: &str) -> Option<String> {
    const STATEFUL: &[&str] = &[
        "cd",
        "pushd",
        "popd",
        "export",
        "declare",
        "typeset",
        "local",
        "readonly",
        "unset",
        "set",
        "shopt",
        "alias",
        "unalias",
        "source",
        ".",
        "eval",
        "exec",
        "trap",
        "read",
        "mapfile",
        "readarray",
        "printf",
        "getopts",
        "umask",
        "hash",
        "enable",
        "builtin",
        "command",
        "let",
        "shift",
    ];
    let parsed = shell::parse(code);
    if let Some(function) = parsed.functions.first() {
        return Some(format!("defines the function {}", function.name));
    }
    for command in &parsed.commands {
        let words = command.words.as_slice();
        let start = words
            .iter()
            .take_while(|word| scope::is_assignment(word))
            .count();
        match words.get(start) {
            None if start > 0 => return Some(format!("assigns {}", words[0].text)),
            None => {}
            Some(program)
                if program.dynamic || STATEFUL.contains(&&*program::base_name(&program.text)) =>
            {
                return Some(format!(
                    "runs {}, which can change the shell's state",
                    program.text
                ));
            }
            Some(_) => {}
        }
    }
    None
}

fn assign_all(scope: &mut Scope, words: &[Word]) {
    for (name, value) in words.iter().filter_map(scope::assignment) {
        scope.assign(name, value);
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Context, FileText, Severity, classify};

    fn judge(shell: &str, source: &str) -> (Severity, String) {
        let env = |name: &str| (name == "HOME").then(|| "/home/user".to_owned());
        let files = |_: &std::path::Path| FileText::Missing;
        let ctx = Context {
            env: &env,
            read_file: &files,
            cwd: Some(std::path::Path::new("/home/user/project")),
            disk: &super::super::NoDisk,
        };
        let argv = [shell, "-c", source].map(str::to_owned);
        let result = classify(&argv, &ctx);
        (result.severity, result.reason)
    }

    #[track_caller]
    fn expect(source: &str, severity: Severity, reason: &str) {
        let (got, why) = judge("bash", source);
        assert_eq!(got, severity, "{source}: {why}");
        assert!(why.contains(reason), "{source}: {why} lacks {reason:?}");
    }

    #[test]
    fn unmodelled_constructs_are_unknown() {
        for (source, reason) in [
            ("echo $((x))", "arithmetic"),
            ("echo $[x]", "arithmetic"),
            ("((x)) && ls", "arithmetic"),
            ("for ((i=0;i<2;i++)); do ls; done", "arithmetic"),
            ("[[ $x -eq 1 ]] && ls", "arithmetic"),
            ("[[ -v a[$x] ]]", "subscript"),
            ("test -v x", "-v"),
            ("[ -v x ]", "-v"),
            ("echo ${x@P}", "transforming"),
            ("echo \"${x/a/b}\"", "transforming"),
            ("echo ${x^^}", "transforming"),
            ("echo ${x:1}", "arithmetic"),
            ("echo ${a[i]}", "subscript"),
            ("a[i]=1", "subscript"),
            ("a=([i]=1)", "subscript"),
            ("echo ${(e)x}", "zsh"),
            (": ${x:=y}", "assigns"),
            ("let x=1", "let"),
            ("declare -i x=1", "integer"),
            ("declare -n r=x", "name reference"),
            ("printf -v 'a[i]' x", "subscript"),
            ("printf -v TF_CLI_ARGS -- -destroy", "TF_CLI_ARGS"),
            ("read TF_CLI_ARGS <<< -destroy", "TF_CLI_ARGS"),
            ("mapfile -C f x < /dev/null", "-C"),
            ("PS4='$(id)'; set -x; ls", "PS4"),
            ("export SHELLOPTS=xtrace", "SHELLOPTS"),
            ("BASH_CMDS[ls]=/tmp/x; ls", "subscript"),
            ("exec 3>&1", "descriptors"),
            ("unset \"$x\"", "expansion"),
            ("source ./x.sh", "runs a script"),
            ("eval \"$x\"", "shell code"),
        ] {
            let (severity, why) = judge("bash", source);
            assert!(severity >= Severity::Unknown, "{source}: {severity} {why}");
            assert!(why.contains(reason), "{source}: {why} lacks {reason:?}");
        }
    }

    #[test]
    fn modelled_forms_stay_read() {
        for source in [
            "echo ${x:-a} ${x#a} ${x%%b} ${#x} ${x} \"$@\" ${a[0]} ${a[@]}",
            "[[ $x > a && -n $y ]] && ls",
            "[ \"$x\" -eq 1 ] && ls",
            "x=$(ls); echo $x",
            "read -r line < f; echo $line",
            "printf -v out %s x; echo $out",
            "source <(kubectl completion bash)",
            "eval 'ls -l'",
            "set -euo pipefail; ls",
        ] {
            let (severity, why) = judge("bash", source);
            assert_eq!(severity, Severity::Read, "{source}: {why}");
        }
    }

    #[test]
    fn credential_expansions_are_exports() {
        for source in [
            "ls \"$AWS_SECRET_ACCESS_KEY\"",
            "cat <<< \"$AWS_SESSION_TOKEN\"",
            "cat <<EOF\n${AWS_ACCESS_KEY_ID}\nEOF",
            "x=$AWS_SECRET_ACCESS_KEY; echo $x",
            "v=AWS_SECRET_ACCESS_KEY; echo ${!v}",
            "echo ${!AWS*}",
            "echo ${AWS_CONTAINER_AUTHORIZATION_TOKEN/x/y}",
        ] {
            expect(source, Severity::Export, "");
        }
        expect("echo '$AWS_SECRET_ACCESS_KEY'", Severity::Read, "local");
        expect(
            "cat <<'EOF'\n$AWS_SECRET_ACCESS_KEY\nEOF",
            Severity::Read,
            "local",
        );
    }
}
