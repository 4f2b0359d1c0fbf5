//! How guard's executable is linked, for every build (`cargo build`, `cargo install --path .`,
//! the tests' debug build alike), so that what is measured is what ships.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    // guard starts before every command a person types. As a position-independent executable,
    // the dynamic loader first applies ~23,000 relocations to it, a quarter of a warm run's
    // instructions; linked at a fixed address it has none (benches/run.sh, docs/performance.md).
    // Its libraries, heap and stack are still placed at random.
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
