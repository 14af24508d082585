import Testing
import TobaStore
@testable import TobaDomain

/// The test clock follows what commits, like every in-memory state changed on the writer.
@Suite struct ServiceClockTests {
    @Test func aClockChangeOfAGroupThatDoesNotCommitIsUndone() {
        // Given a frozen clock
        let clock = ServiceClock()
        let start = Timestamp(seconds: 1_800_000_000)
        clock.set(start)
        // When a group sets and advances it, then does not commit
        let journal = GroupJournal()
        GroupJournal.$current.withValue(journal) {
            journal.requestBegan()
            clock.advance(seconds: 60)
            journal.requestBegan()
            clock.set(Timestamp(seconds: 1_900_000_000))
        }
        journal.groupAborted()
        // Then the clock is back where it was (a retried request will move it once)
        #expect(clock.now() == start)
        // And outside a group a change is final at once
        clock.advance(seconds: 1)
        #expect(clock.now() == Timestamp(seconds: 1_800_000_001))
    }
}
