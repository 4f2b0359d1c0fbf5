//! Who asked for credentials: the command line of the process that runs
//! `guard credential-process --caller` (the AWS CLI, terraform's provider and terraform above
//! it), read from the process tree. What cannot be read is said, never guessed.

use std::io::Read;
use std::path::Path;

/// How many ancestors guard looks through for the command it can judge.
const DEPTH: usize = 4;
/// The most of a command line guard reads: more is a caller it does not judge.
const ARGV_LIMIT: u64 = 256 << 10;

/// The command that asked, as far as guard could read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Asker {
    /// The command line of the ancestor that decides, as its words (a script run by its
    /// interpreter is written as the script's name: `aws s3 ls`, not `python3 /usr/bin/aws s3 ls`),
    /// and the environment it was started with (what the person ran it with: the AWS CLI sets
    /// variables of its own once it runs, which guard's own environment then shows).
    Command {
        pid: u32,
        argv: Vec<String>,
        env: Vec<(String, String)>,
        /// Its working folder; None when guard cannot read it (relative paths are then unknown).
        cwd: Option<std::path::PathBuf>,
    },
    /// guard cannot read or use the caller's command line; the text says why.
    Unreadable(String),
}

/// Programs that run on behalf of the command above them and ask for its credentials:
/// terraform's and OpenTofu's providers. The command that decides is their parent.
fn helper(program: &str) -> bool {
    program.starts_with("terraform-provider-") || program.starts_with("tofu-provider-")
}

/// Interpreters whose second word is the script the person ran (a `#!` line puts them there).
fn interpreter(program: &str) -> bool {
    let name = program.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.');
    matches!(name, "python" | "node" | "ruby" | "perl")
}

/// The command guard judges for the process `pid` that asked: itself, or above a helper.
pub fn asker(pid: u32) -> Asker {
    asker_in(Path::new("/proc"), pid)
}

fn asker_in(proc: &Path, mut pid: u32) -> Asker {
    for _ in 0..DEPTH {
        let argv = match argv_of(proc, pid) {
            Ok(argv) => argv,
            Err(why) => return Asker::Unreadable(why),
        };
        let program = argv
            .first()
            .map(|first| basename(first).to_string())
            .unwrap_or_default();
        if helper(&program) {
            pid = match parent_of(proc, pid) {
                Ok(parent) => parent,
                Err(why) => return Asker::Unreadable(why),
            };
            continue;
        }
        let env = match env_of(proc, pid) {
            Ok(env) => env,
            Err(why) => return Asker::Unreadable(why),
        };
        return Asker::Command {
            pid,
            argv: as_run(argv),
            env,
            cwd: std::fs::read_link(proc.join(pid.to_string()).join("cwd")).ok(),
        };
    }
    Asker::Unreadable(format!(
        "more than {DEPTH} helper processes above guard; it does not look further"
    ))
}

/// A process as the guarded shell's endpoint keys its decision: its command line as it is, and
/// when it started (a PID is reused; a PID and its start are one process).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub argv: Vec<String>,
    /// Clock ticks after boot (field 22 of `/proc/PID/stat`).
    pub started: u64,
}

/// The process `pid`, or why guard cannot read it.
pub fn seen(pid: u32) -> Result<Seen, String> {
    seen_in(Path::new("/proc"), pid)
}

fn seen_in(proc: &Path, pid: u32) -> Result<Seen, String> {
    // The start first: a process that ends and whose PID is taken between the two reads is
    // then seen with the newcomer's command line and start, never a mix that outlives it.
    let started = started_of(proc, pid)?;
    let argv = argv_of(proc, pid)?;
    if started_of(proc, pid)? != started {
        return Err(format!("process {pid} ended while guard read it"));
    }
    Ok(Seen { argv, started })
}

fn started_of(proc: &Path, pid: u32) -> Result<u64, String> {
    let stat = read_capped(&proc.join(pid.to_string()).join("stat"))?;
    let stat = String::from_utf8_lossy(&stat);
    // Fields after the command's name (which may hold spaces and parentheses) start at the
    // third: the start is the twentieth of them.
    stat.rsplit_once(')')
        .and_then(|(_, rest)| rest.split_whitespace().nth(19))
        .and_then(|started| started.parse().ok())
        .ok_or_else(|| format!("cannot read when process {pid} started"))
}

/// `python3 /usr/local/bin/aws s3 ls` as the person typed it: `aws s3 ls`.
fn as_run(argv: Vec<String>) -> Vec<String> {
    match argv.as_slice() {
        [first, script, rest @ ..]
            if interpreter(basename(first)) && !script.starts_with('-') && script.contains('/') =>
        {
            std::iter::once(basename(script).to_string())
                .chain(rest.iter().cloned())
                .collect()
        }
        _ => argv,
    }
}

