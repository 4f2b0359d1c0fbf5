//! Which program a command word names: `/usr/local/bin/aws`, `terraform.exe` and `aws.cmd`
//! are the tools themselves.

use std::borrow::Cow;

use super::local;
use super::wrappers::Wrapper;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tool {
    Aws,
    Terraform,
    Tofu,
    Terragrunt,
    Kubectl,
    Helm,
    Pulumi,
    Cdk,
    Sam,
    Eksctl,
    Flux,
    Argocd,
    Git,
    Curl,
    Docker,
    DockerCompose,
    Kustomize,
}

impl Tool {
    pub const ALL: [Tool; 12] = [
        Tool::Aws,
        Tool::Terraform,
        Tool::Tofu,
        Tool::Terragrunt,
        Tool::Kubectl,
        Tool::Helm,
        Tool::Pulumi,
        Tool::Cdk,
        Tool::Sam,
        Tool::Eksctl,
        Tool::Flux,
        Tool::Argocd,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Tool::Aws => "aws",
            Tool::Terraform => "terraform",
            Tool::Tofu => "tofu",
            Tool::Terragrunt => "terragrunt",
            Tool::Kubectl => "kubectl",
            Tool::Helm => "helm",
            Tool::Pulumi => "pulumi",
            Tool::Cdk => "cdk",
            Tool::Sam => "sam",
            Tool::Eksctl => "eksctl",
            Tool::Flux => "flux",
            Tool::Argocd => "argocd",
            Tool::Git => "git",
            Tool::Curl => "curl",
            Tool::Docker => "docker",
            Tool::DockerCompose => "docker-compose",
            Tool::Kustomize => "kustomize",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Program {
    Tool(Tool),
    Wrapper(Wrapper),
    /// A POSIX-style shell (`sh -c`, `bash -lc`, ...).
    Shell,
    /// `python -m awscli` is the AWS CLI; other Python is opaque.
    Python,
    /// Runs code guard does not follow; the text says why.
    Opaque(&'static str),
    /// A script run by path (`./deploy.sh`).
    Script,
    /// Plainly local and read-only (`ls`, `jq`, `cd`, ...).
    Local,
    /// Anything else.
    Other,
}

/// The program's name as guard reports it: the basename without a Windows extension.
pub(crate) fn base_name(word: &str) -> Cow<'_, str> {
    let base = word.rsplit(['/', '\\']).next().unwrap_or(word);
    for extension in [".exe", ".cmd", ".bat"] {
        let Some(split) = base.len().checked_sub(extension.len()) else {
            continue;
        };
        if let (Some(stem), Some(suffix)) = (base.get(..split), base.get(split..))
            && suffix.eq_ignore_ascii_case(extension)
        {
            // Windows names are case-insensitive.
            return Cow::Owned(stem.to_ascii_lowercase());
        }
    }
    Cow::Borrowed(base)
}

pub(crate) fn identify(word: &str) -> Program {
    let name = base_name(word);
    if let Some(program) = by_name(&name) {
        return program;
    }
    if is_python(&name) {
        return Program::Python;
    }
    if local::is_local_read_only(&name) {
        return Program::Local;
    }
    let script_suffix = [".sh", ".bash", ".zsh", ".py", ".rb", ".pl", ".js", ".ps1"]
        .iter()
        .any(|suffix| name.ends_with(suffix));
    if script_suffix || word.starts_with("./") || word.starts_with("../") {
        return Program::Script;
    }
    Program::Other
}

fn by_name(name: &str) -> Option<Program> {
    let program = match name {
        "aws" => Program::Tool(Tool::Aws),
        "terraform" => Program::Tool(Tool::Terraform),
        "tofu" => Program::Tool(Tool::Tofu),
        "terragrunt" => Program::Tool(Tool::Terragrunt),
        "kubectl" => Program::Tool(Tool::Kubectl),
        "helm" => Program::Tool(Tool::Helm),
        "pulumi" => Program::Tool(Tool::Pulumi),
        // `npx aws-cdk` runs the package's `cdk` binary.
        "cdk" | "aws-cdk" => Program::Tool(Tool::Cdk),
        "sam" => Program::Tool(Tool::Sam),
        "eksctl" => Program::Tool(Tool::Eksctl),
        "flux" => Program::Tool(Tool::Flux),
        "argocd" => Program::Tool(Tool::Argocd),
        "git" => Program::Tool(Tool::Git),
        "curl" => Program::Tool(Tool::Curl),
        "docker" => Program::Tool(Tool::Docker),
        "docker-compose" => Program::Tool(Tool::DockerCompose),
        "kustomize" => Program::Tool(Tool::Kustomize),
        "env" => Program::Wrapper(Wrapper::Env),
        "sudo" => Program::Wrapper(Wrapper::Sudo),
        "command" => Program::Wrapper(Wrapper::Command),
        "builtin" => Program::Wrapper(Wrapper::Builtin),
        "exec" => Program::Wrapper(Wrapper::Exec),
        "time" => Program::Wrapper(Wrapper::Time),
        "nice" => Program::Wrapper(Wrapper::Nice),
        "nohup" => Program::Wrapper(Wrapper::Nohup),
        "timeout" => Program::Wrapper(Wrapper::Timeout),
        "stdbuf" => Program::Wrapper(Wrapper::Stdbuf),
        "xargs" => Program::Wrapper(Wrapper::Xargs),
        "npx" => Program::Wrapper(Wrapper::Npx),
        "watch" => Program::Wrapper(Wrapper::Watch),
        "flock" => Program::Wrapper(Wrapper::Flock),
        "ionice" => Program::Wrapper(Wrapper::Ionice),
        "setsid" => Program::Wrapper(Wrapper::Setsid),
        "sh" | "bash" | "zsh" | "dash" | "ksh" | "mksh" | "ash" => Program::Shell,
        "eval" => Program::Opaque("runs its arguments as shell code; guard does not follow it"),
        "source" | "." => {
            Program::Opaque("runs a script in the current shell; guard cannot see it")
        }
        "make" | "gmake" => Program::Opaque("runs makefile recipes guard cannot see"),
        "alias" => Program::Opaque("defines an alias; guard does not follow aliases"),
        "trap" => Program::Opaque("runs a command later, on a signal; guard does not follow it"),
        // They run a command as another user, in another root or namespace, or outside a
        // sandbox, with an environment and files guard cannot see (as sudo does; guard
        // judges sudo's command for the policy, and it is never read either).
        "su" | "doas" | "runuser" | "pkexec" | "setpriv" | "chroot" | "unshare" | "nsenter"
        | "flatpak-spawn" | "machinectl" | "systemd-run" | "capsh" => Program::Opaque(
            "runs a command as another user, under another root or in other namespaces, with an environment and files guard cannot see",
        ),
        // GNU parallel joins its arguments and input into command lines and runs them
        // through a shell ($PARALLEL_SHELL, else the shell it was started from).
        "parallel" => Program::Opaque(
            "GNU parallel runs its arguments and its input as command lines through a shell; guard cannot see them",
        ),
        _ => return None,
    };
    Some(program)
}

/// `python`, `python3`, `python3.12`.
fn is_python(name: &str) -> bool {
    name.strip_prefix("python")
        .is_some_and(|version| version.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_tool_is_known_by_its_name() {
        for tool in Tool::ALL {
            assert_eq!(identify(tool.name()), Program::Tool(tool));
        }
    }

    #[test]
    fn paths_and_windows_extensions_name_the_tool() {
        assert_eq!(identify("/usr/local/bin/aws"), Program::Tool(Tool::Aws));
        assert_eq!(identify("terraform.exe"), Program::Tool(Tool::Terraform));
        assert_eq!(identify("C:\\tools\\AWS.CMD"), Program::Tool(Tool::Aws));
        assert_eq!(identify("python3.12"), Program::Python);
        assert_eq!(identify("./deploy.sh"), Program::Script);
        assert_eq!(identify("ls"), Program::Local);
        assert_eq!(identify("scp"), Program::Other);
    }
}
