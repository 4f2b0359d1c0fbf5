//! One judge for the tools whose knowledge is data (kubectl, helm, pulumi, cdk, sam,
//! eksctl): each tool is a `Table` of its subcommand paths with their severity, its global
//! flags with their arity, and the flags that change a verdict (dry runs, `--prune`,
//! programs named on the command line), read the way the tool's own parser reads them.
//!
//! Read is a proof: a command is read only when every option on the line is one its table
//! knows (name, arity, effect), with short groups and yargs' spellings read as the tool's
//! parser reads them; anything else is unknown, naming the option. Where the subcommand is
//! looked for, a flag the table does not know is read both ways (taking a value word, and
//! not) and the more severe result wins. Flags that make a command harmless only count
//! where no reading could make them the value of another flag. The paths a flag names are
//! judged by their class (`tool_paths`).

use super::Severity;
use super::flags::{self, Arity, Effect, Flag};
use super::paths;
use super::scope::{self, EnvValue, Scope, Word};
use super::tool_paths;
use super::verdict::Verdict;

/// How the tool's parser finds its subcommand among flags it does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Parser {
    /// cobra: an unknown flag written without `=` takes the next word as its value (its
    /// `stripFlags`), so `kubectl --all events delete` is `kubectl delete --all events`.
    Cobra,
    /// yargs: the first pass knows only the global options; an unknown `--flag` takes the
    /// next word unless it starts with `-`, and `--no-flag` never takes one.
    Yargs,
    /// click: options belong to their command; guard reads an unknown one as a switch.
    Click,
}

/// One subcommand path. A path word may list aliases (`"uninstall|un|del|delete"`, the
/// first is the canonical name); `"*"` matches any word.
pub(crate) struct Command {
    pub path: &'static [&'static str],
    pub severity: Severity,
    pub what: &'static str,
    /// Flags of this command (beyond the globals): all of them, for a read to be proven.
    pub flags: &'static [Flag],
    /// More of them, where a generated table lags behind the tool.
    pub more: &'static [Flag],
}

pub(crate) const fn cmd(
    path: &'static [&'static str],
    severity: Severity,
    what: &'static str,
) -> Command {
    Command {
        path,
        severity,
        what,
        flags: &[],
        more: &[],
    }
}

impl Command {
    pub const fn with_flags(self, flags: &'static [Flag]) -> Command {
        Command { flags, ..self }
    }

    pub const fn with_more(self, more: &'static [Flag]) -> Command {
        Command { more, ..self }
    }
}

/// When a flag changes the verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Test {
    /// A switch turned on anywhere (bare or `=true`): used for flags that make it worse.
    On,
    /// The flag is given at all, with any value.
    Given,
    /// pflag string dry-run flags (kubectl, helm): bare, `client`, `server`, `true`.
    DryMode,
    /// A boolean dry-run flag (Go's strconv.ParseBool values).
    DryBool,
    /// The flag is given, with any value, and the tool then ignores its dry run (`kubectl
    /// delete --raw`): the command keeps at least its own severity and no dry run lowers it.
    Undryable,
    /// A boolean that skips the part of the command guard cannot see (`cdk init
    /// --generate-only` installs nothing): read like `DryBool`, it replaces the command's
    /// own verdict, even an unknown one, unless another modifier already changed it.
    Skips,
}

/// A flag that changes the verdict of some commands.
pub(crate) struct Modifier {
    /// Canonical path prefixes it applies to, words separated by spaces; "" is every one.
    pub commands: &'static [&'static str],
    pub flags: &'static [&'static str],
    pub test: Test,
    /// The severity it gives; a dry-run modifier gives Read, and only to a command that
    /// would write or destroy.
    pub severity: Severity,
    pub what: &'static str,
}

/// An environment variable that makes the tool run a program guard cannot see, or read
/// files that can.
pub(crate) struct EnvProgram {
    pub commands: &'static [&'static str],
    pub var: &'static str,
    pub what: &'static str,
    /// Only a value the command line itself gives counts (`HOME`: the inherited one is the
    /// user's own setup).
    pub assigned_only: bool,
    /// The value is a folder the tool writes files into (caches, repository indexes): judged
    /// by its class (`paths::write_into`) instead of making the line unknown.
    pub writes_into: bool,
}

