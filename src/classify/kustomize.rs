//! The standalone `kustomize` (tools, lead): `kustomize build` is judged as `kubectl
//! kustomize` (the same builder, the same flags: `--enable-exec`, `--enable-alpha-plugins` and
//! `--helm-command` run programs, `-o` writes through the path classes; an option kubectl's
//! table does not have is unknown) and `kustomize version` is read. `edit`, `create` and
//! `localize` write the project's files; `fn` and `cfg` run or change functions and resources;
//! anything else is unknown.

use super::Severity::{Read, Unknown, Write};
use super::kubectl;
use super::scope::{self, Scope};
use super::verdict::Verdict;

pub(crate) fn classify(args: &[String], scope: &Scope) -> Verdict {
    // Where git (remote bases) and kustomize's plugins are found: the line's own is someone
    // else's configuration, for every command alike.
    if let Some(var) = scope
        .assigned("HOME")
        .map(|_| "HOME")
        .or_else(|| scope.assigned_prefixed("GIT_"))
    {
        let what = format!(
            "{var} is set on the command line: kustomize's git and plugins read their configuration there"
        );
        return Verdict::of(Unknown, "kustomize", &[], &what);
    }
    let Some((command, rest)) = args.split_first() else {
        return Verdict::of(Read, "kustomize", &[], "prints help");
    };
    match command.as_str() {
        _ if scope::is_dynamic(command) => Verdict::of(
            Unknown,
            "kustomize",
            &[],
            "the command comes from an expansion; guard cannot see it",
        ),
        "build" => {
            let as_kubectl: Vec<String> = std::iter::once("kustomize".to_owned())
                .chain(rest.iter().cloned())
                .collect();
            let mut verdict = kubectl::classify(&as_kubectl, scope);
            verdict.reason = verdict
                .reason
                .replacen("kubectl kustomize", "kustomize build", 1);
            verdict.command = vec!["build".to_owned()];
            verdict
        }
        "version" if rest.iter().all(|arg| arg == "--short") => {
            Verdict::of(Read, "kustomize", &["version"], "prints its version")
        }
        "edit" | "create" | "init" | "localize" => Verdict::of(
            Write,
            "kustomize",
            &[command.as_str()],
            "writes the project's kustomization files",
        ),
        other => Verdict::of(
            Unknown,
            "kustomize",
            &[other],
            "not a kustomize command guard reads",
        ),
    }
}
