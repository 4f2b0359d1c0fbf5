//! `terragrunt`: its own commands, and the terraform command it runs (`run-all destroy`,
//! `run --all -- destroy`, `run plan`, the `destroy` shortcut, `apply -destroy`).

use super::FileText;
use super::Severity;
use super::flags::{self, Arity, Flag, Layout, UnknownFlags, switch, valued};
use super::paths;
use super::scope::{self, EnvValue, Scope, Word};
use super::terraform::{self, Flavor};
use super::tool_paths;
use super::verdict::Verdict;

/// Terragrunt's flags, old (`--terragrunt-*`) and new names. Flags it does not know are
/// read both ways by `judge_both_readings`.
const FLAGS: &[Flag] = &[
    switch("--all"),
    switch("--graph"),
    switch("--non-interactive"),
    switch("--no-auto-init"),
    switch("--no-auto-retry"),
    switch("--no-auto-approve"),
    switch("--source-update"),
    switch("--queue-ignore-errors"),
    switch("--queue-ignore-dag-order"),
    switch("--queue-include-external"),
    switch("--queue-exclude-external"),
    switch("--queue-strict-include"),
    switch("--no-color"),
    switch("--log-disable"),
    switch("--log-show-abs-paths"),
    switch("--dependency-fetch-output-from-state"),
    switch("--use-partial-parse-config-cache"),
    switch("--provider-cache"),
    switch("--backend-bootstrap"),
    switch("--inputs-debug"),
    switch("--tf-forward-stdout"),
    switch("--strict-mode"),
    switch("--experiment-mode"),
    switch("--no-destroy-dependencies-check"),
    switch("--summary-disable"),
    switch("--help"),
    switch("-h"),
    switch("--version"),
    switch("-v"),
    switch("--terragrunt-non-interactive"),
    switch("--terragrunt-ignore-dependency-errors"),
    switch("--terragrunt-ignore-dependency-order"),
    switch("--terragrunt-ignore-external-dependencies"),
    switch("--terragrunt-include-external-dependencies"),
    switch("--terragrunt-source-update"),
    switch("--terragrunt-no-auto-init"),
    switch("--terragrunt-no-auto-retry"),
    switch("--terragrunt-no-auto-approve"),
    switch("--terragrunt-debug"),
    switch("--terragrunt-strict-include"),
    switch("--terragrunt-check"),
    switch("--terragrunt-strict-validate"),
    switch("--terragrunt-fetch-dependency-output-from-state"),
    switch("--terragrunt-use-partial-parse-config-cache"),
    switch("--terragrunt-provider-cache"),
    valued("--working-dir"),
    valued("--config"),
    valued("--tf-path"),
    valued("--download-dir"),
    valued("--source"),
    valued("--source-map"),
    valued("--iam-assume-role"),
    valued("--iam-assume-role-duration"),
    valued("--iam-assume-role-session-name"),
    valued("--iam-assume-role-web-identity-token"),
    valued("--parallelism"),
    valued("--log-level"),
    valued("--log-format"),
    valued("--log-custom-format"),
    valued("--queue-exclude-dir"),
    valued("--queue-include-dir"),
    valued("--queue-excludes-file"),
    valued("--units-that-include"),
    valued("--provider-cache-dir"),
    valued("--feature"),
    valued("--filter"),
    valued("--out-dir"),
    valued("--json-out-dir"),
    valued("--auth-provider-cmd"),
    valued("--strict-control"),
    valued("--experiment"),
    valued("--terragrunt-config"),
    valued("--terragrunt-tfpath"),
    valued("--terragrunt-working-dir"),
    valued("--terragrunt-download-dir"),
    valued("--terragrunt-source"),
    valued("--terragrunt-source-map"),
    valued("--terragrunt-iam-role"),
    valued("--terragrunt-iam-assume-role-duration"),
    valued("--terragrunt-iam-assume-role-session-name"),
    valued("--terragrunt-iam-web-identity-token"),
    valued("--terragrunt-exclude-dir"),
    valued("--terragrunt-include-dir"),
    valued("--terragrunt-parallelism"),
    valued("--terragrunt-log-level"),
    valued("--terragrunt-hclfmt-file"),
    valued("--terragrunt-modules-that-include"),
    valued("--terragrunt-json-out"),
    valued("--terragrunt-override-attr"),
];

