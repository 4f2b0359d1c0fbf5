//! Unquoted variables that cannot split: `for r in a b; do aws s3 ls s3://$r; done`.
//!
//! The shell splits an unquoted `$r` on IFS and globs the pieces, so the parser stands for
//! what may follow with a dynamic "further words" word (`shell::push_split`). That word stands
//! for nothing when guard knows every value `r` can have where it is expanded, and each is one
//! plain word. The parser notes the words whose variables are certainly assigned where they
//! are expanded (in the body of a `for` over literal words, or after a bare top-level
//! assignment, `shell::VarSplit`); here the whole script is checked for every way it could
//! give the variable another value:
//!
//! - every assignment of it on the line (bare, prefix, after `export`/`declare`/`local`..., or
//!   in any other word, as bash's `time r=x` makes one) is a literal plain word;
//! - every loop over it is a `for` over literal plain words (`select` reads the terminal);
//! - no builtin that assigns a name (`read`, `printf -v`, `mapfile`, `getopts`, `wait -p`,
//!   `unset`, a bare `declare r`/`local r`, zsh's `print -v`, `vared`...) names it, in any
//!   spelling (`-vr`);
//! - nothing on the line can assign a variable guard does not see: `eval`, `source`, `.`,
//!   `trap`, `let`, `coproc`, `enable`, a program or builtin name from an expansion, or a
//!   change of IFS;
//! - it is not a variable the shell assigns itself (`PWD`, `REPLY`, `OPTARG`, ...) or treats
//!   specially (bash's and zsh's special parameters).
//!
//! A plain word (`shell::is_plain_value`) is non-empty (an empty unquoted expansion is no word at all) and made only of
//! letters, digits and `-_./:,=%+@`: no IFS character (the shells ignore an inherited IFS:
//! checked with bash 5.2, dash and zsh 5.9), no glob character, nothing extglob or brace
//! expansion reads, no backslash.

use super::scope::{SHELL_SPECIAL, Word};
use super::shell::{LoopDef, ShellCommand, is_plain_value};

/// Drops the "further words" of every noted word whose variables cannot split.
pub(crate) fn drop_plain_splits(commands: &mut [ShellCommand], loops: &[LoopDef]) {
    let noted = commands
        .iter()
        .any(|command| !command.var_splits.is_empty());
    if !noted {
        return;
    }
    let mut verdicts: Vec<(String, bool)> = Vec::new();
    let mut drops: Vec<(usize, usize)> = Vec::new();
    for (index, command) in commands.iter().enumerate() {
        for split in &command.var_splits {
            let plain = split.names.iter().all(|name| {
                if let Some((_, known)) = verdicts.iter().find(|(seen, _)| seen == name) {
                    return *known;
                }
                let known = cannot_split(name, commands, loops);
                verdicts.push((name.clone(), known));
                known
            });
            if plain {
                drops.push((index, split.at));
            }
        }
    }
    // Last first, so the earlier positions of a command stay where they were.
    for (index, at) in drops.into_iter().rev() {
        if let Some(command) = commands.get_mut(index)
            && at < command.words.len()
        {
            command.words.remove(at);
        }
    }
    for command in commands.iter_mut() {
        command.var_splits.clear();
    }
}

/// Variables the shells assign themselves or treat specially: never taken as plain.
const SHELL_ASSIGNED: &[&str] = &[
    "IFS",
    "PWD",
    "OLDPWD",
    "REPLY",
    "OPTARG",
    "OPTIND",
    "OPTERR",
    "MAPFILE",
    "RANDOM",
    "SRANDOM",
    "SECONDS",
    "LINENO",
    "HISTCMD",
    "EPOCHSECONDS",
    "EPOCHREALTIME",
    "PPID",
    "UID",
    "EUID",
    "GROUPS",
    "HOSTNAME",
    "HOSTTYPE",
    "MACHTYPE",
    "OSTYPE",
    "SHLVL",
    "COLUMNS",
    "LINES",
    "FUNCNAME",
    "PIPESTATUS",
    "DIRSTACK",
    "COPROC",
    "PATH",
    "HOME",
    "CDPATH",
    "GLOBIGNORE",
    "TMOUT",
    "MAIL",
    "MAILPATH",
    "OPTERR",
    "SHELL",
    "TERM",
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "LC_COLLATE",
    // zsh's special parameters.
    "argv",
    "path",
    "cdpath",
    "fpath",
    "manpath",
    "mailpath",
    "module_path",
    "psvar",
    "status",
    "pipestatus",
    "options",
    "parameters",
    "commands",
    "functions",
    "aliases",
    "builtins",
    "history",
    "historywords",
    "jobstates",
    "jobtexts",
    "jobdirs",
    "dirstack",
    "reswords",
    "signals",
    "termcap",
    "terminfo",
    "userdirs",
    "nameddirs",
    "funcstack",
    "funcfiletrace",
    "funcsourcetrace",
    "functrace",
    "widgets",
    "mapfile",
    "match",
    "mbegin",
    "mend",
    "MATCH",
    "MBEGIN",
    "MEND",
    "ERRNO",
    "TTYIDLE",
    "USERNAME",
    "HISTCHARS",
    "histchars",
    "prompt",
    "PROMPT",
    "RPS1",
    "RPS2",
    "RPROMPT",
    "RPROMPT2",
    "PROMPT2",
    "PROMPT3",
    "PROMPT4",
    "NULLCMD",
    "READNULLCMD",
    "WORDCHARS",
    "KEYTIMEOUT",
    "LISTMAX",
    "TRY_BLOCK_ERROR",
    "TRY_BLOCK_INTERRUPT",
    "PSVAR",
    "CPUTYPE",
    "VENDOR",
    "LOGNAME",
    "TTY",
    "ZDOTDIR",
];

