//! From a command's words to a classification: assignments, wrappers, shells, then tools.

use super::pathname::WorkDir;
use super::paths;
use super::program::{self, Program, Tool};
use super::scope::{self, Scope, Word};
use super::verdict::{MostSevere, Verdict, not_a_tool};
use super::wrappers::{self, Unwrap};
use super::{
    Classification, Severity, Understood, argocd, aws, cdk, curl, docker, eksctl, flags, flux, git,
    helm, interpreters, kubectl, kustomize, local, moved, pulumi, sam, terraform, terragrunt,
};

/// Classifies one command (program and arguments, maybe preceded by `NAME=value` words).
pub(crate) fn classify_words(words: &[Word], outer: &Scope) -> Classification {
    let Some(mut scope) = outer.deeper() else {
        return unknown_program(words, "nested too deeply for guard to follow");
    };
    let login_argv0 = std::mem::take(&mut scope.login_argv0);
    let mut start = 0;
    while let Some((name, value)) = words.get(start).and_then(scope::assignment) {
        if let Some(why) = special(&name) {
            return unknown_program(&words[start..], &why);
        }
        scope.assign(name, value);
        start += 1;
    }
    let words = &words[start..];
    let Some(first) = words.first() else {
        return not_a_tool(
            Severity::Unknown,
            "(empty)",
            &[],
            "no command given".to_owned(),
        );
    };
    if first.dynamic {
        return unknown_program(
            words,
            "the command name comes from an expansion; guard cannot see what runs",
        );
    }
    let rest = &words[1..];
    let name = program::base_name(&first.text);
    // The shell and env look a command up in the PATH the command line sets: `aws` there
    // can be any program.
    if !first.text.contains('/') && !is_builtin(&first.text) && path_is_moved(&scope) {
        return unknown_program(
            words,
            "PATH is set on the command line: the program of this name is looked up there, and guard cannot tell what it is",
        );
    }
    // The loader obeys these for the program itself, whatever it then runs (`env -i`, a
    // shell that only checks syntax); a builtin's name run through `env` is a program too.
    if let Some(var) = scope::LOADER_VARS
        .iter()
        .find(|var| scope.assigned(var).is_some())
    {
        return unknown_program(
            words,
            &format!(
                "{var} is set on the command line: the loader loads that code into the program first, code guard cannot see"
            ),
        );
    }
    let program = program::identify(&first.text);
    // A file the line wrote earlier that programs read without being told (a kubeconfig,
    // a shell start-up file, the AWS CLI's config): guard judged none of its new content.
    if let Some(written) = scope.trusted_written()
        && !is_builtin(&first.text)
        && !matches!(program, Program::Wrapper(_))
    {
        return unknown_program(
            words,
            &format!(
                "runs after the line writes {written}, which it may read: guard cannot know what it will hold"
            ),
        );
    }
    match program {
        Program::Tool(tool) => run_tool(tool, rest, &scope),
        Program::Wrapper(wrapper) => match wrappers::unwrap(wrapper, rest) {
            Unwrap::Run(inner) => {
                for (var, value) in inner.assignments {
                    if let Some(why) = special(&var) {
                        return not_a_tool(Severity::Unknown, &name, rest, why);
                    }
                    scope.assign(var, value);
                }
                if let Some(why) = inner.credential_change {
                    scope.lose_credentials(why);
                }
                if let Some(var) = inner
                    .obeys
                    .iter()
                    .find_map(|var| scope.assigned_prefixed(var))
                {
                    return not_a_tool(
                        Severity::Unknown,
                        &name,
                        rest,
                        format!("{var} is set on the command line: it changes what {name} runs"),
                    );
                }
                if let Some(var) = inner.obeys.iter().find_map(|prefix| {
                    NPM_RUNS
                        .iter()
                        .find(|var| var.starts_with(prefix) && scope.var(var).is_some())
                }) {
                    return not_a_tool(
                        Severity::Unknown,
                        &name,
                        rest,
                        format!("{var} is set: npx runs what it says instead"),
                    );
                }
                let mut own = MostSevere::default();
                for target in &inner.reads {
                    let verdict = paths::read(target, &scope);
                    if !verdict.is_ordinary() {
                        own.add(not_a_tool(verdict.severity, &name, rest, verdict.reason));
                    }
                }
                for (target, append) in &inner.writes {
                    let how = if *append {
                        paths::Write::Append
                    } else {
                        paths::Write::Replace
                    };
                    let verdict = paths::write(target, &scope, how);
                    if !verdict.is_ordinary() {
                        own.add(not_a_tool(verdict.severity, &name, rest, verdict.reason));
                    }
                }
                if let Some(dir) = &inner.chdir {
                    scope.set_workdir(match paths::locate(dir, &scope) {
                        paths::Located::At(at) => WorkDir::Known(at),
                        paths::Located::Unknown(why) => WorkDir::Unknown(why),
                    });
                }
                scope.open_ended |= inner.appends_args;
                scope.login_argv0 = inner.login;
                let mut result = classify_words(&inner.words, &scope);
                if inner.appends_args {
                    result
                        .reason
                        .push_str(" (via xargs, which appends arguments)");
                }
                if let Some(why) = inner.unproven {
                    let what = format!("{why}; as guard reads it: {}", result.reason);
                    own.add(not_a_tool(Severity::Unknown, &name, rest, what));
                }
                own.add(result);
                own.finish().unwrap_or_else(|| {
                    not_a_tool(Severity::Unknown, &name, rest, "runs nothing".to_owned())
                })
            }
            Unwrap::Done { severity, what } => not_a_tool(severity, &name, rest, what),
        },
        Program::Shell => interpreters::shell(&name, rest, &scope, login_argv0, classify_words),
        Program::Python => interpreters::python(&name, rest, &scope, classify_words),
        Program::Opaque(why) => not_a_tool(Severity::Unknown, &name, rest, why.to_owned()),
        Program::Script => unknown_program(words, "runs a script guard cannot see"),
        Program::Local => {
            if let Some(why) = interpreters::preloaded(&scope)
                .or_else(|| moved::config(&name, &scope))
                // kislyuk's yq is a Python program.
                .or_else(|| {
                    (name == "yq")
                        .then(|| interpreters::python_env_code(&scope))
                        .flatten()
                })
            {
                return not_a_tool(Severity::Unknown, &name, rest, why);
            }
            if let Some((severity, why)) = moved::library(&scope) {
                return not_a_tool(severity, &name, rest, why);
            }
            // What xargs appends is an operand too: a file name from input is any file.
            let appended;
            let rest = if scope.open_ended {
                appended = rest
                    .iter()
                    .cloned()
                    .chain(std::iter::once(Word {
                        text: std::borrow::Cow::Borrowed("(input of xargs)"),
                        dynamic: true,
                    }))
                    .collect::<Vec<_>>();
                &appended[..]
            } else {
                rest
            };
            let (severity, what) = local::judge(&name, rest, &scope, classify_words);
            not_a_tool(severity, &name, rest, what)
        }
        Program::Other => not_a_tool(
            Severity::Unknown,
            &name,
            rest,
            "not a tool guard understands".to_owned(),
        ),
    }
}

