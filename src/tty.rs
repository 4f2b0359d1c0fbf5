//! Questions asked on the controlling terminal, never on stdin: stdin may be a pipe meant for the
//! child, and a piped answer (`yes | guard ...`) must not count as the person's.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::os::fd::AsFd;

use nix::sys::termios::{self, LocalFlags, SetArg, SpecialCharacterIndices, Termios};

/// What the person did at the prompt.
#[derive(Debug, PartialEq, Eq)]
pub enum Answer {
    Line(String),
    /// Ctrl-C.
    Interrupted,
    /// Ctrl-D on an empty line, or the terminal went away.
    Eof,
    /// guard has no controlling terminal.
    NoTerminal,
}

/// Puts the terminal back as it was, however the prompt ends.
struct RawMode<'a> {
    tty: &'a File,
    saved: Termios,
}

impl Drop for RawMode<'_> {
    fn drop(&mut self) {
        let _ = termios::tcsetattr(self.tty.as_fd(), SetArg::TCSAFLUSH, &self.saved);
    }
}

/// Asks on `/dev/tty`. The terminal's own line discipline is switched off for the answer, so
/// that Ctrl-C is an answer ("no") rather than a signal that would kill guard with another
/// exit code.
pub fn ask(question: &str) -> Answer {
    let Ok(tty) = OpenOptions::new().read(true).write(true).open("/dev/tty") else {
        return Answer::NoTerminal;
    };
    let Ok(saved) = termios::tcgetattr(tty.as_fd()) else {
        return Answer::NoTerminal;
    };
    let mut raw = saved.clone();
    raw.local_flags
        .remove(LocalFlags::ICANON | LocalFlags::ECHO | LocalFlags::ISIG);
    raw.control_chars[SpecialCharacterIndices::VMIN as usize] = 1;
    raw.control_chars[SpecialCharacterIndices::VTIME as usize] = 0;
    if termios::tcsetattr(tty.as_fd(), SetArg::TCSAFLUSH, &raw).is_err() {
        return Answer::NoTerminal;
    }
    let _restore = RawMode { tty: &tty, saved };
    let mut out = &tty;
    if out
        .write_all(question.as_bytes())
        .and_then(|()| out.flush())
        .is_err()
    {
        return Answer::Eof;
    }
    let answer = read_line(&tty);
    let _ = out.write_all(b"\r\n");
    answer
}

fn read_line(tty: &File) -> Answer {
    let mut line: Vec<u8> = Vec::new();
    let mut input = tty;
    let mut echo = tty;
    let mut byte = [0u8; 1];
    loop {
        match input.read(&mut byte) {
            Ok(0) | Err(_) => return Answer::Eof,
            Ok(_) => {}
        }
        match byte[0] {
            0x03 => return Answer::Interrupted,
            0x04 if line.is_empty() => return Answer::Eof,
            b'\r' | b'\n' => return Answer::Line(String::from_utf8_lossy(&line).into_owned()),
            0x7f | 0x08 if line.pop().is_some() => {
                let _ = echo.write_all(b"\x08 \x08");
            }
            0x7f | 0x08 => {}
            b if b >= 0x20 => {
                line.push(b);
                let _ = echo.write_all(&[b]);
            }
            _ => {}
        }
    }
}
