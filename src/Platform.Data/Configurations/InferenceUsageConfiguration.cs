using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.Data.Entities;

namespace Platform.Data.Configurations;

internal sealed class InferenceUsageConfiguration : IEntityTypeConfiguration<InferenceUsage>
{
    public void Configure(EntityTypeBuilder<InferenceUsage> b)
    {
        b.ToTable("inference_usage");
        b.HasKey(u => u.Id);
        b.Property(u => u.Id).UseIdentityAlwaysColumn();
        b.Property(u => u.TenantId).HasMaxLength(40);
        b.Property(u => u.Model).HasMaxLength(300);
        b.HasOne<Tenant>().WithMany().HasForeignKey(u => u.TenantId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(u => new { u.TenantId, u.Model, u.CreatedAt });
    }
}
