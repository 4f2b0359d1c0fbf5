//! Programs and shell builtins that are plainly local and read-only.
//!
//! A guard that asks before `ls` gets switched off, so these come out Read. Left out on
//! purpose: anything that runs other commands or code (`awk` has `system()`, GNU `sed` has
//! `e`, `find` has `-exec`, pagers have `!`), and anything that deletes or moves files.

use super::Severity;
use super::paths::{self, PathVerdict, Write};
use super::scope::{CREDENTIAL_VARS, Scope, Word};

pub(crate) fn is_local_read_only(name: &str) -> bool {
    matches!(
        name,
        // Output and inspection.
        "ls" | "cat" | "echo" | "printf" | "pwd" | "printenv" | "head" | "tail" | "wc"
            | "sort" | "uniq" | "cut" | "tr" | "column" | "diff" | "cmp" | "file" | "stat"
            | "basename" | "dirname" | "realpath" | "readlink" | "date" | "whoami" | "id"
            | "hostname" | "uname" | "which" | "type" | "seq" | "sleep" | "true" | "false"
            | "md5sum" | "sha1sum" | "sha256sum" | "base64" | "jq" | "yq" | "grep" | "egrep"
            | "fgrep" | "rg" | "test" | "[" | "[["
            // Shell builtins that only change the shell itself.
            | "cd" | "pushd" | "popd" | "export" | "declare" | "typeset" | "local" | "readonly"
            | "unset" | "set" | "shift" | "read" | "exit" | "return" | ":" | "wait"
    )
}

/// Programs that print or digest the files their operands name.
const READS_OPERANDS: &[&str] = &[
    "cat",
    "head",
    "tail",
    "wc",
    "sort",
    "uniq",
    "cut",
    "column",
    "diff",
    "cmp",
    "file",
    "md5sum",
    "sha1sum",
    "sha256sum",
    "base64",
    "jq",
    "yq",
    "grep",
    "egrep",
    "fgrep",
    "rg",
];

/// What a local read-only program does with these arguments: some options make one run a
/// program (`rg --pre`, `sort --compress-program`) or write a file in place.
pub(crate) fn judge(name: &str, args: &[Word], scope: &Scope) -> (Severity, String) {
    if let Some(what) = prints_credentials(name, args) {
        return (Severity::Export, what);
    }
    if READS_OPERANDS.contains(&name) {
        // Any word could be a file it reads; only a credential store changes the verdict
        // (an option's value naming one is read as one: the surer side).
        let export = args
            .iter()
            .map(|word| paths::read(word, scope))
            .find(|verdict| verdict.severity == Severity::Export);
        if let Some(verdict) = export {
            return (verdict.severity, verdict.reason);
        }
    }
    let texts: Vec<&str> = args
        .iter()
        .take_while(|word| word.text != "--")
        .map(|word| &*word.text)
        .collect();
    let option = |long: &str, min: usize| {
        // getopt_long accepts any unique prefix; `min` is the shortest one that is unique.
        texts.iter().enumerate().find_map(|(i, arg)| {
            let (name, value) = match arg.split_once('=') {
                Some((name, value)) => (name, Some(value)),
                None => (*arg, None),
            };
            (name.len() >= min && long.starts_with(name))
                .then(|| value.or_else(|| texts.get(i + 1).copied()).unwrap_or(""))
        })
    };
    let runs = match name {
        "rg" => option("--pre", "--pre".len()).map(|program| ("--pre", program)),
        "sort" => option("--compress-program", "--co".len())
            .map(|program| ("--compress-program", program)),
        _ => None,
    };
    if let Some((flag, program)) = runs {
        return (
            Severity::Unknown,
            format!("{flag} runs {program} on the input; guard cannot see what it does"),
        );
    }
    let written: Vec<&str> = match name {
        "sort" => {
            // `-o FILE`, `-oFILE`, or the last of a group (`-uo FILE`); after a letter
            // that takes a value the rest is that value.
            let short = texts.iter().enumerate().find_map(|(i, arg)| {
                let group = arg
                    .strip_prefix('-')
                    .filter(|group| !group.starts_with('-'))?;
                for (at, letter) in group.char_indices() {
                    match letter {
                        'k' | 't' | 'S' | 'T' => return None,
                        'o' => {
                            let value = &group[at + 1..];
                            return Some(if value.is_empty() {
                                texts.get(i + 1).copied().unwrap_or("")
                            } else {
                                value
                            });
                        }
                        _ => {}
                    }
                }
                None
            });
            short
                .or_else(|| option("--output", "--o".len()))
                .into_iter()
                .collect()
        }
        "yq" if texts
            .iter()
            .any(|arg| matches!(*arg, "-i" | "--inplace" | "-i=true")) =>
        {
            texts
                .iter()
                .copied()
                .filter(|arg| !arg.starts_with('-'))
                .collect()
        }
        _ => Vec::new(),
    };
    let (how, flag) = match name {
        "sort" => (Write::Replace, "-o"),
        _ => (Write::Edit, "-i"),
    };
    let verdict = written
        .iter()
        .map(|path| paths::write(&Word::literal(path), scope, how))
        .fold(PathVerdict::ordinary(), PathVerdict::or_worse);
    if !verdict.is_ordinary() {
        return (verdict.severity, format!("{flag} {}", verdict.reason));
    }
    (
        Severity::Read,
        "local command, does not call AWS".to_owned(),
    )
}

/// What prints the environment guard injects the credentials into: `printenv` (all of it, or
/// a credential variable), the listing forms of `export`, `declare`, `typeset` and `set`, and
/// `echo`/`printf` of a credential variable. Whatever reads the output has the credentials, as
/// after `guard env`.
fn prints_credentials(name: &str, args: &[Word]) -> Option<String> {
    let is_option = |word: &&Word| word.text.starts_with(['-', '+']) && word.text.len() > 1;
    let options: String = args
        .iter()
        .filter(is_option)
        .map(|word| word.text.trim_start_matches(['-', '+']))
        .collect();
    let names: Vec<&Word> = args.iter().filter(|word| !is_option(word)).collect();
    let names_credential = |names: &[&Word]| {
        names.iter().any(|word| {
            word.dynamic || CREDENTIAL_VARS.contains(&word.text.split('=').next().unwrap_or(""))
        })
    };
    let mentions_credential = || {
        args.iter()
            .any(|word| word.dynamic && CREDENTIAL_VARS.iter().any(|var| word.text.contains(var)))
    };
    let prints = match name {
        "printenv" => names.is_empty() || names_credential(&names),
        "export" => names.is_empty() && !options.contains('f'),
        "declare" | "typeset" => {
            (names.is_empty() && !options.contains(['f', 'F']))
                || (options.contains('p') && names_credential(&names))
        }
        "set" => args.is_empty(),
        "echo" | "printf" => mentions_credential(),
        _ => false,
    };
    prints.then(|| {
        "prints the environment's credentials (the ones guard injects); what reads them is not checked"
            .to_owned()
    })
}

/// A terraform state file or its backup (`terraform.tfstate`, `x.tfstate.backup`).
pub(crate) fn is_terraform_state(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.ends_with(".tfstate") || name.contains(".tfstate.")
}
