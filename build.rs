//! How guard's executable is linked, for every build (`cargo build`, `cargo install --path .`,
//! the tests' debug build alike), so that what is measured is what ships.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=CC");
    compile_shipped_policy();
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("linux") {
        return;
    }
    // guard starts before every command a person types. As a position-independent executable,
    // the dynamic loader first applies ~23,000 relocations to it, a quarter of a warm run's
    // instructions; linked at a fixed address it has none (benches/run.sh, docs/performance.md).
    // Its libraries, heap and stack are still placed at random.
    println!("cargo:rustc-link-arg-bins=-no-pie");
    // std needs an unwinder only to print a backtrace (guard's release build aborts on a panic).
    // Taken from the C compiler's static libgcc_eh, it spares every start the loading of
    // libgcc_s.so, whose start-up probes the CPU: a tenth of a warm run's time on a virtual
    // machine, where each CPUID instruction traps to the hypervisor. The library is taken whole
    // so that its definitions win over libgcc_s's; --as-needed then drops libgcc_s.
    if let Some(archive) = compiler_file("libgcc_eh.a") {
        println!(
            "cargo:rustc-link-arg-bins=-Wl,--whole-archive,{},--no-whole-archive",
            archive.display()
        );
    }
}

/// Where the C compiler that links guard keeps one of its own files, if it has it.
fn compiler_file(name: &str) -> Option<PathBuf> {
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".to_string());
    let output = Command::new(cc)
        .arg(format!("-print-file-name={name}"))
        .output()
        .ok()?;
    let path = PathBuf::from(String::from_utf8(output.stdout).ok()?.trim());
    // Without the file, the compiler prints the bare name back.
    path.is_absolute().then_some(path).filter(|p| p.is_file())
}

/// policies/default.toml as Rust constants (`$OUT_DIR/shipped_policy.rs`, read by
/// src/decide/policy/file.rs): every run layers the shipped policy under the others, and parsing its TOML
/// each time was a twelfth of a warm run's instructions. A unit test holds the constants to what
/// the policy parser makes of the file.
fn none5() -> [String; 5] {
    std::array::from_fn(|_| "None".to_string())
}

fn compile_shipped_policy() {
    const FILE: &str = "policies/default.toml";
    println!("cargo:rerun-if-changed={FILE}");
    let text = std::fs::read_to_string(FILE).unwrap_or_else(|e| panic!("{FILE}: {e}"));
    let table: toml::Table = text.parse().unwrap_or_else(|e| panic!("{FILE}: {e}"));
    // [protected] and [agents]: a line and an action per severity each.
    let mut matrices = [
        ("protected", "None".to_string(), none5()),
        ("agents", "None".to_string(), none5()),
    ];
    let mut audit_all = "None".to_string();
    for (key, value) in &table {
        match (key.as_str(), value) {
            ("protected" | "agents", toml::Value::Table(matrix)) => {
                let (_, line_out, entries) = matrices
                    .iter_mut()
                    .find(|(name, _, _)| name == key)
                    .expect("a matrix table");
                let header = format!("[{key}]");
                let line = text.lines().position(|l| l.trim() == header);
                let line =
                    line.unwrap_or_else(|| panic!("{FILE}: write {header} on a line of its own"));
                *line_out = format!("Some({})", line + 1);
                // The order of PolicyFile's matrix: Severity::ALL.
                let severities = ["read", "write", "destructive", "unknown", "export"];
                for (severity, value) in matrix {
                    let slot = severities
                        .iter()
                        .position(|s| s == severity)
                        .unwrap_or_else(|| panic!("{FILE}: {header} {severity} is no severity"));
                    let action = match value.as_str() {
                        Some("allow") => "Allow",
                        Some("confirm") => "Confirm",
                        Some("deny") => "Deny",
                        _ => {
                            panic!("{FILE}: {header} {severity} must be allow, confirm or deny")
                        }
                    };
                    entries[slot] = format!("Some(Action::{action})");
                }
            }
            ("audit", toml::Value::Table(audit)) => {
                for (key, value) in audit {
                    match (key.as_str(), value) {
                        ("all", toml::Value::Boolean(all)) => audit_all = format!("Some({all})"),
                        _ => panic!("{FILE}: [audit] {key} is not compiled in by build.rs"),
                    }
                }
            }
            _ => panic!(
                "{FILE}: build.rs compiles only [protected], [agents] and [audit] into guard; teach it {key} first"
            ),
        }
    }
    let [(_, protected_line, protected), (_, agents_line, agents)] = matrices;
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("shipped_policy.rs");
    let code = format!(
        "// {FILE}, compiled by build.rs.\n\
         const PROTECTED_LINE: Option<usize> = {protected_line};\n\
         const PROTECTED: [Option<Action>; 5] = [{}];\n\
         const AGENTS_LINE: Option<usize> = {agents_line};\n\
         const AGENTS: [Option<Action>; 5] = [{}];\n\
         const AUDIT_ALL: Option<bool> = {audit_all};\n",
        protected.join(", "),
        agents.join(", ")
    );
    std::fs::write(&out, code).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
}
