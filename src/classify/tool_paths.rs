//! The paths a table tool's or terraform's flags name, judged by their class (`paths`:
//! credential stores, guard's own files, trusted configuration, terraform state), for the
//! parsers whose words are plain strings marked when dynamic.

use std::borrow::Cow;

use super::curl;
use super::paths::{self, Write};
use super::scope::{self, Scope, Word};
use super::{Probe, Severity};

/// The scope of a tool that changes into the folder `dir` before it resolves its paths
/// (pulumi `--cwd`, terragrunt `--working-dir`): `dir` resolved where the command runs,
/// unknown when it comes from an expansion.
pub(crate) fn moved_to<'a>(dir: &str, scope: &Scope<'a>) -> Scope<'a> {
    let word = word(dir);
    let mut moved = scope.clone();
    moved.set_workdir(match paths::locate(&word, scope) {
        paths::Located::At(at) => paths::WorkDir::Known(at),
        paths::Located::Unknown(why) => paths::WorkDir::Unknown(why),
    });
    moved
}

/// Reading `path`: None when it changes nothing. A `KEY=PATH` value (kubectl
/// `--from-file`, helm `--set-file`) is judged by its path too.
pub(crate) fn read(path: &str, scope: &Scope) -> Option<(Severity, String)> {
    if let Some((_, after)) = path.split_once('=')
        && let Some(found) = read_one(after, scope)
    {
        return Some(found);
    }
    read_one(path, scope)
}

/// Writing `path` (replacing it): None when it changes nothing.
pub(crate) fn write(path: &str, scope: &Scope) -> Option<(Severity, String)> {
    let verdict = paths::write(&word(path), scope, Write::Replace);
    (!verdict.is_ordinary()).then_some((verdict.severity, verdict.reason))
}

/// Writing `path` as a tool's own documented kubeconfig switch (`paths::write_switch`): None
/// when it changes nothing.
pub(crate) fn write_switch(path: &str, scope: &Scope) -> Option<(Severity, String)> {
    let verdict = paths::write_switch(&word(path), scope);
    (!verdict.is_ordinary()).then_some((verdict.severity, verdict.reason))
}

/// Reading the folder `path` whole (a manifests folder): None when it changes nothing.
pub(crate) fn read_tree(path: &str, scope: &Scope) -> Option<(Severity, String)> {
    let verdict = paths::read_tree(&word(path), scope);
    (!verdict.is_ordinary()).then_some((verdict.severity, verdict.reason))
}

/// A folder named where a file is expected is read whole by some options (kubectl
/// `--from-file=DIR` takes every file in it), so a folder holding a store is read as the store.
/// An `http(s)://` URL there is fetched (kubectl and helm `-f URL`, helm `--values URL`, with
/// Go's client, which follows redirects): judged by curl's address rules (red team R24).
fn read_one(path: &str, scope: &Scope) -> Option<(Severity, String)> {
    let shown = scope::shown(path);
    let lower = shown.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        let rest = &shown[shown.find("://").map_or(0, |at| at + 3)..];
        let verdict = curl::network(
            rest,
            scope::is_dynamic(path) || shown.contains(['$', '`']),
            false,
            Some("the tool fetches the URL and follows redirects"),
            scope,
        );
        return (!verdict.is_ordinary()).then(|| {
            (
                verdict.severity,
                format!("fetches {shown}: {}", verdict.reason),
            )
        });
    }
    let word = word(path);
    // Anything but a file on disk may be a folder when the tool runs (`--from-file=~/.aws`
    // with no ~/.aws yet, red team R15): read whole, a store under it counts.
    let folder = word.text.ends_with('/')
        || matches!(paths::locate(&word, scope), paths::Located::At(at)
            if !matches!(scope.disk().probe(std::path::Path::new(&at)), Probe::File { .. }));
    let verdict = if folder {
        paths::read_tree(&word, scope)
    } else {
        paths::read(&word, scope)
    };
    (!verdict.is_ordinary()).then_some((verdict.severity, verdict.reason))
}

/// The word as `paths` wants it: a value the shell may still expand (`--flag=$VALUE` reaches
/// the tool parsers with its flag name literal and its value as written) is dynamic.
pub(crate) fn word(path: &str) -> Word<'_> {
    let dynamic = scope::is_dynamic(path) || path.contains(['$', '`', '*', '?', '[']);
    Word {
        text: Cow::Borrowed(scope::shown(path)),
        dynamic,
    }
}
