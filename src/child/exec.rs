//! Running the command in guard's place.

use std::ffi::OsString;
use std::os::unix::process::CommandExt;
use std::process::Command;

use crate::child::childenv::ChildEnv;
use crate::sys::error::Failure;
use crate::sys::exit_codes::ExitCode;
use crate::sys::process::Process;

/// The command with the environment guard decided for it.
pub fn process(argv: &[OsString], env: &ChildEnv) -> Process {
    let mut process = Process::new(&argv[0]).args(&argv[1..]);
    for name in &env.remove {
        process = process.env_remove(name);
    }
    for (name, value) in &env.set {
        process = process.env(name, value);
    }
    process
}

/// The same, as a `Command` to start.
pub fn command(argv: &[OsString], env: &ChildEnv) -> Command {
    process(argv, env).command()
}

fn start_failure(program: &OsString, err: &std::io::Error) -> Failure {
    let program = program.to_string_lossy();
    match err.kind() {
        std::io::ErrorKind::NotFound => Failure::new(
            ExitCode::CommandNotFound,
            format!("command not found: {program}"),
        )
        .with_hint("check the spelling, or that it is on your PATH"),
        std::io::ErrorKind::PermissionDenied => Failure::new(
            ExitCode::CommandNotExecutable,
            format!("cannot run {program}: permission denied (is it executable?)"),
        ),
        _ => Failure::new(
            ExitCode::CommandNotExecutable,
            format!("cannot run {program}: {err}"),
        ),
    }
}

/// Starts the command as guard's child (`--server`, where guard stays to serve credentials);
/// `adjust` prepares what the child inherits.
pub fn spawn(
    argv: &[OsString],
    env: &ChildEnv,
    adjust: impl FnOnce(&mut Command),
) -> Result<std::process::Child, Failure> {
    let mut cmd = command(argv, env);
    adjust(&mut cmd);
    cmd.spawn().map_err(|err| start_failure(&argv[0], &err))
}

/// Replaces guard with the command, so signals, the terminal and the exit status are the
/// command's own. Returns only if the command could not be started.
pub fn run(argv: &[OsString], env: &ChildEnv) -> Failure {
    let err = command(argv, env).exec();
    start_failure(&argv[0], &err)
}
