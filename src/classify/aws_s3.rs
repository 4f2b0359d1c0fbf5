//! `aws s3` high-level commands (`ls`, `cp`, `sync`, `mv`, `rm`, `rb`, `mb`, `presign`,
//! `website`).

use super::Severity;
use super::scope;
use super::verdict::Verdict;

/// Options of `cp`/`sync`/`mv` that take no value.
const SWITCHES: &[&str] = &[
    "--recursive",
    "--dryrun",
    "--quiet",
    "--only-show-errors",
    "--no-progress",
    "--follow-symlinks",
    "--no-follow-symlinks",
    "--no-guess-mime-type",
    "--force-glacier-transfer",
    "--ignore-glacier-warnings",
    "--delete",
    "--exact-timestamps",
    "--size-only",
    "--no-overwrite",
];

/// Options of `cp`/`sync`/`mv` that take one value word.
const VALUED: &[&str] = &[
    "--acl",
    "--sse",
    "--sse-c",
    "--sse-c-key",
    "--sse-kms-key-id",
    "--sse-c-copy-source",
    "--sse-c-copy-source-key",
    "--storage-class",
    "--website-redirect",
    "--content-type",
    "--cache-control",
    "--content-disposition",
    "--content-encoding",
    "--content-language",
    "--expires",
    "--source-region",
    "--metadata",
    "--metadata-directive",
    "--expected-size",
    "--include",
    "--exclude",
    "--page-size",
    "--checksum-mode",
    "--checksum-algorithm",
    "--copy-props",
];

pub(crate) fn classify(command: &str, rest: &[&str]) -> Verdict {
    let dry_run = dry_run(rest);
    let (severity, flag, what) = match command {
        "ls" => (Severity::Read, "", "lists buckets or objects"),
        "presign" => (Severity::Read, "", "makes a presigned URL, calls no API"),
        "mb" => (Severity::Write, "", "creates a bucket"),
        "website" => (
            Severity::Write,
            "",
            "changes a bucket's website configuration",
        ),
        "rb" if rest.contains(&"--force") => (
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
        "cp" | "sync" if downloads(rest) => (
            Severity::Read,
            "",
            "downloads objects to local files, changes nothing in S3",
        ),
        "sync" if deletes(rest) => (
            Severity::Destructive,
            "--delete",
            "deletes objects missing from the source",
        ),
        "cp" | "sync" => (
            Severity::Write,
            "",
            "copies files into S3 (can overwrite objects)",
        ),
        _ => (Severity::Unknown, "", "not an s3 command guard knows"),
    };
    Verdict::of_flag(severity, "aws", &["s3", command], flag, what)
}

/// `--dryrun` or an abbreviation argparse expands to it (`--dr`, `--dry`: no other option of
/// these commands, nor a global one, starts with `--dr`; checked with the real CLI).
fn dry_run(rest: &[&str]) -> bool {
    rest.iter()
        .any(|arg| arg.len() >= "--dr".len() && "--dryrun".starts_with(arg))
}

/// `--delete` or an abbreviation argparse would expand to it (`--de` is taken by the
/// global `--debug`).
fn deletes(rest: &[&str]) -> bool {
    rest.iter()
        .any(|arg| arg.len() >= "--del".len() && "--delete".starts_with(arg))
}

/// Whether the transfer goes from S3 to the local disk: exactly two positional words, the
/// source in S3 and the destination not. Any option guard does not know could take a value
/// and hide the real destination, so it makes the answer "no".
fn downloads(rest: &[&str]) -> bool {
    let mut positionals = Vec::new();
    let mut i = 0;
    while let Some(arg) = rest.get(i) {
        i += 1;
        if !arg.starts_with("--") {
            positionals.push(*arg);
        } else if VALUED.contains(arg) {
            i += 1;
        } else if !SWITCHES.contains(arg) && !arg.contains('=') {
            return false;
        }
    }
    // A destination from an expansion (`"$TARGET"`, xargs' `{}`) may be in S3.
    match positionals.as_slice() {
        [source, destination] => {
            is_s3(source) && !is_s3(destination) && !scope::is_dynamic(destination)
        }
        _ => false,
    }
}

fn is_s3(location: &str) -> bool {
    location.starts_with("s3://") || location.starts_with("arn:")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direction_of_transfers() {
        assert!(downloads(&["s3://b/k", "."]));
        assert!(downloads(&[
            "--recursive",
            "s3://b/",
            "dir",
            "--exclude",
            "*.tmp"
        ]));
        assert!(!downloads(&["./x", "s3://b/k"]));
        assert!(!downloads(&["s3://a/k", "s3://b/k"]));
        assert!(!downloads(&["s3://b/k", ".", "--unknown", "s3://c/"]));
        assert!(!downloads(&["./x", "s3://b/k", "--acl", "private"]));
    }
}