/// Flags that name a program terragrunt runs (for credentials, or instead of terraform).
const PROGRAM_FLAGS: &[&str] = &["--auth-provider-cmd", "--tf-path", "--terragrunt-tfpath"];

/// Flags that choose the code terragrunt fetches and runs terraform on, or where it keeps
/// it: `--source` replaces the unit's `terraform { source }` (go-getter: a git repository, an
/// HTTP or S3 archive, a folder) and `--source-map` rewrites it; `--download-dir` and
/// `--provider-cache-dir` name folders whose modules and providers terragrunt reuses (a
/// provider is a program terraform runs); feature flags (`--feature`) are values the
/// configuration reads, also in `source` and in what hooks run. Terraform's plan runs that
/// code's data sources (`external` runs a program), so a line that chooses it is unknown. The
/// same set by their twins on the line; inherited, they are the user's setup (a local
/// checkout for development).
const CODE_FLAGS: &[(&str, &str)] = &[
    (
        "--source",
        "fetches the module code it names and runs terraform on it",
    ),
    (
        "--terragrunt-source",
        "fetches the module code it names and runs terraform on it",
    ),
    (
        "--source-map",
        "replaces the module sources with code from elsewhere",
    ),
    (
        "--terragrunt-source-map",
        "replaces the module sources with code from elsewhere",
    ),
    (
        "--download-dir",
        "reuses the modules already in that folder",
    ),
    (
        "--terragrunt-download-dir",
        "reuses the modules already in that folder",
    ),
    (
        "--provider-cache-dir",
        "reuses the providers (programs) already in that folder",
    ),
    (
        "--feature",
        "sets feature flags the configuration reads (a module source, what hooks run)",
    ),
];

/// The `TG_`/`TERRAGRUNT_` twins of `CODE_FLAGS`.
const CODE_VARS: &[&str] = &[
    "TG_SOURCE",
    "TERRAGRUNT_SOURCE",
    "TG_SOURCE_MAP",
    "TERRAGRUNT_SOURCE_MAP",
    "TG_DOWNLOAD_DIR",
    "TERRAGRUNT_DOWNLOAD_DIR",
    "TG_PROVIDER_CACHE_DIR",
    "TERRAGRUNT_PROVIDER_CACHE_DIR",
    "TG_FEATURE",
    "TERRAGRUNT_FEATURE",
];

/// Why the line makes terragrunt run code it chooses (`CODE_FLAGS` on the line, or their
/// twins set on it), if it does.
fn chosen_code(args: &[String], scope: &Scope) -> Option<String> {
    if let Some((flag, what)) = CODE_FLAGS
        .iter()
        .find(|(flag, _)| flags::last_value(args, &[flag]).is_some())
    {
        return Some(format!("{flag} {what}, code guard cannot see"));
    }
    CODE_VARS
        .iter()
        .find(|var| scope.assigned(var).is_some())
        .map(|var| {
            format!("{var} is set on the command line: it chooses the code terragrunt runs terraform on, code guard cannot see")
        })
}

/// Variables that do the same.
const PROGRAM_VARS: &[&str] = &[
    "TG_TF_PATH",
    "TERRAGRUNT_TFPATH",
    "TG_AUTH_PROVIDER_CMD",
    "TERRAGRUNT_AUTH_PROVIDER_CMD",
];

/// What in a terragrunt configuration runs a program when terragrunt reads it: `run_cmd()`
/// (at parse time, for any command) and the `before_hook`/`after_hook`/`error_hook` blocks.
const RUNS_PROGRAMS: &[&str] = &["run_cmd", "before_hook", "after_hook", "error_hook"];