/// A variable that counts whatever its value, for the commands given.
pub(crate) const fn env_program(
    commands: &'static [&'static str],
    var: &'static str,
    what: &'static str,
) -> EnvProgram {
    EnvProgram {
        commands,
        var,
        what,
        assigned_only: false,
        writes_into: false,
    }
}

/// A variable that counts only when the command line sets it.
pub(crate) const fn env_assigned(
    commands: &'static [&'static str],
    var: &'static str,
    what: &'static str,
) -> EnvProgram {
    EnvProgram {
        commands,
        var,
        what,
        assigned_only: true,
        writes_into: false,
    }
}

/// A variable the command line sets to a folder the tool writes files into: judged by the
/// folder's class (a cache in `~/.kube` or beside terraform state is not harmless).
pub(crate) const fn env_writes_into(
    commands: &'static [&'static str],
    var: &'static str,
    what: &'static str,
) -> EnvProgram {
    EnvProgram {
        commands,
        var,
        what,
        assigned_only: true,
        writes_into: true,
    }
}

/// A flag that hands the tool credentials other than the ones guard verified.
pub(crate) struct Credential {
    pub flag: &'static str,
    /// Whether the value may be shown (a profile name may, a token may not).
    pub show_value: bool,
}

/// Where the tool learns which server to send its credentials to, or how to check it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Via {
    /// An option, given with a value or turned on (`--server URL`, `--insecure-skip-tls-verify`).
    Flag(&'static str),
    /// A variable the command line sets (`HELM_KUBEAPISERVER=URL`); the inherited value is
    /// the user's own setup.
    Assigned(&'static str),
}

/// An option or variable that sends the credentials the tool finds (a kubeconfig's token: on
/// EKS one minted from the AWS credentials guard injects) to a server the line names, or
/// stops checking who receives them. No dry run lowers it: the request is made either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Trust {
    pub via: Via,
    pub severity: Severity,
    pub what: &'static str,
}

pub(crate) const fn trust_flag(
    name: &'static str,
    severity: Severity,
    what: &'static str,
) -> Trust {
    Trust {
        via: Via::Flag(name),
        severity,
        what,
    }
}

pub(crate) const fn trust_var(name: &'static str, severity: Severity, what: &'static str) -> Trust {
    Trust {
        via: Via::Assigned(name),
        severity,
        what,
    }
}

pub(crate) struct Table {
    pub tool: &'static str,
    pub parser: Parser,
    pub globals: &'static [Flag],
    /// Flags known to belong to subcommands, not to the root: where cobra or yargs looks
    /// for the subcommand they are unknown, so they certainly take the next word there.
    pub locals: &'static [&'static str],
    pub commands: &'static [Command],
    /// The verdict without any subcommand.
    pub bare: (Severity, &'static str),
    /// Why a subcommand the table does not list is unknown (plugins, newer versions).
    pub unlisted: &'static str,
    /// Applied in order; the first that matches decides, then dry runs are looked at.
    pub modifiers: &'static [Modifier],
    pub env_programs: &'static [EnvProgram],
    pub credentials: &'static [Credential],
    pub trusts: &'static [Trust],
    /// Flags whose role guard reviewed by hand over a generated table: the paths the tool
    /// reads or writes that the generator's name lists miss (argocd `--client-crt`, helm
    /// `--repository-config`, ...). Found before the commands' own rows and the globals.
    pub overrides: &'static [Flag],
}

/// The subcommand path as guard read it.
struct Walk<'a> {
    /// The words as typed.
    typed: Vec<&'a str>,
    command: Option<&'static Command>,
    /// A word where a subcommand could stand comes from an expansion: the most severe
    /// command it could name (an unknown plugin at the first level).
    dynamic: Option<Severity>,
    /// Some flag on the way was one the table does not know.
    saw_unknown: bool,
}

