//! Path classes: what reading or writing a file means beyond the program that does it.
//!
//! A local program that only reads is harmless unless what it reads holds credentials, and
//! a local write is harmless unless a later command trusts the file, guard itself does, or
//! it holds terraform state. Every path a judge sees (an operand, an option's value, a
//! redirection, an output file) goes through this module:
//!
//! - `read(word, scope)`: reading a *credential store* (the process environment as
//!   `/proc/*/environ`, guard's cache and state, `~/.aws/credentials` and the AWS tools'
//!   token caches) is an **export**;
//! - `write(word, scope, how)`: writing *guard's own control files* (policy layers, the trust
//!   list, the audit log, the cache) is **destructive**, since it can switch protection off;
//!   writing *configuration a later command trusts* (`~/.aws/config`, kubeconfigs, shell
//!   start-up files, `.terraformrc`, git config and hooks, `.npmrc`, ...) is a **write**;
//!   overwriting, appending to or deleting *terraform state* is **destructive**, creating a
//!   new state file is a **write**;
//! - `write_into(word, scope, deletes)`: a copy or sync into a folder (file names guard
//!   cannot see): a folder that holds state counts as overwriting it.
//!
//! Everything else is `Ordinary` and the caller keeps its own verdict (a local read or write
//! of an ordinary file does not touch the cloud: read).
//!
//! A path is resolved as the program will see it: `~` and `$HOME` against the HOME the
//! command runs with, relative paths against the folder the command runs in
//! (`Scope::workdir`, which `cd` and `env -C` change), `//`, `/./` and `..` lexically, and
//! symlinks through the caller's `Disk` (both the spelling and the real path are
//! classified; the worse wins). A path from an expansion or a glob, or relative to a folder
//! guard does not know, is unknown, with the word named in the reason.
//!
//! The store locations are data (`STORES`): each is matched anywhere in the path (so
//! `/home/u/.aws/credentials`, `~/.aws/credentials` and `credentials` read in `~/.aws` are
//! the same), or under guard's own folders as `XDG_*` place them. Variables that move a
//! store (`AWS_SHARED_CREDENTIALS_FILE`, `KUBECONFIG`, ...) are read both from guard's own
//! environment and from the command line. A location variable set from an expansion is
//! ignored here: the tool that reads it judges that itself.

use std::borrow::Cow;
use std::path::Path;

use super::Probe;
use super::Severity;
use super::pathname::{self, probe};
pub(crate) use super::pathname::{WorkDir, normalize};
use super::scope::{EnvValue, Scope, Word, Wrote};

/// The class of a path, the worst of every store it lies in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PathClass {
    /// Reading it hands out credentials (and writing it is what `write` says).
    CredentialStore(&'static str),
    /// guard's own policy, trust list, audit log, cache: writing it switches protection off.
    GuardControl(&'static str),
    /// A later command trusts its content.
    TrustedConfig(&'static str),
    /// Terraform state: overwriting or deleting it loses the record of what exists.
    TerraformState,
    /// A path that reaches other files guard cannot name (`/proc/self/fd/3`, `/proc/1/root`).
    Opaque(&'static str),
}

/// How a line writes a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Write {
    /// Truncates it and writes content of the line's choosing (`>`, `cp` onto it, `sort -o`,
    /// `tee`, `mv` onto it, a download).
    Replace,
    /// Adds to it (`>>`, `tee -a`).
    Append,
    /// Edits it in place (`sed -i`, `yq -i`).
    Edit,
    /// Removes it (`rm`, `sync --delete`, `truncate -s 0` counts as Replace).
    Delete,
}

/// What a path means for the line: the severity it gives, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PathVerdict {
    pub severity: Severity,
    /// Empty for an ordinary path (Read).
    pub reason: String,
}

impl PathVerdict {
    pub fn ordinary() -> PathVerdict {
        PathVerdict {
            severity: Severity::Read,
            reason: String::new(),
        }
    }

    pub fn new(severity: Severity, reason: String) -> PathVerdict {
        PathVerdict { severity, reason }
    }

    /// Whether the path changes nothing about the line's verdict.
    pub fn is_ordinary(&self) -> bool {
        self.severity == Severity::Read
    }

    /// The worse of two; `self` on a tie.
    pub fn or_worse(self, other: PathVerdict) -> PathVerdict {
        if other.severity > self.severity {
            other
        } else {
            self
        }
    }
}

/// Where a word points, as far as guard can tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Located {
    /// Absolute and normalized (no `.`, `..` or empty parts).
    At(String),
    /// Why guard cannot tell (named in the reason).
    Unknown(String),
}

/// Where a word points: `~`/`$HOME` and relative paths resolved, `//`, `/./`, `..` folded.
pub(crate) fn locate(word: &Word, scope: &Scope) -> Located {
    let text: &str = &word.text;
    if is_process_substitution(word) {
        // A pipe to a command the shell judge sees on its own.
        return Located::At("/dev/fd/0".to_owned());
    }
    let spelled = if word.dynamic {
        match home_prefixed(text) {
            Some(rest) => Spelled::Home(rest),
            None => {
                return Located::Unknown(format!("the path {text} comes from an expansion"));
            }
        }
    } else if text == "~" {
        Spelled::Home("")
    } else if let Some(rest) = text.strip_prefix("~/") {
        Spelled::Home(rest)
    } else if text.starts_with('~') {
        return Located::Unknown(format!("{text} names another user's home folder"));
    } else {
        Spelled::Plain(text)
    };
    match spelled {
        Spelled::Home(rest) => match scope.home() {
            Some(EnvValue::Known(home)) if home.starts_with('/') => {
                Located::At(fold(&format!("{home}/{rest}"), scope))
            }
            Some(EnvValue::Known(_)) | None => Located::Unknown(format!(
                "{text} is under HOME, which is not an absolute folder here"
            )),
            Some(EnvValue::Dynamic) => Located::Unknown(format!(
                "{text} is under HOME, which comes from an expansion"
            )),
        },
        Spelled::Plain(path) if path.starts_with('/') => Located::At(fold(path, scope)),
        Spelled::Plain(path) => match scope.workdir() {
            // The folder as the shell names it (`cd /proc/net`): the kernel resolves a `..`
            // of the path from the folder's real place, so the two are folded together.
            WorkDir::Known(dir) => Located::At(fold(&format!("{dir}/{path}"), scope)),
            WorkDir::Unknown(why) => Located::Unknown(format!(
                "{path} is relative to a working folder guard does not know ({why})"
            )),
        },
    }
}

/// Folds an absolute path as the kernel walks it: a `..` after a folder reached through a
/// symlink on disk (`link/..` is the parent of the link's target) stays, and the path
/// classes make it unknown.
fn fold(path: &str, scope: &Scope) -> String {
    pathname::fold(path, scope.disk())
}

/// `<(cmd)` or `>(cmd)`: the program gets `/dev/fd/N`, a pipe.
fn is_process_substitution(word: &Word) -> bool {
    word.dynamic
        && (word.text.starts_with("<(") || word.text.starts_with(">("))
        && word.text.ends_with(')')
}

enum Spelled<'a> {
    Home(&'a str),
    Plain(&'a str),
}

/// `$HOME/x`, `${HOME}/x` with a literal rest: the shell's text of `"$HOME"/.aws/config`.
fn home_prefixed(text: &str) -> Option<&str> {
    let rest = text
        .strip_prefix("${HOME}")
        .or_else(|| text.strip_prefix("$HOME"))?;
    let literal = !rest.contains(['$', '`', '*', '?', '[', '{', '\\']);
    let separated = rest.is_empty() || rest.starts_with('/');
    (literal && separated).then(|| rest.trim_start_matches('/'))
}

/// What reading a path means: an export for a credential store, unknown for a path guard
/// cannot resolve or one that reaches other files, else ordinary.
pub(crate) fn read(word: &Word, scope: &Scope) -> PathVerdict {
    let at = match locate(word, scope) {
        Located::At(at) => at,
        Located::Unknown(why) => return unknown_read(word, scope, why),
    };
    let (shown, classes) = classes_of(&word.text, &at, scope, false);
    let mut verdict = PathVerdict::ordinary();
    for class in classes {
        let next = match class {
            PathClass::CredentialStore(what) => PathVerdict::new(
                Severity::Export,
                format!(
                    "reads {shown} ({what}): the credentials in it leave guard unchecked, as after guard env"
                ),
            ),
            PathClass::Opaque(what) => PathVerdict::new(
                Severity::Unknown,
                format!("reads {shown} ({what}); guard cannot tell which file that is"),
            ),
            _ => continue,
        };
        verdict = verdict.or_worse(next);
    }
    verdict
}

/// What reading a program's file operands means, when every operand is a file it reads (`cat`,
/// `wc`, `head`): as `read`, except that a glob in a known folder is judged by the names it
/// matches (`cat *.json`), see `read_glob`.
pub(crate) fn read_operand(word: &Word, scope: &Scope) -> PathVerdict {
    match Glob::of(word) {
        Some(glob) if matches!(locate(word, scope), Located::Unknown(_)) => {
            read_glob(word, &glob, scope)
        }
        _ => read(word, scope),
    }
}

/// A word that is a plain glob: a literal folder part (maybe none) and a last part whose only
/// special characters are `*` and `?`, not starting with `.` (so, with bash's defaults, it
/// matches no dot-name, and never `.` or `..`).
struct Glob<'w> {
    /// The folder part as written, with its trailing `/`; empty for the working folder.
    folder: &'w str,
    pattern: &'w str,
}