/// What else in a configuration guard does not follow, each as the command line's equivalent
/// would be judged (red team C4): other configuration files terragrunt reads and evaluates
/// (`dependency`/`dependencies` parse the other unit's terragrunt.hcl and run `terraform
/// output` there), files written before terraform runs (`generate`, also in `remote_state`),
/// terraform's arguments and environment (`extra_arguments`), another program
/// (`terraform_binary`, an `engine`), other credentials (`iam_role`,
/// `iam_web_identity_token`), another cache (`download_dir`). A `dependency`'s
/// configuration is read in turn (`unit_config`), and a `generate` block's `path` must be a
/// plain file name in the unit (the project's own code, as its `.tf` files are).
const NOT_FOLLOWED: &[(&str, &str)] = &[
    (
        "extra_arguments",
        "adds arguments and variables to the terraform command",
    ),
    (
        "terraform_binary",
        "runs another program instead of terraform",
    ),
    ("engine", "runs an engine plugin instead of terraform"),
    ("iam_role", "assumes another role: other credentials"),
    ("iam_web_identity_token", "uses other credentials"),
    ("download_dir", "reuses the modules in another folder"),
];

/// The functions a configuration may call and still be read: terragrunt's that only look at
/// paths, the environment, the command or the caller's identity, and terraform's pure ones.
/// Others read files (`file`, `templatefile`, `read_terragrunt_config`, `read_tfvars_file`,
/// `sops_decrypt_file`) or run programs (`run_cmd`).
const FUNCTIONS: &[&str] = &[
    "find_in_parent_folders",
    "path_relative_to_include",
    "path_relative_from_include",
    "get_env",
    "get_platform",
    "get_repo_root",
    "get_path_from_repo_root",
    "get_path_to_repo_root",
    "get_terragrunt_dir",
    "get_working_dir",
    "get_parent_terragrunt_dir",
    "get_original_terragrunt_dir",
    "get_terraform_commands_that_need_vars",
    "get_terraform_commands_that_need_input",
    "get_terraform_commands_that_need_locking",
    "get_terraform_commands_that_need_parallelism",
    "get_terraform_command",
    "get_terraform_cli_args",
    "get_default_retryable_errors",
    "get_aws_account_id",
    "get_aws_account_alias",
    "get_aws_caller_identity_arn",
    "get_aws_caller_identity_user_id",
    "get_terragrunt_source_cli_flag",
    "constraint_check",
    "abs",
    "ceil",
    "floor",
    "log",
    "max",
    "min",
    "parseint",
    "pow",
    "signum",
    "chomp",
    "format",
    "formatlist",
    "indent",
    "join",
    "lower",
    "regex",
    "regexall",
    "replace",
    "split",
    "strrev",
    "substr",
    "title",
    "trim",
    "trimprefix",
    "trimsuffix",
    "trimspace",
    "upper",
    "startswith",
    "endswith",
    "strcontains",
    "alltrue",
    "anytrue",
    "chunklist",
    "coalesce",
    "coalescelist",
    "compact",
    "concat",
    "contains",
    "distinct",
    "element",
    "flatten",
    "index",
    "keys",
    "length",
    "lookup",
    "matchkeys",
    "merge",
    "one",
    "range",
    "reverse",
    "setintersection",
    "setproduct",
    "setsubtract",
    "setunion",
    "slice",
    "sort",
    "sum",
    "transpose",
    "values",
    "zipmap",
    "base64decode",
    "base64encode",
    "csvdecode",
    "jsondecode",
    "jsonencode",
    "urlencode",
    "yamldecode",
    "yamlencode",
    "basename",
    "dirname",
    "can",
    "try",
    "tobool",
    "tolist",
    "tomap",
    "tonumber",
    "toset",
    "tostring",
    "type",
    "sensitive",
    "nonsensitive",
    "md5",
    "sha1",
    "sha256",
    "sha512",
    "uuid",
    "timestamp",
    "formatdate",
    "cidrhost",
    "cidrnetmask",
    "cidrsubnet",
    "cidrsubnets",
];

