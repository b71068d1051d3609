import Testing

@testable import PortableMath

/// Exact bit patterns of a few results. These pin the implementation itself: a swap to the
/// platform libm, a reordered formula or a fused multiply-add sneaking in changes some of them
/// (while staying within the accuracy tests' tolerance), and every machine must give these.
@Suite struct KnownAnswerTests {
    @Test(arguments: [
        (Float(1), UInt32(0x402D_F854)), (-1, 0x3EBC_5AB2), (0.5, 0x3FD3_094C), (10, 0x46AC_14EE),
        (-20.25, 0x30DC_9EF1), (80, 0x792A_BBCE),
    ])
    func floatExp(x: Float, bits: UInt32) {
        #expect(Reproducible.exp(x).bitPattern == bits)
        #expect(Reproducible.exp(SIMD8(repeating: x))[3].bitPattern == bits)
    }

    @Test(arguments: [
        (Float(2), UInt32(0x3F31_7218)), (0.1, 0xC013_5D8E), (0.001, 0xC0DD_0C55), (12345.678, 0x4116_BCAB),
    ])
    func floatLog(x: Float, bits: UInt32) { #expect(Reproducible.log(x).bitPattern == bits) }

    @Test(arguments: [
        (Float(0.3), UInt32(0x3E95_26EE)), (-0.7, 0xBF1A_B7D9), (2, 0x3F76_CA83), (5, 0x3F7F_FA0D),
    ])
    func floatTanh(x: Float, bits: UInt32) {
        #expect(Reproducible.tanh(x).bitPattern == bits)
        #expect(Reproducible.tanh(SIMD8(repeating: x))[5].bitPattern == bits)
    }

    @Test(arguments: [
        (Float(1), UInt32(0x3F57_6AA4), UInt32(0x3F0A_5140)), (12345.5, 0xBF51_95C4, 0x3F13_00F9),
        (99999, 0x3F5C_393B, 0xBF02_8731),
    ])
    func floatSinCos(x: Float, sin: UInt32, cos: UInt32) {
        #expect(Reproducible.sin(x).bitPattern == sin)
        #expect(Reproducible.cos(x).bitPattern == cos)
    }

    @Test func doubles() {
        let cases: [(Double, UInt64, String)] = [
            (Reproducible.exp(1.0), 0x4005_BF0A_8B14_576A, "exp 1"),
            (Reproducible.exp(-0.5), 0x3FE3_68B2_FC6F_960A, "exp -0.5"),
            (Reproducible.exp(100.25), 0x48F8_C39B_9134_BAC4, "exp 100.25"),
            (Reproducible.log(2.0), 0x3FE6_2E42_FEFA_39EF, "log 2"),
            (Reproducible.log(0.1), 0xC002_6BB1_BBB5_5515, "log 0.1"),
            (Reproducible.log(1e-300), 0xC085_9634_47F8_7FB5, "log 1e-300"),
            (Reproducible.sin(1.0), 0x3FEA_ED54_8F09_0CEE, "sin 1"),
            (Reproducible.cos(1.0), 0x3FE1_4A28_0FB5_068C, "cos 1"),
            (Reproducible.sin(3.0), 0x3FC2_1038_6DB6_D55B, "sin 3"),
            (Reproducible.cos(3.0), 0xBFEF_AE04_BE85_E5D2, "cos 3"),
            (Reproducible.sin(100_000.5), 0xBFDC_A7E1_3C8A_7C7F, "sin 100000.5"),
            (Reproducible.cos(100_000.5), 0xBFEC_9CF6_7D74_25B8, "cos 100000.5"),
            (Reproducible.pow(0.999, 1000.0), 0x3FD7_8852_6411_ED72, "pow 0.999^1000"),
            (Reproducible.pow(10_000.0, 0.125), 0x4009_4C58_3ADA_5B52, "pow 10000^0.125"),
            (Reproducible.pow(10.0, -5.0), 0x3EE4_F8B5_88E3_68F0, "pow 10^-5"),
            (Reproducible.erfc(0.5), 0x3FDE_B021_47CE_245A, "erfc 0.5"),
            (Reproducible.erfc(3.0), 0x3EF7_29DF_6503_422B, "erfc 3"),
        ]
        for (got, bits, what) in cases {
            #expect(got.bitPattern == bits, "\(what): \(got) has bits 0x\(String(got.bitPattern, radix: 16))")
        }
    }
}
