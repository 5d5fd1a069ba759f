/// An element ordered by a 64-bit key (a deadline, an expiry time).
public protocol HeapKeyed {
    var heapKey: Int64 { get }
}

/// A binary min-heap: O(log n) push and pop of the smallest key. Used for timers and for key
/// expiry, where "what is due next" is the only question asked.
public struct MinHeap<Element: HeapKeyed> {
    public private(set) var items: [Element] = []

    public init() {}

    public var first: Element? { items.first }
    public var count: Int { items.count }
    public var isEmpty: Bool { items.isEmpty }

    public mutating func reserveCapacity(_ n: Int) { items.reserveCapacity(n) }

    public mutating func push(_ e: Element) {
        items.append(e)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            if items[parent].heapKey <= items[i].heapKey { break }
            items.swapAt(parent, i)
            i = parent
        }
    }

    @discardableResult
    public mutating func popFirst() -> Element? {
        guard !items.isEmpty else { return nil }
        let top = items[0]
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < items.count && items[l].heapKey < items[m].heapKey { m = l }
                if r < items.count && items[r].heapKey < items[m].heapKey { m = r }
                if m == i { break }
                items.swapAt(i, m)
                i = m
            }
        }
        return top
    }

    public mutating func removeAll() { items.removeAll() }
}
