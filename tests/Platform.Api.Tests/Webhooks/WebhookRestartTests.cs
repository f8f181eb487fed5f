using Microsoft.Extensions.DependencyInjection;
using Platform.Api.Tests.Support;
using Platform.Domain.Webhooks;

namespace Platform.Api.Tests.Webhooks;

public sealed class WebhookRestartTests
{
    /// <summary>Retries 5 s apart: the delivery must still be pending when the server stops, however long stopping takes.</summary>
    private sealed class SlowRetryWebhookServer : WebhookServer
    {
        protected override void ConfigureServices(IServiceCollection services) =>
            services.PostConfigure<WebhookOptions>(o => o.RetrySchedule = [.. Enumerable.Repeat(TimeSpan.FromSeconds(5), 8)]);
    }

    [Fact]
    public async Task An_event_from_a_job_that_finished_around_a_restart_is_still_delivered()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Status = 503;
        await using var server = new SlowRetryWebhookServer();
        await server.InitializeAsync();
        var t = await server.NewTenantAsync();
        string job;
        using (var client = server.Client(t.Key))
        {
            await WebhookCalls.CreateAsync(client, receiver.Url, "fine_tuning.job.succeeded");
            var file = await JobCalls.UploadSampleAsync(client);
            job = (await JobCalls.CreateAsync(client, file, epochs: 1, batchSize: 9)).GetProperty("id").GetString()!;
            await JobCalls.WaitForAsync(client, job, s => s == "succeeded");
        }

        await server.StopAsync();
        receiver.Status = 200;
        var before = receiver.Requests.Count(r => r.Body.Contains(job));
        await server.StartAsync();

        var delivered = await receiver.WaitForAsync(r => r.Body.Contains(job) && r.Body.Contains("succeeded") && receiver.Status == 200
                                                          && receiver.Requests.Count(x => x.Body.Contains(job)) > before);
        Assert.Contains("\"fine_tuning.job.succeeded\"", delivered.Body);
    }
}