/// Why guard cannot prove a configuration's text harmless, if it cannot: it runs a program,
/// calls a function off the allowlist, uses a block guard does not follow, or includes a file
/// other than the parents `find_in_parent_folders` finds (which `unit_config` reads). The
/// words are matched anywhere (strings and comments too), so a mistake can only ask.
fn unproven_text(text: &str) -> Option<String> {
    if let Some(found) = RUNS_PROGRAMS.iter().find(|word| text.contains(**word)) {
        return Some(format!(
            "has {found}, which runs a program guard cannot see"
        ));
    }
    let words = identifiers(text);
    if let Some((word, what)) = NOT_FOLLOWED
        .iter()
        .find(|(word, _)| words.iter().any(|(found, _)| found == word))
    {
        return Some(format!(
            "has {word}, which {what}; guard does not follow it"
        ));
    }
    if let Some((name, _)) = words
        .iter()
        .find(|(name, call)| *call && !FUNCTIONS.contains(&name.as_str()))
    {
        return Some(format!(
            "calls {name}(), which reads files or runs programs guard does not follow"
        ));
    }
    // `path = …` in an include names its parent by find_in_parent_folders (read by
    // `unit_config`); in a generate block (also remote_state's) it is the file written
    // before terraform runs: a plain name in the unit's folder, or a place guard judges
    // no further.
    for line in text.lines() {
        let line = line.trim().trim_start_matches(['{', ' ']);
        let Some(value) = line
            .strip_prefix("path")
            .and_then(|rest| rest.trim_start().strip_prefix('='))
        else {
            continue;
        };
        let value = value.trim().trim_end_matches([',', '}', ' ']);
        let plain_name = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .is_some_and(|name| {
                !name.is_empty()
                    && name != ".."
                    && !name.contains(['/', '\\', '$', '%', '~'])
                    && !name.starts_with('.')
            });
        if !plain_name && !value.starts_with("find_in_parent_folders(") {
            return Some(format!(
                "names the path {value} (an include or a generated file) guard does not follow"
            ));
        }
    }
    None
}

/// The folders a configuration's `dependency` blocks name (`config_path = "../vpc"`), as
/// written; Err with the value when one is not a literal.
fn dependency_paths(text: &str) -> Result<Vec<String>, String> {
    let mut found = Vec::new();
    for line in text.lines() {
        let line = line.trim().trim_start_matches(['{', ' ']);
        let Some(value) = line
            .strip_prefix("config_path")
            .and_then(|rest| rest.trim_start().strip_prefix('='))
        else {
            continue;
        };
        let value = value.trim().trim_end_matches([',', '}', ' ']);
        match value.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
            Some(path) if !path.is_empty() && !path.contains(['$', '%', '~']) => {
                found.push(path.to_owned());
            }
            _ => return Err(value.to_owned()),
        }
    }
    Ok(found)
}

/// The identifiers of an HCL text, each with whether a call `(` follows it.
fn identifiers(text: &str) -> Vec<(String, bool)> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_alphanumeric() || chars[i] == '_' || chars[i] == '-')
            {
                i += 1;
            }
            let name: String = chars[start..i].iter().collect();
            let mut j = i;
            while j < chars.len() && chars[j].is_whitespace() {
                j += 1;
            }
            let after_dot = start > 0 && chars[start - 1] == '.';
            found.push((name, !after_dot && chars.get(j) == Some(&'(')));
        } else {
            i += 1;
        }
    }
    found
}

/// What makes terragrunt read other configuration files: the parents it includes.
const READS_PARENTS: &[&str] = &[
    "include",
    "read_terragrunt_config",
    "find_in_parent_folders",
];

/// How far up guard looks for the parent configuration an `include` names.
const PARENT_LEVELS: usize = 10;

