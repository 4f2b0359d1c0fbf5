//! One judge for the tools whose knowledge is data (kubectl, helm, pulumi, cdk, sam,
//! eksctl): each tool is a `Table` of its subcommand paths with their severity, its global
//! flags with their arity, and the flags that change a verdict (dry runs, `--prune`,
//! programs named on the command line), read the way the tool's own parser reads them.
//!
//! guard cannot carry every flag of every version of every tool, so a flag the table does
//! not know is read both ways (taking a value word, and not), and the more severe result
//! wins. Flags that make a command harmless only count where no reading could make them
//! the value of another flag.

use super::Severity;
use super::flags::{self, Arity, Flag};
use super::scope::{self, EnvValue, Scope};
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
    /// Flags of this command (beyond the globals) that matter for finding its subcommands.
    pub flags: &'static [Flag],
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
    }
}

impl Command {
    pub const fn with_flags(self, flags: &'static [Flag]) -> Command {
        Command { flags, ..self }
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

/// An environment variable that makes the tool run a program guard cannot see.
pub(crate) struct EnvProgram {
    pub commands: &'static [&'static str],
    pub var: &'static str,
    pub what: &'static str,
}

/// A flag that hands the tool credentials other than the ones guard verified.
pub(crate) struct Credential {
    pub flag: &'static str,
    /// Whether the value may be shown (a profile name may, a token may not).
    pub show_value: bool,
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
        let credential = self.credential(args);
        let verdict = self.verdict(args, &walk, scope);
        (verdict.with_credential(credential), walk.saw_unknown)
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
        let known = |arg: &str| self.arity(arg, walk.command);
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
        for program in self.env_programs {
            if applies(program.commands, &canonical) && set(scope, program.var) {
                let what = format!("{} is set: {}", program.var, program.what);
                return Verdict::of(Severity::Unknown, tool, &walk.typed, &what);
            }
        }
        let mut severity = command.severity;
        let mut what = command.what;
        let mut decided = None;
        let mut modified = false;
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
            if found {
                severity = modifier.severity;
                what = modifier.what;
                decided = written(args, modifier.flags);
                modified = true;
                break;
            }
        }
        let changes = matches!(severity, Severity::Write | Severity::Destructive);
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
            if !lowers || !applies(modifier.commands, &canonical) {
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
            let Some(index) =
                self.next_positional(args, &used, walk.command, take_value, &mut walk.saw_unknown)
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
        command: Option<&'static Command>,
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
                continue;
            }
            let takes = match self.arity(arg, command) {
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
    fn arity(&self, arg: &str, command: Option<&'static Command>) -> Option<Arity> {
        let name = arg.split('=').next().unwrap_or(arg);
        let on_path = command.into_iter().flat_map(|command| command.flags.iter());
        let known = self
            .globals
            .iter()
            .chain(on_path)
            .find(|flag| flag.name == name)
            .map(|flag| flag.arity);
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
