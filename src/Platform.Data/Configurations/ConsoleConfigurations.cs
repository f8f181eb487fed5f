using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.Data.Entities;

namespace Platform.Data.Configurations;

internal sealed class ConsoleUserConfiguration : IEntityTypeConfiguration<ConsoleUser>
{
    public void Configure(EntityTypeBuilder<ConsoleUser> b)
    {
        b.ToTable("console_users");
        b.HasKey(u => u.Id);
        b.Property(u => u.Email).HasMaxLength(320);
        b.HasIndex(u => u.Email).IsUnique();
        b.Property(u => u.Role).HasMaxLength(20);
    }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.ToTable("audit_log");
        b.HasKey(a => a.Id);
        b.Property(a => a.Id).UseIdentityAlwaysColumn();
        b.Property(a => a.Actor).HasMaxLength(320);
        b.Property(a => a.Action).HasMaxLength(60);
        b.Property(a => a.Target).HasMaxLength(200);
        b.Property(a => a.TenantId).HasMaxLength(40);
        b.HasIndex(a => a.At);
        b.HasIndex(a => new { a.TenantId, a.At });
    }
}
