//! Questions asked on the controlling terminal, never on stdin: stdin may be a pipe meant for the
//! child, and a piped answer must not count as the person's.

use std::fs::OpenOptions;
use std::io::{BufRead, BufReader, Write};

/// Asks on `/dev/tty` and returns the answer without its newline. `None` when there is no
/// terminal to ask on, or it was closed (EOF) before an answer.
pub fn ask(question: &str) -> Option<String> {
    let tty = OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .ok()?;
    let mut writer = tty.try_clone().ok()?;
    writer.write_all(question.as_bytes()).ok()?;
    writer.flush().ok()?;
    let mut line = String::new();
    let read = BufReader::new(tty).read_line(&mut line).ok()?;
    if read == 0 {
        return None;
    }
    Some(line.trim_end_matches(['\r', '\n']).to_string())
}
