// One query head's attention over a sequence's cached keys and values (inference with a KV
// cache), with AVX2. The specification, shared with the portable Swift path (Tensor's
// CachedAttention), so both give the same bits:
//
// - score_j = dot(q, k_j) * scale, where scale = 1 / sqrt(hs) (a Float division of a rounded
//   square root) and dot accumulates 8 lanes: lane l adds q[i] * k_j[i] (rounded, then added)
//   for i = l, l + 8, ... in order from +0; the lanes are then summed in order, lane 0 to 7,
//   from -0; the products of the last hs % 8 values are summed in order from +0 and added last;
// - m = the maximum score; e_j = exp(score_j - m) (fewshot's exp, as Reproducible.exp);
//   total = e_0 + e_1 + ... in order from +0;
// - out[d] = sum over j in order, from +0, of (e_j / total) * v_j[d] (rounded, then added).
// Call only when fewshot_cpu_has_avx2_fma() is true.
#ifndef FEWSHOT_CACHED_ATTENTION_H
#define FEWSHOT_CACHED_ATTENTION_H

/// For each of `heads` query heads sharing these keys and values (grouped-query attention;
/// query h is q + h * hs), out + h * hs (hs values) = its attention over the first `length`
/// positions of a sequence whose cache is `runs` runs of consecutive positions, in order: run r
/// holds `run_lengths[r]` positions whose keys and values start at k[r] and v[r], `stride`
/// Floats apart. How the positions are split into runs (a prompt prefix shared with other
/// sequences, then a sequence's own positions) never changes a bit of the result. Each head's
/// result is the specification's for that head alone; the heads only share reads of the cache.
/// `scores` has room for heads * length Floats.
void fewshot_cached_attention(const float *q, long heads, const float *const *k, const float *const *v,
                              const long *run_lengths, long runs, long stride, long length, long hs, float *scores,
                              float *out);

#endif
