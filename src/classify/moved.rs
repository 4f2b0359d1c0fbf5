//! Variables that move a program's default configuration: a `HOME` or `XDG_CONFIG_HOME` set
//! on the command line is the same as the variable naming the file it moves (red team F9-F12).
//!
//! `HOME=DIR less f` reads `DIR/.lesskey`, whose `#env` section can set `LESSOPEN` (a
//! command less runs) exactly as `LESSKEYIN=DIR/.lesskey` would; `HOME=DIR jq` sources
//! `DIR/.jq` into every program; `HOME=DIR python3` (the AWS CLI and SAM too) runs the `.pth`
//! files of `DIR/.local/lib/pythonX.Y/site-packages` at start-up, as `PYTHONUSERBASE` would.
//! The files were found with strace under a moved HOME and XDG_CONFIG_HOME (less 590, jq
//! 1.6, kislyuk's yq, file 5.44, procps top, CPython 3.11); dig's by its source.
//!
//! guard reads the moved places as the program would look for them: where nothing is there
//! the variable changes nothing and the line keeps its verdict; where something is (or guard
//! cannot tell where the place is) the line is unknown, naming the file. Inherited values are
//! the user's own setup.

use std::path::Path;

use super::Probe;
use super::paths::{self, Located};
use super::scope::{EnvValue, LIBRARY_VARS, LibraryVar, Scope, Word};

/// Where a program looks for a file, relative to a folder a variable names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Base {
    /// `$HOME/FILE`.
    Home,
    /// `$XDG_CONFIG_HOME/FILE`, `$HOME/.config/FILE` when that is unset or not absolute.
    XdgConfig,
}

struct MovedFile {
    programs: &'static [&'static str],
    base: Base,
    file: &'static str,
    what: &'static str,
}

const LESS: &[&str] = &["less", "more", "journalctl", "systemctl"];
const LESSKEY: &str =
    "less's lesskey file, whose #env section can set LESSOPEN (a command less runs on the file)";
const JQ: &str = "jq's definitions, sourced into every program (`def keys: env;`)";

/// The implicit per-user files of the local programs guard judges. journalctl and systemctl
/// page through less.
const MOVED: &[MovedFile] = &[
    MovedFile {
        programs: LESS,
        base: Base::Home,
        file: ".lesskey",
        what: LESSKEY,
    },
    MovedFile {
        programs: LESS,
        base: Base::Home,
        file: ".less",
        what: LESSKEY,
    },
    MovedFile {
        programs: LESS,
        base: Base::XdgConfig,
        file: "lesskey",
        what: LESSKEY,
    },
    MovedFile {
        programs: LESS,
        base: Base::XdgConfig,
        file: "less",
        what: LESSKEY,
    },
    MovedFile {
        programs: &["jq", "yq"],
        base: Base::Home,
        file: ".jq",
        what: JQ,
    },
    MovedFile {
        programs: &["file"],
        base: Base::Home,
        file: ".magic",
        what: "file's own magic, whose lines its warnings print",
    },
    MovedFile {
        programs: &["file"],
        base: Base::Home,
        file: ".magic.mgc",
        what: "file's own compiled magic",
    },
    MovedFile {
        programs: &["top"],
        base: Base::Home,
        file: ".toprc",
        what: "top's configuration",
    },
    MovedFile {
        programs: &["top"],
        base: Base::XdgConfig,
        file: "procps/toprc",
        what: "top's configuration",
    },
    MovedFile {
        programs: &["dig"],
        base: Base::Home,
        file: ".digrc",
        what: "dig's default options (`-f FILE` reads a file of the line's choosing)",
    },
];

/// Python programs that look for the user site: kislyuk's yq is one.
const PYTHON_PROGRAMS: &[&str] = &["yq"];

/// Why a variable set on the command line makes `program` read configuration guard has not
/// read: a moved file that exists, or a place guard cannot tell.
pub(crate) fn config(program: &str, scope: &Scope) -> Option<String> {
    for moved in MOVED.iter().filter(|m| m.programs.contains(&program)) {
        if let Some(why) = check(scope, moved.base, moved.file, moved.what) {
            return Some(why);
        }
    }
    if PYTHON_PROGRAMS.contains(&program) {
        return user_site(scope);
    }
    None
}