impl<'w> Glob<'w> {
    fn of(word: &'w Word) -> Option<Glob<'w>> {
        let text: &str = &word.text;
        if !word.dynamic {
            return None;
        }
        let plain = |c: char| c.is_ascii_alphanumeric() || "-_./:,=%+@".contains(c);
        let (folder, pattern) = match text.rfind('/') {
            Some(at) => (&text[..=at], &text[at + 1..]),
            None => ("", text),
        };
        let folder_plain = folder
            .strip_prefix("~/")
            .unwrap_or(folder)
            .chars()
            .all(plain);
        let glob = pattern.contains(['*', '?'])
            && !pattern.starts_with('.')
            && pattern.chars().all(|c| plain(c) || c == '*' || c == '?');
        (folder_plain && glob).then_some(Glob { folder, pattern })
    }
}

/// Whether `name` matches a glob whose only wildcards are `*` and `?`.
fn fnmatch(pattern: &[char], name: &[char]) -> bool {
    match pattern.split_first() {
        None => name.is_empty(),
        Some(('*', rest)) => (0..=name.len()).any(|skip| fnmatch(rest, &name[skip..])),
        Some(('?', rest)) => !name.is_empty() && fnmatch(rest, &name[1..]),
        // Case folded, as the store classes compare (stricter where the disk is case-sensitive).
        Some((c, rest)) => {
            name.first().is_some_and(|n| n.eq_ignore_ascii_case(c)) && fnmatch(rest, &name[1..])
        }
    }
}

/// Whether one name (not empty, not starting with `.`) can match both the shell's glob
/// (`*`, `?`) and a store's part pattern (`*`): a walk over both patterns at once.
fn could_both_match(shell: &[char], store: &[char]) -> bool {
    let mut seen = std::collections::HashSet::new();
    let mut pending = vec![(0usize, 0usize, true)];
    while let Some(state) = pending.pop() {
        if !seen.insert(state) {
            continue;
        }
        let (i, j, first) = state;
        if i == shell.len() && j == store.len() && !first {
            return true;
        }
        if shell.get(i) == Some(&'*') {
            pending.push((i + 1, j, first));
        }
        if store.get(j) == Some(&'*') {
            pending.push((i, j + 1, first));
        }
        let (Some(&a), Some(&b)) = (shell.get(i), store.get(j)) else {
            continue;
        };
        let wanted = match (a, b) {
            ('*' | '?', '*') => None,
            ('*' | '?', c) | (c, '*') => Some(c),
            (x, y) if x.eq_ignore_ascii_case(&y) => Some(x),
            _ => continue,
        };
        if first && wanted == Some('.') {
            continue;
        }
        let next_i = if a == '*' { i } else { i + 1 };
        let next_j = if b == '*' { j } else { j + 1 };
        pending.push((next_i, next_j, false));
    }
    false
}

/// Every class a name matching `pattern` directly in the folder `dir` could have, by where the
/// stores lie (whether or not such a name exists now): the folder's own classes, a store
/// whose last part the pattern can match (`*.tfstate`, `cred*` in `~/.aws`), and a location
/// a variable names inside it.
fn classes_of_children(dir: &str, pattern: &str, scope: &Scope) -> Vec<PathClass> {
    let mut classes = classes_at(dir, scope);
    let parts: Vec<&str> = dir.split('/').filter(|part| !part.is_empty()).collect();
    let shell: Vec<char> = pattern.chars().collect();
    for store in STORES {
        let (run, anchored) = match store.place {
            Place::Anywhere(run) => (run, false),
            Place::Root(run) => (run, true),
        };
        let Some((last, before)) = run.split_last() else {
            continue;
        };
        if before.len() > parts.len() || (anchored && before.len() != parts.len()) {
            continue;
        }
        let tail = &parts[parts.len() - before.len()..];
        let folder_matches = before.iter().zip(tail).all(|(want, have)| glob(want, have));
        let store_last: Vec<char> = last.chars().collect();
        if folder_matches && could_both_match(&shell, &store_last) {
            classes.push(store.class);
        }
    }
    let child = |location: &str| {
        let first = location
            .strip_prefix(dir)
            .and_then(|rest| {
                rest.strip_prefix('/')
                    .or(if dir == "/" { Some(rest) } else { None })
            })
            .and_then(|rest| rest.split('/').next());
        first.is_some_and(|name| {
            let name: Vec<char> = name.chars().collect();
            fnmatch(&shell, &name)
        })
    };
    for (var, class) in LOCATED_BY {
        for value in values(scope, var) {
            for location in value.split(':').filter(|part| part.starts_with('/')) {
                if child(&normalize(location)) {
                    classes.push(*class);
                }
            }
        }
    }
    for (var, rest, class) in GUARD_XDG {
        for base in values(scope, var)
            .iter()
            .filter(|base| base.starts_with('/'))
        {
            if child(&normalize(&format!("{base}/{rest}"))) {
                classes.push(*class);
            }
        }
    }
    classes
}

/// Why the shell may expand globs otherwise than bash does by default (dot-names, no match,
/// case): options inherited through `BASHOPTS`, or `GLOBIGNORE` (which turns dotglob on).
fn glob_options(scope: &Scope) -> Option<String> {
    if let Some(value) = scope.var("GLOBIGNORE") {
        let set = !matches!(value, EnvValue::Known(ref text) if text.is_empty());
        if set {
            return Some("GLOBIGNORE is set on the line (bash then matches dot-names)".to_owned());
        }
    }
    if scope
        .inherited("GLOBIGNORE")
        .is_some_and(|value| !value.is_empty())
    {
        return Some("GLOBIGNORE is set (bash then matches dot-names)".to_owned());
    }
    let options = scope.inherited("BASHOPTS").unwrap_or_default();
    [
        "dotglob",
        "nullglob",
        "failglob",
        "nocaseglob",
        "extglob",
        "globstar",
        "globasciiranges",
    ]
    .into_iter()
    .find(|option| options.split(':').any(|set| set == *option))
    .map(|option| format!("BASHOPTS turns {option} on"))
}

/// Reading the files a glob names: read when guard can list the folder, each name it matches
/// is an ordinary read (symlinks followed, as for a literal path), none could be taken as an
/// option (it would start with `-`), no name the pattern could match lies in a store, and the
/// line writes nothing there first. bash's defaults are assumed (no dotglob, nullglob,
/// failglob or nocaseglob: the shell options that change them are unknown on the line).
fn read_glob(word: &Word, glob: &Glob, scope: &Scope) -> PathVerdict {
    let text: &str = &word.text;
    let unknown = |why: String| {
        PathVerdict::new(
            Severity::Unknown,
            format!("the glob {text} {why}; guard cannot tell which files it reads"),
        )
    };
    if let Some(why) = glob_options(scope) {
        return unknown(format!("is expanded with other options: {why}"));
    }
    let folder = match glob.folder {
        "" => ".",
        folder => folder,
    };
    let dir = match locate(&Word::literal(folder), scope) {
        Located::At(dir) => dir,
        Located::Unknown(why) => {
            return unknown(format!("lies in a folder guard cannot place ({why})"));
        }
    };
    if let Some(written) = scope.wrote_near(&dir) {
        return unknown(format!("may match what the line writes first ({written})"));
    }
    let mut verdict = PathVerdict::ordinary();
    for class in classes_of_children(&dir, glob.pattern, scope) {
        let next = match class {
            PathClass::CredentialStore(what) => PathVerdict::new(
                Severity::Export,
                format!(
                    "reads {text}, which can match {what}: the credentials in it leave guard unchecked, as after guard env"
                ),
            ),
            PathClass::Opaque(what) => unknown(format!("can match a path that is {what}")),
            _ => continue,
        };
        verdict = verdict.or_worse(next);
    }
    let Some(names) = scope.disk().names(Path::new(&dir)) else {
        return verdict.or_worse(unknown(format!("is in {dir}, which guard cannot list")));
    };
    let pattern: Vec<char> = glob.pattern.chars().collect();
    for name in names {
        let chars: Vec<char> = name.chars().collect();
        if name.starts_with('.') || !fnmatch(&pattern, &chars) {
            continue;
        }
        if glob.folder.is_empty() && name.starts_with('-') {
            return verdict.or_worse(unknown(format!(
                "matches {name}, which the program would take as an option"
            )));
        }
        let matched = format!("{}{name}", glob.folder);
        verdict = verdict.or_worse(read(&Word::literal(&matched), scope));
    }
    verdict
}

/// What searching a folder (`grep -r`, `diff -r`) means: reading it, and an export when a
/// credential store lies in it (`grep -r AKIA ~`, `grep -r x /proc`).
pub(crate) fn read_tree(word: &Word, scope: &Scope) -> PathVerdict {
    let verdict = read(word, scope);
    let Located::At(at) = locate(word, scope) else {
        return verdict;
    };
    let mut stores: Vec<String> = [
        "/proc",
        "/var/run/secrets/eks.amazonaws.com",
        "/run/secrets/eks.amazonaws.com",
        "/var/run/secrets/pods.eks.amazonaws.com",
        "/run/secrets/pods.eks.amazonaws.com",
    ]
    .map(str::to_owned)
    .to_vec();
    for home in values(scope, "HOME").iter().filter(|h| h.starts_with('/')) {
        for rest in [".aws", ".cache/guard", ".local/state/guard"] {
            stores.push(normalize(&format!("{home}/{rest}")));
        }
    }
    stores.extend(guard_folders(scope));
    // Only the variables that move a credential store: a folder holding the kubeconfig or the
    // AWS config is no store.
    for (var, _) in LOCATED_BY
        .iter()
        .filter(|(_, class)| matches!(class, PathClass::CredentialStore(_)))
    {
        stores.extend(
            values(scope, var)
                .into_iter()
                .filter(|v| v.starts_with('/')),
        );
    }
    // A search inside /proc reaches a process's environ (`grep -r x /proc/self`).
    let inside_proc = under(&at, "/proc");
    match stores
        .iter()
        .find(|store| under(store, &at) || (inside_proc && store.as_str() == "/proc"))
    {
        Some(store) => verdict.or_worse(PathVerdict::new(
            Severity::Export,
            format!(
                "searches {}, which holds {store} (credentials or the environment): they leave guard unchecked, as after guard env",
                word.text
            ),
        )),
        None => verdict,
    }
}

/// A path from an expansion: unknown, unless its literal parts already show that it is a
/// process's environment (`/proc/$$/environ`) or lies in a credential store
/// (`~/.aws/cli/cache/*.json`, `~/.aws/cred*`): an export.
fn unknown_read(word: &Word, scope: &Scope, why: String) -> PathVerdict {
    let text: &str = &word.text;
    let environ =
        text.starts_with("/proc/") && (text.ends_with("/environ") || text.ends_with("/mem"));
    // The folder before the first expansion, as a literal path.
    let literal = text
        .find(['$', '`', '*', '?', '[', '{'])
        .map_or(text, |at| &text[..at]);
    let folder = literal.rfind('/').map(|at| &literal[..at]);
    let in_store = folder.is_some_and(|folder| {
        let located = match locate(&Word::literal(folder), scope) {
            Located::At(at) => at,
            Located::Unknown(_) => return false,
        };
        // In a store, or the folder that holds one (`~/.aws/cred*`, `/proc/*/environ`).
        let holds =
            fold_case(&located).to_ascii_lowercase().ends_with("/.aws") || located == "/proc";
        holds
            || classes_at(&located, scope)
                .iter()
                .any(|class| matches!(class, PathClass::CredentialStore(_)))
    });
    if environ || in_store {
        return PathVerdict::new(
            Severity::Export,
            format!(
                "reads {text}, which can name a credential store (a process's environment, the AWS tools' or guard's caches): the credentials leave guard unchecked, as after guard env"
            ),
        );
    }
    PathVerdict::new(
        Severity::Unknown,
        format!("{why}; guard cannot tell which file it reads"),
    )
}

/// What writing a path means (see the module's introduction).
pub(crate) fn write(word: &Word, scope: &Scope, how: Write) -> PathVerdict {
    let at = match locate(word, scope) {
        Located::At(at) => {
            scope.note_write(Wrote::File(at.clone()));
            at
        }
        Located::Unknown(why) => {
            scope.note_write(Wrote::Somewhere(word.text.to_string()));
            return PathVerdict::new(
                Severity::Unknown,
                format!("{why}; guard cannot tell which file it writes"),
            );
        }
    };
    let (shown, classes) = classes_of(&word.text, &at, scope, true);
    let probe = probe(scope.disk(), &at);
    let mut verdict = PathVerdict::ordinary();
    for class in classes {
        verdict = verdict.or_worse(write_class(&shown, class, how, &probe));
    }
    if let (Write::Delete, Probe::Folder { real }) = (how, &probe) {
        verdict = verdict.or_worse(into_folder(&shown, real, scope, true));
    }
    verdict
}

/// What a tool's own documented switch writing a kubeconfig (`aws eks update-kubeconfig
/// --kubeconfig`, `eksctl utils write-kubeconfig --kubeconfig`, `kubectl config use-context`)
/// means: nothing, where the path is a kubeconfig and nothing else (the next kubectl command
/// is judged on its own, and the file holds the tool's own content), else what writing it
/// means: the cluster's and alias's names the line chooses land in a shell start-up file, a
/// program on PATH, a project file or state as well.
pub(crate) fn write_switch(word: &Word, scope: &Scope) -> PathVerdict {
    if let Located::At(at) = locate(word, scope) {
        let (_, classes) = classes_of(&word.text, &at, scope, true);
        if !classes.is_empty() && classes.iter().all(|class| *class == KUBECONFIG) {
            return PathVerdict::ordinary();
        }
    }
    write(word, scope, Write::Replace)
}

fn write_class(shown: &str, class: PathClass, how: Write, probe: &Probe) -> PathVerdict {
    let verb = match how {
        Write::Replace => "overwrites",
        Write::Append => "appends to",
        Write::Edit => "edits",
        Write::Delete => "deletes",
    };
    match class {
        PathClass::GuardControl(what) => PathVerdict::new(
            Severity::Destructive,
            format!("{verb} {shown} ({what}): that can switch guard's protection off"),
        ),
        PathClass::CredentialStore(what) | PathClass::TrustedConfig(what) => PathVerdict::new(
            Severity::Write,
            format!("{verb} {shown} ({what}), which later commands trust"),
        ),
        PathClass::TerraformState if matches!(probe, Probe::Missing) => PathVerdict::new(
            Severity::Write,
            format!("creates {shown}, a new terraform state file"),
        ),
        PathClass::TerraformState => PathVerdict::new(
            Severity::Destructive,
            format!("{verb} {shown}, terraform state: the record of what exists would be lost"),
        ),
        PathClass::Opaque(what) => PathVerdict::new(
            Severity::Unknown,
            format!("writes {shown} ({what}); guard cannot tell which file that is"),
        ),
    }
}

/// What copying or syncing files guard cannot name into a folder means: destructive when
/// the folder holds terraform state (a file of the same name is overwritten; with
/// `deletes`, everything else goes) or lies in or holds guard's own files, a write when it
/// lies in or holds configuration a later command trusts (`~`, `~/.aws`, a git checkout).
pub(crate) fn write_into(word: &Word, scope: &Scope, deletes: bool) -> PathVerdict {
    let at = match locate(word, scope) {
        Located::At(at) => {
            scope.note_write(Wrote::Folder(at.clone()));
            at
        }
        Located::Unknown(why) => {
            scope.note_write(Wrote::Somewhere(word.text.to_string()));
            return PathVerdict::new(
                Severity::Unknown,
                format!("{why}; guard cannot tell which folder it writes into"),
            );
        }
    };
    let (shown, classes) = classes_of(&word.text, &at, scope, true);
    let how = if deletes {
        Write::Delete
    } else {
        Write::Replace
    };
    let probe = probe(scope.disk(), &at);
    let real = match &probe {
        Probe::Folder { real } => real.to_string_lossy().into_owned(),
        _ => at.clone(),
    };
    let held = into_folder(&shown, Path::new(&real), scope, deletes);
    let mut verdict = PathVerdict::ordinary();
    for class in classes {
        // What the folder holds names the reason better than the broad system class.
        if class == SYSTEM && !held.is_ordinary() {
            continue;
        }
        // Files inside it: a state folder's files exist only if the folder does.
        let inside = match (class, &probe) {
            (PathClass::TerraformState, Probe::Missing) => Probe::Missing,
            _ => Probe::File {
                real: at.clone().into(),
            },
        };
        verdict = verdict.or_worse(write_class(&shown, class, how, &inside));
    }
    verdict.or_worse(held)
}

/// The stores a folder holds: terraform state (the caller's `Disk` looks), guard's folders
/// and the home-based configuration below it, a git checkout's config and hooks.
fn into_folder(shown: &str, folder: &Path, scope: &Scope, deletes: bool) -> PathVerdict {
    let verb = if deletes {
        "can delete or overwrite files in"
    } else {
        "can overwrite files in"
    };
    let folder_text = folder.to_string_lossy();
    let disk = scope.disk();
    if disk.holds_state(folder) {
        return PathVerdict::new(
            Severity::Destructive,
            format!(
                "{verb} {shown}, which holds terraform state: the record of what exists would be lost"
            ),
        );
    }
    let below = |location: &str| {
        location == folder_text
            || location
                .strip_prefix(&*folder_text)
                .is_some_and(|rest| rest.starts_with('/'))
            || folder_text == "/"
    };
    if let Some(location) = guard_folders(scope).into_iter().find(|l| below(l)) {
        return PathVerdict::new(
            Severity::Destructive,
            format!(
                "{verb} {shown}, which holds guard's own files ({location}): that can switch guard's protection off"
            ),
        );
    }
    if let Some(dir) = program_folders(scope).into_iter().find(|dir| below(dir)) {
        return PathVerdict::new(
            Severity::Write,
            format!(
                "{verb} {shown}, which holds {dir}, a folder of programs later commands run by name"
            ),
        );
    }
    let home_configs = match scope.home() {
        Some(EnvValue::Known(home)) if home.starts_with('/') => below(&normalize(&home)),
        _ => false,
    };
    let checkout = matches!(
        disk.probe(&folder.join(".git")),
        Probe::Folder { .. } | Probe::File { .. }
    );
    if home_configs || checkout {
        let what = if checkout {
            "a git checkout, whose config and hooks later commands run"
        } else {
            "the home folder's configuration, which later commands trust"
        };
        return PathVerdict::new(
            Severity::Write,
            format!("{verb} {shown}, which holds {what}"),
        );
    }
    // Any folder that is there may be a project (not only a git root): files of the source's
    // choosing named main.tf, Makefile, package.json, .envrc, terragrunt.hcl replace its own,
    // and the next tool run there executes them (red team F31).
    if matches!(disk.probe(folder), Probe::Folder { .. }) {
        return PathVerdict::new(
            Severity::Write,
            format!(
                "{verb} {shown}, an existing folder: files guard cannot name may replace the project files later tools run there (main.tf, Makefile, package.json, .envrc)"
            ),
        );
    }
    PathVerdict::ordinary()
}

/// The classes of a path as spelled (`at`) and of its real path when it is a symlink; the
/// name shown in reasons is the word as written.
fn classes_of<'w>(
    written: &'w str,
    at: &str,
    scope: &Scope,
    writes: bool,
) -> (Cow<'w, str>, Vec<PathClass>) {
    let of = |at: &str| {
        if writes {
            written_classes(at, scope)
        } else {
            classes_at(at, scope)
        }
    };
    let mut classes = of(at);
    if let Probe::File { real } | Probe::Folder { real } = probe(scope.disk(), at) {
        let real = real.to_string_lossy();
        if real != at {
            classes.extend(of(&real));
        }
    }
    (Cow::Borrowed(written), classes)
}

