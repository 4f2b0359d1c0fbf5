//! `aws s3` high-level commands (`ls`, `cp`, `sync`, `mv`, `rm`, `rb`, `mb`, `presign`,
//! `website`), their options from the generated table (`aws_table`), and the local files a
//! transfer reads or writes.

use super::aws_ops::{self, Bound};
use super::aws_table;
use super::scope::{self, Scope};
use super::verdict::Verdict;
use super::{Probe, Severity, paths};

pub(crate) fn classify(command: &str, rest: &[&str], scope: &Scope) -> Verdict {
    let path = ["s3", command];
    let Some(found) = aws_table::operation("s3", command) else {
        return Verdict::of(
            Severity::Unknown,
            "aws",
            &path,
            "not an s3 command guard knows",
        );
    };
    let bound = match aws_ops::bind(&found.options(), rest) {
        Ok(bound) => bound,
        // A word from an expansion the table cannot place may be options that fit.
        Err(word) if scope::is_dynamic(&word) => return maybe_option(&path, &word),
        Err(word) => {
            // A change stays what it is (the CLI refuses a word it cannot place); a read is
            // only a read when every word is known.
            let verdict = judge(command, &Bound::default(), scope);
            return if verdict.severity != Severity::Read {
                verdict
            } else {
                Verdict::of(
                    Severity::Unknown,
                    "aws",
                    &path,
                    &format!(
                        "{word} is not an option of this command in guard's table of the CLI ({}); guard does not know what it does",
                        aws_table::version()
                    ),
                )
            };
        }
    };
    judge(command, &bound, scope)
}

fn judge(command: &str, bound: &Bound, scope: &Scope) -> Verdict {
    let path = ["s3", command];
    // The CLI takes options among the paths: a word from an expansion standing where a path
    // may be another option (`--endpoint-url`, `--recursive`, `--exclude`).
    if let Some(word) = bound
        .positionals
        .iter()
        .find(|word| scope::could_be_option(word))
    {
        return maybe_option(&path, word);
    }
    let dry_run = bound.has("dryrun");
    let transfer = Transfer::of(bound);
    // A local file sent to S3 that holds credentials leaves guard, dry run or not (the
    // listing names it, a real run uploads it).
    let recursive = command == "sync" || bound.has("recursive");
    if let Some(source) = transfer.local_source()
        && let Some(verdict) = aws_ops::sent(source, recursive, scope, &path)
        && verdict.severity == Severity::Export
    {
        return verdict;
    }
    let (severity, flag, what) = match command {
        "ls" => (Severity::Read, "", "lists buckets or objects"),
        "presign" => (
            Severity::Export,
            "",
            "prints a presigned URL made from the credentials: whoever holds it reads the object, unchecked",
        ),
        "mb" => (Severity::Write, "", "creates a bucket"),
        "website" => (
            Severity::Write,
            "",
            "changes a bucket's website configuration",
        ),
        "rb" if bound.has("force") => (
            Severity::Destructive,
            "--force",
            "deletes a bucket and every object in it",
        ),
        "rb" => (Severity::Destructive, "", "deletes a bucket"),
        "cp" | "mv" | "rm" | "sync" if dry_run => {
            (Severity::Read, "--dryrun", "dry run, changes nothing")
        }
        "rm" => (Severity::Destructive, "", "deletes objects"),
        "mv" => (
            Severity::Destructive,
            "",
            "moves objects (deletes the source)",
        ),
        "cp" | "sync" if transfer.downloads() => {
            return download(command, bound, &transfer, scope);
        }
        "sync" if bound.has("delete") => (
            Severity::Destructive,
            "--delete",
            "deletes objects missing from the source",
        ),
        // From S3 to a destination from an expansion: into S3, or a local path guard
        // cannot name (terraform state, a kubeconfig a later command reads).
        "cp" | "sync" if transfer.may_download() => {
            let upload = Verdict::of(
                Severity::Write,
                "aws",
                &path,
                "copies files into S3 (can overwrite objects)",
            );
            return upload.or_worse(download(command, bound, &transfer, scope));
        }
        "cp" | "sync" => (
            Severity::Write,
            "",
            "copies files into S3 (can overwrite objects)",
        ),
        _ => (Severity::Unknown, "", "not an s3 command guard knows"),
    };
    Verdict::of_flag(severity, "aws", &path, flag, what)
}

