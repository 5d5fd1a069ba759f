import Glibc

/// Free TCP ports on 127.0.0.1, probed by binding them. They are chosen below the kernel's
/// ephemeral range (ip_local_port_range) on purpose: a port from that range (what binding port 0
/// gives) can be handed to some outgoing connection while its server is dead, and the old master
/// could then not come back on its port. All the probe sockets stay open until every port is
/// chosen, so the ports are distinct; they are closed just before the servers start.
enum FreePorts {
    static func pick(_ count: Int) throws -> [Int] {
        // 20000 and up is where the end-to-end tests put their servers (TestPorts), and those
        // run beside the demo's own test.
        let high = min(19999, ephemeralLow() - 1)
        let low = 10000
        guard high - low > count * 10 else { throw DemoError("no port range to choose from below \(high + 1)") }
        var fds: [Int32] = []
        defer { fds.forEach { close($0) } }
        var ports: [Int] = []
        var candidate = Int.random(in: low...high)
        for _ in 0...(high - low) where ports.count < count {
            candidate = candidate >= high ? low : candidate + 1
            if let fd = tryBind(candidate) {
                fds.append(fd)
                ports.append(candidate)
            }
        }
        guard ports.count == count else { throw DemoError("cannot find \(count) free ports between \(low) and \(high)") }
        return ports
    }

    /// `count` consecutive ports from `base`, each checked free; an error names the first
    /// taken one (the user asked for these ports, so no other is silently used).
    static func consecutive(from base: Int, _ count: Int) throws -> [Int] {
        var fds: [Int32] = []
        defer { fds.forEach { close($0) } }
        for port in base..<(base + count) {
            guard let fd = tryBind(port) else {
                throw DemoError("port \(port) (of --base-port \(base): \(base)-\(base + count - 1)) is in use or cannot be bound on 127.0.0.1")
            }
            fds.append(fd)
        }
        return Array(base..<(base + count))
    }

    private static func tryBind(_ port: Int) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        // As the servers bind: a port whose last connections are in TIME_WAIT is free for them.
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = in_addr_t(0x7f00_0001).bigEndian
        let ok = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        if ok { return fd }
        close(fd)
        return nil
    }

    /// The first port of the kernel's ephemeral range (32768 when it cannot be read).
    private static func ephemeralLow() -> Int {
        guard let f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r") else { return 32768 }
        defer { fclose(f) }
        var buf = [CChar](repeating: 0, count: 64)
        guard fgets(&buf, 64, f) != nil else { return 32768 }
        let text = String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return text.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.flatMap { Int($0) } ?? 32768
    }
}