/// The folders of the system's own software: a `PATH` of only these (as `/etc/zsh/zshenv` and
/// `/etc/profile` set it) finds the programs the system installed, as the user's would.
const SYSTEM_BIN: &[&str] = &[
    "/usr/local/sbin",
    "/usr/local/bin",
    "/usr/sbin",
    "/usr/bin",
    "/sbin",
    "/bin",
    "/usr/games",
    "/usr/local/games",
    "/snap/bin",
];

/// Whether the command line sets a `PATH` in which a program's name may find another program
/// than the user's `PATH` would: any value but a literal list of the system's own folders.
fn path_is_moved(scope: &Scope) -> bool {
    match scope.assigned("PATH") {
        None => false,
        Some(scope::EnvValue::Known(value)) => !value
            .split(':')
            .all(|folder| SYSTEM_BIN.contains(&folder.trim_end_matches('/'))),
        Some(scope::EnvValue::Dynamic) => true,
    }
}

/// npm's settings that change what npx runs, read from the environment it inherits too.
const NPM_RUNS: &[&str] = &[
    "npm_config_call",
    "npm_config_package",
    "npm_config_yes",
    "npm_config_script_shell",
    "NPM_CONFIG_CALL",
    "NPM_CONFIG_PACKAGE",
    "NPM_CONFIG_YES",
    "NPM_CONFIG_SCRIPT_SHELL",
];

