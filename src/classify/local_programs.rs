//! The local programs guard judges, each with its whole option grammar as data, and the
//! roles of its operands (read files, written files, text, a script).
//!
//! An option the table does not know makes the line unknown, naming it; every path read or
//! written goes through the path classes (`paths`). The option lists were taken from the
//! programs installed here (GNU coreutils 9, grep 3, sed 4, mawk, findutils, util-linux's
//! column, jq 1.6, kislyuk's yq, less, xxd; `tree` from its 2.x manual) with `--help`, and
//! the effects checked by running them.
//!
//! Why not `getopt.rs`: that one stops at the first operand (the wrappers pass the rest to
//! the program they run); these programs permute as GNU getopt_long does, and their table
//! carries each option's effect.
//!
//! The option language: entries separated by spaces; an entry is names separated by `,` (a
//! one-letter name is a short option), then `=` (takes a value: attached or the next word),
//! `?` (an optional value, attached only) or `2` (takes the next two words); a leading `<`
//! means the value names a file the program reads (and may print), `>` a file it writes.
//! `#` is an option made of digits (`tail -20`, `git log -5`); the words `@exact` (no
//! abbreviated long options) and `@single` (no groups of short options: each word is one
//! letter and its attached value) describe parsers other than getopt_long (git's revision
//! options, read with strcmp).

use std::borrow::Cow;

use super::Severity;
use super::paths::{self, PathVerdict, Write};
use super::scope::{Scope, Word};

/// A judge of one parsed command line.
type Judge = fn(&Parsed, &Scope) -> PathVerdict;

pub(crate) struct Program {
    pub names: &'static [&'static str],
    pub options: &'static str,
    /// Whether options may follow operands (GNU getopt's permutation).
    pub permute: bool,
    pub judge: Judge,
}

pub(crate) const fn program(
    names: &'static [&'static str],
    options: &'static str,
    judge: Judge,
) -> Program {
    Program {
        names,
        options,
        permute: true,
        judge,
    }
}

/// One option as found on the line.
pub(crate) struct Found<'w> {
    /// Its first name in the table (`o` for `--output`).
    pub name: &'static str,
    /// As written, for reasons.
    pub written: String,
    pub values: Vec<Word<'w>>,
    pub effect: Effect,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Effect {
    Inert,
    Reads,
    Writes,
}

pub(crate) struct Parsed<'w> {
    pub name: &'static str,
    pub options: Vec<Found<'w>>,
    pub operands: Vec<Word<'w>>,
}

impl Parsed<'_> {
    pub fn has(&self, name: &str) -> bool {
        self.options.iter().any(|found| found.name == name)
    }

    /// The values of every occurrence of an option, in order.
    pub fn values(&self, name: &str) -> Vec<&Word<'_>> {
        self.options
            .iter()
            .filter(|found| found.name == name)
            .filter_map(|found| found.values.last())
            .collect()
    }
}

