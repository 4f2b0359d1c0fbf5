//! The paths a table tool's flags name, judged by their class. A thin seam over `paths`
//! (credential stores, guard's own files, trusted configuration, terraform state) for the
//! tools whose words are plain strings marked when dynamic.

use super::Severity;
use super::local;
use super::scope::{self, Scope};

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

/// A value the shell may still expand: `--flag=$VALUE` reaches the tool parsers with its
/// flag name literal and its value as written.
fn maybe_expanded(path: &str) -> bool {
    scope::is_dynamic(path) || path.contains(['$', '`', '*', '?', '['])
}

fn read_one(path: &str, _scope: &Scope) -> Option<(Severity, String)> {
    if maybe_expanded(path) {
        return Some((
            Severity::Unknown,
            "reads a path from an expansion; guard cannot see which".to_owned(),
        ));
    }
    let environ = path.starts_with("/proc/") && path.ends_with("/environ");
    environ.then(|| {
        (
            Severity::Export,
            "reads a credential store (the process environment)".to_owned(),
        )
    })
}

/// Writing `path` (replacing it): None when it changes nothing.
pub(crate) fn write(path: &str, _scope: &Scope) -> Option<(Severity, String)> {
    if maybe_expanded(path) {
        return Some((
            Severity::Unknown,
            "writes a path from an expansion; guard cannot see which".to_owned(),
        ));
    }
    local::is_terraform_state(path).then(|| {
        (
            Severity::Destructive,
            "writes over terraform state".to_owned(),
        )
    })
}
