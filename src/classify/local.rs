//! Local programs and shell builtins: read when guard knows every word of the line.
//!
//! A guard that asks before `ls` gets switched off, so these come out Read, but only as a
//! proof: each program has a table of its whole option grammar (`local_programs`), its
//! operands' roles, and the paths it reads or writes go through the path classes (`cat
//! /proc/self/environ` is an export, `sort -o ~/.config/guard/policy.toml` destructive).

use super::Severity;
use super::local_archives;
use super::local_net;
use super::local_node;
use super::local_programs::{PROGRAMS, parse};
use super::local_scripts;
use super::local_sysinfo;
use super::local_system;
use super::local_versions;
use super::scope::{SECRET_VARS, Scope, Word};
use super::shell_options;
use super::verdict::Classify;

pub(crate) fn is_local_read_only(name: &str) -> bool {
    matches!(
        name,
        // Output and inspection.
        "ls" | "cat" | "echo" | "printf" | "pwd" | "printenv" | "head" | "tail" | "wc"
            | "sort" | "uniq" | "cut" | "tr" | "column" | "diff" | "cmp" | "file" | "stat"
            | "basename" | "dirname" | "realpath" | "readlink" | "date" | "whoami" | "id"
            | "hostname" | "uname" | "which" | "type" | "seq" | "sleep" | "true" | "false"
            | "md5sum" | "sha1sum" | "sha256sum" | "base64" | "jq" | "yq" | "grep" | "egrep"
            | "fgrep" | "test" | "[" | "[["
            | "nl" | "tac" | "paste" | "tree" | "du" | "df" | "ps" | "xxd" | "tee" | "gunzip"
            | "zcat" | "less" | "more" | "base32" | "basenc" | "sha224sum" | "sha384sum"
            | "sha512sum" | "b2sum" | "sed" | "awk" | "mawk" | "gawk" | "nawk" | "find"
            // Archives, certificates, DNS and graphs (tools17: local_archives.rs).
            | "tar" | "unzip" | "openssl" | "dig" | "dot" | "wget"
            // Network checks, npm's reads and node's version (tools: local_net.rs, local_node.rs).
            | "ping" | "nslookup" | "host" | "nc" | "traceroute" | "getent" | "npm" | "node"
            | "nodejs"
            // More of what runbooks look at (tools: local_sysinfo.rs).
            | "lsof" | "ip" | "dmesg" | "vmstat" | "lsblk" | "mount" | "sysctl" | "w" | "who"
            | "last" | "nproc" | "lscpu" | "ifconfig" | "arp" | "route"
            // Their version only (tools: local_versions.rs).
            | "java" | "ssh"
            // What runbooks look at (local_system.rs).
            | "uptime" | "free" | "ss" | "netstat" | "top" | "journalctl" | "systemctl"
            // Shell builtins that only change the shell itself.
            | "cd" | "pushd" | "popd" | "export" | "declare" | "typeset" | "local" | "readonly"
            | "unset" | "set" | "shift" | "read" | "exit" | "return" | ":" | "wait"
    )
}