/// One entry of an option list.
struct Entry {
    names: Vec<&'static str>,
    arity: Arity,
    effect: Effect,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Arity {
    None,
    Required,
    Optional,
    Two,
}

fn entries(options: &'static str) -> Vec<Entry> {
    options
        .split_whitespace()
        .filter(|entry| !entry.starts_with('@'))
        .map(|entry| {
            let (effect, entry) = match entry.as_bytes().first() {
                Some(b'<') => (Effect::Reads, &entry[1..]),
                Some(b'>') => (Effect::Writes, &entry[1..]),
                _ => (Effect::Inert, entry),
            };
            let (arity, entry) = match entry.as_bytes().last() {
                Some(b'=') => (Arity::Required, &entry[..entry.len() - 1]),
                Some(b'?') => (Arity::Optional, &entry[..entry.len() - 1]),
                Some(b'2') if entry.len() > 1 => (Arity::Two, &entry[..entry.len() - 1]),
                _ => (Arity::None, entry),
            };
            Entry {
                names: entry.split(',').collect(),
                arity,
                effect,
            }
        })
        .collect()
}

fn unknown(what: String) -> PathVerdict {
    PathVerdict {
        severity: Severity::Unknown,
        reason: what,
    }
}

/// Splits the line as GNU getopt_long does: short groups, attached values, unique prefixes of
/// long options, `--`, and (when the program permutes) options after operands.
pub(crate) fn parse<'w>(
    program: &'static Program,
    args: &'w [Word<'w>],
) -> Result<Parsed<'w>, (Severity, String)> {
    let name = program.names[0];
    let table = entries(program.options);
    let exact_only = program
        .options
        .split_whitespace()
        .any(|word| word == "@exact");
    let single = program
        .options
        .split_whitespace()
        .any(|word| word == "@single");
    let numbers = table.iter().any(|entry| entry.names == ["#"]);
    let fail = |what: String| Err((Severity::Unknown, what));
    let mut parsed = Parsed {
        name,
        options: Vec::new(),
        operands: Vec::new(),
    };
    let mut i = 0;
    let mut options_end = false;
    while let Some(word) = args.get(i) {
        i += 1;
        let text: &str = &word.text;
        if options_end || text == "-" || !text.starts_with('-') {
            if word.dynamic && !options_end && could_be_option(text) && has_effects(program) {
                return fail(format!(
                    "{text} comes from an expansion and could be an option of {name}; guard cannot tell what it does"
                ));
            }
            parsed.operands.push(word.clone());
            if !program.permute {
                options_end = true;
            }
            continue;
        }
        if text == "--" {
            options_end = true;
            continue;
        }
        let value_word = |at: usize| -> Option<Word<'w>> { args.get(at).cloned() };
        // xxd spells its long options with one dash (`-cols 16`, `-ps`).
        let single_dash_long = (!program.permute && !text.starts_with("--"))
            .then(|| &text[1..])
            .filter(|body| {
                let key = body.split('=').next().unwrap_or(body);
                key.len() > 1 && table.iter().any(|entry| entry.names.contains(&key))
            });
        if let Some(long) = text.strip_prefix("--").or(single_dash_long) {
            let (key, attached) = match long.split_once('=') {
                Some((key, value)) => (key, Some(value)),
                None => (long, None),
            };
            let exact = table
                .iter()
                .find(|entry| entry.names.iter().any(|n| n.len() > 1 && *n == key));
            let entry = match exact {
                Some(entry) => entry,
                None if exact_only => {
                    return fail(format!("option --{key} is not one guard knows for {name}"));
                }
                None => {
                    let mut matching = table.iter().filter(|entry| {
                        entry
                            .names
                            .iter()
                            .any(|n| n.len() > 1 && !key.is_empty() && n.starts_with(key))
                    });
                    match (matching.next(), matching.next()) {
                        (Some(entry), None) => entry,
                        _ => {
                            return fail(format!(
                                "option --{key} is not one guard knows for {name}"
                            ));
                        }
                    }
                }
            };
            let mut values = Vec::new();
            match (entry.arity, attached) {
                (Arity::None, Some(_)) => {
                    return fail(format!(
                        "option {text} takes no value; guard cannot tell what {name} does"
                    ));
                }
                (Arity::None | Arity::Optional, None) => {}
                (Arity::Required | Arity::Optional, Some(value)) => values.push(part(word, value)),
                (Arity::Required, None) => match value_word(i) {
                    Some(value) => {
                        i += 1;
                        values.push(value);
                    }
                    None => return fail(format!("option {text} of {name} lacks its value")),
                },
                (Arity::Two, _) => {
                    for _ in 0..2 {
                        match value_word(i) {
                            Some(value) => values.push(value),
                            None => {
                                return fail(format!("option {text} of {name} lacks its values"));
                            }
                        }
                        i += 1;
                    }
                }
            }
            parsed.options.push(Found {
                name: entry.names[0],
                written: format!("--{key}"),
                values,
                effect: entry.effect,
            });
            continue;
        }
        // A group of short options; the first that takes a value takes the rest of the word.
        let group = &text[1..];
        if numbers && group.bytes().all(|b| b.is_ascii_digit()) {
            parsed.options.push(Found {
                name: "#",
                written: text.to_owned(),
                values: vec![part(word, group)],
                effect: Effect::Inert,
            });
            continue;
        }
        for (at, letter) in group.char_indices() {
            if single && at > 0 {
                return fail(format!(
                    "{text} is not one option of {name}, and {name} reads no groups of them"
                ));
            }
            let short = &group[at..at + letter.len_utf8()];
            let Some(entry) = table.iter().find(|entry| entry.names.contains(&short)) else {
                return fail(format!("option -{short} is not one guard knows for {name}"));
            };
            let rest = &group[at + letter.len_utf8()..];
            let mut values = Vec::new();
            let takes_rest = match entry.arity {
                Arity::None => false,
                Arity::Optional => {
                    if !rest.is_empty() {
                        values.push(part(word, rest));
                    }
                    true
                }
                Arity::Required => {
                    if rest.is_empty() {
                        match value_word(i) {
                            Some(value) => {
                                i += 1;
                                values.push(value);
                            }
                            None => {
                                return fail(format!("option -{short} of {name} lacks its value"));
                            }
                        }
                    } else {
                        values.push(part(word, rest));
                    }
                    true
                }
                Arity::Two => {
                    return fail(format!("option -{short} of {name} is not one guard reads"));
                }
            };
            parsed.options.push(Found {
                name: entry.names[0],
                written: format!("-{short}"),
                values,
                effect: entry.effect,
            });
            if takes_rest {
                break;
            }
        }
    }
    Ok(parsed)
}

/// Whether an expanded word could start with `-`: only when it starts with the expansion
/// (`$X`, a glob); `~/x*`, `/a/$X` and `<(cmd)` cannot.
fn could_be_option(text: &str) -> bool {
    text.starts_with(['$', '`', '*', '?', '[', '{'])
}

/// Part of a word (an attached value) as a word of its own.
fn part<'w>(word: &Word<'w>, value: &str) -> Word<'w> {
    Word {
        text: Cow::Owned(value.to_owned()),
        dynamic: word.dynamic,
    }
}

/// Whether some option could make the program do more than read: then a word from an
/// expansion where an option may stand is unknown.
fn has_effects(program: &Program) -> bool {
    program.options.contains(['<', '>']) || SCRIPTED.contains(&program.names[0])
}

/// Programs whose judge reads a script or an expression from the line.
const SCRIPTED: &[&str] = &[
    "sed", "awk", "jq", "yq", "find", "grep", "tee", "uniq", "xxd",
];

