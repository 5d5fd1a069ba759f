/// Publishing keyspace notifications (the classes: Config/KeyspaceEventClasses.swift).
extension Server {
    /// Publishes one event on the channels the setting asks for.
    func publishKeyspaceEvent(db: Int, _ event: StaticString, _ key: Key) {
        let flags = config.notifyKeyspaceEvents
        let eventBytes = Array(UnsafeBufferPointer(start: event.utf8Start, count: event.utf8CodeUnitCount))
        if flags.contains(.keyspace) {
            _ = publish(channel: Array("__keyspace@\(db)__:".utf8) + key.bytes, message: eventBytes)
        }
        if flags.contains(.keyevent) {
            _ = publish(channel: Array("__keyevent@\(db)__:".utf8) + eventBytes, message: key.bytes)
        }
    }

    /// An event of the server's own (expired, evicted), published if its class is on.
    func notifyKeyspace(_ cls: KeyspaceEvents, _ event: StaticString, db: Int, _ key: Key) {
        guard config.notifyKeyspaceEvents.active.contains(cls) else { return }
        publishKeyspaceEvent(db: db, event, key)
    }
}
