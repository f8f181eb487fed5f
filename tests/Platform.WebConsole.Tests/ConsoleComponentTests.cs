using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Platform.WebConsole.Auth;
using Platform.WebConsole.Components.Shared;
using Platform.WebConsole.Queries;

namespace Platform.WebConsole.Tests;

/// <summary>The console's components rendered by bUnit: charts from metric series, form validation, viewers' disabled actions.</summary>
public sealed class ConsoleComponentTests : BunitContext
{
    public ConsoleComponentTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
    }

    private static MetricPoint Step(int step, double loss, double? valid = null) => new(step, 10, loss, valid, 0.5, null, 1e-4);

    [Fact]
    public void The_loss_chart_plots_one_series_per_metric_with_a_point_per_step()
    {
        IReadOnlyList<MetricPoint> points = [Step(1, 2.5), Step(2, 2.0, valid: 2.2), Step(3, 1.5), Step(4, 1.0, valid: 1.3)];
        var cut = Render<MetricChart>(p => p
            .Add(c => c.Title, "Loss").Add(c => c.TestId, "loss-chart").Add(c => c.Points, points)
            .Add(c => c.Lines, [new MetricChart.Line("train loss", m => m.TrainLoss), new MetricChart.Line("validation loss", m => m.ValidLoss)]));

        Assert.Equal("4", cut.Find("[data-testid=loss-chart]").GetAttribute("data-points"));
        var chart = cut.FindComponent<MudChart<double>>().Instance;
        Assert.Equal(["train loss", "validation loss"], chart.ChartSeries.Select(s => s.Name));
        Assert.Equal([2.5, 2.0, 1.5, 1.0], chart.ChartSeries[0].Data.Values);
        Assert.Equal(4, chart.ChartSeries[1].Data.Count); // validation loss only at steps 2 and 4; the others are gaps
        Assert.NotEmpty(cut.FindAll("svg path"));
    }

    [Fact]
    public void A_metric_nobody_reported_gets_no_series_and_an_empty_chart_says_so()
    {
        var (series, labels) = MetricChart.Build([Step(5, 1.0)], [new("train", m => m.TrainLoss), new("reward", m => m.Reward)]);
        Assert.Equal(["train"], series.Select(s => s.Name));
        Assert.Equal(["5"], labels);

        var empty = Render<MetricChart>(p => p.Add(c => c.Title, "Loss").Add(c => c.Points, []).Add(c => c.Lines, [new MetricChart.Line("train", m => m.TrainLoss)]));
        Assert.Contains("No metrics yet.", empty.Markup);
    }

    [Fact]
    public void The_new_tenant_form_refuses_an_empty_name_and_negative_limits()
    {
        NewTenantModel? submitted = null;
        var model = new NewTenantModel();
        var cut = Render<NewTenantForm>(p => p.Add(c => c.Input, model).Add(c => c.OnValidSubmit, m => submitted = m));

        cut.Find("form").Submit();
        Assert.Null(submitted);
        Assert.Contains("A name is required.", cut.Find(".validation-errors").TextContent);

        cut.Find("[data-testid=tenant-name]").Change("acme");
        cut.Find("input[name='Input.MaxConcurrentJobs']").Change("0");
        cut.Find("form").Submit();
        Assert.Null(submitted);
        Assert.Contains("Concurrent jobs must be between 1 and 1000.", cut.Markup);

        cut.Find("input[name='Input.MaxConcurrentJobs']").Change("2");
        cut.Find("form").Submit();
        Assert.Equal("acme", submitted?.Name);
        Assert.Equal(2, submitted?.MaxConcurrentJobs);
    }

    [Theory]
    [InlineData(ConsoleRoles.Viewer, false)]
    [InlineData(ConsoleRoles.Admin, true)]
    [InlineData(ConsoleRoles.Tenant, true)]
    public void Action_buttons_are_enabled_only_for_those_who_may_change_things(string role, bool enabled)
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("someone@example.com");
        auth.SetRoles(role);
        var cut = Render<ActionForm>(p => p.Add(c => c.Action, "/admin/actions/jobs/ftjob-1/cancel").Add(c => c.Label, "Cancel").Add(c => c.TestId, "job-cancel"));
        Assert.Equal(!enabled, cut.Find("[data-testid=job-cancel]").HasAttribute("disabled"));
        Assert.NotNull(cut.Find("input[name=__RequestVerificationToken], form"));
    }

    [Fact]
    public void A_viewer_sees_the_new_tenant_form_with_its_submit_disabled()
    {
        var cut = Render<NewTenantForm>(p => p.Add(c => c.Input, new NewTenantModel()).Add(c => c.Enabled, false));
        Assert.True(cut.Find("[data-testid=create-tenant]").HasAttribute("disabled"));
    }

    [Fact]
    public async Task The_server_refuses_a_viewers_change_whatever_the_page_sent()
    {
        var actions = new Actions.ConsoleActions(null!, null!, null!, null!);
        var viewer = new ConsoleActor("viewer@example.com", ConsoleRoles.Viewer, null);
        await Assert.ThrowsAsync<Actions.ConsoleForbiddenException>(() => actions.ControlJobAsync(viewer, "ftjob-1", "cancel", Xunit.TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<Actions.ConsoleForbiddenException>(() => actions.CreateTenantAsync(viewer, "acme", new(), Xunit.TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<Actions.ConsoleForbiddenException>(() => actions.DeleteModelAsync(viewer, "ft:x", Xunit.TestContext.Current.CancellationToken));
    }
}