/// The classes of a path the line writes: `classes_at`, and what the folders above it on the
/// disk make of it. A file anywhere inside a CDK or Pulumi project (a folder above holds
/// `cdk.json`, `Pulumi.yaml`) may be part of the program a later `cdk ls` or `pulumi preview`
/// runs, whatever its name (`tsconfig.json`, `.babelrc`, a module it imports); one inside a
/// bare git repository (a folder above holds `HEAD`) is its configuration for git run there.
/// Only writes look: a read of such a file changes nothing.
pub(crate) fn written_classes(at: &str, scope: &Scope) -> Vec<PathClass> {
    let mut classes = classes_at(at, scope);
    let disk = scope.disk();
    let mut folder = at;
    while let Some((above, _)) = folder.rsplit_once('/') {
        folder = above;
        let base = if above.is_empty() { "" } else { above };
        let holds = |name: &str| {
            matches!(
                probe(disk, &format!("{base}/{name}")),
                Probe::File { .. } | Probe::Folder { .. }
            )
        };
        if ["cdk.json", "Pulumi.yaml", "Pulumi.yml"]
            .iter()
            .any(|marker| holds(marker))
            && !classes.contains(&CLOUD_PROJECT)
        {
            classes.push(CLOUD_PROJECT);
        }
        if holds("HEAD") && holds("objects") && !classes.contains(&BARE_REPOSITORY) {
            classes.push(BARE_REPOSITORY);
        }
        if above.is_empty() {
            break;
        }
    }
    classes.sort_by_key(|class| *class == SYSTEM);
    classes
}