/// Every terragrunt flag has an environment twin (`--all` is `TG_ALL`, `--working-dir` is
/// `TG_WORKING_DIR`; the old `--terragrunt-X` flags are `TERRAGRUNT_X`, and the new names'
/// `TERRAGRUNT_` spellings are still read): the variables in force become the flags they
/// stand for, ahead of the line's own (the line's flags win), and a `TG_`/`TERRAGRUNT_`
/// variable set on the line that is no flag's twin is unknown. `Err` names that variable.
fn with_env_flags(args: &[String], scope: &Scope) -> Result<Vec<String>, String> {
    let mut flags_of_env = Vec::new();
    let mut twins: Vec<String> = Vec::new();
    for flag in FLAGS {
        let Some(name) = flag.name.strip_prefix("--") else {
            continue;
        };
        if matches!(name, "help" | "version") {
            continue;
        }
        let upper = name.to_ascii_uppercase().replace('-', "_");
        let vars = match upper.strip_prefix("TERRAGRUNT_") {
            Some(_) => vec![upper.clone()],
            None => vec![format!("TG_{upper}"), format!("TERRAGRUNT_{upper}")],
        };
        for var in vars {
            let value = scope.var(&var);
            twins.push(var);
            // Named in the reason by `PROGRAM_VARS` below.
            let Some(value) = value.filter(|_| !PROGRAM_FLAGS.contains(&flag.name)) else {
                continue;
            };
            match (flag.arity, value) {
                (Arity::Value, EnvValue::Known(value)) => {
                    flags_of_env.push(format!("{}={value}", flag.name));
                }
                (Arity::Value, EnvValue::Dynamic) => {
                    flags_of_env.push(format!("{}={}(expansion)", flag.name, scope::DYNAMIC));
                }
                // strconv.ParseBool's false; anything else sets it (or is refused).
                (_, EnvValue::Known(value))
                    if matches!(
                        value.as_str(),
                        "" | "0" | "f" | "F" | "false" | "False" | "FALSE"
                    ) => {}
                _ => flags_of_env.push(flag.name.to_owned()),
            }
        }
    }
    let handled = |name: &str| {
        twins.iter().any(|twin| twin == name)
            || PROGRAM_VARS.contains(&name)
            || matches!(name, "TG_CONFIG" | "TERRAGRUNT_CONFIG")
    };
    if let Some(var) = scope.assigned_where(|name| {
        (name.starts_with("TG_") || name.starts_with("TERRAGRUNT_")) && !handled(name)
    }) {
        return Err(var.to_owned());
    }
    flags_of_env.extend(args.iter().cloned());
    Ok(flags_of_env)
}

pub(crate) fn classify(args: &[String], scope: &Scope) -> Verdict {
    let chosen = chosen_code(args, scope);
    let args = match with_env_flags(args, scope) {
        Ok(args) => args,
        Err(var) => {
            return Verdict::of(
                Severity::Unknown,
                "terragrunt",
                &[],
                &format!(
                    "{var} is set on the command line: no terragrunt flag guard knows stands for it"
                ),
            );
        }
    };
    let args = &args[..];
    let before = flags::before_dashdash(args);
    let named = PROGRAM_FLAGS.iter().find(|flag| {
        before.iter().any(|arg| {
            arg.strip_prefix(**flag)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('='))
        })
    });
    let by_env = PROGRAM_VARS.iter().find(|var| match scope.var(var) {
        Some(EnvValue::Known(value)) => !value.is_empty(),
        Some(EnvValue::Dynamic) => true,
        None => false,
    });
    if let Some(source) = named.or(by_env) {
        return Verdict::of(
            Severity::Unknown,
            "terragrunt",
            &[],
            &format!("{source} names a program terragrunt runs; guard cannot see what it does"),
        );
    }
    // Terragrunt assumes this role before running terraform: other credentials than the
    // ones guard verified.
    let credential = flags::last_value(args, &["--iam-assume-role", "--terragrunt-iam-role"])
        .map(|role| format!("--iam-assume-role {role}"));
    let verdict = flags::judge_both_readings(args, FLAGS, UnknownFlags::NoValue, |layout| {
        judge(args, layout, scope)
    });
    // terragrunt drops its own options (and what stands before its command) before
    // terraform sees the rest: a `--` option it does not have is only caught here (terraform's
    // single-dash options are checked by the terraform judge).
    let unknown_own = before.iter().find(|arg| {
        let name = arg.split('=').next().unwrap_or(arg);
        name.starts_with("--") && name.len() > 2 && flags::arity_in(FLAGS, name).is_none()
    });
    let verdict = match unknown_own {
        Some(flag) if verdict.severity == Severity::Read => Verdict::of(
            Severity::Unknown,
            "terragrunt",
            &[],
            &format!(
                "{flag} is not an option guard knows here; read only when every option is known"
            ),
        ),
        _ => verdict,
    };
    // `--backend-bootstrap` (or its twin, inherited too) creates the state bucket and lock
    // table the configuration's remote_state names when they are missing.
    let verdict = if verdict.severity == Severity::Read
        && flags::any_on(args, &["--backend-bootstrap"])
    {
        Verdict::of(
            Severity::Write,
            "terragrunt",
            &[],
            "--backend-bootstrap creates the state backend (bucket, lock table) when it is missing",
        )
    } else {
        verdict
    };
    let verdict = match chosen {
        Some(why) if verdict.severity == Severity::Read => {
            Verdict::of(Severity::Unknown, "terragrunt", &[], &why)
        }
        _ => verdict,
    };
    // Plans saved for every unit under a folder (`--out-dir`, `--json-out-dir`).
    let verdict = ["--out-dir", "--json-out-dir"]
        .iter()
        .filter_map(|flag| flags::last_value(args, &[flag]).map(|dir| (flag, dir)))
        .fold(verdict, |verdict, (flag, dir)| {
            let word = Word {
                text: std::borrow::Cow::Borrowed(scope::shown(dir)),
                dynamic: scope::is_dynamic(dir),
            };
            let written = paths::write_into(&word, scope, false);
            if written.severity > verdict.severity {
                Verdict::of(
                    written.severity,
                    "terragrunt",
                    &[],
                    &format!("{flag} {}: {}", scope::shown(dir), written.reason),
                )
            } else {
                verdict
            }
        });
    verdict.with_credential(credential)
}

