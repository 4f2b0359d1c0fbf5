//! The committed git, curl and docker option tables (src/classify/git_flags.rs, curl_flags.rs,
//! docker_flags.rs) are
//! what their generators make from the git and curl they name: when that version is installed
//! (scripts/test installs both), regenerating must give the same bytes.

use std::process::Command;

fn check(table: &str, script: &str, version: &[&str], recorded: &str) {
    let installed = Command::new(version[0])
        .args(&version[1..])
        .output()
        .expect("the tool is installed (scripts/test)");
    let installed = String::from_utf8_lossy(&installed.stdout).into_owned();
    if !installed.contains(recorded) {
        // Another version makes another table; the one committed stays what it was made from.
        eprintln!("installed {installed:?}, table from {recorded}: not regenerated");
        return;
    }
    let made = Command::new("python3")
        .arg(format!("{}/scripts/{script}", env!("CARGO_MANIFEST_DIR")))
        .current_dir(std::env::temp_dir())
        .output()
        .expect("runs the generator");
    assert!(made.status.success(), "scripts/{script} failed");
    assert!(
        String::from_utf8_lossy(&made.stdout) == table,
        "the committed table is not what scripts/{script} makes from {recorded}: run it and commit the result"
    );
}

/// The version a generated table names in its first line (`from git version 2.47.3:`).
fn recorded<'a>(table: &'a str, after: &str) -> &'a str {
    let line = table.lines().next().unwrap_or("");
    let start = line.find(after).expect("the table names its version") + after.len();
    line[start..].split([':', ' ']).next().unwrap_or("")
}

#[test]
fn the_git_table_is_what_its_generator_makes() {
    let table = include_str!("../src/classify/git_flags.rs");
    check(
        table,
        "git-flags",
        &["git", "--version"],
        recorded(table, "git version "),
    );
}

#[test]
fn the_curl_table_is_what_its_generator_makes() {
    let table = include_str!("../src/classify/curl_flags.rs");
    check(
        table,
        "curl-flags",
        &["curl", "--version"],
        recorded(table, "from curl "),
    );
}

#[test]
fn the_docker_table_is_what_its_generator_makes() {
    let table = include_str!("../src/classify/docker_flags.rs");
    // docker's CLI is no apt package at this version (Debian's docker.io is 20.10): the
    // table is checked where the docker it names is installed.
    if Command::new("docker").arg("--version").output().is_err() {
        eprintln!("docker is not installed: its table is not regenerated");
        return;
    }
    check(
        table,
        "docker-flags",
        &["docker", "--version"],
        recorded(table, "Docker version "),
    );
}