/// What a local program does with these arguments. A program with a table (`PROGRAMS`) is
/// read only when every option is one the table knows and every path it reads or writes is
/// ordinary (`paths`); the others in `is_local_read_only` are shell builtins, judged by
/// their names.
pub(crate) fn judge(
    name: &str,
    args: &[Word],
    scope: &Scope,
    classify: Classify,
) -> (Severity, String) {
    if let Some(what) = prints_credentials(name, args) {
        return (Severity::Export, what);
    }
    if name == "set"
        && let Some(option) = unmodelled_set_option(args)
    {
        return (
            Severity::Unknown,
            format!(
                "set {option}: guard reads later commands as bash does without that option (-k makes every later NAME=VALUE word the command's environment, -a exports every assignment)"
            ),
        );
    }
    if let Some((_, var, what)) = OPTION_VARS
        .iter()
        .find(|(program, var, _)| *program == name && scope.assigned(var).is_some())
    {
        return (
            Severity::Unknown,
            format!("{var} is set on the command line: {what}"),
        );
    }
    if matches!(name, "less" | "more")
        && let Some(var) = super::git::LESS_RUNS
            .iter()
            .find(|var| scope.assigned(var).is_some())
    {
        return (
            Severity::Unknown,
            format!("{var} is set: less runs that command on the file, which guard cannot see"),
        );
    }
    // less writes its search and command history to LESSHISTFILE ("-" or /dev/null: none).
    if matches!(name, "less" | "more")
        && let Some(value) = scope.assigned("LESSHISTFILE")
    {
        let verdict = match value {
            super::scope::EnvValue::Known(path) if matches!(path.as_str(), "-" | "/dev/null") => {
                super::paths::PathVerdict::ordinary()
            }
            super::scope::EnvValue::Known(path) => {
                super::paths::write(&Word::literal(&path), scope, super::paths::Write::Replace)
            }
            super::scope::EnvValue::Dynamic => super::paths::PathVerdict::new(
                Severity::Unknown,
                "LESSHISTFILE comes from an expansion; guard cannot tell which file less writes its history to".to_owned(),
            ),
        };
        if !verdict.is_ordinary() {
            return (
                verdict.severity,
                format!(
                    "LESSHISTFILE is set: less writes its history there: {}",
                    verdict.reason
                ),
            );
        }
    }
    if local_system::NAMES.contains(&name) {
        return local_system::judge(name, args, scope);
    }
    if local_net::NAMES.contains(&name) {
        return local_net::judge(name, args);
    }
    if local_versions::NAMES.contains(&name) {
        return local_versions::judge(name, args, scope);
    }
    if local_sysinfo::NAMES.contains(&name) {
        return local_sysinfo::judge(name, args, scope);
    }
    if local_node::NAMES.contains(&name) {
        return local_node::judge(name, args, scope);
    }
    if local_archives::NAMES.contains(&name) {
        return local_archives::judge(name, args, scope);
    }
    if name == "find" {
        let (severity, what) = local_scripts::find(args, scope, classify);
        return match severity {
            Severity::Read => (Severity::Read, READ.to_owned()),
            _ => (severity, what),
        };
    }
    let Some(program) = PROGRAMS
        .iter()
        .chain(local_scripts::SCRIPTED_PROGRAMS)
        .find(|program| program.names.contains(&name))
    else {
        return (Severity::Read, READ.to_owned());
    };
    match parse(program, args) {
        Ok(parsed) => {
            let verdict = (program.judge)(&parsed, scope);
            if verdict.is_ordinary() {
                (Severity::Read, READ.to_owned())
            } else {
                (verdict.severity, verdict.reason)
            }
        }
        Err(unknown) => unknown,
    }
}

const READ: &str = "local command, does not call AWS";

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
            word.dynamic || SECRET_VARS.contains(&word.text.split('=').next().unwrap_or(""))
        })
    };
    let mentions_credential = || {
        args.iter()
            .any(|word| word.dynamic && SECRET_VARS.iter().any(|var| word.text.contains(var)))
    };
    let prints = match name {
        "printenv" => names.is_empty() || names_credential(&names),
        "export" => {
            (names.is_empty() && !options.contains('f'))
                || (options.contains('p') && names_credential(&names))
        }
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

/// A `set` option guard's reading of the rest of the line does not allow for (see
/// `shell_options`), as the reason names it.
fn unmodelled_set_option(args: &[Word]) -> Option<String> {
    let mut words = args.iter();
    while let Some(word) = words.next() {
        let text = &*word.text;
        if word.dynamic {
            return Some(text.to_owned());
        }
        let on = match text.as_bytes().first() {
            _ if text == "--" || text == "-" => return None,
            Some(b'-') => true,
            Some(b'+') => false,
            // Positional parameters from here on.
            _ => return None,
        };
        for letter in text[1..].chars() {
            if letter == 'o' {
                // `-o NAME` (`-euo pipefail` too); `set -o` alone prints the options.
                let name = words.next()?;
                if on && (name.dynamic || !shell_options::name_modelled(&name.text)) {
                    return Some(format!("-o {}", name.text));
                }
            } else if on && !shell_options::letter_modelled(letter) {
                return Some(format!("-{letter}"));
            }
        }
    }
    None
}

/// Variables that give these programs options or files guard does not see on the line (red
/// team F57, checked with file 5.44 and gzip 1.12).
const OPTION_VARS: &[(&str, &str, &str)] = &[
    (
        "file",
        "MAGIC",
        "file takes its magic files from it and prints their lines in its warnings",
    ),
    (
        "gzip",
        "GZIP",
        "gzip takes options from it (-N writes the name the archive holds)",
    ),
    (
        "gunzip",
        "GZIP",
        "gzip takes options from it (-N writes the name the archive holds)",
    ),
    ("zcat", "GZIP", "gzip takes options from it"),
];

/// A terraform state file or its backup (`terraform.tfstate`, `x.tfstate.backup`).
pub(crate) fn is_terraform_state(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.ends_with(".tfstate") || name.contains(".tfstate.")
}