/// The option values with an effect: read files and written ones.
fn option_paths(parsed: &Parsed, scope: &Scope) -> PathVerdict {
    let mut verdict = PathVerdict::ordinary();
    for found in &parsed.options {
        let Some(value) = found.values.last() else {
            continue;
        };
        let next = match found.effect {
            Effect::Inert => continue,
            Effect::Reads => paths::read(value, scope),
            Effect::Writes => paths::write(value, scope, Write::Replace),
        };
        verdict = verdict.or_worse(labelled(&found.written, next));
    }
    verdict
}

pub(crate) fn labelled(label: &str, verdict: PathVerdict) -> PathVerdict {
    if verdict.is_ordinary() {
        return verdict;
    }
    PathVerdict {
        severity: verdict.severity,
        reason: format!("{label} {}", verdict.reason),
    }
}

pub(crate) fn read_all<'a>(
    words: impl IntoIterator<Item = &'a Word<'a>>,
    scope: &Scope,
) -> PathVerdict {
    words
        .into_iter()
        .filter(|word| word.text != "-")
        .map(|word| paths::read(word, scope))
        .fold(PathVerdict::ordinary(), PathVerdict::or_worse)
}

/// Operands are files it reads (and may print): a glob among them may stand for several
/// (`cat *.json`), each still a file it reads.
fn files(parsed: &Parsed, scope: &Scope) -> PathVerdict {
    let operands = parsed
        .operands
        .iter()
        .filter(|word| word.text != "-")
        .map(|word| paths::read_operand(word, scope))
        .fold(PathVerdict::ordinary(), PathVerdict::or_worse);
    option_paths(parsed, scope).or_worse(operands)
}

/// Operands are names it looks up or text it prints, never read.
fn names(parsed: &Parsed, scope: &Scope) -> PathVerdict {
    option_paths(parsed, scope)
}

/// Operands are folders it searches when recursive (`-r`), else files.
fn files_or_trees(parsed: &Parsed, scope: &Scope, recursive: bool) -> PathVerdict {
    let mut verdict = option_paths(parsed, scope);
    for word in parsed.operands.iter().filter(|word| word.text != "-") {
        let next = if recursive {
            paths::read_tree(word, scope)
        } else {
            paths::read(word, scope)
        };
        verdict = verdict.or_worse(next);
    }
    verdict
}

fn diff(parsed: &Parsed, scope: &Scope) -> PathVerdict {
    files_or_trees(parsed, scope, parsed.has("r"))
}

/// `grep PATTERN FILE...` (no pattern operand with `-e`/`-f`); `-r` searches folders, the
/// working folder when none is named.
fn grep(parsed: &Parsed, scope: &Scope) -> PathVerdict {
    // `-d ACTION`: GNU grep takes any unique prefix of read, skip or recurse; the last wins.
    let directories = parsed
        .values("d")
        .last()
        .map(|action| action.text.to_string());
    if let Some(action) = parsed.values("d").last().filter(|action| action.dynamic) {
        return unknown(format!(
            "grep -d {} comes from an expansion; guard cannot tell whether it searches folders",
            action.text
        ));
    }
    let recursive = parsed.has("r")
        || parsed.has("R")
        || directories.is_some_and(|action| action.len() > 2 && "recurse".starts_with(&action));
    let skip = usize::from(!parsed.has("e") && !parsed.has("f"));
    let files: Vec<Word> = parsed.operands.iter().skip(skip).cloned().collect();
    let rest = Parsed {
        name: parsed.name,
        options: Vec::new(),
        operands: if files.is_empty() && recursive {
            vec![Word::literal(".")]
        } else {
            files
        },
    };
    option_paths(parsed, scope).or_worse(files_or_trees(&rest, scope, recursive))
}

/// `uniq [IN [OUT]]`, `python -m json.tool [IN [OUT]]`: the second operand is written.
fn in_out(parsed: &Parsed, scope: &Scope) -> PathVerdict {
    let mut verdict = option_paths(parsed, scope);
    if let Some(input) = parsed.operands.first().filter(|word| word.text != "-") {
        verdict = verdict.or_worse(paths::read(input, scope));
    }
    if let Some(output) = parsed.operands.get(1).filter(|word| word.text != "-") {
        verdict = verdict.or_worse(labelled(
            "its output operand",
            paths::write(output, scope, Write::Replace),
        ));
    }
    if parsed.operands.len() > 2 {
        verdict = verdict.or_worse(unknown(format!(
            "{} takes at most two operands; guard does not know what {} means",
            parsed.name, parsed.operands[2].text
        )));
    }
    verdict
}

/// `tee FILE...` writes every operand (`-a` appends).
fn tee(parsed: &Parsed, scope: &Scope) -> PathVerdict {
    let how = if parsed.has("a") {
        Write::Append
    } else {
        Write::Replace
    };
    parsed
        .operands
        .iter()
        .map(|word| paths::write(word, scope, how))
        .fold(PathVerdict::ordinary(), PathVerdict::or_worse)
}

