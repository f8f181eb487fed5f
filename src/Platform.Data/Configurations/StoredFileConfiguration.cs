using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.Data.Entities;

namespace Platform.Data.Configurations;

internal sealed class StoredFileConfiguration : IEntityTypeConfiguration<StoredFile>
{
    public void Configure(EntityTypeBuilder<StoredFile> b)
    {
        b.ToTable("files");
        b.HasKey(f => f.Id);
        b.Property(f => f.Id).HasMaxLength(40);
        b.Property(f => f.Filename).HasMaxLength(512);
        b.Property(f => f.Purpose).HasMaxLength(40);
        b.Property(f => f.Sha256).HasMaxLength(64);
        b.Property(f => f.NormalizedSha256).HasMaxLength(64);
        b.Property(f => f.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(f => f.Kind).HasConversion<string>().HasMaxLength(20);
        b.Property(f => f.ErrorReport).HasColumnType("jsonb");
        b.OwnsOne(f => f.Stats, s => s.ToJson("stats"));
        b.HasOne<Tenant>().WithMany().HasForeignKey(f => f.TenantId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(f => new { f.TenantId, f.CreatedAt });
        b.HasIndex(f => f.Sha256);
    }
}
