//! Classification plus decision must stay under 1 ms for a 1,000-rule policy and a
//! 1,000-argument command: guard sits in front of every command a person types.
//!
//! The `classify+decide` cases give the classifier an in-memory environment, so they time
//! the work itself; the `with files` case is the real path, which also reads the process
//! environment and the AWS CLI's alias file.

use std::ffi::OsString;
use std::fmt::Write as _;

use criterion::{Criterion, criterion_group, criterion_main};
use guard::classify::{self, Context, FileText};
use guard::decide::gate::{Caller, Command, Consent, Gate, Target};
use guard::decide::policy::{Layer, Origin, Policy, parse};
use guard::resolve::account::AccountId;

fn big_policy() -> Policy {
    let mut text =
        String::from("[[accounts]]\nid = \"222222222222\"\nname = \"prod\"\nprotected = true\n");
    for i in 0..1000 {
        let _ = write!(
            text,
            "\n[[rules]]\ntool = \"aws\"\ncommand = \"svc{i} op-*\"\naccounts = [\"prod\", \"1111*\"]\nargv_regex = \"--flag-{i}\\\\b\"\naction = \"deny\"\n"
        );
    }
    let shipped = include_str!("../policies/default.toml");
    Policy {
        layers: vec![
            Layer {
                origin: Origin::Shipped,
                name: "default".to_string(),
                file: parse("default", shipped).expect("shipped policy"),
            },
            Layer {
                origin: Origin::User,
                name: "big".to_string(),
                file: parse("big", &text).expect("generated policy"),
            },
        ],
    }
}

fn long_command() -> Vec<OsString> {
    let mut argv: Vec<OsString> = ["aws", "--region", "us-east-1", "s3", "rm", "s3://bucket/"]
        .iter()
        .map(OsString::from)
        .collect();
    argv.extend((0..1000).map(|i| OsString::from(format!("--exclude=logs/{i}/*"))));
    argv
}

fn decide_bench(c: &mut Criterion) {
    let policy = big_policy();
    let argv = long_command();
    let account: AccountId = "222222222222".parse().expect("account id");
    let target = Target {
        account: Some(account),
        known_name: Some("prod".to_string()),
        profile: "prod-admin".to_string(),
        principal: None,
    };
    let gate = Gate::new(&policy, target, Consent::Deferred, Caller::Person);
    let no_env = |_: &str| None;
    let no_files = |_: &std::path::Path| FileText::Missing;
    let ctx = Context {
        env: &no_env,
        read_file: &no_files,
        cwd: Some(std::path::Path::new("/home/user")),
        disk: &guard::classify::NoDisk,
    };
    let pure = |argv: &[OsString]| {
        let words: Vec<String> = argv
            .iter()
            .map(|arg| arg.to_string_lossy().into_owned())
            .collect();
        gate.rule_classified(classify::classify(&words, &ctx), Vec::new())
    };
    c.bench_function("classify+decide: 1,000 rules, 1,000 args", |b| {
        b.iter(|| pure(&argv))
    });
    c.bench_function("classify+decide with files: 1,000 rules, 1,000 args", |b| {
        b.iter(|| {
            gate.rule(&Command::Run {
                argv: &argv,
                env: None,
            })
        })
    });
    let shell = vec![
        OsString::from("bash"),
        OsString::from("-c"),
        OsString::from(format!(
            "cd infra && {} && terraform destroy",
            "aws s3 ls s3://b; ".repeat(200)
        )),
    ];
    c.bench_function("classify+decide: bash -c with 200 commands", |b| {
        b.iter(|| pure(&shell))
    });
    let mut cobra = vec![
        OsString::from("kubectl"),
        OsString::from("--all"),
        OsString::from("events"),
        OsString::from("delete"),
    ];
    cobra.extend((0..1000).map(|i| OsString::from(format!("--label{i}"))));
    c.bench_function("classify+decide: kubectl with 1,000 unknown flags", |b| {
        b.iter(|| pure(&cobra))
    });
    // Each command sees the variables of all before it (tests/classify_corpus.rs checks the
    // verdicts of these long lines; their time is measured here).
    let exports = vec![
        OsString::from("sh"),
        OsString::from("-c"),
        OsString::from(
            (0..1000)
                .map(|i| format!("export V{i}=1; FOO=$X aws s3 ls\n"))
                .collect::<String>(),
        ),
    ];
    c.bench_function("classify+decide: sh -c with 1,000 exports", |b| {
        b.iter(|| pure(&exports))
    });
}

/// Loading a policy near the 1 MiB cap: 15,000 rules. Every rule records its line; loading was
/// quadratic in the file's size while each line was counted from the top (issue 21).
fn parse_bench(c: &mut Criterion) {
    let mut text = String::new();
    for i in 0..15_000 {
        let _ = write!(
            text,
            "[[rules]]\ntool = \"aws\"\ncommand = \"s3 op-{i}\"\naction = \"deny\"\n"
        );
    }
    c.bench_function("parse: 15,000 rules (1 MB)", |b| {
        b.iter(|| parse("big", &text).expect("generated policy"))
    });
}

criterion_group!(benches, decide_bench, parse_bench);
criterion_main!(benches);