fn judge(args: &[String], layout: &Layout, scope: &Scope) -> Verdict {
    let Some(command) = layout.positional(args, 0) else {
        return Verdict::of(
            Severity::Read,
            "terragrunt",
            &[],
            "prints help or its version",
        );
    };
    // Terragrunt's old `plan-all`, `apply-all`, ... are `run-all plan`, `run-all apply`, ...
    if let Some(legacy) = command.strip_suffix("-all")
        && matches!(
            legacy,
            "plan" | "apply" | "destroy" | "output" | "validate" | "refresh" | "init"
        )
    {
        let mut rest = vec![legacy.to_owned()];
        rest.extend(layout.after(args, 0).iter().cloned());
        return terraform_part("run-all", &rest, args, scope);
    }
    match command {
        "run-all" | "graph" | "run" => terraform_part(command, layout.after(args, 0), args, scope),
        "stack" => match layout.positional(args, 1) {
            Some("run") => terraform_part("stack run", layout.after(args, 1), args, scope),
            Some(sub @ ("generate" | "output" | "clean")) => Verdict::of(
                Severity::Read,
                "terragrunt",
                &["stack", sub],
                "works on local stack files",
            ),
            sub => Verdict::of(
                Severity::Unknown,
                "terragrunt",
                &["stack", sub.unwrap_or_default()],
                "not a stack subcommand guard knows",
            ),
        },
        "exec" => Verdict::of(
            Severity::Unknown,
            "terragrunt",
            &["exec"],
            "runs an arbitrary command; guard does not follow it",
        ),
        "backend" => {
            let sub = layout.positional(args, 1).unwrap_or_default();
            let (severity, what) = match sub {
                "bootstrap" => (Severity::Write, "creates the state backend"),
                "migrate" => (Severity::Write, "moves state between backends"),
                "delete" => (Severity::Destructive, "deletes the state backend"),
                _ => (Severity::Unknown, "not a backend subcommand guard knows"),
            };
            Verdict::of(severity, "terragrunt", &["backend", sub], what)
        }
        // Only formats: nothing is evaluated.
        "hclfmt" => Verdict::of(
            Severity::Read,
            "terragrunt",
            &[command],
            "formats local configuration, no cloud change",
        ),
        // boilerplate templates run their own hooks (shell commands).
        "scaffold" | "catalog" => Verdict::of(
            Severity::Unknown,
            "terragrunt",
            &[command],
            "renders a module's boilerplate template, whose hooks run programs guard cannot see",
        ),
        // They evaluate this unit's configuration (run_cmd runs at parse time).
        "validate-inputs" | "render-json" | "render" | "terragrunt-info" | "info"
        | "aws-provider-patch" => {
            let verdict = Verdict::of(
                Severity::Read,
                "terragrunt",
                &[command],
                "works on local configuration, no cloud change",
            );
            unit_config(args, scope).unwrap_or(verdict)
        }
        // They read every unit's configuration below.
        "hcl"
        | "hclvalidate"
        | "graph-dependencies"
        | "dag"
        | "output-module-groups"
        | "find"
        | "list" => Verdict::of(Severity::Unknown, "terragrunt", &[command], EVERY_UNIT),
        // Anything else is a terraform command that terragrunt passes through.
        _ => {
            let from = layout.positionals.first().copied().unwrap_or_default();
            terraform_part("", args.get(from..).unwrap_or_default(), args, scope)
        }
    }
}