impl Table {
    pub fn judge(&'static self, args: &[String], scope: &Scope) -> Verdict {
        let args = flags::before_dashdash(args);
        let first = self.judge_reading(args, scope, true);
        if !first.1 {
            return first.0;
        }
        let second = self.judge_reading(args, scope, false);
        first.0.or_worse(second.0)
    }

    /// The verdict when unknown flags take a value (`take_value`) or not, and whether any
    /// unknown flag was seen.
    fn judge_reading(
        &'static self,
        args: &[String],
        scope: &Scope,
        take_value: bool,
    ) -> (Verdict, bool) {
        let walk = self.walk(args, take_value);
        let parsed = self.parse(args, walk.command);
        let credential = self.credential(&parsed.args);
        let mut verdict = self.verdict(&parsed.args, &walk, scope);
        if verdict.severity == Severity::Read
            && let Some(flag) = parsed.unknown.first()
        {
            let what = not_known(flag);
            verdict = Verdict::of(Severity::Unknown, self.tool, &walk.typed, &what);
        }
        for (effect, value) in &parsed.paths {
            let judged = match effect {
                Effect::Reads => tool_paths::read(value, scope),
                Effect::Writes => tool_paths::write(value, scope),
                Effect::Switches => tool_paths::write_switch(value, scope),
                Effect::Inert => None,
            };
            if let Some((severity, why)) = judged {
                verdict = verdict.or_worse(Verdict::of(severity, self.tool, &walk.typed, &why));
            }
        }
        let path = walk.command.map(canonical).unwrap_or_default();
        for program in self.env_programs.iter().filter(|p| p.writes_into) {
            let Some(value) = scope.assigned(program.var) else {
                continue;
            };
            if !applies(program.commands, &path) {
                continue;
            }
            let judged = match value {
                EnvValue::Known(folder) if folder.is_empty() => continue,
                EnvValue::Known(folder) => paths::write_into(
                    &Word {
                        text: folder.into(),
                        dynamic: false,
                    },
                    scope,
                    false,
                ),
                EnvValue::Dynamic => paths::write_into(
                    &Word {
                        text: format!("${}", program.var).into(),
                        dynamic: true,
                    },
                    scope,
                    false,
                ),
            };
            if !judged.is_ordinary() {
                let what = format!(
                    "{} is set: {}; {}",
                    program.var, program.what, judged.reason
                );
                verdict =
                    verdict.or_worse(Verdict::of(judged.severity, self.tool, &walk.typed, &what));
            }
        }
        for (trust, shown) in self.trusted(&parsed.args, scope) {
            let judged = match trust.via {
                Via::Flag(_) => {
                    Verdict::of_flag(trust.severity, self.tool, &walk.typed, &shown, trust.what)
                }
                Via::Assigned(var) => {
                    let what = format!("{var} is set: {}", trust.what);
                    Verdict::of(trust.severity, self.tool, &walk.typed, &what)
                }
            };
            verdict = verdict.or_worse(judged);
        }
        (verdict.with_credential(credential), walk.saw_unknown)
    }

    /// The options and variables of the line that choose where the credentials go, each with
    /// how it was written.
    fn trusted(&'static self, args: &[String], scope: &Scope) -> Vec<(&'static Trust, String)> {
        let mut found = Vec::new();
        for trust in self.trusts {
            match trust.via {
                Via::Flag(name) => {
                    let given = flags::before_dashdash(args).iter().find(|arg| {
                        match arg.strip_prefix(name) {
                            Some("") => true,
                            Some(rest) => rest
                                .strip_prefix('=')
                                .is_some_and(|value| !value.is_empty() && !flags::is_false(value)),
                            None => false,
                        }
                    });
                    if let Some(arg) = given {
                        // A secret's value is never shown.
                        let shown = if self.credentials.iter().any(|c| c.flag == name) {
                            name.to_owned()
                        } else {
                            scope::shown(arg).to_owned()
                        };
                        found.push((trust, shown));
                    }
                }
                Via::Assigned(var) => {
                    let given = match scope.assigned(var) {
                        Some(EnvValue::Known(value)) => {
                            !value.is_empty() && !flags::is_false(&value)
                        }
                        Some(EnvValue::Dynamic) => true,
                        None => false,
                    };
                    if given {
                        found.push((trust, var.to_owned()));
                    }
                }
            }
        }
        found
    }

