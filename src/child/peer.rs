//! Who is on the other end of a loopback connection. guard's loopback servers (the `--server`
//! credential server, the console's one-time address) serve secrets; a bearer in a URL or an
//! environment variable can be read by another local user (`/proc/*/cmdline` is world-readable),
//! so each connection is also checked to come from a process of this user.
//!
//! Linux's sock_diag netlink interface answers for one socket by its four addresses, with its
//! owner's uid and inode (what `ss -e` shows). It is hand-written here (a request of 72 bytes and one field
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

/// The peer's socket as the kernel lists it.
#[cfg(target_os = "linux")]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Socket {
    uid: u32,
    inode: u64,
}

/// The uid owning the socket at `peer` connected to `local`.
#[cfg(target_os = "linux")]
pub fn owner(local: SocketAddr, peer: SocketAddr) -> Option<u32> {
    socket(local, peer).map(|s| s.uid)
}

#[cfg(target_os = "linux")]
fn socket(local: SocketAddr, peer: SocketAddr) -> Option<Socket> {
    netlink_socket(local, peer).or_else(|| proc_socket(local, peer))
}

/// Elsewhere the kernel offers no such lookup; the bearer alone guards the door.
#[cfg(not(target_os = "linux"))]
pub fn owner(_local: SocketAddr, _peer: SocketAddr) -> Option<u32> {
    Some(nix::unistd::geteuid().as_raw())
}

/// The process on the other end of a loopback connection (the guarded shell's endpoint decides
/// per process): the process of this user holding the peer's socket, found by the socket's
/// inode among every process's open files. None when it cannot be found (it exited, closed the
/// socket, or handed it to a process of another user).
#[cfg(target_os = "linux")]
pub fn process(local: SocketAddr, peer: SocketAddr) -> Option<u32> {
    let socket = socket(local, peer)?;
    if socket.inode == 0 {
        return None;
    }
    holder(std::path::Path::new("/proc"), socket.inode)
}

/// Elsewhere there is no way to find the peer's process: it is unknown.
#[cfg(not(target_os = "linux"))]
pub fn process(_local: SocketAddr, _peer: SocketAddr) -> Option<u32> {
    None
}

/// The first process under `proc` with `socket:[inode]` among its open files. A process
/// holding it shares it with any child it forked: the lowest PID is the one that opened it in
/// all but contrived cases, and is what the scan meets first.
#[cfg(target_os = "linux")]
fn holder(proc: &std::path::Path, inode: u64) -> Option<u32> {
    let wanted = std::ffi::OsString::from(format!("socket:[{inode}]"));
    let mut pids: Vec<u32> = std::fs::read_dir(proc)
        .ok()?
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    pids.sort_unstable();
    let me = std::process::id();
    pids.into_iter().filter(|pid| *pid != me).find(|pid| {
        // Another user's files cannot be listed: skipped, they cannot hold this user's socket.
        let Ok(fds) = std::fs::read_dir(proc.join(pid.to_string()).join("fd")) else {
            return false;
        };
        fds.filter_map(Result::ok)
            .any(|fd| std::fs::read_link(fd.path()).is_ok_and(|to| to.as_os_str() == wanted))
    })
}

#[cfg(target_os = "linux")]
fn netlink_socket(local: SocketAddr, peer: SocketAddr) -> Option<Socket> {
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
    // rqueue, wqueue, then the uid and the inode.
    Some(Socket {
        uid: u32::from_ne_bytes(answer.get(80..84)?.try_into().ok()?),
        inode: u64::from(u32::from_ne_bytes(answer.get(84..88)?.try_into().ok()?)),
    })
}

/// The socket from `/proc/net/tcp`: the line whose local address is the peer and whose remote
/// address is guard's listener.
#[cfg(target_os = "linux")]
fn proc_socket(local: SocketAddr, peer: SocketAddr) -> Option<Socket> {
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
            .then(|| {
                Some(Socket {
                    uid: fields.get(7)?.parse().ok()?,
                    inode: fields.get(9)?.parse().ok()?,
                })
            })
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
            let socket = netlink_socket(local, peer).unwrap();
            assert_eq!(socket.uid, me);
            assert_eq!(proc_socket(local, peer), Some(socket));
        }
        drop(client);
        let _ = (local, peer, me);
    }

    /// The process holding a socket is found by its inode; this process is left out (its own
    /// connections are never a caller of its own server).
    #[cfg(target_os = "linux")]
    #[test]
    fn the_holder_of_a_socket_is_found_by_its_inode() {
        let proc = tempfile::tempdir().unwrap();
        for (pid, target) in [(7, "pipe:[5]"), (9, "socket:[42]"), (12, "socket:[42]")] {
            let fd = proc.path().join(pid.to_string()).join("fd");
            std::fs::create_dir_all(&fd).unwrap();
            std::os::unix::fs::symlink(target, fd.join("3")).unwrap();
        }
        std::fs::create_dir_all(proc.path().join("self")).unwrap();
        assert_eq!(holder(proc.path(), 42), Some(9));
        assert_eq!(holder(proc.path(), 43), None);
    }
}