/// Classifies the terraform command terragrunt runs. `via` is terragrunt's own command
/// (`run-all`, `run`, ...) or empty for a passed-through terraform command.
fn terraform_part(via: &str, rest: &[String], all_args: &[String], outer: &Scope) -> Verdict {
    // Terraform runs in the working folder: the paths of its arguments are that folder's.
    let moved;
    let scope = match flags::last_value(all_args, &["--working-dir", "--terragrunt-working-dir"]) {
        Some(dir) => {
            moved = tool_paths::moved_to(dir, outer);
            &moved
        }
        None => outer,
    };
    let every_unit = matches!(via, "run-all" | "graph" | "stack run")
        || flags::any_on(all_args, &["--all", "--graph"]);
    let label = if via.is_empty() {
        "terragrunt".to_owned()
    } else {
        format!("terragrunt {via}")
    };
    // Terragrunt may run tofu, which expands @FILE arguments.
    let mut verdict = terraform::classify_as(&label, Flavor::Tofu, &without_own_flags(rest), scope);
    if !via.is_empty() {
        verdict
            .command
            .splice(0..0, via.split(' ').map(str::to_owned));
    }
    if every_unit {
        if verdict.severity == Severity::Read {
            let path: Vec<&str> = verdict.command.iter().map(String::as_str).collect();
            return Verdict::of(Severity::Unknown, "terragrunt", &path, EVERY_UNIT);
        }
        verdict.reason.push_str(" (in every unit)");
    } else if verdict.severity == Severity::Read
        && let Some(unproven) = unit_config(all_args, outer)
    {
        return unproven;
    }
    verdict
}

const EVERY_UNIT: &str = "reads the terragrunt.hcl of every unit below, where run_cmd() and hooks run programs; guard does not read them all";

