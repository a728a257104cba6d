// A long loop of FMAs on data that never leaves the registers: compute-bound.
//
// Each work-item runs 8 independent chains (so the FMA units never wait for
// the previous result: an FMA takes about 4 cycles and a core starts two per
// cycle) of 16-wide vectors (one AVX-512 register on a CPU driver; a GPU
// splits them). Per work-item: iterations x 8 chains x 16 lanes FMAs, 2 flops
// each; it writes one float, so memory does not matter. The verdict should
// be compute-bound near the float32 FMA ceiling that `offload calibrate`
// measures the same way. Rewrite it with scalar floats to see how much the
// vectors bring on a CPU driver.
//
// offload: --size 512 --arg out=out:float[N] --arg iterations=16384
// offload: --ops 2*8*16*16384*N --op f32 --bytes 4*N
__kernel void fma_loop(__global float *out, int iterations)
{
    const float m = 0.999f, c = 0.001f; /* a -> 1: values stay normal */
    float16 a0 = (float16)((float)get_global_id(0) * 1e-6f);
    float16 a1 = a0 + 0.1f, a2 = a0 + 0.2f, a3 = a0 + 0.3f;
    float16 a4 = a0 + 0.4f, a5 = a0 + 0.5f, a6 = a0 + 0.6f, a7 = a0 + 0.7f;
    for (int i = 0; i < iterations; i++) {
        a0 = fma(a0, m, c);
        a1 = fma(a1, m, c);
        a2 = fma(a2, m, c);
        a3 = fma(a3, m, c);
        a4 = fma(a4, m, c);
        a5 = fma(a5, m, c);
        a6 = fma(a6, m, c);
        a7 = fma(a7, m, c);
    }
    /* Every chain is used, so the compiler cannot drop any. */
    float16 s = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7));
    out[get_global_id(0)] =
        ((s.s0 + s.s1) + (s.s2 + s.s3)) + ((s.s4 + s.s5) + (s.s6 + s.s7)) +
        ((s.s8 + s.s9) + (s.sa + s.sb)) + ((s.sc + s.sd) + (s.se + s.sf));
}