/// Every class the normalized absolute path `at` has.
pub(crate) fn classes_at(at: &str, scope: &Scope) -> Vec<PathClass> {
    // Standard input, output and error: the line's own pipes and redirections, judged there.
    if matches!(at, "/dev/fd/0" | "/dev/fd/1" | "/dev/fd/2") {
        return Vec::new();
    }
    // Compared as a case-insensitive volume compares names (macOS's default APFS and HFS+,
    // Windows', Linux's vfat and casefold folders): `~/.AWS/Credentials` is the credentials
    // file there. On a case-sensitive disk the folded match only asks more.
    let folded = fold_case(at);
    let at: &str = &folded;
    let parts: Vec<&str> = at.split('/').filter(|part| !part.is_empty()).collect();
    let mut classes: Vec<PathClass> = STORES
        .iter()
        .filter(|store| store.place.matches(&parts))
        .map(|store| store.class)
        .collect();
    for (var, class) in LOCATED_BY {
        for value in values(scope, var) {
            for location in value
                .split(':')
                .filter(|part| part.starts_with('/') || part.starts_with("~/"))
            {
                let location = match location.strip_prefix("~/") {
                    Some(rest) => match scope.home() {
                        Some(EnvValue::Known(home)) => normalize(&format!("{home}/{rest}")),
                        _ => continue,
                    },
                    None => normalize(location),
                };
                if under(at, &location) {
                    classes.push(*class);
                }
            }
        }
    }
    for (var, rest, class) in GUARD_XDG {
        for base in values(scope, var) {
            if base.starts_with('/') && under(at, &normalize(&format!("{base}/{rest}"))) {
                classes.push(*class);
            }
        }
    }
    if let Some((folder, _)) = at.rsplit_once('/')
        && program_folders(scope)
            .iter()
            .any(|dir| dir.eq_ignore_ascii_case(folder))
    {
        classes.push(PROGRAM);
    }
    // The system class is the broad one: a more precise class names the reason.
    classes.sort_by_key(|class| *class == SYSTEM);
    classes
}

/// The folders the shell looks programs up in: the `PATH` the command runs with (an empty
/// or relative entry is the working folder) and guard's own, and the usual ones whatever
/// they say (a later shell may have them). A file written there is a program a later
/// command runs by name.
pub(crate) fn program_folders(scope: &Scope) -> Vec<String> {
    let mut out: Vec<String> = DEFAULT_PROGRAM_FOLDERS
        .iter()
        .map(|dir| (*dir).to_owned())
        .collect();
    for home in values(scope, "HOME").iter().filter(|h| h.starts_with('/')) {
        for rest in [".local/bin", "bin"] {
            out.push(normalize(&format!("{home}/{rest}")));
        }
    }
    for path in values(scope, "PATH") {
        for entry in path.split(':') {
            let dir = if entry.starts_with('/') {
                normalize(entry)
            } else {
                match scope.workdir() {
                    WorkDir::Known(dir) => normalize(&format!("{dir}/{entry}")),
                    WorkDir::Unknown(_) => continue,
                }
            };
            if !out.contains(&dir) {
                out.push(dir);
            }
        }
    }
    out
}

/// Where programs are looked up on most systems, whatever `PATH` says here.
const DEFAULT_PROGRAM_FOLDERS: &[&str] = &[
    "/usr/local/sbin",
    "/usr/local/bin",
    "/usr/sbin",
    "/usr/bin",
    "/sbin",
    "/bin",
    "/opt/homebrew/bin",
    "/snap/bin",
];

/// Whether `at` is `location` or lies under it (ASCII case folded, as `classes_at` compares).
fn under(at: &str, location: &str) -> bool {
    let (at, location) = (at.as_bytes(), location.as_bytes());
    at.len() >= location.len()
        && at[..location.len()].eq_ignore_ascii_case(location)
        && (at.len() == location.len() || at[location.len()] == b'/' || location == b"/")
}

/// A path with the characters a case-insensitive volume folds to ASCII letters replaced by
/// them (Unicode case folding: the Kelvin sign is `k`, the long s `s`, the ligatures `ff`,
/// `fi`, `fl`, `ffi`, `ffl`, `st`, sharp s `ss`), so that `.aw\u{17f}/credentials` is found too;
/// ASCII case is folded where the parts are compared. Borrowed when there is nothing to fold.
fn fold_case(at: &str) -> Cow<'_, str> {
    if at.is_ascii() {
        return Cow::Borrowed(at);
    }
    let mut out = String::with_capacity(at.len());
    for c in at.chars() {
        match c {
            '\u{212a}' => out.push('k'),
            '\u{17f}' => out.push('s'),
            '\u{df}' | '\u{1e9e}' => out.push_str("ss"),
            '\u{fb00}' => out.push_str("ff"),
            '\u{fb01}' => out.push_str("fi"),
            '\u{fb02}' => out.push_str("fl"),
            '\u{fb03}' => out.push_str("ffi"),
            '\u{fb04}' => out.push_str("ffl"),
            '\u{fb05}' | '\u{fb06}' => out.push_str("st"),
            other => out.push(other),
        }
    }
    Cow::Owned(out)
}

/// A variable's values: the command line's and guard's own (both may matter: guard reads its
/// own, the command's tools the other).
fn values(scope: &Scope, var: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(EnvValue::Known(value)) = scope.var(var) {
        out.push(value);
    }
    if let Some(value) = scope.inherited(var)
        && !out.contains(&value)
    {
        out.push(value);
    }
    out.retain(|value| !value.is_empty());
    out
}

/// guard's own folders under the HOME and XDG variables in force.
fn guard_folders(scope: &Scope) -> Vec<String> {
    let mut out = Vec::new();
    for home in values(scope, "HOME").iter().filter(|h| h.starts_with('/')) {
        for rest in [".config/guard", ".cache/guard", ".local/state/guard"] {
            out.push(normalize(&format!("{home}/{rest}")));
        }
    }
    for (var, rest, _) in GUARD_XDG {
        for base in values(scope, var).iter().filter(|b| b.starts_with('/')) {
            out.push(normalize(&format!("{base}/{rest}")));
        }
    }
    out.push("/etc/guard".to_owned());
    out
}

/// Where a store lies: a run of path parts, each a pattern with at most `*` wildcards.
#[derive(Debug, Clone, Copy)]
enum Place {
    /// The parts appear in a row anywhere in the path (the store and anything under it).
    Anywhere(&'static [&'static str]),
    /// The parts start at the root.
    Root(&'static [&'static str]),
}

impl Place {
    fn matches(&self, parts: &[&str]) -> bool {
        let (pattern, anchored) = match self {
            Place::Anywhere(pattern) => (*pattern, false),
            Place::Root(pattern) => (*pattern, true),
        };
        if pattern.len() > parts.len() {
            return false;
        }
        let starts = if anchored {
            0..=0
        } else {
            0..=parts.len() - pattern.len()
        };
        starts.into_iter().any(|start| {
            pattern
                .iter()
                .zip(&parts[start..])
                .all(|(want, have)| glob(want, have))
        })
    }
}

