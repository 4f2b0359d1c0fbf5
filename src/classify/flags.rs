//! Flag scanning shared by the cobra, yargs and click based tools (kubectl, helm, pulumi,
//! eksctl, cdk, sam through `table`; terragrunt directly).
//!
//! guard cannot carry every flag of every version of every tool, so a flag it does not know
//! is read both ways (taking a value word, and not), and the more severe result wins.
//! Flags that make a command harmless (`--dry-run`, `--help`) only count where no reading
//! could make them the value of another flag.

use super::verdict::Verdict;

/// How a tool's own parser treats a flag it has no definition for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UnknownFlags {
    /// cobra's subcommand search and yargs assume `--flag value`.
    TakeValue,
    /// click and terragrunt's parser assume a switch.
    NoValue,
}

/// Whether a flag takes the next word as its value when written without `=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Arity {
    Switch,
    Value,
}

/// What a flag's value is to guard: for a read, every flag must be known, and the paths
/// the tool reads or writes are judged by their class (credential stores, guard's own
/// files, configuration a later command trusts, terraform state).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Effect {
    /// Changes only what is shown or which objects are read.
    Inert,
    /// The value is a local path the tool reads.
    Reads,
    /// The value is a local path the tool writes.
    Writes,
    /// The value is the configuration the tool's own documented local switch writes (`eksctl
    /// utils write-kubeconfig --kubeconfig`): it stays the switch it is unless the path is
    /// guard's own file or terraform state.
    Switches,
}

/// One flag of a tool, its name with its dashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Flag {
    pub name: &'static str,
    pub arity: Arity,
    pub effect: Effect,
}

pub(crate) const fn switch(name: &'static str) -> Flag {
    Flag {
        name,
        arity: Arity::Switch,
        effect: Effect::Inert,
    }
}

pub(crate) const fn valued(name: &'static str) -> Flag {
    Flag {
        name,
        arity: Arity::Value,
        effect: Effect::Inert,
    }
}

/// A flag whose value is a path the tool reads.
pub(crate) const fn reads(name: &'static str) -> Flag {
    Flag {
        name,
        arity: Arity::Value,
        effect: Effect::Reads,
    }
}

/// A flag whose value is the configuration the tool's own local switch writes.
pub(crate) const fn switches(name: &'static str) -> Flag {
    Flag {
        name,
        arity: Arity::Value,
        effect: Effect::Switches,
    }
}

/// A flag whose value is a path the tool writes.
pub(crate) const fn writes(name: &'static str) -> Flag {
    Flag {
        name,
        arity: Arity::Value,
        effect: Effect::Writes,
    }
}

/// What guard knows about a flag word: its arity, or None for a flag it does not know.
pub(crate) type Known<'a> = dyn Fn(&str) -> Option<Arity> + 'a;

/// The arity of `arg` among `flags`.
pub(crate) fn arity_in(flags: &[Flag], arg: &str) -> Option<Arity> {
    let name = arg.split('=').next().unwrap_or(arg);
    flags
        .iter()
        .find(|flag| flag.name == name)
        .map(|flag| flag.arity)
}

/// Whether a flag word could take the next word as its value: `--flag` or `-f`, not a
/// group like `-abc`, not `--flag=value` (pflag's and cobra's rule).
pub(crate) fn may_take_value_word(arg: &str) -> bool {
    arg.starts_with('-') && !arg.contains('=') && (arg.starts_with("--") || arg.len() == 2)
}

/// Where the positional words of a command line are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Layout {
    /// Indices of positional words before any `--`.
    pub positionals: Vec<usize>,
    /// Index of the `--` that ends the flags, if any.
    pub end_of_flags: Option<usize>,
}

impl Layout {
    /// The `n`th positional word.
    pub fn positional<'a>(&self, args: &'a [String], n: usize) -> Option<&'a str> {
        let index = *self.positionals.get(n)?;
        args.get(index).map(String::as_str)
    }

    /// Everything after the `n`th positional word.
    pub fn after<'a>(&self, args: &'a [String], n: usize) -> &'a [String] {
        match self.positionals.get(n) {
            Some(&index) => args.get(index + 1..).unwrap_or(&[]),
            None => &[],
        }
    }
}

/// What a word is, for finding the positional words around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    EndOfFlags,
    Positional,
    /// A switch, a group like `-abc`, or `--flag=value`: one word on its own.
    Whole,
    /// A flag that takes the next word as its value.
    Valued,
    /// A flag the spec does not know, written without `=`.
    Unknown,
}