/// `gunzip FILE.gz` writes FILE and removes FILE.gz; `-c`, `-l`, `-t` and `zcat` only read.
fn gunzip(parsed: &Parsed, scope: &Scope) -> PathVerdict {
    let in_place = parsed.name == "gunzip" && !["c", "l", "t"].iter().any(|o| parsed.has(o));
    let mut verdict = files(parsed, scope);
    if !in_place {
        return verdict;
    }
    if parsed.has("N") {
        return verdict.or_worse(unknown(
            "gunzip -N writes the file the archive's header names; guard cannot tell which"
                .to_owned(),
        ));
    }
    if parsed.has("r") || parsed.has("S") {
        return verdict.or_worse(unknown(
            "gunzip -r or -S: guard cannot tell which files it writes".to_owned(),
        ));
    }
    for word in parsed.operands.iter().filter(|word| word.text != "-") {
        let text: &str = &word.text;
        let out = [".gz", ".tgz", ".z", ".Z"]
            .iter()
            .find_map(|suffix| text.strip_suffix(suffix));
        let out = match (out, text.ends_with(".tgz")) {
            (Some(stem), true) => format!("{stem}.tar"),
            (Some(stem), false) => stem.to_owned(),
            (None, _) => {
                verdict = verdict.or_worse(unknown(format!(
                    "gunzip {text}: guard cannot tell which file it writes"
                )));
                continue;
            }
        };
        let out = Word {
            text: Cow::Owned(out),
            dynamic: word.dynamic,
        };
        verdict = verdict
            .or_worse(paths::write(&out, scope, Write::Replace))
            .or_worse(paths::write(word, scope, Write::Delete));
    }
    verdict
}

/// `less FILE`: a `+CMD` operand runs less commands at the start, `!` among them runs a
/// shell; the commands a person types at the terminal are theirs, as in a shell.
fn pager(parsed: &Parsed, scope: &Scope) -> PathVerdict {
    if let Some(command) = parsed
        .operands
        .iter()
        .find(|word| word.text.starts_with('+'))
    {
        return unknown(format!(
            "{} runs the {} commands {} first; guard does not read them",
            parsed.name, parsed.name, command.text
        ));
    }
    files(parsed, scope)
}

/// `hostname NAME` sets the system's name.
fn hostname(parsed: &Parsed, scope: &Scope) -> PathVerdict {
    match parsed.operands.first() {
        Some(name) => PathVerdict {
            severity: Severity::Write,
            reason: format!("sets the system's host name to {}", name.text),
        },
        None => names(parsed, scope),
    }
}

/// `jq FILTER FILE...` and kislyuk's `yq`: the filter may print the environment (`env`,
/// `$ENV`) or read modules; `-f` takes the filter from a file guard does not read.
fn jq(parsed: &Parsed, scope: &Scope) -> PathVerdict {
    let mut verdict = option_paths(parsed, scope);
    if parsed.has("f") {
        return verdict.or_worse(unknown(format!(
            "{} -f takes its filter from a file guard does not read",
            parsed.name
        )));
    }
    // Two programs are called yq: kislyuk's (jq's grammar, installed here) and mikefarah's (Go:
    // Homebrew, snap, most CI images). Read only what both read: mikefarah's `-s EXPR` writes a
    // file per document named by the expression (red team R26).
    if parsed.name == "yq" && parsed.has("s") {
        return verdict.or_worse(unknown(
            "yq -s is kislyuk's --slurp but mikefarah's --split-exp, which writes a file per document named by an expression"
                .to_owned(),
        ));
    }
    let mut operands = parsed.operands.iter();
    // mikefarah's yq: `yq eval EXPR FILE`.
    if parsed.name == "yq"
        && parsed
            .operands
            .first()
            .is_some_and(|word| matches!(&*word.text, "e" | "eval" | "ea" | "eval-all"))
    {
        operands.next();
    }
    match operands.next() {
        Some(filter) if filter.dynamic => {
            return verdict.or_worse(unknown(format!(
                "the filter {} comes from an expansion; guard cannot tell what it does",
                filter.text
            )));
        }
        Some(filter) => {
            if let Some(what) = filter_reaches(&filter.text) {
                return verdict.or_worse(what);
            }
        }
        None => {}
    }
    // After `--args`/`--jsonargs` the operands are values, not files.
    let files: Vec<&Word> = if parsed.has("args") || parsed.has("jsonargs") {
        Vec::new()
    } else {
        operands.collect()
    };
    verdict = verdict.or_worse(read_all(files, scope));
    if parsed.has("i") {
        for word in parsed.operands.iter().skip(1) {
            verdict = verdict.or_worse(labelled("-i", paths::write(word, scope, Write::Edit)));
        }
    }
    verdict
}

