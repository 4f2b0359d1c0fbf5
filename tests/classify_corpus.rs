//! Runs every case of `classify_corpus.toml` through the classifier and reports all the
//! failures at once, so one run shows everything that regressed.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use guard::classify::{Classification, Context, FileText, Severity, classify};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Corpus {
    case: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    argv: Vec<String>,
    severity: String,
    /// Every case asserts its reason: the right severity for the wrong reason is a bug too.
    reason_contains: String,
    #[serde(default)]
    env: BTreeMap<String, String>,
    /// Top-level commands `$HOME/.aws/cli/alias` defines (HOME is /home/user unless env
    /// sets it).
    #[serde(default)]
    aliases: Vec<String>,
    /// Files the tools could read, by path.
    #[serde(default)]
    files: BTreeMap<String, String>,
    credential_override: Option<bool>,
    /// The tool after unwrapping; "" means none.
    tool: Option<String>,
    command: Option<Vec<String>>,
}

impl Case {
    fn run(&self) -> Classification {
        self.run_argv(&self.argv)
    }

    fn run_argv(&self, argv: &[String]) -> Classification {
        let env = |name: &str| {
            self.env
                .get(name)
                .cloned()
                .or_else(|| (name == "HOME").then(|| HOME.to_owned()))
        };
        let alias_file = format!("{HOME}/.aws/cli/alias");
        let aliases = self
            .aliases
            .iter()
            .map(|name| format!("{name} = !true\n"))
            .collect::<String>();
        let read_file = |path: &Path| {
            let path = path.to_string_lossy();
            if path == alias_file && !self.aliases.is_empty() {
                return FileText::Text(format!("[toplevel]\n{aliases}"));
            }
            match self.files.get(&*path) {
                Some(text) if text == UNREADABLE => FileText::Unreadable(format!("{path}: denied")),
                Some(text) => FileText::Text(text.clone()),
                None => FileText::Missing,
            }
        };
        let ctx = Context {
            env: &env,
            read_file: &read_file,
        };
        classify(argv, &ctx)
    }

    /// What is wrong with `got`, if anything.
    fn problems(&self, got: &Classification) -> Vec<String> {
        let mut problems = Vec::new();
        if got.severity.as_str() != self.severity {
            problems.push(format!(
                "severity: expected {}, got {}",
                self.severity, got.severity
            ));
        }
        if !got.reason.contains(self.reason_contains.as_str()) {
            problems.push(format!("reason should contain {:?}", self.reason_contains));
        }
        if let Some(expected) = self.credential_override
            && got.credential_override.is_some() != expected
        {
            problems.push(format!(
                "credential_override: expected {}, got {:?}",
                if expected { "one" } else { "none" },
                got.credential_override
            ));
        }
        if let Some(tool) = &self.tool {
            let expected = (!tool.is_empty()).then_some(tool.as_str());
            if got.tool.as_deref() != expected {
                problems.push(format!("tool: expected {expected:?}, got {:?}", got.tool));
            }
        }
        if let Some(command) = &self.command
            && &got.command != command
        {
            problems.push(format!(
                "command: expected {command:?}, got {:?}",
                got.command
            ));
        }
        problems
    }
}

const HOME: &str = "/home/user";

/// A file's text in `files` that stands for a file guard cannot read.
const UNREADABLE: &str = "<unreadable>";

fn corpus() -> Corpus {
    toml::from_str(include_str!("classify_corpus.toml")).expect("classify_corpus.toml is valid")
}

