using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using Platform.Domain.Inference;
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
    public void Small_values_are_drawn_in_units_that_whole_number_ticks_can_show()
    {
        IReadOnlyList<MetricPoint> points = [Step(1, 12.8) with { LearningRate = 5e-3 }, Step(2, 2.0) with { LearningRate = 1e-4 }];
        var (loss, _) = MetricChart.Build(points, [new("train loss", m => m.TrainLoss)]);
        Assert.Equal((0, 5), MetricChart.Axis(loss)); // 0–12.8: ticks 5 apart, as drawn
        var (lr, _) = MetricChart.Build(points, [new("learning rate", m => m.LearningRate)]);
        Assert.Equal((4, 10), MetricChart.Axis(lr)); // 5e-3 drawn as 50 in units of 1e-4

        var cut = Render<MetricChart>(p => p.Add(c => c.Title, "Learning rate").Add(c => c.Points, points)
            .Add(c => c.Lines, [new MetricChart.Line("learning rate", m => m.LearningRate)]));
        Assert.Contains("Learning rate (×1e-4)", cut.Markup);
        var chart = cut.FindComponent<MudChart<double>>().Instance;
        Assert.Equal([50, 1], chart.ChartSeries[0].Data.Values.Select(v => Math.Round(v, 9)));
        Assert.Equal(10, ((LineChartOptions)chart.ChartOptions!).YAxisTicks);
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
    public void Rl_and_dpo_metric_events_give_reward_curves_and_sft_ones_none()
    {
        var grpo = JobQueries.MetricsOf([
            """{"step":1,"total_steps":2,"train_loss":0.1,"learning_rate":1e-4,"reward":0.25,"reward_std":0.4,"rewards/accuracy/mean":0.25}""",
            """{"step":2,"total_steps":2,"train_loss":0.1,"learning_rate":1e-4,"reward":0.75,"reward_std":0.3}""",
        ]);
        var dpo = JobQueries.MetricsOf([
            """{"step":1,"total_steps":1,"train_loss":0.69,"learning_rate":1e-4,"rewards/chosen":0.02,"rewards/rejected":-0.01,"rewards/margins":0.03}""",
        ]);
        var sft = JobQueries.MetricsOf(["""{"step":1,"total_steps":1,"train_loss":2.0,"learning_rate":1e-4}"""]);
        IReadOnlyList<MetricChart.Line> lines =
        [
            new("reward", p => p.Reward), new("reward std", p => p.RewardStd),
            new("chosen", p => p.RewardChosen), new("rejected", p => p.RewardRejected), new("margin", p => p.RewardMargin),
        ];

        var (grpoSeries, _) = MetricChart.Build(grpo, lines);
        Assert.Equal(["reward", "reward std"], grpoSeries.Select(x => x.Name));
        Assert.Equal([0.25, 0.75], grpoSeries[0].Data.Values);
        var (dpoSeries, _) = MetricChart.Build(dpo, lines);
        Assert.Equal(["chosen", "rejected", "margin"], dpoSeries.Select(x => x.Name));
        Assert.Equal([0.03], dpoSeries[2].Data.Values);
        Assert.True(grpo.All(p => p.HasRewards) && dpo.All(p => p.HasRewards));
        Assert.False(sft.Single().HasRewards);
    }

    [Fact]
    public void Hyperparameters_show_the_resolved_values_each_method_uses()
    {
        var sft = new Platform.Domain.Jobs.JobSettings(3, 9, 1, 1e-4, "lora", 8, 16, 0.05, ["q_proj", "v_proj"], 2048, 10, MicroBatchSize: 3);
        var rows = JobHyperparameters.Of("supervised", sft, 42).ToDictionary(r => r.Name, r => r.Value);
        Assert.Equal("9", rows["batch size"]);
        Assert.Equal("3 × 3 (lowered to fit the worker's memory)", rows["micro-batch × accumulation"]);
        Assert.Equal("8 / 16 / 0.05", rows["LoRA rank / alpha / dropout"]);
        Assert.Equal("q_proj, v_proj", rows["target modules"]);
        Assert.Equal("42", rows["seed"]);
        Assert.DoesNotContain("beta", rows.Keys);

        var rft = sft with { Method = "reinforcement", MicroBatchSize = null, Beta = 0.04, NumGenerations = 8, Epsilon = 0.2, MaxCompletionLength = 512, Grader = """{"type":"accuracy"}""" };
        rows = JobHyperparameters.Of("reinforcement", rft, 7).ToDictionary(r => r.Name, r => r.Value);
        Assert.Equal(("0.04", "8", "0.2", "512"), (rows["beta"], rows["generations per prompt"], rows["epsilon (clip)"], rows["max completion length"]));
        Assert.Contains("accuracy", rows["grader"]);
        Assert.DoesNotContain("micro-batch × accumulation", rows.Keys);

        var full = sft with { TrainType = "full" };
        Assert.DoesNotContain("target modules", JobHyperparameters.Of("supervised", full, 1).Select(r => r.Name));
    }

    [Fact]
    public void The_inference_panel_lists_each_process_base_with_its_resident_adapters_and_tokens_per_second()
    {
        var now = DateTimeOffset.UtcNow;
        InferenceSiloAnnouncement Silo(string id, string host, params InferenceBaseStatus[] bases) => new(id, host, 4242, now, bases, 17, false);
        InferenceBaseStatus Base(string id, bool loaded, string[] adapters, int running, int waiting, double tokensPerSecond) =>
            new(id, loaded, adapters, running, waiting, tokensPerSecond);
        var pool = new InferencePoolView(
        [
            new(Silo("S10.0.0.1:11111:1", "gpu-a", Base("qwen3-tiny", true, ["ft:qwen3-tiny:ten_a:x:ftjob-1", "ft:qwen3-tiny:ten_b:y:ftjob-2"], 3, 1, 812.5),
                Base("qwen3-0.6b", false, [], 0, 0, 0)), now),
            new(Silo("S10.0.0.2:11111:1", "gpu-b", Base("qwen3-tiny", true, ["ft:qwen3-tiny:ten_a:x:ftjob-1"], 1, 0, 100)), now),
        ], Reachable: true);

        var cut = Render<InferenceSilos>(p => p.Add(c => c.Pool, pool));

        var rows = cut.FindAll("tr[data-silo]");
        Assert.Equal(3, rows.Count);
        var first = rows[0].TextContent;
        Assert.Contains("gpu-a · pid 4242", first);
        Assert.Contains("loaded", first);
        Assert.Contains("ft:qwen3-tiny:ten_a:x:ftjob-1, ft:qwen3-tiny:ten_b:y:ftjob-2", first);
        Assert.Contains("3 / 1", first);
        Assert.Contains("812.5", first);
        Assert.Contains("not loaded", rows[1].TextContent);
        Assert.Equal("—", rows[1].QuerySelector("[data-testid=resident-adapters]")!.TextContent);
        Assert.Contains("2 process(es) · 912.5 tokens/s", cut.Find("[data-testid=inference-total]").TextContent);
        Assert.Equal(["S10.0.0.1:11111:1", "S10.0.0.2:11111:1"], pool.SilosByAdapter["ft:qwen3-tiny:ten_a:x:ftjob-1"].Order());
        Assert.Equal(["S10.0.0.1:11111:1", "S10.0.0.2:11111:1"], pool.SilosByLoadedBase["qwen3-tiny"].Order());
        Assert.Empty(pool.SilosByLoadedBase["qwen3-0.6b"]);
    }

    [Fact]
    public void The_inference_panel_says_when_no_process_announced_itself_or_the_directory_did_not_answer()
    {
        Assert.Contains("No inference process has announced itself.", Render<InferenceSilos>(p => p.Add(c => c.Pool, InferencePoolView.Empty)).Markup);
        Assert.Contains("The inference directory did not answer.", Render<InferenceSilos>(p => p.Add(c => c.Pool, new InferencePoolView([], false))).Markup);
    }

    [Fact]
    public void The_usage_chart_plots_trained_and_inference_tokens_per_day()
    {
        var day = new DateOnly(2026, 11, 20);
        var usage = new TenantUsage(1_400, 7_000, 130, 333,
            [new(day, 400, 30, 0), new(day.AddDays(1), 0, 0, 300), new(day.AddDays(2), 1_000, 90, 33)]);

        var cut = Render<UsageView>(p => p.Add(c => c.Usage, usage));

        var chart = cut.FindComponent<MudChart<double>>().Instance;
        Assert.Equal(["trained tokens per day", "inference tokens per day"], chart.ChartSeries.Select(s => s.Name));
        Assert.Equal([400, 0, 1_000], chart.ChartSeries[0].Data.Values);
        Assert.Equal([0, 300, 33], chart.ChartSeries[1].Data.Values);
        Assert.Equal(["11-20", "11-21", "11-22"], chart.ChartLabels);
        Assert.Equal("333", cut.Find("[data-testid=usage-inference]").TextContent);
        Assert.Equal("1,400", cut.Find("[data-testid=usage-trained]").TextContent);
        Assert.Equal("130", cut.Find("[data-testid=usage-training-seconds]").TextContent);

        var idle = Render<UsageView>(p => p.Add(c => c.Usage, usage with { Days = [new(day, 0, 0, 0), new(day.AddDays(1), 0, 0, 0)] }));
        Assert.Empty(idle.FindComponents<MudChart<double>>());
        Assert.Contains("No tokens trained or generated in the last 2 days.", idle.Markup);
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