fn kind(arg: &str, known: &Known) -> Kind {
    if arg == "--" {
        return Kind::EndOfFlags;
    }
    if arg.len() < 2 || !arg.starts_with('-') {
        return Kind::Positional;
    }
    // `-abc` is a group of switches or `-nVALUE`; `--flag=value` carries its value.
    if !may_take_value_word(arg) {
        return Kind::Whole;
    }
    match known(arg) {
        Some(Arity::Switch) => Kind::Whole,
        Some(Arity::Value) => Kind::Valued,
        None => Kind::Unknown,
    }
}

fn kinds(args: &[String], known: &Known) -> Vec<Kind> {
    args.iter().map(|arg| kind(arg, known)).collect()
}

fn layout_of(kinds: &[Kind], unknown: UnknownFlags) -> Layout {
    let mut positionals = Vec::new();
    let mut i = 0;
    while let Some(kind) = kinds.get(i) {
        i += match kind {
            Kind::EndOfFlags => {
                return Layout {
                    positionals,
                    end_of_flags: Some(i),
                };
            }
            Kind::Positional => {
                positionals.push(i);
                1
            }
            Kind::Whole => 1,
            Kind::Valued => 2,
            Kind::Unknown if unknown == UnknownFlags::TakeValue => 2,
            Kind::Unknown => 1,
        };
    }
    Layout {
        positionals,
        end_of_flags: None,
    }
}

/// Judges the command under the tool's own reading of unknown flags and, when the other
/// reading finds different positionals, under that one too; the more severe verdict wins.
pub(crate) fn judge_both_readings(
    args: &[String],
    flags: &[Flag],
    primary: UnknownFlags,
    judge: impl Fn(&Layout) -> Verdict,
) -> Verdict {
    let kinds = kinds(args, &|arg: &str| arity_in(flags, arg));
    let first = layout_of(&kinds, primary);
    let verdict = judge(&first);
    if !kinds.contains(&Kind::Unknown) {
        return verdict;
    }
    let secondary = match primary {
        UnknownFlags::TakeValue => UnknownFlags::NoValue,
        UnknownFlags::NoValue => UnknownFlags::TakeValue,
    };
    let second = layout_of(&kinds, secondary);
    if first == second {
        verdict
    } else {
        verdict.or_worse(judge(&second))
    }
}

/// The words before a `--` (after it come the arguments of some other program).
pub(crate) fn before_dashdash(args: &[String]) -> &[String] {
    match args.iter().position(|arg| arg == "--") {
        Some(end) => &args[..end],
        None => args,
    }
}

/// The value of the last `NAME value` / `NAME=value` (or `-nVALUE` for a one-letter flag)
/// among `names`, before `--`.
pub(crate) fn last_value<'a>(args: &'a [String], names: &[&str]) -> Option<&'a str> {
    let args = before_dashdash(args);
    let mut found = None;
    for (i, arg) in args.iter().enumerate() {
        for name in names {
            let Some(rest) = arg.strip_prefix(name) else {
                continue;
            };
            let short = !name.starts_with("--");
            if rest.is_empty() {
                found = args.get(i + 1).map(String::as_str);
            } else if let Some(value) = rest.strip_prefix('=') {
                found = Some(value);
            } else if short {
                found = Some(rest);
            }
        }
    }
    found
}

/// Whether any switch among `names` is turned on (bare or `=true`) before `--`.
/// Used for flags that make a command worse, so any occurrence counts.
pub(crate) fn any_on(args: &[String], names: &[&str]) -> bool {
    before_dashdash(args).iter().any(|arg| {
        names.iter().any(|name| match arg.strip_prefix(name) {
            Some("") => true,
            Some(rest) => rest.strip_prefix('=').is_some_and(|v| !is_false(v)),
            None => false,
        })
    })
}

/// Which values of a dry-run flag ask for a dry run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DryValues {
    /// kubectl's and helm's string flag: bare (its no-option default), `client`, `server`,
    /// and the deprecated `true`; `none` and `false` run for real.
    Mode,
    /// A boolean: bare or a true value of Go's strconv.ParseBool.
    Bool,
    /// A yargs boolean (yargs-parser): `--flag=V` is true only for `true`, a bare flag takes a
    /// following `true` or `false` word as its value, `--no-flag` sets it false, and the
    /// camel-case spelling (`--dryRun`) is the same option.
    Yargs,
}

/// `--dry-run` style flags: the flag as written when every occurrence asks for a dry run
/// and none could be the value of a preceding flag. pflag lets the last occurrence win;
/// requiring all of them errs towards asking.
pub(crate) fn dry_run(
    args: &[String],
    names: &[&str],
    values: DryValues,
    known: &Known,
) -> Option<String> {
    let args = before_dashdash(args);
    if values == DryValues::Yargs && args.iter().any(|arg| yargs_other_spelling(arg, names)) {
        return None;
    }
    let mut label = None;
    for (i, arg) in args.iter().enumerate() {
        let Some(value) = names.iter().find_map(|name| arg.strip_prefix(name)) else {
            continue;
        };
        // `--dry-runx` is some other flag, not an occurrence.
        if !value.is_empty() && !value.starts_with('=') {
            continue;
        }
        let dry = match (value.strip_prefix('='), values) {
            (None, DryValues::Yargs) => args.get(i + 1).is_none_or(|next| next != "false"),
            (None, _) => true,
            (Some(v), DryValues::Yargs) => v == "true",
            (Some(v), _) => {
                is_true(v) || (values == DryValues::Mode && matches!(v, "client" | "server"))
            }
        };
        if !dry || might_be_value(args, i, known) {
            return None;
        }
        label = Some(arg.clone());
    }
    label
}

