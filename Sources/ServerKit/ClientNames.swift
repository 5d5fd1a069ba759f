/// Redis refuses client names and library attributes with spaces or bytes outside '!'...'~'.
public enum ClientNames {
    public static let invalidError = "ERR Client names cannot contain spaces, newlines or special characters."

    public static func isValid(_ name: [UInt8]) -> Bool {
        name.allSatisfy { $0 >= 33 && $0 <= 126 }
    }
}
