using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Platform.Api.Tests.Support;
using Platform.Domain.Inference;

namespace Platform.Api.Tests.Distributed;

/// <summary>The API silo in the test process (<c>Roles=api</c>, no engine) and two inference silo processes; the first also trains.</summary>
public sealed class InferenceClusterServer : ClusterServer
{
    public WorkerProcess First { get; private set; } = null!;
    public WorkerProcess Second { get; private set; } = null!;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        First = StartInference("inference,worker");
        Second = StartInference();
        await ActiveSilosAsync(3);
    }
}

/// <summary>Requests placed on inference silos through Orleans: announcements, adapter affinity, residency hooks, a silo killed.</summary>
public sealed class InferencePlacementTests(InferenceClusterServer server) : IClassFixture<InferenceClusterServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    // The first request after the kill goes to the dead silo (adapter affinity) and waits for Orleans' death verdict with
    // its default failure detector: 6–14 s measured on this 2-core machine under the full suite's load.
    private static readonly TimeSpan AfterKillBound = TimeSpan.FromSeconds(30);
    // Read through announcements (1 s apart) relayed by the directory: 2 s measured; a starved machine delays them.
    private static readonly TimeSpan FreedBound = TimeSpan.FromSeconds(10);
    private const int MaxTokens = 30000;

    [Fact]
    public async Task Both_inference_silos_serve_requests_and_an_adapter_goes_back_to_the_silo_where_it_is_resident()
    {
        using var admin = server.Admin();
        await SilosAsync(admin, s => s.Count == 2);
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);
        var before = await SilosAsync(admin, _ => true);

        var spread = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Completions.PostAsync(client, "/v1/chat/completions", Completions.Chat("qwen3-tiny", $"Hello {i}", 4))));
        Assert.All(spread, r => Assert.Equal(HttpStatusCode.OK, r.Response.StatusCode));
        var served = await SilosAsync(admin, s => s.Sum(x => x.Requests) >= Total(before) + 4);
        Assert.All(served, s => Assert.True(s.Requests > before.Single(b => b.Pid == s.Pid).Requests, $"silo {s.Pid} served none of 4 concurrent requests"));

        var model = await Completions.RegisterAdapterModelAsync(server, t.TenantId, seed: 11);
        Assert.Equal(HttpStatusCode.OK, (await Completions.PostAsync(client, "/v1/chat/completions", Completions.Chat(model, "Who are you?", 4))).Response.StatusCode);
        var resident = await SilosAsync(admin, s => s.Any(x => x.Resident.Contains(model)));
        var holder = resident.Single(s => s.Resident.Contains(model));
        await Task.Delay(TimeSpan.FromSeconds(2), Ct);  // the API's routing view refreshes every announce interval (1 s here)
        var mark = await SilosAsync(admin, _ => true);
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await Completions.PostAsync(client, "/v1/chat/completions", Completions.Chat(model, $"Again {i}", 4))).Response.StatusCode);
        var after = await SilosAsync(admin, s => Total(s) >= Total(mark) + 3);
        Assert.Equal(mark.Single(s => s.Pid == holder.Pid).Requests + 3, after.Single(s => s.Pid == holder.Pid).Requests);
    }

    [Fact]
    public async Task A_client_that_disconnects_frees_its_slot_on_the_remote_silo_at_once()
    {
        using var admin = server.Admin();
        await SilosAsync(admin, s => s.Count == 2);
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(Completions.Chat("qwen3-tiny", "Count to a million.", MaxTokens, stream: true)),
        };
        var stream = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        using (var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(Ct)))
            while (await reader.ReadLineAsync(Ct) is { } line && !Regex.IsMatch(line, "\"content\":\"[^\"]")) { }
        var running = await SilosAsync(admin, s => s.Sum(x => x.Running) == 1);
        var rate = running.Single(s => s.Running == 1).TokensPerSecond;

        var watch = Stopwatch.StartNew();
        stream.Dispose();  // the client goes away mid-stream
        await SilosAsync(admin, s => s.Sum(x => x.Running) == 0, FreedBound);
        // Left to run, the sequence would have gone on for MaxTokens / rate seconds.
        Assert.True(rate <= 0 || MaxTokens / rate > 2 * FreedBound.TotalSeconds, $"{rate} tokens/s: the sequence might have ended by itself");
        await Figures($"remote stream disconnected at {rate:F0} tokens/s: its slot on the inference silo free within {watch.Elapsed.TotalSeconds:F1} s (announce interval 1 s; bound {FreedBound.TotalSeconds} s)");
    }

    [Fact]
    public async Task A_published_model_is_preloaded_and_a_deleted_model_is_unloaded_on_every_inference_silo()
    {
        using var admin = server.Admin();
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);
        // Preloading goes only where the base already runs: run it on both silos first.
        while (!(await SilosAsync(admin, s => s.Count == 2)).All(s => s.Loaded))
            await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Completions.PostAsync(client, "/v1/chat/completions", Completions.Chat("qwen3-tiny", "Hi", 2))));

        var file = await JobCalls.UploadSampleAsync(client);
        var id = (await JobCalls.CreateAsync(client, file, epochs: 1, batchSize: 9)).GetProperty("id").GetString()!;
        var done = await JobCalls.WaitForAsync(client, id, s => s is "succeeded" or "failed", TimeSpan.FromMinutes(4));
        Assert.Equal("succeeded", done.GetProperty("status").GetString());
        var model = done.GetProperty("fine_tuned_model").GetString()!;
        var watch = Stopwatch.StartNew();
        await SilosAsync(admin, s => s.Count == 2 && s.All(x => x.Resident.Contains(model)), TimeSpan.FromSeconds(30));
        var preloaded = watch.Elapsed;

        Assert.Equal(HttpStatusCode.OK, (await client.DeleteAsync($"/v1/models/{model}", Ct)).StatusCode);
        watch.Restart();
        await SilosAsync(admin, s => s.Count == 2 && s.All(x => !x.Resident.Contains(model)), TimeSpan.FromSeconds(30));
        await Figures($"published model resident on both inference silos {preloaded.TotalSeconds:F1} s after the job succeeded; " +
            $"deleted model gone from both {watch.Elapsed.TotalSeconds:F1} s after DELETE returned");
    }

    [Fact]
    public async Task After_the_silo_holding_an_adapter_is_killed_new_requests_for_it_all_succeed_within_the_bound()
    {
        using var admin = server.Admin();
        var doomed = server.StartInference();
        await SilosAsync(admin, s => s.Any(x => x.Pid == doomed.Pid), TimeSpan.FromMinutes(2));
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);
        var model = await Completions.RegisterAdapterModelAsync(server, t.TenantId, seed: 12);
        // The adapter runs once on the doomed silo only (called directly), so affinity sends the API's requests there.
        var silo = server.Services.GetRequiredService<IGrainFactory>().GetGrain<IInferenceSiloGrain>((await SilosAsync(admin, _ => true)).Single(s => s.Pid == doomed.Pid).Id);
        var call = new InferenceCall(t.TenantId, "qwen3-tiny", [1, 2, 3], model, $"jobs/{t.TenantId}/{model.Split(':')[^1]}/model",
            new InferenceSampling(0, 1, 0, null, 1, [], [], false, 0));
        await foreach (var _ in silo.Generate(call, Ct)) { }
        await SilosAsync(admin, s => s.Single(x => x.Pid == doomed.Pid).Resident.Contains(model));
        await Task.Delay(TimeSpan.FromSeconds(2), Ct);
        var mark = (await SilosAsync(admin, _ => true)).Single(s => s.Pid == doomed.Pid).Requests;
        Assert.Equal(HttpStatusCode.OK, (await Completions.PostAsync(client, "/v1/chat/completions", Completions.Chat(model, "Who are you?", 4))).Response.StatusCode);
        await SilosAsync(admin, s => s.Single(x => x.Pid == doomed.Pid).Requests == mark + 1);  // affinity: it went to the doomed silo

        // Every silo's engine already running, so the figures below time the failover, not a cold engine start.
        while (!(await SilosAsync(admin, s => s.Count == 3)).All(s => s.Loaded))
            await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Completions.PostAsync(client, "/v1/chat/completions", Completions.Chat("qwen3-tiny", "Hi", 2))));
        await Task.Delay(TimeSpan.FromSeconds(2), Ct);

        // A stream in flight on the doomed silo: it ends with a retriable error event, not a silent cut or a [DONE].
        using var streaming = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(Completions.Chat(model, "Tell me a long story.", 4000, stream: true)),
        };
        using var stream = await client.SendAsync(streaming, HttpCompletionOption.ResponseHeadersRead, Ct);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(Ct));
        while (await reader.ReadLineAsync(Ct) is { } line && !Regex.IsMatch(line, "\"content\":\"[^\"]")) { }  // a token, not the role event
        Assert.Equal("", await reader.ReadLineAsync(Ct));

        doomed.Kill();
        var sinceKill = Stopwatch.StartNew();
        var rest = reader.ReadToEndAsync(Ct);
        var streamEnded = rest.ContinueWith(_ => sinceKill.Elapsed, TaskScheduler.Default);
        var times = new List<TimeSpan>();
        for (var i = 0; i < 6; i++)
        {
            var watch = Stopwatch.StartNew();
            var (response, body) = await Completions.PostAsync(client, "/v1/chat/completions", Completions.Chat(model, $"Still there {i}?", 4));
            times.Add(watch.Elapsed);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"request {i} after the kill: {(int)response.StatusCode} {body}");
            Assert.True(watch.Elapsed < AfterKillBound, $"request {i} after the kill took {watch.Elapsed.TotalSeconds:F1} s (bound {AfterKillBound.TotalSeconds} s)");
        }
        var tail = Completions.Events(await rest);
        Assert.DoesNotContain("[DONE]", tail);
        var error = JsonDocument.Parse(tail[^1]).RootElement.GetProperty("error");
        Assert.Equal("inference_interrupted", error.GetProperty("code").GetString());
        Assert.Contains("retry", error.GetProperty("message").GetString());
        await Figures($"inference silo SIGKILL: the stream in flight on it ended with inference_interrupted {(await streamEnded).TotalSeconds:F1} s after the kill; " +
            $"{times.Count} new requests for its adapter all succeeded, times {string.Join(", ", times.Select(x => $"{x.TotalSeconds:F2}"))} s (bound {AfterKillBound.TotalSeconds} s)");
        await server.ActiveSilosAsync(3, exactly: true);  // the next test's grains must not be placed on the dead silo
        await doomed.DisposeAsync();
    }

    private sealed record Silo(string Id, int Pid, long Requests, bool Loaded, IReadOnlyList<string> Resident, int Running, double TokensPerSecond);

    private static long Total(IEnumerable<Silo> silos) => silos.Sum(s => s.Requests);

    /// <summary>The live inference silos' qwen3-tiny engines, once <paramref name="until"/> holds (within a minute by default).</summary>
    private static async Task<List<Silo>> SilosAsync(HttpClient admin, Func<List<Silo>, bool> until, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromMinutes(1));
        while (true)
        {
            var list = await admin.GetFromJsonAsync<JsonElement>("/admin/v1/inference", Ct);
            var silos = list.GetProperty("data").EnumerateArray().Select(s =>
            {
                var tiny = s.GetProperty("base_models").EnumerateArray().Single(b => b.GetProperty("id").GetString() == "qwen3-tiny");
                return new Silo(s.GetProperty("id").GetString()!, s.GetProperty("process_id").GetInt32(), s.GetProperty("requests").GetInt64(),
                    tiny.GetProperty("loaded").GetBoolean(), [.. tiny.GetProperty("resident_adapters").EnumerateArray().Select(a => a.GetString()!)],
                    tiny.GetProperty("running").GetInt32(), tiny.GetProperty("tokens_per_second").GetDouble());
            }).ToList();
            if (until(silos)) return silos;
            if (DateTime.UtcNow > deadline) Assert.Fail($"inference silos: {list}");
            await Task.Delay(250, Ct);
        }
    }

    private static Task Figures(string line) =>
        File.AppendAllTextAsync(Path.Combine(Path.GetTempPath(), "platform-fault-figures.log"), $"{DateTimeOffset.UtcNow:O} {line}\n", Ct);
}
