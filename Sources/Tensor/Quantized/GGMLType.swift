/// The element types a GGUF tensor can be stored in, numbered as ggml numbers them.
///
/// Quantised types pack `blockSize` values into `blockBytes` bytes; plain types have a
/// block size of 1. Types this runtime cannot decode still have a name, so an error can say
/// which type a file uses.
public struct GGMLType: Hashable, Sendable, CustomStringConvertible {
    /// The type's number in the file.
    public let rawValue: UInt32

    /// Wraps a raw type number (known or not).
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let f32 = GGMLType(rawValue: 0)
    public static let f16 = GGMLType(rawValue: 1)
    public static let q4_0 = GGMLType(rawValue: 2)
    public static let q4_1 = GGMLType(rawValue: 3)
    public static let q5_0 = GGMLType(rawValue: 6)
    public static let q5_1 = GGMLType(rawValue: 7)
    public static let q8_0 = GGMLType(rawValue: 8)
    public static let q8_1 = GGMLType(rawValue: 9)
    public static let q2_K = GGMLType(rawValue: 10)
    public static let q3_K = GGMLType(rawValue: 11)
    public static let q4_K = GGMLType(rawValue: 12)
    public static let q5_K = GGMLType(rawValue: 13)
    public static let q6_K = GGMLType(rawValue: 14)
    public static let q8_K = GGMLType(rawValue: 15)
    public static let i8 = GGMLType(rawValue: 24)
    public static let i16 = GGMLType(rawValue: 25)
    public static let i32 = GGMLType(rawValue: 26)
    public static let i64 = GGMLType(rawValue: 27)
    public static let f64 = GGMLType(rawValue: 28)
    public static let bf16 = GGMLType(rawValue: 30)

    /// ggml's name for the type, or `type<N>` for a number ggml does not define.
    public var name: String {
        Self.names[Int(rawValue)] ?? "type\(rawValue)"
    }

    public var description: String { name }

    /// (values per block, bytes per block), or nil for a type whose layout is unknown here.
    public var layout: (blockSize: Int, blockBytes: Int)? {
        switch rawValue {
        case 0: (1, 4)
        case 1, 30, 25: (1, 2)
        case 2: (32, 18)
        case 3: (32, 20)
        case 6: (32, 22)
        case 7: (32, 24)
        case 8: (32, 34)
        case 9: (32, 36)
        case 10: (256, 84)
        case 11: (256, 110)
        case 12: (256, 144)
        case 13: (256, 176)
        case 14: (256, 210)
        case 15: (256, 292)
        case 24: (1, 1)
        case 26: (1, 4)
        case 27, 28: (1, 8)
        default: nil
        }
    }

    /// Whether `Dequantize` can turn this type into Float values.
    public var canDequantize: Bool {
        [0, 1, 2, 3, 6, 7, 8, 10, 11, 12, 13, 14, 30].contains(rawValue)
    }

    private static let names: [Int: String] = [
        0: "f32", 1: "f16", 2: "q4_0", 3: "q4_1", 6: "q5_0", 7: "q5_1", 8: "q8_0", 9: "q8_1",
        10: "q2_K", 11: "q3_K", 12: "q4_K", 13: "q5_K", 14: "q6_K", 15: "q8_K",
        16: "iq2_xxs", 17: "iq2_xs", 18: "iq3_xxs", 19: "iq1_s", 20: "iq4_nl", 21: "iq3_s",
        22: "iq2_s", 23: "iq4_xs", 24: "i8", 25: "i16", 26: "i32", 27: "i64", 28: "f64",
        29: "iq1_m", 30: "bf16", 34: "tq1_0", 35: "tq2_0", 39: "mxfp4",
    ]
}
