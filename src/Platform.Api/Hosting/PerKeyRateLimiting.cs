using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Platform.Api.Auth;
using Platform.Api.Errors;
using Platform.Domain.Keys;

namespace Platform.Api.Hosting;

/// <summary>A token bucket per API key on /v1; over the limit: 429 with Retry-After and OpenAI's error shape.</summary>
internal static class PerKeyRateLimiting
{
    public const string Policy = "per-key";

    public static IServiceCollection AddPerKeyRateLimiting(this IServiceCollection services, RateLimitOptions options) =>
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(Policy, http =>
            {
                var token = BearerToken.From(http.Request);
                var partition = (token is null ? null : ApiKeySecret.KeyIdOf(token)) ?? "anonymous";
                return RateLimitPartition.GetTokenBucketLimiter(partition, _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = options.Burst,
                    TokensPerPeriod = Math.Max(1, options.RequestsPerSecond),
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            limiter.OnRejected = async (context, ct) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await ApiError.Result(StatusCodes.Status429TooManyRequests,
                    $"Rate limit reached for this API key. Retry after {seconds} s.", "requests", "rate_limit_exceeded")
                    .ExecuteAsync(context.HttpContext);
            };
        });
}