/// Builtins that can assign a variable they name in an operand or an option (`-vNAME`).
const ASSIGNING: &[&str] = &[
    "read",
    "mapfile",
    "readarray",
    "printf",
    "print",
    "wait",
    "getopts",
    "unset",
    "vared",
    "zparseopts",
    "getln",
    "sysread",
    "zstat",
    "stat",
    "strftime",
    "zformat",
    "zstyle",
    "zselect",
    "zregexparse",
    "compgen",
    "select",
];

/// Declaration builtins: `NAME=value` assigns, a bare `NAME` makes it local or unset.
const DECLARING: &[&str] = &[
    "declare", "typeset", "local", "export", "readonly", "integer", "float",
];

/// Builtins after which any variable may hold anything.
const OPAQUE: &[&str] = &[
    "eval", "source", ".", "trap", "let", "coproc", "enable", "emulate", "autoload",
];

/// Whether every value `name` can have on the line is one plain word.
fn cannot_split(name: &str, commands: &[ShellCommand], loops: &[LoopDef]) -> bool {
    if SHELL_ASSIGNED.contains(&name)
        || SHELL_SPECIAL.contains(&name)
        || name.starts_with("BASH")
        || name.starts_with("COMP_")
        || name.starts_with("ZSH_")
        || name.starts_with("READLINE_")
    {
        return false;
    }
    // A loop over IFS changes how every word splits, whatever its values (`for IFS in ,`:
    // red team R28); the loop's header is not a command the IFS test below sees.
    if loops
        .iter()
        .any(|def| (def.name == name && !def.safe) || def.name == "IFS")
    {
        return false;
    }
    commands.iter().all(|command| {
        command.loop_assignment || (leaves_plain(command, name) && leaves_plain(command, "IFS"))
    })
}

/// Whether the command gives `name` only plain values (for `IFS`: never assigns it).
fn leaves_plain(command: &ShellCommand, name: &str) -> bool {
    let ifs = name == "IFS";
    let words = &command.words;
    // Any word spelled `NAME=` or `NAME+=` anywhere: bare and prefix assignments, the
    // operands of declaration builtins, and what follows bash's `time` or `!`.
    let assigns_plainly = words.iter().all(|word| match assigned_name(word) {
        Some((assigned, append)) if assigned == name => {
            !ifs && !append && !word.dynamic && value(word).is_some_and(is_plain_value)
        }
        _ => true,
    });
    if !assigns_plainly {
        return false;
    }
    let lead = words
        .iter()
        .take_while(|word| assigned_name(word).is_some())
        .count();
    let mut rest = &words[lead..];
    // `command read r`, `builtin -- printf -v r`.
    while let Some((first, after)) = rest.split_first()
        && !first.dynamic
        && matches!(
            &*first.text,
            "command" | "builtin" | "noglob" | "nocorrect" | "-"
        )
    {
        rest = after;
        while let Some((option, after)) = rest.split_first()
            && option.text.starts_with('-')
        {
            rest = after;
        }
    }
    let Some((program, args)) = rest.split_first() else {
        return true;
    };
    if program.dynamic || OPAQUE.contains(&&*program.text) {
        return false;
    }
    let program = &*program.text;
    if DECLARING.contains(&program) {
        return args.iter().all(|arg| {
            if arg.dynamic {
                return false;
            }
            let text = &*arg.text;
            if text.starts_with(['-', '+']) {
                // `-n` makes a name reference, `-i` evaluates, `-A`/`-T` tie or map.
                return !text.contains(['n', 'i', 'A', 'T']);
            }
            // `NAME=value` was judged above; a bare `NAME` makes it local (unset) or is
            // nothing guard needs to follow.
            text != name
        });
    }
    if ASSIGNING.contains(&program) {
        return args
            .iter()
            .all(|arg| !arg.dynamic && !names(&arg.text, name));
    }
    true
}

/// Whether an assigning builtin's word names the variable: `r`, `r=...`, `r[...]`, or an
/// option group ending in it (`-vr`, `-ar`).
fn names(text: &str, name: &str) -> bool {
    let attached = text
        .strip_prefix(name)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['=', '[']));
    attached || (text.starts_with('-') && text.ends_with(name))
}

