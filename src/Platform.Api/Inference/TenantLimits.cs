using Microsoft.Extensions.Options;

namespace Platform.Api.Inference;

/// <summary>
/// Per-tenant requests/min, tokens/min (sliding minute) and concurrent requests for the completion endpoints, in this
/// process. A granted lease holds a concurrency place until disposed; <see cref="Lease.Settle"/> replaces the tokens
/// reserved at admission with those actually used.
/// </summary>
public sealed class TenantLimits(IOptions<ServingOptions> options, TimeProvider clock)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly Dictionary<string, TenantWindow> tenants = [];

    internal sealed class TenantWindow
    {
        public LinkedList<Entry> Entries { get; } = new();
        public int Concurrent { get; set; }
    }

    internal sealed class Entry(DateTimeOffset at, int tokens)
    {
        public DateTimeOffset At { get; } = at;
        public int Tokens { get; set; } = tokens;
    }

    /// <summary>A lease, or null with how long to wait and which limit was hit.</summary>
    public (Lease? Lease, TimeSpan RetryAfter, string Limit) TryAcquire(string tenantId, int tokens)
    {
        var o = options.Value;
        var now = clock.GetUtcNow();
        lock (tenants)
        {
            if (!tenants.TryGetValue(tenantId, out var window)) tenants[tenantId] = window = new TenantWindow();
            while (window.Entries.First is { } first && now - first.Value.At >= Window) window.Entries.RemoveFirst();
            if (window.Concurrent >= o.MaxConcurrentRequests) return (null, TimeSpan.FromSeconds(1), "concurrent requests");
            if (window.Entries.Count >= o.RequestsPerMinute) return (null, window.Entries.First!.Value.At + Window - now, "requests per minute");
            var used = window.Entries.Sum(e => e.Tokens);
            if (used + tokens > o.TokensPerMinute) return (null, TokensFreeAt(window, o.TokensPerMinute - tokens, now), "tokens per minute");
            var entry = new Entry(now, tokens);
            window.Entries.AddLast(entry);
            window.Concurrent++;
            return (new Lease(this, window, entry), TimeSpan.Zero, "");
        }
    }

    private static TimeSpan TokensFreeAt(TenantWindow window, int allowed, DateTimeOffset now)
    {
        var remaining = window.Entries.Sum(e => e.Tokens);
        foreach (var entry in window.Entries)
        {
            remaining -= entry.Tokens;
            if (remaining <= allowed) return entry.At + Window - now;
        }
        return Window;
    }

    public sealed class Lease : IDisposable
    {
        private readonly TenantLimits owner;
        private readonly TenantWindow window;
        private readonly Entry entry;
        private bool released;

        internal Lease(TenantLimits owner, TenantWindow window, Entry entry) => (this.owner, this.window, this.entry) = (owner, window, entry);

        public void Settle(int tokensUsed)
        {
            lock (owner.tenants) entry.Tokens = tokensUsed;
        }

        public void Dispose()
        {
            lock (owner.tenants)
            {
                if (released) return;
                released = true;
                window.Concurrent--;
            }
        }
    }
}