/// A path part against a pattern whose only wildcard is `*` (any run of characters), ASCII
/// case folded (the patterns are ASCII; see `fold_case` for the rest).
fn glob(pattern: &str, text: &str) -> bool {
    let text = text.as_bytes();
    let mut pieces = pattern.split('*').map(str::as_bytes);
    let first = pieces.next().unwrap_or_default();
    if text.len() < first.len() || !text[..first.len()].eq_ignore_ascii_case(first) {
        return false;
    }
    let mut rest = &text[first.len()..];
    let pieces: Vec<&[u8]> = pieces.collect();
    let Some((last, middle)) = pieces.split_last() else {
        return rest.is_empty();
    };
    for piece in middle {
        let found = (0..=rest.len().saturating_sub(piece.len())).find(|&at| {
            rest.len() >= at + piece.len() && rest[at..at + piece.len()].eq_ignore_ascii_case(piece)
        });
        match found {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest[rest.len() - last.len()..].eq_ignore_ascii_case(last)
}

struct Store {
    place: Place,
    class: PathClass,
}

const fn anywhere(parts: &'static [&'static str], class: PathClass) -> Store {
    Store {
        place: Place::Anywhere(parts),
        class,
    }
}

const fn root(parts: &'static [&'static str], class: PathClass) -> Store {
    Store {
        place: Place::Root(parts),
        class,
    }
}

use PathClass::{CredentialStore, GuardControl, Opaque, TerraformState, TrustedConfig};

const ENVIRON: PathClass =
    CredentialStore("a process's environment, which holds guard's credentials");
const MEMORY: PathClass = CredentialStore("a process's memory, which holds guard's credentials");
const THROUGH_PROC: PathClass = Opaque("it reaches other files through /proc");
const AFTER_LINK: PathClass = Opaque(
    "a `..` after a link, which the kernel follows first (/proc/net is /proc/self/net, /dev/fd is /proc/self/fd)",
);
const OPEN_FILE: PathClass = Opaque("an open file of the process");
const NETWORK: PathClass = Opaque(
    "a network connection bash opens for a redirection: guard does not judge its address, and the instance metadata and container credential endpoints answer there",
);
const AWS_CONFIG: PathClass = TrustedConfig("the AWS tools' configuration");
const KUBECONFIG: PathClass = TrustedConfig("a kubeconfig, whose exec plugins kubectl runs");
const SHELL_STARTUP: PathClass = TrustedConfig("a shell start-up file, run by later shells");
const GIT_CONFIG: PathClass =
    TrustedConfig("git configuration or hooks, run by later git commands");
const PACKAGE_CONFIG: PathClass = TrustedConfig("a package manager's configuration");
const PYTHON_CODE: PathClass = TrustedConfig(
    "Python code or a start-up hook, which later Python programs (the AWS CLI among them) import",
);
const NODE_CODE: PathClass =
    TrustedConfig("an installed node package, which npx and later node programs run");
const PROJECT_FILE: PathClass =
    TrustedConfig("a project file that a later tool run in its folder reads and executes");
const PROGRAM_SOURCE: PathClass = TrustedConfig(
    "a program's source or build file, which a later cdk or pulumi run (or node, go, dotnet) executes",
);
const CLOUD_PROJECT: PathClass = TrustedConfig(
    "a file of a CDK or Pulumi project, whose program a later cdk or pulumi run there executes",
);
const BARE_REPOSITORY: PathClass = TrustedConfig(
    "a file of a bare git repository (its folder holds HEAD), whose config git run there obeys",
);
const AGENT_SETTINGS: PathClass = GuardControl(
    "an AI agent's settings, which hold guard's hook and the hooks and servers the agent runs without asking guard",
);
const PROGRAM: PathClass =
    TrustedConfig("a program in a folder on PATH, which later commands run by name");
const TOOL_CONFIG: PathClass = TrustedConfig("a tool's configuration, trusted by its later runs");
const VERSION_PIN: PathClass =
    TrustedConfig("a version manager's choice of program, which its shims run later");
const SYSTEM: PathClass = TrustedConfig(
    "system-wide configuration or software, which the loader, every later program and the system's services trust",
);
const GUARD_POLICY: PathClass = GuardControl("guard's policy");
const GUARD_CACHE: PathClass =
    CredentialStore("guard's cache, which holds other accounts' credentials");
const GUARD_STATE: PathClass =
    GuardControl("guard's state: its trust list, audit log and chosen profile");

