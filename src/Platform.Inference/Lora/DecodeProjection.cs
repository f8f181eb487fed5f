using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Inference.Lora;

/// <summary>
/// x·Wᵀ for a few rows against a tall fp32 weight on an AVX2 CPU: the decode step's LM head (≤ 32 rows against 151,936
/// vocabulary rows). libtorch's MKL packs the whole weight on every such call and spends twice as long packing as
/// multiplying (perf: 56 % of a 16-row decode run in sgemm_scopy, 25 % in the kernel). Here each weight row is read
/// once, straight from the tensor, and dotted with every x row in registers.
/// qwen3-bench head, this 2-core machine: 16 rows 33 ms against 42–61 ms, 1 row 16 ms against 24 ms.
/// Each output is the same sequence of fused multiply-adds whatever the other rows are, so a row's logits do not depend
/// on the batch it is in.
/// </summary>
internal static unsafe class DecodeProjection
{
    /// <summary>Most rows it serves; beyond, MKL's packed GEMM wins.</summary>
    public const int MaxRows = 32;

    public static bool Applies(Tensor x, Tensor weight) =>
        Avx.IsSupported && Fma.IsSupported
        && x.dim() == 2 && x.shape[0] <= MaxRows && x.shape[1] % Vector256<float>.Count == 0
        && weight.dim() == 2 && weight.shape[1] == x.shape[1]
        && x.dtype == ScalarType.Float32 && weight.dtype == ScalarType.Float32
        && x.device_type == DeviceType.CPU && weight.device_type == DeviceType.CPU
        && x.is_contiguous() && weight.is_contiguous();

    /// <summary>
    /// A linear layer over x (…, in): through <see cref="Project"/> (plus the bias) for a decode step's few rows, else
    /// libtorch's. MKL repacks the whole weight on every call, which at 16 rows cost more than the product (perf,
    /// qwen3-bench decode).
    /// </summary>
    public static Tensor Linear(Tensor x, TorchSharp.Modules.Linear linear)
    {
        var weight = linear.weight!;
        var rows = x.numel() / x.shape[^1];
        if (rows > MaxRows || !x.is_contiguous()) return linear.call(x);
        using var scope = NewDisposeScope();
        var flat = x.view(rows, x.shape[^1]);                                                      // (N, in)
        if (!Applies(flat, weight)) return linear.call(x).MoveToOuterDisposeScope();
        var y = Project(flat, weight).view([.. x.shape[..^1], weight.shape[0]]);                   // (…, out)
        return (linear.bias is { } bias ? y + bias : y).MoveToOuterDisposeScope();
    }

    /// <summary>x (M, K) · weight (N, K)ᵀ → (M, N). Only where <see cref="Applies"/>.</summary>
    public static Tensor Project(Tensor x, Tensor weight)
    {
        int rows = (int)x.shape[0], inner = (int)x.shape[1], outs = (int)weight.shape[0];
        var y = empty(rows, outs, ScalarType.Float32);
        var px = (float*)x.storage<float>().data_ptr() + x.storage_offset();
        var pw = (float*)weight.storage<float>().data_ptr() + weight.storage_offset();
        var py = (float*)y.storage<float>().data_ptr() + y.storage_offset();
        var workers = Environment.ProcessorCount;
        var block = Math.Max(3, outs / (workers * 8) / 3 * 3);          // weight rows per task, a multiple of the tile
        var blocks = (outs + block - 1) / block;
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = workers }, b =>
        {
            var (from, to) = (b * block, Math.Min(outs, (b + 1) * block));
            var n = from;
            for (; n + 3 <= to; n += 3) ThreeOutputs(px, pw, py, rows, inner, outs, n);
            for (; n < to; n++) OneOutput(px, pw, py, rows, inner, outs, n);
        });
        GC.KeepAlive(x);      // their memory is read through raw pointers above: no finalizer may free it meanwhile
        GC.KeepAlive(weight);
        return y;
    }

    /// <summary>Outputs n, n+1, n+2 of every row: x rows four at a time (12 accumulators, 3 weight vectors, 1 x vector).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ThreeOutputs(float* x, float* w, float* y, int rows, int inner, int outs, int n)
    {
        float* w0 = w + (long)n * inner, w1 = w0 + inner, w2 = w1 + inner;
        var m = 0;
        for (; m + 4 <= rows; m += 4)
        {
            float* x0 = x + (long)m * inner, x1 = x0 + inner, x2 = x1 + inner, x3 = x2 + inner;
            Vector256<float> a00 = default, a01 = default, a02 = default, a10 = default, a11 = default, a12 = default;
            Vector256<float> a20 = default, a21 = default, a22 = default, a30 = default, a31 = default, a32 = default;
            for (var k = 0; k < inner; k += 8)
            {
                var v0 = Avx.LoadVector256(w0 + k);
                var v1 = Avx.LoadVector256(w1 + k);
                var v2 = Avx.LoadVector256(w2 + k);
                var u = Avx.LoadVector256(x0 + k);
                a00 = Fma.MultiplyAdd(u, v0, a00); a01 = Fma.MultiplyAdd(u, v1, a01); a02 = Fma.MultiplyAdd(u, v2, a02);
                u = Avx.LoadVector256(x1 + k);
                a10 = Fma.MultiplyAdd(u, v0, a10); a11 = Fma.MultiplyAdd(u, v1, a11); a12 = Fma.MultiplyAdd(u, v2, a12);
                u = Avx.LoadVector256(x2 + k);
                a20 = Fma.MultiplyAdd(u, v0, a20); a21 = Fma.MultiplyAdd(u, v1, a21); a22 = Fma.MultiplyAdd(u, v2, a22);
                u = Avx.LoadVector256(x3 + k);
                a30 = Fma.MultiplyAdd(u, v0, a30); a31 = Fma.MultiplyAdd(u, v1, a31); a32 = Fma.MultiplyAdd(u, v2, a32);
            }
            Store(y + (long)m * outs + n, a00, a01, a02);
            Store(y + (long)(m + 1) * outs + n, a10, a11, a12);
            Store(y + (long)(m + 2) * outs + n, a20, a21, a22);
            Store(y + (long)(m + 3) * outs + n, a30, a31, a32);
        }
        for (; m < rows; m++)
        {
            var x0 = x + (long)m * inner;
            Vector256<float> a0 = default, a1 = default, a2 = default;
            for (var k = 0; k < inner; k += 8)
            {
                var u = Avx.LoadVector256(x0 + k);
                a0 = Fma.MultiplyAdd(u, Avx.LoadVector256(w0 + k), a0);
                a1 = Fma.MultiplyAdd(u, Avx.LoadVector256(w1 + k), a1);
                a2 = Fma.MultiplyAdd(u, Avx.LoadVector256(w2 + k), a2);
            }
            Store(y + (long)m * outs + n, a0, a1, a2);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void OneOutput(float* x, float* w, float* y, int rows, int inner, int outs, int n)
    {
        var w0 = w + (long)n * inner;
        for (var m = 0; m < rows; m++)
        {
            var x0 = x + (long)m * inner;
            Vector256<float> a = default;
            for (var k = 0; k < inner; k += 8) a = Fma.MultiplyAdd(Avx.LoadVector256(x0 + k), Avx.LoadVector256(w0 + k), a);
            y[(long)m * outs + n] = Vector256.Sum(a);
        }
    }

    private static void Store(float* at, Vector256<float> a0, Vector256<float> a1, Vector256<float> a2)
    {
        at[0] = Vector256.Sum(a0);
        at[1] = Vector256.Sum(a1);
        at[2] = Vector256.Sum(a2);
    }
}
