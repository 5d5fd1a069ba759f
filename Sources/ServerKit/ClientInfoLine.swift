/// One line of CLIENT LIST / CLIENT INFO, in Redis's field order. Each server fills what it
/// knows; the format lives here once.
public struct ClientInfoLine: Sendable {
    public var id: Int64
    public var address: String
    public var localAddress: String
    public var fd: Int32
    public var name: [UInt8]
    public var ageSeconds: Int64
    public var idleSeconds: Int64
    public var flags: String
    public var db = 0
    public var subscriptions: Subscriptions
    public var multi = -1
    public var qbuf = 0
    public var qbufFree = 0
    public var rbs = 0
    public var rbp = 0
    public var omem = 0
    public var totMem = 0
    public var events = "r"
    public var command: String
    public var resp: Int
    public var libName: [UInt8]
    public var libVersion: [UInt8]
    public var user: String

    public init(id: Int64, address: String, localAddress: String, fd: Int32, session: ClientSession,
                ageSeconds: Int64, idleSeconds: Int64, flags: String, command: String, resp: Int) {
        self.id = id
        self.address = address
        self.localAddress = localAddress
        self.fd = fd
        self.name = session.name
        self.ageSeconds = ageSeconds
        self.idleSeconds = idleSeconds
        self.flags = flags
        self.subscriptions = session.subscriptions
        self.command = command
        self.resp = resp
        self.libName = session.libName
        self.libVersion = session.libVersion
        self.user = session.user
    }

    public var text: String {
        "id=\(id) addr=\(address) laddr=\(localAddress) fd=\(fd) name=\(String(decoding: name, as: UTF8.self)) age=\(ageSeconds) idle=\(idleSeconds) flags=\(flags) db=\(db) sub=\(subscriptions.channels.count) psub=\(subscriptions.patterns.count) ssub=0 multi=\(multi) qbuf=\(qbuf) qbuf-free=\(qbufFree) argv-mem=0 multi-mem=0 rbs=\(rbs) rbp=\(rbp) obl=0 oll=0 omem=\(omem) tot-mem=\(totMem) events=\(events) cmd=\(command) user=\(user) redir=-1 resp=\(resp) lib-name=\(String(decoding: libName, as: UTF8.self)) lib-ver=\(String(decoding: libVersion, as: UTF8.self))"
    }
}