/// Every store by where it lies. The guard folders' XDG places are in `GUARD_XDG`, the ones
/// variables name in `LOCATED_BY`. A path can lie in several: all count.
const STORES: &[Store] = &[
    // The process environment: the child's, guard's, any process's.
    root(&["proc", "*", "environ"], ENVIRON),
    root(&["proc", "*", "task", "*", "environ"], ENVIRON),
    root(&["proc", "*", "mem"], MEMORY),
    root(&["proc", "*", "task", "*", "mem"], MEMORY),
    root(&["proc", "*", "root"], THROUGH_PROC),
    root(&["proc", "*", "cwd"], THROUGH_PROC),
    root(&["proc", "*", "fd"], THROUGH_PROC),
    root(&["proc", "*", "map_files"], THROUGH_PROC),
    root(&["proc", "*", "task", "*", "root"], THROUGH_PROC),
    root(&["proc", "*", "task", "*", "cwd"], THROUGH_PROC),
    root(&["proc", "*", "task", "*", "fd"], THROUGH_PROC),
    root(&["dev", "fd", "*"], OPEN_FILE),
    // bash (and ksh) open `/dev/tcp/HOST/PORT` and `/dev/udp/HOST/PORT` in a redirection as a
    // socket: `cat </dev/tcp/169.254.169.254/80` is a network client (checked with bash 5.2).
    root(&["dev", "tcp"], NETWORK),
    root(&["dev", "udp"], NETWORK),
    // A `..` the fold kept: it goes up from where a link leads.
    anywhere(&[".."], AFTER_LINK),
    // The AWS tools' credentials and token caches (read: export), under any home.
    anywhere(
        &[".aws", "credentials"],
        CredentialStore("the AWS credentials file"),
    ),
    anywhere(
        &[".aws", "sso", "cache"],
        CredentialStore("the AWS SSO token cache"),
    ),
    anywhere(
        &[".aws", "cli", "cache"],
        CredentialStore("the AWS CLI's credential cache"),
    ),
    anywhere(
        &[".aws", "login", "cache"],
        CredentialStore("the AWS login cache"),
    ),
    anywhere(
        &[".aws", "boto", "cache"],
        CredentialStore("botocore's credential cache"),
    ),
    // The tokens EKS mounts into a pod: the IRSA web-identity token becomes the pod role's
    // keys through `sts assume-role-with-web-identity` (unsigned), the Pod Identity token
    // through the agent at 169.254.170.23. Named by AWS_WEB_IDENTITY_TOKEN_FILE and
    // AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE too (`LOCATED_BY`).
    root(
        &["var", "run", "secrets", "eks.amazonaws.com"],
        CredentialStore("the pod's AWS web-identity token (IRSA)"),
    ),
    root(
        &["run", "secrets", "eks.amazonaws.com"],
        CredentialStore("the pod's AWS web-identity token (IRSA)"),
    ),
    root(
        &["var", "run", "secrets", "pods.eks.amazonaws.com"],
        CredentialStore("the pod's EKS Pod Identity token"),
    ),
    root(
        &["run", "secrets", "pods.eks.amazonaws.com"],
        CredentialStore("the pod's EKS Pod Identity token"),
    ),
    // guard's own folders at their default places (XDG ones in GUARD_XDG).
    anywhere(&[".cache", "guard"], GUARD_CACHE),
    anywhere(
        &[".cache", "guard"],
        GuardControl("guard's cache, which it uses without asking again"),
    ),
    anywhere(&[".local", "state", "guard"], GUARD_STATE),
    anywhere(
        &[".local", "state", "guard"],
        CredentialStore("guard's state"),
    ),
    anywhere(&[".config", "guard"], GUARD_POLICY),
    root(&["etc", "guard"], GUARD_POLICY),
    anywhere(&[".guard.toml"], GuardControl("a project's guard policy")),
    // The AI agents' settings, where `guard hook install` puts guard's hook (user, project and
    // local; Claude Code's `.claude/settings*.json`, Gemini CLI's `.gemini/settings.json`):
    // emptying them or setting `disableAllHooks` takes guard out of every later agent command,
    // and the same files (and `~/.claude.json`, `.mcp.json`) name hooks and MCP servers the
    // agent runs without asking guard. The whole folders: hook scripts, commands and
    // `.gemini/.env` live there too. The managed (system) settings are under /etc and macOS's
    // /Library; `CLAUDE_CONFIG_DIR` and the Gemini paths' variables move them (`LOCATED_BY`).
    anywhere(&[".claude"], AGENT_SETTINGS),
    anywhere(&[".claude.json*"], AGENT_SETTINGS),
    anywhere(&[".mcp.json"], AGENT_SETTINGS),
    anywhere(&[".gemini"], AGENT_SETTINGS),
    anywhere(&[".codex"], AGENT_SETTINGS),
    anywhere(&[".cursor"], AGENT_SETTINGS),
    root(&["etc", "claude-code"], AGENT_SETTINGS),
    root(&["etc", "gemini-cli"], AGENT_SETTINGS),
    root(
        &["Library", "Application Support", "ClaudeCode"],
        AGENT_SETTINGS,
    ),
    root(
        &["Library", "Application Support", "GeminiCli"],
        AGENT_SETTINGS,
    ),
    // Configuration later commands trust (write: a write).
    anywhere(&[".aws"], AWS_CONFIG),
    anywhere(&[".kube"], KUBECONFIG),
    anywhere(&[".bashrc"], SHELL_STARTUP),
    anywhere(&[".bash_profile"], SHELL_STARTUP),
    anywhere(&[".bash_login"], SHELL_STARTUP),
    anywhere(&[".bash_logout"], SHELL_STARTUP),
    anywhere(&[".bash_aliases"], SHELL_STARTUP),
    anywhere(&[".profile"], SHELL_STARTUP),
    anywhere(&[".zshenv"], SHELL_STARTUP),
    anywhere(&[".zshrc"], SHELL_STARTUP),
    anywhere(&[".zprofile"], SHELL_STARTUP),
    anywhere(&[".zlogin"], SHELL_STARTUP),
    anywhere(&[".zlogout"], SHELL_STARTUP),
    anywhere(&[".kshrc"], SHELL_STARTUP),
    anywhere(&[".mkshrc"], SHELL_STARTUP),
    anywhere(&[".inputrc"], SHELL_STARTUP),
    anywhere(&[".envrc"], SHELL_STARTUP),
    // What common setups source (red team C3): Fedora's .bashrc sources ~/.bashrc.d/*,
    // bash-completion ~/.bash_completion(.d), oh-my-zsh its custom folder, compinit its dump;
    // pam_env reads ~/.pam_environment at login.
    anywhere(&[".bashrc.d"], SHELL_STARTUP),
    anywhere(&[".bash_completion"], SHELL_STARTUP),
    anywhere(&[".bash_completion.d"], SHELL_STARTUP),
    anywhere(&[".oh-my-zsh"], SHELL_STARTUP),
    anywhere(&[".zcompdump*"], SHELL_STARTUP),
    anywhere(&[".pam_environment"], SHELL_STARTUP),
    // The files that choose which program a version manager's shim runs (pyenv, nodenv, rbenv,
    // asdf, tfenv, nvm, mise, sdkman, goenv, jenv), in the project or any folder above it.
    anywhere(&[".python-version"], VERSION_PIN),
    anywhere(&[".node-version"], VERSION_PIN),
    anywhere(&[".ruby-version"], VERSION_PIN),
    anywhere(&[".tool-versions"], VERSION_PIN),
    anywhere(&[".terraform-version"], VERSION_PIN),
    anywhere(&[".opentofu-version"], VERSION_PIN),
    anywhere(&[".nvmrc"], VERSION_PIN),
    anywhere(&[".mise.toml"], VERSION_PIN),
    anywhere(&["mise.toml"], VERSION_PIN),
    anywhere(&[".sdkmanrc"], VERSION_PIN),
    anywhere(&[".go-version"], VERSION_PIN),
    anywhere(&[".java-version"], VERSION_PIN),
    anywhere(&[".config", "fish"], SHELL_STARTUP),
    root(&["etc", "profile"], SHELL_STARTUP),
    root(&["etc", "profile.d"], SHELL_STARTUP),
    root(&["etc", "bash.bashrc"], SHELL_STARTUP),
    root(&["etc", "environment"], SHELL_STARTUP),
    root(&["etc", "zsh"], SHELL_STARTUP),
    // Everything git reads to find its configuration: a checkout's `.git` folder whole
    // (`config`, `hooks`, `config.worktree`, `commondir`, which names the folder whose config
    // git reads, `worktrees/*/gitdir`, `objects/info/alternates`) and a `.git` *file*
    // (`gitdir: PATH` moves the repository). The pointer files by name wherever they are, and
    // a bare repository's files (a folder holding `HEAD`: git run there reads its `config`)
    // are found by `written_classes` on the disk. (Checked with git 2.47: `commondir` and a
    // bare repository's `core.pager` ran.)
    anywhere(&[".git"], GIT_CONFIG),
    anywhere(&["HEAD"], GIT_CONFIG),
    anywhere(&["commondir"], GIT_CONFIG),
    anywhere(&["gitdir"], GIT_CONFIG),
    anywhere(&["config.worktree"], GIT_CONFIG),
    anywhere(&[".gitconfig"], GIT_CONFIG),
    anywhere(&[".config", "git"], GIT_CONFIG),
    root(&["etc", "gitconfig"], GIT_CONFIG),
    anywhere(&[".npmrc"], PACKAGE_CONFIG),
    anywhere(&[".yarnrc"], PACKAGE_CONFIG),
    anywhere(&[".yarnrc.yml"], PACKAGE_CONFIG),
    anywhere(&["pip.conf"], PACKAGE_CONFIG),
    anywhere(&[".pypirc"], PACKAGE_CONFIG),
    // terraform's and OpenTofu's CLI configuration (`provider_installation`'s dev_overrides,
    // `credentials_helper`): tofu reads `~/.tofurc` first, then `.terraformrc`
    // (opentofu internal/command/cliconfig/config_unix.go), `tofu.rc` on Windows,
    // `$XDG_CONFIG_HOME/opentofu/tofurc` (under `.config`), and `*.tfrc` in `.terraform.d`.
    anywhere(&[".terraformrc"], TOOL_CONFIG),
    anywhere(&["terraform.rc"], TOOL_CONFIG),
    anywhere(&[".tofurc"], TOOL_CONFIG),
    anywhere(&["tofu.rc"], TOOL_CONFIG),
    anywhere(&["tofurc"], TOOL_CONFIG),
    anywhere(&["*.tfrc"], TOOL_CONFIG),
    anywhere(&["*.tfrc.json"], TOOL_CONFIG),
    anywhere(&[".terragrunt"], TOOL_CONFIG),
    anywhere(&[".gnupg"], TOOL_CONFIG),
    anywhere(&[".terraform.d"], TOOL_CONFIG),
    anywhere(&[".ssh"], TOOL_CONFIG),
    anywhere(&[".docker"], TOOL_CONFIG),
    anywhere(&[".curlrc"], TOOL_CONFIG),
    anywhere(&[".netrc"], TOOL_CONFIG),
    anywhere(&[".pulumi"], TOOL_CONFIG),
    // Every tool's XDG configuration and data (helm's repositories and plugins, argocd's
    // contexts, gcloud's, git's, fish's, pip's ...), at their default places and where
    // XDG_CONFIG_HOME and XDG_DATA_HOME put them (`LOCATED_BY`).
    anywhere(&[".config"], TOOL_CONFIG),
    anywhere(&[".local", "share"], TOOL_CONFIG),
    anywhere(&[".cdk"], TOOL_CONFIG),
    anywhere(&[".cdk.json"], TOOL_CONFIG),
    anywhere(&[".helm"], TOOL_CONFIG),
    anywhere(&[".aws-sam"], TOOL_CONFIG),
    anywhere(&[".argocd"], TOOL_CONFIG),
    anywhere(&[".eksctl"], TOOL_CONFIG),
    anywhere(&[".terragrunt-cache"], TOOL_CONFIG),
    anywhere(&[".tool-versions"], TOOL_CONFIG),
    anywhere(&[".terraform-version"], TOOL_CONFIG),
    // The implicit per-user files of the local programs guard judges (checked with strace
    // under a moved HOME): jq sources `~/.jq` into every program (`def keys: env;`), less's
    // lesskey files (`.lesskey`, the compiled `.less`; `$XDG_CONFIG_HOME/lesskey` is under
    // `.config`) can set LESSOPEN in their `#env` section, file(1) adds `~/.magic` (and
    // prints its lines in warnings), top reads `~/.toprc`, dig `~/.digrc` (extra options),
    // wget `~/.wgetrc`, node's global module folders.
    anywhere(&[".jq"], TOOL_CONFIG),
    anywhere(&[".lesskey"], TOOL_CONFIG),
    anywhere(&[".less"], TOOL_CONFIG),
    anywhere(&[".magic"], TOOL_CONFIG),
    anywhere(&[".magic.mgc"], TOOL_CONFIG),
    anywhere(&[".toprc"], TOOL_CONFIG),
    anywhere(&[".digrc"], TOOL_CONFIG),
    anywhere(&[".wgetrc"], TOOL_CONFIG),
    anywhere(&[".node_modules"], NODE_CODE),
    anywhere(&[".node_libraries"], NODE_CODE),
    // System-wide configuration and software, which every later program, the loader and the
    // system's own services trust: `/etc` whole (ld.so.preload and ld.so.conf.d, hosts,
    // resolv.conf, cron, systemd units, rc.local, sudoers.d, apt.conf.d hooks, openssl.cnf,
    // npmrc, kubernetes/admin.conf, the XDG system folder, ...), the installed programs and
    // libraries, the system's own openssl.cnf and npmrc under /usr, and the spools of cron and
    // at. (Writing these needs root: agents in containers have it.)
    root(&["etc"], SYSTEM),
    root(&["usr"], SYSTEM),
    root(&["lib"], SYSTEM),
    root(&["lib32"], SYSTEM),
    root(&["lib64"], SYSTEM),
    root(&["libx32"], SYSTEM),
    root(&["bin"], SYSTEM),
    root(&["sbin"], SYSTEM),
    root(&["boot"], SYSTEM),
    root(&["opt"], SYSTEM),
    root(&["var", "spool"], SYSTEM),
    root(&["var", "lib"], SYSTEM),
    root(&["run", "systemd"], SYSTEM),
    root(&["snap"], SYSTEM),
    // Python imports these first: a site folder's modules and `.pth` files (a line starting
    // with `import` runs), `sitecustomize`/`usercustomize`, and any module a later `python
    // -m` finds in the working folder (`json.py` shadows `python3 -m json.tool`'s).
    anywhere(&["site-packages"], PYTHON_CODE),
    anywhere(&["dist-packages"], PYTHON_CODE),
    anywhere(&[".local", "lib", "python*"], PYTHON_CODE),
    anywhere(&["*.pth"], PYTHON_CODE),
    anywhere(&["*.py"], PYTHON_CODE),
    anywhere(&["__pycache__"], PYTHON_CODE),
    anywhere(&["*.pyc"], PYTHON_CODE),
    anywhere(&[".pyenv"], PYTHON_CODE),
    anywhere(&["node_modules"], NODE_CODE),
    // Project files a later tool run reads without being told and acts on: terraform's
    // configuration (an `external` data source runs a program at plan time), its lock file
    // and variables, terragrunt's (run_cmd, hooks), make's, sam's, cdk's (`app` is the program
    // it runs), pulumi's, npm's scripts, kustomize's (generators).
    anywhere(&["*.tf"], PROJECT_FILE),
    anywhere(&["*.tf.json"], PROJECT_FILE),
    anywhere(&["*.tfvars"], PROJECT_FILE),
    anywhere(&["*.tfvars.json"], PROJECT_FILE),
    anywhere(&["*.hcl"], PROJECT_FILE),
    anywhere(&["*.tofu"], PROJECT_FILE),
    anywhere(&["Makefile"], PROJECT_FILE),
    anywhere(&["makefile"], PROJECT_FILE),
    anywhere(&["GNUmakefile"], PROJECT_FILE),
    anywhere(&["*.mk"], PROJECT_FILE),
    anywhere(&["samconfig.toml"], PROJECT_FILE),
    anywhere(&["samconfig.yaml"], PROJECT_FILE),
    anywhere(&["samconfig.yml"], PROJECT_FILE),
    anywhere(&["template.yaml"], PROJECT_FILE),
    anywhere(&["template.yml"], PROJECT_FILE),
    anywhere(&["cdk.json"], PROJECT_FILE),
    anywhere(&["cdk.context.json"], PROJECT_FILE),
    anywhere(&["Pulumi*.yaml"], PROJECT_FILE),
    anywhere(&["Pulumi*.yml"], PROJECT_FILE),
    anywhere(&["package.json"], PROJECT_FILE),
    anywhere(&["kustomization.yaml"], PROJECT_FILE),
    // The program sources cdk and pulumi run (`cdk ls|synth|diff` run the app cdk.json names,
    // `npx ts-node bin/app.ts` in the TypeScript template; `pulumi preview` runs the program)
    // in every language they support, and the files their compilers and loaders obey. Any
    // other file inside a CDK or Pulumi project is found by `written_classes` on the disk
    // (a folder above it holds `cdk.json` or `Pulumi.yaml`).
    anywhere(&["*.ts"], PROGRAM_SOURCE),
    anywhere(&["*.mts"], PROGRAM_SOURCE),
    anywhere(&["*.cts"], PROGRAM_SOURCE),
    anywhere(&["*.tsx"], PROGRAM_SOURCE),
    anywhere(&["*.js"], PROGRAM_SOURCE),
    anywhere(&["*.mjs"], PROGRAM_SOURCE),
    anywhere(&["*.cjs"], PROGRAM_SOURCE),
    anywhere(&["*.jsx"], PROGRAM_SOURCE),
    anywhere(&["*.go"], PROGRAM_SOURCE),
    anywhere(&["go.mod"], PROGRAM_SOURCE),
    anywhere(&["*.java"], PROGRAM_SOURCE),
    anywhere(&["*.kt"], PROGRAM_SOURCE),
    anywhere(&["pom.xml"], PROGRAM_SOURCE),
    anywhere(&["*.gradle"], PROGRAM_SOURCE),
    anywhere(&["*.gradle.kts"], PROGRAM_SOURCE),
    anywhere(&["*.cs"], PROGRAM_SOURCE),
    anywhere(&["*.fs"], PROGRAM_SOURCE),
    anywhere(&["*.vb"], PROGRAM_SOURCE),
    anywhere(&["*.csproj"], PROGRAM_SOURCE),
    anywhere(&["*.fsproj"], PROGRAM_SOURCE),
    anywhere(&["*.sln"], PROGRAM_SOURCE),
    anywhere(&["Directory.Build.*"], PROGRAM_SOURCE),
    anywhere(&["tsconfig*.json"], PROGRAM_SOURCE),
    anywhere(&[".babelrc*"], PROGRAM_SOURCE),
    anywhere(&["babel.config.*"], PROGRAM_SOURCE),
    anywhere(&[".swcrc"], PROGRAM_SOURCE),
    anywhere(&["Main.yaml"], PROGRAM_SOURCE),
    anywhere(&["kustomization.yml"], PROJECT_FILE),
    anywhere(&["Kustomization"], PROJECT_FILE),
    // Terraform state: overwriting or deleting it is destructive, creating it a write.
    anywhere(&["*.tfstate"], TerraformState),
    anywhere(&["*.tfstate.*"], TerraformState),
    anywhere(&["terraform.tfstate.d"], TerraformState),
    anywhere(&[".terraform"], TerraformState),
];

