//! Programs guard reads only when they print their version (tools, lead): the line is the
//! program and one version option, nothing else. Checked with strace under a moved HOME:
//! OpenSSH 9.2's `ssh -V` reads no configuration (`~/.ssh/config` is read only to connect);
//! OpenJDK 17's `java -version` starts the JVM, which loads the agents `JAVA_TOOL_OPTIONS`,
//! `JDK_JAVA_OPTIONS` and `_JAVA_OPTIONS` name, so those set on the line are unknown (the
//! inherited ones are the user's own setup); it writes only its perf data in `/tmp`.

use super::Severity;
use super::scope::{Scope, Word};

/// Each program, the words that print its version, and the variables that make it run code
/// first.
const VERSIONS: &[(&str, &[&str], &[&str])] = &[
    (
        "java",
        &["-version", "--version"],
        &["JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS"],
    ),
    ("ssh", &["-V"], &[]),
];

pub(crate) const NAMES: &[&str] = &["java", "ssh"];

pub(crate) fn judge(name: &str, args: &[Word], scope: &Scope) -> (Severity, String) {
    let Some((_, versions, runs)) = VERSIONS.iter().find(|(program, _, _)| *program == name) else {
        return (Severity::Unknown, format!("{name} has no table"));
    };
    if let Some(var) = runs.iter().find(|var| scope.assigned(var).is_some()) {
        return (
            Severity::Unknown,
            format!("{var} is set on the command line: {name} loads the code it names first"),
        );
    }
    match args {
        [only] if !only.dynamic && versions.contains(&&*only.text) => {
            (Severity::Read, format!("{} prints its version", only.text))
        }
        _ => (
            Severity::Unknown,
            format!(
                "guard reads {name} only when it prints its version ({})",
                versions.join(", ")
            ),
        ),
    }
}
