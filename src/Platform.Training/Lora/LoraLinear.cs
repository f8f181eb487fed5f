using TorchSharp;
using TorchSharp.Modules;
using Platform.Training.Qwen3;
using static TorchSharp.torch;

namespace Platform.Training.Lora;

/// <summary>
/// PEFT's lora.Linear: base_layer(x) + lora_B(lora_A(dropout(x))) * scaling, with the base frozen.
/// Keys: base_layer.weight, lora_A.weight (r, in), lora_B.weight (out, r); PEFT saves the last two under
/// "base_model.model.&lt;module&gt;.lora_A.weight".
/// </summary>
public sealed class LoraLinear : nn.Module<Tensor, Tensor>, IWrapsLinear
{
    private readonly Linear base_layer;
    private readonly Linear lora_A;
    private readonly Linear lora_B;
    private readonly nn.Module<Tensor, Tensor> lora_dropout;

    public LoraLinear(Linear baseLayer, LoraConfig config, Generator generator, ScalarType dtype = ScalarType.Float32)
        : base(nameof(LoraLinear))
    {
        base_layer = baseLayer;
        var (outFeatures, inFeatures) = (baseLayer.weight.shape[0], baseLayer.weight.shape[1]);
        var device = baseLayer.weight.device;
        lora_A = nn.Linear(new Parameter(empty([config.Rank, inFeatures], dtype, device)));
        lora_B = nn.Linear(new Parameter(zeros([outFeatures, config.Rank], dtype, device)));
        // kaiming_uniform_(a=sqrt(5)) on a (r, in) weight: gain sqrt(2 / (1 + 5)), bound gain * sqrt(3 / in) = 1 / sqrt(in)
        using (no_grad()) lora_A.weight.uniform_(-1 / Math.Sqrt(inFeatures), 1 / Math.Sqrt(inFeatures), generator);
        lora_dropout = config.Dropout > 0 ? nn.Dropout(config.Dropout) : nn.Identity();
        Scaling = config.Scaling;
        RegisterComponents();
        base_layer.weight.requires_grad = false;
        if (base_layer.bias is not null) base_layer.bias.requires_grad = false;
    }

    public double Scaling { get; }
    public bool Merged { get; private set; }
    /// <summary>False while <see cref="LoraAdapter.Disabled"/> holds: forward is the base layer alone (PEFT's disable_adapter).</summary>
    public bool Enabled { get; internal set; } = true;
    public Linear BaseLayer => base_layer;
    public Parameter A => lora_A.weight;
    public Parameter B => lora_B.weight;

    /// <summary>(…, in) → (…, out). The adapter runs in its own dtype (fp32 beside a bf16 base), as PEFT does.</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var result = base_layer.call(x);
        if (Merged || !Enabled) return result.MoveToOuterDisposeScope();
        var update = lora_B.call(lora_A.call(lora_dropout.call(x.to(A.dtype)))) * Scaling;
        return (result + update.to(result.dtype)).MoveToOuterDisposeScope();
    }

    /// <summary>Adds B·A·scaling into the base weight; forward then skips the adapter.</summary>
    public void Merge()
    {
        if (Merged) return;
        using var _ = no_grad();
        using var delta = Delta();
        base_layer.weight.add_(delta);
        Merged = true;
    }

    /// <summary>Subtracts what <see cref="Merge"/> added.</summary>
    public void Unmerge()
    {
        if (!Merged) return;
        using var _ = no_grad();
        using var delta = Delta();
        base_layer.weight.sub_(delta);
        Merged = false;
    }

    /// <summary>(out, in) weight update B·A·scaling in the base weight's dtype, computed in fp32.</summary>
    private Tensor Delta()
    {
        using var scope = NewDisposeScope();
        var delta = B.to(ScalarType.Float32).matmul(A.to(ScalarType.Float32)) * Scaling;
        return delta.to(base_layer.weight.dtype).MoveToOuterDisposeScope();
    }
}