/// A word from an expansion where the CLI would also take an option.
fn maybe_option(path: &[&str], word: &str) -> Verdict {
    Verdict::of(
        Severity::Unknown,
        "aws",
        path,
        &format!(
            "{} comes from an expansion and could be an option; guard cannot tell what it does",
            scope::shown(word)
        ),
    )
}

/// A download: read, unless the local files it writes or deletes matter.
fn download(command: &str, bound: &Bound, transfer: &Transfer, scope: &Scope) -> Verdict {
    let path = ["s3", command];
    let Some(destination) = transfer.destination else {
        return Verdict::of(Severity::Unknown, "aws", &path, "no destination given");
    };
    let deletes = bound.has("delete");
    let many = command == "sync" || bound.has("recursive");
    let written = if many {
        // Names from the bucket: what the folder holds decides.
        aws_ops::written_into(destination, scope, &path, deletes)
    } else if destination == "." || destination.ends_with('/') || is_folder(destination, scope) {
        let folder = destination.trim_end_matches('/');
        let name = transfer
            .source
            .map(scope::shown)
            .and_then(|source| source.rsplit('/').next())
            .filter(|name| !name.is_empty() && !name.contains(['$', '`']));
        match name {
            Some(name) => aws_ops::written(&format!("{folder}/{name}"), scope, &path),
            // The key's name comes from an expansion: any file in the folder.
            None => aws_ops::written_into(destination, scope, &path, false),
        }
    } else {
        aws_ops::written(destination, scope, &path)
    };
    written.unwrap_or_else(|| {
        Verdict::of(
            Severity::Read,
            "aws",
            &path,
            "downloads objects to local files, changes nothing in S3",
        )
    })
}

/// Whether the local path is a folder now (a download into it keeps the key's name).
fn is_folder(local: &str, scope: &Scope) -> bool {
    match paths::locate(&aws_ops::word(local, scope::is_dynamic(local)), scope) {
        paths::Located::At(at) => matches!(
            scope.disk().probe(std::path::Path::new(&at)),
            Probe::Folder { .. }
        ),
        paths::Located::Unknown(_) => false,
    }
}

/// The two paths of a `cp`/`mv`/`sync`.
struct Transfer<'a> {
    source: Option<&'a str>,
    destination: Option<&'a str>,
}

impl<'a> Transfer<'a> {
    fn of(bound: &Bound<'a>) -> Transfer<'a> {
        Transfer {
            source: bound.positionals.first().copied(),
            destination: bound.positionals.get(1).copied(),
        }
    }

    /// From S3 to the local disk. An S3 source whose bucket or key comes from an expansion
    /// (`s3://$BUCKET/x`) is still in S3; a destination from an expansion may be anywhere.
    fn downloads(&self) -> bool {
        match (self.source, self.destination) {
            (Some(source), Some(destination)) => {
                is_s3(scope::shown(source))
                    && !is_s3(destination)
                    && !scope::is_dynamic(destination)
            }
            _ => false,
        }
    }

    /// From S3 to a destination from an expansion, which may be a local path.
    fn may_download(&self) -> bool {
        match (self.source, self.destination) {
            (Some(source), Some(destination)) => {
                is_s3(scope::shown(source)) && scope::is_dynamic(destination)
            }
            _ => false,
        }
    }

    /// The local path an upload reads.
    fn local_source(&self) -> Option<&'a str> {
        let source = self.source?;
        (self.destination.is_some() && !is_s3(scope::shown(source))).then_some(source)
    }
}

fn is_s3(location: &str) -> bool {
    location.starts_with("s3://") || location.starts_with("arn:")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transfer(words: &[&'static str]) -> bool {
        let found = aws_table::operation("s3", "cp").expect("s3 cp");
        let bound = aws_ops::bind(&found.options(), words).expect("binds");
        Transfer::of(&bound).downloads()
    }

    #[test]
    fn direction_of_transfers() {
        assert!(transfer(&["s3://b/k", "."]));
        assert!(transfer(&[
            "--recursive",
            "s3://b/",
            "dir",
            "--exclude",
            "*.tmp"
        ]));
        assert!(!transfer(&["./x", "s3://b/k"]));
        assert!(!transfer(&["s3://a/k", "s3://b/k"]));
        assert!(!transfer(&["./x", "s3://b/k", "--acl", "private"]));
        assert!(transfer(&["\u{0}s3://$BUCKET/x", "."]));
        assert!(!transfer(&["s3://b/x", "\u{0}$DEST"]));
    }
}
