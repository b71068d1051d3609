/// Transcendental functions that give the same bits on every machine.
///
/// libm differs between platforms (glibc, macOS) and between versions, and fused multiply-add
/// changes results between CPUs. Everything here is built from IEEE basic operations only
/// (`+ - * /`, `squareRoot()`, comparisons, bit manipulation and round-to-nearest-even), each
/// rounded separately: Swift never contracts `a * b + c` into a fused multiply-add, so the same
/// code gives the same result on any CPU, and the C kernels in `CKernels` (compiled with
/// `-ffp-contract=off`) mirror the Float versions operation for operation.
///
/// Accuracy (tested against the platform libm in `PortableMathTests`):
/// - Float `exp`, `log`, `tanh`: within 2 ulp over the whole range.
/// - Float `sin`, `cos`, `pow`: computed in Double and rounded once (within 1 ulp).
/// - Double `exp`, `log`, `pow`: within 1 ulp (`log` and `pow` go through a double-double
///   logarithm, so `pow(0.999, 1e5)` stays accurate).
/// - Double `sin`, `cos`: within 1 ulp for `|x| <= 1.6e6` (Cody-Waite reduction by a 152-bit
///   pi/2, enough for RoPE angles and Box-Muller); beyond that the reduction loses accuracy
///   (still deterministic).
/// - Double `erfc`: relative error below 1e-12.
///
/// ```swift
/// let y = Reproducible.exp(Float(1))        // 2.7182817, the same bits everywhere
/// let c = Reproducible.cos(2 * Double.pi * 0.25)
/// ```
public enum Reproducible {}
