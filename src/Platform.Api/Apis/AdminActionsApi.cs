using Platform.Api.Auth;
using Platform.Api.Errors;
using Platform.WebConsole.Actions;
using Platform.WebConsole.Auth;

namespace Platform.Api.Apis;

/// <summary>
/// Operator changes to any tenant's jobs, models and webhook deliveries with the admin key: the same
/// <see cref="ConsoleActions"/> as the console's buttons, so each is audited (actor "admin-key").
/// </summary>
public static class AdminActionsApi
{
    public static IEndpointRouteBuilder MapAdminActionsApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin/v1")
            .AddEndpointFilter<AdminKeyFilter>()
            .AddEndpointFilter<DomainExceptionFilter>()
            .WithTags("Admin");
        foreach (var verb in (string[])["cancel", "pause", "resume"])
            admin.MapPost($"/fine_tuning/jobs/{{jobId}}/{verb}", (string jobId, ConsoleActions actions, CancellationToken ct) => ControlJob(jobId, verb, actions, ct));
        admin.MapDelete("/models/{modelId}", DeleteModel);
        admin.MapPost("/webhook_deliveries/{deliveryId}/retry", RetryDelivery);
        return app;
    }

    private static async Task<IResult> ControlJob(string jobId, string verb, ConsoleActions actions, CancellationToken ct) =>
        Results.Ok(FineTuningJobObject.From(await actions.ControlJobAsync(ConsoleActor.AdminKey, jobId, verb, ct)));

    private static async Task<IResult> DeleteModel(string modelId, ConsoleActions actions, CancellationToken ct)
    {
        await actions.DeleteModelAsync(ConsoleActor.AdminKey, modelId, ct);
        return Results.Ok(new ModelsApi.ModelDeleted(modelId, true));
    }

    private static async Task<IResult> RetryDelivery(string deliveryId, ConsoleActions actions, CancellationToken ct)
    {
        await actions.RetryDeliveryAsync(ConsoleActor.AdminKey, deliveryId, ct);
        return Results.Accepted();
    }
}
