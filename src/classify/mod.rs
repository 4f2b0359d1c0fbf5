//! The command classifier: what would this command line do to cloud resources?
//!
//! Each wrapped tool has its own parser (a regex over the joined line is trivially bypassed,
//! e.g. by `aws --region us-east-1 s3 rb`). Wrappers (`env`, `sudo`, `xargs`, ...) are
//! unwrapped first and `sh -c` strings are lexed as a POSIX shell would lex them; when
//! several commands run, the most severe one decides. Anything guard cannot see through
//! is `Unknown`, which ranks with `Destructive`.

mod argocd;
mod argocd_flags;
mod aws;
mod aws_alias;
mod aws_ops;
mod aws_s3;
mod aws_table;
mod cdk;
mod curl;
#[rustfmt::skip] // generated: scripts/curl-flags
mod curl_flags;
mod dispatch;
mod docker;
mod docker_flags;
mod eksctl;
mod flags;
mod flux;
mod flux_flags;
mod getopt;
mod git;
#[rustfmt::skip] // generated: scripts/git-flags
mod git_flags;
mod helm;
mod helm_flags;
mod interpreters;
mod kubectl;
mod kubectl_flags;
mod kustomize;
mod local;
mod local_archives;
mod local_net;
mod local_node;
mod local_programs;
mod local_scripts;
mod local_sysinfo;
mod local_system;
mod local_versions;
mod moved;
mod pathname;
mod paths;
mod program;
mod pulumi;
mod pulumi_flags;
mod sam;
mod scope;
mod script;
mod shell;
mod shell_options;
mod split_vars;
mod table;
#[cfg(test)]
mod table_review;
mod terraform;
mod terraform_flags;
mod terragrunt;
mod tool_paths;
mod verdict;
mod wrappers;

use std::fmt;

pub use terraform::SavedPlan;

/// The programs guard judges by name (`aws`, `terraform`, ...): a guarded shell puts each behind
/// a shim.
pub fn tool_names() -> impl Iterator<Item = &'static str> {
    program::Tool::ALL.into_iter().map(program::Tool::name)
}

/// How much a command could change, in one order: a later one is more severe.
///
/// Unknown comes after Destructive: what guard cannot see could do anything, destroying
/// included. Export comes last: whatever uses exported credentials is not checked at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Read,
    Write,
    Destructive,
    Unknown,
    /// Credentials leave guard (`guard env`, `guard credential-process`, a shell): whatever
    /// uses them is not checked. guard's own exporting commands give it, and the classifier
    /// gives it to a child that prints them or credentials minted from them (`env`,
    /// `printenv`, `aws configure export-credentials`, `aws sts get-session-token`).
    Export,
}

impl Severity {
    /// Every severity, least severe first.
    pub const ALL: [Severity; 5] = [
        Severity::Read,
        Severity::Write,
        Severity::Destructive,
        Severity::Unknown,
        Severity::Export,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Read => "read",
            Severity::Write => "write",
            Severity::Destructive => "destructive",
            Severity::Unknown => "unknown",
            Severity::Export => "export",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classification {
    pub severity: Severity,
    /// One short sentence prefixed with the command, e.g. "aws s3 rb: deletes a bucket".
    pub reason: String,
    /// "aws", "terraform", ... after unwrapping wrappers; None when not a known tool.
    pub tool: Option<String>,
    /// The tool's subcommand path, e.g. ["s3","rb"], ["ec2","terminate-instances"], ["destroy"].
    pub command: Vec<String>,
    /// The tool's argv after the program name (for regex rules).
    pub args: Vec<String>,
    /// An explicit credential choice the child would make ("--profile prod", "--token", an
    /// `AWS_ACCESS_KEY_ID=` assignment, `sudo` resetting the environment, ...). Never a secret.
    pub credential_override: Option<String>,
    /// How guard read the command line, for a person to check (the prompt, `policy explain`).
    pub understood: Understood,
    /// The other commands of a script or command list, none more severe than this one. The
    /// policy decides each of them too: a rule that denies one of them must not be hidden
    /// behind a more severe command that the policy only confirms.
    pub others: Vec<Classification>,
}

/// The command as guard understood it: the program that runs after unwrapping wrappers and
/// shells, its subcommand path, and the flags that decided the classification.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Understood {
    pub program: String,
    pub path: Vec<String>,
    /// As written, e.g. `--dry-run=client`, `-destroy`.
    pub flags: Vec<String>,
}

impl fmt::Display for Understood {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.program)?;
        for word in &self.path {
            write!(f, " {word}")?;
        }
        if !self.flags.is_empty() {
            write!(f, " (decided by {})", self.flags.join(" "))?;
        }
        Ok(())
    }
}