    /// The options as the tool's parser reads them once the command is found: each flag
    /// alone (short groups split), a value in the same word (`-n=x`, `--output=json`), and
    /// the options the table does not know.
    fn parse(&'static self, args: &[String], command: Option<&'static Command>) -> Parsed {
        let known = &self.known(command);
        let mut parsed = Parsed::default();
        let mut i = 0;
        while let Some(arg) = args.get(i) {
            i += 1;
            let next = args.get(i);
            if scope::could_be_option(arg) {
                parsed.unknown.push(arg.clone());
            }
            if scope::is_dynamic(arg) || !arg.starts_with('-') || arg.len() < 2 {
                parsed.args.push(arg.clone());
                continue;
            }
            if let Some(body) = arg.strip_prefix("--") {
                let (name, inline) = match body.split_once('=') {
                    Some((name, value)) => (name, Some(value)),
                    None => (body, None),
                };
                let Some((flag, negated)) = self.long(name, known) else {
                    parsed.unknown.push(arg.clone());
                    parsed.args.push(arg.clone());
                    continue;
                };
                if negated {
                    // yargs' `--no-x` sets x to false (a value after it is a positional).
                    parsed.push(flag, Some("false".to_owned()));
                    continue;
                }
                let value = match (inline, flag.arity) {
                    (Some(value), _) => Some(value.to_owned()),
                    (None, Arity::Switch) => {
                        // yargs: a boolean takes a following `true` or `false`.
                        if self.parser == Parser::Yargs
                            && next.is_some_and(|word| word == "true" || word == "false")
                        {
                            i += 1;
                            next.cloned()
                        } else {
                            None
                        }
                    }
                    (None, Arity::Value) => {
                        // yargs gives a string option an empty value before another option.
                        if self.parser == Parser::Yargs
                            && next.is_some_and(|word| word.starts_with('-'))
                        {
                            Some(String::new())
                        } else {
                            i += 1;
                            Some(next.cloned().unwrap_or_default())
                        }
                    }
                };
                parsed.push(flag, value);
                continue;
            }
            let letters = &arg[1..];
            let groups = match self.parser {
                Parser::Yargs => self.yargs_group(letters, next, known),
                Parser::Cobra | Parser::Click => self.posix_group(letters, next, known),
            };
            match groups {
                Some((found, took_next)) => {
                    if took_next {
                        i += 1;
                    }
                    for (flag, value) in found {
                        parsed.push(flag, value);
                    }
                }
                None => {
                    parsed.unknown.push(arg.clone());
                    parsed.args.push(arg.clone());
                }
            }
        }
        parsed
    }

    /// A long option's flag, and whether it is negated: yargs' `--no-x` and camel-case
    /// spellings.
    fn long(&self, name: &str, known: &Known) -> Option<(&'static Flag, bool)> {
        let find = |name: &str| self.flag(&format!("--{name}"), known);
        if let Some(flag) = find(name) {
            return Some((flag, false));
        }
        if self.parser != Parser::Yargs {
            return None;
        }
        let kebab = kebab_case(name);
        if let Some(flag) = find(&kebab) {
            return Some((flag, false));
        }
        let negated = kebab.strip_prefix("no-")?;
        find(negated).map(|flag| (flag, true))
    }

    /// pflag's and click's short group: letters in order, the first that takes a value takes
    /// the rest of the word (pflag: after an optional `=`) or else the next word. None when a
    /// letter is not known.
    fn posix_group(&self, letters: &str, next: Option<&String>, known: &Known) -> Option<Group> {
        let mut found = Vec::new();
        for (at, letter) in letters.char_indices() {
            let flag = self.flag(&format!("-{letter}"), known)?;
            let rest = &letters[at + letter.len_utf8()..];
            let rest = if self.parser == Parser::Cobra {
                rest.strip_prefix('=').unwrap_or(rest)
            } else {
                rest
            };
            if flag.arity == Arity::Value || letters[at + letter.len_utf8()..].starts_with('=') {
                if !rest.is_empty() || letters[at + letter.len_utf8()..].starts_with('=') {
                    found.push((flag, Some(rest.to_owned())));
                    return Some((found, false));
                }
                found.push((flag, Some(next.cloned().unwrap_or_default())));
                return Some((found, true));
            }
            found.push((flag, None));
        }
        Some((found, false))
    }

