//! Asking the person at the terminal to pick one of several things.

use std::io::IsTerminal;

use crate::sys::error::Failure;

/// Whether a person can answer a picker: both stdin (the keys) and stderr (the list) are a
/// terminal.
pub fn can_pick() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// The index of the item the person picked, filtering as they type. `what` names the items in
/// the prompt and the errors. Esc is a refusal: nothing was chosen.
pub fn pick<T: std::fmt::Display>(what: &str, items: &[T]) -> Result<usize, Failure> {
    dialoguer::FuzzySelect::new()
        .with_prompt(format!("{what} (type to filter)"))
        .items(items)
        .default(0)
        .interact_opt()
        .map_err(|e| Failure::config(format!("the {what} picker failed: {e}")))?
        .ok_or_else(|| Failure::refused(format!("no {what} was chosen")))
}
