/// Running the GEMMs of one op's backward together.
extension Tensor {
    /// The GEMM that writes one input's gradient, built once its buffer is open: `accumulate`
    /// says whether the buffer already holds values (add, beta 1) or not (overwrite, beta 0).
    typealias GradientProduct = (
        input: Tensor, product: (_ grad: UnsafeMutablePointer<Float>, _ accumulate: Bool) -> BLAS.Product
    )

    /// Opens the gradient of every input that needs one and runs their products, and then
    /// `alongside`, in one parallel region (`BLAS.sgemm(concurrently:)`).
    ///
    /// When `distinct` is false (an input appears twice, as in `x.matmul(x)`), the products
    /// run one after another instead, each in its own `updateGrad`: two products cannot add
    /// into one buffer at the same time.
    static func runGradientProducts(
        _ parts: [GradientProduct], distinct: Bool, alongside extra: (() -> Void)? = nil
    ) {
        let needed = parts.filter { $0.input.requiresGrad && $0.input.count > 0 }
        guard distinct else {
            for part in needed {
                part.input.updateGrad { grad, accumulate in
                    BLAS.sgemm(concurrently: [part.product(grad, accumulate)])
                }
            }
            extra?()
            return
        }
        func open(_ index: Int, _ products: [BLAS.Product]) {
            guard index < needed.count else { return BLAS.sgemm(concurrently: products, alongside: extra) }
            needed[index].input.updateGrad { grad, accumulate in
                open(index + 1, products + [needed[index].product(grad, accumulate)])
            }
        }
        open(0, [])
    }
}
