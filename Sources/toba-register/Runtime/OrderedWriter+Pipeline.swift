import TobaRPC
import TobaStore

/// The storage layer's ordered writer is the pipeline's executor; the two meet only here.
extension OrderedWriter: OrderedExecutor where Answer == Outcome {
    typealias Context = any SQLConnection
}
