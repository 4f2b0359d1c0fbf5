//! Questions asked on the controlling terminal, never on stdin: stdin may be a pipe meant for the
//! child, and a piped answer (`yes | guard ...`) must not count as the person's.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::os::fd::AsFd;

use std::sync::atomic::{AtomicI32, AtomicPtr, Ordering};

use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, sigaction};
use nix::sys::termios::{self, LocalFlags, SetArg, SpecialCharacterIndices, Termios};

/// What the person did at the prompt.
#[derive(Debug, PartialEq, Eq)]
pub enum Reply {
    Line(String),
    /// Ctrl-C.
    Interrupted,
    /// Ctrl-D on an empty line, or the terminal went away.
    Eof,
    /// guard has no controlling terminal.
    NoTerminal,
}

/// Puts the terminal back as it was, however the prompt ends: on return, and on a signal that
/// would end guard while it waits (SIGTERM, SIGHUP, SIGINT or SIGQUIT from `kill`; Ctrl-C is an
/// answer), which would otherwise leave the person's shell without echo.
struct RawMode<'a> {
    tty: &'a File,
    saved: Termios,
    handlers: Vec<(Signal, SigAction)>,
}

impl Drop for RawMode<'_> {
    fn drop(&mut self) {
        let _ = termios::tcsetattr(self.tty.as_fd(), SetArg::TCSAFLUSH, &self.saved);
        for (signal, previous) in self.handlers.drain(..) {
            // SAFETY: puts back the disposition that was there before the prompt.
            let _ = unsafe { sigaction(signal, &previous) };
        }
        RESTORE_FD.store(-1, Ordering::SeqCst);
    }
}

/// The signals that end guard by default while it waits at the prompt.
const ENDING: [Signal; 4] = [
    Signal::SIGTERM,
    Signal::SIGHUP,
    Signal::SIGINT,
    Signal::SIGQUIT,
];

/// What the signal handler restores: the terminal and its settings, kept where a handler can
/// reach them without a lock or an allocation.
static RESTORE_FD: AtomicI32 = AtomicI32::new(-1);
static RESTORE_TERMIOS: AtomicPtr<nix::libc::termios> = AtomicPtr::new(std::ptr::null_mut());

extern "C" fn restore_and_die(signal: nix::libc::c_int) {
    let fd = RESTORE_FD.load(Ordering::SeqCst);
    let saved = RESTORE_TERMIOS.load(Ordering::SeqCst);
    // SAFETY: tcsetattr, signal and raise are async-signal-safe; `saved` points to a termios that
    // is never freed once published.
    unsafe {
        if fd >= 0 && !saved.is_null() {
            nix::libc::tcsetattr(fd, nix::libc::TCSAFLUSH, saved);
        }
        nix::libc::signal(signal, nix::libc::SIG_DFL);
        nix::libc::raise(signal);
    }
}

/// Installs the handlers that restore `saved` on `tty` before a signal ends guard.
fn restore_on_signals(tty: &File, saved: &Termios) -> Vec<(Signal, SigAction)> {
    use std::os::fd::AsRawFd;
    let raw: nix::libc::termios = saved.clone().into();
    // Leaked on purpose: a handler may read it at any moment, so it must never be freed (one
    // small struct per prompt).
    RESTORE_TERMIOS.store(Box::into_raw(Box::new(raw)), Ordering::SeqCst);
    RESTORE_FD.store(tty.as_raw_fd(), Ordering::SeqCst);
    let action = SigAction::new(
        SigHandler::Handler(restore_and_die),
        SaFlags::empty(),
        SigSet::empty(),
    );
    ENDING
        .iter()
        .filter_map(|signal| {
            // SAFETY: the handler only makes async-signal-safe calls.
            let previous = unsafe { sigaction(*signal, &action) }.ok()?;
            // A signal guard ignores (or handles itself) stays that way.
            if !matches!(previous.handler(), SigHandler::SigDfl) {
                // SAFETY: puts back what was there.
                let _ = unsafe { sigaction(*signal, &previous) };
                return None;
            }
            Some((*signal, previous))
        })
        .collect()
}

