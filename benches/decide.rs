//! Classification plus decision must stay under 1 ms for a 1,000-rule policy and a
//! 1,000-argument command: guard sits in front of every command a person types.

use std::ffi::OsString;
use std::fmt::Write as _;

use criterion::{Criterion, criterion_group, criterion_main};
use guard::account::AccountId;
use guard::decide;
use guard::policy::{Layer, Origin, Policy, Target, parse};

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
        account: &account,
        known_name: Some("prod"),
        profile: "prod-admin",
    };
    c.bench_function("classify+decide: 1,000 rules, 1,000 args", |b| {
        b.iter(|| decide::rule(&policy, &target, &argv))
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
        b.iter(|| decide::rule(&policy, &target, &shell))
    });
}

criterion_group!(benches, decide_bench);
criterion_main!(benches);
