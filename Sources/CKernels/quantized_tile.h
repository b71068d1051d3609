// The tile layout of the 8-bit-activation products (x86-64 only; not part of the module's
// interface): quantized_tiles.c builds it once per matrix, quantized_dot_int8.c reads it.
//
// A tile is rows 8k...8k+7 of the matrix (rows past its end are zeros). Each block of a tile is
// stored so that lane i of every register belongs to row i, and register c meets bytes
// 4c...4c+3 of x's block broadcast to every lane:
// - Q4_1, Q4_0 (TILE_Q4_BYTES): 4 registers, register k lane i = bytes 4k...4k+3 of row i's 16
//   bytes of nibbles, still packed (the kernel splits them: weights 4k... are the low nibbles,
//   weights 16 + 4k... the high ones), then the rows' d, then their offsets (m for Q4_1, -8 d
//   for Q4_0), as 8 Floats each;
// - Q8_0 (TILE_Q8_BYTES): 8 registers, register c lane i = row i's signed bytes 4c...4c+3,
//   then the rows' d as 8 Floats.
// A tile's blocks are stored in the order the kernel visits them: blocks 0, 8, 16, ..., then
// 1, 9, 17, ..., up to 7, 15, ... (block b goes to Float partial b % 8, built one at a time), so
// that it reads the tile front to back. Tiles follow each other, tile k at
// k * blocks * tile_bytes(kind) bytes; the storage is 32-byte aligned.
#ifndef FEWSHOT_QUANTIZED_TILE_H
#define FEWSHOT_QUANTIZED_TILE_H

/// The kinds of rows, as the kernels' `kind` arguments.
enum { TILE_Q4_1 = 0, TILE_Q4_0 = 1, TILE_Q8_0 = 2 };

/// Bytes of one block of a tile.
enum { TILE_Q4_BYTES = 4 * 32 + 2 * 32, TILE_Q8_BYTES = 8 * 32 + 32 };

/// Bytes of one block of a tile of `kind` rows.
static inline long tile_bytes(int kind) { return kind == TILE_Q8_0 ? TILE_Q8_BYTES : TILE_Q4_BYTES; }

/// Bytes of one block of one row of `kind` in GGUF.
static inline long gguf_block_bytes(int kind) { return kind == TILE_Q4_1 ? 20 : kind == TILE_Q4_0 ? 18 : 34; }

#endif
