using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.Data.Entities;

namespace Platform.Data.Configurations;

internal sealed class WebhookEndpointConfiguration : IEntityTypeConfiguration<WebhookEndpoint>
{
    public void Configure(EntityTypeBuilder<WebhookEndpoint> b)
    {
        b.ToTable("webhook_endpoints");
        b.HasKey(e => e.Id);
        b.Property(e => e.Url).HasMaxLength(2048);
        b.HasOne<Tenant>().WithMany().HasForeignKey(e => e.TenantId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(e => e.TenantId);
    }
}

internal sealed class WebhookEventConfiguration : IEntityTypeConfiguration<WebhookEvent>
{
    public void Configure(EntityTypeBuilder<WebhookEvent> b)
    {
        b.ToTable("webhook_events");
        b.HasKey(e => e.Id);
        b.Property(e => e.Payload).HasColumnType("jsonb");
        b.HasIndex(e => new { e.TenantId, e.CreatedAt });
        b.HasIndex(e => e.CreatedAt).HasFilter("fanned_out_at IS NULL");
    }
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> b)
    {
        b.ToTable("webhook_deliveries");
        b.HasKey(d => d.Id);
        b.Property(d => d.Status).HasMaxLength(20);
        b.HasOne<WebhookEvent>().WithMany().HasForeignKey(d => d.EventId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<WebhookEndpoint>().WithMany().HasForeignKey(d => d.EndpointId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(d => new { d.Status, d.NextAttemptAt });
        b.HasIndex(d => new { d.EndpointId, d.CreatedAt });
    }
}

internal sealed class WebhookAttemptConfiguration : IEntityTypeConfiguration<WebhookAttempt>
{
    public void Configure(EntityTypeBuilder<WebhookAttempt> b)
    {
        b.ToTable("webhook_attempts");
        b.HasKey(a => a.Id);
        b.Property(a => a.Id).UseIdentityAlwaysColumn();
        b.Property(a => a.ResponseSnippet).HasMaxLength(1024);
        b.HasOne<WebhookDelivery>().WithMany().HasForeignKey(a => a.DeliveryId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(a => a.DeliveryId);
    }
}
