//! The AWS CLI's commands and their options, as `scripts/gen-aws-operations` read them from the
//! installed awscli and botocore (`aws_operations.txt`, committed with the botocore version it
//! came from).
//!
//! The text is compiled in and searched where it lies: its lines are sorted, so a lookup is a
//! binary search over bytes, and nothing is parsed until a command line names `aws`. A guard
//! run that judges no aws command never touches these pages.

use std::cmp::Ordering;

const TEXT: &str = include_str!("aws_operations.txt");

/// How many words an option takes, in argparse's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Arity {
    /// `store_true`/`store_false`: none.
    Switch,
    /// Exactly this many (`nargs=None` is one).
    Exactly(u8),
    /// `nargs='?'`.
    Optional,
    /// `nargs='*'`.
    Any,
    /// `nargs='+'`.
    AtLeastOne,
}

impl Arity {
    fn parse(suffix: &str) -> Option<Arity> {
        Some(match suffix {
            "" => Arity::Exactly(1),
            "!" => Arity::Switch,
            "?" => Arity::Optional,
            "*" => Arity::Any,
            "+" => Arity::AtLeastOne,
            digit => Arity::Exactly(digit.parse().ok().filter(|n| (2..10).contains(n))?),
        })
    }
}

/// Splits `name?` into the name and its arity.
fn named(word: &str) -> Option<(&str, Arity)> {
    // Option names may end in digits: an option's count follows a `#` (`tags#2`).
    if let Some((name, count)) = word.split_once('#') {
        return Some((name, Arity::parse(count)?));
    }
    let at = match word.as_bytes().last() {
        Some(b'!' | b'?' | b'*' | b'+') => word.len() - 1,
        _ => word.len(),
    };
    let (name, suffix) = word.split_at(at);
    Some((name, Arity::parse(suffix)?))
}

/// One command of one service: an API operation, or a customization of the CLI.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Operation {
    service: &'static str,
    flags: &'static str,
    refs: &'static str,
}

impl Operation {
    /// Code of the CLI rather than one API call (`ecr get-login-password`, `s3 cp`).
    pub fn is_customization(&self) -> bool {
        self.flags.contains('c')
    }

    /// It has subcommands (`ec2 wait`, `deploy push`), looked up as `OP/SUB`.
    pub fn has_subcommands(&self) -> bool {
        self.flags.contains('n')
    }

    /// Its output has a member that the model names like a credential or token and marks
    /// sensitive (the generator's rule; aws_ops reviews the exceptions).
    pub fn returns_credentials(&self) -> bool {
        self.flags.contains('k')
    }

    /// Whether the operation takes `--cli-input-json` and `--generate-cli-skeleton`.
    fn standard(&self) -> bool {
        self.flags.contains('s')
    }

    /// The options of the operation (names without dashes), then its positionals.
    pub fn options(&self) -> Options {
        let mut options = Vec::new();
        let mut positionals = Vec::new();
        if self.standard() {
            options.push(("cli-input-json", Arity::Exactly(1)));
            options.push(("generate-cli-skeleton", Arity::Optional));
        }
        let mut indices = Vec::new();
        for word in self.refs.split(' ').filter(|word| !word.is_empty()) {
            if let Some(positional) = word.strip_prefix('@') {
                let at = match positional.as_bytes().last() {
                    Some(b'!' | b'?' | b'*' | b'+' | b'2'..=b'9') => positional.len() - 1,
                    _ => positional.len(),
                };
                let (name, suffix) = positional.split_at(at);
                if let Some(arity) = Arity::parse(suffix) {
                    positionals.push((name, arity));
                }
            } else if let Ok(index) = word.parse::<usize>() {
                indices.push(index);
            }
        }
        // One pass over the service's dictionary, taking the entries this operation names.
        let mut wanted = indices.clone();
        wanted.sort_unstable();
        let mut found = Vec::with_capacity(wanted.len());
        if let Some((_, dictionary)) = find(self.service, "~") {
            let mut next = wanted.iter().peekable();
            for (index, word) in dictionary.split(' ').enumerate() {
                let Some(&&want) = next.peek() else { break };
                if index == want {
                    if let Some(entry) = named(word) {
                        found.push((index, entry));
                    }
                    while next.peek().is_some_and(|&&w| w == index) {
                        next.next();
                    }
                }
            }
        }
        for index in indices {
            if let Ok(at) = found.binary_search_by_key(&index, |(i, _)| *i) {
                options.push(found[at].1);
            }
        }
        Options {
            options,
            positionals,
        }
    }
}

