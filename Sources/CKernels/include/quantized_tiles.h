// Quantised rows rearranged once into the tile layout of the 8-bit-activation products
// (fewshot_tiles_*_q8 in quantized_dot.h): 8 rows at a time, each block's weights transposed so
// that one register holds a chunk of all 8 rows, with the rows' scales and offsets decoded to
// Floats beside them. The layout is private to CKernels; callers only keep the bytes.
// Declared on x86-64 only; call them only when fewshot_cpu_has_avx2_fma() is true.
#ifndef FEWSHOT_QUANTIZED_TILES_H
#define FEWSHOT_QUANTIZED_TILES_H

#include <stddef.h>

#if defined(__x86_64__)

/// Bytes of the tiles of `rows` Q4_1 or Q4_0 rows of `blocks` blocks: 192 per block of each
/// tile of 8 rows (the last tile is padded with zero rows), 1.2x the Q4_1 rows' size.
size_t fewshot_tiles_q4_bytes(long rows, long blocks);

/// Bytes of the tiles of `rows` Q8_0 rows of `blocks` blocks: 288 per block of each tile of 8
/// rows, 1.06x the rows' size.
size_t fewshot_tiles_q8_0_bytes(long rows, long blocks);

/// Rearranges all `rows` rows (`row_bytes` apart from `data`, GGUF blocks) into `tiles`
/// (32-byte aligned, the size above). The weights, d and m keep their exact values.
void fewshot_tiles_q4_1(const void *data, size_t row_bytes, long rows, long blocks, void *tiles);
void fewshot_tiles_q4_0(const void *data, size_t row_bytes, long rows, long blocks, void *tiles);
void fewshot_tiles_q8_0(const void *data, size_t row_bytes, long rows, long blocks, void *tiles);

#endif
#endif
