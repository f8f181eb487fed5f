using System.Diagnostics;
using Platform.Api.Tests.Support;
using Platform.Testing;

namespace Platform.Api.Tests.Distributed;

/// <summary>The service with MassTransit on a real RabbitMQ node (Debian's package, throwaway, loopback).</summary>
public class RabbitMqServer : PlatformServer
{
    public TestRabbitMq.Node Broker { get; private set; } = null!;

    public string VirtualHost { get; private set; } = "/";

    /// <summary>True for a fixture that stops its broker: it gets a node of its own instead of the shared one.</summary>
    protected virtual bool OwnBroker => false;

    protected override async Task BeforeStartAsync()
    {
        Broker = OwnBroker
            ? await TestRabbitMq.StartNodeAsync(TestContext.Current.CancellationToken)
            : await TestRabbitMq.NodeAsync(TestContext.Current.CancellationToken);
        VirtualHost = await TestRabbitMq.NewVirtualHostAsync(Broker, TestContext.Current.CancellationToken);
    }

    protected override Dictionary<string, string?> Settings()
    {
        var s = base.Settings();
        s["Messaging:Transport"] = "rabbitmq";
        s["Messaging:Host"] = Broker.Host;
        s["Messaging:Port"] = Broker.Port.ToString();
        s["Messaging:VirtualHost"] = VirtualHost;
        return s;
    }
}

public sealed class RabbitMqTransportTests(RabbitMqServer server) : IClassFixture<RabbitMqServer>
{
    [Fact]
    public async Task Jobs_reach_workers_through_a_quorum_queue_and_the_message_is_acknowledged_before_training_ends()
    {
        var t = await server.NewTenantAsync();
        using var client = server.Client(t.Key);
        var file = await JobCalls.UploadSampleAsync(client);
        var id = (await JobCalls.CreateAsync(client, file, epochs: 30, batchSize: 1)).GetProperty("id").GetString()!;

        await JobCalls.WaitForAsync(client, id, s => s == "running");
        var queue = await QueueAsync("start-training-run");
        Assert.Contains("quorum", queue);
        // Redeliveries are capped and then dead-lettered to the queue whose consumer fails the job.
        Assert.Contains("x-delivery-limit", queue);
        Assert.Contains("start-training-run-dead-letter", queue);
        var (ready, unacked) = Counts(queue);
        Assert.Equal(0, ready);
        Assert.Equal(0, unacked); // acknowledged although the run goes on: the job grain holds the lease
        Assert.Equal("running", (await JobCalls.GetAsync(client, id)).GetProperty("status").GetString());
        await JobCalls.PostAsync(client, id, "cancel");
        Assert.Equal("cancelled", (await JobCalls.WaitForAsync(client, id, s => s != "running")).GetProperty("status").GetString());

        var quick = (await JobCalls.CreateAsync(client, file, epochs: 1, batchSize: 9)).GetProperty("id").GetString()!;
        var done = await JobCalls.WaitForAsync(client, quick, s => s is "succeeded" or "failed");
        Assert.Equal("succeeded", done.GetProperty("status").GetString());
    }

    private async Task<string> QueueAsync(string name)
    {
        var output = await TestRabbitMq.CtlAsync(server.Broker,
            ["-q", "list_queues", "-p", server.VirtualHost, "name", "type", "messages_ready", "messages_unacknowledged", "arguments"],
            TestContext.Current.CancellationToken);
        return output.Split('\n').FirstOrDefault(l => l.StartsWith(name + "\t", StringComparison.Ordinal)) ?? throw new InvalidOperationException(output);
    }

    private static (int Ready, int Unacked) Counts(string line)
    {
        var parts = line.Split('\t');
        return (int.Parse(parts[2]), int.Parse(parts[3]));
    }
}
