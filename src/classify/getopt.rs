//! GNU `getopt_long` as used by `env`, `sudo`, `nice`, `timeout`, `xargs`, ...: options
//! stop at the first operand (these programs pass everything after it to the command they
//! run), long options may be abbreviated to a unique prefix.

use super::scope::Word;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Arg {
    None,
    Required,
    /// Only attached: `--eof=X`, `-eX`.
    Optional,
}

pub(crate) struct Spec {
    /// Short options that take no argument.
    pub flags: &'static str,
    /// Short options that take an argument, attached or as the next word.
    pub with_arg: &'static str,
    /// Short options whose argument may only be attached.
    pub optional_arg: &'static str,
    pub long: &'static [(&'static str, Arg)],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Name {
    Short(char),
    Long(&'static str),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Opt<'w> {
    pub name: Name,
    pub value: Option<&'w str>,
    /// The value comes from a word the shell expands (`--chdir=$D`, `-C "$D"`).
    pub dynamic: bool,
}

impl<'w> Opt<'w> {
    /// The value as a word of its own (a path, a command string).
    pub fn word(&self) -> Option<Word<'w>> {
        self.value.map(|value| Word {
            text: std::borrow::Cow::Borrowed(value),
            dynamic: self.dynamic,
        })
    }

    pub fn is(&self, short: char, long: &str) -> bool {
        match self.name {
            Name::Short(letter) => letter == short,
            Name::Long(name) => name == long,
        }
    }

    pub fn is_long(&self, long: &str) -> bool {
        matches!(self.name, Name::Long(name) if name == long)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Parsed<'w> {
    pub opts: Vec<Opt<'w>>,
    /// Index of the first operand (the words from here on are not options).
    pub operands: usize,
}

impl Parsed<'_> {
    pub fn has(&self, short: char, long: &str) -> bool {
        self.opts.iter().any(|opt| opt.is(short, long))
    }

    pub fn has_short(&self, short: char) -> bool {
        self.opts.iter().any(|opt| opt.name == Name::Short(short))
    }

    pub fn has_long(&self, long: &str) -> bool {
        self.opts.iter().any(|opt| opt.is_long(long))
    }
}

/// Why the wrapper would refuse its command line (and so run nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Error {
    Unknown(String),
    MissingArgument(String),
    Ambiguous(String),
    /// An option word that is an expansion: guard cannot tell what it is.
    Dynamic(String),
}

impl Error {
    pub fn describe(&self) -> String {
        match self {
            Error::Unknown(option) => format!("unrecognized option {option}"),
            Error::MissingArgument(option) => format!("option {option} needs an argument"),
            Error::Ambiguous(option) => format!("ambiguous option {option}"),
            Error::Dynamic(option) => {
                format!("option {option} comes from an expansion; guard cannot tell what it does")
            }
        }
    }
}

