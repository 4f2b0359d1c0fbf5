//! The shell options guard's reading of a script allows for, whether given to `set` or to the
//! shell itself (`bash -e -o pipefail -c ...`): they stop on errors, trace, or turn globbing
//! off. Any other changes what later words mean (`-k`: every later `NAME=VALUE` word becomes the
//! command's environment; `-a`: every assignment is exported; `-H`: `!!:1` brings an earlier
//! line's words into a later one; `-o posix`: assignments before special builtins stay), so a
//! line that sets one is unknown. Turning an option off (`+k`) goes back to what guard models.

/// Single-letter options, as `set` and the shells take them.
const LETTERS: &str = "euxvfCnhmbBETt";

/// `-o NAME` options.
const NAMES: &[&str] = &[
    "errexit",
    "nounset",
    "xtrace",
    "verbose",
    "noglob",
    "noclobber",
    "noexec",
    "errtrace",
    "functrace",
    "pipefail",
    "hashall",
    "braceexpand",
    "monitor",
    "notify",
    "ignoreeof",
    "emacs",
    "vi",
    "onecmd",
];

/// `-O NAME` (bash's shopt options at start-up): only case in `[[ ]]` and errexit in
/// substitutions. The glob options (`dotglob`, `nullglob`, `failglob`, `nocaseglob`,
/// `globstar`, `extglob`) change which names a glob matches, which `paths::read_operand`
/// judges with bash's defaults: a line that sets one is unknown.
const SHOPT_NAMES: &[&str] = &["nocasematch", "inherit_errexit"];

pub(crate) fn letter_modelled(letter: char) -> bool {
    LETTERS.contains(letter)
}

pub(crate) fn name_modelled(name: &str) -> bool {
    NAMES.contains(&name)
}

pub(crate) fn shopt_modelled(name: &str) -> bool {
    SHOPT_NAMES.contains(&name)
}