fn basename(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

fn read_capped(path: &Path) -> Result<Vec<u8>, String> {
    let file =
        std::fs::File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut bytes = Vec::new();
    file.take(ARGV_LIMIT + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if bytes.len() as u64 > ARGV_LIMIT {
        return Err(format!(
            "the command line in {} is longer than {} KiB",
            path.display(),
            ARGV_LIMIT >> 10
        ));
    }
    Ok(bytes)
}

fn argv_of(proc: &Path, pid: u32) -> Result<Vec<String>, String> {
    let bytes = read_capped(&proc.join(pid.to_string()).join("cmdline"))?;
    if bytes.is_empty() {
        // A zombie or a kernel thread: nothing to judge.
        return Err(format!("process {pid} has no command line (it has ended)"));
    }
    let words: Vec<&[u8]> = bytes
        .strip_suffix(b"\0")
        .unwrap_or(&bytes)
        .split(|b| *b == 0)
        .collect();
    words
        .into_iter()
        .map(|word| {
            String::from_utf8(word.to_vec())
                .map_err(|_| format!("the command line of process {pid} is not UTF-8"))
        })
        .collect()
}

fn env_of(proc: &Path, pid: u32) -> Result<Vec<(String, String)>, String> {
    let bytes = read_capped(&proc.join(pid.to_string()).join("environ"))?;
    Ok(bytes
        .split(|b| *b == 0)
        .filter_map(|entry| {
            let entry = std::str::from_utf8(entry).ok()?;
            let (name, value) = entry.split_once('=')?;
            Some((name.to_string(), value.to_string()))
        })
        .collect())
}

fn parent_of(proc: &Path, pid: u32) -> Result<u32, String> {
    let stat = read_capped(&proc.join(pid.to_string()).join("stat"))?;
    let stat = String::from_utf8_lossy(&stat);
    // pid (comm) state ppid ...: comm may hold spaces and parentheses, so read after the last ')'.
    stat.rsplit_once(')')
        .and_then(|(_, rest)| rest.split_whitespace().nth(1))
        .and_then(|ppid| ppid.parse().ok())
        .filter(|ppid| *ppid > 1)
        .ok_or_else(|| format!("cannot read the parent of process {pid}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fake(entries: &[(u32, u32, &[&str])]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (pid, ppid, argv) in entries {
            let d = dir.path().join(pid.to_string());
            std::fs::create_dir_all(&d).unwrap();
            let cmdline: Vec<u8> = argv
                .iter()
                .flat_map(|w| [w.as_bytes(), b"\0"].concat())
                .collect();
            std::fs::write(d.join("cmdline"), cmdline).unwrap();
            std::fs::write(
                d.join("stat"),
                format!("{pid} (a b) S {ppid} 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 {pid}00 1"),
            )
            .unwrap();
            std::fs::write(d.join("environ"), b"HOME=/home/u\0AWS_PROFILE=prod\0").unwrap();
        }
        dir
    }

    #[test]
    fn the_aws_cli_is_read_as_typed() {
        let proc = fake(&[(
            10,
            9,
            &[
                "/usr/bin/python3",
                "/usr/local/bin/aws",
                "s3",
                "rb",
                "s3://x",
            ],
        )]);
        assert_eq!(
            asker_in(proc.path(), 10),
            Asker::Command {
                pid: 10,
                argv: vec!["aws".into(), "s3".into(), "rb".into(), "s3://x".into()],
                env: vec![
                    ("HOME".into(), "/home/u".into()),
                    ("AWS_PROFILE".into(), "prod".into())
                ],
                cwd: None,
            }
        );
    }

    #[test]
    fn a_provider_asks_for_terraform_above_it() {
        let proc = fake(&[
            (20, 19, &["terraform", "apply"]),
            (
                21,
                20,
                &[".terraform/providers/x/terraform-provider-aws_v5.0.0_x5"],
            ),
        ]);
        assert!(matches!(
            asker_in(proc.path(), 21),
            Asker::Command { pid: 20, argv, .. } if argv == ["terraform", "apply"]
        ));
    }

    #[test]
    fn a_process_is_its_pid_and_its_start() {
        let proc = fake(&[(50, 1, &["/usr/bin/python3", "/home/u/sync.py", "--all"])]);
        assert_eq!(
            seen_in(proc.path(), 50),
            Ok(Seen {
                argv: vec![
                    "/usr/bin/python3".into(),
                    "/home/u/sync.py".into(),
                    "--all".into()
                ],
                started: 5000,
            })
        );
        assert!(seen_in(proc.path(), 51).is_err());
    }

    #[test]
    fn what_cannot_be_read_is_said() {
        let proc = fake(&[(30, 1, &[])]);
        assert!(
            matches!(asker_in(proc.path(), 30), Asker::Unreadable(why) if why.contains("ended"))
        );
        assert!(matches!(asker_in(proc.path(), 31), Asker::Unreadable(_)));
        let big = "x".repeat(300 << 10);
        let proc = fake(&[(40, 1, &["aws", &big])]);
        assert!(
            matches!(asker_in(proc.path(), 40), Asker::Unreadable(why) if why.contains("longer"))
        );
    }
}