    /// yargs-parser's short group (`-ja CMD` is `-j -a CMD`): a letter followed by `=`, by a
    /// non-word character or (a letter) by a number takes the rest of the word; the last
    /// letter takes the next word as `--name` would. None when a letter is not known.
    fn yargs_group(&self, letters: &str, next: Option<&String>, known: &Known) -> Option<Group> {
        let chars: Vec<(usize, char)> = letters.char_indices().collect();
        let mut found = Vec::new();
        for (j, &(at, letter)) in chars.iter().enumerate() {
            let flag = self.flag(&format!("-{letter}"), known)?;
            let rest = &letters[at + letter.len_utf8()..];
            let Some(&(_, following)) = chars.get(j + 1) else {
                // The last letter.
                let takes =
                    flag.arity == Arity::Value && next.is_some_and(|word| !word.starts_with('-'));
                let bool_word = flag.arity == Arity::Switch
                    && next.is_some_and(|word| word == "true" || word == "false");
                if takes || bool_word {
                    found.push((flag, next.cloned()));
                    return Some((found, true));
                }
                let empty = (flag.arity == Arity::Value).then(String::new);
                found.push((flag, empty));
                return Some((found, false));
            };
            let numeric = letter.is_ascii_alphabetic() && is_yargs_number(rest);
            if following == '=' {
                found.push((flag, Some(rest[1..].to_owned())));
                return Some((found, false));
            }
            if numeric || !(following.is_alphanumeric() || following == '_') {
                found.push((flag, Some(rest.to_owned())));
                return Some((found, false));
            }
            found.push((flag, None));
        }
        Some((found, false))
    }

