//! The build settings that ship are the ones every build uses: build.rs links each of guard's
//! builds the same way, so the binary the tests run shows what `cargo install --path .` makes.

/// ELF's e_type: 2 is an executable at a fixed address, 3 a position-independent one.
const ET_EXEC: u16 = 2;

#[test]
#[cfg(target_os = "linux")]
fn guard_is_not_position_independent() {
    let binary = std::fs::read(env!("CARGO_BIN_EXE_guard")).expect("guard's binary");
    assert_eq!(&binary[..4], b"\x7fELF");
    let e_type = u16::from_le_bytes([binary[16], binary[17]]);
    assert_eq!(e_type, ET_EXEC, "guard was linked position-independent");
}

/// libc only, and the loader itself (which the static unwinder may call, and which is loaded
/// anyway): the unwinder comes from the static libgcc_eh and `pow` from the libm crate (build.rs,
/// src/main.rs), so no libgcc_s.so or libm.so is opened at start-up.
#[test]
#[cfg(target_os = "linux")]
fn guard_loads_libc_alone() {
    let output = std::process::Command::new("readelf")
        .args(["--dynamic", env!("CARGO_BIN_EXE_guard")])
        .output()
        .expect("readelf (binutils, which the C compiler that links guard comes with)");
    assert!(output.status.success());
    let dynamic = String::from_utf8_lossy(&output.stdout);
    let needed: Vec<&str> = dynamic
        .lines()
        .filter(|line| line.contains("(NEEDED)"))
        .filter_map(|line| line.split('[').nth(1)?.split(']').next())
        .collect();
    assert!(needed.contains(&"libc.so.6"), "{dynamic}");
    assert!(
        needed
            .iter()
            .all(|lib| *lib == "libc.so.6" || lib.starts_with("ld-linux")),
        "{dynamic}"
    );
}

#[test]
fn release_profile_is_the_measured_one() {
    let manifest: toml::Table = include_str!("../Cargo.toml").parse().expect("Cargo.toml");
    let release = &manifest["profile"]["release"];
    assert_eq!(release["lto"].as_str(), Some("fat"));
    assert_eq!(release["codegen-units"].as_integer(), Some(1));
    assert_eq!(release["panic"].as_str(), Some("abort"));
    assert_eq!(release["strip"].as_bool(), Some(true));
}
