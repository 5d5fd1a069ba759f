/// An error reply a parser (of the connection layer, of ACL rules) produced, with Redis's text ("ERR ...").
public struct CommandError: Error, Equatable, Sendable {
    public let text: String
    public init(_ text: String) { self.text = text }
}