#[test]
fn corpus_cases_classify_as_expected() {
    let corpus = corpus();
    assert!(
        corpus.case.len() >= 250,
        "the corpus should keep at least 250 cases"
    );
    let mut failures = Vec::new();
    for case in &corpus.case {
        let got = case.run();
        let problems = case.problems(&got);
        if !problems.is_empty() {
            failures.push(format!(
                "{:?} (env {:?}, aliases {:?})\n    {}\n    got: {} / {:?} / credential {:?}",
                case.argv,
                case.env,
                case.aliases,
                problems.join("\n    "),
                got.severity,
                got.reason,
                got.credential_override
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} corpus cases failed:\n{}",
        failures.len(),
        corpus.case.len(),
        failures.join("\n")
    );
}

/// How each tool switches a dry run off again, as its parser reads it: Go's flag package
/// and pflag take `=false`, kubectl and helm `=none`, the AWS CLI `--no-dry-run`.
fn dry_run_off(tool: &str, flag: &str) -> Option<&'static str> {
    let name = flag.split('=').next().unwrap_or(flag);
    Some(match (tool, name) {
        ("terraform" | "tofu" | "terragrunt", "-dry-run" | "--dry-run") => "-dry-run=false",
        ("kubectl" | "helm", "--dry-run") => "--dry-run=none",
        ("eksctl" | "cdk", "--dry-run") => "--dry-run=false",
        ("pulumi", "--preview-only") => "--preview-only=false",
        ("aws", "--dry-run") => "--no-dry-run",
        _ => return None,
    })
}

/// Every "dry run" case stops being read once the tool's own off switch follows the flag
/// (`aws s3 --dryrun` has none).
#[test]
fn dry_runs_undone_by_the_tool_s_own_off_switch_are_not_read() {
    let corpus = corpus();
    let mut checked = 0;
    let mut failures = Vec::new();
    for case in &corpus.case {
        let got = case.run();
        if got.severity != Severity::Read {
            continue;
        }
        let tool = got.tool.clone().unwrap_or_default();
        let Some((flag, off)) = got
            .understood
            .flags
            .iter()
            .find_map(|flag| dry_run_off(&tool, flag).map(|off| (flag.clone(), off)))
        else {
            continue;
        };
        // Right after the last occurrence: Go's flag package stops at the first positional.
        let name = flag.split('=').next().unwrap_or(&flag).to_owned();
        let Some(at) = case.argv.iter().rposition(|arg| arg.contains(&name)) else {
            continue;
        };
        let mut argv = case.argv.clone();
        argv.insert(at + 1, off.to_owned());
        checked += 1;
        let undone = case.run_argv(&argv);
        if undone.severity == Severity::Read {
            failures.push(format!("{argv:?}: still read ({})", undone.reason));
        }
    }
    assert!(checked >= 15, "only {checked} dry-run cases found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_thousand_arguments_classify_quickly() {
    let no_env = |_: &str| None;
    let no_files = |_: &Path| FileText::Missing;
    let ctx = Context {
        env: &no_env,
        read_file: &no_files,
    };
    let mut aws = vec![
        "aws".to_owned(),
        "ec2".to_owned(),
        "terminate-instances".to_owned(),
    ];
    aws.extend((0..1000).map(|i| format!("--opt{i}=v")));
    let script = (0..1000).map(|i| format!("echo {i};")).collect::<String>() + " terraform destroy";
    let shell = vec!["bash".to_owned(), "-c".to_owned(), script];
    let mut xargs = vec![
        "sudo".to_owned(),
        "-E".to_owned(),
        "xargs".to_owned(),
        "kubectl".to_owned(),
    ];
    xargs.extend((0..1000).map(|i| format!("--label{i}")));
    let exports = (0..1000)
        .map(|i| format!("export V{i}=1; FOO=$X aws s3 ls\n"))
        .collect::<String>();
    let exporting = vec!["sh".to_owned(), "-c".to_owned(), exports];
    for argv in [&aws, &shell, &xargs, &exporting] {
        let runs = 20;
        let start = Instant::now();
        for _ in 0..runs {
            classify(argv, &ctx);
        }
        let each = start.elapsed() / runs;
        // A bound for unoptimized builds on a busy machine: it catches quadratic work, not
        // small regressions (optimized builds take well under a millisecond).
        assert!(
            each < Duration::from_millis(250),
            "{} took {each:?}",
            argv[0]
        );
    }
}