/// Python's user site (`$HOME/.local/lib/pythonX.Y/site-packages`, `PYTHONUSERBASE` is judged
/// on its own): its `.pth` files run at start-up, in every Python program (the AWS CLI and SAM
/// included). Where a HOME set on the line holds a `.local/lib`, the line is unknown.
pub(crate) fn user_site(scope: &Scope) -> Option<String> {
    check(
        scope,
        Base::Home,
        ".local/lib",
        "Python's user site-packages, whose .pth files run at start-up",
    )
}

fn check(scope: &Scope, base: Base, file: &str, what: &str) -> Option<String> {
    let xdg = match scope.var("XDG_CONFIG_HOME") {
        Some(EnvValue::Known(value)) if value.starts_with('/') => Some(EnvValue::Known(value)),
        Some(EnvValue::Dynamic) => Some(EnvValue::Dynamic),
        _ => None,
    };
    // The variable that decides the place, and the folder below it.
    let (var, below) = match (base, &xdg) {
        (Base::Home, _) => ("HOME", ""),
        (Base::XdgConfig, Some(_)) => ("XDG_CONFIG_HOME", ""),
        (Base::XdgConfig, None) => ("HOME", ".config/"),
    };
    // Only a value the command line gives moves it (an XDG_CONFIG_HOME set on the line that
    // is not absolute hands the place back to HOME, which is then judged).
    let moved_by_line = scope.assigned(var).is_some()
        || (base == Base::XdgConfig && scope.assigned("XDG_CONFIG_HOME").is_some());
    if !moved_by_line {
        return None;
    }
    let folder = match scope.var(var) {
        Some(EnvValue::Known(folder)) => folder,
        Some(EnvValue::Dynamic) => {
            return Some(format!(
                "{var} comes from an expansion, and it moves {what}: guard cannot read it"
            ));
        }
        None => {
            return Some(format!(
                "{var} is unset, and it places {what}: guard cannot tell where it is"
            ));
        }
    };
    let path = format!("{folder}/{below}{file}");
    let at = match paths::locate(&Word::literal(&path), scope) {
        Located::At(at) => at,
        Located::Unknown(why) => {
            return Some(format!(
                "{var} moves {what} to {path}, which guard cannot place ({why})"
            ));
        }
    };
    (scope.disk().probe(Path::new(&at)) != Probe::Missing).then(|| {
        format!(
            "{var} is set on the command line and moves {what} to {path}, which exists: guard does not read it as the program would"
        )
    })
}

/// Why a library variable set on the command line changes what any program does: unknown for
/// code it loads, the class of the file it appends to (`SSLKEYLOGFILE=terraform.tfstate` is
/// destructive, into `~/.bashrc` a write).
pub(crate) fn library(scope: &Scope) -> Option<(super::Severity, String)> {
    for (var, effect) in LIBRARY_VARS {
        let Some(value) = scope.assigned(var) else {
            continue;
        };
        match (effect, value) {
            (LibraryVar::Runs(what), _) => {
                return Some((
                    super::Severity::Unknown,
                    format!("{var} is set on the command line: {what}"),
                ));
            }
            (LibraryVar::Appends(what), EnvValue::Dynamic) => {
                return Some((
                    super::Severity::Unknown,
                    format!("{var} comes from an expansion: {what}, a file guard cannot place"),
                ));
            }
            (LibraryVar::Appends(what), EnvValue::Known(path)) => {
                if path.is_empty() {
                    continue;
                }
                let verdict = paths::write(&Word::literal(&path), scope, paths::Write::Append);
                if !verdict.is_ordinary() {
                    return Some((
                        verdict.severity,
                        format!(
                            "{var} is set on the command line: {what}: {}",
                            verdict.reason
                        ),
                    ));
                }
            }
        }
    }
    None
}