/// Asks on `/dev/tty`. The terminal's own line discipline is switched off for the answer, so
/// that Ctrl-C is an answer ("no") rather than a signal that would kill guard with another
/// exit code.
pub fn ask(question: &str) -> Reply {
    let Ok(tty) = OpenOptions::new().read(true).write(true).open("/dev/tty") else {
        return Reply::NoTerminal;
    };
    let Ok(saved) = termios::tcgetattr(tty.as_fd()) else {
        return Reply::NoTerminal;
    };
    let mut raw = saved.clone();
    raw.local_flags
        .remove(LocalFlags::ICANON | LocalFlags::ECHO | LocalFlags::ISIG);
    raw.control_chars[SpecialCharacterIndices::VMIN as usize] = 1;
    raw.control_chars[SpecialCharacterIndices::VTIME as usize] = 0;
    // Before the switch: a signal between the two would otherwise find nothing to restore.
    let handlers = restore_on_signals(&tty, &saved);
    let _restore = RawMode {
        tty: &tty,
        saved,
        handlers,
    };
    if termios::tcsetattr(tty.as_fd(), SetArg::TCSAFLUSH, &raw).is_err() {
        return Reply::NoTerminal;
    }
    let mut out = &tty;
    if out
        .write_all(question.as_bytes())
        .and_then(|()| out.flush())
        .is_err()
    {
        return Reply::Eof;
    }
    let answer = read_line(&tty);
    let _ = out.write_all(b"\r\n");
    answer
}

fn read_line(tty: &File) -> Reply {
    let mut line: Vec<u8> = Vec::new();
    let mut input = tty;
    let mut echo = tty;
    let mut byte = [0u8; 1];
    loop {
        match input.read(&mut byte) {
            Ok(0) | Err(_) => return Reply::Eof,
            Ok(_) => {}
        }
        match byte[0] {
            0x03 => return Reply::Interrupted,
            0x04 if line.is_empty() => return Reply::Eof,
            b'\r' | b'\n' => return Reply::Line(String::from_utf8_lossy(&line).into_owned()),
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

/// guard's process group put in the terminal's foreground while it asks, and given back after.
/// The guarded shell's credential endpoint asks while a job of the shell holds the terminal
/// (the SDK script that asked for credentials): reading the terminal from the background would
/// stop guard (SIGTTIN), so guard takes the foreground for the question, as a shell does for
/// the job it resumes.
pub struct Foreground {
    tty: File,
    previous: nix::unistd::Pid,
}

impl Foreground {
    /// None when there is no terminal or guard holds its foreground already (nothing to give
    /// back); the question then goes as it would anyway.
    pub fn take() -> Option<Foreground> {
        let tty = OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/tty")
            .ok()?;
        let previous = nix::unistd::tcgetpgrp(tty.as_fd()).ok()?;
        let ours = nix::unistd::getpgrp();
        if previous == ours {
            return None;
        }
        // A process in the background that changes the foreground is sent SIGTTOU, which
        // stops it, unless it blocks the signal: blocked in this thread for as long as it holds
        // the terminal, and while it gives it back.
        let mut ttou = SigSet::empty();
        ttou.add(Signal::SIGTTOU);
        ttou.thread_block().ok()?;
        if nix::unistd::tcsetpgrp(tty.as_fd(), ours).is_err() {
            let _ = ttou.thread_unblock();
            return None;
        }
        Some(Foreground { tty, previous })
    }
}

impl Drop for Foreground {
    fn drop(&mut self) {
        // The job that had the terminal may have ended meanwhile: then the give-back fails and
        // the shell, which waits for its jobs, takes the terminal back itself.
        let _ = nix::unistd::tcsetpgrp(self.tty.as_fd(), self.previous);
        let mut ttou = SigSet::empty();
        ttou.add(Signal::SIGTTOU);
        let _ = ttou.thread_unblock();
    }
}
