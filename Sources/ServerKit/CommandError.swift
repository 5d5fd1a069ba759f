/// An error reply a parser of the connection layer produced, with Redis's text ("ERR ...").
public struct CommandError: Error, Equatable, Sendable {
    public let text: String
    public init(_ text: String) { self.text = text }
}
