import Glibc

/// Free TCP ports on 127.0.0.1, chosen by the kernel: bind port 0, read the port back. All the
/// sockets stay open until every port is chosen, so the ports are distinct; they are closed
/// just before the servers start, leaving only a tiny window for another program to take one.
enum FreePorts {
    static func pick(_ count: Int) throws -> [Int] {
        var fds: [Int32] = []
        defer { fds.forEach { close($0) } }
        var ports: [Int] = []
        for _ in 0..<count {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw DemoError("socket: \(String(cString: strerror(errno)))") }
            fds.append(fd)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = 0
            addr.sin_addr.s_addr = in_addr_t(0x7f00_0001).bigEndian
            var len = socklen_t(MemoryLayout<sockaddr_in>.size)
            let ok = withUnsafeMutablePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0
                }
            }
            guard ok else { throw DemoError("cannot find a free port: \(String(cString: strerror(errno)))") }
            ports.append(Int(UInt16(bigEndian: addr.sin_port)))
        }
        return ports
    }
}