/// Stores a variable moves (a `:`-separated list for KUBECONFIG).
const LOCATED_BY: &[(&str, PathClass)] = &[
    (
        "AWS_SHARED_CREDENTIALS_FILE",
        CredentialStore("the AWS credentials file"),
    ),
    ("AWS_SHARED_CREDENTIALS_FILE", AWS_CONFIG),
    ("AWS_CONFIG_FILE", AWS_CONFIG),
    (
        "AWS_LOGIN_CACHE_DIRECTORY",
        CredentialStore("the AWS login cache"),
    ),
    (
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        CredentialStore("the AWS web-identity token"),
    ),
    (
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
        CredentialStore("the container credentials' authorization token"),
    ),
    ("KUBECONFIG", KUBECONFIG),
    ("XDG_CONFIG_HOME", TOOL_CONFIG),
    ("XDG_DATA_HOME", TOOL_CONFIG),
    ("GUARD_POLICY", GUARD_POLICY),
    ("CLAUDE_CONFIG_DIR", AGENT_SETTINGS),
    ("GEMINI_CLI_SYSTEM_SETTINGS_PATH", AGENT_SETTINGS),
    ("GEMINI_CLI_SYSTEM_DEFAULTS_PATH", AGENT_SETTINGS),
    ("CODEX_HOME", AGENT_SETTINGS),
    ("TF_CLI_CONFIG_FILE", TOOL_CONFIG),
];

/// guard's own folders under the XDG variables (as guard and the spec read them).
const GUARD_XDG: &[(&str, &str, PathClass)] = &[
    ("XDG_CONFIG_HOME", "guard", GUARD_POLICY),
    ("XDG_CACHE_HOME", "guard", GUARD_CACHE),
    (
        "XDG_CACHE_HOME",
        "guard",
        GuardControl("guard's cache, which it uses without asking again"),
    ),
    ("XDG_STATE_HOME", "guard", GUARD_STATE),
    ("XDG_STATE_HOME", "guard", CredentialStore("guard's state")),
];

#[cfg(test)]
mod tests {
    use super::super::{Context, Disk, FileText, NoDisk};
    use super::*;

    fn with_scope<T>(env: &[(&str, &str)], cwd: &str, f: impl Fn(&Scope) -> T) -> T {
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let lookup = |name: &str| {
            env.iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .or_else(|| (name == "HOME").then(|| "/home/u".to_owned()))
        };
        let files = |_: &Path| FileText::Missing;
        let ctx = Context {
            env: &lookup,
            read_file: &files,
            cwd: Some(Path::new(cwd)),
            disk: &NoDisk,
        };
        f(&Scope::new(&ctx))
    }

    fn read_of(text: &str) -> Severity {
        with_scope(&[], "/home/u/project", |scope| {
            read(&Word::literal(text), scope).severity
        })
    }

    fn write_of(text: &str) -> Severity {
        with_scope(&[], "/home/u/project", |scope| {
            write(&Word::literal(text), scope, Write::Replace).severity
        })
    }

    #[test]
    fn spellings_fold_to_one_path() {
        with_scope(&[], "/home/u/project", |scope| {
            let at = |text: &str| locate(&Word::literal(text), scope);
            let creds = Located::At("/home/u/.aws/credentials".to_owned());
            assert_eq!(at("~/.aws/credentials"), creds);
            assert_eq!(at("../.aws/credentials"), creds);
            assert_eq!(at("//home/u/./.aws//credentials"), creds);
            assert_eq!(at("/../home/u/.aws/x/../credentials"), creds);
            let home = Word {
                text: "$HOME/.aws/credentials".into(),
                dynamic: true,
            };
            assert_eq!(locate(&home, scope), creds);
            let other = Word {
                text: "$DIR/.aws/credentials".into(),
                dynamic: true,
            };
            assert!(matches!(locate(&other, scope), Located::Unknown(why) if why.contains("$DIR")));
            assert!(matches!(at("~root/x"), Located::Unknown(_)));
        });
    }

