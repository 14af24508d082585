/// Why an import or export stopped. The message names the model, field and element; it never
/// holds a value from the file (values may be secrets: password hashes, tokens).
package struct DumpDataError: Error, CustomStringConvertible, Sendable {
    package let message: String
    /// The position of the offending element in the top-level array (0-based), when one is at fault.
    package let elementIndex: Int?

    package init(_ message: String, elementIndex: Int? = nil) {
        self.message = message
        self.elementIndex = elementIndex
    }

    package var description: String {
        guard let elementIndex else { return message }
        return "element at index \(elementIndex): \(message)"
    }

    /// The same error, attributed to element `index` unless it already names one.
    func at(_ index: Int) -> DumpDataError {
        elementIndex == nil ? DumpDataError(message, elementIndex: index) : self
    }
}
