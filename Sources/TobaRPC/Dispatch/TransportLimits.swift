/// The bounds that keep memory flat whatever the input (PROTOCOL.md §3): no line, batch, burst
/// or client that stops reading makes the process grow past a few hundred MiB.
///
/// Input: the reader stops reading while too many requests are open (read, not yet answered;
/// each batch member counts), while the lines they came from are too large together (a parsed
/// line takes up to ~20 times its size), or while too many answer bytes wait. Output: a batch's
/// answer is built as bytes and bounded, as is the total of batch answers held or waiting to be
/// written; a member whose answer would pass either bound is answered `-32600 too_large`
/// instead (see protocol/errors.md). A single answer waits for stdout on the thread that made it,
/// so only a few are ever held at once.
package struct TransportLimits: Sendable {
    /// §3: a batch holds at most this many requests; a larger one is refused whole.
    package var maxBatchRequests = 1000
    /// Requests read but not yet answered.
    package var maxOpenRequests = 8192
    /// Bytes of the lines those open requests came from (one line is always let in when nothing
    /// is open, so a line of any accepted size makes progress).
    package var maxOpenLineBytes = 4 << 20
    /// The most one batch's answer line may hold.
    package var maxBatchAnswerBytes = 16 << 20
    /// The most all batch answers being collected or waiting for stdout may hold together.
    package var maxHeldAnswerBytes = 64 << 20

    package init() {}
}