    #[test]
    fn each_class_reads_and_writes_as_the_issue_says() {
        // (path, read, write)
        let cases = [
            ("/proc/self/environ", Severity::Export, Severity::Write),
            ("/proc/1/task/1/environ", Severity::Export, Severity::Write),
            (
                "/proc/self/root/etc/passwd",
                Severity::Unknown,
                Severity::Unknown,
            ),
            ("/proc/cpuinfo", Severity::Read, Severity::Read),
            ("/dev/fd/3", Severity::Unknown, Severity::Unknown),
            ("/dev/null", Severity::Read, Severity::Read),
            ("~/.aws/credentials", Severity::Export, Severity::Write),
            ("~/.aws/sso/cache/x.json", Severity::Export, Severity::Write),
            ("~/.aws/cli/cache/x.json", Severity::Export, Severity::Write),
            (
                "~/.aws/login/cache/x.json",
                Severity::Export,
                Severity::Write,
            ),
            (
                "~/.cache/guard/creds/x",
                Severity::Export,
                Severity::Destructive,
            ),
            (
                "~/.local/state/guard/audit.jsonl",
                Severity::Export,
                Severity::Destructive,
            ),
            (
                "~/.config/guard/policy.toml",
                Severity::Read,
                Severity::Destructive,
            ),
            (
                "/etc/guard/policy.toml",
                Severity::Read,
                Severity::Destructive,
            ),
            (".guard.toml", Severity::Read, Severity::Destructive),
            ("~/.aws/config", Severity::Read, Severity::Write),
            ("~/.aws/cli/alias", Severity::Read, Severity::Write),
            ("~/.kube/config", Severity::Read, Severity::Write),
            ("~/.bashrc", Severity::Read, Severity::Write),
            (".git/hooks/pre-commit", Severity::Read, Severity::Write),
            ("~/.terraformrc", Severity::Read, Severity::Write),
            (".npmrc", Severity::Read, Severity::Write),
            // NoDisk: nothing exists, so a state file would be created.
            ("backup.tfstate", Severity::Read, Severity::Write),
            ("out.json", Severity::Read, Severity::Read),
            (
                "/home/u/project/tfstate.txt",
                Severity::Read,
                Severity::Read,
            ),
        ];
        for (path, read, write) in cases {
            assert_eq!(read_of(path), read, "reading {path}");
            assert_eq!(write_of(path), write, "writing {path}");
        }
    }

    #[test]
    fn variables_move_stores() {
        let env = [
            ("XDG_CONFIG_HOME", "/cfg"),
            ("KUBECONFIG", "/k/a:/k/b"),
            ("AWS_SHARED_CREDENTIALS_FILE", "/s/creds"),
        ];
        with_scope(&env, "/", |scope| {
            let write_sev =
                |text: &str| write(&Word::literal(text), scope, Write::Replace).severity;
            assert_eq!(write_sev("/cfg/guard/policy.toml"), Severity::Destructive);
            assert_eq!(write_sev("/k/b"), Severity::Write);
            assert_eq!(
                read(&Word::literal("/s/creds"), scope).severity,
                Severity::Export
            );
        });
    }

    /// `/home/u/link` is a symlink to `/srv/data`; `/home/u/real` a folder.
    struct LinkDisk;

    impl Disk for LinkDisk {
        fn probe(&self, path: &Path) -> Probe {
            let real = match path.to_str() {
                Some("/home/u/link") | Some("/srv/data") => "/srv/data",
                Some("/home/u/link/sub") => "/srv/data/sub",
                Some(other @ ("/home/u" | "/home/u/real" | "/home" | "/srv" | "/")) => other,
                _ => return Probe::Missing,
            };
            Probe::Folder {
                real: Path::new(real).to_path_buf(),
            }
        }

        fn holds_state(&self, _: &Path) -> bool {
            false
        }

        fn names(&self, _: &Path) -> Option<Vec<String>> {
            None
        }

        fn holds_python_modules(&self, _: &Path) -> bool {
            false
        }

        fn metadata_service(&self) -> Option<String> {
            None
        }
    }

    #[test]
    fn dot_dot_after_a_link_on_disk_is_not_folded() {
        let lookup = |name: &str| (name == "HOME").then(|| "/home/u".to_owned());
        let files = |_: &Path| FileText::Missing;
        let ctx = Context {
            env: &lookup,
            read_file: &files,
            cwd: Some(Path::new("/home/u")),
            disk: &LinkDisk,
        };
        let scope = Scope::new(&ctx);
        let read = |text: &str| read(&Word::literal(text), &scope);
        // The kernel goes up from /srv/data: /srv/x, not /home/u/x.
        let through_link = read("/home/u/link/../x");
        assert_eq!(through_link.severity, Severity::Unknown);
        assert!(through_link.reason.contains("a `..` after a link"));
        assert_eq!(read("link/../x").severity, Severity::Unknown);
        // A link before the folder that `..` leaves changes nothing: sub's parent is where
        // link leads.
        assert_eq!(
            read("/home/u/link/sub/../x").severity,
            Severity::Read,
            "/srv/data/x"
        );
        assert_eq!(
            read("/home/u/real/../.aws/credentials").severity,
            Severity::Export
        );
    }

    /// Files read for their contents (start-up files, terragrunt.hcl, a kubeconfig) are
    /// folded as the paths are: a `..` after a link is not guessed away.
    #[test]
    fn files_read_for_their_contents_fold_as_the_kernel() {
        let lookup = |name: &str| (name == "HOME").then(|| "/home/u".to_owned());
        let files = |path: &Path| match path.to_str() {
            Some("/home/u/x") => FileText::Text("lexical".to_owned()),
            Some("/srv/x") => FileText::Text("kernel".to_owned()),
            _ => FileText::Missing,
        };
        let ctx = Context {
            env: &lookup,
            read_file: &files,
            cwd: Some(Path::new("/")),
            disk: &LinkDisk,
        };
        let mut scope = Scope::new(&ctx);
        // `cd /home/u`: the files are read at their folded absolute paths.
        scope.set_workdir(WorkDir::Known("/home/u".to_owned()));
        for path in ["/home/u/link/../x", "link/../x"] {
            match scope.read_file(path) {
                FileText::Unreadable(why) => {
                    assert!(why.contains("goes up (..) from a link"), "{why}")
                }
                other => panic!("{path}: {other:?}"),
            }
        }
        // No link before the `..`: folded as before.
        assert!(matches!(
            scope.read_file("/home/u/real/../x"),
            FileText::Text(text) if text == "lexical"
        ));
    }

    #[test]
    fn expansions_are_unknown_unless_they_name_an_environ() {
        with_scope(&[], "/", |scope| {
            let dynamic = |text: &str| Word {
                text: text.to_owned().into(),
                dynamic: true,
            };
            assert_eq!(
                read(&dynamic("/proc/$$/environ"), scope).severity,
                Severity::Export
            );
            let glob = read(&dynamic("*.json"), scope);
            assert_eq!(glob.severity, Severity::Unknown);
            assert!(glob.reason.contains("*.json"), "{}", glob.reason);
        });
    }

    #[test]
    fn stores_match_as_a_case_insensitive_volume_compares() {
        // (path, read, write): macOS's APFS opens the real file for each spelling.
        let cases = [
            ("~/.Aws/Credentials", Severity::Export, Severity::Write),
            ("~/.aws/SSO/cache/x.json", Severity::Export, Severity::Write),
            (
                "~/.aw\u{17f}/credentials",
                Severity::Export,
                Severity::Write,
            ),
            (
                "~/.CONFIG/guard/POLICY.TOML",
                Severity::Read,
                Severity::Destructive,
            ),
            (".GUARD.toml", Severity::Read, Severity::Destructive),
            ("~/.Kube/config", Severity::Read, Severity::Write),
            ("~/.ZSHRC", Severity::Read, Severity::Write),
            (".Git/HOOKS/pre-commit", Severity::Read, Severity::Write),
            ("makefile", Severity::Read, Severity::Write),
            ("MAIN.TF", Severity::Read, Severity::Write),
            ("Notes.TXT", Severity::Read, Severity::Read),
        ];
        for (path, read, write) in cases {
            assert_eq!(read_of(path), read, "reading {path}");
            assert_eq!(write_of(path), write, "writing {path}");
        }
        with_scope(&[("XDG_CONFIG_HOME", "/cfg")], "/", |scope| {
            let sev = write(
                &Word::literal("/CFG/Guard/policy.toml"),
                scope,
                Write::Replace,
            )
            .severity;
            assert_eq!(sev, Severity::Destructive);
        });
    }

    #[test]
    fn a_shell_glob_and_a_store_part_can_match_one_name() {
        let both = |shell: &str, store: &str| {
            let shell: Vec<char> = shell.chars().collect();
            let store: Vec<char> = store.chars().collect();
            super::could_both_match(&shell, &store)
        };
        assert!(both("cred*", "credentials"));
        assert!(both("*", "credentials"));
        assert!(both("*.json", "*.tfstate.*"));
        assert!(both("c?e*s", "credentials"));
        assert!(both("*", "*.tfstate"));
        assert!(!both("*.tf", "*.tfstate"));
        assert!(!both("*.json", "credentials"));
        assert!(!both("*", ".."));
        assert!(!both("?", "ab"));
        let name = |pattern: &str, name: &str| {
            let pattern: Vec<char> = pattern.chars().collect();
            let name: Vec<char> = name.chars().collect();
            super::fnmatch(&pattern, &name)
        };
        assert!(name("*.tf", "main.tf"));
        assert!(name("*.tf", "*.tf"));
        assert!(!name("*.tf", "main.tfvars"));
        assert!(name("a?c", "abc"));
    }

    #[test]
    fn globs_match_parts() {
        assert!(glob("*.tfstate", "terraform.tfstate"));
        assert!(glob("*.tfstate.*", "terraform.tfstate.backup"));
        assert!(!glob("*.tfstate", "tfstate.txt"));
        assert!(glob("*", "self"));
        assert!(glob("environ", "environ"));
        assert!(!glob("environ", "environ2"));
        assert!(glob("*.tfstate", "PROD.TFSTATE"));
        assert!(glob("Pulumi*.yaml", "pulumi.dev.YAML"));
        assert!(!glob("*.tf", "a.tf\u{17f}"));
    }
}