/// Why setting the variable for a program makes the line unknown: the shell obeys it, and
/// any program found through PATH may be a shell script (pyenv, asdf and tfenv shims are).
fn special(name: &str) -> Option<String> {
    const SHIM_VARS: &[&str] = &[
        "BASH_ENV",
        "SHELLOPTS",
        "BASHOPTS",
        "PS4",
        "BASH_COMPAT",
        "BASH_LOADABLES_PATH",
    ];
    if scope::is_shim_var(name) {
        return Some(format!(
            "{name} is set on the command line: {}",
            scope::SHIM_VAR_WHY
        ));
    }
    SHIM_VARS.contains(&name).then(|| {
        format!(
            "{name} is set on the command line: a shell obeys it (start-up files, xtrace's PS4, shell options), and the program may be a shell script (pyenv, asdf and tfenv shims are)"
        )
    })
}

/// Shell builtins and keywords: found without PATH.
fn is_builtin(name: &str) -> bool {
    matches!(
        name,
        "cd" | "pushd"
            | "popd"
            | "export"
            | "declare"
            | "typeset"
            | "local"
            | "readonly"
            | "unset"
            | "set"
            | "shift"
            | "read"
            | "exit"
            | "return"
            | ":"
            | "wait"
            | "echo"
            | "printf"
            | "test"
            | "["
            | "[["
            | "true"
            | "false"
            | "command"
            | "builtin"
            | "exec"
            | "eval"
            | "source"
            | "."
            | "alias"
            | "trap"
            | "time"
            | "type"
    )
}

fn unknown_program(words: &[Word], what: &str) -> Classification {
    let (name, args) = match words.split_first() {
        Some((first, rest)) => (&*first.text, rest),
        None => ("(empty)", words),
    };
    not_a_tool(Severity::Unknown, name, args, what.to_owned())
}

fn run_tool(tool: Tool, words: &[Word], scope: &Scope) -> Classification {
    let args: Vec<String> = words.iter().map(|word| word.text.to_string()).collect();
    // The AWS CLI and SAM are Python programs.
    let hidden_code = interpreters::preloaded(scope)
        .or_else(|| {
            matches!(tool, Tool::Aws | Tool::Sam)
                .then(|| interpreters::python_env_code(scope).or_else(|| moved::user_site(scope)))
                .flatten()
        })
        .map(|why| (Severity::Unknown, why))
        .or_else(|| moved::library(scope));
    if let Some((severity, why)) = hidden_code {
        return Classification {
            severity,
            reason: format!("{}: {why}", tool.name()),
            tool: Some(tool.name().to_owned()),
            command: Vec::new(),
            args,
            credential_override: scope.credential_override(),
            understood: Understood {
                program: tool.name().to_owned(),
                ..Understood::default()
            },
            others: Vec::new(),
        };
    }
    // What the tool parsers judge: expansions marked, and one marked word standing for
    // whatever xargs appends. It is spelled as an expansion (`$(...)`): the input is words
    // where an option may stand (`echo --output=F | xargs git log`), so every judge treats
    // it as it treats `$X`, never as a positional's literal suffix.
    let mut judged: Vec<String> = words.iter().map(scope::judged_text).collect();
    if scope.open_ended {
        judged.push(format!("{}$(xargs input)", scope::DYNAMIC));
    }
    let mut verdict = judge(tool, &judged, scope);
    // Arguments guard cannot see (xargs input, expansions) could undo a dry-run or help
    // flag, so such a command is also judged as if those flags were absent.
    if scope.open_ended || words.iter().any(|word| word.dynamic) {
        let without: Vec<String> = judged
            .iter()
            .filter(|arg| !flags::is_undoable(arg))
            .cloned()
            .collect();
        if without.len() != judged.len() {
            let mut undone = judge(tool, &without, scope);
            if undone.severity > verdict.severity {
                undone
                    .reason
                    .push_str(" (dry-run flag ignored: later arguments could undo it)");
                verdict = undone;
            }
        }
    }
    let credential_override = verdict
        .credential_override
        .or_else(|| scope.credential_override());
    let understood = Understood {
        program: tool.name().to_owned(),
        path: verdict.command.clone(),
        flags: verdict.flags,
    };
    Classification {
        severity: verdict.severity,
        reason: verdict.reason.replace(scope::DYNAMIC, ""),
        tool: Some(tool.name().to_owned()),
        command: verdict.command,
        args,
        credential_override,
        understood,
        others: Vec::new(),
    }
}

