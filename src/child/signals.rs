//! Passing signals on to a child that guard waits for (`--server`), the way a shell would.

use std::os::unix::process::CommandExt;
use std::process::Command;

use nix::sys::signal::{SigSet, Signal, kill};
use nix::unistd::Pid;

use crate::sys::error::Failure;

/// Every signal a process may send that would otherwise end guard (or that the child should see
/// instead), as a shell passes them on to the job it waits for. Not forwarded: the ones the
/// kernel sends about guard itself (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS, SIGXCPU,
/// SIGXFSZ), SIGPIPE (ignored), SIGCHLD, job control (SIGTSTP, SIGTTIN, SIGTTOU, SIGCONT: the
/// terminal stops and resumes the whole group), and SIGKILL and SIGSTOP, which nobody can catch.
const FORWARDED: [Signal; 10] = [
    Signal::SIGINT,
    Signal::SIGTERM,
    Signal::SIGHUP,
    Signal::SIGQUIT,
    Signal::SIGWINCH,
    Signal::SIGUSR1,
    Signal::SIGUSR2,
    Signal::SIGALRM,
    Signal::SIGVTALRM,
    Signal::SIGPROF,
];

/// The forwarded signals, blocked in guard so that a thread can take them one by one.
pub struct Forwarder {
    set: SigSet,
}

impl Forwarder {
    /// Blocks the signals in this thread and in every thread started after it.
    pub fn block() -> Result<Forwarder, Failure> {
        let mut set = SigSet::empty();
        for signal in FORWARDED {
            set.add(signal);
        }
        set.thread_block()
            .map_err(|e| Failure::unavailable(format!("cannot block signals: {e}")))?;
        Ok(Forwarder { set })
    }

    /// The child must not inherit the block (std's spawn passes the mask on), or it would never
    /// see the very signals guard forwards to it.
    pub fn unblock_in(&self, cmd: &mut Command) {
        let set = self.set;
        // SAFETY: the closure runs between fork and exec, where only async-signal-safe calls
        // are allowed; pthread_sigmask is one, and nothing here allocates or takes a lock.
        unsafe {
            cmd.pre_exec(move || set.thread_unblock().map_err(std::io::Error::from));
        }
    }

    /// Sends each signal guard receives on to the child, from a thread of its own.
    pub fn forward_to(self, child: u32) {
        let Ok(child) = i32::try_from(child).map(Pid::from_raw) else {
            return;
        };
        std::thread::spawn(move || self.forward(child));
    }

    /// The terminal sends Ctrl-C, Ctrl-\ and window changes to its whole foreground process
    /// group, the child included: passing those on too would make one Ctrl-C two (and a second
    /// interrupt makes terraform abandon its graceful stop). Only signals a process sent to
    /// guard itself are passed on.
    #[cfg(target_os = "linux")]
    fn forward(self, child: Pid) {
        use nix::sys::signalfd::SignalFd;
        let Ok(fd) = SignalFd::new(&self.set) else {
            return self.forward_all(child);
        };
        while let Ok(Some(info)) = fd.read_signal() {
            // SI_USER, SI_QUEUE, SI_TKILL... are <= 0; the kernel's own (the terminal) are > 0.
            let sent_by_a_process = info.ssi_code <= 0;
            if let Ok(signal) = Signal::try_from(info.ssi_signo as i32)
                && sent_by_a_process
            {
                let _ = kill(child, signal);
            }
        }
    }

    #[cfg(not(target_os = "linux"))]
    fn forward(self, child: Pid) {
        self.forward_all(child)
    }

    fn forward_all(self, child: Pid) {
        while let Ok(signal) = self.set.wait() {
            let _ = kill(child, signal);
        }
    }
}