/// What an operation's parser accepts.
#[derive(Debug, Clone, Default)]
pub(crate) struct Options {
    pub options: Vec<(&'static str, Arity)>,
    pub positionals: Vec<(&'static str, Arity)>,
}

/// The service's option dictionary: `SERVICE ~ NAME NAME...`.
#[cfg(test)]
fn dictionary(service: &str) -> Vec<(&'static str, Arity)> {
    find(service, "~")
        .map(|(_, rest)| rest.split(' ').filter_map(named).collect())
        .unwrap_or_default()
}

/// The botocore and awscli versions the table came from: `botocore X awscli Y`.
pub(crate) fn version() -> &'static str {
    TEXT.lines()
        .find_map(|line| line.strip_prefix("= "))
        .unwrap_or("an unknown botocore")
}

/// Whether the CLI of the table has the service.
pub(crate) fn has_service(service: &str) -> bool {
    find(service, "~").is_some()
}

/// The operation `service operation`, or `service op/sub` for a subcommand.
pub(crate) fn operation(service: &str, operation: &str) -> Option<Operation> {
    let (service, rest) = find(service, operation)?;
    let (flags, refs) = rest.split_once(' ').unwrap_or((rest, ""));
    Some(Operation {
        service,
        flags,
        refs,
    })
}

/// Every operation key of the table, `(service, OP or OP/SUB)`.
#[cfg(test)]
pub(crate) fn keys() -> impl Iterator<Item = (&'static str, &'static str)> {
    body().lines().filter_map(|line| {
        let mut words = line.split(' ');
        let (service, key) = (words.next()?, words.next()?);
        (key != "~").then_some((service, key))
    })
}

/// The body: the lines after the header (`#`) and version (`=`) lines.
fn body() -> &'static str {
    let mut rest = TEXT;
    while rest.starts_with(['#', '=']) {
        rest = rest.split_once('\n').map_or("", |(_, after)| after);
    }
    rest
}

/// The line whose first two words are `service key`: its service word (static) and the rest
/// after the key.
fn find(service: &str, key: &str) -> Option<(&'static str, &'static str)> {
    // std's byte searches (memchr) rather than iterators: they stay fast in debug builds.
    let body = body();
    let (mut lo, mut hi) = (0, body.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let start = body[lo..mid].rfind('\n').map_or(lo, |at| lo + at + 1);
        let end = body[start..hi].find('\n').map_or(hi, |at| start + at);
        let line = &body[start..end];
        let (line_service, after) = line.split_once(' ')?;
        let (line_key, rest) = after.split_once(' ').unwrap_or((after, ""));
        match (line_service, line_key).cmp(&(service, key)) {
            Ordering::Less => lo = end + 1,
            Ordering::Greater => hi = start,
            Ordering::Equal => return Some((line_service, rest)),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_well_formed() {
        assert!(TEXT.starts_with("# Generated by scripts/gen-aws-operations"));
        let version = version();
        assert!(
            version.starts_with("botocore 1.") && version.contains(" awscli 1."),
            "{version}"
        );
        let lines: Vec<&str> = body().lines().collect();
        assert!(lines.len() > 15_000, "{} lines", lines.len());
        let keys: Vec<(&str, &str)> = lines
            .iter()
            .map(|line| {
                let mut words = line.split(' ');
                (words.next().unwrap_or(""), words.next().unwrap_or(""))
            })
            .collect();
        for pair in keys.windows(2) {
            assert!(
                pair[0] < pair[1],
                "not sorted: {:?} then {:?}",
                pair[0],
                pair[1]
            );
        }
        for line in &lines {
            let words: Vec<&str> = line.split(' ').collect();
            assert!(words.len() >= 3, "short line {line:?}");
            let name_ok = |word: &str| {
                !word.is_empty()
                    && word
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-/_.".contains(c))
            };
            assert!(name_ok(words[0]), "service {line:?}");
            if words[1] == "~" {
                for option in &words[2..] {
                    let (name, _) = named(option).unwrap_or_else(|| panic!("{option} in {line:?}"));
                    assert!(name_ok(name), "option {option:?} in {line:?}");
                }
                continue;
            }
            assert!(words[1] == "-" || name_ok(words[1]), "operation {line:?}");
            assert!(
                words[2] == "-" || words[2].chars().all(|c| "cnks".contains(c)),
                "flags {line:?}"
            );
            let size = dictionary(words[0]).len();
            for word in &words[3..] {
                match word.strip_prefix('@') {
                    Some(positional) => assert!(!positional.is_empty(), "{line:?}"),
                    None => {
                        let index: usize = word.parse().unwrap_or_else(|_| panic!("{line:?}"));
                        assert!(index < size, "{word} out of range in {line:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn lookups() {
        let invoke = operation("lambda", "invoke").expect("lambda invoke");
        assert!(!invoke.is_customization());
        let options = invoke.options();
        assert!(
            options
                .options
                .contains(&("function-name", Arity::Exactly(1)))
        );
        assert_eq!(options.positionals, [("outfile", Arity::Exactly(1))]);
        let describe = operation("ec2", "describe-instances").expect("ec2");
        let options = describe.options().options;
        assert!(options.contains(&("cli-input-json", Arity::Exactly(1))));
        assert!(options.contains(&("dry-run", Arity::Switch)));
        assert!(options.contains(&("no-dry-run", Arity::Switch)));
        assert!(options.contains(&("instance-ids", Arity::Any)));
        assert!(operation("ec2", "wait").is_some_and(|op| op.has_subcommands()));
        assert!(operation("ec2", "wait/instance-running").is_some());
        assert!(operation("ecr", "get-login-password").is_some_and(|op| op.is_customization()));
        assert!(operation("sts", "assume-role").is_some_and(|op| op.returns_credentials()));
        assert_eq!(
            operation("s3", "cp").map(|op| op.options().positionals),
            Some(vec![("paths", Arity::Exactly(2))])
        );
        assert!(operation("ec2", "describe-instancez").is_none());
        assert!(operation("zzz", "list").is_none());
        assert!(operation("", "").is_none());
        assert!(has_service("accessanalyzer") && has_service("xray") && !has_service("ec3"));
    }
}