    /// The flags a command knows, found once: the rows written by hand first (the command's
    /// and its parents' `more`, then the table's `overrides`: reviewed roles win over a
    /// generated row of the same name), then its own generated rows, its parents', then the
    /// globals; cobra gives every command `-h`/`--help`, click `--help`.
    pub(super) fn known(&'static self, command: Option<&'static Command>) -> Known {
        let mut sets: Vec<&'static [Flag]> = Vec::new();
        let chain: Vec<&'static Command> = match command {
            Some(command) => self
                .commands
                .iter()
                .filter(|other| {
                    other.path.len() <= command.path.len()
                        && other.path.iter().zip(command.path).all(|(a, b)| a == b)
                })
                .collect(),
            None => Vec::new(),
        };
        for command in chain.iter().rev() {
            sets.push(command.more);
        }
        sets.push(self.overrides);
        for command in chain.iter().rev() {
            sets.push(command.flags);
        }
        sets.push(self.globals);
        sets.push(if self.parser == Parser::Cobra {
            HELP
        } else {
            &HELP[..1]
        });
        Known { sets }
    }

    /// The flag named `name` (with its dashes) among those `known`.
    pub(super) fn flag(&self, name: &str, known: &Known) -> Option<&'static Flag> {
        known
            .sets
            .iter()
            .flat_map(|set| set.iter())
            .find(|flag| flag.name == name)
    }

    fn verdict(&'static self, args: &[String], walk: &Walk, scope: &Scope) -> Verdict {
        let tool = self.tool;
        if let Some(worst) = walk.dynamic {
            let what = if worst == Severity::Unknown {
                "the subcommand comes from an expansion or from input; guard cannot see it"
            } else {
                "the subcommand comes from an expansion or from input; judged as the most severe one it could be"
            };
            return Verdict::of(worst, tool, &walk.typed, what);
        }
        // Before help and the bare command: node loads NODE_OPTIONS' modules for `--version`.
        let path = walk.command.map(canonical).unwrap_or_default();
        for program in self.env_programs.iter().filter(|p| !p.writes_into) {
            let given = if program.assigned_only {
                scope.assigned(program.var).is_some()
            } else {
                set(scope, program.var)
            };
            if applies(program.commands, &path) && given {
                let what = format!("{} is set: {}", program.var, program.what);
                return Verdict::of(Severity::Unknown, tool, &walk.typed, &what);
            }
        }
        let flag_set = self.known(walk.command);
        let known = |arg: &str| self.arity(arg, &flag_set);
        if flags::wants_help(args, &known) {
            return Verdict::of(Severity::Read, tool, &walk.typed, "shows help");
        }
        let Some(command) = walk.command else {
            return if walk.typed.is_empty() {
                Verdict::of(self.bare.0, tool, &[], self.bare.1)
            } else {
                Verdict::of(Severity::Unknown, tool, &walk.typed, self.unlisted)
            };
        };
        let canonical = canonical(command);
        let mut severity = command.severity;
        let mut what = command.what;
        let mut decided = None;
        let mut modified = false;
        let mut undryable = false;
        for modifier in self.modifiers {
            if matches!(modifier.test, Test::DryMode | Test::DryBool | Test::Skips) {
                continue;
            }
            if !applies(modifier.commands, &canonical) {
                continue;
            }
            let found = match modifier.test {
                Test::On => flags::any_on(args, modifier.flags),
                _ => {
                    flags::last_value(args, modifier.flags).is_some()
                        || flags::any_on(args, modifier.flags)
                }
            };
            if found && modifier.test == Test::Undryable {
                severity = severity.max(modifier.severity);
                what = modifier.what;
                decided = written(args, modifier.flags);
                modified = true;
                undryable = true;
                break;
            }
            if found {
                severity = modifier.severity;
                what = modifier.what;
                decided = written(args, modifier.flags);
                modified = true;
                break;
            }
        }
        let changes = matches!(severity, Severity::Write | Severity::Destructive) && !undryable;
        let boolean = if self.parser == Parser::Yargs {
            flags::DryValues::Yargs
        } else {
            flags::DryValues::Bool
        };
        for modifier in self.modifiers {
            let (mode, lowers) = match modifier.test {
                Test::DryMode => (flags::DryValues::Mode, changes),
                Test::DryBool => (boolean, changes),
                Test::Skips => (boolean, !modified),
                _ => continue,
            };
            if !lowers || undryable || !applies(modifier.commands, &canonical) {
                continue;
            }
            if let Some(flag) = flags::dry_run(args, modifier.flags, mode, &known) {
                return Verdict::of_flag(
                    modifier.severity,
                    tool,
                    &walk.typed,
                    &flag,
                    modifier.what,
                );
            }
        }
        match decided {
            Some(flag) => Verdict::of_flag(severity, tool, &walk.typed, flag, what),
            None => Verdict::of(severity, tool, &walk.typed, what),
        }
    }

    /// Finds the subcommand path the way cobra's `Find` does: at each level the first word
    /// that is neither a flag nor a flag's value names the next command.
    fn walk<'a>(&'static self, args: &'a [String], take_value: bool) -> Walk<'a> {
        let mut used = vec![false; args.len()];
        let mut walk = Walk {
            typed: Vec::new(),
            command: None,
            dynamic: None,
            saw_unknown: false,
        };
        let mut canonical: Vec<&'static str> = Vec::new();
        loop {
            let depth = canonical.len();
            let deeper: Vec<&'static Command> = self
                .commands
                .iter()
                .filter(|command| command.path.len() > depth && prefix_is(command, &canonical))
                .collect();
            if deeper.is_empty() {
                break;
            }
            let known = self.known(walk.command);
            let Some(index) =
                self.next_positional(args, &used, &known, take_value, &mut walk.saw_unknown)
            else {
                break;
            };
            let word = args[index].as_str();
            if scope::is_dynamic(word) {
                // Any command below, or an argument of the one found so far.
                let worst = if depth == 0 {
                    Severity::Unknown
                } else {
                    deeper
                        .iter()
                        .map(|command| command.severity)
                        .chain([walk
                            .command
                            .map_or(Severity::Unknown, |command| command.severity)])
                        .max()
                        .unwrap_or(Severity::Unknown)
                };
                walk.dynamic = Some(worst);
                walk.typed.push(scope::shown(word));
                return walk;
            }
            // A named subcommand wins over a `*` entry at the same level.
            let named = deeper
                .iter()
                .find_map(|command| named(command.path[depth], word));
            let any = || {
                deeper
                    .iter()
                    .any(|command| command.path[depth] == "*")
                    .then_some("*")
            };
            let Some(next) = named.or_else(any) else {
                // A first word the table does not list is a command guard does not know
                // (a plugin); a later one is an argument of the command found so far.
                if depth == 0 {
                    walk.typed.push(word);
                }
                break;
            };
            used[index] = true;
            walk.typed.push(word);
            canonical.push(next);
            walk.command = self.commands.iter().find(|command| {
                command.path.len() == canonical.len() && prefix_is(command, &canonical)
            });
        }
        walk
    }

    fn next_positional(
        &'static self,
        args: &[String],
        used: &[bool],
        known: &Known,
        take_value: bool,
        saw_unknown: &mut bool,
    ) -> Option<usize> {
        let free: Vec<usize> = (0..args.len()).filter(|&i| !used[i]).collect();
        let mut at = 0;
        while let Some(&i) = free.get(at) {
            let arg = args[i].as_str();
            at += 1;
            if !arg.starts_with('-') || arg.len() < 2 {
                if arg != "-" {
                    return Some(i);
                }
                continue;
            }
            if !flags::may_take_value_word(arg) {
                // yargs and click read a short group's letters (`cdk -ja CMD ls`); cobra's
                // subcommand search does not.
                let next = free.get(at).map(|&next| &args[next]);
                let group = match (self.parser, arg.strip_prefix('-')) {
                    (_, Some(letters)) if letters.starts_with('-') => None,
                    (Parser::Yargs, Some(letters)) => self.yargs_group(letters, next, known),
                    (Parser::Click, Some(letters)) => self.posix_group(letters, next, known),
                    _ => None,
                };
                if group.is_some_and(|(_, took_next)| took_next) {
                    at += 1;
                }
                continue;
            }
            let takes = match self.arity(arg, known) {
                Some(Arity::Value) => true,
                Some(Arity::Switch) => false,
                None => {
                    // yargs never gives `--no-x` a value, nor a value that looks like a flag.
                    let yargs_switch = self.parser == Parser::Yargs
                        && (arg.starts_with("--no-")
                            || free
                                .get(at)
                                .is_some_and(|&next| args[next].starts_with('-')));
                    // Only a reading, not a fact: the caller also tries the other one.
                    *saw_unknown |= !yargs_switch;
                    !yargs_switch && take_value
                }
            };
            if takes {
                at += 1;
            }
        }
        None
    }

    /// The arity of a flag at the level reached so far: the globals and the flags of every
    /// command on the path.
    fn arity(&self, arg: &str, known: &Known) -> Option<Arity> {
        let name = arg.split('=').next().unwrap_or(arg);
        let known = self.flag(name, known).map(|flag| flag.arity);
        let local = self.parser != Parser::Click && self.locals.contains(&name);
        known.or(local.then_some(Arity::Value))
    }

    fn credential(&self, args: &[String]) -> Option<String> {
        self.credentials.iter().find_map(|credential| {
            if credential.show_value {
                flags::last_value(args, &[credential.flag])
                    .map(|value| format!("{} {value}", credential.flag))
            } else {
                let given = args.iter().any(|arg| {
                    arg == credential.flag
                        || arg
                            .strip_prefix(credential.flag)
                            .is_some_and(|rest| rest.starts_with('='))
                });
                given.then(|| credential.flag.to_owned())
            }
        })
    }
}