pub struct Context<'a> {
    /// Reads the environment the command will run in (TF_CLI_ARGS, TF_CLI_ARGS_<cmd>,
    /// PULUMI_SKIP_CONFIRMATIONS, ...).
    pub env: &'a dyn Fn(&str) -> Option<String>,
    /// Reads a file the command's tools would read (`~/.aws/cli/alias`, a `--kubeconfig`).
    pub read_file: &'a dyn Fn(&std::path::Path) -> FileText,
    /// The folder the command starts in (absolute); None when guard does not know it, which
    /// makes every relative path the line names unknown.
    pub cwd: Option<&'a std::path::Path>,
    /// What is on disk at the paths the line writes (whether a state file exists, whether a
    /// folder holds state, where a symlink leads). The classifier itself touches no file.
    pub disk: &'a dyn Disk,
}

/// What guard can learn about the paths a command names without reading them; supplied by
/// the caller so the classifier stays pure (the corpus uses a fake one).
pub trait Disk {
    /// What is at `path` (symlinks followed).
    fn probe(&self, path: &std::path::Path) -> Probe;
    /// Whether a folder holds terraform state at any depth (`*.tfstate`, `*.tfstate.*`,
    /// `terraform.tfstate.d`, `.terraform`); true when it could not look everywhere.
    fn holds_state(&self, folder: &std::path::Path) -> bool;
    /// Whether a folder holds a Python module or package directly (`*.py`, `*.pyc`, `*.so`,
    /// a folder with `__init__.py`): `python -m` imports the working folder's first, so one
    /// there can shadow any module the program imports; true when it could not look.
    fn holds_python_modules(&self, folder: &std::path::Path) -> bool;
    /// The names directly in a folder, dot-names included, for a glob the shell expands
    /// there; None when guard cannot list them all (unreadable, or too many to look at).
    fn names(&self, folder: &std::path::Path) -> Option<Vec<String>>;
    /// Why this machine may reach an instance metadata service (169.254.169.254 and the
    /// like, which hand out credentials to whatever asks): a cloud instance, a virtual
    /// machine, or one guard cannot tell; None where guard knows it cannot. Asked only when a
    /// judge needs it (a URL's host is a name, or a redirect is followed), so the caller may
    /// find it lazily.
    fn metadata_service(&self) -> Option<String>;
}

/// What is at a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Probe {
    Missing,
    /// A file (or anything that is not a folder), at its real path with symlinks resolved.
    File {
        real: std::path::PathBuf,
    },
    Folder {
        real: std::path::PathBuf,
    },
}

/// A disk on which nothing exists (benchmarks, fuzzing, `saved_plan`).
pub struct NoDisk;

impl Disk for NoDisk {
    fn probe(&self, _: &std::path::Path) -> Probe {
        Probe::Missing
    }

    fn holds_state(&self, _: &std::path::Path) -> bool {
        false
    }

    fn holds_python_modules(&self, _: &std::path::Path) -> bool {
        false
    }

    fn names(&self, _: &std::path::Path) -> Option<Vec<String>> {
        Some(Vec::new())
    }

    /// A machine without one: the same answer everywhere (benchmarks, policy tests).
    fn metadata_service(&self) -> Option<String> {
        None
    }
}

/// A file a tool would read, as guard found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileText {
    Missing,
    Text(String),
    /// It is there but guard cannot read it (the text says why).
    Unreadable(String),
}

/// Classify a whole command line. For a shell `-c` string or several commands, return the
/// most severe classification (and when two tie, the first).
pub fn classify(argv: &[String], ctx: &Context) -> Classification {
    let words: Vec<scope::Word> = argv.iter().map(|arg| scope::Word::literal(arg)).collect();
    dispatch::classify_words(&words, &scope::Scope::new(ctx))
}

/// `terraform apply PLANFILE` or `tofu apply PLANFILE` as the whole command line, read as
/// terraform reads it (`-chdir`, `TF_CLI_ARGS*` from `env`): the plan it applies. Inside a shell
/// or a wrapper other commands could run too, so only the direct form counts.
pub fn saved_plan(argv: &[String], env: &dyn Fn(&str) -> Option<String>) -> Option<SavedPlan> {
    let (first, rest) = argv.split_first()?;
    let flavor = match program::identify(first) {
        program::Program::Tool(program::Tool::Terraform) => terraform::Flavor::Terraform,
        program::Program::Tool(program::Tool::Tofu) => terraform::Flavor::Tofu,
        _ => return None,
    };
    let ctx = Context {
        env,
        // terraform reads no file guard would need to see its arguments.
        read_file: &|_| FileText::Missing,
        cwd: None,
        disk: &NoDisk,
    };
    let args: Vec<&str> = rest.iter().map(String::as_str).collect();
    terraform::saved_plan(flavor, &args, &scope::Scope::new(&ctx))
}
