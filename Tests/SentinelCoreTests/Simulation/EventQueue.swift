/// A min-heap of timed events; ties keep insertion order so runs are deterministic.
/// Concrete (not generic) on purpose: tests run unoptimized, where generic metadata lookups
/// dominated the simulation's run time.
struct EventQueue {
    typealias Event = SimEvent
    private struct Entry {
        let time: Int64
        let seq: UInt64
        let event: Event
    }
    private var heap: [Entry] = []
    private var nextSeq: UInt64 = 0

    var isEmpty: Bool { heap.isEmpty }
    var count: Int { heap.count }
    var nextTime: Int64? { heap.first?.time }

    mutating func push(_ time: Int64, _ event: Event) {
        heap.append(Entry(time: time, seq: nextSeq, event: event))
        nextSeq += 1
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            if less(i, parent) { heap.swapAt(i, parent); i = parent } else { break }
        }
    }

    mutating func pop() -> (time: Int64, event: Event)? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let top = heap.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < heap.count && less(l, m) { m = l }
            if r < heap.count && less(r, m) { m = r }
            if m == i { break }
            heap.swapAt(i, m)
            i = m
        }
        return (top.time, top.event)
    }

    private func less(_ a: Int, _ b: Int) -> Bool {
        let ta = heap[a].time, tb = heap[b].time
        return ta != tb ? ta < tb : heap[a].seq < heap[b].seq
    }
}