/// The flags a command knows: its own, its parents', the globals, help.
pub(super) struct Known {
    pub(super) sets: Vec<&'static [Flag]>,
}

/// A short group read: each flag with its value, and whether it took the next word.
type Group = (Vec<(&'static Flag, Option<String>)>, bool);

const HELP: &[Flag] = &[flags::switch("--help"), flags::switch("-h")];

/// The options of a command line as the tool's parser reads them.
#[derive(Default)]
struct Parsed {
    /// The words with each flag alone: `-n=x`, `--output=json`, `-j`, `-a=CMD`.
    args: Vec<String>,
    /// Options the table does not know, as written.
    unknown: Vec<String>,
    /// The values of flags that name a path.
    paths: Vec<(Effect, String)>,
}

impl Parsed {
    fn push(&mut self, flag: &'static Flag, value: Option<String>) {
        match value {
            Some(value) => {
                if flag.effect != Effect::Inert {
                    self.paths.push((flag.effect, value.clone()));
                }
                self.args.push(format!("{}={value}", flag.name));
            }
            None => self.args.push(flag.name.to_owned()),
        }
    }
}

/// Why a word keeps a line from being read: an option the table does not know, or a word
/// from an expansion that could be one.
pub(crate) fn not_known(word: &str) -> String {
    if scope::could_be_option(word) {
        format!(
            "{} comes from an expansion and could be an option; read only when every option is known",
            scope::shown(word)
        )
    } else {
        format!(
            "{} is not an option guard knows here; read only when every option is known",
            scope::shown(word)
        )
    }
}

/// yargs' camel-case spelling back to the dashed one: `dryRun` is `dry-run`.
fn kebab_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('-');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// yargs-parser's number test for the rest of a short group (`-n5`).
fn is_yargs_number(rest: &str) -> bool {
    let digits = rest.strip_prefix('-').unwrap_or(rest);
    let (mantissa, exponent) = match digits.split_once('e') {
        Some((m, e)) => (m, Some(e.strip_prefix('-').unwrap_or(e))),
        None => (digits, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| f.bytes().all(|b| b.is_ascii_digit()))
        && exponent.is_none_or(|e| !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit()))
}

/// The first of `names` the command line uses, as written.
fn written(args: &[String], names: &[&'static str]) -> Option<&'static str> {
    args.iter().find_map(|arg| {
        names.iter().copied().find(|name| {
            arg.strip_prefix(name)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('='))
        })
    })
}

fn canonical(command: &Command) -> Vec<&'static str> {
    command
        .path
        .iter()
        .map(|word| word.split('|').next().unwrap_or(word))
        .collect()
}

fn prefix_is(command: &Command, canonical: &[&str]) -> bool {
    command
        .path
        .iter()
        .zip(canonical)
        .all(|(word, name)| word.split('|').next() == Some(*name))
}

/// The canonical name of `pattern` when `word` is one of its names.
fn named(pattern: &'static str, word: &str) -> Option<&'static str> {
    pattern
        .split('|')
        .any(|alias| alias == word)
        .then(|| pattern.split('|').next().unwrap_or(pattern))
}

fn applies(commands: &[&str], canonical: &[&str]) -> bool {
    commands.iter().any(|prefix| {
        prefix.is_empty()
            || prefix
                .split(' ')
                .zip(canonical.iter().chain(std::iter::repeat(&"")))
                .all(|(want, have)| want == *have)
    })
}

fn set(scope: &Scope, var: &str) -> bool {
    match scope.var(var) {
        Some(EnvValue::Known(value)) => !value.is_empty(),
        Some(EnvValue::Dynamic) => true,
        None => false,
    }
}

#[cfg(test)]
mod tests {

    use super::*;

    #[test]
    fn yargs_numbers_are_yargs_parser_s() {
        for number in ["5", "-5", "1.5", "2e3", "2e-3", "10."] {
            assert!(is_yargs_number(number), "{number}");
        }
        for word in ["", "a", "5a", "e3", "1.5.2", "--5", "2e"] {
            assert!(!is_yargs_number(word), "{word}");
        }
    }

    #[test]
    fn camel_case_options_are_their_dashed_names() {
        assert_eq!(kebab_case("dryRun"), "dry-run");
        assert_eq!(kebab_case("noGenerateOnly"), "no-generate-only");
        assert_eq!(kebab_case("app"), "app");
    }
}