/// Decided: a read is proven only where guard read the unit's configuration and every parent
/// it includes and found nothing that runs a program (`run_cmd()`, hooks). Some(unknown)
/// otherwise. A unit without a configuration makes terragrunt stop with an error.
fn unit_config(args: &[String], scope: &Scope) -> Option<Verdict> {
    let unknown = |what: String| Some(Verdict::of(Severity::Unknown, "terragrunt", &[], &what));
    let config = flags::last_value(args, &["--config", "--terragrunt-config"]);
    let config = match (
        config,
        scope.var("TG_CONFIG").or(scope.var("TERRAGRUNT_CONFIG")),
    ) {
        (Some(path), _) => path.to_owned(),
        (None, Some(EnvValue::Known(path))) => path,
        (None, Some(EnvValue::Dynamic)) => {
            return unknown("the configuration file comes from an expansion".to_owned());
        }
        (None, None) => {
            let dir = flags::last_value(args, &["--working-dir", "--terragrunt-working-dir"])
                .unwrap_or(".");
            format!("{dir}/terragrunt.hcl")
        }
    };
    if scope::is_dynamic(&config) {
        return unknown(format!(
            "{}: the configuration comes from an expansion; it can run programs (run_cmd, hooks)",
            scope::shown(&config)
        ));
    }
    let text = match scope.read_file(&config) {
        FileText::Missing => return None,
        FileText::Unreadable(_) => {
            return unknown(format!(
                "{config}: guard cannot read it, and it can run programs (run_cmd, hooks)"
            ));
        }
        FileText::Text(text) => text,
    };
    if let Some(why) = unproven_text(&text) {
        return unknown(format!("{config} {why}"));
    }
    if let Some(why) = dependencies_unproven(&config, &text, scope, 0) {
        return unknown(why);
    }
    if !READS_PARENTS.iter().any(|word| text.contains(word)) {
        return None;
    }
    // The parents it includes: root.hcl or terragrunt.hcl in the folders above.
    let dir = config
        .rsplit_once('/')
        .map_or(".", |(dir, _)| dir)
        .to_owned();
    let mut up = dir;
    for _ in 0..PARENT_LEVELS {
        up.push_str("/..");
        for name in ["root.hcl", "terragrunt.hcl"] {
            let parent = format!("{up}/{name}");
            match scope.read_file(&parent) {
                FileText::Missing => {}
                FileText::Unreadable(_) => {
                    return unknown(format!(
                        "{parent}: guard cannot read the configuration it includes, which can run programs"
                    ));
                }
                FileText::Text(text) => {
                    if let Some(why) = unproven_text(&text) {
                        return unknown(format!("{parent} (included) {why}"));
                    }
                }
            }
        }
    }
    None
}

/// How deep guard follows `dependency` blocks (a dependency's own dependencies, ...).
const DEPENDENCY_LEVELS: usize = 3;

/// Why the units `config`'s dependencies name (terragrunt parses each one's terragrunt.hcl
/// and runs `terraform output` there) cannot be proven harmless, if they cannot.
fn dependencies_unproven(config: &str, text: &str, scope: &Scope, level: usize) -> Option<String> {
    let paths = match dependency_paths(text) {
        Ok(paths) => paths,
        Err(value) => {
            return Some(format!(
                "{config} has a dependency at {value}, which guard cannot place"
            ));
        }
    };
    if paths.is_empty() {
        return None;
    }
    if level >= DEPENDENCY_LEVELS {
        return Some(format!(
            "{config} has dependencies deeper than guard follows ({DEPENDENCY_LEVELS} levels)"
        ));
    }
    let dir = config.rsplit_once('/').map_or(".", |(dir, _)| dir);
    for path in paths {
        let other = if path.starts_with('/') {
            format!("{path}/terragrunt.hcl")
        } else {
            format!("{dir}/{path}/terragrunt.hcl")
        };
        match scope.read_file(&other) {
            FileText::Text(text) => {
                if let Some(why) = unproven_text(&text) {
                    return Some(format!("{other} (a dependency) {why}"));
                }
                if let Some(why) = dependencies_unproven(&other, &text, scope, level + 1) {
                    return Some(why);
                }
            }
            FileText::Missing | FileText::Unreadable(_) => {
                return Some(format!(
                    "{other} (a dependency): guard cannot read it, and terragrunt evaluates it (run_cmd, hooks)"
                ));
            }
        }
    }
    None
}

/// The terraform arguments, without terragrunt's flags (and their values).
fn without_own_flags(args: &[String]) -> Vec<&str> {
    let mut kept = Vec::with_capacity(args.len());
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        i += 1;
        // `run -- plan`: terragrunt's own end of options, not terraform's.
        if arg == "--" && kept.is_empty() {
            continue;
        }
        let name = arg.split('=').next().unwrap_or(arg);
        let arity = flags::arity_in(FLAGS, name);
        if arity.is_none() && !name.starts_with("--terragrunt-") {
            kept.push(arg.as_str());
        } else if !arg.contains('=') && arity == Some(Arity::Value) {
            i += 1;
        }
    }
    kept
}
