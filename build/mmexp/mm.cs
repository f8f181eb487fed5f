#:project /work/wt-int/src/Platform.Training/Platform.Training.csproj
#:property RuntimeIdentifier=linux-x64
using System.Diagnostics;
using static TorchSharp.torch;
Platform.Training.TorchRuntime.EnsureInitialized();
Console.WriteLine($"threads {get_num_threads()}");
foreach (var dt in new[]{ScalarType.Float32})
foreach (var (m,k,n) in new[]{(1024,512,1536),(1024,1536,512),(512,512,151936),(512,151936,512),(2048,2048,2048)})
{
  using var scope = NewDisposeScope();
  using var _ = no_grad();
  var a = randn(m,k).to(dt); var b = randn(k,n).to(dt);
  mm(a,b).Dispose();
  var times = new List<double>();
  for (int i=0;i<5;i++){ var s=Stopwatch.GetTimestamp(); mm(a,b).Dispose(); times.Add(Stopwatch.GetElapsedTime(s).TotalSeconds);}
  times.Sort();
  Console.WriteLine($"{dt} {m}x{k}x{n}: {2.0*m*k*n/times[2]/1e9:F1} GFLOP/s");
}