/// What a jq or yq filter reaches beyond its input: the environment (`env`, `$ENV`,
/// mikefarah's `env()`/`strenv()`), modules or files (`import`, `include`, `load`).
fn filter_reaches(filter: &str) -> Option<PathVerdict> {
    let words = identifiers(filter);
    let env = words.iter().any(|(word, before)| {
        // `env`, `$ENV`, and jq also takes `$ ENV` with blanks between; `.env` is a field.
        (matches!(*word, "env" | "ENV") && *before != '.') || matches!(*word, "strenv" | "envsubst")
    });
    if env {
        return Some(PathVerdict {
            severity: Severity::Export,
            reason: "the filter prints the environment (env, $ENV, mikefarah's strenv and envsubst), which holds guard's credentials: they leave guard unchecked, as after guard env".to_owned(),
        });
    }
    if words
        .iter()
        .any(|(word, before)| *before != '.' && *word == "eval")
    {
        return Some(unknown(
            "the filter uses eval: mikefarah's yq evaluates an expression built at run time, which guard does not see"
                .to_owned(),
        ));
    }
    let loads = words.iter().find(|(word, before)| {
        *before != '.'
            && matches!(
                *word,
                "import"
                    | "include"
                    | "load"
                    | "load_str"
                    | "load_xml"
                    | "load_props"
                    | "load_base64"
            )
    });
    loads.map(|(word, _)| {
        unknown(format!(
            "the filter uses {word}, which reads modules or files guard does not see"
        ))
    })
}

/// The identifiers of a jq-like text with the character before each.
fn identifiers(text: &str) -> Vec<(&str, char)> {
    let mut out = Vec::new();
    let mut before = ' ';
    let mut start = None;
    for (at, c) in text.char_indices() {
        let part = c.is_ascii_alphanumeric() || c == '_';
        match (part, start) {
            (true, None) => start = Some((at, before)),
            (false, Some((from, prev))) => {
                out.push((&text[from..at], prev));
                start = None;
            }
            _ => {}
        }
        before = c;
    }
    if let Some((from, prev)) = start {
        out.push((&text[from..], prev));
    }
    out
}

/// `xxd [options] [IN [OUT]]`: its options are single-dash words, some with a value; `-r`
/// writes binary from a dump, still to OUT.
fn xxd(parsed: &Parsed, scope: &Scope) -> PathVerdict {
    in_out(parsed, scope)
}

/// `file -m A:B:C`: each magic file is read, and its lines are printed in the warnings about
/// them (`file -m ~/.aws/credentials x` prints the keys).
fn file(parsed: &Parsed, scope: &Scope) -> PathVerdict {
    let mut verdict = PathVerdict::ordinary();
    for found in &parsed.options {
        let Some(value) = found.values.last() else {
            continue;
        };
        if found.name != "m" {
            if found.effect == Effect::Reads {
                verdict = verdict.or_worse(labelled(&found.written, paths::read(value, scope)));
            }
            continue;
        }
        for part in value.text.split(':') {
            let magic = Word {
                text: Cow::Owned(part.to_owned()),
                dynamic: value.dynamic,
            };
            verdict = verdict.or_worse(labelled(&found.written, paths::read(&magic, scope)));
        }
    }
    verdict
}

/// BSD option letters of procps `ps` that take no value (`e` prints each process's
/// environment), and those that take the rest of the word or the next word as their value.
const PS_BSD_FLAGS: &str = "acefhjlmnrsuvwxHLMSTVXZ";
const PS_BSD_VALUED: &str = "kOopqtU";

/// The output format keys of procps-ng 4.0.2 (`ps L`): each prints a field of the process
/// table. `environ`, which `ps L` does not list but `-O environ` prints (the process's whole
/// environment, checked), and any other key are not in it.
const PS_FORMAT_KEYS: &[&str] = &[
    "%cpu",
    "%mem",
    "_left",
    "_left2",
    "_right",
    "_right2",
    "_unlimited",
    "_unlimited2",
    "ag_id",
    "ag_nice",
    "args",
    "atime",
    "blocked",
    "bsdstart",
    "bsdtime",
    "c",
    "caught",
    "cgname",
    "cgroup",
    "cgroupns",
    "class",
    "cls",
    "cmd",
    "comm",
    "command",
    "context",
    "cp",
    "cpuid",
    "cputime",
    "cputimes",
    "cuc",
    "cuu",
    "drs",
    "dsiz",
    "egid",
    "egroup",
    "eip",
    "esp",
    "etime",
    "etimes",
    "euid",
    "euser",
    "exe",
    "f",
    "fgid",
    "fgroup",
    "flag",
    "flags",
    "fname",
    "fsgid",
    "fsgroup",
    "fsuid",
    "fsuser",
    "fuid",
    "fuser",
    "gid",
    "group",
    "ignored",
    "intpri",
    "ipcns",
    "label",
    "lastcpu",
    "lim",
    "longtname",
    "lsession",
    "lstart",
    "luid",
    "lwp",
    "lxc",
    "m_drs",
    "m_size",
    "m_trs",
    "machine",
    "maj_flt",
    "majflt",
    "min_flt",
    "minflt",
    "mntns",
    "netns",
    "ni",
    "nice",
    "nlwp",
    "numa",
    "oom",
    "oomadj",
    "opri",
    "ouid",
    "pagein",
    "pcpu",
    "pending",
    "pgid",
    "pgrp",
    "pid",
    "pidns",
    "pmem",
    "policy",
    "ppid",
    "pri",
    "pri_api",
    "pri_bar",
    "pri_baz",
    "pri_foo",
    "priority",
    "psr",
    "pss",
    "rbytes",
    "rchars",
    "rgid",
    "rgroup",
    "rops",
    "rss",
    "rssize",
    "rsz",
    "rtprio",
    "ruid",
    "ruser",
    "s",
    "sched",
    "seat",
    "sess",
    "sgi_p",
    "sgi_rss",
    "sgid",
    "sgroup",
    "sid",
    "sig",
    "sig_block",
    "sig_catch",
    "sig_ignore",
    "sig_pend",
    "sigcatch",
    "sigignore",
    "sigmask",
    "size",
    "slice",
    "spid",
    "stackp",
    "start",
    "start_stack",
    "start_time",
    "stat",
    "state",
    "stime",
    "suid",
    "supgid",
    "supgrp",
    "suser",
    "svgid",
    "svgroup",
    "svuid",
    "svuser",
    "sz",
    "tgid",
    "thcount",
    "tid",
    "time",
    "timens",
    "times",
    "tname",
    "tpgid",
    "trs",
    "trss",
    "tsig",
    "tsiz",
    "tt",
    "tty",
    "tty4",
    "tty8",
    "ucmd",
    "ucomm",
    "uid",
    "uid_hack",
    "uname",
    "unit",
    "user",
    "userns",
    "uss",
    "util",
    "utsns",
    "uunit",
    "vsize",
    "vsz",
    "wbytes",
    "wcbytes",
    "wchan",
    "wchars",
    "wname",
    "wops",
    "zone",
];

