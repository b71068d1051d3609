// Builds the tile layout of the 8-bit-activation products (described in quantized_tile.h) from
// GGUF rows, once per matrix: the transpositions and the gather of the rows' halves cost about
// as much as a product with a few tokens, so they are not repeated for every product.
#include "quantized_tiles.h"

#if defined(__x86_64__)

#include "avx2_helpers.h"
#include "quantized_tile.h"

/// 8 rows of 32 bytes (`r[i]`, as int32 chunks c0...c7) transposed to 8 registers: out[c] lane
/// i = chunk c of r[i].
AVX2 static inline void transpose8x8(const __m256i r[8], __m256i out[8]) {
    __m256 in[8], lanes[8];
    for (int i = 0; i < 8; i++) in[i] = _mm256_castsi256_ps(r[i]);
    fewshot_transpose8x8(in, lanes);
    for (int c = 0; c < 8; c++) out[c] = _mm256_castps_si256(lanes[c]);
}

/// The first two halves of 8 blocks `stride` bytes apart from `p` (`count` of them real, the
/// others 0) as Floats: `first` (d) and `second` (Q4_1's m), for a tile's block (8 rows). The
/// blocks' first 4 bytes are gathered by a transposition, as the weights are, then their low
/// halves go to the low 128 bits and their high halves to the high ones.
AVX2 static inline void block_heads(const uint8_t *p, size_t stride, long count, __m256 *first, __m256 *second) {
    __m128i h[8];
    for (long i = 0; i < 8; i++) h[i] = i < count ? _mm_loadu_si32(p + i * stride) : _mm_setzero_si128();
    const __m128i h01 = _mm_unpacklo_epi32(h[0], h[1]), h23 = _mm_unpacklo_epi32(h[2], h[3]);
    const __m128i h45 = _mm_unpacklo_epi32(h[4], h[5]), h67 = _mm_unpacklo_epi32(h[6], h[7]);
    const __m256i heads = _mm256_set_m128i(_mm_unpacklo_epi64(h45, h67), _mm_unpacklo_epi64(h01, h23));
    const __m256i split = _mm256_shuffle_epi8(
        heads, _mm256_setr_epi8(0, 1, 4, 5, 8, 9, 12, 13, 2, 3, 6, 7, 10, 11, 14, 15, 0, 1, 4, 5, 8, 9, 12, 13, 2, 3, 6,
                                7, 10, 11, 14, 15));
    const __m256i halves = _mm256_permute4x64_epi64(split, 0xD8);
    *first = _mm256_cvtph_ps(_mm256_castsi256_si128(halves));
    *second = _mm256_cvtph_ps(_mm256_extracti128_si256(halves, 1));
}

/// One block of `count` <= 8 rows (the first at `block`, the others `row_bytes` apart) in the
/// tile layout at `out` (rows past `count` are zeros).
AVX2 static void tile_block(int kind, const uint8_t *block, size_t row_bytes, long count, uint8_t *out) {
    __m256i *w = (__m256i *)out;
    const __m256i zero = _mm256_setzero_si256();
    if (kind == TILE_Q8_0) {
        __m256i r[8], v[8];
        for (long i = 0; i < 8; i++)
            r[i] = i < count ? _mm256_loadu_si256((const __m256i *)(block + i * row_bytes + 2)) : zero;
        transpose8x8(r, v);
        for (int c = 0; c < 8; c++) _mm256_store_si256(w + c, v[c]);
    } else {
        const long offset = kind == TILE_Q4_1 ? 4 : 2;
        __m128i q[8];
        for (long i = 0; i < 8; i++)
            q[i] = i < count ? _mm_loadu_si128((const __m128i *)(block + i * row_bytes + offset)) : _mm_setzero_si128();
        // a[i] = rows i and i + 4; a 4 x 4 transpose of int32 within each half then gives
        // y[k] lane i = bytes 4k...4k+3 of row i.
        __m256i a[4];
        for (int i = 0; i < 4; i++) a[i] = _mm256_set_m128i(q[i + 4], q[i]);
        const __m256i t0 = _mm256_unpacklo_epi32(a[0], a[1]), t1 = _mm256_unpackhi_epi32(a[0], a[1]);
        const __m256i t2 = _mm256_unpacklo_epi32(a[2], a[3]), t3 = _mm256_unpackhi_epi32(a[2], a[3]);
        _mm256_store_si256(w + 0, _mm256_unpacklo_epi64(t0, t2));
        _mm256_store_si256(w + 1, _mm256_unpackhi_epi64(t0, t2));
        _mm256_store_si256(w + 2, _mm256_unpacklo_epi64(t1, t3));
        _mm256_store_si256(w + 3, _mm256_unpackhi_epi64(t1, t3));
    }
    __m256 d, m;
    block_heads(block, row_bytes, count, &d, &m);
    float *heads = (float *)(out + (kind == TILE_Q8_0 ? 8 : 4) * 32);
    _mm256_store_ps(heads, d);
    if (kind == TILE_Q4_1) _mm256_store_ps(heads + 8, m);
    if (kind == TILE_Q4_0) _mm256_store_ps(heads + 8, _mm256_mul_ps(d, _mm256_set1_ps(-8)));
}

/// All rows' tiles, each tile's blocks in the order of quantized_tile.h.
AVX2 static void build(int kind, const void *data, size_t row_bytes, long rows, long blocks, void *tiles) {
    uint8_t *out = tiles;
    for (long r = 0; r < rows; r += 8) {
        const long count = rows - r < 8 ? rows - r : 8;
        const uint8_t *row = (const uint8_t *)data + r * row_bytes;
        for (long l = 0; l < 8; l++)
            for (long b = l; b < blocks; b += 8, out += tile_bytes(kind))
                tile_block(kind, row + b * gguf_block_bytes(kind), row_bytes, count, out);
    }
}

size_t fewshot_tiles_q4_bytes(long rows, long blocks) { return (size_t)((rows + 7) / 8 * blocks) * TILE_Q4_BYTES; }

size_t fewshot_tiles_q8_0_bytes(long rows, long blocks) { return (size_t)((rows + 7) / 8 * blocks) * TILE_Q8_BYTES; }

AVX2 void fewshot_tiles_q4_1(const void *data, size_t row_bytes, long rows, long blocks, void *tiles) {
    build(TILE_Q4_1, data, row_bytes, rows, blocks, tiles);
}

AVX2 void fewshot_tiles_q4_0(const void *data, size_t row_bytes, long rows, long blocks, void *tiles) {
    build(TILE_Q4_0, data, row_bytes, rows, blocks, tiles);
}

AVX2 void fewshot_tiles_q8_0(const void *data, size_t row_bytes, long rows, long blocks, void *tiles) {
    build(TILE_Q8_0, data, row_bytes, rows, blocks, tiles);
}

#endif