/// The variable a word assigns if it is spelled `NAME=...` or `NAME+=...` (and whether it
/// appends).
fn assigned_name<'w>(word: &'w Word) -> Option<(&'w str, bool)> {
    let (before, _) = word.text.split_once('=')?;
    let (name, append) = match before.strip_suffix('+') {
        Some(name) => (name, true),
        None => (before, false),
    };
    let mut chars = name.chars();
    let shaped = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    shaped.then_some((name, append))
}

/// The text after the first `=`.
fn value<'w>(word: &'w Word) -> Option<&'w str> {
    word.text.split_once('=').map(|(_, value)| value)
}

#[cfg(test)]
mod tests {
    use super::super::shell;

    /// The words of each command, dynamic ones marked with `~`.
    fn words(source: &str) -> Vec<String> {
        let mut script = shell::parse(source);
        super::drop_plain_splits(&mut script.commands, &script.loops);
        script
            .commands
            .iter()
            .map(|command| {
                command
                    .words
                    .iter()
                    .map(|w| {
                        if w.dynamic {
                            format!("~{}", w.text)
                        } else {
                            w.text.to_string()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    fn splits(source: &str) -> bool {
        words(source).iter().any(|w| w.contains("further words"))
    }

    #[test]
    fn plain_loop_and_assigned_values_do_not_split() {
        for source in [
            "for r in a b; do aws s3 ls s3://$r; done",
            "for r in \"a\" 'b'; do aws s3 ls s3://${r}; done",
            "for r in a-1 b.2 c/d:e; do (echo $r) | cat; done",
            "r=prod; aws s3 ls s3://$r",
            "r=prod\naws s3 ls s3://$r",
            "export r=prod && aws s3 ls s3://$r",
            "r=prod; r=dev; echo $r",
            "for r in a; do for q in b; do echo $r/$q; done; done",
            "r=a; f() { echo $r; }; f",
            "for r in a; do echo \"$(echo $r)\"; done",
        ] {
            assert!(!splits(source), "{source}: {:?}", words(source));
        }
    }

    #[test]
    fn values_guard_cannot_see_still_split() {
        for source in [
            // Values that are not one plain word.
            "for r in 'a b'; do echo $r; done",
            "for r in a*; do echo $r; done",
            "for r in 'a*'; do echo $r; done",
            "for r in ''; do echo $r; done",
            "for r in $x; do echo $r; done",
            "for r in a $(cmd); do echo $r; done",
            "for r; do echo $r; done",
            "select r in a b; do echo $r; done",
            "r='a b'; echo $r",
            "r=; echo $r",
            "r=$x; echo $r",
            "r=(a b); echo $r",
            // Another assignment, anywhere on the line.
            "for r in a; do echo $r; r='x y'; done",
            "r=a; f() { r='x -y'; }; f; echo $r",
            "r=a; time r='x y'; echo $r",
            "r=a; r+=' -x'; echo $r",
            "r=a; declare r='x y'; echo $r",
            "r=a; f() { local r; echo $r; }; f",
            "r=a; unset r; echo $r",
            "r=a; read r; echo $r",
            "r=a; read -r -- r; echo $r",
            "r=a; printf -vr '%s' 'x y'; echo $r",
            "r=a; command printf -v r 'x y'; echo $r",
            "r=a; mapfile r < f; echo $r",
            "r=a; wait -n -p r; echo $r",
            "r=a; getopts ab r; echo $r",
            "r=a; declare -n x=r; x='a b'; echo $r",
            "r=a; eval \"$s\"; echo $r",
            "r=a; source ./env.sh; echo $r",
            "r=a; $cmd; echo $r",
            "r=a; IFS=a; echo $r",
            "r=1,--output=x; for IFS in ,; do git log -n $r; done",
            "r=1,x; for IFS in \"$IFS,\"; do git log -n $r; done",
            "r=a; IFS= read -r line; echo $r",
            "r=a; for r in $(ls); do :; done; echo $r",
            "r=a; for r in a $(for q in b; do :; done); do :; done; echo $r",
            "r=a; for r in a $(while c; do :; done); do :; done; echo $r",
            // Not certainly assigned where it is expanded.
            "echo $r; r=a",
            "f() { echo $r; }; r=a; f",
            "true && r=a; echo $r",
            "r=a | cat; echo $r",
            "r=a & echo $r",
            "(r=a); echo $r",
            "if c; then r=a; fi; echo $r",
            "r=a > /nonexistent/x; echo $r",
            "for r in a; do :; done; echo $r",
            "r=a x=$(echo $r)",
            "for r in a; do echo `echo $r`; done",
            "r=a; cat <<EOF\n$(echo $r)\nEOF",
            // The shell's own variables.
            "PWD=/x; echo $PWD",
            "REPLY=a; echo $REPLY",
            "for path in a; do echo $path; done",
            // Other splitting expansions in the same word.
            "r=a; echo $r$(cmd)",
            "r=a; echo $r${x:-y}",
        ] {
            assert!(splits(source), "{source}: {:?}", words(source));
        }
    }
}