/// A `-o`/`-O`/`--format`/BSD `o`/`O` list: keys separated by commas or blanks, each maybe
/// with `:WIDTH`; a key's `=HEADER` takes the rest of the list as its header.
fn ps_format(value: &Word) -> Option<PathVerdict> {
    if value.dynamic {
        return Some(unknown(format!(
            "ps format {} comes from an expansion; guard cannot tell which fields it prints",
            value.text
        )));
    }
    for item in value.text.split([',', ' ', '\t']) {
        let (item, header) = match item.split_once('=') {
            Some((key, _)) => (key, true),
            None => (item, false),
        };
        let key = item.split(':').next().unwrap_or(item);
        if !key.is_empty() && !PS_FORMAT_KEYS.contains(&key) {
            return Some(if key == "environ" {
                PathVerdict {
                    severity: Severity::Export,
                    reason: "ps's environ field prints each process's environment, which holds guard's credentials".to_owned(),
                }
            } else {
                unknown(format!("ps format key {key} is not one guard knows"))
            });
        }
        if header {
            break;
        }
    }
    None
}

/// `ps`: a word without a dash is a group of BSD options, the last of which may take the rest
/// of the word as its value (`ps eU0` is `e` and `U 0`); a number is a process id list.
fn ps(parsed: &Parsed, scope: &Scope) -> PathVerdict {
    for name in ["o", "O", "format"] {
        if let Some(verdict) = parsed.values(name).into_iter().find_map(ps_format) {
            return verdict;
        }
    }
    let mut operands = parsed.operands.iter();
    while let Some(word) = operands.next() {
        if word.dynamic {
            return unknown(format!(
                "ps {} comes from an expansion; guard cannot tell which BSD options it holds",
                word.text
            ));
        }
        if word.text.starts_with(|c: char| c.is_ascii_digit()) {
            continue;
        }
        let mut environment = false;
        for (at, letter) in word.text.char_indices() {
            if PS_BSD_VALUED.contains(letter) {
                let rest = &word.text[at + 1..];
                let value = if rest.is_empty() {
                    operands.next().cloned()
                } else {
                    Some(Word::literal(rest))
                };
                // `ps axo pid,environ`, `ps O environ`: a format list.
                if matches!(letter, 'o' | 'O')
                    && let Some(verdict) = value.as_ref().and_then(ps_format)
                {
                    return verdict;
                }
                break;
            }
            if !PS_BSD_FLAGS.contains(letter) {
                return unknown(format!(
                    "ps {}: {letter} is not a BSD option guard knows",
                    word.text
                ));
            }
            environment |= letter == 'e';
        }
        if environment {
            return PathVerdict {
                severity: Severity::Export,
                reason: "ps e prints each process's environment, which holds guard's credentials"
                    .to_owned(),
            };
        }
    }
    names(parsed, scope)
}