pub(crate) fn parse<'w>(words: &'w [Word<'w>], spec: &Spec) -> Result<Parsed<'w>, Error> {
    let mut opts = Vec::new();
    let mut i = 0;
    while let Some(word) = words.get(i) {
        let text: &str = &word.text;
        if text == "--" {
            return Ok(Parsed {
                opts,
                operands: i + 1,
            });
        }
        if text.len() < 2 || !text.starts_with('-') {
            break;
        }
        if word.dynamic {
            return Err(Error::Dynamic(text.to_owned()));
        }
        i += if let Some(long) = text.strip_prefix("--") {
            parse_long(long, words.get(i + 1), spec, &mut opts)?
        } else {
            parse_shorts(&text[1..], words.get(i + 1), spec, &mut opts)?
        };
    }
    Ok(Parsed { opts, operands: i })
}

/// Parses `--name[=value]`; returns how many words it used.
fn parse_long<'w>(
    body: &'w str,
    next: Option<&'w Word<'w>>,
    spec: &Spec,
    opts: &mut Vec<Opt<'w>>,
) -> Result<usize, Error> {
    let (name, attached) = match body.split_once('=') {
        Some((name, value)) => (name, Some(value)),
        None => (body, None),
    };
    let (long, arg) = match spec.long.iter().find(|(candidate, _)| *candidate == name) {
        Some(&exact) => exact,
        None => {
            let mut matches = spec
                .long
                .iter()
                .filter(|(candidate, _)| candidate.starts_with(name));
            match (matches.next(), matches.next()) {
                (Some(&only), None) if !name.is_empty() => only,
                (Some(_), Some(_)) => return Err(Error::Ambiguous(format!("--{name}"))),
                _ => return Err(Error::Unknown(format!("--{name}"))),
            }
        }
    };
    let (value, used, dynamic) = match (arg, attached) {
        (Arg::None, Some(_)) => return Err(Error::Unknown(format!("--{body}"))),
        (Arg::None, None) | (Arg::Optional, None) => (None, 1, false),
        (_, Some(value)) => (Some(value), 1, false),
        (Arg::Required, None) => match next {
            Some(word) => (Some(&*word.text), 2, word.dynamic),
            None => return Err(Error::MissingArgument(format!("--{long}"))),
        },
    };
    opts.push(Opt {
        name: Name::Long(long),
        value,
        dynamic,
    });
    Ok(used)
}

/// Parses a group of short options (`-iu NAME`, `-n5`); returns how many words it used.
fn parse_shorts<'w>(
    group: &'w str,
    next: Option<&'w Word<'w>>,
    spec: &Spec,
    opts: &mut Vec<Opt<'w>>,
) -> Result<usize, Error> {
    for (at, letter) in group.char_indices() {
        let rest = &group[at + letter.len_utf8()..];
        let name = Name::Short(letter);
        if spec.flags.contains(letter) {
            opts.push(Opt {
                name,
                value: None,
                dynamic: false,
            });
        } else if spec.with_arg.contains(letter) || spec.optional_arg.contains(letter) {
            if !rest.is_empty() {
                opts.push(Opt {
                    name,
                    value: Some(rest),
                    dynamic: false,
                });
                return Ok(1);
            }
            if spec.optional_arg.contains(letter) {
                opts.push(Opt {
                    name,
                    value: None,
                    dynamic: false,
                });
                return Ok(1);
            }
            return match next {
                Some(word) => {
                    opts.push(Opt {
                        name,
                        value: Some(&*word.text),
                        dynamic: word.dynamic,
                    });
                    Ok(2)
                }
                None => Err(Error::MissingArgument(format!("-{letter}"))),
            };
        } else {
            return Err(Error::Unknown(format!("-{letter}")));
        }
    }
    Ok(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: Spec = Spec {
        flags: "iv",
        with_arg: "uS",
        optional_arg: "e",
        long: &[
            ("ignore-environment", Arg::None),
            ("unset", Arg::Required),
            ("eof", Arg::Optional),
        ],
    };

    fn words<'a>(texts: &[&'a str]) -> Vec<Word<'a>> {
        texts.iter().map(|t| Word::literal(t)).collect()
    }

    #[test]
    fn groups_attached_values_and_prefixes() {
        let w = words(&["-iuFOO", "--uns", "BAR", "--eof", "cmd", "-x"]);
        let parsed = parse(&w, &SPEC).expect("valid");
        assert_eq!(parsed.operands, 4);
        assert_eq!(parsed.opts.len(), 4);
        assert_eq!(parsed.opts[1].value, Some("FOO"));
        assert_eq!(parsed.opts[2].value, Some("BAR"));
        assert!(parsed.opts[2].is_long("unset"));
    }

    #[test]
    fn errors_instead_of_guessing() {
        assert!(matches!(
            parse(&words(&["-q"]), &SPEC),
            Err(Error::Unknown(_))
        ));
        assert!(matches!(
            parse(&words(&["-u"]), &SPEC),
            Err(Error::MissingArgument(_))
        ));
        assert!(matches!(
            parse(&words(&["--"]), &SPEC),
            Ok(Parsed { operands: 1, .. })
        ));
    }
}
