//! Who is on the other end of a loopback connection. guard's loopback servers (the `--server`
//! credential server, the console's one-time address) serve secrets; a bearer in a URL or an
//! environment variable can be read by another local user (`/proc/*/cmdline` is world-readable),
//! so each connection is also checked to come from a process of this user.
//!
//! Linux's sock_diag netlink interface answers for one socket by its four addresses, with its
//! owner's uid (what `ss -e` shows). It is hand-written here (a request of 72 bytes and one field
//! of the answer) because no maintained crate offers a single-socket lookup; `/proc/net/tcp`,
//! which lists every socket of the machine, is the fallback when netlink is not there.

use std::net::{SocketAddr, TcpStream};

/// Whether the connection comes from a process of the user guard runs as. Fails closed: when
/// the owner cannot be found, the answer is no.
pub fn is_same_user(stream: &TcpStream) -> bool {
    let (Ok(local), Ok(peer)) = (stream.local_addr(), stream.peer_addr()) else {
        return false;
    };
    owner(local, peer) == Some(nix::unistd::geteuid().as_raw())
}

/// The uid owning the socket at `peer` connected to `local`.
#[cfg(target_os = "linux")]
pub fn owner(local: SocketAddr, peer: SocketAddr) -> Option<u32> {
    netlink_owner(local, peer).or_else(|| proc_owner(local, peer))
}

/// Elsewhere the kernel offers no such lookup; the bearer alone guards the door.
#[cfg(not(target_os = "linux"))]
pub fn owner(_local: SocketAddr, _peer: SocketAddr) -> Option<u32> {
    Some(nix::unistd::geteuid().as_raw())
}

#[cfg(target_os = "linux")]
fn netlink_owner(local: SocketAddr, peer: SocketAddr) -> Option<u32> {
    use nix::sys::socket::{
        AddressFamily, MsgFlags, NetlinkAddr, SockFlag, SockProtocol, SockType, recv, sendto,
        socket,
    };
    use std::os::fd::AsRawFd;
    const SOCK_DIAG_BY_FAMILY: u16 = 20;
    const NLM_F_REQUEST: u16 = 1;
    const NLMSG_ERROR: u16 = 2;
    let (SocketAddr::V4(local), SocketAddr::V4(peer)) = (local, peer) else {
        return None;
    };
    let fd = socket(
        AddressFamily::Netlink,
        SockType::Datagram,
        SockFlag::SOCK_CLOEXEC,
        SockProtocol::NetlinkSockDiag,
    )
    .ok()?;
    // struct nlmsghdr, then struct inet_diag_req_v2 (linux/inet_diag.h).
    let mut request = Vec::with_capacity(72);
    request.extend_from_slice(&72u32.to_ne_bytes());
    request.extend_from_slice(&SOCK_DIAG_BY_FAMILY.to_ne_bytes());
    request.extend_from_slice(&NLM_F_REQUEST.to_ne_bytes());
    request.extend_from_slice(&1u32.to_ne_bytes()); // sequence
    request.extend_from_slice(&0u32.to_ne_bytes()); // port id: the kernel's
    request.push(nix::libc::AF_INET as u8);
    request.push(nix::libc::IPPROTO_TCP as u8);
    request.push(0); // no extensions
    request.push(0);
    request.extend_from_slice(&u32::MAX.to_ne_bytes()); // any state
    // The peer's socket: its source is the peer, its destination guard's listener.
    request.extend_from_slice(&peer.port().to_be_bytes());
    request.extend_from_slice(&local.port().to_be_bytes());
    let mut address = [0u8; 16];
    address[..4].copy_from_slice(&peer.ip().octets());
    request.extend_from_slice(&address);
    address[..4].copy_from_slice(&local.ip().octets());
    request.extend_from_slice(&address);
    request.extend_from_slice(&0u32.to_ne_bytes()); // any interface
    request.extend_from_slice(&u32::MAX.to_ne_bytes()); // INET_DIAG_NOCOOKIE
    request.extend_from_slice(&u32::MAX.to_ne_bytes());
    debug_assert_eq!(request.len(), 72);
    sendto(
        fd.as_raw_fd(),
        &request,
        &NetlinkAddr::new(0, 0),
        MsgFlags::empty(),
    )
    .ok()?;
    let mut answer = [0u8; 512];
    let read = recv(fd.as_raw_fd(), &mut answer, MsgFlags::empty()).ok()?;
    let answer = &answer[..read];
    let kind = u16::from_ne_bytes(answer.get(4..6)?.try_into().ok()?);
    if kind == NLMSG_ERROR || kind != SOCK_DIAG_BY_FAMILY {
        return None;
    }
    // struct inet_diag_msg after the 16-byte header: 4 bytes, the 48-byte socket id, expires,
    // rqueue, wqueue, then the uid.
    Some(u32::from_ne_bytes(answer.get(80..84)?.try_into().ok()?))
}

/// The owner from `/proc/net/tcp`: the line whose local address is the peer and whose remote
/// address is guard's listener.
#[cfg(target_os = "linux")]
fn proc_owner(local: SocketAddr, peer: SocketAddr) -> Option<u32> {
    let (SocketAddr::V4(local), SocketAddr::V4(peer)) = (local, peer) else {
        return None;
    };
    // Addresses are the kernel's u32 in host order, as hex; ports are hex.
    let hex = |a: std::net::SocketAddrV4| {
        format!(
            "{:08X}:{:04X}",
            u32::from_ne_bytes(a.ip().octets()),
            a.port()
        )
    };
    let (from, to) = (hex(peer), hex(local));
    let table = std::fs::read_to_string("/proc/net/tcp").ok()?;
    table.lines().skip(1).find_map(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        (fields.get(1) == Some(&from.as_str()) && fields.get(2) == Some(&to.as_str()))
            .then(|| fields.get(7)?.parse().ok())
            .flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, TcpListener};

    #[test]
    fn a_connection_of_this_process_is_this_user_s() {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        assert!(is_same_user(&server));
        let me = nix::unistd::geteuid().as_raw();
        let (local, peer) = (server.local_addr().unwrap(), server.peer_addr().unwrap());
        #[cfg(target_os = "linux")]
        {
            assert_eq!(netlink_owner(local, peer), Some(me));
            assert_eq!(proc_owner(local, peer), Some(me));
        }
        drop(client);
        let _ = (local, peer, me);
    }
}
