using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Platform.Api.Tests.Support;
using Platform.Contracts;
using Platform.Domain.Jobs;

namespace Platform.Api.Tests.Distributed;

/// <summary>Start messages that cannot be delivered fail their job with the reason; none is dropped silently.</summary>
public sealed class DispatchFaultTests(ClusterServer server) : IClassFixture<ClusterServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void The_silos_failure_detector_takes_its_settings_from_configuration() =>
        Assert.Equal(3, server.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value.NumMissedTableIAmAliveLimit);

    [Fact]
    public async Task A_start_message_that_faults_on_every_retry_fails_the_job_with_the_reason()
    {
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);
        var file = await JobCalls.UploadSampleAsync(client);
        // No worker yet, so nothing is dispatched; then the job's base model is withdrawn from the catalogue.
        var id = (await JobCalls.CreateAsync(client, file, epochs: 1, batchSize: 9)).GetProperty("id").GetString()!;
        Assert.Equal(0L, await server.ScalarAsync<long>("SELECT count(*) FROM fine_tuning_jobs WHERE id = $1 AND dispatched_at IS NOT NULL", id));
        await server.ScalarAsync<object>("UPDATE fine_tuning_jobs SET model = 'qwen3-retired' WHERE id = $1 RETURNING id", id);

        await using var worker = server.StartWorker();
        var failed = await JobCalls.WaitForAsync(client, id, s => s is "failed" or "succeeded" or "running", TimeSpan.FromMinutes(2));
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Equal("dispatch_failed", failed.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("qwen3-retired", failed.GetProperty("error").GetProperty("message").GetString());
        // Failed, not re-dispatched in a loop. (Under load a fault may come after the dispatch lease lapsed and attempt 2
        // went out; attempt 1's fault is then fenced off and attempt 2's fails the job.)
        Assert.InRange(await server.AttemptAsync(id), 1, 3);
    }

    [Fact]
    public async Task A_start_message_rabbitmq_dead_lettered_fails_the_job_instead_of_vanishing()
    {
        await server.ActiveSilosAsync(1, exactly: true); // a worker another test stopped has left the cluster
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);
        var file = await JobCalls.UploadSampleAsync(client);
        var id = (await JobCalls.CreateAsync(client, file, epochs: 1, batchSize: 9)).GetProperty("id").GetString()!;
        // As if dispatched (attempt 1) and then redelivered past the quorum queue's limit: RabbitMQ routes it to the
        // dead-letter exchange named in the queue's arguments, which feeds this queue.
        await server.ScalarAsync<object>("UPDATE fine_tuning_jobs SET attempt = 1, dispatched_at = now() WHERE id = $1 RETURNING id", id);
        var send = await server.Services.GetRequiredService<ISendEndpointProvider>()
            .GetSendEndpoint(new Uri($"exchange:{DeadLetteredTrainingRunConsumer.Queue}"));
        await send.Send(new StartTrainingRun(t.TenantId, id, 1), Ct);

        var failed = await JobCalls.WaitForAsync(client, id, s => s != "queued", TimeSpan.FromMinutes(1));
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Equal("dispatch_failed", failed.GetProperty("error").GetProperty("code").GetString());
        Assert.Contains("no worker acknowledged it", failed.GetProperty("error").GetProperty("message").GetString());
    }
}