/// The local programs guard judges (shell builtins are judged by `local::judge` itself).
pub(crate) const PROGRAMS: &[Program] = &[
    program(
        &["cat"],
        "A,show-all b,number-nonblank e E,show-ends n,number s,squeeze-blank t T,show-tabs u v,show-nonprinting help version",
        files,
    ),
    program(
        &["head"],
        "# c,bytes= n,lines= q,quiet,silent v,verbose z,zero-terminated help version",
        files,
    ),
    program(
        &["tail"],
        "# c,bytes= f follow? F n,lines= max-unchanged-stats= pid= q,quiet,silent retry s,sleep-interval= v,verbose z,zero-terminated debug help version",
        files,
    ),
    program(
        &["wc"],
        "c,bytes m,chars l,lines L,max-line-length w,words total= debug help version",
        files,
    ),
    program(
        &["sort"],
        "b,ignore-leading-blanks d,dictionary-order f,ignore-case g,general-numeric-sort i,ignore-nonprinting M,month-sort h,human-numeric-sort n,numeric-sort R,random-sort random-source= r,reverse sort= V,version-sort batch-size= c check? C debug k,key= m,merge >o,output= s,stable S,buffer-size= t,field-separator= T,temporary-directory= parallel= u,unique z,zero-terminated help version",
        files,
    ),
    program(
        &["uniq"],
        "c,count d,repeated D all-repeated? f,skip-fields= group? i,ignore-case s,skip-chars= u,unique z,zero-terminated w,check-chars= help version",
        in_out,
    ),
    program(
        &["cut"],
        "b,bytes= c,characters= d,delimiter= f,fields= n complement s,only-delimited output-delimiter= z,zero-terminated help version",
        files,
    ),
    program(
        &["tr"],
        "c,C,complement d,delete s,squeeze-repeats t,truncate-set1 help version",
        names,
    ),
    program(
        &["base64", "base32", "basenc"],
        "d,decode i,ignore-garbage w,wrap= base64 base64url base32 base32hex base16 base2msbf base2lsbf z85 help version",
        files,
    ),
    program(
        &["nl"],
        "b,body-numbering= d,section-delimiter= f,footer-numbering= h,header-numbering= i,line-increment= l,join-blank-lines= n,number-format= p,no-renumber s,number-separator= v,starting-line-number= w,number-width= help version",
        files,
    ),
    program(
        &["tac"],
        "b,before r,regex s,separator= help version",
        files,
    ),
    program(
        &["paste"],
        "d,delimiters= s,serial z,zero-terminated help version",
        files,
    ),
    program(
        &["column"],
        "t,table n,table-name= O,table-order= C,table-column= N,table-columns= l,table-columns-limit= E,table-noextreme= d,table-noheadings m,table-maxout e,table-header-repeat H,table-hide= R,table-right= T,table-truncate= W,table-wrap= L,keep-empty-lines J,json r,tree= i,tree-id= p,tree-parent= c,output-width= o,output-separator= s,separator= x,fillrows h,help V,version",
        files,
    ),
    program(
        &["diff"],
        "normal q,brief s,report-identical-files c C= context? u U= unified? e,ed n,rcs y,side-by-side W,width= left-column suppress-common-lines p,show-c-function F,show-function-line= label= t,expand-tabs T,initial-tab tabsize= suppress-blank-empty l,paginate r,recursive no-dereference N,new-file unidirectional-new-file ignore-file-name-case no-ignore-file-name-case x,exclude= X,exclude-from= S,starting-file= <from-file= <to-file= i,ignore-case E,ignore-tab-expansion Z,ignore-trailing-space b,ignore-space-change w,ignore-all-space B,ignore-blank-lines I,ignore-matching-lines= a,text strip-trailing-cr D,ifdef= old-group-format= new-group-format= unchanged-group-format= changed-group-format= line-format= old-line-format= new-line-format= unchanged-line-format= d,minimal horizon-lines= speed-large-files color? palette= help v,version",
        diff,
    ),
    program(
        &["cmp"],
        "b,print-bytes i,ignore-initial= l,verbose n,bytes= s,quiet,silent help v,version",
        files,
    ),
    program(
        &[
            "md5sum",
            "sha1sum",
            "sha224sum",
            "sha256sum",
            "sha384sum",
            "sha512sum",
            "b2sum",
        ],
        "b,binary c,check tag t,text z,zero ignore-missing quiet status strict w,warn help version",
        files,
    ),
    program(
        &["file"],
        "help v,version <m,magic-file= z,uncompress Z,uncompress-noreport b,brief c,checking-printout e,exclude= exclude-quiet= <f,files-from= F,separator= i,mime apple extension mime-type mime-encoding k,keep-going l,list L,dereference h,no-dereference n,no-buffer N,no-pad 0,print0 p,preserve-date P,parameter= r,raw s,special-files S,no-sandbox d,debug",
        file,
    ),
    program(
        &["stat"],
        "L,dereference f,file-system cached= c,format= printf= t,terse help version",
        names,
    ),
    program(
        &["ls"],
        "a,all A,almost-all author b,escape block-size= B,ignore-backups c C color? d,directory D,dired f F,classify? file-type format= full-time g group-directories-first G,no-group h,human-readable si H,dereference-command-line dereference-command-line-symlink-to-dir hide= hyperlink? indicator-style= i,inode I,ignore= k,kibibytes l L,dereference m n,numeric-uid-gid N,literal o p q,hide-control-chars show-control-chars Q,quote-name quoting-style= r,reverse R,recursive s,size S sort= time= time-style= t T,tabsize= u U v w,width= x X Z,context zero 1 help version",
        names,
    ),
    program(
        &["du"],
        "0,null a,all apparent-size B,block-size= b,bytes c,total D,dereference-args d,max-depth= H h,human-readable inodes k L,dereference l,count-links m P,no-dereference S,separate-dirs si s,summarize t,threshold= time? time-style= X,exclude-from= exclude= x,one-file-system help version",
        names,
    ),
    program(
        &["df"],
        "a,all B,block-size= h,human-readable H,si i,inodes k l,local no-sync output? P,portability sync total t,type= T,print-type x,exclude-type= v help version",
        names,
    ),
    program(
        &["tree"],
        "a d l f x L= R P= I= gitignore gitfile= ignore-case matchdirs metafirst prune info infofile= noreport charset= filelimit= timefmt= p u g s h si du D F inodes device v t c U r dirsfirst filesfirst sort= i A S n C X J H= T= nolinks hintro= houtro= >o= version help",
        names,
    ),
    program(
        &["realpath"],
        "e,canonicalize-existing m,canonicalize-missing L,logical P,physical q,quiet relative-to= relative-base= s,strip,no-symlinks z,zero help version",
        names,
    ),
    program(
        &["readlink"],
        "f,canonicalize e,canonicalize-existing m,canonicalize-missing n,no-newline q,quiet s,silent v,verbose z,zero help version",
        names,
    ),
    program(
        &["basename"],
        "a,multiple s,suffix= z,zero help version",
        names,
    ),
    program(&["dirname"], "z,zero help version", names),
    program(
        &["date"],
        "d,date= debug <f,file= I,iso-8601? resolution R,rfc-email rfc-3339= r,reference= u,utc,universal help version",
        names,
    ),
    program(&["sleep"], "help version", names),
    program(
        &["seq"],
        "f,format= s,separator= w,equal-width help version",
        names,
    ),
    program(&["whoami"], "help version", names),
    // bash's builtin takes -L and -P (and --help), coreutils' also --version; an option
    // either refuses runs nothing, but read is a proof (paths17).
    program(&["pwd"], "L,logical P,physical help version", names),
    program(&["printenv"], "0,null help version", names),
    program(
        &["id"],
        "a Z,context g,group G,groups n,name r,real u,user z,zero help version",
        names,
    ),
    program(
        &["hostname"],
        "a,alias d,domain f,fqdn,long A,all-fqdns i,ip-address I,all-ip-addresses s,short y,yp,nis help V,version",
        hostname,
    ),
    program(
        &["uname"],
        "a,all s,kernel-name n,nodename r,kernel-release v,kernel-version m,machine p,processor i,hardware-platform o,operating-system help version",
        names,
    ),
    program(&["which"], "a s", names),
    program(
        &["grep", "egrep", "fgrep"],
        "E,extended-regexp F,fixed-strings G,basic-regexp P,perl-regexp e,regexp= <f,file= i,ignore-case no-ignore-case y w,word-regexp x,line-regexp z,null-data s,no-messages v,invert-match V,version help m,max-count= b,byte-offset n,line-number line-buffered H,with-filename h,no-filename label= o,only-matching q,quiet,silent binary-files= a,text I d,directories= D,devices= r,recursive R,dereference-recursive include= exclude= exclude-from= exclude-dir= L,files-without-match l,files-with-matches c,count T,initial-tab Z,null B,before-context= A,after-context= C,context= 0 1 2 3 4 5 6 7 8 9 group-separator= no-group-separator color? colour? U,binary",
        grep,
    ),
    program(
        &["tee"],
        "a,append i,ignore-interrupts p output-error? help version",
        tee,
    ),
    program(
        &["gunzip", "zcat"],
        "c,stdout f,force k,keep l,list n,no-name N,name q,quiet r,recursive S,suffix= synchronous t,test v,verbose d,decompress h,help L,license V,version",
        gunzip,
    ),
    program(
        &["less", "more"],
        "N,LINE-NUMBERS n,line-numbers S,chop-long-lines R,RAW-CONTROL-CHARS r,raw-control-chars F,quit-if-one-screen X,no-init i,ignore-case I,IGNORE-CASE M,LONG-PROMPT m,long-prompt E,QUIT-AT-EOF e,quit-at-eof K,quit-on-intr s,squeeze-blank-lines g,hilite-search G,HILITE-SEARCH J,status-column w,hilite-unread W,HILITE-UNREAD x,tabs= j,jump-target= p,pattern= P,prompt= z,window= mouse no-vbell help V,version",
        pager,
    ),
    program(
        &["jq"],
        "n,null-input r,raw-output j,join-output a,ascii-output c,compact-output C,color-output M,monochrome-output S,sort-keys e,exit-status s,slurp R,raw-input tab indent= unbuffered stream seq arg2 argjson2 <slurpfile2 <rawfile2 args jsonargs f,from-file L= h,help V,version",
        jq,
    ),
    program(
        &["yq"],
        "y,yaml-output,yml-output Y,yaml-roundtrip,yml-roundtrip yaml-output-grammar-version,yml-out-ver= w,width= indentless-lists,indentless i,in-place n,null-input r,raw-output j,join-output a,ascii-output c,compact-output C,color-output M,monochrome-output S,sort-keys e,exit-status s,slurp R,raw-input tab indent= arg2 argjson2 <slurpfile2 <rawfile2 args jsonargs f,from-file L= h,help version",
        jq,
    ),
    program(
        &["json.tool"],
        "h,help sort-keys no-ensure-ascii json-lines indent= tab no-indent compact",
        in_out,
    ),
    Program {
        names: &["xxd"],
        options: "a,autoskip b,bits C,capitalize c,cols= E,EBCDIC e g,groupsize= h,help i,include l,len= n,name= o,offset= p,ps,postscript,plain r,revert d s,seek= u v,version R=",
        // xxd's options come before its operands.
        permute: false,
        judge: xxd,
    },
    Program {
        names: &["ps"],
        options: "A e a d N T r x f F H l L j o= O= p= q= s= t= u= U= g= G= C= w y Z M sort= pid= ppid= format= help? version",
        permute: true,
        judge: ps,
    },
];