fn judge(tool: Tool, args: &[String], scope: &Scope) -> Verdict {
    match tool {
        Tool::Aws => aws::classify(args, scope),
        Tool::Terraform => terraform::classify(terraform::Flavor::Terraform, args, scope),
        Tool::Tofu => terraform::classify(terraform::Flavor::Tofu, args, scope),
        Tool::Terragrunt => terragrunt::classify(args, scope),
        Tool::Kubectl => kubectl::classify(args, scope),
        Tool::Helm => helm::classify(args, scope),
        Tool::Pulumi => pulumi::classify(args, scope),
        Tool::Cdk => cdk::classify(args, scope),
        Tool::Sam => sam::classify(args, scope),
        Tool::Eksctl => eksctl::classify(args, scope),
        Tool::Flux => flux::classify(args, scope),
        Tool::Argocd => argocd::classify(args, scope),
        Tool::Git => git::classify(args, scope),
        Tool::Curl => curl::classify(args, scope),
        Tool::Docker => docker::classify(args, scope),
        Tool::DockerCompose => docker::classify_compose(args, scope),
        Tool::Kustomize => kustomize::classify(args, scope),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Context, FileText, classify};

    /// Random command lines from a vocabulary of tools, wrappers, flags and shell syntax
    /// must never panic (a tiny deterministic fuzzer).
    #[test]
    fn arbitrary_command_lines_never_panic() {
        let vocabulary = [
            "aws",
            "terraform",
            "tofu",
            "terragrunt",
            "kubectl",
            "helm",
            "pulumi",
            "cdk",
            "sam",
            "eksctl",
            "env",
            "sudo",
            "xargs",
            "nice",
            "timeout",
            "npx",
            "bash",
            "sh",
            "-c",
            "python3",
            "-m",
            "awscli",
            "s3",
            "rb",
            "run-all",
            "run",
            "--",
            "-",
            "--all",
            "-destroy",
            "--dry-run=client",
            "--profile",
            "-n",
            "-S",
            "-i",
            "-u",
            "X=1",
            "TF_CLI_ARGS=destroy",
            "@f",
            "'",
            "\"",
            "$(",
            ")",
            "`",
            "|",
            ";",
            "<<E",
            "\n",
            "docker",
            "docker-compose",
            "compose",
            "-H",
            "npm",
            "view",
            "node",
            "openssl",
            "s_client",
            "</dev/null",
            "echo |",
            "nc",
            "-z",
            "nslookup",
            "ip",
            "lsof",
            "+m",
            "stack",
            "state",
            "rm",
            "delete",
            "-chdir",
            "--reg",
            "=",
            "",
        ];
        let env = |_: &str| Some("-destroy $(x)".to_owned());
        let files = |_: &std::path::Path| FileText::Text("[toplevel]\ns3 = x\n".to_owned());
        let ctx = Context {
            env: &env,
            read_file: &files,
            cwd: Some(std::path::Path::new("/home/user")),
            disk: &super::super::NoDisk,
        };
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let len = (next() % 12) as usize;
            let argv: Vec<String> = (0..len)
                .map(|_| {
                    let pick = (next() % vocabulary.len() as u64) as usize;
                    let mut word = vocabulary[pick].to_owned();
                    if next() % 4 == 0 {
                        word.push_str(vocabulary[(next() % vocabulary.len() as u64) as usize]);
                    }
                    word
                })
                .collect();
            let _ = classify(&argv, &ctx);
        }
    }
}
