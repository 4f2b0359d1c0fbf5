//! guard's entry point, without std's runtime start-up: that start-up reads /proc/self/maps to
//! find the main thread's stack (for its stack-overflow message), an eighth of a warm run's
//! instructions. What guard needs of it is done here; arguments and the environment come from
//! glibc either way.
// The test harness brings its own main.
#![cfg_attr(not(test), no_main)]

#[cfg(not(test))]
use std::ffi::{CStr, OsStr, c_char, c_int};
#[cfg(not(test))]
use std::io::Write as _;
#[cfg(not(test))]
use std::os::unix::ffi::OsStrExt as _;

// See src/sys/arena.rs: most of a warm run's allocations are never freed before it execs.
#[cfg(not(test))]
#[global_allocator]
static ALLOCATOR: guard::sys::arena::Arena = guard::sys::arena::Arena::new();

// The AWS SDK's retry rate limiter is guard's one caller of libm (`f64::powf`). Answered here
// from the libm crate (musl's implementation, in Rust), libm.so is not loaded at all: one library
// fewer for the loader to open, map and search at every start (docs/performance.md).
#[cfg(not(test))]
#[unsafe(no_mangle)]
extern "C" fn pow(x: f64, y: f64) -> f64 {
    libm::pow(x, y)
}

#[cfg(not(test))]
#[unsafe(no_mangle)]
extern "C" fn main(argc: c_int, argv: *const *const c_char) -> c_int {
    // As std's start-up does: a closed pipe is an error guard handles (output.rs), not a signal
    // that kills it. A command guard execs gets the default back (std resets it before exec).
    // SAFETY: setting a signal to SIG_IGN installs no handler and touches no Rust state.
    unsafe {
        nix::libc::signal(nix::libc::SIGPIPE, nix::libc::SIG_IGN);
    }
    // A guarded shell's shim is guard under a tool's name: told apart by argv[0], read where the
    // C runtime left it, before anything else is set up.
    // SAFETY: the C runtime passes argc strings, each NUL-terminated, in argv.
    let argv0 = (argc > 0 && !argv.is_null())
        .then(|| unsafe { *argv })
        .filter(|first| !first.is_null())
        .map(|first| OsStr::from_bytes(unsafe { CStr::from_ptr(first) }.to_bytes()));
    let status = match argv0.and_then(guard::cli::shim) {
        Some(status) => status,
        None => guard::cli::main(),
    };
    // std's runtime flushes stdout when main returns; without it, guard does.
    let _ = std::io::stdout().flush();
    c_int::from(status)
}
