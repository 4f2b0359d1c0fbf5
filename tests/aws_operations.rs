//! The committed AWS CLI operations table (src/classify/aws_operations.txt) is what its
//! generator makes from the botocore and awscli it names: when those versions are installed,
//! regenerating must give the same bytes. (The table's own shape is checked by the unit tests
//! of classify::aws_table, always.)

use std::process::Command;

const TABLE: &str = include_str!("../src/classify/aws_operations.txt");

fn installed_versions() -> Option<String> {
    let output = Command::new("python3")
        .args([
            "-c",
            "import awscli, botocore; print(f'botocore {botocore.__version__} awscli {awscli.__version__}')",
        ])
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

#[test]
fn the_table_is_what_its_generator_makes() {
    let recorded = TABLE
        .lines()
        .find_map(|line| line.strip_prefix("= "))
        .expect("the table records its botocore and awscli versions");
    let installed = installed_versions()
        .expect("scripts/test installs awscli (tests/requirements.txt); python3 must import it");
    if installed != recorded {
        // Another version makes another table; the one committed stays what it was made from.
        eprintln!("installed {installed}, table from {recorded}: not regenerated");
        return;
    }
    let status = Command::new("python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/scripts/gen-aws-operations"
        ))
        .arg("--check")
        .status()
        .expect("runs scripts/gen-aws-operations");
    assert!(
        status.success(),
        "src/classify/aws_operations.txt is not what scripts/gen-aws-operations makes from {recorded}: run it and commit the result"
    );
}
