//! What guard can tell about the machine it runs on without asking anyone: whether a request
//! from it may reach an instance metadata service (169.254.169.254 and the like), which hands
//! out credentials to whatever asks. Read once, when a judge first needs it.

use std::io::BufRead;
use std::path::Path;

/// The firmware's description of the machine (Linux).
const DMI: &str = "/sys/class/dmi/id";

/// The DMI fields that name the machine's maker, its firmware's and its chassis' tag.
const FIELDS: &[&str] = &[
    "sys_vendor",
    "product_name",
    "product_version",
    "bios_vendor",
    "bios_version",
    "board_vendor",
    "chassis_vendor",
    "chassis_asset_tag",
];

/// Words in those fields that mean a cloud instance (with a metadata service) or a virtual
/// machine, which may be one: Amazon EC2 (`Amazon EC2`, Xen's `4.11.amazon`), Google
/// (`Google Compute Engine`), Azure (`Microsoft Corporation`, asset tag
/// `7783-7084-3265-9085-8269-3286-77`, `Virtual Machine`), the other clouds, and the
/// hypervisors the smaller ones run unbranded.
const MARKERS: &[&str] = &[
    "amazon",
    "ec2",
    "google",
    "microsoft",
    "7783-7084-3265-9085-8269-3286-77",
    "virtual machine",
    "openstack",
    "alibaba",
    "aliyun",
    "oraclecloud",
    "digitalocean",
    "hetzner",
    "linode",
    "akamai",
    "vultr",
    "scaleway",
    "exoscale",
    "tencent",
    "huawei",
    "upcloud",
    "ibm",
    "ovh",
    "cloudstack",
    "nutanix",
    "qemu",
    "kvm",
    "xen",
    "bochs",
    "vmware",
    "virtualbox",
    "innotek",
    "parallels",
    "bhyve",
    "firecracker",
];

/// Why this machine may reach an instance metadata service, or None when guard can tell it
/// is a physical machine (or, on macOS, not an EC2 Mac).
pub(crate) fn metadata_service() -> Option<String> {
    if cfg!(target_os = "linux") {
        linux()
    } else if cfg!(target_os = "macos") {
        // EC2 Mac instances run Amazon's macOS AMIs, which install ec2-macos-init there.
        Path::new("/usr/local/aws/ec2-macos-init")
            .exists()
            .then(|| "/usr/local/aws/ec2-macos-init is there: an EC2 Mac instance".to_owned())
    } else {
        Some("guard cannot tell whether this machine is a cloud instance".to_owned())
    }
}

fn linux() -> Option<String> {
    let mut read_any = false;
    for field in FIELDS {
        let Ok(text) = std::fs::read_to_string(Path::new(DMI).join(field)) else {
            continue;
        };
        read_any = true;
        let text = text.trim();
        let lower = text.to_ascii_lowercase();
        if MARKERS.iter().any(|marker| lower.contains(marker)) {
            return Some(format!(
                "{DMI}/{field} says {text}: a cloud instance or a virtual machine"
            ));
        }
    }
    if !read_any {
        return Some(format!(
            "guard cannot read {DMI} to tell this machine is not a cloud instance"
        ));
    }
    hypervisor().then(|| {
        "/proc/cpuinfo shows a hypervisor: a virtual machine, which may be a cloud instance"
            .to_owned()
    })
}

/// The x86 `hypervisor` CPU flag, from the first processor's `flags` line.
fn hypervisor() -> bool {
    let Ok(file) = std::fs::File::open("/proc/cpuinfo") else {
        return false;
    };
    std::io::BufReader::new(file)
        .lines()
        .map_while(Result::ok)
        .take(64)
        .find(|line| line.starts_with("flags"))
        .is_some_and(|line| line.split_whitespace().any(|flag| flag == "hypervisor"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_answer_names_where_it_comes_from() {
        if let Some(why) = super::metadata_service() {
            assert!(
                why.contains("/sys/class/dmi/id")
                    || why.contains("/proc/cpuinfo")
                    || why.contains("ec2-macos-init")
                    || why.contains("cannot tell"),
                "{why}"
            );
        }
    }
}
