//! SHA digests, from aws-lc, which TLS links in anyway. Its start-up has already probed the CPU;
//! the sha1 and sha2 crates would each probe it again on first use, and on a virtual machine every
//! CPUID instruction traps to the hypervisor: together a twentieth of a warm run's time
//! (docs/performance.md).

use aws_lc_rs::digest::{Context, Digest, SHA1_FOR_LEGACY_USE_ONLY, SHA256};

/// The SHA-256 of the parts, one after another.
pub fn sha256(parts: &[&[u8]]) -> Digest {
    let mut context = Context::new(&SHA256);
    for part in parts {
        context.update(part);
    }
    context.finish()
}

/// SHA-1, for the file names the AWS CLI gives its SSO cache (not for anything secret).
pub fn sha1(bytes: &[u8]) -> Digest {
    aws_lc_rs::digest::digest(&SHA1_FOR_LEGACY_USE_ONLY, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_answers() {
        assert_eq!(
            hex::encode(sha256(&[b"ab", b"c"])),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex::encode(sha1(b"abc")),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
    }
}