/// `--no-dry-run`, `--dryRun`, `--no-dryRun`: yargs spellings of the option that guard does
/// not judge (any of them may turn the dry run off).
fn yargs_other_spelling(arg: &str, names: &[&str]) -> bool {
    let name = arg.split_once('=').map_or(arg, |(name, _)| name);
    let Some(body) = name.strip_prefix("--") else {
        return false;
    };
    let body = body.strip_prefix("no-").unwrap_or(body);
    names.iter().any(|option| {
        let Some(option) = option.strip_prefix("--") else {
            return false;
        };
        let negated = body.len() < name.len() - 2;
        (negated && body == option) || (body != option && body == camel_case(option))
    })
}

/// yargs' camel-case alias of a dashed option: `dry-run` is also `dryRun`.
fn camel_case(option: &str) -> String {
    let mut out = String::with_capacity(option.len());
    let mut upper = false;
    for c in option.chars() {
        if c == '-' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// `--help` / `-h` where it cannot be the value of another flag.
pub(crate) fn wants_help(args: &[String], known: &Known) -> bool {
    let args = before_dashdash(args);
    args.iter().enumerate().any(|(i, arg)| {
        matches!(arg.as_str(), "-h" | "--help" | "--help=true") && !might_be_value(args, i, known)
    })
}

/// Flags that make a command harmless but that a later argument can undo.
pub(crate) fn is_undoable(arg: &str) -> bool {
    matches!(arg, "-h" | "-help" | "--help")
        || ["--dry-run", "--dryrun", "--preview-only", "--help="]
            .iter()
            .any(|flag| arg.starts_with(flag))
}

/// Whether the word at `i` could be the value of the flag before it.
fn might_be_value(args: &[String], i: usize, known: &Known) -> bool {
    i.checked_sub(1)
        .and_then(|previous| args.get(previous))
        .is_some_and(|previous| matches!(kind(previous, known), Kind::Valued | Kind::Unknown))
}

/// Go's `strconv.ParseBool` false values (pflag, Go's flag package).
pub(crate) fn is_false(value: &str) -> bool {
    matches!(value, "0" | "f" | "F" | "false" | "FALSE" | "False")
}

/// Go's `strconv.ParseBool` true values.
pub(crate) fn is_true(value: &str) -> bool {
    matches!(value, "1" | "t" | "T" | "true" | "TRUE" | "True")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &[Flag] = &[
        switch("--all"),
        switch("-A"),
        switch("--dry-run"),
        valued("-n"),
        valued("--context"),
    ];

    fn known(arg: &str) -> Option<Arity> {
        arity_in(SPEC, arg)
    }

    fn strings(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| (*w).to_owned()).collect()
    }

    #[test]
    fn unknown_flags_are_read_as_configured() {
        let kinds = kinds(
            &strings(&["--odd", "delete", "pods", "-n", "x", "--", "y"]),
            &known,
        );
        let taking = layout_of(&kinds, UnknownFlags::TakeValue);
        assert_eq!(taking.positionals, vec![2]);
        assert_eq!(taking.end_of_flags, Some(5));
        assert_eq!(
            layout_of(&kinds, UnknownFlags::NoValue).positionals,
            vec![1, 2]
        );
    }

    #[test]
    fn dry_run_must_be_unambiguous() {
        let dry =
            |words: &[&str]| dry_run(&strings(words), &["--dry-run"], DryValues::Mode, &known);
        assert_eq!(
            dry(&["delete", "--dry-run=server"]).as_deref(),
            Some("--dry-run=server")
        );
        assert_eq!(dry(&["delete", "--dry-run"]).as_deref(), Some("--dry-run"));
        assert_eq!(dry(&["delete", "--dry-run=none"]), None);
        assert_eq!(
            dry(&["delete", "--dry-run=client", "--dry-run=false"]),
            None
        );
        assert_eq!(dry(&["delete", "-l", "--dry-run=client"]), None);
        assert_eq!(
            dry(&["delete", "--all", "--dry-run=client"]).as_deref(),
            Some("--dry-run=client")
        );
        assert_eq!(dry(&["exec", "p", "--", "--dry-run"]), None);
    }
}
