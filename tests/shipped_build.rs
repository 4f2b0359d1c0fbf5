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

#[test]
fn release_profile_is_the_measured_one() {
    let manifest: toml::Table = include_str!("../Cargo.toml").parse().expect("Cargo.toml");
    let release = &manifest["profile"]["release"];
    assert_eq!(release["lto"].as_str(), Some("fat"));
    assert_eq!(release["codegen-units"].as_integer(), Some(1));
    assert_eq!(release["panic"].as_str(), Some("abort"));
    assert_eq!(release["strip"].as_bool(), Some(true));
}
